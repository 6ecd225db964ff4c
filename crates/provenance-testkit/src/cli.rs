//! Running the `provenance` binary from a test.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `provenance` binary of the test's package, run with no CI variables, no password and no
/// trust cache in its environment. `PROVENANCE_BIN` runs another build instead (to see a test fail on the code
/// before a fix).
#[derive(Debug, Clone)]
pub struct Cli {
    bin: OsString,
}

/// The [`Cli`] of the calling test crate's `provenance` binary
/// (`env!("CARGO_BIN_EXE_provenance")`, which only integration tests of the binary's package
/// have).
#[macro_export]
macro_rules! cli {
    () => {
        $crate::Cli::new(env!("CARGO_BIN_EXE_provenance"))
    };
}

impl Cli {
    /// The binary at `bin`, unless `PROVENANCE_BIN` names another.
    pub fn new(bin: impl Into<OsString>) -> Self {
        Self {
            bin: std::env::var_os("PROVENANCE_BIN").unwrap_or_else(|| bin.into()),
        }
    }

    /// The command in `dir`, ready for arguments, more environment or stdin.
    pub fn command(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(dir)
            .env_remove("PROVENANCE_PASSWORD")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITLAB_CI")
            .env_remove("BUILDKITE")
            .env_remove("CIRCLECI")
            // build times from the clock, unless a test sets them
            .env_remove("SOURCE_DATE_EPOCH")
            // no identity token for `--keyless` from the test's environment
            .env_remove("SIGSTORE_ID_TOKEN")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
            // No trusted root refreshed by an earlier `trusted-root update` on this machine
            // (empty: no trust cache); tests of the cache set it themselves.
            .env("PROVENANCE_TUF_CACHE", "");
        cmd
    }

    /// The binary's path (to run it through a shell, under `ulimit`).
    pub fn bin(&self) -> &OsStr {
        &self.bin
    }

    /// Runs `provenance ARGS` in `dir` and waits for it.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.command(dir).args(args).output().unwrap()
    }
}

/// Its stdout, asserting it exited `code` (the message shows both streams).
pub fn exits(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Its stderr, asserting it exited `code` (the message shows both streams): for the runs
/// whose notes and errors are what the test reads.
pub fn exits_stderr(out: &Output, code: i32) -> String {
    exits(out, code);
    stderr(out)
}

/// Its stdout, asserting it succeeded.
pub fn ok(out: &Output) -> String {
    exits(out, 0)
}

/// Its exit code (a test fails if it was killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// Its stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Its stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Reads `source` to its end on a thread (so that a chatty child cannot block on a full pipe).
pub fn drain(mut source: impl std::io::Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = source.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` at most `timeout` after `start`, calling `tick` every `poll` (to sample
/// the child while it runs); past the timeout it is killed. Its exit status, or `None` when it
/// was killed.
pub fn wait_timeout(
    child: &mut Child,
    start: Instant,
    (timeout, poll): (Duration, Duration),
    mut tick: impl FnMut(),
) -> Option<ExitStatus> {
    loop {
        tick();
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(poll);
    }
}
