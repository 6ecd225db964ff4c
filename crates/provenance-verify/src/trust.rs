//! Concrete roots of trust: public keys (DSSE envelopes and key-based Sigstore bundles) and
//! Sigstore keyless identities (bundles checked offline against a trusted root).

use std::sync::Arc;

use provenance_digest::DigestSet;
use provenance_dsse::{Envelope, PayloadTypePolicy, Threshold, VerificationKey};
use provenance_sigstore::{Bundle, Content, HashAlgorithm, SignerPolicy, VerifiedContent};
use time::OffsetDateTime;

use crate::source::{AttestationFormat, RawAttestation};
use crate::verified::{AttestationVerifier, Rejection, SignedAttestation, SignedContent, Signer};

/// A public key usable from several threads.
pub type SharedKey = Arc<dyn VerificationKey + Send + Sync>;

/// Verifies DSSE envelopes with a set of public keys and a threshold of distinct keys, and
/// (threshold 1 only) Sigstore bundles carrying `publicKey` material signed by one of them.
pub struct KeyVerifier {
    keys: Vec<SharedKey>,
    threshold: Threshold,
    limits: provenance_dsse::Limits,
    bundles: Vec<(String, provenance_sigstore::BundleVerifier)>,
}

impl std::fmt::Debug for KeyVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyVerifier")
            .field(
                "keys",
                &self
                    .keys
                    .iter()
                    .map(|k| k.key_id().as_str().to_owned())
                    .collect::<Vec<_>>(),
            )
            .field("threshold", &self.threshold.get())
            .finish_non_exhaustive()
    }
}

impl KeyVerifier {
    /// Also accepts, in key-based Sigstore bundles, log entries that carry only a signed entry
    /// timestamp and no inclusion proof when integrated after
    /// [`provenance_sigstore::PROMISE_ONLY_CUTOFF`]. Off by default.
    #[must_use]
    pub fn allow_promise_only(mut self, allow: bool) -> Self {
        self.bundles = self
            .bundles
            .into_iter()
            .map(|(id, v)| (id, v.allow_promise_only(allow)))
            .collect();
        self
    }

    /// Keys and the number of distinct keys that must sign (DSSE envelopes only).
    pub fn new(keys: Vec<SharedKey>, threshold: Threshold) -> Self {
        Self {
            keys,
            threshold,
            limits: provenance_dsse::Limits::DEFAULT,
            bundles: Vec::new(),
        }
    }

    /// Public keys loaded by `provenance-keys`; with threshold 1, key-based Sigstore bundles
    /// are verified too, their transparency-log entries against `trusted_root` (the embedded
    /// Sigstore public-good root when `None`).
    ///
    /// # Errors
    /// [`crate::Error::TrustMaterial`] when a key cannot be used for bundles or the embedded root
    /// cannot be read.
    pub fn from_public_keys(
        keys: Vec<provenance_keys::PublicKey>,
        threshold: Threshold,
        trusted_root: Option<provenance_sigstore::TrustedRoot>,
    ) -> crate::Result<Self> {
        let mut bundles = Vec::new();
        if threshold.get() == 1 {
            let root = match trusted_root {
                Some(r) => r,
                None => provenance_sigstore::TrustedRoot::public_good().map_err(|e| {
                    crate::Error::TrustMaterial {
                        what: "trusted root",
                        path: "(embedded public-good root)".into(),
                        source: Box::new(e),
                    }
                })?,
            };
            for key in &keys {
                if let Ok(sk) = provenance_sigstore::PublicKey::from_spki_der(key.spki_der()) {
                    bundles.push((
                        key.key_id().as_str().to_owned(),
                        // The key alone is trusted, as for a bare DSSE envelope: log entries that
                        // are present are verified, but offline bundles (`attest --bundle`) need none.
                        provenance_sigstore::BundleVerifier::new(
                            root.clone(),
                            SignerPolicy::Key(sk),
                        )
                        .with_transparency(provenance_sigstore::Transparency::OptionalForKeys),
                    ));
                }
            }
        }
        let keys = keys.into_iter().map(|k| Arc::new(k) as SharedKey).collect();
        Ok(Self {
            keys,
            threshold,
            limits: provenance_dsse::Limits::DEFAULT,
            bundles,
        })
    }

    /// Verifies an envelope's bytes; returns the exact signed payload.
    ///
    /// # Errors
    /// A [`Rejection`] when the envelope does not parse or the threshold is not met.
    pub fn verify_envelope(&self, bytes: &[u8]) -> Result<SignedAttestation, Rejection> {
        let envelope = Envelope::from_slice(bytes, &self.limits)
            .map_err(|e| Rejection::new(format!("not a valid DSSE envelope: {e}")))?;
        let keys: Vec<&dyn VerificationKey> = self
            .keys
            .iter()
            .map(|k| k.as_ref() as &dyn VerificationKey)
            .collect();
        let verified = envelope
            .verify(&PayloadTypePolicy::InToto, &keys, self.threshold)
            .map_err(|e| Rejection::new(e.to_string()))?;
        let key_ids = verified
            .key_ids()
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect();
        let payload_type = verified.payload_type().as_str().to_owned();
        Ok(SignedAttestation {
            content: SignedContent::Payload {
                payload_type,
                payload: verified.into_payload(),
            },
            signer: Signer::Keys {
                key_ids,
                signed_at: None,
            },
        })
    }

    fn verify_bundle(
        &self,
        raw: &RawAttestation,
        artifact: Option<&DigestSet>,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        if self.bundles.is_empty() {
            return Err(Rejection::new(
                "Sigstore bundle: key-based bundles need exactly one key and threshold 1",
            ));
        }
        let mut reasons = Vec::new();
        for (key_id, verifier) in &self.bundles {
            match verify_bundle(verifier, raw, artifact, now) {
                Ok(mut signed) => {
                    // the bundle's verified log or timestamp time, if it had one
                    let signed_at = signed.signer.signed_at().and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    });
                    signed.signer = Signer::Keys {
                        key_ids: vec![key_id.clone()],
                        signed_at,
                    };
                    return Ok(signed);
                }
                Err(r) if r.is_needs_artifact() => return Err(r),
                Err(r) => reasons.push(r.reason().to_owned()),
            }
        }
        Err(Rejection::new(reasons.join("; ")))
    }
}

impl KeyVerifier {
    fn signed(verified: provenance_dsse::Verified) -> SignedAttestation {
        let key_ids = verified
            .key_ids()
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect();
        let payload_type = verified.payload_type().as_str().to_owned();
        SignedAttestation {
            content: SignedContent::Payload {
                payload_type,
                payload: verified.into_payload(),
            },
            signer: Signer::Keys {
                key_ids,
                signed_at: None,
            },
        }
    }
}

impl AttestationVerifier for KeyVerifier {
    fn verify_batch(
        &self,
        attestations: &[&RawAttestation],
        now: OffsetDateTime,
    ) -> Vec<Result<SignedAttestation, Rejection>> {
        let mut results: Vec<Option<Result<SignedAttestation, Rejection>>> =
            Vec::with_capacity(attestations.len());
        let mut envelopes = Vec::new();
        let mut slots = Vec::new();
        for (i, a) in attestations.iter().enumerate() {
            if a.format() == AttestationFormat::Envelope {
                match Envelope::from_slice(a.bytes(), &self.limits) {
                    Ok(e) => {
                        envelopes.push(e);
                        slots.push(i);
                        results.push(None);
                    }
                    Err(e) => results.push(Some(Err(Rejection::new(format!(
                        "not a valid DSSE envelope: {e}"
                    ))))),
                }
            } else {
                results.push(Some(self.verify(a, now)));
            }
        }
        let keys: Vec<&dyn VerificationKey> = self
            .keys
            .iter()
            .map(|k| k.as_ref() as &dyn VerificationKey)
            .collect();
        let verified = provenance_dsse::verify_many(
            &envelopes,
            &PayloadTypePolicy::InToto,
            &keys,
            self.threshold,
        );
        for (slot, outcome) in slots.into_iter().zip(verified) {
            if let Some(r) = results.get_mut(slot) {
                *r = Some(
                    outcome
                        .map(Self::signed)
                        .map_err(|e| Rejection::new(e.to_string())),
                );
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Rejection::new("not verified"))))
            .collect()
    }

    fn verify(
        &self,
        attestation: &RawAttestation,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        match attestation.format() {
            AttestationFormat::Envelope => self.verify_envelope(attestation.bytes()),
            AttestationFormat::EnvelopeWithCert => Err(Rejection::new(
                "envelope signed with a certificate: needs a keyless root of trust",
            )),
            AttestationFormat::SigstoreBundle => self.verify_bundle(attestation, None, now),
        }
    }

    fn verify_artifact(
        &self,
        attestation: &RawAttestation,
        artifact: &DigestSet,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        self.verify_bundle(attestation, Some(artifact), now)
    }
}

/// Verifies Sigstore bundles offline against a trusted root and a keyless identity policy.
#[derive(Debug)]
pub struct SigstoreVerifier {
    inner: provenance_sigstore::BundleVerifier,
}

impl SigstoreVerifier {
    /// A keyless verifier. The policy must constrain both the certificate identity and the OIDC
    /// issuer.
    ///
    /// # Errors
    /// [`crate::Error::InvalidSetting`] when the identity policy is incomplete.
    pub fn keyless(
        root: provenance_sigstore::TrustedRoot,
        identity: provenance_sigstore::IdentityPolicy,
        transparency: provenance_sigstore::Transparency,
    ) -> crate::Result<Self> {
        identity
            .check_complete()
            .map_err(|e| crate::Error::setting("certificate identity", "", e.to_string()))?;
        Ok(Self {
            inner: provenance_sigstore::BundleVerifier::new(root, SignerPolicy::Keyless(identity))
                .with_transparency(transparency),
        })
    }

    /// Also accepts log entries that carry only a signed entry timestamp and no inclusion
    /// proof when integrated after [`provenance_sigstore::PROMISE_ONLY_CUTOFF`] (see
    /// [`provenance_sigstore::BundleVerifier::allow_promise_only`]). Off by default.
    #[must_use]
    pub fn allow_promise_only(mut self, allow: bool) -> Self {
        self.inner = self.inner.allow_promise_only(allow);
        self
    }
}

impl AttestationVerifier for SigstoreVerifier {
    fn verify(
        &self,
        attestation: &RawAttestation,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        match attestation.format() {
            AttestationFormat::SigstoreBundle => verify_bundle(&self.inner, attestation, None, now),
            AttestationFormat::EnvelopeWithCert => {
                let verified = self
                    .inner
                    .verify_legacy_envelope(
                        attestation.bytes(),
                        provenance_sigstore::Artifact::None,
                    )
                    .map_err(|e| {
                        Rejection::new(format!("legacy envelope with an embedded certificate: {e}"))
                    })?;
                to_signed(verified)
            }
            AttestationFormat::Envelope => Err(Rejection::new(
                "DSSE envelope without a certificate: needs --key",
            )),
        }
    }

    fn verify_artifact(
        &self,
        attestation: &RawAttestation,
        artifact: &DigestSet,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        verify_bundle(&self.inner, attestation, Some(artifact), now)
    }
}

fn verify_bundle(
    sigstore: &provenance_sigstore::BundleVerifier,
    raw: &RawAttestation,
    artifact: Option<&DigestSet>,
    now: OffsetDateTime,
) -> Result<SignedAttestation, Rejection> {
    let bundle = Bundle::from_json(raw.bytes())
        .map_err(|e| Rejection::new(format!("not a usable Sigstore bundle: {e}")))?;
    let now = now.unix_timestamp();
    let outcome = match (bundle.content(), artifact) {
        (Content::Dsse(_), _) => sigstore.verify(&bundle, provenance_sigstore::Artifact::None, now),
        (Content::MessageSignature { .. }, None) => return Err(Rejection::needs_artifact()),
        (Content::MessageSignature { digest: hint, .. }, Some(digests)) => {
            let preferred = hint.as_ref().map_or(HashAlgorithm::Sha256, |(a, _)| *a);
            let algorithms = [
                preferred,
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512,
            ];
            let Some((alg, bytes)) = algorithms.iter().find_map(|alg| {
                let hex = digests.get(alg.name())?;
                Some((*alg, hex::decode(hex).ok()?))
            }) else {
                return Err(Rejection::new(
                    "the artifact has no SHA-2 digest to check the signature against",
                ));
            };
            sigstore.verify(
                &bundle,
                provenance_sigstore::Artifact::Digest(alg, &bytes),
                now,
            )
        }
        _ => return Err(Rejection::new("unsupported bundle content")),
    }
    .map_err(|e| Rejection::new(e.to_string()))?;
    to_signed(outcome)
}

fn to_signed(
    verified: provenance_sigstore::VerifiedBundle,
) -> Result<SignedAttestation, Rejection> {
    // 0: no verified time (a key-only bundle without log entry or timestamp)
    let signed_at = Some(verified.signing_time)
        .filter(|t| *t != 0)
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
    let signer = match &verified.identity {
        Some(id) => {
            let mut extensions = std::collections::BTreeMap::new();
            for (name, value) in [
                ("sourceRepositoryURI", &id.source_repository_uri),
                ("sourceRepositoryDigest", &id.source_repository_digest),
                ("sourceRepositoryRef", &id.source_repository_ref),
                ("buildTrigger", &id.build_trigger),
                ("buildSignerURI", &id.build_signer_uri),
                ("buildSignerDigest", &id.build_signer_digest),
                ("runnerEnvironment", &id.runner_environment),
                ("buildConfigURI", &id.build_config_uri),
                ("sourceRepositoryOwnerURI", &id.source_repository_owner_uri),
            ] {
                if let Some(v) = value {
                    extensions.insert(name.to_owned(), v.clone());
                }
            }
            Signer::Certificate {
                identity: id.san.clone(),
                issuer: id.issuer.clone(),
                extensions,
                signed_at,
                transparency_log: verified.tlog_verified,
            }
        }
        None => Signer::Keys {
            key_ids: Vec::new(),
            signed_at,
        },
    };
    let content = match verified.content {
        VerifiedContent::Dsse {
            payload_type,
            payload,
        } => SignedContent::Payload {
            payload_type,
            payload,
        },
        VerifiedContent::MessageDigest { algorithm, digest } => {
            let mut set = DigestSet::new();
            set.insert(algorithm.name(), &hex::encode(digest))
                .map_err(|e| Rejection::new(e.to_string()))?;
            SignedContent::ArtifactDigest(set)
        }
        _ => return Err(Rejection::new("unsupported verified content")),
    };
    Ok(SignedAttestation { content, signer })
}

/// GitHub's constraints as Fulcio extension constraints of an identity policy (a certificate
/// without the extension fails).
///
/// # Errors
/// [`crate::Error::InvalidSetting`] if a constraint does not compile (it is built from
/// validated, escaped names, so this does not happen in practice).
pub(crate) fn github_constraints(
    github: &crate::policy::GithubIdentity,
) -> crate::Result<Vec<provenance_sigstore::IdentityPolicy>> {
    use crate::policy::GithubFact;
    use provenance_sigstore::{FulcioField, IdentityPolicy, Matcher};
    let mut out = Vec::new();
    for (fact, re) in github.extension_constraints() {
        let field = match fact {
            GithubFact::SourceRepositoryUri => FulcioField::SourceRepositoryUri,
            GithubFact::SourceRepositoryOwnerUri => FulcioField::SourceRepositoryOwnerUri,
            GithubFact::BuildSignerUri => FulcioField::BuildSignerUri,
            GithubFact::RunnerEnvironment => FulcioField::RunnerEnvironment,
        };
        let matcher = Matcher::regex(&re)
            .map_err(|e| crate::Error::setting("GitHub identity", &re, e.to_string()))?;
        out.push(IdentityPolicy::Extension(field, matcher));
    }
    Ok(out)
}
