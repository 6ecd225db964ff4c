//! `attest --keyless` and `sign --keyless` against a local Sigstore (npm `@sigstore/mock`):
//! the bundles verify with `provenance verify` given the mock's trusted root and the token's
//! identity and issuer; another identity, issuer or CA, and tampered bundles, fail.
#![cfg(feature = "sign")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns"
)]

use provenance_testkit::keyless::{
    ACTIONS_REQUEST_TOKEN, ISSUER, MockSigstore, OTHER_SUBJECT, SUBJECT, files, read_json,
};
use provenance_testkit::{cli, exits_stderr};
use serde_json::Value;

/// A mock in `mode` (`ok`: all services answer), or `None` when it cannot run (SKIPPED).
fn mock(mode: &str) -> Option<MockSigstore> {
    MockSigstore::start(cli!(), mode)
}

/// `attest --keyless --bundle BUNDLE app.bin` (written first); checks the notes.
fn attest(mock: &MockSigstore, bundle: &str) {
    let app = mock.artifact("app.bin");
    let stderr = exits_stderr(&mock.keyless("attest", &["--bundle", bundle, app]), 0);
    assert!(
        stderr.contains(&format!("signing as {SUBJECT} (issuer {ISSUER})")),
        "{stderr}"
    );
    assert!(stderr.contains("signed and verified as"), "{stderr}");
}

/// Checks that `bundle` verifies for `artifact` as the mock's signer: as provenance (the
/// signer named as builder) or, for `sign`, as any signature.
fn verifies(mock: &MockSigstore, command: &str, bundle: &str, artifact: &str) {
    let bundle = mock.path(bundle);
    let out = if command == "attest" {
        mock.verify_provenance(&bundle, artifact, SUBJECT, ISSUER)
    } else {
        mock.verify(&bundle, artifact, SUBJECT, ISSUER)
    };
    exits_stderr(&out, 0);
}

/// Verifies `bundle` for `app.bin` as the mock's signer; exit 1 and its stderr.
fn refused(mock: &MockSigstore, bundle: &std::path::Path) -> String {
    exits_stderr(&mock.verify(bundle, "app.bin", SUBJECT, ISSUER), 1)
}

#[test]
fn attest_keyless_writes_a_v03_bundle_with_a_dsse_rekor_entry_that_verifies() {
    let Some(mock) = mock("ok") else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    let bundle = read_json(&mock.path("app.sigstore.json"));
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(bundle["verificationMaterial"]["certificate"]["rawBytes"].is_string());
    let entry = &bundle["verificationMaterial"]["tlogEntries"][0];
    assert_eq!(entry["kindVersion"]["kind"], "dsse");
    assert!(entry["inclusionPromise"]["signedEntryTimestamp"].is_string());
    assert!(entry["inclusionProof"]["checkpoint"]["envelope"].is_string());
    assert_eq!(
        bundle["dsseEnvelope"]["payloadType"],
        "application/vnd.in-toto+json"
    );
    // the token is never written anywhere
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    assert!(
        !std::fs::read_to_string(mock.path("app.sigstore.json"))
            .unwrap()
            .contains(token.trim())
    );

    let out = mock.verify_provenance(&mock.path("app.sigstore.json"), "app.bin", SUBJECT, ISSUER);
    exits_stderr(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("PASS app.bin") && stdout.contains(SUBJECT),
        "{stdout}"
    );
}

#[test]
fn a_signing_config_naming_a_tsa_adds_an_rfc3161_timestamp() {
    let Some(mock) = mock("ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let attest_with_tsa = |bundle: &str| {
        let out = mock.keyless_config("attest", &["--bundle", bundle, app]);
        let stderr = exits_stderr(&out, 0);
        assert!(stderr.contains("and TSA http://"), "{stderr}");
        read_json(&mock.path(bundle))
    };
    let first = attest_with_tsa("app.sigstore.json");
    let second = attest_with_tsa("again.sigstore.json");
    let stamps = "/verificationMaterial/timestampVerificationData/rfc3161Timestamps";
    assert_eq!(
        first
            .pointer(stamps)
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(1),
        "{first}"
    );
    verifies(&mock, "attest", "app.sigstore.json", app);

    // the second signature's timestamp does not cover the first signature
    let mut swapped = first.clone();
    *swapped.pointer_mut(stamps).unwrap() = second.pointer(stamps).unwrap().clone();
    let path = mock.path("swapped.sigstore.json");
    std::fs::write(&path, serde_json::to_vec(&swapped).unwrap()).unwrap();
    let stderr = refused(&mock, &path);
    assert!(
        stderr.contains("timestamp does not cover this signature"),
        "{stderr}"
    );
}

#[test]
fn rekor_v2_with_a_tsa_logs_hashedrekord_0_0_2_entries_that_verify() {
    let Some(mock) = MockSigstore::start_with(cli!(), "ok", &["--rekor-v2", "yes"]) else {
        return;
    };
    let app = mock.artifact("app.bin");
    for (command, bundle) in [
        ("attest", "app.sigstore.json"),
        ("sign", "app.bin.blob.sigstore.json"),
    ] {
        let out = mock.keyless_config(command, &["--bundle", bundle, app]);
        let stderr = exits_stderr(&out, 0);
        assert!(stderr.contains("Rekor (v2) http://"), "{stderr}");
        let json = read_json(&mock.path(bundle));
        let entry = &json["verificationMaterial"]["tlogEntries"][0];
        assert_eq!(entry["kindVersion"]["kind"], "hashedrekord", "{json}");
        assert_eq!(entry["kindVersion"]["version"], "0.0.2", "{json}");
        assert!(entry.get("inclusionPromise").is_none(), "{json}");
        assert!(
            json["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
                .is_object(),
            "{json}"
        );
        verifies(&mock, command, bundle, app);
    }

    // without its timestamp, a Rekor v2 bundle has no signing time
    let mut bare = read_json(&mock.path("app.sigstore.json"));
    bare["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("timestampVerificationData");
    let path = mock.path("bare.sigstore.json");
    std::fs::write(&path, serde_json::to_vec(&bare).unwrap()).unwrap();
    let stderr = refused(&mock, &path);
    assert!(
        stderr.contains("a Rekor v2 entry needs an RFC 3161 timestamp"),
        "{stderr}"
    );
}

#[test]
fn attest_keyless_output_appends_the_bundle_as_a_jsonl_line() {
    let Some(mock) = mock("ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let args = ["--output", "app.bin.intoto.jsonl", app];
    exits_stderr(&mock.keyless("attest", &args), 0);
    exits_stderr(&mock.keyless("attest", &args), 0);
    let text = std::fs::read_to_string(mock.path("app.bin.intoto.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    // found next to the artifact, without --attestation
    let out = mock.trusting("verify", (SUBJECT, ISSUER), &["--builder-id", SUBJECT, app]);
    exits_stderr(&out, 0);
}

#[test]
fn sign_keyless_bundle_is_a_message_signature_that_verify_blob_accepts() {
    let Some(mock) = mock("ok") else {
        return;
    };
    std::fs::write(mock.path("blob.tar"), b"any bytes at all\x00\x01").unwrap();
    let out = mock.keyless("sign", &["--bundle", "blob.tar.sigstore.json", "blob.tar"]);
    exits_stderr(&out, 0);
    let bundle = read_json(&mock.path("blob.tar.sigstore.json"));
    assert_eq!(
        bundle["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );
    assert!(bundle.get("dsseEnvelope").is_none());
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"],
        "hashedrekord"
    );
    verifies(&mock, "sign", "blob.tar.sigstore.json", "blob.tar");

    // another artifact with the same bundle fails
    std::fs::write(mock.path("other.tar"), b"other bytes").unwrap();
    let out = mock.verify(
        &mock.path("blob.tar.sigstore.json"),
        "other.tar",
        SUBJECT,
        ISSUER,
    );
    exits_stderr(&out, 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL other.tar")
            && stdout.contains("1 signature(s) over an artifact do not verify for this one"),
        "{stdout}"
    );
}

#[test]
fn sign_keyless_bundle_streams_a_blob_larger_than_the_payload_limit() {
    let Some(mock) = mock("ok") else {
        return;
    };
    // 257 MiB (sparse): more than `sign` reads into memory as a DSSE payload (256 MiB); a
    // message signature needs only the blob's digest, so it is streamed.
    let big = std::fs::File::create(mock.path("big.img")).unwrap();
    big.set_len(257 << 20).unwrap();
    drop(big);
    let out = mock.keyless("sign", &["--bundle", "big.img.sigstore.json", "big.img"]);
    exits_stderr(&out, 0);
    verifies(&mock, "sign", "big.img.sigstore.json", "big.img");
    // a DSSE payload is still bounded
    let out = mock.keyless("sign", &["--output", "big.dsse.json", "big.img"]);
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("is larger than 268435456 bytes"),
        "{stderr}"
    );
    assert!(!mock.path("big.dsse.json").exists());
}

#[test]
fn sign_keyless_output_wraps_the_payload_in_a_dsse_bundle() {
    let Some(mock) = mock("ok") else {
        return;
    };
    std::fs::write(mock.path("doc.json"), br#"{"hello":"world"}"#).unwrap();
    let out = mock.keyless(
        "sign",
        &[
            "--payload-type",
            "application/json",
            "--output",
            "doc.sigstore.json",
            "doc.json",
        ],
    );
    exits_stderr(&out, 0);
    let bundle = read_json(&mock.path("doc.sigstore.json"));
    assert_eq!(bundle["dsseEnvelope"]["payloadType"], "application/json");
    assert_eq!(
        bundle["dsseEnvelope"]["payload"],
        "eyJoZWxsbyI6IndvcmxkIn0="
    );
}

#[test]
fn another_identity_or_issuer_fails_verification() {
    let Some(mock) = mock("ok") else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    let bundle = mock.path("app.sigstore.json");
    let other = OTHER_SUBJECT;
    let stderr = exits_stderr(&mock.verify(&bundle, "app.bin", other, ISSUER), 1);
    assert!(
        stderr.contains(&format!(
            "certificate identity (SAN): expected \"{other}\", got \"{SUBJECT}\""
        )),
        "{stderr}"
    );
    let google = "https://accounts.google.com";
    let stderr = exits_stderr(&mock.verify(&bundle, "app.bin", SUBJECT, google), 1);
    assert!(stderr.contains("identity policy not satisfied"), "{stderr}");
    assert!(stderr.contains(ISSUER), "{stderr}");
}

#[test]
fn tampered_bundles_fail_verification() {
    let Some(mock) = mock("ok") else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    let original = read_json(&mock.path("app.sigstore.json"));

    // the statement names another artifact digest
    let mut payload_changed = original.clone();
    let statement = base64_decode(payload_changed["dsseEnvelope"]["payload"].as_str().unwrap());
    let statement =
        String::from_utf8(statement)
            .unwrap()
            .replacen("\"sha256\":\"", "\"sha256\":\"0", 1);
    payload_changed["dsseEnvelope"]["payload"] = base64_encode(statement.as_bytes()).into();
    // the log entry's integrated time moved (the SET covers it)
    let mut time_changed = original.clone();
    let t = time_changed["verificationMaterial"]["tlogEntries"][0]["integratedTime"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    time_changed["verificationMaterial"]["tlogEntries"][0]["integratedTime"] =
        (t - 1).to_string().into();
    // the inclusion proof names another root
    let mut proof_changed = original.clone();
    proof_changed["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["rootHash"] =
        base64_encode(&[7u8; 32]).into();

    for (name, bundle, want) in [
        ("payload", payload_changed, "invalid signature"),
        (
            "time",
            time_changed,
            "invalid signature: signed entry timestamp",
        ),
        ("proof", proof_changed, "inclusion proof"),
    ] {
        let path = mock.path(&format!("tampered-{name}.sigstore.json"));
        std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
        let stderr = refused(&mock, &path);
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
}

#[test]
fn a_bundle_from_another_ca_or_log_fails_verification() {
    let (Some(mock), Some(other)) = (mock("ok"), mock("ok")) else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    other.artifact("app.bin");
    // the other instance's root: neither its log nor its CA signed this bundle
    let stderr = refused(&other, &mock.path("app.sigstore.json"));
    assert!(
        stderr.contains("transparency log") && stderr.contains("is not trusted"),
        "{stderr}"
    );

    // this instance's logs, the other instance's CA (and CT log): the certificate is refused
    let mut mixed = read_json(&mock.path("trusted_root.json"));
    let theirs = read_json(&other.path("trusted_root.json"));
    mixed["certificateAuthorities"] = theirs["certificateAuthorities"].clone();
    mixed["ctlogs"] = theirs["ctlogs"].clone();
    std::fs::write(
        other.path("trusted_root.json"),
        serde_json::to_vec(&mixed).unwrap(),
    )
    .unwrap();
    let stderr = refused(&other, &mock.path("app.sigstore.json"));
    assert!(
        stderr.contains("does not chain to a trusted Fulcio CA"),
        "{stderr}"
    );
}

/// `attest --keyless` (every flag but the token, which comes from the environment) `--bundle
/// BUNDLE app.bin`, as a command to add the environment to.
fn attest_without_token(mock: &MockSigstore, bundle: &str) -> std::process::Command {
    let mut cmd = mock.command();
    cmd.arg("attest")
        .args(mock.flags_without_token())
        .args(["--bundle", bundle, "app.bin"]);
    cmd
}

#[test]
fn the_token_comes_from_sigstore_id_token_or_github_actions() {
    let Some(mock) = mock("ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    let out = attest_without_token(&mock, "env.sigstore.json")
        .env("SIGSTORE_ID_TOKEN", token.trim())
        .output()
        .unwrap();
    exits_stderr(&out, 0);

    let out = attest_without_token(&mock, "actions.sigstore.json")
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/actions-token?api-version=2.0", mock.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", ACTIONS_REQUEST_TOKEN)
        .output()
        .unwrap();
    exits_stderr(&out, 0);
    for bundle in ["env.sigstore.json", "actions.sigstore.json"] {
        verifies(&mock, "attest", bundle, app);
    }

    // a wrong request token: the endpoint refuses, exit 2, no bundle
    let out = attest_without_token(&mock, "refused.sigstore.json")
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/actions-token", mock.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong")
        .output()
        .unwrap();
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("GitHub Actions OIDC endpoint at") && stderr.contains("HTTP 401"),
        "{stderr}"
    );
    assert!(!mock.path("refused.sigstore.json").exists());
}

#[cfg(unix)]
#[test]
fn buildkite_and_circleci_tokens_come_from_their_helpers() {
    use std::os::unix::fs::PermissionsExt as _;
    let Some(mock) = mock("ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let bin = mock.path("bin");
    std::fs::create_dir(&bin).unwrap();
    // each helper prints the token only when asked as the real one is asked
    let helpers = [
        ("buildkite-agent", "oidc request-token --audience sigstore"),
        ("circleci", r#"run oidc get --claims {"aud":"sigstore"}"#),
    ];
    for (name, args) in helpers {
        let script = format!(
            "#!/bin/sh\n[ \"$*\" = '{args}' ] || {{ echo \"bad args: $*\" >&2; exit 3; }}\n\
             [ -n \"$FAIL\" ] && exit 1\ncat \"$TOKEN_FILE\"\n"
        );
        let path = bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path_var = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (ci, bundle) in [
        ("BUILDKITE", "bk.sigstore.json"),
        ("CIRCLECI", "cc.sigstore.json"),
    ] {
        let out = attest_without_token(&mock, bundle)
            .env(ci, "true")
            .env("PATH", &path_var)
            .env("TOKEN_FILE", mock.path("token"))
            .output()
            .unwrap();
        exits_stderr(&out, 0);
        verifies(&mock, "attest", bundle, app);

        // the helper fails: exit 2, named, no bundle
        let out = attest_without_token(&mock, "failed.sigstore.json")
            .env(ci, "true")
            .env("PATH", &path_var)
            .env("FAIL", "1")
            .output()
            .unwrap();
        let stderr = exits_stderr(&out, 2);
        assert!(stderr.contains("failed (exit status: 1)"), "{ci}: {stderr}");
        assert!(!mock.path("failed.sigstore.json").exists());
    }
}

#[test]
fn no_token_is_a_usage_error_that_says_where_tokens_come_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    let cli = cli!();
    let out = cli.run(
        dir.path(),
        &["attest", "--keyless", "--bundle", "b.json", "app.bin"],
    );
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("needs an OIDC identity token")
            && stderr.contains("SIGSTORE_ID_TOKEN")
            && stderr.contains("id-token: write"),
        "{stderr}"
    );
    let out = cli.run(
        dir.path(),
        &[
            "attest",
            "--keyless",
            "--identity-token",
            "not-a-jwt",
            "--bundle",
            "b.json",
            "app.bin",
        ],
    );
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("cannot use --identity-token") && stderr.contains("not a JWT"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("not-a-jwt"),
        "the token is echoed: {stderr}"
    );
    assert_eq!(files(dir.path()), ["app.bin"]);
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn quiet_hides_the_keyless_notes_but_not_errors() {
    let Some(mock) = mock("ok") else {
        return;
    };
    let app = mock.artifact("app.bin");
    let attest = |bundle: &str| {
        let mut args = vec!["attest".to_owned()];
        args.extend(mock.flags());
        args.extend(["--bundle".into(), bundle.into(), app.into()]);
        args
    };
    let quiet = [vec!["--quiet".to_owned()], attest("app.sigstore.json")].concat();
    let stderr = exits_stderr(&mock.run(&quiet), 0);
    assert_eq!(stderr, "", "notes with --quiet");
    assert!(mock.path("app.sigstore.json").is_file());
    // without --quiet, the same run says what it did
    let stderr = exits_stderr(&mock.run(&attest("loud.sigstore.json")), 0);
    assert!(stderr.contains("provenance: signing as "), "{stderr}");
    assert!(
        stderr.contains("provenance: signed and verified as "),
        "{stderr}"
    );
    // an error still shows: the bundle exists already
    let stderr = exits_stderr(&mock.run(&quiet), 2);
    assert!(stderr.starts_with("provenance: error: "), "{stderr}");
    assert!(stderr.contains("app.sigstore.json"), "{stderr}");
}

/// The bundle must name the one identity Fulcio derives for the token's kind of issuer: for an
/// email issuer the verified email. A CA that certifies the token's `sub` instead is caught
/// before anything is written; one that certifies the email passes.
#[test]
fn self_verification_wants_the_identity_fulcio_derives_for_the_issuer() {
    const GOOGLE: &str = "https://accounts.google.com";
    let Some(mock) = MockSigstore::start_with(cli!(), "ok", &["--issuer", GOOGLE]) else {
        return;
    };
    let app = mock.artifact("app.bin");
    let out = mock.keyless("attest", &["--bundle", "app.sigstore.json", app]);
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("the signed bundle does not verify against the trusted root")
            && stderr.contains("identity policy not satisfied"),
        "{stderr}"
    );
    assert!(!mock.path("app.sigstore.json").exists());
    drop(mock);

    let Some(mock) =
        MockSigstore::start_with(cli!(), "ok", &["--issuer", GOOGLE, "--san-claim", "email"])
    else {
        return;
    };
    let app = mock.artifact("app.bin");
    let out = mock.keyless("attest", &["--bundle", "app.sigstore.json", app]);
    let stderr = exits_stderr(&out, 0);
    assert!(
        stderr.contains("signed and verified as octo@example.com"),
        "{stderr}"
    );
    let bundle = mock.path("app.sigstore.json");
    let out = mock.verify_provenance(&bundle, app, "octo@example.com", GOOGLE);
    exits_stderr(&out, 0);
}

/// cosign's `--yes` (`-y`), which scripts pass to skip its confirmation prompt, is accepted
/// and changes nothing: nothing here asks.
#[test]
fn cosign_s_yes_is_accepted() {
    let Some(mock) = mock("ok") else {
        return;
    };
    std::fs::write(mock.path("blob.tar"), b"signed with --yes\n").unwrap();
    for (flag, bundle) in [("--yes", "yes.sigstore.json"), ("-y", "y.sigstore.json")] {
        let out = mock.keyless("sign", &[flag, "--bundle", bundle, "blob.tar"]);
        exits_stderr(&out, 0);
        verifies(&mock, "sign", bundle, "blob.tar");
    }
}
