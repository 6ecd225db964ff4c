//! [`StatementBuilder`]: subjects + [`BuildContext`] -> in-toto Statement v1 with a SLSA
//! Provenance v1 predicate.

use std::path::Path;

use provenance_digest::{Algorithm, DigestSet};
use provenance_model::{
    BuildDefinition, BuildMetadata, Builder, Provenance, ResourceDescriptor, RunDetails, Statement,
    Timestamp, TypeUri,
};
use time::OffsetDateTime;

use crate::checksums::parse_checksums;
use crate::context::BuildContext;
use crate::error::{Error, Result};
use crate::subjects::SubjectSet;

/// Builds an unsigned provenance statement, for build tools and the CLI alike.
///
/// ```no_run
/// use provenance_context::{BuildContext, ProcessEnv, StatementBuilder};
/// # fn main() -> Result<(), provenance_context::Error> {
/// let context = BuildContext::detect(&ProcessEnv, std::path::Path::new("."))?;
/// let mut builder = StatementBuilder::new(context);
/// builder.add_path("target/release/app".as_ref())?;
/// let statement = builder.build()?;
/// let json = statement.to_json_bytes()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct StatementBuilder {
    context: BuildContext,
    subjects: SubjectSet,
    algorithms: Vec<Algorithm>,
    extra_dependencies: Vec<ResourceDescriptor>,
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

    /// Adds a resolved dependency after the source.
    pub fn add_resolved_dependency(&mut self, descriptor: ResourceDescriptor) {
        self.extra_dependencies.push(descriptor);
    }

    /// The SLSA Provenance v1 predicate, finishing at `finished_on` (replaced by
    /// `SOURCE_DATE_EPOCH` when that was set).
    ///
    /// # Errors
    /// [`Error::Model`] when the build type or builder id is not a valid URI or the commit is
    /// not a valid `gitCommit` digest.
    pub fn provenance_at(&self, finished_on: OffsetDateTime) -> Result<Provenance> {
        let ctx = &self.context;
        let mut definition = BuildDefinition::new(
            TypeUri::try_from(ctx.build_type.as_str())?,
            ctx.external_parameters(),
        );
        if !ctx.internal_parameters.is_empty() {
            definition = definition.with_internal_parameters(ctx.internal_parameters.clone());
        }
        let mut dependencies = Vec::new();
        if let Some(source) = source_descriptor(ctx)? {
            dependencies.push(source);
        }
        dependencies.extend(self.extra_dependencies.iter().cloned());
        if !dependencies.is_empty() {
            definition = definition.with_resolved_dependencies(dependencies);
        }

        let mut builder = Builder::new(TypeUri::try_from(ctx.builder_id.as_str())?);
        for (component, version) in &ctx.builder_version {
            builder = builder.with_version(component.clone(), version.clone());
        }
        let mut metadata = BuildMetadata::new();
        if let Some(id) = &ctx.invocation_id {
            metadata = metadata.with_invocation_id(id.clone());
        }
        let finished_on = ctx.source_date_epoch.unwrap_or(finished_on);
        if let Some(started_on) = ctx.started_on() {
            // A CI clock slightly ahead of ours must not make the build end before it started.
            metadata = metadata.with_started_on(whole_seconds(started_on.min(finished_on))?);
        }
        metadata = metadata.with_finished_on(whole_seconds(finished_on)?);
        Ok(Provenance::new(
            definition,
            RunDetails::new(builder).with_metadata(metadata),
        ))
    }

    /// The statement, finishing at `finished_on` (or at `SOURCE_DATE_EPOCH`).
    ///
    /// # Errors
    /// [`Error::NoSubjects`] when no subject was added, else as
    /// [`provenance_at`](Self::provenance_at).
    pub fn build_at(&self, finished_on: OffsetDateTime) -> Result<Statement> {
        if self.subjects.is_empty() {
            return Err(Error::NoSubjects);
        }
        let subjects = self
            .subjects
            .iter()
            .map(|(name, digest)| ResourceDescriptor::from_digest(digest.clone()).with_name(name))
            .collect();
        Ok(Statement::new(subjects, &self.provenance_at(finished_on)?)?)
    }

    /// The statement, finishing now (or at `SOURCE_DATE_EPOCH`).
    ///
    /// # Errors
    /// As [`build_at`](Self::build_at).
    pub fn build(&self) -> Result<Statement> {
        self.build_at(OffsetDateTime::now_utc())
    }
}

fn whole_seconds(at: OffsetDateTime) -> Result<Timestamp> {
    let at = at.replace_nanosecond(0).unwrap_or(at);
    Ok(Timestamp::from_datetime(at)?)
}

/// `resolvedDependencies[0]`: `{"uri": "git+<repo>@<ref>", "digest": {"gitCommit": <sha>}}`.
fn source_descriptor(ctx: &BuildContext) -> Result<Option<ResourceDescriptor>> {
    let source = &ctx.source;
    let digest = match &source.commit {
        Some(commit) => {
            let mut digest = DigestSet::new();
            digest
                .insert("gitCommit", commit)
                .map_err(|source| Error::InvalidCommit {
                    value: commit.clone(),
                    source,
                })?;
            Some(digest)
        }
        None => None,
    };
    Ok(match (source.uri(), digest) {
        (Some(uri), Some(digest)) => Some(ResourceDescriptor::from_uri(uri).with_digest(digest)),
        (Some(uri), None) => Some(ResourceDescriptor::from_uri(uri)),
        (None, Some(digest)) => Some(ResourceDescriptor::from_digest(digest)),
        (None, None) => None,
    })
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
