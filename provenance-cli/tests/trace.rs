//! `provenance trace`: image <- binary <- source, every hop verified under the same key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Output;

use provenance_testkit::{COMMIT, ok};

fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!().run(dir, args)
}

/// `trace --store store --key KEY ARGS image.tar` in `d`.
fn trace(d: &Path, key: &str, args: &[&str]) -> Output {
    let mut all = vec!["trace", "--store", "store", "--key", key];
    all.extend_from_slice(args);
    all.push("image.tar");
    provenance(d, &all)
}

fn sha256(path: &Path) -> String {
    let set =
        provenance::digest::hash_file(path, &[provenance::digest::Algorithm::Sha256]).unwrap();
    set.get("sha256").unwrap().to_owned()
}

/// A store with the binary's provenance (from `attest`) and the image's (signed with `sign`).
fn chain() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("store")).unwrap();
    ok(&provenance(d, &["keygen", "--output", "key.pem"]));
    std::fs::write(d.join("app.bin"), b"the binary\n").unwrap();
    std::fs::write(d.join("image.tar"), b"the image\n").unwrap();
    ok(&provenance(
        d,
        &[
            "attest",
            "--key",
            "key.pem",
            "--output",
            "store/app.bin.intoto.jsonl",
            "--builder-id",
            "https://ci.example.com/builders/binary@v1",
            "--source-uri",
            "https://github.com/example/app",
            "--source-ref",
            "refs/tags/v1.2.3",
            "--source-commit",
            COMMIT,
            "app.bin",
        ],
    ));
    let image = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "image.tar", "digest": {"sha256": sha256(&d.join("image.tar"))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/image/v1",
                "externalParameters": {},
                "resolvedDependencies": [{"name": "app.bin", "digest": {"sha256": sha256(&d.join("app.bin"))}}]
            },
            "runDetails": {"builder": {"id": "https://ci.example.com/builders/image@v1"}, "metadata": {"invocationId": "https://ci.example.com/runs/7"}}
        }
    });
    std::fs::write(d.join("image.json"), serde_json::to_vec(&image).unwrap()).unwrap();
    ok(&provenance(
        d,
        &[
            "sign",
            "--key",
            "key.pem",
            "--payload-type",
            "application/vnd.in-toto+json",
            "--output",
            "store/image.intoto.jsonl",
            "image.json",
        ],
    ));
    dir
}

#[test]
fn image_binary_source() {
    let dir = chain();
    let d = dir.path();
    let text = ok(&trace(d, "key.pem.pub", &[]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("PASS image.tar built by https://ci.example.com/builders/image@v1"),
        "{text}"
    );
    assert!(
        lines[1]
            .trim_start()
            .starts_with("<- PASS app.bin built by https://ci.example.com/builders/binary@v1"),
        "{text}"
    );
    assert!(
        lines[2]
            .trim_start()
            .starts_with("<- source git+https://github.com/example/app"),
        "{text}"
    );
    assert!(lines[2].ends_with(COMMIT), "{text}");

    let json = ok(&trace(d, "key.pem.pub", &["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verdict"], "PASS");
    let bin = &v["chain"]["dependencies"][0];
    assert_eq!(bin["kind"], "artifact");
    assert_eq!(bin["dependencies"][0]["kind"], "source");
    assert_eq!(bin["dependencies"][0]["commit"], COMMIT);

    // The expectation flags describe the top artifact only.
    ok(&trace(
        d,
        "key.pem.pub",
        &["--build-type", "https://example.com/image/v1"],
    ));
}

#[test]
fn broken_hop_fails_the_chain() {
    let dir = chain();
    let d = dir.path();
    std::fs::remove_file(d.join("store/app.bin.intoto.jsonl")).unwrap();
    let out = trace(d, "key.pem.pub", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<- FAIL app.bin"), "{text}");

    // Another key: nothing verifies.
    let dir = chain();
    let d = dir.path();
    ok(&provenance(d, &["keygen", "--output", "other.pem"]));
    let out = trace(d, "other.pem.pub", &[]);
    assert_eq!(out.status.code(), Some(1));
}

/// Signs `statement` with `key` into `store/<file>`.
fn sign_into(d: &Path, statement: &serde_json::Value, key: &str, file: &str) {
    std::fs::write(d.join("st.json"), serde_json::to_vec(statement).unwrap()).unwrap();
    let out = format!("store/{file}");
    ok(&provenance(
        d,
        &["sign", "--key", key, "--output", &out, "st.json"],
    ));
}

/// The image's statement in the store (signed by `sign`).
fn image_statement(d: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(d.join("image.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn each_failure_names_the_attestation_it_came_from() {
    let dir = chain();
    let d = dir.path();
    // A second statement for the image, claiming a build in the future: it fails build-time.
    let mut future = image_statement(d);
    future["predicate"]["runDetails"]["metadata"]["startedOn"] = "2030-01-01T00:00:00Z".into();
    sign_into(d, &future, "key.pem", "z-future.intoto.jsonl");
    let out = trace(d, "key.pem.pub", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("FAIL image.tar"), "{text}");
    assert!(
        first.contains("found startedOn 2030-01-01T00:00:00Z (store/z-future.intoto.jsonl:1)"),
        "{text}"
    );
    // The headline describes the attestation that failed, not the passing one.
    assert!(!first.contains("store/image.intoto.jsonl:1"), "{text}");
}

#[test]
fn the_first_line_fails_when_a_dependency_fails() {
    let dir = chain();
    let d = dir.path();
    // The binary's provenance re-signed by a key the trace does not trust.
    ok(&provenance(d, &["keygen", "--output", "other.pem"]));
    let line = std::fs::read_to_string(d.join("store/app.bin.intoto.jsonl")).unwrap();
    let env: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let payload = env["payload"].as_str().unwrap();
    std::fs::remove_file(d.join("store/app.bin.intoto.jsonl")).unwrap();
    let statement: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, payload).unwrap(),
    )
    .unwrap();
    sign_into(d, &statement, "other.pem", "app.bin.intoto.jsonl");
    let out = trace(d, "key.pem.pub", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("FAIL image.tar: dependency app.bin failed; own hop PASS, built by "),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("PASS")), "{text}");
    assert!(
        lines[1]
            .trim_start()
            .starts_with("<- FAIL app.bin: signature: signed by no trusted key")
            && lines[1].contains("(store/app.bin.intoto.jsonl:1)"),
        "{text}"
    );
    let json = trace(d, "key.pem.pub", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["verdict"], "FAIL");
}
