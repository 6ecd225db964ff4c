//! The policy schema (`schemas/policy.schema.json`) agrees with the policy parser, and the VSAs
//! we issue validate against `schemas/slsa-verification-summary-v1.schema.json`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::vsa::{VsaContext, vsa_statement};
use provenance_verify::{Artifact, Policy, Verdict};
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    provenance_testkit::schema::validator(name)
}

fn as_json(toml_text: &str) -> Value {
    let v: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(v).unwrap()
}

const GOOD: &[&str] = &[
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\n",
    r#"version = 1
verifier_id = "https://deploy.example.com/gate"
[[roots]]
name = "release"
keys = ["a.pub", "env://B_PUB"]
threshold = 2
builders = ["https://ci.example.com/builder@semver", "*"]
slsa_level = 2
[[roots]]
name = "gha"
certificate_identity_regexp = "https://github.com/slsa-framework/slsa-github-generator/.*"
certificate_oidc_issuer = "https://token.actions.githubusercontent.com"
[defaults]
source_uri = "github.com/example/app"
[[artifacts]]
pattern = "dist/*.tar.gz"
required = true
source_versioned_tag = "v1.2"
source_commit = "4d329c75e7ec1725f7c9ce917a8799d408d06be3"
max_age = "30d"
min_slsa_level = 2
reject_unknown_external_parameters = true
[artifacts.external_parameters]
release = true
"#,
    "version = 1\n[[roots]]\nname = \"gh\"\nrepo = \"example/app\"\ndeny_self_hosted_runners = true\n[defaults]\nsource_tag = \"v1\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nowner = \"example\"\ncertificate_oidc_issuer = \"https://token.actions.githubusercontent.com\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nsigner_workflow = \"example/app/.github/workflows/release.yml@refs/heads/main\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\ncertificate_identity = \"x\"\ncertificate_oidc_issuer = \"y\"\ndeny_self_hosted_runners = true\n",
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\n[defaults]\nmax_age = \"1h 30m\"\n",
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\n[defaults]\nmax_age = \"3600\"\n",
];

const BAD: &[&str] = &[
    "version = 2\n",
    "version = 1\nunknown = 1\n",
    "version = 1\n[[roots]]\nname = \"k\"\n",
    "version = 1\n[[roots]]\nname = \"k\"\ncertificate_identity = \"x\"\n",
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\ncertificate_oidc_issuer = \"x\"\n",
    "version = 1\n[[artifacts]]\nsource_uri = \"github.com/o/r\"\n",
    "version = 1\n[[artifacts]]\npattern = \"x\"\nsource_tag = \"a\"\nsource_branch = \"b\"\n",
    "version = 1\n[[artifacts]]\npattern = \"x\"\nsource_commit = \"abc\"\n",
    "version = 1\n[[artifacts]]\npattern = \"x\"\nsurprise = true\n",
    "version = 1\n[defaults]\nsurprise = true\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nsigner_repo = \"o/r\"\ncertificate_identity = \"x\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nsigner_repo = \"o/r\"\nsigner_workflow = \"o/r/w.yml\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\ndeny_self_hosted_runners = true\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nkeys = [\"k.pub\"]\nrepo = \"o/r\"\n",
    "version = 1\n[[roots]]\nname = \"gh\"\nrepo = \"o/r/x\"\n",
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\n[defaults]\nmax_age = \"30 d!\"\n",
    "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"k.pub\"]\n[defaults]\nmax_age = \"-1d\"\n",
];

#[test]
fn schema_and_parser_agree() {
    let v = schema("policy.schema.json");
    for text in GOOD {
        assert!(
            v.is_valid(&as_json(text)),
            "schema refuses a policy the parser accepts:\n{text}"
        );
        Policy::from_toml(text).unwrap();
    }
    for text in BAD {
        assert!(
            !v.is_valid(&as_json(text)),
            "schema accepts a policy the parser refuses:\n{text}"
        );
        assert!(Policy::from_toml(text).is_err(), "parser accepts:\n{text}");
    }
}

#[test]
fn issued_vsa_matches_the_schema() {
    let artifact = Artifact::new(
        "app.bin",
        DigestSet::single(Algorithm::Sha256, &"ab".repeat(32)).unwrap(),
    );
    let report = provenance_verify::ArtifactReport {
        name: artifact.name().to_owned(),
        digests: artifact.digests().clone(),
        verdict: Verdict::Pass,
        failures: Vec::new(),
        trace: Vec::new(),
        slsa_level: Some(3),
    };
    let digest = DigestSet::single(Algorithm::Sha256, &"cd".repeat(32)).unwrap();
    let ctx = VsaContext {
        verifier_id: "https://deploy.example.com/gate",
        time_verified: time::macros::datetime!(2026-01-01 00:00 UTC),
        policy_uri: "file:///etc/policy.toml",
        policy_digest: &digest,
        resource_uri: None,
    };
    let statement: Value = serde_json::from_slice(&vsa_statement(&report, &ctx).unwrap()).unwrap();
    let v = schema("slsa-verification-summary-v1.schema.json");
    let errors: Vec<String> = v
        .iter_errors(&statement["predicate"])
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        statement["predicate"]["verifiedLevels"][0],
        "SLSA_BUILD_LEVEL_3"
    );
    let mut failed = report;
    failed.verdict = Verdict::Fail;
    assert!(
        vsa_statement(&failed, &ctx).is_err(),
        "no VSA for a failure"
    );
}
