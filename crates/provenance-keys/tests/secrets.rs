//! Secrets never appear in Debug output or error messages; files are written 0600, atomically,
//! and never overwritten without Force; key sources read paths and env:// variables.

use provenance_keys::fs::{Mode, Overwrite, write_atomic};
use provenance_keys::{Error, KeyAlgorithm, KeySource, Password, PrivateKey};

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn debug_and_errors_never_show_secrets() {
    for algorithm in [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
    ] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        let body = pem_body(&pem);
        let debug = format!("{key:?} {:?}", key.public_key());
        assert!(debug.contains(key.key_id().as_str()));
        // No 12-character window of the secret PEM body shows up.
        for window in body.as_bytes().windows(12) {
            assert!(
                !debug.contains(std::str::from_utf8(window).unwrap()),
                "{debug}"
            );
        }
        // Errors from a wrong password name neither the password nor key bytes.
        let encrypted = key
            .to_encrypted_pkcs8_pem(&Password::new("s3cret-pw"))
            .unwrap();
        let err = PrivateKey::from_pem(&encrypted, Some(&Password::new("guess-pw"))).unwrap_err();
        let msg = format!("{err} {err:?}");
        assert!(
            !msg.contains("s3cret-pw") && !msg.contains("guess-pw"),
            "{msg}"
        );
        assert!(!msg.contains(&pem_body(&encrypted)[..16]), "{msg}");
    }
    let password = Password::new("hunter2");
    assert_eq!(format!("{password:?}"), "Password(***)");
}

const ENV_PEM: &str = "PROVENANCE_KEYS_TEST_SOURCE_PEM";
const ENV_EXPECTED_ID: &str = "PROVENANCE_KEYS_TEST_EXPECTED_ID";

#[test]
fn key_source_reads_paths_and_env() {
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.pem");
    std::fs::write(&path, key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
    let source: KeySource = path.to_str().unwrap().parse().unwrap();
    assert_eq!(source.load_private(None).unwrap().key_id(), key.key_id());

    // `set_var` needs `unsafe` (forbidden here): run `env_source_child` in a child process
    // with the variables set.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "env_source_child", "--test-threads=1"])
        .env(ENV_PEM, key.public_key().to_pem())
        .env(ENV_EXPECTED_ID, key.key_id().as_str())
        .status()
        .unwrap();
    assert!(status.success());

    let missing: KeySource = "env://PROVENANCE_KEYS_TEST_UNSET_VARIABLE".parse().unwrap();
    let err = missing.load_public().unwrap_err();
    assert!(format!("{err:?}").contains("EnvVarMissing"));
    assert!("env://".parse::<KeySource>().is_err());
    assert!("env://1X".parse::<KeySource>().is_err());
    assert!("https://example.com/key".parse::<KeySource>().is_err());
}

/// Runs only as the child of `key_source_reads_paths_and_env` (a no-op otherwise).
#[test]
fn env_source_child() {
    let Ok(expected) = std::env::var(ENV_EXPECTED_ID) else {
        return;
    };
    let source: KeySource = format!("env://{ENV_PEM}").parse().unwrap();
    assert_eq!(source.load_public().unwrap().key_id().as_str(), expected);
}

#[test]
fn private_files_are_0600_and_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.pem");
    write_atomic(&path, b"one", Mode::Private, Overwrite::Refuse).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let err = write_atomic(&path, b"two", Mode::Private, Overwrite::Refuse).unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }));
    assert_eq!(std::fs::read(&path).unwrap(), b"one");
    write_atomic(&path, b"three", Mode::Private, Overwrite::Force).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"three");
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("key.pem")]);
}
