#![doc = include_str!("../README.md")]

mod engine;
mod error;
mod expect;
pub mod facts;
mod limits;
pub mod load;
pub mod pattern;
pub mod policy;
pub mod rules;
pub mod source;
pub mod trace;
mod trust;
mod verified;
pub mod vsa;

pub use engine::{
    ACCEPTED_ALGORITHMS, Artifact, ArtifactReport, BATCH, ClaimedPart, Engine, Refusal, Rejected,
    Report, TraceEntry, TrustRoot, Verdict, Verification, VerifiedPart, VerifiedSet, summary,
};
pub use error::{Error, Result};
pub use expect::{CLOCK_SKEW, Expectations, Rule, RuleFailure};
pub use facts::Facts;
pub use limits::Limits;
pub use policy::Policy;
pub use source::{AttestationFormat, AttestationSet, Origin, RawAttestation, Skipped};
pub use time::OffsetDateTime;
pub use trust::{KeyVerifier, SharedKey, SharedLookup, SigstoreVerifier};
pub use verified::{
    Acceptance, AttestationVerifier, Body, CertFact, Rejection, SignedAttestation, SignedContent,
    Signer, SignerIdentity, Subject, VerifiedAttestation, is_in_toto_payload_type,
};
