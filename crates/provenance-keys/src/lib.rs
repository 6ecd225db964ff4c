#![doc = include_str!("../README.md")]

mod cosign;
mod error;
pub mod fs;
mod kdf;
mod key_id;
mod oids;
mod password;
mod pem;
mod private;
mod public;
mod source;

pub use error::Error;
pub use kdf::KdfLimits;
pub use key_id::{KeyIdFormat, key_id_for_spki_der, sslib_key_id};
pub use password::{PASSWORD_ENV, Password};
pub use private::PrivateKey;
pub use provenance_dsse::KeyId;
pub use public::{KeyAlgorithm, PublicKey};
pub use source::KeySource;
