//! `provenance inspect`: envelopes, .intoto.jsonl lines, bundles and statements, with the
//! "no trust decision" notice, in text and JSON.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party")
}

fn json_of(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = provenance(dir)
        .args(["inspect", "--format", "json"])
        .args(args)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

#[test]
fn envelope_text_view() {
    let file = vectors().join("witness/test/cdx-att.json");
    let out = provenance(Path::new("."))
        .arg("inspect")
        .arg(&file)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("no trust decision"));
    assert!(text.contains("kind: DSSE envelope"));
    assert!(text.contains("payloadType: application/vnd.in-toto+json"));
    assert!(
        text.contains("keyid: ae2dcc989ea9c109a36e8eba5c4bc16d8fafcfe8e1a614164670d50aedacd647")
    );
    assert!(
        text.contains("predicateType: https://witness.testifysec.com/attestation-collection/v0.1")
    );
    assert!(
        text.contains("\"_type\": \"https://in-toto.io/Statement/v0.1\""),
        "pretty payload"
    );
}

#[test]
fn envelope_json_view() {
    let file = vectors().join("dsse-spec/signing_spec_doctest.envelope.json");
    let v = json_of(&[file.to_str().unwrap()], Path::new("."));
    assert_eq!(
        v["trust"],
        "no trust decision: nothing here has been verified"
    );
    let doc = &v["documents"][0];
    assert_eq!(doc["kind"], "DSSE envelope");
    assert_eq!(doc["payloadType"], "http://example.com/HelloWorld");
    assert_eq!(doc["payloadText"], "hello world");
    assert_eq!(doc["signatures"][0]["keyid"], "66301bbf");
    assert_eq!(doc["signatures"][0]["sigBytes"], 64);
}

#[test]
fn jsonl_lines_are_shown_one_by_one_and_bad_lines_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let envelope =
        std::fs::read_to_string(vectors().join("dsse-spec/protocol_test_vector.envelope.json"))
            .unwrap();
    let envelope = envelope.trim_end();
    let statement = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p","predicate":{}}"#;
    std::fs::write(
        dir.path().join("a.intoto.jsonl"),
        format!("{envelope}\n{statement}\n"),
    )
    .unwrap();
    let v = json_of(&["a.intoto.jsonl"], dir.path());
    assert_eq!(v["documents"][0]["line"], 1);
    assert_eq!(v["documents"][0]["kind"], "DSSE envelope");
    assert_eq!(v["documents"][1]["line"], 2);
    assert_eq!(v["documents"][1]["kind"], "statement");

    std::fs::write(
        dir.path().join("b.intoto.jsonl"),
        format!("{envelope}\nnot json\n"),
    )
    .unwrap();
    provenance(dir.path())
        .args(["inspect", "b.intoto.jsonl"])
        .assert()
        .code(2);
    provenance(dir.path())
        .args(["inspect", "missing.jsonl"])
        .assert()
        .code(2);
}

#[test]
fn bundle_view_shows_media_type_and_inner_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let envelope: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("dsse-spec/protocol_test_vector.envelope.json"))
            .unwrap(),
    )
    .unwrap();
    let bundle = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": "abc"}, "tlogEntries": []},
        "dsseEnvelope": envelope,
    });
    std::fs::write(dir.path().join("x.sigstore.json"), bundle.to_string()).unwrap();
    let v = json_of(&["x.sigstore.json"], dir.path());
    let doc = &v["documents"][0];
    assert_eq!(doc["kind"], "Sigstore bundle");
    assert_eq!(
        doc["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(doc["verificationMaterial"]["publicKey"]["hint"], "abc");
    assert_eq!(doc["dsseEnvelope"]["payloadText"], "hello world");
}

#[test]
fn malformed_envelope_is_described_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dup.json"),
        r#"{"payload":"e30=","payloadType":"a/b","payload":"e30=","signatures":[{"sig":"AA=="}]}"#,
    )
    .unwrap();
    let out = provenance(dir.path())
        .args(["inspect", "--format", "json", "dup.json"])
        .assert()
        .code(2);
    // Nothing worth showing: the reason goes to stderr, nothing to stdout (finding 16).
    assert_eq!(out.get_output().stdout, b"");
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains("dup.json: the document is malformed")
            && err.contains("repeats the JSON key \"payload\""),
        "{err}"
    );
    // Valid JSON but not a valid envelope (no signatures): described as malformed.
    std::fs::write(
        dir.path().join("nosig.json"),
        r#"{"payload":"e30=","payloadType":"a/b","signatures":[]}"#,
    )
    .unwrap();
    let v = json_of(&["nosig.json"], dir.path());
    assert_eq!(v["documents"][0]["kind"], "DSSE envelope (malformed)");
}

/// The wrappers verify reads bundles from are shown as those bundles: a PEP 740 attestation
/// (as pypi-attestations makes it) and npm's attestations document.
#[test]
fn pep740_attestations_and_npm_documents_show_their_bundles() {
    let pep740 = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../test-vectors/sigstore/pep740-pypi-attestations/demo-1.0.tar.gz.publish.attestation",
    );
    let v = json_of(&[pep740.to_str().unwrap()], Path::new("."));
    let doc = &v["documents"][0];
    assert_eq!(doc["kind"], "PyPI PEP 740 attestation");
    let bundle = &doc["asSigstoreBundles"][0];
    assert_eq!(bundle["kind"], "Sigstore bundle");
    assert_eq!(bundle["verificationMaterial"], "certificate");
    assert_eq!(bundle["tlogEntries"], 1);
    assert_eq!(
        bundle["dsseEnvelope"]["statementSummary"]["predicateType"],
        "https://docs.pypi.org/attestations/publish/v1"
    );
    assert_eq!(
        bundle["dsseEnvelope"]["statementSummary"]["subjects"][0]["name"],
        "demo-1.0.tar.gz"
    );

    let npm = vectors().join("slsa-verifier/npm/gha/supreme-googles-cli-v02-tag.tgz.json");
    let v = json_of(&[npm.to_str().unwrap()], Path::new("."));
    let doc = &v["documents"][0];
    assert_eq!(doc["kind"], "npm attestations document");
    let attestations = doc["attestations"].as_array().unwrap();
    assert_eq!(attestations.len(), 2);
    assert_eq!(
        attestations[1]["predicateType"],
        "https://slsa.dev/provenance/v0.2"
    );
    assert_eq!(attestations[1]["bundle"]["kind"], "Sigstore bundle");
    assert_eq!(
        attestations[1]["bundle"]["dsseEnvelope"]["payloadType"],
        "application/vnd.in-toto+json"
    );
}

/// A signed payload that repeats a key inside a wrapper (an npm attestations document, a gh
/// download line) is an error (exit 2) as in a bare bundle, since verify refuses it; and it
/// stays one whatever comes before it in the document: another entry's error, or an `error`
/// key in shown input (a `predicateType` or `mediaType` that is an object) must not take its
/// place.
#[test]
fn a_repeated_payload_key_is_an_error_after_another_error_or_a_planted_one() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let payload = br#"{"_type":"https://in-toto.io/Statement/v1","_type":"x","subject":[],"predicateType":"p","predicate":{}}"#;
    let repeated = |media_type: serde_json::Value| {
        serde_json::json!({
            "mediaType": media_type,
            "verificationMaterial": {"publicKey": {"hint": "abc"}},
            "dsseEnvelope": {
                "payload": b64.encode(payload),
                "payloadType": "application/vnd.in-toto+json",
                "signatures": [{"sig": b64.encode(b"sig")}],
            },
        })
    };
    let v03 = serde_json::json!("application/vnd.dev.sigstore.bundle.v0.3+json");
    let malformed = serde_json::json!({
        "mediaType": v03,
        "verificationMaterial": {"publicKey": {"hint": "abc"}},
        "dsseEnvelope": {"payload": "not base64!", "payloadType": "t", "signatures": []},
    });
    let planted = serde_json::json!({"error": "planted"});
    let docs = [
        (
            "alone",
            serde_json::json!({"attestations": [
                {"predicateType": "p", "bundle": repeated(v03.clone())},
            ]}),
        ),
        (
            "after-another",
            serde_json::json!({"attestations": [
                {"predicateType": "p", "bundle": malformed},
                {"predicateType": "p", "bundle": repeated(v03.clone())},
            ]}),
        ),
        (
            "predicate-type",
            serde_json::json!({"attestations": [
                {"predicateType": planted, "bundle": repeated(v03.clone())},
            ]}),
        ),
        (
            "media-type",
            serde_json::json!({"bundle": repeated(planted.clone())}),
        ),
    ];
    for (name, doc) in docs {
        let file = format!("{name}.json");
        std::fs::write(dir.path().join(&file), doc.to_string()).unwrap();
        let out = provenance(dir.path())
            .args(["inspect", &file])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!(
                "{file}: the document is malformed: the signed payload repeats a JSON key"
            )),
            "{name}: {stderr}"
        );
    }
}

/// An npm document whose entry's bundle is no object is not shown as a bundle (nothing to
/// inspect: exit 2, as verify skips it); a proto-named bundle inside a gh download line is
/// shown as the bundle verify reads.
#[test]
fn wrappers_hold_bundles_or_are_not_wrappers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("npm.json"),
        r#"{"attestations": [{"predicateType": "p", "bundle": "not a bundle"}]}"#,
    )
    .unwrap();
    let out = provenance(dir.path())
        .args(["inspect", "npm.json"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("npm.json holds no DSSE envelope, Sigstore bundle or statement"),
        "{stderr}"
    );

    let bundle: serde_json::Value = serde_json::from_slice(
        &std::fs::read(vectors().join(
            "sigstore-conformance/assets/bundle-verify/happy-path-v0.3/bundle.sigstore.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let snake = provenance_testkit::bundle_with_proto_names(&bundle);
    std::fs::write(
        dir.path().join("gh.jsonl"),
        serde_json::json!({ "bundle": snake }).to_string(),
    )
    .unwrap();
    let v = json_of(&["gh.jsonl"], dir.path());
    let doc = &v["documents"][0];
    assert_eq!(doc["kind"], "attestation wrapper (gh attestation download)");
    assert_eq!(doc["bundle"]["kind"], "Sigstore bundle (proto field names)");
    assert_eq!(doc["bundle"]["asSigstoreBundles"][0]["tlogEntries"], 1);
}
