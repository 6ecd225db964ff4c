//! The one error type of this crate.

use std::path::PathBuf;

/// Why a build context, a subject list or a statement could not be produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `SOURCE_DATE_EPOCH` is set but is not a non-negative whole number of seconds.
    #[error("SOURCE_DATE_EPOCH {value:?} is not a whole number of seconds since 1970-01-01 UTC")]
    InvalidSourceDateEpoch {
        /// The value found.
        value: String,
    },
    /// An override of a detected field has a value that cannot be used.
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidOverride {
        /// The field overridden (`source commit`, `builder id`, ...).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A line of a checksum file (`sha256sum` format) could not be read.
    #[error("{source_name}: line {line}: {reason}")]
    InvalidChecksumLine {
        /// The file (or `-`) the line came from.
        source_name: String,
        /// 1-based line number (in the decoded text for the base64 form).
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checksum file is larger than the configured bound.
    #[error("{source_name}: checksum list exceeds {limit} {what}")]
    ChecksumListTooLarge {
        /// The file (or `-`).
        source_name: String,
        /// Which bound (`bytes`, `lines`).
        what: &'static str,
        /// The bound.
        limit: usize,
    },
    /// Two subjects have the same name but different digests.
    #[error("subject {name:?} appears twice with different digests")]
    ConflictingSubject {
        /// The subject name.
        name: String,
    },
    /// More subjects than the configured bound.
    #[error("more than {limit} subjects")]
    TooManySubjects {
        /// The bound.
        limit: usize,
    },
    /// A statement needs at least one subject.
    #[error("no subjects: a statement needs at least one artifact")]
    NoSubjects,
    /// A subject path could not be read or hashed.
    #[error("cannot hash {}", path.display())]
    Hash {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: provenance_digest::Error,
    },
    /// A subject path is not valid Unicode, so it cannot be a subject name.
    #[error("{path:?} is not valid Unicode and cannot name a subject")]
    NonUnicodePath {
        /// The path.
        path: PathBuf,
    },
    /// Reading a file failed.
    #[error("cannot read {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The source commit is not a valid `gitCommit` digest.
    #[error("source commit {value:?} is not a full hex commit id")]
    InvalidCommit {
        /// The value.
        value: String,
        /// Why the digest crate refused it.
        #[source]
        source: provenance_digest::Error,
    },
    /// The statement assembled from the context was refused by the model (for example a
    /// builder id or build type that is not a valid URI).
    #[error("the assembled statement is not valid")]
    Model(#[source] provenance_model::Error),
}

impl From<provenance_model::Error> for Error {
    fn from(source: provenance_model::Error) -> Self {
        Self::Model(source)
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
