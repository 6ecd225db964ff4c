//! Jenkins, from <https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables>
//! and the Git plugin's variables (`GIT_URL`, `GIT_COMMIT`, `GIT_BRANCH`, `GIT_LOCAL_BRANCH`).

use serde_json::Value;

use super::{Detected, commit, object, tag_or_branch, trim_slash};
use crate::context::Platform;
use crate::env::EnvSource;
use crate::git::normalize_repo_url;

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    let jenkins_url = env.non_empty("JENKINS_URL")?;
    let build_url = env.non_empty("BUILD_URL")?;
    let builder_id = env
        .non_empty("JOB_URL")
        .map_or_else(|| trim_slash(&jenkins_url), |u| trim_slash(&u));
    let mut detected = Detected::generic(Platform::Jenkins, builder_id);
    detected.invocation_id = Some(trim_slash(&build_url));
    detected.external_parameters = object([("job", env.non_empty("JOB_NAME"))]);
    let jenkins = object([
        ("build_number", env.non_empty("BUILD_NUMBER")),
        ("build_id", env.non_empty("BUILD_ID")),
        ("node_name", env.non_empty("NODE_NAME")),
        ("executor_number", env.non_empty("EXECUTOR_NUMBER")),
    ]);
    detected
        .internal_parameters
        .insert("jenkins".to_owned(), Value::Object(jenkins));
    detected.source.repository = env
        .non_empty("GIT_URL")
        .and_then(|r| normalize_repo_url(&r));
    // Multibranch pipelines set BRANCH_NAME / TAG_NAME; the Git plugin sets GIT_BRANCH as
    // `origin/<branch>` (or GIT_LOCAL_BRANCH when checking out to a local branch).
    let branch = env
        .non_empty("BRANCH_NAME")
        .or_else(|| env.non_empty("GIT_LOCAL_BRANCH"))
        .or_else(|| {
            env.non_empty("GIT_BRANCH")
                .map(|b| match b.split_once('/') {
                    Some((_remote, rest)) if !b.starts_with("refs/") => rest.to_owned(),
                    _ => b,
                })
        });
    detected.source.git_ref = tag_or_branch(env.non_empty("TAG_NAME"), branch);
    detected.source.commit = commit(env, "GIT_COMMIT");
    Some(detected)
}
