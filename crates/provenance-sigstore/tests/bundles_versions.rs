//! Bundle rules per version, as protobuf-specs and the reference clients read them, on real
//! third-party bundles (test-vectors/third-party; see test-vectors/differential/CASES.tsv).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, IdentityPolicy, Matcher, SignerPolicy, TrustedRoot,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_800_000_000;

fn tp(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party")
        .join(rel)
}

fn java(name: &str) -> PathBuf {
    tp("sigstore-java/sigstore-java/src/test/resources/dev/sigstore/samples/bundles").join(name)
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn root(rel: &str) -> TrustedRoot {
    TrustedRoot::from_json(&std::fs::read(tp(rel)).unwrap()).unwrap()
}

fn verify(
    bundle: &Value,
    root: TrustedRoot,
    san: &str,
    issuer: &str,
    artifact: Artifact<'_>,
) -> Result<(), Error> {
    let b = Bundle::from_json(&serde_json::to_vec(bundle).unwrap())?;
    BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(san),
            Matcher::exact(issuer),
        )),
    )
    .verify(&b, artifact, NOW)
    .map(|_| ())
}

const JAVA_ROOT: &str =
    "sigstore-java/sigstore-java/src/test/resources/dev/sigstore/trustroot/trusted_root.json";
const PROD: &str = "sigstore-python/_store/production/trusted_root.json";

/// sigstore-java's `bundle-no-digest.sigstore`: a v0.3 bundle with `x509CertificateChain`.
/// sigstore-go (`verification material cannot be X.509 certificate chain (for bundle v0.3)`),
/// sigstore-python and sigstore-js refuse it; so do we, when reading it.
#[test]
fn v03_bundle_with_certificate_chain_is_refused() {
    let bytes = std::fs::read(java("bundle-no-digest.sigstore")).unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        v["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert!(v["verificationMaterial"]["x509CertificateChain"].is_object());
    match Bundle::from_json(&bytes) {
        Err(Error::VersionMismatch { reason, .. }) => {
            assert!(reason.contains("x509CertificateChain"), "{reason}");
        }
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    // The same material as `certificate` (the leaf alone) is a valid v0.3 bundle, and the
    // v0.3 sibling sigstore-java signs that way verifies.
    let ok = json(&java("bundle.v3.sigstore"));
    assert!(ok["verificationMaterial"]["certificate"].is_object());
    let artifact = std::fs::read(java("artifact.txt")).unwrap();
    verify(
        &ok,
        root(JAVA_ROOT),
        "appu@google.com",
        "https://accounts.google.com",
        Artifact::Bytes(&artifact),
    )
    .unwrap();
}

/// A v0.1 bundle's log entries are vouched for by their inclusion promise: protobuf-specs,
/// sigstore-go (`inclusion promises missing in bundle (required for bundle v0.1)`) and
/// sigstore-python refuse a v0.1 bundle whose entries carry none, proof or not.
#[test]
fn v01_bundle_needs_an_inclusion_promise() {
    let mut b = json(&java("bundle.v1.sigstore"));
    let artifact = std::fs::read(java("artifact.txt")).unwrap();
    verify(
        &b,
        root(JAVA_ROOT),
        "appu@google.com",
        "https://accounts.google.com",
        Artifact::Bytes(&artifact),
    )
    .unwrap();
    assert!(b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"].is_object());
    b["verificationMaterial"]["tlogEntries"][0]
        .as_object_mut()
        .unwrap()
        .remove("inclusionPromise");
    let r = verify(
        &b,
        root(JAVA_ROOT),
        "appu@google.com",
        "https://accounts.google.com",
        Artifact::Bytes(&artifact),
    );
    assert!(
        matches!(&r, Err(Error::VersionMismatch { reason, .. }) if reason.contains("inclusion promise")),
        "{r:?}"
    );
}

/// sigstore-js's v0.1 DSSE bundle with a `dsse` 0.0.1 entry carrying only its SET (as
/// sigstore-js 1.x wrote them, 2023-06-05), under the public-good root it was made with.
/// v0.1 keeps the entry kinds their producers wrote without an inclusion proof: sigstore-go
/// and sigstore-js accept it; we refused every `dsse` entry without a proof before.
/// (Its RFC 3161 timestamp is from sigstore-js's test TSA, not in the public-good root, so
/// it is left out here: timestamps are optional in a bundle.)
#[test]
fn v01_dsse_entry_with_only_a_set_is_accepted() {
    let mut b = json(&tp(
        "sigstore-js/verify/V1.DSSE.WITH_SIGNING_CERT.TLOG_DSSE.json",
    ));
    let entry = &b["verificationMaterial"]["tlogEntries"][0];
    assert_eq!(entry["kindVersion"]["kind"], "dsse");
    assert!(entry.get("inclusionProof").is_none());
    b["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("timestampVerificationData");
    verify(
        &b,
        root(PROD),
        "brian@dehamer.com",
        "https://github.com/login/oauth",
        Artifact::None,
    )
    .unwrap();
    // the SET still has to verify
    let set = &mut b["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"]["signedEntryTimestamp"];
    let s = set.as_str().unwrap().to_owned();
    *set = format!("{}A{}", &s[..10], &s[11..]).into();
    let r = verify(
        &b,
        root(PROD),
        "brian@dehamer.com",
        "https://github.com/login/oauth",
        Artifact::None,
    );
    assert!(matches!(r, Err(Error::InvalidSignature(_))), "{r:?}");
}

/// sigstore-java's `bundle-no-digest.sigstore` with its leaf moved to `certificate` (so that
/// the v0.3 rule above does not decide first): a message signature without `messageDigest`.
/// sigstore-go refuses it (`SignatureContent`: missing verification material), and so does
/// sigstore-js; sigstore-python and sigstore-java accept it.
#[test]
fn message_signature_without_digest_is_refused() {
    let mut b = json(&java("bundle-no-digest.sigstore"));
    assert!(b["messageSignature"].get("messageDigest").is_none());
    let vm = b["verificationMaterial"].as_object_mut().unwrap();
    let chain = vm.remove("x509CertificateChain").unwrap();
    vm.insert("certificate".into(), chain["certificates"][0].clone());
    let r = Bundle::from_json(&serde_json::to_vec(&b).unwrap());
    assert!(
        matches!(r, Err(Error::MissingMaterial(m)) if m == "messageSignature.messageDigest"),
        "{r:?}"
    );
}
