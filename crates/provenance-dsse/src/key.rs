//! The two extension points: [`VerificationKey`] (keys, certificates, KMS public keys) and
//! [`DsseSigner`] (anything implementing [`signature::Signer`]).

use std::fmt;

use signature::SignatureEncoding;

use crate::{InvalidSignature, KeyId};

/// A public key that can check a DSSE signature over PAE bytes.
///
/// Implemented by `provenance_keys::PublicKey` (Ed25519, ECDSA, RSA) and by the Sigstore crate
/// (certificate keys). `verify` receives the PAE bytes and the raw decoded `sig` bytes; the
/// implementation decides which signature encodings it accepts (for ECDSA both ASN.1 DER and
/// IEEE P1363 `r‖s` are common).
pub trait VerificationKey {
    /// The id under which this key is counted towards a threshold. Two keys with one id count
    /// once, so an id must be unique per key material.
    fn key_id(&self) -> &KeyId;

    /// Checks `signature` over `message` (the PAE bytes).
    ///
    /// # Errors
    ///
    /// [`InvalidSignature`] when the signature does not verify or is malformed.
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature>;

    /// The Ed25519 key, when this is one: lets [`verify_many`](crate::verify_many) check many
    /// signatures at once with batch verification. The default is `None` (no batching).
    fn as_ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        None
    }
}

impl fmt::Debug for dyn VerificationKey + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("key_id", self.key_id())
            .finish_non_exhaustive()
    }
}

/// A bare Ed25519 public key with an id: the simplest [`VerificationKey`] (used in examples and
/// tests; `provenance_keys::PublicKey` is the general one).
#[derive(Debug, Clone)]
pub struct Ed25519VerificationKey {
    key_id: KeyId,
    key: ed25519_dalek::VerifyingKey,
}

impl Ed25519VerificationKey {
    /// Pairs `key` with `key_id`.
    pub fn new(key_id: KeyId, key: ed25519_dalek::VerifyingKey) -> Self {
        Self { key_id, key }
    }
}

impl VerificationKey for Ed25519VerificationKey {
    fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| InvalidSignature)?;
        signature::Verifier::verify(&self.key, message, &sig).map_err(|_| InvalidSignature)
    }

    fn as_ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        Some(&self.key)
    }
}

/// Something that signs DSSE PAE bytes: a key (or remote signer) with an optional key id.
///
/// Any [`signature::Signer`] plugs in through [`SignerWithKeyId`]; `provenance_keys::PrivateKey`
/// implements this trait directly.
pub trait DsseSigner {
    /// The `keyid` hint written next to the signature (`None`: no `keyid` field).
    fn key_id(&self) -> Option<&KeyId>;

    /// Signs `pae` and returns the signature bytes as they go (base64-encoded) into `sig`.
    ///
    /// # Errors
    ///
    /// The signer's error, for example a remote signer that is unreachable.
    fn sign_pae(&self, pae: &[u8]) -> Result<Vec<u8>, signature::Error>;
}

/// Adapts any `signature::Signer<S>` into a [`DsseSigner`].
///
/// ```
/// use provenance_dsse::{Envelope, PayloadType, SignerWithKeyId};
/// let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
/// let signer = SignerWithKeyId::<_, ed25519_dalek::Signature>::new(key, None);
/// let envelope = Envelope::sign(PayloadType::in_toto(), b"{}".to_vec(), &[&signer])?;
/// assert_eq!(envelope.signatures().len(), 1);
/// # Ok::<(), provenance_dsse::Error>(())
/// ```
pub struct SignerWithKeyId<T, S> {
    signer: T,
    key_id: Option<KeyId>,
    _signature: std::marker::PhantomData<fn() -> S>,
}

impl<T, S> SignerWithKeyId<T, S>
where
    T: signature::Signer<S>,
    S: SignatureEncoding,
{
    /// Wraps `signer`, writing `key_id` as the `keyid` hint.
    pub fn new(signer: T, key_id: Option<KeyId>) -> Self {
        Self {
            signer,
            key_id,
            _signature: std::marker::PhantomData,
        }
    }
}

impl<T, S> fmt::Debug for SignerWithKeyId<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never prints the signer: it may hold a secret key.
        f.debug_struct("SignerWithKeyId")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl<T, S> DsseSigner for SignerWithKeyId<T, S>
where
    T: signature::Signer<S>,
    S: SignatureEncoding,
{
    fn key_id(&self) -> Option<&KeyId> {
        self.key_id.as_ref()
    }

    fn sign_pae(&self, pae: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(self.signer.try_sign(pae)?.to_vec())
    }
}
