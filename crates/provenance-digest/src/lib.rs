#![doc = include_str!("../README.md")]

mod algorithm;
mod digest_set;
mod error;

pub use algorithm::Algorithm;
pub use digest_set::{DigestMatch, DigestSet};
pub use error::{Error, Result};
