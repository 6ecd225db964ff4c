//! Real statements written by other tools (slsa-github-generator generic/Go/BYOB/container
//! builders, GitHub's attest-build-provenance, npm, Google Cloud Build, Google BCID VSA), taken
//! from the DSSE payloads of slsa-verifier's test data: they must parse, map to the v1 view
//! correctly, and be written back without losing or changing anything.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use provenance_model::{
    Error, Limits, PredicateKind, SlsaProvenance, Statement, StatementType, VerificationResult,
    VerificationSummary,
};
use serde_json::Value;

const DIR: &str = "test-vectors/third-party/slsa-verifier";
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const EXAMPLE_REPO: &str = "git+https://github.com/slsa-framework/example-package";

fn statements(file: &str) -> Vec<(Vec<u8>, Statement)> {
    common::dsse_payloads(&common::read(&format!("{DIR}/{file}")))
        .into_iter()
        .map(|p| {
            let st = Statement::from_slice(&p, &Limits::default())
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            (p, st)
        })
        .collect()
}

fn only_statement(file: &str) -> Statement {
    let mut all = statements(file);
    assert_eq!(all.len(), 1, "{file}");
    all.remove(0).1
}

fn slsa(file: &str) -> SlsaProvenance {
    only_statement(file)
        .slsa_provenance(&Limits::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The slsa-verifier files (under `DIR`) whose DSSE payloads are checked: every payload
/// parses, SLSA predicates parse, and writing back gives the same JSON value, except the
/// deliberately broken upstream test inputs of `EXPECTED_FAILURES`.
const FILES: &[&str] = &[
    "bcr/MODULE-wrong-signer.bazel.intoto.jsonl",
    "bcr/MODULE.bazel.intoto.jsonl",
    "bcr/rules_lint-v1.3.1.tar.gz.intoto.jsonl",
    "gha_container-based/v2.1.0/binary-linux-amd64-push-v13.0.30.intoto.build.slsa",
    "gha_container-based/v2.1.0/binary-linux-amd64-push-v14.2.intoto.build.slsa",
    "gha_container-based/v2.1.0/binary-linux-amd64-push-v14.intoto.build.slsa",
    "gha_container-based/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.build.slsa",
    "gha_delegator/v2.1.0/binary-linux-amd64-push-v13.0.30.build.slsa",
    "gha_delegator/v2.1.0/binary-linux-amd64-push-v14.2.build.slsa",
    "gha_delegator/v2.1.0/binary-linux-amd64-push-v14.build.slsa",
    "gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
    "gha_generic/v2.0.0/binary-linux-amd64-push-v13.0.30.intoto.jsonl",
    "gha_generic/v2.0.0/binary-linux-amd64-push-v14.2.intoto.jsonl",
    "gha_generic/v2.0.0/binary-linux-amd64-push-v14.intoto.jsonl",
    "gha_generic/v2.0.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    "gha_generic/v2.1.0/binary-linux-amd64-push-v13.0.30.intoto.jsonl",
    "gha_generic/v2.1.0/binary-linux-amd64-push-v14.2.intoto.jsonl",
    "gha_generic/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl",
    "gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    "gha_go/v2.1.0/binary-linux-amd64-push-v13.0.30.intoto.jsonl",
    "gha_go/v2.1.0/binary-linux-amd64-push-v14.2.intoto.jsonl",
    "gha_go/v2.1.0/binary-linux-amd64-push-v14.intoto.jsonl",
    "gha_go/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    "gha_gradle/v2.1.0/binary-linux-amd64-push-v13.0.30.build.slsa",
    "gha_gradle/v2.1.0/binary-linux-amd64-push-v14.2.build.slsa",
    "gha_gradle/v2.1.0/binary-linux-amd64-push-v14.build.slsa",
    "gha_gradle/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
    "gha_maven/v2.1.0/binary-linux-amd64-push-v13.0.30.build.slsa",
    "gha_maven/v2.1.0/binary-linux-amd64-push-v14.2.build.slsa",
    "gha_maven/v2.1.0/binary-linux-amd64-push-v14.build.slsa",
    "gha_maven/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
    "internal/gcb/testdata/v1.0-gcloud-container-github-tag.json",
    "internal/gha/testdata/bundle/attestation.intoto.sigstore",
    "internal/gha/testdata/bundle/invalid-dsse-sig.intoto.sigstore",
    "internal/gha/testdata/bundle/invalid-set.intoto.sigstore",
    "internal/gha/testdata/bundle/mismatch-tlog.intoto.sigstore",
    "internal/gha/testdata/bundle/valid-v0.3.intoto.sigstore",
    "internal/gha/testdata/bundle/valid.intoto.sigstore",
    "internal/gha/testdata/npm-att-mismatch-prov-payloadtype.intoto.sigstore",
    "internal/gha/testdata/npm-att-mismatch-prov-predicatetype.intoto.sigstore",
    "internal/gha/testdata/npm-att-mismatch-pub-payloadtype.intoto.sigstore",
    "internal/gha/testdata/npm-att-mismatch-pub-predicatetype.intoto.sigstore",
    "internal/gha/testdata/npm-att-prov-invalid-signature.intoto.sigstore",
    "internal/gha/testdata/npm-att-publish-invalid-signature.intoto.sigstore",
    "internal/gha/testdata/npm-att-publish-nodigest.intoto.sigstore",
    "internal/gha/testdata/npm-att-publish-nosubjects.intoto.sigstore",
    "internal/gha/testdata/npm-attestations.intoto.sigstore",
    "internal/gha/testdata/npm-stmt-mismatch-prov-predicatetype.intoto.sigstore",
    "internal/gha/testdata/npm-stmt-mismatch-prov-type.intoto.sigstore",
    "internal/gha/testdata/npm-stmt-mismatch-pub-predicatetype.intoto.sigstore",
    "internal/gha/testdata/npm-stmt-mismatch-pub-type.intoto.sigstore",
    "npm/gha/gundam-visor-cli-v1-tag-invalidsigprov.tgz.json",
    "npm/gha/gundam-visor-cli-v1-tag-invalidsigpub.tgz.json",
    "npm/gha/gundam-visor-cli-v1-tag.tgz.json",
    "npm/gha/provenance-npm-test-cli-v02-prega-invalidsigprov.tgz.json",
    "npm/gha/provenance-npm-test-cli-v02-prega-invalidsigpub.tgz.json",
    "npm/gha/provenance-npm-test-cli-v02-prega.tgz.json",
    "npm/gha/provenance-npm-test-cli-v1-prega-invalidsigprov.tgz.json",
    "npm/gha/provenance-npm-test-cli-v1-prega-invalidsigpub.tgz.json",
    "npm/gha/provenance-npm-test-cli-v1-prega.tgz.json",
    "npm/gha/provenance-npm-test-ossf-invalidsigprov.tgz.json",
    "npm/gha/provenance-npm-test-ossf-invalidsigpub.tgz.json",
    "npm/gha/provenance-npm-test-ossf.tgz.json",
    "npm/gha/supreme-googles-cli-v02-tag-invalidsigprov.tgz.json",
    "npm/gha/supreme-googles-cli-v02-tag-invalidsigpub.tgz.json",
    "npm/gha/supreme-googles-cli-v02-tag.tgz.json",
    "vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl",
];

/// (file, payload index, error variant, field path): upstream negative test data.
const EXPECTED_FAILURES: &[(&str, usize, &str, &str)] = &[
    // slsa-verifier's bundle tests use a statement with an empty predicateType.
    (
        "internal/gha/testdata/bundle/valid.intoto.sigstore",
        0,
        "Empty",
        "predicateType",
    ),
    // npm attestation sets tampered with by slsa-verifier's tests.
    (
        "internal/gha/testdata/npm-att-publish-invalid-signature.intoto.sigstore",
        1,
        "WrongType",
        "subject[0].digest",
    ),
    (
        "internal/gha/testdata/npm-att-publish-nodigest.intoto.sigstore",
        1,
        "SubjectDigestMissing",
        "subject[0]",
    ),
    (
        "internal/gha/testdata/npm-att-publish-nosubjects.intoto.sigstore",
        1,
        "MissingField",
        "subject",
    ),
    (
        "internal/gha/testdata/npm-stmt-mismatch-prov-type.intoto.sigstore",
        0,
        "UnsupportedStatementType",
        "",
    ),
    (
        "internal/gha/testdata/npm-stmt-mismatch-pub-type.intoto.sigstore",
        1,
        "UnsupportedStatementType",
        "",
    ),
];

fn variant_and_path(e: &Error) -> (&'static str, String) {
    match e {
        Error::Empty { path } => ("Empty", path.to_string()),
        Error::WrongType { path, .. } => ("WrongType", path.to_string()),
        Error::SubjectDigestMissing { path } => ("SubjectDigestMissing", path.to_string()),
        Error::MissingField { path } => ("MissingField", path.to_string()),
        Error::UnsupportedStatementType { .. } => ("UnsupportedStatementType", String::new()),
        _ => ("other", e.to_string()),
    }
}

#[test]
fn every_payload_parses_and_round_trips() {
    let mut checked = 0;
    let mut failed = 0;
    for file in FILES {
        for (index, payload) in common::dsse_payloads(&common::read(&format!("{DIR}/{file}")))
            .into_iter()
            .enumerate()
        {
            let parsed = Statement::from_slice(&payload, &Limits::default());
            let expected = EXPECTED_FAILURES
                .iter()
                .find(|(f, i, _, _)| f == file && *i == index);
            match (parsed, expected) {
                (Err(e), Some((_, _, variant, path))) => {
                    let (v, p) = variant_and_path(&e);
                    assert_eq!((v, p.as_str()), (*variant, *path), "{file}#{index}: {e}");
                    failed += 1;
                }
                (Ok(_), Some(_)) => panic!("{file}#{index} should be rejected"),
                (Err(e), None) => panic!("{file}#{index}: {e}"),
                (Ok(st), None) => {
                    if matches!(
                        st.predicate_kind(),
                        PredicateKind::SlsaProvenanceV1 | PredicateKind::SlsaProvenanceV02
                    ) {
                        st.slsa_provenance(&Limits::default())
                            .unwrap_or_else(|e| panic!("{file}#{index}: {e}"));
                    }
                    let original: Value = serde_json::from_slice(&payload).unwrap();
                    let written: Value =
                        serde_json::from_slice(&st.to_json_bytes().unwrap()).unwrap();
                    assert_eq!(written, original, "{file}#{index}: round trip changed it");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(
        failed,
        EXPECTED_FAILURES.len(),
        "expected failures not all seen"
    );
    assert!(checked >= 80, "only {checked} statements checked");
}

#[test]
fn generic_v02_maps_configsource_to_the_v1_source() {
    let st = only_statement("gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl");
    assert_eq!(st.statement_type(), StatementType::V01);
    assert_eq!(
        st.subjects()[0].digest().unwrap().get("sha256"),
        Some("376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa")
    );
    let SlsaProvenance::V02(v02) = st.slsa_provenance(&Limits::default()).unwrap() else {
        panic!("expected v0.2");
    };
    assert_eq!(
        v02.metadata().unwrap().build_invocation_id(),
        Some("13531731005-1")
    );
    assert_eq!(
        v02.metadata().unwrap().completeness().unwrap().parameters(),
        Some(true)
    );

    let v1 = v02.to_v1();
    let def = v1.build_definition();
    assert_eq!(
        def.build_type().as_str(),
        "https://github.com/slsa-framework/slsa-github-generator/generic@v1"
    );
    let source_uri = format!("{EXAMPLE_REPO}@refs/heads/main");
    assert_eq!(def.external_parameters()["source"], source_uri.as_str());
    assert_eq!(
        def.external_parameters()["entryPoint"],
        ".github/workflows/verifier-e2e.all.workflow_dispatch.main.all.slsa3.yml"
    );
    assert_eq!(
        def.internal_parameters().unwrap()["github_event_name"],
        "workflow_dispatch"
    );
    // configSource first; the identical materials[0] is not repeated.
    let deps = def.resolved_dependencies();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0].uri(), Some(source_uri.as_str()));
    assert_eq!(deps[0].digest().unwrap().get("sha1"), Some(COMMIT));
    let run = v1.run_details();
    assert_eq!(
        run.builder().id().as_str(),
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0"
    );
    assert_eq!(
        run.metadata().unwrap().invocation_id(),
        Some("13531731005-1")
    );
}

#[test]
fn generic_v02_tag_build_has_the_tag_ref() {
    let v1 = slsa("gha_generic/v2.1.0/binary-linux-amd64-push-v14.2.intoto.jsonl");
    let v1 = v1.as_v1();
    let deps = v1.build_definition().resolved_dependencies();
    assert_eq!(
        deps[0].uri(),
        Some(format!("{EXAMPLE_REPO}@refs/tags/v14.2").as_str())
    );
    assert_eq!(deps[0].digest().unwrap().get("sha1"), Some(COMMIT));
}

#[test]
fn go_builder_v02_maps_the_same_way() {
    let p = slsa("gha_go/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl");
    assert!(matches!(p, SlsaProvenance::V02(_)));
    let v1 = p.as_v1();
    assert_eq!(
        v1.build_definition().resolved_dependencies()[0].uri(),
        Some(format!("{EXAMPLE_REPO}@refs/heads/main").as_str())
    );
    assert!(
        v1.run_details()
            .builder()
            .id()
            .as_str()
            .contains("builder_go_slsa3.yml")
    );
}

#[test]
fn byob_v1_reads_source_and_builder() {
    let p = slsa("gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa");
    let SlsaProvenance::V1(v1) = &p else {
        panic!("expected v1")
    };
    let def = v1.build_definition();
    assert_eq!(
        def.build_type().as_str(),
        "https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0"
    );
    assert_eq!(
        def.resolved_dependencies()[0].uri(),
        Some(format!("{EXAMPLE_REPO}@refs/heads/main").as_str())
    );
    assert_eq!(
        def.resolved_dependencies()[0]
            .digest()
            .unwrap()
            .get("gitCommit"),
        Some(COMMIT)
    );
    assert_eq!(
        def.internal_parameters().unwrap()["GITHUB_REPOSITORY"],
        "slsa-framework/example-package"
    );
    assert_eq!(
        v1.run_details().builder().id().as_str(),
        "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0"
    );
    assert_eq!(
        v1.run_details().metadata().unwrap().invocation_id(),
        Some(
            "https://github.com/slsa-framework/example-package/actions/runs/13531731005/attempts/1"
        )
    );
    // The v1 view of a v1 predicate is the predicate itself.
    assert_eq!(*p.as_v1(), *v1);
}

#[test]
fn container_based_v1_keeps_typed_source_parameter() {
    let p = slsa("gha_container-based/v2.1.0/binary-linux-amd64-push-v14.intoto.build.slsa");
    let v1 = p.as_v1();
    let source = &v1.build_definition().external_parameters()["source"];
    assert_eq!(
        source["uri"],
        format!("{EXAMPLE_REPO}@refs/tags/v14").as_str()
    );
    assert_eq!(source["digest"]["sha1"], COMMIT);
    assert_eq!(v1.build_definition().resolved_dependencies().len(), 2);
}

#[test]
fn github_attest_build_provenance_v1() {
    let st = only_statement("bcr/MODULE.bazel.intoto.jsonl");
    assert_eq!(st.statement_type(), StatementType::V1);
    assert_eq!(st.subjects()[0].name(), Some("MODULE.bazel"));
    let p = st.slsa_provenance(&Limits::default()).unwrap();
    let v1 = p.as_v1();
    let def = v1.build_definition();
    assert_eq!(
        def.build_type().as_str(),
        "https://actions.github.io/buildtypes/workflow/v1"
    );
    let workflow = &def.external_parameters()["workflow"];
    assert_eq!(
        workflow["repository"],
        "https://github.com/aspect-build/rules_lint"
    );
    assert_eq!(workflow["ref"], "refs/heads/publish-to-bcr");
    assert_eq!(workflow["path"], ".github/workflows/release.yml");
    assert_eq!(
        def.internal_parameters().unwrap()["github"]["runner_environment"],
        "github-hosted"
    );
    assert_eq!(
        def.resolved_dependencies()[0].uri(),
        Some("git+https://github.com/aspect-build/rules_lint@refs/heads/publish-to-bcr")
    );
    assert_eq!(
        def.resolved_dependencies()[0]
            .digest()
            .unwrap()
            .get("gitCommit"),
        Some("8f70009fde0c94ade6ce2a054b94718c819126ec")
    );
}

#[test]
fn google_bcid_vsa() {
    let st = only_statement("vsa/gce/v1/gke-gce-pre.bcid-vsa.jsonl");
    assert_eq!(st.predicate_kind(), PredicateKind::VerificationSummaryV1);
    // A non-standard digest name is kept verbatim.
    assert_eq!(
        st.subjects()[0].digest().unwrap().get("gce_image_id"),
        Some("8970095005306000053")
    );
    let vsa: VerificationSummary = st.predicate(&Limits::default()).unwrap();
    assert_eq!(vsa.verification_result(), VerificationResult::Passed);
    assert_eq!(vsa.verified_levels(), ["BCID_L1", "SLSA_BUILD_LEVEL_2"]);
    assert_eq!(vsa.slsa_build_level(), Some(2));
    assert_eq!(
        vsa.verifier().id().as_str(),
        "https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1"
    );
    assert_eq!(
        vsa.time_verified().unwrap().as_str(),
        "2024-06-12T07:24:34.351608Z"
    );
    assert!(vsa.policy().uri().unwrap().starts_with("googlefile:/"));
    assert!(vsa.slsa_version().is_none());
}

#[test]
fn npm_attestation_sets() {
    for (file, version) in [
        (
            "npm/gha/provenance-npm-test-ossf.tgz.json",
            PredicateKind::SlsaProvenanceV02,
        ),
        (
            "npm/gha/gundam-visor-cli-v1-tag.tgz.json",
            PredicateKind::SlsaProvenanceV1,
        ),
    ] {
        let all = statements(file);
        assert_eq!(all.len(), 2, "{file}: publish attestation + provenance");
        let kinds: Vec<_> = all.iter().map(|(_, s)| s.predicate_kind()).collect();
        assert!(
            kinds.contains(&PredicateKind::Other),
            "{file}: npm publish predicate"
        );
        assert!(kinds.contains(&version), "{file}");
        let (_, prov) = all
            .iter()
            .find(|(_, s)| s.predicate_kind() == version)
            .unwrap();
        let p = prov.slsa_provenance(&Limits::default()).unwrap();
        let deps = p
            .as_v1()
            .build_definition()
            .resolved_dependencies()
            .to_vec();
        assert!(
            deps[0]
                .uri()
                .unwrap()
                .starts_with("git+https://github.com/"),
            "{file}: {:?}",
            deps[0].uri()
        );
    }
}

#[test]
fn google_cloud_build_v1_with_empty_byproduct() {
    let all = statements("internal/gcb/testdata/v1.0-gcloud-container-github-tag.json");
    let (payload, st) = all
        .iter()
        .find(|(_, s)| s.predicate_kind() == PredicateKind::SlsaProvenanceV1)
        .unwrap();
    let p = st.slsa_provenance(&Limits::default()).unwrap();
    let v1 = p.as_v1();
    assert_eq!(
        v1.run_details().builder().id().as_str(),
        "https://cloudbuild.googleapis.com/GoogleHostedWorker"
    );
    assert_eq!(v1.run_details().byproducts().len(), 1);
    assert!(
        v1.run_details()
            .metadata()
            .unwrap()
            .started_on()
            .unwrap()
            .as_str()
            .contains('.')
    );
    let written = String::from_utf8(st.to_json_bytes().unwrap()).unwrap();
    assert!(written.contains(r#""byproducts":[{}]"#));
    assert!(!payload.is_empty());
}

#[test]
fn draft_predicate_type_is_not_slsa_v1() {
    let st = only_statement("internal/gha/testdata/bundle/attestation.intoto.sigstore");
    assert_eq!(
        st.predicate_type().as_str(),
        "https://slsa.dev/provenance/v1.0?draft"
    );
    assert_eq!(st.predicate_kind(), PredicateKind::Other);
    assert!(matches!(
        st.slsa_provenance(&Limits::default()),
        Err(Error::PredicateTypeMismatch { .. })
    ));
}
