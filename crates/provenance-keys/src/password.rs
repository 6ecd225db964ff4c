//! Passwords for encrypted private keys: zeroized, never printed.

use std::fmt;

use zeroize::Zeroizing;

/// The environment variable a password is read from: `PROVENANCE_PASSWORD`.
pub const PASSWORD_ENV: &str = "PROVENANCE_PASSWORD";

/// A password for an encrypted private key. Zeroized on drop; `Debug` prints `Password(***)`.
///
/// Passwords come from [`Password::from_env`] or a terminal prompt (the CLI's job), never from
/// command-line arguments.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(Zeroizing::new(password.into()))
    }

    /// The password in `PROVENANCE_PASSWORD`, if that variable is set and valid UTF-8.
    /// An empty value counts as set (cosign keys may have an empty password).
    pub fn from_env() -> Option<Self> {
        std::env::var(PASSWORD_ENV).ok().map(Self::new)
    }

    /// The password bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}
