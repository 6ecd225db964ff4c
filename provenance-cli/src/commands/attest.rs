//! `provenance attest`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance attest`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance attest`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance attest` is not available in this build yet")
}
