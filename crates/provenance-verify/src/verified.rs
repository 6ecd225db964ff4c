//! Signature verification of attestations (once each) and what it yields: the exact signed
//! payload parsed as a Statement, with who vouched for it kept apart from what it claims.

use std::collections::BTreeMap;

use provenance_digest::DigestSet;
use provenance_model::{PredicateKind, Statement};
use serde::Serialize;
use serde_json::Value;
use sha2::Digest as _;
use time::OffsetDateTime;

use crate::facts::Facts;
use crate::source::{Origin, RawAttestation};

/// Who vouched for an attestation: established by cryptography, not read from the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Signer {
    /// Public keys (their ids) whose signatures verified, reaching the threshold.
    Keys {
        /// The key ids that verified.
        key_ids: Vec<String>,
        /// The verified signing time of a key-signed Sigstore bundle (its transparency log
        /// entry or timestamp), RFC 3339; none for DSSE envelopes.
        #[serde(skip_serializing_if = "Option::is_none")]
        signed_at: Option<String>,
    },
    /// A Fulcio certificate that chained to the trusted root and passed the identity policy.
    Certificate {
        /// The certificate identity (SAN: workflow URI, email, ...).
        identity: String,
        /// The OIDC issuer.
        #[serde(skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
        /// Fulcio extensions (source repository, ref, digest, trigger, runner environment...).
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        extensions: BTreeMap<String, String>,
        /// The verified signing time (transparency log or timestamp authority), RFC 3339.
        #[serde(skip_serializing_if = "Option::is_none")]
        signed_at: Option<String>,
        /// Whether a transparency log entry was verified.
        transparency_log: bool,
    },
}

impl Signer {
    /// A short description for text reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Keys { key_ids, .. } => format!("key {}", key_ids.join(", ")),
            Self::Certificate {
                identity, issuer, ..
            } => match issuer {
                Some(issuer) => format!("certificate {identity} (issuer {issuer})"),
                None => format!("certificate {identity}"),
            },
        }
    }

    /// The certificate identity, for keyless signers.
    pub fn identity(&self) -> Option<&str> {
        match self {
            Self::Certificate { identity, .. } => Some(identity),
            Self::Keys { .. } => None,
        }
    }

    /// A fact the signing certificate states (keyless signers only; `None` when the
    /// certificate lacks that extension or the signer is a key).
    pub fn certificate_fact(&self, fact: CertFact) -> Option<&str> {
        match self {
            Self::Certificate { extensions, .. } => extensions
                .get(fact.key())
                .map(String::as_str)
                .filter(|v| !v.is_empty()),
            Self::Keys { .. } => None,
        }
    }

    /// The verified signing time, when there is one.
    pub fn signed_at(&self) -> Option<OffsetDateTime> {
        match self {
            Self::Certificate {
                signed_at: Some(t), ..
            }
            | Self::Keys {
                signed_at: Some(t), ..
            } => OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok(),
            _ => None,
        }
    }
}

/// A fact a Fulcio certificate states about the CI run that signed: an extension under
/// `1.3.6.1.4.1.57264.1`, signed by Fulcio from the CI's OIDC token (not by the workflow).
/// The names are the keys of [`Signer::Certificate`]'s `extensions` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CertFact {
    /// `sourceRepositoryURI` (`.1.12`): the repository the run was for (the caller's, for a
    /// reusable workflow such as slsa-github-generator's).
    SourceRepositoryUri,
    /// `sourceRepositoryDigest` (`.1.13`): the commit.
    SourceRepositoryDigest,
    /// `sourceRepositoryRef` (`.1.14`): the ref (`refs/heads/main`, `refs/tags/v1.2.3`).
    SourceRepositoryRef,
    /// `sourceRepositoryOwnerURI` (`.1.16`): the repository owner.
    SourceRepositoryOwnerUri,
    /// `buildSignerURI` (`.1.9`): the workflow that signed (a reusable workflow's own URI).
    BuildSignerUri,
    /// `runnerEnvironment` (`.1.11`): `github-hosted` or `self-hosted`.
    RunnerEnvironment,
}

impl CertFact {
    /// The key in [`Signer::Certificate`]'s `extensions`.
    pub fn key(self) -> &'static str {
        match self {
            Self::SourceRepositoryUri => "sourceRepositoryURI",
            Self::SourceRepositoryDigest => "sourceRepositoryDigest",
            Self::SourceRepositoryRef => "sourceRepositoryRef",
            Self::SourceRepositoryOwnerUri => "sourceRepositoryOwnerURI",
            Self::BuildSignerUri => "buildSignerURI",
            Self::RunnerEnvironment => "runnerEnvironment",
        }
    }

    /// The extension's OID.
    pub fn oid(self) -> &'static str {
        match self {
            Self::SourceRepositoryUri => "1.3.6.1.4.1.57264.1.12",
            Self::SourceRepositoryDigest => "1.3.6.1.4.1.57264.1.13",
            Self::SourceRepositoryRef => "1.3.6.1.4.1.57264.1.14",
            Self::SourceRepositoryOwnerUri => "1.3.6.1.4.1.57264.1.16",
            Self::BuildSignerUri => "1.3.6.1.4.1.57264.1.9",
            Self::RunnerEnvironment => "1.3.6.1.4.1.57264.1.11",
        }
    }

    /// `certificate sourceRepositoryRef (1.3.6.1.4.1.57264.1.14)`, for reports.
    pub fn describe(self) -> String {
        format!("certificate {} ({})", self.key(), self.oid())
    }
}

/// What a signature covered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedContent {
    /// A DSSE payload: its `payloadType` and the exact bytes that were signed.
    Payload {
        /// The DSSE `payloadType`.
        payload_type: String,
        /// The exact signed bytes (never re-read from the envelope).
        payload: Vec<u8>,
    },
    /// A message signature over an artifact digest (a Sigstore bundle without DSSE).
    ArtifactDigest(DigestSet),
}

/// A successful signature check.
#[derive(Debug, Clone)]
pub struct SignedAttestation {
    /// What was signed.
    pub content: SignedContent,
    /// Who signed.
    pub signer: Signer,
}

/// Why a root of trust did not accept an attestation: the kind of failure, to match on, with
/// the reason as reports show it (its [`Display`](std::fmt::Display)). Cryptographic failures
/// stay coarse (which signature did not verify, never why).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The bytes are not a well-formed DSSE envelope or Sigstore bundle, or exceed a limit.
    Malformed(String),
    /// The attestation needs another kind of root of trust (an envelope signed with a
    /// certificate under a key root, a bare envelope under a keyless root...).
    WrongRoot(String),
    /// Fewer distinct keys of the root than required verified a signature of the envelope.
    /// With none verified, the signatures are bad or made by keys the root does not hold:
    /// the two cannot be told apart without trusting the signatures' `keyid` hints, which
    /// verification never does (and which other tools compute differently).
    ThresholdNotMet {
        /// The threshold.
        required: usize,
        /// How many distinct keys verified a signature.
        verified: usize,
    },
    /// A Sigstore bundle's signature (over the artifact or the DSSE payload) does not verify.
    BadSignature(String),
    /// The signing certificate does not chain to a trusted Fulcio CA, lacks a valid SCT, or
    /// was not valid at the signing time.
    Certificate(String),
    /// The certificate's identity (SAN, issuer, extensions) does not satisfy the identity
    /// policy.
    IdentityPolicy(String),
    /// The transparency log entry (inclusion proof, checkpoint, signed entry timestamp, body)
    /// does not verify, or there is none where one is required.
    TransparencyLog(String),
    /// The RFC 3161 timestamp does not verify.
    Timestamp(String),
    /// The signature is over another artifact, or the artifact has no digest to check it with.
    ArtifactMismatch(String),
    /// The signature verified, but what was signed is not a usable in-toto statement
    /// (`payloadType`, shape, a predicate missing, a label that disagrees).
    NotAStatement(String),
    /// Not a refusal yet: the attestation is a signature over an artifact and can only be
    /// checked against each artifact's digest ([`AttestationVerifier::verify_artifact`]).
    NeedsArtifact {
        /// The algorithm of the signed message digest, when the bundle names one (the
        /// artifact is then hashed with it; SHA-256 otherwise).
        message_digest: Option<provenance_digest::Algorithm>,
    },
    /// Content or material this root cannot check.
    Unsupported(String),
    /// Every key of a key root refused a Sigstore bundle: why each did, in order.
    EveryKey(Vec<Rejection>),
}

impl Rejection {
    /// Not a refusal yet: see [`Rejection::NeedsArtifact`] (a message digest in SHA-256).
    pub fn needs_artifact() -> Self {
        Self::NeedsArtifact {
            message_digest: None,
        }
    }

    /// Not a refusal yet: a signature over a message digest in `algorithm` (see
    /// [`Rejection::NeedsArtifact`]).
    pub fn needs_artifact_in(algorithm: Option<provenance_digest::Algorithm>) -> Self {
        Self::NeedsArtifact {
            message_digest: algorithm,
        }
    }

    /// Whether the attestation must be checked per artifact.
    pub fn is_needs_artifact(&self) -> bool {
        matches!(self, Self::NeedsArtifact { .. })
    }

    /// The reason, as reports show it (the same as [`Display`](std::fmt::Display)).
    pub fn reason(&self) -> String {
        self.to_string()
    }

    /// Several refusals as one: the only one itself, else [`Rejection::EveryKey`].
    pub(crate) fn every(mut all: Vec<Self>) -> Self {
        if all.len() == 1
            && let Some(one) = all.pop()
        {
            return one;
        }
        Self::EveryKey(all)
    }

    /// A DSSE verification failure, as `text` (`prefix` + the error), of the right kind.
    pub(crate) fn from_dsse(error: &provenance_dsse::Error, text: String) -> Self {
        use provenance_dsse::Error as E;
        match error {
            E::ThresholdNotMet { required, verified } => Self::ThresholdNotMet {
                required: *required,
                verified: *verified,
            },
            E::PayloadTypeMismatch { .. } => Self::NotAStatement(text),
            E::ThresholdUnreachable { .. } | E::DuplicateKeyId { .. } => Self::Unsupported(text),
            _ => Self::Malformed(text),
        }
    }

    /// A Sigstore verification failure, as `text` (`prefix` + the error), of the right kind.
    pub(crate) fn from_sigstore(error: &provenance_sigstore::Error, text: String) -> Self {
        use provenance_sigstore::Error as E;
        match error {
            E::Json { .. }
            | E::Malformed { .. }
            | E::UnsupportedMediaType(_)
            | E::VersionMismatch { .. }
            | E::LimitExceeded { .. }
            | E::MissingMaterial(_) => Self::Malformed(text),
            E::KeyMismatch(_) => Self::WrongRoot(text),
            E::ChainContainsRoot
            | E::UntrustedCertificate { .. }
            | E::InvalidSct(_)
            | E::TimeOutsideCertificate { .. } => Self::Certificate(text),
            E::PolicyMismatch(_) => Self::IdentityPolicy(text),
            E::InvalidSignature(what)
                if what.contains("entry timestamp") || *what == "checkpoint" =>
            {
                Self::TransparencyLog(text)
            }
            E::InvalidSignature(what) if *what == "timestamp" => Self::Timestamp(text),
            E::InvalidSignature(_) => Self::BadSignature(text),
            E::UntrustedLog { .. }
            | E::InvalidInclusionProof(_)
            | E::InvalidCheckpoint(_)
            | E::MissingInclusionProof(_)
            | E::TlogBodyMismatch(_)
            | E::UnsupportedEntryKind { .. }
            | E::TlogNotChecked
            | E::NoVerifiedTime(_) => Self::TransparencyLog(text),
            E::InvalidTimestamp(_) => Self::Timestamp(text),
            E::ArtifactMismatch(_) => Self::ArtifactMismatch(text),
            _ => Self::Unsupported(text),
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(text)
            | Self::WrongRoot(text)
            | Self::BadSignature(text)
            | Self::Certificate(text)
            | Self::IdentityPolicy(text)
            | Self::TransparencyLog(text)
            | Self::Timestamp(text)
            | Self::ArtifactMismatch(text)
            | Self::NotAStatement(text)
            | Self::Unsupported(text) => f.write_str(text),
            Self::ThresholdNotMet { required, verified } => write!(
                f,
                "signature threshold not met: {verified} of {required} required keys verified"
            ),
            Self::NeedsArtifact { .. } => {
                f.write_str("a signature over an artifact: checked per artifact")
            }
            Self::EveryKey(all) => {
                for (i, r) in all.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{r}")?;
                }
                Ok(())
            }
        }
    }
}

/// Checks the signature of one attestation against one root of trust. Implemented for public
/// keys (DSSE) and Sigstore identities; embedders can plug in others (a KMS, an HSM).
pub trait AttestationVerifier: Send + Sync {
    /// Verifies `attestation`; on success returns exactly what was signed and by whom.
    ///
    /// # Errors
    /// A [`Rejection`] saying why (wrong format for this root, bad signature, identity refused).
    fn verify(
        &self,
        attestation: &RawAttestation,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection>;

    /// Verifies several attestations at once, answering for each exactly what
    /// [`AttestationVerifier::verify`] would; the default checks them one by one, key-based
    /// roots use batch verification.
    fn verify_batch(
        &self,
        attestations: &[&RawAttestation],
        now: OffsetDateTime,
    ) -> Vec<Result<SignedAttestation, Rejection>> {
        attestations.iter().map(|a| self.verify(a, now)).collect()
    }

    /// Verifies a signature over an artifact (a message-signature bundle) against one
    /// artifact's digests; only called after [`AttestationVerifier::verify`] answered
    /// [`Rejection::needs_artifact`]. The default refuses.
    ///
    /// # Errors
    /// A [`Rejection`] when the signature does not cover this artifact or does not verify.
    fn verify_artifact(
        &self,
        attestation: &RawAttestation,
        artifact: &DigestSet,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        let _ = (attestation, artifact, now);
        Err(Rejection::Unsupported(
            "artifact signatures are not supported by this root".to_owned(),
        ))
    }
}

/// The payload types accepted for in-toto statements: `application/vnd.in-toto+json` and the
/// in-toto v1.2 `application/vnd.in-toto.<predicate>+json` forms. Predicate URIs placed in
/// `payloadType` (an old producer bug) are refused.
pub fn is_in_toto_payload_type(payload_type: &str) -> bool {
    payload_type == "application/vnd.in-toto+json"
        || payload_type
            .strip_prefix("application/vnd.in-toto.")
            .and_then(|rest| rest.strip_suffix("+json"))
            .is_some_and(|mid| {
                !mid.is_empty()
                    && mid
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
            })
}

/// A subject of a verified statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its digests.
    pub digest: DigestSet,
}

/// The body of a verified attestation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Body {
    /// An in-toto statement.
    Statement {
        /// `predicateType`.
        predicate_type: String,
        /// Subjects.
        subjects: Vec<Subject>,
        /// The predicate object, for predicates other than SLSA provenance (whose content is
        /// kept as `facts`); `null` for provenance.
        predicate: Value,
        /// The build facts it claims (SLSA provenance only).
        facts: Box<Facts>,
    },
    /// A signature over an artifact digest.
    ArtifactSignature(DigestSet),
}

/// An attestation whose signature verified under a root of trust.
#[derive(Debug, Clone)]
pub struct VerifiedAttestation {
    /// Where it was read.
    pub origin: Origin,
    /// The name of the root of trust that accepted it.
    pub root: String,
    /// Index of that root in the trust configuration.
    pub root_index: usize,
    /// Who signed (verified).
    pub signer: Signer,
    /// SHA-256 of the attestation's bytes (for VSA `inputAttestations`).
    pub digest: DigestSet,
    /// What it says.
    pub body: Body,
}

impl VerifiedAttestation {
    /// The predicate type, for statements.
    pub fn predicate_type(&self) -> Option<&str> {
        match &self.body {
            Body::Statement { predicate_type, .. } => Some(predicate_type),
            Body::ArtifactSignature(_) => None,
        }
    }

    /// The claimed build facts (empty for other predicates).
    pub fn facts(&self) -> Option<&Facts> {
        match &self.body {
            Body::Statement { facts, .. } => Some(facts),
            Body::ArtifactSignature(_) => None,
        }
    }
}

/// Turns a signature check into a verified attestation: the payload must be an in-toto
/// Statement (checked `payloadType` and `_type`; links and layouts refused).
pub(crate) fn interpret(
    raw: &RawAttestation,
    root: (usize, &str),
    signed: SignedAttestation,
    model_limits: &provenance_model::Limits,
) -> Result<VerifiedAttestation, Rejection> {
    let digest = sha256_set(raw.bytes());
    let body = match signed.content {
        SignedContent::ArtifactDigest(d) => Body::ArtifactSignature(d),
        SignedContent::Payload {
            payload_type,
            payload,
        } => {
            if !is_in_toto_payload_type(&payload_type) {
                return Err(Rejection::NotAStatement(format!(
                    "payloadType {payload_type:?} is not an in-toto statement type"
                )));
            }
            let statement = Statement::from_slice(&payload, model_limits).map_err(|e| {
                Rejection::NotAStatement(format!(
                    "signed payload is not a valid in-toto statement: {e}"
                ))
            })?;
            let predicate_type = statement.predicate_type().as_str().to_owned();
            if let Some(label) = raw.label()
                && label != predicate_type
            {
                return Err(Rejection::NotAStatement(format!(
                    "the document labels this attestation {label:?} but the signed statement is {predicate_type:?}"
                )));
            }
            // An absent predicate is tolerated (cosign v3 writes none) except for the
            // predicates we judge: SLSA provenance and VSAs must carry their content.
            if statement.predicate_json().is_empty()
                && statement.predicate_kind() != PredicateKind::Other
            {
                return Err(Rejection::NotAStatement(format!(
                    "{predicate_type} statement without a predicate"
                )));
            }
            // SLSA provenance is kept as its facts; other predicates (VSAs...) as JSON.
            let (facts, predicate) = match statement.predicate_kind() {
                PredicateKind::SlsaProvenanceV1 | PredicateKind::SlsaProvenanceV02 => (
                    Facts::from_predicate_map(&predicate_type, statement.predicate_json()),
                    Value::Null,
                ),
                _ => (
                    Facts::default(),
                    Value::Object(statement.predicate_json().clone()),
                ),
            };
            let subjects = statement
                .subjects()
                .iter()
                .map(|s| Subject {
                    name: s.name().map(str::to_owned),
                    digest: s.digest().cloned().unwrap_or_default(),
                })
                .collect();
            Body::Statement {
                predicate_type,
                subjects,
                predicate,
                facts: Box::new(facts),
            }
        }
    };
    Ok(VerifiedAttestation {
        origin: raw.origin().clone(),
        root: root.1.to_owned(),
        root_index: root.0,
        signer: signed.signer,
        digest,
        body,
    })
}

pub(crate) fn sha256_set(bytes: &[u8]) -> DigestSet {
    let hex = hex::encode(sha2::Sha256::digest(bytes));
    let mut set = DigestSet::new();
    // A freshly computed SHA-256 is always valid lowercase hex of the right length.
    let _ = set.insert("sha256", &hex);
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_types() {
        assert!(is_in_toto_payload_type("application/vnd.in-toto+json"));
        assert!(is_in_toto_payload_type(
            "application/vnd.in-toto.provenance+json"
        ));
        assert!(!is_in_toto_payload_type("https://slsa.dev/provenance/v0.2"));
        assert!(!is_in_toto_payload_type("application/vnd.acme+json"));
        assert!(!is_in_toto_payload_type(""));
        assert!(!is_in_toto_payload_type("application/vnd.in-toto.+json"));
    }
}
