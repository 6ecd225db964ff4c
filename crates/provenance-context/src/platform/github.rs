//! GitHub Actions, in the exact shape of GitHub's own `actions/attest-build-provenance`
//! (`@actions/attest` `buildSLSAProvenancePredicate`), from the default environment variables
//! <https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables>.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Detected, commit, object, trim_slash};
use crate::context::{Platform, Source, SourceParameter};
use crate::env::EnvSource;

/// The build type GitHub uses: <https://actions.github.io/buildtypes/workflow/v1>.
pub const GITHUB_BUILD_TYPE: &str = "https://actions.github.io/buildtypes/workflow/v1";

/// `GITHUB_SERVER_URL` when unset.
pub const GITHUB_DEFAULT_SERVER: &str = "https://github.com";

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    if !super::is_true(env, "GITHUB_ACTIONS") {
        return None;
    }
    let server = env
        .non_empty("GITHUB_SERVER_URL")
        .map_or_else(|| GITHUB_DEFAULT_SERVER.to_owned(), |s| trim_slash(&s));
    let repository = env.non_empty("GITHUB_REPOSITORY");
    // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/build.yml@refs/heads/main
    let workflow_ref = env.non_empty("GITHUB_WORKFLOW_REF");

    let mut external = Map::new();
    if let Some(workflow_ref) = &workflow_ref {
        let without_repo = repository
            .as_ref()
            .and_then(|repo| workflow_ref.strip_prefix(&format!("{repo}/")))
            .unwrap_or(workflow_ref);
        // The ref may itself contain `@` (monorepo tags such as `pkg@1.0.0`): split at the first.
        let (path, git_ref) = without_repo.split_once('@').unwrap_or((without_repo, ""));
        let mut workflow = Map::new();
        workflow.insert("ref".to_owned(), Value::String(git_ref.to_owned()));
        if let Some(repo) = &repository {
            workflow.insert(
                "repository".to_owned(),
                Value::String(format!("{server}/{repo}")),
            );
        }
        workflow.insert("path".to_owned(), Value::String(path.to_owned()));
        external.insert("workflow".to_owned(), Value::Object(workflow));
    }

    let github = object([
        ("event_name", env.non_empty("GITHUB_EVENT_NAME")),
        ("repository_id", env.non_empty("GITHUB_REPOSITORY_ID")),
        (
            "repository_owner_id",
            env.non_empty("GITHUB_REPOSITORY_OWNER_ID"),
        ),
        ("runner_environment", env.non_empty("RUNNER_ENVIRONMENT")),
    ]);
    let mut internal = Map::new();
    internal.insert("github".to_owned(), Value::Object(github));

    let invocation_id = match (&repository, env.non_empty("GITHUB_RUN_ID")) {
        (Some(repo), Some(run_id)) => {
            let attempt = env
                .non_empty("GITHUB_RUN_ATTEMPT")
                .unwrap_or_else(|| "1".to_owned());
            Some(format!(
                "{server}/{repo}/actions/runs/{run_id}/attempts/{attempt}"
            ))
        }
        _ => None,
    };
    let builder_id = match &workflow_ref {
        Some(workflow_ref) => format!("{server}/{workflow_ref}"),
        None => server.clone(),
    };
    let source = Source {
        repository: repository.map(|repo| format!("{server}/{repo}")),
        git_ref: env.non_empty("GITHUB_REF"),
        commit: commit(env, "GITHUB_SHA"),
        dirty: None,
    };
    Some(Detected {
        platform: Platform::GitHubActions,
        build_type: GITHUB_BUILD_TYPE.to_owned(),
        builder_id,
        builder_version: BTreeMap::new(),
        invocation_id,
        external_parameters: external,
        internal_parameters: internal,
        source,
        source_parameter: SourceParameter::PlatformDefined,
        started_on: None,
    })
}
