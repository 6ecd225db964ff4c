//! Rekor transparency log checks: signed entry timestamps (RFC 8785 canonical JSON), RFC 6962
//! inclusion proofs, checkpoints (C2SP signed notes), and binding of the entry body to the
//! bundle being verified.

use crate::bundle::{InclusionProof, TlogEntry};
use crate::crypto::{HashAlgorithm, PublicKey, sha256};
use crate::error::{Error, Result};
use crate::trust::TrustedLog;
use serde_json::Value;

/// Verifies the signed entry timestamp (inclusion promise) of a Rekor v1 entry.
pub(crate) fn verify_set(entry: &TlogEntry, set: &[u8], log: &TrustedLog) -> Result<()> {
    // RFC 8785: keys sorted, integers plain, the base64 body needs no escaping.
    if !entry
        .body_b64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    {
        return Err(Error::InvalidSignature(
            "signed entry timestamp (body not canonical base64)",
        ));
    }
    let canonical = format!(
        r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
        entry.body_b64,
        entry.integrated_time,
        hex::encode(&entry.log_id),
        entry.log_index
    );
    log.key()
        .verify(canonical.as_bytes(), set, "signed entry timestamp")
}

fn hash_children(l: &[u8], r: &[u8]) -> [u8; 32] {
    let mut buf = Vec::with_capacity(65);
    buf.push(1);
    buf.extend_from_slice(l);
    buf.extend_from_slice(r);
    sha256(&buf)
}

/// RFC 6962 leaf hash.
pub(crate) fn leaf_hash(body: &[u8]) -> [u8; 32] {
    let mut buf = Vec::with_capacity(body.len() + 1);
    buf.push(0);
    buf.extend_from_slice(body);
    sha256(&buf)
}

/// Recomputes the root from an inclusion proof (RFC 9162 §2.1.3.2) and compares it.
pub(crate) fn verify_inclusion(proof: &InclusionProof, leaf: [u8; 32]) -> Result<()> {
    let (index, size) = (proof.log_index, proof.tree_size);
    if index >= size {
        return Err(Error::InvalidInclusionProof(
            "log index not below tree size",
        ));
    }
    let inner = (u64::BITS - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = (index >> inner).count_ones() as usize;
    if proof.hashes.len() != inner + border {
        return Err(Error::InvalidInclusionProof("wrong number of proof hashes"));
    }
    let mut res = leaf;
    for (i, h) in proof.hashes.iter().enumerate() {
        if i < inner {
            res = if (index >> i) & 1 == 0 {
                hash_children(&res, h)
            } else {
                hash_children(h, &res)
            };
        } else {
            res = hash_children(h, &res);
        }
    }
    if res.as_slice() == proof.root_hash.as_slice() {
        Ok(())
    } else {
        Err(Error::InvalidInclusionProof(
            "computed root does not match the proof's root hash",
        ))
    }
}

/// Verifies a checkpoint (signed note) against the log and the proof: a signature line
/// named after the log, with the log's key hint, verifying over the note body; and the
/// body's tree size and root hash equal to the proof's.
pub(crate) fn verify_checkpoint(
    note: &str,
    proof: &InclusionProof,
    log: &TrustedLog,
) -> Result<()> {
    let split = note
        .find("\n\n")
        .ok_or(Error::InvalidCheckpoint("no blank line before signatures"))?;
    let body = note
        .get(..=split)
        .ok_or(Error::InvalidCheckpoint("bad note"))?;
    let sigs = note
        .get(split + 2..)
        .ok_or(Error::InvalidCheckpoint("bad note"))?;
    let mut lines = body.lines();
    let origin = lines
        .next()
        .filter(|o| !o.is_empty())
        .ok_or(Error::InvalidCheckpoint("no origin"))?;
    let size: u64 = lines
        .next()
        .and_then(|s| {
            if s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        })
        .ok_or(Error::InvalidCheckpoint("tree size is not a number"))?;
    let root = lines
        .next()
        .and_then(|r| crate::b64::decode("checkpoint root", r).ok())
        .filter(|r| r.len() == 32)
        .ok_or(Error::InvalidCheckpoint(
            "root hash is not 32 bytes of base64",
        ))?;
    let name = log.host();
    // A Rekor v1 signed tree head names its tree: "<origin> - <tree id>". sigstore-go checks
    // it as rekor's SignedNote.Verify does: every signature carries the log key's hint
    // (SHA-256 of its SPKI) and verifies, whatever names the origin and the signature lines
    // give (private deployments name the pod, not the base URL). Rekor v2 checkpoints are
    // C2SP signed notes, checked against the log's host name (sigstore-go's note verifier).
    let rekor_v1 = origin.rsplit_once(" - ").is_some_and(|(o, id)| {
        !o.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
    });
    if rekor_v1 {
        verify_v1_signatures(body, sigs, log)?;
    } else {
        if origin != name {
            return Err(Error::InvalidCheckpoint("origin does not name the log"));
        }
        verify_note_signatures(body, sigs, name, log)?;
    }
    if size != proof.tree_size || root != proof.root_hash {
        return Err(Error::InvalidCheckpoint(
            "tree size or root hash differ from the inclusion proof",
        ));
    }
    Ok(())
}

/// Rekor v1 (rekor `SignedNote.Verify`): at least one signature line, and every line a
/// signature by the log's key, hinted by the first four bytes of SHA-256 over its SPKI.
fn verify_v1_signatures(body: &str, sigs: &str, log: &TrustedLog) -> Result<()> {
    let hint = sha256(log.key().spki_der());
    let mut count = 0usize;
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        count += 1;
        if count > 64 {
            return Err(Error::InvalidCheckpoint("too many signature lines"));
        }
        let (_, sig_b64) = line
            .strip_prefix("\u{2014} ")
            .and_then(|rest| rest.split_once(' '))
            .ok_or(Error::InvalidCheckpoint("malformed signature line"))?;
        let raw = crate::b64::decode("checkpoint signature", sig_b64)
            .map_err(|_| Error::InvalidCheckpoint("signature is not base64"))?;
        let (line_hint, sig) = raw
            .split_first_chunk::<4>()
            .ok_or(Error::InvalidCheckpoint("signature too short"))?;
        if line_hint.as_slice() != hint.get(..4).unwrap_or_default() {
            return Err(Error::InvalidCheckpoint(
                "a signature is not by the log's key (key hint)",
            ));
        }
        log.key()
            .verify(body.as_bytes(), sig, "checkpoint")
            .map_err(|_| {
                Error::InvalidCheckpoint("a signature does not verify with the log's key")
            })?;
    }
    if count == 0 {
        return Err(Error::InvalidCheckpoint("no signature"));
    }
    Ok(())
}

/// C2SP signed note (Rekor v2): some line named after the log, with the log's key hint,
/// verifies; other lines (witness cosignatures) are not ours to check.
fn verify_note_signatures(body: &str, sigs: &str, name: &str, log: &TrustedLog) -> Result<()> {
    let expected_hint: [u8; 4] = if log.key().is_ed25519() {
        let mut buf = Vec::new();
        buf.extend_from_slice(name.as_bytes());
        buf.push(b'\n');
        buf.push(0x01);
        buf.extend_from_slice(log.key().raw());
        let h = sha256(&buf);
        [h[0], h[1], h[2], h[3]]
    } else {
        let h = sha256(log.key().spki_der());
        [h[0], h[1], h[2], h[3]]
    };
    let mut count = 0usize;
    for line in sigs.lines() {
        if line.is_empty() {
            continue;
        }
        count += 1;
        if count > 64 {
            return Err(Error::InvalidCheckpoint("too many signature lines"));
        }
        let rest = line
            .strip_prefix("\u{2014} ")
            .ok_or(Error::InvalidCheckpoint("malformed signature line"))?;
        let (signer, sig_b64) = rest
            .split_once(' ')
            .ok_or(Error::InvalidCheckpoint("malformed signature line"))?;
        if signer != name {
            continue; // a witness cosignature or another log: not ours to check
        }
        let Ok(raw) = crate::b64::decode("checkpoint signature", sig_b64) else {
            continue;
        };
        let Some((hint, sig)) = raw.split_first_chunk::<4>() else {
            continue;
        };
        if *hint != expected_hint {
            continue;
        }
        if log.key().verify(body.as_bytes(), sig, "checkpoint").is_ok() {
            return Ok(());
        }
    }
    Err(Error::InvalidCheckpoint(
        "no signature by the log's key (name, key hint and signature)",
    ))
}

/// What the bundle claims was logged; the entry body must describe exactly this.
pub(crate) struct Binding<'a> {
    pub(crate) signature: &'a [u8],
    /// Leaf certificate DER (keyless) or SPKI DER (key-based).
    pub(crate) cert_der: Option<&'a [u8]>,
    pub(crate) key: &'a PublicKey,
    /// The exact bytes of a standalone DSSE envelope (a legacy envelope checked with its log
    /// entry): what an `intoto` 0.0.1 entry records the hash of.
    pub(crate) raw_envelope: Option<&'a [u8]>,
    pub(crate) content: BoundContent<'a>,
}

pub(crate) enum BoundContent<'a> {
    /// A message signature over an artifact with this (verified) digest.
    Message {
        alg: HashAlgorithm,
        digest: &'a [u8],
    },
    /// A DSSE envelope.
    Dsse {
        payload_type: &'a str,
        payload: &'a [u8],
        pae: &'a [u8],
    },
}

fn get<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn get_str<'v>(v: &'v Value, path: &[&str]) -> Result<&'v str> {
    get(v, path)
        .and_then(Value::as_str)
        .ok_or(Error::TlogBodyMismatch("entry body lacks a required field"))
}

fn b64_field(v: &Value, path: &[&str]) -> Result<Vec<u8>> {
    crate::b64::decode("tlog body", get_str(v, path)?)
}

/// Compares a PEM (certificate or public key) from a v1 body with the bundle's material.
fn same_pem_material(pem_b64: &str, b: &Binding<'_>) -> bool {
    let Ok(pem) = crate::b64::decode("tlog body key", pem_b64) else {
        return false;
    };
    let Ok(pem) = String::from_utf8(pem) else {
        return false;
    };
    if let Some(cert) = b.cert_der {
        if let Ok(der) = crate::crypto::pem_decode(&pem, "CERTIFICATE") {
            return der == cert;
        }
        return false;
    }
    crate::crypto::pem_decode(&pem, "PUBLIC KEY").is_ok_and(|der| der == b.key.spki_der())
}

/// Compares a Rekor v2 verifier object with the bundle's material.
fn same_v2_verifier(verifier: &Value, b: &Binding<'_>) -> bool {
    if let Some(cert) = b.cert_der {
        return get(verifier, &["x509Certificate", "rawBytes"])
            .and_then(Value::as_str)
            .and_then(|s| crate::b64::decode("verifier", s).ok())
            .is_some_and(|der| der == cert);
    }
    get(verifier, &["publicKey", "rawBytes"])
        .and_then(Value::as_str)
        .and_then(|s| crate::b64::decode("verifier", s).ok())
        .is_some_and(|der| der == b.key.spki_der())
}

fn check(cond: bool, what: &'static str) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(Error::TlogBodyMismatch(what))
    }
}

/// Checks that the entry's canonicalized body describes this bundle.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per Rekor entry kind, side by side"
)]
pub(crate) fn verify_body(entry: &TlogEntry, b: &Binding<'_>) -> Result<()> {
    let body: Value = serde_json::from_slice(&entry.body)
        .map_err(|_| Error::TlogBodyMismatch("entry body is not JSON"))?;
    let kind = get_str(&body, &["kind"])?;
    let api = get_str(&body, &["apiVersion"])?;
    check(
        kind == entry.kind && api == entry.version,
        "kind/version differ from kindVersion",
    )?;
    match (kind, api, &b.content) {
        ("hashedrekord", "0.0.1", BoundContent::Message { alg, digest }) => {
            let sig = b64_field(&body, &["spec", "signature", "content"])?;
            check(sig == b.signature, "signature differs")?;
            let pem = get_str(&body, &["spec", "signature", "publicKey", "content"])?;
            check(same_pem_material(pem, b), "certificate or key differs")?;
            let alg_name = get_str(&body, &["spec", "data", "hash", "algorithm"])?;
            let value = get_str(&body, &["spec", "data", "hash", "value"])?;
            check(
                alg_name == alg.name() && value == hex::encode(digest),
                "artifact digest differs",
            )
        }
        ("hashedrekord", "0.0.2", content) => {
            let spec = get(&body, &["spec", "hashedRekordV002"])
                .ok_or(Error::TlogBodyMismatch("no hashedRekordV002"))?;
            let sig = b64_field(spec, &["signature", "content"])?;
            check(sig == b.signature, "signature differs")?;
            let verifier = get(spec, &["signature", "verifier"])
                .ok_or(Error::TlogBodyMismatch("no verifier"))?;
            check(same_v2_verifier(verifier, b), "certificate or key differs")?;
            let alg = HashAlgorithm::parse(get_str(spec, &["data", "algorithm"])?)
                .map_err(|_| Error::TlogBodyMismatch("unknown digest algorithm"))?;
            let logged = b64_field(spec, &["data", "digest"])?;
            let expected = match content {
                BoundContent::Message { alg: a, digest } => {
                    check(*a == alg, "digest algorithm differs")?;
                    digest.to_vec()
                }
                BoundContent::Dsse { pae, .. } => alg.hash(pae),
            };
            check(logged == expected, "artifact digest differs")
        }
        ("dsse", "0.0.1", BoundContent::Dsse { payload, .. }) => {
            check(
                get_str(&body, &["spec", "payloadHash", "algorithm"])? == "sha256",
                "payload hash algorithm",
            )?;
            let ph = get_str(&body, &["spec", "payloadHash", "value"])?;
            check(ph == hex::encode(sha256(payload)), "payload hash differs")?;
            let sigs = get(&body, &["spec", "signatures"]).and_then(Value::as_array);
            let [s] = sigs.map(Vec::as_slice).unwrap_or_default() else {
                return Err(Error::TlogBodyMismatch(
                    "entry must hold exactly one signature",
                ));
            };
            check(
                b64_field(s, &["signature"])? == b.signature,
                "signature differs",
            )?;
            check(
                same_pem_material(get_str(s, &["verifier"])?, b),
                "certificate or key differs",
            )
        }
        // Rekor v2 logs DSSE envelopes as `hashedrekord` 0.0.2 over the PAE (rekor-v2 spec
        // §6.1.4); its early `dsse` 0.0.2 kind is refused, as sigstore-go (tlog entry
        // parsing accepts no other Rekor v2 kind), sigstore-python and sigstore-java do.
        ("dsse", "0.0.2", _) => Err(Error::UnsupportedEntryKind {
            kind: kind.to_owned(),
            version: api.to_owned(),
        }),
        (
            "intoto",
            "0.0.2",
            BoundContent::Dsse {
                payload_type,
                payload,
                ..
            },
        ) => {
            let content =
                get(&body, &["spec", "content"]).ok_or(Error::TlogBodyMismatch("no content"))?;
            check(
                get_str(content, &["payloadHash", "algorithm"])? == "sha256",
                "payload hash algorithm",
            )?;
            let ph = get_str(content, &["payloadHash", "value"])?;
            check(ph == hex::encode(sha256(payload)), "payload hash differs")?;
            check(
                get_str(content, &["envelope", "payloadType"])? == *payload_type,
                "payload type differs",
            )?;
            if let Some(p) = get(content, &["envelope", "payload"]).and_then(Value::as_str) {
                let once = crate::b64::decode("tlog payload", p)?;
                let inner =
                    String::from_utf8(once).map_err(|_| Error::TlogBodyMismatch("payload"))?;
                check(
                    crate::b64::decode("tlog payload", &inner)? == *payload,
                    "payload differs",
                )?;
            }
            let sigs = get(content, &["envelope", "signatures"]).and_then(Value::as_array);
            let [s] = sigs.map(Vec::as_slice).unwrap_or_default() else {
                return Err(Error::TlogBodyMismatch(
                    "entry must hold exactly one signature",
                ));
            };
            let once = b64_field(s, &["sig"])?;
            let inner =
                String::from_utf8(once).map_err(|_| Error::TlogBodyMismatch("signature"))?;
            check(
                crate::b64::decode("tlog sig", &inner)? == b.signature,
                "signature differs",
            )?;
            check(
                same_pem_material(get_str(s, &["publicKey"])?, b),
                "certificate or key differs",
            )
        }
        // Rekor's `intoto` 0.0.1 (slsa-github-generator's and cosign's uploads): the hashes of
        // the envelope as uploaded and of its payload, and the certificate. The signature is
        // bound through the envelope hash, so only a standalone envelope's exact bytes match.
        ("intoto", "0.0.1", BoundContent::Dsse { payload, .. }) => {
            let content =
                get(&body, &["spec", "content"]).ok_or(Error::TlogBodyMismatch("no content"))?;
            check(
                get_str(content, &["payloadHash", "algorithm"])? == "sha256"
                    && get_str(content, &["hash", "algorithm"])? == "sha256",
                "payload or envelope hash algorithm",
            )?;
            let ph = get_str(content, &["payloadHash", "value"])?;
            check(ph == hex::encode(sha256(payload)), "payload hash differs")?;
            let raw = b.raw_envelope.ok_or(Error::TlogBodyMismatch(
                "an intoto 0.0.1 entry records the hash of a standalone envelope's bytes",
            ))?;
            let logged = get_str(content, &["hash", "value"])?;
            let trimmed = raw.trim_ascii_end();
            check(
                logged == hex::encode(sha256(raw)) || logged == hex::encode(sha256(trimmed)),
                "envelope hash differs",
            )?;
            check(
                same_pem_material(get_str(&body, &["spec", "publicKey"])?, b),
                "certificate or key differs",
            )
        }
        ("hashedrekord" | "dsse" | "intoto", _, _) if matches!(api, "0.0.1" | "0.0.2") => Err(
            Error::TlogBodyMismatch("entry kind does not fit the bundle content"),
        ),
        _ => Err(Error::UnsupportedEntryKind {
            kind: kind.to_owned(),
            version: api.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_leaf_tree() {
        let leaf = leaf_hash(b"x");
        let p = InclusionProof {
            log_index: 0,
            tree_size: 1,
            root_hash: leaf.to_vec(),
            hashes: vec![],
            checkpoint: None,
        };
        verify_inclusion(&p, leaf).unwrap();
        let p = InclusionProof {
            log_index: 1,
            tree_size: 1,
            root_hash: leaf.to_vec(),
            hashes: vec![],
            checkpoint: None,
        };
        assert!(verify_inclusion(&p, leaf).is_err());
    }

    #[test]
    fn two_leaf_tree() {
        let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
        let root = hash_children(&a, &b);
        let p = InclusionProof {
            log_index: 1,
            tree_size: 2,
            root_hash: root.to_vec(),
            hashes: vec![a],
            checkpoint: None,
        };
        verify_inclusion(&p, b).unwrap();
        let p = InclusionProof {
            log_index: 0,
            tree_size: 2,
            root_hash: root.to_vec(),
            hashes: vec![a],
            checkpoint: None,
        };
        assert!(verify_inclusion(&p, b).is_err());
    }
}
