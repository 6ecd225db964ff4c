//! Keys as DSSE signers and verification keys: every key type, third-party envelopes (witness,
//! DSSE spec), thresholds and the negative cases of the interop matrix.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use provenance_dsse::{
    Envelope, Error as DsseError, Limits, PayloadType, PayloadTypePolicy, Signature, Threshold,
    VerificationKey, verify_many,
};
use provenance_keys::{KeyAlgorithm, PrivateKey, PublicKey};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors");

fn text(path: &str) -> String {
    std::fs::read_to_string(format!("{VECTORS}/{path}")).unwrap()
}

fn envelope(path: &str) -> Envelope {
    Envelope::from_slice(text(path).as_bytes(), &Limits::default()).unwrap()
}

fn any_of(types: &[&str]) -> PayloadTypePolicy {
    PayloadTypePolicy::AnyOf(types.iter().map(|t| t.parse().unwrap()).collect())
}

#[test]
fn witness_envelopes_verify_with_their_ed25519_key_only() {
    let good = PublicKey::from_pem(&text("third-party/witness/test/testpub.pem")).unwrap();
    let rsa = PublicKey::from_pem(&text("third-party/witness/test/testpub2.pem")).unwrap();
    assert_eq!(rsa.algorithm(), KeyAlgorithm::Rsa);
    for (file, policy) in [
        (
            "third-party/witness/test/cdx-att.json",
            PayloadTypePolicy::InToto,
        ),
        (
            "third-party/witness/test@caf68e70/scorecard.attestation.json",
            PayloadTypePolicy::InToto,
        ),
        (
            "third-party/witness/test@caf68e70/sast.attestation.json",
            PayloadTypePolicy::InToto,
        ),
        (
            "third-party/witness/test@fc5f583e/policy-signed.json",
            any_of(&["https://witness.testifysec.com/policy/v0.1"]),
        ),
    ] {
        let env = envelope(file);
        // witness's keyid (SHA-256 of the PEM file) differs from ours: only a hint.
        assert_ne!(env.signatures()[0].key_id(), Some(good.key_id()));
        let verified = env.verify(&policy, &[&good], Threshold::ONE).unwrap();
        assert_eq!(
            verified.key_ids(),
            std::slice::from_ref(good.key_id()),
            "{file}"
        );
        assert!(!verified.payload().is_empty());
        let err = env.verify(&policy, &[&rsa], Threshold::ONE).unwrap_err();
        assert!(
            matches!(err, DsseError::ThresholdNotMet { verified: 0, .. }),
            "{file}: {err:?}"
        );
    }
}

#[test]
fn dsse_spec_vector_verifies_with_ring_p1363() {
    let key =
        PublicKey::from_pem(&text("third-party/dsse-spec/protocol_test_vector.pub.pem")).unwrap();
    let env = envelope("third-party/dsse-spec/protocol_test_vector.envelope.json");
    let v = env
        .verify(
            &any_of(&["http://example.com/HelloWorld"]),
            &[&key],
            Threshold::ONE,
        )
        .unwrap();
    assert_eq!(v.payload(), b"hello world");
}

fn keys() -> Vec<PrivateKey> {
    [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
    ]
    .into_iter()
    .map(|a| PrivateKey::generate(a).unwrap())
    .collect()
}

/// `--keyid-format`: the hint is ours, securesystemslib's or absent, and verifies either way.
#[test]
fn the_key_id_hint_follows_the_format_and_never_decides() {
    use provenance_keys::KeyIdFormat;
    for key in keys() {
        let public = key.public_key().clone();
        for (format, want) in [
            (KeyIdFormat::Spki, Some(public.key_id().clone())),
            (
                KeyIdFormat::Sslib,
                Some(provenance_keys::sslib_key_id(&public)),
            ),
            (KeyIdFormat::None, None),
        ] {
            let key = PrivateKey::from_pem(&key.to_pkcs8_pem().unwrap(), None)
                .unwrap()
                .with_key_id_format(format);
            let env = Envelope::sign(PayloadType::in_toto(), b"{}".to_vec(), &[&key]).unwrap();
            let json: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
            assert_eq!(
                json["signatures"][0].get("keyid").and_then(|k| k.as_str()),
                want.as_ref().map(provenance_keys::KeyId::as_str),
                "{format}"
            );
            let env = Envelope::from_slice(env.to_json().as_bytes(), &Limits::default()).unwrap();
            env.verify(&PayloadTypePolicy::InToto, &[&public], Threshold::ONE)
                .unwrap();
        }
    }
}

#[test]
fn every_key_type_signs_and_verifies() {
    for key in keys() {
        let env = Envelope::sign(PayloadType::in_toto(), b"{\"a\":1}".to_vec(), &[&key]).unwrap();
        let env = Envelope::from_slice(env.to_json().as_bytes(), &Limits::default()).unwrap();
        // The hint is securesystemslib's key id by default, not ours.
        let sslib = provenance_keys::sslib_key_id(key.public_key());
        assert_eq!(env.signatures()[0].key_id(), Some(&sslib));
        assert_ne!(&sslib, key.key_id());
        let v = env
            .verify(
                &PayloadTypePolicy::InToto,
                &[key.public_key()],
                Threshold::ONE,
            )
            .unwrap();
        assert_eq!(v.payload(), b"{\"a\":1}");
    }
}

#[test]
fn negative_cases() {
    let [a, b, c] = <[PrivateKey; 3]>::try_from(keys()).unwrap();
    let env = Envelope::sign(PayloadType::in_toto(), b"{}".to_vec(), &[&a, &b]).unwrap();
    let json: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
    let reparse =
        |v: &serde_json::Value| Envelope::from_slice(v.to_string().as_bytes(), &Limits::default());
    let (pa, pb, pc) = (a.public_key(), b.public_key(), c.public_key());
    let two = Threshold::new(2).unwrap();

    // Both signers, threshold 2: ok.
    let ok = env
        .verify(&PayloadTypePolicy::InToto, &[pa, pb, pc], two)
        .unwrap();
    assert_eq!(ok.key_ids().len(), 2);
    // Wrong key.
    assert!(matches!(
        env.verify(&PayloadTypePolicy::InToto, &[pc], Threshold::ONE),
        Err(DsseError::ThresholdNotMet { verified: 0, .. })
    ));
    // Threshold not met: only one of the two keys given is a signer.
    assert!(matches!(
        env.verify(&PayloadTypePolicy::InToto, &[pa, pc], two),
        Err(DsseError::ThresholdNotMet {
            required: 2,
            verified: 1
        })
    ));
    // Tampered payload.
    let mut edited = json.clone();
    edited["payload"] = "e30K".into(); // "{}\n"
    assert!(
        reparse(&edited)
            .unwrap()
            .verify(&PayloadTypePolicy::InToto, &[pa, pb], Threshold::ONE)
            .is_err()
    );
    // payloadType changed (to another accepted type): the PAE differs, signatures fail.
    let mut edited = json.clone();
    edited["payloadType"] = "application/vnd.in-toto.provenance+json".into();
    assert!(matches!(
        reparse(&edited)
            .unwrap()
            .verify(&PayloadTypePolicy::InToto, &[pa, pb], Threshold::ONE),
        Err(DsseError::ThresholdNotMet { .. })
    ));
    // Empty signature list.
    let mut edited = json.clone();
    edited["signatures"] = serde_json::json!([]);
    assert!(matches!(reparse(&edited), Err(DsseError::NoSignatures)));
    // Two signatures by one key count once.
    let twice = Envelope::sign(PayloadType::in_toto(), b"{}".to_vec(), &[&a, &a]).unwrap();
    assert!(matches!(
        twice.verify(&PayloadTypePolicy::InToto, &[pa, pb], two),
        Err(DsseError::ThresholdNotMet {
            required: 2,
            verified: 1
        })
    ));
    // A wrong keyid does not stop a valid signature (keyid only narrows).
    let mut edited = json.clone();
    edited["signatures"][0]["keyid"] = pb.key_id().as_str().into();
    edited["signatures"][1]["keyid"] = "no-such-key".into();
    let ok = reparse(&edited)
        .unwrap()
        .verify(&PayloadTypePolicy::InToto, &[pa, pb], two)
        .unwrap();
    assert_eq!(ok.key_ids().len(), 2);
}

#[test]
fn ecdsa_p1363_signatures_are_accepted_too() {
    for algorithm in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let der = key.sign(&provenance_dsse::pae("t/t", b"x")).unwrap();
        let raw = match algorithm {
            KeyAlgorithm::EcdsaP256 => p256::ecdsa::Signature::from_der(&der).unwrap().to_vec(),
            _ => p384::ecdsa::Signature::from_der(&der).unwrap().to_vec(),
        };
        let env = Envelope::from_parts(
            "t/t".parse().unwrap(),
            b"x".to_vec(),
            vec![Signature::new(None, raw)],
            &Limits::default(),
        )
        .unwrap();
        assert!(
            env.verify(&any_of(&["t/t"]), &[key.public_key()], Threshold::ONE)
                .is_ok()
        );
    }
}

#[test]
fn verify_many_agrees_with_verify() {
    let [a, b, c] = <[PrivateKey; 3]>::try_from(keys()).unwrap();
    let ed2 = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let mut envelopes = Vec::new();
    for i in 0..80 {
        let payload = format!("{{\"n\":{i}}}").into_bytes();
        let signers: Vec<&dyn provenance_dsse::DsseSigner> = match i % 5 {
            0 => vec![&a],
            1 => vec![&a, &b],
            2 => vec![&c],
            3 => vec![&ed2],
            _ => vec![&a, &ed2],
        };
        let mut env = Envelope::sign(PayloadType::in_toto(), payload, &signers).unwrap();
        if i % 7 == 0 {
            // Corrupt one in seven: batches containing it fail and fall back.
            let mut json: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
            json["payload"] = "e30=".into();
            env = Envelope::from_slice(json.to_string().as_bytes(), &Limits::default()).unwrap();
        }
        envelopes.push(env);
    }
    for keyset in [
        vec![a.public_key() as &dyn VerificationKey],
        vec![a.public_key(), b.public_key()],
        vec![a.public_key(), ed2.public_key(), c.public_key()],
    ] {
        for threshold in [Threshold::ONE, Threshold::new(2).unwrap()] {
            let many = verify_many(&envelopes, &PayloadTypePolicy::InToto, &keyset, threshold);
            for (env, got) in envelopes.iter().zip(many) {
                let one = env.verify(&PayloadTypePolicy::InToto, &keyset, threshold);
                assert_eq!(format!("{got:?}"), format!("{one:?}"));
            }
        }
    }
}
