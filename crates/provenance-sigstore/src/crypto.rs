//! Public keys found in certificates, trusted roots and bundles, and signature checks.
//!
//! ECDSA and RSA go through `ring` (fast); Ed25519 through `ed25519-dalek`; ECDSA over a
//! precomputed digest (a message signature verified from its digest alone) through the
//! `RustCrypto` `p256`/`p384` hazmat prehash verifier.

use crate::der;
use crate::error::{Error, Result};
use ring::signature as rs;

const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Hash algorithms Sigstore uses for message digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-256 (`SHA2_256`).
    Sha256,
    /// SHA-384 (`SHA2_384`).
    Sha384,
    /// SHA-512 (`SHA2_512`).
    Sha512,
}

impl HashAlgorithm {
    /// Parses the protobuf enum name (`SHA2_256`, ...) or the in-toto name (`sha256`, ...).
    ///
    /// # Errors
    /// [`Error::Malformed`] for any other name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "SHA2_256" | "sha256" => Ok(Self::Sha256),
            "SHA2_384" | "sha384" => Ok(Self::Sha384),
            "SHA2_512" | "sha512" => Ok(Self::Sha512),
            other => Err(crate::error::malformed("hash algorithm", other)),
        }
    }

    /// The protobuf enum name.
    pub fn protobuf_name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA2_256",
            Self::Sha384 => "SHA2_384",
            Self::Sha512 => "SHA2_512",
        }
    }

    /// The in-toto / Rekor name (`sha256`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Hashes `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}

/// A public key that can verify Sigstore signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    kind: KeyKind,
    /// `SubjectPublicKeyInfo` DER.
    spki: Vec<u8>,
    /// The key bits (EC point, Ed25519 key, `RSAPublicKey` DER).
    raw: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    P256,
    P384,
    Ed25519,
    Rsa,
}

impl PublicKey {
    /// Parses a DER `SubjectPublicKeyInfo` (ECDSA P-256/P-384, Ed25519 or RSA).
    ///
    /// # Errors
    /// [`Error::Malformed`] if the DER is invalid or the algorithm unsupported.
    pub fn from_spki_der(spki: &[u8]) -> Result<Self> {
        let bad = |r: &str| crate::error::malformed("public key", r);
        let seq = der::read_one(spki, der::SEQUENCE).map_err(|_| bad("not a DER SPKI"))?;
        let parts = seq.child_vec().map_err(|_| bad("bad DER"))?;
        let [alg, bits] = parts.as_slice() else {
            return Err(bad("SPKI must have two fields"));
        };
        let alg_parts = alg
            .expect(der::SEQUENCE)
            .map_err(|_| bad("bad algorithm"))?
            .child_vec();
        let alg_parts = alg_parts.map_err(|_| bad("bad algorithm"))?;
        let oid = alg_parts
            .first()
            .filter(|t| t.tag == der::OID)
            .ok_or_else(|| bad("no OID"))?;
        let bits = bits
            .expect(der::BIT_STRING)
            .map_err(|_| bad("no key bits"))?;
        let raw = match bits.value.split_first() {
            Some((0, raw)) => raw.to_vec(),
            _ => return Err(bad("key bits not byte aligned")),
        };
        let kind = if oid.value == OID_EC_PUBLIC_KEY {
            match alg_parts.get(1) {
                Some(c) if c.tag == der::OID && c.value == OID_P256 => KeyKind::P256,
                Some(c) if c.tag == der::OID && c.value == OID_P384 => KeyKind::P384,
                _ => return Err(bad("unsupported elliptic curve")),
            }
        } else if oid.value == OID_ED25519 {
            if raw.len() != 32 {
                return Err(bad("Ed25519 key must be 32 bytes"));
            }
            KeyKind::Ed25519
        } else if oid.value == OID_RSA {
            KeyKind::Rsa
        } else {
            return Err(bad("unsupported key algorithm"));
        };
        Ok(Self {
            kind,
            spki: spki.to_vec(),
            raw,
        })
    }

    /// Wraps a PKCS#1 `RSAPublicKey` (trusted roots' `PKCS1_RSA_*` keys) as an RSA key.
    ///
    /// # Errors
    /// [`Error::Malformed`] if it is not a DER SEQUENCE.
    pub fn from_pkcs1_rsa_der(der_bytes: &[u8]) -> Result<Self> {
        der::read_one(der_bytes, der::SEQUENCE)
            .map_err(|_| crate::error::malformed("public key", "not PKCS#1"))?;
        let alg = der::encode(
            der::SEQUENCE,
            &[der::encode(der::OID, OID_RSA), vec![0x05, 0x00]].concat(),
        );
        let mut bits = vec![0u8];
        bits.extend_from_slice(der_bytes);
        let spki = der::encode(
            der::SEQUENCE,
            &[alg, der::encode(der::BIT_STRING, &bits)].concat(),
        );
        Ok(Self {
            kind: KeyKind::Rsa,
            spki,
            raw: der_bytes.to_vec(),
        })
    }

    /// Parses a PEM `PUBLIC KEY` block.
    ///
    /// # Errors
    /// [`Error::Malformed`] if the PEM or the key is invalid.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let der = pem_decode(pem, "PUBLIC KEY")?;
        Self::from_spki_der(&der)
    }

    /// The `SubjectPublicKeyInfo` DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// Whether this is an Ed25519 key.
    pub fn is_ed25519(&self) -> bool {
        self.kind == KeyKind::Ed25519
    }

    /// Whether this is an ECDSA key (P-256 or P-384).
    pub fn is_ecdsa(&self) -> bool {
        matches!(self.kind, KeyKind::P256 | KeyKind::P384)
    }

    /// The raw key bits (for Ed25519 the 32-byte key).
    pub(crate) fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Verifies `signature` over `message` with the algorithm the key implies (ECDSA
    /// P-256/SHA-256, P-384/SHA-384, Ed25519, RSA PKCS#1 v1.5 SHA-256).
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] naming `what` when it does not verify.
    pub fn verify(&self, message: &[u8], signature: &[u8], what: &'static str) -> Result<()> {
        let ok = match self.kind {
            KeyKind::P256 => {
                ring_ok(&rs::ECDSA_P256_SHA256_ASN1, &self.raw, message, signature)
                    || ring_ok(&rs::ECDSA_P256_SHA256_FIXED, &self.raw, message, signature)
            }
            KeyKind::P384 => {
                ring_ok(&rs::ECDSA_P384_SHA384_ASN1, &self.raw, message, signature)
                    || ring_ok(&rs::ECDSA_P384_SHA256_ASN1, &self.raw, message, signature)
                    || ring_ok(&rs::ECDSA_P384_SHA384_FIXED, &self.raw, message, signature)
            }
            KeyKind::Ed25519 => {
                let Ok(key) = <[u8; 32]>::try_from(self.raw.as_slice()) else {
                    return Err(Error::InvalidSignature(what));
                };
                let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
                    return Err(Error::InvalidSignature(what));
                };
                ed25519_dalek::VerifyingKey::from_bytes(&key)
                    .is_ok_and(|k| k.verify_strict(message, &sig).is_ok())
            }
            KeyKind::Rsa => {
                ring_ok(
                    &rs::RSA_PKCS1_2048_8192_SHA256,
                    &self.raw,
                    message,
                    signature,
                ) || ring_ok(&rs::RSA_PSS_2048_8192_SHA256, &self.raw, message, signature)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature(what))
        }
    }

    /// Verifies an ECDSA `signature` over a precomputed `digest` (message signatures verified
    /// from the artifact digest). Other key types need the message itself.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] when it does not verify or the key cannot verify prehashed.
    pub fn verify_prehashed(
        &self,
        digest: &[u8],
        signature: &[u8],
        what: &'static str,
    ) -> Result<()> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
        let ok = match self.kind {
            KeyKind::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&self.raw);
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p256::ecdsa::Signature::from_slice(signature));
                matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(digest, &s).is_ok())
            }
            KeyKind::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(&self.raw);
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .or_else(|_| p384::ecdsa::Signature::from_slice(signature));
                matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(digest, &s).is_ok())
            }
            KeyKind::Ed25519 | KeyKind::Rsa => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature(what))
        }
    }
}

/// A Sigstore key (Fulcio leaf or given public key) as a `provenance-dsse` verification key,
/// its id the hex SHA-256 of the DER `SubjectPublicKeyInfo` (the `provenance-keys` convention).
pub(crate) struct DsseKey<'a> {
    id: provenance_dsse::KeyId,
    key: &'a PublicKey,
}

impl<'a> DsseKey<'a> {
    pub(crate) fn new(key: &'a PublicKey) -> Result<Self> {
        let id = hex::encode(sha256(key.spki_der()));
        let id = provenance_dsse::KeyId::try_from(id)
            .map_err(|e| crate::error::malformed("key id", e.to_string()))?;
        Ok(Self { id, key })
    }
}

impl provenance_dsse::VerificationKey for DsseKey<'_> {
    fn key_id(&self) -> &provenance_dsse::KeyId {
        &self.id
    }

    fn verify(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> std::result::Result<(), provenance_dsse::InvalidSignature> {
        self.key
            .verify(message, signature, "DSSE envelope")
            .map_err(|_| provenance_dsse::InvalidSignature)
    }
}

fn ring_ok(
    alg: &'static dyn rs::VerificationAlgorithm,
    key: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> bool {
    rs::UnparsedPublicKey::new(alg, key)
        .verify(msg, sig)
        .is_ok()
}

/// Decodes the first PEM block with the given label.
pub(crate) fn pem_decode(pem: &str, label: &str) -> Result<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem
        .find(&begin)
        .ok_or_else(|| crate::error::malformed("PEM", "no BEGIN line"))?;
    let body = pem.get(start + begin.len()..).unwrap_or_default();
    let stop = body
        .find(&end)
        .ok_or_else(|| crate::error::malformed("PEM", "no END line"))?;
    let b64: String = body
        .get(..stop)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    crate::b64::decode("PEM", &b64)
}
