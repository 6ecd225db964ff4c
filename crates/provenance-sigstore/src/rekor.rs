//! Rekor v1 log entries as the Rekor API serves them (`{uuid: LogEntry}`, hex log id, hex
//! hashes), converted into the `TransparencyLogEntry` form a bundle carries, so that an entry
//! found online is verified by exactly the checks a bundle's entry gets. No I/O here: fetching
//! is a [`TlogLookup`]'s job (the online one is `RekorLookup`, feature `rekor-lookup`).

use serde_json::Value;

use crate::bundle::{
    I64, WireCheckpoint, WireInclusionPromise, WireInclusionProof, WireKindVersion, WireLogId,
    WireTlogEntry,
};
use crate::error::{Result, malformed};

/// Most hashes accepted in an inclusion proof (a tree of 2^64 leaves needs 64).
const MAX_PROOF_HASHES: usize = 64;
/// What a malformed API entry is called in errors.
const FIELD: &str = "Rekor log entry";

/// Finds the transparency log entries that may record a signature, for inputs that carry no
/// log entry themselves (legacy slsa-github-generator envelopes with an embedded certificate).
///
/// What it returns is not trusted: [`crate::BundleVerifier::verify_legacy_envelope_with_log`]
/// verifies each entry offline (body bound to the envelope, signed entry timestamp, inclusion
/// proof and checkpoint against the trusted root's log keys) exactly as for a bundle. The
/// online implementation is `RekorLookup` (feature `rekor-lookup`); tests and caches can
/// supply their own.
pub trait TlogLookup: Send + Sync + std::fmt::Debug {
    /// The entries indexed under the SHA-256 of a DSSE payload (Rekor's `sha256:HEX` search
    /// key, which both `intoto` 0.0.2 and `dsse` 0.0.1 entries are indexed by). An empty list
    /// means the log knows no such entry.
    ///
    /// # Errors
    /// Whatever prevented the lookup (for `RekorLookup`: [`crate::Error::ServiceUnavailable`],
    /// [`crate::Error::ServiceRefused`], [`crate::Error::BadServiceAnswer`]).
    fn entries_for_payload(&self, payload_sha256: &[u8; 32]) -> Result<Vec<RekorEntry>>;
}

/// One Rekor v1 log entry (body, integrated time, signed entry timestamp, inclusion proof with
/// checkpoint), read from the Rekor API's JSON; not yet verified.
#[derive(Clone, Debug)]
pub struct RekorEntry {
    pub(crate) uuid: String,
    pub(crate) wire: WireTlogEntry,
}

impl RekorEntry {
    /// Reads the answer of `GET /api/v1/log/entries/{uuid}` (or one element of
    /// `POST /api/v1/log/entries/retrieve`, or of entry creation): a JSON object holding
    /// exactly one `uuid: LogEntry` pair, with its `verification` (SET and inclusion proof
    /// with checkpoint).
    ///
    /// # Errors
    /// [`crate::Error::Malformed`] naming the missing or malformed field.
    pub fn from_api_json(answer: &Value) -> Result<Self> {
        let entries = answer
            .as_object()
            .ok_or_else(|| malformed(FIELD, "not a JSON object"))?;
        let (Some((uuid, e)), 1) = (entries.iter().next(), entries.len()) else {
            return Err(malformed(FIELD, "not exactly one log entry"));
        };
        Ok(Self {
            uuid: uuid.clone(),
            wire: wire_entry(e)?,
        })
    }

    /// The entry's UUID, as the log named it.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// Checks that this entry is the one `uuid` names: the key it came under is `uuid`
    /// (case-insensitive), and that UUID's last 64 hex digits (Rekor prefixes 16 digits of tree
    /// id) are the RFC 6962 leaf hash of its body, as cosign's `verifyUUID` checks.
    ///
    /// # Errors
    /// [`crate::Error::Malformed`] when either does not hold.
    pub fn check_uuid(&self, uuid: &str) -> Result<()> {
        if !self.uuid.eq_ignore_ascii_case(uuid) {
            return Err(malformed(
                FIELD,
                "the answer holds another entry than asked",
            ));
        }
        let leaf = self
            .uuid
            .len()
            .checked_sub(64)
            .and_then(|start| self.uuid.get(start..))
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| malformed(FIELD, "the UUID does not end in a 64-digit hex hash"))?;
        let body = crate::b64::decode("body", &self.wire.canonicalized_body)?;
        if leaf.as_slice() == crate::tlog::leaf_hash(&body).as_slice() {
            Ok(())
        } else {
            Err(malformed(
                FIELD,
                "the UUID is not the hash of the entry's body",
            ))
        }
    }

    /// The entry in bundle form.
    pub(crate) fn into_wire(self) -> WireTlogEntry {
        self.wire
    }
}

fn hex_to_b64(field: &str, v: Option<&Value>) -> Result<String> {
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(FIELD, format!("no {field}")))?;
    let bytes = hex::decode(s).map_err(|_| malformed(FIELD, format!("{field} is not hex")))?;
    Ok(crate::b64::encode(&bytes))
}

fn int(field: &str, v: Option<&Value>) -> Result<I64> {
    v.and_then(Value::as_i64)
        .filter(|n| *n >= 0)
        .map(I64)
        .ok_or_else(|| malformed(FIELD, format!("no non-negative integer {field}")))
}

/// A Rekor API `LogEntry` (the value under its UUID) in bundle form.
fn wire_entry(e: &Value) -> Result<WireTlogEntry> {
    let body_b64 = e
        .get("body")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(FIELD, "no body"))?;
    let body =
        crate::b64::decode("body", body_b64).map_err(|_| malformed(FIELD, "body is not base64"))?;
    let body: Value =
        serde_json::from_slice(&body).map_err(|_| malformed(FIELD, "body is not a JSON entry"))?;
    let kind = body.get("kind").and_then(Value::as_str);
    let version = body.get("apiVersion").and_then(Value::as_str);
    let (Some(kind), Some(version)) = (kind, version) else {
        return Err(malformed(FIELD, "body has no kind/apiVersion"));
    };
    let verification = e
        .get("verification")
        .ok_or_else(|| malformed(FIELD, "no verification (SET and inclusion proof)"))?;
    let set = verification
        .get("signedEntryTimestamp")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(FIELD, "no signedEntryTimestamp"))?;
    let proof = verification
        .get("inclusionProof")
        .ok_or_else(|| malformed(FIELD, "no inclusionProof"))?;
    let hashes = proof
        .get("hashes")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(FIELD, "no inclusionProof.hashes"))?;
    if hashes.len() > MAX_PROOF_HASHES {
        return Err(malformed(FIELD, "too many inclusion proof hashes"));
    }
    let hashes = hashes
        .iter()
        .map(|h| hex_to_b64("inclusionProof.hashes", Some(h)))
        .collect::<Result<Vec<_>>>()?;
    let checkpoint = proof
        .get("checkpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(FIELD, "no inclusionProof.checkpoint"))?;
    Ok(WireTlogEntry {
        log_index: int("logIndex", e.get("logIndex"))?,
        log_id: WireLogId {
            key_id: hex_to_b64("logID", e.get("logID"))?,
        },
        kind_version: WireKindVersion {
            kind: kind.to_owned(),
            version: version.to_owned(),
        },
        integrated_time: int("integratedTime", e.get("integratedTime"))?,
        inclusion_promise: Some(WireInclusionPromise {
            signed_entry_timestamp: set.to_owned(),
        }),
        inclusion_proof: Some(WireInclusionProof {
            log_index: int("inclusionProof.logIndex", proof.get("logIndex"))?,
            root_hash: hex_to_b64("inclusionProof.rootHash", proof.get("rootHash"))?,
            tree_size: int("inclusionProof.treeSize", proof.get("treeSize"))?,
            hashes,
            checkpoint: Some(WireCheckpoint {
                envelope: checkpoint.to_owned(),
            }),
        }),
        canonicalized_body: body_b64.to_owned(),
    })
}

/// The reason of a [`crate::Error::Malformed`] from [`RekorEntry::from_api_json`], for callers that
/// report it as a service's bad answer.
#[cfg(feature = "rekor-lookup")]
pub(crate) fn malformed_reason(e: crate::error::Error) -> String {
    match e {
        crate::error::Error::Malformed { reason, .. } => reason,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(body: &[u8]) -> Value {
        let body = crate::b64::encode(body);
        json!({"abc": {
            "body": body, "integratedTime": 1_700_000_000, "logID": "00ff", "logIndex": 7,
            "verification": {
                "signedEntryTimestamp": "AAAA",
                "inclusionProof": {"logIndex": 3, "treeSize": 9, "rootHash": "0102",
                                   "hashes": ["03"], "checkpoint": "cp\n"},
            },
        }})
    }

    const BODY: &[u8] = br#"{"apiVersion":"0.0.1","kind":"hashedrekord"}"#;

    #[test]
    fn api_entry_becomes_a_bundle_entry() {
        let e = RekorEntry::from_api_json(&answer(BODY)).unwrap();
        assert_eq!(e.uuid(), "abc");
        let w = e.into_wire();
        assert_eq!(w.log_index.0, 7);
        assert_eq!(w.log_id.key_id, "AP8=");
        assert_eq!(w.kind_version.kind, "hashedrekord");
        let proof = w.inclusion_proof.unwrap();
        assert_eq!((proof.log_index.0, proof.tree_size.0), (3, 9));
        assert_eq!(proof.root_hash, "AQI=");
        assert_eq!(proof.hashes, ["Aw=="]);
    }

    #[test]
    fn uuid_must_name_the_body() {
        let leaf = hex::encode(crate::tlog::leaf_hash(BODY));
        let mut a = answer(BODY);
        let v = a["abc"].take();
        let tree = "24296fb24b8ad77a";
        let a = json!({ format!("{tree}{leaf}"): v });
        let e = RekorEntry::from_api_json(&a).unwrap();
        e.check_uuid(&format!("{tree}{}", leaf.to_uppercase()))
            .unwrap();
        let err = e.check_uuid(&leaf).unwrap_err().to_string();
        assert!(err.contains("another entry than asked"), "{err}");
        let other = hex::encode(crate::tlog::leaf_hash(b"another body"));
        let a = json!({ other.clone(): a[format!("{tree}{leaf}")].clone() });
        let err = RekorEntry::from_api_json(&a)
            .unwrap()
            .check_uuid(&other)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not the hash of the entry's body"), "{err}");
    }

    #[test]
    fn broken_entries_are_named() {
        let mut two = answer(BODY);
        two["def"] = two["abc"].clone();
        let mut no_proof = answer(BODY);
        no_proof["abc"]["verification"]
            .as_object_mut()
            .unwrap()
            .remove("inclusionProof");
        let mut bad_hex = answer(BODY);
        bad_hex["abc"]["logID"] = json!("zz");
        let mut negative = answer(BODY);
        negative["abc"]["logIndex"] = json!(-1);
        for (a, want) in [
            (json!([]), "not a JSON object"),
            (two, "not exactly one log entry"),
            (no_proof, "no inclusionProof"),
            (bad_hex, "logID is not hex"),
            (negative, "logIndex"),
        ] {
            let err = RekorEntry::from_api_json(&a).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert!(err.starts_with("malformed Rekor log entry: "), "{err}");
        }
    }
}
