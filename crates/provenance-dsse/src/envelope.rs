//! The DSSE envelope: parsing, serialisation, signing and verification.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::{
    DsseSigner, Error, KeyId, Limits, PayloadType, PayloadTypePolicy, Threshold, VerificationKey,
    pae,
};
use provenance_model::b64;

/// One signature of an envelope: the raw signature bytes and the optional `keyid` hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    key_id: Option<KeyId>,
    sig: Vec<u8>,
}

impl Signature {
    /// A signature with an optional key id hint.
    pub fn new(key_id: Option<KeyId>, sig: Vec<u8>) -> Self {
        Self { key_id, sig }
    }

    /// The `keyid` hint (an empty `keyid` in the JSON reads as `None`). Never trust it: it only
    /// tells which key to try first.
    pub fn key_id(&self) -> Option<&KeyId> {
        self.key_id.as_ref()
    }

    /// The decoded signature bytes.
    pub fn sig(&self) -> &[u8] {
        &self.sig
    }
}

/// A DSSE envelope, [DSSE v1.0.2 "Envelope"]:
/// `{"payload": <base64>, "payloadType": <string>, "signatures": [{"keyid": <string>, "sig": <base64>}]}`.
///
/// Reading ([`Envelope::from_slice`]) refuses duplicate JSON keys at any depth, an empty
/// signature list and more signatures than [`Limits::max_signatures`]; unknown fields are
/// ignored. Base64 is accepted in the standard and URL-safe alphabets, with or without
/// padding; it is written standard and padded.
///
/// The payload is kept as the exact bytes that were signed. Only [`Envelope::verify`] hands it
/// out as trusted data (in [`Verified`]); [`Envelope::payload_unverified`] is for display.
///
/// [DSSE v1.0.2 "Envelope"]: https://github.com/secure-systems-lab/dsse/blob/v1.0.2/envelope.md
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    payload: Vec<u8>,
    payload_type: PayloadType,
    signatures: Vec<Signature>,
}

/// The envelope as JSON, as written; field order as in the DSSE spec. Read through
/// [`WireEnvelopeSeed`] (into a `ReadEnvelope`), which bounds the signature list while parsing.
#[derive(Serialize)]
struct WireEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    signatures: Vec<WireSignature>,
}

#[derive(Serialize, Deserialize)]
struct WireSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyid: Option<String>,
    sig: String,
}

impl Envelope {
    /// Parses an envelope from JSON bytes with the given bounds.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`], [`Error::Json`], [`Error::DuplicateKey`], [`Error::Base64`],
    /// [`Error::InvalidPayloadType`], [`Error::InvalidKeyId`], [`Error::NoSignatures`],
    /// [`Error::TooManySignatures`].
    pub fn from_slice(json: &[u8], limits: &Limits) -> Result<Self, Error> {
        if json.len() > limits.max_envelope_bytes {
            return Err(Error::TooLarge {
                size: json.len(),
                max: limits.max_envelope_bytes,
            });
        }
        // Parse first, with the signature bound applied while the list is read: an envelope
        // with millions of signatures stops at `max_signatures + 1`, before the rest is
        // decoded or collected, and before the whole-document duplicate-key walk.
        let too_many = Cell::new(false);
        let seed = WireEnvelopeSeed {
            max_signatures: limits.max_signatures,
            too_many: &too_many,
        };
        let mut de = serde_json::Deserializer::from_slice(json);
        let parsed = seed.deserialize(&mut de).and_then(|wire| {
            de.end()?;
            Ok(wire)
        });
        let wire = match parsed {
            Ok(wire) => wire,
            Err(_) if too_many.get() => {
                return Err(Error::TooManySignatures {
                    count: limits.max_signatures.saturating_add(1),
                    max: limits.max_signatures,
                });
            }
            Err(err) => {
                // A repeated key is the more precise diagnosis when there is one.
                reject_duplicate_keys(json)?;
                return Err(Error::Json(err));
            }
        };
        reject_duplicate_keys(json)?;
        Self::from_wire(wire, limits)
    }

    fn from_wire(wire: ReadEnvelope, limits: &Limits) -> Result<Self, Error> {
        let payload = wire.payload.0.ok_or(Error::Base64 { field: "payload" })?;
        let payload_type = PayloadType::try_from(wire.payload_type)?;
        let signatures = wire
            .signatures
            .into_iter()
            .map(|s| {
                let key_id = match s.keyid {
                    Some(id) if !id.is_empty() => Some(KeyId::try_from(id)?),
                    _ => None,
                };
                let sig = b64::decode(&s.sig).map_err(|_| Error::Base64 { field: "sig" })?;
                Ok(Signature { key_id, sig })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Self::from_parts(payload_type, payload, signatures, limits)
    }

    /// Builds an envelope from its parts (for example from a Sigstore bundle's DSSE message).
    ///
    /// # Errors
    ///
    /// [`Error::NoSignatures`] or [`Error::TooManySignatures`].
    pub fn from_parts(
        payload_type: PayloadType,
        payload: Vec<u8>,
        signatures: Vec<Signature>,
        limits: &Limits,
    ) -> Result<Self, Error> {
        check_signature_count(signatures.len(), limits)?;
        Ok(Self {
            payload,
            payload_type,
            signatures,
        })
    }

    /// Signs `payload` as `payload_type` with every signer, in order.
    ///
    /// # Errors
    ///
    /// [`Error::NoSigners`] for an empty list, [`Error::Signing`] when a signer fails.
    pub fn sign(
        payload_type: PayloadType,
        payload: Vec<u8>,
        signers: &[&dyn DsseSigner],
    ) -> Result<Self, Error> {
        if signers.is_empty() {
            return Err(Error::NoSigners);
        }
        let mut envelope = Self {
            payload,
            payload_type,
            signatures: Vec::new(),
        };
        for signer in signers {
            envelope.add_signature(*signer)?;
        }
        Ok(envelope)
    }

    /// Adds one more signature over this envelope's payload and type.
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] when the signer fails.
    pub fn add_signature(&mut self, signer: &dyn DsseSigner) -> Result<(), Error> {
        let message = pae(self.payload_type.as_str(), &self.payload);
        let sig = signer.sign_pae(&message).map_err(|source| Error::Signing {
            key_id: signer.key_id().cloned(),
            source,
        })?;
        self.signatures.push(Signature {
            key_id: signer.key_id().cloned(),
            sig,
        });
        Ok(())
    }

    /// The `payloadType` (authenticated only once [`Envelope::verify`] succeeded).
    pub fn payload_type(&self) -> &PayloadType {
        &self.payload_type
    }

    /// The signatures.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The decoded payload **before any verification**: for display (`provenance inspect`),
    /// never for decisions. Use [`Envelope::verify`] and [`Verified::payload`] for those.
    pub fn payload_unverified(&self) -> &[u8] {
        &self.payload
    }

    /// The PAE bytes that the signatures cover.
    pub fn pae(&self) -> Vec<u8> {
        pae(self.payload_type.as_str(), &self.payload)
    }

    /// The envelope as compact JSON (standard padded base64, spec field order).
    pub fn to_json(&self) -> String {
        // Serialising a struct of strings cannot fail.
        serde_json::to_string(&self.to_wire()).unwrap_or_default()
    }

    fn to_wire(&self) -> WireEnvelope {
        WireEnvelope {
            payload: b64::encode(&self.payload),
            payload_type: self.payload_type.as_str().to_owned(),
            signatures: self
                .signatures
                .iter()
                .map(|s| WireSignature {
                    keyid: s.key_id.as_ref().map(|k| k.as_str().to_owned()),
                    sig: b64::encode(&s.sig),
                })
                .collect(),
        }
    }

    /// Verifies the envelope: the `payloadType` must be accepted by `payload_type`, and at least
    /// `threshold` **distinct keys** of `keys` must each have verified a signature over the PAE.
    ///
    /// * A signature repeated, or several signatures by one key, count once (keys are counted by
    ///   [`VerificationKey::key_id`]; two keys given with one id are refused).
    /// * The `keyid` hint only orders the search: a signature is tried first against the keys
    ///   whose id equals its `keyid`, then against every other key not yet counted. A wrong or
    ///   unknown `keyid` therefore never makes a valid signature fail, and never makes an invalid
    ///   one pass. (Producers disagree on key id conventions — securesystemslib, witness, cosign
    ///   and we each compute different ids — so treating the hint as binding would only break
    ///   interoperability, while adding no security.)
    ///
    /// On success the [`Verified`] value holds the exact payload bytes that were signed.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadTypeMismatch`], [`Error::NoSignatures`], [`Error::DuplicateKeyId`],
    /// [`Error::ThresholdUnreachable`], [`Error::ThresholdNotMet`].
    pub fn verify(
        &self,
        payload_type: &PayloadTypePolicy,
        keys: &[&dyn VerificationKey],
        threshold: Threshold,
    ) -> Result<Verified, Error> {
        self.precheck(payload_type, keys, threshold)?;
        let message = self.pae();
        let verified = self.verified_keys(&message, keys, BTreeSet::new(), &[]);
        // (the PAE, a copy of the payload, is not held beside the verified one)
        drop(message);
        self.conclude(verified, threshold)
    }

    /// The checks that need no cryptography.
    fn precheck(
        &self,
        payload_type: &PayloadTypePolicy,
        keys: &[&dyn VerificationKey],
        threshold: Threshold,
    ) -> Result<(), Error> {
        if !payload_type.accepts(&self.payload_type) {
            return Err(Error::PayloadTypeMismatch {
                expected: payload_type.to_string(),
                actual: self.payload_type.clone(),
            });
        }
        if self.signatures.is_empty() {
            return Err(Error::NoSignatures);
        }
        let mut ids = BTreeSet::new();
        for key in keys {
            if !ids.insert(key.key_id()) {
                return Err(Error::DuplicateKeyId {
                    key_id: key.key_id().clone(),
                });
            }
        }
        if threshold.get() > ids.len() {
            return Err(Error::ThresholdUnreachable {
                threshold: threshold.get(),
                keys: ids.len(),
            });
        }
        Ok(())
    }

    /// Tries every signature (except those at the indices in `done`) against the keys not yet
    /// in `verified`, `keyid` matches first.
    fn verified_keys(
        &self,
        message: &[u8],
        keys: &[&dyn VerificationKey],
        mut verified: BTreeSet<KeyId>,
        done: &[usize],
    ) -> BTreeSet<KeyId> {
        let mut tried_sigs: Vec<&[u8]> = Vec::new();
        for (index, signature) in self.signatures.iter().enumerate() {
            // A repeated signature adds nothing.
            if done.contains(&index) || tried_sigs.contains(&signature.sig.as_slice()) {
                continue;
            }
            tried_sigs.push(&signature.sig);
            let hinted = keys
                .iter()
                .filter(|k| Some(k.key_id()) == signature.key_id.as_ref());
            let others = keys
                .iter()
                .filter(|k| Some(k.key_id()) != signature.key_id.as_ref());
            for key in hinted.chain(others) {
                if verified.contains(key.key_id()) {
                    continue;
                }
                if key.verify(message, &signature.sig).is_ok() {
                    verified.insert(key.key_id().clone());
                    break;
                }
            }
        }
        verified
    }

    fn conclude(&self, verified: BTreeSet<KeyId>, threshold: Threshold) -> Result<Verified, Error> {
        if verified.len() < threshold.get() {
            return Err(Error::ThresholdNotMet {
                required: threshold.get(),
                verified: verified.len(),
            });
        }
        Ok(Verified {
            payload: self.payload.clone(),
            payload_type: self.payload_type.clone(),
            key_ids: verified.into_iter().collect(),
        })
    }
}

impl Serialize for Envelope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Envelope {
    /// Deserialises with [`Limits::DEFAULT`]. Repeated known fields are refused by the
    /// derived code; prefer [`Envelope::from_slice`], which also refuses repeated unknown keys.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let too_many = Cell::new(false);
        let seed = WireEnvelopeSeed {
            max_signatures: Limits::DEFAULT.max_signatures,
            too_many: &too_many,
        };
        let wire = seed.deserialize(deserializer)?;
        Self::from_wire(wire, &Limits::DEFAULT).map_err(serde::de::Error::custom)
    }
}

/// Reads the envelope object: `payload`, `payloadType`, `signatures` (each at most once,
/// unknown fields skipped) with at most `max_signatures` signatures. At the first signature
/// past the bound it sets `too_many` and fails, without reading the rest of the list.
#[derive(Clone, Copy)]
struct WireEnvelopeSeed<'a> {
    max_signatures: usize,
    too_many: &'a Cell<bool>,
}

/// An envelope as read: the payload decoded from base64 as it is read (the base64 text is
/// never held apart from the document).
struct ReadEnvelope {
    payload: DecodedPayload,
    payload_type: String,
    signatures: Vec<WireSignature>,
}

/// A base64 string decoded as it is read: `None` when it is not valid base64 (refused with
/// [`Error::Base64`] once the document is known to be well-formed JSON without repeated keys).
struct DecodedPayload(Option<Vec<u8>>);

impl<'de> Deserialize<'de> for DecodedPayload {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DecodedPayload;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DecodedPayload, E> {
                Ok(DecodedPayload(b64::decode(v).ok()))
            }
        }
        de.deserialize_str(V)
    }
}

impl<'de> DeserializeSeed<'de> for WireEnvelopeSeed<'_> {
    type Value = ReadEnvelope;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<ReadEnvelope, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WireEnvelopeSeed<'_> {
    type Value = ReadEnvelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a DSSE envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReadEnvelope, A::Error> {
        use serde::de::Error as _;
        let mut payload = None;
        let mut payload_type = None;
        let mut signatures = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "payload" => {
                    if payload.is_some() {
                        return Err(A::Error::duplicate_field("payload"));
                    }
                    payload = Some(map.next_value::<DecodedPayload>()?);
                }
                "payloadType" => {
                    if payload_type.is_some() {
                        return Err(A::Error::duplicate_field("payloadType"));
                    }
                    payload_type = Some(map.next_value::<String>()?);
                }
                "signatures" => {
                    if signatures.is_some() {
                        return Err(A::Error::duplicate_field("signatures"));
                    }
                    signatures = Some(map.next_value_seed(BoundedSignatures {
                        max: self.max_signatures,
                        too_many: self.too_many,
                    })?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(ReadEnvelope {
            payload: payload.ok_or_else(|| A::Error::missing_field("payload"))?,
            payload_type: payload_type.ok_or_else(|| A::Error::missing_field("payloadType"))?,
            signatures: signatures.ok_or_else(|| A::Error::missing_field("signatures"))?,
        })
    }
}

/// The `signatures` array, refused at element `max + 1` (before it is decoded).
struct BoundedSignatures<'a> {
    max: usize,
    too_many: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for BoundedSignatures<'_> {
    type Value = Vec<WireSignature>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        de: D,
    ) -> Result<Vec<WireSignature>, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BoundedSignatures<'_> {
    type Value = Vec<WireSignature>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of at most {} DSSE signatures", self.max)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<WireSignature>, A::Error> {
        // The size hint is the input's claim: never trust it beyond the bound.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max));
        loop {
            if out.len() == self.max {
                // One more element is an error whatever it holds: refuse without decoding it.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    self.too_many.set(true);
                    return Err(serde::de::Error::custom(format!(
                        "more than {} DSSE signatures",
                        self.max
                    )));
                }
                return Ok(out);
            }
            match seq.next_element::<WireSignature>()? {
                Some(sig) => out.push(sig),
                None => return Ok(out),
            }
        }
    }
}

/// Checks that `json` is one well-formed JSON document in which no object repeats a key, at
/// any depth (keys compared after unescaping). [`Envelope::from_slice`] does this; it is public
/// for formats that embed an envelope (Sigstore bundles) and must be checked as a whole.
///
/// # Errors
///
/// [`Error::DuplicateKey`] naming the key, or [`Error::Json`].
pub fn reject_duplicate_keys(json: &[u8]) -> Result<(), Error> {
    // The workspace's one duplicate-key reader (provenance-model's), with no bound of its own:
    // the envelope's size is bounded by the caller, its depth by serde_json (128).
    let limits = provenance_model::Limits::default()
        .with_max_payload_bytes(usize::MAX)
        .with_max_depth(usize::MAX);
    provenance_model::reject_duplicate_keys(json, &limits).map_err(|e| match e {
        provenance_model::Error::DuplicateKey { key, .. } => Error::DuplicateKey { key },
        provenance_model::Error::Json { source } => Error::Json(source),
        other => Error::Json(serde::de::Error::custom(other)),
    })
}

fn check_signature_count(count: usize, limits: &Limits) -> Result<(), Error> {
    if count == 0 {
        Err(Error::NoSignatures)
    } else if count > limits.max_signatures {
        Err(Error::TooManySignatures {
            count,
            max: limits.max_signatures,
        })
    } else {
        Ok(())
    }
}

/// A successfully verified envelope: the exact signed payload bytes, the authenticated payload
/// type and the distinct keys that verified. The only way to obtain one is verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    payload: Vec<u8>,
    payload_type: PayloadType,
    key_ids: Vec<KeyId>,
}

impl Verified {
    /// The exact payload bytes that were signed: parse these (never the envelope again).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The payload, by value.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }

    /// The authenticated payload type.
    pub fn payload_type(&self) -> &PayloadType {
        &self.payload_type
    }

    /// The distinct keys whose signatures verified, sorted.
    pub fn key_ids(&self) -> &[KeyId] {
        &self.key_ids
    }
}

/// Verifies many envelopes with the same keys and threshold, using Ed25519 **batch
/// verification** where possible: the result for each envelope is exactly what
/// [`Envelope::verify`] would return.
///
/// Each Ed25519 signature whose key can be guessed (its `keyid` names an Ed25519 key, or there
/// is a single Ed25519 key) joins a batch; a batch that passes proves every signature in it.
/// An envelope whose batched signatures do not reach the threshold (or a batch that fails) is
/// verified again one signature at a time, so a bad signature never hides a good one.
///
/// Batch verification uses the cofactored equation, single verification the cofactorless one:
/// they only disagree on signatures deliberately crafted by the key's own holder (never on
/// forgeries), and weak (small-order) keys are never batched.
pub fn verify_many(
    envelopes: &[Envelope],
    payload_type: &PayloadTypePolicy,
    keys: &[&dyn VerificationKey],
    threshold: Threshold,
) -> Vec<Result<Verified, Error>> {
    const BATCH: usize = 256;

    let ed_keys: Vec<(usize, &ed25519_dalek::VerifyingKey)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.as_ed25519().filter(|vk| !vk.is_weak()).map(|vk| (i, vk)))
        .collect();
    let single_ed = match ed_keys.as_slice() {
        [only] => Some(*only),
        _ => None,
    };

    // Per envelope: precheck result and PAE.
    let prepared: Vec<Result<Vec<u8>, Error>> = envelopes
        .iter()
        .map(|env| {
            env.precheck(payload_type, keys, threshold)
                .map(|()| env.pae())
        })
        .collect();

    // Batch items: (envelope index, signature index, key index, signature).
    let mut items: Vec<(usize, usize, usize, ed25519_dalek::Signature)> = Vec::new();
    for (env_index, (env, prep)) in envelopes.iter().zip(&prepared).enumerate() {
        if prep.is_err() {
            continue;
        }
        for (sig_index, signature) in env.signatures.iter().enumerate() {
            let Ok(sig) = ed25519_dalek::Signature::from_slice(&signature.sig) else {
                continue;
            };
            let hinted = signature.key_id.as_ref().and_then(|id| {
                ed_keys
                    .iter()
                    .find(|(i, _)| keys.get(*i).is_some_and(|k| k.key_id() == id))
            });
            if let Some((key_index, _)) = hinted.copied().or(single_ed) {
                items.push((env_index, sig_index, key_index, sig));
            }
        }
    }

    let mut batch_verified: Vec<(BTreeSet<KeyId>, Vec<usize>)> =
        vec![(BTreeSet::new(), Vec::new()); envelopes.len()];
    for chunk in items.chunks(BATCH) {
        let mut messages: Vec<&[u8]> = Vec::with_capacity(chunk.len());
        let mut sigs = Vec::with_capacity(chunk.len());
        let mut vks = Vec::with_capacity(chunk.len());
        for (env_index, _, key_index, sig) in chunk {
            let (Some(Ok(message)), Some(vk)) = (
                prepared.get(*env_index),
                keys.get(*key_index).and_then(|k| k.as_ed25519()),
            ) else {
                continue;
            };
            messages.push(message);
            sigs.push(*sig);
            vks.push(*vk);
        }
        if messages.len() == chunk.len()
            && ed25519_dalek::verify_batch(&messages, &sigs, &vks).is_ok()
        {
            for (env_index, sig_index, key_index, _) in chunk {
                if let (Some((set, done)), Some(key)) =
                    (batch_verified.get_mut(*env_index), keys.get(*key_index))
                {
                    set.insert(key.key_id().clone());
                    done.push(*sig_index);
                }
            }
        }
    }

    envelopes
        .iter()
        .zip(prepared)
        .zip(batch_verified)
        .map(|((env, prep), (from_batch, done))| {
            let message = prep?;
            let verified = env.verified_keys(&message, keys, from_batch, &done);
            // (the PAE, a copy of the payload, is not held beside the verified one)
            drop(message);
            env.conclude(verified, threshold)
        })
        .collect()
}

#[cfg(test)]
mod tests {

    use super::Envelope;
    use crate::{Error, Limits};

    fn envelope(signatures: &str) -> Vec<u8> {
        format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{signatures}]}}"#
        )
        .into_bytes()
    }

    fn sigs(n: usize, one: &str) -> String {
        vec![one; n].join(",")
    }

    #[test]
    fn at_the_limit_is_read_and_one_past_is_refused() {
        let limits = Limits::DEFAULT.with_max_signatures(3);
        let at = Envelope::from_slice(&envelope(&sigs(3, r#"{"sig":"AA=="}"#)), &limits).unwrap();
        assert_eq!(at.signatures().len(), 3);
        let past = Envelope::from_slice(&envelope(&sigs(4, r#"{"sig":"AA=="}"#)), &limits);
        assert!(matches!(
            past,
            Err(Error::TooManySignatures { count: 4, max: 3 })
        ));
        let message = past.unwrap_err().to_string();
        assert!(message.contains("more than the limit of 3"), "{message}");
    }

    /// Past the bound nothing more is decoded: the elements after `max + 1` are not even valid
    /// signatures (nor valid JSON), and the answer is still the limit, found quickly.
    #[test]
    fn parsing_stops_at_the_first_signature_past_the_limit() {
        let limits = Limits::DEFAULT;
        let mut doc = envelope(&sigs(17, r#"{"sig":""}"#));
        doc.truncate(doc.len() - 2);
        doc.extend_from_slice(b",{\"sig\":5},");
        doc.extend_from_slice(sigs(1_000_000, r#"{"sig":["not","a","string"]}"#).as_bytes());
        doc.extend_from_slice(b",garbage");
        assert!(matches!(
            Envelope::from_slice(&doc, &limits),
            Err(Error::TooManySignatures { count: 17, max: 16 })
        ));
    }

    #[test]
    fn a_large_count_is_refused_as_too_many() {
        let doc = envelope(&sigs(500_000, r#"{"sig":""}"#));
        assert!(matches!(
            Envelope::from_slice(&doc, &Limits::DEFAULT),
            Err(Error::TooManySignatures { count: 17, max: 16 })
        ));
        // Through serde too (Limits::DEFAULT).
        assert!(serde_json::from_slice::<Envelope>(&doc).is_err());
    }

    #[test]
    fn duplicate_keys_are_still_refused_before_other_errors() {
        // A repeated unknown key: only the whole-document walk sees it.
        let doc = br#"{"x":1,"x":2,"payloadType":"a","payload":"e30=","signatures":[{"sig":""}]}"#;
        assert!(matches!(
            Envelope::from_slice(doc, &Limits::DEFAULT),
            Err(Error::DuplicateKey { key }) if key == "x"
        ));
        // A repeated known key, and a repeated key inside a signature.
        let doc =
            br#"{"payload":"e30=","payloadType":"a","payload":"e30=","signatures":[{"sig":""}]}"#;
        assert!(matches!(
            Envelope::from_slice(doc, &Limits::DEFAULT),
            Err(Error::DuplicateKey { key }) if key == "payload"
        ));
        let doc = br#"{"payload":"e30=","payloadType":"a","signatures":[{"sig":"","sig":""}]}"#;
        assert!(matches!(
            Envelope::from_slice(doc, &Limits::DEFAULT),
            Err(Error::DuplicateKey { key }) if key == "sig"
        ));
        // Missing fields and trailing data are JSON errors.
        for doc in [
            &br#"{"payloadType":"a","signatures":[{"sig":""}]}"#[..],
            br#"{"payload":"e30=","payloadType":"a","signatures":[{"sig":""}]} {}"#,
            b"[]",
        ] {
            assert!(matches!(
                Envelope::from_slice(doc, &Limits::DEFAULT),
                Err(Error::Json(_))
            ));
        }
    }
}
