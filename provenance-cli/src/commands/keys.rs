//! Loading signing keys for `sign`, `attest` and `verify --vsa-key`: encrypted keys are opened
//! with `PROVENANCE_PASSWORD` or a no-echo terminal prompt, never with a command-line argument.

use std::io::IsTerminal as _;

use anyhow::Context as _;
use provenance::keys::{KeyIdFormat, KeySource, PASSWORD_ENV, Password, PrivateKey};

use crate::ui::Ui;

/// `--keyid-format`: which key id the envelope's signatures carry as their `keyid` hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum KeyIdFormatArg {
    /// securesystemslib's (`SSlibKey.from_crypto(key).keyid`): in-toto and TUF tools find the
    /// key with no override.
    #[default]
    Sslib,
    /// SHA-256 of the DER public key (`openssl pkey -pubin -outform DER | sha256sum`),
    /// the id `provenance` prints and reports.
    Spki,
    /// No keyid (as cosign writes).
    None,
}

impl From<KeyIdFormatArg> for KeyIdFormat {
    fn from(arg: KeyIdFormatArg) -> Self {
        match arg {
            KeyIdFormatArg::Sslib => Self::Sslib,
            KeyIdFormatArg::Spki => Self::Spki,
            KeyIdFormatArg::None => Self::None,
        }
    }
}

/// The signing keys of `sign` and `attest` (`--key`, `--keyid-format`); with the `sign`
/// feature, `--keyless` (a sibling flag of the command) replaces them.
#[derive(Debug, clap::Args)]
#[expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]
pub(crate) struct SigningKeyArgs {
    /// Private key to sign with: a PEM file or env://VAR; repeat for several signatures.
    /// An encrypted key is opened with PROVENANCE_PASSWORD or a terminal prompt.
    #[cfg_attr(
        feature = "sign",
        arg(
            long,
            value_name = "KEY",
            required_unless_present = "keyless",
            conflicts_with = "keyless"
        )
    )]
    #[cfg_attr(not(feature = "sign"), arg(long, value_name = "KEY", required = true))]
    key: Vec<KeySource>,

    /// The key id each signature carries as its keyid hint (verifiers never trust it; they
    /// try every key they were given).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = KeyIdFormatArg::Sslib)]
    keyid_format: KeyIdFormatArg,
}

impl SigningKeyArgs {
    /// Loads every key, their signatures carrying key ids in the `--keyid-format`.
    pub(crate) fn load(&self, ui: &Ui) -> anyhow::Result<Vec<PrivateKey>> {
        self.key
            .iter()
            .map(|source| {
                Ok(load_private_key(source, ui)?.with_key_id_format(self.keyid_format.into()))
            })
            .collect()
    }
}

/// Loads the private key at `source`, asking for its password when it is encrypted.
pub(crate) fn load_private_key(source: &KeySource, ui: &Ui) -> anyhow::Result<PrivateKey> {
    warn_if_readable_by_others(source, ui);
    let encrypted = source
        .is_encrypted()
        .with_context(|| format!("cannot read the private key {source}"))?;
    let password = if encrypted {
        Some(password(&format!("Password for {source}: "))?)
    } else {
        None
    };
    source
        .load_private(password.as_ref())
        .with_context(|| format!("cannot load the private key {source}"))
}

/// The password from `PROVENANCE_PASSWORD`, else from a prompt on the terminal.
///
/// # Errors
/// No variable and no terminal to ask on.
pub(crate) fn password(prompt: &str) -> anyhow::Result<Password> {
    if let Some(password) = Password::from_env() {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the key is encrypted: set {PASSWORD_ENV} (no terminal to ask for the password)"
        );
    }
    let typed = rpassword::prompt_password(prompt).context("cannot read the password")?;
    Ok(Password::new(typed))
}

/// Warns when a private key file can be read by the group or by others (as ssh does, but
/// without refusing: CI secrets are often materialised with a loose umask).
fn warn_if_readable_by_others(source: &KeySource, ui: &Ui) {
    #[cfg(unix)]
    if let KeySource::Path(path) = source {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(metadata) = std::fs::metadata(path) {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                ui.warn(format_args!(
                    "private key file {} is readable by others (permissions {mode:03o}); \
                     run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (source, ui);
}
