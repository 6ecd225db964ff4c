//! Sigstore bundle parsing never panics; what parses serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_sigstore::Bundle;

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = Bundle::from_json(data) else {
        return;
    };
    let _ = bundle.to_json();
    let _ = bundle.tlog_entry_count();
});
