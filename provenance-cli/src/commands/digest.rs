//! `provenance digest`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance digest`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance digest`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance digest` is not available in this build yet")
}
