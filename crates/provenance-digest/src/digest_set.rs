//! The in-toto `DigestSet`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Algorithm;
use crate::error::{Error, excerpt};

/// How a digest value must be spelled for a name the in-toto spec defines.
#[derive(Clone, Copy)]
enum Shape {
    /// Lowercase hex of exactly one of these lengths.
    Hex(&'static [usize]),
    /// Lowercase hex of any non-zero even length (variable-length functions).
    AnyHex,
}

/// Names defined by the in-toto `DigestSet` spec v1.1, with the shape of their values.
/// Names outside this table are kept verbatim and never validated (nor ever matched unless the
/// caller accepts them, which it cannot: `matches` only takes [`Algorithm`]s).
const KNOWN: &[(&str, Shape)] = &[
    ("sha256", Shape::Hex(&[64])),
    ("sha224", Shape::Hex(&[56])),
    ("sha384", Shape::Hex(&[96])),
    ("sha512", Shape::Hex(&[128])),
    ("sha512_224", Shape::Hex(&[56])),
    ("sha512_256", Shape::Hex(&[64])),
    ("sha3_224", Shape::Hex(&[56])),
    ("sha3_256", Shape::Hex(&[64])),
    ("sha3_384", Shape::Hex(&[96])),
    ("sha3_512", Shape::Hex(&[128])),
    ("shake128", Shape::AnyHex),
    ("shake256", Shape::AnyHex),
    ("blake2b", Shape::AnyHex),
    ("blake2s", Shape::AnyHex),
    ("ripemd160", Shape::Hex(&[40])),
    ("sm3", Shape::Hex(&[64])),
    ("gost", Shape::AnyHex),
    ("sha1", Shape::Hex(&[40])),
    ("md5", Shape::Hex(&[32])),
    ("dirHash", Shape::Hex(&[64])),
    ("gitCommit", Shape::Hex(&[40, 64])),
    ("gitTree", Shape::Hex(&[40, 64])),
    ("gitBlob", Shape::Hex(&[40, 64])),
    ("gitTag", Shape::Hex(&[40, 64])),
];

fn validate(name: &str, value: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::EmptyAlgorithmName);
    }
    let Some((_, shape)) = KNOWN.iter().find(|(known, _)| *known == name) else {
        return Ok(());
    };
    let invalid = |reason| Error::InvalidDigest {
        algorithm: name.to_owned(),
        value: excerpt(value),
        reason,
    };
    if !value
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(invalid("not lowercase hexadecimal"));
    }
    let length_ok = match shape {
        Shape::Hex(lengths) => lengths.contains(&value.len()),
        Shape::AnyHex => !value.is_empty() && value.len().is_multiple_of(2),
    };
    if length_ok {
        Ok(())
    } else {
        Err(invalid("wrong length for this algorithm"))
    }
}

/// The in-toto [DigestSet](https://github.com/in-toto/attestation/blob/main/spec/v1/digest_set.md):
/// algorithm name -> digest value.
///
/// Values of the names the spec defines (`sha256`, `sha512`, `gitBlob`, `dirHash`, `md5`, ...)
/// are validated as lowercase hex of the right length; other names are kept verbatim, so a
/// statement read and written again loses nothing. Serialized as a JSON object with sorted keys.
/// A deserialized set is never empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DigestSet {
    /// Sorted by name, names unique, no spare capacity: a set holds one or two entries, and a
    /// map's node would be several times their size (a verifier keeps one set per subject).
    entries: Vec<(String, String)>,
}

/// The outcome of [`DigestSet::matches`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestMatch {
    /// At least one accepted algorithm is present in both sets, and every accepted algorithm
    /// present in both has equal values. Lists the algorithms compared.
    Match {
        /// The accepted algorithms present in both sets (all equal).
        compared: Vec<Algorithm>,
    },
    /// Some accepted algorithm present in both sets has different values.
    Mismatch {
        /// The first accepted algorithm whose values differ.
        algorithm: Algorithm,
    },
    /// No accepted algorithm is present in both sets: nothing was compared (fail closed).
    NoCommonAlgorithm,
    /// [`DigestSet::matches_all`] only: the other set names an accepted algorithm this one has
    /// no value for, so that digest cannot be checked (fail closed).
    Missing {
        /// The first accepted algorithm missing from this set.
        algorithm: Algorithm,
    },
}

impl DigestMatch {
    /// Whether this is [`DigestMatch::Match`].
    pub fn is_match(&self) -> bool {
        matches!(self, Self::Match { .. })
    }
}

impl DigestSet {
    /// An empty set, to fill with [`DigestSet::insert`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A set holding one digest of a known algorithm.
    ///
    /// # Errors
    /// [`Error::InvalidDigest`] when `value` is not lowercase hex of the right length.
    pub fn single(algorithm: Algorithm, value: &str) -> Result<Self, Error> {
        let mut set = Self::new();
        set.insert(algorithm.name(), value)?;
        Ok(set)
    }

    /// Parses `ALGORITHM:VALUE` (e.g. `sha256:e3b0...`), the form used on command lines and in
    /// OCI references. The algorithm name is the exact in-toto name.
    ///
    /// # Errors
    /// [`Error::MissingAlgorithmPrefix`] without a colon; [`Error::InvalidDigest`] for a bad value
    /// of a known algorithm.
    pub fn parse_prefixed(reference: &str) -> Result<Self, Error> {
        let (name, value) =
            reference
                .split_once(':')
                .ok_or_else(|| Error::MissingAlgorithmPrefix {
                    value: excerpt(reference),
                })?;
        let mut set = Self::new();
        set.insert(name, value)?;
        Ok(set)
    }

    /// Adds or replaces one entry. Values of names the in-toto spec defines are validated; other
    /// names are kept verbatim.
    ///
    /// # Errors
    /// [`Error::EmptyAlgorithmName`] or [`Error::InvalidDigest`].
    pub fn insert(&mut self, name: &str, value: &str) -> Result<(), Error> {
        validate(name, value)?;
        match self.position(name) {
            Ok(i) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    value.clone_into(&mut entry.1);
                }
            }
            Err(i) => {
                self.entries.reserve_exact(1);
                self.entries.insert(i, (name.to_owned(), value.to_owned()));
            }
        }
        Ok(())
    }

    /// Where `name` is (`Ok`), or would be inserted (`Err`).
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// The value stored under an in-toto name (known or not).
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.position(name).ok()?;
        self.entries.get(i).map(|(_, v)| v.as_str())
    }

    /// The value of a known algorithm.
    pub fn get_algorithm(&self, algorithm: Algorithm) -> Option<&str> {
        self.get(algorithm.name())
    }

    /// All entries, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The algorithms of this set that this crate knows, sorted.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        let mut found: Vec<Algorithm> = self
            .entries
            .iter()
            .filter_map(|(k, _)| k.parse().ok())
            .collect();
        found.sort();
        found
    }

    /// Number of entries (known and unknown names).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Compares `self` (e.g. the digests of an artifact) with `other` (e.g. a subject's digests),
    /// looking only at the algorithms in `accepted`: names outside `accepted` (md5, sha1, unknown
    /// names...) are never compared, so they can neither make nor break a match.
    ///
    /// `gitBlob` values of different lengths (SHA-1 vs SHA-256 object form) are different
    /// functions and are not compared with each other.
    pub fn matches(&self, other: &Self, accepted: &[Algorithm]) -> DigestMatch {
        let mut compared = Vec::new();
        let mut accepted: Vec<Algorithm> = accepted.to_vec();
        accepted.sort();
        accepted.dedup();
        for algorithm in accepted {
            let (Some(mine), Some(theirs)) = (
                self.get_algorithm(algorithm),
                other.get_algorithm(algorithm),
            ) else {
                continue;
            };
            if mine.len() != theirs.len() && algorithm == Algorithm::GitBlob {
                continue;
            }
            if mine != theirs {
                return DigestMatch::Mismatch { algorithm };
            }
            compared.push(algorithm);
        }
        if compared.is_empty() {
            DigestMatch::NoCommonAlgorithm
        } else {
            DigestMatch::Match { compared }
        }
    }
}

impl DigestSet {
    /// Compares `self` (the digests computed from an artifact's content) with `subject` (e.g.
    /// an in-toto subject's digests), strictly: **every** algorithm of `accepted` that `subject`
    /// names must be present in `self` with the same value. A subject listing
    /// `{sha256: right, sha512: wrong}` is a [`DigestMatch::Mismatch`]; one listing a `sha512`
    /// that `self` lacks is [`DigestMatch::Missing`]. Names outside `accepted` are ignored, and
    /// a subject naming no accepted algorithm is [`DigestMatch::NoCommonAlgorithm`].
    ///
    /// Use [`DigestSet::matches`] when `self` is a digest someone gave (it is compared on the
    /// algorithms it has), this one when `self` was computed with every algorithm the subjects
    /// name.
    pub fn matches_all(&self, subject: &Self, accepted: &[Algorithm]) -> DigestMatch {
        let mut accepted: Vec<Algorithm> = accepted.to_vec();
        accepted.sort();
        accepted.dedup();
        let mut compared = Vec::new();
        let mut missing = None;
        for algorithm in accepted {
            let Some(theirs) = subject.get_algorithm(algorithm) else {
                continue;
            };
            let Some(mine) = self
                .get_algorithm(algorithm)
                .filter(|mine| algorithm != Algorithm::GitBlob || mine.len() == theirs.len())
            else {
                missing.get_or_insert(algorithm);
                continue;
            };
            if mine != theirs {
                return DigestMatch::Mismatch { algorithm };
            }
            compared.push(algorithm);
        }
        match missing {
            Some(algorithm) => DigestMatch::Missing { algorithm },
            None if compared.is_empty() => DigestMatch::NoCommonAlgorithm,
            None => DigestMatch::Match { compared },
        }
    }
}

impl TryFrom<BTreeMap<String, String>> for DigestSet {
    type Error = Error;

    /// Validates every entry and refuses an empty map.
    fn try_from(entries: BTreeMap<String, String>) -> Result<Self, Error> {
        if entries.is_empty() {
            return Err(Error::EmptyDigestSet);
        }
        for (name, value) in &entries {
            validate(name, value)?;
        }
        // A map iterates sorted by name, names unique.
        Ok(Self {
            entries: entries.into_iter().collect(),
        })
    }
}

impl FromStr for DigestSet {
    type Err = Error;

    /// Same as [`DigestSet::parse_prefixed`].
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse_prefixed(s)
    }
}

impl fmt::Display for DigestSet {
    /// `name:value` pairs separated by commas, sorted by name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{name}:{value}")?;
        }
        Ok(())
    }
}

/// The entries of a [`DigestSet`], sorted by name.
#[derive(Debug, Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, String)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a String);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a> IntoIterator for &'a DigestSet {
    type Item = (&'a String, &'a String);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        Iter(self.entries.iter())
    }
}

impl Serialize for DigestSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for DigestSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<String, String>::deserialize(deserializer)?;
        Self::try_from(entries).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E3: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn serde_keeps_unknown_and_sorts() {
        let json = format!(r#"{{"zz":"Anything Goes","sha256":"{E3}"}}"#);
        let set: DigestSet = serde_json::from_str(&json).unwrap();
        assert_eq!(set.get("zz"), Some("Anything Goes"));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            format!(r#"{{"sha256":"{E3}","zz":"Anything Goes"}}"#)
        );
    }

    #[test]
    fn serde_rejects_bad_known_values_and_empty() {
        let upper = E3.to_uppercase();
        assert!(serde_json::from_str::<DigestSet>(&format!(r#"{{"sha256":"{upper}"}}"#)).is_err());
        assert!(serde_json::from_str::<DigestSet>(r#"{"sha256":"abcd"}"#).is_err());
        assert!(serde_json::from_str::<DigestSet>(r#"{"md5":"xyz"}"#).is_err());
        assert!(serde_json::from_str::<DigestSet>("{}").is_err());
        assert!(serde_json::from_str::<DigestSet>(r#"{"":"ab"}"#).is_err());
        // duplicate keys: the last would win silently in a map; serde_json's BTreeMap keeps the last.
    }

    #[test]
    fn matches_only_accepted() {
        let artifact = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        let mut subject = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        assert!(artifact.matches(&subject, &[Algorithm::Sha256]).is_match());
        assert_eq!(
            artifact.matches(&subject, &[Algorithm::Sha512]),
            DigestMatch::NoCommonAlgorithm
        );
        subject.insert("sha1", &"0".repeat(40)).unwrap();
        let sha1_only = DigestSet::single(Algorithm::Sha1, &"0".repeat(40)).unwrap();
        assert_eq!(
            sha1_only.matches(&subject, &[Algorithm::Sha256]),
            DigestMatch::NoCommonAlgorithm
        );
        let other = DigestSet::single(Algorithm::Sha256, &"1".repeat(64)).unwrap();
        assert_eq!(
            other.matches(&subject, &[Algorithm::Sha256]),
            DigestMatch::Mismatch {
                algorithm: Algorithm::Sha256
            }
        );
    }

    #[test]
    fn any_accepted_mismatch_fails() {
        let mut a = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        a.insert("sha512", &"a".repeat(128)).unwrap();
        let mut b = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        b.insert("sha512", &"b".repeat(128)).unwrap();
        assert_eq!(
            a.matches(&b, &[Algorithm::Sha256, Algorithm::Sha512]),
            DigestMatch::Mismatch {
                algorithm: Algorithm::Sha512
            }
        );
    }

    #[test]
    fn matches_all_needs_every_accepted_subject_digest() {
        let both = [Algorithm::Sha256, Algorithm::Sha512];
        let right512 = "a".repeat(128);
        let mut computed = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        computed.insert("sha512", &right512).unwrap();
        // {sha256: right, sha512: wrong}: no match, whatever order the algorithms come in.
        let mut subject = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        subject.insert("sha512", &"b".repeat(128)).unwrap();
        assert_eq!(
            computed.matches_all(&subject, &both),
            DigestMatch::Mismatch {
                algorithm: Algorithm::Sha512
            }
        );
        // {sha256: wrong, sha512: right}: no match either.
        let mut subject = DigestSet::single(Algorithm::Sha256, &"1".repeat(64)).unwrap();
        subject.insert("sha512", &right512).unwrap();
        assert_eq!(
            computed.matches_all(&subject, &both),
            DigestMatch::Mismatch {
                algorithm: Algorithm::Sha256
            }
        );
        // Both right: a match on both.
        let mut subject = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        subject.insert("sha512", &right512).unwrap();
        subject.insert("md5", &"0".repeat(32)).unwrap();
        assert_eq!(
            computed.matches_all(&subject, &both),
            DigestMatch::Match {
                compared: both.to_vec()
            }
        );
        // The subject names an accepted algorithm we did not compute: fail closed.
        let sha256_only = DigestSet::single(Algorithm::Sha256, E3).unwrap();
        assert_eq!(
            sha256_only.matches_all(&subject, &both),
            DigestMatch::Missing {
                algorithm: Algorithm::Sha512
            }
        );
        // The lenient comparison accepts it (a digest given on its own algorithm).
        assert!(sha256_only.matches(&subject, &both).is_match());
        // Only unaccepted names in the subject: nothing to compare.
        let md5_only = DigestSet::single(Algorithm::Sha1, &"0".repeat(40)).unwrap();
        assert_eq!(
            computed.matches_all(&md5_only, &both),
            DigestMatch::NoCommonAlgorithm
        );
    }

    #[test]
    fn git_blob_forms_are_not_compared_across() {
        let a = DigestSet::single(Algorithm::GitBlob, &"a".repeat(40)).unwrap();
        let b = DigestSet::single(Algorithm::GitBlob, &"b".repeat(64)).unwrap();
        assert_eq!(
            a.matches(&b, &[Algorithm::GitBlob]),
            DigestMatch::NoCommonAlgorithm
        );
    }

    #[test]
    fn prefixed() {
        let set: DigestSet = format!("sha256:{E3}").parse().unwrap();
        assert_eq!(set.get_algorithm(Algorithm::Sha256), Some(E3));
        assert!("sha256".parse::<DigestSet>().is_err());
        assert_eq!(set.to_string(), format!("sha256:{E3}"));
    }
}
