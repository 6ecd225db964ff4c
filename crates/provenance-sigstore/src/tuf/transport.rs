//! tough's transport: `file://` through tough's own `FilesystemTransport`, `http(s)://` through
//! the crate's blocking rustls client (ureq with the system roots) instead of tough's reqwest
//! one, so that the workspace keeps one HTTP stack.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tough::{Bytes, FilesystemTransport, TransportError, TransportErrorKind};

/// The largest file fetched over HTTP (tough's own limits are smaller: 1 MiB per metadata
/// role, 10 MiB for targets metadata, the signed length for targets).
const MAX_FETCH_BYTES: u64 = 32 << 20;

type TransportStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;

/// `file://` and `http(s)://`; the HTTP agent is made on first use (loading the system roots
/// is not free, and a `file://` repository never needs them).
#[derive(Clone, Debug)]
pub(super) struct Transport {
    timeout: Duration,
    agent: Arc<std::sync::OnceLock<ureq::Agent>>,
    /// The first fetch that failed for another reason than a missing file. tough treats any
    /// failure to fetch the next `N.root.json` as "no newer root" (TUF 5.3.2 stops there), so
    /// an unreachable repository would otherwise surface as whatever check comes next
    /// (typically "the root metadata has expired").
    failure: Arc<std::sync::Mutex<Option<(String, String)>>>,
}

impl Transport {
    pub(super) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            agent: Arc::new(std::sync::OnceLock::new()),
            failure: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// The first fetch that failed other than with "not found": URL and reason.
    pub(super) fn failure(&self) -> Option<(String, String)> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    fn record(&self, result: &Result<TransportStream, TransportError>) {
        if let Err(e) = result
            && e.kind() != TransportErrorKind::FileNotFound
            && let Ok(mut first) = self.failure.lock()
            && first.is_none()
        {
            let reason =
                std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string);
            *first = Some((e.url().to_owned(), reason));
        }
    }

    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            let tls = crate::tls::system_roots();
            ureq::Agent::config_builder()
                .tls_config(tls)
                .http_status_as_error(false)
                .timeout_global(Some(self.timeout))
                .timeout_connect(Some(self.timeout.min(Duration::from_secs(15))))
                // A CDN may redirect; TUF's signatures and hashes, not the URL, vouch for the bytes.
                .max_redirects(3)
                .user_agent(concat!("provenance-sigstore/", env!("CARGO_PKG_VERSION")))
                .build()
                .into()
        })
    }

    /// GETs `url` (blocking; see the runtime note in the module above), bounded.
    fn get(&self, url: &url::Url) -> Result<Vec<u8>, TransportError> {
        let other =
            |e: String| TransportError::new_with_cause(TransportErrorKind::Other, url.as_str(), e);
        let mut res = self
            .agent()
            .get(url.as_str())
            .call()
            .map_err(|e| other(e.to_string()))?;
        let status = res.status().as_u16();
        // A missing object: 404, or 403 from object stores that do not reveal absence (TUF's
        // root update stops at the first N.root.json that is not there).
        if matches!(status, 403 | 404 | 410) {
            return Err(TransportError::new(
                TransportErrorKind::FileNotFound,
                url.as_str(),
            ));
        }
        if !(200..300).contains(&status) {
            return Err(other(format!("HTTP {status}")));
        }
        res.body_mut()
            .with_config()
            .limit(MAX_FETCH_BYTES)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    other(format!("larger than {MAX_FETCH_BYTES} bytes"))
                }
                e => other(e.to_string()),
            })
    }
}

#[tough::async_trait]
impl tough::Transport for Transport {
    async fn fetch(&self, url: url::Url) -> Result<TransportStream, TransportError> {
        let result = match url.scheme() {
            "file" => FilesystemTransport.fetch(url).await,
            "http" | "https" => self.get(&url).map(|bytes| -> TransportStream {
                Box::pin(futures::stream::iter([Ok(Bytes::from(bytes))]))
            }),
            _ => Err(TransportError::new(
                TransportErrorKind::UnsupportedUrlScheme,
                url.as_str(),
            )),
        };
        self.record(&result);
        result
    }
}
