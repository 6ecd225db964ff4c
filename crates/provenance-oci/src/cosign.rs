//! cosign 2's attestations: an image tagged `sha256-<hex>.att` whose layers are DSSE envelopes
//! (`application/vnd.dsse.envelope.v1+json`), keyless ones annotated with the Fulcio
//! certificate (`dev.sigstore.cosign/certificate`, `/chain`) and cosign's Rekor bundle
//! (`dev.sigstore.cosign/bundle`: the signed entry timestamp and the entry).
//!
//! <https://github.com/sigstore/cosign/blob/main/specs/ATTESTATION_SPEC.md>

use serde_json::{Value, json};

use crate::client::{ManifestRef, RegistryClient};
use crate::manifest::{Descriptor, ImageManifest};
use crate::{Error, OciDigest, Repository};

/// The media type of a DSSE envelope layer.
pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The certificate annotation (PEM).
pub const ANNOTATION_CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
/// The chain annotation (PEM, intermediates then root).
pub const ANNOTATION_CHAIN: &str = "dev.sigstore.cosign/chain";
/// The Rekor bundle annotation (JSON).
pub const ANNOTATION_BUNDLE: &str = "dev.sigstore.cosign/bundle";
/// Most layers read from one `.att` image.
pub const MAX_ATT_LAYERS: usize = 100;

/// One attestation layer of a cosign `.att` image, downloaded and checked against its digest.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CosignAttestation {
    /// The layer's descriptor (with cosign's annotations).
    pub layer: Descriptor,
    /// The DSSE envelope bytes.
    pub envelope: Vec<u8>,
}

/// The `.att` tag cosign uses for `subject`: `sha256-<hex>.att`.
pub fn att_tag(subject: &OciDigest) -> String {
    format!("{}.att", subject.referrers_tag())
}

/// Reads cosign's `.att` image for `subject`: every DSSE layer (at most [`MAX_ATT_LAYERS`],
/// each at most `max_layer_bytes`). No `.att` tag: an empty list.
///
/// # Errors
/// Registry and digest errors; [`Error::TooMany`] past the layer bound.
pub fn discover_att(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
    max_layer_bytes: u64,
    max_total_bytes: u64,
) -> Result<Vec<CosignAttestation>, Error> {
    let tag = att_tag(subject).parse()?;
    let manifest = match client.get_manifest(repo, &ManifestRef::Tag(tag)) {
        Ok(m) => m,
        Err(Error::NotFound { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let parsed: ImageManifest =
        serde_json::from_slice(&manifest.bytes).map_err(|e| Error::Malformed {
            what: format!("cosign attestation image {}", att_tag(subject)),
            url: repo.to_string(),
            reason: e.to_string(),
        })?;
    // the same layer listed twice is one attestation: read and counted once
    let mut seen = std::collections::HashSet::new();
    let layers: Vec<&Descriptor> = parsed
        .layers
        .iter()
        .filter(|l| l.media_type == DSSE_ENVELOPE)
        .filter(|l| seen.insert(&l.digest))
        .collect();
    if layers.len() > MAX_ATT_LAYERS {
        return Err(Error::TooMany {
            what: format!("layers in {}", att_tag(subject)),
            limit: MAX_ATT_LAYERS,
        });
    }
    // what the layers say they weigh, before any is downloaded (each download is then held to
    // its own size by the digest check and the per-layer bound)
    let total = layers
        .iter()
        .fold(0u64, |sum, l| sum.saturating_add(l.size));
    if total > max_total_bytes {
        return Err(Error::TooLarge {
            what: format!("layers of {} together", att_tag(subject)),
            url: repo.to_string(),
            limit: max_total_bytes,
        });
    }
    let mut out = Vec::with_capacity(layers.len());
    for layer in layers {
        if layer.size > max_layer_bytes {
            return Err(Error::TooLarge {
                what: "cosign attestation layer".to_owned(),
                url: format!("{repo}@{}", layer.digest),
                limit: max_layer_bytes,
            });
        }
        let envelope = client.get_blob(repo, &layer.digest, max_layer_bytes)?;
        out.push(CosignAttestation {
            layer: layer.clone(),
            envelope,
        });
    }
    Ok(out)
}

impl CosignAttestation {
    /// What the verifier reads: with a certificate and a Rekor bundle in the annotations, a
    /// Sigstore bundle v0.1 (certificate chain, the log entry with its signed entry timestamp,
    /// the DSSE envelope); otherwise the DSSE envelope itself (key-signed).
    ///
    /// # Errors
    /// [`Error::Referrer`] when the annotations are malformed.
    pub fn to_verifiable(&self) -> Result<Vec<u8>, Error> {
        let bad = |reason: &str| Error::Referrer {
            digest: self.layer.digest.to_string(),
            reason: format!("cosign layer: {reason}"),
        };
        let Some(cert) = self.layer.annotations.get(ANNOTATION_CERTIFICATE) else {
            return Ok(self.envelope.clone());
        };
        let b64 = provenance_model::b64::encode;
        let mut certificates = pem_certificates(cert).map_err(|e| bad(&e))?;
        if certificates.len() != 1 {
            return Err(bad(
                "the certificate annotation must hold exactly one certificate",
            ));
        }
        if let Some(chain) = self.layer.annotations.get(ANNOTATION_CHAIN) {
            certificates.extend(pem_certificates(chain).map_err(|e| bad(&e))?);
        }
        let envelope: Value = serde_json::from_slice(&self.envelope)
            .map_err(|_| bad("the layer is not a DSSE envelope"))?;
        let mut bundle = json!({
            "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
            "verificationMaterial": {
                "x509CertificateChain": {
                    "certificates": certificates.iter().map(|c| json!({"rawBytes": b64(c)})).collect::<Vec<_>>(),
                },
                "tlogEntries": [],
            },
            "dsseEnvelope": envelope,
        });
        if let Some(rekor) = self.layer.annotations.get(ANNOTATION_BUNDLE) {
            let entry = tlog_entry(rekor).map_err(|e| bad(&e))?;
            if let Some(entries) = bundle
                .pointer_mut("/verificationMaterial/tlogEntries")
                .and_then(Value::as_array_mut)
            {
                entries.push(entry);
            }
        }
        serde_json::to_vec(&bundle).map_err(|e| bad(&e.to_string()))
    }
}

fn pem_certificates(pem: &str) -> Result<Vec<Vec<u8>>, String> {
    use rustls_pki_types::pem::PemObject as _;
    rustls_pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .take(10)
        .map(|c| {
            c.map(|c| c.as_ref().to_vec())
                .map_err(|e| format!("bad PEM: {e}"))
        })
        .collect()
}

/// cosign's Rekor bundle `{"SignedEntryTimestamp", "Payload": {"body", "integratedTime",
/// "logIndex", "logID"}}` as a bundle `tlogEntries` item with an inclusion promise.
fn tlog_entry(rekor: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(rekor).map_err(|_| "Rekor bundle is not JSON")?;
    let s = |p: &str| v.pointer(p).and_then(Value::as_str);
    let n = |p: &str| v.pointer(p).and_then(Value::as_i64);
    let set = s("/SignedEntryTimestamp").ok_or("Rekor bundle: no SignedEntryTimestamp")?;
    let body = s("/Payload/body").ok_or("Rekor bundle: no Payload.body")?;
    let time = n("/Payload/integratedTime").ok_or("Rekor bundle: no Payload.integratedTime")?;
    let index = n("/Payload/logIndex").ok_or("Rekor bundle: no Payload.logIndex")?;
    let log_id = s("/Payload/logID").ok_or("Rekor bundle: no Payload.logID")?;
    let log_id = hex::decode(log_id).map_err(|_| "Rekor bundle: logID is not hex")?;
    let decoded = provenance_model::b64::decode_lenient(body)
        .map_err(|_| "Rekor bundle: body is not base64")?;
    let entry: Value =
        serde_json::from_slice(&decoded).map_err(|_| "Rekor bundle: body is not JSON")?;
    let kind = entry
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("Rekor entry: no kind")?;
    let version = entry
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or("Rekor entry: no apiVersion")?;
    Ok(json!({
        "logIndex": index.to_string(),
        "logId": {"keyId": provenance_model::b64::encode(&log_id)},
        "kindVersion": {"kind": kind, "version": version},
        "integratedTime": time.to_string(),
        "inclusionPromise": {"signedEntryTimestamp": set},
        "canonicalizedBody": body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn layer(annotations: &[(&str, &str)]) -> CosignAttestation {
        let envelope = br#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}"#.to_vec();
        let mut d = Descriptor::of(DSSE_ENVELOPE, &envelope);
        d.annotations = annotations
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>();
        CosignAttestation { layer: d, envelope }
    }

    #[test]
    fn key_signed_layers_are_the_envelope_itself() {
        let l = layer(&[("predicateType", "https://slsa.dev/provenance/v1")]);
        assert_eq!(l.to_verifiable().unwrap(), l.envelope);
    }

    #[test]
    fn malformed_annotations_are_named() {
        let l = layer(&[(ANNOTATION_CERTIFICATE, "not pem")]);
        let err = l.to_verifiable().unwrap_err().to_string();
        assert!(err.contains("exactly one certificate"), "{err}");
        for (rekor, reason) in [
            ("{", "Rekor bundle is not JSON"),
            ("{}", "no SignedEntryTimestamp"),
            (
                r#"{"SignedEntryTimestamp":"x","Payload":{"body":"!","integratedTime":1,"logIndex":1,"logID":"00"}}"#,
                "body is not base64",
            ),
            (
                r#"{"SignedEntryTimestamp":"x","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"zz"}}"#,
                "logID is not hex",
            ),
        ] {
            assert!(tlog_entry(rekor).unwrap_err().contains(reason), "{rekor}");
        }
        let ok = tlog_entry(
            r#"{"SignedEntryTimestamp":"U0VU","Payload":{"body":"eyJraW5kIjoiZHNzZSIsImFwaVZlcnNpb24iOiIwLjAuMSJ9","integratedTime":1740520687,"logIndex":174304112,"logID":"c0d2"}}"#,
        )
        .unwrap();
        assert_eq!(ok["kindVersion"]["kind"], "dsse");
        assert_eq!(ok["kindVersion"]["version"], "0.0.1");
        assert_eq!(ok["logIndex"], "174304112");
        assert_eq!(ok["logId"]["keyId"], "wNI=");
    }
}
