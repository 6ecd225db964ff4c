//! Regenerates `test-vectors/dsse/`: one folder per DSSE verification case (envelope, case.json,
//! README.md) and the public keys in `keys/`. Deterministic: keys come from fixed seeds and
//! Ed25519 / RFC 6979 ECDSA signatures are deterministic, so a rerun gives identical files.
//!
//! ```text
//! cargo run -q -p provenance-keys --example gen-dsse-vectors -- test-vectors/dsse
//! ```

#![expect(
    clippy::indexing_slicing,
    reason = "a generator editing JSON it just produced itself; no untrusted input"
)]

use std::path::Path;

use ed25519_dalek::pkcs8::EncodePrivateKey as _;
use provenance_dsse::{DsseSigner, Envelope, PayloadType, pae};
use provenance_keys::{KeyIdFormat, PrivateKey};
use serde_json::{Value, json};

/// The vectors' `keyid` hints are our SPKI key ids (verification never trusts them; pinned so
/// that the vectors stay byte-identical whatever the signing default).
const VECTOR_KEY_IDS: KeyIdFormat = KeyIdFormat::Spki;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn ed25519(seed: u8) -> Result<PrivateKey> {
    let der = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).to_pkcs8_der()?;
    Ok(PrivateKey::from_pkcs8_der(der.as_bytes())?.with_key_id_format(VECTOR_KEY_IDS))
}

fn p256(seed: u8) -> Result<(PrivateKey, p256::ecdsa::SigningKey)> {
    let sk = p256::ecdsa::SigningKey::from_slice(&[seed; 32])?;
    let der = pkcs8::EncodePrivateKey::to_pkcs8_der(&sk)?;
    Ok((
        PrivateKey::from_pkcs8_der(der.as_bytes())?.with_key_id_format(VECTOR_KEY_IDS),
        sk,
    ))
}

const STATEMENT: &str = r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app.bin","digest":{"sha256":"a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}}"#;

struct Case {
    name: &'static str,
    description: &'static str,
    envelope: String,
    keys: &'static [&'static str],
    threshold: usize,
    payload_type: &'static str,
    expect: &'static str,
}

fn json_of(env: &Envelope) -> Result<Value> {
    Ok(serde_json::from_str(&env.to_json())?)
}

#[expect(clippy::too_many_lines, reason = "one literal per case")]
fn cases() -> Result<Vec<Case>> {
    let a = ed25519(1)?;
    let b = ed25519(2)?;
    let (p, p_raw) = p256(3)?;
    let it = PayloadType::in_toto;
    let stmt = STATEMENT.as_bytes().to_vec();
    let signed = |signers: &[&dyn DsseSigner]| Envelope::sign(it(), stmt.clone(), signers);

    let by_a = json_of(&signed(&[&a])?)?;
    let by_ab = json_of(&signed(&[&a, &b])?)?;
    let by_p = json_of(&signed(&[&p])?)?;

    let mut p1363 = by_p.clone();
    let sig: p256::ecdsa::Signature =
        signature::Signer::sign(&p_raw, &pae(provenance_dsse::IN_TOTO_PAYLOAD_TYPE, &stmt));
    p1363["signatures"][0]["sig"] = b64(&sig.to_bytes()).into();

    let mut url_safe = by_a.clone();
    let payload_b64 = url_safe["payload"].as_str().unwrap_or_default().to_owned();
    url_safe["payload"] = to_url_safe(&payload_b64).into();
    let sig = url_safe["signatures"][0]["sig"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    url_safe["signatures"][0]["sig"] = to_url_safe(&sig).into();

    let mut unknown = by_a.clone();
    unknown["x-extension"] = json!({"note": "ignored", "list": [1, 2, 3]});
    unknown["signatures"][0]["cert"] = "ignored too".into();

    let mut bad_keyid = by_a.clone();
    bad_keyid["signatures"][0]["keyid"] = "not-a-key-we-know".into();

    let payload = by_a["payload"].as_str().unwrap_or_default();
    let sig = by_a["signatures"][0]["sig"].as_str().unwrap_or_default();
    let duplicate_payload = format!(
        r#"{{"payload":"{payload}","payloadType":"application/vnd.in-toto+json","signatures":[{{"sig":"{sig}"}}],"payload":"e30="}}"#
    );

    let mut empty = by_a.clone();
    empty["signatures"] = json!([]);

    let twice_a = json_of(&signed(&[&a, &a])?)?;

    let mut tampered = by_a.clone();
    tampered["payload"] = b64(STATEMENT.replace("app.bin", "evil.bin").as_bytes()).into();

    let mut retyped = by_a.clone();
    retyped["payloadType"] = "application/vnd.in-toto.provenance+json".into();

    let uri_typed = json_of(&Envelope::sign(
        "https://slsa.dev/provenance/v1".parse()?,
        stmt.clone(),
        &[&a],
    )?)?;

    let mut many = by_a.clone();
    let one = by_a["signatures"][0].clone();
    many["signatures"] = Value::Array(vec![one; 17]);

    let mut mixed = by_a.clone();
    mixed["payload"] = format!("-+{}", &payload[2..]).into();

    let s = |v: &Value| v.to_string();
    Ok(vec![
        Case {
            name: "ed25519",
            description: "Ed25519 signature, in-toto payloadType",
            envelope: s(&by_a),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "ecdsa_p256_der",
            description: "ECDSA P-256 signature in ASN.1 DER (securesystemslib/cosign form)",
            envelope: s(&by_p),
            keys: &["p256"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "ecdsa_p256_p1363",
            description: "ECDSA P-256 signature as raw r||s (IEEE P1363, the DSSE spec vector's form)",
            envelope: s(&p1363),
            keys: &["p256"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "base64_url_safe_unpadded",
            description: "payload and sig in URL-safe base64 without padding",
            envelope: s(&url_safe),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "unknown_fields",
            description: "unknown fields at the top level and in a signature are ignored",
            envelope: s(&unknown),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "keyid_names_no_key",
            description: "the keyid matches none of the keys: only a hint, the signature is still tried",
            envelope: s(&bad_keyid),
            keys: &["b", "a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "two_signers_threshold_2",
            description: "two distinct keys signed; threshold 2",
            envelope: s(&by_ab),
            keys: &["a", "b"],
            threshold: 2,
            payload_type: "in-toto",
            expect: "pass",
        },
        Case {
            name: "duplicate_payload_fail",
            description: "a second `payload` key: the whole envelope is refused",
            envelope: duplicate_payload,
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "DuplicateKey",
        },
        Case {
            name: "empty_signatures_fail",
            description: "an empty signature list",
            envelope: s(&empty),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "NoSignatures",
        },
        Case {
            name: "same_key_twice_fail",
            description: "two signatures by one key count once: threshold 2 not met",
            envelope: s(&twice_a),
            keys: &["a", "b"],
            threshold: 2,
            payload_type: "in-toto",
            expect: "ThresholdNotMet",
        },
        Case {
            name: "threshold_not_met_fail",
            description: "one of the two required keys signed",
            envelope: s(&by_a),
            keys: &["a", "b"],
            threshold: 2,
            payload_type: "in-toto",
            expect: "ThresholdNotMet",
        },
        Case {
            name: "tampered_payload_fail",
            description: "payload replaced after signing",
            envelope: s(&tampered),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "ThresholdNotMet",
        },
        Case {
            name: "payload_type_changed_fail",
            description: "payloadType changed to another accepted in-toto type after signing: the PAE differs",
            envelope: s(&retyped),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "ThresholdNotMet",
        },
        Case {
            name: "wrong_key_fail",
            description: "verified with a key that did not sign",
            envelope: s(&by_a),
            keys: &["b"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "ThresholdNotMet",
        },
        Case {
            name: "predicate_uri_as_payload_type_fail",
            description: "validly signed, but payloadType is a predicate URI, not an in-toto payload type",
            envelope: s(&uri_typed),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "PayloadTypeMismatch",
        },
        Case {
            name: "unexpected_payload_type_fail",
            description: "an in-toto envelope where the verifier expects text/plain",
            envelope: s(&by_a),
            keys: &["a"],
            threshold: 1,
            payload_type: "text/plain",
            expect: "PayloadTypeMismatch",
        },
        Case {
            name: "too_many_signatures_fail",
            description: "17 signatures, over the default bound of 16",
            envelope: s(&many),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "TooManySignatures",
        },
        Case {
            name: "mixed_base64_alphabets_fail",
            description: "payload mixes URL-safe and standard base64 characters",
            envelope: s(&mixed),
            keys: &["a"],
            threshold: 1,
            payload_type: "in-toto",
            expect: "Base64",
        },
    ])
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn to_url_safe(s: &str) -> String {
    s.trim_end_matches('=').replace('+', "-").replace('/', "_")
}

fn main() -> Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "test-vectors/dsse".to_owned());
    let out = Path::new(&out);
    std::fs::create_dir_all(out.join("keys"))?;
    for (name, key) in [("a", ed25519(1)?), ("b", ed25519(2)?), ("p256", p256(3)?.0)] {
        std::fs::write(
            out.join("keys").join(format!("{name}.pub.pem")),
            key.public_key().to_pem(),
        )?;
    }
    for case in cases()? {
        let dir = out.join(case.name);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("envelope.json"), format!("{}\n", case.envelope))?;
        let spec = json!({
            "keys": case.keys,
            "threshold": case.threshold,
            "payload_type": case.payload_type,
            "expect": case.expect,
        });
        std::fs::write(
            dir.join("case.json"),
            format!("{}\n", serde_json::to_string_pretty(&spec)?),
        )?;
        let outcome = if case.expect == "pass" {
            "verifies".to_owned()
        } else {
            format!("is refused with `Error::{}`", case.expect)
        };
        std::fs::write(
            dir.join("README.md"),
            format!(
                "# {}\n\n{}.\n\nKeys: {} (in `../keys/`), threshold {}, payloadType policy `{}`: the envelope {outcome}.\n",
                case.name,
                case.description,
                case.keys.join(", "),
                case.threshold,
                case.payload_type
            ),
        )?;
    }
    Ok(())
}
