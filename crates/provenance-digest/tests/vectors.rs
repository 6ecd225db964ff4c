//! Data-driven known-answer tests over `test-vectors/digest/*/expected.json`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test helpers: a failure is a test failure"
)]

use std::path::{Path, PathBuf};

use provenance_digest::{Algorithm, GitObjectFormat, Hasher, git_blob_file};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/digest")
}

fn check_file_case(case: &Path, expected: &Value) -> Result<(), String> {
    let digests = expected["digests"].as_object().ok_or("no digests")?;
    let algorithms: Vec<Algorithm> = digests.keys().map(|k| k.parse().unwrap()).collect();
    let input = case.join("input");
    let set = Hasher::new(&algorithms)
        .unwrap()
        .hash_file(&input)
        .map_err(|e| e.to_string())?;
    for (name, value) in digests {
        let got = set.get(name).unwrap_or("<missing>");
        if got != value.as_str().unwrap() {
            return Err(format!("{name}: got {got}, expected {value}"));
        }
    }
    if let Some(sha256_form) = expected["gitBlobSha256"].as_str() {
        let got = git_blob_file(&input, GitObjectFormat::Sha256).map_err(|e| e.to_string())?;
        if got != sha256_form {
            return Err(format!(
                "gitBlob sha256 form: got {got}, expected {sha256_form}"
            ));
        }
    }
    Ok(())
}

fn check_tree_case(case: &Path, expected: &Value) -> Result<(), String> {
    for jobs in [1, 2, 4] {
        let tree = Hasher::new(&[Algorithm::Sha256])
            .unwrap()
            .with_jobs(jobs)
            .hash_tree(case.join("tree"))
            .map_err(|e| e.to_string())?;
        let got: Vec<(String, String)> = tree
            .entries()
            .iter()
            .map(|e| {
                let sha = e
                    .result
                    .as_ref()
                    .map(|s| s.get("sha256").unwrap().to_owned());
                (
                    e.path.to_string_lossy().into_owned(),
                    sha.unwrap_or_else(|e| ToString::to_string(&e)),
                )
            })
            .collect();
        let want: Vec<(String, String)> = expected["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap().to_owned(),
                    pair[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        if got != want {
            return Err(format!("jobs {jobs}: files {got:?}, expected {want:?}"));
        }
        let dir_hash = tree.dir_hash().map_err(|e| e.to_string())?;
        if dir_hash != expected["dirHash"].as_str().unwrap() {
            return Err(format!("jobs {jobs}: dirHash {dir_hash}"));
        }
    }
    Ok(())
}

#[test]
fn every_digest_vector_passes() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(vectors_dir()).unwrap() {
        let case = entry.unwrap().path();
        let Ok(text) = std::fs::read_to_string(case.join("expected.json")) else {
            continue;
        };
        seen += 1;
        let expected: Value = serde_json::from_str(&text).unwrap();
        let outcome = match expected["kind"].as_str() {
            Some("file") => check_file_case(&case, &expected),
            Some("tree") => check_tree_case(&case, &expected),
            other => Err(format!("unknown kind {other:?}")),
        };
        if let Err(why) = outcome {
            failures.push(format!("{}: {why}", case.display()));
        }
    }
    assert!(seen >= 3, "expected at least 3 vectors, found {seen}");
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}
