//! Bitbucket Pipelines, from
//! <https://support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets/>.

use serde_json::Value;

use super::{Detected, commit, object, tag_or_branch};
use crate::context::Platform;
use crate::env::EnvSource;
use crate::git::normalize_repo_url;

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    let build_number = env.non_empty("BITBUCKET_BUILD_NUMBER")?;
    let full_name = env.non_empty("BITBUCKET_REPO_FULL_NAME");
    // BITBUCKET_GIT_HTTP_ORIGIN is `http://bitbucket.org/<workspace>/<repo>`; the service itself
    // is https-only, so the canonical repository URL is the https one.
    let repository = full_name
        .as_ref()
        .map(|name| format!("https://bitbucket.org/{name}"))
        .or_else(|| {
            env.non_empty("BITBUCKET_GIT_HTTP_ORIGIN")
                .and_then(|r| normalize_repo_url(&r))
                .map(|r| match r.strip_prefix("http://bitbucket.org/") {
                    Some(path) => format!("https://bitbucket.org/{path}"),
                    None => r,
                })
        });
    let builder_id = repository.as_ref().map_or_else(
        || "https://bitbucket.org".to_owned(),
        |r| format!("{r}/pipelines"),
    );
    let mut detected = Detected::generic(Platform::BitbucketPipelines, builder_id);
    detected.invocation_id = repository
        .as_ref()
        .map(|r| format!("{r}/pipelines/results/{build_number}"));
    let bitbucket = object([
        ("build_number", Some(build_number)),
        ("pipeline_uuid", env.non_empty("BITBUCKET_PIPELINE_UUID")),
        ("step_uuid", env.non_empty("BITBUCKET_STEP_UUID")),
        ("workspace", env.non_empty("BITBUCKET_WORKSPACE")),
    ]);
    detected
        .internal_parameters
        .insert("bitbucket".to_owned(), Value::Object(bitbucket));
    detected.external_parameters = object([(
        "deployment_environment",
        env.non_empty("BITBUCKET_DEPLOYMENT_ENVIRONMENT"),
    )]);
    detected.source.repository = repository;
    detected.source.git_ref = tag_or_branch(
        env.non_empty("BITBUCKET_TAG"),
        env.non_empty("BITBUCKET_BRANCH"),
    );
    detected.source.commit = commit(env, "BITBUCKET_COMMIT");
    Some(detected)
}
