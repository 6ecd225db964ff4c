//! `provenance verify`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance verify`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance verify` is not available in this build yet")
}
