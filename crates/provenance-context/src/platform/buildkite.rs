//! Buildkite, from <https://buildkite.com/docs/pipelines/configure/environment-variables>.

use serde_json::Value;

use super::{Detected, commit, object, tag_or_branch, trim_slash};
use crate::context::Platform;
use crate::env::EnvSource;
use crate::git::normalize_repo_url;

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    if !super::is_true(env, "BUILDKITE") {
        return None;
    }
    let build_url = env.non_empty("BUILDKITE_BUILD_URL").map(|u| trim_slash(&u));
    // https://buildkite.com/<org>/<pipeline>/builds/<n>  ->  https://buildkite.com/<org>/<pipeline>
    let pipeline_url = build_url
        .as_deref()
        .and_then(|url| {
            url.rsplit_once("/builds/")
                .map(|(pipeline, _)| pipeline.to_owned())
        })
        .or_else(|| {
            match (
                env.non_empty("BUILDKITE_ORGANIZATION_SLUG"),
                env.non_empty("BUILDKITE_PIPELINE_SLUG"),
            ) {
                (Some(org), Some(pipeline)) => {
                    Some(format!("https://buildkite.com/{org}/{pipeline}"))
                }
                _ => None,
            }
        });
    let mut detected = Detected::generic(
        Platform::Buildkite,
        pipeline_url.unwrap_or_else(|| "https://buildkite.com".to_owned()),
    );
    detected.invocation_id = match (&build_url, env.non_empty("BUILDKITE_JOB_ID")) {
        (Some(url), Some(job)) => Some(format!("{url}#{job}")),
        (Some(url), None) => Some(url.clone()),
        (None, _) => None,
    };
    detected.external_parameters = object([
        ("pipeline", env.non_empty("BUILDKITE_PIPELINE_SLUG")),
        ("step", env.non_empty("BUILDKITE_STEP_KEY")),
        ("trigger", env.non_empty("BUILDKITE_SOURCE")),
    ]);
    let buildkite = object([
        ("organization", env.non_empty("BUILDKITE_ORGANIZATION_SLUG")),
        ("build_id", env.non_empty("BUILDKITE_BUILD_ID")),
        ("build_number", env.non_empty("BUILDKITE_BUILD_NUMBER")),
        ("job_id", env.non_empty("BUILDKITE_JOB_ID")),
        ("retry_count", env.non_empty("BUILDKITE_RETRY_COUNT")),
        ("agent_name", env.non_empty("BUILDKITE_AGENT_NAME")),
    ]);
    detected
        .internal_parameters
        .insert("buildkite".to_owned(), Value::Object(buildkite));
    detected.source.repository = env
        .non_empty("BUILDKITE_REPO")
        .and_then(|r| normalize_repo_url(&r));
    detected.source.git_ref = tag_or_branch(
        env.non_empty("BUILDKITE_TAG"),
        env.non_empty("BUILDKITE_BRANCH"),
    );
    // BUILDKITE_COMMIT may be the literal `HEAD` for builds started from the UI.
    detected.source.commit = commit(env, "BUILDKITE_COMMIT");
    Some(detected)
}
