//! `provenance trace`: follow resolvedDependencies through a store of attestations, verifying
//! every hop under the same trust, down to the source commits.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use provenance::verify::trace::{Node, NodeKind, trace};
use provenance::verify::{AttestationSet, Limits, OffsetDateTime, Verdict, load};

use crate::Outcome;
use crate::commands::trust_flags::TrustFlags;
use crate::commands::verify::{ExpectFlags, Format, verifier};
use crate::ui::Ui;

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
    let (gate, _) = verifier(&args.trust, &args.expect)?;
    let limits = Limits::DEFAULT;
    #[cfg(feature = "oci")]
    let mut images =
        crate::commands::oci::Images::resolve([args.artifact.as_str()], &args.registry, ui)?;
    #[cfg(feature = "oci")]
    let image = images.artifact(&args.artifact).transpose()?;
    #[cfg(not(feature = "oci"))]
    let image = None;
    let artifact = match image {
        Some(image) => image,
        None => load::artifact(&args.artifact)
            .with_context(|| format!("cannot use the artifact {}", args.artifact))?,
    };
    let mut set = AttestationSet::new();
    set.add_dir(&args.store, &limits)
        .with_context(|| format!("cannot read the store {}", args.store.display()))?;
    // an oci:// image's own attestations, from its registry, join the store
    #[cfg(feature = "oci")]
    images.add_attestations(&mut set, &limits, ui)?;
    let now = OffsetDateTime::now_utc();
    let store = gate.verify_attestations(&set, now);
    for r in store.rejected() {
        ui.warn(format!(
            "{}: not accepted by any root of trust: {}",
            r.origin, r.reason
        ));
    }
    let chain = trace(&gate, &artifact, &store, now);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "verdict": if chain.passed() { "PASS" } else { "FAIL" },
                "signatureChecks": store.signature_checks(),
                "chain": chain,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => print_node(&mut out, &chain, 0)?,
    }
    out.flush()?;
    Ok(if chain.passed() {
        Outcome::Success
    } else {
        Outcome::VerificationFailed
    })
}

fn print_node(out: &mut impl std::io::Write, node: &Node, depth: usize) -> std::io::Result<()> {
    let indent = "   ".repeat(depth);
    let arrow = if depth == 0 { "" } else { "<- " };
    match &node.kind {
        NodeKind::Artifact { report } => {
            let status = if report.verdict == Verdict::Pass {
                "PASS"
            } else {
                "FAIL"
            };
            write!(out, "{indent}{arrow}{status} {}", node.name)?;
            if let Some(t) = report.trace.first() {
                let f = &t.claimed.facts;
                write!(
                    out,
                    " built by {} from {} at {}, signed by {} ({})",
                    f.builder_id.as_deref().unwrap_or("?"),
                    f.source_repository.as_deref().unwrap_or("?"),
                    f.source_commit.as_deref().unwrap_or("?"),
                    t.verified.signer.describe(),
                    t.verified.attestation,
                )?;
                if let Some(run) = &f.invocation {
                    write!(out, ", run {run}")?;
                }
            }
            if report.verdict == Verdict::Fail {
                write!(out, ": {}", report.reason())?;
            }
            writeln!(out)?;
        }
        NodeKind::Source { uri, commit } => {
            writeln!(out, "{indent}{arrow}source {uri} commit {commit}")?;
        }
        NodeKind::Seen => writeln!(out, "{indent}{arrow}{} (shown above)", node.name)?,
        NodeKind::Cycle => writeln!(
            out,
            "{indent}{arrow}FAIL {}: cycle (it is its own dependency)",
            node.name
        )?,
        NodeKind::DepthLimit { max } => writeln!(
            out,
            "{indent}{arrow}FAIL {}: deeper than {max} hops",
            node.name
        )?,
        NodeKind::Unverifiable => {
            writeln!(
                out,
                "{indent}{arrow}FAIL {}: no sha256/sha384/sha512 digest to verify it by",
                node.name
            )?;
        }
        _ => writeln!(out, "{indent}{arrow}{}", node.name)?,
    }
    for d in &node.dependencies {
        print_node(out, d, depth + 1)?;
    }
    Ok(())
}
