//! Nothing is printed before every input is loaded: a bad `--vsa-key` (or a VSA that cannot be
//! written) is exit 2 with no verdict line above it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod defects_common;
use defects_common::{exits, provenance, setup, stderr};

#[test]
fn a_missing_vsa_key_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "vsa.jsonl",
            "--vsa-key",
            "missing.pem",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("missing.pem"), "{}", stderr(&out));
    assert!(!d.join("vsa.jsonl").exists());
}

#[test]
fn a_vsa_key_that_is_not_a_key_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("garbage.pem"), b"not a key\n").unwrap();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "vsa.jsonl",
            "--vsa-key",
            "garbage.pem",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    assert!(stderr(&out).contains("garbage.pem"), "{}", stderr(&out));
    // A public key is no signing key either.
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "vsa.jsonl",
            "--vsa-key",
            "key.pem.pub",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
}

#[test]
fn a_vsa_that_cannot_be_written_is_exit_2_with_no_pass_line() {
    let dir = setup(&[]);
    let d = dir.path();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "no/such/dir/vsa.jsonl",
            "--vsa-key",
            "key.pem",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
    // and with a good key and place, the PASS line and the VSA are both there
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "vsa.jsonl",
            "--vsa-key",
            "key.pem",
            "app.bin",
        ],
    );
    assert!(exits(&out, 0).starts_with("PASS app.bin"));
    assert!(d.join("vsa.jsonl").is_file());
}
