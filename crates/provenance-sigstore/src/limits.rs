//! Bounds on untrusted Sigstore documents (bundles, npm/PyPI attestation lists, trusted roots).

/// Bounds applied while reading Sigstore documents, checked before the bounded items are
/// decoded. The defaults follow sigstore-go's limits (CVE-2024-45395):
///
/// | field | default |
/// |---|---|
/// | `max_bundle_bytes` | 64 MiB ([`crate::MAX_BUNDLE_BYTES`]) |
/// | `max_tlog_entries` | 32 per bundle ([`crate::MAX_TLOG_ENTRIES`]) |
/// | `max_timestamps` | 32 RFC 3161 timestamps per bundle ([`crate::MAX_TIMESTAMPS`]) |
/// | `max_chain_len` | 10 certificates ([`crate::MAX_CHAIN_LEN`]) |
/// | `max_proof_hashes` | 64 inclusion-proof hashes ([`crate::MAX_PROOF_HASHES`]) |
/// | `max_bundles_per_document` | 32 bundles in an npm or `PyPI` attestation list |
/// | `max_trusted_root_bytes` | 4 MiB |
///
/// The plain entry points ([`crate::Bundle::from_json`], [`crate::TrustedRoot::from_json`],
/// ...) use [`Limits::DEFAULT`]; the `*_with_limits` variants take others.
///
/// ```
/// use provenance_sigstore::{Bundle, Error, Limits};
///
/// let strict = Limits::DEFAULT.with_max_bundle_bytes(16);
/// assert_eq!(strict.max_tlog_entries, 32);
/// let doc = br#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
/// assert!(matches!(
///     Bundle::from_json_with_limits(doc, &strict),
///     Err(Error::LimitExceeded { what: "bundle bytes", limit: 16, .. })
/// ));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest bundle document, in bytes of JSON.
    pub max_bundle_bytes: usize,
    /// Most transparency log entries in one bundle.
    pub max_tlog_entries: usize,
    /// Most RFC 3161 timestamps in one bundle.
    pub max_timestamps: usize,
    /// Most certificates in a bundle's `x509CertificateChain`.
    pub max_chain_len: usize,
    /// Most hashes in one inclusion proof (a tree of 2^64 leaves needs 64).
    pub max_proof_hashes: usize,
    /// Most bundles in one npm attestations document or `PyPI` provenance object.
    pub max_bundles_per_document: usize,
    /// Largest trusted root document (`trusted_root.json`, `ClientTrustConfig`, JSON Lines).
    pub max_trusted_root_bytes: usize,
}

impl Limits {
    /// The defaults (see the table on [`Limits`]).
    pub const DEFAULT: Self = Self {
        max_bundle_bytes: crate::bundle::MAX_BUNDLE_BYTES,
        max_tlog_entries: crate::bundle::MAX_TLOG_ENTRIES,
        max_timestamps: crate::bundle::MAX_TIMESTAMPS,
        max_chain_len: crate::bundle::MAX_CHAIN_LEN,
        max_proof_hashes: crate::bundle::MAX_PROOF_HASHES,
        max_bundles_per_document: 32,
        max_trusted_root_bytes: 4 << 20,
    };

    /// With another bound on the bundle size.
    #[must_use]
    pub const fn with_max_bundle_bytes(mut self, max: usize) -> Self {
        self.max_bundle_bytes = max;
        self
    }

    /// With another bound on transparency log entries per bundle.
    #[must_use]
    pub const fn with_max_tlog_entries(mut self, max: usize) -> Self {
        self.max_tlog_entries = max;
        self
    }

    /// With another bound on RFC 3161 timestamps per bundle.
    #[must_use]
    pub const fn with_max_timestamps(mut self, max: usize) -> Self {
        self.max_timestamps = max;
        self
    }

    /// With another bound on the certificate chain length.
    #[must_use]
    pub const fn with_max_chain_len(mut self, max: usize) -> Self {
        self.max_chain_len = max;
        self
    }

    /// With another bound on inclusion-proof hashes.
    #[must_use]
    pub const fn with_max_proof_hashes(mut self, max: usize) -> Self {
        self.max_proof_hashes = max;
        self
    }

    /// With another bound on bundles per npm/`PyPI` attestation document.
    #[must_use]
    pub const fn with_max_bundles_per_document(mut self, max: usize) -> Self {
        self.max_bundles_per_document = max;
        self
    }

    /// With another bound on the trusted root size.
    #[must_use]
    pub const fn with_max_trusted_root_bytes(mut self, max: usize) -> Self {
        self.max_trusted_root_bytes = max;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::{Value, json};

    use super::Limits;
    use crate::{Bundle, Error, TrustedRoot};

    fn vector(case: &str, file: &str) -> Vec<u8> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../test-vectors/third-party/sigstore-conformance/assets/bundle-verify")
            .join(case)
            .join(file);
        std::fs::read(path).unwrap()
    }

    fn bundle(case: &str) -> Value {
        serde_json::from_slice(&vector(case, "bundle.sigstore.json")).unwrap()
    }

    /// `doc` with the array at `pointer` made of `n` elements built by `make(first, i)`.
    fn resized(doc: &Value, pointer: &str, n: usize, make: fn(&Value, usize) -> Value) -> Vec<u8> {
        let mut doc = doc.clone();
        let arr = doc.pointer_mut(pointer).unwrap().as_array_mut().unwrap();
        let first = arr[0].clone();
        *arr = (0..n).map(|i| make(&first, i)).collect();
        serde_json::to_vec(&doc).unwrap()
    }

    fn same(first: &Value, _: usize) -> Value {
        first.clone()
    }

    fn is_limit<T>(r: &Result<T, Error>, what: &str, max: usize) -> bool {
        matches!(r, Err(Error::LimitExceeded { what: w, limit, actual })
            if *w == what && *limit == max && *actual == max + 1)
    }

    #[test]
    fn defaults_are_the_documented_constants() {
        let d = Limits::DEFAULT;
        assert_eq!(d, Limits::default());
        assert_eq!(d.max_bundle_bytes, 64 << 20);
        assert_eq!(d.max_tlog_entries, 32);
        assert_eq!(d.max_timestamps, 32);
        assert_eq!(d.max_chain_len, 10);
        assert_eq!(d.max_proof_hashes, 64);
        assert_eq!(d.max_bundles_per_document, 32);
        assert_eq!(d.max_trusted_root_bytes, 4 << 20);
    }

    #[test]
    fn bundle_bytes_at_and_one_past() {
        let doc = vector("happy-path-v0.3", "bundle.sigstore.json");
        let at = Limits::DEFAULT.with_max_bundle_bytes(doc.len());
        Bundle::from_json_with_limits(&doc, &at).unwrap();
        let past = Limits::DEFAULT.with_max_bundle_bytes(doc.len() - 1);
        assert!(matches!(
            Bundle::from_json_with_limits(&doc, &past),
            Err(Error::LimitExceeded {
                what: "bundle bytes",
                ..
            })
        ));
    }

    #[test]
    fn tlog_entries_and_proof_hashes_at_and_one_past() {
        let b = bundle("happy-path-v0.3");
        let limits = Limits::DEFAULT.with_max_tlog_entries(2);
        let p = "/verificationMaterial/tlogEntries";
        let at = Bundle::from_json_with_limits(&resized(&b, p, 2, same), &limits).unwrap();
        assert_eq!(at.tlog_entry_count(), 2);
        let past = Bundle::from_json_with_limits(&resized(&b, p, 3, same), &limits);
        assert!(is_limit(&past, "tlog entries", 2));

        // The conformance entry's inclusion proof has 11 hashes.
        let doc = serde_json::to_vec(&b).unwrap();
        let at = Limits::DEFAULT.with_max_proof_hashes(11);
        Bundle::from_json_with_limits(&doc, &at).unwrap();
        let past = Limits::DEFAULT.with_max_proof_hashes(10);
        assert!(matches!(
            Bundle::from_json_with_limits(&doc, &past),
            Err(Error::LimitExceeded {
                what: "inclusion proof hashes",
                limit: 10,
                actual: 11
            })
        ));
    }

    #[test]
    fn chain_length_at_and_one_past() {
        let b = bundle("happy-path-v0.1");
        let p = "/verificationMaterial/x509CertificateChain/certificates";
        let limits = Limits::DEFAULT.with_max_chain_len(3);
        Bundle::from_json_with_limits(&resized(&b, p, 3, same), &limits).unwrap();
        let past = Bundle::from_json_with_limits(&resized(&b, p, 4, same), &limits);
        assert!(is_limit(&past, "certificate chain length", 3));
    }

    #[test]
    fn timestamps_at_and_one_past() {
        let b = bundle("rekor2-happy-path");
        let p = "/verificationMaterial/timestampVerificationData/rfc3161Timestamps";
        // Distinct copies: identical timestamps are refused as duplicates.
        let distinct = |first: &Value, i: usize| {
            let mut t = first.clone();
            t["signedTimestamp"] = json!(crate::b64::encode(format!("ts {i}").as_bytes()));
            t
        };
        let limits = Limits::DEFAULT.with_max_timestamps(2);
        Bundle::from_json_with_limits(&resized(&b, p, 2, distinct), &limits).unwrap();
        let past = Bundle::from_json_with_limits(&resized(&b, p, 3, distinct), &limits);
        assert!(is_limit(&past, "RFC 3161 timestamps", 2));
    }

    #[test]
    fn bundles_per_document_at_and_one_past() {
        let b = bundle("happy-path-v0.3");
        let npm = |n: usize| {
            let item = json!({"predicateType": "https://slsa.dev/provenance/v1", "bundle": b});
            serde_json::to_vec(&json!({ "attestations": vec![item; n] })).unwrap()
        };
        let limits = Limits::DEFAULT.with_max_bundles_per_document(2);
        assert_eq!(
            Bundle::from_npm_attestations_with_limits(&npm(2), &limits)
                .unwrap()
                .len(),
            2
        );
        let past = Bundle::from_npm_attestations_with_limits(&npm(3), &limits);
        assert!(is_limit(&past, "npm attestations", 2));
        // The default entry point still reads 32 and refuses 33.
        assert_eq!(Bundle::from_npm_attestations(&npm(32)).unwrap().len(), 32);
        assert!(is_limit(
            &Bundle::from_npm_attestations(&npm(33)),
            "npm attestations",
            32
        ));
    }

    #[test]
    fn trusted_root_bytes_at_and_one_past() {
        let doc = vector("rekor2-happy-path", "trusted_root.json");
        let at = Limits::DEFAULT.with_max_trusted_root_bytes(doc.len());
        TrustedRoot::from_json_with_limits(&doc, &at).unwrap();
        let past = Limits::DEFAULT.with_max_trusted_root_bytes(doc.len() - 1);
        assert!(matches!(
            TrustedRoot::from_json_with_limits(&doc, &past),
            Err(Error::LimitExceeded {
                what: "trusted root bytes",
                ..
            })
        ));
    }
}
