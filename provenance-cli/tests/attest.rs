//! `provenance attest`: signed statements appended to `.intoto.jsonl`, bundles, failure modes.
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::Path;

use assert_cmd::Command;
use provenance::dsse::{Envelope, Limits, PayloadTypePolicy, Threshold};
use provenance::keys::PublicKey;
use provenance::model::Statement;
use provenance::sigstore::Bundle;
use provenance_testkit::{ED25519_PRIVATE_PEM, ED25519_PUBLIC_PEM};

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SOURCE_DATE_EPOCH", "1700000000");
    cmd
}

/// `provenance attest --key key.pem ARGS` in `dir`.
fn attest(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    provenance(dir)
        .args(["attest", "--key", "key.pem"])
        .args(args)
        .assert()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.pem"), ED25519_PRIVATE_PEM).unwrap();
    std::fs::write(dir.path().join("app.bin"), b"the artifact\n").unwrap();
    std::fs::write(dir.path().join("lib.so"), b"another artifact\n").unwrap();
    dir
}

fn verify_line(line: &str) -> Statement {
    let envelope = Envelope::from_slice(line.as_bytes(), &Limits::DEFAULT).unwrap();
    let key = PublicKey::from_pem(ED25519_PUBLIC_PEM).unwrap();
    let verified = envelope
        .verify(&PayloadTypePolicy::InToto, &[&key], Threshold::ONE)
        .unwrap();
    Statement::from_slice(verified.payload(), &provenance::model::Limits::default()).unwrap()
}

#[test]
fn appends_one_signed_line_per_run() {
    let dir = setup();
    for subject in ["app.bin", "lib.so"] {
        attest(
            dir.path(),
            &[
                "--output",
                "out.intoto.jsonl",
                "--builder-id",
                "https://ci.example.com/builder@v1",
                subject,
            ],
        )
        .success()
        .stdout("");
    }
    let jsonl = std::fs::read_to_string(dir.path().join("out.intoto.jsonl")).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(jsonl.ends_with('\n'));
    let first = verify_line(lines[0]);
    let second = verify_line(lines[1]);
    assert_eq!(first.subjects()[0].name(), Some("app.bin"));
    assert_eq!(second.subjects()[0].name(), Some("lib.so"));
    let provenance = first
        .slsa_provenance(&provenance::model::Limits::default())
        .unwrap();
    assert_eq!(
        provenance.as_v1().run_details().builder().id().as_str(),
        "https://ci.example.com/builder@v1"
    );
    assert_eq!(
        first.predicate_type().as_str(),
        "https://slsa.dev/provenance/v1"
    );
}

#[test]
fn subject_digest_is_the_artifact_sha256() {
    let dir = setup();
    let out = attest(dir.path(), &["app.bin"])
        .success()
        .get_output()
        .stdout
        .clone();
    let statement = verify_line(std::str::from_utf8(&out).unwrap().trim_end());
    let expected =
        provenance::digest::hash_bytes(b"the artifact\n", &[provenance::digest::Algorithm::Sha256])
            .unwrap();
    assert_eq!(statement.subjects()[0].digest(), Some(&expected));
}

#[test]
fn failure_leaves_the_jsonl_untouched() {
    let dir = setup();
    attest(dir.path(), &["--output", "out.intoto.jsonl", "app.bin"]).success();
    let before = std::fs::read(dir.path().join("out.intoto.jsonl")).unwrap();
    attest(dir.path(), &["--output", "out.intoto.jsonl", "missing.bin"])
        .code(2)
        .stderr(predicates::str::contains("missing.bin"));
    let after = std::fs::read(dir.path().join("out.intoto.jsonl")).unwrap();
    assert_eq!(before, after);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn zero_subjects_is_a_usage_error() {
    let dir = setup();
    attest(dir.path(), &["--output", "out.intoto.jsonl"])
        .code(2)
        .stderr(predicates::str::contains(
            "no subjects: give at least one SUBJECT path or --subjects-from CHECKSUM_FILE",
        ));
    assert!(!dir.path().join("out.intoto.jsonl").exists());
}

#[test]
fn missing_key_is_an_input_error() {
    let dir = setup();
    provenance(dir.path())
        .args(["attest", "--key", "nope.pem", "app.bin"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nope.pem"));
}

/// `--overwrite` replaces the `--output` file (re-attesting a rebuilt artifact leaves no old
/// statement that verify would also judge); it needs `--output`.
#[test]
fn overwrite_replaces_the_output_instead_of_appending() {
    let dir = setup();
    for subject in ["app.bin", "lib.so"] {
        provenance(dir.path())
            .args(["attest", "--key", "key.pem", "--output", "out.intoto.jsonl"])
            .args([
                "--overwrite",
                "--builder-id",
                "https://ci.example.com/builder@v1",
            ])
            .arg(subject)
            .assert()
            .success()
            .stdout("");
    }
    let jsonl = std::fs::read_to_string(dir.path().join("out.intoto.jsonl")).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), 1, "{jsonl}");
    assert_eq!(verify_line(lines[0]).subjects()[0].name(), Some("lib.so"));
    let out = provenance(dir.path())
        .args(["attest", "--key", "key.pem", "--overwrite", "app.bin"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--output"), "{stderr}");
}

#[test]
fn writes_a_v03_bundle_and_refuses_to_overwrite_it() {
    let dir = setup();
    attest(dir.path(), &["--bundle", "app.sigstore.json", "app.bin"]).success();
    let bytes = std::fs::read(dir.path().join("app.sigstore.json")).unwrap();
    let bundle = Bundle::from_json(&bytes).unwrap();
    assert_eq!(
        bundle.media_type(),
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    attest(dir.path(), &["--bundle", "app.sigstore.json", "app.bin"])
        .code(2)
        .stderr(predicates::str::contains(
            "app.sigstore.json exists; pass --force to replace it",
        ));
    assert_eq!(
        std::fs::read(dir.path().join("app.sigstore.json")).unwrap(),
        bytes
    );
    attest(
        dir.path(),
        &["--bundle", "app.sigstore.json", "--force", "app.bin"],
    )
    .success();
}

#[test]
fn key_from_environment_variable() {
    let dir = setup();
    let out = provenance(dir.path())
        .env("SIGNING_KEY", ED25519_PRIVATE_PEM)
        .args(["attest", "--key", "env://SIGNING_KEY", "app.bin"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    verify_line(std::str::from_utf8(&out).unwrap().trim_end());
}

#[test]
fn same_inputs_give_the_same_statement_bytes() {
    let dir = setup();
    let run = || {
        provenance(dir.path())
            .args([
                "statement",
                "--builder-id",
                "https://ci.example.com/b",
                "app.bin",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(), run());
}
