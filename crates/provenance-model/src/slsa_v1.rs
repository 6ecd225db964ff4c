//! SLSA Provenance v1 (`https://slsa.dev/provenance/v1`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, FieldPath, Result};
use crate::json::{self, Extensions, Obj};
use crate::limits::{Limits, ReadMode};
use crate::resource_descriptor::{EmptyDescriptor, ResourceDescriptor};
use crate::timestamp::Timestamp;
use crate::type_uri::TypeUri;
use crate::{Predicate, SLSA_PROVENANCE_V1};

/// The [SLSA Provenance v1](https://slsa.dev/spec/v1.0/provenance) predicate: what was built
/// ([`BuildDefinition`]) and by whom and when ([`RunDetails`]).
///
/// ```
/// use provenance_model::{BuildDefinition, Builder, Provenance, RunDetails, TypeUri};
/// let definition = BuildDefinition::new(
///     "https://example.com/buildtypes/make/v1".parse::<TypeUri>()?,
///     serde_json::Map::new(),
/// );
/// let run = RunDetails::new(Builder::new("https://example.com/builder".parse::<TypeUri>()?));
/// let provenance = Provenance::new(definition, run);
/// assert_eq!(provenance.run_details().builder().id().as_str(), "https://example.com/builder");
/// # Ok::<(), provenance_model::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Provenance {
    build_definition: BuildDefinition,
    run_details: RunDetails,
    #[serde(flatten)]
    extensions: Extensions,
}

/// `buildDefinition`: the inputs that determine the build.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BuildDefinition {
    build_type: TypeUri,
    external_parameters: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    internal_parameters: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resolved_dependencies: Vec<ResourceDescriptor>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// `runDetails`: the builder and this particular run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RunDetails {
    builder: Builder,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<BuildMetadata>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    byproducts: Vec<ResourceDescriptor>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// `runDetails.builder`: the trusted build platform.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[expect(
    clippy::struct_field_names,
    reason = "`builderDependencies` is the SLSA field name"
)]
pub struct Builder {
    id: TypeUri,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    version: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    builder_dependencies: Vec<ResourceDescriptor>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// `runDetails.metadata`: identifiers and times of this run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BuildMetadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    invocation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_on: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_on: Option<Timestamp>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl Provenance {
    /// A provenance predicate from its two parts.
    pub fn new(build_definition: BuildDefinition, run_details: RunDetails) -> Self {
        Self {
            build_definition,
            run_details,
            extensions: Extensions::new(),
        }
    }

    /// `buildDefinition`.
    pub fn build_definition(&self) -> &BuildDefinition {
        &self.build_definition
    }
    /// `runDetails`.
    pub fn run_details(&self) -> &RunDetails {
        &self.run_details
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Parses a predicate alone (not wrapped in a Statement) from JSON bytes.
    ///
    /// # Errors
    /// Any [`Error`]; validation errors name the field path.
    pub fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let value = json::parse(bytes, limits, json::Ctx::Other)?;
        Self::decode(value, FieldPath::root(), limits)
    }

    pub(crate) fn decode(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        let mut obj = Obj::new(value, path)?;
        let build_definition =
            BuildDefinition::decode(required_message(&mut obj, "buildDefinition")?, limits)?;
        let run_details = RunDetails::decode(required_message(&mut obj, "runDetails")?, limits)?;
        Ok(Self {
            build_definition,
            run_details,
            extensions: obj.rest(),
        })
    }
}

/// A required nested object; an empty object counts as missing (as in the protobuf
/// reference, where an empty message equals an unset one).
pub(crate) fn required_message(obj: &mut Obj, key: &str) -> Result<Obj> {
    match obj.opt_object(key)? {
        Some(inner) if !inner.is_empty() => Ok(inner),
        _ => Err(Error::MissingField {
            path: obj.field(key),
        }),
    }
}

fn required_type_uri(obj: &mut Obj, key: &str) -> Result<TypeUri> {
    let path = obj.field(key);
    match obj.opt_string(key)? {
        None => Err(Error::MissingField { path }),
        Some(s) => TypeUri::new_at(s, &path),
    }
}

pub(crate) fn opt_timestamp(obj: &mut Obj, key: &str) -> Result<Option<Timestamp>> {
    let path = obj.field(key);
    obj.opt_string(key)?
        .map(|s| Timestamp::parse_at(s, &path))
        .transpose()
}

impl BuildDefinition {
    /// A build definition: `buildType` says how to read `externalParameters` (the
    /// user-controlled inputs; may be empty but is always written).
    pub fn new(build_type: TypeUri, external_parameters: Map<String, Value>) -> Self {
        Self {
            build_type,
            external_parameters,
            internal_parameters: None,
            resolved_dependencies: Vec::new(),
            extensions: Extensions::new(),
        }
    }
    /// Sets `internalParameters`.
    #[must_use]
    pub fn with_internal_parameters(mut self, internal: Map<String, Value>) -> Self {
        self.internal_parameters = Some(internal);
        self
    }
    /// Sets `resolvedDependencies`.
    #[must_use]
    pub fn with_resolved_dependencies(mut self, dependencies: Vec<ResourceDescriptor>) -> Self {
        self.resolved_dependencies = dependencies;
        self
    }
    /// Appends one resolved dependency.
    #[must_use]
    pub fn with_resolved_dependency(mut self, dependency: ResourceDescriptor) -> Self {
        self.resolved_dependencies.push(dependency);
        self
    }

    /// `buildType`.
    pub fn build_type(&self) -> &TypeUri {
        &self.build_type
    }
    /// `externalParameters`.
    pub fn external_parameters(&self) -> &Map<String, Value> {
        &self.external_parameters
    }
    /// `internalParameters`.
    pub fn internal_parameters(&self) -> Option<&Map<String, Value>> {
        self.internal_parameters.as_ref()
    }
    /// `resolvedDependencies`.
    pub fn resolved_dependencies(&self) -> &[ResourceDescriptor] {
        &self.resolved_dependencies
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj, limits: &Limits) -> Result<Self> {
        let build_type = required_type_uri(&mut obj, "buildType")?;
        let external_parameters = match obj.opt_map("externalParameters")? {
            Some(map) => map,
            None if limits.read_mode() == ReadMode::Lenient => Map::new(),
            None => {
                return Err(Error::MissingField {
                    path: obj.field("externalParameters"),
                });
            }
        };
        let internal_parameters = obj.opt_map("internalParameters")?;
        let resolved_dependencies =
            ResourceDescriptor::decode_list(&mut obj, "resolvedDependencies", limits)?;
        Ok(Self {
            build_type,
            external_parameters,
            internal_parameters,
            resolved_dependencies,
            extensions: obj.rest(),
        })
    }
}

impl RunDetails {
    /// Run details naming the builder.
    pub fn new(builder: Builder) -> Self {
        Self {
            builder,
            metadata: None,
            byproducts: Vec::new(),
            extensions: Extensions::new(),
        }
    }
    /// Sets `metadata`.
    #[must_use]
    pub fn with_metadata(mut self, metadata: BuildMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }
    /// Sets `byproducts`.
    #[must_use]
    pub fn with_byproducts(mut self, byproducts: Vec<ResourceDescriptor>) -> Self {
        self.byproducts = byproducts;
        self
    }

    /// `builder`.
    pub fn builder(&self) -> &Builder {
        &self.builder
    }
    /// `metadata`.
    pub fn metadata(&self) -> Option<&BuildMetadata> {
        self.metadata.as_ref()
    }
    /// `byproducts`.
    pub fn byproducts(&self) -> &[ResourceDescriptor] {
        &self.byproducts
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj, limits: &Limits) -> Result<Self> {
        let builder = Builder::decode(required_message(&mut obj, "builder")?, limits)?;
        let metadata = obj
            .opt_object("metadata")?
            .map(BuildMetadata::decode)
            .transpose()?;
        // Google Cloud Build writes `"byproducts": [{}]` (an empty protobuf message); an empty
        // byproduct says nothing, so it is tolerated (and kept) rather than failing the whole
        // provenance. Any non-empty byproduct must satisfy the descriptor rule.
        let byproducts = ResourceDescriptor::decode_list_with(
            &mut obj,
            "byproducts",
            limits,
            EmptyDescriptor::Accept,
        )?;
        Ok(Self {
            builder,
            metadata,
            byproducts,
            extensions: obj.rest(),
        })
    }
}

impl Builder {
    /// A builder with its `id` (a `TypeURI` naming the trusted build platform).
    pub fn new(id: TypeUri) -> Self {
        Self {
            id,
            version: BTreeMap::new(),
            builder_dependencies: Vec::new(),
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
    /// Sets `builderDependencies`.
    #[must_use]
    pub fn with_builder_dependencies(mut self, dependencies: Vec<ResourceDescriptor>) -> Self {
        self.builder_dependencies = dependencies;
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
    /// `builderDependencies`.
    pub fn builder_dependencies(&self) -> &[ResourceDescriptor] {
        &self.builder_dependencies
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj, limits: &Limits) -> Result<Self> {
        let id = required_type_uri(&mut obj, "id")?;
        let version = obj.opt_string_map("version")?.unwrap_or_default();
        let builder_dependencies =
            ResourceDescriptor::decode_list(&mut obj, "builderDependencies", limits)?;
        Ok(Self {
            id,
            version,
            builder_dependencies,
            extensions: obj.rest(),
        })
    }
}

impl BuildMetadata {
    /// Empty metadata, to fill with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `invocationId` (e.g. the CI run URL).
    #[must_use]
    pub fn with_invocation_id(mut self, id: impl Into<String>) -> Self {
        self.invocation_id = Some(id.into());
        self
    }
    /// Sets `startedOn`.
    #[must_use]
    pub fn with_started_on(mut self, at: Timestamp) -> Self {
        self.started_on = Some(at);
        self
    }
    /// Sets `finishedOn`.
    #[must_use]
    pub fn with_finished_on(mut self, at: Timestamp) -> Self {
        self.finished_on = Some(at);
        self
    }

    /// `invocationId`.
    pub fn invocation_id(&self) -> Option<&str> {
        self.invocation_id.as_deref()
    }
    /// `startedOn`.
    pub fn started_on(&self) -> Option<&Timestamp> {
        self.started_on.as_ref()
    }
    /// `finishedOn`.
    pub fn finished_on(&self) -> Option<&Timestamp> {
        self.finished_on.as_ref()
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj) -> Result<Self> {
        Ok(Self {
            invocation_id: obj.opt_string("invocationId")?,
            started_on: opt_timestamp(&mut obj, "startedOn")?,
            finished_on: opt_timestamp(&mut obj, "finishedOn")?,
            extensions: obj.rest(),
        })
    }
}

impl Predicate for Provenance {
    const PREDICATE_TYPE: &'static str = SLSA_PROVENANCE_V1;

    fn from_predicate_json(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        Self::decode(value, path, limits)
    }
}

impl<'de> Deserialize<'de> for Provenance {
    /// Deserialises and validates with [`Limits::default`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::decode(value, FieldPath::root(), &Limits::default()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prov(json: &str) -> Result<Provenance> {
        Provenance::from_slice(json.as_bytes(), &Limits::default())
    }

    const MINIMAL: &str = r#"{"buildDefinition":{"buildType":"bt","externalParameters":{}},"runDetails":{"builder":{"id":"b"}}}"#;

    #[test]
    fn minimal_round_trips_byte_for_byte() {
        let p = prov(MINIMAL).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), MINIMAL);
    }

    #[test]
    fn required_fields_are_named() {
        let cases = [
            (
                r#"{"runDetails":{"builder":{"id":"b"}}}"#,
                "buildDefinition",
            ),
            (
                r#"{"buildDefinition":{},"runDetails":{"builder":{"id":"b"}}}"#,
                "buildDefinition",
            ),
            (
                r#"{"buildDefinition":{"externalParameters":{}},"runDetails":{"builder":{"id":"b"}}}"#,
                "buildDefinition.buildType",
            ),
            (
                r#"{"buildDefinition":{"buildType":"bt"},"runDetails":{"builder":{"id":"b"}}}"#,
                "buildDefinition.externalParameters",
            ),
            (
                r#"{"buildDefinition":{"buildType":"bt","externalParameters":{}},"runDetails":{}}"#,
                "runDetails",
            ),
            (
                r#"{"buildDefinition":{"buildType":"bt","externalParameters":{}},"runDetails":{"builder":{}}}"#,
                "runDetails.builder",
            ),
        ];
        for (json, field) in cases {
            let err = prov(json).unwrap_err();
            assert!(
                matches!(&err, Error::MissingField { path } if path.as_str() == field),
                "{json}: {err:?}"
            );
        }
        let err = prov(r#"{"buildDefinition":{"buildType":"bt","externalParameters":{}},"runDetails":{"builder":{"id":""}}}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Empty { path } if path.as_str() == "runDetails.builder.id"),
            "{err:?}"
        );
    }

    #[test]
    fn lenient_mode_reads_absent_external_parameters_as_empty() {
        // sigstore-conformance's rekor2-dsse-happy-path predicate
        let json = r#"{"buildDefinition":{"buildType":"bt"},"runDetails":{"builder":{"id":"b"}}}"#;
        let err = prov(json).unwrap_err();
        assert!(
            matches!(&err, Error::MissingField { path } if path.as_str() == "buildDefinition.externalParameters"),
            "{err:?}"
        );
        let lenient = Limits::default().with_read_mode(ReadMode::Lenient);
        let p = Provenance::from_slice(json.as_bytes(), &lenient).unwrap();
        assert!(p.build_definition().external_parameters().is_empty());
        // what a verifier decides on stays required
        let err = Provenance::from_slice(
            br#"{"buildDefinition":{"buildType":"bt"},"runDetails":{}}"#,
            &lenient,
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::MissingField { path } if path.as_str() == "runDetails"),
            "{err:?}"
        );
        let bad_time = json.replace(
            r#"{"id":"b"}"#,
            r#"{"id":"b"},"metadata":{"startedOn":"yesterday"}"#,
        );
        assert!(Provenance::from_slice(bad_time.as_bytes(), &lenient).is_err());
    }

    #[test]
    fn timestamps_are_validated() {
        let bad = MINIMAL.replace(
            r#"{"id":"b"}"#,
            r#"{"id":"b"},"metadata":{"startedOn":"yesterday"}"#,
        );
        let err = prov(&bad).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidTimestamp { path, .. } if path.as_str() == "runDetails.metadata.startedOn"),
            "{err:?}"
        );
    }

    #[test]
    fn dependency_errors_carry_the_index() {
        let bad = MINIMAL.replace(
            r#""externalParameters":{}"#,
            r#""externalParameters":{},"resolvedDependencies":[{"uri":"u"},{"name":"n"}]"#,
        );
        let err = prov(&bad).unwrap_err();
        assert!(
            matches!(&err, Error::DescriptorEmpty { path } if path.as_str() == "buildDefinition.resolvedDependencies[1]"),
            "{err:?}"
        );
    }
}
