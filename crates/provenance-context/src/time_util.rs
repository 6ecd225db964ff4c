//! Timestamps: `SOURCE_DATE_EPOCH`, CI start times, RFC 3339 formatting.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::env::EnvSource;
use crate::error::{Error, Result};

/// `SOURCE_DATE_EPOCH` (<https://reproducible-builds.org/specs/source-date-epoch/>), if set.
pub(crate) fn source_date_epoch(env: &dyn EnvSource) -> Result<Option<OffsetDateTime>> {
    let Some(value) = env.var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    if value.is_empty() {
        // The specification: an empty value is the same as unset.
        return Ok(None);
    }
    let invalid = || Error::InvalidSourceDateEpoch {
        value: value.clone(),
    };
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let seconds: i64 = value.parse().map_err(|_| invalid())?;
    OffsetDateTime::from_unix_timestamp(seconds)
        .map(Some)
        .map_err(|_| invalid())
}

/// Parses an RFC 3339 timestamp published by a CI (`CI_JOB_STARTED_AT`); `None` when malformed.
pub(crate) fn parse_ci_time(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).ok()
}

/// RFC 3339 in UTC with whole seconds (`2024-05-01T12:00:00Z`), as protobuf `Timestamp` JSON
/// accepts it.
#[cfg(test)]
fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_else(|_| {
        // Years outside 0..=9999 cannot be written in RFC 3339; clamp to the Unix epoch.
        String::from("1970-01-01T00:00:00Z")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MapEnv;

    #[test]
    fn source_date_epoch_parsing() {
        let env = MapEnv::new().with("SOURCE_DATE_EPOCH", "1700000000");
        let t = source_date_epoch(&env).unwrap().unwrap();
        assert_eq!(format_timestamp(t), "2023-11-14T22:13:20Z");
        assert_eq!(source_date_epoch(&MapEnv::new()).unwrap(), None);
        assert_eq!(
            source_date_epoch(&MapEnv::new().with("SOURCE_DATE_EPOCH", "")).unwrap(),
            None
        );
        for bad in ["-1", "1.5", "abc", " 12", "99999999999999999999"] {
            let env = MapEnv::new().with("SOURCE_DATE_EPOCH", bad);
            assert!(
                matches!(
                    source_date_epoch(&env),
                    Err(Error::InvalidSourceDateEpoch { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn ci_time_is_normalised_to_utc_seconds() {
        let t = parse_ci_time("2024-05-01T14:00:00.123+02:00").unwrap();
        assert_eq!(format_timestamp(t), "2024-05-01T12:00:00Z");
        assert!(parse_ci_time("yesterday").is_none());
    }
}
