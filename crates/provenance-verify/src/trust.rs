//! Concrete roots of trust: public keys verifying DSSE envelopes.

use std::sync::Arc;

use provenance_dsse::{Envelope, PayloadTypePolicy, Threshold, VerificationKey};
use time::OffsetDateTime;

use crate::source::{AttestationFormat, RawAttestation};
use crate::verified::{AttestationVerifier, Rejection, SignedAttestation, SignedContent, Signer};

/// A public key usable from several threads.
pub type SharedKey = Arc<dyn VerificationKey + Send + Sync>;

/// Verifies DSSE envelopes with a set of public keys and a threshold of distinct keys.
pub struct KeyVerifier {
    keys: Vec<SharedKey>,
    threshold: Threshold,
    limits: provenance_dsse::Limits,
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
    /// Keys and the number of distinct keys that must sign.
    pub fn new(keys: Vec<SharedKey>, threshold: Threshold) -> Self {
        Self {
            keys,
            threshold,
            limits: provenance_dsse::Limits::DEFAULT,
        }
    }

    /// Verifies an envelope's bytes; returns the exact signed payload.
    ///
    /// # Errors
    /// A [`Rejection`] when the envelope does not parse or the threshold is not met.
    pub fn verify_envelope(&self, bytes: &[u8]) -> Result<SignedAttestation, Rejection> {
        let envelope = Envelope::from_slice(bytes, &self.limits)
            .map_err(|e| Rejection(format!("not a valid DSSE envelope: {e}")))?;
        let keys: Vec<&dyn VerificationKey> = self
            .keys
            .iter()
            .map(|k| k.as_ref() as &dyn VerificationKey)
            .collect();
        let verified = envelope
            .verify(&PayloadTypePolicy::InToto, &keys, self.threshold)
            .map_err(|e| Rejection(e.to_string()))?;
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
            signer: Signer::Keys { key_ids },
        })
    }
}

impl AttestationVerifier for KeyVerifier {
    fn verify(
        &self,
        attestation: &RawAttestation,
        _now: OffsetDateTime,
    ) -> Result<SignedAttestation, Rejection> {
        match attestation.format() {
            AttestationFormat::Envelope => self.verify_envelope(attestation.bytes()),
            AttestationFormat::EnvelopeWithCert => Err(Rejection(
                "envelope signed with a certificate: needs a keyless root of trust".to_owned(),
            )),
            AttestationFormat::SigstoreBundle => Err(Rejection(
                "Sigstore bundle: needs a Sigstore root of trust".to_owned(),
            )),
        }
    }
}
