//! SLSA Provenance v0.2 (`https://slsa.dev/provenance/v0.2`), read and written faithfully,
//! plus its mapping onto the v1 model so verifiers treat both alike.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, FieldPath, Result};
use crate::json::{self, Extensions, Obj};
use crate::limits::Limits;
use crate::resource_descriptor::{ResourceDescriptor, decode_digest_set};
use crate::slsa_v1::{
    BuildDefinition, BuildMetadata, Builder, Provenance, RunDetails, opt_timestamp,
    required_message,
};
use crate::statement::{PredicateKind, Statement};
use crate::timestamp::Timestamp;
use crate::type_uri::TypeUri;
use crate::{DigestSet, Predicate, SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02};

/// The [SLSA Provenance v0.2](https://slsa.dev/spec/v0.2/provenance) predicate, as still
/// emitted by slsa-github-generator (generic, Go builders), `BuildKit` and Google Cloud Build.
///
/// Every field is kept as read (unknown fields too) and written back unchanged. Use
/// [`ProvenanceV02::to_v1`] for the v1 view that verification reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProvenanceV02 {
    builder: BuilderV02,
    build_type: TypeUri,
    #[serde(skip_serializing_if = "Option::is_none")]
    invocation: Option<Invocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build_config: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<MetadataV02>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    materials: Vec<ResourceDescriptor>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// v0.2 `builder`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BuilderV02 {
    id: TypeUri,
    #[serde(flatten)]
    extensions: Extensions,
}

/// v0.2 `invocation`: what started the build.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Invocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    config_source: Option<ConfigSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<Value>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// v0.2 `invocation.configSource`: where the top-level build configuration came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConfigSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<DigestSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_point: Option<String>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// v0.2 `metadata`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MetadataV02 {
    #[serde(skip_serializing_if = "Option::is_none")]
    build_invocation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build_started_on: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build_finished_on: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completeness: Option<Completeness>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reproducible: Option<bool>,
    #[serde(flatten)]
    extensions: Extensions,
}

/// v0.2 `metadata.completeness`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Completeness {
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    materials: Option<bool>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl ProvenanceV02 {
    /// A v0.2 predicate (for tests and converters; new provenance should be v1).
    pub fn new(builder_id: TypeUri, build_type: TypeUri) -> Self {
        Self {
            builder: BuilderV02 {
                id: builder_id,
                extensions: Extensions::new(),
            },
            build_type,
            invocation: None,
            build_config: None,
            metadata: None,
            materials: Vec::new(),
            extensions: Extensions::new(),
        }
    }
    /// Sets `invocation`.
    #[must_use]
    pub fn with_invocation(mut self, invocation: Invocation) -> Self {
        self.invocation = Some(invocation);
        self
    }
    /// Sets `metadata`.
    #[must_use]
    pub fn with_metadata(mut self, metadata: MetadataV02) -> Self {
        self.metadata = Some(metadata);
        self
    }
    /// Sets `materials`.
    #[must_use]
    pub fn with_materials(mut self, materials: Vec<ResourceDescriptor>) -> Self {
        self.materials = materials;
        self
    }
    /// Sets `buildConfig`.
    #[must_use]
    pub fn with_build_config(mut self, config: Value) -> Self {
        self.build_config = Some(config);
        self
    }

    /// `builder`.
    pub fn builder(&self) -> &BuilderV02 {
        &self.builder
    }
    /// `buildType`.
    pub fn build_type(&self) -> &TypeUri {
        &self.build_type
    }
    /// `invocation`.
    pub fn invocation(&self) -> Option<&Invocation> {
        self.invocation.as_ref()
    }
    /// `buildConfig`.
    pub fn build_config(&self) -> Option<&Value> {
        self.build_config.as_ref()
    }
    /// `metadata`.
    pub fn metadata(&self) -> Option<&MetadataV02> {
        self.metadata.as_ref()
    }
    /// `materials`.
    pub fn materials(&self) -> &[ResourceDescriptor] {
        &self.materials
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Parses a v0.2 predicate alone from JSON bytes.
    ///
    /// # Errors
    /// Any [`Error`]; validation errors name the field path.
    pub fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let value = json::parse(bytes, limits, json::Ctx::Other)?;
        Self::decode(value, FieldPath::root(), limits)
    }

    fn decode(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        let mut obj = Obj::new(value, path)?;
        let mut builder_obj = required_message(&mut obj, "builder")?;
        let id_path = builder_obj.field("id");
        let id = match builder_obj.opt_string("id")? {
            None => return Err(Error::MissingField { path: id_path }),
            Some(s) => TypeUri::new_at(s, &id_path)?,
        };
        let builder = BuilderV02 {
            id,
            extensions: builder_obj.rest(),
        };
        let bt_path = obj.field("buildType");
        let build_type = match obj.opt_string("buildType")? {
            None => return Err(Error::MissingField { path: bt_path }),
            Some(s) => TypeUri::new_at(s, &bt_path)?,
        };
        let invocation = obj
            .opt_object("invocation")?
            .map(|o| Invocation::decode(o, limits))
            .transpose()?;
        let build_config = obj.take("buildConfig");
        let metadata = obj
            .opt_object("metadata")?
            .map(MetadataV02::decode)
            .transpose()?;
        let materials = ResourceDescriptor::decode_list(&mut obj, "materials", limits)?;
        Ok(Self {
            builder,
            build_type,
            invocation,
            build_config,
            metadata,
            materials,
            extensions: obj.rest(),
        })
    }

    /// The v1 view of this predicate, following the SLSA v1.0 spec's "Migrating from 0.2"
    /// pseudocode, so that verification reads source, builder and run the same way for both
    /// versions:
    ///
    /// | v1 field | taken from (v0.2) |
    /// |---|---|
    /// | `buildDefinition.buildType` | `buildType` (unchanged; v0.2 build types keep their URIs) |
    /// | `buildDefinition.externalParameters` | `invocation.parameters` (its members; a non-object value goes under `"parameters"`), then `"entryPoint"` = `invocation.configSource.entryPoint` and `"source"` = `invocation.configSource.uri` (these two win over same-named parameters) |
    /// | `buildDefinition.internalParameters` | `invocation.environment` (its members; a non-object value goes under `"environment"`) |
    /// | `buildDefinition.resolvedDependencies` | first `{uri, digest}` of `invocation.configSource` (when it has a uri or digest), then every `materials` entry except one identical (same uri and digest) to the config source |
    /// | `runDetails.builder.id` | `builder.id` (no `version`, no `builderDependencies`) |
    /// | `runDetails.metadata.invocationId` | `metadata.buildInvocationId` (or slsa-github-generator's `buildInvocationID` spelling) |
    /// | `runDetails.metadata.startedOn` / `finishedOn` | `metadata.buildStartedOn` / `buildFinishedOn` |
    /// | — | `buildConfig`, `metadata.completeness`, `metadata.reproducible` have no v1 field and are left out (read them from the v0.2 value) |
    ///
    /// The spec's pseudocode appends the config source after the materials; the view puts it
    /// first (and drops the duplicate that slsa-github-generator writes as `materials[0]`) so
    /// that `resolvedDependencies[0]` is the source for v0.2 exactly as it is for GitHub's v1
    /// provenance. Digest algorithm names are not rewritten (`sha1` stays `sha1`).
    pub fn to_v1(&self) -> Provenance {
        let config_source = self
            .invocation
            .as_ref()
            .and_then(|i| i.config_source.as_ref());

        let mut external = Map::new();
        let mut internal = None;
        if let Some(invocation) = &self.invocation {
            match &invocation.parameters {
                Some(Value::Object(members)) => external.extend(members.clone()),
                Some(other) => {
                    external.insert("parameters".to_owned(), other.clone());
                }
                None => {}
            }
            internal = match &invocation.environment {
                Some(Value::Object(members)) => Some(members.clone()),
                Some(other) => {
                    let mut m = Map::new();
                    m.insert("environment".to_owned(), other.clone());
                    Some(m)
                }
                None => None,
            };
        }
        let mut dependencies = Vec::with_capacity(self.materials.len() + 1);
        if let Some(source) = config_source {
            if let Some(entry_point) = &source.entry_point {
                external.insert("entryPoint".to_owned(), Value::String(entry_point.clone()));
            }
            if let Some(uri) = &source.uri {
                external.insert("source".to_owned(), Value::String(uri.clone()));
            }
            if let Some(rd) = source.as_descriptor() {
                dependencies.push(rd);
            }
        }
        for material in &self.materials {
            let duplicate = config_source.is_some_and(|s| {
                s.uri.as_deref() == material.uri() && s.digest.as_ref() == material.digest()
            });
            if !duplicate {
                dependencies.push(material.clone());
            }
        }

        let mut definition = BuildDefinition::new(self.build_type.clone(), external)
            .with_resolved_dependencies(dependencies);
        if let Some(internal) = internal {
            definition = definition.with_internal_parameters(internal);
        }
        let mut run = RunDetails::new(Builder::new(self.builder.id.clone()));
        if let Some(meta) = &self.metadata {
            let mut m = BuildMetadata::new();
            if let Some(id) = meta.build_invocation_id() {
                m = m.with_invocation_id(id);
            }
            if let Some(t) = &meta.build_started_on {
                m = m.with_started_on(t.clone());
            }
            if let Some(t) = &meta.build_finished_on {
                m = m.with_finished_on(t.clone());
            }
            if m != BuildMetadata::new() {
                run = run.with_metadata(m);
            }
        }
        Provenance::new(definition, run)
    }
}

impl BuilderV02 {
    /// `id`.
    pub fn id(&self) -> &TypeUri {
        &self.id
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }
}

impl Invocation {
    /// An empty invocation, to fill with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `configSource`.
    #[must_use]
    pub fn with_config_source(mut self, source: ConfigSource) -> Self {
        self.config_source = Some(source);
        self
    }
    /// Sets `parameters`.
    #[must_use]
    pub fn with_parameters(mut self, parameters: Value) -> Self {
        self.parameters = Some(parameters);
        self
    }
    /// Sets `environment`.
    #[must_use]
    pub fn with_environment(mut self, environment: Value) -> Self {
        self.environment = Some(environment);
        self
    }

    /// `configSource`.
    pub fn config_source(&self) -> Option<&ConfigSource> {
        self.config_source.as_ref()
    }
    /// `parameters`.
    pub fn parameters(&self) -> Option<&Value> {
        self.parameters.as_ref()
    }
    /// `environment`.
    pub fn environment(&self) -> Option<&Value> {
        self.environment.as_ref()
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj, limits: &Limits) -> Result<Self> {
        let config_source = obj
            .opt_object("configSource")?
            .map(|o| ConfigSource::decode(o, limits))
            .transpose()?;
        Ok(Self {
            config_source,
            parameters: obj.take("parameters"),
            environment: obj.take("environment"),
            extensions: obj.rest(),
        })
    }
}

impl ConfigSource {
    /// An empty config source, to fill with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `uri`.
    #[must_use]
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }
    /// Sets `digest`.
    #[must_use]
    pub fn with_digest(mut self, digest: DigestSet) -> Self {
        self.digest = Some(digest);
        self
    }
    /// Sets `entryPoint`.
    #[must_use]
    pub fn with_entry_point(mut self, entry_point: impl Into<String>) -> Self {
        self.entry_point = Some(entry_point.into());
        self
    }

    /// `uri`.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref()
    }
    /// `digest`.
    pub fn digest(&self) -> Option<&DigestSet> {
        self.digest.as_ref()
    }
    /// `entryPoint`.
    pub fn entry_point(&self) -> Option<&str> {
        self.entry_point.as_deref()
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// `{uri, digest}` as a resource descriptor, if either is present.
    pub fn as_descriptor(&self) -> Option<ResourceDescriptor> {
        match (&self.uri, &self.digest) {
            (Some(uri), Some(digest)) => {
                Some(ResourceDescriptor::from_uri(uri.clone()).with_digest(digest.clone()))
            }
            (Some(uri), None) => Some(ResourceDescriptor::from_uri(uri.clone())),
            (None, Some(digest)) => Some(ResourceDescriptor::from_digest(digest.clone())),
            (None, None) => None,
        }
    }

    fn decode(mut obj: Obj, limits: &Limits) -> Result<Self> {
        let uri = obj.opt_string("uri")?;
        let digest = match obj.opt_object("digest")? {
            None => None,
            Some(d) => decode_digest_set(d, limits)?,
        };
        Ok(Self {
            uri,
            digest,
            entry_point: obj.opt_string("entryPoint")?,
            extensions: obj.rest(),
        })
    }
}

/// The non-standard spelling slsa-github-generator writes for `buildInvocationId`.
const LEGACY_INVOCATION_ID: &str = "buildInvocationID";

impl MetadataV02 {
    /// Empty metadata, to fill with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `buildInvocationId`.
    #[must_use]
    pub fn with_build_invocation_id(mut self, id: impl Into<String>) -> Self {
        self.build_invocation_id = Some(id.into());
        self
    }
    /// Sets `buildStartedOn`.
    #[must_use]
    pub fn with_build_started_on(mut self, at: Timestamp) -> Self {
        self.build_started_on = Some(at);
        self
    }
    /// Sets `buildFinishedOn`.
    #[must_use]
    pub fn with_build_finished_on(mut self, at: Timestamp) -> Self {
        self.build_finished_on = Some(at);
        self
    }

    /// `buildInvocationId`, or, when absent, the `buildInvocationID` spelling that
    /// slsa-github-generator writes (kept as an unknown field so it is written back as read).
    pub fn build_invocation_id(&self) -> Option<&str> {
        self.build_invocation_id.as_deref().or_else(|| {
            self.extensions
                .get(LEGACY_INVOCATION_ID)
                .and_then(Value::as_str)
        })
    }
    /// `buildStartedOn`.
    pub fn build_started_on(&self) -> Option<&Timestamp> {
        self.build_started_on.as_ref()
    }
    /// `buildFinishedOn`.
    pub fn build_finished_on(&self) -> Option<&Timestamp> {
        self.build_finished_on.as_ref()
    }
    /// `completeness`.
    pub fn completeness(&self) -> Option<&Completeness> {
        self.completeness.as_ref()
    }
    /// `reproducible`.
    pub fn reproducible(&self) -> Option<bool> {
        self.reproducible
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    fn decode(mut obj: Obj) -> Result<Self> {
        let build_invocation_id = obj.opt_string("buildInvocationId")?;
        let build_started_on = opt_timestamp(&mut obj, "buildStartedOn")?;
        let build_finished_on = opt_timestamp(&mut obj, "buildFinishedOn")?;
        let completeness = match obj.opt_object("completeness")? {
            None => None,
            Some(mut c) => Some(Completeness {
                parameters: c.opt_bool("parameters")?,
                environment: c.opt_bool("environment")?,
                materials: c.opt_bool("materials")?,
                extensions: c.rest(),
            }),
        };
        let reproducible = obj.opt_bool("reproducible")?;
        if let Some(v) = obj.get(LEGACY_INVOCATION_ID)
            && !v.is_string()
            && !v.is_null()
        {
            return Err(json::wrong(
                obj.field(LEGACY_INVOCATION_ID),
                crate::JsonKind::String,
                v,
            ));
        }
        Ok(Self {
            build_invocation_id,
            build_started_on,
            build_finished_on,
            completeness,
            reproducible,
            extensions: obj.rest(),
        })
    }
}

impl Completeness {
    /// `parameters`.
    pub fn parameters(&self) -> Option<bool> {
        self.parameters
    }
    /// `environment`.
    pub fn environment(&self) -> Option<bool> {
        self.environment
    }
    /// `materials`.
    pub fn materials(&self) -> Option<bool> {
        self.materials
    }
}

impl Predicate for ProvenanceV02 {
    const PREDICATE_TYPE: &'static str = SLSA_PROVENANCE_V02;

    fn from_predicate_json(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        Self::decode(value, path, limits)
    }
}

impl<'de> Deserialize<'de> for ProvenanceV02 {
    /// Deserialises and validates with [`Limits::default`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::decode(value, FieldPath::root(), &Limits::default()).map_err(serde::de::Error::custom)
    }
}

/// SLSA provenance of either version a verifier accepts.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SlsaProvenance {
    /// `https://slsa.dev/provenance/v1`
    V1(Provenance),
    /// `https://slsa.dev/provenance/v0.2`
    V02(ProvenanceV02),
}

impl SlsaProvenance {
    /// Reads the predicate of `statement` when its `predicateType` is exactly SLSA v1 or
    /// v0.2.
    ///
    /// # Errors
    /// [`Error::PredicateTypeMismatch`] for any other predicate type (including look-alikes
    /// such as `https://slsa.dev/provenance/v1.0`), or the predicate's validation error.
    pub fn from_statement(statement: &Statement, limits: &Limits) -> Result<Self> {
        match statement.predicate_kind() {
            PredicateKind::SlsaProvenanceV1 => statement.predicate(limits).map(Self::V1),
            PredicateKind::SlsaProvenanceV02 => statement.predicate(limits).map(Self::V02),
            _ => Err(Error::PredicateTypeMismatch {
                expected: format!("{SLSA_PROVENANCE_V1} or {SLSA_PROVENANCE_V02}"),
                found: statement.predicate_type().as_str().to_owned(),
            }),
        }
    }

    /// The v1 view: the predicate itself for v1, [`ProvenanceV02::to_v1`] for v0.2.
    pub fn as_v1(&self) -> Cow<'_, Provenance> {
        match self {
            Self::V1(p) => Cow::Borrowed(p),
            Self::V02(p) => Cow::Owned(p.to_v1()),
        }
    }

    /// The predicate type URI of this version.
    pub fn predicate_type(&self) -> &'static str {
        match self {
            Self::V1(_) => SLSA_PROVENANCE_V1,
            Self::V02(_) => SLSA_PROVENANCE_V02,
        }
    }
}

impl Statement {
    /// The SLSA provenance predicate (v1 or v0.2) of this statement; see
    /// [`SlsaProvenance::from_statement`].
    ///
    /// # Errors
    /// As [`SlsaProvenance::from_statement`].
    pub fn slsa_provenance(&self, limits: &Limits) -> Result<SlsaProvenance> {
        SlsaProvenance::from_statement(self, limits)
    }

    /// As [`Statement::slsa_provenance`], taking the statement: the predicate is read without
    /// a copy of its JSON.
    ///
    /// # Errors
    /// As [`SlsaProvenance::from_statement`].
    pub fn into_slsa_provenance(self, limits: &Limits) -> Result<SlsaProvenance> {
        match self.predicate_kind() {
            PredicateKind::SlsaProvenanceV1 => self.into_predicate(limits).map(SlsaProvenance::V1),
            PredicateKind::SlsaProvenanceV02 => {
                self.into_predicate(limits).map(SlsaProvenance::V02)
            }
            _ => SlsaProvenance::from_statement(&self, limits),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";

    fn generic_like() -> String {
        format!(
            r#"{{"builder":{{"id":"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0"}},
            "buildType":"https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            "invocation":{{"configSource":{{"uri":"git+https://github.com/o/r@refs/heads/main","digest":{{"sha1":"{COMMIT}"}},"entryPoint":".github/workflows/x.yml"}},
              "parameters":{{"entryPoint":"spoofed","p":1}},"environment":{{"github_event_name":"push"}}}},
            "metadata":{{"buildInvocationID":"123-1","buildStartedOn":"2024-01-01T00:00:00Z","completeness":{{"parameters":true,"environment":false,"materials":false}},"reproducible":false}},
            "materials":[{{"uri":"git+https://github.com/o/r@refs/heads/main","digest":{{"sha1":"{COMMIT}"}}}},{{"uri":"pkg:npm/x@1","digest":{{"sha256":"{}"}}}}]}}"#,
            "ab".repeat(32)
        )
    }

    #[test]
    fn maps_to_v1_as_documented() {
        let p = ProvenanceV02::from_slice(generic_like().as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.metadata().unwrap().build_invocation_id(), Some("123-1"));
        let v1 = p.to_v1();
        let def = v1.build_definition();
        assert_eq!(def.build_type(), p.build_type());
        assert_eq!(
            def.external_parameters()["source"],
            "git+https://github.com/o/r@refs/heads/main"
        );
        assert_eq!(
            def.external_parameters()["entryPoint"],
            ".github/workflows/x.yml"
        );
        assert_eq!(def.external_parameters()["p"], 1);
        assert_eq!(
            def.internal_parameters().unwrap()["github_event_name"],
            "push"
        );
        let deps = def.resolved_dependencies();
        assert_eq!(
            deps.len(),
            2,
            "config source first, duplicate material dropped"
        );
        assert_eq!(
            deps[0].uri(),
            Some("git+https://github.com/o/r@refs/heads/main")
        );
        assert_eq!(deps[0].digest().unwrap().get("sha1"), Some(COMMIT));
        assert_eq!(deps[1].uri(), Some("pkg:npm/x@1"));
        let run = v1.run_details();
        assert_eq!(run.builder().id(), p.builder().id());
        let meta = run.metadata().unwrap();
        assert_eq!(meta.invocation_id(), Some("123-1"));
        assert_eq!(meta.started_on().unwrap().as_str(), "2024-01-01T00:00:00Z");
        assert!(meta.finished_on().is_none());
    }

    #[test]
    fn round_trip_keeps_legacy_spelling() {
        let p = ProvenanceV02::from_slice(generic_like().as_bytes(), &Limits::default()).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.contains(r#""buildInvocationID":"123-1""#), "{text}");
        let again = ProvenanceV02::from_slice(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn builder_id_and_build_type_are_required() {
        let err =
            ProvenanceV02::from_slice(br#"{"buildType":"x"}"#, &Limits::default()).unwrap_err();
        assert!(
            matches!(&err, Error::MissingField { path } if path.as_str() == "builder"),
            "{err:?}"
        );
        let err = ProvenanceV02::from_slice(br#"{"builder":{"id":"b"}}"#, &Limits::default())
            .unwrap_err();
        assert!(
            matches!(&err, Error::MissingField { path } if path.as_str() == "buildType"),
            "{err:?}"
        );
    }
}
