//! Every statement we emit, for every platform, passes the project's JSON Schemas
//! (`schemas/in-toto-statement-v1.schema.json`, `schemas/slsa-provenance-v1.schema.json`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use provenance_context::{BuildContext, DetectOptions, GitBinary, MapEnv, StatementBuilder};
use provenance_digest::{Algorithm, DigestSet};
use time::OffsetDateTime;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn validator(name: &str) -> jsonschema::Validator {
    provenance_testkit::schema::validator_checking_formats(name)
}

fn envs() -> Vec<(&'static str, MapEnv)> {
    vec![
        (
            "github",
            MapEnv::new()
                .with("GITHUB_ACTIONS", "true")
                .with("GITHUB_REPOSITORY", "o/r")
                .with("GITHUB_REPOSITORY_ID", "1")
                .with("GITHUB_REPOSITORY_OWNER_ID", "2")
                .with("GITHUB_EVENT_NAME", "push")
                .with("GITHUB_REF", "refs/heads/main")
                .with("GITHUB_SHA", SHA)
                .with(
                    "GITHUB_WORKFLOW_REF",
                    "o/r/.github/workflows/b.yml@refs/heads/main",
                )
                .with("GITHUB_RUN_ID", "3")
                .with("GITHUB_RUN_ATTEMPT", "1")
                .with("RUNNER_ENVIRONMENT", "github-hosted"),
        ),
        (
            "gitlab",
            MapEnv::new()
                .with("GITLAB_CI", "true")
                .with("CI_PROJECT_URL", "https://gitlab.com/g/p")
                .with("CI_COMMIT_SHA", SHA)
                .with("CI_COMMIT_BRANCH", "main")
                .with("CI_JOB_NAME", "build")
                .with("CI_JOB_URL", "https://gitlab.com/g/p/-/jobs/1")
                .with("CI_JOB_STARTED_AT", "2026-01-01T00:00:00Z")
                .with("CI_RUNNER_ID", "5")
                .with("CI_RUNNER_REVISION", "abc"),
        ),
        (
            "buildkite",
            MapEnv::new()
                .with("BUILDKITE", "true")
                .with("BUILDKITE_REPO", "git@github.com:o/r.git")
                .with("BUILDKITE_COMMIT", SHA)
                .with("BUILDKITE_BUILD_URL", "https://buildkite.com/o/p/builds/1"),
        ),
        (
            "circleci",
            MapEnv::new()
                .with("CIRCLECI", "true")
                .with("CIRCLE_SHA1", SHA)
                .with("CIRCLE_BUILD_URL", "https://circleci.com/gh/o/r/1"),
        ),
        (
            "jenkins",
            MapEnv::new()
                .with("JENKINS_URL", "https://j.example.com/")
                .with("BUILD_URL", "https://j.example.com/job/x/1/")
                .with("GIT_COMMIT", SHA),
        ),
        (
            "azure",
            MapEnv::new()
                .with("TF_BUILD", "True")
                .with("SYSTEM_COLLECTIONURI", "https://dev.azure.com/o/")
                .with("SYSTEM_TEAMPROJECT", "p")
                .with("BUILD_BUILDID", "9"),
        ),
        (
            "bitbucket",
            MapEnv::new()
                .with("BITBUCKET_BUILD_NUMBER", "4")
                .with("BITBUCKET_REPO_FULL_NAME", "o/r"),
        ),
        ("local", MapEnv::new()),
    ]
}

#[test]
fn emitted_statements_pass_our_schemas() {
    let statement_schema = validator("in-toto-statement-v1.schema.json");
    let provenance_schema = validator("slsa-provenance-v1.schema.json");
    let options = DetectOptions::new(OffsetDateTime::UNIX_EPOCH).with_git(GitBinary::Disabled);
    for (name, env) in envs() {
        let context = BuildContext::detect_with(&env, Path::new("."), &options).unwrap();
        let mut builder = StatementBuilder::new(context);
        builder
            .add_subject(
                "a",
                DigestSet::single(Algorithm::Sha256, &"ab".repeat(32)).unwrap(),
            )
            .unwrap();
        builder
            .add_subject(
                "b",
                DigestSet::single(Algorithm::Sha512, &"cd".repeat(64)).unwrap(),
            )
            .unwrap();
        let statement = builder.build().unwrap().to_json_value().unwrap();
        let errors: Vec<String> = statement_schema
            .iter_errors(&statement)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: statement schema: {errors:?}");
        let errors: Vec<String> = provenance_schema
            .iter_errors(&statement["predicate"])
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: provenance schema: {errors:?}");
    }
    // The schemas are not vacuous: a predicate without builder id is refused.
    let mut broken = serde_json::json!({"buildDefinition": {"buildType": "https://x", "externalParameters": {}},
        "runDetails": {"builder": {}}});
    assert!(!provenance_schema.is_valid(&broken));
    broken["runDetails"]["builder"]["id"] = "https://b".into();
    assert!(provenance_schema.is_valid(&broken));
}
