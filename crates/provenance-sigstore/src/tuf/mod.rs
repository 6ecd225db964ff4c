//! Refreshing the trusted root through a TUF repository (feature `tuf`): Sigstore publishes
//! `trusted_root.json` (and `signing_config.v0.2.json`) as targets of its TUF repository at
//! <https://tuf-repo-cdn.sigstore.dev>; [`TrustedRootUpdate`] runs a TUF client update cycle
//! (awslabs' `tough`: root rotation, expiry, threshold signatures, rollback and hash checks) and
//! writes the verified targets into a [`TrustCache`], from which verification then reads them
//! offline.
//!
//! ```no_run
//! use provenance_sigstore::TrustCache;
//! use provenance_sigstore::tuf::TrustedRootUpdate;
//!
//! # fn main() -> Result<(), provenance_sigstore::Error> {
//! let cache = TrustCache::new("/var/cache/provenance/tuf");
//! let updated = TrustedRootUpdate::public_good(cache)?.run()?;
//! println!("root v{}, trusted_root.json {}", updated.root_version(), updated.trusted_root_sha256_hex());
//! # Ok(())
//! # }
//! ```
//!
//! All or nothing: the update runs on a copy of the cached metadata in a staging directory
//! inside the cache; only when every step verified are the new metadata files and targets moved
//! into place, each with an atomic rename. A failed update leaves the cache as it was.

mod transport;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::Digest as _;
use tough::IntoVec as _;

use crate::cache::{SIGNING_CONFIG_FILE, TRUSTED_ROOT_FILE, TrustCache};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::trust::TrustedRoot;

/// The metadata URL of Sigstore's public-good TUF repository.
pub const PUBLIC_GOOD_TUF_URL: &str = "https://tuf-repo-cdn.sigstore.dev";

/// The root metadata of Sigstore's public-good TUF repository embedded in this crate (version
/// 15, from sigstore-python's store; see `data/SOURCE.md`): the trust anchor an update starts
/// from when the cache holds no newer verified root.
pub const PUBLIC_GOOD_TUF_ROOT: &[u8] =
    include_bytes!("../../data/tuf-repo-cdn.sigstore.dev.root.json");

/// The metadata files of a repository kept in the cache (tough's datastore, plus the root).
const METADATA_FILES: [&str; 5] = [
    "root.json",
    "timestamp.json",
    "snapshot.json",
    "targets.json",
    "latest_known_time.json",
];

/// The largest cached metadata file read back (tough's own limit for fetched metadata is
/// 1 MiB per role, 10 MiB for targets).
const MAX_CACHED_METADATA: u64 = 16 << 20;

/// Why a TUF update failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TufFailure {
    /// A role's metadata (`root`, `timestamp`, `snapshot`, `targets`) has expired: a freeze
    /// attack, or a repository that is not maintained.
    #[error("the {role} metadata has expired")]
    Expired {
        /// The role.
        role: String,
    },
    /// A role's metadata is not signed by a threshold of the keys its root names (or a new
    /// root is not signed by both the old and the new root keys).
    #[error("the {role} metadata is not signed by a threshold of its trusted keys: {detail}")]
    BadSignature {
        /// The role.
        role: String,
        /// What the verifier said.
        detail: String,
    },
    /// The repository offered an older version of a role than the one already trusted.
    #[error(
        "rollback refused: the repository offers {role} metadata version {offered}, older than \
         version {trusted} already trusted"
    )]
    Rollback {
        /// The role.
        role: String,
        /// The version already trusted (from the cache).
        trusted: u64,
        /// The version offered.
        offered: u64,
    },
    /// A target (or a metadata file listed with a hash) does not match the hash or length its
    /// signed metadata gives.
    #[error("{what} does not match its signed hash or length: {detail}")]
    HashMismatch {
        /// The target or metadata file.
        what: String,
        /// The expected and calculated values.
        detail: String,
    },
    /// The repository does not list the target.
    #[error("the repository lists no target {0}")]
    MissingTarget(String),
    /// The target is not a usable trusted root.
    #[error("the target {target} is not a valid trusted root: {detail}")]
    InvalidTarget {
        /// The target name.
        target: String,
        /// Why.
        detail: String,
    },
    /// The root metadata the update started from is not valid root metadata signed by its own
    /// keys.
    #[error("the initial root ({origin}) is not usable: {detail}")]
    InitialRoot {
        /// Where it came from (the cache, or the caller).
        origin: String,
        /// Why.
        detail: String,
    },
    /// A file could not be fetched from the repository.
    #[error("cannot fetch {url}: {detail}")]
    Fetch {
        /// The URL.
        url: String,
        /// Why.
        detail: String,
    },
    /// Any other invalid metadata: unparsable, a version that does not match its listing, a
    /// size above the limits, a clock that went backwards since the last update.
    #[error("invalid repository metadata: {0}")]
    Metadata(String),
}

/// A TUF repository: where its metadata and its targets are. `file://`, `http://` and
/// `https://` URLs are accepted (TUF's signatures, not the transport, protect the content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TufRepository {
    metadata: url::Url,
    targets: url::Url,
}

/// `url` with a trailing slash, so that joining a file name appends to its path.
fn directory_url(what: &'static str, url: &str) -> Result<url::Url> {
    let mut s = url.trim().to_owned();
    if !s.ends_with('/') {
        s.push('/');
    }
    let parsed =
        url::Url::parse(&s).map_err(|e| crate::error::malformed(what, format!("{url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http" | "file") {
        return Err(crate::error::malformed(
            what,
            format!("{url:?}: only https://, http:// and file:// repositories are supported"),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(crate::error::malformed(
            what,
            format!("{url:?}: a repository URL has no query or fragment"),
        ));
    }
    Ok(parsed)
}

impl TufRepository {
    /// The repository whose metadata is at `metadata_url`, and its targets under
    /// `<metadata_url>/targets/` (Sigstore's layout).
    ///
    /// # Errors
    /// [`Error::Malformed`] for a URL that does not parse, has another scheme than `https`,
    /// `http` or `file`, or has a query or fragment.
    pub fn new(metadata_url: &str) -> Result<Self> {
        let metadata = directory_url("TUF repository URL", metadata_url)?;
        let targets = metadata
            .join("targets/")
            .map_err(|e| crate::error::malformed("TUF repository URL", e.to_string()))?;
        Ok(Self { metadata, targets })
    }

    /// Sigstore's public-good repository ([`PUBLIC_GOOD_TUF_URL`]).
    ///
    /// # Errors
    /// Never in practice (the URL is a constant); as [`TufRepository::new`].
    pub fn public_good() -> Result<Self> {
        Self::new(PUBLIC_GOOD_TUF_URL)
    }

    /// Targets at another URL than `<metadata_url>/targets/`.
    ///
    /// # Errors
    /// As [`TufRepository::new`].
    pub fn with_targets_url(mut self, targets_url: &str) -> Result<Self> {
        self.targets = directory_url("TUF targets URL", targets_url)?;
        Ok(self)
    }

    /// The metadata URL (with a trailing slash).
    pub fn metadata_url(&self) -> &str {
        self.metadata.as_str()
    }

    /// The targets URL (with a trailing slash).
    pub fn targets_url(&self) -> &str {
        self.targets.as_str()
    }
}

/// Where the root an update started from came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartingRoot {
    /// The root a previous update verified, kept in the cache.
    Cached(PathBuf),
    /// The initial root given to [`TrustedRootUpdate::new`] (the cache held none for this
    /// repository).
    Initial,
}

/// What an update did.
#[derive(Clone, Debug)]
pub struct Updated {
    root_version: u64,
    starting_root: StartingRoot,
    trusted_root: TrustedRoot,
    trusted_root_sha256: [u8; 32],
    previous_sha256: Option<[u8; 32]>,
    trusted_root_path: PathBuf,
    signing_config_path: Option<PathBuf>,
}

impl Updated {
    /// The version of the repository's root metadata now trusted.
    pub fn root_version(&self) -> u64 {
        self.root_version
    }
    /// Where the update started from.
    pub fn starting_root(&self) -> &StartingRoot {
        &self.starting_root
    }
    /// The trusted root written.
    pub fn trusted_root(&self) -> &TrustedRoot {
        &self.trusted_root
    }
    /// SHA-256 of the `trusted_root.json` written.
    pub fn trusted_root_sha256(&self) -> &[u8; 32] {
        &self.trusted_root_sha256
    }
    /// SHA-256 of the `trusted_root.json` written, in hex.
    pub fn trusted_root_sha256_hex(&self) -> String {
        hex::encode(self.trusted_root_sha256)
    }
    /// Whether the cached `trusted_root.json` changed (it did not exist, or had other bytes).
    pub fn changed(&self) -> bool {
        self.previous_sha256 != Some(self.trusted_root_sha256)
    }
    /// Where the trusted root was written.
    pub fn trusted_root_path(&self) -> &Path {
        &self.trusted_root_path
    }
    /// Where the signing config was written, if the repository publishes one.
    pub fn signing_config_path(&self) -> Option<&Path> {
        self.signing_config_path.as_deref()
    }
}

/// A TUF update of the cached trusted root: repository, initial trusted root metadata, cache.
#[derive(Clone, Debug)]
#[must_use]
pub struct TrustedRootUpdate {
    repository: TufRepository,
    initial_root: Vec<u8>,
    cache: TrustCache,
    timeout: Duration,
    limits: Limits,
}

/// The targets and root read from the repository, not yet written.
struct Fetched {
    root_version: u64,
    root_json: Vec<u8>,
    trusted_root: Vec<u8>,
    signing_config: Option<Vec<u8>>,
}

impl TrustedRootUpdate {
    /// An update from `repository`, trusting `initial_root` (root metadata, `root.json`, shipped
    /// out of band) unless the cache holds a root that a previous update of this repository
    /// verified, writing into `cache`.
    pub fn new(
        repository: TufRepository,
        initial_root: impl Into<Vec<u8>>,
        cache: TrustCache,
    ) -> Self {
        Self {
            repository,
            initial_root: initial_root.into(),
            cache,
            timeout: Duration::from_secs(30),
            limits: Limits::DEFAULT,
        }
    }

    /// An update from Sigstore's public-good repository, trusting the embedded
    /// [`PUBLIC_GOOD_TUF_ROOT`].
    ///
    /// # Errors
    /// Never in practice; as [`TufRepository::new`].
    pub fn public_good(cache: TrustCache) -> Result<Self> {
        Ok(Self::new(
            TufRepository::public_good()?,
            PUBLIC_GOOD_TUF_ROOT,
            cache,
        ))
    }

    /// The timeout of each HTTP request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Input bounds ([`Limits::max_trusted_root_bytes`] bounds the trusted root target).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The repository.
    pub fn repository(&self) -> &TufRepository {
        &self.repository
    }

    fn failure(&self, failure: TufFailure) -> Error {
        Error::Tuf {
            url: self.repository.metadata_url().to_owned(),
            failure,
        }
    }

    /// Runs the update: root rotation from the starting root, timestamp, snapshot, targets,
    /// then the `trusted_root.json` target (required; it must parse as a [`TrustedRoot`]) and
    /// the `signing_config.v0.2.json` target (when listed), all verified before anything is
    /// written to the cache.
    ///
    /// # Errors
    /// [`Error::Tuf`] when the update fails (expired or badly signed metadata, rollback, a
    /// target whose hash does not match, a missing or invalid trusted root, an unreachable
    /// repository); [`Error::LimitExceeded`] for a target above
    /// [`Limits::max_trusted_root_bytes`]; [`Error::CacheIo`] when the cache cannot be read or
    /// written. Every failure but a failed write of the verified files leaves the cache as it
    /// was (the writes are renames, each atomic, metadata first and `trusted_root.json` last).
    pub fn run(&self) -> Result<Updated> {
        let dir = self.cache.dir();
        let created = !dir.exists();
        create_dir_all(dir)?;
        let result = self.run_in(dir);
        if created && result.is_err() {
            // Leave no empty cache directory behind (remove_dir fails on a non-empty one).
            let _ = std::fs::remove_dir(dir);
        }
        result
    }

    fn run_in(&self, dir: &Path) -> Result<Updated> {
        let metadata_dir = self.cache.metadata_dir(self.repository.metadata_url());
        let staging = tempfile::Builder::new()
            .prefix(".tuf-update-")
            .tempdir_in(dir)
            .map_err(|source| cache_io(dir, source))?;
        let cached_root = copy_metadata(&metadata_dir, staging.path())?;
        let (root, starting_root) = match cached_root {
            Some(bytes) => (bytes, StartingRoot::Cached(metadata_dir.join("root.json"))),
            None => (self.initial_root.clone(), StartingRoot::Initial),
        };
        // tough is async (tokio). This is a one-shot, sequential client: a current-thread
        // runtime, built here and dropped at the end of the update, drives it; nothing else
        // in the crate is async and no runtime outlives this call. The HTTP transport blocks
        // inside its future, which is harmless on this runtime (no other task to starve).
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                self.failure(TufFailure::Metadata(format!(
                    "cannot start the TUF client: {e}"
                )))
            })?;
        let fetched = runtime.block_on(self.fetch(&root, &starting_root, staging.path()))?;
        drop(runtime);

        let trusted_root = TrustedRoot::from_json_with_limits(&fetched.trusted_root, &self.limits)
            .map_err(|e| {
                self.failure(TufFailure::InvalidTarget {
                    target: TRUSTED_ROOT_FILE.to_owned(),
                    detail: e.to_string(),
                })
            })?;
        let previous_sha256 =
            read_bounded(&self.cache.trusted_root_path(), MAX_CACHED_METADATA)?.map(|b| sha256(&b));

        // Everything verified: move the metadata into place, then the targets.
        write_atomic(
            &staging.path().join("root.json"),
            staging.path(),
            &fetched.root_json,
        )?;
        create_dir_all(&metadata_dir)?;
        for name in METADATA_FILES {
            let from = staging.path().join(name);
            let to = metadata_dir.join(name);
            if from.is_file() {
                std::fs::rename(&from, &to).map_err(|source| cache_io(&to, source))?;
            } else {
                // tough deleted it (the timestamp or snapshot keys rotated: TUF 5.3.11 drops the
                // trusted files to recover from a fast-forward attack): so must the cache.
                remove_if_present(&to)?;
            }
        }
        let trusted_root_path = self.cache.trusted_root_path();
        write_atomic(&trusted_root_path, dir, &fetched.trusted_root)?;
        let signing_config_path = self.cache.signing_config_path();
        let signing_config_path = if let Some(bytes) = &fetched.signing_config {
            write_atomic(&signing_config_path, dir, bytes)?;
            Some(signing_config_path)
        } else {
            // A signing config left from another repository or an older update must not pair
            // with this trusted root.
            remove_if_present(&signing_config_path)?;
            None
        };
        Ok(Updated {
            root_version: fetched.root_version,
            starting_root,
            trusted_root,
            trusted_root_sha256: sha256(&fetched.trusted_root),
            previous_sha256,
            trusted_root_path,
            signing_config_path,
        })
    }

    async fn fetch(
        &self,
        root: &[u8],
        starting_root: &StartingRoot,
        datastore: &Path,
    ) -> Result<Fetched> {
        let transport = transport::Transport::new(self.timeout);
        let repository = tough::RepositoryLoader::new(
            &root,
            self.repository.metadata.clone(),
            self.repository.targets.clone(),
        )
        .transport(transport.clone())
        .datastore(datastore)
        .expiration_enforcement(tough::ExpirationEnforcement::Safe)
        .load()
        .await
        .map_err(|e| {
            // tough reads a failed fetch of the next root as "no newer root" and goes on: a
            // repository that could not be reached is the reason, not what it checked next
            // (an expired root, a timestamp signed by keys of a root it did not get).
            let failure = match (classify(&e, starting_root), transport.failure()) {
                (failure @ TufFailure::Fetch { .. }, _) | (failure, None) => failure,
                (then, Some((url, detail))) => TufFailure::Fetch {
                    url,
                    detail: format!("{detail} (and then: {then})"),
                },
            };
            self.failure(failure)
        })?;
        let trusted_root = self
            .read_target(&repository, TRUSTED_ROOT_FILE, starting_root)
            .await?
            .ok_or_else(|| self.failure(TufFailure::MissingTarget(TRUSTED_ROOT_FILE.to_owned())))?;
        let signing_config = self
            .read_target(&repository, SIGNING_CONFIG_FILE, starting_root)
            .await?;
        let root_json =
            serde_json::to_vec_pretty(repository.root()).map_err(|source| Error::Json {
                what: "TUF root metadata",
                source,
            })?;
        Ok(Fetched {
            root_version: repository.root().signed.version.get(),
            root_json,
            trusted_root,
            signing_config,
        })
    }

    /// The target `name`, verified against its signed length and hashes; `None` when the
    /// repository does not list it.
    async fn read_target(
        &self,
        repository: &tough::Repository,
        name: &str,
        starting: &StartingRoot,
    ) -> Result<Option<Vec<u8>>> {
        let target_name = tough::TargetName::new(name)
            .map_err(|e| self.failure(TufFailure::Metadata(e.to_string())))?;
        let Some((_, target)) = repository.all_targets().find(|(n, _)| **n == target_name) else {
            return Ok(None);
        };
        let max = self.limits.max_trusted_root_bytes;
        if usize::try_from(target.length).map_or(true, |n| n > max) {
            return Err(Error::LimitExceeded {
                what: "TUF target bytes",
                limit: max,
                actual: usize::try_from(target.length).unwrap_or(usize::MAX),
            });
        }
        let Some(stream) = repository
            .read_target(&target_name)
            .await
            .map_err(|e| self.failure(classify(&e, starting)))?
        else {
            return Ok(None);
        };
        // The stream checks the signed length and SHA-256 as it ends: its bytes are used only
        // when it completed without error.
        let bytes = stream
            .into_vec()
            .await
            .map_err(|e| self.failure(classify(&e, starting)))?;
        Ok(Some(bytes))
    }
}

/// The typed reason of a tough error (looking through transport errors for the hash and size
/// checks that tough reports through them).
fn classify(e: &tough::error::Error, starting_root: &StartingRoot) -> TufFailure {
    use tough::error::Error as E;
    for cause in causes(e) {
        match cause {
            E::HashMismatch {
                context,
                calculated,
                expected,
                ..
            } => {
                return TufFailure::HashMismatch {
                    what: context.clone(),
                    detail: format!("calculated sha256 {calculated}, expected {expected}"),
                };
            }
            E::MaxSizeExceeded {
                max_size,
                specifier,
                ..
            } => {
                return TufFailure::HashMismatch {
                    what: "a fetched file".to_owned(),
                    detail: format!("larger than {max_size} bytes ({specifier})"),
                };
            }
            _ => {}
        }
    }
    match e {
        E::ExpiredMetadata { role, .. } => TufFailure::Expired {
            role: role.to_string(),
        },
        E::VerifyMetadata { role, source, .. } => TufFailure::BadSignature {
            role: role.to_string(),
            detail: source.to_string(),
        },
        E::VerifyRoleMetadata { role, source, .. } => TufFailure::BadSignature {
            role: role.clone(),
            detail: source.to_string(),
        },
        E::VerifyTrustedMetadata { source, .. } => TufFailure::InitialRoot {
            origin: origin(starting_root),
            detail: source.to_string(),
        },
        E::ParseTrustedMetadata { source, .. } => TufFailure::InitialRoot {
            origin: origin(starting_root),
            detail: source.to_string(),
        },
        E::OlderMetadata {
            role,
            current_version,
            new_version,
            ..
        } => TufFailure::Rollback {
            role: role.to_string(),
            trusted: *current_version,
            offered: *new_version,
        },
        E::Transport { url, source, .. } => TufFailure::Fetch {
            url: url.to_string(),
            detail: source.to_string(),
        },
        other => TufFailure::Metadata(other.to_string()),
    }
}

fn origin(starting_root: &StartingRoot) -> String {
    match starting_root {
        StartingRoot::Cached(path) => format!("cached {}", path.display()),
        StartingRoot::Initial => "the initial root.json given".to_owned(),
    }
}

/// `e` and the tough errors in its source chain (through transport errors).
fn causes(e: &tough::error::Error) -> Vec<&tough::error::Error> {
    let mut out = vec![e];
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(cause) = next {
        if let Some(t) = cause.downcast_ref::<tough::error::Error>() {
            out.push(t);
        }
        next = cause.source();
        depth += 1;
        if depth > 16 {
            break;
        }
    }
    out
}

fn cache_io(path: &Path, source: std::io::Error) -> Error {
    Error::CacheIo {
        path: path.to_owned(),
        source,
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(cache_io(path, source)),
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(bytes).into()
}

/// The file's bytes (at most `max`), `None` when it does not exist.
fn read_bounded(path: &Path, max: u64) -> Result<Option<Vec<u8>>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(cache_io(path, source)),
    };
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| cache_io(path, source))?;
    if bytes.len() as u64 > max {
        return Err(Error::LimitExceeded {
            what: "cached TUF file bytes",
            limit: usize::try_from(max).unwrap_or(usize::MAX),
            actual: bytes.len(),
        });
    }
    Ok(Some(bytes))
}

/// Copies the cached metadata of a repository into the staging datastore; returns the cached
/// root metadata, if there is one. The cached root is the starting point of trust: one that
/// another user could have written is refused ([`TrustCache::check_private`]).
fn copy_metadata(from: &Path, to: &Path) -> Result<Option<Vec<u8>>> {
    let mut root = None;
    for name in METADATA_FILES {
        let path = from.join(name);
        let Some(bytes) = read_bounded(&path, MAX_CACHED_METADATA)? else {
            continue;
        };
        if name == "root.json" {
            TrustCache::check_private(&path).map_err(|source| cache_io(&path, source))?;
        }
        let target = to.join(name);
        std::fs::write(&target, &bytes).map_err(|source| cache_io(&target, source))?;
        if name == "root.json" {
            root = Some(bytes);
        }
    }
    Ok(root)
}

/// Creates `dir` and its missing parents, on Unix with mode 0755 whatever the umask: a cache
/// directory writable by the group would be refused when read
/// ([`TrustCache::check_private`]).
fn create_dir_all(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(dir).map_err(|source| cache_io(dir, source))
}

/// Writes `bytes` to `path` through a temporary file in `dir` (on the same file system) and a
/// rename: readers see the old file or the new one, never a part.
fn write_atomic(path: &Path, dir: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|source| cache_io(dir, source))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|source| cache_io(tmp.path(), source))?;
    tmp.persist(path).map_err(|e| cache_io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_root_is_self_signed_root_metadata() {
        let root: tough::schema::Signed<tough::schema::Root> =
            serde_json::from_slice(PUBLIC_GOOD_TUF_ROOT).unwrap();
        assert_eq!(root.signed.version.get(), 15);
        root.signed.verify_role(&root).unwrap();
    }

    #[test]
    fn repository_urls() {
        let r = TufRepository::new("https://tuf-repo-cdn.sigstore.dev").unwrap();
        assert_eq!(r.metadata_url(), "https://tuf-repo-cdn.sigstore.dev/");
        assert_eq!(
            r.targets_url(),
            "https://tuf-repo-cdn.sigstore.dev/targets/"
        );
        let e = TufRepository::new("ftp://example.com/repo").unwrap_err();
        assert!(e.to_string().contains("only https://"), "{e}");
        let e = TufRepository::new("https://example.com/repo?x=1").unwrap_err();
        assert!(e.to_string().contains("no query"), "{e}");
        let e = TufRepository::new("not a url").unwrap_err();
        assert!(e.to_string().contains("TUF repository URL"), "{e}");
    }
}
