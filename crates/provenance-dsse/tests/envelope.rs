//! Parsing rules of the envelope (duplicates, unknown fields, base64 spellings, bounds) and the
//! verification rules (payloadType, unique-key threshold, keyid as a hint).

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use ed25519_dalek::SigningKey;
use provenance_dsse::{
    Ed25519VerificationKey, Envelope, Error, KeyId, Limits, PayloadType, PayloadTypePolicy,
    SignerWithKeyId, Threshold, VerificationKey,
};

fn signer(
    seed: u8,
) -> (
    SignerWithKeyId<SigningKey, ed25519_dalek::Signature>,
    Ed25519VerificationKey,
) {
    let sk = SigningKey::from_bytes(&[seed; 32]);
    let id: KeyId = format!("key-{seed}").parse().unwrap();
    let vk = Ed25519VerificationKey::new(id.clone(), sk.verifying_key());
    (SignerWithKeyId::new(sk, Some(id)), vk)
}

fn parse(json: &str) -> Result<Envelope, Error> {
    Envelope::from_slice(json.as_bytes(), &Limits::default())
}

fn signed_json(payload: &[u8], seeds: &[u8]) -> serde_json::Value {
    let signers: Vec<_> = seeds.iter().map(|s| signer(*s).0).collect();
    let refs: Vec<&dyn provenance_dsse::DsseSigner> = signers.iter().map(|s| s as _).collect();
    let env = Envelope::sign(PayloadType::in_toto(), payload.to_vec(), &refs).unwrap();
    serde_json::from_str(&env.to_json()).unwrap()
}

#[test]
fn duplicate_keys_are_refused_at_every_level() {
    let good = signed_json(b"{\"a\":1}", &[1]);
    let payload = good["payload"].as_str().unwrap();
    let sig = good["signatures"][0]["sig"].as_str().unwrap();
    let pt = "application/vnd.in-toto+json";
    for (case, json) in [
        (
            "second payload",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","payload":"e30=","signatures":[{{"sig":"{sig}"}}]}}"#
            ),
        ),
        (
            "second payloadType",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","payloadType":"x/y","signatures":[{{"sig":"{sig}"}}]}}"#
            ),
        ),
        (
            "second signatures",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","signatures":[{{"sig":"{sig}"}}],"signatures":[]}}"#
            ),
        ),
        (
            "second sig",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","signatures":[{{"sig":"{sig}","sig":"AAAA"}}]}}"#
            ),
        ),
        (
            "second keyid",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","signatures":[{{"keyid":"a","sig":"{sig}","keyid":"b"}}]}}"#
            ),
        ),
        (
            "escaped duplicate",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","pay\u006coad":"e30=","signatures":[{{"sig":"{sig}"}}]}}"#
            ),
        ),
        (
            "duplicate unknown key",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","x":1,"x":2,"signatures":[{{"sig":"{sig}"}}]}}"#
            ),
        ),
        (
            "duplicate nested unknown",
            format!(
                r#"{{"payload":"{payload}","payloadType":"{pt}","x":{{"y":1,"y":2}},"signatures":[{{"sig":"{sig}"}}]}}"#
            ),
        ),
    ] {
        assert!(
            matches!(parse(&json), Err(Error::DuplicateKey { .. })),
            "{case}"
        );
    }
}

#[test]
fn unknown_fields_are_ignored() {
    let mut json = signed_json(b"{}", &[1]);
    json["extension"] = serde_json::json!({"kind": "x", "list": [1, 2]});
    json["signatures"][0]["cert"] = "whatever".into();
    let env = parse(&json.to_string()).unwrap();
    let (_, vk) = signer(1);
    assert!(
        env.verify(&PayloadTypePolicy::InToto, &[&vk], Threshold::ONE)
            .is_ok()
    );
}

#[test]
fn base64_spellings_are_accepted_and_output_is_standard_padded() {
    // 0xfb 0xff bytes make '+' and '/' appear in standard base64.
    let payload = [0xfb, 0xff, 0xbf, 0x00];
    let json = signed_json(&payload, &[1]);
    let std_payload = json["payload"].as_str().unwrap().to_owned();
    assert_eq!(std_payload, "+/+/AA==");
    let (_, vk) = signer(1);
    for spelling in ["+/+/AA==", "+/+/AA", "-_-_AA==", "-_-_AA"] {
        let mut edited = json.clone();
        edited["payload"] = spelling.into();
        let sig = edited["signatures"][0]["sig"].as_str().unwrap().to_owned();
        edited["signatures"][0]["sig"] = sig
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_")
            .into();
        let env = parse(&edited.to_string()).unwrap();
        let v = env
            .verify(&PayloadTypePolicy::InToto, &[&vk], Threshold::ONE)
            .unwrap();
        assert_eq!(v.payload(), payload);
        let out: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
        assert_eq!(out["payload"], std_payload.as_str());
    }
    let mut bad = json.clone();
    bad["payload"] = "not base64!".into();
    assert!(matches!(
        parse(&bad.to_string()),
        Err(Error::Base64 { field: "payload" })
    ));
}

#[test]
fn bounds_and_required_fields() {
    let json = signed_json(b"{}", &[1, 2, 3]);
    let limits = Limits::default().with_max_signatures(2);
    assert!(matches!(
        Envelope::from_slice(json.to_string().as_bytes(), &limits),
        Err(Error::TooManySignatures { count: 3, max: 2 })
    ));
    let small = Limits::default().with_max_envelope_bytes(10);
    assert!(matches!(
        Envelope::from_slice(json.to_string().as_bytes(), &small),
        Err(Error::TooLarge { .. })
    ));
    let mut empty = json.clone();
    empty["signatures"] = serde_json::json!([]);
    assert!(matches!(
        parse(&empty.to_string()),
        Err(Error::NoSignatures)
    ));
    let mut missing = json.clone();
    missing.as_object_mut().unwrap().remove("payloadType");
    assert!(matches!(parse(&missing.to_string()), Err(Error::Json(_))));
    assert!(matches!(parse("{} trailing"), Err(Error::Json(_))));
    assert!(matches!(parse("[]"), Err(Error::Json(_))));
}

#[test]
fn payload_type_is_checked_before_signatures() {
    let json = signed_json(b"{}", &[1]);
    let env = parse(&json.to_string()).unwrap();
    let (_, vk) = signer(1);
    let other = PayloadTypePolicy::Exact("application/json".parse().unwrap());
    assert!(matches!(
        env.verify(&other, &[&vk], Threshold::ONE),
        Err(Error::PayloadTypeMismatch { .. })
    ));
    // A predicate URI is not an in-toto payload type even when signed.
    let (s, vk) = signer(1);
    let uri_typed = Envelope::sign(
        "https://slsa.dev/provenance/v1".parse().unwrap(),
        b"{}".to_vec(),
        &[&s],
    )
    .unwrap();
    assert!(matches!(
        uri_typed.verify(&PayloadTypePolicy::InToto, &[&vk], Threshold::ONE),
        Err(Error::PayloadTypeMismatch { .. })
    ));
}

#[test]
fn threshold_counts_unique_keys() {
    let (_, vk1) = signer(1);
    let (_, vk2) = signer(2);
    let keys: [&dyn VerificationKey; 2] = [&vk1, &vk2];
    let two = Threshold::new(2).unwrap();
    // The same signature repeated three times.
    let mut json = signed_json(b"{}", &[1]);
    let sig = json["signatures"][0].clone();
    json["signatures"] = serde_json::json!([sig.clone(), sig.clone(), sig]);
    let env = parse(&json.to_string()).unwrap();
    assert!(matches!(
        env.verify(&PayloadTypePolicy::InToto, &keys, two),
        Err(Error::ThresholdNotMet {
            required: 2,
            verified: 1
        })
    ));
    // Two keys signing: met, both reported.
    let env = parse(&signed_json(b"{}", &[1, 2]).to_string()).unwrap();
    let v = env.verify(&PayloadTypePolicy::InToto, &keys, two).unwrap();
    assert_eq!(v.key_ids().len(), 2);
    // A threshold above the number of keys is refused up front; duplicate key ids too.
    assert!(matches!(
        env.verify(&PayloadTypePolicy::InToto, &[&vk1], two),
        Err(Error::ThresholdUnreachable { .. })
    ));
    assert!(matches!(
        env.verify(&PayloadTypePolicy::InToto, &[&vk1, &vk1], Threshold::ONE),
        Err(Error::DuplicateKeyId { .. })
    ));
}

#[test]
fn keyid_only_narrows() {
    let (_, vk1) = signer(1);
    let (_, vk2) = signer(2);
    let mut json = signed_json(b"{}", &[1]);
    // Lie about the key id: the signature is still found to be key-1's.
    json["signatures"][0]["keyid"] = "key-2".into();
    let env = parse(&json.to_string()).unwrap();
    let v = env
        .verify(&PayloadTypePolicy::InToto, &[&vk2, &vk1], Threshold::ONE)
        .unwrap();
    assert_eq!(v.key_ids()[0].as_str(), "key-1");
    // And a matching keyid never makes a bad signature pass.
    json["signatures"][0]["keyid"] = "key-2".into();
    let only2 = env.verify(&PayloadTypePolicy::InToto, &[&vk2], Threshold::ONE);
    assert!(matches!(
        only2,
        Err(Error::ThresholdNotMet { verified: 0, .. })
    ));
}
