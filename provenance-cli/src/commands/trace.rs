//! `provenance trace`: follow resolvedDependencies through a store of attestations, verifying
//! every hop under the same trust, down to the source commits.

use std::path::PathBuf;

use anyhow::Context as _;
use provenance::verify::trace::{Node, NodeKind};
use provenance::verify::{OffsetDateTime, Verdict, load};

use crate::Outcome;
use crate::commands::trust_flags::TrustFlags;
use crate::commands::verify::{ExpectFlags, Format, verifier};
use crate::ui::{Ui, escape, escaped};

/// Arguments of `provenance trace`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Directory of attestations (.intoto.jsonl, .sigstore.json, ...) to follow the chain in.
    #[arg(long, value_name = "DIR", required = true)]
    store: PathBuf,

    #[command(flatten)]
    trust: TrustFlags,

    /// Expectations for the artifact itself (dependencies get the policy's only).
    #[command(flatten)]
    expect: ExpectFlags,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    output_file: Option<PathBuf>,

    /// The artifact: a file path, sha256:HEX / sha512:HEX, or an image as
    /// `oci://REGISTRY/REPO@sha256:HEX` (its attestations in the registry join the store).
    #[arg(value_name = "ARTIFACT")]
    artifact: String,

    #[cfg(feature = "oci")]
    #[command(flatten)]
    registry: crate::commands::oci::RegistryFlags,
}

/// Runs `provenance trace`.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the command signature every subcommand shares"
)]
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    let (gate, policy) = verifier(&args.trust, &args.expect)?;
    for w in args.trust.warnings(policy.as_ref()) {
        ui.warn(w);
    }
    #[cfg(feature = "oci")]
    let mut images =
        crate::commands::oci::Images::resolve([args.artifact.as_str()], &args.registry, ui)?;
    #[cfg(feature = "oci")]
    let image = images.artifact(&args.artifact).transpose()?;
    #[cfg(not(feature = "oci"))]
    let image: Option<provenance::verify::Artifact> = None;
    // A file is read now and hashed below, once the verified subjects name their algorithms.
    let target = match image {
        Some(image) => Ok(image),
        None => Err(load::artifact_input(&args.artifact)
            .with_context(|| format!("cannot use the artifact {}", args.artifact))?),
    };
    // The store is verified as it is read: what each attestation's verdict needs is kept,
    // not the files.
    let now = OffsetDateTime::now_utc();
    let mut verification = gate.verification(now);
    verification
        .add_dir(&args.store)
        .with_context(|| format!("cannot read the store {}", args.store.display()))?;
    // an oci:// image's own attestations, from its registry, join the store
    #[cfg(feature = "oci")]
    {
        let mut set = provenance::verify::AttestationSet::new();
        images.add_attestations(&mut set, gate.limits(), ui)?;
        verification.add_set(set)?;
    }
    let store = verification.finish();
    // Hashed once, with every algorithm the verified subjects use.
    let artifact = match target {
        Ok(image) => image,
        Err(input) => crate::commands::verify::load_input(&input, &store.subject_algorithms())
            .with_context(|| format!("cannot use the artifact {}", args.artifact))?,
    };
    let service_failure = crate::commands::trust_flags::report_rejected(store.rejected(), ui);
    let chain = gate.trace(&artifact, &store, now);
    let outcome = if chain.passed() {
        Outcome::Success
    } else if service_failure {
        Outcome::InputErrors
    } else {
        Outcome::VerificationFailed
    };
    crate::ui::with_output(args.output_file.as_deref(), |out| {
        match args.format {
            Format::Json => {
                let doc = serde_json::json!({
                    "schemaVersion": crate::ui::REPORT_SCHEMA_VERSION,
                    "verdict": if chain.passed() { "PASS" } else { "FAIL" },
                    "signatureChecks": store.signature_checks(),
                    "chain": chain,
                });
                crate::ui::write_json(out, &crate::ui::camel_case_keys(doc))?;
                writeln!(out)?;
            }
            Format::Text => print_node(out, &chain, 0)?,
        }
        Ok(())
    })
    .or_else(crate::ui::quiet_if_broken_pipe)?;
    Ok(outcome)
}

/// Each failure with the file and line of the attestation it came from (several attestations
/// may cover one artifact, and the headline names only the first).
fn failures_text(report: &provenance::verify::ArtifactReport) -> String {
    report
        .failures
        .iter()
        .map(|f| {
            let text = f.describe();
            match &f.attestation {
                Some(origin) if !text.contains(&format!("({origin})")) => {
                    format!("{text} ({origin})")
                }
                _ => text,
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn print_node(out: &mut dyn std::io::Write, node: &Node, depth: usize) -> std::io::Result<()> {
    let indent = "   ".repeat(depth);
    let arrow = if depth == 0 { "" } else { "<- " };
    let name = escape(&node.name);
    match &node.kind {
        NodeKind::Artifact { report } => {
            let status = if report.verdict == Verdict::Pass {
                "PASS"
            } else {
                "FAIL"
            };
            // The first line carries the verdict of the whole trace: the traced artifact's own
            // hop may pass while a dependency fails.
            let failing = node.failing_dependencies();
            if depth == 0 && report.verdict == Verdict::Pass && !failing.is_empty() {
                let names: Vec<String> = failing.iter().map(|n| escape(n).into_owned()).collect();
                write!(
                    out,
                    "FAIL {name}: dependency {} failed; own hop PASS,",
                    names.join(", ")
                )?;
            } else {
                write!(out, "{indent}{arrow}{status} {name}")?;
            }
            // The attestation described is the first one a failure came from (else the first).
            let described = report
                .trace
                .iter()
                .find(|t| {
                    report
                        .failures
                        .iter()
                        .any(|f| f.attestation.as_ref() == Some(&t.verified.attestation))
                })
                .or_else(|| report.trace.first());
            if let Some(t) = described {
                let f = &t.claimed.facts;
                write!(
                    out,
                    " built by {} from {} at {}, signed by {} ({})",
                    escape(f.builder_id.as_deref().unwrap_or("?")),
                    escape(f.source_repository.as_deref().unwrap_or("?")),
                    escape(f.source_commit.as_deref().unwrap_or("?")),
                    escaped(t.verified.signer.describe()),
                    escaped(&t.verified.attestation),
                )?;
                if let Some(run) = &f.invocation {
                    write!(out, ", run {}", escape(run))?;
                }
            }
            if report.verdict == Verdict::Fail {
                write!(out, ": {}", escaped(failures_text(report)))?;
            }
            writeln!(out)?;
        }
        NodeKind::Source { uri, commit } => {
            writeln!(
                out,
                "{indent}{arrow}source {} commit {}",
                escape(uri),
                escape(commit)
            )?;
        }
        NodeKind::Seen => writeln!(out, "{indent}{arrow}{name} (shown above)")?,
        NodeKind::Cycle => writeln!(
            out,
            "{indent}{arrow}FAIL {name}: cycle (it is its own dependency)"
        )?,
        NodeKind::DepthLimit { max } => {
            writeln!(out, "{indent}{arrow}FAIL {name}: deeper than {max} hops")?;
        }
        NodeKind::Unverifiable => {
            writeln!(
                out,
                "{indent}{arrow}FAIL {name}: no sha256/sha384/sha512 digest to verify it by"
            )?;
        }
        _ => writeln!(out, "{indent}{arrow}{name}")?,
    }
    for d in &node.dependencies {
        print_node(out, d, depth + 1)?;
    }
    Ok(())
}
