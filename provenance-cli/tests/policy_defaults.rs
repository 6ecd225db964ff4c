//! A policy's `[[artifacts]]` entries inherit `[defaults]` key by key: README.md's `gate.toml`
//! (source repository in `[defaults]`, branch and parameters in the `dist/*.tar.gz` pattern)
//! checks the source repository of the artifacts its pattern matches (review finding 1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance};

/// The README's `# gate.toml` block, verbatim.
fn readme_gate() -> String {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
    )
    .unwrap();
    let start = readme
        .find("# gate.toml\n")
        .expect("README has a gate.toml block");
    let body = &readme[start..];
    let end = body.find("```").unwrap();
    body[..end].to_owned()
}

fn attest(dir: &std::path::Path, source: &str, output: &str) {
    exits(
        &provenance(
            dir,
            &[
                "attest",
                "--key",
                "release.key",
                "--output",
                output,
                "--builder-id",
                "https://ci.example.com/builder@refs/tags/v1.4.0",
                "--source-uri",
                source,
                "--source-ref",
                "refs/heads/main",
                "--source-commit",
                "4d329c75e7ec1725f7c9ce917a8799d408d06be3",
                "--external-parameter",
                "release:=true",
                "dist/app.tar.gz",
            ],
        ),
        0,
    );
}

#[test]
fn the_readme_gate_checks_the_source_repository_of_matched_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("dist")).unwrap();
    std::fs::write(d.join("dist/app.tar.gz"), b"hello\n").unwrap();
    std::fs::write(d.join("gate.toml"), readme_gate()).unwrap();
    exits(&provenance(d, &["keygen", "--output", "release.key"]), 0);
    attest(d, "https://github.com/example/app", "good.intoto.jsonl");
    attest(d, "https://github.com/attacker/evil", "evil.intoto.jsonl");
    let verify = |att: &str| {
        provenance(
            d,
            &[
                "verify",
                "--policy",
                "gate.toml",
                "--attestation",
                att,
                "dist/app.tar.gz",
            ],
        )
    };
    let pass = exits(&verify("good.intoto.jsonl"), 0);
    assert!(pass.starts_with("PASS dist/app.tar.gz"), "{pass}");
    let fail = exits(&verify("evil.intoto.jsonl"), 1);
    assert!(fail.starts_with("FAIL dist/app.tar.gz"), "{fail}");
    assert!(fail.contains("source-repository"), "{fail}");
    assert!(fail.contains("github.com/example/app"), "{fail}");
    assert!(fail.contains("github.com/attacker/evil"), "{fail}");
}
