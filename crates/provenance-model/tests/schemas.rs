//! The JSON Schemas of `schemas/` accept what this crate emits and what real tools emit, and
//! reject what the parser rejects.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use provenance_model::{
    BuildDefinition, BuildMetadata, Builder, DigestSet, Limits, Provenance, ProvenanceV02,
    ResourceDescriptor, RunDetails, Statement, Timestamp, TypeUri, VerificationResult,
    VerificationSummary, VsaVerifier,
};
use serde_json::{Map, Value, json};

const E3: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn uri(s: &str) -> TypeUri {
    s.parse().unwrap()
}

fn digest(s: &str) -> DigestSet {
    s.parse().unwrap()
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

/// A statement in the shape of GitHub's `actions/attest-build-provenance`, with every
/// optional field of the model filled in.
fn github_like() -> Statement {
    let subjects = vec![
        ResourceDescriptor::from_digest(digest(&format!("sha256:{E3}"))).with_name("app.tar.gz"),
        ResourceDescriptor::from_digest(digest(&format!("sha512:{}", "a".repeat(128))))
            .with_name("app.zip")
            .with_uri("https://example.com/app.zip")
            .with_media_type("application/zip")
            .with_download_location("https://example.com/dl/app.zip")
            .with_annotation("signed", json!(true)),
    ];
    let definition = BuildDefinition::new(
        uri("https://actions.github.io/buildtypes/workflow/v1"),
        object(json!({"workflow": {"ref": "refs/heads/main", "repository": "https://github.com/octo/app",
            "path": ".github/workflows/release.yml"}})),
    )
    .with_internal_parameters(object(json!({"github": {"event_name": "push",
        "repository_id": "1", "repository_owner_id": "2", "runner_environment": "github-hosted"}})))
    .with_resolved_dependency(
        ResourceDescriptor::from_uri("git+https://github.com/octo/app@refs/heads/main")
            .with_digest(digest(&format!("gitCommit:{COMMIT}"))),
    )
    .with_resolved_dependency(ResourceDescriptor::from_content(b"inline config"));
    let run = RunDetails::new(
        Builder::new(uri(
            "https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main",
        ))
        .with_version("runner", "2.320.0")
        .with_builder_dependencies(vec![ResourceDescriptor::from_uri(
            "pkg:docker/ubuntu@24.04",
        )]),
    )
    .with_metadata(
        BuildMetadata::new()
            .with_invocation_id("https://github.com/octo/app/actions/runs/7/attempts/1")
            .with_started_on(Timestamp::from_unix(1_700_000_000).unwrap())
            .with_finished_on(Timestamp::from_unix(1_700_000_300).unwrap()),
    )
    .with_byproducts(vec![
        ResourceDescriptor::from_digest(digest(&format!("sha256:{E3}"))).with_name("build.log"),
    ]);
    Statement::new(subjects, &Provenance::new(definition, run)).unwrap()
}

fn vsa() -> Statement {
    let summary = VerificationSummary::new(
        VsaVerifier::new(uri("https://example.com/provenance-verify"))
            .with_version("provenance", "0.1.0"),
        "https://example.com/app.tar.gz",
        ResourceDescriptor::from_uri("https://example.com/policy.toml")
            .with_digest(digest(&format!("sha256:{E3}"))),
        VerificationResult::Passed,
        vec!["SLSA_BUILD_LEVEL_3".into()],
    )
    .with_time_verified(Timestamp::from_unix(1_700_000_000).unwrap())
    .with_input_attestations(vec![
        ResourceDescriptor::from_uri("https://example.com/app.intoto.jsonl")
            .with_digest(digest(&format!("sha256:{E3}"))),
    ])
    .with_dependency_level("SLSA_BUILD_LEVEL_3", 4)
    .with_slsa_version("1.0");
    Statement::new(
        vec![ResourceDescriptor::from_digest(digest(&format!(
            "sha256:{E3}"
        )))],
        &summary,
    )
    .unwrap()
}

fn assert_valid(schema: &str, value: &Value) {
    let errors = common::schema_errors(&common::schema(schema), value);
    assert!(errors.is_empty(), "{schema}: {errors:#?}\n{value:#}");
}

fn assert_invalid(schema: &str, value: &Value) {
    let errors = common::schema_errors(&common::schema(schema), value);
    assert!(!errors.is_empty(), "{schema} accepted\n{value:#}");
}

#[test]
fn emitted_slsa_statement_matches_the_schemas() {
    let st = github_like();
    let value: Value = serde_json::from_slice(&st.to_json_bytes().unwrap()).unwrap();
    assert_valid("in-toto-statement-v1.schema.json", &value);
    assert_valid("slsa-provenance-v1.schema.json", &value["predicate"]);
    assert_valid("slsa-provenance-v1-statement.schema.json", &value);
    // and it reads back to the same thing
    let back = Statement::from_slice(&st.to_json_bytes().unwrap(), &Limits::default()).unwrap();
    assert_eq!(back, st);
    assert_eq!(
        back.predicate::<Provenance>(&Limits::default()).unwrap(),
        st.predicate(&Limits::default()).unwrap()
    );
}

#[test]
fn emitted_vsa_matches_the_schemas() {
    let value: Value = serde_json::from_slice(&vsa().to_json_bytes().unwrap()).unwrap();
    assert_valid("in-toto-statement-v1.schema.json", &value);
    assert_valid(
        "slsa-verification-summary-v1.schema.json",
        &value["predicate"],
    );
}

#[test]
fn v1_view_of_v02_matches_the_provenance_schema() {
    let input = common::read("test-vectors/model/statement-v01-slsa-v02/input.json");
    let st = Statement::from_slice(&input, &Limits::default()).unwrap();
    let v02: ProvenanceV02 = st.predicate(&Limits::default()).unwrap();
    let view = serde_json::to_value(v02.to_v1()).unwrap();
    assert_valid("slsa-provenance-v1.schema.json", &view);
}

#[test]
fn emitted_field_order_is_stable() {
    let text = String::from_utf8(github_like().to_json_bytes().unwrap()).unwrap();
    let order = [
        "\"_type\"",
        "\"subject\"",
        "\"predicateType\"",
        "\"predicate\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let inner = [
        "\"buildType\"",
        "\"externalParameters\"",
        "\"internalParameters\"",
        "\"resolvedDependencies\"",
        "\"runDetails\"",
        "\"builder\"",
        "\"metadata\"",
        "\"byproducts\"",
    ];
    let positions: Vec<usize> = inner.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    // Same inputs, same bytes.
    assert_eq!(
        github_like().to_json_bytes().unwrap(),
        github_like().to_json_bytes().unwrap()
    );
}

#[test]
fn real_v1_statements_match_the_schemas() {
    for file in [
        "test-vectors/third-party/slsa-verifier/bcr/MODULE.bazel.intoto.jsonl",
        "test-vectors/third-party/slsa-verifier/gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
        "test-vectors/third-party/slsa-verifier/gha_container-based/v2.1.0/binary-linux-amd64-push-v14.intoto.build.slsa",
        "test-vectors/third-party/slsa-verifier/internal/gcb/testdata/v1.0-gcloud-container-github-tag.json",
        "test-vectors/third-party/slsa-verifier/vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl",
    ] {
        for payload in common::dsse_payloads(&common::read(file)) {
            let value: Value = serde_json::from_slice(&payload).unwrap();
            assert_valid("in-toto-statement-v1.schema.json", &value);
            match value["predicateType"].as_str().unwrap() {
                provenance_model::SLSA_PROVENANCE_V1 => {
                    assert_valid("slsa-provenance-v1.schema.json", &value["predicate"]);
                }
                provenance_model::VSA_V1 => {
                    assert_valid(
                        "slsa-verification-summary-v1.schema.json",
                        &value["predicate"],
                    );
                }
                _ => {}
            }
        }
    }
}

#[test]
fn dsse_envelope_schema() {
    let mut envelopes = Vec::new();
    for file in [
        "test-vectors/third-party/dsse-spec/protocol_test_vector.envelope.json",
        "test-vectors/third-party/dsse-spec/signing_spec_doctest.envelope.json",
        "test-vectors/third-party/slsa-verifier/bcr/MODULE.bazel.intoto.jsonl",
        "test-vectors/third-party/slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    ] {
        let doc: Value = serde_json::from_slice(&common::read(file)).unwrap();
        envelopes.push(doc.get("dsseEnvelope").cloned().unwrap_or(doc));
    }
    for env in &envelopes {
        assert_valid("dsse-envelope.schema.json", env);
    }
    let good = envelopes[0].clone();
    let mut no_sigs = good.clone();
    no_sigs["signatures"] = json!([]);
    assert_invalid("dsse-envelope.schema.json", &no_sigs);
    let mut bad_payload = good.clone();
    bad_payload["payload"] = json!("not base64 at all!");
    assert_invalid("dsse-envelope.schema.json", &bad_payload);
    let mut no_type = good;
    no_type.as_object_mut().unwrap().remove("payloadType");
    assert_invalid("dsse-envelope.schema.json", &no_type);
}

#[test]
fn schemas_reject_look_alikes() {
    let mut value: Value = serde_json::from_slice(&github_like().to_json_bytes().unwrap()).unwrap();
    let mut look_alike = value.clone();
    look_alike["predicateType"] = json!("https://slsa.dev/provenance/v1.0");
    assert_valid("in-toto-statement-v1.schema.json", &look_alike);
    assert_invalid("slsa-provenance-v1-statement.schema.json", &look_alike);
    let mut no_builder = value.clone();
    no_builder["predicate"]["runDetails"]
        .as_object_mut()
        .unwrap()
        .remove("builder");
    assert_invalid("slsa-provenance-v1-statement.schema.json", &no_builder);
    value["_type"] = json!("https://in-toto.io/Link/v1");
    assert_invalid("in-toto-statement-v1.schema.json", &value);
    let mut predicate = serde_json::to_value(github_like().predicate_json()).unwrap();
    predicate["runDetails"]["metadata"]["startedOn"] = json!("2024-01-01 00:00");
    assert_invalid("slsa-provenance-v1.schema.json", &predicate);
}
