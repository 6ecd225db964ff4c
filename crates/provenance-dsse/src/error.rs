//! The one error type of this crate.

use crate::{KeyId, PayloadType};

/// Everything that can go wrong while parsing, signing or verifying a DSSE envelope.
///
/// Cryptographic failures stay opaque: a signature that does not verify is never explained
/// beyond "it did not verify" ([`Error::ThresholdNotMet`] says how many keys verified).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The envelope is not well-formed JSON of the DSSE shape.
    #[error("the DSSE envelope is not valid JSON of the expected shape")]
    Json(#[source] serde_json::Error),

    /// The same JSON key occurs twice in one object of the envelope (a second `payload` must
    /// never be the one that is used, so the whole envelope is refused).
    #[error("the DSSE envelope repeats the JSON key {key:?}")]
    DuplicateKey {
        /// The repeated key.
        key: String,
    },

    /// The envelope is larger than [`Limits::max_envelope_bytes`](crate::Limits).
    #[error("the DSSE envelope is {size} bytes, more than the limit of {max}")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The configured limit.
        max: usize,
    },

    /// A base64 field could not be decoded.
    #[error("the `{field}` field of the DSSE envelope is not valid base64")]
    Base64 {
        /// Which field (`payload` or `sig`).
        field: &'static str,
    },

    /// The `payloadType` is empty, too long or contains control characters.
    #[error("invalid DSSE payloadType {value:?}: {reason}")]
    InvalidPayloadType {
        /// The offending value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A key id is empty or contains control characters.
    #[error("invalid key id {value:?}")]
    InvalidKeyId {
        /// The offending value.
        value: String,
    },

    /// The envelope carries no signature at all.
    #[error("the DSSE envelope has no signatures")]
    NoSignatures,

    /// The envelope carries more signatures than [`Limits::max_signatures`](crate::Limits).
    #[error("the DSSE envelope has at least {count} signatures, more than the limit of {max}")]
    TooManySignatures {
        /// Number of signatures seen: parsing stops at the first one past the limit, so an
        /// envelope read from JSON reports `max + 1` however many it carries.
        count: usize,
        /// The configured limit.
        max: usize,
    },

    /// The envelope's `payloadType` is not the one the caller expects.
    #[error("unexpected DSSE payloadType \"{actual}\" (expected {expected})")]
    PayloadTypeMismatch {
        /// What the caller accepts.
        expected: String,
        /// What the envelope says.
        actual: PayloadType,
    },

    /// A threshold of zero was asked for, or one larger than the number of keys given.
    #[error("threshold {threshold} cannot be met with {keys} distinct verification keys")]
    ThresholdUnreachable {
        /// The threshold asked for.
        threshold: usize,
        /// Number of distinct keys given.
        keys: usize,
    },

    /// Fewer distinct keys than required verified a signature of the envelope.
    #[error("signature threshold not met: {verified} of {required} required keys verified")]
    ThresholdNotMet {
        /// The threshold.
        required: usize,
        /// How many distinct keys verified a signature.
        verified: usize,
    },

    /// Two verification keys given for one verification share a key id.
    #[error("two verification keys share the key id {key_id}")]
    DuplicateKeyId {
        /// The repeated key id.
        key_id: KeyId,
    },

    /// No signer was given to [`Envelope::sign`](crate::Envelope::sign).
    #[error("no signer given")]
    NoSigners,

    /// A signer failed to produce a signature.
    #[error("signing with key {key_id:?} failed")]
    Signing {
        /// The key id of the signer, when it has one.
        key_id: Option<KeyId>,
        /// The signer's error (opaque by design of the `signature` crate).
        #[source]
        source: signature::Error,
    },
}

/// A signature did not verify. Deliberately opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, thiserror::Error)]
#[error("invalid signature")]
pub struct InvalidSignature;
