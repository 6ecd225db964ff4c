//! Writing key (and other output) files atomically: a temporary file in the same directory,
//! written and synced, then renamed (or hard-linked, when overwriting is refused) into place.
//! A reader never sees a partial file, and a failure leaves no file behind.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Error;

/// Whether an existing file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with [`Error::AlreadyExists`] if the file exists (checked atomically).
    Refuse,
    /// Replace it.
    Force,
}

/// File permissions of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Owner read/write only (0600): private keys.
    Private,
    /// 0644 before the umask: public keys, envelopes.
    Public,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `contents` to `path` atomically.
///
/// # Errors
///
/// [`Error::AlreadyExists`] (with [`Overwrite::Refuse`]), [`Error::Io`], [`Error::Random`].
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    mode: Mode,
    overwrite: Overwrite,
) -> Result<(), Error> {
    if overwrite == Overwrite::Refuse && path.symlink_metadata().is_ok() {
        return Err(Error::AlreadyExists {
            path: path.to_owned(),
        });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"),
    })?;
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|_| Error::Random)?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", hex::encode(suffix)));
    let tmp = dir.join(tmp_name);

    let result = write_new(&tmp, contents, mode).and_then(|()| match overwrite {
        Overwrite::Force => std::fs::rename(&tmp, path).map_err(io(path)),
        Overwrite::Refuse => match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::AlreadyExists {
                path: path.to_owned(),
            }),
            Err(e) => Err(io(path)(e)),
        },
    });
    // After a rename the temporary name is gone; after a link (or a failure) remove it.
    let _ = std::fs::remove_file(&tmp);
    result
}

fn write_new(tmp: &Path, contents: &[u8], mode: Mode) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(match mode {
            Mode::Private => 0o600,
            Mode::Public => 0o644,
        });
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(tmp).map_err(io(tmp))?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(tmp);
        return Err(io(tmp)(e));
    }
    Ok(())
}
