//! Directory trees: deterministic walk, parallel hashing, `dirHash`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::Digest as _;

use crate::engine::{self, read_full};
use crate::{Algorithm, DigestSet, Error, Hasher, Progress, Result};

/// Read buffer of each tree worker: trees are hashed one file per thread, inline.
const TREE_BUFFER: usize = 256 << 10;

/// Why an entry of a tree was not hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A symbolic link (inside the tree) to a directory: not followed, to keep the walk finite.
    SymlinkToDirectory,
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A block device.
    BlockDevice,
    /// A character device.
    CharDevice,
    /// Any other kind of special file.
    Other,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::SymlinkToDirectory => "symbolic link to a directory (not followed)",
            Self::Fifo => "named pipe",
            Self::Socket => "socket",
            Self::BlockDevice => "block device",
            Self::CharDevice => "character device",
            Self::Other => "special file",
        })
    }
}

/// An entry of a tree that was skipped, with the reason (for the caller to warn about).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Path relative to the tree root.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// One regular file of a tree (or a directory that could not be listed) and its digests.
#[derive(Debug)]
pub struct TreeEntry {
    /// Path relative to the tree root, `/`-separated.
    pub path: PathBuf,
    /// The digests, or why this entry could not be read (the rest of the tree is still hashed).
    pub result: Result<DigestSet>,
}

/// The result of [`Hasher::hash_tree`]: every regular file, sorted by path bytes, and what was
/// skipped.
#[derive(Debug)]
pub struct TreeDigest {
    root: PathBuf,
    entries: Vec<TreeEntry>,
    skipped: Vec<Skipped>,
}

impl TreeDigest {
    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The files, sorted by the bytes of their relative paths (the order Go's `sort.Strings`
    /// gives, and `LC_ALL=C sort`).
    pub fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    /// The files, as [`entries`](Self::entries), taken out of the result.
    pub fn into_entries(self) -> Vec<TreeEntry> {
        self.entries
    }

    /// Entries that were not hashed: special files and links to directories.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Number of entries that could not be read.
    pub fn failures(&self) -> usize {
        self.entries.iter().filter(|e| e.result.is_err()).count()
    }

    /// The in-toto `dirHash` of the tree: Go's dirhash `Hash1` (the SHA-256 of the lines
    /// `"<sha256 hex>  <relative path>\n"` of every file, sorted by path), in lowercase hex.
    /// Requires that the tree was hashed with SHA-256 (or `dirHash`).
    ///
    /// # Errors
    /// [`Error::IncompleteTree`] if some entry failed or lacks SHA-256;
    /// [`Error::NewlineInFileName`] as Go's implementation.
    pub fn dir_hash(&self) -> Result<String> {
        let failed = self
            .entries
            .iter()
            .filter(|e| !matches!(&e.result, Ok(set) if set.get("sha256").is_some()))
            .count();
        if failed > 0 {
            return Err(Error::IncompleteTree {
                root: self.root.clone(),
                failed,
            });
        }
        let lines = self.entries.iter().map(|entry| {
            let sha256 = entry
                .result
                .as_ref()
                .ok()
                .and_then(|s| s.get("sha256"))
                .unwrap_or_default();
            (entry.path.as_os_str().as_encoded_bytes(), sha256)
        });
        summary_hash(lines).map_err(|name| Error::NewlineInFileName {
            path: self.root.join(name),
        })
    }
}

/// Go dirhash `Hash1` over `(path bytes, sha256 hex)`: sorts by path, refuses newlines (returning
/// the offending name).
fn summary_hash<'a>(
    files: impl IntoIterator<Item = (&'a [u8], &'a str)>,
) -> Result<String, PathBuf> {
    let mut files: Vec<(&[u8], &str)> = files.into_iter().collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut summary = sha2::Sha256::new();
    for (name, sha256) in files {
        if name.contains(&b'\n') {
            return Err(PathBuf::from(String::from_utf8_lossy(name).into_owned()));
        }
        summary.update(sha256.as_bytes());
        summary.update(b"  ");
        summary.update(name);
        summary.update(b"\n");
    }
    Ok(hex::encode(summary.finalize()))
}

/// The in-toto `dirHash` from already known file digests: `(relative /-separated path,
/// sha256 lowercase hex)` pairs, in any order (they are sorted by path bytes, as Go's `Hash1`
/// does).
///
/// ```
/// // The go module github.com/marklodato/go-hello-world@v0.0.1, from the in-toto spec.
/// let p = "github.com/marklodato/go-hello-world@v0.0.1/";
/// let files = [
///     (format!("{p}main.go"), "ddc4da627d9a9f45fb29641a1b185d6f53287ecfd921aacbf4fe54b7a86fe8d1"),
///     (format!("{p}README.md"), "3a137eef6458bfb76bb2c63fc29ffc7166604d2d2e09ed9d8250a534122a8364"),
///     (format!("{p}go.mod"), "28e7c942a036902d981759d0bf5704d2bfc7cb500caf68b84711b234af01c6a5"),
/// ];
/// let dir_hash = provenance_digest::dir_hash_of(files.iter().map(|(p, h)| (p.as_str(), *h)))?;
/// assert_eq!(dir_hash, "2a1bb6127fb481c60f67692e22285fb306f3c6ffe62075e0ccf674d7c3adcb8f");
/// # Ok::<(), provenance_digest::Error>(())
/// ```
///
/// # Errors
/// [`Error::NewlineInFileName`]; [`Error::InvalidDigest`] when a value is not a SHA-256 hex.
pub fn dir_hash_of<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<String> {
    let files: Vec<(&str, &str)> = files.into_iter().collect();
    for (_, sha256) in &files {
        DigestSet::single(Algorithm::Sha256, sha256)?;
    }
    summary_hash(
        files
            .iter()
            .map(|(name, sha256)| (name.as_bytes(), *sha256)),
    )
    .map_err(|path| Error::NewlineInFileName { path })
}

/// A regular file found by the walk.
struct Found {
    relative: PathBuf,
    full: PathBuf,
    len: u64,
}

fn skip_reason(file_type: fs::FileType) -> SkipReason {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return SkipReason::Fifo;
        }
        if file_type.is_socket() {
            return SkipReason::Socket;
        }
        if file_type.is_block_device() {
            return SkipReason::BlockDevice;
        }
        if file_type.is_char_device() {
            return SkipReason::CharDevice;
        }
    }
    let _ = file_type;
    SkipReason::Other
}

/// Follows a symbolic link found in the tree: a file inside the tree is hashed under the link's
/// name, a directory is skipped, anything outside the tree refuses the whole tree.
fn resolve_link(
    root: &Path,
    canonical_root: &Path,
    relative: PathBuf,
    full: PathBuf,
    found: &mut Vec<Found>,
    skipped: &mut Vec<Skipped>,
) -> Result<()> {
    let target = match fs::canonicalize(&full) {
        Ok(target) => target,
        Err(source) => return Err(Error::Io { path: full, source }),
    };
    if !target.starts_with(canonical_root) {
        return Err(Error::SymlinkEscapesRoot {
            path: full,
            root: root.to_path_buf(),
            target,
        });
    }
    let metadata = match fs::metadata(&target) {
        Ok(metadata) => metadata,
        Err(source) => return Err(Error::Io { path: full, source }),
    };
    if metadata.is_file() {
        found.push(Found {
            relative,
            full,
            len: metadata.len(),
        });
    } else if metadata.is_dir() {
        skipped.push(Skipped {
            path: relative,
            reason: SkipReason::SymlinkToDirectory,
        });
    } else {
        skipped.push(Skipped {
            path: relative,
            reason: skip_reason(metadata.file_type()),
        });
    }
    Ok(())
}

/// Lists the tree: regular files (and links to files inside the tree), sorted by path bytes.
fn walk(
    root: &Path,
    entries: &mut Vec<TreeEntry>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Found>> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let metadata = fs::metadata(root).map_err(io(root))?;
    if !metadata.is_dir() {
        return Err(Error::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    let canonical_root = fs::canonicalize(root).map_err(io(root))?;
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative_dir) = pending.pop() {
        let dir = root.join(&relative_dir);
        let listing = match fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(source) => {
                entries.push(TreeEntry {
                    path: relative_dir,
                    result: Err(Error::Io { path: dir, source }),
                });
                continue;
            }
        };
        for item in listing {
            let item = match item {
                Ok(item) => item,
                Err(source) => {
                    entries.push(TreeEntry {
                        path: relative_dir.clone(),
                        result: Err(Error::Io {
                            path: dir.clone(),
                            source,
                        }),
                    });
                    break;
                }
            };
            let relative = relative_dir.join(item.file_name());
            let full = item.path();
            let file_type = match item.file_type() {
                Ok(t) => t,
                Err(source) => {
                    entries.push(TreeEntry {
                        path: relative,
                        result: Err(Error::Io { path: full, source }),
                    });
                    continue;
                }
            };
            if file_type.is_dir() {
                pending.push(relative);
            } else if file_type.is_file() {
                match item.metadata() {
                    Ok(m) => found.push(Found {
                        relative,
                        full,
                        len: m.len(),
                    }),
                    Err(source) => entries.push(TreeEntry {
                        path: relative,
                        result: Err(Error::Io { path: full, source }),
                    }),
                }
            } else if file_type.is_symlink() {
                resolve_link(root, &canonical_root, relative, full, &mut found, skipped)?;
            } else {
                skipped.push(Skipped {
                    path: relative,
                    reason: skip_reason(file_type),
                });
            }
        }
    }
    found.sort_unstable_by(|a, b| {
        a.relative
            .as_os_str()
            .as_encoded_bytes()
            .cmp(b.relative.as_os_str().as_encoded_bytes())
    });
    skipped.sort_by(|a, b| {
        a.path
            .as_os_str()
            .as_encoded_bytes()
            .cmp(b.path.as_os_str().as_encoded_bytes())
    });
    Ok(found)
}

/// Hashes one file of a tree on the current thread.
fn hash_one(found: &Found, algorithms: &[Algorithm], buf: &mut [u8]) -> Result<DigestSet> {
    let io = |source| Error::Io {
        path: found.full.clone(),
        source,
    };
    let mut file = File::open(&found.full).map_err(io)?;
    let mut hashers = engine::hashers(algorithms, Some(found.len), "a tree")?;
    let mut read = 0u64;
    loop {
        let n = read_full(&mut file, buf).map_err(io)?;
        let data = buf.get(..n).unwrap_or_default();
        for hasher in &mut hashers {
            hasher.update(data);
        }
        read += n as u64;
        if n < buf.len() {
            break;
        }
    }
    if read != found.len && algorithms.contains(&Algorithm::GitBlob) {
        return Err(Error::FileChanged {
            path: found.full.clone(),
            expected: found.len,
            actual: read,
        });
    }
    engine::finish(hashers)
}

impl Hasher<'_> {
    /// Hashes every regular file under `root`, in parallel over files (see [`Hasher::with_jobs`];
    /// a private thread pool is used, never rayon's global one).
    ///
    /// The walk is deterministic: entries are sorted by the bytes of their relative paths.
    /// Symbolic links to files inside the tree are hashed under the link's name (as Go's
    /// dirhash does); links to directories are skipped; special files (FIFOs, sockets, devices)
    /// are skipped and listed in [`TreeDigest::skipped`]. A file that cannot be read is reported
    /// in its entry and the rest of the tree is still hashed. With `dirHash` among the
    /// algorithms, SHA-256 is computed for every file (see [`TreeDigest::dir_hash`]).
    ///
    /// # Errors
    /// [`Error::NotADirectory`]; [`Error::Io`] when the root cannot be read or a link cannot be
    /// resolved; [`Error::SymlinkEscapesRoot`] when a link leaves the tree (the whole tree is
    /// refused); [`Error::Worker`] if the thread pool cannot be built.
    pub fn hash_tree(&self, root: impl AsRef<Path>) -> Result<TreeDigest> {
        let root = root.as_ref();
        let mut algorithms: Vec<Algorithm> = self
            .algorithms
            .iter()
            .map(|a| {
                if *a == Algorithm::DirHash {
                    Algorithm::Sha256
                } else {
                    *a
                }
            })
            .collect();
        algorithms.sort();
        algorithms.dedup();
        let mut entries = Vec::new();
        let mut skipped = Vec::new();
        let found = walk(root, &mut entries, &mut skipped)?;
        let total: u64 = found.iter().map(|f| f.len).sum();
        let done = AtomicU64::new(0);
        let progress = self.progress;
        let hash = |buf: &mut Vec<u8>, f: &Found| {
            let result = hash_one(f, &algorithms, buf);
            if let Some(progress) = progress {
                let now = done.fetch_add(f.len, Ordering::Relaxed) + f.len;
                progress(Progress {
                    done: now,
                    total: Some(total),
                });
            }
            TreeEntry {
                path: f.relative.clone(),
                result,
            }
        };
        let hashed: Vec<TreeEntry> = if self.jobs <= 1 {
            let mut buf = vec![0u8; TREE_BUFFER];
            found.iter().map(|f| hash(&mut buf, f)).collect()
        } else {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(self.jobs)
                .thread_name(|i| format!("provenance-digest-tree-{i}"))
                .build()
                .map_err(|e| Error::Worker {
                    reason: e.to_string(),
                })?;
            pool.install(|| {
                found
                    .par_iter()
                    .map_init(|| vec![0u8; TREE_BUFFER], hash)
                    .collect()
            })
        };
        entries.extend(hashed);
        entries.sort_by(|a, b| {
            a.path
                .as_os_str()
                .as_encoded_bytes()
                .cmp(b.path.as_os_str().as_encoded_bytes())
        });
        Ok(TreeDigest {
            root: root.to_path_buf(),
            entries,
            skipped,
        })
    }
}

/// Hashes a tree with the given algorithms. See [`Hasher::hash_tree`].
///
/// # Errors
/// As [`Hasher::new`] and [`Hasher::hash_tree`].
pub fn hash_tree(root: impl AsRef<Path>, algorithms: &[Algorithm]) -> Result<TreeDigest> {
    Hasher::new(algorithms)?.hash_tree(root)
}

/// The in-toto `dirHash` of a tree (Go dirhash `Hash1`, lowercase hex, no `h1:` prefix).
///
/// # Errors
/// As [`Hasher::hash_tree`] and [`TreeDigest::dir_hash`].
pub fn dir_hash(root: impl AsRef<Path>) -> Result<String> {
    hash_tree(root, &[Algorithm::Sha256])?.dir_hash()
}
