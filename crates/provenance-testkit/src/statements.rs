//! Many statements at once, for memory and speed measurements: the `n`th SLSA Provenance v1
//! statement of a series, each for its own artifact, shaped like `attest`'s output (builder,
//! build type, a git dependency, external parameters, an invocation). Deterministic, so a
//! measurement can be repeated on the same bytes.

use sha2::Digest as _;

/// The builder id every statement of the series names.
pub const SERIES_BUILDER: &str = "https://ci.example.com/builder@v1";

/// The artifact content whose SHA-256 the `n`th statement's subject names.
pub fn series_artifact(n: usize) -> Vec<u8> {
    format!("artifact {n}\n").into_bytes()
}

/// The SHA-256 (hex) of [`series_artifact`]`(n)`.
pub fn series_digest(n: usize) -> String {
    hex::encode(sha2::Sha256::digest(series_artifact(n)))
}

/// The `n`th statement of the series, as JSON bytes (about 700 bytes; its DSSE envelope,
/// one line of a `.intoto.jsonl`, about 1,100).
pub fn series_statement(n: usize) -> Vec<u8> {
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": format!("app{n}.tar.gz"), "digest": {"sha256": series_digest(n)}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {"ref": "refs/heads/main", "workflow": "release.yml"},
                "resolvedDependencies": [{
                    "uri": "git+https://github.com/example/app@refs/heads/main",
                    "digest": {"gitCommit": format!("{n:040x}")}
                }]
            },
            "runDetails": {
                "builder": {"id": SERIES_BUILDER},
                "metadata": {
                    "invocationId": format!("https://ci.example.com/run/{n}"),
                    "startedOn": "2026-12-01T10:00:00Z",
                    "finishedOn": "2026-12-01T10:05:00Z"
                }
            }
        }
    })
    .to_string()
    .into_bytes()
}
