//! `provenance trace`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance trace`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance trace`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance trace` is not available in this build yet")
}
