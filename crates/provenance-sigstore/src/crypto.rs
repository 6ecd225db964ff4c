//! Public keys found in certificates, trusted roots and bundles, and signature checks.
//!
//! Every `PublicKeyDetails` sigstore-go verifies, paired with its hash as sigstore-go's default
//! verifier pairs them: ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512 (P-384 and P-521
//! also with SHA-256, the compatibility verifier sigstore-go keeps for old clients), RSA
//! 2048/3072/4096 PKCS#1 v1.5 or PSS with SHA-256, Ed25519 (pure for DSSE, Ed25519ph for
//! message signatures). P-256, P-384 and RSA go through `ring` (fast); P-521 through the
//! `RustCrypto` `p521` crate (ring lacks it); Ed25519 through `ed25519-dalek`; ECDSA over a
//! precomputed digest through the `RustCrypto` prehash verifiers. `SubjectPublicKeyInfo` is
//! parsed with `spki`.

use crate::error::{Error, Result};
use const_oid::ObjectIdentifier;
use der::{Decode as _, Encode as _};
use ring::signature as rs;

pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

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
    P521,
    Ed25519,
    /// RSA with the modulus size in bits.
    Rsa(usize),
}

/// RSA modulus sizes sigstore-go's algorithm registry knows (`PKIX_RSA_*_2048/3072/4096`):
/// the only ones a signing (leaf) key may have.
const RSA_SIZES: [usize; 3] = [2048, 3072, 4096];

fn bad_key(reason: &str) -> Error {
    crate::error::malformed("public key", reason)
}

/// The modulus size (bits) of a PKCS#1 `RSAPublicKey`, within what `ring` verifies
/// (2048..=8192 bits).
fn rsa_modulus_bits(der_bytes: &[u8]) -> Result<usize> {
    let key = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(der_bytes)
        .map_err(|_| bad_key("bad RSA key"))?;
    let n = key.modulus.as_bytes();
    let lead = n.first().copied().unwrap_or_default();
    let bits = n
        .len()
        .saturating_mul(8)
        .saturating_sub(lead.leading_zeros() as usize);
    if (2048..=8192).contains(&bits) {
        Ok(bits)
    } else {
        Err(bad_key(&format!(
            "unsupported RSA key size {bits} bits (2048 to 8192)"
        )))
    }
}

impl PublicKey {
    /// Parses a DER `SubjectPublicKeyInfo`: ECDSA P-256/P-384/P-521, Ed25519, or RSA with a
    /// 2048- to 8192-bit modulus (a signing leaf: see [`PublicKey::check_signing_key`]).
    ///
    /// # Errors
    /// [`Error::Malformed`] if the DER is invalid or the algorithm unsupported.
    pub fn from_spki_der(spki: &[u8]) -> Result<Self> {
        let info =
            spki::SubjectPublicKeyInfoRef::from_der(spki).map_err(|_| bad_key("not a DER SPKI"))?;
        let raw = info
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| bad_key("key bits not byte aligned"))?
            .to_vec();
        let oid = info.algorithm.oid;
        let kind = if oid == OID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(c) if c == OID_P256 => KeyKind::P256,
                Some(c) if c == OID_P384 => KeyKind::P384,
                Some(c) if c == OID_P521 => KeyKind::P521,
                _ => return Err(bad_key("unsupported elliptic curve")),
            }
        } else if oid == OID_ED25519 {
            if raw.len() != 32 {
                return Err(bad_key("Ed25519 key must be 32 bytes"));
            }
            KeyKind::Ed25519
        } else if oid == OID_RSA {
            KeyKind::Rsa(rsa_modulus_bits(&raw)?)
        } else {
            return Err(bad_key("unsupported key algorithm"));
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
    /// [`Error::Malformed`] if it is not a DER `RSAPublicKey` of a supported size.
    pub fn from_pkcs1_rsa_der(der_bytes: &[u8]) -> Result<Self> {
        let bits = rsa_modulus_bits(der_bytes)?;
        let bits_string =
            der::asn1::BitString::from_bytes(der_bytes).map_err(|_| bad_key("not PKCS#1"))?;
        let info = spki::SubjectPublicKeyInfoOwned {
            algorithm: spki::AlgorithmIdentifierOwned {
                oid: OID_RSA,
                parameters: Some(der::asn1::Null.into()),
            },
            subject_public_key: bits_string,
        };
        let spki = info.to_der().map_err(|_| bad_key("not PKCS#1"))?;
        Ok(Self {
            kind: KeyKind::Rsa(bits),
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

    /// Whether this is an ECDSA key (P-256, P-384 or P-521).
    pub fn is_ecdsa(&self) -> bool {
        matches!(self.kind, KeyKind::P256 | KeyKind::P384 | KeyKind::P521)
    }

    /// Checks that the key may sign as a Fulcio leaf the way sigstore-go's default verifier
    /// accepts one: any supported ECDSA or Ed25519 key, RSA only with a 2048-, 3072- or
    /// 4096-bit modulus.
    ///
    /// # Errors
    /// [`Error::Malformed`] naming the RSA key size otherwise.
    pub fn check_signing_key(&self) -> Result<()> {
        match self.kind {
            KeyKind::Rsa(bits) if !RSA_SIZES.contains(&bits) => Err(bad_key(&format!(
                "unsupported RSA signing key size {bits} bits (2048, 3072 or 4096)"
            ))),
            _ => Ok(()),
        }
    }

    /// Whether this is an RSA key.
    pub fn is_rsa(&self) -> bool {
        matches!(self.kind, KeyKind::Rsa(_))
    }

    /// The Sigstore `PublicKeyDetails` name of the key's default algorithm (as
    /// sigstore-go's `GetDefaultPublicKeyDetails` names it; RSA keys are named by their
    /// PKCS#1 v1.5 form, though PSS signatures verify too; an RSA size sigstore-go has no
    /// name for is `PKIX_RSA`).
    pub fn key_details(&self) -> &'static str {
        match self.kind {
            KeyKind::P256 => "PKIX_ECDSA_P256_SHA_256",
            KeyKind::P384 => "PKIX_ECDSA_P384_SHA_384",
            KeyKind::P521 => "PKIX_ECDSA_P521_SHA_512",
            KeyKind::Ed25519 => "PKIX_ED25519",
            KeyKind::Rsa(2048) => "PKIX_RSA_PKCS1V15_2048_SHA256",
            KeyKind::Rsa(3072) => "PKIX_RSA_PKCS1V15_3072_SHA256",
            KeyKind::Rsa(4096) => "PKIX_RSA_PKCS1V15_4096_SHA256",
            KeyKind::Rsa(_) => "PKIX_RSA",
        }
    }

    /// The raw key bits (for Ed25519 the 32-byte key).
    pub(crate) fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Verifies `signature` over `message` with the algorithm the key implies: ECDSA
    /// P-256/SHA-256, P-384/SHA-384 (or SHA-256), P-521/SHA-512 (or SHA-256), ECDSA
    /// signatures DER-encoded or fixed-width; Ed25519 (pure); RSA PKCS#1 v1.5 or PSS with
    /// SHA-256.
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
            KeyKind::P521 => {
                p521_prehash_ok(&self.raw, &HashAlgorithm::Sha512.hash(message), signature)
                    || p521_prehash_ok(&self.raw, &sha256(message), signature)
            }
            KeyKind::Ed25519 => ed25519_key(&self.raw)
                .zip(ed25519_signature(signature))
                .is_some_and(|(k, s)| k.verify_strict(message, &s).is_ok()),
            KeyKind::Rsa(_) => {
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

    /// Verifies `signature` over `message` hashed with `hash` (a CMS signer's digest
    /// algorithm, as in RFC 3161 tokens): RSA PKCS#1 v1.5 or PSS and ECDSA with that hash,
    /// Ed25519 pure; and whatever [`PublicKey::verify`] accepts.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] naming `what` when it does not verify.
    pub(crate) fn verify_with_hash(
        &self,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
        what: &'static str,
    ) -> Result<()> {
        let (pkcs1, pss): (
            &'static dyn rs::VerificationAlgorithm,
            &'static dyn rs::VerificationAlgorithm,
        ) = match hash {
            HashAlgorithm::Sha256 => (
                &rs::RSA_PKCS1_2048_8192_SHA256,
                &rs::RSA_PSS_2048_8192_SHA256,
            ),
            HashAlgorithm::Sha384 => (
                &rs::RSA_PKCS1_2048_8192_SHA384,
                &rs::RSA_PSS_2048_8192_SHA384,
            ),
            HashAlgorithm::Sha512 => (
                &rs::RSA_PKCS1_2048_8192_SHA512,
                &rs::RSA_PSS_2048_8192_SHA512,
            ),
        };
        let ok = match self.kind {
            KeyKind::Rsa(_) => {
                ring_ok(pkcs1, &self.raw, message, signature)
                    || ring_ok(pss, &self.raw, message, signature)
            }
            KeyKind::P256 | KeyKind::P384 | KeyKind::P521 => self
                .verify_prehashed(&hash.hash(message), signature, what)
                .is_ok(),
            KeyKind::Ed25519 => false,
        };
        if ok {
            Ok(())
        } else {
            self.verify(message, signature, what)
        }
    }

    /// Verifies a message signature (`messageSignature` content) over the artifact bytes.
    /// As [`PublicKey::verify`], except that an Ed25519 key verifies Ed25519ph only (SHA-512
    /// prehash, `PKIX_ED25519_PH`: what sigstore-go verifies for message signatures, and the
    /// only Ed25519 form Rekor's `hashedrekord` can log).
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] naming `what` when it does not verify.
    pub fn verify_message(
        &self,
        message: &[u8],
        signature: &[u8],
        what: &'static str,
    ) -> Result<()> {
        if self.kind == KeyKind::Ed25519 {
            use sha2::Digest as _;
            let ph = ed25519_key(&self.raw)
                .zip(ed25519_signature(signature))
                .is_some_and(|(k, s)| {
                    let mut h = ed25519_dalek::Sha512::new();
                    h.update(message);
                    k.verify_prehashed_strict(h, None, &s).is_ok()
                });
            return if ph {
                Ok(())
            } else {
                Err(Error::InvalidSignature(what))
            };
        }
        self.verify(message, signature, what)
    }

    /// Verifies a `signature` over a precomputed `digest` (message signatures verified from
    /// the artifact digest): ECDSA; RSA over a SHA-256 digest, PKCS#1 v1.5 or PSS; Ed25519ph
    /// over a SHA-512 digest (as sigstore-go's `ED25519phVerifier` with `WithDigest`). Pure
    /// Ed25519 signatures need the message itself.
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
            KeyKind::P521 => p521_prehash_ok(&self.raw, digest, signature),
            KeyKind::Rsa(_) => rsa_prehash_ok(&self.raw, digest, signature),
            KeyKind::Ed25519 => ed25519ph_prehash_ok(&self.raw, digest, signature),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature(what))
        }
    }
}

/// RSA PKCS#1 v1.5 or PSS (salt length 32) over a SHA-256 digest, with the `RustCrypto` `rsa`
/// crate (ring verifies only over the message). Public-key operations only.
fn rsa_prehash_ok(raw: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey as _;
    use rsa::signature::hazmat::PrehashVerifier as _;
    if digest.len() != 32 {
        return false;
    }
    let Ok(key) = rsa::PublicKey::from_pkcs1_der(raw) else {
        return false;
    };
    let pkcs1 = rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|s| {
        rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone())
            .verify_prehash(digest, &s)
            .is_ok()
    });
    pkcs1
        || rsa::pss::Signature::try_from(signature).is_ok_and(|s| {
            rsa::pss::VerifyingKey::<sha2::Sha256>::new(key)
                .verify_prehash(digest, &s)
                .is_ok()
        })
}

/// A SHA-512 value computed elsewhere, handed to `ed25519-dalek`'s Ed25519ph verifier (which
/// takes the prehash as a finished `Digest`). Any `update` poisons it: verification then
/// fails.
#[derive(Clone)]
struct PrecomputedSha512 {
    value: [u8; 64],
    poisoned: bool,
}

impl Default for PrecomputedSha512 {
    fn default() -> Self {
        Self {
            value: [0; 64],
            poisoned: true,
        }
    }
}

impl digest::HashMarker for PrecomputedSha512 {}

impl digest::OutputSizeUser for PrecomputedSha512 {
    type OutputSize = digest::consts::U64;
}

impl digest::Update for PrecomputedSha512 {
    fn update(&mut self, _data: &[u8]) {
        self.poisoned = true;
    }
}

impl digest::FixedOutput for PrecomputedSha512 {
    fn finalize_into(self, out: &mut digest::Output<Self>) {
        if !self.poisoned {
            out.copy_from_slice(&self.value);
        }
    }
}

/// Ed25519ph (RFC 8032, empty context) over a SHA-512 digest of the message.
fn ed25519ph_prehash_ok(raw: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    let Ok(value) = <[u8; 64]>::try_from(digest) else {
        return false;
    };
    let prehash = PrecomputedSha512 {
        value,
        poisoned: false,
    };
    ed25519_key(raw)
        .zip(ed25519_signature(signature))
        .is_some_and(|(k, s)| k.verify_prehashed_strict(prehash, None, &s).is_ok())
}

fn ed25519_key(raw: &[u8]) -> Option<ed25519_dalek::VerifyingKey> {
    let key = <[u8; 32]>::try_from(raw).ok()?;
    ed25519_dalek::VerifyingKey::from_bytes(&key).ok()
}

fn ed25519_signature(signature: &[u8]) -> Option<ed25519_dalek::Signature> {
    ed25519_dalek::Signature::from_slice(signature).ok()
}

/// ECDSA P-521 over a digest. A digest shorter than half the field (SHA-256, which old
/// clients used with P-521) is left-padded: the same integer, as ECDSA reads it.
fn p521_prehash_ok(raw: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    use p521::ecdsa::signature::hazmat::PrehashVerifier as _;
    let Ok(key) = p521::ecdsa::VerifyingKey::from_sec1_bytes(raw) else {
        return false;
    };
    let Ok(sig) = p521::ecdsa::Signature::from_der(signature)
        .or_else(|_| p521::ecdsa::Signature::from_slice(signature))
    else {
        return false;
    };
    let mut padded = Vec::with_capacity(digest.len().max(33));
    padded.resize(33usize.saturating_sub(digest.len()), 0);
    padded.extend_from_slice(digest);
    key.verify_prehash(&padded, &sig).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Signer as _;

    fn ed25519_key() -> (ed25519_dalek::SigningKey, PublicKey) {
        let sk = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let mut spki = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        spki.extend_from_slice(sk.verifying_key().as_bytes());
        (sk, PublicKey::from_spki_der(&spki).unwrap())
    }

    /// sigstore-go verifies Ed25519 message signatures as Ed25519ph (`PKIX_ED25519_PH`).
    #[test]
    fn ed25519_message_signatures_are_ed25519ph() {
        use sha2::Digest as _;
        let (sk, pk) = ed25519_key();
        let msg = b"artifact";
        let mut h = ed25519_dalek::Sha512::new();
        h.update(msg);
        let ph = sk.sign_prehashed(h, None).unwrap().to_bytes();
        pk.verify_message(msg, &ph, "m").unwrap();
        assert!(pk.verify(msg, &ph, "m").is_err(), "DSSE is pure Ed25519");
        assert!(pk.verify_message(b"other", &ph, "m").is_err());
        let pure = sk.sign(msg).to_bytes();
        assert!(
            pk.verify_message(msg, &pure, "m").is_err(),
            "as sigstore-go"
        );
        pk.verify(msg, &pure, "m").unwrap();
        assert!(pk.verify_prehashed(&[0; 64], &pure, "m").is_err());
        // Ed25519ph from the SHA-512 digest alone; not from another digest, not pure.
        let digest = HashAlgorithm::Sha512.hash(msg);
        pk.verify_prehashed(&digest, &ph, "m").unwrap();
        assert!(pk.verify_prehashed(&digest, &pure, "m").is_err());
        let other = HashAlgorithm::Sha512.hash(b"other");
        assert!(pk.verify_prehashed(&other, &ph, "m").is_err());
        assert!(pk.verify_prehashed(&digest[..32], &ph, "m").is_err());
    }

    #[test]
    fn unsupported_keys_are_named() {
        // secp256k1 (1.3.132.0.10) is not a Sigstore curve.
        let k1 = [
            0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a, 0x03, 0x42, 0x00, 0x04,
        ];
        let mut spki = k1.to_vec();
        spki.extend_from_slice(&[1; 64]);
        let err = PublicKey::from_spki_der(&spki).unwrap_err().to_string();
        assert!(err.contains("unsupported elliptic curve"), "{err}");
        // A 1024-bit RSA modulus.
        let mut n = vec![0x00, 0x80];
        n.extend_from_slice(&[0xff; 127]);
        let mut rsa = vec![0x30, 0x81, 0x89, 0x02, 0x81, 0x81];
        rsa.extend_from_slice(&n);
        rsa.extend_from_slice(&[0x02, 0x03, 0x01, 0x00, 0x01]);
        let err = PublicKey::from_pkcs1_rsa_der(&rsa).unwrap_err().to_string();
        assert!(err.contains("unsupported RSA key size 1024 bits"), "{err}");
        // 5120 bits: a trusted-root key may have it, a signing leaf may not.
        let mut n = vec![0x00, 0x80];
        n.extend_from_slice(&[0xff; 639]);
        let mut rsa = vec![0x30, 0x82, 0x02, 0x8a, 0x02, 0x82, 0x02, 0x81];
        rsa.extend_from_slice(&n);
        rsa.extend_from_slice(&[0x02, 0x03, 0x01, 0x00, 0x01]);
        let key = PublicKey::from_pkcs1_rsa_der(&rsa).unwrap();
        assert_eq!(key.key_details(), "PKIX_RSA");
        let err = key.check_signing_key().unwrap_err().to_string();
        assert!(err.contains("5120 bits"), "{err}");
    }
}
