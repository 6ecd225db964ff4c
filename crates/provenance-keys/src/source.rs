//! Where a key comes from: a file path or `env://VAR`.

use std::fmt;
use std::io::Read as _;
use std::path::PathBuf;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::{Error, Password, PrivateKey, PublicKey};

/// The largest key file or variable read: 1 MiB.
const MAX_KEY_BYTES: u64 = 1 << 20;

/// A key location: a path, or `env://VAR` for a PEM held in an environment variable (the usual
/// form of a CI secret).
///
/// ```
/// use provenance_keys::KeySource;
/// assert_eq!("env://SIGNING_KEY".parse::<KeySource>()?, KeySource::Env("SIGNING_KEY".into()));
/// assert_eq!("keys/ci.pem".parse::<KeySource>()?, KeySource::Path("keys/ci.pem".into()));
/// # Ok::<(), provenance_keys::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// A PEM file.
    Path(PathBuf),
    /// A PEM in this environment variable.
    Env(String),
}

impl FromStr for KeySource {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(name) = s.strip_prefix("env://") {
            let valid = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.bytes().next().is_some_and(|b| b.is_ascii_digit());
            if valid {
                Ok(Self::Env(name.to_owned()))
            } else {
                Err(Error::InvalidKeySource {
                    source_str: s.to_owned(),
                    reason: "env:// needs a variable name of letters, digits and _",
                })
            }
        } else if s.is_empty() {
            Err(Error::InvalidKeySource {
                source_str: s.to_owned(),
                reason: "empty",
            })
        } else if s.contains("://") {
            Err(Error::InvalidKeySource {
                source_str: s.to_owned(),
                reason: "only file paths and env://VAR are supported",
            })
        } else {
            Ok(Self::Path(PathBuf::from(s)))
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => write!(f, "{}", p.display()),
            Self::Env(name) => write!(f, "env://{name}"),
        }
    }
}

impl KeySource {
    /// Reads the PEM text (at most 1 MiB), zeroized on drop.
    ///
    /// # Errors
    ///
    /// [`Error::Io`], [`Error::EnvVarMissing`], [`Error::TooLarge`].
    pub fn read_pem(&self) -> Result<Zeroizing<String>, Error> {
        match self {
            Self::Env(name) => {
                let value = Zeroizing::new(
                    std::env::var(name).map_err(|_| Error::EnvVarMissing { name: name.clone() })?,
                );
                let size = value.len() as u64;
                if size > MAX_KEY_BYTES {
                    return Err(Error::TooLarge {
                        source_name: self.to_string(),
                        size,
                        max: MAX_KEY_BYTES,
                    });
                }
                Ok(value)
            }
            Self::Path(path) => {
                let io = |source| Error::Io {
                    path: path.clone(),
                    source,
                };
                let file = std::fs::File::open(path).map_err(io)?;
                let mut text = Zeroizing::new(String::new());
                file.take(MAX_KEY_BYTES + 1)
                    .read_to_string(&mut text)
                    .map_err(io)?;
                let size = text.len() as u64;
                if size > MAX_KEY_BYTES {
                    return Err(Error::TooLarge {
                        source_name: self.to_string(),
                        size,
                        max: MAX_KEY_BYTES,
                    });
                }
                Ok(text)
            }
        }
    }

    /// Whether the private key here is encrypted (so a password must be obtained first).
    ///
    /// # Errors
    ///
    /// As for [`KeySource::read_pem`].
    pub fn is_encrypted(&self) -> Result<bool, Error> {
        Ok(PrivateKey::pem_is_encrypted(&self.read_pem()?))
    }

    /// Loads a private key, see [`PrivateKey::from_pem`].
    ///
    /// # Errors
    ///
    /// [`Error::Source`] wrapping the reason.
    pub fn load_private(&self, password: Option<&Password>) -> Result<PrivateKey, Error> {
        self.read_pem()
            .and_then(|pem| PrivateKey::from_pem(&pem, password))
            .map_err(|e| self.wrap(e))
    }

    /// Loads a public key, see [`PublicKey::from_pem`].
    ///
    /// # Errors
    ///
    /// [`Error::Source`] wrapping the reason.
    pub fn load_public(&self) -> Result<PublicKey, Error> {
        self.read_pem()
            .and_then(|pem| PublicKey::from_pem(&pem))
            .map_err(|e| self.wrap(e))
    }

    fn wrap(&self, error: Error) -> Error {
        Error::Source {
            source_name: self.to_string(),
            source: Box::new(error),
        }
    }
}
