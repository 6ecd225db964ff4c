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

/// Finding 16: two arguments naming one artifact (`app.bin`, `./app.bin`) read the attestation
/// file beside it once: each verdict judges one statement, not the same one twice.
#[test]
fn discovery_reads_one_file_once_whatever_its_spelling() {
    let dir = setup(&[]);
    let d = dir.path();
    let args = ["verify", "--key", "key.pem.pub", "app.bin", "./app.bin"];
    let text = exits(&provenance(d, &args), 0);
    assert_eq!(text.matches("PASS ").count(), 2, "{text}");
    assert!(!text.contains("more statement"), "{text}");
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_str(&exits(&provenance(d, &json_args), 0)).unwrap();
    for artifact in report["artifacts"].as_array().unwrap() {
        assert_eq!(artifact["trace"].as_array().unwrap().len(), 1, "{report}");
    }
}

/// Finding 16: the headline reads "found no attestation", not "found no attestation found".
#[test]
fn no_attestation_headline_grammar() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("other.bin"), b"no provenance\n").unwrap();
    let text = exits(
        &provenance(d, &["verify", "--key", "key.pem.pub", "other.bin"]),
        1,
    );
    assert!(text.ends_with("found no attestation\n"), "{text}");
}

/// Finding 16: standard input can be read once: `verify - -` (or `--attestation -` twice) is
/// a usage error, not a second, empty artifact.
#[test]
fn standard_input_named_twice_is_refused() {
    let dir = setup(&[]);
    let d = dir.path();
    let out = provenance(d, &["verify", "--key", "key.pem.pub", "-", "-"]);
    assert_eq!(exits(&out, 2), "");
    assert!(
        stderr(&out).contains("standard input (-) is named twice as an artifact"),
        "{}",
        stderr(&out)
    );
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "-",
            "--attestation",
            "-",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    assert!(
        stderr(&out).contains("standard input (-) is named twice as --attestation"),
        "{}",
        stderr(&out)
    );
}

/// Finding 16: `--trusted-root` naming `{}` (a root that trusts nothing) is an unusable trust
/// root (exit 2), even beside `--key`; a missing `--trusted-root` file is reported as
/// `--trusted-root`, not as `--key`.
#[test]
fn an_unusable_or_missing_trusted_root_is_exit_2_naming_it() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("empty.json"), "{}").unwrap();
    for extra in [
        &["--key", "key.pem.pub"][..],
        &[
            "--certificate-identity",
            "https://example.com/w",
            "--certificate-oidc-issuer",
            "https://issuer.example.com",
        ][..],
    ] {
        let mut args = vec!["verify", "--trusted-root", "empty.json"];
        args.extend_from_slice(extra);
        args.push("app.bin");
        let out = provenance(d, &args);
        assert_eq!(exits(&out, 2), "", "{extra:?}");
        let err = stderr(&out);
        assert!(
            err.contains("cannot load --trusted-root")
                && err.contains("empty.json")
                && err.contains("unusable trust root"),
            "{err}"
        );
    }
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--trusted-root",
            "nope.json",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    let err = stderr(&out);
    assert!(
        err.contains("cannot load --trusted-root") && err.contains("nope.json"),
        "{err}"
    );
    assert!(!err.contains("--key"), "{err}");
}

/// Finding 16: an RSA public key under 2048 bits is refused at load (exit 2, naming the file
/// and the reason), not reported later as a signature that does not verify.
#[test]
fn a_short_rsa_key_is_refused_at_load() {
    let dir = setup(&[]);
    let d = dir.path();
    let weak = provenance_testkit::test_vectors().join("keys/rsa1024.pub.pem");
    let out = provenance(d, &["verify", "--key", weak.to_str().unwrap(), "app.bin"]);
    assert_eq!(exits(&out, 2), "");
    let err = stderr(&out);
    assert!(
        err.contains("rsa1024.pub.pem")
            && err.contains("RSA key of 1024 bits refused: at least 2048 bits are required"),
        "{err}"
    );
}
