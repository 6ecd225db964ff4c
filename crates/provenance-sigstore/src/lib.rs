#![doc = include_str!("../README.md")]

mod b64;
mod bundle;
mod cache;
mod cert;
mod crypto;
mod error;
mod formats;
#[cfg(feature = "rekor-lookup")]
mod http;
mod limits;
mod policy;
mod rekor;
#[cfg(feature = "rekor-lookup")]
mod rekor_lookup;
mod sct;
#[cfg(feature = "sign")]
pub mod sign;
mod tlog;
#[cfg(feature = "tls")]
pub mod tls;
mod trust;
mod tsa;
#[cfg(feature = "tuf")]
pub mod tuf;
mod verify;

pub use bundle::{
    Bundle, BundleVersion, Content, DsseEnvelope, MAX_BUNDLE_BYTES, MAX_CHAIN_LEN,
    MAX_PROOF_HASHES, MAX_TIMESTAMPS, MAX_TLOG_ENTRIES, Material,
};
pub use cache::{SIGNING_CONFIG_FILE, TRUSTED_ROOT_FILE, TrustCache};
pub use cert::{Certificate, SignerIdentity};
pub use crypto::{HashAlgorithm, PublicKey};
pub use error::{Error, Result};
pub use limits::Limits;
pub use policy::{FulcioField, IdentityPolicy, Matcher};
pub use rekor::{RekorEntry, TlogLookup};
#[cfg(feature = "rekor-lookup")]
pub use rekor_lookup::RekorLookup;
pub use trust::{PUBLIC_GOOD_TRUSTED_ROOT, TrustedAuthority, TrustedLog, TrustedRoot, Validity};
pub use verify::{
    Artifact, BundleVerifier, Check, PROMISE_ONLY_CUTOFF, SignerPolicy, Transparency,
    VerifiedBundle, VerifiedContent,
};
