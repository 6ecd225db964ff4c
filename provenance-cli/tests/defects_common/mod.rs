//! What the `defects_*` tests share: running the binary, and a key with signed provenance for
//! `app.bin`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

/// The commit the provenance names.
pub(crate) const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
/// The builder id the provenance names.
pub(crate) const BUILDER: &str = "https://ci.example.com/builders/release@v1";

/// Runs `provenance ARGS` in `dir`, with no CI variables and no password in the environment.
pub(crate) fn provenance(dir: &Path, args: &[&str]) -> Output {
    command(dir).args(args).output().unwrap()
}

/// The command, ready for more arguments or stdin. `PROVENANCE_BIN` runs another build instead
/// (to see these tests fail on the code before the fixes).
pub(crate) fn command(dir: &Path) -> Command {
    let bin = std::env::var_os("PROVENANCE_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_provenance").into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .env_remove("PROVENANCE_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI");
    cmd
}

/// Its stdout, asserting it exited `code`.
pub(crate) fn exits(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Its stderr as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `key.pem`/`key.pem.pub`, `app.bin` and `app.bin.intoto.jsonl` (signed provenance for it from
/// github.com/example/app at [`COMMIT`], tag v1.2.3, built by [`BUILDER`]), plus `extra` attest
/// arguments.
pub(crate) fn setup(extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "key.pem"]), 0);
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
    exits(&provenance(d, &args), 0);
    dir
}
