//! The public hashing entry points.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::engine::{self, StreamError, StreamSettings};
use crate::{Algorithm, DigestSet, Error, Result};

/// Default size of one read buffer (1 MiB).
pub const DEFAULT_BUFFER_SIZE: usize = 1 << 20;
/// Number of buffers in flight per hashed stream: memory stays at about
/// `BUFFERS * buffer_size` whatever the input size.
const BUFFERS: usize = 4;
/// Inputs shorter than this are hashed on the calling thread (threads cost more than they gain).
const INLINE_BELOW: u64 = 2 << 20;

/// Progress of a hashing run: bytes hashed so far, out of `total` when it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes read so far.
    pub done: u64,
    /// Total bytes expected (file or tree size), `None` for streams.
    pub total: Option<u64>,
}

/// A configured hashing run: which algorithms, how many threads for trees, where to report
/// progress. Every input is read once, whatever the number of algorithms.
///
/// ```
/// use provenance_digest::{Algorithm, Hasher};
///
/// let set = Hasher::new(&[Algorithm::Sha256, Algorithm::GitBlob])?.hash_bytes(b"Hello")?;
/// assert_eq!(set.get("gitBlob"), Some("5ab2f8a4323abafb10abb68657d9d39f1a775057"));
/// # Ok::<(), provenance_digest::Error>(())
/// ```
#[derive(Clone)]
pub struct Hasher<'a> {
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) jobs: usize,
    pub(crate) buffer_size: usize,
    pub(crate) progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl std::fmt::Debug for Hasher<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithms", &self.algorithms)
            .field("jobs", &self.jobs)
            .field("buffer_size", &self.buffer_size)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl<'a> Hasher<'a> {
    /// A run computing `algorithms` (duplicates are ignored). Trees use as many threads as the
    /// machine has cores unless [`Hasher::with_jobs`] says otherwise.
    ///
    /// # Errors
    /// [`Error::NoAlgorithm`] when `algorithms` is empty.
    pub fn new(algorithms: &[Algorithm]) -> Result<Self> {
        let mut algorithms = algorithms.to_vec();
        algorithms.sort();
        algorithms.dedup();
        if algorithms.is_empty() {
            return Err(Error::NoAlgorithm);
        }
        let jobs = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Ok(Self {
            algorithms,
            jobs,
            buffer_size: DEFAULT_BUFFER_SIZE,
            progress: None,
        })
    }

    /// Number of files of a tree hashed in parallel (at least 1).
    #[must_use]
    pub fn with_jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Size of each read buffer (clamped to 4 KiB ..= 16 MiB). Memory use is a small multiple.
    #[must_use]
    pub fn with_buffer_size(mut self, bytes: usize) -> Self {
        self.buffer_size = bytes.clamp(4 << 10, 16 << 20);
        self
    }

    /// Calls `progress` as data is read: bytes done so far, and the total when known. For trees
    /// the figures cover the whole tree. The callback may be called from several threads.
    #[must_use]
    pub fn with_progress(mut self, progress: &'a (dyn Fn(Progress) + Sync)) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The algorithms computed, sorted.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    fn settings(&self, known_len: Option<u64>) -> StreamSettings<'a> {
        StreamSettings {
            buffer_size: self.buffer_size,
            buffers: BUFFERS,
            inline_below: INLINE_BELOW,
            known_len,
            progress: self.progress,
        }
    }

    /// Hashes a byte slice.
    ///
    /// # Errors
    /// [`Error::UnsupportedInput`] for `dirHash`.
    pub fn hash_bytes(&self, data: &[u8]) -> Result<DigestSet> {
        let mut hashers =
            engine::hashers(&self.algorithms, Some(data.len() as u64), "a byte string")?;
        for hasher in &mut hashers {
            hasher.update(data);
        }
        if let Some(progress) = self.progress {
            progress(Progress {
                done: data.len() as u64,
                total: Some(data.len() as u64),
            });
        }
        engine::finish(hashers)
    }

    /// Hashes everything a reader yields, in one pass.
    ///
    /// # Errors
    /// [`Error::Read`] when reading fails; [`Error::UnsupportedInput`] for `dirHash`, and for
    /// `gitBlob` (its header needs the length first: use [`Hasher::hash_reader_with_len`]).
    pub fn hash_reader(&self, mut reader: impl Read) -> Result<DigestSet> {
        let hashers = engine::hashers(&self.algorithms, None, "a stream")?;
        let (hashers, _) = engine::hash_stream(&mut reader, hashers, &self.settings(None))
            .map_err(stream_error(None))?;
        engine::finish(hashers)
    }

    /// Hashes a reader that yields exactly `len` bytes (which allows `gitBlob`).
    ///
    /// # Errors
    /// [`Error::Read`] when reading fails or the reader does not yield exactly `len` bytes;
    /// [`Error::UnsupportedInput`] for `dirHash`.
    pub fn hash_reader_with_len(&self, reader: impl Read, len: u64) -> Result<DigestSet> {
        let mut reader = reader.take(len.saturating_add(1));
        let hashers = engine::hashers(&self.algorithms, Some(len), "a stream")?;
        let (hashers, read) = engine::hash_stream(&mut reader, hashers, &self.settings(Some(len)))
            .map_err(stream_error(None))?;
        if read != len {
            return Err(Error::Read {
                source: std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("expected {len} bytes, the stream had {read}"),
                ),
            });
        }
        engine::finish(hashers)
    }

    /// Hashes one file (or anything `open` can read: a FIFO, `/dev/stdin`).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path; [`Error::IsADirectory`] (use [`Hasher::hash_tree`]);
    /// [`Error::FileChanged`] when a `gitBlob` was asked for and the size changed while reading;
    /// [`Error::UnsupportedInput`] for `dirHash`.
    pub fn hash_file(&self, path: impl AsRef<Path>) -> Result<DigestSet> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let metadata = file.metadata().map_err(io)?;
        if metadata.is_dir() {
            return Err(Error::IsADirectory {
                path: path.to_path_buf(),
            });
        }
        let known_len = metadata.is_file().then_some(metadata.len());
        let hashers = engine::hashers(&self.algorithms, known_len, "a file of unknown size")?;
        let (hashers, read) = engine::hash_stream(&mut file, hashers, &self.settings(known_len))
            .map_err(stream_error(Some(path)))?;
        if let Some(expected) = known_len
            && expected != read
            && self.algorithms.contains(&Algorithm::GitBlob)
        {
            return Err(Error::FileChanged {
                path: path.to_path_buf(),
                expected,
                actual: read,
            });
        }
        engine::finish(hashers)
    }
}

/// Maps a pipeline failure to the crate error, naming the path when there is one.
fn stream_error(path: Option<&Path>) -> impl Fn(StreamError) -> Error + '_ {
    move |e| match e {
        StreamError::Io(source) => match path {
            Some(path) => Error::Io {
                path: path.to_path_buf(),
                source,
            },
            None => Error::Read { source },
        },
        StreamError::Worker(reason) => Error::Worker { reason },
    }
}

/// Hashes a byte slice with the given algorithms. See [`Hasher::hash_bytes`].
///
/// # Errors
/// As [`Hasher::new`] and [`Hasher::hash_bytes`].
pub fn hash_bytes(data: &[u8], algorithms: &[Algorithm]) -> Result<DigestSet> {
    Hasher::new(algorithms)?.hash_bytes(data)
}

/// Hashes a reader with the given algorithms. See [`Hasher::hash_reader`].
///
/// # Errors
/// As [`Hasher::new`] and [`Hasher::hash_reader`].
pub fn hash_reader(reader: impl Read, algorithms: &[Algorithm]) -> Result<DigestSet> {
    Hasher::new(algorithms)?.hash_reader(reader)
}

/// Hashes a file with the given algorithms. See [`Hasher::hash_file`].
///
/// # Errors
/// As [`Hasher::new`] and [`Hasher::hash_file`].
pub fn hash_file(path: impl AsRef<Path>, algorithms: &[Algorithm]) -> Result<DigestSet> {
    Hasher::new(algorithms)?.hash_file(path)
}
