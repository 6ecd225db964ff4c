//! Validated newtypes: [`PayloadType`], [`KeyId`], [`Threshold`], and [`Limits`].

use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use crate::Error;

/// The payload type of in-toto attestations: `application/vnd.in-toto+json` (defined once, in
/// provenance-model, beside the statement and predicate type URIs).
pub use provenance_model::IN_TOTO_PAYLOAD_TYPE;

/// Longest `payloadType` accepted, in bytes.
const MAX_PAYLOAD_TYPE_BYTES: usize = 1024;
/// Longest key id accepted, in bytes.
const MAX_KEY_ID_BYTES: usize = 1024;

/// A DSSE `payloadType`: non-empty, at most 1024 bytes, no control characters.
///
/// It is authenticated (it is part of the PAE), and a verifier must check it against what it
/// expects, see [`PayloadTypePolicy`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PayloadType(String);

impl PayloadType {
    /// `application/vnd.in-toto+json`.
    pub fn in_toto() -> Self {
        Self(IN_TOTO_PAYLOAD_TYPE.to_owned())
    }

    /// The payload type as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is an in-toto payload type: `application/vnd.in-toto+json`, or the
    /// predicate-specific form `application/vnd.in-toto.<predicate>+json` of in-toto attestation
    /// v1.2 (`<predicate>`: lowercase letters, digits, `.`, `_` and `-`, as predicate spec file
    /// names are). A predicate *URI* (`https://slsa.dev/provenance/v1`) is not a payload type
    /// and is refused.
    pub fn is_in_toto(&self) -> bool {
        if self.0 == IN_TOTO_PAYLOAD_TYPE {
            return true;
        }
        let Some(name) = self
            .0
            .strip_prefix("application/vnd.in-toto.")
            .and_then(|rest| rest.strip_suffix("+json"))
        else {
            return false;
        };
        !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && name.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
    }
}

impl FromStr for PayloadType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::try_from(s.to_owned())
    }
}

impl TryFrom<String> for PayloadType {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        let reason = if s.is_empty() {
            Some("empty")
        } else if s.len() > MAX_PAYLOAD_TYPE_BYTES {
            Some("longer than 1024 bytes")
        } else if s.chars().any(char::is_control) {
            Some("contains control characters")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::InvalidPayloadType { value: s, reason }),
            None => Ok(Self(s)),
        }
    }
}

impl fmt::Display for PayloadType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PayloadType {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Which `payloadType` values a verifier accepts. Verification always takes one: a trusted key
/// that signed the wrong kind of document must not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadTypePolicy {
    /// Exactly this payload type.
    Exact(PayloadType),
    /// Any of these payload types.
    AnyOf(Vec<PayloadType>),
    /// An in-toto payload type, see [`PayloadType::is_in_toto`].
    InToto,
}

impl PayloadTypePolicy {
    /// Whether `payload_type` is accepted.
    pub fn accepts(&self, payload_type: &PayloadType) -> bool {
        match self {
            Self::Exact(expected) => expected == payload_type,
            Self::AnyOf(list) => list.contains(payload_type),
            Self::InToto => payload_type.is_in_toto(),
        }
    }
}

impl From<PayloadType> for PayloadTypePolicy {
    fn from(value: PayloadType) -> Self {
        Self::Exact(value)
    }
}

impl fmt::Display for PayloadTypePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(t) => write!(f, "\"{t}\""),
            Self::AnyOf(list) => {
                f.write_str("one of ")?;
                for (i, t) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "\"{t}\"")?;
                }
                Ok(())
            }
            Self::InToto => write!(
                f,
                "{IN_TOTO_PAYLOAD_TYPE:?} or \"application/vnd.in-toto.<predicate>+json\""
            ),
        }
    }
}

/// A key id: an opaque, non-empty string naming a key (no control characters, at most 1024
/// bytes).
///
/// In an envelope the `keyid` is only a hint that narrows which key is tried first; it never
/// decides whether a signature is valid. `provenance-keys` documents the convention it uses to
/// compute ids (hex SHA-256 of the public key's DER `SubjectPublicKeyInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    /// The key id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for KeyId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::try_from(s.to_owned())
    }
}

impl TryFrom<String> for KeyId {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        if s.is_empty() || s.len() > MAX_KEY_ID_BYTES || s.chars().any(char::is_control) {
            Err(Error::InvalidKeyId { value: s })
        } else {
            Ok(Self(s))
        }
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for KeyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// How many **distinct keys** must have verified a signature of an envelope (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Threshold(NonZeroUsize);

impl Threshold {
    /// One key suffices.
    pub const ONE: Self = Self(NonZeroUsize::MIN);

    /// A threshold of `n` keys; `None` for zero.
    pub fn new(n: usize) -> Option<Self> {
        NonZeroUsize::new(n).map(Self)
    }

    /// The number of keys.
    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Self::ONE
    }
}

/// Bounds on envelopes read from untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest envelope accepted, in bytes of JSON (default 64 MiB).
    pub max_envelope_bytes: usize,
    /// Most signatures accepted in one envelope (default 16). Every signature may be tried
    /// against every key, so this bounds the work an envelope can cause.
    pub max_signatures: usize,
}

impl Limits {
    /// The defaults: 64 MiB, 16 signatures.
    pub const DEFAULT: Self = Self {
        max_envelope_bytes: 64 << 20,
        max_signatures: 16,
    };

    /// With another bound on the envelope size.
    #[must_use]
    pub fn with_max_envelope_bytes(mut self, max: usize) -> Self {
        self.max_envelope_bytes = max;
        self
    }

    /// With another bound on the number of signatures.
    #[must_use]
    pub fn with_max_signatures(mut self, max: usize) -> Self {
        self.max_signatures = max;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_toto_payload_types() {
        for ok in [
            "application/vnd.in-toto+json",
            "application/vnd.in-toto.provenance+json",
            "application/vnd.in-toto.vsa+json",
            "application/vnd.in-toto.link.v0_3+json",
        ] {
            assert!(ok.parse::<PayloadType>().unwrap().is_in_toto(), "{ok}");
        }
        for bad in [
            "https://slsa.dev/provenance/v1",
            "https://in-toto.io/Statement/v1",
            "application/vnd.in-toto.+json",
            "application/vnd.in-toto.https://slsa.dev/provenance/v1+json",
            "application/vnd.in-toto.Provenance+json",
            "application/json",
            "application/vnd.in-toto+jsonx",
        ] {
            assert!(!bad.parse::<PayloadType>().unwrap().is_in_toto(), "{bad}");
        }
    }

    #[test]
    fn payload_type_validation() {
        assert!("".parse::<PayloadType>().is_err());
        assert!("a\nb".parse::<PayloadType>().is_err());
        assert!("x".repeat(1025).parse::<PayloadType>().is_err());
        assert!("x".repeat(1024).parse::<PayloadType>().is_ok());
    }

    #[test]
    fn policies() {
        let t = PayloadType::in_toto();
        let other: PayloadType = "http://example.com/HelloWorld".parse().unwrap();
        assert!(PayloadTypePolicy::InToto.accepts(&t));
        assert!(!PayloadTypePolicy::InToto.accepts(&other));
        assert!(PayloadTypePolicy::Exact(other.clone()).accepts(&other));
        assert!(!PayloadTypePolicy::Exact(other.clone()).accepts(&t));
        assert!(PayloadTypePolicy::AnyOf(vec![t.clone(), other.clone()]).accepts(&other));
    }

    #[test]
    fn threshold_zero_is_none() {
        assert!(Threshold::new(0).is_none());
        assert_eq!(Threshold::new(2).map(Threshold::get), Some(2));
    }
}
