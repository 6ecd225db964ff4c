//! What the `keyless_*` tests share: a local Sigstore (`scripts/sigstore-mock/server.js`, npm
//! `@sigstore/mock` behind a Node HTTP server on 127.0.0.1) and running the binary against it.
//!
//! Needs `node` and `@sigstore/mock` in `target/sigstore-mock-node` (or a `node_modules` named
//! by `$SIGSTORE_MOCK_NODE_MODULES`): `scripts/ci-deps.sh` installs both. Absent, the tests
//! print SKIPPED and pass, except in CI (`CI=true`), where they fail.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns; each test binary uses a subset"
)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The identity the mock's tokens carry (`sub`, which the mock's Fulcio puts in the SAN).
pub(crate) const SUBJECT: &str =
    "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main";
/// The issuer the mock's tokens carry.
pub(crate) const ISSUER: &str = "https://token.actions.mock.example";
/// What the mock's GitHub Actions token endpoint wants as request token.
pub(crate) const ACTIONS_REQUEST_TOKEN: &str = "test-actions-request-token";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn node_modules() -> PathBuf {
    std::env::var_os("SIGSTORE_MOCK_NODE_MODULES").map_or_else(
        || workspace().join("target/sigstore-mock-node/node_modules"),
        PathBuf::from,
    )
}

fn node_present() -> bool {
    Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A running mock; killed on drop. Its files (trusted root, signing config, token) live in
/// `dir`.
pub(crate) struct MockSigstore {
    child: Child,
    /// Base URL of Fulcio, Rekor and the TSA (one server).
    pub(crate) url: String,
    /// Where the server wrote its files; tests also work here.
    pub(crate) dir: tempfile::TempDir,
}

impl MockSigstore {
    /// Starts one in `mode` (see the server's header: `ok`, `fulcio-500`, ...), or `None`
    /// with a SKIPPED message when node or the npm package is absent outside CI.
    pub(crate) fn start(mode: &str) -> Option<Self> {
        Self::start_with(mode, &[])
    }

    /// As [`MockSigstore::start`], with more server arguments (`--rekor-v2 yes`).
    pub(crate) fn start_with(mode: &str, extra: &[&str]) -> Option<Self> {
        let mock = node_modules().join("@sigstore/mock/package.json");
        if !node_present() || !mock.is_file() {
            assert!(
                std::env::var("CI").ok().is_none_or(|v| v != "true"),
                "node or @sigstore/mock ({}) is missing but CI=true: run scripts/ci-deps.sh",
                mock.display()
            );
            eprintln!(
                "SKIPPED: node or @sigstore/mock not found ({}); run scripts/ci-deps.sh. \
                 Keyless tests did not run",
                mock.display()
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(workspace().join("scripts/sigstore-mock/server.js"))
            .args(["--dir", dir.path().to_str().unwrap(), "--mode", mode])
            .args(["--exit-with-stdin", "yes"])
            .args(extra)
            .env("SIGSTORE_MOCK_NODE_MODULES", node_modules())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the mock server did not start ({e}): {line:?}"));
        let url = info["url"].as_str().unwrap().to_owned();
        Some(Self { child, url, dir })
    }

    /// A file of the mock's directory.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `--trusted-root` and service flags for this mock.
    pub(crate) fn flags(&self) -> Vec<String> {
        vec![
            "--keyless".into(),
            "--identity-token".into(),
            format!("@{}", self.path("token").display()),
            "--fulcio-url".into(),
            self.url.clone(),
            "--rekor-url".into(),
            self.url.clone(),
            "--trusted-root".into(),
            self.path("trusted_root.json").display().to_string(),
        ]
    }
}

impl Drop for MockSigstore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary, run in `dir`, with no CI or token variables from the test's environment.
pub(crate) fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_provenance"));
    cmd.current_dir(dir)
        .env_remove("SIGSTORE_ID_TOKEN")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
        .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
        .env_remove("BUILDKITE")
        .env_remove("CIRCLECI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("PROVENANCE_PASSWORD");
    cmd
}

/// Runs the binary in `dir` with `args`.
pub(crate) fn run<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    command(dir).args(args).output().unwrap()
}

/// Asserts the exit code and returns stderr.
pub(crate) fn exits(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `provenance verify` of `artifact` with `bundle`, the mock's trusted root and an identity.
pub(crate) fn verify(
    mock: &MockSigstore,
    bundle: &Path,
    artifact: &str,
    identity: &str,
    issuer: &str,
) -> Output {
    verify_with(mock, bundle, artifact, (identity, issuer), &[])
}

/// [`verify`] of keyless *provenance* whose signer is neither a builder trusted by default
/// nor the source's own workflow: the builder is named (`--builder-id IDENTITY`, the signer
/// vouching for itself, not for the builder the statement claims).
pub(crate) fn verify_provenance(
    mock: &MockSigstore,
    bundle: &Path,
    artifact: &str,
    identity: &str,
    issuer: &str,
) -> Output {
    verify_with(
        mock,
        bundle,
        artifact,
        (identity, issuer),
        &["--builder-id", identity],
    )
}

/// [`verify`] with `extra` flags before the artifact.
fn verify_with(
    mock: &MockSigstore,
    bundle: &Path,
    artifact: &str,
    (identity, issuer): (&str, &str),
    extra: &[&str],
) -> Output {
    let root = mock.path("trusted_root.json");
    let mut args = vec![
        "verify",
        "--attestation",
        bundle.to_str().unwrap(),
        "--trusted-root",
        root.to_str().unwrap(),
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        issuer,
    ];
    args.extend_from_slice(extra);
    args.push(artifact);
    run(mock.dir.path(), &args)
}

/// The names of the files in `dir`, sorted.
pub(crate) fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
