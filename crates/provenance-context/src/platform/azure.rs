//! Azure Pipelines, from
//! <https://learn.microsoft.com/azure/devops/pipelines/build/variables> (as environment variables:
//! upper case, `.` replaced by `_`).

use serde_json::Value;

use super::{Detected, commit, encode_segment, object};
use crate::context::Platform;
use crate::env::EnvSource;
use crate::git::normalize_repo_url;

pub(super) fn detect(env: &dyn EnvSource) -> Option<Detected> {
    if !super::is_true(env, "TF_BUILD") {
        return None;
    }
    // SYSTEM_COLLECTIONURI: https://dev.azure.com/<org>/ ; SYSTEM_TEAMPROJECT: the project name.
    let project_url = match (
        env.non_empty("SYSTEM_COLLECTIONURI"),
        env.non_empty("SYSTEM_TEAMPROJECT"),
    ) {
        (Some(collection), Some(project)) => Some(format!(
            "{}/{}",
            collection.trim_end_matches('/'),
            encode_segment(&project)
        )),
        _ => None,
    };
    let builder_id = match (&project_url, env.non_empty("SYSTEM_DEFINITIONID")) {
        (Some(project), Some(definition)) => format!("{project}/_build?definitionId={definition}"),
        (Some(project), None) => format!("{project}/_build"),
        (None, _) => "https://dev.azure.com".to_owned(),
    };
    let mut detected = Detected::generic(Platform::AzurePipelines, builder_id);
    detected.invocation_id = match (&project_url, env.non_empty("BUILD_BUILDID")) {
        (Some(project), Some(build)) => Some(format!("{project}/_build/results?buildId={build}")),
        _ => None,
    };
    detected.external_parameters = object([
        ("pipeline", env.non_empty("BUILD_DEFINITIONNAME")),
        ("reason", env.non_empty("BUILD_REASON")),
    ]);
    let azure = object([
        ("build_id", env.non_empty("BUILD_BUILDID")),
        ("definition_id", env.non_empty("SYSTEM_DEFINITIONID")),
        ("job_attempt", env.non_empty("SYSTEM_JOBATTEMPT")),
        ("agent_name", env.non_empty("AGENT_NAME")),
        ("agent_os", env.non_empty("AGENT_OS")),
    ]);
    detected
        .internal_parameters
        .insert("azure".to_owned(), Value::Object(azure));
    detected.source.repository = env
        .non_empty("BUILD_REPOSITORY_URI")
        .and_then(|r| normalize_repo_url(&r));
    // BUILD_SOURCEBRANCH is already a full ref (refs/heads/main, refs/tags/v1, refs/pull/1/merge).
    detected.source.git_ref = env
        .non_empty("BUILD_SOURCEBRANCH")
        .filter(|r| r.starts_with("refs/"));
    detected.source.commit = commit(env, "BUILD_SOURCEVERSION");
    Some(detected)
}
