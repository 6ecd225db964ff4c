//! Issuing SLSA Verification Summary Attestations (VSA v1) after a pass, so later gates can
//! trust the summary instead of verifying again.

use provenance_digest::DigestSet;
use provenance_dsse::{DsseSigner, Envelope, PayloadType};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::engine::{ArtifactReport, Verdict};
use crate::error::{Error, Result};
use crate::facts::VSA_V1;

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
}

/// The VSA statement (JSON bytes) for one artifact that passed.
///
/// `verifiedLevels` holds `SLSA_BUILD_LEVEL_n` for the level earned (level 1 when the roots of
/// trust name no level: signed provenance was verified).
///
/// # Errors
/// [`Error::Vsa`] when the artifact did not pass.
pub fn vsa_statement(artifact: &ArtifactReport, ctx: &VsaContext<'_>) -> Result<Vec<u8>> {
    if artifact.verdict != Verdict::Pass {
        return Err(Error::Vsa {
            reason: format!("{} did not pass verification", artifact.name),
        });
    }
    let time = ctx
        .time_verified
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| Error::Vsa {
            reason: e.to_string(),
        })?;
    let inputs: Vec<Value> = artifact
        .trace
        .iter()
        .map(|t| {
            json!({
                "uri": format!("{}#L{}", t.verified.attestation.path().display(), t.verified.attestation.line()),
                "digest": t.verified.attestation_digest,
            })
        })
        .collect();
    let level = artifact.slsa_level.unwrap_or(1);
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": artifact.name, "digest": artifact.digests}],
        "predicateType": VSA_V1,
        "predicate": {
            "verifier": {"id": ctx.verifier_id},
            "timeVerified": time,
            "resourceUri": artifact.name,
            "policy": {"uri": ctx.policy_uri, "digest": ctx.policy_digest},
            "inputAttestations": inputs,
            "verificationResult": "PASSED",
            "verifiedLevels": [format!("SLSA_BUILD_LEVEL_{level}")],
            "slsaVersion": "1.0"
        }
    });
    Ok(serde_json::to_vec(&statement)?)
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
