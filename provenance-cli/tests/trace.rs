//! `provenance trace`: image <- binary <- source, every hop verified under the same key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Output;

use provenance_testkit::{COMMIT, ok};

fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!().run(dir, args)
}

fn sha256(path: &Path) -> String {
    let set =
        provenance::digest::hash_file(path, &[provenance::digest::Algorithm::Sha256]).unwrap();
    set.get("sha256").unwrap().to_owned()
}

/// A store with the binary's provenance (from `attest`) and the image's (signed with `sign`).
fn chain() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("store")).unwrap();
    ok(&provenance(d, &["keygen", "--output", "key.pem"]));
    std::fs::write(d.join("app.bin"), b"the binary\n").unwrap();
    std::fs::write(d.join("image.tar"), b"the image\n").unwrap();
    ok(&provenance(
        d,
        &[
            "attest",
            "--key",
            "key.pem",
            "--output",
            "store/app.bin.intoto.jsonl",
            "--builder-id",
            "https://ci.example.com/builders/binary@v1",
            "--source-uri",
            "https://github.com/example/app",
            "--source-ref",
            "refs/tags/v1.2.3",
            "--source-commit",
            COMMIT,
            "app.bin",
        ],
    ));
    let image = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "image.tar", "digest": {"sha256": sha256(&d.join("image.tar"))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/image/v1",
                "externalParameters": {},
                "resolvedDependencies": [{"name": "app.bin", "digest": {"sha256": sha256(&d.join("app.bin"))}}]
            },
            "runDetails": {"builder": {"id": "https://ci.example.com/builders/image@v1"}, "metadata": {"invocationId": "https://ci.example.com/runs/7"}}
        }
    });
    std::fs::write(d.join("image.json"), serde_json::to_vec(&image).unwrap()).unwrap();
    ok(&provenance(
        d,
        &[
            "sign",
            "--key",
            "key.pem",
            "--payload-type",
            "application/vnd.in-toto+json",
            "--output",
            "store/image.intoto.jsonl",
            "image.json",
        ],
    ));
    dir
}

#[test]
fn image_binary_source() {
    let dir = chain();
    let d = dir.path();
    let text = ok(&provenance(
        d,
        &[
            "trace",
            "--store",
            "store",
            "--key",
            "key.pem.pub",
            "image.tar",
        ],
    ));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("PASS image.tar built by https://ci.example.com/builders/image@v1"),
        "{text}"
    );
    assert!(
        lines[1]
            .trim_start()
            .starts_with("<- PASS app.bin built by https://ci.example.com/builders/binary@v1"),
        "{text}"
    );
    assert!(
        lines[2]
            .trim_start()
            .starts_with("<- source git+https://github.com/example/app"),
        "{text}"
    );
    assert!(lines[2].ends_with(COMMIT), "{text}");

    let json = ok(&provenance(
        d,
        &[
            "trace",
            "--store",
            "store",
            "--key",
            "key.pem.pub",
            "--format",
            "json",
            "image.tar",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verdict"], "PASS");
    let bin = &v["chain"]["dependencies"][0];
    assert_eq!(bin["kind"], "artifact");
    assert_eq!(bin["dependencies"][0]["kind"], "source");
    assert_eq!(bin["dependencies"][0]["commit"], COMMIT);

    // The expectation flags describe the top artifact only.
    ok(&provenance(
        d,
        &[
            "trace",
            "--store",
            "store",
            "--key",
            "key.pem.pub",
            "--build-type",
            "https://example.com/image/v1",
            "image.tar",
        ],
    ));
}

#[test]
fn broken_hop_fails_the_chain() {
    let dir = chain();
    let d = dir.path();
    std::fs::remove_file(d.join("store/app.bin.intoto.jsonl")).unwrap();
    let out = provenance(
        d,
        &[
            "trace",
            "--store",
            "store",
            "--key",
            "key.pem.pub",
            "image.tar",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<- FAIL app.bin"), "{text}");

    // Another key: nothing verifies.
    let dir = chain();
    let d = dir.path();
    ok(&provenance(d, &["keygen", "--output", "other.pem"]));
    let out = provenance(
        d,
        &[
            "trace",
            "--store",
            "store",
            "--key",
            "other.pem.pub",
            "image.tar",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}
