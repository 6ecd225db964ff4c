//! `provenance verify`: artifacts against their attestations, the roots of trust and the
//! expectations given; one verdict per artifact, exit 1 if any fails.
#![expect(
    clippy::doc_markdown,
    reason = "doc comments here are clap help text, shown verbatim"
)]

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use provenance::Verifier;
use provenance::digest::{Algorithm, DigestSet};
use provenance::keys::{KeySource, PrivateKey};
use provenance::verify::policy::{commit, ref_expectation};
use provenance::verify::rules::{BuilderRule, SourceRepo};
use provenance::verify::vsa::{DEFAULT_VERIFIER_ID, VsaContext, sign_vsa, vsa_statement};
use provenance::verify::{
    ACCEPTED_ALGORITHMS, Artifact, CertFact, Expectations, Limits, OffsetDateTime, Report, Verdict,
    Verification, load,
};

use crate::Outcome;
use crate::commands::trust_flags::{LoadedPolicy, TrustFlags};
use crate::ui::{Ui, escape, escaped};

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

    /// Expected source commit (full hex); --source-digest as gh attestation verify spells it.
    #[arg(long, value_name = "HEX", visible_alias = "source-digest")]
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

    /// Expected externalParameters.K: K=V the string V, K:=JSON a JSON value (release:=true,
    /// jobs:=4); a dotted K is a path (workflow.ref=V is ref inside the object workflow, as
    /// attest --external-parameter writes it); compared exactly, as the policy's
    /// [artifacts.external_parameters]; repeatable.
    #[arg(long = "external-parameter", value_name = "K=V|K:=JSON")]
    pub(crate) external_parameters: Vec<String>,

    /// Expected resourceUri of a verification summary (VSA) verified; the VSAs written with
    /// --vsa-output carry it as theirs.
    #[arg(long, value_name = "URI")]
    pub(crate) resource_uri: Option<String>,
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
        e.resource_uri.clone_from(&self.resource_uri);
        for assignment in &self.external_parameters {
            let (key, value) = provenance::context::parse_external_parameter(assignment)?;
            e.external_parameters.insert(key, value);
        }
        Ok(e)
    }
}

/// Arguments of `provenance verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Attestation file (.intoto.jsonl, .sigstore.json, .build.slsa, npm attestations JSON) or
    /// directory; repeatable. Without it, ARTIFACT.intoto.jsonl and ARTIFACT.sigstore.json
    /// beside each artifact are read. Also spelled as cosign and gh do (--bundle) and as
    /// slsa-verifier does (--provenance-path).
    #[arg(
        long,
        value_name = "F",
        visible_aliases = ["bundle", "provenance-path"]
    )]
    attestation: Vec<PathBuf>,

    #[command(flatten)]
    trust: TrustFlags,

    #[command(flatten)]
    expect: ExpectFlags,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    output_file: Option<PathBuf>,

    /// After a pass, append a signed SLSA VSA v1 per artifact, one JSON line each, to this
    /// file (created if missing; rewritten atomically, so a failure never leaves a partial
    /// line), as attest --output does.
    #[arg(long, value_name = "F", requires = "vsa_key")]
    vsa_output: Option<PathBuf>,

    /// The verifier.id the VSAs carry (default: the policy's verifier_id, else this tool's id).
    #[arg(long, value_name = "URI", requires = "vsa_output")]
    verifier_id: Option<String>,

    /// Private key (PEM file or env://VAR) that signs the VSA.
    #[arg(long, value_name = "KEY", requires = "vsa_output")]
    vsa_key: Option<KeySource>,

    /// The name policy patterns see for the one digest (or standard input) given as ARTIFACT,
    /// as if it were a file at that path (same as NAME=sha256:HEX).
    #[arg(long, value_name = "NAME")]
    artifact_name: Option<String>,

    #[cfg(feature = "oci")]
    #[command(flatten)]
    registry: crate::commands::oci::RegistryFlags,

    /// Artifacts: file paths (hashed once, with every algorithm the attestations' subjects
    /// use), sha256:HEX / sha384:HEX / sha512:HEX digests, NAME=sha256:HEX (a digest named for
    /// policy patterns), - (standard input), or oci://REGISTRY/REPO@sha256:HEX (or :TAG)
    /// images, whose attestations are discovered in the registry.
    #[arg(value_name = "ARTIFACT")]
    artifacts: Vec<String>,
}

/// Builds the verifier from trust flags, a policy and expectation flags.
pub(crate) fn verifier(
    trust: &TrustFlags,
    expect: &ExpectFlags,
) -> anyhow::Result<(Verifier, Option<LoadedPolicy>)> {
    let policy = trust.load_policy()?;
    let builder = trust
        .add_roots(Verifier::builder(), policy.as_ref())?
        .expectations(expect.expectations()?);
    Ok((builder.build()?, policy))
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
    for w in args.trust.warnings(policy.as_ref()) {
        ui.warn(w);
    }
    // Every input is loaded before anything is printed: a bad --vsa-key is an error with no
    // verdict line above it.
    let vsa_key = args
        .vsa_key
        .as_ref()
        .map(|key| crate::commands::keys::load_private_key(key, ui))
        .transpose()?;
    let limits = *verifier.limits();
    #[cfg(feature = "oci")]
    let mut images = crate::commands::oci::Images::resolve(
        args.artifacts.iter().map(String::as_str),
        &args.registry,
        ui,
    )?;
    // Registry images are artifacts by digest already; the others are read (hashed later).
    let local: Vec<String> = args
        .artifacts
        .iter()
        .filter(|a| !is_image(a))
        .cloned()
        .collect();
    let inputs = artifact_inputs(&local, args.artifact_name.as_deref())?;
    check_stdin_read_once(&args.attestation, &inputs)?;
    // Every artifact is known before the attestations are read (images by their manifest
    // digest, files hashed with SHA-256, standard input with every accepted algorithm since it
    // cannot be read twice): of the attestations that name none of them, only a count is
    // kept. Then the attestations, verified as they are read (what each verdict needs is
    // kept, not the files): their verified subjects say which algorithms to hash with.
    let now = OffsetDateTime::now_utc();
    let mut verification = verifier.verification(now);
    #[cfg(feature = "oci")]
    let image = |a: &str| images.artifact(a);
    #[cfg(not(feature = "oci"))]
    let image = |_: &str| None;
    let known = known_up_front(&args.artifacts, &inputs, image)?;
    verification = verification.for_artifacts(&known);
    add_attestation_files(&mut verification, &args.attestation, &limits)?;
    if args.attestation.is_empty() {
        for path in inputs.iter().filter_map(load::ArtifactInput::path) {
            if path.is_file() {
                verification.add_beside(path).with_context(|| {
                    format!("cannot read the attestations beside {}", path.display())
                })?;
            }
        }
        #[cfg(feature = "oci")]
        {
            let mut set = provenance::verify::AttestationSet::new();
            images.add_attestations(&mut set, &limits, ui)?;
            verification.add_set(set)?;
        }
    }
    let checked = verification.finish();
    let algorithms = checked.subject_algorithms();
    let artifacts = known
        .into_iter()
        .zip(local_inputs(&args.artifacts, &inputs))
        .map(|(artifact, input)| match input {
            // A file hashed with more than SHA-256: read again.
            Some(input) if input.path().is_some() && algorithms != [Algorithm::Sha256] => {
                load_input(input, &algorithms)
                    .with_context(|| format!("cannot use the artifact {}", input.label()))
            }
            // Standard input: the digests the subjects use, as if hashed now.
            Some(input) if input.is_stdin() => Ok(only(&artifact, &algorithms)),
            _ => Ok(artifact),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    report_skipped(checked.skipped(), ui);
    let report = verifier.evaluate(&artifacts, &checked, now)?;
    let service_failure = crate::commands::trust_flags::report_rejected(&report.rejected, ui);
    // The VSAs are written before the report is printed: a PASS line means they are there.
    if report.passed()
        && let (Some(out), Some(key)) = (&args.vsa_output, &vsa_key)
    {
        write_vsas(&report, policy.as_ref(), &args, out, key, now)?;
    }
    let outcome = if report.passed() {
        Outcome::Success
    } else if service_failure {
        Outcome::InputErrors
    } else {
        Outcome::VerificationFailed
    };
    crate::ui::with_output(args.output_file.as_deref(), |out| {
        print_report(out, &report, args.format)
    })
    .or_else(crate::ui::quiet_if_broken_pipe)?;
    Ok(outcome)
}

/// Standard input can be read once: `-` named twice as --attestation, or as both an
/// attestation file and an artifact, is refused (twice as an artifact: see
/// [`artifact_inputs`]).
fn check_stdin_read_once(
    attestations: &[PathBuf],
    inputs: &[load::ArtifactInput],
) -> anyhow::Result<()> {
    let stdin_attestations = attestations.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_attestations > 1 {
        anyhow::bail!("standard input (-) is named twice as --attestation; it can be read once");
    }
    if stdin_attestations == 1 && inputs.iter().any(load::ArtifactInput::is_stdin) {
        anyhow::bail!("standard input can hold the artifact or the attestations, not both");
    }
    Ok(())
}

/// Every artifact, in the order given, known before the attestations are read: images by
/// their manifest digest (`image` answers for `oci://` arguments), digests as given, files
/// hashed with SHA-256 (the algorithm of nearly every subject; a file is hashed again after
/// verification only when the verified subjects name other algorithms), standard input with
/// every accepted algorithm (it cannot be read again; the digests the subjects do not use are
/// dropped after verification, see [`only`]).
fn known_up_front(
    args: &[String],
    inputs: &[load::ArtifactInput],
    image: impl Fn(&str) -> Option<anyhow::Result<Artifact>>,
) -> anyhow::Result<Vec<Artifact>> {
    args.iter()
        .zip(local_inputs(args, inputs))
        .map(|(arg, input)| match (image(arg), input) {
            (Some(image), _) => image,
            (None, Some(input)) => {
                let algorithms: &[Algorithm] = if input.is_stdin() {
                    &ACCEPTED_ALGORITHMS
                } else {
                    &[Algorithm::Sha256]
                };
                load_input(input, algorithms)
                    .with_context(|| format!("cannot use the artifact {}", input.label()))
            }
            (None, None) => Err(anyhow::anyhow!("cannot use the artifact {arg}")),
        })
        .collect()
}

/// For each artifact argument, its input when it is not an image (`inputs` holds those, in
/// order).
fn local_inputs<'a>(
    args: &'a [String],
    inputs: &'a [load::ArtifactInput],
) -> impl Iterator<Item = Option<&'a load::ArtifactInput>> + 'a {
    let mut local = inputs.iter();
    args.iter()
        .map(move |a| if is_image(a) { None } else { local.next() })
}

/// `artifact` with only the digests in `algorithms`: what hashing it with them would give.
fn only(artifact: &Artifact, algorithms: &[Algorithm]) -> Artifact {
    let mut digests = DigestSet::new();
    for (algorithm, hex) in algorithms
        .iter()
        .filter_map(|a| Some((a, artifact.digests().get_algorithm(*a)?)))
    {
        // Copied from a valid set: always valid.
        let _ = digests.insert(algorithm.name(), hex);
    }
    Artifact::hashed(artifact.name(), digests)
        .with_policy_name(artifact.policy_name().map(str::to_owned))
}

/// Reads and verifies the `--attestation` files (`-` = standard input).
fn add_attestation_files(
    set: &mut Verification<'_>,
    paths: &[PathBuf],
    limits: &Limits,
) -> anyhow::Result<()> {
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let stdin = std::io::stdin().lock();
            std::io::Read::read_to_end(
                &mut std::io::Read::take(stdin, limits.max_file_bytes() + 1),
                &mut bytes,
            )
            .context("cannot read attestations from standard input")?;
            set.add_bytes(path, &bytes)
                .context("cannot read attestations from standard input")?;
            continue;
        }
        set.add_file(path)
            .with_context(|| format!("cannot read attestations from {}", path.display()))?;
    }
    Ok(())
}

/// Whether an artifact argument names a registry image (`oci://`).
pub(crate) fn is_image(arg: &str) -> bool {
    #[cfg(feature = "oci")]
    return crate::commands::oci::is_image(arg);
    #[cfg(not(feature = "oci"))]
    {
        let _ = arg;
        false
    }
}

/// Reads the artifact arguments (nothing hashed yet); `--artifact-name` names the single digest.
pub(crate) fn artifact_inputs(
    args: &[String],
    name: Option<&str>,
) -> anyhow::Result<Vec<load::ArtifactInput>> {
    let mut inputs = args
        .iter()
        .map(|a| load::artifact_input(a).with_context(|| format!("cannot use the artifact {a}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if inputs.iter().filter(|i| i.is_stdin()).count() > 1 {
        anyhow::bail!("standard input (-) is named twice as an artifact; it can be read once");
    }
    if let Some(name) = name {
        let [single] = inputs.as_mut_slice() else {
            anyhow::bail!(
                "--artifact-name names one digest argument, and {} artifacts are given (use NAME=sha256:HEX for each)",
                args.len()
            );
        };
        if single.path().is_some() {
            anyhow::bail!(
                "--artifact-name names a digest or standard input; the file {} is named by its path",
                single.label()
            );
        }
        *single = single
            .clone()
            .with_name(name)
            .context("cannot use --artifact-name")?;
    }
    Ok(inputs)
}

/// Hashes one artifact argument: standard input for `-` (the library never reads it), else
/// the file or the digest as given.
pub(crate) fn load_input(
    input: &load::ArtifactInput,
    algorithms: &[Algorithm],
) -> Result<Artifact, provenance::verify::Error> {
    if input.is_stdin() {
        input.load_reader(std::io::stdin().lock(), algorithms)
    } else {
        input.load(algorithms)
    }
}

/// The report: text lines, or one JSON document (`schemas/verify-report.schema.json`).
fn print_report(out: &mut dyn Write, report: &Report, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let summary = provenance::verify::summary(report);
            let doc = serde_json::json!({
                "schemaVersion": crate::ui::REPORT_SCHEMA_VERSION,
                "verdict": if report.passed() { "PASS" } else { "FAIL" },
                "summary": summary,
                "artifacts": report.artifacts,
                "unmatchedRequiredPatterns": report.unmatched_required_patterns,
                "rejectedAttestations": report.rejected,
                "skippedLines": report.skipped,
                "signatureChecks": report.signature_checks,
            });
            crate::ui::write_json(out, &crate::ui::camel_case_keys(doc))?;
            writeln!(out)?;
        }
        Format::Text => {
            for a in &report.artifacts {
                match a.verdict {
                    Verdict::Pass => {
                        // The source as the signing certificate states it when it does
                        // (verified), else as the statement claims it.
                        let facts = |t: &provenance::verify::TraceEntry| {
                            let signer = &t.verified.signer;
                            let repo = signer
                                .certificate_fact(CertFact::SourceRepositoryUri)
                                .and_then(|u| SourceRepo::parse(u).ok())
                                .map(|r| r.as_str().to_owned())
                                .or_else(|| t.claimed.facts.source_repository.clone());
                            let commit = signer
                                .certificate_fact(CertFact::SourceRepositoryDigest)
                                .map(str::to_owned)
                                .or_else(|| t.claimed.facts.source_commit.clone());
                            (repo, commit)
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
                                escape(src.as_deref().unwrap_or("-")),
                                escape(commit.as_deref().unwrap_or("-")),
                                escaped(t.verified.signer.describe())
                            )
                        });
                        writeln!(out, "PASS {}{}", escape(&a.name), by.unwrap_or_default())?;
                    }
                    Verdict::Fail => {
                        writeln!(out, "FAIL {}: {}", escape(&a.name), escaped(a.reason()))?;
                    }
                }
            }
            for p in &report.unmatched_required_patterns {
                writeln!(
                    out,
                    "FAIL policy pattern {}: required, but no artifact matched it",
                    escaped(p)
                )?;
            }
        }
    }
    Ok(())
}

fn write_vsas(
    report: &Report,
    policy: Option<&LoadedPolicy>,
    args: &Args,
    out: &std::path::Path,
    private: &PrivateKey,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let (policy_uri, policy_digest) = if let Some(p) = policy {
        let abs = std::fs::canonicalize(&p.path).unwrap_or_else(|_| p.path.clone());
        (format!("file://{}", abs.display()), digest_of(&p.bytes)?)
    } else {
        // No policy file: the policy is the command line's trust flags (identity, gh's
        // constraints) and expectations.
        let described = format!("{:?} {:?}", args.trust, args.expect);
        (
            "urn:provenance:verify:command-line".to_owned(),
            digest_of(described.as_bytes())?,
        )
    };
    let verifier_id = args
        .verifier_id
        .clone()
        .or_else(|| policy.and_then(|p| p.policy.verifier_id.clone()))
        .unwrap_or_else(|| DEFAULT_VERIFIER_ID.to_owned());
    let ctx = VsaContext {
        verifier_id: &verifier_id,
        time_verified: now,
        policy_uri: &policy_uri,
        policy_digest: &policy_digest,
        resource_uri: args.expect.resource_uri.as_deref(),
    };
    let mut lines = String::new();
    for a in &report.artifacts {
        let statement = vsa_statement(a, &ctx)?;
        lines.push_str(&sign_vsa(statement, private)?);
        lines.push('\n');
    }
    crate::commands::attest::append_line(out, lines.as_bytes())
        .with_context(|| format!("cannot write the VSA to {}", out.display()))?;
    Ok(())
}

fn digest_of(bytes: &[u8]) -> anyhow::Result<DigestSet> {
    Ok(provenance::digest::hash_bytes(bytes, &[Algorithm::Sha256])?)
}

/// How many skipped lines of one file are reported one by one; the rest are counted.
const SHOWN_SKIPPED_PER_FILE: usize = 10;

/// Warns about the lines that held nothing to verify: the first few of each file, then how
/// many more (a file of garbage gives a dozen warnings, not one per line).
fn report_skipped(skipped: &[provenance::verify::source::Skipped], ui: &Ui) {
    let mut per_file: Vec<(&std::path::Path, usize)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for s in skipped {
        let path = s.origin.path();
        let at = *index.entry(path).or_insert_with(|| {
            per_file.push((path, 0));
            per_file.len() - 1
        });
        let Some((_, count)) = per_file.get_mut(at) else {
            continue;
        };
        *count += 1;
        if *count <= SHOWN_SKIPPED_PER_FILE {
            ui.warn(format!("{}: skipped: {}", s.origin, s.reason));
        }
    }
    for (path, count) in per_file {
        if count > SHOWN_SKIPPED_PER_FILE {
            ui.warn(format!(
                "\u{2026} and {} more lines of {} skipped",
                count - SHOWN_SKIPPED_PER_FILE,
                path.display()
            ));
        }
    }
}
