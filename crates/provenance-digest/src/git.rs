//! `gitBlob`: git blob object ids in the SHA-1 and SHA-256 object formats.

use std::io::Read;
use std::path::Path;

use sha2::Digest as _;

use crate::engine::read_full;
use crate::{Error, Result};

/// The hash function of a git repository's object format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GitObjectFormat {
    /// `extensions.objectFormat = sha1` (the default): 40 hex characters.
    Sha1,
    /// `extensions.objectFormat = sha256`: 64 hex characters.
    Sha256,
}

/// The git blob object id of `content`: the hash of `blob <len>\0<content>`, lowercase hex, as
/// `git hash-object` prints it and as the in-toto `gitBlob` digest is defined.
///
/// ```
/// use provenance_digest::{GitObjectFormat, git_blob};
///
/// assert_eq!(git_blob(b"Hello", GitObjectFormat::Sha1), "5ab2f8a4323abafb10abb68657d9d39f1a775057");
/// ```
pub fn git_blob(content: &[u8], format: GitObjectFormat) -> String {
    let header = format!("blob {}\0", content.len());
    match format {
        GitObjectFormat::Sha1 => hex::encode(
            sha1::Sha1::new()
                .chain_update(header.as_bytes())
                .chain_update(content)
                .finalize(),
        ),
        GitObjectFormat::Sha256 => hex::encode(
            sha2::Sha256::new()
                .chain_update(header.as_bytes())
                .chain_update(content)
                .finalize(),
        ),
    }
}

/// The git blob object id of a file, read in one streaming pass.
///
/// # Errors
/// [`Error::Io`] naming the path; [`Error::FileChanged`] if the size changed while reading.
pub fn git_blob_file(path: impl AsRef<Path>, format: GitObjectFormat) -> Result<String> {
    let path = path.as_ref();
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let header = format!("blob {len}\0");
    let mut sha1 = sha1::Sha1::new();
    let mut sha256 = sha2::Sha256::new();
    match format {
        GitObjectFormat::Sha1 => sha1.update(header.as_bytes()),
        GitObjectFormat::Sha256 => sha256.update(header.as_bytes()),
    }
    let mut buf = vec![0u8; 1 << 20];
    let mut read = 0u64;
    let mut reader = (&mut file).take(len.saturating_add(1));
    loop {
        let n = read_full(&mut reader, &mut buf).map_err(io)?;
        let data = buf.get(..n).unwrap_or_default();
        match format {
            GitObjectFormat::Sha1 => sha1.update(data),
            GitObjectFormat::Sha256 => sha256.update(data),
        }
        read += n as u64;
        if n < buf.len() {
            break;
        }
    }
    if read != len {
        return Err(Error::FileChanged {
            path: path.to_path_buf(),
            expected: len,
            actual: read,
        });
    }
    Ok(match format {
        GitObjectFormat::Sha1 => hex::encode(sha1.finalize()),
        GitObjectFormat::Sha256 => hex::encode(sha256.finalize()),
    })
}
