//! Rekor v1: `POST /api/v1/log/entries` with a proposed `dsse` 0.0.1 or `hashedrekord`
//! 0.0.1 entry; the answer (`{uuid: LogEntry}`) becomes a bundle `TransparencyLogEntry` with
//! its signed entry timestamp, inclusion proof and checkpoint.

use serde_json::{Value, json};

use crate::bundle::{
    I64, WireCheckpoint, WireInclusionPromise, WireInclusionProof, WireKindVersion, WireLogId,
    WireTlogEntry,
};
use crate::error::{Error, Result};
use crate::sign::http::Http;

const SERVICE: &str = "Rekor";
/// Most hashes accepted in an inclusion proof (a tree of 2^64 leaves needs 64).
const MAX_PROOF_HASHES: usize = 64;

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
pub(crate) fn create_entry(http: &Http, base_url: &str, proposed: &Value) -> Result<WireTlogEntry> {
    let url = format!("{}/api/v1/log/entries", base_url.trim_end_matches('/'));
    let answer = http.post_json(SERVICE, &url, None, proposed)?;
    entry_from_answer(&answer, &url)
}

fn bad(url: &str, reason: impl Into<String>) -> Error {
    Error::BadServiceAnswer {
        service: SERVICE,
        url: url.to_owned(),
        reason: reason.into(),
    }
}

fn hex_to_b64(url: &str, field: &str, v: Option<&Value>) -> Result<String> {
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| bad(url, format!("no {field}")))?;
    let bytes = hex::decode(s).map_err(|_| bad(url, format!("{field} is not hex")))?;
    Ok(crate::b64::encode(&bytes))
}

fn int(url: &str, field: &str, v: Option<&Value>) -> Result<I64> {
    v.and_then(Value::as_i64)
        .filter(|n| *n >= 0)
        .map(I64)
        .ok_or_else(|| bad(url, format!("no non-negative integer {field}")))
}

pub(crate) fn entry_from_answer(answer: &Value, url: &str) -> Result<WireTlogEntry> {
    let entries = answer
        .as_object()
        .ok_or_else(|| bad(url, "not a JSON object"))?;
    let (Some((_uuid, e)), 1) = (entries.iter().next(), entries.len()) else {
        return Err(bad(url, "not exactly one log entry"));
    };
    let body_b64 = e
        .get("body")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(url, "no body"))?;
    let body = crate::b64::decode("body", body_b64).map_err(|_| bad(url, "body is not base64"))?;
    let body: Value =
        serde_json::from_slice(&body).map_err(|_| bad(url, "body is not a JSON entry"))?;
    let kind = body.get("kind").and_then(Value::as_str);
    let version = body.get("apiVersion").and_then(Value::as_str);
    let (Some(kind), Some(version)) = (kind, version) else {
        return Err(bad(url, "body has no kind/apiVersion"));
    };
    let verification = e
        .get("verification")
        .ok_or_else(|| bad(url, "no verification (SET and inclusion proof)"))?;
    let set = verification
        .get("signedEntryTimestamp")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(url, "no signedEntryTimestamp"))?;
    let proof = verification
        .get("inclusionProof")
        .ok_or_else(|| bad(url, "no inclusionProof"))?;
    let hashes = proof
        .get("hashes")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(url, "no inclusionProof.hashes"))?;
    if hashes.len() > MAX_PROOF_HASHES {
        return Err(bad(url, "too many inclusion proof hashes"));
    }
    let hashes = hashes
        .iter()
        .map(|h| hex_to_b64(url, "inclusionProof.hashes", Some(h)))
        .collect::<Result<Vec<_>>>()?;
    let checkpoint = proof
        .get("checkpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(url, "no inclusionProof.checkpoint"))?;
    Ok(WireTlogEntry {
        log_index: int(url, "logIndex", e.get("logIndex"))?,
        log_id: WireLogId {
            key_id: hex_to_b64(url, "logID", e.get("logID"))?,
        },
        kind_version: WireKindVersion {
            kind: kind.to_owned(),
            version: version.to_owned(),
        },
        integrated_time: int(url, "integratedTime", e.get("integratedTime"))?,
        inclusion_promise: Some(WireInclusionPromise {
            signed_entry_timestamp: set.to_owned(),
        }),
        inclusion_proof: Some(WireInclusionProof {
            log_index: int(url, "inclusionProof.logIndex", proof.get("logIndex"))?,
            root_hash: hex_to_b64(url, "inclusionProof.rootHash", proof.get("rootHash"))?,
            tree_size: int(url, "inclusionProof.treeSize", proof.get("treeSize"))?,
            hashes,
            checkpoint: Some(WireCheckpoint {
                envelope: checkpoint.to_owned(),
            }),
        }),
        canonicalized_body: body_b64.to_owned(),
    })
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
