//! Leaf certificates with every key algorithm sigstore-go verifies, the EKU rule, SAN and
//! issuer reading, end to end through `BundleVerifier::verify` against a test Sigstore instance
//! (root CA + RFC 3161 TSA, no logs). Fixtures: `tests/x509_fixtures/gen.sh`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Check, Error, HashAlgorithm, IdentityPolicy, Matcher,
    SignerPolicy, TrustedRoot, VerifiedBundle, VerifiedContent,
};
use std::path::PathBuf;

const ISSUER_V2: &str = "https://issuer.x509-test.invalid";
const ISSUER_V1: &str = "https://v1.x509-test.invalid";
/// 2100-01-01: after every fixture's timestamp.
const NOW: i64 = 4_102_444_800;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/x509_fixtures")
}

fn artifact() -> Vec<u8> {
    std::fs::read(dir().join("artifact.txt")).unwrap()
}

fn bundle(name: &str, kind: &str) -> Bundle {
    let path = dir().join(format!("{name}.{kind}.sigstore.json"));
    Bundle::from_json(&std::fs::read(&path).unwrap()).unwrap()
}

fn verifier(san: &str, issuer: &str) -> BundleVerifier {
    let root =
        TrustedRoot::from_json(&std::fs::read(dir().join("trusted_root.json")).unwrap()).unwrap();
    BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(san),
            Matcher::exact(issuer),
        )),
    )
}

fn email(name: &str) -> String {
    format!("{name}@x509-test.invalid")
}

fn verify(name: &str, kind: &str, san: &str, issuer: &str) -> Result<VerifiedBundle, Error> {
    let art = artifact();
    verifier(san, issuer).verify(&bundle(name, kind), Artifact::Bytes(&art), NOW)
}

fn assert_verifies(name: &str, kind: &str) -> VerifiedBundle {
    let v = verify(name, kind, &email(name), ISSUER_V2)
        .unwrap_or_else(|e| panic!("{name} {kind}: {e}"));
    for check in [
        Check::Signature,
        Check::Rfc3161Timestamp,
        Check::CertificateChain,
        Check::IdentityPolicy,
    ] {
        assert!(
            v.checks.contains(&check),
            "{name} {kind}: {check:?} not done"
        );
    }
    v
}

const ALGORITHMS: &[&str] = &[
    "p256",
    "p384",
    "p521",
    "rsa2048",
    "rsa3072",
    "rsa4096",
    "rsa2048pss",
    "rsa4096pss",
    "ed25519",
    "p384sha256",
];

#[test]
fn every_leaf_algorithm_verifies_message_signature_and_dsse() {
    for name in ALGORITHMS {
        let v = assert_verifies(name, "message");
        match &v.content {
            VerifiedContent::MessageDigest { algorithm, .. } => {
                let expected = match *name {
                    "p384" => HashAlgorithm::Sha384,
                    "p521" | "ed25519" => HashAlgorithm::Sha512,
                    _ => HashAlgorithm::Sha256,
                };
                assert_eq!(*algorithm, expected, "{name}");
            }
            _ => panic!("{name}: not a message signature"),
        }
        let v = assert_verifies(name, "dsse");
        assert!(
            matches!(v.content, VerifiedContent::Dsse { .. }),
            "{name}: not DSSE"
        );
    }
}

#[test]
fn leaf_key_details_name_the_algorithm() {
    let expect = [
        ("p256", "PKIX_ECDSA_P256_SHA_256"),
        ("p384", "PKIX_ECDSA_P384_SHA_384"),
        ("p521", "PKIX_ECDSA_P521_SHA_512"),
        ("rsa2048", "PKIX_RSA_PKCS1V15_2048_SHA256"),
        ("rsa3072", "PKIX_RSA_PKCS1V15_3072_SHA256"),
        ("rsa4096", "PKIX_RSA_PKCS1V15_4096_SHA256"),
        ("ed25519", "PKIX_ED25519"),
    ];
    for (name, details) in expect {
        let b = bundle(name, "message");
        let provenance_sigstore::Material::Certificate { leaf, .. } = b.material() else {
            panic!("{name}: no certificate");
        };
        assert_eq!(leaf.public_key().key_details(), details, "{name}");
    }
}

#[test]
fn ecdsa_and_rsa_message_signatures_verify_from_the_digest_alone() {
    for (name, alg) in [
        ("p256", HashAlgorithm::Sha256),
        ("p384", HashAlgorithm::Sha384),
        ("p521", HashAlgorithm::Sha512),
        ("p384sha256", HashAlgorithm::Sha256),
        ("rsa2048", HashAlgorithm::Sha256),
        ("rsa3072", HashAlgorithm::Sha256),
        ("rsa4096", HashAlgorithm::Sha256),
        ("rsa2048pss", HashAlgorithm::Sha256),
        ("rsa4096pss", HashAlgorithm::Sha256),
    ] {
        let digest = alg.hash(&artifact());
        verifier(&email(name), ISSUER_V2)
            .verify(
                &bundle(name, "message"),
                Artifact::Digest(alg, &digest),
                NOW,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Another digest, with the unsigned messageDigest hint edited to agree: the signature
        // is what refuses it.
        let mut json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir().join(format!("{name}.message.sigstore.json"))).unwrap(),
        )
        .unwrap();
        let other = alg.hash(b"another artifact");
        json["messageSignature"]["messageDigest"]["digest"] =
            serde_json::Value::String(base64_std(&other));
        let b = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
        let err = verifier(&email(name), ISSUER_V2)
            .verify(&b, Artifact::Digest(alg, &other), NOW)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidSignature("message signature")),
            "{name}: {err}"
        );
    }
    // Ed25519ph verifies from the SHA-512 digest (as sigstore-go's ED25519phVerifier), not
    // from another digest algorithm.
    let digest = HashAlgorithm::Sha512.hash(&artifact());
    verifier(&email("ed25519"), ISSUER_V2)
        .verify(
            &bundle("ed25519", "message"),
            Artifact::Digest(HashAlgorithm::Sha512, &digest),
            NOW,
        )
        .unwrap();
    let digest = HashAlgorithm::Sha256.hash(&artifact());
    let err = verifier(&email("ed25519"), ISSUER_V2)
        .verify(
            &bundle("ed25519", "message"),
            Artifact::Digest(HashAlgorithm::Sha256, &digest),
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, Error::ArtifactMismatch(_)), "{err}");
}

/// An Ed25519ph signature does not verify where pure Ed25519 is expected (DSSE); the
/// converse (pure Ed25519 refused as a message signature) is in `crypto::tests`.
#[test]
fn ed25519ph_and_pure_are_not_interchangeable() {
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir().join("ed25519.dsse.sigstore.json")).unwrap())
            .unwrap();
    let message: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir().join("ed25519.message.sigstore.json")).unwrap(),
    )
    .unwrap();
    json["dsseEnvelope"]["signatures"][0]["sig"] = message["messageSignature"]["signature"].clone();
    let b = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let err = verifier(&email("ed25519"), ISSUER_V2)
        .verify(&b, Artifact::None, NOW)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidSignature(_)), "{err}");
}

fn base64_std(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn signature_by_another_key_is_refused() {
    // The P-384 leaf with the P-521 bundle's signature: the signature check fails.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir().join("p384.message.sigstore.json")).unwrap())
            .unwrap();
    let other: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir().join("p521.message.sigstore.json")).unwrap())
            .unwrap();
    json["messageSignature"]["signature"] = other["messageSignature"]["signature"].clone();
    let b = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let err = verifier(&email("p384"), ISSUER_V2)
        .verify(&b, Artifact::Bytes(&artifact()), NOW)
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidSignature("message signature")),
        "{err}"
    );
    // Another artifact under a valid RSA-PSS signature.
    let err = verifier(&email("rsa2048pss"), ISSUER_V2)
        .verify(
            &bundle("rsa2048pss", "message"),
            Artifact::Bytes(b"another artifact"),
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidSignature(_) | Error::ArtifactMismatch(_)),
        "{err}"
    );
}

#[test]
fn rsa_leaf_of_another_size_is_refused() {
    for kind in ["message", "dsse"] {
        let err = verify("rsa5120", kind, &email("rsa5120"), ISSUER_V2).unwrap_err();
        match &err {
            Error::Malformed { field, reason } => {
                assert_eq!(*field, "public key");
                assert!(reason.contains("5120 bits"), "{reason}");
            }
            other => panic!("{kind}: unexpected {other}"),
        }
    }
}

/// A timestamp from an RSA TSA whose CMS signature uses SHA-384.
#[test]
fn rsa_tsa_with_sha384_timestamps_verify() {
    assert_verifies("rsatsa", "message");
    assert_verifies("rsatsa", "dsse");
}

#[test]
fn leaf_without_eku_is_valid_for_code_signing() {
    assert_verifies("noeku", "message");
    assert_verifies("noeku", "dsse");
}

#[test]
fn leaf_whose_eku_lacks_code_signing_is_refused() {
    for kind in ["message", "dsse"] {
        let err = verify("serverauth", kind, &email("serverauth"), ISSUER_V2).unwrap_err();
        match &err {
            Error::UntrustedCertificate { reason, .. } => {
                assert!(reason.contains("RequiredEku"), "{kind}: {reason}");
            }
            other => panic!("{kind}: unexpected {other}"),
        }
    }
}

#[test]
fn fulcio_username_othername_is_the_identity() {
    let v = verify("othername", "dsse", "alice", ISSUER_V2).unwrap();
    let id = v.identity.unwrap();
    assert_eq!(id.san, "alice");
    assert_eq!(id.sans, vec!["alice".to_owned()]);
    let err = verify("othername", "dsse", "bob", ISSUER_V2).unwrap_err();
    assert!(matches!(err, Error::PolicyMismatch(_)), "{err}");
}

#[test]
fn identity_is_the_first_uri_san_then_email_and_every_san_is_reported() {
    let uri = "https://x509-test.invalid/workflow@refs/heads/main";
    let v = verify("multisan", "message", uri, ISSUER_V2).unwrap();
    let id = v.identity.unwrap();
    assert_eq!(id.san, uri);
    assert_eq!(
        id.sans,
        vec![
            "first@x509-test.invalid".to_owned(),
            uri.to_owned(),
            "host.x509-test.invalid".to_owned(),
        ]
    );
    // As sigstore-go: the policy matches the identity SAN (URI before email), not any SAN.
    let err = verify("multisan", "message", "first@x509-test.invalid", ISSUER_V2).unwrap_err();
    match err {
        Error::PolicyMismatch(m) => assert!(m.contains(uri), "{m}"),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn leaf_without_uri_email_or_username_san_has_no_identity() {
    let root =
        TrustedRoot::from_json(&std::fs::read(dir().join("trusted_root.json")).unwrap()).unwrap();
    let any = BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::regex(".*").unwrap(),
            Matcher::exact(ISSUER_V2),
        )),
    );
    let err = any
        .verify(&bundle("dnsonly", "dsse"), Artifact::None, NOW)
        .unwrap_err();
    match err {
        Error::PolicyMismatch(m) => assert!(m.contains("<absent>"), "{m}"),
        other => panic!("unexpected {other}"),
    }
    // The DNS name is still reported among the SANs.
    let b = bundle("dnsonly", "dsse");
    let provenance_sigstore::Material::Certificate { leaf, .. } = b.material() else {
        panic!("no certificate");
    };
    let id = provenance_sigstore::SignerIdentity::from_certificate(leaf);
    assert_eq!(id.san, "");
    assert_eq!(id.sans, vec!["host.x509-test.invalid".to_owned()]);
}

#[test]
fn issuer_v2_extension_takes_precedence_over_v1() {
    let v = verify("issuerboth", "dsse", &email("issuerboth"), ISSUER_V2).unwrap();
    assert_eq!(v.identity.unwrap().issuer.as_deref(), Some(ISSUER_V2));
    let err = verify("issuerboth", "dsse", &email("issuerboth"), ISSUER_V1).unwrap_err();
    assert!(matches!(err, Error::PolicyMismatch(_)), "{err}");
    // Only the deprecated .1.1 (raw string): it is the issuer.
    let v = verify("issuerv1", "dsse", &email("issuerv1"), ISSUER_V1).unwrap();
    assert_eq!(v.identity.unwrap().issuer.as_deref(), Some(ISSUER_V1));
}

#[test]
fn github_extensions_are_typed() {
    let san = "https://github.com/octo/repo/.github/workflows/release.yml@refs/tags/v1";
    let v = verify("github", "dsse", san, ISSUER_V2).unwrap();
    let id = v.identity.unwrap();
    assert_eq!(
        id.source_repository_uri.as_deref(),
        Some("https://github.com/octo/repo")
    );
    assert_eq!(id.source_repository_identifier.as_deref(), Some("123456"));
    assert_eq!(
        id.source_repository_owner_uri.as_deref(),
        Some("https://github.com/octo")
    );
    assert_eq!(
        id.source_repository_owner_identifier.as_deref(),
        Some("654321")
    );
    assert_eq!(
        id.build_config_digest.as_deref(),
        Some("sha1:0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(
        id.run_invocation_uri.as_deref(),
        Some("https://github.com/octo/repo/actions/runs/1/attempts/1")
    );
    assert_eq!(id.source_repository_visibility.as_deref(), Some("public"));
    assert_eq!(id.build_signer_uri, None);
}

/// The same keys as plain public keys (`publicKey` material, `SignerPolicy::Key`): message
/// signatures and DSSE envelopes verify with every algorithm, and not with another key.
#[test]
fn every_algorithm_as_a_public_key() {
    let root =
        TrustedRoot::from_json(&std::fs::read(dir().join("trusted_root.json")).unwrap()).unwrap();
    let key_of = |name: &str| {
        let b = bundle(name, "message");
        let provenance_sigstore::Material::Certificate { leaf, .. } = b.material() else {
            panic!("{name}: no certificate");
        };
        leaf.public_key().clone()
    };
    for name in ALGORITHMS {
        for kind in ["message", "dsse"] {
            let mut json: serde_json::Value = serde_json::from_slice(
                &std::fs::read(dir().join(format!("{name}.{kind}.sigstore.json"))).unwrap(),
            )
            .unwrap();
            let vm = json["verificationMaterial"].as_object_mut().unwrap();
            vm.remove("certificate");
            vm.insert(
                "publicKey".into(),
                serde_json::json!({ "hint": format!("{name}-key") }),
            );
            let b = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
            let art = artifact();
            let v = BundleVerifier::new(root.clone(), SignerPolicy::Key(key_of(name)))
                .with_transparency(provenance_sigstore::Transparency::OptionalForKeys)
                .verify(&b, Artifact::Bytes(&art), NOW)
                .unwrap_or_else(|e| panic!("{name} {kind}: {e}"));
            assert!(v.identity.is_none());
            assert!(v.checks.contains(&Check::Rfc3161Timestamp), "{name} {kind}");
            let other = if *name == "p256" { "p384" } else { "p256" };
            let err = BundleVerifier::new(root.clone(), SignerPolicy::Key(key_of(other)))
                .with_transparency(provenance_sigstore::Transparency::OptionalForKeys)
                .verify(&b, Artifact::Bytes(&art), NOW)
                .unwrap_err();
            assert!(
                matches!(err, Error::InvalidSignature(_)),
                "{name} {kind}: {err}"
            );
        }
    }
}
