//! Parsers of untrusted input never panic, whatever the bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use provenance_sigstore::{Bundle, Certificate, PublicKey, TrustedRoot};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn der_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Certificate::from_der(&bytes);
        let _ = PublicKey::from_spki_der(&bytes);
        let _ = PublicKey::from_pkcs1_rsa_der(&bytes);
    }

    #[test]
    fn json_parsers_never_panic(s in "\\PC{0,256}") {
        let _ = Bundle::from_json(s.as_bytes());
        let _ = Bundle::from_npm_attestations(s.as_bytes());
        let _ = Bundle::from_pep740_attestation(s.as_bytes());
        let _ = Bundle::from_cosign_bundle(s.as_bytes());
        let _ = TrustedRoot::from_json(s.as_bytes());
    }

    /// Flipping any byte of a real certificate yields an error or a certificate, never a panic.
    #[test]
    fn mutated_certificates(pos in 0usize..2000, byte in any::<u8>()) {
        let root = TrustedRoot::public_good().unwrap();
        let der = root.certificate_authorities()[1].chain()[0].der().to_vec();
        let mut m = der.clone();
        let i = pos % m.len();
        m[i] = byte;
        let _ = Certificate::from_der(&m);
    }
}
