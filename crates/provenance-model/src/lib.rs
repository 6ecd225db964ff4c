#![doc = include_str!("../README.md")]

pub mod b64;
mod error;
mod json;
mod limits;
mod repo_url;
mod resource_descriptor;
mod slsa_v02;
mod slsa_v1;
mod statement;
mod timestamp;
mod type_uri;
mod vsa;

use serde_json::{Map, Value};

pub use error::{Error, FieldPath, JsonKind, LimitKind, NotStatementKind, Result};
pub use json::{Extensions, reject_duplicate_keys};
pub use limits::{Limits, MissingPredicate, ReadMode, UnreadFields};
pub use provenance_digest::{Algorithm, DigestMatch, DigestSet};
pub use repo_url::{InvalidRepoUrl, RepoForm, RepoUrl};
pub use resource_descriptor::ResourceDescriptor;
pub use slsa_v1::{BuildDefinition, BuildMetadata, Builder, Provenance, RunDetails};
pub use slsa_v02::{
    BuilderV02, Completeness, ConfigSource, Invocation, MetadataV02, ProvenanceV02, SlsaProvenance,
};
pub use statement::{PredicateKind, Statement, StatementType};
pub use timestamp::Timestamp;
pub use type_uri::TypeUri;
pub use vsa::{VerificationResult, VerificationSummary, VsaVerifier};

/// `_type` of an in-toto Statement v1 (what this crate writes).
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `_type` of an in-toto Statement v0.1 (read only).
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// `predicateType` of SLSA Provenance v1. Exactly this string: `.../provenance/v1.0` is a
/// different (non-standard) type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// `predicateType` of SLSA Provenance v0.2.
pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// `predicateType` of a SLSA Verification Summary Attestation v1.
pub const VSA_V1: &str = "https://slsa.dev/verification_summary/v1";
/// DSSE `payloadType` of in-toto Statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A typed predicate that can be carried by a [`Statement`].
///
/// Implemented by [`Provenance`] (SLSA v1), [`ProvenanceV02`] and [`VerificationSummary`];
/// implement it for your own predicate types to use [`Statement::new`] and
/// [`Statement::predicate`] with them.
pub trait Predicate: Sized + serde::Serialize {
    /// The exact `predicateType` URI.
    const PREDICATE_TYPE: &'static str;

    /// Reads and validates the predicate from the JSON value found at `path` (used to name
    /// fields in errors, e.g. `predicate.runDetails.builder.id`).
    ///
    /// # Errors
    /// A validation [`Error`] naming the field.
    fn from_predicate_json(value: Value, path: FieldPath, limits: &Limits) -> Result<Self>;

    /// The predicate as a JSON object (serde serialisation by default).
    ///
    /// # Errors
    /// [`Error::Serialize`] when the value does not serialise to a JSON object.
    fn to_predicate_json(&self) -> Result<Map<String, Value>> {
        match serde_json::to_value(self).map_err(|source| Error::Serialize { source })? {
            Value::Object(map) => Ok(map),
            other => Err(Error::WrongType {
                path: FieldPath::root().key("predicate"),
                expected: JsonKind::Object,
                found: JsonKind::of(&other),
            }),
        }
    }
}
