//! Concrete roots of trust: public keys (DSSE envelopes and key-based Sigstore bundles) and
//! Sigstore keyless identities (bundles checked offline against a trusted root).

use std::sync::Arc;

use provenance_digest::DigestSet;
use provenance_dsse::{Envelope, PayloadTypePolicy, Threshold, VerificationKey};
use provenance_sigstore::{Bundle, Content, SignerPolicy, VerifiedContent};
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
    /// Every id under which a `keyid` hint may name one of the keys (ours, securesystemslib's),
    /// with the key's own id: only to say whether a signature that did not verify was meant
    /// for a trusted key (a bad signature) or for none (an unknown key).
    hint_ids: Vec<(String, String)>,
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
        let hint_ids = keys
            .iter()
            .map(|k| {
                (
                    k.key_id().as_str().to_owned(),
                    k.key_id().as_str().to_owned(),
                )
            })
            .collect();
        Self {
            hint_ids,
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
        let mut hint_ids = Vec::new();
        for key in &keys {
            let id = key.key_id().as_str().to_owned();
            hint_ids.push((id.clone(), id.clone()));
            hint_ids.push((
                provenance_keys::sslib_key_id(key).as_str().to_owned(),
                id.clone(),
            ));
        }
        let keys = keys.into_iter().map(|k| Arc::new(k) as SharedKey).collect();
        Ok(Self {
            hint_ids,
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
            .map_err(|e| Rejection::Malformed(format!("not a valid DSSE envelope: {e}")))?;
        let keys: Vec<&dyn VerificationKey> = self
            .keys
            .iter()
            .map(|k| k.as_ref() as &dyn VerificationKey)
            .collect();
        let verified = envelope
            .verify(&PayloadTypePolicy::InToto, &keys, self.threshold)
            .map_err(|e| self.dsse_rejection(&envelope, &e))?;
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
            return Err(Rejection::Unsupported(
                "Sigstore bundle: key-based bundles need exactly one key and threshold 1"
                    .to_owned(),
            ));
        }
        let mut reasons = Vec::new();
        for (key_id, verifier) in &self.bundles {
            match verify_bundle(verifier, raw, artifact, now) {
                Ok(mut signed) => {
                    // the bundle's verified log or timestamp time, if it had one
                    let signed_at = signed.signer.signed_at();
                    signed.signer = Signer::Keys {
                        key_ids: vec![key_id.clone()],
                        signed_at,
                    };
                    return Ok(signed);
                }
                Err(r) if r.is_needs_artifact() => return Err(r),
                Err(r) => reasons.push(r),
            }
        }
        Err(Rejection::every(reasons))
    }
}

impl KeyVerifier {
    /// Why an envelope was refused. When no key verified any signature, the signatures'
    /// `keyid` hints (never trusted for the verdict: every signature was tried against every
    /// key) say which words fit: a hint naming a trusted key means that key's signature is
    /// bad; otherwise the envelope was signed by no trusted key.
    fn dsse_rejection(&self, envelope: &Envelope, error: &provenance_dsse::Error) -> Rejection {
        let rejection = Rejection::from_dsse(error, error.to_string());
        if !matches!(rejection, Rejection::ThresholdNotMet { verified: 0, .. }) {
            return rejection;
        }
        let hints: Vec<&str> = envelope
            .signatures()
            .iter()
            .filter_map(|s| s.key_id().map(provenance_dsse::KeyId::as_str))
            .collect();
        let mut named: Vec<&str> = hints
            .iter()
            .filter_map(|h| {
                self.hint_ids
                    .iter()
                    .find(|(alias, _)| alias == h)
                    .map(|(_, id)| id.as_str())
            })
            .collect();
        named.sort_unstable();
        named.dedup();
        if named.is_empty() {
            let hint = match hints.as_slice() {
                [] => " (the signatures name no key)".to_owned(),
                _ => format!(
                    " (keyid hint {})",
                    hints.iter().take(3).copied().collect::<Vec<_>>().join(", ")
                ),
            };
            Rejection::NoTrustedKey(format!("signed by no trusted key{hint}"))
        } else {
            Rejection::BadSignature(format!(
                "the signature by key {} does not verify",
                named.join(", ")
            ))
        }
    }

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
                    Err(e) => results.push(Some(Err(Rejection::Malformed(format!(
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
        for ((slot, outcome), envelope) in slots.into_iter().zip(verified).zip(&envelopes) {
            if let Some(r) = results.get_mut(slot) {
                *r = Some(
                    outcome
                        .map(Self::signed)
                        .map_err(|e| self.dsse_rejection(envelope, &e)),
                );
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(Rejection::Unsupported("not verified".to_owned()))))
            .collect()
    }

    fn verify(
        &self,
        attestation: &RawAttestation,
        now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        match attestation.format() {
            AttestationFormat::Envelope => self.verify_envelope(attestation.bytes()),
            AttestationFormat::EnvelopeWithCert => Err(Rejection::WrongRoot(
                "envelope signed with a certificate: needs a keyless root of trust".to_owned(),
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

/// A transparency-log lookup usable from several threads (see
/// [`SigstoreVerifier::with_log_lookup`]).
pub type SharedLookup = Arc<dyn provenance_sigstore::TlogLookup>;

/// Verifies Sigstore bundles offline against a trusted root and a keyless identity policy;
/// with a log lookup, also legacy envelopes with an embedded certificate (their log entry is
/// fetched, then verified offline as a bundle's).
#[derive(Debug)]
pub struct SigstoreVerifier {
    inner: provenance_sigstore::BundleVerifier,
    lookup: Option<SharedLookup>,
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
            lookup: None,
        })
    }

    /// Looks the transparency log entry of legacy envelopes (DSSE with an embedded Fulcio
    /// certificate, no bundle) up with `lookup` (online, for `RekorLookup`), and verifies it
    /// offline as a bundle's entry. Without one, such envelopes cannot prove their log entry and
    /// are refused ([`Rejection::NeedsLogLookup`]) unless the log is ignored.
    #[must_use]
    pub fn with_log_lookup(mut self, lookup: Option<SharedLookup>) -> Self {
        self.lookup = lookup;
        self
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
                let verified = match &self.lookup {
                    Some(lookup) => self.inner.verify_legacy_envelope_with_log(
                        attestation.bytes(),
                        provenance_sigstore::Artifact::None,
                        now.unix_timestamp(),
                        lookup.as_ref(),
                    ),
                    None => self.inner.verify_legacy_envelope(
                        attestation.bytes(),
                        provenance_sigstore::Artifact::None,
                    ),
                }
                .map_err(|e| {
                    Rejection::from_sigstore(
                        &e,
                        format!("legacy envelope with an embedded certificate: {e}"),
                    )
                })?;
                to_signed(verified)
            }
            AttestationFormat::Envelope => Err(Rejection::WrongRoot(
                "DSSE envelope without a certificate: needs a root of trust with public keys"
                    .to_owned(),
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
        .map_err(|e| Rejection::from_sigstore(&e, format!("not a usable Sigstore bundle: {e}")))?;
    // A signature over an artifact waits for each artifact's digests; provenance-sigstore
    // checks it against them. The message digest's algorithm comes with the answer: the
    // bundle is not parsed again to learn which digest of the artifact it needs.
    if let (Content::MessageSignature { digest, .. }, None) = (bundle.content(), artifact) {
        return Err(Rejection::needs_artifact_in(digest.as_ref().and_then(
            |(alg, _)| alg.name().parse::<provenance_digest::Algorithm>().ok(),
        )));
    }
    let outcome = sigstore
        .verify_digests(&bundle, artifact, now.unix_timestamp())
        .map_err(|e| Rejection::from_sigstore(&e, e.to_string()))?;
    to_signed(outcome)
}

fn to_signed(
    verified: provenance_sigstore::VerifiedBundle,
) -> Result<SignedAttestation, Rejection> {
    // 0: no verified time (a key-only bundle without log entry or timestamp)
    let signed_at = Some(verified.signing_time)
        .filter(|t| *t != 0)
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let signer = match verified.identity {
        Some(id) => Signer::Certificate {
            certificate: Box::new(id),
            signed_at,
            transparency_log: verified.tlog_verified,
        },
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
        content @ VerifiedContent::MessageDigest { .. } => {
            SignedContent::ArtifactDigest(content.digest_set().ok_or_else(|| {
                Rejection::Malformed("a message digest of an unknown algorithm".to_owned())
            })?)
        }
        _ => {
            return Err(Rejection::Unsupported(
                "unsupported verified content".to_owned(),
            ));
        }
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

#[cfg(test)]
mod tests {
    //! The kind of real rejections: the adversarial vectors (signed with fixed Ed25519 keys) and
    //! bundles from the testkit's Fulcio/Rekor generator; the texts are those reports show.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::source::Origin;
    use provenance_sigstore::{IdentityPolicy, Matcher, TrustedRoot};
    use provenance_testkit::fulcio;
    use serde_json::{Value, json};

    fn case(name: &str, file: &str) -> Vec<u8> {
        std::fs::read(
            provenance_testkit::test_vectors()
                .join("adversarial")
                .join(name)
                .join(file),
        )
        .unwrap()
    }

    fn key(name: &str, file: &str) -> provenance_keys::PublicKey {
        provenance_keys::PublicKey::from_pem(std::str::from_utf8(&case(name, file)).unwrap())
            .unwrap()
    }

    /// The case's first attestation, checked by its `key.pub` (and `more` keys) at `threshold`.
    fn envelope_rejection(name: &str, more: &[&str], threshold: usize) -> Rejection {
        let mut keys = vec![key(name, "key.pub")];
        keys.extend(more.iter().map(|f| key(name, f)));
        let verifier = KeyVerifier::from_public_keys(
            keys,
            Threshold::new(threshold).unwrap(),
            Some(
                TrustedRoot::from_json(&serde_json::to_vec(&fulcio::trusted_root()).unwrap())
                    .unwrap(),
            ),
        )
        .unwrap();
        let bytes = case(name, "attestation.intoto.jsonl");
        let line = bytes.split(|b| *b == b'\n').next().unwrap();
        // One path and the batch path agree on the kind.
        let raw = RawAttestation::new(
            Origin::new("attestation.intoto.jsonl", 1, None),
            AttestationFormat::Envelope,
            line.to_vec(),
        );
        let batch = verifier.verify_batch(&[&raw], OffsetDateTime::UNIX_EPOCH);
        let one = verifier.verify_envelope(line).unwrap_err();
        assert_eq!(batch.into_iter().next().unwrap().unwrap_err(), one);
        one
    }

    #[test]
    fn corrupted_signature_with_a_foreign_keyid_hint_reads_as_no_trusted_key() {
        // The vector's hint ("seed-1") is in no convention the key is known by: the words
        // cannot say whose signature it was meant to be.
        let r = envelope_rejection("corrupted-signature_fail", &[], 1);
        assert_eq!(
            r,
            Rejection::NoTrustedKey("signed by no trusted key (keyid hint seed-1)".to_owned())
        );
        assert_eq!(r.cause(), Some(crate::Rule::Signature));
    }

    #[test]
    fn untrusted_key_is_no_trusted_key() {
        // Signed by a key the root does not hold (its keyid hint is not trusted either way).
        let r = envelope_rejection("untrusted-key_fail", &[], 1);
        assert_eq!(
            r,
            Rejection::NoTrustedKey("signed by no trusted key (keyid hint seed-2)".to_owned())
        );
    }

    #[test]
    fn a_keyid_hint_naming_the_trusted_key_reads_as_its_bad_signature() {
        let name = "corrupted-signature_fail";
        let key = Arc::new(key(name, "key.pub")) as SharedKey;
        let id = key.key_id().as_str().to_owned();
        let verifier = KeyVerifier::new(vec![key], Threshold::new(1).unwrap());
        let bytes = case(name, "attestation.intoto.jsonl");
        let line = bytes.split(|b| *b == b'\n').next().unwrap();
        let mut env: Value = serde_json::from_slice(line).unwrap();
        env["signatures"][0]["keyid"] = id.clone().into();
        let r = verifier
            .verify_envelope(env.to_string().as_bytes())
            .unwrap_err();
        assert_eq!(
            r,
            Rejection::BadSignature(format!("the signature by key {id} does not verify"))
        );
    }

    #[test]
    fn one_of_two_required_keys_is_threshold_not_met() {
        let r = envelope_rejection("threshold-one-valid-one-invalid_fail", &["key3.pub"], 2);
        assert_eq!(
            r,
            Rejection::ThresholdNotMet {
                required: 2,
                verified: 1
            }
        );
    }

    #[test]
    fn envelope_without_signatures_is_malformed() {
        let r = envelope_rejection("empty-signature-list_fail", &[], 1);
        assert!(matches!(r, Rejection::Malformed(_)), "{r:?}");
        assert!(
            r.to_string().starts_with("not a valid DSSE envelope: "),
            "{r}"
        );
    }

    #[test]
    fn signed_payload_that_is_no_statement_is_not_a_statement() {
        let name = "malformed-signed-payload_fail";
        let verifier = KeyVerifier::new(
            vec![Arc::new(key(name, "key.pub")) as SharedKey],
            Threshold::new(1).unwrap(),
        );
        let bytes = case(name, "attestation.intoto.jsonl");
        let line = bytes.split(|b| *b == b'\n').next().unwrap();
        let raw = RawAttestation::new(
            Origin::new("attestation.intoto.jsonl", 1, None),
            AttestationFormat::Envelope,
            line.to_vec(),
        );
        let signed = verifier.verify_envelope(line).unwrap();
        let r = crate::verified::interpret(
            &raw,
            (0, "key"),
            signed,
            &provenance_model::Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(r, Rejection::NotAStatement(_)), "{r:?}");
        assert!(
            r.to_string()
                .starts_with("signed payload is not a valid in-toto statement: "),
            "{r}"
        );
    }

    const OWN: &str =
        "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3";

    fn keyless(san: &str) -> SigstoreVerifier {
        SigstoreVerifier::keyless(
            TrustedRoot::from_json(&serde_json::to_vec(&fulcio::trusted_root()).unwrap()).unwrap(),
            IdentityPolicy::identity(Matcher::exact(san), Matcher::exact(fulcio::GITHUB_ISSUER)),
            provenance_sigstore::Transparency::Required,
        )
        .unwrap()
    }

    /// A generated keyless bundle of example/app's release workflow, changed by `edit`.
    fn bundle(edit: impl FnOnce(&mut Value)) -> RawAttestation {
        let identity = fulcio::Identity::github(
            OWN,
            "https://github.com/example/app",
            "refs/tags/v1.2.3",
            "4d329c75e7ec1725f7c9ce917a8799d408d06be3",
        );
        let statement = json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "app", "digest": {"sha256": "ab".repeat(32)}}],
            "predicateType": "https://example.com/other/v1",
            "predicate": {}
        });
        let mut b = fulcio::bundle(&identity, &statement);
        edit(&mut b);
        RawAttestation::new(
            Origin::new("app.sigstore.json", 1, None),
            AttestationFormat::SigstoreBundle,
            serde_json::to_vec(&b).unwrap(),
        )
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(fulcio::INTEGRATED_TIME + 3600).unwrap()
    }

    #[test]
    fn generated_bundle_verifies() {
        // (so that the failures below are caused by what each changes)
        assert!(keyless(OWN).verify(&bundle(|_| {}), now()).is_ok());
    }

    #[test]
    fn other_certificate_identity_is_identity_policy() {
        let other = "https://github.com/example/app/.github/workflows/other.yml@refs/tags/v1.2.3";
        let r = keyless(other).verify(&bundle(|_| {}), now()).unwrap_err();
        assert!(matches!(r, Rejection::IdentityPolicy(_)), "{r:?}");
        assert!(
            r.to_string().starts_with("identity policy not satisfied: "),
            "{r}"
        );
    }

    #[test]
    fn tampered_log_entry_is_transparency_log() {
        let r = keyless(OWN)
            .verify(
                &bundle(|b| {
                    b["verificationMaterial"]["tlogEntries"][0]["integratedTime"] =
                        json!((fulcio::INTEGRATED_TIME + 1).to_string());
                }),
                now(),
            )
            .unwrap_err();
        assert!(matches!(r, Rejection::TransparencyLog(_)), "{r:?}");
    }

    #[test]
    fn signature_over_another_payload_is_bad_signature() {
        let other = bundle(|b| {
            b["dsseEnvelope"]["payload"] = json!("e30=");
        });
        let r = keyless(OWN).verify(&other, now()).unwrap_err();
        assert_eq!(
            r,
            Rejection::BadSignature("invalid signature: DSSE envelope".to_owned())
        );
    }

    #[test]
    fn key_signed_envelope_under_keyless_root_is_wrong_root() {
        let bytes = case("corrupted-signature_fail", "attestation.intoto.jsonl");
        let raw = RawAttestation::new(
            Origin::new("attestation.intoto.jsonl", 1, None),
            AttestationFormat::Envelope,
            bytes,
        );
        let r = keyless(OWN).verify(&raw, now()).unwrap_err();
        assert_eq!(
            r,
            Rejection::WrongRoot(
                "DSSE envelope without a certificate: needs a root of trust with public keys"
                    .to_owned()
            )
        );
    }

    #[test]
    fn every_key_joins_reasons_and_one_stays_itself() {
        let a = Rejection::BadSignature("invalid signature: message signature".to_owned());
        let b = Rejection::TransparencyLog("missing inclusion proof: x".to_owned());
        assert_eq!(Rejection::every(vec![a.clone()]), a);
        let both = Rejection::every(vec![a, b]);
        assert!(matches!(both, Rejection::EveryKey(ref all) if all.len() == 2));
        assert_eq!(
            both.to_string(),
            "invalid signature: message signature; missing inclusion proof: x"
        );
        assert!(Rejection::needs_artifact().is_needs_artifact());
    }
}
