//! GitLab CI and the other CI platforms, from simulated environments.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    reason = "tests"
)]

use std::path::Path;

use provenance_context::{
    BuildContext, DetectOptions, GitBinary, MapEnv, Platform, StatementBuilder,
};
use provenance_digest::{Algorithm, DigestSet};
use serde_json::{Value, json};
use time::OffsetDateTime;

const SHA: &str = "89abcdef0123456789abcdef0123456789abcdef";

fn detect(env: &MapEnv) -> BuildContext {
    let options = DetectOptions::new(OffsetDateTime::UNIX_EPOCH).with_git(GitBinary::Disabled);
    BuildContext::detect_with(env, Path::new("."), &options).unwrap()
}

fn predicate(context: BuildContext) -> Value {
    let mut builder = StatementBuilder::new(context);
    builder
        .add_subject(
            "out.bin",
            DigestSet::single(Algorithm::Sha256, &"ef".repeat(32)).unwrap(),
        )
        .unwrap();
    let statement = builder
        .build_at(OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap())
        .unwrap();
    statement.to_json_value().unwrap()["predicate"].clone()
}

fn gitlab_env() -> MapEnv {
    MapEnv::new()
        .with("GITLAB_CI", "true")
        .with("CI_SERVER_URL", "https://gitlab.example.com")
        .with(
            "CI_PROJECT_URL",
            "https://gitlab.example.com/group/sub/project",
        )
        .with("CI_PROJECT_PATH", "group/sub/project")
        .with("CI_COMMIT_SHA", SHA)
        .with("CI_COMMIT_BRANCH", "main")
        .with("CI_COMMIT_REF_NAME", "main")
        .with("CI_PIPELINE_SOURCE", "push")
        .with("CI_PIPELINE_ID", "991")
        .with("CI_CONFIG_PATH", ".gitlab-ci.yml")
        .with("CI_JOB_NAME", "build")
        .with("CI_JOB_ID", "7001")
        .with(
            "CI_JOB_URL",
            "https://gitlab.example.com/group/sub/project/-/jobs/7001",
        )
        .with("CI_JOB_STARTED_AT", "2026-01-02T03:04:05Z")
        .with("CI_RUNNER_ID", "55")
        .with("CI_RUNNER_DESCRIPTION", "shared-runner-1")
        .with("CI_RUNNER_VERSION", "17.5.0")
        .with("CI_RUNNER_REVISION", "abcdef12")
        .with("CI_RUNNER_EXECUTABLE_ARCH", "linux/amd64")
        .with("CI_JOB_TOKEN", "glcbt-secret-token")
}

#[test]
fn gitlab_ci_follows_the_runner_layout() {
    let context = detect(&gitlab_env());
    assert_eq!(context.platform(), Platform::GitLabCi);
    let p = predicate(context);
    assert_eq!(
        p,
        json!({
            "buildDefinition": {
                "buildType": "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.5.0/PROVENANCE.md",
                "externalParameters": {
                    "source": "https://gitlab.example.com/group/sub/project",
                    "entryPoint": "build",
                    "variables": {
                        "CI_PIPELINE_SOURCE": "push",
                        "CI_COMMIT_REF_NAME": "main",
                        "CI_CONFIG_PATH": ".gitlab-ci.yml",
                        "CI_PIPELINE_ID": "991"
                    }
                },
                "internalParameters": {
                    "name": "shared-runner-1",
                    "architecture": "linux/amd64",
                    "job": "7001"
                },
                "resolvedDependencies": [{
                    "uri": "git+https://gitlab.example.com/group/sub/project@refs/heads/main",
                    "digest": { "gitCommit": SHA }
                }]
            },
            "runDetails": {
                "builder": {
                    "id": "https://gitlab.example.com/group/sub/project/-/runners/55",
                    "version": { "gitlab-runner": "abcdef12" }
                },
                "metadata": {
                    "invocationId": "https://gitlab.example.com/group/sub/project/-/jobs/7001",
                    "startedOn": "2026-01-02T03:04:05Z",
                    "finishedOn": "2027-01-15T08:00:00Z"
                }
            }
        })
    );
    // Secrets in the environment never reach the statement.
    assert!(!p.to_string().contains("glcbt-secret-token"));
}

#[test]
fn gitlab_tag_pipeline_uses_the_tag_ref() {
    let env = gitlab_env().with("CI_COMMIT_TAG", "v2.0.0");
    let mut env = env;
    env.remove("CI_COMMIT_BRANCH");
    let p = predicate(detect(&env));
    assert_eq!(
        p["buildDefinition"]["resolvedDependencies"][0]["uri"],
        "git+https://gitlab.example.com/group/sub/project@refs/tags/v2.0.0"
    );
}

struct Case {
    env: MapEnv,
    platform: Platform,
    repository: &'static str,
    git_ref: &'static str,
    builder_id: &'static str,
    invocation_id: &'static str,
}

#[test]
fn other_platforms_from_their_documented_variables() {
    let cases = [
        Case {
            env: MapEnv::new()
                .with("BUILDKITE", "true")
                .with("BUILDKITE_REPO", "git@github.com:acme/widget.git")
                .with("BUILDKITE_COMMIT", SHA)
                .with("BUILDKITE_BRANCH", "main")
                .with(
                    "BUILDKITE_BUILD_URL",
                    "https://buildkite.com/acme/widget-ci/builds/17",
                )
                .with("BUILDKITE_JOB_ID", "0190-abcd")
                .with("BUILDKITE_ORGANIZATION_SLUG", "acme")
                .with("BUILDKITE_PIPELINE_SLUG", "widget-ci"),
            platform: Platform::Buildkite,
            repository: "https://github.com/acme/widget",
            git_ref: "refs/heads/main",
            builder_id: "https://buildkite.com/acme/widget-ci",
            invocation_id: "https://buildkite.com/acme/widget-ci/builds/17#0190-abcd",
        },
        Case {
            env: MapEnv::new()
                .with("CIRCLECI", "true")
                .with("CIRCLE_REPOSITORY_URL", "git@github.com:acme/widget.git")
                .with("CIRCLE_SHA1", SHA)
                .with("CIRCLE_TAG", "v3.1.0")
                .with(
                    "CIRCLE_BUILD_URL",
                    "https://circleci.com/gh/acme/widget/321",
                )
                .with("CIRCLE_JOB", "release"),
            platform: Platform::CircleCi,
            repository: "https://github.com/acme/widget",
            git_ref: "refs/tags/v3.1.0",
            builder_id: "https://circleci.com/gh/acme/widget",
            invocation_id: "https://circleci.com/gh/acme/widget/321",
        },
        Case {
            env: MapEnv::new()
                .with("JENKINS_URL", "https://jenkins.example.com/")
                .with("BUILD_URL", "https://jenkins.example.com/job/widget/42/")
                .with("JOB_URL", "https://jenkins.example.com/job/widget/")
                .with("JOB_NAME", "widget")
                .with(
                    "GIT_URL",
                    "https://deploy:hunter2@git.example.com/acme/widget.git",
                )
                .with("GIT_COMMIT", SHA)
                .with("GIT_BRANCH", "origin/release/1.x"),
            platform: Platform::Jenkins,
            repository: "https://git.example.com/acme/widget",
            git_ref: "refs/heads/release/1.x",
            builder_id: "https://jenkins.example.com/job/widget",
            invocation_id: "https://jenkins.example.com/job/widget/42",
        },
        Case {
            env: MapEnv::new()
                .with("TF_BUILD", "True")
                .with("SYSTEM_COLLECTIONURI", "https://dev.azure.com/acme/")
                .with("SYSTEM_TEAMPROJECT", "Widget Team")
                .with("SYSTEM_DEFINITIONID", "12")
                .with("BUILD_BUILDID", "3456")
                .with(
                    "BUILD_REPOSITORY_URI",
                    "https://acme@dev.azure.com/acme/Widget%20Team/_git/widget",
                )
                .with("BUILD_SOURCEVERSION", SHA)
                .with("BUILD_SOURCEBRANCH", "refs/heads/main"),
            platform: Platform::AzurePipelines,
            repository: "https://dev.azure.com/acme/Widget%20Team/_git/widget",
            git_ref: "refs/heads/main",
            builder_id: "https://dev.azure.com/acme/Widget%20Team/_build?definitionId=12",
            invocation_id: "https://dev.azure.com/acme/Widget%20Team/_build/results?buildId=3456",
        },
        Case {
            env: MapEnv::new()
                .with("BITBUCKET_BUILD_NUMBER", "88")
                .with("BITBUCKET_REPO_FULL_NAME", "acme/widget")
                .with(
                    "BITBUCKET_GIT_HTTP_ORIGIN",
                    "http://bitbucket.org/acme/widget",
                )
                .with("BITBUCKET_COMMIT", SHA)
                .with("BITBUCKET_BRANCH", "develop"),
            platform: Platform::BitbucketPipelines,
            repository: "https://bitbucket.org/acme/widget",
            git_ref: "refs/heads/develop",
            builder_id: "https://bitbucket.org/acme/widget/pipelines",
            invocation_id: "https://bitbucket.org/acme/widget/pipelines/results/88",
        },
    ];
    for case in cases {
        let context = detect(&case.env);
        assert_eq!(context.platform(), case.platform);
        let name = case.platform.name();
        let p = predicate(context);
        let def = &p["buildDefinition"];
        assert_eq!(
            def["buildType"],
            format!("https://example.invalid/provenance-toolkit/buildtypes/{name}/v1"),
            "{name}"
        );
        let uri = format!("git+{}@{}", case.repository, case.git_ref);
        assert_eq!(
            def["resolvedDependencies"][0]["uri"],
            uri.as_str(),
            "{name}"
        );
        assert_eq!(
            def["resolvedDependencies"][0]["digest"]["gitCommit"], SHA,
            "{name}"
        );
        assert_eq!(
            def["externalParameters"]["source"]["uri"],
            uri.as_str(),
            "{name}"
        );
        assert_eq!(
            def["externalParameters"]["source"]["ref"], case.git_ref,
            "{name}"
        );
        assert_eq!(p["runDetails"]["builder"]["id"], case.builder_id, "{name}");
        assert_eq!(
            p["runDetails"]["metadata"]["invocationId"], case.invocation_id,
            "{name}"
        );
        assert!(
            !p.to_string().contains("hunter2"),
            "{name}: credentials leaked"
        );
    }
}

#[test]
fn no_ci_variables_means_local() {
    let context = detect(&MapEnv::new().with("CI", "true"));
    assert_eq!(context.platform(), Platform::Local);
    assert_eq!(
        context.builder_id(),
        "https://example.invalid/provenance-toolkit/builders/local"
    );
    assert!(!context.source().is_known());
    let p = predicate(context);
    assert!(p["buildDefinition"].get("resolvedDependencies").is_none());
    assert_eq!(
        p["runDetails"]["metadata"]["startedOn"],
        "1970-01-01T00:00:00Z"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["finishedOn"],
        "2027-01-15T08:00:00Z"
    );
}

#[test]
fn invalid_source_date_epoch_is_an_error() {
    let options = DetectOptions::new(OffsetDateTime::UNIX_EPOCH).with_git(GitBinary::Disabled);
    let env = MapEnv::new().with("SOURCE_DATE_EPOCH", "yesterday");
    assert!(matches!(
        BuildContext::detect_with(&env, Path::new("."), &options),
        Err(provenance_context::Error::InvalidSourceDateEpoch { .. })
    ));
}
