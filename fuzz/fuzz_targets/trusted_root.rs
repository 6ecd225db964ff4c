//! trusted_root.json / ClientTrustConfig / JSONL-of-roots parsing never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = provenance_sigstore::TrustedRoot::from_json(data);
});
