//! [`StatementBuilder`]: subjects + [`BuildContext`] -> in-toto Statement v1 with a SLSA
//! Provenance v1 predicate.

use std::path::Path;

use provenance_digest::{Algorithm, DigestSet};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::checksums::parse_checksums;
use crate::context::BuildContext;
use crate::error::{Error, Result};
use crate::subjects::SubjectSet;
use crate::time_util::format_timestamp;

/// `https://in-toto.io/Statement/v1`.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `https://slsa.dev/provenance/v1`.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// Builds an unsigned provenance statement, for build tools and the CLI alike.
///
/// ```no_run
/// use provenance_context::{BuildContext, ProcessEnv, StatementBuilder};
/// # fn main() -> Result<(), provenance_context::Error> {
/// let context = BuildContext::detect(&ProcessEnv, std::path::Path::new("."))?;
/// let mut builder = StatementBuilder::new(context);
/// builder.add_path("target/release/app".as_ref())?;
/// let statement = builder.build_json()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct StatementBuilder {
    context: BuildContext,
    subjects: SubjectSet,
    algorithms: Vec<Algorithm>,
    extra_dependencies: Vec<Value>,
}

impl StatementBuilder {
    /// A builder for `context`, hashing files with SHA-256.
    pub fn new(context: BuildContext) -> Self {
        Self {
            context,
            subjects: SubjectSet::new(),
            algorithms: vec![Algorithm::Sha256],
            extra_dependencies: Vec::new(),
        }
    }

    /// Hashes files with these algorithms instead of SHA-256 alone.
    #[must_use]
    pub fn with_algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// Replaces the subject list (to change its bound, for instance).
    #[must_use]
    pub fn with_subjects(mut self, subjects: SubjectSet) -> Self {
        self.subjects = subjects;
        self
    }

    /// The context the predicate is made from.
    pub fn context(&self) -> &BuildContext {
        &self.context
    }

    /// The context, to adjust (for example with [`BuildContext::apply`]).
    pub fn context_mut(&mut self) -> &mut BuildContext {
        &mut self.context
    }

    /// The subjects so far.
    pub fn subjects(&self) -> &SubjectSet {
        &self.subjects
    }

    /// Adds a subject whose digest is already known.
    ///
    /// # Errors
    /// As [`SubjectSet::add`].
    pub fn add_subject(&mut self, name: impl Into<String>, digest: DigestSet) -> Result<()> {
        self.subjects.add(name, digest)
    }

    /// Hashes a file, or every file below a directory, as subjects.
    ///
    /// # Errors
    /// As [`SubjectSet::add_path`].
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        self.subjects.add_path(path, &self.algorithms)
    }

    /// Adds the subjects of a checksum list's bytes (`sha256sum` format or its base64 form).
    ///
    /// # Errors
    /// As [`parse_checksums`] and [`SubjectSet::add`].
    pub fn add_checksum_list(&mut self, bytes: &[u8], source_name: &str) -> Result<()> {
        self.subjects
            .add_checksums(parse_checksums(bytes, source_name)?)
    }

    /// Adds a checksum file.
    ///
    /// # Errors
    /// [`Error::Io`] when it cannot be read, then as [`add_checksum_list`](Self::add_checksum_list).
    pub fn add_checksum_file(&mut self, path: &Path) -> Result<()> {
        let bytes = read_bounded(path)?;
        self.add_checksum_list(&bytes, &path.display().to_string())
    }

    /// Adds a resolved dependency after the source (a `ResourceDescriptor` as JSON).
    pub fn add_resolved_dependency(&mut self, descriptor: Value) {
        self.extra_dependencies.push(descriptor);
    }

    /// The SLSA Provenance v1 predicate, finishing at `finished_on` (replaced by
    /// `SOURCE_DATE_EPOCH` when that was set).
    pub fn predicate_json(&self, finished_on: OffsetDateTime) -> Value {
        let ctx = &self.context;
        let mut build_definition = Map::new();
        build_definition.insert(
            "buildType".to_owned(),
            Value::String(ctx.build_type.clone()),
        );
        build_definition.insert(
            "externalParameters".to_owned(),
            Value::Object(ctx.external_parameters()),
        );
        if !ctx.internal_parameters.is_empty() {
            build_definition.insert(
                "internalParameters".to_owned(),
                Value::Object(ctx.internal_parameters.clone()),
            );
        }
        let mut dependencies = Vec::new();
        if let Some(source) = source_descriptor(ctx) {
            dependencies.push(source);
        }
        dependencies.extend(self.extra_dependencies.iter().cloned());
        if !dependencies.is_empty() {
            build_definition.insert(
                "resolvedDependencies".to_owned(),
                Value::Array(dependencies),
            );
        }

        let mut builder = Map::new();
        builder.insert("id".to_owned(), Value::String(ctx.builder_id.clone()));
        if !ctx.builder_version.is_empty() {
            builder.insert("version".to_owned(), json!(ctx.builder_version));
        }
        let mut metadata = Map::new();
        if let Some(id) = &ctx.invocation_id {
            metadata.insert("invocationId".to_owned(), Value::String(id.clone()));
        }
        let finished_on = ctx.source_date_epoch.unwrap_or(finished_on);
        if let Some(started_on) = ctx.started_on() {
            // A CI clock slightly ahead of ours must not make the build end before it started.
            metadata.insert(
                "startedOn".to_owned(),
                Value::String(format_timestamp(started_on.min(finished_on))),
            );
        }
        metadata.insert(
            "finishedOn".to_owned(),
            Value::String(format_timestamp(finished_on)),
        );

        json!({
            "buildDefinition": Value::Object(build_definition),
            "runDetails": {
                "builder": Value::Object(builder),
                "metadata": Value::Object(metadata),
            },
        })
    }

    /// The whole statement as JSON, finishing at `finished_on`.
    ///
    /// # Errors
    /// [`Error::NoSubjects`] when no subject was added.
    pub fn statement_json_at(&self, finished_on: OffsetDateTime) -> Result<Value> {
        if self.subjects.is_empty() {
            return Err(Error::NoSubjects);
        }
        let subjects: Vec<Value> = self
            .subjects
            .iter()
            .map(|(name, digest)| json!({ "name": name, "digest": digest }))
            .collect();
        Ok(json!({
            "_type": STATEMENT_V1,
            "subject": subjects,
            "predicateType": SLSA_PROVENANCE_V1,
            "predicate": self.predicate_json(finished_on),
        }))
    }

    /// The whole statement as JSON, finishing now (or at `SOURCE_DATE_EPOCH`).
    ///
    /// # Errors
    /// As [`statement_json_at`](Self::statement_json_at).
    pub fn build_json(&self) -> Result<Value> {
        self.statement_json_at(OffsetDateTime::now_utc())
    }
}

/// `resolvedDependencies[0]`: `{"uri": "git+<repo>@<ref>", "digest": {"gitCommit": <sha>}}`.
fn source_descriptor(ctx: &BuildContext) -> Option<Value> {
    let source = &ctx.source;
    if !source.is_known() {
        return None;
    }
    let mut descriptor = Map::new();
    if let Some(uri) = source.uri() {
        descriptor.insert("uri".to_owned(), Value::String(uri));
    }
    if let Some(commit) = &source.commit {
        descriptor.insert("digest".to_owned(), json!({ "gitCommit": commit }));
    }
    Some(Value::Object(descriptor))
}

fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let limit = crate::checksums::DEFAULT_MAX_CHECKSUM_BYTES;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        return Err(Error::ChecksumListTooLarge {
            source_name: path.display().to_string(),
            what: "bytes",
            limit,
        });
    }
    Ok(bytes)
}
