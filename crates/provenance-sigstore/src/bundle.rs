//! Sigstore bundles v0.1, v0.2 and v0.3 (`dev.sigstore.bundle.v1.Bundle`) in protobuf JSON
//! form: camelCase names, base64 `bytes`, 64-bit integers as strings.
//!
//! Parsing is strict (unknown fields rejected, every base64 field decoded, counts bounded);
//! the original wire structure is kept so that [`Bundle::to_json`] writes what was read.

use crate::cert::Certificate;
use crate::crypto::HashAlgorithm;
use crate::error::{Error, Result, malformed};
use crate::limits::Limits;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Default most transparency log entries in one bundle (sigstore-go's limits:
/// CVE-2024-45395); [`Limits::max_tlog_entries`] is the configurable bound.
pub const MAX_TLOG_ENTRIES: usize = 32;
/// Default most RFC 3161 timestamps in one bundle ([`Limits::max_timestamps`]).
pub const MAX_TIMESTAMPS: usize = 32;
/// Default most certificates in a bundle's chain ([`Limits::max_chain_len`]).
pub const MAX_CHAIN_LEN: usize = 10;
/// Default largest bundle, in bytes ([`Limits::max_bundle_bytes`]).
pub const MAX_BUNDLE_BYTES: usize = 64 << 20;
/// Default most inclusion-proof hashes, a tree of 2^64 leaves needs 64
/// ([`Limits::max_proof_hashes`]).
pub const MAX_PROOF_HASHES: usize = 64;

/// The bundle format version, from its `mediaType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`
    V0_2,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3` or `...bundle.v0.3+json`
    V0_3,
}

impl BundleVersion {
    /// Maps a media type to a version.
    ///
    /// # Errors
    /// [`Error::UnsupportedMediaType`] for anything else.
    pub fn from_media_type(mt: &str) -> Result<Self> {
        match mt {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Ok(Self::V0_1),
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Ok(Self::V0_2),
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => Ok(Self::V0_3),
            other => Err(Error::UnsupportedMediaType(other.to_owned())),
        }
    }
}

// ---------------------------------------------------------------- wire form

/// An int64 in protobuf JSON: a string (canonical) or a number (accepted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct I64(pub(crate) i64);

impl<'de> Deserialize<'de> for I64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            S(String),
            N(i64),
        }
        match Either::deserialize(d)? {
            Either::N(n) => Ok(Self(n)),
            Either::S(s) => s.parse().map(Self).map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for I64 {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// A bundle as protobuf JSON: fields by their JSON (lowerCamelCase) names, or by their proto
/// (`snake_case`) names, which protojson (sigstore-go) and sigstore-python accept too.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireBundle {
    #[serde(alias = "media_type")]
    pub(crate) media_type: String,
    #[serde(alias = "verification_material")]
    pub(crate) verification_material: WireMaterial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "message_signature")]
    pub(crate) message_signature: Option<WireMessageSignature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "dsse_envelope")]
    pub(crate) dsse_envelope: Option<WireEnvelope>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "x509_certificate_chain")]
    pub(crate) x509_certificate_chain: Option<WireChain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) certificate: Option<WireRawBytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "public_key")]
    pub(crate) public_key: Option<WirePublicKeyIdentifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[serde(alias = "tlog_entries")]
    pub(crate) tlog_entries: Vec<WireTlogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "timestamp_verification_data")]
    pub(crate) timestamp_verification_data: Option<WireTimestampData>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireChain {
    #[serde(default)]
    pub(crate) certificates: Vec<WireRawBytes>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireRawBytes {
    #[serde(default)]
    #[serde(alias = "raw_bytes")]
    pub(crate) raw_bytes: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WirePublicKeyIdentifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireTimestampData {
    #[serde(default)]
    #[serde(alias = "rfc3161_timestamps")]
    pub(crate) rfc3161_timestamps: Vec<WireSignedTimestamp>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireSignedTimestamp {
    #[serde(alias = "signed_timestamp")]
    pub(crate) signed_timestamp: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireTlogEntry {
    /// Protobuf JSON omits a zero: the first entry of a log (sigstore-js writes it so).
    #[serde(default)]
    #[serde(alias = "log_index")]
    pub(crate) log_index: I64,
    #[serde(alias = "log_id")]
    pub(crate) log_id: WireLogId,
    #[serde(alias = "kind_version")]
    pub(crate) kind_version: WireKindVersion,
    #[serde(default)]
    #[serde(alias = "integrated_time")]
    pub(crate) integrated_time: I64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "inclusion_promise")]
    pub(crate) inclusion_promise: Option<WireInclusionPromise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "inclusion_proof")]
    pub(crate) inclusion_proof: Option<WireInclusionProof>,
    #[serde(alias = "canonicalized_body")]
    pub(crate) canonicalized_body: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireLogId {
    #[serde(alias = "key_id")]
    pub(crate) key_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireKindVersion {
    pub(crate) kind: String,
    pub(crate) version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireInclusionPromise {
    #[serde(alias = "signed_entry_timestamp")]
    pub(crate) signed_entry_timestamp: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireInclusionProof {
    /// As protobuf JSON (protojson, which sigstore-go reads with) has it, an omitted number is
    /// zero and an omitted list is empty: sigstore-js omits both for the only entry of a
    /// one-entry tree. A missing root hash or tree size still fails the proof.
    #[serde(default)]
    #[serde(alias = "log_index")]
    pub(crate) log_index: I64,
    #[serde(default)]
    #[serde(alias = "root_hash")]
    pub(crate) root_hash: String,
    #[serde(default)]
    #[serde(alias = "tree_size")]
    pub(crate) tree_size: I64,
    #[serde(default)]
    pub(crate) hashes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) checkpoint: Option<WireCheckpoint>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireCheckpoint {
    pub(crate) envelope: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireMessageSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(alias = "message_digest")]
    pub(crate) message_digest: Option<WireHashOutput>,
    pub(crate) signature: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct WireHashOutput {
    pub(crate) algorithm: String,
    pub(crate) digest: String,
}

/// A DSSE envelope as it appears in a bundle (and in standalone `.intoto.jsonl` files).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireEnvelope {
    pub(crate) payload: String,
    pub(crate) payload_type: String,
    #[serde(default)]
    pub(crate) signatures: Vec<WireDsseSignature>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct WireDsseSignature {
    #[serde(default)]
    pub(crate) sig: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) keyid: Option<String>,
    /// slsa-github-generator before v2.1 embedded the Fulcio certificate here (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cert: Option<String>,
}

// ---------------------------------------------------------------- parsed form

/// The key material that verifies the bundle's signature.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Material {
    /// A Fulcio certificate (keyless); `chain` holds any further certificates the bundle
    /// carries (v0.1/v0.2 `x509CertificateChain`), leaf excluded.
    Certificate {
        /// The signing certificate.
        leaf: Box<Certificate>,
        /// Intermediates shipped in the bundle.
        chain: Vec<Certificate>,
    },
    /// A public key identified by a hint; the key itself comes from the caller.
    PublicKey {
        /// The hint, if any.
        hint: Option<String>,
    },
}

/// A decoded DSSE envelope from a bundle.
#[derive(Clone, Debug)]
pub struct DsseEnvelope {
    pub(crate) payload_type: String,
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    pub(crate) keyid: Option<String>,
}

impl DsseEnvelope {
    /// The signature's (unauthenticated) key id hint, if any.
    pub fn keyid(&self) -> Option<&str> {
        self.keyid.as_deref()
    }
}

impl DsseEnvelope {
    /// The (unverified) payload type.
    pub fn payload_type(&self) -> &str {
        &self.payload_type
    }

    /// The DSSE pre-authentication encoding the signature covers.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// DSSE v1 pre-authentication encoding (from `provenance-dsse`).
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    provenance_dsse::pae(payload_type, payload)
}

/// What the bundle signs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Content {
    /// A signature over an artifact, with an optional (unauthenticated) digest hint.
    MessageSignature {
        /// The digest hint (algorithm, bytes).
        digest: Option<(HashAlgorithm, Vec<u8>)>,
        /// The signature bytes.
        signature: Vec<u8>,
    },
    /// A DSSE envelope with exactly one signature.
    Dsse(DsseEnvelope),
}

/// An inclusion proof.
#[derive(Clone, Debug)]
pub(crate) struct InclusionProof {
    pub(crate) log_index: u64,
    pub(crate) tree_size: u64,
    pub(crate) root_hash: Vec<u8>,
    pub(crate) hashes: Vec<[u8; 32]>,
    pub(crate) checkpoint: Option<String>,
}

/// A transparency log entry.
#[derive(Clone, Debug)]
pub(crate) struct TlogEntry {
    pub(crate) log_index: u64,
    pub(crate) log_id: Vec<u8>,
    pub(crate) kind: String,
    pub(crate) version: String,
    pub(crate) integrated_time: i64,
    pub(crate) set: Option<Vec<u8>>,
    pub(crate) proof: Option<InclusionProof>,
    pub(crate) body: Vec<u8>,
    pub(crate) body_b64: String,
}

/// A Sigstore bundle, read strictly and validated structurally (not yet verified).
#[derive(Clone, Debug)]
pub struct Bundle {
    wire: WireBundle,
    version: BundleVersion,
    material: Material,
    content: Content,
    pub(crate) tlog_entries: Vec<TlogEntry>,
    pub(crate) timestamps: Vec<Vec<u8>>,
}

pub(crate) fn check_size(bytes: &[u8], limits: &Limits) -> Result<()> {
    limit("bundle bytes", limits.max_bundle_bytes, bytes.len())
}

fn limit(what: &'static str, limit: usize, actual: usize) -> Result<()> {
    if actual > limit {
        Err(Error::LimitExceeded {
            what,
            limit,
            actual,
        })
    } else {
        Ok(())
    }
}

fn u64_of(field: &'static str, v: I64) -> Result<u64> {
    u64::try_from(v.0).map_err(|_| malformed(field, format!("negative value {}", v.0)))
}

impl Bundle {
    /// Parses a bundle from JSON.
    ///
    /// # Errors
    /// [`Error::Json`] for malformed JSON or unknown fields, [`Error::UnsupportedMediaType`],
    /// [`Error::VersionMismatch`] when the content contradicts the claimed version,
    /// [`Error::Malformed`] for bad base64/DER/negative integers, [`Error::LimitExceeded`],
    /// [`Error::MissingMaterial`] for an empty certificate chain.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`Bundle::from_json`], with other [`Limits`].
    ///
    /// # Errors
    /// As for [`Bundle::from_json`].
    pub fn from_json_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self> {
        check_size(bytes, limits)?;
        let wire: WireBundle = serde_json::from_slice(bytes).map_err(|source| Error::Json {
            what: "bundle",
            source,
        })?;
        Self::from_protobuf_wire(wire, limits)
    }

    /// A bundle as protobuf-specs writes it (not a conversion from another container):
    /// besides the structural rules of `from_wire`, a message signature names its digest.
    fn from_protobuf_wire(wire: WireBundle, limits: &Limits) -> Result<Self> {
        let bundle = Self::from_wire(wire, limits)?;
        if matches!(
            bundle.content,
            Content::MessageSignature { digest: None, .. }
        ) {
            // sigstore-go refuses it (`SignatureContent`: ErrMissingVerificationMaterial),
            // as does sigstore-js; the log entry is checked against this digest. Cosign's
            // pre-v3 `--bundle` files have none: `Bundle::from_cosign_bundle` takes it from
            // their `hashedrekord` entry.
            return Err(Error::MissingMaterial("messageSignature.messageDigest"));
        }
        Ok(bundle)
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one validation pass over the whole wire structure"
    )]
    pub(crate) fn from_wire(wire: WireBundle, limits: &Limits) -> Result<Self> {
        let version = BundleVersion::from_media_type(&wire.media_type)?;
        let vm = &wire.verification_material;
        let mismatch = |reason| Error::VersionMismatch {
            media_type: wire.media_type.clone(),
            reason,
        };
        let present = usize::from(vm.x509_certificate_chain.is_some())
            + usize::from(vm.certificate.is_some())
            + usize::from(vm.public_key.is_some());
        if present != 1 {
            return Err(Error::MissingMaterial(
                "exactly one of x509CertificateChain, certificate, publicKey",
            ));
        }
        if vm.x509_certificate_chain.is_some() && version >= BundleVersion::V0_3 {
            // protobuf-specs: v0.3 keyless bundles carry the leaf alone, in `certificate`
            // (sigstore-go bundle.validate, sigstore-python and sigstore-js refuse it too).
            return Err(mismatch(
                "a v0.3 bundle carries `certificate`, not `x509CertificateChain`",
            ));
        }
        if version == BundleVersion::V0_1
            && !vm.tlog_entries.is_empty()
            && vm
                .tlog_entries
                .iter()
                .all(|e| e.inclusion_promise.is_none())
        {
            // v0.1 predates mandatory inclusion proofs: its log entries are vouched for by
            // their inclusion promise (SET), which protobuf-specs and every reference client
            // (sigstore-go bundle.validate, sigstore-python, sigstore-js) require.
            return Err(mismatch(
                "a v0.1 bundle needs an inclusion promise (signed entry timestamp)",
            ));
        }
        let material = if let Some(chain) = &vm.x509_certificate_chain {
            limit(
                "certificate chain length",
                limits.max_chain_len,
                chain.certificates.len(),
            )?;
            let mut certs = Vec::new();
            for c in &chain.certificates {
                certs.push(Certificate::from_der(&crate::b64::decode(
                    "certificate",
                    &c.raw_bytes,
                )?)?);
            }
            if certs.is_empty() {
                return Err(Error::MissingMaterial("empty certificate chain"));
            }
            let leaf = certs.remove(0);
            Material::Certificate {
                leaf: Box::new(leaf),
                chain: certs,
            }
        } else if let Some(c) = &vm.certificate {
            if version < BundleVersion::V0_3 {
                return Err(mismatch("`certificate` exists only from v0.3 on"));
            }
            let der = crate::b64::decode("certificate", &c.raw_bytes)?;
            if der.is_empty() {
                return Err(Error::MissingMaterial("empty certificate"));
            }
            Material::Certificate {
                leaf: Box::new(Certificate::from_der(&der)?),
                chain: Vec::new(),
            }
        } else {
            Material::PublicKey {
                hint: vm.public_key.as_ref().and_then(|k| k.hint.clone()),
            }
        };
        let content = match (&wire.message_signature, &wire.dsse_envelope) {
            (Some(ms), None) => {
                let digest = match &ms.message_digest {
                    Some(d) => {
                        let alg = HashAlgorithm::parse(&d.algorithm)?;
                        let bytes = crate::b64::decode("messageDigest", &d.digest)?;
                        if bytes.len() != alg.digest_len() {
                            return Err(malformed("messageDigest", "wrong length"));
                        }
                        Some((alg, bytes))
                    }
                    None => None,
                };
                let signature = crate::b64::decode("messageSignature.signature", &ms.signature)?;
                Content::MessageSignature { digest, signature }
            }
            (None, Some(env)) => Content::Dsse(decode_envelope(env)?),
            _ => {
                return Err(malformed(
                    "bundle",
                    "exactly one of messageSignature, dsseEnvelope",
                ));
            }
        };
        limit(
            "tlog entries",
            limits.max_tlog_entries,
            vm.tlog_entries.len(),
        )?;
        let mut tlog_entries = Vec::new();
        for e in &vm.tlog_entries {
            tlog_entries.push(decode_tlog_entry(e, limits)?);
        }
        let mut timestamps = Vec::new();
        if let Some(ts) = &vm.timestamp_verification_data {
            limit(
                "RFC 3161 timestamps",
                limits.max_timestamps,
                ts.rfc3161_timestamps.len(),
            )?;
            for t in &ts.rfc3161_timestamps {
                let bytes = crate::b64::decode("signedTimestamp", &t.signed_timestamp)?;
                if timestamps.contains(&bytes) {
                    return Err(malformed("signedTimestamp", "duplicate RFC 3161 timestamp"));
                }
                timestamps.push(bytes);
            }
        }
        Ok(Self {
            wire,
            version,
            material,
            content,
            tlog_entries,
            timestamps,
        })
    }

    /// Serialises the bundle as protobuf JSON.
    ///
    /// # Errors
    /// [`Error::Json`] if serialisation fails (it does not for parsed bundles).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(&self.wire).map_err(|source| Error::Json {
            what: "bundle",
            source,
        })
    }

    /// Builds a v0.3 bundle around a DSSE envelope signed with a public key identified by
    /// `hint` (what `attest` writes), without transparency log entries.
    ///
    /// # Errors
    /// [`Error::Malformed`] if the payload type is empty or the signature empty.
    pub fn new_v03_dsse_with_public_key(
        payload_type: &str,
        payload: &[u8],
        signature: &[u8],
        keyid: Option<&str>,
        hint: Option<&str>,
    ) -> Result<Self> {
        if payload_type.is_empty() || signature.is_empty() {
            return Err(malformed("dsseEnvelope", "empty payload type or signature"));
        }
        let wire = WireBundle {
            media_type: "application/vnd.dev.sigstore.bundle.v0.3+json".into(),
            verification_material: WireMaterial {
                x509_certificate_chain: None,
                certificate: None,
                public_key: Some(WirePublicKeyIdentifier {
                    hint: hint.map(str::to_owned),
                }),
                tlog_entries: Vec::new(),
                timestamp_verification_data: None,
            },
            message_signature: None,
            dsse_envelope: Some(WireEnvelope {
                payload: crate::b64::encode(payload),
                payload_type: payload_type.to_owned(),
                signatures: vec![WireDsseSignature {
                    sig: crate::b64::encode(signature),
                    keyid: keyid.map(str::to_owned),
                    cert: None,
                }],
            }),
        };
        Self::from_wire(wire, &Limits::DEFAULT)
    }

    /// Reads npm's attestations document (`{"attestations": [{"predicateType", "bundle"}]}`,
    /// as served by the registry for `npm publish --provenance`): the bundles with their
    /// (unauthenticated) predicate type labels. At most 32 attestations
    /// ([`Limits::max_bundles_per_document`]).
    ///
    /// # Errors
    /// [`Error::Json`] if it is not such a document, else as [`Bundle::from_json`].
    pub fn from_npm_attestations(bytes: &[u8]) -> Result<Vec<(String, Self)>> {
        Self::from_npm_attestations_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`Bundle::from_npm_attestations`], with other [`Limits`].
    ///
    /// # Errors
    /// As for [`Bundle::from_npm_attestations`].
    pub fn from_npm_attestations_with_limits(
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Vec<(String, Self)>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Doc {
            attestations: Vec<Item>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Item {
            predicate_type: String,
            bundle: WireBundle,
        }
        check_size(bytes, limits)?;
        let doc: Doc = serde_json::from_slice(bytes).map_err(|source| Error::Json {
            what: "npm attestations",
            source,
        })?;
        limit(
            "npm attestations",
            limits.max_bundles_per_document,
            doc.attestations.len(),
        )?;
        doc.attestations
            .into_iter()
            .map(|i| {
                Ok((
                    i.predicate_type,
                    Self::from_protobuf_wire(i.bundle, limits)?,
                ))
            })
            .collect()
    }

    /// The version from `mediaType`.
    pub fn version(&self) -> BundleVersion {
        self.version
    }
    /// The media type string.
    pub fn media_type(&self) -> &str {
        &self.wire.media_type
    }
    /// The verification material.
    pub fn material(&self) -> &Material {
        &self.material
    }
    /// The signed content.
    pub fn content(&self) -> &Content {
        &self.content
    }
    /// Number of transparency log entries.
    pub fn tlog_entry_count(&self) -> usize {
        self.tlog_entries.len()
    }
}

pub(crate) fn decode_envelope(env: &WireEnvelope) -> Result<DsseEnvelope> {
    let [sig] = env.signatures.as_slice() else {
        return Err(malformed(
            "dsseEnvelope",
            "a Sigstore DSSE envelope has exactly one signature",
        ));
    };
    let signature = crate::b64::decode("dsseEnvelope.signatures.sig", &sig.sig)?;
    if signature.is_empty() {
        return Err(malformed("dsseEnvelope", "empty signature"));
    }
    Ok(DsseEnvelope {
        payload_type: env.payload_type.clone(),
        payload: crate::b64::decode("dsseEnvelope.payload", &env.payload)?,
        signature,
        keyid: sig.keyid.clone().filter(|k| !k.is_empty()),
    })
}

fn decode_tlog_entry(e: &WireTlogEntry, limits: &Limits) -> Result<TlogEntry> {
    let proof = match &e.inclusion_proof {
        Some(p) => {
            limit(
                "inclusion proof hashes",
                limits.max_proof_hashes,
                p.hashes.len(),
            )?;
            let mut hashes = Vec::new();
            for h in &p.hashes {
                let h = crate::b64::decode("inclusionProof.hashes", h)?;
                hashes.push(
                    <[u8; 32]>::try_from(h.as_slice())
                        .map_err(|_| malformed("inclusionProof.hashes", "not 32 bytes"))?,
                );
            }
            Some(InclusionProof {
                log_index: u64_of("inclusionProof.logIndex", p.log_index)?,
                tree_size: u64_of("inclusionProof.treeSize", p.tree_size)?,
                root_hash: crate::b64::decode("inclusionProof.rootHash", &p.root_hash)?,
                hashes,
                checkpoint: p.checkpoint.as_ref().map(|c| c.envelope.clone()),
            })
        }
        None => None,
    };
    let set = match &e.inclusion_promise {
        Some(p) => Some(crate::b64::decode(
            "signedEntryTimestamp",
            &p.signed_entry_timestamp,
        )?),
        None => None,
    };
    if e.integrated_time.0 < 0 {
        return Err(malformed("integratedTime", "negative"));
    }
    Ok(TlogEntry {
        log_index: u64_of("logIndex", e.log_index)?,
        log_id: crate::b64::decode("logId.keyId", &e.log_id.key_id)?,
        kind: e.kind_version.kind.clone(),
        version: e.kind_version.version.clone(),
        integrated_time: e.integrated_time.0,
        set,
        proof,
        body: crate::b64::decode("canonicalizedBody", &e.canonicalized_body)?,
        body_b64: e.canonicalized_body.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_counts_bytes() {
        assert_eq!(pae("a/é", b"xy"), b"DSSEv1 4 a/\xc3\xa9 2 xy".to_vec());
    }

    #[test]
    fn media_types() {
        assert_eq!(
            BundleVersion::from_media_type("application/vnd.dev.sigstore.bundle.v0.3+json")
                .unwrap(),
            BundleVersion::V0_3
        );
        assert!(
            BundleVersion::from_media_type("application/vnd.dev.sigstore.bundle+json;version=0.4")
                .is_err()
        );
    }
}
