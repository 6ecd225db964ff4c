//! `TypeUri`: the identifiers a verifier compares (`predicateType`, `buildType`, builder id).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, FieldPath, Result};

/// An in-toto [TypeURI](https://github.com/in-toto/attestation/blob/main/spec/v1/field_types.md#TypeURI):
/// the identifier of a schema or of a trusted party, compared for exact equality.
///
/// Validation is deliberately minimal, as in the in-toto reference implementations: the value
/// must be non-empty and contain no whitespace or control characters (the reference test
/// vectors use bare words such as `thePredicate`). Comparison is byte-for-byte: no case
/// folding, no trailing-slash or version normalisation (`https://slsa.dev/provenance/v1.0` is
/// not `https://slsa.dev/provenance/v1`).
///
/// ```
/// use provenance_model::TypeUri;
/// let t: TypeUri = "https://slsa.dev/provenance/v1".parse()?;
/// assert_eq!(t, provenance_model::SLSA_PROVENANCE_V1);
/// assert!("has space".parse::<TypeUri>().is_err());
/// # Ok::<(), provenance_model::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeUri(String);

impl TypeUri {
    /// Validates `value` as the content of the field at `path` (for the error message).
    ///
    /// # Errors
    /// [`Error::InvalidTypeUri`] (or [`Error::Empty`] for an empty string).
    pub fn new_at(value: String, path: &FieldPath) -> Result<Self> {
        if value.is_empty() {
            return Err(Error::Empty { path: path.clone() });
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::InvalidTypeUri {
                path: path.clone(),
                value,
            });
        }
        Ok(Self(value))
    }

    /// The URI as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URI as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl FromStr for TypeUri {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new_at(s.to_owned(), &FieldPath::root())
    }
}

impl TryFrom<String> for TypeUri {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::new_at(s, &FieldPath::root())
    }
}

impl TryFrom<&str> for TypeUri {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        s.parse()
    }
}

impl AsRef<str> for TypeUri {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TypeUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for TypeUri {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for TypeUri {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for TypeUri {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TypeUri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::try_from(s).map_err(serde::de::Error::custom)
    }
}
