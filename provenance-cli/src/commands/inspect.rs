//! `provenance inspect`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance inspect`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance inspect` is not available in this build yet")
}
