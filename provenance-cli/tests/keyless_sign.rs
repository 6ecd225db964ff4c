//! `attest --keyless` and `sign --keyless` against a local Sigstore (npm `@sigstore/mock`):
//! the bundles verify with `provenance verify` given the mock's trusted root and the token's
//! identity and issuer; another identity, issuer or CA, and tampered bundles, fail.
#![cfg(feature = "sign")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns"
)]

mod keyless_common;

use keyless_common::{ISSUER, MockSigstore, SUBJECT, exits, files, run, verify, verify_provenance};
use serde_json::Value;

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn attest(mock: &MockSigstore, bundle: &str) {
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["attest".to_owned()];
    args.extend(mock.flags());
    args.extend(["--bundle".into(), bundle.into(), "app.bin".into()]);
    let stderr = exits(&run(mock.dir.path(), &args), 0);
    assert!(
        stderr.contains(&format!("signing as {SUBJECT} (issuer {ISSUER})")),
        "{stderr}"
    );
    assert!(stderr.contains("signed and verified as"), "{stderr}");
}

#[test]
fn attest_keyless_writes_a_v03_bundle_with_a_dsse_rekor_entry_that_verifies() {
    let Some(mock) = MockSigstore::start("ok") else {
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

    let out = verify_provenance(
        &mock,
        &mock.path("app.sigstore.json"),
        "app.bin",
        SUBJECT,
        ISSUER,
    );
    exits(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("PASS app.bin") && stdout.contains(SUBJECT),
        "{stdout}"
    );
}

#[test]
fn a_signing_config_naming_a_tsa_adds_an_rfc3161_timestamp() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let token = format!("@{}", mock.path("token").display());
    let config = mock.path("signing_config.json");
    let root = mock.path("trusted_root.json");
    let attest_with_tsa = |bundle: &str| {
        let out = run(
            mock.dir.path(),
            &[
                "attest",
                "--keyless",
                "--identity-token",
                &token,
                "--signing-config",
                config.to_str().unwrap(),
                "--trusted-root",
                root.to_str().unwrap(),
                "--bundle",
                bundle,
                "app.bin",
            ],
        );
        let stderr = exits(&out, 0);
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
    exits(
        &verify_provenance(
            &mock,
            &mock.path("app.sigstore.json"),
            "app.bin",
            SUBJECT,
            ISSUER,
        ),
        0,
    );

    // the second signature's timestamp does not cover the first signature
    let mut swapped = first.clone();
    *swapped.pointer_mut(stamps).unwrap() = second.pointer(stamps).unwrap().clone();
    let path = mock.path("swapped.sigstore.json");
    std::fs::write(&path, serde_json::to_vec(&swapped).unwrap()).unwrap();
    let stderr = exits(&verify(&mock, &path, "app.bin", SUBJECT, ISSUER), 1);
    assert!(
        stderr.contains("timestamp does not cover this signature"),
        "{stderr}"
    );
}

#[test]
fn rekor_v2_with_a_tsa_logs_hashedrekord_0_0_2_entries_that_verify() {
    let Some(mock) = MockSigstore::start_with("ok", &["--rekor-v2", "yes"]) else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let token = format!("@{}", mock.path("token").display());
    let config = mock.path("signing_config.json");
    let root = mock.path("trusted_root.json");
    for (command, bundle) in [
        ("attest", "app.sigstore.json"),
        ("sign", "app.bin.blob.sigstore.json"),
    ] {
        let out = run(
            mock.dir.path(),
            &[
                command,
                "--keyless",
                "--identity-token",
                &token,
                "--signing-config",
                config.to_str().unwrap(),
                "--trusted-root",
                root.to_str().unwrap(),
                "--bundle",
                bundle,
                "app.bin",
            ],
        );
        let stderr = exits(&out, 0);
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
        exits(
            &if command == "attest" {
                verify_provenance(&mock, &mock.path(bundle), "app.bin", SUBJECT, ISSUER)
            } else {
                verify(&mock, &mock.path(bundle), "app.bin", SUBJECT, ISSUER)
            },
            0,
        );
    }

    // without its timestamp, a Rekor v2 bundle has no signing time
    let mut bare = read_json(&mock.path("app.sigstore.json"));
    bare["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("timestampVerificationData");
    let path = mock.path("bare.sigstore.json");
    std::fs::write(&path, serde_json::to_vec(&bare).unwrap()).unwrap();
    let stderr = exits(&verify(&mock, &path, "app.bin", SUBJECT, ISSUER), 1);
    assert!(
        stderr.contains("a Rekor v2 entry needs an RFC 3161 timestamp"),
        "{stderr}"
    );
}

#[test]
fn attest_keyless_output_appends_the_bundle_as_a_jsonl_line() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["attest".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--output".into(),
        "app.bin.intoto.jsonl".into(),
        "app.bin".into(),
    ]);
    exits(&run(mock.dir.path(), &args), 0);
    exits(&run(mock.dir.path(), &args), 0);
    let text = std::fs::read_to_string(mock.path("app.bin.intoto.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    // found next to the artifact, without --attestation
    let root = mock.path("trusted_root.json");
    let out = run(
        mock.dir.path(),
        &[
            "verify",
            "--trusted-root",
            root.to_str().unwrap(),
            "--certificate-identity",
            SUBJECT,
            "--certificate-oidc-issuer",
            ISSUER,
            "--builder-id",
            SUBJECT,
            "app.bin",
        ],
    );
    exits(&out, 0);
}

#[test]
fn sign_keyless_bundle_is_a_message_signature_that_verify_blob_accepts() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("blob.tar"), b"any bytes at all\x00\x01").unwrap();
    let mut args = vec!["sign".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "blob.tar.sigstore.json".into(),
        "blob.tar".into(),
    ]);
    exits(&run(mock.dir.path(), &args), 0);
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
    let out = verify(
        &mock,
        &mock.path("blob.tar.sigstore.json"),
        "blob.tar",
        SUBJECT,
        ISSUER,
    );
    exits(&out, 0);

    // another artifact with the same bundle fails
    std::fs::write(mock.path("other.tar"), b"other bytes").unwrap();
    let out = verify(
        &mock,
        &mock.path("blob.tar.sigstore.json"),
        "other.tar",
        SUBJECT,
        ISSUER,
    );
    exits(&out, 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL other.tar")
            && stdout.contains("1 signature(s) over an artifact do not verify for this one"),
        "{stdout}"
    );
}

#[test]
fn sign_keyless_bundle_streams_a_blob_larger_than_the_payload_limit() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    // 257 MiB (sparse): more than `sign` reads into memory as a DSSE payload (256 MiB); a
    // message signature needs only the blob's digest, so it is streamed.
    let big = std::fs::File::create(mock.path("big.img")).unwrap();
    big.set_len(257 << 20).unwrap();
    drop(big);
    let mut args = vec!["sign".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "big.img.sigstore.json".into(),
        "big.img".into(),
    ]);
    exits(&run(mock.dir.path(), &args), 0);
    let out = verify(
        &mock,
        &mock.path("big.img.sigstore.json"),
        "big.img",
        SUBJECT,
        ISSUER,
    );
    exits(&out, 0);
    // a DSSE payload is still bounded
    let mut args = vec!["sign".to_owned()];
    args.extend(mock.flags());
    args.extend(["--output".into(), "big.dsse.json".into(), "big.img".into()]);
    let out = run(mock.dir.path(), &args);
    exits(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is larger than 268435456 bytes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!mock.path("big.dsse.json").exists());
}

#[test]
fn sign_keyless_output_wraps_the_payload_in_a_dsse_bundle() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("doc.json"), br#"{"hello":"world"}"#).unwrap();
    let mut args = vec!["sign".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--payload-type".into(),
        "application/json".into(),
        "--output".into(),
        "doc.sigstore.json".into(),
        "doc.json".into(),
    ]);
    exits(&run(mock.dir.path(), &args), 0);
    let bundle = read_json(&mock.path("doc.sigstore.json"));
    assert_eq!(bundle["dsseEnvelope"]["payloadType"], "application/json");
    assert_eq!(
        bundle["dsseEnvelope"]["payload"],
        "eyJoZWxsbyI6IndvcmxkIn0="
    );
}

#[test]
fn another_identity_or_issuer_fails_verification() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    let bundle = mock.path("app.sigstore.json");
    let other = "https://github.com/octo-org/other/.github/workflows/release.yml@refs/heads/main";
    let stderr = exits(&verify(&mock, &bundle, "app.bin", other, ISSUER), 1);
    assert!(
        stderr.contains(&format!(
            "certificate identity (SAN): expected \"{other}\", got \"{SUBJECT}\""
        )),
        "{stderr}"
    );
    let stderr = exits(
        &verify(
            &mock,
            &bundle,
            "app.bin",
            SUBJECT,
            "https://accounts.google.com",
        ),
        1,
    );
    assert!(stderr.contains("identity policy not satisfied"), "{stderr}");
    assert!(stderr.contains(ISSUER), "{stderr}");
}

#[test]
fn tampered_bundles_fail_verification() {
    let Some(mock) = MockSigstore::start("ok") else {
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
        let stderr = exits(&verify(&mock, &path, "app.bin", SUBJECT, ISSUER), 1);
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
}

#[test]
fn a_bundle_from_another_ca_or_log_fails_verification() {
    let (Some(mock), Some(other)) = (MockSigstore::start("ok"), MockSigstore::start("ok")) else {
        return;
    };
    attest(&mock, "app.sigstore.json");
    std::fs::write(other.path("app.bin"), b"the artifact\n").unwrap();
    // the other instance's root: neither its log nor its CA signed this bundle
    let stderr = exits(
        &verify(
            &other,
            &mock.path("app.sigstore.json"),
            "app.bin",
            SUBJECT,
            ISSUER,
        ),
        1,
    );
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
    let stderr = exits(
        &verify(
            &other,
            &mock.path("app.sigstore.json"),
            "app.bin",
            SUBJECT,
            ISSUER,
        ),
        1,
    );
    assert!(
        stderr.contains("does not chain to a trusted Fulcio CA"),
        "{stderr}"
    );
}

#[test]
fn the_token_comes_from_sigstore_id_token_or_github_actions() {
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    let base = |bundle: &str| {
        let mut args = vec!["attest".to_owned()];
        let flags = mock.flags();
        // every flag but --identity-token @FILE
        args.extend(flags.iter().take(1).cloned());
        args.extend(flags.iter().skip(3).cloned());
        args.extend(["--bundle".into(), bundle.into(), "app.bin".into()]);
        args
    };
    let out = keyless_common::command(mock.dir.path())
        .args(base("env.sigstore.json"))
        .env("SIGSTORE_ID_TOKEN", token.trim())
        .output()
        .unwrap();
    exits(&out, 0);

    let out = keyless_common::command(mock.dir.path())
        .args(base("actions.sigstore.json"))
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/actions-token?api-version=2.0", mock.url),
        )
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            keyless_common::ACTIONS_REQUEST_TOKEN,
        )
        .output()
        .unwrap();
    exits(&out, 0);
    for bundle in ["env.sigstore.json", "actions.sigstore.json"] {
        exits(
            &verify_provenance(&mock, &mock.path(bundle), "app.bin", SUBJECT, ISSUER),
            0,
        );
    }

    // a wrong request token: the endpoint refuses, exit 2, no bundle
    let out = keyless_common::command(mock.dir.path())
        .args(base("refused.sigstore.json"))
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            format!("{}/actions-token", mock.url),
        )
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong")
        .output()
        .unwrap();
    let stderr = exits(&out, 2);
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
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
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
    let flags = mock.flags();
    for (ci, bundle) in [
        ("BUILDKITE", "bk.sigstore.json"),
        ("CIRCLECI", "cc.sigstore.json"),
    ] {
        let mut args = vec!["attest".to_owned(), flags[0].clone()];
        args.extend(flags.iter().skip(3).cloned());
        args.extend(["--bundle".into(), bundle.into(), "app.bin".into()]);
        let out = keyless_common::command(mock.dir.path())
            .args(&args)
            .env(ci, "true")
            .env("PATH", &path_var)
            .env("TOKEN_FILE", mock.path("token"))
            .output()
            .unwrap();
        exits(&out, 0);
        exits(
            &verify_provenance(&mock, &mock.path(bundle), "app.bin", SUBJECT, ISSUER),
            0,
        );

        // the helper fails: exit 2, named, no bundle
        let out = keyless_common::command(mock.dir.path())
            .args(&args[..args.len() - 3])
            .args(["--bundle", "failed.sigstore.json", "app.bin"])
            .env(ci, "true")
            .env("PATH", &path_var)
            .env("FAIL", "1")
            .output()
            .unwrap();
        let stderr = exits(&out, 2);
        assert!(stderr.contains("failed (exit status: 1)"), "{ci}: {stderr}");
        assert!(!mock.path("failed.sigstore.json").exists());
    }
}

#[test]
fn no_token_is_a_usage_error_that_says_where_tokens_come_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.bin"), b"x").unwrap();
    let out = run(
        dir.path(),
        &["attest", "--keyless", "--bundle", "b.json", "app.bin"],
    );
    let stderr = exits(&out, 2);
    assert!(
        stderr.contains("needs an OIDC identity token")
            && stderr.contains("SIGSTORE_ID_TOKEN")
            && stderr.contains("id-token: write"),
        "{stderr}"
    );
    let out = run(
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
    let stderr = exits(&out, 2);
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
    let Some(mock) = MockSigstore::start("ok") else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["--quiet".to_owned(), "attest".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "app.sigstore.json".into(),
        "app.bin".into(),
    ]);
    let stderr = exits(&run(mock.dir.path(), &args), 0);
    assert_eq!(stderr, "", "notes with --quiet");
    assert!(mock.path("app.sigstore.json").is_file());
    // without --quiet, the same run says what it did
    let mut loud = args[1..].to_vec();
    let last = loud.len() - 2;
    loud[last] = "loud.sigstore.json".into();
    let stderr = exits(&run(mock.dir.path(), &loud), 0);
    assert!(stderr.contains("provenance: signing as "), "{stderr}");
    assert!(
        stderr.contains("provenance: signed and verified as "),
        "{stderr}"
    );
    // an error still shows: the bundle exists already
    let stderr = exits(&run(mock.dir.path(), &args), 2);
    assert!(stderr.starts_with("provenance: error: "), "{stderr}");
    assert!(stderr.contains("app.sigstore.json"), "{stderr}");
}

/// The bundle must name the one identity Fulcio derives for the token's kind of issuer: for an
/// email issuer the verified email. A CA that certifies the token's `sub` instead is caught
/// before anything is written; one that certifies the email passes.
#[test]
fn self_verification_wants_the_identity_fulcio_derives_for_the_issuer() {
    const GOOGLE: &str = "https://accounts.google.com";
    let Some(mock) = MockSigstore::start_with("ok", &["--issuer", GOOGLE]) else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["attest".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "app.sigstore.json".into(),
        "app.bin".into(),
    ]);
    let stderr = exits(&run(mock.dir.path(), &args), 2);
    assert!(
        stderr.contains("the signed bundle does not verify against the trusted root")
            && stderr.contains("identity policy not satisfied"),
        "{stderr}"
    );
    assert!(!mock.path("app.sigstore.json").exists());
    drop(mock);

    let Some(mock) = MockSigstore::start_with("ok", &["--issuer", GOOGLE, "--san-claim", "email"])
    else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec!["attest".to_owned()];
    args.extend(mock.flags());
    args.extend([
        "--bundle".into(),
        "app.sigstore.json".into(),
        "app.bin".into(),
    ]);
    let stderr = exits(&run(mock.dir.path(), &args), 0);
    assert!(
        stderr.contains("signed and verified as octo@example.com"),
        "{stderr}"
    );
    exits(
        &verify_provenance(
            &mock,
            &mock.path("app.sigstore.json"),
            "app.bin",
            "octo@example.com",
            GOOGLE,
        ),
        0,
    );
}
