//! Sign and verify rates per key type, and the `.intoto.jsonl` case: 10,000 Ed25519 envelopes
//! parsed and verified with batch verification. `benches/sig-compare.sh` runs this next to
//! `openssl speed ed25519 ecdsap256` and prints the ratios.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use provenance::dsse::{
    Envelope, Limits, PayloadType, PayloadTypePolicy, Threshold, VerificationKey, pae, verify_many,
};
use provenance::keys::{KeyAlgorithm, PrivateKey};

/// A statement-sized payload (about 600 bytes), as signed in practice.
fn payload(n: usize) -> Vec<u8> {
    format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"app-{n}.tar.gz","digest":{{"sha256":"{}"}}}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"buildDefinition":{{"buildType":"https://example.com/build/v1","externalParameters":{{"ref":"refs/heads/main"}}}},"runDetails":{{"builder":{{"id":"https://example.com/builder"}},"metadata":{{"invocationId":"https://example.com/runs/{n}"}}}}}}}}"#,
        "ab".repeat(32)
    )
    .into_bytes()
}

const ALGORITHMS: [(KeyAlgorithm, &str); 3] = [
    (KeyAlgorithm::Ed25519, "ed25519"),
    (KeyAlgorithm::EcdsaP256, "ecdsa-p256"),
    (KeyAlgorithm::EcdsaP384, "ecdsa-p384"),
];

fn sign_and_verify(c: &mut Criterion) {
    let message = pae("application/vnd.in-toto+json", &payload(0));
    let mut sign = c.benchmark_group("sign");
    sign.throughput(Throughput::Elements(1));
    for (algorithm, name) in ALGORITHMS {
        let Ok(key) = PrivateKey::generate(algorithm) else {
            return;
        };
        sign.bench_function(name, |b| b.iter(|| key.sign(black_box(&message))));
    }
    sign.finish();

    let mut verify = c.benchmark_group("verify");
    verify.throughput(Throughput::Elements(1));
    for (algorithm, name) in ALGORITHMS {
        let Ok(key) = PrivateKey::generate(algorithm) else {
            return;
        };
        let Ok(sig) = key.sign(&message) else { return };
        let public = key.public_key().clone();
        verify.bench_function(name, |b| {
            b.iter(|| public.verify_signature(black_box(&message), black_box(&sig)));
        });
    }
    verify.finish();
}

/// 10,000 envelopes signed by one Ed25519 key, as the lines of one `.intoto.jsonl`.
fn jsonl(key: &PrivateKey, count: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for n in 0..count {
        let Ok(env) = Envelope::sign(PayloadType::in_toto(), payload(n), &[key]) else {
            return out;
        };
        out.extend_from_slice(env.to_json().as_bytes());
        out.push(b'\n');
    }
    out
}

fn many_envelopes(c: &mut Criterion) {
    const COUNT: usize = 10_000;
    let Ok(key) = PrivateKey::generate(KeyAlgorithm::Ed25519) else {
        return;
    };
    let file = jsonl(&key, COUNT);
    let parse = |bytes: &[u8]| -> Vec<Envelope> {
        bytes
            .split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .filter_map(|line| Envelope::from_slice(line, &Limits::DEFAULT).ok())
            .collect()
    };
    let envelopes = parse(&file);
    let keys: [&dyn VerificationKey; 1] = [key.public_key()];

    let mut group = c.benchmark_group("jsonl_10k_ed25519");
    group.sample_size(10);
    group.throughput(Throughput::Elements(COUNT as u64));
    group.bench_function("verify_one_by_one", |b| {
        b.iter(|| {
            envelopes
                .iter()
                .filter(|e| {
                    e.verify(&PayloadTypePolicy::InToto, &keys, Threshold::ONE)
                        .is_ok()
                })
                .count()
        });
    });
    group.bench_function("verify_many_batch", |b| {
        b.iter(|| {
            verify_many(
                &envelopes,
                &PayloadTypePolicy::InToto,
                &keys,
                Threshold::ONE,
            )
        });
    });
    group.bench_function("parse_and_verify_many", |b| {
        b.iter(|| {
            let parsed = parse(black_box(&file));
            verify_many(&parsed, &PayloadTypePolicy::InToto, &keys, Threshold::ONE)
        });
    });
    group.finish();
}

criterion_group!(benches, sign_and_verify, many_envelopes);
criterion_main!(benches);
