#![doc = include_str!("../README.md")]

mod auth;
mod client;
pub mod cosign;
mod digest;
pub mod manifest;
mod reference;
pub mod referrers;

use std::path::PathBuf;

pub use auth::{CredentialSource, Credentials, default_docker_config_path};
pub use client::{
    ClientConfig, FetchedManifest, MAX_MANIFEST_BYTES, ManifestRef, PlainHttp, PushedManifest,
    RegistryClient,
};
pub use digest::{Algorithm, OciDigest};
pub use reference::{ImageReference, MAX_REFERENCE_LEN, Registry, Repository, Tag};

/// Everything that can go wrong talking to a registry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An image reference does not follow the reference grammar.
    #[error("image reference `{input}`: {reason}")]
    InvalidReference {
        /// The input (at most 200 characters).
        input: String,
        /// What is wrong, naming the part (registry, repository, tag).
        reason: String,
    },
    /// A digest is not `sha256:<64 hex>` / `sha512:<128 hex>`.
    #[error("digest `{input}`: {reason}")]
    InvalidDigest {
        /// The input (at most 200 characters).
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// Content does not hash to the digest that named it.
    #[error("{what}: content digest is {actual}, expected {expected}")]
    DigestMismatch {
        /// What was checked (manifest/blob and its name).
        what: String,
        /// The digest asked for.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// The registry could not be reached or the connection failed (including TLS).
    #[error("cannot reach {url}")]
    Transport {
        /// The URL.
        url: String,
        /// The transport error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The registry refused access.
    #[error("registry {registry} refused access to {url}: {reason}")]
    Unauthorized {
        /// The registry.
        registry: String,
        /// The URL asked for.
        url: String,
        /// Why.
        reason: String,
    },
    /// 404.
    #[error("not found: {url}")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// Any other unexpected HTTP status.
    #[error("{url}: HTTP {status}{detail}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The registry's error code and message, if it sent one (`: CODE: message`).
        detail: String,
    },
    /// A response is larger than its bound.
    #[error("{what} at {url} is larger than {limit} bytes")]
    TooLarge {
        /// What was read.
        what: String,
        /// Where.
        url: String,
        /// The bound.
        limit: u64,
    },
    /// More items than the bound.
    #[error("more than {limit} {what}")]
    TooMany {
        /// What was counted.
        what: String,
        /// The bound.
        limit: usize,
    },
    /// A registry answer is not what the spec says.
    #[error("{what} at {url}: {reason}")]
    Malformed {
        /// What was read.
        what: String,
        /// Where.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A referrer manifest is not an attestation of the image.
    #[error("referrer {digest}: {reason}")]
    Referrer {
        /// The referrer manifest's digest.
        digest: String,
        /// What is wrong.
        reason: String,
    },
    /// A docker config file cannot be used.
    #[error("registry credentials {path}: {reason}")]
    Credentials {
        /// The file.
        path: PathBuf,
        /// What is wrong (never the secret).
        reason: String,
    },
    /// An extra CA file cannot be used.
    #[error("CA file {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}
