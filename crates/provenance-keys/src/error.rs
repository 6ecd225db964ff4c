//! The one error type of this crate. No variant ever carries secret material.

use std::path::PathBuf;

/// Everything that can go wrong with key material.
///
/// Messages name the file or variable and the format problem; they never include key bytes,
/// PEM text or passwords.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not PEM, or has a label we do not read.
    #[error("not a supported PEM key ({found})")]
    UnsupportedPem {
        /// The PEM label found, or a short description.
        found: String,
    },

    /// The key is well-formed but of an algorithm or curve we do not support for this use.
    #[error("unsupported key algorithm: {algorithm}")]
    UnsupportedAlgorithm {
        /// What was found (OID or name).
        algorithm: String,
    },

    /// A key id format other than `sslib`, `spki` or `none`.
    #[error("unknown key id format {format:?}: expected sslib, spki or none")]
    UnsupportedKeyIdFormat {
        /// What was given.
        format: String,
    },

    /// The key can verify but not sign here (RSA, ECDSA P-521).
    #[error("{algorithm} keys are supported for verification only")]
    VerifyOnly {
        /// The algorithm.
        algorithm: &'static str,
    },

    /// An RSA key shorter than the minimum: refused when it is loaded, so that a signature it
    /// made is never reported as a bad signature.
    #[error("RSA key of {bits} bits refused: at least {min} bits are required")]
    WeakKey {
        /// The modulus length.
        bits: usize,
        /// The minimum accepted.
        min: usize,
    },

    /// The DER/PEM structure of a key could not be decoded.
    #[error("malformed {what}")]
    Malformed {
        /// What was being decoded ("PKCS#8 private key", "SPKI public key", ...).
        what: &'static str,
    },

    /// The key is encrypted and no password was given.
    #[error(
        "the private key is encrypted: a password is needed (PROVENANCE_PASSWORD or a terminal prompt)"
    )]
    PasswordRequired,

    /// Decryption failed: wrong password or corrupted key.
    #[error("could not decrypt the private key (wrong password or corrupted file)")]
    Decryption,

    /// Encryption of a private key failed.
    #[error("could not encrypt the private key")]
    Encryption,

    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,

    /// A cosign-encrypted key uses parameters we refuse (unknown KDF/cipher, scrypt cost).
    #[error("unsupported cosign encrypted key: {reason}")]
    CosignFormat {
        /// What is unsupported.
        reason: String,
    },

    /// An encrypted key asks for more key-derivation work (scrypt N/r/p, PBKDF2 iterations)
    /// than [`crate::KdfLimits`] allows; refused before any derivation.
    #[error("key derivation cost too high: {reason}")]
    KdfCostTooHigh {
        /// The parameter and the bound.
        reason: String,
    },

    /// Signing failed.
    #[error("signing failed")]
    Signing,

    /// A key source string is not a path or `env://VAR`.
    #[error("invalid key source {source_str:?}: {reason}")]
    InvalidKeySource {
        /// The string given.
        source_str: String,
        /// What is wrong.
        reason: &'static str,
    },

    /// The environment variable named by `env://VAR` is not set (or not UTF-8).
    #[error("environment variable {name} is not set or not valid UTF-8")]
    EnvVarMissing {
        /// The variable name.
        name: String,
    },

    /// A key file or variable is larger than the 1 MiB bound.
    #[error("{source_name} is {size} bytes, more than the {max} bytes a key may have")]
    TooLarge {
        /// File path or `env://VAR`.
        source_name: String,
        /// Its size.
        size: u64,
        /// The bound.
        max: u64,
    },

    /// Refusing to overwrite an existing file without `force`.
    #[error("{path} already exists (and overwriting it was not allowed)")]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },

    /// Reading or writing a file failed.
    #[error("I/O error on {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system error.
        #[source]
        source: std::io::Error,
    },

    /// A key source failed while reading; the inner error says why.
    #[error("reading key from {source_name}")]
    Source {
        /// File path or `env://VAR`.
        source_name: String,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
}
