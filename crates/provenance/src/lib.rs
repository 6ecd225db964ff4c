#![doc = include_str!("../README.md")]

mod attestor;
mod verifier;

pub use attestor::{Attestation, Attestor, Error as AttestError};
pub use provenance_context as context;
pub use provenance_digest as digest;
pub use provenance_dsse as dsse;
pub use provenance_keys as keys;
pub use provenance_model as model;
#[cfg(feature = "oci")]
pub use provenance_oci as oci;
pub use provenance_sigstore as sigstore;
pub use provenance_verify as verify;
pub use provenance_verify::trace::Node as TraceNode;
pub use provenance_verify::{Artifact, AttestationSet, Report, VerifiedSet};
pub use verifier::{
    KeyRoot, KeylessRoot, Transparency, Verdict, Verifier, VerifierBuilder, VerifyError,
};
