//! The context flags shared by `provenance statement` and `provenance attest`.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::context::{BuildContext, Overrides, ProcessEnv, StatementBuilder};

/// What `--help` says about detection (shared by every command that flattens [`ContextFlags`]).
pub(crate) const DETECTION_HELP: &str = "\
Build context detection (CI variables first, git second; every flag above overrides it):
  GitHub Actions (GITHUB_ACTIONS=true): the shape of actions/attest-build-provenance.
      buildType https://actions.github.io/buildtypes/workflow/v1; externalParameters.workflow
      {ref, repository, path} from GITHUB_WORKFLOW_REF; internalParameters.github from
      GITHUB_EVENT_NAME, GITHUB_REPOSITORY_ID, GITHUB_REPOSITORY_OWNER_ID, RUNNER_ENVIRONMENT;
      source git+$GITHUB_SERVER_URL/$GITHUB_REPOSITORY@$GITHUB_REF with gitCommit $GITHUB_SHA;
      builder.id $GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF (in a reusable workflow GitHub's own
      action names the called workflow, which jobs cannot see: pass --builder-id);
      invocationId .../actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT.
  GitLab CI (GITLAB_CI=true): GitLab Runner's provenance layout; source $CI_PROJECT_URL at
      CI_COMMIT_TAG / CI_COMMIT_BRANCH and CI_COMMIT_SHA; builder.id
      $CI_PROJECT_URL/-/runners/$CI_RUNNER_ID; invocationId $CI_JOB_URL; startedOn
      $CI_JOB_STARTED_AT.
  Buildkite (BUILDKITE=true), CircleCI (CIRCLECI=true), Jenkins (JENKINS_URL + BUILD_URL),
      Azure Pipelines (TF_BUILD=True), Bitbucket Pipelines (BITBUCKET_BUILD_NUMBER): their
      documented repository, commit, branch/tag and build URL variables.
  Anywhere else: git in the current directory (the `git` on PATH): remote origin normalised to
      git+https://host/owner/repo (credentials removed), HEAD commit, branch or tag, and whether
      tracked files are modified (internalParameters.git.dirty). No git or no repository: the
      source is left out.
  Times: startedOn/finishedOn are now (or the CI's job start); SOURCE_DATE_EPOCH replaces both,
      so the same inputs give the same bytes.";

/// Overrides for everything detected from the CI environment and git.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ContextFlags {
    /// runDetails.builder.id (URI).
    #[arg(long, value_name = "URI")]
    pub(crate) builder_id: Option<String>,
    /// buildDefinition.buildType (URI).
    #[arg(long, value_name = "URI")]
    pub(crate) build_type: Option<String>,
    /// Source repository URL: https, git+https with @REF appended, or scp-like git@host:owner/repo.git.
    #[arg(long, value_name = "URI")]
    pub(crate) source_uri: Option<String>,
    /// Source git ref (refs/heads/main, refs/tags/v1.0.0).
    #[arg(long, value_name = "REF")]
    pub(crate) source_ref: Option<String>,
    /// Source commit (full hex object id).
    #[arg(long, value_name = "HEX")]
    pub(crate) source_commit: Option<String>,
    /// runDetails.metadata.invocationId.
    #[arg(long, value_name = "URI")]
    pub(crate) invocation_id: Option<String>,
    /// Sets externalParameters.K: K=V to the string V, K:=JSON to a JSON value (release:=true,
    /// jobs:=4); a dotted K is a path: workflow.ref=V nests (ref inside the object workflow);
    /// repeatable.
    #[arg(long = "external-parameter", value_name = "K=V|K:=JSON")]
    pub(crate) external_parameters: Vec<String>,
    /// Subjects from a checksum list (sha256sum/sha512sum format, or its base64 form as
    /// slsa-github-generator takes it); `-` reads stdin; repeatable.
    #[arg(long = "subjects-from", value_name = "CHECKSUM_FILE")]
    pub(crate) subjects_from: Vec<PathBuf>,
}

impl ContextFlags {
    /// The overrides these flags ask for.
    pub(crate) fn overrides(&self) -> anyhow::Result<Overrides> {
        let mut overrides = Overrides::new();
        overrides.builder_id.clone_from(&self.builder_id);
        overrides.build_type.clone_from(&self.build_type);
        overrides.source_uri.clone_from(&self.source_uri);
        overrides.source_ref.clone_from(&self.source_ref);
        overrides.source_commit.clone_from(&self.source_commit);
        overrides.invocation_id.clone_from(&self.invocation_id);
        for assignment in &self.external_parameters {
            overrides
                .push_external_parameter(assignment)
                .map_err(flag_hint)?;
        }
        Ok(overrides)
    }

    /// Detects the context of the current directory from the process environment, applies the
    /// overrides and adds the subjects (`paths`, then every `--subjects-from` list).
    pub(crate) fn statement_builder(&self, paths: &[PathBuf]) -> anyhow::Result<StatementBuilder> {
        if paths.is_empty() && self.subjects_from.is_empty() {
            anyhow::bail!(
                "no subjects: give at least one SUBJECT path or --subjects-from CHECKSUM_FILE"
            );
        }
        let overrides = self.overrides()?;
        let context = BuildContext::detect(&ProcessEnv, Path::new("."))
            .context("cannot detect the build context")?;
        let mut builder = StatementBuilder::new(context);
        builder.context_mut().apply(&overrides).map_err(flag_hint)?;
        for path in paths {
            builder.add_path(path)?;
        }
        for list in &self.subjects_from {
            if list.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .lock()
                    .take(
                        u64::try_from(provenance::context::DEFAULT_MAX_CHECKSUM_BYTES)
                            .unwrap_or(u64::MAX)
                            + 1,
                    )
                    .read_to_end(&mut bytes)
                    .context("cannot read the checksum list from stdin")?;
                builder.add_checksum_list(&bytes, "-")?;
            } else {
                builder.add_checksum_file(list)?;
            }
        }
        Ok(builder)
    }
}

/// The library names the overridden field (`invalid source commit "x": ...`); the CLI adds the
/// flag that set it (`--source-commit: invalid source commit "x": ...`).
pub(crate) fn flag_hint(error: provenance::context::Error) -> anyhow::Error {
    let flag = match &error {
        provenance::context::Error::InvalidOverride { field, .. } => Some(format!(
            "--{}",
            field.to_ascii_lowercase().replace(' ', "-")
        )),
        _ => None,
    };
    let error = anyhow::Error::new(error);
    match flag {
        Some(flag) => error.context(flag),
        None => error,
    }
}
