//! DSSE envelope parsing and verification never panic; verification of random input never passes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance_dsse::{Envelope, Limits, PayloadTypePolicy, Threshold};

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = Envelope::from_slice(data, &Limits::DEFAULT) else {
        return;
    };
    let _ = envelope.to_json();
    let key = provenance_keys::PrivateKey::from_pem(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMECtAujNHwSEckI07V1F3Xsb8K0J9IgljlCC2cHQN2P\n-----END PRIVATE KEY-----\n",
        None,
    )
    .expect("fixed test key");
    let public = key.public_key().clone();
    let result = envelope.verify(&PayloadTypePolicy::InToto, &[&public], Threshold::ONE);
    assert!(result.is_err(), "random input verified under a fixed key");
});
