//! The online [`TlogLookup`] (feature `rekor-lookup`): a Rekor v1 instance searched by the
//! SHA-256 of a DSSE payload, as cosign's `FindTLogEntriesByPayload` does:
//! `POST /api/v1/index/retrieve` with `{"hash": "sha256:HEX"}` lists the UUIDs of the entries
//! indexed under it (Rekor indexes `intoto` 0.0.2 and `dsse` 0.0.1 entries by their payload
//! hash), then `GET /api/v1/log/entries/{uuid}` fetches each, as slsa-verifier's
//! `verifyTlogEntryByUUID` does. Answers are bounded (1 MiB, 16 entries) and
//! every request has a timeout; nothing fetched is trusted until verified offline.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::http::Http;
use crate::rekor::{RekorEntry, TlogLookup};

const SERVICE: &str = "Rekor";

/// Most entries fetched for one payload hash (the first ones the index lists). One signed
/// envelope has one entry; more are the same payload signed again.
pub(crate) const MAX_CANDIDATES: usize = 16;

/// The default timeout of each request.
pub(crate) const DEFAULT_LOOKUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Looks entries up in a Rekor v1 log over HTTPS (or HTTP to loopback test services).
#[derive(Clone, Debug)]
pub struct RekorLookup {
    base_url: String,
    http: Http,
}

impl RekorLookup {
    /// A client of the Rekor v1 instance at `base_url` (for example
    /// `https://rekor.sigstore.dev`), with a timeout of 30 s per request and two retries
    /// after connection errors and HTTP 5xx.
    ///
    /// # Errors
    /// [`Error::Malformed`] when `base_url` is not an `http://` or `https://` URL.
    pub fn new(base_url: &str) -> Result<Self> {
        Self::with_timeout(base_url, DEFAULT_LOOKUP_TIMEOUT)
    }

    /// As [`RekorLookup::new`], with another timeout per request.
    ///
    /// # Errors
    /// As [`RekorLookup::new`].
    pub fn with_timeout(base_url: &str, timeout: Duration) -> Result<Self> {
        let trimmed = base_url.trim_end_matches('/');
        let host = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.chars().any(|c| c.is_whitespace() || c == '?')) {
            return Err(crate::error::malformed(
                "Rekor URL",
                format!("{base_url:?} is not an http(s) URL"),
            ));
        }
        Ok(Self {
            base_url: trimmed.to_owned(),
            http: Http::new(timeout, 2),
        })
    }

    /// The base URL asked.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The UUIDs the search index lists under `sha256:HEX`.
    fn search(&self, payload_sha256: &[u8; 32]) -> Result<Vec<String>> {
        let url = format!("{}/api/v1/index/retrieve", self.base_url);
        let query = json!({ "hash": format!("sha256:{}", hex::encode(payload_sha256)) });
        let answer = self.http.post_json(SERVICE, &url, None, &query)?;
        let bad = |reason: &str| Error::BadServiceAnswer {
            service: SERVICE,
            url: url.clone(),
            reason: reason.to_owned(),
        };
        let list = answer
            .as_array()
            .ok_or_else(|| bad("the search index answer is not a JSON array"))?;
        let mut uuids = Vec::new();
        for v in list {
            let uuid = v
                .as_str()
                .filter(|u| matches!(u.len(), 64 | 80) && u.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| bad("the search index lists something that is not an entry UUID"))?;
            if !uuids.iter().any(|u: &String| u.eq_ignore_ascii_case(uuid)) {
                uuids.push(uuid.to_owned());
            }
        }
        uuids.truncate(MAX_CANDIDATES);
        Ok(uuids)
    }

    /// The entry `uuid` names, checked to be that entry.
    fn fetch(&self, uuid: &str) -> Result<RekorEntry> {
        let url = format!("{}/api/v1/log/entries/{uuid}", self.base_url);
        let answer: Value = self.http.get_json(SERVICE, &url, None)?;
        let bad = |e: Error| Error::BadServiceAnswer {
            service: SERVICE,
            url: url.clone(),
            reason: crate::rekor::malformed_reason(e),
        };
        let entry = RekorEntry::from_api_json(&answer).map_err(bad)?;
        entry.check_uuid(uuid).map_err(bad)?;
        Ok(entry)
    }
}

impl TlogLookup for RekorLookup {
    fn entries_for_payload(&self, payload_sha256: &[u8; 32]) -> Result<Vec<RekorEntry>> {
        self.search(payload_sha256)?
            .iter()
            .map(|uuid| self.fetch(uuid))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls() {
        for bad in ["rekor.sigstore.dev", "ftp://x", "https://", "https://a b"] {
            let err = RekorLookup::new(bad).unwrap_err().to_string();
            assert!(err.contains("is not an http(s) URL"), "{err}");
        }
        let ok = RekorLookup::new("https://rekor.sigstore.dev/").unwrap();
        assert_eq!(ok.base_url(), "https://rekor.sigstore.dev");
    }

    #[test]
    fn nothing_listening_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let lookup =
            RekorLookup::with_timeout(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2))
                .unwrap();
        let err = lookup.entries_for_payload(&[0; 32]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::ServiceUnavailable {
                    service: "Rekor",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("/api/v1/index/retrieve"), "{err}");
    }
}
