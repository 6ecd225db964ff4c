//! The DSSE specification's test vector (ECDSA P-256, P1363 signature) verifies, its PAE matches
//! byte for byte, and RFC 6979 signing through `SignerWithKeyId` reproduces the signature.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use p256::ecdsa::{Signature as P256Signature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePublicKey as _;
use provenance_dsse::{
    Envelope, Error, InvalidSignature, KeyId, Limits, PayloadType, PayloadTypePolicy,
    SignerWithKeyId, Threshold, VerificationKey, pae,
};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../test-vectors/third-party/dsse-spec"
);

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

/// A P-256 key that accepts P1363 `r‖s` signatures only (enough for the spec vector).
struct P1363Key {
    id: KeyId,
    key: VerifyingKey,
}

impl VerificationKey for P1363Key {
    fn key_id(&self) -> &KeyId {
        &self.id
    }
    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let sig = P256Signature::from_slice(signature).map_err(|_| InvalidSignature)?;
        signature::Verifier::verify(&self.key, message, &sig).map_err(|_| InvalidSignature)
    }
}

fn spec_key() -> P1363Key {
    let pem = String::from_utf8(read("protocol_test_vector.pub.pem")).unwrap();
    P1363Key {
        id: "spec".parse().unwrap(),
        key: VerifyingKey::from_public_key_pem(&pem).unwrap(),
    }
}

fn hello_world_type() -> PayloadTypePolicy {
    PayloadTypePolicy::Exact("http://example.com/HelloWorld".parse().unwrap())
}

/// Decimal string to 32 big-endian bytes.
fn decimal_to_be32(dec: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in dec.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0);
    }
    out
}

#[test]
fn pae_matches_the_spec_bytes() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        read("protocol_test_vector.pae.bin")
    );
}

#[test]
fn spec_envelope_verifies() {
    for file in [
        "protocol_test_vector.envelope.json",
        "signing_spec_doctest.envelope.json",
    ] {
        let env = Envelope::from_slice(&read(file), &Limits::default()).unwrap();
        let key = spec_key();
        let verified = env
            .verify(&hello_world_type(), &[&key], Threshold::ONE)
            .unwrap();
        assert_eq!(verified.payload(), b"hello world", "{file}");
        assert_eq!(
            verified.payload_type().as_str(),
            "http://example.com/HelloWorld"
        );
        assert_eq!(verified.key_ids(), &["spec".parse::<KeyId>().unwrap()]);
    }
}

#[test]
fn doctest_keyid_is_only_a_hint() {
    // keyid "66301bbf" names no key we hold; the signature is still tried and verifies.
    let env = Envelope::from_slice(
        &read("signing_spec_doctest.envelope.json"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        env.signatures()[0].key_id().map(KeyId::as_str),
        Some("66301bbf")
    );
    assert!(
        env.verify(&hello_world_type(), &[&spec_key()], Threshold::ONE)
            .is_ok()
    );
}

#[test]
fn spec_envelope_refused_as_in_toto() {
    let env = Envelope::from_slice(
        &read("protocol_test_vector.envelope.json"),
        &Limits::default(),
    )
    .unwrap();
    let err = env
        .verify(&PayloadTypePolicy::InToto, &[&spec_key()], Threshold::ONE)
        .unwrap_err();
    assert!(matches!(err, Error::PayloadTypeMismatch { .. }), "{err:?}");
}

#[test]
fn rfc6979_signing_reproduces_the_spec_signature() {
    let key_json: serde_json::Value =
        serde_json::from_slice(&read("protocol_test_vector.key.json")).unwrap();
    let d = decimal_to_be32(key_json["d"].as_str().unwrap());
    let signing_key = SigningKey::from_slice(&d).unwrap();
    let signer = SignerWithKeyId::<_, P256Signature>::new(signing_key, None);
    let env = Envelope::sign(
        "http://example.com/HelloWorld"
            .parse::<PayloadType>()
            .unwrap(),
        b"hello world".to_vec(),
        &[&signer],
    )
    .unwrap();
    let expected: serde_json::Value =
        serde_json::from_slice(&read("protocol_test_vector.envelope.json")).unwrap();
    let ours: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
    assert_eq!(ours, expected);
}
