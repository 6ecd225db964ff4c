//! Property: any payload and payload type survive sign -> JSON -> parse -> verify byte for
//! byte, and any single-byte change of the payload makes verification fail.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use provenance_dsse::{
    Ed25519VerificationKey, Envelope, Limits, PayloadType, PayloadTypePolicy, SignerWithKeyId,
    Threshold,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_parse_verify_round_trip(
        payload in proptest::collection::vec(any::<u8>(), 0..512),
        payload_type in "[a-z]{1,10}/[a-zA-Z0-9.+-]{1,30}",
        flip in any::<prop::sample::Index>(),
    ) {
        let sk = SigningKey::from_bytes(&[9; 32]);
        let id: provenance_dsse::KeyId = "k".parse().unwrap();
        let signer = SignerWithKeyId::<_, ed25519_dalek::Signature>::new(sk.clone(), Some(id.clone()));
        let vk = Ed25519VerificationKey::new(id, sk.verifying_key());
        let pt: PayloadType = payload_type.parse().unwrap();
        let env = Envelope::sign(pt.clone(), payload.clone(), &[&signer]).unwrap();
        let parsed = Envelope::from_slice(env.to_json().as_bytes(), &Limits::default()).unwrap();
        prop_assert_eq!(&parsed, &env);
        let policy = PayloadTypePolicy::Exact(pt.clone());
        let verified = parsed.verify(&policy, &[&vk], Threshold::ONE).unwrap();
        prop_assert_eq!(verified.payload(), payload.as_slice());
        prop_assert_eq!(verified.payload_type(), &pt);

        if !payload.is_empty() {
            let mut tampered = payload.clone();
            let i = flip.index(tampered.len());
            tampered[i] ^= 0x01;
            let forged = Envelope::from_parts(pt, tampered, parsed.signatures().to_vec(), &Limits::default()).unwrap();
            prop_assert!(forged.verify(&policy, &[&vk], Threshold::ONE).is_err());
        }
    }
}
