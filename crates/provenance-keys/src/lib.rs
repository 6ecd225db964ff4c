#![doc = include_str!("../README.md")]

mod cosign;
mod error;
pub mod fs;
mod kdf;
mod oids;
mod password;
mod pem;
mod private;
mod public;
mod source;

pub use error::Error;
pub use kdf::KdfLimits;
pub use password::{PASSWORD_ENV, Password};
pub use private::PrivateKey;
pub use provenance_dsse::KeyId;
pub use public::{KeyAlgorithm, PublicKey, key_id_for_spki_der};
pub use source::KeySource;
