//! Terminal concerns: whether to draw progress, how to report warnings, broken pipes.

use std::io::{IsTerminal as _, Write as _};

/// How the command talks to the person at the terminal.
#[derive(Debug, Clone)]
pub(crate) struct Ui {
    progress: bool,
}

impl Ui {
    /// Progress bars only when stderr is a terminal, `NO_COLOR` is unset and `--quiet` was not given.
    pub(crate) fn new(quiet: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            progress: !quiet && !no_color && std::io::stderr().is_terminal(),
        }
    }

    /// Whether progress bars may be drawn.
    pub(crate) fn progress_enabled(&self) -> bool {
        self.progress
    }

    /// A warning on stderr, prefixed with the program name.
    #[expect(
        clippy::unused_self,
        reason = "all terminal output goes through Ui, so that it stays the one place to change"
    )]
    pub(crate) fn warn(&self, message: impl std::fmt::Display) {
        let _ = writeln!(std::io::stderr().lock(), "provenance: warning: {message}");
    }

    /// A note on stderr (what a command did besides its output), prefixed with the program name.
    #[cfg(feature = "oci")]
    #[expect(
        clippy::unused_self,
        reason = "all terminal output goes through Ui, so that it stays the one place to change"
    )]
    pub(crate) fn note(&self, message: impl std::fmt::Display) {
        let _ = writeln!(std::io::stderr().lock(), "provenance: {message}");
    }

    /// A non-fatal error on stderr (the command goes on and exits 2 at the end).
    #[expect(
        clippy::unused_self,
        reason = "all terminal output goes through Ui, so that it stays the one place to change"
    )]
    pub(crate) fn error(&self, message: impl std::fmt::Display) {
        let _ = writeln!(std::io::stderr().lock(), "provenance: error: {message}");
    }
}

/// Writes `bytes` to stdout and flushes (a closed pipe surfaces as `BrokenPipe`, see
/// [`is_broken_pipe`]).
pub(crate) fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")
}

/// Whether an error was caused by the reader of our stdout going away (`| head`).
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
