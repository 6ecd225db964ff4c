//! `--keyless` for `attest` and `sign`: an OIDC identity token, Fulcio, Rekor, and a Sigstore
//! bundle v0.3 that was verified against the trusted root before it is written.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use provenance::sigstore::TrustedRoot;
use provenance::sigstore::sign::{
    IdentityToken, KeylessBundle, KeylessSigner, RekorVersion, Services,
};

use crate::ui::{Ui, escaped};

/// Largest trusted root or signing config read.
const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

/// Flags of keyless signing (shared by `attest` and `sign`).
#[derive(Debug, clap::Args)]
pub(crate) struct KeylessFlags {
    /// Sign without a key: the CI's OIDC identity token is exchanged with Fulcio for a
    /// short-lived certificate over an ephemeral key, and the signature is logged in Rekor.
    /// Writes a Sigstore bundle v0.3.
    #[arg(long)]
    pub(crate) keyless: bool,

    /// The OIDC identity token, or @FILE holding it. Default: SIGSTORE_ID_TOKEN, then GitHub
    /// Actions' ambient token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, audience sigstore), then
    /// Buildkite's (buildkite-agent oidc request-token) or CircleCI's (circleci run oidc get).
    #[arg(long, value_name = "TOKEN|@FILE", requires = "keyless")]
    identity_token: Option<String>,

    /// Sigstore's signing_config.json (SigningConfig v0.2, or a ClientTrustConfig holding it
    /// and the trusted root) naming Fulcio and Rekor. Default: the public-good instance.
    #[arg(long, value_name = "FILE", requires = "keyless")]
    signing_config: Option<PathBuf>,

    /// Fulcio to ask for the certificate (overrides --signing-config).
    #[arg(long, value_name = "URL", requires = "keyless")]
    fulcio_url: Option<String>,

    /// Rekor to log the signature in (overrides --signing-config); its API is
    /// --rekor-version.
    #[arg(long, value_name = "URL", requires = "keyless")]
    rekor_url: Option<String>,

    /// The API of --rekor-url: 1, or 2 (rekor-tiles; needs --timestamp-server-url or a TSA in
    /// --signing-config, as a v2 entry records no signing time).
    #[arg(long, value_name = "1|2", default_value_t = 1, requires = "rekor_url",
          value_parser = clap::value_parser!(u8).range(1..=2))]
    rekor_version: u8,

    /// Also timestamp the signature with this RFC 3161 TSA (its full URL; overrides
    /// --signing-config).
    #[arg(long, value_name = "URL", requires = "keyless")]
    timestamp_server_url: Option<String>,

    /// The trusted_root.json the new bundle must verify against before it is written.
    /// Default: the one in a ClientTrustConfig --signing-config, else the embedded public-good
    /// root.
    #[arg(long, value_name = "FILE", requires = "keyless")]
    trusted_root: Option<PathBuf>,

    /// Accepted as cosign's --yes: nothing here asks for confirmation (the signing identity
    /// is always logged, publicly on the public-good instance).
    #[arg(short = 'y', long, requires = "keyless")]
    yes: bool,

    /// Timeout of each request to Fulcio, Rekor or the OIDC endpoint, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "keyless",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

fn read_bounded(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "the {what} {} is larger than {MAX_CONFIG_BYTES} bytes",
            path.display()
        );
    }
    Ok(bytes)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl KeylessFlags {
    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// The identity token from the flag, the environment or the CI.
    fn token(&self) -> anyhow::Result<IdentityToken> {
        if let Some(v) = &self.identity_token {
            return IdentityToken::from_value_or_file(v).context("cannot use --identity-token");
        }
        IdentityToken::from_environment(self.timeout())
            .context("cannot get an identity token from the environment")?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "keyless signing needs an OIDC identity token: pass --identity-token, set \
                     SIGSTORE_ID_TOKEN, or run in GitHub Actions with `permissions: id-token: write`, \
                     Buildkite or CircleCI"
                )
            })
    }

    /// The signer: services and trusted root from the flags.
    fn signer(&self) -> anyhow::Result<KeylessSigner> {
        let config = match &self.signing_config {
            Some(path) => Some((path, read_bounded(path, "signing config")?)),
            None => None,
        };
        let mut services = match &config {
            Some((path, bytes)) => Services::from_signing_config_json(bytes, unix_now())
                .with_context(|| format!("cannot use the signing config {}", path.display()))?,
            None => Services::public_good(),
        };
        if let Some(url) = &self.fulcio_url {
            services = services
                .with_fulcio_url(url)
                .context("invalid --fulcio-url")?;
        }
        if let Some(url) = &self.rekor_url {
            services = if self.rekor_version == 2 {
                services.with_rekor_v2_url(url)
            } else {
                services.with_rekor_url(url)
            }
            .context("invalid --rekor-url")?;
        }
        if let Some(url) = &self.timestamp_server_url {
            services = services
                .with_tsa_url(url)
                .context("invalid --timestamp-server-url")?;
        }
        let root = if let Some(path) = &self.trusted_root {
            TrustedRoot::from_json(&read_bounded(path, "trusted root")?)
                .with_context(|| format!("cannot use the trusted root {}", path.display()))?
        } else if let Some((path, bytes)) = config.as_ref().filter(|(_, b)| has_trusted_root(b)) {
            TrustedRoot::from_json(bytes)
                .with_context(|| format!("cannot use the trusted root in {}", path.display()))?
        } else if let Some(root) = crate::commands::trust_flags::cached_trusted_root()? {
            root
        } else {
            TrustedRoot::public_good().context("cannot load the embedded trusted root")?
        };
        Ok(KeylessSigner::new(services, root).with_timeout(self.timeout()))
    }

    /// Signs a DSSE envelope over `payload`.
    pub(crate) fn sign_dsse(
        &self,
        payload_type: &str,
        payload: &[u8],
        ui: &Ui,
    ) -> anyhow::Result<KeylessBundle> {
        let (token, keyless) = self.prepare(ui)?;
        let start = Instant::now();
        let signed = keyless
            .sign_dsse(&token, payload_type, payload)
            .context("keyless signing failed; no bundle was written")?;
        report(&signed, start, ui);
        Ok(signed)
    }

    /// Signs the artifact with this SHA-256 digest (message signature).
    pub(crate) fn sign_digest(&self, sha256: &[u8; 32], ui: &Ui) -> anyhow::Result<KeylessBundle> {
        let (token, keyless) = self.prepare(ui)?;
        let start = Instant::now();
        let signed = keyless
            .sign_digest(&token, sha256)
            .context("keyless signing failed; no bundle was written")?;
        report(&signed, start, ui);
        Ok(signed)
    }

    fn prepare(&self, ui: &Ui) -> anyhow::Result<(IdentityToken, KeylessSigner)> {
        let signer = self.signer()?;
        let token = self.token()?;
        let tsa = signer
            .services()
            .tsa_url()
            .map_or_else(String::new, |u| format!(" and TSA {}", escaped(u)));
        let v2 = if signer.services().rekor_version() == RekorVersion::V2 {
            " (v2)"
        } else {
            ""
        };
        ui.note(format_args!(
            "signing as {} (issuer {}) with Fulcio {}, Rekor{v2} {}{tsa}",
            escaped(token.subject()),
            escaped(token.issuer()),
            escaped(signer.services().fulcio_url()),
            escaped(signer.services().rekor_url()),
        ));
        Ok((token, signer))
    }
}

fn has_trusted_root(config: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(config)
        .is_ok_and(|v| v.get("trustedRoot").is_some())
}

fn report(signed: &KeylessBundle, start: Instant, ui: &Ui) {
    let total = start.elapsed();
    let identity = signed
        .verified
        .identity
        .as_ref()
        .map_or_else(String::new, |id| format!(" as {}", escaped(&id.san)));
    ui.note(format_args!(
        "signed and verified{identity}: {} ms in total, {} ms waiting for the services",
        total.as_millis(),
        signed.network_time.as_millis(),
    ));
}
