//! Keys made by OpenSSL (and a cosign-format key) are read; signatures made by OpenSSL verify;
//! our encrypted PKCS#8 opens in OpenSSL; key ids follow the documented convention.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use provenance_keys::{Error, KeyAlgorithm, Password, PrivateKey, PublicKey, key_id_for_spki_der};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/keys");

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).unwrap()
}

fn password() -> Password {
    Password::new("fixture-password")
}

#[test]
fn openssl_private_keys_match_their_public_keys() {
    for (private, public, algorithm) in [
        (
            "ed25519.pkcs8.pem",
            "ed25519.pub.pem",
            KeyAlgorithm::Ed25519,
        ),
        ("p256.sec1.pem", "p256.pub.pem", KeyAlgorithm::EcdsaP256),
        ("p384.pkcs8.pem", "p384.pub.pem", KeyAlgorithm::EcdsaP384),
    ] {
        let key = PrivateKey::from_pem(&text(private), None).unwrap();
        let pubkey = PublicKey::from_pem(&text(public)).unwrap();
        assert_eq!(key.algorithm(), algorithm, "{private}");
        assert_eq!(key.public_key(), &pubkey, "{private}");
        assert_eq!(key.key_id(), pubkey.key_id());
        // Our own signature verifies with the OpenSSL public key.
        let sig = key.sign(b"hello").unwrap();
        assert!(pubkey.verify_signature(b"hello", &sig).is_ok(), "{private}");
        assert!(
            pubkey.verify_signature(b"hellO", &sig).is_err(),
            "{private}"
        );
    }
}

#[test]
fn openssl_signatures_verify() {
    let msg = bytes("message.txt");
    for (public, sig) in [
        ("p256.pub.pem", "p256.sig.der"),
        ("p384.pub.pem", "p384.sig.der"),
        ("p521.pub.pem", "p521.sig.der"),
        ("rsa.pub.pem", "rsa.pkcs1v15.sig"),
        ("rsa.pub.pem", "rsa.pss.sig"),
        ("rsa.pkcs1.pub.pem", "rsa.pkcs1v15.sig"),
        ("rsa.pkcs1.pub.pem", "rsa.pss.sig"),
    ] {
        let key = PublicKey::from_pem(&text(public)).unwrap();
        let sig = bytes(sig);
        assert!(key.verify_signature(&msg, &sig).is_ok(), "{public} {sig:?}");
        let mut tampered = msg.clone();
        tampered[0] ^= 1;
        assert!(key.verify_signature(&tampered, &sig).is_err(), "{public}");
    }
}

#[test]
fn rsa_spki_and_pkcs1_forms_have_one_key_id() {
    let spki = PublicKey::from_pem(&text("rsa.pub.pem")).unwrap();
    let pkcs1 = PublicKey::from_pem(&text("rsa.pkcs1.pub.pem")).unwrap();
    assert_eq!(spki.key_id(), pkcs1.key_id());
    assert_eq!(spki.algorithm(), KeyAlgorithm::Rsa);
}

#[test]
fn key_id_is_sha256_of_spki_der() {
    let key = PublicKey::from_pem(&text("ed25519.pub.pem")).unwrap();
    let pem = text("ed25519.pub.pem");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64_decode(&b64);
    assert_eq!(key.spki_der(), der.as_slice());
    assert_eq!(key.key_id(), &key_id_for_spki_der(&der));
    assert_eq!(key.key_id().as_str().len(), 64);
    // Independent check with sha256sum-style hashing.
    assert_eq!(
        key.key_id().as_str(),
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&der))
    );
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

#[test]
fn encrypted_keys_from_openssl_and_cosign() {
    let p256 = PrivateKey::from_pem(&text("p256.sec1.pem"), None).unwrap();
    let ed = PrivateKey::from_pem(&text("ed25519.pkcs8.pem"), None).unwrap();
    for (file, expected) in [
        ("p256.encrypted-scrypt.pem", &p256),
        ("p256.cosign.key", &p256),
        ("ed25519.encrypted-pbkdf2.pem", &ed),
    ] {
        let pem = text(file);
        assert!(PrivateKey::pem_is_encrypted(&pem), "{file}");
        assert!(matches!(
            PrivateKey::from_pem(&pem, None),
            Err(Error::PasswordRequired)
        ));
        assert!(
            matches!(
                PrivateKey::from_pem(&pem, Some(&Password::new("wrong"))),
                Err(Error::Decryption)
            ),
            "{file}"
        );
        let key = PrivateKey::from_pem(&pem, Some(&password())).unwrap();
        assert_eq!(key.key_id(), expected.key_id(), "{file}");
    }
}

fn cosign_pem(doc: &serde_json::Value) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(doc.to_string());
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn tampered_cosign_key_is_refused() {
    let pem = text("p256.cosign.key");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut doc: serde_json::Value = serde_json::from_slice(&base64_decode(&b64)).unwrap();
    // Flip one ciphertext bit: the Poly1305 tag must catch it.
    let mut ct = base64_decode(doc["ciphertext"].as_str().unwrap());
    let last = ct.len() - 1;
    ct[last] ^= 1;
    doc["ciphertext"] = base64_encode(&ct).into();
    let tampered = cosign_pem(&doc);
    assert!(matches!(
        PrivateKey::from_pem(&tampered, Some(&password())),
        Err(Error::Decryption)
    ));
    // Unbounded scrypt cost is refused before any work.
    doc["kdf"]["params"]["N"] = (1u64 << 30).into();
    let costly = cosign_pem(&doc);
    assert!(matches!(
        PrivateKey::from_pem(&costly, Some(&password())),
        Err(Error::CosignFormat { .. })
    ));
}

#[test]
fn verify_only_keys_cannot_sign() {
    assert!(matches!(
        PrivateKey::from_pem(&text("rsa.pkcs1.key.pem"), None),
        Err(Error::VerifyOnly { .. })
    ));
    assert!(matches!(
        PrivateKey::generate(KeyAlgorithm::EcdsaP521),
        Err(Error::VerifyOnly { .. })
    ));
    assert!(matches!(
        PrivateKey::generate(KeyAlgorithm::Rsa),
        Err(Error::VerifyOnly { .. })
    ));
}

#[test]
fn generated_keys_round_trip_through_pem() {
    for algorithm in [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
    ] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let plain = PrivateKey::from_pem(&key.to_pkcs8_pem().unwrap(), None).unwrap();
        assert_eq!(plain.key_id(), key.key_id());
        let encrypted = key.to_encrypted_pkcs8_pem(&password()).unwrap();
        assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let decrypted = PrivateKey::from_pem(&encrypted, Some(&password())).unwrap();
        assert_eq!(decrypted.key_id(), key.key_id());
        let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
        assert_eq!(&public, key.public_key());
    }
}

#[test]
fn ecdsa_signatures_are_der() {
    for algorithm in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let sig = key.sign(b"m").unwrap();
        assert_eq!(sig[0], 0x30, "DER SEQUENCE");
        assert!(
            p256::ecdsa::DerSignature::from_bytes(&sig).is_ok()
                || algorithm == KeyAlgorithm::EcdsaP384
        );
    }
}

/// Our encrypted PKCS#8 opens in OpenSSL (skipped when `openssl` is not installed).
#[test]
fn openssl_opens_our_encrypted_pkcs8() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("openssl not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for algorithm in [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
    ] {
        let key = PrivateKey::generate(algorithm).unwrap();
        let path = dir.path().join(format!("{algorithm}.pem"));
        std::fs::write(
            &path,
            key.to_encrypted_pkcs8_pem(&password()).unwrap().as_bytes(),
        )
        .unwrap();
        let out = std::process::Command::new("openssl")
            .args(["pkey", "-pubout", "-passin", "env:FIXTURE_PW", "-in"])
            .arg(&path)
            .env("FIXTURE_PW", "fixture-password")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{algorithm}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let public = PublicKey::from_pem(std::str::from_utf8(&out.stdout).unwrap()).unwrap();
        assert_eq!(public.key_id(), key.key_id(), "{algorithm}");
    }
}

/// Finding 16: RSA keys under 2048 bits are refused when loaded, naming the size, rather than
/// every signature they made reading as a bad signature; 3072 bits load.
#[test]
fn rsa_keys_under_2048_bits_are_refused_at_load() {
    for (name, bits) in [("rsa1024.pub.pem", 1024), ("rsa512.pkcs1.pub.pem", 512)] {
        let err = PublicKey::from_pem(&text(name)).unwrap_err();
        assert!(
            matches!(err, Error::WeakKey { bits: b, min: 2048 } if b == bits),
            "{name}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("RSA key of {bits} bits refused: at least 2048 bits are required")
        );
    }
    PublicKey::from_pem(&text("rsa.pub.pem")).unwrap();
}
