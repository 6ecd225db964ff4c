//! `provenance keygen`: a new signing key pair, PKCS#8 PEM (0600) and SPKI PEM.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::keys::fs::{Mode, Overwrite, write_atomic};
use provenance::keys::{KeyAlgorithm, PASSWORD_ENV, Password, PrivateKey};

use crate::Outcome;
use crate::ui::Ui;

/// Algorithms `keygen` can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Algorithm {
    /// Ed25519 (default): small, fast, deterministic signatures.
    Ed25519,
    /// ECDSA on NIST P-256 with SHA-256 (cosign's default key type).
    EcdsaP256,
    /// ECDSA on NIST P-384 with SHA-384.
    EcdsaP384,
}

impl From<Algorithm> for KeyAlgorithm {
    fn from(value: Algorithm) -> Self {
        match value {
            Algorithm::Ed25519 => KeyAlgorithm::Ed25519,
            Algorithm::EcdsaP256 => KeyAlgorithm::EcdsaP256,
            Algorithm::EcdsaP384 => KeyAlgorithm::EcdsaP384,
        }
    }
}

/// Arguments of `provenance keygen`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "The private key is written to PATH with mode 0600 as PKCS#8 PEM, \
encrypted (PBES2, scrypt + AES-256-CBC; opens with `openssl pkey`) when PROVENANCE_PASSWORD is \
set; the public key goes to PATH.pub as SPKI PEM. Nothing is overwritten without --force. \
The key id printed is the hex SHA-256 of the DER public key."
)]
pub(crate) struct Args {
    /// Key algorithm.
    #[arg(long, short, value_enum, default_value = "ed25519")]
    algorithm: Algorithm,

    /// Where to write the private key; the public key goes to PATH.pub.
    #[arg(long, short, value_name = "PATH")]
    output: PathBuf,

    /// Replace existing PATH and PATH.pub.
    #[arg(long)]
    force: bool,
}

fn pub_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Runs `provenance keygen`.
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    let private_path = args.output;
    let public_path = pub_path(&private_path);
    let overwrite = if args.force {
        Overwrite::Force
    } else {
        Overwrite::Refuse
    };
    if !args.force {
        for path in [&private_path, &public_path] {
            if path.symlink_metadata().is_ok() {
                anyhow::bail!(
                    "{} already exists (use --force to overwrite)",
                    path.display()
                );
            }
        }
    }

    let key = PrivateKey::generate(args.algorithm.into()).context("cannot generate the key")?;
    let password = Password::from_env();
    let private_pem = match &password {
        Some(password) => key.to_encrypted_pkcs8_pem(password),
        None => key.to_pkcs8_pem(),
    }
    .context("cannot encode the private key")?;
    if password.is_none() {
        ui.warn(format_args!(
            "the private key is not encrypted (set {PASSWORD_ENV} to encrypt it)"
        ));
    }

    write_atomic(
        &private_path,
        private_pem.as_bytes(),
        Mode::Private,
        overwrite,
    )
    .with_context(|| format!("cannot write the private key {}", private_path.display()))?;
    let public_pem = key.public_key().to_pem();
    if let Err(err) = write_atomic(&public_path, public_pem.as_bytes(), Mode::Public, overwrite) {
        // Leave no half pair behind.
        let _ = std::fs::remove_file(&private_path);
        return Err(err)
            .with_context(|| format!("cannot write the public key {}", public_path.display()));
    }

    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "private key: {}{}\npublic key:  {}\nalgorithm:   {}\nkey id:      {}\nsslib keyid: {} \
         (securesystemslib's: the keyid signatures carry by default)",
        crate::ui::escaped(private_path.display()),
        if password.is_some() {
            " (encrypted)"
        } else {
            ""
        },
        crate::ui::escaped(public_path.display()),
        key.algorithm(),
        key.key_id(),
        provenance::keys::sslib_key_id(key.public_key()),
    )
    .and_then(|()| stdout.flush())
    .context("cannot write to stdout")?;
    Ok(Outcome::Success)
}
