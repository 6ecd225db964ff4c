//! Service faults during `attest --keyless` / `sign --keyless`: Fulcio or Rekor answering 500,
//! garbage, a certificate for another key, a log entry for another signature, a proof that
//! does not verify, or nothing within the timeout. Each gives exit 2, a message naming the
//! service and the fault, and no bundle file (nor a temporary one).
#![cfg(feature = "sign")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns"
)]

use std::path::Path;
use std::process::Output;

use provenance_testkit::keyless::{ISSUER, MockSigstore, SUBJECT, files};
use provenance_testkit::{cli, exits_stderr};

/// Runs `run` and returns its stderr, after checking exit 2 and that no file was added to the
/// mock's directory.
fn refused(mock: &MockSigstore, run: impl FnOnce() -> Output) -> String {
    let before = mock.files();
    let stderr = exits_stderr(&run(), 2);
    assert_eq!(mock.files(), before, "files changed: {stderr}");
    stderr
}

/// Runs `attest --keyless ARGS --bundle out.sigstore.json app.bin` against a mock in `mode`;
/// returns stderr after checking exit 2, the message and that no file was added.
fn attest_fails(mode: &str, args: &[&str]) -> Option<String> {
    let mock = MockSigstore::start(cli!(), mode)?;
    let app = mock.artifact("app.bin");
    let args = [args, &["--bundle", "out.sigstore.json", app]].concat();
    let stderr = refused(&mock, || mock.keyless("attest", &args));
    assert!(
        stderr.contains("keyless signing failed; no bundle was written"),
        "{stderr}"
    );
    Some(stderr)
}

/// Runs `COMMAND --keyless ARGS` in `dir` with a token that parses and services that are never
/// asked (nothing listens on port 9: reaching the network would fail differently); returns
/// stderr after checking exit 2.
fn refused_offline(dir: &Path, command: &str, args: &[&str]) -> String {
    let claims = r#"{"iss":"https://issuer.example","sub":"me","exp":99999999999}"#;
    let token = format!("e30.{}.c2ln", b64url(claims.as_bytes()));
    let mut all = vec![
        command,
        "--keyless",
        "--identity-token",
        &token,
        "--fulcio-url",
        "http://127.0.0.1:9",
        "--rekor-url",
        "http://127.0.0.1:9",
    ];
    all.extend_from_slice(args);
    exits_stderr(&cli!().run(dir, &all), 2)
}

#[test]
fn fulcio_500_is_unavailable_after_retries() {
    let Some(stderr) = attest_fails("fulcio-500", &[]) else {
        return;
    };
    assert!(
        stderr.contains(
            "/api/v2/signingCert is unavailable: HTTP 500: internal error (after 3 attempts)"
        ),
        "{stderr}"
    );
}

#[test]
fn fulcio_garbage_is_an_invalid_answer() {
    let Some(stderr) = attest_fails("fulcio-garbage", &[]) else {
        return;
    };
    assert!(
        stderr.contains("Fulcio at") && stderr.contains("gave an invalid answer: not JSON"),
        "{stderr}"
    );
}

#[test]
fn fulcio_certificate_for_another_key_is_refused() {
    let Some(stderr) = attest_fails("fulcio-other-key", &[]) else {
        return;
    };
    assert!(
        stderr.contains("the certificate is for another key than the one sent"),
        "{stderr}"
    );
}

#[test]
fn fulcio_silence_times_out() {
    let Some(stderr) = attest_fails("fulcio-hang", &["--timeout", "1"]) else {
        return;
    };
    assert!(
        stderr.contains("/api/v2/signingCert is unavailable: timeout"),
        "{stderr}"
    );
}

#[test]
fn rekor_500_is_unavailable_after_retries() {
    let Some(stderr) = attest_fails("rekor-500", &[]) else {
        return;
    };
    assert!(
        stderr.contains("/api/v1/log/entries is unavailable: HTTP 500"),
        "{stderr}"
    );
}

#[test]
fn rekor_garbage_is_an_invalid_answer() {
    let Some(stderr) = attest_fails("rekor-garbage", &[]) else {
        return;
    };
    assert!(
        stderr.contains("Rekor at") && stderr.contains("gave an invalid answer: not JSON"),
        "{stderr}"
    );
}

#[test]
fn rekor_entry_for_another_signature_fails_self_verification() {
    let Some(stderr) = attest_fails("rekor-other-signature", &[]) else {
        return;
    };
    assert!(
        stderr.contains(
            "the signed bundle does not verify against the trusted root: transparency log \
             entry does not match the bundle: signature differs"
        ),
        "{stderr}"
    );
}

#[test]
fn rekor_proof_that_does_not_verify_fails_self_verification() {
    let Some(stderr) = attest_fails("rekor-bad-proof", &[]) else {
        return;
    };
    assert!(
        stderr.contains("does not verify against the trusted root: invalid inclusion proof"),
        "{stderr}"
    );
}

#[test]
fn sign_blob_faults_write_no_bundle_either() {
    let Some(mock) = MockSigstore::start(cli!(), "rekor-other-signature") else {
        return;
    };
    std::fs::write(mock.path("blob"), b"bytes").unwrap();
    let stderr = refused(&mock, || {
        mock.keyless("sign", &["--bundle", "blob.sigstore.json", "blob"])
    });
    assert!(stderr.contains("signature differs"), "{stderr}");
}

#[test]
fn a_trusted_root_without_the_services_ca_refuses_the_bundle() {
    // signing works, but the bundle does not verify against the public-good root: no bundle
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let token = mock.token_arg();
    let stderr = refused(&mock, || {
        mock.run(&[
            "attest",
            "--keyless",
            "--identity-token",
            &token,
            "--fulcio-url",
            &mock.url,
            "--rekor-url",
            &mock.url,
            "--bundle",
            "out.sigstore.json",
            app,
        ])
    });
    assert!(
        stderr.contains("does not verify against the trusted root"),
        "{stderr}"
    );
}

/// `attest --keyless --timestamp-server-url <the mock's TSA>` against a mock in `mode`: exit
/// 2, no file added; its stderr and the TSA's URL.
fn attest_with_tsa_fails(mode: &str) -> Option<(String, String)> {
    let mock = MockSigstore::start(cli!(), mode)?;
    let app = mock.artifact("app.bin");
    let tsa = format!("{}/api/v1/timestamp", mock.url);
    let stderr = refused(&mock, || {
        mock.keyless(
            "attest",
            &[
                "--timestamp-server-url",
                &tsa,
                "--bundle",
                "out.sigstore.json",
                app,
            ],
        )
    });
    Some((stderr, tsa))
}

#[test]
fn tsa_500_is_unavailable_and_writes_no_bundle() {
    let Some((stderr, tsa)) = attest_with_tsa_fails("tsa-500") else {
        return;
    };
    assert!(
        stderr.contains(&format!("TSA at {tsa} is unavailable: HTTP 500: TSA down")),
        "{stderr}"
    );
}

#[test]
fn rekor_v2_without_a_tsa_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    let stderr = refused_offline(
        dir.path(),
        "attest",
        &[
            "--rekor-version",
            "2",
            "--bundle",
            "out.sigstore.json",
            "app.bin",
        ],
    );
    assert!(
        stderr.contains("a Rekor v2 log records no signing time: a TSA is needed too"),
        "{stderr}"
    );
    assert_eq!(files(dir.path()), ["app.bin"]);
}

#[test]
fn rekor_v2_entry_for_another_signature_fails_self_verification() {
    let Some(mock) =
        MockSigstore::start_with(cli!(), "rekor-other-signature", &["--rekor-v2", "yes"])
    else {
        return;
    };
    let app = mock.artifact("app.bin");
    let stderr = refused(&mock, || {
        mock.keyless_config("attest", &["--bundle", "out.sigstore.json", app])
    });
    assert!(
        stderr.contains("does not verify against the trusted root: transparency log entry does not match the bundle: signature differs"),
        "{stderr}"
    );
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn an_existing_bundle_is_refused_before_anything_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    std::fs::write(dir.path().join("out.sigstore.json"), b"keep me").unwrap();
    let stderr = refused_offline(
        dir.path(),
        "attest",
        &["--bundle", "out.sigstore.json", "app.bin"],
    );
    assert!(
        stderr.contains("out.sigstore.json exists; pass --force to replace it"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("out.sigstore.json")).unwrap(),
        b"keep me"
    );
}

/// Review finding: a bundle or output path in a missing directory is refused before the
/// statement is signed and logged (a Rekor entry is public and permanent).
#[test]
fn an_unwritable_output_is_refused_before_anything_is_signed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    for (flag, path) in [
        ("--bundle", "no-such-dir/out.sigstore.json"),
        ("--output", "no-such-dir/out.intoto.jsonl"),
    ] {
        let stderr = refused_offline(dir.path(), "attest", &[flag, path, "app.bin"]);
        assert!(
            stderr.contains(&format!(
                "cannot write {path}: the directory no-such-dir does not exist"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn sign_keyless_into_a_missing_directory_is_refused_before_signing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blob"), b"x").unwrap();
    let stderr = refused_offline(
        dir.path(),
        "sign",
        &["--bundle", "gone/blob.sigstore.json", "blob"],
    );
    assert!(
        stderr.contains("cannot write gone/blob.sigstore.json: the directory gone does not exist"),
        "{stderr}"
    );
}

#[test]
fn plain_http_to_a_remote_service_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    let out = cli!().run(
        dir.path(),
        &[
            "attest",
            "--keyless",
            "--identity-token",
            "unused",
            "--fulcio-url",
            "http://fulcio.example",
            "--bundle",
            "out.sigstore.json",
            "app.bin",
        ],
    );
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("invalid --fulcio-url")
            && stderr.contains("plain http to a host that is not loopback; use https"),
        "{stderr}"
    );
}

#[test]
fn tsa_garbage_is_an_invalid_answer() {
    let Some((stderr, tsa)) = attest_with_tsa_fails("tsa-garbage") else {
        return;
    };
    assert!(
        stderr.contains(&format!(
            "no bundle was written: TSA at {tsa} gave an invalid answer: not a DER TimeStampResp"
        )),
        "{stderr}"
    );
}

#[test]
fn a_timestamp_of_another_digest_fails_self_verification() {
    let Some((stderr, _)) = attest_with_tsa_fails("tsa-other-digest") else {
        return;
    };
    assert!(
        stderr.contains("the signed bundle does not verify against the trusted root: invalid RFC 3161 timestamp: timestamp does not cover this signature"),
        "{stderr}"
    );
}

#[test]
fn a_timestamp_for_another_nonce_is_refused() {
    let Some((stderr, _)) = attest_with_tsa_fails("tsa-other-nonce") else {
        return;
    };
    assert!(
        stderr.contains("TSA at")
            && stderr.contains("the timestamp's nonce differs from the request's"),
        "{stderr}"
    );
}

/// Rekor's 409 Conflict (the entry exists already: an earlier attempt was logged but its
/// answer lost) names the existing entry, which is fetched and used.
#[test]
fn rekor_409_recovers_the_existing_entry() {
    let Some(mock) = MockSigstore::start(cli!(), "rekor-409") else {
        return;
    };
    let app = mock.artifact("app.bin");
    exits_stderr(
        &mock.keyless("attest", &["--bundle", "app.sigstore.json", app]),
        0,
    );
    let bundle = mock.path("app.sigstore.json");
    exits_stderr(&mock.verify_provenance(&bundle, app, SUBJECT, ISSUER), 0);
}

#[test]
fn rekor_409_without_the_entry_uuid_is_an_invalid_answer() {
    let Some(stderr) = attest_fails("rekor-409-no-uuid", &[]) else {
        return;
    };
    assert!(
        stderr.contains("409 Conflict without the existing entry's UUID (ETag or Location)"),
        "{stderr}"
    );
}
