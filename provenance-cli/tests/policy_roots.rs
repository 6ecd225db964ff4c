//! Roots of trust confined to builders (review finding 15): an envelope co-signed by a key of
//! root A (trusted for another builder) and by root B's key is accepted for root B's builder;
//! only when no root whose signatures verified may sign for the builder does it fail, naming
//! every such root. Every verified attestation that covers an artifact must still pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance, stderr};

const RELEASE: &str = "https://ci.example.com/release@v1";
const OTHER: &str = "https://ci.example.com/other@v1";

/// `a.key` (root A, for `OTHER`), `b.key` (root B, for `RELEASE`) and `dist/app.tar.gz`, with
/// `t.json`, an unsigned statement naming `builder`.
fn fixture(builder: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("dist")).unwrap();
    std::fs::write(d.join("dist/app.tar.gz"), b"hello\n").unwrap();
    for key in ["a.key", "b.key"] {
        exits(&provenance(d, &["keygen", "--output", key]), 0);
    }
    let statement = exits(
        &provenance(
            d,
            &[
                "statement",
                "--builder-id",
                builder,
                "--source-uri",
                "https://github.com/o/app",
                "--source-commit",
                "4d329c75e7ec1725f7c9ce917a8799d408d06be3",
                "dist/app.tar.gz",
            ],
        ),
        0,
    );
    std::fs::write(d.join("t.json"), statement).unwrap();
    std::fs::write(
        d.join("roots.toml"),
        format!(
            "version = 1\n\
             [[roots]]\nname = \"A\"\nkeys = [\"a.key.pub\"]\nbuilders = [\"{OTHER}\"]\n\
             [[roots]]\nname = \"B\"\nkeys = [\"b.key.pub\"]\nbuilders = [\"{RELEASE}\"]\n\
             [[artifacts]]\npattern = \"dist/*\"\nbuilder_id = \"{RELEASE}\"\n"
        ),
    )
    .unwrap();
    dir
}

/// Signs `t.json` with `keys` into `out` (one JSON line).
fn sign(d: &std::path::Path, keys: &[&str], out: &str) {
    let mut args = vec!["sign"];
    for k in keys {
        args.extend(["--key", k]);
    }
    args.push("t.json");
    let envelope: serde_json::Value =
        serde_json::from_str(&exits(&provenance(d, &args), 0)).unwrap();
    std::fs::write(d.join(out), format!("{envelope}\n")).unwrap();
}

fn verify(d: &std::path::Path, attestation: &str) -> std::process::Output {
    provenance(
        d,
        &[
            "verify",
            "--policy",
            "roots.toml",
            "--attestation",
            attestation,
            "dist/app.tar.gz",
        ],
    )
}

#[test]
fn a_co_signature_by_a_root_trusted_for_another_builder_does_not_veto() {
    let dir = fixture(RELEASE);
    let d = dir.path();
    // Root A's key signs first, so root A is the first root to verify the envelope.
    sign(d, &["a.key", "b.key"], "two.jsonl");
    let out = verify(d, "two.jsonl");
    let pass = exits(&out, 0);
    assert!(pass.starts_with("PASS dist/app.tar.gz"), "{pass}");
    assert!(
        !stderr(&out).contains("trusted-builder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_root_that_may_sign_for_the_builder_is_the_one_reported() {
    let dir = fixture(RELEASE);
    let d = dir.path();
    sign(d, &["a.key", "b.key"], "two.jsonl");
    let json = exits(
        &provenance(
            d,
            &[
                "verify",
                "--policy",
                "roots.toml",
                "--format",
                "json",
                "--attestation",
                "two.jsonl",
                "dist/app.tar.gz",
            ],
        ),
        0,
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let trace = &report["artifacts"][0]["trace"][0]["verified"];
    assert_eq!(trace["root"], "B", "{json}");
}

#[test]
fn no_root_that_verified_it_may_sign_for_the_builder_fails_naming_them_all() {
    let dir = fixture("https://ci.example.com/third@v1");
    let d = dir.path();
    sign(d, &["a.key", "b.key"], "two.jsonl");
    let fail = exits(&verify(d, "two.jsonl"), 1);
    assert!(fail.starts_with("FAIL dist/app.tar.gz"), "{fail}");
    assert!(fail.contains("trusted-builder"), "{fail}");
    assert!(
        fail.contains("one of the roots that verified the signatures may sign for"),
        "{fail}"
    );
    assert!(fail.contains(&format!("\"A\" ({OTHER})")), "{fail}");
    assert!(fail.contains(&format!("\"B\" ({RELEASE})")), "{fail}");
    assert!(fail.contains("https://ci.example.com/third@v1"), "{fail}");
}

#[test]
fn signed_by_root_a_alone_still_fails_for_root_bs_builder() {
    let dir = fixture(RELEASE);
    let d = dir.path();
    sign(d, &["a.key"], "a.jsonl");
    let fail = exits(&verify(d, "a.jsonl"), 1);
    assert!(fail.contains("trusted-builder"), "{fail}");
    assert!(
        fail.contains(&format!("a builder root \"A\" may sign for ({OTHER})")),
        "{fail}"
    );
}

/// Every verified attestation that covers an artifact must pass: a good statement beside a
/// failing one (here: one root A may not sign) is a failure, not a choice.
#[test]
fn every_covering_attestation_must_pass() {
    let dir = fixture(RELEASE);
    let d = dir.path();
    sign(d, &["b.key"], "b.jsonl");
    sign(d, &["a.key"], "a.jsonl");
    let good = std::fs::read_to_string(d.join("b.jsonl")).unwrap();
    let bad = std::fs::read_to_string(d.join("a.jsonl")).unwrap();
    exits(&verify(d, "b.jsonl"), 0);
    std::fs::write(d.join("both.jsonl"), format!("{good}{bad}")).unwrap();
    let fail = exits(&verify(d, "both.jsonl"), 1);
    assert!(fail.contains("trusted-builder"), "{fail}");
}

/// Finding 16: `min_slsa_level = 0` is met by a statement whose root grants no level; 1 is not.
#[test]
fn min_slsa_level_zero_needs_no_level() {
    let dir = fixture(RELEASE);
    let d = dir.path();
    sign(d, &["b.key"], "b.jsonl");
    let roots = std::fs::read_to_string(d.join("roots.toml")).unwrap();
    for (level, code) in [(0, 0), (1, 1)] {
        std::fs::write(
            d.join("roots.toml"),
            format!("{roots}min_slsa_level = {level}\n"),
        )
        .unwrap();
        let out = exits(&verify(d, "b.jsonl"), code);
        if code == 1 {
            assert!(
                out.contains("slsa-level: expected SLSA build level 1 or higher, found no level"),
                "{out}"
            );
        } else {
            assert!(out.starts_with("PASS dist/app.tar.gz"), "{out}");
        }
    }
}
