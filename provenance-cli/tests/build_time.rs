//! `provenance verify` refuses a statement whose claimed build times lie in the future (rule
//! `build-time`), and a policy's `max_age` measures from the claimed finishedOn when the
//! signer (a key) gives no verified signing time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn provenance(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_provenance"));
    cmd.current_dir(dir)
        .env_remove("PROVENANCE_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A key, `app.bin`, and its provenance built at `SOURCE_DATE_EPOCH` = `epoch`.
fn setup(epoch: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    provenance_testkit::signed_app_in_env(
        &provenance_testkit::cli!(),
        dir.path(),
        &[("SOURCE_DATE_EPOCH", epoch)],
        &[],
    );
    dir
}

const VERIFY: &[&str] = &[
    "verify",
    "--key",
    "key.pem.pub",
    "--source-uri",
    "github.com/example/app",
    "app.bin",
];

#[test]
fn future_build_time_fails_with_its_rule() {
    // 2100-01-01T00:00:00Z
    let dir = setup("4102444800");
    let out = provenance(dir.path(), &[], VERIFY);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("build-time: expected finishedOn no later than the verification time "),
        "{all}"
    );
    assert!(
        all.contains("(+300s), found finishedOn 2100-01-01T00:00:00Z"),
        "{all}"
    );

    let mut json = VERIFY.to_vec();
    json.extend(["--format", "json"]);
    let out = provenance(dir.path(), &[], &json);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["artifacts"][0]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["build-time", "build-time"], "{report}");
}

#[test]
fn max_age_from_the_claimed_finish_time_of_a_key_signed_statement() {
    // 2020-01-01T00:00:00Z
    let dir = setup("1577836800");
    let d = dir.path();
    std::fs::write(
        d.join("gate.toml"),
        "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"key.pem.pub\"]\n\
         [defaults]\nsource_uri = \"github.com/example/app\"\nmax_age = \"30d\"\n",
    )
    .unwrap();
    let out = provenance(d, &[], &["verify", "--policy", "gate.toml", "app.bin"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("age: expected made at most 2592000s before verification, found ")
            && all.contains("s ago (claimed finishedOn 2020-01-01T00:00:00Z)"),
        "{all}"
    );

    // Built now: within 30 days, and no claimed time in the future.
    let dir = setup(
        &std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string(),
    );
    let d = dir.path();
    std::fs::write(
        d.join("gate.toml"),
        "version = 1\n[[roots]]\nname = \"k\"\nkeys = [\"key.pem.pub\"]\n\
         [defaults]\nsource_uri = \"github.com/example/app\"\nmax_age = \"30d\"\n",
    )
    .unwrap();
    let out = provenance(d, &[], &["verify", "--policy", "gate.toml", "app.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// slsa-verifier's published slsa-github-generator provenance (a Sigstore bundle, logged in
/// Rekor): `max_age` is measured from the log's verified integration time, named in the reason.
#[test]
fn max_age_from_the_verified_signing_time_of_a_real_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../test-vectors/third-party/slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
        ),
        d.join("b.intoto.jsonl"),
    )
    .unwrap();
    let policy = |max_age: &str| {
        format!(
            "version = 1\n[[roots]]\nname = \"gen\"\n\
             certificate_identity_regexp = \"^https://github.com/slsa-framework/slsa-github-generator/\\\\.github/workflows/generator_generic_slsa3\\\\.yml@refs/tags/v\"\n\
             certificate_oidc_issuer = \"https://token.actions.githubusercontent.com\"\n\
             [defaults]\nsource_uri = \"github.com/slsa-framework/example-package\"\nmax_age = \"{max_age}\"\n"
        )
    };
    let args = [
        "verify",
        "--policy",
        "gate.toml",
        "--attestation",
        "b.intoto.jsonl",
        "binary-linux-amd64=sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa",
    ];
    std::fs::write(d.join("gate.toml"), policy("1d")).unwrap();
    let out = provenance(d, &[], &args);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("age: expected made at most 86400s before verification, found ")
            && all.contains("s ago (verified signing time 2025-02-25T21:58:50Z)"),
        "{all}"
    );
    assert!(!all.contains("build-time"), "{all}");

    std::fs::write(d.join("gate.toml"), policy("100y")).unwrap();
    let out = provenance(d, &[], &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
