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

#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use provenance_testkit::keyless::{ISSUER, MockSigstore, SUBJECT, read_json};
use provenance_testkit::{cli, exits_stderr};
use serde_json::{Value, json};

/// A mock in `mode` with the legacy envelope of [`legacy_envelope`], or `None` when it cannot
/// run (SKIPPED).
fn mock_with_envelope(mode: &str) -> Option<(MockSigstore, PathBuf)> {
    let mock = MockSigstore::start(cli!(), mode)?;
    let envelope = legacy_envelope(&mock);
    Some((mock, envelope))
}

/// Signs `app.bin` with `attest --keyless` against `mock` (Rekor v1, a `dsse` entry) and turns
/// the bundle into the legacy shape: the envelope alone, the certificate PEM in
/// `signatures[0].cert`. Returns the envelope's path.
fn legacy_envelope(mock: &MockSigstore) -> PathBuf {
    let app = mock.artifact("app.bin");
    let out = mock.keyless("attest", &["--bundle", "app.sigstore.json", app]);
    exits_stderr(&out, 0);
    let bundle = read_json(&mock.path("app.sigstore.json"));
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

/// `COMMAND <the mock's trust, its identity as builder> --rekor-url URL ARGS app.bin`
/// (`--rekor-url` when given): the arguments of `verify` and `trace`.
fn trusting(mock: &MockSigstore, command: &str, rekor: Option<&str>, args: &[&str]) -> Output {
    let mut all = vec!["--builder-id", SUBJECT];
    if let Some(url) = rekor {
        all.extend(["--rekor-url", url]);
    }
    all.extend_from_slice(args);
    all.push("app.bin");
    mock.trusting(command, (SUBJECT, ISSUER), &all)
}

/// `verify app.bin` with the legacy envelope, the mock's trusted root, its identity, and
/// `--rekor-url URL` when given: the exit code and both streams.
fn verify(mock: &MockSigstore, envelope: &Path, rekor: Option<&str>) -> (i32, String) {
    let out = trusting(
        mock,
        "verify",
        rekor,
        &["--attestation", envelope.to_str().unwrap()],
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), text)
}

#[test]
fn a_legacy_envelope_verifies_with_its_log_entry_looked_up() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS app.bin"), "{out}");

    // the same with the JSON report: a verified log entry and its signing time
    let report = trusting(
        &mock,
        "verify",
        Some(&mock.url),
        &[
            "--format",
            "json",
            "--attestation",
            envelope.to_str().unwrap(),
        ],
    );
    exits_stderr(&report, 0);
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.contains("\"transparencyLog\": true"), "{text}");
}

#[test]
fn without_rekor_url_a_legacy_envelope_still_fails_and_names_the_flag() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
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
    let Some((mock, envelope)) = mock_with_envelope("lookup-other-signature") else {
        return;
    };
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("transparency log entry does not match the bundle: signature differs"),
        "{out}"
    );
}

#[test]
fn a_tampered_inclusion_proof_is_refused() {
    let Some((mock, envelope)) = mock_with_envelope("lookup-bad-proof") else {
        return;
    };
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("invalid inclusion proof: computed root does not match the proof's root hash"),
        "{out}"
    );
}

#[test]
fn no_entry_in_the_log_is_refused() {
    let Some((mock, envelope)) = mock_with_envelope("lookup-empty") else {
        return;
    };
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the transparency log has no entry for this envelope"),
        "{out}"
    );
}

#[test]
fn a_tampered_envelope_is_refused_before_any_lookup() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
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
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
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

/// POSTs `body` (JSON) to `url` (`http://127.0.0.1:PORT/PATH`) and returns the status code.
fn post(url: &str, body: &str) -> u16 {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    write!(
        conn,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Logs an `intoto` 0.0.1 entry for `envelope` (the hash of `logged_bytes` as the envelope's,
/// its payload's hash, its certificate), in Rekor's canonical form, as slsa-github-generator's
/// upload made them.
fn log_intoto_v001(mock: &MockSigstore, envelope: &Path, logged_bytes: &[u8]) {
    let env: Value = serde_json::from_slice(&std::fs::read(envelope).unwrap()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(env["payload"].as_str().unwrap())
        .unwrap();
    let pem = env["signatures"][0]["cert"].as_str().unwrap();
    let entry = json!({
        "apiVersion": "0.0.1",
        "kind": "intoto",
        "spec": {
            "content": {
                "hash": { "algorithm": "sha256", "value": sha256_hex(logged_bytes) },
                "payloadHash": { "algorithm": "sha256", "value": sha256_hex(&payload) },
            },
            "publicKey": base64::engine::general_purpose::STANDARD.encode(pem),
        },
    });
    let status = post(
        &format!("{}/api/v1/log/entries", mock.url),
        &entry.to_string(),
    );
    assert_eq!(status, 201);
}

/// slsa-github-generator logged its envelopes as `intoto` 0.0.1 entries: the hash of the
/// envelope's exact bytes binds the signature. Such an entry verifies; one for other bytes
/// (another envelope of the same payload) does not.
#[test]
fn an_intoto_v001_entry_binds_the_envelope_bytes() {
    let Some((mock, envelope)) = mock_with_envelope("lookup-intoto") else {
        return;
    };
    let bytes = std::fs::read(&envelope).unwrap();
    // no intoto entry yet: the signing's dsse entry is not listed in this mode
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("has no entry for this envelope"), "{out}");

    log_intoto_v001(&mock, &envelope, b"{\"another\":\"envelope\"}");
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("transparency log entry does not match the bundle: envelope hash differs"),
        "{out}"
    );

    log_intoto_v001(&mock, &envelope, bytes.trim_ascii_end());
    let (code, out) = verify(&mock, &envelope, Some(&mock.url));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS app.bin"), "{out}");
}

/// `trace` shares verify's trust flags: its store's legacy envelope verifies with --rekor-url,
/// and without it the artifact's hop fails.
#[test]
fn trace_looks_legacy_envelopes_up_too() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
    let store = mock.path("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::rename(&envelope, store.join("app.bin.intoto.jsonl")).unwrap();
    let store = store.to_str().unwrap();
    let trace = |rekor: Option<&str>| trusting(&mock, "trace", rekor, &["--store", store]);
    let out = trace(Some(&mock.url));
    exits_stderr(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("PASS app.bin"), "{stdout}");
    let stderr = exits_stderr(&trace(None), 1);
    assert!(stderr.contains("--rekor-url URL"), "{stderr}");
}

/// A hostile log: its search index lists ten thousand entries for the payload, and every entry
/// it serves is more than 1 MiB. At most one answer that breaks its bound is read (cut off at
/// 1 MiB), nothing is retried, and the outcome is an error naming the service and the bound
/// (exit 2), not a verdict, a pile of requests or a hang.
#[test]
fn a_log_listing_thousands_of_oversized_entries_is_bounded() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
    let entry_requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&entry_requests);
    let log = support::FakeRegistry::start(Box::new(move |method, path, _| {
        if method == "POST" && path == "/api/v1/index/retrieve" {
            let uuids: Vec<String> = (0..10_000).map(|i| format!("{i:064x}")).collect();
            return (200, vec![], serde_json::to_vec(&uuids).unwrap());
        }
        if path.starts_with("/api/v1/log/entries/") {
            counted.fetch_add(1, Ordering::SeqCst);
            return (200, vec![], vec![b' '; 2 << 20]);
        }
        (404, vec![], vec![])
    }));
    let (code, out) = verify(&mock, &envelope, Some(&format!("http://{}", log.addr)));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("/api/v1/log/entries/{:064x}", 0))
            && out.contains("answer larger than 1048576 bytes"),
        "{out}"
    );
    assert_eq!(entry_requests.load(Ordering::SeqCst), 1, "{out}");
}

/// `METHOD url` (`http://127.0.0.1:PORT/PATH`) with a JSON `body`: the answer's body.
fn http_body(method: &str, url: &str, body: &str) -> String {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    write!(
        conn,
        "{method} /{path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    answer.split_once("\r\n\r\n").unwrap().1.to_owned()
}

/// A log in front of `mock` that passes searches through and hands out its entries changed
/// by `change` (each entry's `LogEntry` value, as the entries API serves it).
fn rewriting_log(
    mock: &MockSigstore,
    change: impl Fn(&mut Value) + Send + Sync + 'static,
) -> support::FakeRegistry {
    let upstream = mock.url.clone();
    support::FakeRegistry::start(Box::new(move |method, path, headers| {
        let body = headers
            .iter()
            .find_map(|h| h.strip_prefix("x-body: "))
            .unwrap_or_default();
        let answer = http_body(method, &format!("{upstream}{path}"), body);
        let mut v: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        if path.starts_with("/api/v1/log/entries/")
            && let Some(entries) = v.as_object_mut()
        {
            entries.values_mut().for_each(&change);
        }
        (200, vec![], serde_json::to_vec(&v).unwrap())
    }))
}

/// The signing time of a looked-up entry is what the short-lived certificate is checked at,
/// and only the signed entry timestamp (SET) vouches for it (the inclusion proof covers the
/// body alone). A log that moves `integratedTime` (here two minutes later; in an attack, into
/// the validity of a certificate whose key leaked after it expired) breaks the SET; one that
/// drops the SET gives an answer Rekor v1 never gives. The first fails verification (exit 1),
/// the second is an error naming the service (exit 2); neither is a PASS.
#[test]
fn a_log_that_moves_or_unsigns_the_signing_time_is_refused() {
    let Some((mock, envelope)) = mock_with_envelope("ok") else {
        return;
    };
    let moved = rewriting_log(&mock, |entry| {
        let t = entry["integratedTime"].as_i64().unwrap();
        entry["integratedTime"] = json!(t + 120);
    });
    let (code, out) = verify(&mock, &envelope, Some(&format!("http://{}", moved.addr)));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("legacy envelope with an embedded certificate: invalid signature: signed entry timestamp"),
        "{out}"
    );

    let unsigned = rewriting_log(&mock, |entry| {
        entry["verification"]
            .as_object_mut()
            .unwrap()
            .remove("signedEntryTimestamp");
    });
    let (code, out) = verify(&mock, &envelope, Some(&format!("http://{}", unsigned.addr)));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("gave an invalid answer: no signedEntryTimestamp"),
        "{out}"
    );
}
