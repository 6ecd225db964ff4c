//! Test helpers: deterministic Ed25519 keys, statements and envelopes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, unreachable_pub)]

use std::sync::Arc;

use provenance_dsse::{
    Ed25519VerificationKey, Envelope, KeyId, PayloadType, SignerWithKeyId, Threshold,
};
use provenance_verify::{
    AttestationFormat, AttestationSet, KeyVerifier, Limits, Origin, RawAttestation, TrustRoot,
};
use serde_json::{Value, json};

pub fn signing_key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

pub fn key_root(name: &str, seed: u8) -> TrustRoot {
    let vk = Ed25519VerificationKey::new(
        format!("key-{seed}").parse().unwrap(),
        signing_key(seed).verifying_key(),
    );
    TrustRoot::new(
        name,
        Box::new(KeyVerifier::new(vec![Arc::new(vk)], Threshold::ONE)),
        false,
    )
}

pub fn sha(n: u32) -> String {
    format!("{n:064x}")
}

pub fn provenance(subjects: &[(&str, &str)], builder: &str, repo_uri: &str, commit: &str) -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects.iter().map(|(n, d)| json!({"name": n, "digest": {"sha256": d}})).collect::<Vec<_>>(),
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {"source": {"uri": repo_uri}, "release": true},
                "resolvedDependencies": [{"uri": repo_uri, "digest": {"gitCommit": commit}}]
            },
            "runDetails": {"builder": {"id": builder}, "metadata": {"invocationId": "https://ci.example.com/run/1", "startedOn": "2026-01-01T00:00:00Z", "finishedOn": "2026-01-01T00:10:00Z"}}
        }
    })
}

pub fn envelope_with(payload_type: &str, payload: &[u8], seed: u8) -> Vec<u8> {
    let signer = SignerWithKeyId::<_, ed25519_dalek::Signature>::new(
        signing_key(seed),
        Some(KeyId::try_from(format!("key-{seed}")).unwrap()),
    );
    let pt: PayloadType = payload_type.parse().unwrap();
    Envelope::sign(pt, payload.to_vec(), &[&signer])
        .unwrap()
        .to_json()
        .into_bytes()
}

pub fn envelope(statement: &Value, seed: u8) -> Vec<u8> {
    envelope_with(
        "application/vnd.in-toto+json",
        &serde_json::to_vec(statement).unwrap(),
        seed,
    )
}

pub fn set_of(envelopes: &[Vec<u8>]) -> AttestationSet {
    let mut set = AttestationSet::new();
    for (i, e) in envelopes.iter().enumerate() {
        set.push(
            RawAttestation::new(
                Origin::new("mem.intoto.jsonl", i + 1, None),
                AttestationFormat::Envelope,
                e.clone(),
            ),
            &Limits::DEFAULT,
        )
        .unwrap();
    }
    set
}
