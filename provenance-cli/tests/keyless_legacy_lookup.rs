//! `verify --rekor-url` of legacy slsa-github-generator envelopes (a DSSE envelope whose
//! signature carries the Fulcio certificate as PEM in `cert`, no bundle): the log entry is looked
//! up in the local Rekor (the mock's search index and entries API) and verified offline as a
//! bundle's. The envelope is made from a keyless bundle the mock signed and logged.
#![cfg(all(feature = "sign", feature = "rekor-lookup"))]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns"
)]

mod keyless_common;

use std::path::PathBuf;

use base64::Engine as _;
use keyless_common::{ISSUER, MockSigstore, SUBJECT, exits, run};
use serde_json::{Value, json};

/// Signs `app.bin` with `attest --keyless` against `mock` (Rekor v1, a `dsse` entry) and turns
/// the bundle into the legacy shape: the envelope alone, the certificate PEM in
/// `signatures[0].cert`. Returns the envelope's path.
fn legacy_envelope(mock: &MockSigstore) -> PathBuf {
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["attest".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "app.sigstore.json".into(),
        "app.bin".into(),
    ]);
    exits(&run(mock.dir.path(), &args), 0);
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(mock.path("app.sigstore.json")).unwrap()).unwrap();
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"], "dsse",
        "{bundle}"
    );
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            bundle["verificationMaterial"]["certificate"]["rawBytes"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    let env = &bundle["dsseEnvelope"];
    let legacy = json!({
        "payloadType": env["payloadType"],
        "payload": env["payload"],
        "signatures": [{ "keyid": "", "sig": env["signatures"][0]["sig"], "cert": pem }],
    });
    let path = mock.path("app.bin.intoto.jsonl");
    std::fs::write(&path, format!("{legacy}\n")).unwrap();
    // the bundle must not be found beside the artifact: only the legacy envelope is verified
    std::fs::remove_file(mock.path("app.sigstore.json")).unwrap();
    path
}

/// `verify app.bin` with the legacy envelope, the mock's trusted root, its identity, and
/// `--rekor-url URL` when given.
fn verify(mock: &MockSigstore, envelope: &std::path::Path, rekor: Option<&str>) -> (i32, String) {
    let root = mock.path("trusted_root.json");
    let mut args = vec![
        "verify",
        "--attestation",
        envelope.to_str().unwrap(),
        "--trusted-root",
        root.to_str().unwrap(),
        "--certificate-identity",
        SUBJECT,
        "--certificate-oidc-issuer",
        ISSUER,
    ];
    if let Some(url) = rekor {
        args.extend(["--rekor-url", url]);
    }
    args.push("app.bin");
    let out = run(mock.dir.path(), &args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), text)
}

#[test]
fn a_legacy_envelope_verifies_with_its_log_entry_looked_up() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS app.bin"), "{out}");

    // the same with the JSON report: a verified log entry and its signing time
    let root = mock.path("trusted_root.json");
    let report = run(
        mock.dir.path(),
        &[
            "verify",
            "--format",
            "json",
            "--attestation",
            envelope.to_str().unwrap(),
            "--trusted-root",
            root.to_str().unwrap(),
            "--certificate-identity",
            SUBJECT,
            "--certificate-oidc-issuer",
            ISSUER,
            "--rekor-url",
            &mock.url,
            "app.bin",
        ],
    );
    exits(&report, 0);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.contains("\"transparencyLog\": true"), "{text}");
}

#[test]
fn without_rekor_url_a_legacy_envelope_still_fails_and_names_the_flag() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let (code, out) = verify(&mock, &envelope, None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the transparency log could not be checked offline for this input"),
        "{out}"
    );
    assert!(out.contains("--rekor-url URL"), "{out}");
}

#[test]
fn an_entry_for_another_signature_is_refused() {
    let Some(mock) = MockSigstore::start("lookup-other-signature") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("transparency log entry does not match the bundle: signature differs"),
        "{out}"
    );
}

#[test]
fn a_tampered_inclusion_proof_is_refused() {
    let Some(mock) = MockSigstore::start("lookup-bad-proof") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("invalid inclusion proof: computed root does not match the proof's root hash"),
        "{out}"
    );
}

#[test]
fn no_entry_in_the_log_is_refused() {
    let Some(mock) = MockSigstore::start("lookup-empty") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the transparency log has no entry for this envelope"),
        "{out}"
    );
}

#[test]
fn a_tampered_envelope_is_refused_before_any_lookup() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let mut env: Value = serde_json::from_slice(&std::fs::read(&envelope).unwrap()).unwrap();
    env["payload"] = json!(base64::engine::general_purpose::STANDARD.encode(b"{}"));
    std::fs::write(&envelope, format!("{env}\n")).unwrap();
    // nothing listens at this URL: a lookup would be a service failure (exit 2)
    let (code, out) = verify(&mock, &envelope, Some("http://127.0.0.1:9"));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("invalid signature: DSSE envelope"), "{out}");
}

#[test]
fn a_log_that_does_not_answer_is_an_error_not_a_verdict() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    let envelope = legacy_envelope(&mock);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let (code, out) = verify(&mock, &envelope, Some(&url));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "Rekor at {url}/api/v1/index/retrieve is unavailable"
        )),
        "{out}"
    );
}
