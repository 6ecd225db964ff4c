#![doc = include_str!("../README.md")]

mod error;
mod limits;
pub mod rules;
pub mod source;

pub use error::{Error, Result};
pub use limits::Limits;
pub use source::{AttestationFormat, AttestationSet, Origin, RawAttestation, Skipped};
