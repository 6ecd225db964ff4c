//! `provenance sign`: DSSE envelopes over any payload, several keys, encrypted keys, failures.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::Path;

use assert_cmd::Command;
use provenance::dsse::{Envelope, Limits, PayloadTypePolicy, Threshold, VerificationKey};
use provenance::keys::{KeyAlgorithm, Password, PrivateKey, PublicKey};

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn write_key(dir: &Path, name: &str, algorithm: KeyAlgorithm, password: Option<&str>) -> PublicKey {
    let key = PrivateKey::generate(algorithm).unwrap();
    let pem = match password {
        Some(pw) => key.to_encrypted_pkcs8_pem(&Password::new(pw)).unwrap(),
        None => key.to_pkcs8_pem().unwrap(),
    };
    std::fs::write(dir.join(name), pem.as_bytes()).unwrap();
    key.public_key().clone()
}

const STATEMENT: &str = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"https://example.com/p","predicate":{}}"#;

#[test]
fn signs_a_file_to_stdout_with_the_in_toto_type() {
    let dir = tempfile::tempdir().unwrap();
    let public = write_key(dir.path(), "k.pem", KeyAlgorithm::Ed25519, None);
    std::fs::write(dir.path().join("st.json"), STATEMENT).unwrap();
    let out = provenance(dir.path())
        .args(["sign", "--key", "k.pem", "st.json"])
        .assert()
        .success();
    let env = Envelope::from_slice(&out.get_output().stdout, &Limits::DEFAULT).unwrap();
    let v = env
        .verify(&PayloadTypePolicy::InToto, &[&public], Threshold::ONE)
        .unwrap();
    assert_eq!(v.payload(), STATEMENT.as_bytes());
    assert_eq!(v.payload_type().as_str(), "application/vnd.in-toto+json");
}

#[test]
fn several_keys_stdin_custom_type_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_key(dir.path(), "a.pem", KeyAlgorithm::EcdsaP256, Some("pw"));
    let b = write_key(dir.path(), "b.pem", KeyAlgorithm::EcdsaP384, Some("pw"));
    provenance(dir.path())
        .args([
            "sign",
            "--key",
            "a.pem",
            "--key",
            "b.pem",
            "--payload-type",
            "text/plain",
            "-o",
            "out.json",
            "-",
        ])
        .env("PROVENANCE_PASSWORD", "pw")
        .write_stdin("hello")
        .assert()
        .success()
        .stdout("");
    let env = Envelope::from_slice(
        &std::fs::read(dir.path().join("out.json")).unwrap(),
        &Limits::DEFAULT,
    )
    .unwrap();
    let policy = PayloadTypePolicy::Exact("text/plain".parse().unwrap());
    let keys: [&dyn VerificationKey; 2] = [&a, &b];
    let v = env
        .verify(&policy, &keys, Threshold::new(2).unwrap())
        .unwrap();
    assert_eq!(v.payload(), b"hello");
    assert_eq!(v.key_ids().len(), 2);
}

#[test]
fn key_from_an_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let out = provenance(dir.path())
        .args(["sign", "--key", "env://CI_SIGNING_KEY", "-"])
        .env("CI_SIGNING_KEY", key.to_pkcs8_pem().unwrap().as_str())
        .write_stdin(STATEMENT)
        .assert()
        .success();
    let env = Envelope::from_slice(&out.get_output().stdout, &Limits::DEFAULT).unwrap();
    assert!(
        env.verify(
            &PayloadTypePolicy::InToto,
            &[key.public_key()],
            Threshold::ONE
        )
        .is_ok()
    );
}

#[test]
fn failures_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_key(dir.path(), "enc.pem", KeyAlgorithm::Ed25519, Some("right"));
    std::fs::write(dir.path().join("st.json"), STATEMENT).unwrap();
    // Encrypted key, no password and no terminal.
    provenance(dir.path())
        .args(["sign", "--key", "enc.pem", "-o", "o.json", "st.json"])
        .assert()
        .code(2);
    // Wrong password: the message does not contain it.
    let out = provenance(dir.path())
        .args(["sign", "--key", "enc.pem", "-o", "o.json", "st.json"])
        .env("PROVENANCE_PASSWORD", "wrong-password")
        .assert()
        .code(2);
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("wrong-password"));
    // Missing key, missing payload, bad payload type.
    provenance(dir.path())
        .args(["sign", "--key", "nope.pem", "-o", "o.json", "st.json"])
        .assert()
        .code(2);
    write_key(dir.path(), "k.pem", KeyAlgorithm::Ed25519, None);
    provenance(dir.path())
        .args(["sign", "--key", "k.pem", "-o", "o.json", "missing.json"])
        .assert()
        .code(2);
    provenance(dir.path())
        .args([
            "sign",
            "--key",
            "k.pem",
            "--payload-type",
            "",
            "-o",
            "o.json",
            "st.json",
        ])
        .assert()
        .code(2);
    assert!(!dir.path().join("o.json").exists());
}
