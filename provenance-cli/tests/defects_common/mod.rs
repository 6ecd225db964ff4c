//! What the `defects_*` tests share: running the binary, and a key with signed provenance for
//! `app.bin` (both from `provenance_testkit`).
#![allow(dead_code, unused_imports)]

use std::path::Path;
use std::process::{Command, Output};

pub(crate) use provenance_testkit::{BUILDER, COMMIT, exits, stderr};

/// Runs `provenance ARGS` in `dir`, with no CI variables and no password in the environment.
pub(crate) fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!().run(dir, args)
}

/// The command, ready for more arguments or stdin (`PROVENANCE_BIN` runs another build).
pub(crate) fn command(dir: &Path) -> Command {
    provenance_testkit::cli!().command(dir)
}

/// `key.pem`/`key.pem.pub`, `app.bin` and `app.bin.intoto.jsonl` (see
/// `provenance_testkit::signed_app`), plus `extra` attest arguments.
pub(crate) fn setup(extra: &[&str]) -> tempfile::TempDir {
    provenance_testkit::signed_app(&provenance_testkit::cli!(), extra)
}
