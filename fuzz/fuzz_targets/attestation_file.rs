//! Reading an attestation file (JSON Lines or one pretty-printed document; DSSE envelopes,
//! envelopes with a `cert`, Sigstore bundles, npm attestation documents, unrecognised lines)
//! and verifying it under a fixed key never panics and never passes for random input.
#![no_main]

use std::io::Write as _;

use libfuzzer_sys::fuzz_target;
use provenance::digest::{Algorithm, DigestSet};
use provenance::dsse::Threshold;
use provenance::keys::PrivateKey;
use provenance::verify::{
    Artifact, AttestationSet, Engine, KeyVerifier, Limits, OffsetDateTime, TrustRoot, Verdict,
};

const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMECtAujNHwSEckI07V1F3Xsb8K0J9IgljlCC2cHQN2P\n-----END PRIVATE KEY-----\n";

thread_local! {
    /// The verifier, built once (it loads the embedded trusted root).
    static VERIFIER: Engine = {
        let key = PrivateKey::from_pem(KEY, None).expect("fixed key");
        Engine::new(vec![TrustRoot::new(
            "fuzz",
            Box::new(
                KeyVerifier::from_public_keys(vec![key.public_key().clone()], Threshold::ONE, None)
                    .expect("key verifier"),
            ),
            false,
        )])
        .expect("verifier")
    };
}

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("provenance-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("input.intoto.jsonl");
    {
        let mut f = std::fs::File::create(&path).expect("temp file");
        f.write_all(data).expect("write");
    }
    let limits = Limits::DEFAULT
        .with_max_line_bytes(1 << 20)
        .with_max_lines(10_000);
    let mut set = AttestationSet::new();
    if set.add_file(&path, &limits).is_err() {
        return;
    }
    let artifact = Artifact::new(
        "app",
        DigestSet::single(
            Algorithm::Sha256,
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
        )
        .expect("digest"),
    );
    let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    VERIFIER.with(|verifier| {
        if let Ok(report) = verifier.verify(&[artifact], &set, now) {
            for verdict in &report.artifacts {
                assert!(
                    verdict.verdict != Verdict::Pass,
                    "random input passed under a fixed key"
                );
            }
        }
    });
});
