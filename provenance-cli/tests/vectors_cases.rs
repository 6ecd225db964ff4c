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

use provenance_testkit::cases::cases;

#[test]
fn third_party_cases() {
    let (mut passed, mut failed, mut missing, mut skipped) = (0, 0, Vec::new(), 0);
    let mut wrong = Vec::new();
    for case in cases() {
        let (id, expected) = (case.id(), case.expected());
        if expected == "SKIP" {
            skipped += 1;
            continue;
        }
        if let Some(absent) = case.missing_input() {
            missing.push(format!("{id}: {absent}"));
            continue;
        }
        let mut cmd = provenance_testkit::cli!().command(std::path::Path::new("."));
        cmd.arg("verify")
            .arg("--attestation")
            .arg(case.attestation())
            .args(case.verify_flags())
            .arg(case.artifact());
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
