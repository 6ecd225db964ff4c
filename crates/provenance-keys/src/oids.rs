//! Object identifiers of the key algorithms and curves we read.

use der::asn1::ObjectIdentifier as Oid;

/// id-Ed25519 (RFC 8410).
pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
/// id-ecPublicKey (RFC 5480).
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / P-256.
pub(crate) const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1 / P-384.
pub(crate) const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
/// secp521r1 / P-521.
pub(crate) const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");
/// rsaEncryption (RFC 8017).
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
