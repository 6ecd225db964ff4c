//! Verifying a `.intoto.jsonl` of 10,000 and 100,000 Ed25519-signed SLSA statements through the
//! facade (`Verifier::builder()`), as `provenance verify --attestation FILE sha256:HEX` does:
//! the file read line by line and verified in batches for the artifact known up front, then
//! the artifact judged. Time here;
//! peak memory (issue #11: at most 3x the input) in `benches/memory.sh`, over the same kind of
//! input, and as a bound in `crates/provenance/tests/memory.rs`.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use provenance::digest::{Algorithm, DigestSet};
use provenance::dsse::{Envelope, PayloadType};
use provenance::keys::{KeyAlgorithm, PrivateKey};
use provenance::verify::{Artifact, OffsetDateTime};
use provenance::{KeyRoot, Verdict, Verifier};
use provenance_testkit::statements::{series_digest, series_statement};

/// Writes `count` signed statements to `path`, one envelope per line.
fn write_jsonl(path: &Path, key: &PrivateKey, count: usize) -> std::io::Result<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for n in 0..count {
        let envelope = Envelope::sign(PayloadType::in_toto(), series_statement(n), &[key])
            .map_err(std::io::Error::other)?;
        writeln!(out, "{}", envelope.to_json())?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn verify_jsonl(c: &mut Criterion) {
    let Ok(key) = PrivateKey::generate(KeyAlgorithm::Ed25519) else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let Ok(gate) = Verifier::builder()
        .key_root(KeyRoot::new(vec![key.public_key().clone()]))
        .build()
    else {
        return;
    };
    let Ok(digest) = DigestSet::single(Algorithm::Sha256, &series_digest(0)) else {
        return;
    };
    let artifact = Artifact::new("app0.tar.gz", digest);
    let mut group = c.benchmark_group("verify_jsonl_ed25519");
    // A 100k-line run takes seconds: few samples, each one run.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    for count in [10_000, 100_000] {
        let path = dir.path().join(format!("{count}.intoto.jsonl"));
        let Ok(bytes) = write_jsonl(&path, &key, count) else {
            return;
        };
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("{count}_lines"), |b| {
            b.iter(|| {
                let now = OffsetDateTime::now_utc();
                // As `provenance verify ... sha256:HEX`: the artifact known up front.
                let mut verification = gate
                    .verification(now)
                    .for_artifacts(std::slice::from_ref(&artifact));
                let read = verification.add_file(&path);
                let verified = verification.finish();
                let passed = gate
                    .evaluate(std::slice::from_ref(&artifact), &verified, now)
                    .is_ok_and(|r| r.artifacts.iter().all(|a| a.verdict == Verdict::Pass));
                assert!(read.is_ok() && passed && verified.verified_count() == count);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, verify_jsonl);
criterion_main!(benches);
