//! Fixtures shared by the toolkit's tests, so that each lives in one place: running the
//! `provenance` binary ([`Cli`], [`cli!`]), a key with signed provenance for an artifact
//! ([`signed_app`]), a generator of Fulcio-like certificates and Rekor-like log entries
//! ([`fulcio`]), a local Sigstore for keyless signing ([`keyless`]),
//! git work trees ([`git`]), the JSON Schemas of `schemas/` resolved offline ([`schema`]), and series of
//! statements for memory and speed measurements ([`statements`]).
//!
//! Dev-only: listed under `[dev-dependencies]` only, never published. A failure here is a
//! failed test, so helpers panic with the output that explains it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is a failed test and says why"
)]

pub mod cases;
mod cli;
pub mod der;
pub mod fulcio;
pub mod git;
pub mod keyless;
pub mod schema;
pub mod statements;
#[cfg(feature = "tuf")]
pub mod tuf;

use std::path::{Path, PathBuf};

pub use cli::{Cli, code, drain, exits, exits_stderr, ok, stderr, stdout, wait_timeout};

/// The commit the provenance of [`signed_app`] names.
pub const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
/// The builder id the provenance of [`signed_app`] names.
pub const BUILDER: &str = "https://ci.example.com/builders/release@v1";

/// A fixed Ed25519 test key, PKCS#8 PEM (generated with `openssl genpkey -algorithm ed25519`),
/// for tests that need the same key on every run.
pub const ED25519_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIMECtAujNHwSEckI07V1F3Xsb8K0J9IgljlCC2cHQN2P
-----END PRIVATE KEY-----
";
/// The public key of [`ED25519_PRIVATE_PEM`], SPKI PEM.
pub const ED25519_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAhOzLbJ2kFdnR1EzsORHFTBoQvAND4JWHo1b7+ST/H7U=
-----END PUBLIC KEY-----
";

/// Writes [`ED25519_PRIVATE_PEM`] to `dir/key.pem` and [`ED25519_PUBLIC_PEM`] to
/// `dir/key.pem.pub` (the names `keygen --output key.pem` gives).
pub fn fixed_key_in(dir: &Path) {
    std::fs::write(dir.join("key.pem"), ED25519_PRIVATE_PEM).unwrap();
    std::fs::write(dir.join("key.pem.pub"), ED25519_PUBLIC_PEM).unwrap();
}

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `test-vectors/` of the workspace.
pub fn test_vectors() -> PathBuf {
    workspace_root().join("test-vectors")
}

/// A temporary directory with `key.pem`/`key.pem.pub` (from `keygen`), `app.bin` and
/// `app.bin.intoto.jsonl`: provenance signed by `attest` for it, from
/// github.com/example/app at [`COMMIT`], tag v1.2.3, built by [`BUILDER`], with `extra`
/// attest arguments.
pub fn signed_app(cli: &Cli, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    signed_app_in(cli, dir.path(), extra);
    dir
}

/// As [`signed_app`], in the directory `d`.
pub fn signed_app_in(cli: &Cli, d: &Path, extra: &[&str]) {
    signed_app_in_env(cli, d, &[], extra);
}

/// As [`signed_app_in`], with `env` set for `attest` (`SOURCE_DATE_EPOCH`: the build's time).
pub fn signed_app_in_env(cli: &Cli, d: &Path, env: &[(&str, &str)], extra: &[&str]) {
    ok(&cli.run(d, &["keygen", "--output", "key.pem"]));
    std::fs::write(d.join("app.bin"), b"the artifact\n").unwrap();
    let mut args = vec![
        "attest",
        "--key",
        "key.pem",
        "--output",
        "app.bin.intoto.jsonl",
        "--builder-id",
        BUILDER,
        "--source-uri",
        "https://github.com/example/app",
        "--source-ref",
        "refs/tags/v1.2.3",
        "--source-commit",
        COMMIT,
    ];
    args.extend_from_slice(extra);
    args.push("app.bin");
    let mut attest = cli.command(d);
    attest.args(&args).envs(env.iter().copied());
    ok(&attest.output().unwrap());
}

/// A Sigstore bundle (protobuf JSON) written with its fields' proto names (`snake_case`:
/// `verification_material`, `tlog_entries`, `log_index`, ...), as protojson writes it with
/// `UseProtoNames`. The DSSE envelope's own fields keep theirs: its proto (DSSE's
/// `envelope.proto`) names them `payload`, `payloadType` and `signatures`.
pub fn bundle_with_proto_names(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    fn snake(key: &str) -> String {
        let mut s = String::new();
        for c in key.chars() {
            if c.is_ascii_uppercase() {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        }
        s
    }
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| {
                    let renamed = if k == "dsseEnvelope" {
                        v.clone()
                    } else {
                        bundle_with_proto_names(v)
                    };
                    (snake(k), renamed)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(bundle_with_proto_names).collect()),
        other => other.clone(),
    }
}
