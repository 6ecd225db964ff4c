//! Other containers of the same Sigstore material, converted into [`Bundle`]s so that one
//! verifier handles them all: `PyPI` PEP 740 attestations and provenance objects, and cosign's
//! pre-v3 `--bundle` files (`base64Signature` + `cert` + `rekorBundle`).

use crate::bundle::{
    Bundle, I64, WireBundle, WireChain, WireDsseSignature, WireEnvelope, WireHashOutput,
    WireInclusionPromise, WireKindVersion, WireLogId, WireMaterial, WireMessageSignature,
    WirePublicKeyIdentifier, WireRawBytes, WireTlogEntry,
};
use crate::error::{Error, Result, malformed};
use crate::limits::Limits;
use serde::Deserialize;

use provenance_dsse::IN_TOTO_PAYLOAD_TYPE as IN_TOTO;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pep740 {
    version: u32,
    verification_material: Pep740Material,
    envelope: Pep740Envelope,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pep740Material {
    certificate: String,
    transparency_entries: Vec<WireTlogEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pep740Envelope {
    statement: String,
    signature: String,
}

#[derive(Deserialize)]
struct PypiProvenance {
    version: u32,
    attestation_bundles: Vec<PypiAttestationBundle>,
}

#[derive(Deserialize)]
struct PypiAttestationBundle {
    attestations: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CosignBundle {
    base64_signature: String,
    #[serde(default)]
    cert: Option<String>,
    rekor_bundle: CosignRekorBundle,
}

#[derive(Deserialize)]
struct CosignRekorBundle {
    #[serde(rename = "SignedEntryTimestamp")]
    signed_entry_timestamp: String,
    #[serde(rename = "Payload")]
    payload: CosignPayload,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CosignPayload {
    body: String,
    integrated_time: i64,
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

fn pep740_to_wire(a: Pep740) -> Result<WireBundle> {
    if a.version != 1 {
        return Err(malformed(
            "PEP 740 attestation",
            format!("unsupported version {}", a.version),
        ));
    }
    Ok(WireBundle {
        media_type: "application/vnd.dev.sigstore.bundle.v0.3+json".into(),
        verification_material: WireMaterial {
            x509_certificate_chain: None,
            certificate: Some(WireRawBytes {
                raw_bytes: a.verification_material.certificate,
            }),
            public_key: None,
            tlog_entries: a.verification_material.transparency_entries,
            timestamp_verification_data: None,
        },
        message_signature: None,
        dsse_envelope: Some(WireEnvelope {
            payload: a.envelope.statement,
            payload_type: IN_TOTO.into(),
            signatures: vec![WireDsseSignature {
                sig: a.envelope.signature,
                keyid: None,
                cert: None,
            }],
        }),
    })
}

impl Bundle {
    /// Reads a `PyPI` PEP 740 attestation (`{"version": 1, "verification_material",
    /// "envelope"}`) as the v0.3 DSSE bundle it encodes (payload type in-toto).
    ///
    /// # Errors
    /// [`Error::Json`] if it is not such a document, else as [`Bundle::from_json`].
    pub fn from_pep740_attestation(bytes: &[u8]) -> Result<Self> {
        Self::from_pep740_attestation_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`Bundle::from_pep740_attestation`], with other [`Limits`].
    ///
    /// # Errors
    /// As for [`Bundle::from_pep740_attestation`].
    pub fn from_pep740_attestation_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self> {
        crate::bundle::check_size(bytes, limits)?;
        let a: Pep740 = serde_json::from_slice(bytes).map_err(|source| Error::Json {
            what: "PEP 740 attestation",
            source,
        })?;
        Self::from_wire(pep740_to_wire(a)?, limits)
    }

    /// Reads a `PyPI` provenance object (`{"version": 1, "attestation_bundles": [...]}`): every
    /// attestation of every publisher bundle (at most 32, [`Limits::max_bundles_per_document`]).
    ///
    /// # Errors
    /// [`Error::Json`] if it is not such a document, [`Error::LimitExceeded`], else as
    /// [`Bundle::from_pep740_attestation`].
    pub fn from_pypi_provenance(bytes: &[u8]) -> Result<Vec<Self>> {
        Self::from_pypi_provenance_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`Bundle::from_pypi_provenance`], with other [`Limits`].
    ///
    /// # Errors
    /// As for [`Bundle::from_pypi_provenance`].
    pub fn from_pypi_provenance_with_limits(bytes: &[u8], limits: &Limits) -> Result<Vec<Self>> {
        crate::bundle::check_size(bytes, limits)?;
        let p: PypiProvenance = serde_json::from_slice(bytes).map_err(|source| Error::Json {
            what: "PyPI provenance",
            source,
        })?;
        if p.version != 1 {
            return Err(malformed(
                "PyPI provenance",
                format!("unsupported version {}", p.version),
            ));
        }
        let all: Vec<_> = p
            .attestation_bundles
            .into_iter()
            .flat_map(|b| b.attestations)
            .collect();
        if all.len() > limits.max_bundles_per_document {
            return Err(Error::LimitExceeded {
                what: "PyPI attestations",
                limit: limits.max_bundles_per_document,
                actual: all.len(),
            });
        }
        all.into_iter()
            .map(|v| {
                let a: Pep740 = serde_json::from_value(v).map_err(|source| Error::Json {
                    what: "PEP 740 attestation",
                    source,
                })?;
                Self::from_wire(pep740_to_wire(a)?, limits)
            })
            .collect()
    }

    /// Reads a cosign `--bundle` file from before cosign v3 (`base64Signature`, `cert`,
    /// `rekorBundle`) as a v0.1 message-signature bundle: a Rekor v1 entry with its signed
    /// entry timestamp and no inclusion proof, which is exactly what such files carry. Without
    /// `cert` the bundle is key-based (verify it with the key).
    ///
    /// # Errors
    /// [`Error::Json`] if it is not such a document, [`Error::Malformed`] for bad base64, PEM or
    /// log id, else as [`Bundle::from_json`].
    pub fn from_cosign_bundle(bytes: &[u8]) -> Result<Self> {
        Self::from_cosign_bundle_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`Bundle::from_cosign_bundle`], with other [`Limits`].
    ///
    /// # Errors
    /// As for [`Bundle::from_cosign_bundle`].
    pub fn from_cosign_bundle_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self> {
        crate::bundle::check_size(bytes, limits)?;
        let c: CosignBundle = serde_json::from_slice(bytes).map_err(|source| Error::Json {
            what: "cosign bundle",
            source,
        })?;
        let body = crate::b64::decode("rekorBundle.Payload.body", &c.rekor_bundle.payload.body)?;
        let body_json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| malformed("rekorBundle.Payload.body", "not JSON"))?;
        let field = |k: &str| {
            body_json
                .get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let (Some(kind), Some(version)) = (field("kind"), field("apiVersion")) else {
            return Err(malformed("rekorBundle.Payload.body", "no kind/apiVersion"));
        };
        // The digest the log entry (a `hashedrekord`) signs, as the bundle's `messageDigest`,
        // which protobuf bundles must carry; the entry body is still compared with it.
        let message_digest = body_json.pointer("/spec/data/hash").and_then(|h| {
            let alg = crate::crypto::HashAlgorithm::parse(h.get("algorithm")?.as_str()?).ok()?;
            let digest = hex::decode(h.get("value")?.as_str()?).ok()?;
            (digest.len() == alg.digest_len()).then(|| WireHashOutput {
                algorithm: alg.protobuf_name().to_owned(),
                digest: crate::b64::encode(&digest),
            })
        });
        let log_id = hex::decode(&c.rekor_bundle.payload.log_id)
            .map_err(|_| malformed("rekorBundle.Payload.logID", "not hex"))?;
        let (chain, public_key) = match &c.cert {
            Some(cert) => {
                let pem = crate::b64::decode("cert", cert)?;
                let pem = String::from_utf8(pem).map_err(|_| malformed("cert", "not PEM"))?;
                let der = crate::crypto::pem_decode(&pem, "CERTIFICATE")?;
                let certs = vec![WireRawBytes {
                    raw_bytes: crate::b64::encode(&der),
                }];
                (
                    Some(WireChain {
                        certificates: certs,
                    }),
                    None,
                )
            }
            None => (None, Some(WirePublicKeyIdentifier { hint: None })),
        };
        Self::from_wire(
            WireBundle {
                media_type: "application/vnd.dev.sigstore.bundle+json;version=0.1".into(),
                verification_material: WireMaterial {
                    x509_certificate_chain: chain,
                    certificate: None,
                    public_key,
                    tlog_entries: vec![WireTlogEntry {
                        log_index: I64(c.rekor_bundle.payload.log_index),
                        log_id: WireLogId {
                            key_id: crate::b64::encode(&log_id),
                        },
                        kind_version: WireKindVersion { kind, version },
                        integrated_time: I64(c.rekor_bundle.payload.integrated_time),
                        inclusion_promise: Some(WireInclusionPromise {
                            signed_entry_timestamp: c.rekor_bundle.signed_entry_timestamp,
                        }),
                        inclusion_proof: None,
                        canonicalized_body: c.rekor_bundle.payload.body,
                    }],
                    timestamp_verification_data: None,
                },
                message_signature: Some(WireMessageSignature {
                    message_digest,
                    signature: c.base64_signature,
                }),
                dsse_envelope: None,
            },
            limits,
        )
    }
}
