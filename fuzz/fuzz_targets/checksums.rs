//! sha256sum-format (and base64-wrapped) checksum lists never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = provenance_context::parse_checksums(data, "fuzz");
});
