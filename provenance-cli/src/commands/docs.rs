//! `provenance completions SHELL` and `provenance man`: shell completion scripts and roff
//! manual pages, generated from the same clap definition as `--help` (so they cannot drift).

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap_complete::Shell;

use crate::Outcome;

/// `provenance completions SHELL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install, for example:
  bash:       provenance completions bash > ~/.local/share/bash-completion/completions/provenance
  zsh:        provenance completions zsh > ~/.zfunc/_provenance   (with fpath+=~/.zfunc)
  fish:       provenance completions fish > ~/.config/fish/completions/provenance.fish
  powershell: provenance completions powershell >> $PROFILE
  elvish:     provenance completions elvish >> ~/.config/elvish/rc.elv")]
pub(crate) struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    shell: Shell,
}

/// `provenance man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  provenance man | man -l -                 # read the main page
  provenance man verify > provenance-verify.1
  provenance man --dir share/man/man1       # provenance.1 and provenance-<command>.1")]
pub(crate) struct ManArgs {
    /// Write the page of this subcommand (`verify`, `attest`, ...) instead of the main page.
    #[arg(conflicts_with = "dir")]
    command: Option<String>,

    /// Write every page (`provenance.1`, `provenance-verify.1`, ...) into this directory
    /// (created if missing) instead of one page to stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Writes `bytes` to stdout (a broken pipe is reported as an I/O error and ends quietly).
fn to_stdout(bytes: &[u8]) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("writing to stdout")?;
    Ok(Outcome::Success)
}

/// Writes the completion script for `args.shell` to stdout.
pub(crate) fn completions(args: &CompletionsArgs, mut cmd: clap::Command) -> Result<Outcome> {
    // Generated into memory first: clap_complete's writers panic on a write error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "provenance", &mut script);
    to_stdout(&script)
}

/// Writes the manual page(s).
pub(crate) fn man(args: &ManArgs, cmd: clap::Command) -> Result<Outcome> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--dir {}: cannot create the directory", dir.display()))?;
        clap_mangen::generate_to(cmd, dir)
            .with_context(|| format!("writing manual pages to {}", dir.display()))?;
        return Ok(Outcome::Success);
    }
    let page = match &args.command {
        Some(name) => cmd
            .find_subcommand(name)
            .filter(|s| !s.is_hide_set())
            .cloned()
            .with_context(|| {
                format!(
                    "no subcommand `{}` (one of: {})",
                    crate::ui::escaped(name),
                    cmd.get_subcommands()
                        .filter(|s| !s.is_hide_set())
                        .map(clap::Command::get_name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?,
        None => cmd,
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .context("rendering the manual page")?;
    to_stdout(&roff)
}
