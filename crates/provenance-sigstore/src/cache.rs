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

    /// Checks that no user but this one (or root) can have written `file`, a file of the trust
    /// cache, or the directory holding it: each must be owned by this user or root and not
    /// writable by group or others (as OpenSSH's `StrictModes` asks of `authorized_keys`).
    /// A cached trusted root is a root of trust: one that another user could plant or replace
    /// (a cache directory shared through `/tmp`, or created by someone else) must not be used.
    /// Symbolic links are followed. Off Unix nothing is checked.
    ///
    /// # Errors
    /// An [`std::io::Error`] of kind [`std::io::ErrorKind::PermissionDenied`] saying which
    /// path another user could write and why; the error of reading its metadata.
    pub fn check_private(file: &Path) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            let me = rustix::process::geteuid().as_raw();
            check_owner_only(file, "file", me)?;
            let dir = match file.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            check_owner_only(dir, "directory", me)?;
        }
        #[cfg(not(unix))]
        let _ = file;
        Ok(())
    }
}

/// `path` must be owned by `me` or root and not writable by group or others.
#[cfg(unix)]
fn check_owner_only(path: &Path, what: &str, me: u32) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path)?;
    let reason = if meta.uid() != me && meta.uid() != 0 {
        format!("is owned by another user (uid {})", meta.uid())
    } else if meta.mode() & 0o022 != 0 {
        format!(
            "is writable by group or others (mode {:o})",
            meta.mode() & 0o7777
        )
    } else {
        return Ok(());
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!(
            "the {what} {} {reason}: trust material must be writable only by its owner, \
             this user or root",
            path.display()
        ),
    ))
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

    #[cfg(unix)]
    #[test]
    fn files_other_users_could_write_are_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(TRUSTED_ROOT_FILE);
        std::fs::write(&file, b"{}").unwrap();
        let chmod = |p: &Path, mode: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        chmod(dir.path(), 0o700);
        chmod(&file, 0o600);
        TrustCache::check_private(&file).unwrap();
        chmod(&file, 0o646);
        let err = TrustCache::check_private(&file).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(
            err.to_string()
                .contains("is writable by group or others (mode 646)"),
            "{err}"
        );
        chmod(&file, 0o600);
        chmod(dir.path(), 0o1777);
        let err = TrustCache::check_private(&file).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "the directory {} is writable by group or others (mode 1777)",
                dir.path().display()
            )),
            "{err}"
        );
        chmod(dir.path(), 0o700);
        let missing = TrustCache::check_private(&dir.path().join("none")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }
}
