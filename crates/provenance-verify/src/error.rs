//! The crate's error type: input that could not be read or a configuration that is unusable.
//!
//! A verification that *fails* is not an error: it is a [`crate::Verdict`] with the failed rules.

use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why input or configuration could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An attestation file is larger than the limit.
    #[error("{} is {size} bytes, more than the limit of {max}", path.display())]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// A line (or a whole-file JSON document) is longer than the limit; it was not read.
    #[error("{}:{line} is longer than the limit of {max} bytes", path.display())]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// An attestation file is binary data (a NUL byte or bytes that are not UTF-8 in its first
    /// block), not JSON or JSON Lines: one error, not one skipped "line" after another.
    #[error("{} is binary data, not JSON or JSON lines", path.display())]
    BinaryData {
        /// The file.
        path: PathBuf,
    },
    /// A file has more lines than the limit.
    #[error("{} has more than {max} lines", path.display())]
    TooManyLines {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
    /// More attestations than the limit over all sources.
    #[error("more than {max} attestations in the sources given")]
    TooManyAttestations {
        /// The limit.
        max: usize,
    },
    /// A directory holds more files than the limit.
    #[error("{} holds more than {max} files", path.display())]
    TooManyDirEntries {
        /// The directory.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
    /// The policy file is not valid TOML of the expected shape.
    #[error("policy file is not valid")]
    PolicySyntax {
        /// The TOML error (with its position).
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A value in the policy or on the command line is not usable.
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidSetting {
        /// Which setting (`builder_id`, `source_uri`, `pattern`, ...).
        field: &'static str,
        /// The value given (shortened).
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// No artifact was given: verifying nothing is refused, never a success.
    #[error("no artifact to verify")]
    NoArtifacts,
    /// No root of trust was configured (no key, no keyless identity, no policy root).
    #[error("no root of trust: give public keys, a keyless identity, or a policy with roots")]
    NoTrust,
    /// A policy that sets no expectation (no `[defaults]`, no `[[artifacts]]`, and not
    /// `allow_no_expectations = true`), with no other expectation given: refused rather than
    /// passing whatever a trusted key signed.
    #[error(
        "the policy sets no expectations (no [defaults] or [[artifacts]]) and none are given besides: \
         add some, or say `allow_no_expectations = true` in the policy"
    )]
    NoExpectations,
    /// A key or trusted root could not be loaded.
    #[error("cannot load {what} from {}", path.display())]
    TrustMaterial {
        /// What was being loaded (`public key`, `trusted root`).
        what: &'static str,
        /// Where from.
        path: PathBuf,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A verification summary could not be built or signed.
    #[error("cannot issue the verification summary: {reason}")]
    Vsa {
        /// What went wrong.
        reason: String,
    },
    /// A JSON value could not be serialised.
    #[error("cannot serialise JSON")]
    Json(#[from] serde_json::Error),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn setting(field: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self::InvalidSetting {
            field,
            value: shorten(value),
            reason: reason.into(),
        }
    }
}

/// At most 200 characters of untrusted text, for messages.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 200;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        let mut out: String = value.chars().take(MAX).collect();
        out.push('…');
        out
    }
}
