//! Trust flags shared by `verify` and `trace`: public keys, a Sigstore trusted root and a
//! keyless identity, and a policy file. Flags add roots to those the policy lists.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::sigstore::TrustedRoot;
use provenance::verify::load;
use provenance::verify::policy::{
    AnchorSpec, GithubIdentity, Matcher, Policy, is_explicit_any, keyless_matchers,
};
use provenance::verify::{Rejected, Rejection};
use provenance::{KeyRoot, KeylessRoot, Transparency, VerifierBuilder, VerifyError};

use crate::ui::Ui;

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

    /// Sigstore trusted root (trusted_root.json, a ClientTrustConfig, or JSON Lines of roots as
    /// gh's --custom-trusted-root);
    /// default: the one `provenance trusted-root update` cached (PROVENANCE_TUF_CACHE, else
    /// ~/.cache/provenance/tuf), else the Sigstore public-good root embedded in this program.
    #[arg(long, value_name = "F", visible_alias = "custom-trusted-root")]
    pub(crate) trusted_root: Option<PathBuf>,

    /// Keyless: the exact certificate identity (SAN: workflow URI or email).
    #[arg(
        long,
        visible_alias = "cert-identity",
        value_name = "S",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub(crate) certificate_identity: Option<String>,

    /// Keyless: a regular expression searched for in the certificate identity, as cosign does
    /// (RE2 syntax; not anchored: write ^ and $ yourself; `.*` accepts any and must be spelled
    /// out).
    #[arg(long, visible_alias = "cert-identity-regex", value_name = "RE")]
    pub(crate) certificate_identity_regexp: Option<String>,

    /// Keyless: the exact OIDC issuer (default with --repo, --owner, --signer-workflow or
    /// --signer-repo: https://token.actions.githubusercontent.com).
    #[arg(
        long,
        visible_alias = "cert-oidc-issuer",
        value_name = "S",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub(crate) certificate_oidc_issuer: Option<String>,

    /// Keyless: a regular expression searched for in the OIDC issuer, as cosign does (not
    /// anchored).
    #[arg(long, value_name = "RE")]
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,

    /// Keyless, as gh attestation verify: the certificate's source repository is
    /// [HOST/]OWNER/REPO (extensions 1.3.6.1.4.1.57264.1.12 and .1.16). Needs no
    /// --certificate-identity: without a signer flag the signer must be a workflow of this
    /// repository (gh's default); name another with --signer-workflow / --signer-repo.
    #[arg(long, value_name = "[HOST/]OWNER/REPO")]
    pub(crate) repo: Option<String>,

    /// Keyless, as gh attestation verify: the certificate's source repository owner is
    /// [HOST/]OWNER (extension 1.3.6.1.4.1.57264.1.16); without a signer flag the signer must
    /// be a workflow of this owner (gh's default).
    #[arg(long, value_name = "[HOST/]OWNER")]
    pub(crate) owner: Option<String>,

    /// Keyless, as gh attestation verify: the signing workflow (certificate identity and build
    /// signer URI, extension .1.9) is [HOST/]OWNER/REPO/PATH, at REF when given (literal
    /// text, not a regular expression). Needs --repo or --owner, as gh.
    #[arg(
        long,
        value_name = "[HOST/]OWNER/REPO/PATH[@REF]",
        conflicts_with_all = ["signer_repo", "certificate_identity", "certificate_identity_regexp"]
    )]
    pub(crate) signer_workflow: Option<String>,

    /// Keyless, as gh attestation verify: the signing workflow belongs to [HOST/]OWNER/REPO.
    /// Needs --repo or --owner, as gh.
    #[arg(
        long,
        value_name = "[HOST/]OWNER/REPO",
        conflicts_with_all = ["certificate_identity", "certificate_identity_regexp"]
    )]
    pub(crate) signer_repo: Option<String>,

    /// Keyless: refuse certificates issued to self-hosted runners (the runner environment,
    /// extension .1.11, must be github-hosted).
    #[arg(long)]
    pub(crate) deny_self_hosted_runners: bool,

    /// INSECURE: accept keyless attestations whose transparency-log entry cannot be checked.
    #[arg(long)]
    pub(crate) insecure_ignore_tlog: bool,

    /// Accept Sigstore entries that carry only a signed entry timestamp and no inclusion proof
    /// even after the cutoff (2024-01-01); off by default. --insecure-ignore-tlog implies it.
    #[arg(long)]
    pub(crate) allow_set_only: bool,

    /// Online, for legacy slsa-github-generator envelopes (a DSSE envelope with a `cert`, no
    /// bundle): look their transparency-log entry up in this Rekor v1 instance
    /// (https://rekor.sigstore.dev for the public-good instance) by the payload's hash, then
    /// verify it offline as a bundle's (entry body, signed entry timestamp, inclusion proof and
    /// checkpoint against the trusted root). Without it such envelopes fail.
    #[cfg(feature = "rekor-lookup")]
    #[arg(long, value_name = "URL")]
    pub(crate) rekor_url: Option<String>,

    /// Policy file (TOML): roots of trust and expectations per artifact pattern; flags add to
    /// and override it.
    #[arg(long, value_name = "F")]
    pub(crate) policy: Option<PathBuf>,
}

/// The trusted root cached by `trusted-root update` in the trust cache directory, if any.
pub(crate) fn cached_trusted_root() -> anyhow::Result<Option<TrustedRoot>> {
    let Some(dir) = crate::commands::trusted_root::cache_dir() else {
        return Ok(None);
    };
    load::cached_trusted_root(&dir).with_context(|| {
        format!(
            "cannot use the cached trusted root in {} (run `provenance trusted-root update`, \
             remove the file, or set {}= to ignore the cache)",
            dir.display(),
            crate::commands::trusted_root::CACHE_ENV
        )
    })
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
            || self.repo.is_some()
            || self.owner.is_some()
            || self.signer_workflow.is_some()
            || self.signer_repo.is_some()
            || self.deny_self_hosted_runners
    }

    /// Warnings about the trust flags and the policy's roots: an identity regexp not anchored
    /// at the start (`^`) matches anywhere in the identity, as cosign's does.
    pub(crate) fn warnings(&self, policy: Option<&LoadedPolicy>) -> Vec<String> {
        // A regexp that is not "match anything" and not anchored at the start.
        let loose =
            |re: &str| !is_explicit_any(re) && !re.starts_with('^') && !re.starts_with("(?i)^");
        let note = |setting: &str, re: &str, field: &str| {
            format!(
                "{setting} {re:?} is not anchored with `^`: it is searched for anywhere in the \
                 {field} (as cosign does)"
            )
        };
        let mut out = Vec::new();
        for (flag, re, field, others) in [
            (
                "--certificate-identity-regexp",
                &self.certificate_identity_regexp,
                "certificate identity",
                "identities",
            ),
            (
                "--certificate-oidc-issuer-regexp",
                &self.certificate_oidc_issuer_regexp,
                "OIDC issuer",
                "issuers",
            ),
        ] {
            if let Some(re) = re.as_deref().filter(|re| loose(re)) {
                out.push(format!(
                    "{}, so other {others} containing it match too",
                    note(flag, re, field)
                ));
            }
        }
        for root in policy.iter().flat_map(|p| &p.policy.roots) {
            let AnchorSpec::Keyless {
                identity,
                issuer,
                github,
                ..
            } = &root.anchor
            else {
                continue;
            };
            if let Matcher::Regexp(re) = issuer
                && loose(re)
            {
                out.push(format!(
                    "root {:?}: {}",
                    root.name,
                    note("certificate_oidc_issuer_regexp", re, "OIDC issuer")
                ));
            }
            if let Matcher::Regexp(re) = identity
                && github.signer_regexp().is_none()
                && loose(re)
            {
                out.push(format!(
                    "root {:?}: {}",
                    root.name,
                    note("certificate_identity_regexp", re, "certificate identity")
                ));
            }
        }
        out
    }

    /// The keyless identity and issuer matchers of the flags; a refused regexp names its flag.
    fn keyless_identity(&self, github: &GithubIdentity) -> anyhow::Result<(Matcher, Matcher)> {
        keyless_matchers(
            github,
            [
                ("certificate identity", "--certificate-identity-regexp"),
                (
                    "certificate OIDC issuer",
                    "--certificate-oidc-issuer-regexp",
                ),
            ],
            (
                self.certificate_identity.clone(),
                self.certificate_identity_regexp.clone(),
            ),
            (
                self.certificate_oidc_issuer.clone(),
                self.certificate_oidc_issuer_regexp.clone(),
            ),
        )
        .map_err(|e| match e {
            // A refused regexp names its flag: the generic hint would mislead.
            VerifyError::InvalidSetting { field, .. } if field.starts_with("--") => {
                anyhow::Error::new(e)
            }
            e => anyhow::Error::new(e).context(
                "keyless verification needs an identity (--certificate-identity[-regexp], or \
                 gh's --repo, --owner, --signer-workflow, --signer-repo) and an OIDC issuer \
                 (--certificate-oidc-issuer[-regexp])",
            ),
        })
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

    /// The roots of trust, added to `builder`: those of the policy, then `--key`, then the
    /// keyless identity.
    pub(crate) fn add_roots(
        &self,
        mut builder: VerifierBuilder,
        policy: Option<&LoadedPolicy>,
    ) -> anyhow::Result<VerifierBuilder> {
        let policy_roots = policy.is_some_and(|p| !p.policy.roots.is_empty());
        // The trusted root of roots that name none: a TUF-refreshed one in the trust cache
        // wins over the embedded public-good root; --trusted-root wins over both for the
        // flags' roots. Not read when --trusted-root is all that is needed.
        let cached = if self.trusted_root.is_none() || policy_roots {
            cached_trusted_root()?
        } else {
            None
        };
        if let Some(root) = &cached {
            builder = builder.default_trusted_root(root.clone());
        }
        // --trusted-root is read (and a missing or unusable file refused) whatever it is
        // needed for, and named as what failed.
        let flag_root = self
            .trusted_root
            .as_deref()
            .map(|path| load::trusted_root(Some(path)).context("cannot load --trusted-root"))
            .transpose()?;
        let sigstore_root = || -> anyhow::Result<TrustedRoot> {
            match (&flag_root, &cached) {
                (Some(root), _) | (None, Some(root)) => Ok(root.clone()),
                (None, None) => Ok(load::trusted_root(None)?),
            }
        };
        if let Some(p) = policy {
            let base = p
                .path
                .parent()
                .map_or_else(|| Path::new(".").to_owned(), Path::to_owned);
            builder = builder.policy(p.policy.clone(), base);
        }
        #[cfg(feature = "rekor-lookup")]
        if let Some(url) = &self.rekor_url {
            let lookup = provenance::sigstore::RekorLookup::new(url)
                .with_context(|| format!("invalid --rekor-url {url}"))?;
            builder = builder.log_lookup(std::sync::Arc::new(lookup));
        }
        if !self.key.is_empty() {
            let keys = load::public_keys(&self.key, None).context("cannot load --key")?;
            let mut root = KeyRoot::new(keys)
                .name("--key")
                .threshold(self.threshold)
                .allow_set_only(self.allow_set_only());
            // Only a single-key root verifies key-based Sigstore bundles (their log entries
            // against the trusted root).
            if self.threshold == 1 {
                root = root.trusted_root(
                    sigstore_root().context("cannot load the trusted root for --key")?,
                );
            }
            builder = builder.key_root(root);
        } else if self.threshold != 1 {
            anyhow::bail!("--threshold needs --key");
        }
        if self.keyless_given() {
            let github = GithubIdentity::parse(
                self.repo.as_deref(),
                self.owner.as_deref(),
                self.signer_workflow.as_deref(),
                self.signer_repo.as_deref(),
                self.deny_self_hosted_runners,
            )
            .context("invalid --repo, --owner, --signer-workflow or --signer-repo")?;
            let (identity, issuer) = self.keyless_identity(&github)?;
            let trusted_root = sigstore_root().context("cannot set up keyless verification")?;
            let transparency = if self.insecure_ignore_tlog {
                Transparency::InsecureIgnore
            } else {
                Transparency::Required
            };
            builder = builder.keyless_root(
                KeylessRoot::new(identity, issuer)
                    .name("keyless")
                    .github(github)
                    .trusted_root(trusted_root)
                    .transparency(transparency)
                    .allow_set_only(self.allow_set_only()),
            );
        } else if self.trusted_root.is_some() && self.key.is_empty() {
            anyhow::bail!(
                "--trusted-root needs --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp] \
                 (to accept any identity, spell it out: --certificate-identity-regexp '.*')"
            );
        }
        if !policy_roots && self.key.is_empty() && !self.keyless_given() {
            anyhow::bail!(
                "no root of trust: give --key PUB, or --certificate-identity[-regexp] with \
                 --certificate-oidc-issuer[-regexp], or a --policy with [[roots]]"
            );
        }
        Ok(builder)
    }
}

/// Warns about each attestation no root accepted, with a hint where an online log lookup
/// would have checked it; returns whether a refusal was a service failure (the transparency
/// log asked online could not be used), which makes a failed run an error (exit 2), not a
/// verdict.
pub(crate) fn report_rejected(rejected: &[Rejected], ui: &Ui) -> bool {
    let mut service_failure = false;
    let mut needs_lookup = false;
    for r in rejected {
        ui.warn(format!(
            "{}: not accepted by any root of trust: {}",
            r.origin, r.reason
        ));
        for refusal in &r.refusals {
            match refusal.rejection {
                Rejection::ServiceUnavailable(_) => service_failure = true,
                Rejection::NeedsLogLookup(_) => needs_lookup = true,
                _ => {}
            }
        }
    }
    if needs_lookup && cfg!(feature = "rekor-lookup") {
        ui.warn(
            "a legacy envelope (certificate, no bundle) carries no transparency-log entry: \
             --rekor-url URL (https://rekor.sigstore.dev for public-good) looks it up online \
             and verifies it",
        );
    }
    service_failure
}
