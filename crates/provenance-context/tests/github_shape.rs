//! GitHub Actions detection reproduces `actions/attest-build-provenance` exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use base64::Engine as _;
use provenance_context::{
    BuildContext, DetectOptions, GitBinary, MapEnv, Overrides, Platform, StatementBuilder,
};
use provenance_digest::{Algorithm, DigestSet};
use serde_json::{Value, json};
use time::OffsetDateTime;

fn detect(env: &MapEnv) -> BuildContext {
    let options = DetectOptions::new(OffsetDateTime::UNIX_EPOCH).with_git(GitBinary::Disabled);
    BuildContext::detect_with(env, Path::new("."), &options).unwrap()
}

fn statement(context: BuildContext) -> Value {
    let mut builder = StatementBuilder::new(context);
    builder
        .add_subject(
            "app.tar.gz",
            DigestSet::single(Algorithm::Sha256, &"ab".repeat(32)).unwrap(),
        )
        .unwrap();
    builder
        .build_at(OffsetDateTime::UNIX_EPOCH)
        .unwrap()
        .to_json_value()
        .unwrap()
}

fn github_env() -> MapEnv {
    MapEnv::new()
        .with("CI", "true")
        .with("GITHUB_ACTIONS", "true")
        .with("GITHUB_SERVER_URL", "https://github.com")
        .with("GITHUB_REPOSITORY", "octo-org/hello")
        .with("GITHUB_REPOSITORY_ID", "123456")
        .with("GITHUB_REPOSITORY_OWNER_ID", "7890")
        .with("GITHUB_EVENT_NAME", "push")
        .with("GITHUB_REF", "refs/tags/v1.2.3")
        .with("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .with(
            "GITHUB_WORKFLOW_REF",
            "octo-org/hello/.github/workflows/release.yml@refs/tags/v1.2.3",
        )
        .with("GITHUB_RUN_ID", "4242")
        .with("GITHUB_RUN_ATTEMPT", "2")
        .with("RUNNER_ENVIRONMENT", "github-hosted")
        .with("SOURCE_DATE_EPOCH", "1700000000")
}

#[test]
fn github_actions_fields_are_exactly_githubs() {
    let context = detect(&github_env());
    assert_eq!(context.platform(), Platform::GitHubActions);
    let st = statement(context);
    let predicate = &st["predicate"];
    assert_eq!(st["predicateType"], "https://slsa.dev/provenance/v1");
    assert_eq!(
        predicate["buildDefinition"],
        json!({
            "buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {
                "workflow": {
                    "ref": "refs/tags/v1.2.3",
                    "repository": "https://github.com/octo-org/hello",
                    "path": ".github/workflows/release.yml"
                }
            },
            "internalParameters": {
                "github": {
                    "event_name": "push",
                    "repository_id": "123456",
                    "repository_owner_id": "7890",
                    "runner_environment": "github-hosted"
                }
            },
            "resolvedDependencies": [{
                "uri": "git+https://github.com/octo-org/hello@refs/tags/v1.2.3",
                "digest": { "gitCommit": "0123456789abcdef0123456789abcdef01234567" }
            }]
        })
    );
    assert_eq!(
        predicate["runDetails"],
        json!({
            "builder": {
                "id": "https://github.com/octo-org/hello/.github/workflows/release.yml@refs/tags/v1.2.3"
            },
            "metadata": {
                "invocationId": "https://github.com/octo-org/hello/actions/runs/4242/attempts/2",
                "startedOn": "2023-11-14T22:13:20Z",
                "finishedOn": "2023-11-14T22:13:20Z"
            }
        })
    );
}

#[test]
fn github_enterprise_server_and_at_sign_in_ref() {
    let env = github_env()
        .with("GITHUB_SERVER_URL", "https://ghe.example.com/")
        .with("GITHUB_REF", "refs/tags/pkg@1.0.0")
        .with(
            "GITHUB_WORKFLOW_REF",
            "octo-org/hello/.github/workflows/release.yml@refs/tags/pkg@1.0.0",
        );
    let st = statement(detect(&env));
    let def = &st["predicate"]["buildDefinition"];
    assert_eq!(
        def["externalParameters"]["workflow"]["ref"],
        "refs/tags/pkg@1.0.0"
    );
    assert_eq!(
        def["externalParameters"]["workflow"]["path"],
        ".github/workflows/release.yml"
    );
    assert_eq!(
        def["externalParameters"]["workflow"]["repository"],
        "https://ghe.example.com/octo-org/hello"
    );
    assert_eq!(
        def["resolvedDependencies"][0]["uri"],
        "git+https://ghe.example.com/octo-org/hello@refs/tags/pkg@1.0.0"
    );
}

#[test]
fn same_inputs_same_bytes_with_source_date_epoch() {
    let build = |now| {
        let mut builder = StatementBuilder::new(detect(&github_env()));
        builder
            .add_subject(
                "a",
                DigestSet::single(Algorithm::Sha256, &"cd".repeat(32)).unwrap(),
            )
            .unwrap();
        builder.build_at(now).unwrap().to_json_bytes().unwrap()
    };
    let first = build(OffsetDateTime::UNIX_EPOCH);
    let later = build(OffsetDateTime::now_utc());
    assert_eq!(first, later);
}

/// The statement GitHub's action wrote for aspect-build/rules_lint, decoded from the bundle.
fn bcr_payload() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/context/github-bcr");
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(root.join("MODULE.bazel.intoto.jsonl")).unwrap())
            .unwrap();
    let payload = bundle["dsseEnvelope"]["payload"].as_str().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn reproduces_a_real_attest_build_provenance_predicate() {
    let real = bcr_payload();
    let env = MapEnv::new()
        .with("GITHUB_ACTIONS", "true")
        .with("GITHUB_SERVER_URL", "https://github.com")
        .with("GITHUB_REPOSITORY", "aspect-build/rules_lint")
        .with("GITHUB_REPOSITORY_ID", "631710741")
        .with("GITHUB_REPOSITORY_OWNER_ID", "60951090")
        .with("GITHUB_EVENT_NAME", "workflow_dispatch")
        .with("GITHUB_REF", "refs/heads/publish-to-bcr")
        .with("GITHUB_SHA", "8f70009fde0c94ade6ce2a054b94718c819126ec")
        .with(
            "GITHUB_WORKFLOW_REF",
            "aspect-build/rules_lint/.github/workflows/release.yml@refs/heads/publish-to-bcr",
        )
        .with("GITHUB_RUN_ID", "14095611671")
        .with("GITHUB_RUN_ATTEMPT", "1")
        .with("RUNNER_ENVIRONMENT", "github-hosted")
        .with("SOURCE_DATE_EPOCH", "1742900000");
    let mut context = detect(&env);
    // The reusable workflow's identity (job_workflow_ref) is only in the OIDC token.
    let mut overrides = Overrides::new();
    overrides.builder_id =
        Some("https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1".into());
    context.apply(&overrides).unwrap();
    let mut builder = StatementBuilder::new(context);
    let subject = &real["subject"][0];
    builder
        .add_subject(
            subject["name"].as_str().unwrap(),
            DigestSet::single(
                Algorithm::Sha256,
                subject["digest"]["sha256"].as_str().unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    let ours = builder
        .build_at(OffsetDateTime::UNIX_EPOCH)
        .unwrap()
        .to_json_value()
        .unwrap();

    assert_eq!(ours["_type"], real["_type"]);
    assert_eq!(ours["subject"], real["subject"]);
    assert_eq!(ours["predicateType"], real["predicateType"]);
    assert_eq!(
        ours["predicate"]["buildDefinition"],
        real["predicate"]["buildDefinition"]
    );
    assert_eq!(
        ours["predicate"]["runDetails"]["builder"],
        real["predicate"]["runDetails"]["builder"]
    );
    assert_eq!(
        ours["predicate"]["runDetails"]["metadata"]["invocationId"],
        real["predicate"]["runDetails"]["metadata"]["invocationId"]
    );
    // Field order too: the same keys in the same order as GitHub's action writes them.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let def_ours = &ours["predicate"]["buildDefinition"];
    let def_real = &real["predicate"]["buildDefinition"];
    assert_eq!(keys(def_ours), keys(def_real));
    assert_eq!(
        keys(&def_ours["externalParameters"]["workflow"]),
        keys(&def_real["externalParameters"]["workflow"])
    );
    assert_eq!(
        keys(&def_ours["internalParameters"]["github"]),
        keys(&def_real["internalParameters"]["github"])
    );
}
