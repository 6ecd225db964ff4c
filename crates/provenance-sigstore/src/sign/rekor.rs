//! Rekor v1: `POST /api/v1/log/entries` with a proposed `dsse` 0.0.1 or `hashedrekord`
//! 0.0.1 entry; the answer (`{uuid: LogEntry}`) becomes a bundle `TransparencyLogEntry` with
//! its signed entry timestamp, inclusion proof and checkpoint.

use serde_json::{Value, json};

use crate::bundle::WireTlogEntry;
use crate::error::{Error, Result};
use crate::http::{Http, Posted};

const SERVICE: &str = "Rekor";

/// A proposed `dsse` 0.0.1 entry: the envelope (as JSON text) and the certificate.
pub(crate) fn dsse_entry(payload_type: &str, payload: &[u8], sig: &[u8], cert_pem: &str) -> Value {
    let envelope = json!({
        "payload": crate::b64::encode(payload),
        "payloadType": payload_type,
        "signatures": [{ "sig": crate::b64::encode(sig) }],
    });
    json!({
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": { "proposedContent": {
            "envelope": envelope.to_string(),
            "verifiers": [crate::b64::encode(cert_pem.as_bytes())],
        }},
    })
}

/// A proposed `hashedrekord` 0.0.1 entry over a SHA-256 digest.
pub(crate) fn hashedrekord_entry(digest: &[u8; 32], sig: &[u8], cert_pem: &str) -> Value {
    json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": { "hash": { "algorithm": "sha256", "value": hex::encode(digest) } },
            "signature": {
                "content": crate::b64::encode(sig),
                "publicKey": { "content": crate::b64::encode(cert_pem.as_bytes()) },
            },
        },
    })
}

/// A Rekor v2 `CreateEntryRequest` for a `hashedrekord` 0.0.2 entry over a SHA-256 digest,
/// with the certificate as verifier.
pub(crate) fn hashedrekord_v2_request(digest: &[u8; 32], sig: &[u8], cert_der: &[u8]) -> Value {
    json!({
        "hashedRekordRequestV002": {
            "digest": crate::b64::encode(digest),
            "signature": {
                "content": crate::b64::encode(sig),
                "verifier": {
                    "x509Certificate": { "rawBytes": crate::b64::encode(cert_der) },
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                },
            },
        },
    })
}

/// Creates a Rekor v2 entry; the answer is a `TransparencyLogEntry` in protobuf JSON, the
/// very form a bundle carries.
pub(crate) fn create_entry_v2(
    http: &Http,
    base_url: &str,
    request: &Value,
) -> Result<WireTlogEntry> {
    let url = format!("{}/api/v2/log/entries", base_url.trim_end_matches('/'));
    let answer = http.post_json(SERVICE, &url, None, request)?;
    let entry: WireTlogEntry = serde_json::from_value(answer)
        .map_err(|e| bad(&url, format!("not a TransparencyLogEntry ({e})")))?;
    if entry.kind_version.version != "0.0.2" || entry.inclusion_proof.is_none() {
        return Err(bad(&url, "not a Rekor v2 entry with an inclusion proof"));
    }
    Ok(entry)
}

/// Creates the entry and converts Rekor's answer.
///
/// When Rekor answers 409 Conflict (the entry exists already, typically because an earlier
/// attempt was logged but its answer lost), the existing entry is fetched by the UUID the
/// answer names (its `ETag`, or the last segment of its `Location`), as cosign does; the
/// bundle's self-verification then checks that it records this very signature.
pub(crate) fn create_entry(http: &Http, base_url: &str, proposed: &Value) -> Result<WireTlogEntry> {
    let base = base_url.trim_end_matches('/');
    let url = format!("{base}/api/v1/log/entries");
    match http.post_json_or_conflict(SERVICE, &url, proposed)? {
        Posted::Created(answer) => entry_from_answer(&answer, &url),
        Posted::Conflict { location, etag } => {
            let uuid = etag
                .as_deref()
                .map(|e| e.trim_matches('"'))
                .filter(|e| is_uuid(e))
                .or_else(|| {
                    location
                        .as_deref()
                        .and_then(|l| l.rsplit('/').next())
                        .filter(|u| is_uuid(u))
                })
                .ok_or_else(|| {
                    bad(
                        &url,
                        "409 Conflict without the existing entry's UUID (ETag or Location)",
                    )
                })?
                .to_owned();
            let entry_url = format!("{base}/api/v1/log/entries/{uuid}");
            let answer = http.get_json(SERVICE, &entry_url, None)?;
            let entry = crate::rekor::RekorEntry::from_api_json(&answer)
                .map_err(|e| bad(&entry_url, crate::rekor::malformed_reason(e)))?;
            entry
                .check_uuid(&uuid)
                .map_err(|e| bad(&entry_url, crate::rekor::malformed_reason(e)))?;
            Ok(entry.into_wire())
        }
    }
}

/// A Rekor entry UUID: 64 hex digits (the leaf hash), or 80 with the tree id before it.
fn is_uuid(s: &str) -> bool {
    matches!(s.len(), 64 | 80) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn bad(url: &str, reason: impl Into<String>) -> Error {
    Error::BadServiceAnswer {
        service: SERVICE,
        url: url.to_owned(),
        reason: reason.into(),
    }
}

/// Reads Rekor's answer to an entry creation (`{uuid: LogEntry}`) as a bundle entry.
pub(crate) fn entry_from_answer(answer: &Value, url: &str) -> Result<WireTlogEntry> {
    crate::rekor::RekorEntry::from_api_json(answer)
        .map(crate::rekor::RekorEntry::into_wire)
        .map_err(|e| bad(url, crate::rekor::malformed_reason(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> Value {
        let body = crate::b64::encode(br#"{"apiVersion":"0.0.1","kind":"hashedrekord"}"#);
        json!({"abc": {
            "body": body, "integratedTime": 1_700_000_000, "logID": "00ff", "logIndex": 7,
            "verification": {
                "signedEntryTimestamp": "AAAA",
                "inclusionProof": {"logIndex": 3, "treeSize": 9, "rootHash": "0102",
                                   "hashes": ["03"], "checkpoint": "cp\n"},
            },
        }})
    }

    #[test]
    fn answer_becomes_a_bundle_entry() {
        let e = entry_from_answer(&answer(), "http://r").unwrap();
        assert_eq!(e.log_index.0, 7);
        assert_eq!(e.log_id.key_id, "AP8=");
        assert_eq!(e.kind_version.kind, "hashedrekord");
        let proof = e.inclusion_proof.unwrap();
        assert_eq!((proof.log_index.0, proof.tree_size.0), (3, 9));
        assert_eq!(proof.root_hash, "AQI=");
        assert_eq!(proof.hashes, ["Aw=="]);
    }

    #[test]
    fn broken_answers_are_named() {
        let mut two = answer();
        two["def"] = two["abc"].clone();
        let mut no_proof = answer();
        no_proof["abc"]["verification"]
            .as_object_mut()
            .unwrap()
            .remove("inclusionProof");
        let mut bad_hex = answer();
        bad_hex["abc"]["logID"] = json!("zz");
        let mut negative = answer();
        negative["abc"]["logIndex"] = json!(-1);
        for (a, want) in [
            (json!([]), "not a JSON object"),
            (two, "not exactly one log entry"),
            (no_proof, "no inclusionProof"),
            (bad_hex, "logID is not hex"),
            (negative, "logIndex"),
        ] {
            let err = entry_from_answer(&a, "http://r").unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert!(
                err.starts_with("Rekor at http://r gave an invalid answer"),
                "{err}"
            );
        }
    }
}
