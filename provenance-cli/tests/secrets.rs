//! Private keys and passwords stay secret: never in `Debug`/`Display`, error messages, command
//! output or written files; key files are created 0600 whatever the umask; a private key file
//! readable by others draws a warning; passwords come from the environment or a terminal, never
//! from the command line.
//!
//! The secret is searched in every form it could leak in: the PEM body (every 12-character
//! window of it), the raw secret scalar in lower and upper hex, its base64, and its bytes as a
//! Rust array would print them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use provenance::keys::{KeyAlgorithm, Password, PrivateKey};
use provenance_testkit::{BUILDER, COMMIT};

const PASSWORD: &str = "correct-horse-battery-staple-77";

fn b64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}

fn b64_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The PEM body (base64 without line breaks) of the first PEM block in `pem`.
fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
}

/// The secret scalar inside an unencrypted PKCS#8 DER: Ed25519 (the 32-byte seed at the end)
/// or ECDSA (the OCTET STRING after `version 1` in the embedded `ECPrivateKey`).
fn secret_scalar(der: &[u8]) -> Vec<u8> {
    for (len, tag) in [(32usize, 0x20u8), (48, 0x30)] {
        let pattern = [0x02, 0x01, 0x01, 0x04, tag];
        if let Some(at) = der.windows(5).position(|w| w == pattern) {
            return der[at + 5..at + 5 + len].to_vec();
        }
    }
    // Ed25519 PKCS#8 v1: ... 04 22 04 20 <32-byte seed>
    let at = der
        .windows(4)
        .position(|w| w == [0x04, 0x22, 0x04, 0x20])
        .expect("an Ed25519 or ECDSA PKCS#8 key");
    der[at + 4..at + 36].to_vec()
}

/// Every form of the secret to look for in output.
struct Needles {
    forms: Vec<String>,
}

impl Needles {
    fn of_pem(pem: &str) -> Self {
        let body = pem_body(pem);
        let der = b64_decode(&body);
        let scalar = secret_scalar(&der);
        let mut forms: Vec<String> = body
            .as_bytes()
            .windows(12)
            .step_by(6)
            .map(|w| String::from_utf8(w.to_vec()).unwrap())
            .collect();
        let hex: String = scalar.iter().fold(String::new(), |mut acc, b| {
            let _ = write!(acc, "{b:02x}");
            acc
        });
        forms.push(hex[..24].to_owned());
        forms.push(hex[hex.len() - 24..].to_owned());
        forms.push(hex[..24].to_uppercase());
        let b64 = b64_encode(&scalar);
        forms.push(b64[..16].to_owned());
        let array: Vec<String> = scalar[..6].iter().map(u8::to_string).collect();
        forms.push(array.join(", "));
        Self { forms }
    }

    /// The first form found in `text`, if any.
    fn found_in(&self, text: &str) -> Option<&str> {
        self.forms
            .iter()
            .find(|f| text.contains(f.as_str()))
            .map(String::as_str)
    }
}

fn provenance(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = provenance_testkit::cli!().command(dir);
    cmd.env("RUST_BACKTRACE", "1")
        // Whatever logging a dependency might do, at its most verbose.
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_clean(what: &str, out: &Output, needles: &Needles) {
    let all = text(out);
    if let Some(found) = needles.found_in(&all) {
        panic!("{what}: output contains secret material {found:?}:\n{all}");
    }
}

/// A command to run: what it is, its arguments, extra environment.
type Run<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Runs every command that touches the key, successful or failing, and checks all output and
/// every file written for the secret.
#[test]
fn private_key_never_in_command_output_or_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let keygen = provenance(d, &["keygen", "--output", "key.pem"], &[]);
    assert!(keygen.status.success(), "{keygen:?}");
    let pem = std::fs::read_to_string(d.join("key.pem")).unwrap();
    let needles = Needles::of_pem(&pem);
    // The search itself works: the key file is full of needles.
    assert!(needles.found_in(&pem).is_some());
    assert_clean("keygen", &keygen, &needles);

    std::fs::write(d.join("app.bin"), b"the artifact\n").unwrap();
    std::fs::write(d.join("payload.json"), b"{\"a\":1}").unwrap();
    // A corrupted copy: one character changed in the middle of the body.
    let mut bad = pem.clone().into_bytes();
    let mid = pem.find('\n').unwrap() + 20;
    bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
    std::fs::write(d.join("bad.pem"), &bad).unwrap();
    // The private key where a public key belongs, and a truncated one.
    std::fs::write(d.join("truncated.pem"), &pem[..pem.len() / 2]).unwrap();
    let bad_text = String::from_utf8(bad).unwrap();

    let runs: Vec<Run> = vec![
        (
            "sign",
            vec![
                "sign",
                "--key",
                "key.pem",
                "--output",
                "signed.json",
                "payload.json",
            ],
            vec![],
        ),
        (
            "attest",
            vec![
                "attest",
                "--key",
                "key.pem",
                "--output",
                "app.bin.intoto.jsonl",
                "--bundle",
                "app.bin.sigstore.json",
                "--builder-id",
                BUILDER,
                "--source-uri",
                "https://github.com/example/app",
                "--source-commit",
                COMMIT,
                "app.bin",
            ],
            vec![],
        ),
        (
            "verify with the private key as --key",
            vec!["verify", "--key", "key.pem", "app.bin"],
            vec![],
        ),
        (
            "verify --vsa-key",
            vec![
                "verify",
                "--key",
                "key.pem.pub",
                "--builder-id",
                BUILDER,
                "--vsa-output",
                "vsa.json",
                "--vsa-key",
                "key.pem",
                "app.bin",
            ],
            vec![],
        ),
        ("inspect the key file", vec!["inspect", "key.pem"], vec![]),
        (
            "inspect --format json the key file",
            vec!["inspect", "--format", "json", "key.pem"],
            vec![],
        ),
        (
            "digest of the key file (hash only)",
            vec!["digest", "key.pem"],
            vec![],
        ),
        (
            "sign with a corrupted key",
            vec!["sign", "--key", "bad.pem", "payload.json"],
            vec![],
        ),
        (
            "sign with a truncated key",
            vec!["sign", "--key", "truncated.pem", "payload.json"],
            vec![],
        ),
        (
            "sign with a corrupted env:// key",
            vec!["sign", "--key", "env://SIGNING_KEY", "payload.json"],
            vec![("SIGNING_KEY", bad_text.as_str())],
        ),
        (
            "sign with an env:// key",
            vec!["sign", "--key", "env://SIGNING_KEY", "payload.json"],
            vec![("SIGNING_KEY", pem.as_str())],
        ),
        (
            "verify with a corrupted key as --key",
            vec!["verify", "--key", "bad.pem", "app.bin"],
            vec![],
        ),
        (
            "trace with the private key as --key",
            vec!["trace", "--store", ".", "--key", "key.pem", "app.bin"],
            vec![],
        ),
    ];
    for (what, args, envs) in &runs {
        let out = provenance(d, args, envs);
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{what}: exit {:?}\n{}",
            out.status.code(),
            text(&out)
        );
        assert!(
            !text(&out).contains("panicked at"),
            "{what}: {}",
            text(&out)
        );
        assert_clean(what, &out, &needles);
    }
    // The corrupted key's own body must not be echoed either.
    let bad_needles = Needles {
        forms: pem_body(&bad_text)
            .as_bytes()
            .windows(12)
            .step_by(6)
            .map(|w| String::from_utf8(w.to_vec()).unwrap())
            .collect(),
    };
    for (what, args, envs) in runs.iter().filter(|r| r.0.contains("corrupted")) {
        let out = provenance(d, args, envs);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", text(&out));
        if let Some(found) = bad_needles.found_in(&text(&out)) {
            panic!(
                "{what}: output echoes the key file ({found:?}):\n{}",
                text(&out)
            );
        }
    }
    // Nothing written holds the secret.
    for entry in std::fs::read_dir(d).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if ["key.pem", "bad.pem", "truncated.pem"].contains(&name.as_str()) {
            continue;
        }
        let content = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        if let Some(found) = needles.found_in(&content) {
            panic!("{name} contains secret material {found:?}");
        }
    }
}

/// The password of an encrypted key never appears, whether it is right or wrong.
#[test]
fn password_never_in_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = [("PROVENANCE_PASSWORD", PASSWORD)];
    let keygen = provenance(d, &["keygen", "--output", "key.pem"], &env);
    assert!(keygen.status.success(), "{keygen:?}");
    let pem = std::fs::read_to_string(d.join("key.pem")).unwrap();
    assert!(pem.contains("ENCRYPTED PRIVATE KEY"), "{pem}");
    assert!(!text(&keygen).contains(PASSWORD));
    std::fs::write(d.join("payload.json"), b"{}").unwrap();
    let good = provenance(d, &["sign", "--key", "key.pem", "payload.json"], &env);
    assert!(good.status.success(), "{}", text(&good));
    assert!(!text(&good).contains(PASSWORD));
    let wrong_password = "wrong-password-3f9a";
    let wrong = provenance(
        d,
        &["sign", "--key", "key.pem", "payload.json"],
        &[("PROVENANCE_PASSWORD", wrong_password)],
    );
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
    assert!(!text(&wrong).contains(wrong_password), "{}", text(&wrong));
    assert!(!text(&wrong).contains(PASSWORD));
}

/// Library: `Debug` of keys and passwords, and `Display`/`Debug` of load errors.
#[test]
fn debug_and_errors_never_show_secrets() {
    for algorithm in [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
    ] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let pem = key.to_pkcs8_pem().unwrap();
        let needles = Needles::of_pem(&pem);
        for shown in [format!("{key:?}"), format!("{key:#?}")] {
            assert!(
                needles.found_in(&shown).is_none(),
                "{algorithm:?}: Debug shows the secret: {shown}"
            );
        }
        // A corrupted PEM: the error names the problem, not the content.
        let mut bad = pem.to_string().into_bytes();
        let mid = pem.find('\n').unwrap() + 10;
        bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        if let Err(err) = PrivateKey::from_pem(&bad, None) {
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(needles.found_in(&shown).is_none(), "{shown}");
            }
        }
        // Encrypted: wrong password error shows neither key nor password.
        let password = Password::new(PASSWORD);
        let encrypted = key.to_encrypted_pkcs8_pem(&password).unwrap();
        let wrong = PrivateKey::from_pem(&encrypted, Some(&Password::new("nope-91"))).unwrap_err();
        for shown in [wrong.to_string(), format!("{wrong:?}")] {
            assert!(!shown.contains("nope-91"), "{shown}");
            assert!(needles.found_in(&shown).is_none(), "{shown}");
        }
        let opened = PrivateKey::from_pem(&encrypted, Some(&password)).unwrap();
        assert_eq!(opened.key_id(), key.key_id());
    }
    let password = Password::new(PASSWORD);
    for shown in [format!("{password:?}"), format!("{password:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains(&PASSWORD[..8]), "{shown}");
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `keygen` writes the private key 0600 even under `umask 000`, also when replacing a
/// world-readable file with `--force`.
#[test]
fn key_files_are_written_0600_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, pre_existing) in [
        ("keygen --output a.pem", false),
        ("keygen --algorithm ecdsa-p256 --output b.pem", false),
        ("keygen --force --output c.pem", true),
    ] {
        let name = args.split(' ').next_back().unwrap();
        if pre_existing {
            std::fs::write(d.join(name), b"old").unwrap();
            std::fs::set_permissions(d.join(name), std::fs::Permissions::from_mode(0o666)).unwrap();
        }
        let out = Command::new("sh")
            .current_dir(d)
            .env_remove("PROVENANCE_PASSWORD")
            .arg("-c")
            .arg(format!("umask 000; exec \"$0\" {args}"))
            .arg(provenance_testkit::cli!().bin())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args}: {}", text(&out));
        assert_eq!(mode(&d.join(name)), 0o600, "{args}: private key mode");
        let public = d.join(format!("{name}.pub"));
        assert_eq!(
            mode(&public) & 0o022,
            0,
            "{args}: public key writable by others"
        );
    }
    // An encrypted key too.
    let out = Command::new("sh")
        .current_dir(d)
        .env("PROVENANCE_PASSWORD", PASSWORD)
        .arg("-c")
        .arg("umask 000; exec \"$0\" keygen --output enc.pem")
        .arg(provenance_testkit::cli!().bin())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(mode(&d.join("enc.pem")), 0o600);
}

/// Signing with a private key file that group or others can read warns (the key may already
/// have leaked); a 0600 file does not.
#[test]
fn readable_private_key_file_warns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = provenance(d, &["keygen", "--output", "key.pem"], &[]);
    assert!(out.status.success());
    std::fs::write(d.join("payload.json"), b"{}").unwrap();
    let quiet = provenance(d, &["sign", "--key", "key.pem", "payload.json"], &[]);
    assert!(quiet.status.success());
    assert!(
        !String::from_utf8_lossy(&quiet.stderr).contains("warning"),
        "{}",
        text(&quiet)
    );
    for m in [0o640, 0o604, 0o644] {
        std::fs::set_permissions(d.join("key.pem"), std::fs::Permissions::from_mode(m)).unwrap();
        let out = provenance(d, &["sign", "--key", "key.pem", "payload.json"], &[]);
        assert!(out.status.success(), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(
            stderr.contains("warning")
                && (stderr.contains("readable")
                    || stderr.contains("permission")
                    || stderr.contains(&format!("{m:o}"))),
            "mode {m:o}: no warning:\n{}",
            text(&out)
        );
    }
}

/// No command takes a password flag; an encrypted key without `PROVENANCE_PASSWORD` and
/// without a terminal is a clear error, not a hang.
#[test]
fn passwords_only_from_environment_or_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for cmd in [
        "digest",
        "keygen",
        "statement",
        "sign",
        "attest",
        "verify",
        "inspect",
        "trace",
    ] {
        let out = provenance(d, &[cmd, "--help"], &[]);
        assert!(out.status.success(), "{cmd} --help");
        let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
        // Every long flag named anywhere in the help.
        let flags: Vec<&str> = help
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .collect();
        assert!(flags.contains(&"--help"), "{cmd}: {help}");
        for flag in flags {
            assert!(
                !flag.contains("pass"),
                "{cmd} has a password-like flag {flag}"
            );
        }
    }
    for flag in ["--password", "--passphrase", "--pass", "--key-password"] {
        let out = provenance(d, &["sign", flag, "x", "--key", "k.pem", "f"], &[]);
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", text(&out));
    }
    let out = provenance(
        d,
        &["keygen", "--output", "enc.pem"],
        &[("PROVENANCE_PASSWORD", PASSWORD)],
    );
    assert!(out.status.success());
    std::fs::write(d.join("payload.json"), b"{}").unwrap();
    let out = provenance(d, &["sign", "--key", "enc.pem", "payload.json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PROVENANCE_PASSWORD"),
        "{}",
        text(&out)
    );
}
