//! `provenance`: hash artifacts, build and sign SLSA provenance, verify it at deploy time.
//!
//! Exit codes: 0 success, 1 verification failed, 2 usage, input or I/O error.
// Doc comments on clap arguments are the `--help` text, printed verbatim: URLs there must stay
// bare (angle brackets would show). An `allow` rather than an `expect`: whether any URL is in the
// help text at a given time should not break the build.
#![allow(
    rustdoc::bare_urls,
    reason = "doc comments on arguments are clap help text, shown verbatim"
)]

mod commands;
mod progress;
mod ui;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

/// Generate, sign and verify SLSA build provenance, offline, from files.
#[derive(Debug, Parser)]
#[command(name = "provenance", version, about, propagate_version = true)]
struct Cli {
    /// Never show progress bars (they are also off when stderr is not a terminal or `NO_COLOR` is set)
    /// nor informational notes (what keyless signing did, which image a tag named); warnings
    /// and errors are still shown.
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Hash files, directories or stdin (sha256sum-compatible output, or in-toto subjects as JSON).
    Digest(commands::digest::Args),
    /// Generate a signing key pair (PKCS#8 PEM private key, SPKI PEM public key).
    Keygen(commands::keygen::Args),
    /// Print an unsigned in-toto Statement v1 with a SLSA Provenance v1 predicate.
    Statement(commands::statement::Args),
    /// Wrap any payload in a signed DSSE envelope.
    Sign(commands::sign::Args),
    /// Build provenance for the subjects, sign it and append it to a .intoto.jsonl file.
    Attest(commands::attest::Args),
    /// Verify artifacts against their provenance and the expectations given.
    Verify(commands::verify::Args),
    /// Show an envelope, bundle, statement or .intoto.jsonl in readable form (no trust decision).
    Inspect(commands::inspect::Args),
    /// Follow resolvedDependencies through a store of attestations down to source commits.
    Trace(commands::trace::Args),
    /// Refresh the Sigstore trusted root through TUF into a local cache that verify prefers.
    #[cfg(feature = "tuf")]
    TrustedRoot(commands::trusted_root::Args),
    /// Write a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(commands::docs::CompletionsArgs),
    /// Write the manual page (roff) to stdout, or every page into a directory.
    Man(commands::docs::ManArgs),
}

/// What a command concluded, when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything asked for succeeded.
    Success,
    /// A verification was refused (exit code 1).
    VerificationFailed,
    /// Some inputs could not be read or parsed, the rest were processed (exit code 2).
    InputErrors,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Self::Success => ExitCode::SUCCESS,
            Self::VerificationFailed => ExitCode::from(1),
            Self::InputErrors => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = ui::Ui::new(cli.quiet);
    let result = match cli.command {
        Command::Digest(args) => commands::digest::run(args, &ui),
        Command::Keygen(args) => commands::keygen::run(args, &ui),
        Command::Statement(args) => commands::statement::run(args, &ui),
        Command::Sign(args) => commands::sign::run(args, &ui),
        Command::Attest(args) => commands::attest::run(args, &ui),
        Command::Verify(args) => commands::verify::run(args, &ui),
        Command::Inspect(args) => commands::inspect::run(args, &ui),
        Command::Trace(args) => commands::trace::run(args, &ui),
        #[cfg(feature = "tuf")]
        Command::TrustedRoot(args) => commands::trusted_root::run(args, &ui),
        Command::Completions(args) => commands::docs::completions(&args, Cli::command()),
        Command::Man(args) => commands::docs::man(&args, Cli::command()),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(err) if ui::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "provenance: error: {}",
                ui::escaped(format_args!("{err:#}"))
            );
            ExitCode::from(2)
        }
    }
}
