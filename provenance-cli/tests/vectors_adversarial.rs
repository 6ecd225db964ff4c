//! Walks `test-vectors/adversarial/*_fail/`: runs each case's `provenance` arguments in a copy of
//! its folder and checks the expected exit code (and the rule named in the report). The
//! folders are written by `crates/provenance-verify/tests/adversarial_gen.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write as _;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn synthesize(dir: &Path, spec: &serde_json::Value) {
    let file = dir.join(spec["file"].as_str().unwrap());
    let line = spec["line"].as_str().unwrap();
    let count = spec["count"].as_u64().unwrap();
    let joined = spec["joined"].as_bool().unwrap_or(false);
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).unwrap());
    for _ in 0..count {
        out.write_all(line.as_bytes()).unwrap();
        if !joined {
            out.write_all(b"\n").unwrap();
        }
    }
    out.write_all(b"\n").unwrap();
    out.flush().unwrap();
}

#[test]
fn adversarial_cases_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/adversarial");
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().ends_with("_fail"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 30,
        "expected the generated cases, found {}",
        names.len()
    );
    let mut wrong = Vec::new();
    for case_dir in &names {
        let name = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        let case: serde_json::Value =
            serde_json::from_slice(&std::fs::read(case_dir.join("case.json")).unwrap()).unwrap();
        let work = tempfile::tempdir().unwrap();
        copy_dir(case_dir, work.path());
        if let Some(spec) = case.get("synthesize") {
            synthesize(work.path(), spec);
        }
        let args: Vec<String> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        let out = provenance_testkit::cli!()
            .command(work.path())
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let want = case["exit"].as_i64().unwrap();
        let mut problems = Vec::new();
        if i64::from(code) != want {
            problems.push(format!("exit {code}, expected {want}"));
        }
        if let Some(s) = case.get("stdout_contains").and_then(|s| s.as_str())
            && !stdout.contains(s)
        {
            problems.push(format!("report does not name `{s}`"));
        }
        if !problems.is_empty() {
            wrong.push(format!(
                "{name}: {}\n    stdout: {}\n    stderr: {}",
                problems.join("; "),
                stdout.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    println!(
        "{} adversarial cases, {} refused as expected",
        names.len(),
        names.len() - wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "cases not refused as expected:\n{}",
        wrong.join("\n")
    );
}
