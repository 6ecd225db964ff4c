//! `provenance sign`.

use crate::Outcome;
use crate::ui::Ui;

/// Arguments of `provenance sign`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `provenance sign`.
pub(crate) fn run(_args: Args, _ui: &Ui) -> anyhow::Result<Outcome> {
    anyhow::bail!("`provenance sign` is not available in this build yet")
}
