//! Incremental hashers and the reader -> hasher-threads pipeline.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use ring::digest::{Context, SHA384, SHA512, SHA512_256};
use sha1::Sha1;
use sha2::{Digest as _, Sha224, Sha256, Sha512_224};

use crate::{Algorithm, DigestSet, Error, Progress};

/// One running hash function.
///
/// SHA-256 (and -224, SHA-1) come from the `RustCrypto` crates (`sha2` uses the x86 SHA extensions
/// when the CPU has them).
/// The SHA-512 family comes from `ring`, the fastest SHA-512 of the candidates allowed here on
/// this kind of CPU (AMD Zen 4: no SHA-512 instructions): in one process, round-robin, ring
/// takes 1.35x the time of OpenSSL's AVX2 code, `sha2`'s AVX2 backend 1.43x, aws-lc-rs 1.45x
/// (BoringSSL-derived code takes its AVX path on Intel CPUs only); see
/// `benches/sha512-backends` and `benches/benches/digest.rs` (`in_memory`).
/// `ring` has no SHA-512/224, so that one stays with `sha2`.
#[derive(Clone)]
pub(crate) enum AnyHasher {
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Context),
    Sha512(Context),
    Sha512_224(Sha512_224),
    Sha512_256(Context),
    /// A git blob object id, SHA-1 form: the header is already fed.
    GitBlob(Sha1),
}

impl AnyHasher {
    /// `len` is the total input length; required for `GitBlob` only.
    pub(crate) fn new(
        algorithm: Algorithm,
        len: Option<u64>,
        input: &'static str,
    ) -> Result<Self, Error> {
        let hasher = match algorithm {
            Algorithm::Sha1 => Self::Sha1(Sha1::new()),
            Algorithm::Sha224 => Self::Sha224(Sha224::new()),
            Algorithm::Sha256 => Self::Sha256(Sha256::new()),
            Algorithm::Sha384 => Self::Sha384(Context::new(&SHA384)),
            Algorithm::Sha512 => Self::Sha512(Context::new(&SHA512)),
            Algorithm::Sha512_224 => Self::Sha512_224(Sha512_224::new()),
            Algorithm::Sha512_256 => Self::Sha512_256(Context::new(&SHA512_256)),
            Algorithm::GitBlob => {
                let Some(len) = len else {
                    return Err(Error::UnsupportedInput {
                        algorithm,
                        input: "a stream of unknown length",
                    });
                };
                let mut sha1 = Sha1::new();
                sha1.update(format!("blob {len}\0").as_bytes());
                Self::GitBlob(sha1)
            }
            Algorithm::DirHash => return Err(Error::UnsupportedInput { algorithm, input }),
        };
        Ok(hasher)
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        match self {
            Self::Sha1(_) => Algorithm::Sha1,
            Self::Sha224(_) => Algorithm::Sha224,
            Self::Sha256(_) => Algorithm::Sha256,
            Self::Sha384(_) => Algorithm::Sha384,
            Self::Sha512(_) => Algorithm::Sha512,
            Self::Sha512_224(_) => Algorithm::Sha512_224,
            Self::Sha512_256(_) => Algorithm::Sha512_256,
            Self::GitBlob(_) => Algorithm::GitBlob,
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) | Self::GitBlob(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) | Self::Sha512(h) | Self::Sha512_256(h) => h.update(data),
            Self::Sha512_224(h) => h.update(data),
        }
    }

    pub(crate) fn finalize_hex(self) -> String {
        match self {
            Self::Sha1(h) | Self::GitBlob(h) => hex::encode(h.finalize()),
            Self::Sha224(h) => hex::encode(h.finalize()),
            Self::Sha256(h) => hex::encode(h.finalize()),
            Self::Sha384(h) | Self::Sha512(h) | Self::Sha512_256(h) => hex::encode(h.finish()),
            Self::Sha512_224(h) => hex::encode(h.finalize()),
        }
    }
}

/// Creates one hasher per algorithm.
pub(crate) fn hashers(
    algorithms: &[Algorithm],
    len: Option<u64>,
    input: &'static str,
) -> Result<Vec<AnyHasher>, Error> {
    algorithms
        .iter()
        .map(|a| AnyHasher::new(*a, len, input))
        .collect()
}

/// Finishes every hasher into a digest set.
pub(crate) fn finish(hashers: Vec<AnyHasher>) -> Result<DigestSet, Error> {
    let mut set = DigestSet::new();
    for hasher in hashers {
        let algorithm = hasher.algorithm();
        set.insert(algorithm.name(), &hasher.finalize_hex())?;
    }
    Ok(set)
}

/// Reads until `buf` is full or the end of the input; returns the number of bytes read.
pub(crate) fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..) {
        if rest.is_empty() {
            break;
        }
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Why a stream could not be hashed: the caller names the input.
pub(crate) enum StreamError {
    Io(io::Error),
    Worker(String),
}

/// Settings of one streaming run.
pub(crate) struct StreamSettings<'a> {
    pub(crate) buffer_size: usize,
    pub(crate) buffers: usize,
    /// Inputs known to be shorter than this are hashed on the calling thread.
    pub(crate) inline_below: u64,
    pub(crate) known_len: Option<u64>,
    pub(crate) progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

/// Hashes everything `reader` yields with every hasher; returns the hashers and the byte count.
///
/// Short inputs are hashed on the calling thread. Longer ones use one thread per hasher, fed by the
/// calling thread through a small pool of recycled buffers (memory stays at
/// `buffers * buffer_size` whatever the input size).
pub(crate) fn hash_stream(
    reader: &mut impl Read,
    mut hashers: Vec<AnyHasher>,
    settings: &StreamSettings<'_>,
) -> Result<(Vec<AnyHasher>, u64), StreamError> {
    let report = |done: u64| {
        if let Some(progress) = settings.progress {
            progress(Progress {
                done,
                total: settings.known_len,
            });
        }
    };
    let small = settings
        .known_len
        .is_some_and(|len| len < settings.inline_below);
    let first_size = match settings.known_len {
        // +1 so that the end of a small file is seen in one buffer.
        Some(len) if small => {
            usize::try_from(len).map_or(settings.buffer_size, |len| len.saturating_add(1))
        }
        _ => settings.buffer_size,
    }
    .max(1);
    let mut buf = vec![0u8; first_size];
    let n = read_full(reader, &mut buf).map_err(StreamError::Io)?;
    let mut total = n as u64;
    let at_end = n < buf.len();
    if at_end || small || hashers.is_empty() {
        // Inline: the whole input in this thread.
        let mut n = n;
        loop {
            let data = buf.get(..n).unwrap_or_default();
            for hasher in &mut hashers {
                hasher.update(data);
            }
            report(total);
            if n < buf.len() {
                break;
            }
            n = read_full(reader, &mut buf).map_err(StreamError::Io)?;
            if n == 0 {
                break;
            }
            total += n as u64;
        }
        return Ok((hashers, total));
    }
    report(total);
    pipeline(reader, hashers, buf, total, settings, &report)
}

fn pipeline(
    reader: &mut impl Read,
    hashers: Vec<AnyHasher>,
    first: Vec<u8>,
    mut total: u64,
    settings: &StreamSettings<'_>,
    report: &dyn Fn(u64),
) -> Result<(Vec<AnyHasher>, u64), StreamError> {
    let pool = settings.buffers.max(2);
    let (free_tx, free_rx) = sync_channel::<Vec<u8>>(pool);
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(hashers.len());
        let mut workers = Vec::with_capacity(hashers.len());
        for mut hasher in hashers {
            let (tx, rx) = sync_channel::<Arc<Vec<u8>>>(pool);
            let free_tx = free_tx.clone();
            let worker = std::thread::Builder::new()
                .name("provenance-digest-hasher".into())
                .spawn_scoped(scope, move || {
                    for chunk in rx {
                        hasher.update(&chunk);
                        // The last hasher done with a buffer gives it back to the reader.
                        if let Some(buf) = Arc::into_inner(chunk) {
                            let _ = free_tx.send(buf);
                        }
                    }
                    hasher
                })
                .map_err(|e| StreamError::Worker(e.to_string()))?;
            senders.push(tx);
            workers.push(worker);
        }
        drop(free_tx);
        let send = |chunk: Vec<u8>| -> Result<(), StreamError> {
            let stopped = |_| StreamError::Worker("a hasher thread stopped".into());
            // The reader keeps no reference: the last hasher done with the chunk recycles it.
            let chunk = Arc::new(chunk);
            if let Some((last, others)) = senders.split_last() {
                for tx in others {
                    tx.send(Arc::clone(&chunk)).map_err(stopped)?;
                }
                last.send(chunk).map_err(stopped)?;
            }
            Ok(())
        };
        send(first)?;
        let mut allocated = 1;
        loop {
            let mut buf = if allocated < pool {
                allocated += 1;
                vec![0u8; settings.buffer_size]
            } else {
                free_rx
                    .recv()
                    .map_err(|_| StreamError::Worker("hasher threads stopped".into()))?
            };
            let n = read_full(reader, &mut buf).map_err(StreamError::Io)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            let at_end = n < buf.len();
            buf.truncate(n);
            send(buf)?;
            report(total);
            if at_end {
                break;
            }
        }
        drop(senders);
        let mut done = Vec::with_capacity(workers.len());
        for worker in workers {
            done.push(
                worker
                    .join()
                    .map_err(|_| StreamError::Worker("a hasher thread panicked".into()))?,
            );
        }
        Ok((done, total))
    })
}
