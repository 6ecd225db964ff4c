//! `provenance verify`: artifacts against their attestations, the roots of trust and the
//! expectations given; one verdict per artifact, exit 1 if any fails.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use provenance::digest::DigestSet;
use provenance::keys::KeySource;
use provenance::keys::fs::{Mode, Overwrite, write_atomic};
use provenance::verify::policy::{commit, ref_expectation};
use provenance::verify::rules::{BuilderRule, SourceRepo};
use provenance::verify::vsa::{DEFAULT_VERIFIER_ID, VsaContext, sign_vsa, vsa_statement};
use provenance::verify::{
    Artifact, AttestationSet, Expectations, Limits, OffsetDateTime, Report, Verdict, Verifier, load,
};

use crate::Outcome;
use crate::commands::trust_flags::{LoadedPolicy, TrustFlags};
use crate::ui::Ui;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// One line per artifact: PASS or FAIL and why.
    Text,
    /// One JSON document: verdicts, failed rules, traces.
    Json,
}

/// Expectation flags shared by `verify` and `trace`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ExpectFlags {
    /// Expected source repository (github.com/o/r, https://github.com/o/r,
    /// git+https://github.com/o/r.git); compared exactly after normalisation.
    #[arg(long, value_name = "URI")]
    pub(crate) source_uri: Option<String>,

    /// Expected full source ref (refs/heads/main, refs/tags/v1.2.3).
    #[arg(long, value_name = "REF", group = "source_ref_group")]
    pub(crate) source_ref: Option<String>,

    /// Expected source tag (the ref must be refs/tags/T).
    #[arg(long, value_name = "T", group = "source_ref_group")]
    pub(crate) source_tag: Option<String>,

    /// Expected source branch (the ref must be refs/heads/B).
    #[arg(long, value_name = "B", group = "source_ref_group")]
    pub(crate) source_branch: Option<String>,

    /// Expected semver tag as slsa-verifier: v1 accepts v1.x.y, v1.2 accepts v1.2.y,
    /// v1.2.3 only v1.2.3.
    #[arg(long, value_name = "vX[.Y[.Z]]", group = "source_ref_group")]
    pub(crate) source_versioned_tag: Option<String>,

    /// Expected source commit (full hex).
    #[arg(long, value_name = "HEX")]
    pub(crate) source_commit: Option<String>,

    /// Expected builder id: ID, ID@v1.2.3 or ID@refs/tags/v1.2.3 (as slsa-verifier); for a
    /// verification summary (VSA), its verifier.id.
    #[arg(long, value_name = "URI")]
    pub(crate) builder_id: Option<String>,

    /// Expected buildType.
    #[arg(long, value_name = "URI")]
    pub(crate) build_type: Option<String>,

    /// Accepted predicate type (default: SLSA Provenance v1, and v0.2); repeatable.
    #[arg(long, value_name = "URI")]
    pub(crate) predicate_type: Vec<String>,
}

impl ExpectFlags {
    /// The expectations these flags set (laid over the policy's).
    pub(crate) fn expectations(&self) -> anyhow::Result<Expectations> {
        let mut e = Expectations::default();
        e.predicate_types.clone_from(&self.predicate_type);
        if let Some(b) = &self.builder_id {
            e.builder = Some(BuilderRule::parse(b)?);
        }
        e.build_type.clone_from(&self.build_type);
        if let Some(s) = &self.source_uri {
            e.source_repository = Some(SourceRepo::parse(s)?);
        }
        e.source_ref = ref_expectation(
            self.source_ref.as_deref(),
            self.source_tag.as_deref(),
            self.source_branch.as_deref(),
            self.source_versioned_tag.as_deref(),
        )?;
        if let Some(c) = &self.source_commit {
            e.source_commit = Some(commit(c)?);
        }
        Ok(e)
    }
}

/// Arguments of `provenance verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Attestation file (.intoto.jsonl, .sigstore.json, .build.slsa, npm attestations JSON) or
    /// directory; repeatable. Without it, ARTIFACT.intoto.jsonl and ARTIFACT.sigstore.json
    /// beside each artifact are read.
    #[arg(long, value_name = "F")]
    attestation: Vec<PathBuf>,

    #[command(flatten)]
    trust: TrustFlags,

    #[command(flatten)]
    expect: ExpectFlags,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// After a pass, write a signed SLSA VSA v1 per artifact (JSON Lines) to this file.
    #[arg(long, value_name = "F", requires = "vsa_key")]
    vsa_output: Option<PathBuf>,

    /// Private key (PEM file or env://VAR) that signs the VSA.
    #[arg(long, value_name = "KEY", requires = "vsa_output")]
    vsa_key: Option<KeySource>,

    #[cfg(feature = "oci")]
    #[command(flatten)]
    registry: crate::commands::oci::RegistryFlags,

    /// Artifacts: file paths, sha256:HEX / sha512:HEX digests, or oci://REGISTRY/REPO@sha256:HEX
    /// (or :TAG) images, whose attestations are discovered in the registry.
    #[arg(value_name = "ARTIFACT")]
    artifacts: Vec<String>,
}

/// Builds the verifier from trust flags, a policy and expectation flags.
pub(crate) fn verifier(
    trust: &TrustFlags,
    expect: &ExpectFlags,
) -> anyhow::Result<(Verifier, Option<LoadedPolicy>)> {
    let policy = trust.load_policy()?;
    let roots = trust.roots(policy.as_ref())?;
    let overrides = expect.expectations()?;
    if let Some(p) = &policy
        && !p.policy.allow_no_expectations
        && p.policy.defaults.is_none()
        && p.policy.artifacts.is_empty()
        && !overrides.sets_any_expectation()
    {
        anyhow::bail!(
            "the policy sets no expectations (no [defaults] or [[artifacts]]) and no expectation flag was given: add some or say `allow_no_expectations = true` in the policy"
        );
    }
    let mut verifier = Verifier::new(roots)?.with_overrides(overrides);
    if let Some(p) = &policy {
        verifier = verifier.with_patterns(p.policy.artifacts.clone());
        if let Some(d) = &p.policy.defaults {
            verifier = verifier.with_defaults(d.clone());
        }
    }
    Ok((verifier, policy))
}

/// Runs `provenance verify`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the command signature every subcommand shares"
)]
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    if args.artifacts.is_empty() {
        anyhow::bail!(
            "no artifact given: verifying nothing is refused (give ARTIFACT, sha256:HEX or sha512:HEX)"
        );
    }
    let (verifier, policy) = verifier(&args.trust, &args.expect)?;
    let limits = Limits::DEFAULT;
    #[cfg(feature = "oci")]
    let mut images = crate::commands::oci::Images::resolve(
        args.artifacts.iter().map(String::as_str),
        &args.registry,
        ui,
    )?;
    let artifacts = args
        .artifacts
        .iter()
        .map(|a| {
            #[cfg(feature = "oci")]
            if let Some(image) = images.artifact(a) {
                return image;
            }
            load::artifact(a).with_context(|| format!("cannot use the artifact {a}"))
        })
        .collect::<anyhow::Result<Vec<Artifact>>>()?;
    if args.artifacts.iter().any(|a| a == "-")
        && args.attestation.iter().any(|p| p.as_os_str() == "-")
    {
        anyhow::bail!("standard input can hold the artifact or the attestations, not both");
    }
    let mut set = AttestationSet::new();
    for path in &args.attestation {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let stdin = std::io::stdin().lock();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(stdin, limits.max_file_bytes() + 1),
                &mut bytes,
            )
            .context("cannot read attestations from standard input")?;
            set.add_bytes(path, &bytes, &limits)
                .context("cannot read attestations from standard input")?;
            continue;
        }
        set.add_file(path, &limits)
            .with_context(|| format!("cannot read attestations from {}", path.display()))?;
    }
    if args.attestation.is_empty() {
        for a in &args.artifacts {
            if std::path::Path::new(a).is_file() {
                set.add_beside(std::path::Path::new(a), &limits)
                    .with_context(|| format!("cannot read the attestations beside {a}"))?;
            }
        }
        #[cfg(feature = "oci")]
        images.add_attestations(&mut set, &limits, ui)?;
    }
    for s in set.skipped() {
        ui.warn(format!("{}: skipped: {}", s.origin, s.reason));
    }
    let now = OffsetDateTime::now_utc();
    let report = verifier.verify(&artifacts, &set, now)?;
    for r in &report.rejected {
        ui.warn(format!(
            "{}: not accepted by any root of trust: {}",
            r.origin, r.reason
        ));
    }
    print_report(&report, args.format)?;
    if !report.passed() {
        return Ok(Outcome::VerificationFailed);
    }
    if let (Some(out), Some(key)) = (&args.vsa_output, &args.vsa_key) {
        write_vsas(&report, policy.as_ref(), &args, out, key, now, ui)?;
    }
    Ok(Outcome::Success)
}

fn print_report(report: &Report, format: Format) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let summary = provenance::verify::summary(report);
            let doc = serde_json::json!({
                "verdict": if report.passed() { "PASS" } else { "FAIL" },
                "summary": summary,
                "artifacts": report.artifacts,
                "unmatchedRequiredPatterns": report.unmatched_required_patterns,
                "rejectedAttestations": report.rejected,
                "skippedLines": report.skipped,
                "signatureChecks": report.signature_checks,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            for a in &report.artifacts {
                match a.verdict {
                    Verdict::Pass => {
                        let facts = |t: &provenance::verify::TraceEntry| {
                            (
                                t.claimed.facts.source_repository.clone(),
                                t.claimed.facts.source_commit.clone(),
                            )
                        };
                        let by = a.trace.first().map(|t| {
                            let (src, commit) = facts(t);
                            let more = match a.trace.len().saturating_sub(1) {
                                0 => String::new(),
                                n if a.trace.iter().all(|o| facts(o) == facts(t)) => {
                                    format!("; +{n} more statement(s), same source")
                                }
                                n => format!(
                                    "; +{n} more statement(s) whose sources disagree: see --format json"
                                ),
                            };
                            format!(
                                " (source {} at {}, signed by {}{more})",
                                src.as_deref().unwrap_or("-"),
                                commit.as_deref().unwrap_or("-"),
                                t.verified.signer.describe()
                            )
                        });
                        writeln!(out, "PASS {}{}", a.name, by.unwrap_or_default())?;
                    }
                    Verdict::Fail => writeln!(out, "FAIL {}: {}", a.name, a.reason())?,
                }
            }
            for p in &report.unmatched_required_patterns {
                writeln!(
                    out,
                    "FAIL policy pattern {p}: required, but no artifact matched it"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_vsas(
    report: &Report,
    policy: Option<&LoadedPolicy>,
    args: &Args,
    out: &std::path::Path,
    key: &KeySource,
    now: OffsetDateTime,
    ui: &Ui,
) -> anyhow::Result<()> {
    let private = crate::commands::keys::load_private_key(key, ui)?;
    let (policy_uri, policy_digest) = if let Some(p) = policy {
        let abs = std::fs::canonicalize(&p.path).unwrap_or_else(|_| p.path.clone());
        (format!("file://{}", abs.display()), digest_of(&p.bytes)?)
    } else {
        // No policy file: the policy is the command line's expectations.
        let described = format!("{:?}", args.expect);
        (
            "urn:provenance:verify:command-line".to_owned(),
            digest_of(described.as_bytes())?,
        )
    };
    let verifier_id = policy
        .and_then(|p| p.policy.verifier_id.clone())
        .unwrap_or_else(|| DEFAULT_VERIFIER_ID.to_owned());
    let ctx = VsaContext {
        verifier_id: &verifier_id,
        time_verified: now,
        policy_uri: &policy_uri,
        policy_digest: &policy_digest,
    };
    let mut lines = String::new();
    for a in &report.artifacts {
        let statement = vsa_statement(a, &ctx)?;
        lines.push_str(&sign_vsa(statement, &private)?);
        lines.push('\n');
    }
    write_atomic(out, lines.as_bytes(), Mode::Public, Overwrite::Force)
        .with_context(|| format!("cannot write the VSA to {}", out.display()))?;
    Ok(())
}

fn digest_of(bytes: &[u8]) -> anyhow::Result<DigestSet> {
    Ok(provenance::digest::hash_bytes(
        bytes,
        &[provenance::digest::Algorithm::Sha256],
    )?)
}
