#![doc = include_str!("../README.md")]

mod envelope;
mod error;
mod key;
mod pae;
mod types;

pub use envelope::{Envelope, Signature, Verified, reject_duplicate_keys, verify_many};
pub use error::{Error, InvalidSignature};
pub use key::{DsseSigner, Ed25519VerificationKey, SignerWithKeyId, VerificationKey};
pub use pae::pae;
pub use types::{IN_TOTO_PAYLOAD_TYPE, KeyId, Limits, PayloadType, PayloadTypePolicy, Threshold};
