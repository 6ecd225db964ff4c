//! The crate's error type.

/// Everything that can make reading or verifying a Sigstore bundle fail.
///
/// Cryptographic failures stay opaque ([`Error::InvalidSignature`] names only *what* did not
/// verify); policy failures carry expected and actual values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The JSON could not be parsed into the expected structure.
    #[error("malformed {what}: {source}")]
    Json {
        /// What was being parsed (bundle, trusted root, ...).
        what: &'static str,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A field held a value that is not allowed (bad base64, wrong length, bad DER, ...).
    #[error("malformed {field}: {reason}")]
    Malformed {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The bundle `mediaType` is not a supported Sigstore bundle version.
    #[error("unsupported bundle mediaType {0:?}")]
    UnsupportedMediaType(String),
    /// The bundle claims a version whose rules its content does not follow (for example a
    /// relabelled v0.3 bundle claiming v0.1 to skip the inclusion-proof requirement).
    #[error("bundle content does not match its mediaType {media_type:?}: {reason}")]
    VersionMismatch {
        /// The claimed media type.
        media_type: String,
        /// What contradicts it.
        reason: &'static str,
    },
    /// A size or count limit was exceeded.
    #[error("limit exceeded: {what} ({actual} > {limit})")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// The actual count or size.
        actual: usize,
    },
    /// The trusted root has an entry without a usable validity window or key.
    #[error("invalid trusted root: {0}")]
    InvalidTrustedRoot(String),
    /// The bundle carries no signing certificate (empty chain) or no key hint where needed.
    #[error("bundle has no verification material: {0}")]
    MissingMaterial(&'static str),
    /// The certificate chain in the bundle contains a (self-signed) root certificate.
    #[error("bundle certificate chain must not contain a root certificate")]
    ChainContainsRoot,
    /// The signing certificate does not chain to a certificate authority of the trusted root
    /// that was valid at the signing time.
    #[error("signing certificate does not chain to a trusted Fulcio CA at {time}: {reason}")]
    UntrustedCertificate {
        /// The signing time tried (Unix seconds).
        time: i64,
        /// Why path building failed.
        reason: String,
    },
    /// No embedded SCT verified against a trusted CT log.
    #[error("no valid signed certificate timestamp from a trusted CT log: {0}")]
    InvalidSct(String),
    /// A signature did not verify.
    #[error("invalid signature: {0}")]
    InvalidSignature(&'static str),
    /// A transparency log entry names a log that is not in the trusted root (or was not valid
    /// at the entry's time).
    #[error("transparency log {log_id} is not trusted{detail}")]
    UntrustedLog {
        /// Hex log id.
        log_id: String,
        /// Extra detail.
        detail: String,
    },
    /// The inclusion proof does not verify.
    #[error("invalid inclusion proof: {0}")]
    InvalidInclusionProof(&'static str),
    /// The checkpoint (signed tree head) is malformed, unsigned by the log, or does not match
    /// the proof.
    #[error("invalid checkpoint: {0}")]
    InvalidCheckpoint(&'static str),
    /// The bundle lacks an inclusion proof (or checkpoint) its version requires.
    #[error("missing inclusion proof: {0}")]
    MissingInclusionProof(&'static str),
    /// The transparency log entry does not describe this bundle's signature, key or artifact.
    #[error("transparency log entry does not match the bundle: {0}")]
    TlogBodyMismatch(&'static str),
    /// The transparency log entry kind/version is not supported.
    #[error("unsupported transparency log entry kind {kind} {version}")]
    UnsupportedEntryKind {
        /// Kind.
        kind: String,
        /// Version.
        version: String,
    },
    /// An RFC 3161 timestamp is malformed, untrusted or does not cover the signature.
    #[error("invalid RFC 3161 timestamp: {0}")]
    InvalidTimestamp(String),
    /// No verified signing time could be established (no SET-verified integrated time and no
    /// verified timestamp).
    #[error("no verified signing time: {0}")]
    NoVerifiedTime(&'static str),
    /// A verified time lies outside the signing certificate's validity.
    #[error("signing time {time} outside the certificate validity {not_before}..{not_after}")]
    TimeOutsideCertificate {
        /// The verified time.
        time: i64,
        /// Certificate notBefore.
        not_before: i64,
        /// Certificate notAfter.
        not_after: i64,
    },
    /// The artifact (or its digest) is not the one that was signed.
    #[error("artifact digest mismatch: {0}")]
    ArtifactMismatch(&'static str),
    /// The signer identity does not satisfy the policy.
    #[error("identity policy not satisfied: {0}")]
    PolicyMismatch(String),
    /// The policy itself is invalid (bad regexp, keyless policy without identity or issuer).
    #[error("invalid policy: {0}")]
    InvalidPolicy(String),
    /// A key-based bundle was given but no key, or a key was given for a keyless bundle.
    #[error("key mismatch: {0}")]
    KeyMismatch(&'static str),
    /// The transparency log was not checked (legacy envelope with an embedded certificate).
    #[error("the transparency log could not be checked offline for this input")]
    TlogNotChecked,
    /// The transparency log, asked online, holds no entry for this signature (a legacy envelope
    /// looked up with a [`crate::TlogLookup`]).
    #[error("the transparency log has no entry for this envelope (searched by its payload hash)")]
    TlogEntryNotFound,
    /// The OIDC identity token is missing, unreadable, not a JWT, lacks a claim signing
    /// needs, or has expired (feature `sign`). The token itself is never part of the message.
    #[cfg(feature = "sign")]
    #[error("identity token: {0}")]
    IdentityToken(String),
    /// The signing configuration (`signing_config.json` or a service URL) is unusable
    /// (feature `sign`).
    #[cfg(feature = "sign")]
    #[error("invalid signing config: {0}")]
    InvalidSigningConfig(String),
    /// A service (Fulcio, Rekor, the CI's OIDC endpoint) could not be reached, timed out, or
    /// kept failing (HTTP 5xx) after the retries (features `sign` and `rekor-lookup`).
    #[error("{service} at {url} is unavailable: {reason}")]
    ServiceUnavailable {
        /// Which service.
        service: &'static str,
        /// The URL asked.
        url: String,
        /// The last failure.
        reason: String,
    },
    /// A service refused the request (HTTP 4xx; features `sign` and `rekor-lookup`).
    #[error("{service} at {url} refused the request (HTTP {status}): {message}")]
    ServiceRefused {
        /// Which service.
        service: &'static str,
        /// The URL asked.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The service's message (bounded, control characters removed).
        message: String,
    },
    /// A service answered, but not with what was asked for: not JSON, missing fields, a
    /// certificate for another key, a log entry for another signature (features `sign` and
    /// `rekor-lookup`).
    #[error("{service} at {url} gave an invalid answer: {reason}")]
    BadServiceAnswer {
        /// Which service.
        service: &'static str,
        /// The URL asked.
        url: String,
        /// What is wrong with the answer.
        reason: String,
    },
    /// The bundle assembled from the services' answers does not verify against the trusted
    /// root with the token's identity, so it was not returned (feature `sign`).
    #[cfg(feature = "sign")]
    #[error("the signed bundle does not verify against the trusted root")]
    SelfVerification(#[source] Box<Error>),
    /// The operating system's random number generator failed (feature `sign`).
    #[cfg(feature = "sign")]
    #[error("the system random number generator failed")]
    Random,
    /// A TUF update of the trusted root failed (feature `tuf`): the repository's metadata
    /// expired, was not signed as its root requires, rolled back, or a target did not match
    /// its signed hash. Nothing was written to the cache.
    #[cfg(feature = "tuf")]
    #[error("TUF update from {url} failed: {failure}")]
    Tuf {
        /// The repository's metadata URL.
        url: String,
        /// What failed.
        failure: crate::tuf::TufFailure,
    },
    /// The trust cache directory could not be read or written (feature `tuf`).
    #[cfg(feature = "tuf")]
    #[error("trust cache {}: {source}", path.display())]
    CacheIo {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether a service could not be used (unreachable, refused the request, or answered
    /// nonsense): a failure to check, not a failed check.
    pub fn is_service_failure(&self) -> bool {
        matches!(
            self,
            Self::ServiceUnavailable { .. }
                | Self::ServiceRefused { .. }
                | Self::BadServiceAnswer { .. }
        )
    }
}

/// Shorthand.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn malformed(field: &'static str, reason: impl Into<String>) -> Error {
    Error::Malformed {
        field,
        reason: reason.into(),
    }
}
