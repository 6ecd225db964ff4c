//! `provenance keygen`: key pairs on disk, modes, no overwrite, encryption from the environment.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::Path;

use assert_cmd::Command;
use provenance::keys::{KeyAlgorithm, Password, PrivateKey, PublicKey};

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn writes_a_matching_pair_for_each_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, algorithm) in [
        (None, KeyAlgorithm::Ed25519),
        (Some("ecdsa-p256"), KeyAlgorithm::EcdsaP256),
        (Some("ecdsa-p384"), KeyAlgorithm::EcdsaP384),
    ] {
        let name = algorithm.name();
        let mut cmd = provenance(dir.path());
        cmd.args(["keygen", "--output", name]);
        if let Some(flag) = flag {
            cmd.args(["--algorithm", flag]);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let private = PrivateKey::from_pem(&read(&dir.path().join(name)), None).unwrap();
        let public = PublicKey::from_pem(&read(&dir.path().join(format!("{name}.pub")))).unwrap();
        assert_eq!(private.algorithm(), algorithm);
        assert_eq!(private.public_key(), &public);
        assert!(
            String::from_utf8(out)
                .unwrap()
                .contains(public.key_id().as_str())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    provenance(dir.path())
        .args(["keygen", "-o", "k"])
        .assert()
        .success();
    let before = read(&dir.path().join("k"));
    provenance(dir.path())
        .args(["keygen", "-o", "k"])
        .assert()
        .code(2);
    assert_eq!(read(&dir.path().join("k")), before);
    // Only the .pub existing is enough to refuse.
    std::fs::remove_file(dir.path().join("k")).unwrap();
    provenance(dir.path())
        .args(["keygen", "-o", "k"])
        .assert()
        .code(2);
    assert!(!dir.path().join("k").exists());
    provenance(dir.path())
        .args(["keygen", "-o", "k", "--force"])
        .assert()
        .success();
    assert_ne!(read(&dir.path().join("k")), before);
}

#[test]
fn encrypts_when_the_password_variable_is_set() {
    let dir = tempfile::tempdir().unwrap();
    provenance(dir.path())
        .args(["keygen", "-o", "k"])
        .env("PROVENANCE_PASSWORD", "pw-from-env")
        .assert()
        .success();
    let pem = read(&dir.path().join("k"));
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let key = PrivateKey::from_pem(&pem, Some(&Password::new("pw-from-env"))).unwrap();
    let public = PublicKey::from_pem(&read(&dir.path().join("k.pub"))).unwrap();
    assert_eq!(key.key_id(), public.key_id());
    // The password never shows up in the output.
    let out = provenance(dir.path())
        .args(["keygen", "-o", "k2"])
        .env("PROVENANCE_PASSWORD", "pw-from-env")
        .assert()
        .success();
    let output = out.get_output();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains("pw-from-env"));
}

#[test]
fn rejects_unknown_algorithms() {
    let dir = tempfile::tempdir().unwrap();
    provenance(dir.path())
        .args(["keygen", "-o", "k", "-a", "rsa"])
        .assert()
        .code(2);
    assert!(!dir.path().join("k").exists());
}
