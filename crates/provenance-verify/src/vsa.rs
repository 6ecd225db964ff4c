//! Issuing SLSA Verification Summary Attestations (VSA v1) after a pass, so later gates can
//! trust the summary instead of verifying again. The statement is built with provenance-model's
//! [`VerificationSummary`] and [`Statement`] types.

use provenance_digest::DigestSet;
use provenance_dsse::{DsseSigner, Envelope, PayloadType};
use provenance_model::{
    ResourceDescriptor, Statement, Timestamp, TypeUri, VerificationResult, VerificationSummary,
    VsaVerifier,
};
use time::OffsetDateTime;

use crate::engine::{ArtifactReport, Verdict};
use crate::error::{Error, Result};

/// The verifier id written when the policy names none.
pub const DEFAULT_VERIFIER_ID: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/verify@v",
    env!("CARGO_PKG_VERSION")
);

/// What a VSA says about the verification beyond the artifact itself.
#[derive(Debug, Clone)]
pub struct VsaContext<'a> {
    /// `verifier.id`.
    pub verifier_id: &'a str,
    /// `timeVerified`.
    pub time_verified: OffsetDateTime,
    /// `policy.uri`.
    pub policy_uri: &'a str,
    /// `policy.digest`.
    pub policy_digest: &'a DigestSet,
    /// `resourceUri`: where the artifact lives (a package URL, an image reference); the
    /// artifact's name when `None`.
    pub resource_uri: Option<&'a str>,
}

/// The SLSA build level a pass earned, as `verifiedLevels` states it. A level is stated only
/// when the pass rests on SLSA provenance or on VSAs:
/// * every statement judged is SLSA provenance (v1 or v0.2): the level of the provenance
///   verified (level 1 when the roots of trust name no level: signed provenance was verified);
/// * a VSA is among them: the level earned as computed per statement (for a VSA, the lower of
///   its own `verifiedLevels` and its root's level), never a default: a VSA that states no
///   level, or a root that grants none, yields none;
/// * anything else (a bare artifact signature, an SBOM, any other predicate): **none**, since
///   such a statement says nothing of how the artifact was built.
pub fn earned_build_level(artifact: &ArtifactReport) -> Option<u8> {
    use provenance_model::PredicateKind;
    let mut rests_on_vsa = false;
    for t in &artifact.trace {
        match t.claimed.predicate_type.as_deref().map(PredicateKind::of) {
            Some(PredicateKind::SlsaProvenanceV1 | PredicateKind::SlsaProvenanceV02) => {}
            Some(PredicateKind::VerificationSummaryV1) => rests_on_vsa = true,
            _ => return None,
        }
    }
    if rests_on_vsa {
        // The minimum of the levels computed per statement (none when any earned none).
        return artifact.slsa_level;
    }
    Some(artifact.slsa_level.unwrap_or(1))
}

/// The VSA statement (JSON bytes) for one artifact that passed.
///
/// `verifiedLevels` holds `SLSA_BUILD_LEVEL_n` for the level earned ([`earned_build_level`]),
/// or nothing.
///
/// # Errors
/// [`Error::Vsa`] when the artifact did not pass, or a field cannot be written (a verifier id
/// that is not a URI, a time outside RFC 3339's years).
pub fn vsa_statement(artifact: &ArtifactReport, ctx: &VsaContext<'_>) -> Result<Vec<u8>> {
    let vsa_error = |reason: String| Error::Vsa { reason };
    if artifact.verdict != Verdict::Pass {
        return Err(vsa_error(format!(
            "{} did not pass verification",
            artifact.name
        )));
    }
    let verifier_id = TypeUri::try_from(ctx.verifier_id)
        .map_err(|e| vsa_error(format!("verifier.id {:?}: {e}", ctx.verifier_id)))?;
    let time = Timestamp::from_datetime(ctx.time_verified)
        .map_err(|e| vsa_error(format!("timeVerified: {e}")))?;
    let inputs: Vec<ResourceDescriptor> = artifact
        .trace
        .iter()
        .map(|t| {
            ResourceDescriptor::from_digest(t.verified.attestation_digest.clone()).with_uri(
                format!(
                    "{}#L{}",
                    t.verified.attestation.path().display(),
                    t.verified.attestation.line()
                ),
            )
        })
        .collect();
    let levels = earned_build_level(artifact)
        .map(|level| vec![format!("SLSA_BUILD_LEVEL_{level}")])
        .unwrap_or_default();
    let summary = VerificationSummary::new(
        VsaVerifier::new(verifier_id),
        ctx.resource_uri.unwrap_or(&artifact.name),
        ResourceDescriptor::from_digest(ctx.policy_digest.clone()).with_uri(ctx.policy_uri),
        VerificationResult::Passed,
        levels,
    )
    .with_time_verified(time)
    .with_input_attestations(inputs)
    .with_slsa_version("1.0");
    let subject =
        ResourceDescriptor::from_digest(artifact.digests.clone()).with_name(artifact.name.clone());
    let statement = Statement::new(vec![subject], &summary)
        .map_err(|e| vsa_error(format!("the VSA statement: {e}")))?;
    statement
        .to_json_bytes()
        .map_err(|e| vsa_error(format!("the VSA statement: {e}")))
}

/// Signs a VSA statement into a DSSE envelope (one JSON line, without the newline).
///
/// # Errors
/// [`Error::Vsa`] when signing fails.
pub fn sign_vsa(statement: Vec<u8>, signer: &dyn DsseSigner) -> Result<String> {
    let envelope =
        Envelope::sign(PayloadType::in_toto(), statement, &[signer]).map_err(|e| Error::Vsa {
            reason: e.to_string(),
        })?;
    Ok(envelope.to_json())
}
