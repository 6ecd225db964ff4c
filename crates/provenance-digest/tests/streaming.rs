//! Streaming hashing: every path (inline, pipeline, several algorithms) gives the one-shot answer.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test helpers: a failure is a test failure"
)]

use std::io::{self, Read, Write as _};
use std::sync::Mutex;

use provenance_digest::{
    Algorithm, Error, GitObjectFormat, Hasher, Progress, git_blob, hash_bytes,
};
use sha2::Digest as _;

/// Deterministic pseudo-random bytes.
fn data(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// A reader that returns short, irregular reads (as pipes do).
struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 7919 + 1;
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
}

#[test]
fn nist_abc_known_answers() {
    let set = hash_bytes(
        b"abc",
        &[
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha384,
            Algorithm::Sha512,
        ],
    )
    .unwrap();
    assert_eq!(
        set.get("sha1"),
        Some("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(
        set.get("sha256"),
        Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        set.get("sha384"),
        Some(
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        )
    );
    assert_eq!(
        set.get("sha512"),
        Some(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    );
}

#[test]
fn files_and_readers_of_every_size_match_one_shot_hashing() {
    let all = [
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Sha1,
        Algorithm::GitBlob,
    ];
    let dir = tempfile::tempdir().unwrap();
    // around the buffer size (4 KiB here) and above the 2 MiB inline limit (pipeline).
    for len in [
        0,
        1,
        4095,
        4096,
        4097,
        3 * 4096 + 5,
        (2 << 20) - 1,
        (2 << 20) + 1,
        (5 << 20) + 3,
    ] {
        let bytes = data(len);
        let expected = hash_bytes(&bytes, &all).unwrap();
        let path = dir.path().join(format!("f{len}"));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
        for buffer in [4096, 1 << 20] {
            let hasher = Hasher::new(&all).unwrap().with_buffer_size(buffer);
            assert_eq!(
                hasher.hash_file(&path).unwrap(),
                expected,
                "file of {len} bytes, buffer {buffer}"
            );
            assert_eq!(
                hasher
                    .hash_reader_with_len(
                        Dribble {
                            data: &bytes,
                            step: 0
                        },
                        len as u64
                    )
                    .unwrap(),
                expected,
                "reader of {len} bytes"
            );
            let no_git = Hasher::new(&[Algorithm::Sha256, Algorithm::Sha512])
                .unwrap()
                .with_buffer_size(buffer);
            let streamed = no_git
                .hash_reader(Dribble {
                    data: &bytes,
                    step: 0,
                })
                .unwrap();
            assert_eq!(
                streamed.get("sha512"),
                expected.get("sha512"),
                "stream of {len} bytes"
            );
        }
        let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
        assert_eq!(expected.get("sha256"), Some(sha256.as_str()));
        assert_eq!(
            expected.get("gitBlob").unwrap(),
            git_blob(&bytes, GitObjectFormat::Sha1)
        );
    }
}

#[test]
fn progress_reaches_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    let bytes = data(3 << 20);
    std::fs::write(&path, &bytes).unwrap();
    let seen = Mutex::new(Vec::new());
    let record = |p: Progress| seen.lock().unwrap().push(p);
    Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .with_progress(&record)
        .hash_file(&path)
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
    let last = seen.last().unwrap();
    assert_eq!((last.done, last.total), (3 << 20, Some(3 << 20)));
}

#[test]
fn errors_are_typed_and_name_the_path() {
    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_file("/nonexistent/x")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("x")),
        "{err:?}"
    );
    assert!(err.to_string().contains("/nonexistent/x"));

    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_reader(Failing)
        .unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err:?}");

    let err = Hasher::new(&[Algorithm::GitBlob])
        .unwrap()
        .hash_reader(&b"x"[..])
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnsupportedInput {
                algorithm: Algorithm::GitBlob,
                ..
            }
        ),
        "{err:?}"
    );

    let err = hash_bytes(b"x", &[Algorithm::DirHash]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnsupportedInput {
                algorithm: Algorithm::DirHash,
                ..
            }
        ),
        "{err:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_file(dir.path())
        .unwrap_err();
    assert!(matches!(err, Error::IsADirectory { .. }), "{err:?}");

    assert!(matches!(Hasher::new(&[]), Err(Error::NoAlgorithm)));

    let short = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_reader_with_len(&b"abc"[..], 4);
    assert!(matches!(short, Err(Error::Read { .. })), "{short:?}");
}
