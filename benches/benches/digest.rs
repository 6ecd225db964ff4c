//! Hashing benchmarks (issue 2). Compare within one run; the machine is noisy.
//!
//! - `in_memory`: SHA-256 / SHA-512 of a 64 MiB buffer with sha2 (what the crate uses) and ring.
//! - `file_256mib`: a hot 256 MiB file through `Hasher::hash_file` with several buffer sizes,
//!   SHA-256 alone, SHA-512 alone and SHA-256 + SHA-512 (computed concurrently).
//! - `tree`: 2,000 files of 1-200 KiB, `--jobs` 1 vs 2.
//!
//! `benches/compare.sh` times the release CLI against `openssl dgst` / `sha256sum`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark setup: a failure aborts the run"
)]

use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use provenance_digest::{Algorithm, Hasher};
use sha2::Digest as _;

/// Deterministic pseudo-random bytes (xorshift), fast enough for GiB-sized inputs.
fn fill(buf: &mut [u8], seed: u64) {
    let mut x = seed | 1;
    for chunk in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        chunk.copy_from_slice(bytes.get(..chunk.len()).unwrap());
    }
}

fn in_memory(c: &mut Criterion) {
    let mut data = vec![0u8; 64 << 20];
    fill(&mut data, 1);
    let mut group = c.benchmark_group("in_memory");
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("sha256/sha2", |b| {
        b.iter(|| sha2::Sha256::digest(black_box(&data)));
    });
    group.bench_function("sha256/ring", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(&data)));
    });
    group.bench_function("sha512/sha2", |b| {
        b.iter(|| sha2::Sha512::digest(black_box(&data)));
    });
    group.bench_function("sha512/ring", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA512, black_box(&data)));
    });
    group.finish();
}

fn write_file(path: &Path, len: usize) {
    let mut file = std::fs::File::create(path).unwrap();
    let mut chunk = vec![0u8; 1 << 20];
    for i in 0..len.div_ceil(chunk.len()) {
        fill(&mut chunk, i as u64 + 7);
        let n = chunk.len().min(len - i * chunk.len());
        file.write_all(chunk.get(..n).unwrap()).unwrap();
    }
}

fn large_file(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("artifact.bin");
    let len = 256 << 20;
    write_file(&path, len);
    let mut group = c.benchmark_group("file_256mib");
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(len as u64));
    for kib in [128, 256, 1024, 4096] {
        group.bench_function(format!("sha256/buffer_{kib}k"), |b| {
            let hasher = Hasher::new(&[Algorithm::Sha256])
                .unwrap()
                .with_buffer_size(kib << 10);
            b.iter(|| hasher.hash_file(&path).unwrap());
        });
    }
    let cases: [(&str, &[Algorithm]); 3] = [
        ("sha512", &[Algorithm::Sha512]),
        ("sha256+sha512", &[Algorithm::Sha256, Algorithm::Sha512]),
        (
            "sha256+sha1+gitBlob",
            &[Algorithm::Sha256, Algorithm::Sha1, Algorithm::GitBlob],
        ),
    ];
    for (name, algorithms) in cases {
        group.bench_function(name, |b| {
            let hasher = Hasher::new(algorithms).unwrap();
            b.iter(|| hasher.hash_file(&path).unwrap());
        });
    }
    group.finish();
}

fn tree(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut total = 0u64;
    let mut buf = vec![0u8; 200 << 10];
    for i in 0..2000u64 {
        let len = 1024 + (i * 7919 % (199 << 10)) as usize;
        fill(&mut buf, i);
        let sub = dir.path().join(format!("d{:02}", i % 50));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join(format!("f{i}")), buf.get(..len).unwrap()).unwrap();
        total += len as u64;
    }
    let mut group = c.benchmark_group("tree_2000_files");
    group.sample_size(10).throughput(Throughput::Bytes(total));
    for jobs in [1, 2] {
        group.bench_function(format!("sha256/jobs_{jobs}"), |b| {
            let hasher = Hasher::new(&[Algorithm::Sha256]).unwrap().with_jobs(jobs);
            b.iter(|| hasher.hash_tree(dir.path()).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, in_memory, large_file, tree);
criterion_main!(benches);
