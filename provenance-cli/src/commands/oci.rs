//! `oci://REGISTRY/REPO@sha256:HEX` (or `:TAG`) images as artifacts: `verify` discovers the
//! attestations attached to them in the registry, `attest --push` attaches one.
//! Built with the `oci` feature (on by default for the binary).
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::collections::HashMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::digest::DigestSet;
use provenance::oci::manifest::SIGSTORE_BUNDLE_V03;
use provenance::oci::referrers::{self, Attachment, DiscoveryLimits};
use provenance::oci::{
    ClientConfig, CredentialSource, Credentials, Error as OciError, FetchedManifest,
    ImageReference, PlainHttp, Registry, RegistryClient,
};
use provenance::verify::{Artifact, AttestationSet, Limits};

use crate::ui::{Ui, escape};

/// The environment variable holding the password (or token) for --registry-username.
const PASSWORD_ENV: &str = "PROVENANCE_REGISTRY_PASSWORD";

/// Registry flags shared by `verify` and `attest`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct RegistryFlags {
    /// Registry username for oci:// images; the password (or token) comes from
    /// PROVENANCE_REGISTRY_PASSWORD or, with --registry-secret-stdin, standard input.
    /// Without it, credentials come from the docker config (DOCKER_CONFIG or
    /// ~/.docker/config.json `auths`), else access is anonymous.
    #[arg(long, value_name = "USER")]
    registry_username: Option<String>,

    /// Read the registry password from the first line of standard input.
    #[arg(long, requires = "registry_username")]
    registry_secret_stdin: bool,

    /// Extra CA certificate (PEM) trusted for registries, besides the system roots; repeatable.
    #[arg(long, value_name = "F")]
    registry_cacert: Vec<PathBuf>,

    /// Allow plain HTTP to registries that do not speak TLS (always allowed for loopback).
    #[arg(long)]
    allow_insecure_registry: bool,

    /// For an oci:// image that is a multi-platform index: verify the child manifest for this
    /// platform (os/arch[/variant]) instead of the index itself.
    #[arg(long, value_name = "OS/ARCH")]
    platform: Option<String>,
}

impl RegistryFlags {
    fn client_config(&self) -> anyhow::Result<ClientConfig> {
        let mut config = ClientConfig::new();
        for ca in &self.registry_cacert {
            config = config
                .with_ca_file(ca)
                .with_context(|| format!("--registry-cacert {}", ca.display()))?;
        }
        if self.allow_insecure_registry {
            config = config.with_plain_http(PlainHttp::Allowed);
        }
        if let Some(user) = &self.registry_username {
            let password = if self.registry_secret_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .take_line(&mut line)
                    .context("cannot read the registry password from standard input")?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var(PASSWORD_ENV).with_context(|| {
                    format!(
                        "--registry-username needs the password in {PASSWORD_ENV} or --registry-secret-stdin"
                    )
                })?
            };
            config = config.with_credentials(CredentialSource::Given(Credentials::new(
                user.clone(),
                password,
            )));
        }
        Ok(config)
    }
}

/// Reads one line of at most 64 KiB.
trait TakeLine {
    fn take_line(self, line: &mut String) -> std::io::Result<usize>;
}

impl<R: std::io::BufRead> TakeLine for R {
    fn take_line(self, line: &mut String) -> std::io::Result<usize> {
        std::io::Read::take(self, 64 * 1024).read_line(line)
    }
}

/// Whether a command-line artifact or subject names an image.
pub(crate) fn is_image(arg: &str) -> bool {
    arg.starts_with("oci://")
}

struct Image {
    arg: String,
    reference: ImageReference,
    manifest: FetchedManifest,
}

/// The images among the command line's artifacts, resolved to their manifest digests once.
pub(crate) struct Images {
    clients: HashMap<Registry, RegistryClient>,
    images: Vec<Image>,
}

impl Images {
    /// Parses and resolves every `oci://` argument (a tag is resolved once, to the digest of
    /// the manifest received; a digest is checked against the manifest's bytes).
    pub(crate) fn resolve<'a>(
        args: impl IntoIterator<Item = &'a str>,
        flags: &RegistryFlags,
        ui: &Ui,
    ) -> anyhow::Result<Self> {
        let mut out = Self {
            clients: HashMap::new(),
            images: Vec::new(),
        };
        let args: Vec<&str> = args.into_iter().filter(|a| is_image(a)).collect();
        if args.is_empty() {
            return Ok(out);
        }
        let config = flags.client_config()?;
        let platform = flags
            .platform
            .as_deref()
            .map(str::parse::<referrers::Platform>)
            .transpose()
            .context("--platform")?;
        for arg in args {
            let reference: ImageReference = arg
                .parse()
                .with_context(|| format!("cannot use the artifact {arg}"))?;
            let client = out.client(reference.registry(), &config)?;
            let mut manifest = referrers::resolve(client, &reference)
                .with_context(|| format!("cannot resolve the image {arg}"))?;
            if let Some(platform) = &platform {
                manifest =
                    referrers::select_platform(client, reference.repository(), &manifest, platform)
                        .with_context(|| format!("cannot select {platform} in {arg}"))?;
            }
            if reference.digest() != Some(&manifest.digest) {
                // a tag (or --platform) was resolved: say once which digest is verified
                ui.note(format!("{arg} is {}@{}", reference.name(), manifest.digest));
            }
            out.images.push(Image {
                arg: arg.to_owned(),
                reference,
                manifest,
            });
        }
        Ok(out)
    }

    fn client(
        &mut self,
        registry: &Registry,
        config: &ClientConfig,
    ) -> anyhow::Result<&mut RegistryClient> {
        if !self.clients.contains_key(registry) {
            let client = RegistryClient::new(registry.clone(), config)
                .with_context(|| format!("registry {registry}"))?;
            self.clients.insert(registry.clone(), client);
        }
        self.clients
            .get_mut(registry)
            .context("registry client missing")
    }

    /// Whether no argument named an image.
    #[cfg(feature = "sign")]
    pub(crate) fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// The artifact for an `oci://` argument: named `REGISTRY/REPO`, digest = manifest digest.
    pub(crate) fn artifact(&self, arg: &str) -> Option<anyhow::Result<Artifact>> {
        let image = self.images.iter().find(|i| i.arg == arg)?;
        Some(
            DigestSet::parse_prefixed(&image.manifest.digest.to_string())
                .map(|d| Artifact::new(image.reference.name(), d))
                .with_context(|| format!("cannot use the artifact {arg}")),
        )
    }

    /// Discovers every image's Sigstore-bundle referrers (referrers API, else the tag schema),
    /// fetches each bundle (checked against its digest, bounded by the attestation limits) and
    /// adds it to `set`, named `oci://REGISTRY/REPO@<referrer digest>`.
    pub(crate) fn add_attestations(
        &mut self,
        set: &mut AttestationSet,
        limits: &Limits,
        ui: &Ui,
    ) -> anyhow::Result<()> {
        let max_bundle = u64::try_from(limits.max_line_bytes()).unwrap_or(u64::MAX);
        // All the attestations read from registries, together, weigh at most what one
        // attestation file may (plus the one being fetched, itself bounded): memory stays
        // bounded whatever the registries list.
        let budget = limits.max_file_bytes();
        let mut spent = 0u64;
        let over_budget = |what: &str| {
            anyhow::anyhow!(
                "the attestations in the registry for {what} exceed {budget} bytes together (the limit of one attestation file)"
            )
        };
        for image in &self.images {
            let registry = image.reference.registry();
            let Some(client) = self.clients.get_mut(registry) else {
                continue;
            };
            let repo = image.reference.repository();
            let subject = &image.manifest.digest;
            let found = referrers::discover(
                client,
                repo,
                subject,
                SIGSTORE_BUNDLE_V03,
                DiscoveryLimits::default(),
            )
            .with_context(|| format!("cannot list the attestations of {}", image.arg))?;
            for referrer in &found.descriptors {
                let origin = format!("oci://{}@{}", image.reference.name(), referrer.digest);
                if spent >= budget {
                    return Err(over_budget(&image.arg));
                }
                let bytes = match referrers::fetch_bundle(
                    client,
                    repo,
                    subject,
                    referrer,
                    SIGSTORE_BUNDLE_V03,
                    max_bundle,
                ) {
                    Ok(bytes) => bytes,
                    // content that is not what its digest or its referrer entry says is
                    // skipped (it can never count), so that one bad referrer pushed beside
                    // the image does not block the others; the verdict decides
                    Err(
                        e @ (OciError::DigestMismatch { .. }
                        | OciError::Referrer { .. }
                        | OciError::TooLarge { .. }
                        | OciError::NotFound { .. }),
                    ) => {
                        ui.warn(format!("{origin}: skipped: {e}"));
                        continue;
                    }
                    Err(e) => {
                        return Err(e)
                            .with_context(|| format!("cannot fetch the attestation {origin}"));
                    }
                };
                spent = spent.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                set.add_bytes(Path::new(&origin), &bytes, limits)
                    .with_context(|| format!("cannot read the attestation {origin}"))?;
            }
            // cosign 2's `sha256-<hex>.att` image (DSSE layers, certificate + Rekor annotations)
            let att = provenance::oci::cosign::discover_att(
                client,
                repo,
                subject,
                max_bundle,
                budget.saturating_sub(spent),
            )
            .with_context(|| format!("cannot read cosign's attestations of {}", image.arg))?;
            spent = spent.saturating_add(
                att.iter()
                    .fold(0u64, |sum, a| sum.saturating_add(a.layer.size)),
            );
            for layer in &att {
                let origin = format!(
                    "oci://{}:{}#{}",
                    image.reference.name(),
                    provenance::oci::cosign::att_tag(subject),
                    layer.layer.digest
                );
                match layer.to_verifiable() {
                    Ok(bytes) => set
                        .add_bytes(Path::new(&origin), &bytes, limits)
                        .with_context(|| format!("cannot read the attestation {origin}"))?,
                    Err(e) => ui.warn(format!("{origin}: skipped: {e}")),
                }
            }
            if found.descriptors.is_empty() && att.is_empty() {
                ui.warn(format!(
                    "{}: no Sigstore bundle or cosign attestation attached in the registry",
                    image.arg
                ));
            }
        }
        Ok(())
    }

    /// The images, with their resolved digests, for `attest`: (argument, name, sha256 hex).
    pub(crate) fn subjects(&self) -> impl Iterator<Item = (&str, String, DigestSet)> {
        self.images.iter().filter_map(|i| {
            DigestSet::parse_prefixed(&i.manifest.digest.to_string())
                .ok()
                .map(|d| (i.arg.as_str(), i.reference.name(), d))
        })
    }

    /// Attaches a Sigstore bundle (JSON) of `predicate_type` to every image.
    pub(crate) fn push_bundle(
        &mut self,
        bundle: &[u8],
        predicate_type: &str,
        ui: &Ui,
    ) -> anyhow::Result<()> {
        for image in &self.images {
            let Some(client) = self.clients.get_mut(image.reference.registry()) else {
                continue;
            };
            let attached = referrers::attach(
                client,
                image.reference.repository(),
                &image.manifest,
                &Attachment::dsse_bundle(bundle, predicate_type),
            )
            .with_context(|| format!("cannot attach the attestation to {}", image.arg))?;
            ui.note(format!(
                "attached to {}@{}: {}",
                image.reference.name(),
                image.manifest.digest,
                attached.descriptor.digest
            ));
        }
        Ok(())
    }
}

/// The statement builder for `attest`: file subjects as usual, plus every image (name
/// `REGISTRY/REPO`, digest = manifest digest, as actions/attest writes it).
pub(crate) fn statement_builder(
    context: &crate::commands::context_flags::ContextFlags,
    subjects: &[PathBuf],
    images: &Images,
) -> anyhow::Result<provenance::context::StatementBuilder> {
    use provenance::context::{BuildContext, ProcessEnv, StatementBuilder};
    let paths: Vec<PathBuf> = subjects
        .iter()
        .filter(|p| !p.to_str().is_some_and(is_image))
        .cloned()
        .collect();
    let mut builder =
        if paths.is_empty() && context.subjects_from.is_empty() && !images.images.is_empty() {
            let detected = BuildContext::detect(&ProcessEnv, Path::new("."))
                .context("cannot detect the build context")?;
            let mut builder = StatementBuilder::new(detected);
            builder
                .context_mut()
                .apply(&context.overrides()?)
                .map_err(super::context_flags::flag_hint)?;
            builder
        } else {
            context.statement_builder(&paths)?
        };
    for (arg, name, digest) in images.subjects() {
        builder
            .add_subject(name, digest)
            .with_context(|| format!("cannot use the subject {arg}"))?;
    }
    Ok(builder)
}

/// `attest --push`: attaches the signed attestation, as a Sigstore bundle, to every image.
pub(crate) fn push(
    images: &mut Images,
    attestation: &provenance::Attestation,
    keys: &[provenance::keys::PrivateKey],
    ui: &Ui,
) -> anyhow::Result<()> {
    if images.images.is_empty() {
        anyhow::bail!("--push needs an oci://REGISTRY/REPO@sha256:HEX subject");
    }
    let [key] = keys else {
        anyhow::bail!("--push takes exactly one --key (a Sigstore bundle holds one signature)");
    };
    let bundle = attestation
        .to_bundle(Some(key.key_id().as_str()))?
        .to_json()
        .context("cannot serialise the Sigstore bundle")?;
    push_bundle(images, &bundle, ui)
}

/// `attest --push` of a bundle already signed (with `--keyless`): attaches it to every image.
pub(crate) fn push_bundle(images: &mut Images, bundle: &[u8], ui: &Ui) -> anyhow::Result<()> {
    if images.images.is_empty() {
        anyhow::bail!("--push needs an oci://REGISTRY/REPO@sha256:HEX subject");
    }
    images.push_bundle(bundle, SLSA_PROVENANCE_V1, ui)
}

/// The predicate type `attest` writes.
use provenance::model::SLSA_PROVENANCE_V1;

/// `inspect oci://...`: what is attached to the image (no trust decision; nothing is verified
/// beyond the digests of what was downloaded).
pub(crate) fn inspect(
    arg: &str,
    flags: &RegistryFlags,
    json: bool,
    output_file: Option<&Path>,
    ui: &Ui,
) -> anyhow::Result<crate::Outcome> {
    let mut images = Images::resolve([arg], flags, ui)?;
    let Some(image) = images.images.first() else {
        anyhow::bail!("{arg} is not an oci:// image");
    };
    let (name, digest, media_type) = (
        image.reference.name(),
        image.manifest.digest.clone(),
        image.manifest.media_type.clone(),
    );
    let repo = image.reference.repository().clone();
    let registry = image.reference.registry().clone();
    let client = images
        .clients
        .get_mut(&registry)
        .context("registry client missing")?;
    let found = referrers::discover(
        client,
        &repo,
        &digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .with_context(|| format!("cannot list the attestations of {arg}"))?;
    let att = provenance::oci::cosign::discover_att(client, &repo, &digest, 16 << 20, 256 << 20)
        .with_context(|| format!("cannot read cosign's attestations of {arg}"))?;
    let annotation = |d: &provenance::oci::manifest::Descriptor, k: &str| {
        d.annotations.get(k).cloned().unwrap_or_default()
    };
    let referrers: Vec<serde_json::Value> = found
        .descriptors
        .iter()
        .map(|d| {
            serde_json::json!({
                "digest": d.digest.to_string(),
                "artifactType": d.artifact_type,
                "predicateType": annotation(d, provenance::oci::manifest::ANNOTATION_PREDICATE_TYPE),
                "content": annotation(d, provenance::oci::manifest::ANNOTATION_BUNDLE_CONTENT),
                "created": annotation(d, provenance::oci::manifest::ANNOTATION_CREATED),
            })
        })
        .collect();
    let cosign: Vec<serde_json::Value> = att
        .iter()
        .map(|a| {
            serde_json::json!({
                "digest": a.layer.digest.to_string(),
                "predicateType": annotation(&a.layer, "predicateType"),
                "keyless": a.layer.annotations.contains_key(provenance::oci::cosign::ANNOTATION_CERTIFICATE),
            })
        })
        .collect();
    let path = match found.path {
        referrers::DiscoveryPath::ReferrersApi => "referrers API",
        _ => "referrers tag schema",
    };
    crate::ui::with_output(output_file, |out| {
        if json {
            let doc = serde_json::json!({
                "schemaVersion": "1",
                "trust": "no trust decision: nothing here has been verified",
                "image": {"name": name, "digest": digest.to_string(), "mediaType": media_type},
                "discovery": path,
                "referrers": referrers,
                "cosignAttestations": cosign,
            });
            crate::ui::write_json(out, &doc)?;
            writeln!(out)?;
        } else {
            let head = format!("image {}@{digest} ({})", escape(&name), escape(&media_type));
            let att_tag = provenance::oci::cosign::att_tag(&digest);
            print_attached(out, &head, path, &referrers, &cosign, &att_tag)?;
        }
        Ok(())
    })
    .or_else(crate::ui::quiet_if_broken_pipe)?;
    Ok(crate::Outcome::Success)
}

fn print_attached(
    out: &mut dyn std::io::Write,
    head: &str,
    path: &str,
    referrers: &[serde_json::Value],
    cosign: &[serde_json::Value],
    att_tag: &str,
) -> std::io::Result<()> {
    // Registry content is untrusted: escaped before it reaches a terminal.
    let s = |v: &serde_json::Value, k: &str| escape(v[k].as_str().unwrap_or_default()).into_owned();
    writeln!(out, "{head}")?;
    writeln!(
        out,
        "{} Sigstore bundle(s) via the {path}:",
        referrers.len()
    )?;
    for r in referrers {
        writeln!(out, "  {}  {}", s(r, "digest"), s(r, "predicateType"))?;
    }
    writeln!(out, "{} cosign attestation(s) ({att_tag}):", cosign.len())?;
    for c in cosign {
        let keyless = if c["keyless"].as_bool().unwrap_or(false) {
            "  (keyless)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}  {}{keyless}",
            s(c, "digest"),
            s(c, "predicateType")
        )?;
    }
    writeln!(out, "no trust decision: nothing here has been verified")
}
