//! End-to-end: every PASS/FAIL row of `test-vectors/third-party/CASES.tsv` (the shared
//! third-party case table, copied verbatim) through `provenance verify`, its columns mapped
//! one to one onto flags. Every PASS must exit 0, every FAIL must exit non-zero.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn third_party() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party")
}

/// `[predicateType A]` or `[predicateType A, B]` in the note.
fn predicate_types(note: &str) -> Vec<String> {
    let Some(start) = note.find("[predicateType ") else {
        return Vec::new();
    };
    let rest = &note[start + "[predicateType ".len()..];
    let Some(end) = rest.find(']') else {
        return Vec::new();
    };
    rest[..end]
        .split(", ")
        .map(|s| s.trim().trim_matches('"').to_owned())
        .collect()
}

#[test]
fn third_party_cases() {
    let base = third_party();
    let table = std::fs::read_to_string(base.join("CASES.tsv")).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(
        header,
        [
            "case_id",
            "kind",
            "attestation",
            "artifact",
            "trusted_root",
            "key",
            "identity",
            "identity_regexp",
            "issuer",
            "source_uri",
            "source_tag",
            "source_branch",
            "builder_id",
            "expected",
            "note"
        ]
    );
    let (mut passed, mut failed, mut missing, mut skipped) = (0, 0, Vec::new(), 0);
    let mut wrong = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let col = |i: usize| f.get(i).copied().unwrap_or_default();
        let (id, kind, expected, note) = (col(0), col(1), col(13), col(14));
        if expected == "SKIP" {
            skipped += 1;
            continue;
        }
        let file = |rel: &str| base.join(rel);
        let mut inputs = vec![col(2), col(4), col(5)];
        if !col(3).starts_with("sha256:") && !col(3).starts_with("sha512:") {
            inputs.push(col(3));
        }
        if let Some(absent) = inputs.iter().find(|p| !p.is_empty() && !file(p).exists()) {
            missing.push(format!("{id}: {absent}"));
            continue;
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_provenance"));
        cmd.arg("verify").arg("--attestation").arg(file(col(2)));
        if !col(4).is_empty() {
            cmd.arg("--trusted-root").arg(file(col(4)));
        }
        if !col(5).is_empty() {
            cmd.arg("--key").arg(file(col(5)));
        }
        if kind == "bundle-keyless" || kind == "dsse-cert-online" {
            match (col(6), col(7)) {
                ("", "") => cmd.args(["--certificate-identity-regexp", ".*"]),
                ("", re) => cmd.args(["--certificate-identity-regexp", re]),
                (exact, _) => cmd.args(["--certificate-identity", exact]),
            };
            match col(8) {
                "" => cmd.args(["--certificate-oidc-issuer-regexp", ".*"]),
                issuer => cmd.args(["--certificate-oidc-issuer", issuer]),
            };
        }
        for (flag, i) in [
            ("--source-uri", 9),
            ("--source-tag", 10),
            ("--source-branch", 11),
            ("--builder-id", 12),
        ] {
            if !col(i).is_empty() {
                cmd.args([flag, col(i)]);
            }
        }
        for t in predicate_types(note) {
            cmd.args(["--predicate-type", &t]);
        }
        let artifact = col(3);
        if artifact.starts_with("sha256:") || artifact.starts_with("sha512:") {
            cmd.arg(artifact);
        } else {
            cmd.arg(file(artifact));
        }
        let out = cmd.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let ok = match expected {
            "PASS" => code == 0,
            "FAIL" => code == 1 || code == 2,
            other => panic!("{id}: unknown expectation {other}"),
        };
        if ok {
            passed += 1;
        } else {
            failed += 1;
            wrong.push(format!(
                "{id}: expected {expected}, exit {code}\n    stdout: {}\n    stderr: {}",
                String::from_utf8_lossy(&out.stdout).trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    println!(
        "{passed} passed, {failed} failed ({skipped} SKIP rows, {} rows with inputs not yet in test-vectors)",
        missing.len()
    );
    for m in &missing {
        println!("  missing input: {m}");
    }
    assert!(
        wrong.is_empty(),
        "{passed} passed, {failed} failed:\n{}",
        wrong.join("\n")
    );
}
