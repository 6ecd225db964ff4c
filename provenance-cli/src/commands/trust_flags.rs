//! Trust flags shared by `verify` and `trace`: public keys, a Sigstore trusted root and a
//! keyless identity, and a policy file. Flags add roots to those the policy lists.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::verify::policy::{Policy, matcher};
use provenance::verify::{TrustRoot, load};

/// The largest policy file read.
const MAX_POLICY_BYTES: u64 = 4 << 20;

/// Where trust comes from.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct TrustFlags {
    /// Public key (PEM file or env://VAR) whose signatures are trusted; repeat for several.
    #[arg(long, value_name = "PUB")]
    pub(crate) key: Vec<String>,

    /// How many distinct --key keys must have signed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub(crate) threshold: usize,

    /// Sigstore trusted root (trusted_root.json, a ClientTrustConfig, or JSON Lines of roots);
    /// default: the Sigstore public-good root embedded in this program.
    #[arg(long, value_name = "F")]
    pub(crate) trusted_root: Option<PathBuf>,

    /// Keyless: the exact certificate identity (SAN: workflow URI or email).
    #[arg(long, value_name = "S", conflicts_with = "certificate_identity_regexp")]
    pub(crate) certificate_identity: Option<String>,

    /// Keyless: a regular expression the whole certificate identity must match
    /// (`.*` accepts any, and must be spelled out).
    #[arg(long, value_name = "RE")]
    pub(crate) certificate_identity_regexp: Option<String>,

    /// Keyless: the exact OIDC issuer.
    #[arg(
        long,
        value_name = "S",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub(crate) certificate_oidc_issuer: Option<String>,

    /// Keyless: a regular expression the whole OIDC issuer must match.
    #[arg(long, value_name = "RE")]
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,

    /// INSECURE: accept keyless attestations whose transparency-log entry cannot be checked.
    #[arg(long)]
    pub(crate) insecure_ignore_tlog: bool,

    /// Accept Sigstore entries that carry only a signed entry timestamp and no inclusion proof
    /// even after the cutoff (2024-01-01); off by default. --insecure-ignore-tlog implies it.
    #[arg(long)]
    pub(crate) allow_set_only: bool,

    /// Policy file (TOML): roots of trust and expectations per artifact pattern; flags add to
    /// and override it.
    #[arg(long, value_name = "F")]
    pub(crate) policy: Option<PathBuf>,
}

/// A policy file read and parsed, with its bytes (for the VSA's policy digest).
pub(crate) struct LoadedPolicy {
    pub(crate) path: PathBuf,
    pub(crate) bytes: Vec<u8>,
    pub(crate) policy: Policy,
}

impl TrustFlags {
    /// Whether log entries with only a signed entry timestamp are accepted after the cutoff.
    fn allow_set_only(&self) -> bool {
        self.allow_set_only || self.insecure_ignore_tlog
    }

    /// Whether any keyless flag was given.
    fn keyless_given(&self) -> bool {
        self.certificate_identity.is_some()
            || self.certificate_identity_regexp.is_some()
            || self.certificate_oidc_issuer.is_some()
            || self.certificate_oidc_issuer_regexp.is_some()
    }

    /// Reads the policy file, if one was given.
    pub(crate) fn load_policy(&self) -> anyhow::Result<Option<LoadedPolicy>> {
        let Some(path) = &self.policy else {
            return Ok(None);
        };
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot read the policy {}", path.display()))?;
        if meta.len() > MAX_POLICY_BYTES {
            anyhow::bail!(
                "the policy {} is larger than {MAX_POLICY_BYTES} bytes",
                path.display()
            );
        }
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the policy {}", path.display()))?;
        let text = std::str::from_utf8(&bytes)
            .with_context(|| format!("the policy {} is not UTF-8", path.display()))?;
        let policy = Policy::from_toml(text)
            .with_context(|| format!("invalid policy {}", path.display()))?;
        Ok(Some(LoadedPolicy {
            path: path.clone(),
            bytes,
            policy,
        }))
    }

    /// The roots of trust: those of the policy, then `--key`, then the keyless identity.
    pub(crate) fn roots(&self, policy: Option<&LoadedPolicy>) -> anyhow::Result<Vec<TrustRoot>> {
        let mut roots = Vec::new();
        if let Some(p) = policy {
            let base = p
                .path
                .parent()
                .map_or_else(|| Path::new(".").to_owned(), Path::to_owned);
            roots.extend(
                load::policy_roots(&p.policy, &base)
                    .context("cannot load the policy's roots of trust")?,
            );
        }
        if !self.key.is_empty() {
            roots.push(
                load::key_root_with(
                    "--key",
                    &self.key,
                    self.threshold,
                    self.trusted_root.as_deref(),
                    None,
                    self.allow_set_only(),
                )
                .context("cannot load --key")?,
            );
        } else if self.threshold != 1 {
            anyhow::bail!("--threshold needs --key");
        }
        if self.keyless_given() {
            let identity = matcher(
                "certificate identity",
                self.certificate_identity.clone(),
                self.certificate_identity_regexp.clone(),
            )
            .context("keyless verification needs --certificate-identity or --certificate-identity-regexp")?;
            let issuer = matcher(
                "certificate OIDC issuer",
                self.certificate_oidc_issuer.clone(),
                self.certificate_oidc_issuer_regexp.clone(),
            )
            .context("keyless verification needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp")?;
            roots.push(
                load::keyless_root_with(
                    "keyless",
                    self.trusted_root.as_deref(),
                    &identity,
                    &issuer,
                    self.insecure_ignore_tlog,
                    self.allow_set_only(),
                )
                .context("cannot set up keyless verification")?,
            );
        } else if self.trusted_root.is_some() && self.key.is_empty() {
            anyhow::bail!(
                "--trusted-root needs --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp] \
                 (to accept any identity, spell it out: --certificate-identity-regexp '.*')"
            );
        }
        if roots.is_empty() {
            anyhow::bail!(
                "no root of trust: give --key PUB, or --certificate-identity[-regexp] with \
                 --certificate-oidc-issuer[-regexp], or a --policy with [[roots]]"
            );
        }
        Ok(roots)
    }
}
