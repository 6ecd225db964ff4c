//! Private keys: generation, PEM (PKCS#8, encrypted PKCS#8, SEC1, cosign), signing.

use std::fmt;

use der::Decode as _;
use pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use provenance_dsse::{DsseSigner, KeyId};
use zeroize::Zeroizing;

use crate::KeyIdFormat;
use crate::public::{Inner, KeyAlgorithm, PublicKey};
use crate::{Error, KdfLimits, Password, oids};

/// log2(N) of the scrypt KDF used for encrypted PKCS#8. 2^14 with r = 8 needs 16 MiB and stays
/// under OpenSSL 3's default 32 MiB scrypt memory bound, so `openssl pkey` can open our files.
const SCRYPT_LOG_N: u8 = 14;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    EcdsaP256(p256::ecdsa::SigningKey),
    EcdsaP384(p384::ecdsa::SigningKey),
}

/// A signing key: Ed25519, ECDSA P-256 or ECDSA P-384.
///
/// The secret is zeroized when dropped (the underlying `RustCrypto` types do so) and never shown:
/// `Debug` prints the algorithm and key id only. Implements [`provenance_dsse::DsseSigner`];
/// ECDSA signatures are emitted ASN.1 DER (what securesystemslib and cosign expect), computed
/// deterministically (RFC 6979).
pub struct PrivateKey {
    secret: Secret,
    public: PublicKey,
    /// The `keyid` its signatures carry (securesystemslib's by default).
    hint: Option<KeyId>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", self.public.key_id())
            .finish_non_exhaustive()
    }
}

fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, Error> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|_| Error::Random)?;
    Ok(bytes)
}

impl PrivateKey {
    fn from_secret(secret: Secret) -> Result<Self, Error> {
        let inner = match &secret {
            Secret::Ed25519(k) => Inner::Ed25519(k.verifying_key()),
            Secret::EcdsaP256(k) => {
                Inner::EcdsaP256(k.verifying_key().to_sec1_point(false).as_bytes().to_vec())
            }
            Secret::EcdsaP384(k) => {
                Inner::EcdsaP384(k.verifying_key().to_sec1_point(false).as_bytes().to_vec())
            }
        };
        let public = PublicKey::from_inner(inner)?;
        let hint = public.key_id_as(KeyIdFormat::default());
        Ok(Self {
            secret,
            public,
            hint,
        })
    }

    /// Generates a new key with the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// [`Error::VerifyOnly`] for P-521 and RSA, [`Error::Random`] if the OS RNG fails.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, Error> {
        let secret = match algorithm {
            KeyAlgorithm::Ed25519 => Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                &*random_bytes::<32>()?,
            )),
            KeyAlgorithm::EcdsaP256 => Secret::EcdsaP256(loop {
                // Rejection sampling: a random 256-bit string is a valid scalar with
                // overwhelming probability.
                if let Ok(k) = p256::ecdsa::SigningKey::from_slice(random_bytes::<32>()?.as_ref()) {
                    break k;
                }
            }),
            KeyAlgorithm::EcdsaP384 => Secret::EcdsaP384(loop {
                if let Ok(k) = p384::ecdsa::SigningKey::from_slice(random_bytes::<48>()?.as_ref()) {
                    break k;
                }
            }),
            KeyAlgorithm::EcdsaP521 => {
                return Err(Error::VerifyOnly {
                    algorithm: "ECDSA P-521",
                });
            }
            KeyAlgorithm::Rsa => return Err(Error::VerifyOnly { algorithm: "RSA" }),
        };
        Self::from_secret(secret)
    }

    /// Whether this PEM text holds an encrypted private key (encrypted PKCS#8 or cosign), so
    /// that a caller knows to ask for a password before [`PrivateKey::from_pem`].
    pub fn pem_is_encrypted(pem: &str) -> bool {
        let trimmed = pem.trim_start();
        trimmed.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----")
            || trimmed.starts_with(&format!("-----BEGIN {}-----", crate::cosign::LABEL))
            || trimmed.starts_with(&format!("-----BEGIN {}-----", crate::cosign::LEGACY_LABEL))
    }

    /// Reads a private key from PEM: `PRIVATE KEY` (PKCS#8), `ENCRYPTED PRIVATE KEY` (PKCS#8
    /// PBES2, needs `password`), `EC PRIVATE KEY` (SEC1), `ENCRYPTED SIGSTORE PRIVATE KEY` /
    /// `ENCRYPTED COSIGN PRIVATE KEY` (cosign; needs `password`, possibly empty).
    ///
    /// # Errors
    ///
    /// [`Error::PasswordRequired`], [`Error::Decryption`], [`Error::UnsupportedPem`],
    /// [`Error::Malformed`], [`Error::VerifyOnly`] (RSA, P-521), [`Error::UnsupportedAlgorithm`],
    /// [`Error::KdfCostTooHigh`] (an encrypted key over [`KdfLimits::DEFAULT`]).
    pub fn from_pem(pem: &str, password: Option<&Password>) -> Result<Self, Error> {
        Self::from_pem_with_limits(pem, password, &KdfLimits::DEFAULT)
    }

    /// As [`PrivateKey::from_pem`], with explicit bounds on the key-derivation cost an
    /// encrypted key may ask for (scrypt N, r, p; PBKDF2 iterations). The bounds are checked
    /// before any derivation, so a hostile file cannot allocate gigabytes or spin for hours.
    ///
    /// # Errors
    ///
    /// As for [`PrivateKey::from_pem`], and [`Error::KdfCostTooHigh`].
    pub fn from_pem_with_limits(
        pem: &str,
        password: Option<&Password>,
        limits: &KdfLimits,
    ) -> Result<Self, Error> {
        let (label, der) = crate::pem::decode(pem)?;
        match label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "ENCRYPTED PRIVATE KEY" => {
                let password = password.ok_or(Error::PasswordRequired)?;
                let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).map_err(|_| {
                    Error::Malformed {
                        what: "encrypted PKCS#8 private key",
                    }
                })?;
                limits.check_scheme(&info.encryption_algorithm)?;
                let doc = info
                    .decrypt(password.as_bytes())
                    .map_err(|_| Error::Decryption)?;
                Self::from_pkcs8_der(doc.as_bytes())
            }
            "EC PRIVATE KEY" => Self::from_sec1_der(&der),
            "RSA PRIVATE KEY" => Err(Error::VerifyOnly { algorithm: "RSA" }),
            crate::cosign::LABEL | crate::cosign::LEGACY_LABEL => {
                let password = password.ok_or(Error::PasswordRequired)?;
                let pkcs8 = crate::cosign::decrypt(&der, password, limits)?;
                Self::from_pkcs8_der(&pkcs8)
            }
            other => Err(Error::UnsupportedPem {
                found: format!("PEM label {other:?}"),
            }),
        }
    }

    /// Reads an unencrypted DER PKCS#8 private key.
    ///
    /// # Errors
    ///
    /// As for [`PrivateKey::from_pem`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|_| Error::Malformed {
            what: "PKCS#8 private key",
        })?;
        let malformed = |_| Error::Malformed {
            what: "PKCS#8 private key",
        };
        let secret = match info.algorithm.oid {
            oids::ED25519 => {
                Secret::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(malformed)?)
            }
            oids::EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                    .ok_or(Error::Malformed {
                        what: "EC private key parameters",
                    })?;
                match curve {
                    oids::SECP256R1 => Secret::EcdsaP256(
                        p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(malformed)?,
                    ),
                    oids::SECP384R1 => Secret::EcdsaP384(
                        p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(malformed)?,
                    ),
                    oids::SECP521R1 => {
                        return Err(Error::VerifyOnly {
                            algorithm: "ECDSA P-521",
                        });
                    }
                    other => {
                        return Err(Error::UnsupportedAlgorithm {
                            algorithm: format!("EC curve {other}"),
                        });
                    }
                }
            }
            oids::RSA_ENCRYPTION => return Err(Error::VerifyOnly { algorithm: "RSA" }),
            other => {
                return Err(Error::UnsupportedAlgorithm {
                    algorithm: format!("OID {other}"),
                });
            }
        };
        Self::from_secret(secret)
    }

    /// Reads a SEC1 `ECPrivateKey` (P-256 or P-384, named by its curve parameter).
    fn from_sec1_der(der: &[u8]) -> Result<Self, Error> {
        let malformed = Error::Malformed {
            what: "SEC1 EC private key",
        };
        let key = sec1::EcPrivateKey::from_der(der).map_err(|_| Error::Malformed {
            what: "SEC1 EC private key",
        })?;
        let curve = key.parameters.and_then(sec1::EcParameters::named_curve);
        let secret = match curve {
            Some(oids::SECP256R1) => Secret::EcdsaP256(
                p256::ecdsa::SigningKey::from_slice(key.private_key).map_err(|_| malformed)?,
            ),
            Some(oids::SECP384R1) => Secret::EcdsaP384(
                p384::ecdsa::SigningKey::from_slice(key.private_key).map_err(|_| malformed)?,
            ),
            Some(oids::SECP521R1) => {
                return Err(Error::VerifyOnly {
                    algorithm: "ECDSA P-521",
                });
            }
            Some(other) => {
                return Err(Error::UnsupportedAlgorithm {
                    algorithm: format!("EC curve {other}"),
                });
            }
            None => return Err(malformed),
        };
        Self::from_secret(secret)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.public.algorithm()
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the public half (ours, [`crate::key_id_for_spki_der`]).
    pub fn key_id(&self) -> &KeyId {
        self.public.key_id()
    }

    /// The same key, its signatures carrying the key id in `format` as their `keyid` hint
    /// (securesystemslib's unless changed).
    #[must_use]
    pub fn with_key_id_format(mut self, format: KeyIdFormat) -> Self {
        self.hint = self.public.key_id_as(format);
        self
    }

    /// The `keyid` its DSSE signatures carry, if any.
    pub fn key_id_hint(&self) -> Option<&KeyId> {
        self.hint.as_ref()
    }

    /// DER PKCS#8 **v1** (RFC 5208, no embedded public key): OpenSSL 3.0 cannot read the v2
    /// form (RFC 5958 `OneAsymmetricKey`) that ed25519-dalek writes for Ed25519.
    fn pkcs8_der(&self) -> Result<pkcs8::SecretDocument, Error> {
        let doc = match &self.secret {
            Secret::Ed25519(k) => k.to_pkcs8_der(),
            Secret::EcdsaP256(k) => k.to_pkcs8_der(),
            Secret::EcdsaP384(k) => k.to_pkcs8_der(),
        }
        .map_err(|_| Error::Encryption)?;
        let mut info =
            pkcs8::PrivateKeyInfoRef::from_der(doc.as_bytes()).map_err(|_| Error::Encryption)?;
        if info.public_key.is_none() {
            return Ok(doc);
        }
        info.public_key = None;
        pkcs8::SecretDocument::encode_msg(&info).map_err(|_| Error::Encryption)
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), zeroized on drop.
    ///
    /// # Errors
    ///
    /// [`Error::Encryption`] if encoding fails.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Error> {
        self.pkcs8_der()?
            .to_pem("PRIVATE KEY", der::pem::LineEnding::LF)
            .map_err(|_| Error::Encryption)
    }

    /// The key as encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`): PBES2 with
    /// scrypt (N = 2^14, r = 8, p = 1, 16-byte salt) and AES-256-CBC, which OpenSSL
    /// (`openssl pkey`) and Python `cryptography` open.
    ///
    /// # Errors
    ///
    /// [`Error::Random`], [`Error::Encryption`].
    pub fn to_encrypted_pkcs8_pem(&self, password: &Password) -> Result<Zeroizing<String>, Error> {
        let salt = random_bytes::<16>()?;
        let iv = random_bytes::<16>()?;
        let params =
            scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P).map_err(|_| Error::Encryption)?;
        let pbes2 = pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(params, salt.as_ref(), *iv)
            .map_err(|_| Error::Encryption)?;
        let der = self.pkcs8_der()?;
        let info =
            pkcs8::PrivateKeyInfoRef::from_der(der.as_bytes()).map_err(|_| Error::Encryption)?;
        info.encrypt_with_params(pbes2, password.as_bytes())
            .map_err(|_| Error::Encryption)?
            .to_pem("ENCRYPTED PRIVATE KEY", der::pem::LineEnding::LF)
            .map_err(|_| Error::Encryption)
    }

    /// Signs `message`: Ed25519 signature (64 bytes) or ECDSA ASN.1 DER (SHA-256 for P-256,
    /// SHA-384 for P-384, RFC 6979 nonces).
    ///
    /// # Errors
    ///
    /// [`Error::Signing`] (does not happen with local keys in practice).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.try_sign_bytes(message).map_err(|_| Error::Signing)
    }

    fn try_sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        use signature::Signer as _;
        Ok(match &self.secret {
            Secret::Ed25519(k) => {
                let sig: ed25519_dalek::Signature = k.try_sign(message)?;
                sig.to_bytes().to_vec()
            }
            Secret::EcdsaP256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(message)?;
                sig.to_der().as_bytes().to_vec()
            }
            Secret::EcdsaP384(k) => {
                let sig: p384::ecdsa::Signature = k.try_sign(message)?;
                sig.to_der().as_bytes().to_vec()
            }
        })
    }
}

impl DsseSigner for PrivateKey {
    fn key_id(&self) -> Option<&KeyId> {
        self.hint.as_ref()
    }

    fn sign_pae(&self, pae: &[u8]) -> Result<Vec<u8>, signature::Error> {
        self.try_sign_bytes(pae)
    }
}
