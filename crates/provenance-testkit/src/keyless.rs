//! A local Sigstore for the keyless tests: `scripts/sigstore-mock/server.js` (npm
//! `@sigstore/mock` behind a Node HTTP server on 127.0.0.1: Fulcio, Rekor v1/v2, a TSA, an
//! OIDC token), and the `provenance` runs the tests make against it: `attest`/`sign
//! --keyless` with the mock's token, services and trusted root, then `verify` with an
//! identity and issuer.
//!
//! Needs `node` and `@sigstore/mock` in `target/sigstore-mock-node` (or a `node_modules` named
//! by `$SIGSTORE_MOCK_NODE_MODULES`): `scripts/ci-deps.sh` installs both. Absent,
//! [`MockSigstore::start`] prints SKIPPED and gives `None` (the test passes), except in CI
//! (`CI=true`), where it fails.

use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::{Cli, workspace_root};

/// The identity the mock's tokens carry (`sub`, which the mock's Fulcio puts in the SAN).
pub const SUBJECT: &str =
    "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main";
/// The issuer the mock's tokens carry.
pub const ISSUER: &str = "https://token.actions.mock.example";
/// Another workflow's identity (not the mock's): verifying as it fails.
pub const OTHER_SUBJECT: &str =
    "https://github.com/octo-org/other/.github/workflows/release.yml@refs/heads/main";
/// What the mock's GitHub Actions token endpoint wants as request token.
pub const ACTIONS_REQUEST_TOKEN: &str = "test-actions-request-token";
/// The artifact's content that [`MockSigstore::artifact`] writes.
pub const ARTIFACT: &[u8] = b"the artifact\n";

fn node_modules() -> PathBuf {
    std::env::var_os("SIGSTORE_MOCK_NODE_MODULES").map_or_else(
        || workspace_root().join("target/sigstore-mock-node/node_modules"),
        PathBuf::from,
    )
}

/// Whether `program --version` runs.
pub fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `None` with a SKIPPED message when `present` is false outside CI (`CI=true`: the test
/// fails, naming `what`).
pub fn needs(present: bool, what: &str) -> Option<()> {
    if present {
        return Some(());
    }
    assert!(
        std::env::var("CI").ok().is_none_or(|v| v != "true"),
        "{what} is missing but CI=true: run scripts/ci-deps.sh"
    );
    eprintln!("SKIPPED: {what} not found; run scripts/ci-deps.sh. The test did not run");
    None
}

/// A running mock; killed on drop. Its files (`trusted_root.json`, `signing_config.json`,
/// `token`) live in its directory, where the tests also work.
pub struct MockSigstore {
    child: Child,
    cli: Cli,
    /// Base URL of Fulcio, Rekor and the TSA (one server).
    pub url: String,
    /// Where the server wrote its files; the binary runs here.
    pub dir: tempfile::TempDir,
}

impl std::fmt::Debug for MockSigstore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockSigstore")
            .field("url", &self.url)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl MockSigstore {
    /// Starts one in `mode` (see the server's header: `ok`, `fulcio-500`, ...) for `cli`, or
    /// `None` with a SKIPPED message when node or the npm package is absent outside CI.
    pub fn start(cli: Cli, mode: &str) -> Option<Self> {
        Self::start_with(cli, mode, &[])
    }

    /// As [`MockSigstore::start`], with more server arguments (`--rekor-v2 yes`).
    pub fn start_with(cli: Cli, mode: &str, extra: &[&str]) -> Option<Self> {
        let mock = node_modules().join("@sigstore/mock/package.json");
        needs(
            runs("node") && mock.is_file(),
            &format!("node or @sigstore/mock ({})", mock.display()),
        )?;
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(workspace_root().join("scripts/sigstore-mock/server.js"))
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
        Some(Self {
            child,
            cli,
            url,
            dir,
        })
    }

    /// A file of the mock's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `name` ([`ARTIFACT`]) into the mock's directory; returns `name`.
    pub fn artifact<'a>(&self, name: &'a str) -> &'a str {
        std::fs::write(self.path(name), ARTIFACT).unwrap();
        name
    }

    /// The mock's `trusted_root.json`, as an argument.
    pub fn trusted_root(&self) -> String {
        self.path("trusted_root.json").display().to_string()
    }

    /// `@TOKEN-FILE`: the mock's identity token, as `--identity-token` takes it.
    pub fn token_arg(&self) -> String {
        format!("@{}", self.path("token").display())
    }

    /// The `keyless_*` run flags without a token: `--keyless --fulcio-url URL --rekor-url URL
    /// --trusted-root ROOT` (the token then comes from the environment).
    pub fn flags_without_token(&self) -> Vec<String> {
        vec![
            "--keyless".into(),
            "--fulcio-url".into(),
            self.url.clone(),
            "--rekor-url".into(),
            self.url.clone(),
            "--trusted-root".into(),
            self.trusted_root(),
        ]
    }

    /// `--keyless --identity-token @TOKEN-FILE --fulcio-url URL --rekor-url URL
    /// --trusted-root ROOT`: this mock's token, services and trusted root.
    pub fn flags(&self) -> Vec<String> {
        let mut flags = self.flags_without_token();
        flags.splice(1..1, ["--identity-token".into(), self.token_arg()]);
        flags
    }

    /// `--keyless --identity-token @TOKEN-FILE --signing-config CONFIG --trusted-root ROOT`:
    /// the services from the mock's signing config (its TSA; Rekor v2 when started so).
    pub fn config_flags(&self) -> Vec<String> {
        vec![
            "--keyless".into(),
            "--identity-token".into(),
            self.token_arg(),
            "--signing-config".into(),
            self.path("signing_config.json").display().to_string(),
            "--trusted-root".into(),
            self.trusted_root(),
        ]
    }

    /// The binary, run in the mock's directory (no CI or token variables from the test's
    /// environment), ready for arguments and environment.
    pub fn command(&self) -> Command {
        self.cli.command(self.dir.path())
    }

    /// Runs `provenance ARGS` in the mock's directory.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `provenance COMMAND <flags> ARGS` ([`MockSigstore::flags`]: `attest` or `sign`,
    /// keyless against this mock).
    pub fn keyless(&self, command: &str, args: &[&str]) -> Output {
        self.run_with(command, self.flags(), args)
    }

    /// `provenance COMMAND <config_flags> ARGS` ([`MockSigstore::config_flags`]: the services
    /// of the mock's signing config).
    pub fn keyless_config(&self, command: &str, args: &[&str]) -> Output {
        self.run_with(command, self.config_flags(), args)
    }

    fn run_with(&self, command: &str, flags: Vec<String>, args: &[&str]) -> Output {
        let mut all = vec![command.to_owned()];
        all.extend(flags);
        all.extend(args.iter().map(|s| (*s).to_owned()));
        self.run(&all)
    }

    /// `--trusted-root ROOT --certificate-identity IDENTITY --certificate-oidc-issuer ISSUER`:
    /// trust in this mock's CA and logs for one signer.
    pub fn trust_flags(&self, identity: &str, issuer: &str) -> Vec<String> {
        vec![
            "--trusted-root".into(),
            self.trusted_root(),
            "--certificate-identity".into(),
            identity.into(),
            "--certificate-oidc-issuer".into(),
            issuer.into(),
        ]
    }

    /// `provenance COMMAND <trust_flags> ARGS` (`verify` or `trace`).
    pub fn trusting(
        &self,
        command: &str,
        (identity, issuer): (&str, &str),
        args: &[&str],
    ) -> Output {
        self.run_with(command, self.trust_flags(identity, issuer), args)
    }

    /// `provenance verify` of `artifact` with `bundle`, the mock's trusted root and an
    /// identity.
    pub fn verify(&self, bundle: &Path, artifact: &str, identity: &str, issuer: &str) -> Output {
        let bundle = bundle.to_str().unwrap();
        self.trusting(
            "verify",
            (identity, issuer),
            &["--attestation", bundle, artifact],
        )
    }

    /// [`MockSigstore::verify`] of keyless *provenance* whose signer is neither a builder
    /// trusted by default nor the source's own workflow: the builder is named (`--builder-id
    /// IDENTITY`, the signer vouching for itself, not for the builder the statement claims).
    pub fn verify_provenance(
        &self,
        bundle: &Path,
        artifact: &str,
        identity: &str,
        issuer: &str,
    ) -> Output {
        let bundle = bundle.to_str().unwrap();
        self.trusting(
            "verify",
            (identity, issuer),
            &["--attestation", bundle, "--builder-id", identity, artifact],
        )
    }

    /// The names of the files in the mock's directory, sorted.
    pub fn files(&self) -> Vec<String> {
        files(self.dir.path())
    }
}

impl Drop for MockSigstore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The names of the files in `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A bundle (or any JSON file) as a value.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}
