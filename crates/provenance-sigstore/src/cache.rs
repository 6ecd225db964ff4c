//! Where a refreshed trusted root is kept: the layout of the trust cache directory.
//!
//! The directory is a value the caller passes (a program resolves it from its settings and
//! environment; this crate reads no environment variable). Reading the cache needs no feature:
//! it is a file. Only writing it, through a TUF update, needs the `tuf` feature.
//!
//! ```text
//! <dir>/trusted_root.json              the trusted root of the last successful update
//! <dir>/signing_config.v0.2.json       the signing config, when the repository has one
//! <dir>/metadata/<repository>/         TUF metadata of that repository: root.json (the last
//!                                      verified root), timestamp.json, snapshot.json,
//!                                      targets.json (rollback protection)
//! ```

use std::path::{Path, PathBuf};

/// The file name of the cached trusted root (also the TUF target name Sigstore publishes).
pub const TRUSTED_ROOT_FILE: &str = "trusted_root.json";

/// The file name of the cached signing config (also its TUF target name).
pub const SIGNING_CONFIG_FILE: &str = "signing_config.v0.2.json";

/// A trust cache directory (see the module documentation for its layout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustCache {
    dir: PathBuf,
}

impl TrustCache {
    /// The cache in `dir` (nothing is read or created here).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the refreshed trusted root is (whether or not it exists).
    pub fn trusted_root_path(&self) -> PathBuf {
        self.dir.join(TRUSTED_ROOT_FILE)
    }

    /// Where the refreshed signing config is (whether or not it exists).
    pub fn signing_config_path(&self) -> PathBuf {
        self.dir.join(SIGNING_CONFIG_FILE)
    }

    /// The metadata directory of the TUF repository at `metadata_url`: one directory per
    /// repository, named by the URL with every byte but ASCII letters, digits, `-`, `_` and
    /// `.` percent-encoded (as sigstore-python names its cache directories), so that two
    /// repositories never share rollback state.
    pub fn metadata_dir(&self, metadata_url: &str) -> PathBuf {
        use std::fmt::Write as _;
        let mut name = String::with_capacity(metadata_url.len());
        for b in metadata_url.trim_end_matches('/').bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                name.push(char::from(b));
            } else {
                let _ = write!(name, "%{b:02X}");
            }
        }
        // "." and ".." cannot come out of a URL with a scheme, but never name a parent.
        if name.chars().all(|c| c == '.') {
            name = name.replace('.', "%2E");
        }
        self.dir.join("metadata").join(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_dir_is_one_safe_component_per_repository() {
        let c = TrustCache::new("/c");
        assert_eq!(
            c.metadata_dir("https://tuf-repo-cdn.sigstore.dev"),
            Path::new("/c/metadata/https%3A%2F%2Ftuf-repo-cdn.sigstore.dev")
        );
        assert_eq!(
            c.metadata_dir("https://tuf-repo-cdn.sigstore.dev/"),
            c.metadata_dir("https://tuf-repo-cdn.sigstore.dev")
        );
        assert_eq!(
            c.metadata_dir("file:///a/../b"),
            Path::new("/c/metadata/file%3A%2F%2F%2Fa%2F..%2Fb")
        );
        assert_eq!(c.metadata_dir(".."), Path::new("/c/metadata/%2E%2E"));
        assert_eq!(c.trusted_root_path(), Path::new("/c/trusted_root.json"));
    }
}
