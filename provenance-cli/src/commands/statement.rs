//! `provenance statement`.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::Outcome;
use crate::commands::context_flags::{ContextFlags, DETECTION_HELP};
use crate::ui::Ui;

/// Arguments of `provenance statement`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = DETECTION_HELP)]
pub(crate) struct Args {
    #[command(flatten)]
    context: ContextFlags,

    /// Files or directories (every file below a directory is a subject), hashed with SHA-256.
    #[arg(value_name = "SUBJECT")]
    subjects: Vec<PathBuf>,
}

/// Runs `provenance statement`: the unsigned Statement v1 JSON, one line, on stdout.
pub(crate) fn run(args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    let Args { context, subjects } = args;
    let builder = context.statement_builder(&subjects)?;
    let statement = builder.build().context("cannot build the statement")?;
    let mut bytes = statement
        .to_json_bytes()
        .context("cannot serialise the statement")?;
    bytes.push(b'\n');
    crate::ui::write_stdout(&bytes)?;
    Ok(Outcome::Success)
}
