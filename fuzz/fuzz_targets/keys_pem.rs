//! PEM / PKCS#8 / SEC1 / PKCS#1 / cosign key parsing never panics (nor hangs on a hostile
//! encryption cost: the scrypt bound is part of what this target exercises).
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_keys::{Password, PrivateKey, PublicKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PublicKey::from_pem(text);
    let _ = PrivateKey::from_pem(text, None);
    let _ = PrivateKey::from_pem(text, Some(&Password::new("fuzz")));
    let _ = PublicKey::from_spki_der(data);
});
