//! The digest algorithms this crate computes, with their in-toto names.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, excerpt};

/// A digest algorithm this crate can compute, named as in the in-toto
/// [DigestSet](https://github.com/in-toto/attestation/blob/main/spec/v1/digest_set.md) spec.
///
/// `GitBlob` is the SHA-1 object form of a git blob (what `git hash-object` prints in a SHA-1
/// repository); the SHA-256 object form is available through [`crate::git_blob`].
/// `DirHash` is the Go module directory hash `Hash1` of a tree, in lowercase hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// SHA-1 (`sha1`). Not collision resistant: never accept it alone for verification.
    Sha1,
    /// SHA-224 (`sha224`).
    Sha224,
    /// SHA-256 (`sha256`).
    Sha256,
    /// SHA-384 (`sha384`).
    Sha384,
    /// SHA-512 (`sha512`).
    Sha512,
    /// SHA-512/224 (`sha512_224`).
    Sha512_224,
    /// SHA-512/256 (`sha512_256`).
    Sha512_256,
    /// Git blob object id, SHA-1 object form (`gitBlob`).
    GitBlob,
    /// Go module dirhash `Hash1` of a directory tree, lowercase hex (`dirHash`).
    DirHash,
}

impl Algorithm {
    /// Every algorithm, in a fixed order.
    pub const ALL: [Self; 9] = [
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
        Self::Sha512_224,
        Self::Sha512_256,
        Self::GitBlob,
        Self::DirHash,
    ];

    /// The in-toto `DigestSet` key (`"sha256"`, `"gitBlob"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
            Self::Sha512_224 => "sha512_224",
            Self::Sha512_256 => "sha512_256",
            Self::GitBlob => "gitBlob",
            Self::DirHash => "dirHash",
        }
    }

    /// The tag used by coreutils `--tag` output (`SHA256`, `SHA512`, ...); for algorithms that
    /// coreutils does not know, the in-toto name.
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha224 => "SHA224",
            Self::Sha256 => "SHA256",
            Self::Sha384 => "SHA384",
            Self::Sha512 => "SHA512",
            Self::Sha512_224 => "SHA512_224",
            Self::Sha512_256 => "SHA512_256",
            Self::GitBlob => "gitBlob",
            Self::DirHash => "dirHash",
        }
    }

    /// Length of the digest in lowercase hex characters. `GitBlob` gives the SHA-1 form (40);
    /// a `gitBlob` value of 64 characters (SHA-256 form) is also valid in a [`crate::DigestSet`].
    pub const fn hex_len(self) -> usize {
        match self {
            Self::Sha1 | Self::GitBlob => 40,
            Self::Sha224 | Self::Sha512_224 => 56,
            Self::Sha256 | Self::Sha512_256 | Self::DirHash => 64,
            Self::Sha384 => 96,
            Self::Sha512 => 128,
        }
    }

    /// Parses a name case-insensitively, also accepting the coreutils/OpenSSL spellings
    /// (`SHA256`, `sha-256`, `SHA2-256`, `sha512-256`). Use [`FromStr`] for the exact in-toto name.
    ///
    /// # Errors
    /// [`Error::UnknownAlgorithm`] when nothing matches.
    pub fn parse_lenient(name: &str) -> Result<Self, Error> {
        let folded: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_' && *c != '/')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let folded = folded
            .strip_prefix("sha2")
            .filter(|rest| rest.len() == 3)
            .map_or(folded.as_str(), |rest| rest);
        let found = match folded {
            "sha1" => Self::Sha1,
            "sha224" | "224" => Self::Sha224,
            "sha256" | "256" => Self::Sha256,
            "sha384" | "384" => Self::Sha384,
            "sha512" | "512" => Self::Sha512,
            "sha512224" => Self::Sha512_224,
            "sha512256" => Self::Sha512_256,
            "gitblob" => Self::GitBlob,
            "dirhash" | "dirhash1" => Self::DirHash,
            _ => {
                return Err(Error::UnknownAlgorithm {
                    name: excerpt(name),
                });
            }
        };
        Ok(found)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Parses the exact in-toto name (`sha256`, `gitBlob`, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| Error::UnknownAlgorithm { name: excerpt(s) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Algorithm::ALL {
            assert_eq!(a.name().parse::<Algorithm>().unwrap(), a);
            assert_eq!(Algorithm::parse_lenient(a.name()).unwrap(), a);
        }
    }

    #[test]
    fn lenient_spellings() {
        assert_eq!(
            Algorithm::parse_lenient("SHA2-256").unwrap(),
            Algorithm::Sha256
        );
        assert_eq!(
            Algorithm::parse_lenient("sha-512").unwrap(),
            Algorithm::Sha512
        );
        assert_eq!(
            Algorithm::parse_lenient("SHA512/256").unwrap(),
            Algorithm::Sha512_256
        );
        assert!(Algorithm::parse_lenient("md5").is_err());
        assert!("SHA256".parse::<Algorithm>().is_err());
    }
}
