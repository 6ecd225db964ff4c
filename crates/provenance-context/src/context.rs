//! [`BuildContext`]: what detection found, plus the user's [`Overrides`].

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::env::EnvSource;
use crate::error::{Error, Result};
use crate::git::{self, GitBinary, GitInfo};
use crate::platform::{self, Detected};
use crate::time_util;

/// Where the build runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// GitHub Actions (`GITHUB_ACTIONS=true`).
    GitHubActions,
    /// GitLab CI/CD (`GITLAB_CI=true`).
    GitLabCi,
    /// Buildkite (`BUILDKITE=true`).
    Buildkite,
    /// `CircleCI` (`CIRCLECI=true`).
    CircleCi,
    /// Jenkins (`JENKINS_URL` and `BUILD_URL` set).
    Jenkins,
    /// Azure Pipelines (`TF_BUILD=True`).
    AzurePipelines,
    /// Bitbucket Pipelines (`BITBUCKET_BUILD_NUMBER` set).
    BitbucketPipelines,
    /// No CI recognised: a developer machine or an unknown CI. Source facts come from git.
    Local,
}

impl Platform {
    /// A short stable name (`github-actions`, `gitlab-ci`, ..., `local`).
    pub fn name(self) -> &'static str {
        match self {
            Self::GitHubActions => "github-actions",
            Self::GitLabCi => "gitlab-ci",
            Self::Buildkite => "buildkite",
            Self::CircleCi => "circleci",
            Self::Jenkins => "jenkins",
            Self::AzurePipelines => "azure-pipelines",
            Self::BitbucketPipelines => "bitbucket-pipelines",
            Self::Local => "local",
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The source the build ran from: becomes `resolvedDependencies[0]`
/// (`{"uri": "git+<repository>@<ref>", "digest": {"gitCommit": <commit>}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Source {
    /// Normalised repository URL without `git+` (`https://github.com/octo/hello`).
    pub repository: Option<String>,
    /// Full git ref (`refs/heads/main`, `refs/tags/v1.2.0`, `refs/pull/7/merge`).
    pub git_ref: Option<String>,
    /// Full hex commit id.
    pub commit: Option<String>,
    /// Whether tracked files differed from the commit (only known from git).
    pub dirty: Option<bool>,
}

impl Source {
    /// `git+<repository>@<ref>` (or without `@<ref>`), as SPDX download locations spell it.
    pub fn uri(&self) -> Option<String> {
        let repository = self.repository.as_ref()?;
        Some(match &self.git_ref {
            Some(git_ref) => format!("git+{repository}@{git_ref}"),
            None => format!("git+{repository}"),
        })
    }

    /// Whether anything is known about the source.
    pub fn is_known(&self) -> bool {
        self.repository.is_some() || self.commit.is_some()
    }
}

/// Where `externalParameters` gets its description of the source from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceParameter {
    /// The platform's own parameters already describe the source (GitHub, GitLab).
    PlatformDefined,
    /// Our build types: `externalParameters.source = {"uri", "ref"}` from [`Source`].
    Generic,
}

/// The build context: CI platform, builder, invocation, source, parameters and times.
///
/// Obtain it with [`BuildContext::detect`] (CI variables first, then git), adjust it with
/// [`BuildContext::apply`] and turn it into a predicate with the
/// [`StatementBuilder`](crate::StatementBuilder).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildContext {
    pub(crate) platform: Platform,
    pub(crate) build_type: String,
    pub(crate) builder_id: String,
    pub(crate) builder_version: BTreeMap<String, String>,
    pub(crate) invocation_id: Option<String>,
    pub(crate) external_parameters: Map<String, Value>,
    pub(crate) internal_parameters: Map<String, Value>,
    pub(crate) source: Source,
    pub(crate) source_parameter: SourceParameter,
    pub(crate) started_on: Option<OffsetDateTime>,
    pub(crate) source_date_epoch: Option<OffsetDateTime>,
}

/// Options of [`BuildContext::detect_with`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DetectOptions {
    /// How to run git (default: search the `PATH` of the environment given).
    pub git: GitBinary,
    /// The moment detection runs: `startedOn` when the CI does not say when the job started.
    pub now: OffsetDateTime,
}

impl DetectOptions {
    /// Options with `now` as the detection time and git looked up on the `PATH`.
    pub fn new(now: OffsetDateTime) -> Self {
        Self {
            git: GitBinary::Search,
            now,
        }
    }

    /// Uses `git` as the git binary.
    #[must_use]
    pub fn with_git(mut self, git: GitBinary) -> Self {
        self.git = git;
        self
    }
}

impl BuildContext {
    /// Detects the context from `env` and the git work tree at `repo_dir`, with the current time
    /// as detection time.
    ///
    /// # Errors
    /// [`Error::InvalidSourceDateEpoch`] when `SOURCE_DATE_EPOCH` is set but not a number.
    /// Missing CI variables, a missing `git` or a directory outside any repository are not
    /// errors: what cannot be found stays unknown.
    pub fn detect(env: &dyn EnvSource, repo_dir: &Path) -> Result<Self> {
        Self::detect_with(
            env,
            repo_dir,
            &DetectOptions::new(OffsetDateTime::now_utc()),
        )
    }

    /// [`detect`](Self::detect) with an explicit git binary and clock.
    ///
    /// # Errors
    /// As [`detect`](Self::detect).
    pub fn detect_with(
        env: &dyn EnvSource,
        repo_dir: &Path,
        options: &DetectOptions,
    ) -> Result<Self> {
        let source_date_epoch = time_util::source_date_epoch(env)?;
        let detected = platform::detect(env);
        let git_info = options
            .git
            .resolve(env)
            .and_then(|git| git::read_git(&git, repo_dir));
        Ok(Self::assemble(
            detected,
            git_info,
            options.now,
            source_date_epoch,
        ))
    }

    fn assemble(
        detected: Detected,
        git_info: Option<GitInfo>,
        now: OffsetDateTime,
        source_date_epoch: Option<OffsetDateTime>,
    ) -> Self {
        let Detected {
            platform,
            build_type,
            builder_id,
            builder_version,
            invocation_id,
            external_parameters,
            mut internal_parameters,
            mut source,
            source_parameter,
            started_on,
        } = detected;
        if let Some(info) = git_info {
            let ci_said_commit = source.commit.clone();
            // CI variables first, git second: only fill what the CI did not say.
            if source.repository.is_none() {
                source.repository = info.repository;
            }
            if source.commit.is_none() {
                source.commit.clone_from(&info.commit);
            }
            if source.git_ref.is_none()
                && ci_said_commit
                    .as_ref()
                    .is_none_or(|c| Some(c) == info.commit.as_ref())
            {
                source.git_ref = info.git_ref;
            }
            // The work tree state only describes the commit git sees.
            if source.commit.is_some() && source.commit == info.commit {
                source.dirty = info.dirty;
            }
        }
        match (platform, source.dirty) {
            (Platform::Local, Some(dirty)) => {
                internal_parameters.insert("git".to_owned(), serde_json::json!({ "dirty": dirty }));
            }
            // On CI a dirty tree is unusual and worth recording; a clean one keeps the
            // platform's own shape untouched.
            (_, Some(true)) => {
                internal_parameters.insert("git".to_owned(), serde_json::json!({ "dirty": true }));
            }
            _ => {}
        }
        Self {
            platform,
            build_type,
            builder_id,
            builder_version,
            invocation_id,
            external_parameters,
            internal_parameters,
            source,
            source_parameter,
            started_on: Some(started_on.unwrap_or(now)),
            source_date_epoch,
        }
    }

    /// The detected platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// `buildDefinition.buildType`.
    pub fn build_type(&self) -> &str {
        &self.build_type
    }

    /// `runDetails.builder.id`.
    pub fn builder_id(&self) -> &str {
        &self.builder_id
    }

    /// `runDetails.builder.version`.
    pub fn builder_version(&self) -> &BTreeMap<String, String> {
        &self.builder_version
    }

    /// `runDetails.metadata.invocationId`.
    pub fn invocation_id(&self) -> Option<&str> {
        self.invocation_id.as_deref()
    }

    /// The source checkout (`resolvedDependencies[0]`).
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// `buildDefinition.externalParameters`, as they will be emitted.
    pub fn external_parameters(&self) -> Map<String, Value> {
        let mut params = self.external_parameters.clone();
        if self.source_parameter == SourceParameter::Generic && self.source.repository.is_some() {
            let mut source = Map::new();
            if let Some(uri) = self.source.uri() {
                source.insert("uri".to_owned(), Value::String(uri));
            }
            if let Some(git_ref) = &self.source.git_ref {
                source.insert("ref".to_owned(), Value::String(git_ref.clone()));
            }
            params.entry("source").or_insert(Value::Object(source));
        }
        params
    }

    /// `buildDefinition.internalParameters`.
    pub fn internal_parameters(&self) -> &Map<String, Value> {
        &self.internal_parameters
    }

    /// `runDetails.metadata.startedOn`: `SOURCE_DATE_EPOCH` when set, else the CI's job start
    /// time when it publishes one, else the detection time.
    pub fn started_on(&self) -> Option<OffsetDateTime> {
        self.source_date_epoch.or(self.started_on)
    }

    /// `SOURCE_DATE_EPOCH`, when it was set: all timestamps of the statement are this instant.
    pub fn source_date_epoch(&self) -> Option<OffsetDateTime> {
        self.source_date_epoch
    }

    /// Applies overrides (flags win over detection).
    ///
    /// # Errors
    /// [`Error::InvalidOverride`] for a value that is not usable (an empty builder id, a commit
    /// that is not a full hex object name, a source URI that is not a git repository URL, an
    /// external parameter without `=`).
    pub fn apply(&mut self, overrides: &Overrides) -> Result<()> {
        if let Some(id) = &overrides.builder_id {
            self.builder_id = require_uri("builder id", id)?;
        }
        if let Some(build_type) = &overrides.build_type {
            self.build_type = require_uri("build type", build_type)?;
        }
        if let Some(id) = &overrides.invocation_id {
            self.invocation_id = Some(require_non_empty("invocation id", id)?);
        }
        if let Some(uri) = &overrides.source_uri {
            let (repository, git_ref) = parse_source_uri(uri)?;
            self.source.repository = Some(repository);
            if git_ref.is_some() {
                self.source.git_ref = git_ref;
            }
        }
        if let Some(git_ref) = &overrides.source_ref {
            self.source.git_ref = Some(require_non_empty("source ref", git_ref)?);
        }
        if let Some(commit) = &overrides.source_commit {
            let commit = commit.trim().to_ascii_lowercase();
            if !git::is_object_name(&commit) {
                return Err(Error::InvalidOverride {
                    field: "source commit",
                    value: commit,
                    reason: "expected a full 40- or 64-digit hex commit id",
                });
            }
            self.source.commit = Some(commit);
        }
        for (key, value) in &overrides.external_parameters {
            set_dotted(&mut self.external_parameters, key, value)?;
        }
        Ok(())
    }
}

/// Values given on the command line (or by a build tool) that replace detected ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overrides {
    /// `--builder-id`: `runDetails.builder.id`.
    pub builder_id: Option<String>,
    /// `--build-type`: `buildDefinition.buildType`.
    pub build_type: Option<String>,
    /// `--source-uri`: the source repository (`https://host/o/r`, `git+https://host/o/r@ref`,
    /// `git@host:o/r.git` ... normalised like git remotes).
    pub source_uri: Option<String>,
    /// `--source-ref`: the full git ref.
    pub source_ref: Option<String>,
    /// `--source-commit`: the full hex commit id.
    pub source_commit: Option<String>,
    /// `--invocation-id`: `runDetails.metadata.invocationId`.
    pub invocation_id: Option<String>,
    /// `--external-parameter K=V` (a string) or `K:=JSON` (any JSON value) set in
    /// `externalParameters`; a dotted key (`workflow.ref`) addresses a nested object.
    pub external_parameters: Vec<(String, Value)>,
}

impl Overrides {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `K=V` or `K:=JSON` (as given to `--external-parameter`, see
    /// [`parse_external_parameter`]) and adds it.
    ///
    /// # Errors
    /// [`Error::InvalidOverride`] when there is no `=`, the key is empty or the JSON is not.
    pub fn push_external_parameter(&mut self, assignment: &str) -> Result<()> {
        self.external_parameters
            .push(parse_external_parameter(assignment)?);
        Ok(())
    }
}

/// Parses an external parameter assignment: `K=V` sets the string `V`, `K:=JSON` the JSON
/// value (`release:=true`, `jobs:=4`, `targets:=["x86_64","aarch64"]`), the syntax of `HTTPie`.
/// The key is trimmed and must not be empty.
///
/// # Errors
/// [`Error::InvalidOverride`] when there is no `=`, the key is empty or the value after `:=` is
/// not one JSON value.
pub fn parse_external_parameter(assignment: &str) -> Result<(String, Value)> {
    let bad = |reason| Error::InvalidOverride {
        field: "external parameter",
        value: assignment.to_owned(),
        reason,
    };
    let (key, value) = assignment
        .split_once('=')
        .ok_or_else(|| bad("expected KEY=VALUE (a string) or KEY:=JSON"))?;
    let (key, value) = match key.strip_suffix(':') {
        Some(key) => (
            key,
            serde_json::from_str::<Value>(value).map_err(|_| {
                bad("the value after := is not JSON (strings are quoted: k:=\"v\")")
            })?,
        ),
        None => (key, Value::String(value.to_owned())),
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("expected KEY=VALUE or KEY:=JSON with a non-empty key"));
    }
    Ok((key.to_owned(), value))
}

fn require_non_empty(field: &'static str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::InvalidOverride {
            field,
            value: value.to_owned(),
            reason: "must not be empty",
        });
    }
    Ok(trimmed.to_owned())
}

fn require_uri(field: &'static str, value: &str) -> Result<String> {
    let value = require_non_empty(field, value)?;
    let has_scheme = value.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if !has_scheme || value.chars().any(char::is_whitespace) {
        return Err(Error::InvalidOverride {
            field,
            value,
            reason: "expected an absolute URI",
        });
    }
    Ok(value)
}

/// Splits `git+https://host/o/r@refs/heads/main` into the normalised repository and the ref.
fn parse_source_uri(value: &str) -> Result<(String, Option<String>)> {
    let trimmed = value.trim();
    let bad = || Error::InvalidOverride {
        field: "source URI",
        value: value.to_owned(),
        reason: "expected a git repository URL such as https://github.com/owner/repo",
    };
    // An `@` in the path separates the ref (user information `@`s come before it).
    let (repo_part, git_ref) = provenance_model::RepoUrl::split_ref(trimmed);
    let git_ref = git_ref.map(str::to_owned);
    let repository = git::normalize_repo_url(repo_part).ok_or_else(bad)?;
    Ok((repository, git_ref))
}

fn set_dotted(params: &mut Map<String, Value>, key: &str, value: &Value) -> Result<()> {
    let bad = |reason| Error::InvalidOverride {
        field: "external parameter",
        value: format!("{key}:={value}"),
        reason,
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(bad("empty key segment"));
    }
    let Some((last, parents)) = parts.split_last() else {
        return Err(bad("empty key"));
    };
    let mut current = params;
    for part in parents {
        let entry = current
            .entry((*part).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        current = match entry {
            Value::Object(map) => map,
            _ => return Err(bad("not an object")),
        };
    }
    current.insert((*last).to_owned(), value.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_uri_override_splits_ref_and_strips_credentials() {
        let (repo, git_ref) =
            parse_source_uri("git+https://tok@github.com/o/r@refs/heads/main").unwrap();
        assert_eq!(repo, "https://github.com/o/r");
        assert_eq!(git_ref.as_deref(), Some("refs/heads/main"));
        let (repo, git_ref) = parse_source_uri("git@github.com:o/r.git").unwrap();
        assert_eq!(repo, "https://github.com/o/r");
        assert_eq!(git_ref, None);
        assert!(parse_source_uri("not a repo").is_err());
    }

    #[test]
    fn dotted_external_parameters_nest() {
        let mut params = Map::new();
        set_dotted(&mut params, "workflow.ref", &"refs/tags/v1".into()).unwrap();
        set_dotted(&mut params, "flavor", &"release".into()).unwrap();
        assert_eq!(
            Value::Object(params),
            serde_json::json!({"workflow": {"ref": "refs/tags/v1"}, "flavor": "release"})
        );
        assert!(set_dotted(&mut Map::new(), "a..b", &"x".into()).is_err());
    }

    #[test]
    fn external_parameter_needs_equals() {
        let mut o = Overrides::new();
        assert!(o.push_external_parameter("novalue").is_err());
        assert!(o.push_external_parameter("=v").is_err());
        o.push_external_parameter("k=a=b").unwrap();
        o.push_external_parameter("release:=true").unwrap();
        o.push_external_parameter("n:=4").unwrap();
        o.push_external_parameter("s:=\"a=b\"").unwrap();
        o.push_external_parameter("url=https://x/?a:=1").unwrap();
        assert_eq!(
            o.external_parameters,
            vec![
                ("k".to_owned(), Value::from("a=b")),
                ("release".to_owned(), Value::Bool(true)),
                ("n".to_owned(), Value::from(4)),
                ("s".to_owned(), Value::from("a=b")),
                ("url".to_owned(), Value::from("https://x/?a:=1")),
            ]
        );
        assert!(matches!(
            o.push_external_parameter("release:=yes"),
            Err(Error::InvalidOverride { reason, .. }) if reason.contains("not JSON")
        ));
        assert!(o.push_external_parameter(":=1").is_err());
    }

    #[test]
    fn builder_id_must_be_a_uri() {
        assert!(require_uri("builder id", "https://example.com/b").is_ok());
        assert!(require_uri("builder id", "no-scheme").is_err());
        assert!(require_uri("builder id", "  ").is_err());
    }
}
