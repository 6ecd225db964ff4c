//! The one error type of this crate.

use std::path::PathBuf;

use crate::Algorithm;

/// Everything that can go wrong while parsing digests or hashing data.
///
/// Every variant that concerns a file names its path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An algorithm name that this crate cannot compute.
    #[error("unknown or unsupported digest algorithm {name:?}")]
    UnknownAlgorithm {
        /// The name as given.
        name: String,
    },
    /// A digest value that is not valid for its (known) algorithm.
    #[error("invalid {algorithm} digest value {value:?}: {reason}")]
    InvalidDigest {
        /// The in-toto algorithm name.
        algorithm: String,
        /// The offending value (truncated to 200 characters).
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An empty algorithm name in a digest set.
    #[error("empty algorithm name in digest set")]
    EmptyAlgorithmName,
    /// A digest set must hold at least one digest.
    #[error("digest set is empty")]
    EmptyDigestSet,
    /// A `name:hex` digest reference without the colon.
    #[error("digest {value:?} is not of the form ALGORITHM:HEX")]
    MissingAlgorithmPrefix {
        /// The offending value (truncated to 200 characters).
        value: String,
    },
    /// Hashing was asked for with no algorithm.
    #[error("no digest algorithm requested")]
    NoAlgorithm,
    /// The algorithm cannot be computed on this kind of input (for example `dirHash` of a single
    /// file, or `gitBlob` of a stream whose length is not known in advance).
    #[error("{algorithm} cannot be computed for {input}")]
    UnsupportedInput {
        /// The algorithm asked for.
        algorithm: Algorithm,
        /// The kind of input, e.g. "a stream of unknown length".
        input: &'static str,
    },
    /// Reading or opening a file failed.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Reading from a stream (no path) failed.
    #[error("cannot read input stream")]
    Read {
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file changed size while it was hashed (its `gitBlob` header would be wrong).
    #[error("{} changed size while it was read (expected {expected} bytes, read {actual})", path.display())]
    FileChanged {
        /// The file.
        path: PathBuf,
        /// The size announced by the file system before reading.
        expected: u64,
        /// The number of bytes actually read.
        actual: u64,
    },
    /// A symbolic link inside a tree points outside the tree's root.
    #[error("symbolic link {} points outside the tree {} (to {})", path.display(), root.display(), target.display())]
    SymlinkEscapesRoot {
        /// The link.
        path: PathBuf,
        /// The tree root.
        root: PathBuf,
        /// Where the link resolves to.
        target: PathBuf,
    },
    /// `dirHash` (Go dirhash `Hash1`) refuses file names containing a newline.
    #[error("dirHash does not support file names containing a newline: {}", path.display())]
    NewlineInFileName {
        /// The offending file.
        path: PathBuf,
    },
    /// A directory was given where a file was expected.
    #[error("{} is a directory", path.display())]
    IsADirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A file was given where a directory was expected.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// The file.
        path: PathBuf,
    },
    /// `dirHash` of a tree some of whose files could not be hashed.
    #[error("dirHash of {} is incomplete: {failed} file(s) could not be hashed", root.display())]
    IncompleteTree {
        /// The tree root.
        root: PathBuf,
        /// How many files failed.
        failed: usize,
    },
    /// A worker thread could not be started or stopped unexpectedly.
    #[error("hashing worker thread failed: {reason}")]
    Worker {
        /// What happened.
        reason: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Truncates a value for inclusion in an error message.
pub(crate) fn excerpt(value: &str) -> String {
    value.chars().take(200).collect()
}
