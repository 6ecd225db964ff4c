//! Sigstore bundle parsing never panics, in every input format the crate reads (bundle
//! v0.1-v0.3, npm attestations documents, PEP 740 attestations, PyPI provenance objects, cosign
//! legacy bundles); what parses serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_sigstore::Bundle;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_json(data) {
        let _ = bundle.to_json();
        let _ = bundle.tlog_entry_count();
    }
    if let Ok(bundles) = Bundle::from_npm_attestations(data) {
        for (_, bundle) in bundles {
            let _ = bundle.to_json();
        }
    }
    if let Ok(bundle) = Bundle::from_pep740_attestation(data) {
        let _ = bundle.to_json();
    }
    if let Ok(bundles) = Bundle::from_pypi_provenance(data) {
        for bundle in bundles {
            let _ = bundle.to_json();
        }
    }
    if let Ok(bundle) = Bundle::from_cosign_bundle(data) {
        let _ = bundle.to_json();
    }
});
