//! The one TLS configuration of the toolkit's online clients (Sigstore services, TUF, and the
//! OCI registry client of provenance-oci): rustls with ring, trusting the roots it is given.

use std::sync::Arc;

use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

/// The operating system's root certificates; unreadable ones are skipped (as
/// rustls-native-certs reports them).
#[must_use]
pub fn native_roots() -> Vec<Certificate<'static>> {
    rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect()
}

/// rustls (ring provider) trusting exactly `roots`.
#[must_use]
pub fn rustls_trusting(roots: Vec<Certificate<'static>>) -> TlsConfig {
    TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build()
}

/// rustls (ring provider) trusting the system's roots.
#[cfg(any(feature = "rekor-lookup", feature = "tuf"))]
pub(crate) fn system_roots() -> TlsConfig {
    rustls_trusting(native_roots())
}
