//! Whatever a trusted key signs, the verification pipeline after the signature check (statement
//! and predicate parsing, subject matching, expectations, trace) never panics, and a PASS
//! really means the statement names the artifact and meets the expectations.
//!
//! The input is the payload; the target signs it with a fixed Ed25519 key (so every input gets
//! past the signature check) and verifies one artifact against it with expectations on builder,
//! source repository, ref and commit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provenance::digest::{Algorithm, DigestSet};
use provenance::dsse::Threshold;
use provenance::dsse::{Envelope, PayloadType};
use provenance::keys::PrivateKey;
use provenance::verify::rules::{BuilderRule, RefExpectation, SourceRepo};
use provenance::verify::{
    Artifact, AttestationFormat, AttestationSet, Engine, Expectations, KeyVerifier, Limits,
    OffsetDateTime, Origin, RawAttestation, TrustRoot, Verdict,
};

const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMECtAujNHwSEckI07V1F3Xsb8K0J9IgljlCC2cHQN2P\n-----END PRIVATE KEY-----\n";
const HEX: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

thread_local! {
    /// Key and verifier are built once (the verifier loads the embedded trusted root).
    static SETUP: (PrivateKey, Engine) = {
        let key = PrivateKey::from_pem(KEY, None).expect("fixed key");
        let mut expect = Expectations::default();
        expect.builder = BuilderRule::parse("https://ci.example.com/builders/release").ok();
        expect.source_repository = SourceRepo::parse("github.com/example/app").ok();
        expect.source_ref = Some(RefExpectation::Tag("v1.2.3".into()));
        expect.source_commit = Some("4d329c75e7ec2d4d1a4fa12d2d1a2f5e5b7f6a10".into());
        let verifier = Engine::new(vec![TrustRoot::new(
            "fuzz",
            Box::new(
                KeyVerifier::from_public_keys(vec![key.public_key().clone()], Threshold::ONE, None)
                    .expect("key verifier"),
            ),
            false,
        )])
        .expect("verifier")
            .with_overrides(expect);
        (key, verifier)
    };
}

fuzz_target!(|data: &[u8]| {
    SETUP.with(|(key, verifier)| check(key, verifier, data));
});

fn check(key: &PrivateKey, verifier: &Engine, data: &[u8]) {
    let Ok(envelope) = Envelope::sign(PayloadType::in_toto(), data.to_vec(), &[key]) else {
        return;
    };
    let mut set = AttestationSet::new();
    let origin = Origin::new("fuzz.intoto.jsonl", 1, None);
    set.push(
        RawAttestation::new(
            origin,
            AttestationFormat::Envelope,
            envelope.to_json().into_bytes(),
        ),
        &Limits::DEFAULT,
    )
    .expect("one attestation");
    let artifact = Artifact::new(
        "app",
        DigestSet::single(Algorithm::Sha256, HEX).expect("digest"),
    );
    let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    let Ok(report) = verifier.verify(&[artifact], &set, now) else {
        return;
    };
    for verdict in &report.artifacts {
        if verdict.verdict == Verdict::Pass {
            // A pass needs the subject digest and the expected commit in the signed bytes.
            let text = String::from_utf8_lossy(data).to_ascii_lowercase();
            let escaped = text.contains("\\u");
            assert!(
                text.contains(HEX) || escaped,
                "PASS without the subject digest"
            );
            assert!(
                text.contains("4d329c75e7ec2d4d1a4fa12d2d1a2f5e5b7f6a10") || escaped,
                "PASS without the expected commit"
            );
        }
    }
}
