//! `Verifier`: the deploy gate for embedders: roots of trust + expectations -> a verdict per
//! artifact, with a trace from the artifact back to the source commit and the pipeline run.

use std::path::Path;

use provenance_keys::PublicKey;
use provenance_verify::load;
use provenance_verify::policy::{Matcher, Policy};
use provenance_verify::{
    Artifact, AttestationSet, Expectations, KeyVerifier, Limits, OffsetDateTime, Report, TrustRoot,
};

pub use provenance_verify::{Error as VerifyError, Verdict};

/// Verifies artifacts against their attestations, offline.
///
/// Build it with roots of trust ([`Verifier::trust_keys`], [`Verifier::trust_keyless`], or a
/// [`Policy`]) and expectations, then call [`Verifier::verify_files`] or [`Verifier::verify`].
/// Every attestation is verified once, however many artifacts it covers.
#[derive(Debug, Default)]
pub struct Verifier {
    roots: Vec<TrustRoot>,
    expectations: Expectations,
    policy: Option<Policy>,
    limits: Limits,
}

impl Verifier {
    /// A verifier with no root of trust yet (verifying with none is refused).
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts statements signed by `threshold` distinct keys among `keys` (DSSE envelopes, and
    /// key-based Sigstore bundles when the threshold is 1).
    ///
    /// # Errors
    /// [`VerifyError::InvalidSetting`] for a threshold of 0 or above the number of keys.
    pub fn trust_keys(
        mut self,
        name: &str,
        keys: Vec<PublicKey>,
        threshold: usize,
    ) -> Result<Self, VerifyError> {
        let count = keys.len();
        let threshold = provenance_dsse::Threshold::new(threshold)
            .filter(|t| t.get() <= count)
            .ok_or_else(|| VerifyError::InvalidSetting {
                field: "threshold",
                value: threshold.to_string(),
                reason: format!("must be between 1 and the {count} keys given"),
            })?;
        let root = if threshold.get() == 1 {
            Some(load::trusted_root(None)?)
        } else {
            None
        };
        let verifier = KeyVerifier::from_public_keys(keys, threshold, root)?;
        self.roots
            .push(TrustRoot::new(name, Box::new(verifier), false));
        Ok(self)
    }

    /// Trusts Sigstore keyless signatures whose certificate chains to `trusted_root` (`None`:
    /// the embedded public-good root) and whose identity and issuer match.
    ///
    /// # Errors
    /// [`VerifyError::TrustMaterial`] for an unreadable trusted root, or a bad regexp.
    pub fn trust_keyless(
        mut self,
        name: &str,
        trusted_root: Option<&Path>,
        identity: &Matcher,
        issuer: &Matcher,
    ) -> Result<Self, VerifyError> {
        self.roots.push(load::keyless_root(
            name,
            trusted_root,
            identity,
            issuer,
            false,
        )?);
        Ok(self)
    }

    /// Adds any root of trust (for example one with a custom [`provenance_verify::AttestationVerifier`]).
    #[must_use]
    pub fn trust_root(mut self, root: TrustRoot) -> Self {
        self.roots.push(root);
        self
    }

    /// Adds a policy: its roots of trust (files resolved against `base_dir`) and its
    /// expectations per artifact pattern.
    ///
    /// # Errors
    /// As [`load::policy_roots`].
    pub fn with_policy(mut self, policy: Policy, base_dir: &Path) -> Result<Self, VerifyError> {
        self.roots.extend(load::policy_roots(&policy, base_dir)?);
        self.policy = Some(policy);
        Ok(self)
    }

    /// Expectations for every artifact (laid over the policy's).
    #[must_use]
    pub fn expect(mut self, expectations: Expectations) -> Self {
        self.expectations = expectations;
        self
    }

    /// Input bounds.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    fn engine(self) -> Result<(provenance_verify::Verifier, Limits), VerifyError> {
        let limits = self.limits;
        let mut v = provenance_verify::Verifier::new(self.roots)?
            .with_overrides(self.expectations)
            .with_limits(limits);
        if let Some(p) = self.policy {
            v = v
                .with_patterns(p.artifacts)
                .allow_unmatched_artifacts(p.allow_unmatched_artifacts);
            if let Some(d) = p.defaults {
                v = v.with_defaults(d);
            }
        }
        Ok((v, limits))
    }

    /// Verifies artifacts given as paths (hashed) or `sha256:`/`sha512:` digests against the
    /// attestation files or directories given (or, when none is given, the
    /// `ARTIFACT.intoto.jsonl` / `ARTIFACT.sigstore.json` beside each artifact), now.
    ///
    /// # Errors
    /// No root of trust, no artifact, unreadable files, exceeded limits.
    pub fn verify_files(
        self,
        artifacts: &[&str],
        attestations: &[&Path],
    ) -> Result<Report, VerifyError> {
        let (engine, limits) = self.engine()?;
        let inputs = artifacts
            .iter()
            .map(|a| load::artifact_input(a))
            .collect::<Result<Vec<_>, _>>()?;
        let mut set = AttestationSet::new();
        for path in attestations {
            set.add_file(path, &limits)?;
        }
        if attestations.is_empty() {
            for path in inputs.iter().filter_map(load::ArtifactInput::path) {
                if path.is_file() {
                    set.add_beside(path, &limits)?;
                }
            }
        }
        // The attestations first: each file is then hashed once, with the algorithms the
        // verified subjects name.
        let now = OffsetDateTime::now_utc();
        let verified = engine.verify_attestations(&set, now);
        let algorithms = verified.subject_algorithms();
        let artifacts = inputs
            .iter()
            .map(|i| i.load(&algorithms))
            .collect::<Result<Vec<_>, _>>()?;
        engine.evaluate(&artifacts, &verified, now)
    }

    /// Verifies artifacts known by digest against attestations already read, at time `now`.
    ///
    /// # Errors
    /// No root of trust, or no artifact.
    pub fn verify(
        self,
        artifacts: &[Artifact],
        attestations: &AttestationSet,
        now: OffsetDateTime,
    ) -> Result<Report, VerifyError> {
        let (engine, _) = self.engine()?;
        engine.verify(artifacts, attestations, now)
    }
}
