//! Content digests as the OCI image spec writes them: `algorithm:hex`.
//!
//! <https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests>

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256, Sha512};

use crate::Error;

/// A digest algorithm registered by the OCI image spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `sha256`, 64 lower-case hex characters (the default everywhere).
    Sha256,
    /// `sha512`, 128 lower-case hex characters.
    Sha512,
}

impl Algorithm {
    /// The name used before the `:`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Self::Sha256 => 64,
            Self::Sha512 => 128,
        }
    }
}

/// A validated content digest (`sha256:<64 hex>` or `sha512:<128 hex>`), lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OciDigest {
    algorithm: Algorithm,
    hex: String,
}

impl OciDigest {
    /// The SHA-256 digest of `bytes`.
    pub fn sha256_of(bytes: &[u8]) -> Self {
        Self {
            algorithm: Algorithm::Sha256,
            hex: hex::encode(Sha256::digest(bytes)),
        }
    }

    /// The digest of `bytes` with this digest's algorithm.
    #[must_use]
    pub fn compute_like(&self, bytes: &[u8]) -> Self {
        let hex = match self.algorithm {
            Algorithm::Sha256 => hex::encode(Sha256::digest(bytes)),
            Algorithm::Sha512 => hex::encode(Sha512::digest(bytes)),
        };
        Self {
            algorithm: self.algorithm,
            hex,
        }
    }

    /// Check that `bytes` hash to this digest.
    ///
    /// # Errors
    /// [`Error::DigestMismatch`] naming `what`, the expected and the actual digest.
    pub fn verify(&self, what: &str, bytes: &[u8]) -> Result<(), Error> {
        let actual = self.compute_like(bytes);
        if actual == *self {
            Ok(())
        } else {
            Err(Error::DigestMismatch {
                what: what.to_owned(),
                expected: self.to_string(),
                actual: actual.to_string(),
            })
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The lower-case hex encoding of the digest value.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The tag the referrers tag schema uses for this digest: `<alg>-<hex>`, the hex cut to
    /// its first 64 characters as the schema says (`sha256-<hex>`; a `sha512` digest's whole
    /// hex would make a tag longer than the 128 characters a tag may have). A tag so cut names
    /// a digest only in part: what it lists must still name the whole digest as its subject.
    ///
    /// <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema>
    pub fn referrers_tag(&self) -> String {
        let hex = self.hex.get(..64).unwrap_or(&self.hex);
        format!("{}-{hex}", self.algorithm.name())
    }
}

impl fmt::Display for OciDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

impl FromStr for OciDigest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::InvalidDigest {
            input: s.chars().take(200).collect(),
            reason: reason.to_owned(),
        };
        let (alg, hex) = s
            .split_once(':')
            .ok_or_else(|| bad("expected `algorithm:hex`"))?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return Err(bad("unsupported algorithm (sha256 and sha512 are)")),
        };
        if hex.len() != algorithm.hex_len() {
            return Err(bad("wrong length for the algorithm"));
        }
        if !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad("not lower-case hex"));
        }
        Ok(Self {
            algorithm,
            hex: hex.to_owned(),
        })
    }
}

impl serde::Serialize for OciDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for OciDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_sha256() {
        let d: OciDigest =
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
                .parse()
                .unwrap();
        assert_eq!(d.algorithm(), Algorithm::Sha256);
        assert_eq!(
            d.referrers_tag(),
            "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        // the empty JSON object `{}` that OCI artifacts use as config
        assert_eq!(OciDigest::sha256_of(b"{}"), d);
        d.verify("config", b"{}").unwrap();
    }

    #[test]
    fn rejects_bad_digests_with_reason() {
        for (input, reason) in [
            ("sha256", "expected `algorithm:hex`"),
            (
                "md5:d41d8cd98f00b204e9800998ecf8427e",
                "unsupported algorithm",
            ),
            ("sha256:abc", "wrong length"),
            (
                "sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A",
                "not lower-case hex",
            ),
        ] {
            let err = input.parse::<OciDigest>().unwrap_err().to_string();
            assert!(err.contains(reason), "{input}: {err}");
        }
    }

    #[test]
    fn a_sha512_referrers_tag_is_cut_to_a_valid_tag() {
        let d: OciDigest = format!("sha512:{}{}", "ab".repeat(32), "cd".repeat(32))
            .parse()
            .unwrap();
        let tag = d.referrers_tag();
        assert_eq!(tag, format!("sha512-{}", "ab".repeat(32)));
        tag.parse::<crate::Tag>().unwrap();
        // cosign's `.att` tag stays a valid tag too
        crate::cosign::att_tag(&d).parse::<crate::Tag>().unwrap();
    }

    #[test]
    fn verify_names_both_digests_on_mismatch() {
        let d = OciDigest::sha256_of(b"a");
        match d.verify("manifest", b"b").unwrap_err() {
            Error::DigestMismatch {
                what,
                expected,
                actual,
            } => {
                assert_eq!(what, "manifest");
                assert_eq!(expected, d.to_string());
                assert_eq!(actual, OciDigest::sha256_of(b"b").to_string());
            }
            other => panic!("unexpected {other}"),
        }
    }
}
