//! Real public-good bundles with P-256, P-384, P-521 and RSA 2048/3072/4096 leaf keys
//! (sigstore-java's algorithm-registry samples), checked against sigstore-java's verdicts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, HashAlgorithm, IdentityPolicy, Matcher, SignerPolicy,
    TrustedRoot, VerifiedContent,
};
use std::path::PathBuf;

const SAN: &str = "untrusted-sa@sigstore-conformance.iam.gserviceaccount.com";
const ISSUER: &str = "https://accounts.google.com";
/// After the bundles' integrated time (2026-05).
const NOW: i64 = 1_790_000_000;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party/sigstore-java/algorithm-registry")
}

fn bundle(details: &str) -> Bundle {
    Bundle::from_json(&std::fs::read(dir().join(format!("{details}.sigstore.json"))).unwrap())
        .unwrap()
}

fn verifier() -> BundleVerifier {
    BundleVerifier::new(
        TrustedRoot::public_good().unwrap(),
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(SAN),
            Matcher::exact(ISSUER),
        )),
    )
}

fn artifact() -> Vec<u8> {
    std::fs::read(dir().join("artifact.txt")).unwrap()
}

const CASES: &[(&str, HashAlgorithm)] = &[
    ("PKIX_ECDSA_P256_SHA_256", HashAlgorithm::Sha256),
    ("PKIX_ECDSA_P384_SHA_384", HashAlgorithm::Sha384),
    ("PKIX_ECDSA_P521_SHA_512", HashAlgorithm::Sha512),
    ("PKIX_RSA_PKCS1V15_2048_SHA256", HashAlgorithm::Sha256),
    ("PKIX_RSA_PKCS1V15_3072_SHA256", HashAlgorithm::Sha256),
    ("PKIX_RSA_PKCS1V15_4096_SHA256", HashAlgorithm::Sha256),
];

/// sigstore-java `testVerify_algorithmRegistry`: all six verify.
#[test]
fn sigstore_java_algorithm_registry_bundles_verify() {
    for (details, alg) in CASES {
        let b = bundle(details);
        let provenance_sigstore::Material::Certificate { leaf, .. } = b.material() else {
            panic!("{details}: no certificate");
        };
        assert_eq!(leaf.public_key().key_details(), *details);
        let v = verifier()
            .verify(&b, Artifact::Bytes(&artifact()), NOW)
            .unwrap_or_else(|e| panic!("{details}: {e}"));
        match v.content {
            VerifiedContent::MessageDigest { algorithm, .. } => {
                assert_eq!(algorithm, *alg, "{details}");
            }
            _ => panic!("{details}: not a message signature"),
        }
        // The embedded SCT was checked (precertificate TBS rebuilt without it).
        assert!(
            v.checks.contains(&provenance_sigstore::Check::Sct),
            "{details}"
        );
        let id = v.identity.unwrap();
        assert_eq!(id.san, SAN);
        assert_eq!(id.issuer.as_deref(), Some(ISSUER));
    }
}

/// All six also verify from the artifact digest alone (sigstore-go's `WithArtifactDigest`);
/// another artifact fails for every key type.
#[test]
fn digest_only_and_wrong_artifact() {
    for (details, alg) in CASES {
        let digest = alg.hash(&artifact());
        verifier()
            .verify(&bundle(details), Artifact::Digest(*alg, &digest), NOW)
            .unwrap_or_else(|e| panic!("{details}: {e}"));
    }
    for (details, _) in CASES {
        let err = verifier()
            .verify(
                &bundle(details),
                Artifact::Bytes(b"not the artifact\n"),
                NOW,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidSignature("message signature") | Error::ArtifactMismatch(_)
            ),
            "{details}: {err}"
        );
    }
}

/// sigstore-java `testVerify_wrongArtifactHashAlgorithm`: the P-256 bundle given the
/// artifact's SHA-512 digest is refused.
#[test]
fn p256_bundle_with_sha512_digest_is_refused() {
    let digest = HashAlgorithm::Sha512.hash(&artifact());
    let err = verifier()
        .verify(
            &bundle("PKIX_ECDSA_P256_SHA_256"),
            Artifact::Digest(HashAlgorithm::Sha512, &digest),
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidSignature(_) | Error::ArtifactMismatch(_)),
        "{err}"
    );
}

fn github_private(file: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../test-vectors/third-party/sigstore-java/github-private-no-tlog")
            .join(file),
    )
    .unwrap()
}

/// sigstore-java `testVerify_noTransparencyLog_gitHubPrivateInstance`: GitHub's own instance
/// (fulcio.githubapp.com, P-384 TSA `timestamp.githubapp.com`), no tlog, no CT; the RFC 3161
/// token is the only time. `gh attestation trusted-root` JSON Lines as the root.
#[test]
fn github_private_instance_bundle_verifies_with_its_timestamp() {
    const SAN: &str = "https://github.com/neverendingsupport/slsa-attestations/.github/workflows/attest.yml@9f6d9dc1bfc02986955721eb15f89ad618f1cedb";
    const ISSUER: &str = "https://token.actions.githubusercontent.com";
    let subject =
        hex::decode("caa015ef69e9bc31a41322d6c71563ed9600c75bb988e4d639b1edc578580551").unwrap();
    let root = TrustedRoot::from_json(&github_private("trusted_root.jsonl")).unwrap();
    let b = Bundle::from_json(&github_private("attestation.sigstore.json")).unwrap();
    let verifier = |san: &str| {
        BundleVerifier::new(
            root.clone(),
            SignerPolicy::Keyless(IdentityPolicy::identity(
                Matcher::exact(san),
                Matcher::exact(ISSUER),
            )),
        )
    };
    let v = verifier(SAN)
        .verify(&b, Artifact::Digest(HashAlgorithm::Sha256, &subject), NOW)
        .unwrap();
    assert!(
        v.checks
            .contains(&provenance_sigstore::Check::Rfc3161Timestamp)
    );
    assert!(!v.checks.contains(&provenance_sigstore::Check::Sct));
    let id = v.identity.unwrap();
    assert_eq!(id.issuer.as_deref(), Some(ISSUER));
    assert_eq!(id.sans, vec![SAN.to_owned()]);
    let err = verifier("https://github.com/someone/else")
        .verify(&b, Artifact::Digest(HashAlgorithm::Sha256, &subject), NOW)
        .unwrap_err();
    assert!(matches!(err, Error::PolicyMismatch(_)), "{err}");
}

fn sigstore_go(file: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../test-vectors/third-party/sigstore-go/othername")
            .join(file),
    )
    .unwrap()
}

/// sigstore-go `TestSummarizeCertificateWithOtherNameSAN`: the Fulcio username otherName
/// `foo!oidc.local` is the identity, the issuer `http://oidc.local:8080`.
///
/// (sigstore-go's `TestEntityWithOthernameSan` also verifies the whole bundle; here that stops
/// earlier, at the checkpoint: its origin `rekor-00001-deployment-… - <tree id>` does not name
/// the scaffolding log's host, which `tlog.rs` requires and sigstore-go's Rekor v1 path does
/// not check. Left to the transparency-log rules, not to X.509.)
#[test]
fn sigstore_go_othername_san_certificate() {
    let b = Bundle::from_json(&sigstore_go("othername.sigstore.json")).unwrap();
    let provenance_sigstore::Material::Certificate { leaf, .. } = b.material() else {
        panic!("no certificate");
    };
    let id = provenance_sigstore::SignerIdentity::from_certificate(leaf);
    assert_eq!(id.san, "foo!oidc.local");
    assert_eq!(id.sans, vec!["foo!oidc.local".to_owned()]);
    assert_eq!(id.issuer.as_deref(), Some("http://oidc.local:8080"));
    let policy = IdentityPolicy::identity(
        Matcher::exact("foo!oidc.local"),
        Matcher::exact("http://oidc.local:8080"),
    );
    policy.evaluate(&id).unwrap();
    let email = IdentityPolicy::identity(
        Matcher::exact("foo@oidc.local"),
        Matcher::exact("http://oidc.local:8080"),
    );
    assert!(matches!(email.evaluate(&id), Err(Error::PolicyMismatch(_))));
    // The scaffolding root parses (its CA chain, CT log and TSA keys).
    TrustedRoot::from_json(&sigstore_go("scaffolding.json")).unwrap();
}
