//! `CircleCI`, from <https://circleci.com/docs/variables/#built-in-environment-variables>.

use serde_json::Value;

use super::{Detected, commit, object, tag_or_branch, trim_slash};
use crate::context::Platform;
use crate::env::EnvSource;
use crate::git::normalize_repo_url;

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    if !super::is_true(env, "CIRCLECI") {
        return None;
    }
    let build_url = env.non_empty("CIRCLE_BUILD_URL").map(|u| trim_slash(&u));
    // https://circleci.com/gh/<org>/<repo>/<n>  ->  https://circleci.com/gh/<org>/<repo>
    let project_url = build_url.as_deref().and_then(|url| {
        url.rsplit_once('/')
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map(|(project, _)| project.to_owned())
    });
    let mut detected = Detected::generic(
        Platform::CircleCi,
        project_url.unwrap_or_else(|| "https://circleci.com".to_owned()),
    );
    detected.invocation_id = build_url;
    detected.external_parameters = object([("job", env.non_empty("CIRCLE_JOB"))]);
    let circleci = object([
        ("build_num", env.non_empty("CIRCLE_BUILD_NUM")),
        ("workflow_id", env.non_empty("CIRCLE_WORKFLOW_ID")),
        ("workflow_job_id", env.non_empty("CIRCLE_WORKFLOW_JOB_ID")),
        ("project_username", env.non_empty("CIRCLE_PROJECT_USERNAME")),
        ("project_reponame", env.non_empty("CIRCLE_PROJECT_REPONAME")),
    ]);
    detected
        .internal_parameters
        .insert("circleci".to_owned(), Value::Object(circleci));
    detected.source.repository = env
        .non_empty("CIRCLE_REPOSITORY_URL")
        .and_then(|r| normalize_repo_url(&r));
    detected.source.git_ref =
        tag_or_branch(env.non_empty("CIRCLE_TAG"), env.non_empty("CIRCLE_BRANCH"));
    detected.source.commit = commit(env, "CIRCLE_SHA1");
    Some(detected)
}
