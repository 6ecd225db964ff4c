//! A small blocking registry client (OCI distribution spec v1.1) on `ureq` + rustls.
//!
//! <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md>

use std::collections::HashMap;
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use ureq::http::{self, Response};
use ureq::tls::Certificate;
use ureq::{Agent, Body};

use crate::auth::{Challenge, CredentialSource, Credentials, parse_challenge};
use crate::manifest::{ACCEPT_MANIFESTS, Descriptor, ImageIndex};
use crate::{Error, OciDigest, Registry, Repository, Tag};

/// Largest manifest or index accepted, in bytes (the limit the distribution spec suggests).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// Largest token-endpoint answer accepted, in bytes.
const MAX_TOKEN_BYTES: u64 = 1024 * 1024;
/// Largest error body read to build a message, in bytes.
const MAX_ERROR_BODY: u64 = 16 * 1024;
/// Largest CA file read, in bytes.
const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// Whether plain HTTP may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PlainHttp {
    /// HTTPS first; plain HTTP only for loopback registries (`localhost`, `127.0.0.0/8`, `::1`)
    /// that do not speak TLS.
    #[default]
    LoopbackOnly,
    /// HTTPS first; plain HTTP for any registry that does not speak TLS (an explicit opt-in).
    Allowed,
    /// HTTPS only, even for loopback registries.
    Never,
}

/// How a [`RegistryClient`] connects and authenticates; reusable across registries.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    credentials: CredentialSource,
    plain_http: PlainHttp,
    extra_roots: Vec<Vec<u8>>,
    system_roots: bool,
    timeout: Duration,
    retries: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            credentials: CredentialSource::default(),
            plain_http: PlainHttp::default(),
            extra_roots: Vec::new(),
            system_roots: true,
            timeout: Duration::from_secs(60),
            retries: 2,
        }
    }
}

impl ClientConfig {
    /// Defaults: docker config credentials, plain HTTP for loopback only, system roots, 60 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where credentials come from.
    #[must_use]
    pub fn with_credentials(mut self, source: CredentialSource) -> Self {
        self.credentials = source;
        self
    }

    /// The plain-HTTP policy.
    #[must_use]
    pub fn with_plain_http(mut self, policy: PlainHttp) -> Self {
        self.plain_http = policy;
        self
    }

    /// Whether the operating system's roots are trusted (default true); the extra CAs are
    /// trusted either way.
    #[must_use]
    pub fn with_system_roots(mut self, yes: bool) -> Self {
        self.system_roots = yes;
        self
    }

    /// The whole-request timeout (connect, send, receive).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often a `GET` / `HEAD` is retried after a connection error or a 429/500/502/503/504
    /// answer, with backoff (0.1 s, 0.4 s, 1.6 s, ...); default 2. Uploads are not retried.
    #[must_use]
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries.min(5);
        self
    }

    /// Also trust the CA certificates in this PEM file.
    ///
    /// # Errors
    /// [`Error::CaFile`] when the file cannot be read, is too large or holds no certificate.
    pub fn with_ca_file(mut self, path: &Path) -> Result<Self, Error> {
        use rustls_pki_types::pem::PemObject as _;
        let bad = |reason: String| Error::CaFile {
            path: path.to_owned(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
        let mut pem = Vec::new();
        file.take(MAX_CA_FILE + 1)
            .read_to_end(&mut pem)
            .map_err(|e| bad(e.to_string()))?;
        if u64::try_from(pem.len()).unwrap_or(u64::MAX) > MAX_CA_FILE {
            return Err(bad("larger than 4 MiB".to_owned()));
        }
        let mut n = 0usize;
        for cert in rustls_pki_types::CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| bad(format!("bad PEM: {e}")))?;
            self.extra_roots.push(cert.as_ref().to_vec());
            n += 1;
        }
        if n == 0 {
            return Err(bad("no CERTIFICATE block".to_owned()));
        }
        Ok(self)
    }

    fn agent(&self, https_only: bool) -> Agent {
        let mut roots = if self.system_roots {
            provenance_sigstore::tls::native_roots()
        } else {
            Vec::new()
        };
        roots.extend(
            self.extra_roots
                .iter()
                .map(|der| Certificate::from_der(der).to_owned()),
        );
        let tls = provenance_sigstore::tls::rustls_trusting(roots);
        let config = Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .https_only(https_only)
            .timeout_global(Some(self.timeout))
            .timeout_connect(Some(self.timeout.min(Duration::from_secs(15))))
            .max_redirects(5)
            // credentials never follow a redirect (blob storage URLs are pre-signed)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::Never)
            .user_agent(concat!("provenance-oci/", env!("CARGO_PKG_VERSION")))
            .build();
        config.into()
    }
}

/// A manifest by digest or by tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestRef {
    /// By digest: the answer is checked against it.
    Digest(OciDigest),
    /// By tag: the answer's digest is computed from its bytes.
    Tag(Tag),
}

impl ManifestRef {
    fn as_path(&self) -> String {
        match self {
            Self::Digest(d) => d.to_string(),
            Self::Tag(t) => t.to_string(),
        }
    }
}

/// A manifest downloaded and checked: its bytes hash to `digest`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchedManifest {
    /// The `Content-Type` the registry gave (or the document's own `mediaType`).
    pub media_type: String,
    /// The digest of `bytes` (equal to the digest asked for, when asked by digest).
    pub digest: OciDigest,
    /// The manifest bytes, exactly as served.
    pub bytes: Vec<u8>,
    /// The `ETag` the registry sent, for a conditional update (`If-Match`).
    pub etag: Option<String>,
}

impl FetchedManifest {
    /// A manifest known from its bytes (digest computed), e.g. one read from an OCI layout.
    pub fn new(media_type: &str, bytes: Vec<u8>) -> Self {
        Self {
            media_type: media_type.to_owned(),
            digest: OciDigest::sha256_of(&bytes),
            bytes,
            etag: None,
        }
    }

    /// A descriptor of this manifest.
    pub fn descriptor(&self) -> Descriptor {
        let mut d = Descriptor::of(&self.media_type, &self.bytes);
        d.digest = self.digest.clone();
        d
    }
}

/// What a manifest upload answered.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PushedManifest {
    /// Descriptor of the uploaded manifest.
    pub descriptor: Descriptor,
    /// The `OCI-Subject` header: set by registries that index referrers themselves.
    pub oci_subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Https,
    Http,
}

impl Scheme {
    fn as_str(self) -> &'static str {
        match self {
            Self::Https => "https",
            Self::Http => "http",
        }
    }
}

/// Access wanted for a repository, to ask the token service for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Pull,
    Push,
}

/// A blocking client for one registry. Keeps the scheme, the auth challenge and tokens it
/// learnt; counts its requests.
pub struct RegistryClient {
    registry: Registry,
    config: ClientConfig,
    agent: Agent,
    plain_allowed: bool,
    credentials: Option<Credentials>,
    scheme: Option<Scheme>,
    challenge: Option<Challenge>,
    tokens: HashMap<String, String>,
    requests: u64,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("registry", &self.registry)
            .field("scheme", &self.scheme)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

struct Req<'a> {
    method: http::Method,
    url: String,
    repo: &'a Repository,
    access: Access,
    headers: Vec<(&'static str, String)>,
    body: Option<&'a [u8]>,
}

impl RegistryClient {
    /// A client for `registry`.
    ///
    /// # Errors
    /// [`Error::Credentials`] when the configured credential source cannot be read.
    pub fn new(registry: Registry, config: &ClientConfig) -> Result<Self, Error> {
        let plain_allowed = match config.plain_http {
            PlainHttp::Allowed => true,
            PlainHttp::LoopbackOnly => registry.is_loopback(),
            PlainHttp::Never => false,
        };
        let credentials = config.credentials.resolve(&registry)?;
        let agent = config.agent(!plain_allowed);
        Ok(Self {
            registry,
            config: config.clone(),
            agent,
            plain_allowed,
            credentials,
            scheme: None,
            challenge: None,
            tokens: HashMap::new(),
            requests: 0,
        })
    }

    /// The registry this client talks to.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// HTTP requests sent so far (including token requests).
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Whether the registry is reached over plain HTTP (known after the first request).
    pub fn is_plain_http(&self) -> bool {
        self.scheme == Some(Scheme::Http)
    }

    fn raw(
        &mut self,
        method: &http::Method,
        url: &str,
        headers: &[(&'static str, String)],
        body: Option<&[u8]>,
    ) -> Result<Response<Body>, Error> {
        let mut b = http::Request::builder().method(method.clone()).uri(url);
        for (k, v) in headers {
            b = b.header(*k, v.as_str());
        }
        self.requests += 1;
        match body {
            Some(bytes) => b
                .body(bytes)
                .map_err(|e| transport(url, e))
                .and_then(|r| self.agent.run(r).map_err(|e| transport(url, e))),
            None => b
                .body(())
                .map_err(|e| transport(url, e))
                .and_then(|r| self.agent.run(r).map_err(|e| transport(url, e))),
        }
    }

    /// [`Self::raw`], retrying idempotent requests after connection errors and 429/5xx answers.
    fn raw_retrying(
        &mut self,
        method: &http::Method,
        url: &str,
        headers: &[(&'static str, String)],
        body: Option<&[u8]>,
    ) -> Result<Response<Body>, Error> {
        let idempotent = *method == http::Method::GET || *method == http::Method::HEAD;
        let mut delay = Duration::from_millis(100);
        let mut left = if idempotent { self.config.retries } else { 0 };
        loop {
            let res = self.raw(method, url, headers, body);
            let retriable = match &res {
                Ok(r) => matches!(r.status().as_u16(), 429 | 500 | 502 | 503 | 504),
                Err(Error::Transport { source, .. }) => {
                    source.downcast_ref::<ureq::Error>().is_some_and(|e| {
                        matches!(
                            e,
                            ureq::Error::Io(_)
                                | ureq::Error::ConnectionFailed
                                | ureq::Error::Timeout(_)
                        )
                    })
                }
                Err(_) => false,
            };
            if !retriable || left == 0 {
                return res;
            }
            left -= 1;
            std::thread::sleep(delay);
            delay = delay.saturating_mul(4);
        }
    }

    /// Find the scheme (HTTPS, or plain HTTP where allowed) and the auth challenge with `GET /v2/`.
    fn ensure_scheme(&mut self) -> Result<Scheme, Error> {
        if let Some(s) = self.scheme {
            return Ok(s);
        }
        let https = format!("https://{}/v2/", self.registry);
        let res = match self.raw(&http::Method::GET, &https, &[], None) {
            Ok(r) => {
                self.scheme = Some(Scheme::Https);
                r
            }
            Err(tls_err) if self.plain_allowed => {
                let http_url = format!("http://{}/v2/", self.registry);
                match self.raw(&http::Method::GET, &http_url, &[], None) {
                    // only a registry-like answer counts: a TLS server answers plain HTTP with 400
                    Ok(r) if matches!(r.status().as_u16(), 200 | 401) => {
                        self.scheme = Some(Scheme::Http);
                        r
                    }
                    // report the HTTPS failure: it is the one a user should fix
                    Ok(_) | Err(_) => return Err(tls_err),
                }
            }
            Err(e) => return Err(e),
        };
        if res.status() == http::StatusCode::UNAUTHORIZED {
            self.challenge = www_authenticate(&res);
        }
        Ok(self.scheme.unwrap_or(Scheme::Https))
    }

    fn base(&mut self) -> Result<String, Error> {
        let scheme = self.ensure_scheme()?;
        Ok(format!("{}://{}", scheme.as_str(), self.registry))
    }

    fn scope(repo: &Repository, access: Access) -> String {
        match access {
            Access::Pull => format!("repository:{repo}:pull"),
            Access::Push => format!("repository:{repo}:pull,push"),
        }
    }

    fn authorization(&self, repo: &Repository, access: Access) -> Option<String> {
        match &self.challenge {
            Some(Challenge::Basic) => self.credentials.as_ref().map(Credentials::basic_header),
            Some(Challenge::Bearer { .. }) => self
                .tokens
                .get(&Self::scope(repo, access))
                .map(|t| format!("Bearer {t}")),
            None => None,
        }
    }

    fn same_origin(&self, url: &str) -> bool {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        rest.and_then(|r| r.split('/').next())
            .is_some_and(|authority| authority == self.registry.as_str())
    }

    /// Send with auth; on a 401 learn the challenge (fetch a token) and retry once.
    fn send(&mut self, req: &Req<'_>) -> Result<Response<Body>, Error> {
        self.ensure_scheme()?;
        let mut attempt = 0;
        loop {
            let mut headers = req.headers.clone();
            if let Some(a) = self
                .authorization(req.repo, req.access)
                .filter(|_| self.same_origin(&req.url))
            {
                headers.push(("Authorization", a));
            }
            let res = self.raw_retrying(&req.method, &req.url, &headers, req.body)?;
            if res.status() != http::StatusCode::UNAUTHORIZED || attempt > 0 {
                if res.status() == http::StatusCode::UNAUTHORIZED {
                    return Err(self.unauthorized(&req.url, "the registry refused the credentials"));
                }
                return Ok(res);
            }
            attempt += 1;
            // Only the registry itself may ask for its credentials: not another host that a
            // redirect or a referrers `Link` led to (its token realm would receive them).
            let answered_by = ureq::ResponseExt::get_uri(&res).to_string();
            if !self.same_origin(&req.url) || !self.same_origin(&answered_by) {
                return Err(self.unauthorized(
                    &answered_by,
                    "another host than the registry asked for credentials; none are sent to it",
                ));
            }
            let challenge = www_authenticate(&res);
            match challenge {
                Some(Challenge::Basic) => {
                    if self.credentials.is_none() {
                        return Err(self.unauthorized(
                            &req.url,
                            "Basic authentication required and no credentials configured",
                        ));
                    }
                    self.challenge = Some(Challenge::Basic);
                }
                Some(Challenge::Bearer {
                    realm,
                    service,
                    scope,
                }) => {
                    let want = Self::scope(req.repo, req.access);
                    let scope = scope.unwrap_or_else(|| want.clone());
                    let token = self.fetch_token(&realm, service.as_deref(), &scope)?;
                    self.tokens.insert(want, token);
                    self.challenge = Some(Challenge::Bearer {
                        realm,
                        service,
                        scope: None,
                    });
                }
                None => {
                    return Err(self.unauthorized(
                        &req.url,
                        "401 without a usable WWW-Authenticate challenge",
                    ));
                }
            }
        }
    }

    fn unauthorized(&self, url: &str, reason: &str) -> Error {
        Error::Unauthorized {
            registry: self.registry.to_string(),
            url: url.to_owned(),
            reason: reason.to_owned(),
        }
    }

    fn fetch_token(
        &mut self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
    ) -> Result<String, Error> {
        // Credentials go to the realm: plain HTTP only where it is allowed for *that* host (a
        // loopback registry must not send them in clear to a remote realm).
        if !(realm.starts_with("https://") || self.plain_allowed_for(realm)) {
            return Err(self.unauthorized(
                realm,
                "token realm is not an https URL (plain HTTP only for loopback or when allowed)",
            ));
        }
        let mut url = realm.to_owned();
        url.push(if realm.contains('?') { '&' } else { '?' });
        if let Some(s) = service {
            url.push_str("service=");
            url.push_str(&percent_encode(s));
            url.push('&');
        }
        url.push_str("scope=");
        url.push_str(&percent_encode(scope));
        let mut headers = Vec::new();
        if let Some(c) = &self.credentials {
            headers.push(("Authorization", c.basic_header()));
        }
        let mut res = self.raw(&http::Method::GET, &url, &headers, None)?;
        if !res.status().is_success() {
            let status = res.status().as_u16();
            let detail = error_detail(&mut res);
            return Err(self.unauthorized(
                realm,
                &format!("token service answered HTTP {status}{detail}"),
            ));
        }
        let bytes = read_bounded(&mut res, MAX_TOKEN_BYTES, "token response", &url)?;
        let answer: TokenAnswer = serde_json::from_slice(&bytes).map_err(|e| Error::Malformed {
            what: "token response".to_owned(),
            url: url.clone(),
            reason: e.to_string(),
        })?;
        answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| Error::Malformed {
                what: "token response".to_owned(),
                url,
                reason: "no usable `token` or `access_token`".to_owned(),
            })
    }

    /// `GET /v2/<repo>/manifests/<ref>`, bounded to 4 MiB; by digest the bytes must hash to it,
    /// by tag the digest is computed from the bytes (and must equal `Docker-Content-Digest`
    /// when the registry sends one).
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::DigestMismatch`], [`Error::TooLarge`], transport, auth and
    /// status errors.
    pub fn get_manifest(
        &mut self,
        repo: &Repository,
        reference: &ManifestRef,
    ) -> Result<FetchedManifest, Error> {
        let url = format!(
            "{}/v2/{repo}/manifests/{}",
            self.base()?,
            reference.as_path()
        );
        let mut res = self.send(&Req {
            method: http::Method::GET,
            url: url.clone(),
            repo,
            access: Access::Pull,
            headers: vec![("Accept", ACCEPT_MANIFESTS.to_owned())],
            body: None,
        })?;
        expect_status(&mut res, &url, &[200])?;
        let header_digest = header(&res, "docker-content-digest");
        let content_type = header(&res, "content-type");
        let etag = header(&res, "etag");
        let bytes = read_bounded(&mut res, MAX_MANIFEST_BYTES, "manifest", &url)?;
        let digest = match reference {
            ManifestRef::Digest(d) => {
                d.verify(&format!("manifest {repo}@{d}"), &bytes)?;
                d.clone()
            }
            ManifestRef::Tag(t) => {
                let computed = OciDigest::sha256_of(&bytes);
                if let Some(h) = header_digest {
                    let claimed: OciDigest = h.parse()?;
                    let ours = claimed.compute_like(&bytes);
                    if ours != claimed {
                        return Err(Error::DigestMismatch {
                            what: format!("manifest {repo}:{t} (Docker-Content-Digest)"),
                            expected: claimed.to_string(),
                            actual: ours.to_string(),
                        });
                    }
                }
                computed
            }
        };
        let media_type = content_type
            .map(|c| c.split(';').next().unwrap_or("").trim().to_owned())
            .filter(|c| !c.is_empty() && c != "application/json")
            .or_else(|| {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| v.get("mediaType")?.as_str().map(str::to_owned))
            })
            .unwrap_or_default();
        Ok(FetchedManifest {
            media_type,
            digest,
            bytes,
            etag,
        })
    }

    /// `GET /v2/<repo>/blobs/<digest>`, at most `limit` bytes, checked against `digest`.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::DigestMismatch`], [`Error::TooLarge`], transport, auth and
    /// status errors.
    pub fn get_blob(
        &mut self,
        repo: &Repository,
        digest: &OciDigest,
        limit: u64,
    ) -> Result<Vec<u8>, Error> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base()?);
        let mut res = self.send(&Req {
            method: http::Method::GET,
            url: url.clone(),
            repo,
            access: Access::Pull,
            headers: Vec::new(),
            body: None,
        })?;
        expect_status(&mut res, &url, &[200])?;
        let bytes = read_bounded(&mut res, limit, "blob", &url)?;
        digest.verify(&format!("blob {repo}@{digest}"), &bytes)?;
        Ok(bytes)
    }

    /// `HEAD /v2/<repo>/blobs/<digest>`: whether the registry has the blob.
    ///
    /// # Errors
    /// Transport, auth and status errors other than 404.
    pub fn blob_exists(&mut self, repo: &Repository, digest: &OciDigest) -> Result<bool, Error> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base()?);
        let mut res = self.send(&Req {
            method: http::Method::HEAD,
            url: url.clone(),
            repo,
            access: Access::Push,
            headers: Vec::new(),
            body: None,
        })?;
        if res.status() == http::StatusCode::NOT_FOUND {
            return Ok(false);
        }
        expect_status(&mut res, &url, &[200])?;
        Ok(true)
    }

    /// Upload `bytes` as a blob (skipped when the registry has it): `POST` an upload session,
    /// then one monolithic `PUT ...?digest=`.
    ///
    /// # Errors
    /// Transport, auth and status errors; [`Error::Malformed`] without a `Location`.
    pub fn push_blob(&mut self, repo: &Repository, bytes: &[u8]) -> Result<OciDigest, Error> {
        let digest = OciDigest::sha256_of(bytes);
        if self.blob_exists(repo, &digest)? {
            return Ok(digest);
        }
        let base = self.base()?;
        let url = format!("{base}/v2/{repo}/blobs/uploads/");
        let mut res = self.send(&Req {
            method: http::Method::POST,
            url: url.clone(),
            repo,
            access: Access::Push,
            headers: vec![("Content-Length", "0".to_owned())],
            body: None,
        })?;
        expect_status(&mut res, &url, &[202])?;
        let location = header(&res, "location").ok_or_else(|| Error::Malformed {
            what: "blob upload session".to_owned(),
            url: url.clone(),
            reason: "no Location header".to_owned(),
        })?;
        let mut put_url = self.resolve_location(&base, &location, &url)?;
        put_url.push(if put_url.contains('?') { '&' } else { '?' });
        put_url.push_str("digest=");
        put_url.push_str(&percent_encode(&digest.to_string()));
        let mut res = self.send(&Req {
            method: http::Method::PUT,
            url: put_url.clone(),
            repo,
            access: Access::Push,
            headers: vec![("Content-Type", "application/octet-stream".to_owned())],
            body: Some(bytes),
        })?;
        expect_status(&mut res, &put_url, &[201])?;
        Ok(digest)
    }

    /// Whether `url` may be used over plain HTTP: an `http://` URL, with plain HTTP allowed
    /// for this registry and, unless the caller allowed it everywhere, a loopback host itself.
    fn plain_allowed_for(&self, url: &str) -> bool {
        let Some(rest) = url.strip_prefix("http://") else {
            return false;
        };
        if !self.plain_allowed {
            return false;
        }
        if self.config.plain_http == PlainHttp::Allowed {
            return true;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return false;
        }
        authority.parse::<Registry>().is_ok_and(|r| r.is_loopback())
    }

    fn resolve_location(&self, base: &str, location: &str, from: &str) -> Result<String, Error> {
        if location.starts_with('/') {
            return Ok(format!("{base}{location}"));
        }
        if location.starts_with("https://") || self.plain_allowed_for(location) {
            return Ok(location.to_owned());
        }
        Err(Error::Malformed {
            what: "blob upload session".to_owned(),
            url: from.to_owned(),
            reason: "Location is neither an absolute path nor an allowed absolute URL".to_owned(),
        })
    }

    /// `PUT /v2/<repo>/manifests/<ref>` with this media type.
    ///
    /// # Errors
    /// Transport, auth and status errors; [`Error::DigestMismatch`] when the registry reports a
    /// different digest than the bytes sent.
    pub fn push_manifest(
        &mut self,
        repo: &Repository,
        reference: &ManifestRef,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<PushedManifest, Error> {
        self.push_manifest_if_match(repo, reference, media_type, bytes, None)
    }

    /// [`Self::push_manifest`], conditional on `If-Match: etag` when given (a registry that
    /// honours it answers 412 when the manifest changed since it was read).
    ///
    /// # Errors
    /// As [`Self::push_manifest`]; [`Error::Status`] 412 when the condition failed.
    pub fn push_manifest_if_match(
        &mut self,
        repo: &Repository,
        reference: &ManifestRef,
        media_type: &str,
        bytes: &[u8],
        etag: Option<&str>,
    ) -> Result<PushedManifest, Error> {
        let descriptor = Descriptor::of(media_type, bytes);
        if let ManifestRef::Digest(d) = reference {
            d.verify("manifest to push", bytes)?;
        }
        let url = format!(
            "{}/v2/{repo}/manifests/{}",
            self.base()?,
            reference.as_path()
        );
        let mut res = self.send(&Req {
            method: http::Method::PUT,
            url: url.clone(),
            repo,
            access: Access::Push,
            headers: std::iter::once(("Content-Type", media_type.to_owned()))
                .chain(etag.map(|e| ("If-Match", e.to_owned())))
                .collect(),
            body: Some(bytes),
        })?;
        expect_status(&mut res, &url, &[201])?;
        if let Some(h) = header(&res, "docker-content-digest")
            && h != descriptor.digest.to_string()
        {
            return Err(Error::DigestMismatch {
                what: format!("pushed manifest {repo} (Docker-Content-Digest)"),
                expected: descriptor.digest.to_string(),
                actual: h,
            });
        }
        Ok(PushedManifest {
            descriptor,
            oci_subject: header(&res, "oci-subject"),
        })
    }

    /// `GET /v2/<repo>/referrers/<digest>[?artifactType=..]`, following `Link: rel="next"`
    /// pages. `Ok(None)` when the registry has no referrers API (404).
    ///
    /// At most `max_entries` descriptors are read over at most `max_pages` pages.
    ///
    /// # Errors
    /// [`Error::TooMany`] past the bounds; transport, auth, status and parse errors.
    pub fn referrers_api(
        &mut self,
        repo: &Repository,
        subject: &OciDigest,
        artifact_type: Option<&str>,
        max_entries: usize,
        max_pages: usize,
    ) -> Result<Option<Vec<Descriptor>>, Error> {
        let base = self.base()?;
        let mut url = format!("{base}/v2/{repo}/referrers/{subject}");
        if let Some(t) = artifact_type {
            url.push_str("?artifactType=");
            url.push_str(&percent_encode(t));
        }
        let mut out = Vec::new();
        for page in 0.. {
            if page >= max_pages {
                return Err(Error::TooMany {
                    what: format!("referrers pages for {repo}@{subject}"),
                    limit: max_pages,
                });
            }
            let mut res = self.send(&Req {
                method: http::Method::GET,
                url: url.clone(),
                repo,
                access: Access::Pull,
                headers: vec![("Accept", crate::manifest::OCI_INDEX.to_owned())],
                body: None,
            })?;
            if page == 0 && res.status() == http::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            expect_status(&mut res, &url, &[200])?;
            let next = header(&res, "link").and_then(|l| next_link(&l));
            let bytes = read_bounded(&mut res, MAX_MANIFEST_BYTES, "referrers list", &url)?;
            let index: ImageIndex =
                serde_json::from_slice(&bytes).map_err(|e| Error::Malformed {
                    what: "referrers list".to_owned(),
                    url: url.clone(),
                    reason: e.to_string(),
                })?;
            out.extend(index.manifests);
            if out.len() > max_entries {
                return Err(Error::TooMany {
                    what: format!("referrers of {repo}@{subject}"),
                    limit: max_entries,
                });
            }
            match next {
                Some(n) => url = self.resolve_location(&base, &n, &url)?,
                None => break,
            }
        }
        Ok(Some(out))
    }

    /// Whether the registry serves the referrers API: `GET /v2/<repo>/referrers/<zero digest>`
    /// answers 200 (what `@sigstore/oci` asks too).
    ///
    /// # Errors
    /// Transport and auth errors.
    pub fn has_referrers_api(&mut self, repo: &Repository) -> Result<bool, Error> {
        let url = format!(
            "{}/v2/{repo}/referrers/sha256:{}",
            self.base()?,
            "0".repeat(64)
        );
        let res = self.send(&Req {
            method: http::Method::GET,
            url,
            repo,
            access: Access::Pull,
            headers: vec![("Accept", crate::manifest::OCI_INDEX.to_owned())],
            body: None,
        })?;
        Ok(res.status() == http::StatusCode::OK)
    }

    /// The client configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }
}

/// A token service's answer (`token`, or the `OAuth2` `access_token`).
#[derive(serde::Deserialize)]
struct TokenAnswer {
    token: Option<String>,
    access_token: Option<String>,
}

fn transport(url: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Transport {
        url: url.to_owned(),
        source: Box::new(e),
    }
}

fn header(res: &Response<Body>, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn www_authenticate(res: &Response<Body>) -> Option<Challenge> {
    res.headers()
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(parse_challenge)
}

fn read_bounded(
    res: &mut Response<Body>,
    limit: u64,
    what: &str,
    url: &str,
) -> Result<Vec<u8>, Error> {
    let too_large = || Error::TooLarge {
        what: what.to_owned(),
        url: url.to_owned(),
        limit,
    };
    if res.body().content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    res.body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => too_large(),
            other => transport(url, other),
        })
}

fn error_detail(res: &mut Response<Body>) -> String {
    let Ok(bytes) = res
        .body_mut()
        .with_config()
        .limit(MAX_ERROR_BODY)
        .read_to_vec()
    else {
        return String::new();
    };
    // distribution's error body: {"errors":[{"code":"...","message":"..."}]}
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let first = v.get("errors").and_then(|e| e.get(0));
    match (
        first.and_then(|e| e.get("code")).and_then(|c| c.as_str()),
        first
            .and_then(|e| e.get("message"))
            .and_then(|c| c.as_str()),
    ) {
        (Some(c), Some(m)) => format!(": {c}: {}", m.chars().take(200).collect::<String>()),
        (Some(c), None) => format!(": {c}"),
        _ => String::new(),
    }
}

fn expect_status(res: &mut Response<Body>, url: &str, ok: &[u16]) -> Result<(), Error> {
    let status = res.status().as_u16();
    if ok.contains(&status) {
        return Ok(());
    }
    if status == 404 {
        return Err(Error::NotFound {
            url: url.to_owned(),
        });
    }
    let detail = error_detail(res);
    Err(Error::Status {
        url: url.to_owned(),
        status,
        detail,
    })
}

/// The target of `Link: <url>; rel="next"`.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let rel_next = params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"));
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        rel_next.then(|| target.to_owned())
    })
}

fn percent_encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next() {
        assert_eq!(
            next_link(r#"</v2/a/referrers/sha256:00?n=10&last=x>; rel="next""#).as_deref(),
            Some("/v2/a/referrers/sha256:00?n=10&last=x")
        );
        assert_eq!(next_link(r#"</x>; rel="prev""#), None);
    }

    #[test]
    fn percent_encoding_of_scope_and_digest() {
        assert_eq!(
            percent_encode("repository:a/b:pull,push"),
            "repository%3Aa%2Fb%3Apull%2Cpush"
        );
    }
}
