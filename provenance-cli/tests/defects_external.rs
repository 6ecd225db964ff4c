//! External parameters are typed: `--external-parameter release:=true` records (and, on
//! `verify`, expects) the JSON value `true` beside `key=string`, so the README's policy example
//! (`release = true`) can pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{BUILDER, exits, provenance, setup, stderr};

const POLICY: &str = r#"version = 1

[[roots]]
name = "release-key"
keys = ["key.pem.pub"]
builders = ["https://ci.example.com/builders/release@v1"]

[[artifacts]]
pattern = "app.bin"
required = true
[artifacts.external_parameters]
release = true
"#;

fn external_parameters(dir: &std::path::Path) -> serde_json::Value {
    let out = provenance(
        dir,
        &["inspect", "--format", "json", "app.bin.intoto.jsonl"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = doc["documents"].as_array().unwrap();
    docs[0]["payload"]["predicate"]["buildDefinition"]["externalParameters"].clone()
}

#[test]
fn a_json_value_is_recorded_typed_and_passes_the_readme_policy() {
    let dir = setup(&[
        "--external-parameter",
        "release:=true",
        "--external-parameter",
        "jobs:=4",
        "--external-parameter",
        "flavor=true",
        "--external-parameter",
        "targets:=[\"x86_64\",\"aarch64\"]",
    ]);
    let d = dir.path();
    let params = external_parameters(d);
    assert_eq!(params["release"], serde_json::json!(true));
    assert_eq!(params["jobs"], serde_json::json!(4));
    assert_eq!(params["flavor"], serde_json::json!("true"));
    assert_eq!(params["targets"], serde_json::json!(["x86_64", "aarch64"]));

    std::fs::write(d.join("gate.toml"), POLICY).unwrap();
    let pass = exits(
        &provenance(d, &["verify", "--policy", "gate.toml", "app.bin"]),
        0,
    );
    assert!(pass.starts_with("PASS app.bin"), "{pass}");
    // the same expectations on the command line
    let flags = ["verify", "--key", "key.pem.pub", "--builder-id", BUILDER];
    for ok in [
        &["release:=true"][..],
        &["release:=true", "jobs:=4", "flavor=true"],
    ] {
        let mut args = flags.to_vec();
        for a in ok {
            args.extend(["--external-parameter", a]);
        }
        args.push("app.bin");
        assert!(exits(&provenance(d, &args), 0).starts_with("PASS"));
    }
    for bad in ["release=true", "jobs=4", "flavor:=true", "release:=false"] {
        let mut args = flags.to_vec();
        args.extend(["--external-parameter", bad, "app.bin"]);
        let fail = exits(&provenance(d, &args), 1);
        assert!(fail.starts_with("FAIL app.bin"), "{bad}: {fail}");
    }
}

#[test]
fn a_string_true_does_not_pass_a_policy_asking_for_true() {
    let dir = setup(&["--external-parameter", "release=true"]);
    let d = dir.path();
    assert_eq!(external_parameters(d)["release"], serde_json::json!("true"));
    std::fs::write(d.join("gate.toml"), POLICY).unwrap();
    let out = provenance(d, &["verify", "--policy", "gate.toml", "app.bin"]);
    let fail = exits(&out, 1);
    assert!(fail.starts_with("FAIL app.bin"), "{fail}");
    assert!(fail.contains("release"), "{fail}");
}

#[test]
fn a_value_after_colon_equals_must_be_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("app.bin"), b"x").unwrap();
    exits(&provenance(d, &["keygen", "--output", "key.pem"]), 0);
    let out = provenance(
        d,
        &[
            "attest",
            "--key",
            "key.pem",
            "--external-parameter",
            "release:=yes",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--external-parameter",
            "release:=yes",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
}

/// Review finding 11: `a.b=V` is the nested path on `verify` as on `attest`.
#[test]
fn a_dotted_key_round_trips_from_attest_to_verify() {
    let dir = setup(&["--external-parameter", "workflow.ref=refs/heads/main"]);
    let d = dir.path();
    assert_eq!(
        external_parameters(d)["workflow"]["ref"],
        serde_json::json!("refs/heads/main")
    );
    let verify = |assignment: &str| {
        provenance(
            d,
            &[
                "verify",
                "--key",
                "key.pem.pub",
                "--builder-id",
                BUILDER,
                "--external-parameter",
                assignment,
                "app.bin",
            ],
        )
    };
    let pass = exits(&verify("workflow.ref=refs/heads/main"), 0);
    assert!(pass.starts_with("PASS app.bin"), "{pass}");
    let fail = exits(&verify("workflow.ref=refs/heads/evil"), 1);
    assert!(
        fail.contains("external-parameters: expected workflow.ref = \"refs/heads/evil\""),
        "{fail}"
    );
}

/// The help of `--external-parameter` says that a dotted key is a path and `K:=JSON` a JSON
/// value, on every command that takes it.
#[test]
fn the_help_explains_dotted_keys_and_json_values() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["attest", "statement", "verify"] {
        let help = exits(&provenance(dir.path(), &[command, "--help"]), 0);
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("K:=JSON"), "{command}: {help}");
        assert!(help.contains("a JSON value"), "{command}: {help}");
        assert!(
            help.contains("a dotted K is a path") && help.contains("workflow.ref"),
            "{command}: {help}"
        );
    }
}
