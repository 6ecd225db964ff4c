//! `provenance keygen`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance keygen`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance keygen`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance keygen` is not available in this build yet")
}
