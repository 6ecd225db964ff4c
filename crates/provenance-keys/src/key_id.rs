//! Key ids: ours (SHA-256 of the DER SPKI) and the one securesystemslib computes, and which of
//! them an envelope signature carries as its `keyid` hint.
//!
//! A key id in an envelope is a hint only: DSSE verification tries the key it names first and
//! every other trusted key after, so a wrong or missing hint never changes a verdict.

use sha2::Digest as _;

use crate::public::{Inner, PublicKey};
use crate::{Error, KeyId};

/// Which key id a signature's `keyid` field carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum KeyIdFormat {
    /// securesystemslib's default key id ([`sslib_key_id`]): `SSlibKey.from_crypto(key)` in
    /// Python finds our signatures with no `keyid` override. The default.
    #[default]
    Sslib,
    /// Ours: hex SHA-256 of the DER `SubjectPublicKeyInfo` ([`key_id_for_spki_der`]).
    Spki,
    /// No `keyid` at all (as cosign writes).
    None,
}

impl KeyIdFormat {
    /// The name on the command line: `sslib`, `spki` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sslib => "sslib",
            Self::Spki => "spki",
            Self::None => "none",
        }
    }
}

impl std::fmt::Display for KeyIdFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for KeyIdFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "sslib" | "securesystemslib" => Ok(Self::Sslib),
            "spki" => Ok(Self::Spki),
            "none" => Ok(Self::None),
            other => Err(Error::UnsupportedKeyIdFormat {
                format: other.to_owned(),
            }),
        }
    }
}

/// Computes our key id: lowercase hex SHA-256 of the DER `SubjectPublicKeyInfo`.
///
/// Why this convention: it depends only on the public key (not on a file's PEM line breaks or
/// a JSON serialisation), anyone can compute it with standard tools
/// (`openssl pkey -pubin -outform DER | sha256sum`), and it is the convention Sigstore and
/// Certificate Transparency use for key/log ids (RFC 6962 `LogID`). Other producers differ —
/// securesystemslib hashes its canonical-JSON key form ([`sslib_key_id`]), witness the PEM file
/// bytes, cosign leaves `keyid` empty — which is why DSSE verification treats `keyid` as a hint
/// only.
pub fn key_id_for_spki_der(spki_der: &[u8]) -> KeyId {
    hex_sha256_key_id(spki_der)
}

/// The key id securesystemslib (`SSlibKey.from_crypto`, `compute_default_keyid`) gives `key`:
/// lowercase hex SHA-256 of the canonical JSON (sorted keys, no whitespace) of
/// `{"keytype", "keyval": {"public"}, "scheme"}` with its default scheme for the key:
///
/// | key | keytype | scheme | public |
/// |---|---|---|---|
/// | Ed25519 | `ed25519` | `ed25519` | raw key, hex |
/// | ECDSA P-256/384/521 | `ecdsa` | `ecdsa-sha2-nistp256`/`384`/`521` | SPKI PEM |
/// | RSA | `rsa` | `rsassa-pss-sha256` | SPKI PEM |
///
/// The PEM is what pyca/cryptography writes: 64-column base64, LF line ends, a final LF.
/// Neither value holds a `"` or `\`, the only characters canonical JSON escapes.
pub fn sslib_key_id(key: &PublicKey) -> KeyId {
    let pem = || format!("{}\n", key.to_pem().trim_end());
    let (keytype, scheme, public) = match key.inner() {
        Inner::Ed25519(k) => ("ed25519", "ed25519", hex::encode(k.as_bytes())),
        Inner::EcdsaP256(_) => ("ecdsa", "ecdsa-sha2-nistp256", pem()),
        Inner::EcdsaP384(_) => ("ecdsa", "ecdsa-sha2-nistp384", pem()),
        Inner::EcdsaP521(_) => ("ecdsa", "ecdsa-sha2-nistp521", pem()),
        Inner::Rsa(_) => ("rsa", "rsassa-pss-sha256", pem()),
    };
    let canonical = format!(
        r#"{{"keytype":"{keytype}","keyval":{{"public":"{public}"}},"scheme":"{scheme}"}}"#
    );
    hex_sha256_key_id(canonical.as_bytes())
}

fn hex_sha256_key_id(bytes: &[u8]) -> KeyId {
    let hex = hex::encode(sha2::Sha256::digest(bytes));
    // 64 lowercase hex characters are always a valid key id.
    KeyId::try_from(hex).unwrap_or_else(|_| unreachable_key_id())
}

#[expect(clippy::panic, reason = "64 hex characters always form a valid KeyId")]
fn unreachable_key_id() -> KeyId {
    panic!("hex SHA-256 is a valid key id")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The expected ids were printed by securesystemslib 1.6.0:
    /// `SSlibKey.from_crypto(load_pem_public_key(pem)).keyid`.
    #[test]
    fn matches_securesystemslib_for_known_keys() {
        // RFC 8032 test 1 public key.
        let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
        // The DSSE spec's P-256 test vector key, with CRLF and no final newline: the id
        // depends on the key, not on how its file was written.
        let p256 = "-----BEGIN PUBLIC KEY-----\r\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr\r\nCrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==\r\n-----END PUBLIC KEY-----";
        for (pem, expected) in [
            (
                ed25519,
                "74c181c7ad8a0855d4b55e44d2ba87aabdddb196832571f15f92fece332e4916",
            ),
            (
                p256,
                "2f9c4662c9410d724be73522fa0dd06be3e17ce4c9b055b2f196737557650ec2",
            ),
        ] {
            let key = PublicKey::from_pem(pem).unwrap();
            assert_eq!(sslib_key_id(&key).as_str(), expected);
            assert_eq!(
                key.key_id_as(KeyIdFormat::Sslib).unwrap().as_str(),
                expected
            );
            assert_eq!(
                key.key_id_as(KeyIdFormat::Spki).as_ref(),
                Some(key.key_id())
            );
            assert_eq!(key.key_id_as(KeyIdFormat::None), None);
        }
    }

    #[test]
    fn formats_parse_by_name() {
        for f in [KeyIdFormat::Sslib, KeyIdFormat::Spki, KeyIdFormat::None] {
            assert_eq!(f.name().parse::<KeyIdFormat>().unwrap(), f);
        }
        assert!(matches!(
            "pem".parse::<KeyIdFormat>(),
            Err(Error::UnsupportedKeyIdFormat { format }) if format == "pem"
        ));
    }
}
