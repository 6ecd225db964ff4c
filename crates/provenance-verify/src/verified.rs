//! Signature verification of attestations (once each) and what it yields: the exact signed
//! payload parsed as a Statement, with who vouched for it kept apart from what it claims.

use std::collections::BTreeMap;

use provenance_digest::DigestSet;
use provenance_model::{PredicateKind, Statement, VerificationSummary};
pub use provenance_sigstore::SignerIdentity;
use serde::Serialize;
use sha2::Digest as _;
use time::OffsetDateTime;

use crate::facts::Facts;
use crate::source::{Origin, RawAttestation};

/// Who vouched for an attestation: established by cryptography, not read from the statement.
///
/// Reports write it as `{"kind": "keys", "key_ids": [..], "signed_at": ..}` or
/// `{"kind": "certificate", "identity": SAN, "issuer": .., "extensions": {"sourceRepositoryURI":
/// .., ..}, "signed_at": .., "transparency_log": ..}` (times in RFC 3339), as reports always
/// wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signer {
    /// Public keys (their ids) whose signatures verified, reaching the threshold.
    Keys {
        /// The key ids that verified.
        key_ids: Vec<String>,
        /// The verified signing time of a key-signed Sigstore bundle (its transparency log
        /// entry or timestamp); none for DSSE envelopes. Reports write it in RFC 3339.
        signed_at: Option<OffsetDateTime>,
    },
    /// A Fulcio certificate that chained to the trusted root and passed the identity policy.
    Certificate {
        /// What the certificate states, as provenance-sigstore read it: the identity (SAN:
        /// workflow URI, email, ...), the OIDC issuer and the Fulcio extensions (source
        /// repository, ref, digest, trigger, runner environment, build signer ...).
        certificate: Box<SignerIdentity>,
        /// The verified signing time (transparency log or timestamp authority). Reports
        /// write it in RFC 3339.
        signed_at: Option<OffsetDateTime>,
        /// Whether a transparency log entry was verified.
        transparency_log: bool,
    },
}

impl Signer {
    /// A short description for text reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Keys { key_ids, .. } => format!("key {}", key_ids.join(", ")),
            Self::Certificate { certificate, .. } => match &certificate.issuer {
                Some(issuer) => format!("certificate {} (issuer {issuer})", certificate.san),
                None => format!("certificate {}", certificate.san),
            },
        }
    }

    /// The certificate identity, for keyless signers.
    pub fn identity(&self) -> Option<&str> {
        match self {
            Self::Certificate { certificate, .. } => Some(&certificate.san),
            Self::Keys { .. } => None,
        }
    }

    /// A fact the signing certificate states (keyless signers only; `None` when the
    /// certificate lacks that extension or the signer is a key).
    pub fn certificate_fact(&self, fact: CertFact) -> Option<&str> {
        self.certificate()
            .and_then(|c| fact.of(c))
            .filter(|v| !v.is_empty())
    }

    /// What the signing certificate states (keyless signers only).
    pub fn certificate(&self) -> Option<&SignerIdentity> {
        match self {
            Self::Certificate { certificate, .. } => Some(certificate),
            Self::Keys { .. } => None,
        }
    }

    /// The verified signing time, when there is one.
    pub fn signed_at(&self) -> Option<OffsetDateTime> {
        match self {
            Self::Certificate { signed_at, .. } | Self::Keys { signed_at, .. } => *signed_at,
        }
    }
}

/// The Fulcio extensions reports show under `extensions` (keyed by [`CertFact::key`], written
/// sorted by name).
const REPORTED_EXTENSIONS: [CertFact; 9] = [
    CertFact::SourceRepositoryUri,
    CertFact::SourceRepositoryDigest,
    CertFact::SourceRepositoryRef,
    CertFact::BuildTrigger,
    CertFact::BuildSignerUri,
    CertFact::BuildSignerDigest,
    CertFact::RunnerEnvironment,
    CertFact::BuildConfigUri,
    CertFact::SourceRepositoryOwnerUri,
];

impl Serialize for Signer {
    /// The report shape (see [`Signer`]); times in RFC 3339.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let time = |t: &OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .map_err(serde::ser::Error::custom)
        };
        let mut map = serializer.serialize_map(None)?;
        match self {
            Self::Keys { key_ids, signed_at } => {
                map.serialize_entry("kind", "keys")?;
                map.serialize_entry("key_ids", key_ids)?;
                if let Some(t) = signed_at {
                    map.serialize_entry("signed_at", &time(t)?)?;
                }
            }
            Self::Certificate {
                certificate,
                signed_at,
                transparency_log,
            } => {
                map.serialize_entry("kind", "certificate")?;
                map.serialize_entry("identity", &certificate.san)?;
                if let Some(issuer) = &certificate.issuer {
                    map.serialize_entry("issuer", issuer)?;
                }
                let extensions: BTreeMap<&str, &str> = REPORTED_EXTENSIONS
                    .iter()
                    .filter_map(|f| Some((f.key(), f.of(certificate)?)))
                    .collect();
                if !extensions.is_empty() {
                    map.serialize_entry("extensions", &extensions)?;
                }
                if let Some(t) = signed_at {
                    map.serialize_entry("signed_at", &time(t)?)?;
                }
                map.serialize_entry("transparency_log", transparency_log)?;
            }
        }
        map.end()
    }
}

/// A fact a Fulcio certificate states about the CI run that signed: an extension under
/// `1.3.6.1.4.1.57264.1`, signed by Fulcio from the CI's OIDC token (not by the workflow).
/// The names are the keys of the `extensions` object in reports.
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
    /// `buildTrigger` (`.1.20`): the event that started the run (`push`, ...).
    BuildTrigger,
    /// `buildSignerDigest` (`.1.10`): the commit of the workflow that signed.
    BuildSignerDigest,
    /// `buildConfigURI` (`.1.18`): the top-level build configuration.
    BuildConfigUri,
}

impl CertFact {
    /// This fact in a certificate's identity, if the certificate states it.
    pub fn of(self, certificate: &SignerIdentity) -> Option<&str> {
        match self {
            Self::SourceRepositoryUri => &certificate.source_repository_uri,
            Self::SourceRepositoryDigest => &certificate.source_repository_digest,
            Self::SourceRepositoryRef => &certificate.source_repository_ref,
            Self::SourceRepositoryOwnerUri => &certificate.source_repository_owner_uri,
            Self::BuildSignerUri => &certificate.build_signer_uri,
            Self::RunnerEnvironment => &certificate.runner_environment,
            Self::BuildTrigger => &certificate.build_trigger,
            Self::BuildSignerDigest => &certificate.build_signer_digest,
            Self::BuildConfigUri => &certificate.build_config_uri,
        }
        .as_deref()
    }

    /// The name of the extension in reports (`sourceRepositoryURI`).
    pub fn key(self) -> &'static str {
        match self {
            Self::SourceRepositoryUri => "sourceRepositoryURI",
            Self::SourceRepositoryDigest => "sourceRepositoryDigest",
            Self::SourceRepositoryRef => "sourceRepositoryRef",
            Self::SourceRepositoryOwnerUri => "sourceRepositoryOwnerURI",
            Self::BuildSignerUri => "buildSignerURI",
            Self::RunnerEnvironment => "runnerEnvironment",
            Self::BuildTrigger => "buildTrigger",
            Self::BuildSignerDigest => "buildSignerDigest",
            Self::BuildConfigUri => "buildConfigURI",
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
            Self::BuildTrigger => "1.3.6.1.4.1.57264.1.20",
            Self::BuildSignerDigest => "1.3.6.1.4.1.57264.1.10",
            Self::BuildConfigUri => "1.3.6.1.4.1.57264.1.18",
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
    /// A signature does not verify: a Sigstore bundle's (over the artifact or the DSSE
    /// payload), or a DSSE envelope's whose `keyid` hint names a trusted key (the hint only
    /// picks the words: the signature was tried against every key).
    BadSignature(String),
    /// No signature of a DSSE envelope verified, and none names (by its `keyid` hint) a key
    /// the root holds: signed by no trusted key (or the hints are missing or in another
    /// convention).
    NoTrustedKey(String),
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
    /// A legacy envelope (embedded certificate, no bundle) whose transparency log entry cannot
    /// be checked offline: it needs an online log lookup
    /// ([`crate::SigstoreVerifier::with_log_lookup`]).
    NeedsLogLookup(String),
    /// A service needed to check the attestation (the transparency log asked online) could
    /// not be used: unreachable, refused, or answered nonsense. Not a verdict on the
    /// attestation.
    ServiceUnavailable(String),
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

    /// The rule a failure names when this refusal is why nothing verified an artifact: the
    /// signature, the certificate identity, the transparency log, the certificate or the
    /// timestamp; `None` for refusals that are not about who signed (a malformed document,
    /// another kind of root, what was signed).
    pub fn cause(&self) -> Option<crate::Rule> {
        use crate::Rule;
        match self {
            Self::BadSignature(_) | Self::NoTrustedKey(_) | Self::ThresholdNotMet { .. } => {
                Some(Rule::Signature)
            }
            Self::IdentityPolicy(_) => Some(Rule::Identity),
            Self::TransparencyLog(_) | Self::NeedsLogLookup(_) => Some(Rule::TransparencyLog),
            Self::Certificate(_) => Some(Rule::Certificate),
            Self::Timestamp(_) => Some(Rule::Timestamp),
            Self::EveryKey(all) => all.iter().find_map(Self::cause),
            _ => None,
        }
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
            | E::TlogEntryNotFound
            | E::NoVerifiedTime(_) => Self::TransparencyLog(text),
            E::TlogNotChecked => Self::NeedsLogLookup(text),
            e if e.is_service_failure() => Self::ServiceUnavailable(text),
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
            | Self::NoTrustedKey(text)
            | Self::Certificate(text)
            | Self::IdentityPolicy(text)
            | Self::TransparencyLog(text)
            | Self::Timestamp(text)
            | Self::ArtifactMismatch(text)
            | Self::NotAStatement(text)
            | Self::NeedsLogLookup(text)
            | Self::ServiceUnavailable(text)
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
/// `payloadType` (an old producer bug) are refused. One rule for the workspace:
/// [`provenance_dsse::PayloadType::is_in_toto`].
pub fn is_in_toto_payload_type(payload_type: &str) -> bool {
    payload_type
        .parse::<provenance_dsse::PayloadType>()
        .is_ok_and(|p| p.is_in_toto())
}

/// The predicate-specific payload type of in-toto attestation v1.2,
/// `application/vnd.in-toto.<predicate>+json`, must agree with the signed statement's
/// `predicateType` for the predicates we judge.
///
/// The spec (in-toto/attestation `spec/v1/envelope.md`) allows that form beside the standard
/// `application/vnd.in-toto+json`, with `<predicate>` the predicate spec's file name, and tells
/// consumers to rely on `predicateType`, not on the media type. Our choice: the generic type
/// carries any statement; SLSA provenance (v1 or v0.2) must be labelled `provenance` and a
/// verification summary `vsa`, so that a document the signer labelled as another predicate
/// (`spdx`, `vsa`, ...) is never judged as provenance. Statements of predicates we do not
/// judge are not matched against the name (there is no registry of names to URIs, and they
/// are never judged; their `predicateType` decides what they are).
fn check_payload_type_names(payload_type: &str, kind: PredicateKind) -> Result<(), Rejection> {
    let Some(name) = payload_type
        .strip_prefix("application/vnd.in-toto.")
        .and_then(|rest| rest.strip_suffix("+json"))
    else {
        return Ok(());
    };
    let judged = match kind {
        PredicateKind::SlsaProvenanceV1 | PredicateKind::SlsaProvenanceV02 => {
            Some(("provenance", "SLSA provenance"))
        }
        PredicateKind::VerificationSummaryV1 => Some(("vsa", "a verification summary (VSA)")),
        _ => None,
    };
    let Some((expected, what)) = judged else {
        return Ok(());
    };
    if name == expected {
        return Ok(());
    }
    Err(Rejection::NotAStatement(format!(
        "payloadType {payload_type:?} names the predicate {name:?}, but the signed statement \
         is {what} (whose payloadType is application/vnd.in-toto+json or \
         application/vnd.in-toto.{expected}+json)"
    )))
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
        /// The build facts it claims (SLSA provenance only; empty for other predicates).
        facts: Box<Facts>,
        /// The verification summary, for a VSA (read with provenance-model's type).
        summary: Option<Box<VerificationSummary>>,
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
    /// Later roots of trust whose signature requirements the same envelope also met (tried
    /// only when the accepting root is confined to some builders): the trusted-builder rule
    /// passes when any root that verified it may sign for the builder, so a co-signature by
    /// a key trusted for other builders cannot veto it.
    pub also_accepted_by: Vec<Acceptance>,
}

/// A further root of trust that verified an attestation's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The root's name.
    pub root: String,
    /// Its index in the trust configuration.
    pub root_index: usize,
    /// Who signed, as that root verified it.
    pub signer: Signer,
}

impl VerifiedAttestation {
    /// The same attestation as accepted by another root that verified it (see
    /// [`VerifiedAttestation::also_accepted_by`]).
    #[must_use]
    pub fn as_accepted_by(&self, other: &Acceptance) -> Self {
        Self {
            origin: self.origin.clone(),
            root: other.root.clone(),
            root_index: other.root_index,
            signer: other.signer.clone(),
            digest: self.digest.clone(),
            body: self.body.clone(),
            also_accepted_by: Vec::new(),
        }
    }

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
            // What the verifier never reads (internal parameters, byproducts, annotations,
            // unknown top-level fields) is checked but not built, and the payload is dropped
            // once parsed: a large signed statement costs its bytes, not a tree made of them.
            let parse_limits =
                model_limits.with_unread_fields(provenance_model::UnreadFields::Drop);
            let statement = Statement::from_slice(&payload, &parse_limits).map_err(|e| {
                Rejection::NotAStatement(format!(
                    "signed payload is not a valid in-toto statement: {e}"
                ))
            })?;
            drop(payload);
            let predicate_type = statement.predicate_type().as_str().to_owned();
            check_payload_type_names(&payload_type, statement.predicate_kind())?;
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
            let subjects = statement
                .subjects()
                .iter()
                .map(|s| Subject {
                    name: s.name().map(str::to_owned),
                    digest: s.digest().cloned().unwrap_or_default(),
                })
                .collect();
            // The predicates we judge are read with provenance-model's types (a predicate
            // that does not validate is refused, naming the field): SLSA provenance is kept as
            // its facts, a VSA as its summary; other predicates are not read.
            // Predicates are read leniently (what real producers omit, such as an empty
            // `externalParameters`, is tolerated; see `provenance_model::ReadMode`).
            let model_limits = &parse_limits.with_read_mode(provenance_model::ReadMode::Lenient);
            let invalid = |e: provenance_model::Error| {
                Rejection::NotAStatement(format!("signed {predicate_type} predicate: {e}"))
            };
            let (facts, summary) = match statement.predicate_kind() {
                PredicateKind::SlsaProvenanceV1 | PredicateKind::SlsaProvenanceV02 => {
                    let provenance = statement
                        .into_slsa_provenance(model_limits)
                        .map_err(invalid)?;
                    (Facts::from_provenance(&provenance), None)
                }
                PredicateKind::VerificationSummaryV1 => {
                    let summary: VerificationSummary =
                        statement.into_predicate(model_limits).map_err(invalid)?;
                    (Facts::default(), Some(Box::new(summary)))
                }
                _ => (Facts::default(), None),
            };
            Body::Statement {
                predicate_type,
                subjects,
                facts: Box::new(facts),
                summary,
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
        also_accepted_by: Vec::new(),
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
        assert!(is_in_toto_payload_type(
            provenance_model::IN_TOTO_PAYLOAD_TYPE
        ));
        assert!(is_in_toto_payload_type(
            "application/vnd.in-toto.provenance+json"
        ));
        assert!(!is_in_toto_payload_type("https://slsa.dev/provenance/v0.2"));
        assert!(!is_in_toto_payload_type("application/vnd.acme+json"));
        assert!(!is_in_toto_payload_type(""));
        assert!(!is_in_toto_payload_type("application/vnd.in-toto.+json"));
    }
}
