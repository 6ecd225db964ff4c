//! A small blocking JSON client for the Sigstore services: rustls with the system roots,
//! timeouts, bounded answers, retries with backoff after connection errors and 5xx only.

use std::time::Duration;

use ureq::Agent;
use ureq::http::Response;

use crate::error::{Error, Result};

/// The largest answer read from a service (a Fulcio chain or a Rekor entry is a few KiB).
const MAX_ANSWER_BYTES: u64 = 1 << 20;
/// The largest error body quoted in a message.
const MAX_ERROR_BYTES: u64 = 4096;
/// The JSON content type.
const JSON: &str = "application/json";
/// Characters of a service's error message kept.
const MAX_MESSAGE_CHARS: usize = 300;

/// What a request answered: a 2xx body, or (where asked for) a 409 Conflict's headers.
#[cfg_attr(
    not(feature = "sign"),
    expect(dead_code, reason = "only keyless signing reads a conflict's headers")
)]
enum Reply {
    Body(Vec<u8>),
    Conflict {
        location: Option<String>,
        etag: Option<String>,
    },
}

/// The answer to a POST that may conflict with an existing resource.
#[cfg(feature = "sign")]
pub(crate) enum Posted {
    /// 2xx, with this JSON body.
    Created(serde_json::Value),
    /// 409 Conflict, with the `Location` and `ETag` headers (bounded, control characters
    /// replaced) when present.
    Conflict {
        location: Option<String>,
        etag: Option<String>,
    },
}

/// HTTP settings shared by the service clients.
#[derive(Clone, Debug)]
pub(crate) struct Http {
    agent: Agent,
    retries: u32,
    first_backoff: Duration,
}

impl Http {
    pub(crate) fn new(timeout: Duration, retries: u32) -> Self {
        let tls = crate::tls::system_roots();
        let config = Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(15))))
            .max_redirects(0)
            .user_agent(concat!("provenance-sigstore/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.into(),
            retries: retries.min(5),
            first_backoff: Duration::from_millis(200),
        }
    }

    /// POSTs `body` (JSON) and returns the JSON answer of a 2xx response.
    pub(crate) fn post_json(
        &self,
        service: &'static str,
        url: &str,
        bearer: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Json {
            what: "service request",
            source,
        })?;
        let answer = self.send(service, url, bearer, Some((JSON, &bytes)))?;
        serde_json::from_slice(&answer).map_err(|e| Error::BadServiceAnswer {
            service,
            url: url.to_owned(),
            reason: format!("not JSON ({e})"),
        })
    }

    /// POSTs `body` with this content type and returns the bytes of a 2xx response.
    #[cfg(feature = "sign")]
    pub(crate) fn post_bytes(
        &self,
        service: &'static str,
        url: &str,
        content_type: &'static str,
        body: &[u8],
    ) -> Result<Vec<u8>> {
        self.send(service, url, None, Some((content_type, body)))
    }

    /// GETs `url` and returns the JSON answer of a 2xx response.
    pub(crate) fn get_json(
        &self,
        service: &'static str,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<serde_json::Value> {
        let answer = self.send(service, url, bearer, None)?;
        serde_json::from_slice(&answer).map_err(|e| Error::BadServiceAnswer {
            service,
            url: url.to_owned(),
            reason: format!("not JSON ({e})"),
        })
    }

    fn send(
        &self,
        service: &'static str,
        url: &str,
        bearer: Option<&str>,
        body: Option<(&'static str, &[u8])>,
    ) -> Result<Vec<u8>> {
        match self.send_or_conflict(service, url, bearer, body, false)? {
            Reply::Body(bytes) => Ok(bytes),
            Reply::Conflict { .. } => Err(Error::ServiceRefused {
                service,
                url: url.to_owned(),
                status: 409,
                message: String::from("conflict"),
            }),
        }
    }

    /// POSTs `body` (JSON); a 409 Conflict answer is returned with its `Location` and `ETag`
    /// headers (Rekor v1 names the existing entry so), any other as [`Http::post_json`].
    #[cfg(feature = "sign")]
    pub(crate) fn post_json_or_conflict(
        &self,
        service: &'static str,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<Posted> {
        let bytes = serde_json::to_vec(body).map_err(|source| Error::Json {
            what: "service request",
            source,
        })?;
        match self.send_or_conflict(service, url, None, Some((JSON, &bytes)), true)? {
            Reply::Body(answer) => serde_json::from_slice(&answer)
                .map(Posted::Created)
                .map_err(|e| Error::BadServiceAnswer {
                    service,
                    url: url.to_owned(),
                    reason: format!("not JSON ({e})"),
                }),
            Reply::Conflict { location, etag } => Ok(Posted::Conflict { location, etag }),
        }
    }

    fn send_or_conflict(
        &self,
        service: &'static str,
        url: &str,
        bearer: Option<&str>,
        body: Option<(&'static str, &[u8])>,
        conflict: bool,
    ) -> Result<Reply> {
        let unavailable = |reason: String| Error::ServiceUnavailable {
            service,
            url: url.to_owned(),
            reason,
        };
        let mut delay = self.first_backoff;
        let mut left = self.retries;
        loop {
            let res = self.once(url, bearer, body);
            let failure = match res {
                Ok(mut r) => {
                    let status = r.status().as_u16();
                    if (200..300).contains(&status) {
                        return read_bounded(&mut r, service, url).map(Reply::Body);
                    }
                    if status == 409 && conflict {
                        let header = |name: &str| {
                            r.headers()
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .map(sanitize)
                        };
                        return Ok(Reply::Conflict {
                            location: header("location"),
                            etag: header("etag"),
                        });
                    }
                    if status < 500 {
                        return Err(Error::ServiceRefused {
                            service,
                            url: url.to_owned(),
                            status,
                            message: error_message(&mut r, bearer),
                        });
                    }
                    format!("HTTP {status}: {}", error_message(&mut r, bearer))
                }
                Err(
                    e @ (ureq::Error::Io(_)
                    | ureq::Error::ConnectionFailed
                    | ureq::Error::Timeout(_)
                    | ureq::Error::HostNotFound),
                ) => e.to_string(),
                Err(e) => return Err(unavailable(e.to_string())),
            };
            if left == 0 {
                let tries = self.retries + 1;
                return Err(unavailable(format!("{failure} (after {tries} attempts)")));
            }
            left -= 1;
            std::thread::sleep(delay);
            delay = delay.saturating_mul(3);
        }
    }

    fn once(
        &self,
        url: &str,
        bearer: Option<&str>,
        body: Option<(&'static str, &[u8])>,
    ) -> std::result::Result<Response<ureq::Body>, ureq::Error> {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        if let Some((content_type, bytes)) = body {
            let mut req = self
                .agent
                .post(url)
                .header("Content-Type", content_type)
                .header("Accept", "application/json, application/timestamp-reply");
            if let Some(a) = &auth {
                req = req.header("Authorization", a.as_str());
            }
            req.send(bytes)
        } else {
            let mut req = self.agent.get(url).header("Accept", "application/json");
            if let Some(a) = &auth {
                req = req.header("Authorization", a.as_str());
            }
            req.call()
        }
    }
}

fn read_bounded(
    res: &mut Response<ureq::Body>,
    service: &'static str,
    url: &str,
) -> Result<Vec<u8>> {
    let bad = |reason: String| Error::BadServiceAnswer {
        service,
        url: url.to_owned(),
        reason,
    };
    if res
        .body()
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES)
    {
        return Err(bad(format!("answer larger than {MAX_ANSWER_BYTES} bytes")));
    }
    res.body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                bad(format!("answer larger than {MAX_ANSWER_BYTES} bytes"))
            }
            other => Error::ServiceUnavailable {
                service,
                url: url.to_owned(),
                reason: other.to_string(),
            },
        })
}

/// The service's error message: the `message` of a JSON error body, else the body text;
/// bounded, control characters replaced.
/// The service's error text, with the bearer token (and each of its JWT parts) redacted: a
/// service that echoes the token must not make us print it.
fn error_message(res: &mut Response<ureq::Body>, bearer: Option<&str>) -> String {
    let bytes = res
        .body_mut()
        .with_config()
        .limit(MAX_ERROR_BYTES)
        .read_to_vec()
        .unwrap_or_default();
    let text = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
    sanitize(&redact(&text, bearer))
}

/// `text` with `secret` and every part of it longer than 8 characters (a JWT's header, claims
/// and signature) replaced by `[redacted]`.
pub(crate) fn redact(text: &str, secret: Option<&str>) -> String {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return text.to_owned();
    };
    let mut out = text.replace(secret, "[redacted]");
    for part in secret.split('.').filter(|p| p.len() > 8) {
        out = out.replace(part, "[redacted]");
    }
    out
}

/// Bounds `text` and replaces control characters (service text is data, not terminal input).
pub(crate) fn sanitize(text: &str) -> String {
    text.trim()
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_echoed_by_a_service_is_redacted() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvY3RvIn0.c2lnbmF0dXJlLWJ5dGVz";
        assert_eq!(
            redact(&format!("bad token {token}"), Some(token)),
            "bad token [redacted]"
        );
        // a part of it alone (the claims, a truncated echo) is redacted too
        assert_eq!(
            redact(
                "claims eyJzdWIiOiJvY3RvIn0 and eyJhbGciOiJFUzI1Ni",
                Some(token)
            ),
            "claims [redacted] and eyJhbGciOiJFUzI1Ni"
        );
        assert_eq!(redact("no secret", None), "no secret");
    }

    #[test]
    fn sanitize_bounds_and_strips_controls() {
        assert_eq!(sanitize(" a\u{1b}[31mb\n"), "a [31mb");
        assert_eq!(sanitize(&"x".repeat(1000)).len(), MAX_MESSAGE_CHARS);
    }

    #[test]
    fn unreachable_service_is_unavailable_after_retries() {
        // a port that was just free: nothing listens there
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let mut http = Http::new(Duration::from_secs(2), 1);
        http.first_backoff = Duration::from_millis(1);
        let url = format!("http://127.0.0.1:{port}/api/v2/signingCert");
        let err = http
            .post_json("Fulcio", &url, None, &serde_json::json!({}))
            .unwrap_err();
        match err {
            Error::ServiceUnavailable {
                service, reason, ..
            } => {
                assert_eq!(service, "Fulcio");
                assert!(reason.ends_with("(after 2 attempts)"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
