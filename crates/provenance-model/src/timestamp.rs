//! RFC 3339 timestamps (`startedOn`, `timeVerified`, ...).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::error::{Error, FieldPath, Result};

/// A point in time written as an RFC 3339 string, as the in-toto
/// [Timestamp](https://github.com/in-toto/attestation/blob/main/spec/v1/field_types.md#Timestamp)
/// field type requires.
///
/// A timestamp read from a document keeps its exact text (so writing it back changes
/// nothing); one made with [`Timestamp::from_datetime`] or [`Timestamp::from_unix`] is written
/// in UTC with a `Z` suffix and no fractional seconds unless they are non-zero, which is also
/// what protobuf's JSON mapping accepts.
///
/// ```
/// use provenance_model::Timestamp;
/// let t = Timestamp::from_unix(1_700_000_000)?;
/// assert_eq!(t.as_str(), "2023-11-14T22:13:20Z");
/// assert_eq!("2023-11-14T22:13:20Z".parse::<Timestamp>()?, t);
/// assert!("2023-11-14 22:13".parse::<Timestamp>().is_err());
/// # Ok::<(), provenance_model::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Timestamp {
    text: String,
    at: OffsetDateTime,
}

impl Timestamp {
    /// Parses `text` as RFC 3339; `path` names the field for the error.
    ///
    /// # Errors
    /// [`Error::InvalidTimestamp`].
    pub fn parse_at(text: String, path: &FieldPath) -> Result<Self> {
        match OffsetDateTime::parse(&text, &Rfc3339) {
            Ok(at) => Ok(Self { text, at }),
            Err(source) => Err(Error::InvalidTimestamp {
                path: path.clone(),
                value: text,
                source,
            }),
        }
    }

    /// The time `at`, converted to UTC.
    ///
    /// # Errors
    /// [`Error::TimestampFormat`] if the year cannot be written in RFC 3339 (before 0000 or
    /// after 9999).
    pub fn from_datetime(at: OffsetDateTime) -> Result<Self> {
        let at = at.to_offset(UtcOffset::UTC);
        let text = at
            .format(&Rfc3339)
            .map_err(|source| Error::TimestampFormat { source })?;
        Ok(Self { text, at })
    }

    /// Seconds since the Unix epoch, in UTC (e.g. from `SOURCE_DATE_EPOCH`).
    ///
    /// # Errors
    /// [`Error::TimestampFormat`] when the value is outside the years 0000-9999.
    pub fn from_unix(seconds: i64) -> Result<Self> {
        let at =
            OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| Error::TimestampFormat {
                source: time::error::Format::InvalidComponent("year"),
            })?;
        Self::from_datetime(at)
    }

    /// The exact text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant.
    pub fn datetime(&self) -> OffsetDateTime {
        self.at
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.at.unix_timestamp()
    }
}

/// Equality is equality of the instant: `2024-01-01T00:00:00Z` equals
/// `2024-01-01T01:00:00+01:00`.
impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.at.hash(state);
    }
}

impl std::str::FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse_at(s.to_owned(), &FieldPath::root())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse_at(s, &FieldPath::root()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_and_compares_instants() {
        let a: Timestamp = "2024-06-12T07:24:34.351608Z".parse().unwrap();
        assert_eq!(a.as_str(), "2024-06-12T07:24:34.351608Z");
        let b: Timestamp = "2024-01-01T01:00:00+01:00".parse().unwrap();
        let c: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(b, c);
        assert!(a > c);
    }

    #[test]
    fn rejects_non_rfc3339() {
        for bad in [
            "",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "yesterday",
            "2024-13-01T00:00:00Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn emitted_in_utc() {
        let t = Timestamp::from_datetime(
            OffsetDateTime::from_unix_timestamp(0)
                .unwrap()
                .to_offset(UtcOffset::from_hms(2, 0, 0).unwrap()),
        )
        .unwrap();
        assert_eq!(t.as_str(), "1970-01-01T00:00:00Z");
    }
}
