//! SLSA Verification Summary Attestation v1 (`https://slsa.dev/verification_summary/v1`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::error::{Error, FieldPath, JsonKind, Result};
use crate::json::{self, Extensions, Obj};
use crate::limits::Limits;
use crate::resource_descriptor::ResourceDescriptor;
use crate::slsa_v1::{opt_timestamp, required_message};
use crate::timestamp::Timestamp;
use crate::type_uri::TypeUri;
use crate::{Predicate, VSA_V1};

/// `verificationResult`: the verifier's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerificationResult {
    /// `PASSED`
    Passed,
    /// `FAILED`
    Failed,
}

impl VerificationResult {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
        }
    }
}

impl fmt::Display for VerificationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VerificationResult {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "PASSED" => Ok(Self::Passed),
            "FAILED" => Ok(Self::Failed),
            other => Err(Error::InvalidVerificationResult {
                path: FieldPath::root().key("verificationResult"),
                value: other.to_owned(),
            }),
        }
    }
}

impl Serialize for VerificationResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `verifier`: who verified.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VsaVerifier {
    id: TypeUri,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    version: BTreeMap<String, String>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl VsaVerifier {
    /// A verifier identified by `id`.
    pub fn new(id: TypeUri) -> Self {
        Self {
            id,
            version: BTreeMap::new(),
            extensions: Extensions::new(),
        }
    }
    /// Adds one `version` entry (component -> version).
    #[must_use]
    pub fn with_version(
        mut self,
        component: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.version.insert(component.into(), version.into());
        self
    }
    /// `id`.
    pub fn id(&self) -> &TypeUri {
        &self.id
    }
    /// `version` (component -> version, sorted).
    pub fn version(&self) -> &BTreeMap<String, String> {
        &self.version
    }
}

/// The [SLSA VSA v1](https://slsa.dev/spec/v1.0/verification_summary) predicate: a verifier's
/// signed verdict about an artifact, so downstream consumers need not repeat verification.
///
/// ```
/// use provenance_model::{ResourceDescriptor, Timestamp, VerificationResult, VerificationSummary, VsaVerifier};
/// let vsa = VerificationSummary::new(
///     VsaVerifier::new("https://example.com/provenance-verify".parse()?),
///     "https://example.com/app@v1",
///     ResourceDescriptor::from_uri("https://example.com/policy.toml"),
///     VerificationResult::Passed,
///     vec!["SLSA_BUILD_LEVEL_3".into()],
/// )
/// .with_time_verified(Timestamp::from_unix(1_700_000_000)?)
/// .with_slsa_version("1.0");
/// assert_eq!(vsa.slsa_build_level(), Some(3));
/// # Ok::<(), provenance_model::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerificationSummary {
    verifier: VsaVerifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_verified: Option<Timestamp>,
    resource_uri: String,
    policy: ResourceDescriptor,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    input_attestations: Vec<ResourceDescriptor>,
    verification_result: VerificationResult,
    verified_levels: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    dependency_levels: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slsa_version: Option<String>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl VerificationSummary {
    /// A summary with the required fields.
    pub fn new(
        verifier: VsaVerifier,
        resource_uri: impl Into<String>,
        policy: ResourceDescriptor,
        verification_result: VerificationResult,
        verified_levels: Vec<String>,
    ) -> Self {
        Self {
            verifier,
            time_verified: None,
            resource_uri: resource_uri.into(),
            policy,
            input_attestations: Vec::new(),
            verification_result,
            verified_levels,
            dependency_levels: BTreeMap::new(),
            slsa_version: None,
            extensions: Extensions::new(),
        }
    }
    /// Sets `timeVerified`.
    #[must_use]
    pub fn with_time_verified(mut self, at: Timestamp) -> Self {
        self.time_verified = Some(at);
        self
    }
    /// Sets `inputAttestations`.
    #[must_use]
    pub fn with_input_attestations(mut self, inputs: Vec<ResourceDescriptor>) -> Self {
        self.input_attestations = inputs;
        self
    }
    /// Sets one `dependencyLevels` entry.
    #[must_use]
    pub fn with_dependency_level(mut self, level: impl Into<String>, count: u64) -> Self {
        self.dependency_levels.insert(level.into(), count);
        self
    }
    /// Sets `slsaVersion` (e.g. `"1.0"`).
    #[must_use]
    pub fn with_slsa_version(mut self, version: impl Into<String>) -> Self {
        self.slsa_version = Some(version.into());
        self
    }

    /// `verifier`.
    pub fn verifier(&self) -> &VsaVerifier {
        &self.verifier
    }
    /// `timeVerified`.
    pub fn time_verified(&self) -> Option<&Timestamp> {
        self.time_verified.as_ref()
    }
    /// `resourceUri`.
    pub fn resource_uri(&self) -> &str {
        &self.resource_uri
    }
    /// `policy`.
    pub fn policy(&self) -> &ResourceDescriptor {
        &self.policy
    }
    /// `inputAttestations`.
    pub fn input_attestations(&self) -> &[ResourceDescriptor] {
        &self.input_attestations
    }
    /// `verificationResult`.
    pub fn verification_result(&self) -> VerificationResult {
        self.verification_result
    }
    /// `verifiedLevels`.
    pub fn verified_levels(&self) -> &[String] {
        &self.verified_levels
    }
    /// `dependencyLevels` (level -> number of dependencies, sorted).
    pub fn dependency_levels(&self) -> &BTreeMap<String, u64> {
        &self.dependency_levels
    }
    /// `slsaVersion`.
    pub fn slsa_version(&self) -> Option<&str> {
        self.slsa_version.as_deref()
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The highest `SLSA_BUILD_LEVEL_n` in `verifiedLevels`, if any.
    pub fn slsa_build_level(&self) -> Option<u8> {
        self.verified_levels
            .iter()
            .filter_map(|l| l.strip_prefix("SLSA_BUILD_LEVEL_"))
            .filter_map(|n| n.parse::<u8>().ok())
            .max()
    }

    /// Parses a VSA predicate alone from JSON bytes.
    ///
    /// # Errors
    /// Any [`Error`]; validation errors name the field path.
    pub fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let value = json::parse(bytes, limits, json::Ctx::Other)?;
        Self::decode(value, FieldPath::root(), limits)
    }

    fn decode(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        let mut obj = Obj::new(value, path)?;
        let mut verifier_obj = required_message(&mut obj, "verifier")?;
        let id_path = verifier_obj.field("id");
        let id = match verifier_obj.opt_string("id")? {
            None => return Err(Error::MissingField { path: id_path }),
            Some(s) => TypeUri::new_at(s, &id_path)?,
        };
        let verifier = VsaVerifier {
            id,
            version: verifier_obj.opt_string_map("version")?.unwrap_or_default(),
            extensions: verifier_obj.rest(),
        };
        let time_verified = opt_timestamp(&mut obj, "timeVerified")?;
        let resource_uri = obj.req_string("resourceUri")?;
        let policy_path = obj.field("policy");
        let policy = match obj.take("policy") {
            None => return Err(Error::MissingField { path: policy_path }),
            Some(v) => ResourceDescriptor::decode(v, &policy_path, limits)?,
        };
        let input_attestations =
            ResourceDescriptor::decode_list(&mut obj, "inputAttestations", limits)?;
        let result_path = obj.field("verificationResult");
        let verification_result = match obj.opt_string("verificationResult")? {
            None => return Err(Error::MissingField { path: result_path }),
            Some(s) => s.parse().map_err(|_| Error::InvalidVerificationResult {
                path: result_path,
                value: s,
            })?,
        };
        let verified_levels =
            obj.opt_string_list("verifiedLevels")?
                .ok_or_else(|| Error::MissingField {
                    path: obj.field("verifiedLevels"),
                })?;
        let mut dependency_levels = BTreeMap::new();
        if let Some(levels) = obj.opt_object("dependencyLevels")? {
            let path = levels.path().clone();
            for (level, count) in levels.into_map() {
                let n = count.as_u64().ok_or_else(|| Error::WrongType {
                    path: path.key(&level),
                    expected: JsonKind::UnsignedInteger,
                    found: JsonKind::of(&count),
                })?;
                dependency_levels.insert(level, n);
            }
        }
        Ok(Self {
            verifier,
            time_verified,
            resource_uri,
            policy,
            input_attestations,
            verification_result,
            verified_levels,
            dependency_levels,
            slsa_version: obj.opt_string("slsaVersion")?,
            extensions: obj.rest(),
        })
    }
}

impl Predicate for VerificationSummary {
    const PREDICATE_TYPE: &'static str = VSA_V1;

    fn from_predicate_json(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        Self::decode(value, path, limits)
    }
}

impl<'de> Deserialize<'de> for VerificationSummary {
    /// Deserialises and validates with [`Limits::default`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::decode(value, FieldPath::root(), &Limits::default()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vsa(json: &str) -> Result<VerificationSummary> {
        VerificationSummary::from_slice(json.as_bytes(), &Limits::default())
    }

    const FULL: &str = r#"{"verifier":{"id":"https://v.example/","version":{"v":"1.2"}},"timeVerified":"2024-06-12T07:24:34.351608Z","resourceUri":"pkg:x","policy":{"uri":"https://p.example/policy","digest":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}},"inputAttestations":[{"uri":"https://a.example/att","digest":{"sha256":"1111111111111111111111111111111111111111111111111111111111111111"}}],"verificationResult":"PASSED","verifiedLevels":["SLSA_BUILD_LEVEL_2","BCID_L1"],"dependencyLevels":{"SLSA_BUILD_LEVEL_1":3},"slsaVersion":"1.0"}"#;

    #[test]
    fn full_round_trips_byte_for_byte() {
        let v = vsa(FULL).unwrap();
        assert_eq!(v.verification_result(), VerificationResult::Passed);
        assert_eq!(v.slsa_build_level(), Some(2));
        assert_eq!(serde_json::to_string(&v).unwrap(), FULL);
    }

    #[test]
    fn result_must_be_passed_or_failed() {
        let err = vsa(&FULL.replace("\"PASSED\"", "\"passed\"")).unwrap_err();
        assert!(
            matches!(err, Error::InvalidVerificationResult { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn required_fields() {
        for (field, path) in [
            (r#""resourceUri":"pkg:x","#, "resourceUri"),
            (r#""verificationResult":"PASSED","#, "verificationResult"),
        ] {
            let err = vsa(&FULL.replace(field, "")).unwrap_err();
            assert!(
                matches!(&err, Error::MissingField { path: p } if p.as_str() == path),
                "{err:?}"
            );
        }
        let err = vsa(&FULL.replace(
            r#""dependencyLevels":{"SLSA_BUILD_LEVEL_1":3}"#,
            r#""dependencyLevels":{"SLSA_BUILD_LEVEL_1":-1}"#,
        ))
        .unwrap_err();
        assert!(matches!(
            err,
            Error::WrongType {
                expected: JsonKind::UnsignedInteger,
                ..
            }
        ));
    }
}
