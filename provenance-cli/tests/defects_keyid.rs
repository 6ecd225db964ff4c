//! Key ids: envelopes carry securesystemslib's key id by default (so `SSlibKey.from_crypto`
//! finds the key with no override; see scripts/interop/securesystemslib.sh for the Python
//! side), `--keyid-format spki|sslib|none` picks another, and verification never trusts it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance};
use provenance::keys::{KeyIdFormat, PublicKey};

fn keyid_of(envelope_line: &str) -> Option<String> {
    let env: serde_json::Value = serde_json::from_str(envelope_line.trim()).unwrap();
    env["signatures"][0]
        .get("keyid")
        .map(|k| k.as_str().unwrap().to_owned())
}

#[test]
fn sign_and_attest_carry_the_key_id_asked_for_and_verify_with_any() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for algorithm in ["ed25519", "ecdsa-p256", "ecdsa-p384"] {
        let key = format!("{algorithm}.pem");
        exits(
            &provenance(d, &["keygen", "--algorithm", algorithm, "--output", &key]),
            0,
        );
        let public =
            PublicKey::from_pem(&std::fs::read_to_string(d.join(format!("{key}.pub"))).unwrap())
                .unwrap();
        std::fs::write(d.join("app.bin"), algorithm).unwrap();
        std::fs::write(d.join("payload.json"), b"{}").unwrap();
        for (flag, want) in [
            (None, public.key_id_as(KeyIdFormat::Sslib)),
            (Some("sslib"), public.key_id_as(KeyIdFormat::Sslib)),
            (Some("spki"), Some(public.key_id().clone())),
            (Some("none"), None),
        ] {
            let want = want.map(|k| k.as_str().to_owned());
            let extra: Vec<&str> = flag.map(|f| vec!["--keyid-format", f]).unwrap_or_default();
            let signed = exits(
                &provenance(
                    d,
                    &[&["sign", "--key", &key][..], &extra, &["payload.json"]].concat(),
                ),
                0,
            );
            assert_eq!(keyid_of(&signed), want, "sign {algorithm} {flag:?}");
            let line = exits(
                &provenance(
                    d,
                    &[
                        &[
                            "attest",
                            "--key",
                            &key,
                            "--builder-id",
                            "https://ci.example/b",
                        ][..],
                        &extra,
                        &["app.bin"],
                    ]
                    .concat(),
                ),
                0,
            );
            assert_eq!(keyid_of(&line), want, "attest {algorithm} {flag:?}");
            std::fs::write(d.join("app.bin.intoto.jsonl"), &line).unwrap();
            let pubkey = format!("{key}.pub");
            let verdict = exits(&provenance(d, &["verify", "--key", &pubkey, "app.bin"]), 0);
            assert!(verdict.starts_with("PASS app.bin"), "{verdict}");
        }
    }
    // securesystemslib's id is not ours
    let public =
        PublicKey::from_pem(&std::fs::read_to_string(d.join("ed25519.pem.pub")).unwrap()).unwrap();
    assert_ne!(
        public.key_id_as(KeyIdFormat::Sslib).as_ref(),
        Some(public.key_id())
    );
}

#[test]
fn a_keyid_naming_another_key_decides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "a.pem"]), 0);
    exits(&provenance(d, &["keygen", "--output", "b.pem"]), 0);
    std::fs::write(d.join("app.bin"), b"x").unwrap();
    let line = exits(
        &provenance(
            d,
            &[
                "attest",
                "--key",
                "a.pem",
                "--builder-id",
                "https://ci.example/b",
                "app.bin",
            ],
        ),
        0,
    );
    // Relabel a's signature with b's key id: still a's signature, verified by a only.
    let b = PublicKey::from_pem(&std::fs::read_to_string(d.join("b.pem.pub")).unwrap()).unwrap();
    let mut env: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    env["signatures"][0]["keyid"] = b.key_id().as_str().into();
    std::fs::write(d.join("app.bin.intoto.jsonl"), format!("{env}\n")).unwrap();
    let pass = exits(
        &provenance(d, &["verify", "--key", "a.pem.pub", "app.bin"]),
        0,
    );
    assert!(pass.starts_with("PASS app.bin"));
    let fail = exits(
        &provenance(d, &["verify", "--key", "b.pem.pub", "app.bin"]),
        1,
    );
    assert!(fail.starts_with("FAIL app.bin"));
}

#[test]
fn an_unknown_keyid_format_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = provenance(
        dir.path(),
        &["sign", "--keyid-format", "pem", "--key", "k", "-"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--keyid-format"));
}
