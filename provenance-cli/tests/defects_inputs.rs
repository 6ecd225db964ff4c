//! Nothing is printed before every input is loaded: a bad `--vsa-key` (or a VSA that cannot be
//! written) is exit 2 with no verdict line above it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod defects_common;
use std::path::Path;
use std::process::Output;

use defects_common::{exits, provenance, setup, stderr};

/// `verify --key key.pem.pub --vsa-output OUTPUT --vsa-key KEY app.bin` in `d`.
fn verify_with_vsa(d: &Path, output: &str, key: &str) -> Output {
    provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            output,
            "--vsa-key",
            key,
            "app.bin",
        ],
    )
}

#[test]
fn a_missing_vsa_key_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    let out = verify_with_vsa(d, "vsa.jsonl", "missing.pem");
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("missing.pem"), "{}", stderr(&out));
    assert!(!d.join("vsa.jsonl").exists());
}

#[test]
fn a_vsa_key_that_is_not_a_key_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("garbage.pem"), b"not a key\n").unwrap();
    let out = verify_with_vsa(d, "vsa.jsonl", "garbage.pem");
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("garbage.pem"), "{}", stderr(&out));
    // A public key is no signing key either.
    let out = verify_with_vsa(d, "vsa.jsonl", "key.pem.pub");
    assert_eq!(exits(&out, 2), "");
}

#[test]
fn a_vsa_that_cannot_be_written_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    let out = verify_with_vsa(d, "no/such/dir/vsa.jsonl", "key.pem");
    assert_eq!(exits(&out, 2), "");
    // and with a good key and place, the PASS line and the VSA are both there
    let out = verify_with_vsa(d, "vsa.jsonl", "key.pem");
    assert!(exits(&out, 0).starts_with("PASS app.bin"));
    assert!(d.join("vsa.jsonl").is_file());
}

/// Deterministic noise with NUL bytes, invalid UTF-8 and many newlines.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// Finding 10: a binary attestation file is one error (exit 2) as in `inspect`, whether given
/// with `--attestation`, found beside the artifact, or in a `trace --store`.
#[test]
fn a_binary_attestation_file_is_one_error() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("bin.dat"), noise(300_000)).unwrap();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "bin.dat",
            "app.bin",
        ],
    );
    let err = stderr(&out);
    assert_eq!(exits(&out, 2), "");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bin.dat is binary data, not JSON or JSON lines"),
        "{err}"
    );
    // Discovery beside the artifact, and a trace store.
    std::fs::write(d.join("app.bin.intoto.jsonl"), noise(300_000)).unwrap();
    let out = provenance(d, &["verify", "--key", "key.pem.pub", "app.bin"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("app.bin.intoto.jsonl is binary data"), "{err}");
    assert!(err.lines().count() <= 2, "{err}");
    let out = provenance(
        d,
        &["trace", "--store", ".", "--key", "key.pem.pub", "app.bin"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("is binary data, not JSON or JSON lines"),
        "{err}"
    );
    assert!(err.lines().count() <= 2, "{err}");
}

/// Finding 10: text that is not attestations gives the first ten skipped lines of each file,
/// then a count, not one warning per line.
#[test]
fn skipped_lines_are_reported_up_to_a_bound_per_file() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("garb.jsonl"), "not json\n".repeat(5_000)).unwrap();
    std::fs::write(d.join("few.jsonl"), "not json\n".repeat(3)).unwrap();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "garb.jsonl",
            "--attestation",
            "few.jsonl",
            "--attestation",
            "app.bin.intoto.jsonl",
            "app.bin",
        ],
    );
    let err = stderr(&out);
    assert!(exits(&out, 0).starts_with("PASS app.bin"), "{err}");
    let skipped: Vec<&str> = err.lines().filter(|l| l.contains(": skipped: ")).collect();
    assert_eq!(skipped.len(), 13, "{err}");
    assert!(err.contains("garb.jsonl:10: skipped"), "{err}");
    assert!(!err.contains("garb.jsonl:11: skipped"), "{err}");
    assert!(err.contains("few.jsonl:3: skipped"), "{err}");
    assert!(
        err.contains("\u{2026} and 4990 more lines of garb.jsonl skipped"),
        "{err}"
    );
    assert!(!err.contains("more lines of few.jsonl"), "{err}");
    assert!(err.lines().count() <= 16, "{err}");
}
