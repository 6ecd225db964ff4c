//! `provenance statement`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance statement`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance statement`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance statement` is not available in this build yet")
}
