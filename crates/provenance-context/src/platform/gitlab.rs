//! GitLab CI/CD, following the layout of GitLab Runner's own SLSA v1 provenance
//! (<https://docs.gitlab.com/ci/pipeline_security/slsa/provenance_v1/>), from the predefined
//! variables <https://docs.gitlab.com/ci/variables/predefined_variables/>.
//!
//! Differences from the runner's statement, on purpose: `externalParameters.variables` holds only
//! a fixed list of non-secret variables (the runner can see which are masked; we cannot), the
//! source is a `git+<project>@<ref>` URI with a `gitCommit` digest, `internalParameters` has no
//! `executor` (not exposed to jobs), and the invocation is the job URL.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Detected, commit, object, tag_or_branch, trim_slash};
use crate::context::{Platform, Source, SourceParameter};
use crate::env::EnvSource;
use crate::time_util::parse_ci_time;

/// GitLab Runner's build type, followed by `v<CI_RUNNER_VERSION>/PROVENANCE.md`.
pub const GITLAB_BUILD_TYPE_PREFIX: &str = "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/";

/// The variables copied into `externalParameters.variables` (none of them secret).
const VARIABLES: [&str; 6] = [
    "CI_PIPELINE_SOURCE",
    "CI_COMMIT_REF_NAME",
    "CI_COMMIT_TAG",
    "CI_CONFIG_PATH",
    "CI_PIPELINE_ID",
    "CI_MERGE_REQUEST_IID",
];

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    if !super::is_true(env, "GITLAB_CI") {
        return None;
    }
    let server = env
        .non_empty("CI_SERVER_URL")
        .map_or_else(|| "https://gitlab.com".to_owned(), |s| trim_slash(&s));
    let project_url = env
        .non_empty("CI_PROJECT_URL")
        .map(|u| trim_slash(&u))
        .or_else(|| {
            env.non_empty("CI_PROJECT_PATH")
                .map(|path| format!("{server}/{path}"))
        });

    let version = env.non_empty("CI_RUNNER_VERSION").map_or_else(
        || "main".to_owned(),
        |v| {
            if v.starts_with('v') {
                v
            } else {
                format!("v{v}")
            }
        },
    );
    let build_type = format!("{GITLAB_BUILD_TYPE_PREFIX}{version}/PROVENANCE.md");

    let variables: Map<String, Value> = VARIABLES
        .iter()
        .filter_map(|name| {
            env.non_empty(name)
                .map(|v| ((*name).to_owned(), Value::String(v)))
        })
        .collect();
    let mut external = object([
        ("source", project_url.clone()),
        ("entryPoint", env.non_empty("CI_JOB_NAME")),
    ]);
    external.insert("variables".to_owned(), Value::Object(variables));

    let internal = object([
        ("name", env.non_empty("CI_RUNNER_DESCRIPTION")),
        ("architecture", env.non_empty("CI_RUNNER_EXECUTABLE_ARCH")),
        ("job", env.non_empty("CI_JOB_ID")),
    ]);

    let builder_id = match (&project_url, env.non_empty("CI_RUNNER_ID")) {
        (Some(project), Some(runner)) => format!("{project}/-/runners/{runner}"),
        (Some(project), None) => format!("{project}/-/runners"),
        (None, _) => server.clone(),
    };
    let mut builder_version = BTreeMap::new();
    if let Some(revision) = env.non_empty("CI_RUNNER_REVISION") {
        builder_version.insert("gitlab-runner".to_owned(), revision);
    }

    let git_ref = tag_or_branch(
        env.non_empty("CI_COMMIT_TAG"),
        env.non_empty("CI_COMMIT_BRANCH"),
    )
    .or_else(|| {
        env.non_empty("CI_MERGE_REQUEST_IID")
            .map(|iid| format!("refs/merge-requests/{iid}/head"))
    })
    .or_else(|| tag_or_branch(None, env.non_empty("CI_COMMIT_REF_NAME")));
    let source = Source {
        repository: project_url,
        git_ref,
        commit: commit(env, "CI_COMMIT_SHA"),
        dirty: None,
    };
    Some(Detected {
        platform: Platform::GitLabCi,
        build_type,
        builder_id,
        builder_version,
        invocation_id: env.non_empty("CI_JOB_URL"),
        external_parameters: external,
        internal_parameters: internal,
        source,
        source_parameter: SourceParameter::PlatformDefined,
        started_on: env
            .non_empty("CI_JOB_STARTED_AT")
            .and_then(|t| parse_ci_time(&t)),
    })
}
