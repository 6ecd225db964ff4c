//! Public keys: parsing (SPKI / PKCS#1 PEM and DER), key ids, verification.

use std::fmt;

use der::{Decode as _, Encode as _};
use provenance_dsse::{InvalidSignature, KeyId, VerificationKey};
use ring::signature as rs;
use spki::{DecodePublicKey as _, EncodePublicKey as _, SubjectPublicKeyInfoRef};

use crate::Error;
use crate::key_id::{KeyIdFormat, key_id_for_spki_der, sslib_key_id};
use crate::oids;

/// The algorithm of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// Ed25519 (RFC 8032), the default for new keys.
    Ed25519,
    /// ECDSA on NIST P-256 with SHA-256.
    EcdsaP256,
    /// ECDSA on NIST P-384 with SHA-384.
    EcdsaP384,
    /// ECDSA on NIST P-521 with SHA-512 (verification only).
    EcdsaP521,
    /// RSA, PKCS#1 v1.5 or PSS with SHA-256/384/512, 2048-8192 bits (verification only).
    Rsa,
}

impl KeyAlgorithm {
    /// The name used on the command line and in reports (`ed25519`, `ecdsa-p256`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::EcdsaP256 => "ecdsa-p256",
            Self::EcdsaP384 => "ecdsa-p384",
            Self::EcdsaP521 => "ecdsa-p521",
            Self::Rsa => "rsa",
        }
    }

    /// Whether we can generate and sign with keys of this algorithm.
    pub fn can_sign(self) -> bool {
        matches!(self, Self::Ed25519 | Self::EcdsaP256 | Self::EcdsaP384)
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for KeyAlgorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "ed25519" => Ok(Self::Ed25519),
            "ecdsa-p256" | "ecdsa-sha2-nistp256" | "p256" => Ok(Self::EcdsaP256),
            "ecdsa-p384" | "ecdsa-sha2-nistp384" | "p384" => Ok(Self::EcdsaP384),
            "ecdsa-p521" | "ecdsa-sha2-nistp521" | "p521" => Ok(Self::EcdsaP521),
            "rsa" => Ok(Self::Rsa),
            other => Err(Error::UnsupportedAlgorithm {
                algorithm: other.to_owned(),
            }),
        }
    }
}

#[derive(Clone)]
pub(crate) enum Inner {
    Ed25519(ed25519_dalek::VerifyingKey),
    /// Uncompressed SEC1 point (what ring wants).
    EcdsaP256(Vec<u8>),
    EcdsaP384(Vec<u8>),
    EcdsaP521(p521::ecdsa::VerifyingKey),
    /// DER `RSAPublicKey` (PKCS#1).
    Rsa(Vec<u8>),
}

/// A public key: Ed25519, ECDSA P-256/P-384/P-521 or RSA, with its [`KeyId`].
///
/// Implements [`provenance_dsse::VerificationKey`]. ECDSA and RSA verification use `ring`
/// (several times faster than the pure-Rust implementations); ECDSA signatures are accepted in
/// ASN.1 DER (securesystemslib, cosign) and IEEE P1363 `r‖s` (the DSSE spec vector) form.
#[derive(Clone)]
pub struct PublicKey {
    inner: Inner,
    spki_der: Vec<u8>,
    key_id: KeyId,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    pub(crate) fn from_inner(inner: Inner) -> Result<Self, Error> {
        let malformed = |_| Error::Malformed { what: "public key" };
        let spki_der = match &inner {
            Inner::Ed25519(k) => k.to_public_key_der().map_err(malformed)?.into_vec(),
            Inner::EcdsaP256(point) => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| Error::Malformed {
                    what: "P-256 public key",
                })?
                .to_public_key_der()
                .map_err(malformed)?
                .into_vec(),
            Inner::EcdsaP384(point) => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| Error::Malformed {
                    what: "P-384 public key",
                })?
                .to_public_key_der()
                .map_err(malformed)?
                .into_vec(),
            Inner::EcdsaP521(k) => k.to_public_key_der().map_err(malformed)?.into_vec(),
            Inner::Rsa(pkcs1) => rsa_spki_der(pkcs1).map_err(|_| Error::Malformed {
                what: "RSA public key",
            })?,
        };
        let key_id = key_id_for_spki_der(&spki_der);
        Ok(Self {
            inner,
            spki_der,
            key_id,
        })
    }

    /// Parses a PEM public key: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1).
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedPem`], [`Error::Malformed`], [`Error::UnsupportedAlgorithm`].
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let (label, der) = crate::pem::decode(pem)?;
        match label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "RSA PUBLIC KEY" => {
                let key = pkcs1::RsaPublicKeyRef::from_der(&der).map_err(|_| Error::Malformed {
                    what: "PKCS#1 RSA public key",
                })?;
                check_rsa_size(&key)?;
                Self::from_inner(Inner::Rsa(der.to_vec()))
            }
            other => Err(Error::UnsupportedPem {
                found: format!("PEM label {other:?}"),
            }),
        }
    }

    /// Parses a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`], [`Error::UnsupportedAlgorithm`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::Malformed {
            what: "SPKI public key",
        })?;
        let key_bytes = spki.subject_public_key.as_bytes().ok_or(Error::Malformed {
            what: "SPKI public key",
        })?;
        let inner = match spki.algorithm.oid {
            oids::ED25519 => Inner::Ed25519(
                ed25519_dalek::VerifyingKey::from_public_key_der(der).map_err(|_| {
                    Error::Malformed {
                        what: "Ed25519 public key",
                    }
                })?,
            ),
            oids::EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                    .ok_or(Error::Malformed {
                        what: "EC public key parameters",
                    })?;
                match curve {
                    oids::SECP256R1 => Inner::EcdsaP256(
                        p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| Error::Malformed {
                                what: "P-256 public key",
                            })?
                            .to_sec1_point(false)
                            .as_bytes()
                            .to_vec(),
                    ),
                    oids::SECP384R1 => Inner::EcdsaP384(
                        p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                            .map_err(|_| Error::Malformed {
                                what: "P-384 public key",
                            })?
                            .to_sec1_point(false)
                            .as_bytes()
                            .to_vec(),
                    ),
                    oids::SECP521R1 => Inner::EcdsaP521(
                        p521::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(|_| {
                            Error::Malformed {
                                what: "P-521 public key",
                            }
                        })?,
                    ),
                    other => {
                        return Err(Error::UnsupportedAlgorithm {
                            algorithm: format!("EC curve {other}"),
                        });
                    }
                }
            }
            oids::RSA_ENCRYPTION => {
                let key =
                    pkcs1::RsaPublicKeyRef::from_der(key_bytes).map_err(|_| Error::Malformed {
                        what: "RSA public key",
                    })?;
                check_rsa_size(&key)?;
                Inner::Rsa(key_bytes.to_vec())
            }
            other => {
                return Err(Error::UnsupportedAlgorithm {
                    algorithm: format!("OID {other}"),
                });
            }
        };
        Self::from_inner(inner)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self.inner {
            Inner::Ed25519(_) => KeyAlgorithm::Ed25519,
            Inner::EcdsaP256(_) => KeyAlgorithm::EcdsaP256,
            Inner::EcdsaP384(_) => KeyAlgorithm::EcdsaP384,
            Inner::EcdsaP521(_) => KeyAlgorithm::EcdsaP521,
            Inner::Rsa(_) => KeyAlgorithm::Rsa,
        }
    }

    /// The key id: hex SHA-256 of the DER SPKI, see [`key_id_for_spki_der`].
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The key id in `format`: ours ([`key_id_for_spki_der`]), securesystemslib's
    /// ([`sslib_key_id`]) or none.
    pub fn key_id_as(&self, format: KeyIdFormat) -> Option<KeyId> {
        match format {
            KeyIdFormat::Spki => Some(self.key_id.clone()),
            KeyIdFormat::Sslib => Some(sslib_key_id(self)),
            KeyIdFormat::None => None,
        }
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The DER `SubjectPublicKeyInfo` (uncompressed points for EC keys).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`, LF line endings).
    pub fn to_pem(&self) -> String {
        crate::pem::encode("PUBLIC KEY", &self.spki_der)
    }

    /// Checks `signature` over `message`.
    ///
    /// # Errors
    ///
    /// [`InvalidSignature`] when it does not verify.
    pub fn verify_signature(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let ok = match &self.inner {
            Inner::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| signature::Verifier::verify(key, message, &sig).is_ok()),
            Inner::EcdsaP256(point) => ring_ecdsa(
                point,
                message,
                signature,
                &rs::ECDSA_P256_SHA256_ASN1,
                &rs::ECDSA_P256_SHA256_FIXED,
                64,
            ),
            Inner::EcdsaP384(point) => ring_ecdsa(
                point,
                message,
                signature,
                &rs::ECDSA_P384_SHA384_ASN1,
                &rs::ECDSA_P384_SHA384_FIXED,
                96,
            ),
            Inner::EcdsaP521(key) => {
                let der = p521::ecdsa::DerSignature::from_bytes(signature)
                    .ok()
                    .and_then(|d| p521::ecdsa::Signature::try_from(d).ok());
                let sig = der.or_else(|| p521::ecdsa::Signature::from_slice(signature).ok());
                sig.is_some_and(|sig| signature::Verifier::verify(key, message, &sig).is_ok())
            }
            Inner::Rsa(pkcs1) => [
                &rs::RSA_PKCS1_2048_8192_SHA256,
                &rs::RSA_PSS_2048_8192_SHA256,
                &rs::RSA_PKCS1_2048_8192_SHA384,
                &rs::RSA_PSS_2048_8192_SHA384,
                &rs::RSA_PKCS1_2048_8192_SHA512,
                &rs::RSA_PSS_2048_8192_SHA512,
            ]
            .into_iter()
            .any(|alg| {
                rs::UnparsedPublicKey::new(alg, pkcs1)
                    .verify(message, signature)
                    .is_ok()
            }),
        };
        if ok { Ok(()) } else { Err(InvalidSignature) }
    }
}

/// ECDSA with ring: DER first, then P1363 when the length fits.
fn ring_ecdsa(
    point: &[u8],
    message: &[u8],
    signature: &[u8],
    asn1: &'static rs::EcdsaVerificationAlgorithm,
    fixed: &'static rs::EcdsaVerificationAlgorithm,
    fixed_len: usize,
) -> bool {
    rs::UnparsedPublicKey::new(asn1, point)
        .verify(message, signature)
        .is_ok()
        || (signature.len() == fixed_len
            && rs::UnparsedPublicKey::new(fixed, point)
                .verify(message, signature)
                .is_ok())
}

/// The shortest RSA modulus accepted, in bits (NIST SP 800-131A; sigstore's `cryptoutils`
/// public-key validation, which cosign uses, refuses shorter keys too).
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// Refuses an RSA key whose modulus is shorter than [`MIN_RSA_BITS`].
fn check_rsa_size(key: &pkcs1::RsaPublicKeyRef<'_>) -> Result<(), Error> {
    let modulus = key.modulus.as_bytes();
    let first = modulus
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(modulus.len());
    let significant = modulus.get(first..).unwrap_or_default();
    let bits = significant.first().map_or(0, |top| {
        (significant.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
    });
    if bits < MIN_RSA_BITS {
        return Err(Error::WeakKey {
            bits,
            min: MIN_RSA_BITS,
        });
    }
    Ok(())
}

/// Wraps a PKCS#1 `RSAPublicKey` into an SPKI with `rsaEncryption` and NULL parameters.
fn rsa_spki_der(pkcs1: &[u8]) -> der::Result<Vec<u8>> {
    let spki = spki::SubjectPublicKeyInfo {
        algorithm: spki::AlgorithmIdentifier {
            oid: oids::RSA_ENCRYPTION,
            parameters: Some(der::asn1::AnyRef::NULL),
        },
        subject_public_key: der::asn1::BitStringRef::from_bytes(pkcs1)?,
    };
    spki.to_der()
}

impl VerificationKey for PublicKey {
    fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        self.verify_signature(message, signature)
    }

    fn as_ed25519(&self) -> Option<&ed25519_dalek::VerifyingKey> {
        match &self.inner {
            Inner::Ed25519(key) => Some(key),
            _ => None,
        }
    }
}
