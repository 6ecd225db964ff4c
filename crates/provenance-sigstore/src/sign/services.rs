//! Which Fulcio and Rekor to use: Sigstore's public-good instance, a `signing_config.json`
//! (`SigningConfig` v0.2, or a `ClientTrustConfig` holding one), or explicit URLs.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::trust::WireValidity;

/// Sigstore's public-good Fulcio.
pub const PUBLIC_GOOD_FULCIO_URL: &str = "https://fulcio.sigstore.dev";
/// Sigstore's public-good Rekor (v1 API).
pub const PUBLIC_GOOD_REKOR_URL: &str = "https://rekor.sigstore.dev";

/// Largest signing config read.
const MAX_CONFIG_BYTES: usize = 1 << 20;

/// Which Rekor API a log speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RekorVersion {
    /// Rekor v1 (`/api/v1/log/entries`): entries with an integrated time and a SET.
    #[default]
    V1,
    /// Rekor v2 (`/api/v2/log/entries`, rekor-tiles): `hashedrekord` 0.0.2 entries with an
    /// inclusion proof only; the signing time comes from a TSA, which is then required.
    V2,
}

/// The services a keyless signature needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Services {
    fulcio_url: String,
    rekor_url: String,
    rekor_version: RekorVersion,
    tsa_url: Option<String>,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidSigningConfig(reason.into())
}

fn check_url(what: &str, url: &str) -> Result<String> {
    let url = url.trim_end_matches('/');
    let (plain, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (false, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (true, rest)
    } else {
        return Err(invalid(format!("{what} URL {url:?} is not http(s)")));
    };
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(format!(
            "{what} URL {url:?} has no host or bad characters"
        )));
    }
    // the identity token and the signature would travel in clear text: loopback only
    if plain && !is_loopback(rest) {
        return Err(invalid(format!(
            "{what} URL {url:?} is plain http to a host that is not loopback; use https"
        )));
    }
    Ok(url.to_owned())
}

/// Whether the authority of `rest` (`host[:port]/...`) is 127.0.0.0/8, `localhost` or `[::1]`.
pub(crate) fn is_loopback(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireService {
    url: String,
    #[serde(default)]
    major_api_version: u32,
    #[serde(default)]
    valid_for: Option<WireValidity>,
    /// Who runs it: a selector counts one service per operator (sigstore-go's `SelectServices`).
    #[serde(default)]
    operator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSigningConfig {
    media_type: String,
    #[serde(default)]
    ca_urls: Vec<WireService>,
    #[serde(default)]
    rekor_tlog_urls: Vec<WireService>,
    #[serde(default)]
    tsa_urls: Vec<WireService>,
    #[serde(default)]
    rekor_tlog_config: Option<WireServiceConfig>,
    #[serde(default)]
    tsa_config: Option<WireServiceConfig>,
}

/// `ServiceConfiguration`: how many of the listed services to use. The selector is an enum
/// name or, as protobuf JSON allows, its number.
#[derive(Deserialize)]
struct WireServiceConfig {
    #[serde(default)]
    selector: Option<serde_json::Value>,
    #[serde(default)]
    count: Option<u32>,
}

/// Refuses a `ServiceConfiguration` that asks for more than the one service signing uses
/// (`ALL` of several valid services, `EXACT` with a count above 1): the bundle would carry
/// fewer log entries or timestamps than the config's owner asks verifiers to require.
/// `ANY` (the public-good instance's), `EXACT` 1 and no config ask for one.
fn check_one_service(field: &str, config: Option<&WireServiceConfig>, valid: usize) -> Result<()> {
    let Some(config) = config else {
        return Ok(());
    };
    let selector = match &config.selector {
        None => "SERVICE_SELECTOR_UNDEFINED",
        Some(serde_json::Value::String(s)) => s.as_str(),
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(0) => "SERVICE_SELECTOR_UNDEFINED",
            Some(1) => "ALL",
            Some(2) => "ANY",
            Some(3) => "EXACT",
            _ => return Err(invalid(format!("{field}.selector {n} is not a selector"))),
        },
        Some(other) => {
            return Err(invalid(format!(
                "{field}.selector {other} is not a selector"
            )));
        }
    };
    let wanted = match selector {
        "ANY" | "SERVICE_SELECTOR_UNDEFINED" => 1,
        "ALL" => valid,
        "EXACT" => usize::try_from(config.count.unwrap_or(0)).unwrap_or(usize::MAX),
        other => {
            return Err(invalid(format!(
                "{field}.selector {other:?} is not a selector"
            )));
        }
    };
    if wanted > 1 {
        return Err(invalid(format!(
            "{field} asks for {wanted} services (selector {selector}); keyless signing uses one \
             (selector ANY)"
        )));
    }
    Ok(())
}

impl Services {
    /// Sigstore's public-good Fulcio and Rekor.
    pub fn public_good() -> Self {
        Self {
            fulcio_url: PUBLIC_GOOD_FULCIO_URL.to_owned(),
            rekor_url: PUBLIC_GOOD_REKOR_URL.to_owned(),
            rekor_version: RekorVersion::V1,
            tsa_url: None,
        }
    }

    /// Explicit service URLs.
    ///
    /// # Errors
    /// [`Error::InvalidSigningConfig`] for a URL that is not http(s).
    pub fn new(fulcio_url: &str, rekor_url: &str) -> Result<Self> {
        Ok(Self {
            fulcio_url: check_url("Fulcio", fulcio_url)?,
            rekor_url: check_url("Rekor", rekor_url)?,
            rekor_version: RekorVersion::V1,
            tsa_url: None,
        })
    }

    /// Reads a `SigningConfig` v0.2 (`application/vnd.dev.sigstore.signingconfig.v0.2+json`)
    /// or a `ClientTrustConfig` holding one, and picks the Fulcio (`caUrls`) and the Rekor
    /// (`rekorTlogUrls`) valid at `now` (Unix seconds) that started most recently, as
    /// sigstore-go's `SigningConfig` selection does; likewise a TSA (`tsaUrls`,
    /// `majorApiVersion` 1) when the config lists one. A Rekor v2 (`majorApiVersion` 2) is
    /// preferred, as sigstore-python prefers the newest API it speaks, when a TSA is listed
    /// too (a v2 entry carries no signing time); else a Rekor v1.
    ///
    /// # Errors
    /// [`Error::InvalidSigningConfig`] naming the field: unknown media type, no valid service.
    pub fn from_signing_config_json(bytes: &[u8], now: i64) -> Result<Self> {
        if bytes.len() > MAX_CONFIG_BYTES {
            return Err(invalid(format!("larger than {MAX_CONFIG_BYTES} bytes")));
        }
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let config = match value.get("signingConfig") {
            Some(inner) => inner.clone(),
            None => value,
        };
        let config: WireSigningConfig = serde_json::from_value(config)
            .map_err(|e| invalid(format!("not a SigningConfig: {e}")))?;
        if config.media_type != "application/vnd.dev.sigstore.signingconfig.v0.2+json" {
            return Err(invalid(format!(
                "mediaType {:?} (only SigningConfig v0.2 is read)",
                config.media_type
            )));
        }
        let fulcio = pick("caUrls", &config.ca_urls, 1, now)?;
        let tsa = if config.tsa_urls.is_empty() {
            None
        } else {
            check_one_service(
                "tsaConfig",
                config.tsa_config.as_ref(),
                valid_now("tsaUrls", &config.tsa_urls, 1, now)?,
            )?;
            Some(pick("tsaUrls", &config.tsa_urls, 1, now)?)
        };
        let v2 = match tsa {
            Some(_) => pick("rekorTlogUrls", &config.rekor_tlog_urls, 2, now).ok(),
            None => None,
        };
        check_one_service(
            "rekorTlogConfig",
            config.rekor_tlog_config.as_ref(),
            valid_now(
                "rekorTlogUrls",
                &config.rekor_tlog_urls,
                if v2.is_some() { 2 } else { 1 },
                now,
            )?,
        )?;
        let mut services = match v2 {
            Some(url) => Self::new(&fulcio, PUBLIC_GOOD_REKOR_URL)?.with_rekor_v2_url(&url)?,
            None => Self::new(
                &fulcio,
                &pick("rekorTlogUrls", &config.rekor_tlog_urls, 1, now)?,
            )?,
        };
        if let Some(url) = tsa {
            services = services.with_tsa_url(&url)?;
        }
        Ok(services)
    }

    /// Logs in this Rekor v2 instead (its base URL); signing then needs a TSA.
    ///
    /// # Errors
    /// As for [`Services::new`].
    pub fn with_rekor_v2_url(mut self, url: &str) -> Result<Self> {
        self.rekor_url = check_url("Rekor", url)?;
        self.rekor_version = RekorVersion::V2;
        Ok(self)
    }

    /// The Rekor API version of [`Services::rekor_url`].
    pub fn rekor_version(&self) -> RekorVersion {
        self.rekor_version
    }

    /// Also timestamps every signature with this RFC 3161 TSA (its full URL, such as
    /// `https://timestamp.sigstore.dev/api/v1/timestamp`).
    ///
    /// # Errors
    /// As for [`Services::new`].
    pub fn with_tsa_url(mut self, url: &str) -> Result<Self> {
        self.tsa_url = Some(check_url("TSA", url)?);
        Ok(self)
    }

    /// The TSA URL, if any.
    pub fn tsa_url(&self) -> Option<&str> {
        self.tsa_url.as_deref()
    }

    /// Replaces the Fulcio URL.
    ///
    /// # Errors
    /// As for [`Services::new`].
    pub fn with_fulcio_url(mut self, url: &str) -> Result<Self> {
        self.fulcio_url = check_url("Fulcio", url)?;
        Ok(self)
    }

    /// Replaces the Rekor with this Rekor v1.
    ///
    /// # Errors
    /// As for [`Services::new`].
    pub fn with_rekor_url(mut self, url: &str) -> Result<Self> {
        self.rekor_url = check_url("Rekor", url)?;
        self.rekor_version = RekorVersion::V1;
        Ok(self)
    }

    /// The Fulcio base URL.
    pub fn fulcio_url(&self) -> &str {
        &self.fulcio_url
    }

    /// The Rekor base URL.
    pub fn rekor_url(&self) -> &str {
        &self.rekor_url
    }
}

/// The services of API `major` valid at `now`, each with the start of its validity.
fn valid_at<'a>(
    field: &str,
    services: &'a [WireService],
    major: u32,
    now: i64,
) -> Result<Vec<(i64, &'a WireService)>> {
    let mut valid = Vec::new();
    for s in services.iter().filter(|s| s.major_api_version == major) {
        let start = match s.valid_for.as_ref().and_then(|v| v.start.as_deref()) {
            Some(t) => {
                crate::trust::parse_rfc3339(t).map_err(|e| invalid(format!("{field}: {e}")))?
            }
            None => i64::MIN,
        };
        let end = match s.valid_for.as_ref().and_then(|v| v.end.as_deref()) {
            Some(t) => {
                crate::trust::parse_rfc3339(t).map_err(|e| invalid(format!("{field}: {e}")))?
            }
            None => i64::MAX,
        };
        if start <= now && now < end {
            valid.push((start, s));
        }
    }
    Ok(valid)
}

/// How many services of API `major` valid at `now` a selector chooses from: one per operator, as
/// sigstore-go's `SelectServices` takes the newest of each operator's.
fn valid_now(field: &str, services: &[WireService], major: u32, now: i64) -> Result<usize> {
    let operators: std::collections::HashSet<&str> = valid_at(field, services, major, now)?
        .into_iter()
        .map(|(_, s)| s.operator.as_str())
        .collect();
    Ok(operators.len())
}

/// The valid service of API `major` that started most recently (the first listed of a tie).
fn pick(field: &str, services: &[WireService], major: u32, now: i64) -> Result<String> {
    valid_at(field, services, major, now)?
        .into_iter()
        .reduce(|best, next| if next.0 > best.0 { next } else { best })
        .map(|(_, s)| s.url.clone())
        .ok_or_else(|| {
            invalid(format!(
                "{field} has no service with majorApiVersion {major} valid now"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{
      "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
      "caUrls": [
        {"url": "https://old-ca.example", "majorApiVersion": 1, "validFor": {"start": "2020-01-01T00:00:00Z"}},
        {"url": "https://ca.example/", "majorApiVersion": 1, "validFor": {"start": "2023-01-01T00:00:00Z"}},
        {"url": "https://future-ca.example", "majorApiVersion": 1, "validFor": {"start": "2099-01-01T00:00:00Z"}}
      ],
      "rekorTlogUrls": [
        {"url": "https://rekor-v2.example", "majorApiVersion": 2, "validFor": {"start": "2024-01-01T00:00:00Z"}},
        {"url": "https://rekor.example", "majorApiVersion": 1,
         "validFor": {"start": "2021-01-01T00:00:00Z", "end": "2099-01-01T00:00:00Z"}},
        {"url": "https://ended.example", "majorApiVersion": 1,
         "validFor": {"start": "2022-01-01T00:00:00Z", "end": "2023-01-01T00:00:00Z"}}
      ],
      "tsaUrls": [{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1}],
      "oidcUrls": []
    }"#;

    #[test]
    fn picks_the_newest_valid_v1_services() {
        let now = 1_800_000_000;
        let s = Services::from_signing_config_json(CONFIG.as_bytes(), now).unwrap();
        assert_eq!(s.fulcio_url(), "https://ca.example");
        // a TSA is listed: the Rekor v2 is preferred
        assert_eq!(s.rekor_url(), "https://rekor-v2.example");
        assert_eq!(s.rekor_version(), RekorVersion::V2);
        assert_eq!(s.tsa_url(), Some("https://tsa.example/api/v1/timestamp"));
        // without a TSA, the newest valid Rekor v1
        let no_tsa = CONFIG.replace(
            r#"[{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1}]"#,
            "[]",
        );
        let s1 = Services::from_signing_config_json(no_tsa.as_bytes(), now).unwrap();
        assert_eq!(s1.rekor_url(), "https://rekor.example");
        assert_eq!(s1.rekor_version(), RekorVersion::V1);
        assert_eq!(s1.tsa_url(), None);
        let wrapped = format!(
            r#"{{"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json", "trustedRoot": {{}}, "signingConfig": {CONFIG}}}"#
        );
        assert_eq!(
            Services::from_signing_config_json(wrapped.as_bytes(), now).unwrap(),
            s
        );
    }

    #[test]
    fn a_config_asking_for_several_logs_or_timestamps_is_refused() {
        let now = 1_800_000_000;
        let with = |config: &str| {
            CONFIG.replace(r#""oidcUrls": []"#, &format!(r#""oidcUrls": [], {config}"#))
        };
        for ok in [
            r#""rekorTlogConfig": {"selector": "ANY"}, "tsaConfig": {"selector": "ANY"}"#,
            r#""rekorTlogConfig": {"selector": "EXACT", "count": 1}"#,
            // ALL of the one valid Rekor v2, numbers for enum names as protobuf JSON allows
            r#""rekorTlogConfig": {"selector": 1}, "tsaConfig": {"selector": 2}"#,
        ] {
            Services::from_signing_config_json(with(ok).as_bytes(), now).unwrap();
        }
        for (bad, says) in [
            (
                r#""rekorTlogConfig": {"selector": "EXACT", "count": 2}"#,
                "rekorTlogConfig asks for 2 services (selector EXACT)",
            ),
            (
                r#""tsaConfig": {"selector": "EXACT", "count": 3}"#,
                "tsaConfig asks for 3 services (selector EXACT)",
            ),
            (
                r#""rekorTlogConfig": {"selector": "MOST"}"#,
                "rekorTlogConfig.selector \"MOST\" is not a selector",
            ),
        ] {
            let err = Services::from_signing_config_json(with(bad).as_bytes(), now).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
        // ALL of the two valid Rekor v1 logs of two operators (no TSA listed, so v1 is used)
        let no_tsa = with(r#""rekorTlogConfig": {"selector": "ALL"}"#)
            .replace(
                r#""url": "https://ended.example", "majorApiVersion": 1,"#,
                r#""url": "https://ended.example", "majorApiVersion": 1, "operator": "b.example","#,
            )
            .replace(
                r#"[{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1}]"#,
                "[]",
            )
            .replace(
                "2022-01-01T00:00:00Z\", \"end\": \"2023-01-01T00:00:00Z",
                "2022-01-01T00:00:00Z",
            );
        let err = Services::from_signing_config_json(no_tsa.as_bytes(), now).unwrap_err();
        assert!(
            err.to_string()
                .contains("rekorTlogConfig asks for 2 services (selector ALL)"),
            "{err}"
        );
    }

    /// sigstore-go's `SelectServices` takes at most one service per operator (the newest): `ALL`
    /// of two TSAs run by one operator is one TSA, by two operators two.
    #[test]
    fn all_counts_one_service_per_operator_as_sigstore_go_does() {
        let now = 1_800_000_000;
        let tsas = |second_operator: &str| {
            CONFIG
                .replace(
                    r#"[{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1}]"#,
                    &format!(
                        r#"[{{"url": "https://tsa.example/api/v1/timestamp", "majorApiVersion": 1, "operator": "a.example", "validFor": {{"start": "2025-01-01T00:00:00Z"}}}},
                           {{"url": "https://old-tsa.example/api/v1/timestamp", "majorApiVersion": 1, "operator": "{second_operator}", "validFor": {{"start": "2024-01-01T00:00:00Z"}}}}]"#
                    ),
                )
                .replace(
                    r#""oidcUrls": []"#,
                    r#""oidcUrls": [], "tsaConfig": {"selector": "ALL"}"#,
                )
        };
        let one = Services::from_signing_config_json(tsas("a.example").as_bytes(), now).unwrap();
        assert_eq!(one.tsa_url(), Some("https://tsa.example/api/v1/timestamp"));
        let err = Services::from_signing_config_json(tsas("b.example").as_bytes(), now)
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("tsaConfig asks for 2 services (selector ALL)"),
            "{err}"
        );
    }

    #[test]
    fn unusable_configs_name_the_field() {
        let old = CONFIG.replace("v0.2+json", "v0.1+json");
        let err = Services::from_signing_config_json(old.as_bytes(), 0).unwrap_err();
        assert!(err.to_string().contains("only SigningConfig v0.2"), "{err}");
        // before every service's start
        let err = Services::from_signing_config_json(CONFIG.as_bytes(), 0).unwrap_err();
        assert!(
            err.to_string()
                .contains("caUrls has no service with majorApiVersion 1"),
            "{err}"
        );
        let err = Services::new("ftp://x", "https://r").unwrap_err();
        assert!(
            err.to_string()
                .contains("Fulcio URL \"ftp://x\" is not http(s)"),
            "{err}"
        );
    }
}
