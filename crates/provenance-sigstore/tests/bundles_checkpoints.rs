//! Rekor v1 checkpoints (signed tree heads) as sigstore-go checks them (rekor
//! `SignedNote.Verify`): by the log's key, not by the names in the note. Real bundle:
//! sigstore-go's `othername.sigstore.json` from a private (scaffolding) deployment whose
//! checkpoint names its pod, verified with sigstore-go's `scaffolding.json` root.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, HashAlgorithm, IdentityPolicy, Matcher, SignerPolicy,
    TrustedRoot,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn tp(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party/sigstore-go/pkg/testing/data")
        .join(rel)
}

const DIGEST: &str = "bc103b4a84971ef6459b294a2b98568a2bfb72cded09d4acd1e16366a401f95b";

fn verify(bundle: &Value) -> Result<(), Error> {
    let root =
        TrustedRoot::from_json(&std::fs::read(tp("trusted-roots/scaffolding.json")).unwrap())
            .unwrap();
    let b = Bundle::from_json(&serde_json::to_vec(bundle).unwrap())?;
    let digest = hex::decode(DIGEST).unwrap();
    BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact("foo!oidc.local"),
            Matcher::exact("http://oidc.local:8080"),
        )),
    )
    .verify(
        &b,
        Artifact::Digest(HashAlgorithm::Sha256, &digest),
        1_800_000_000,
    )
    .map(|_| ())
}

fn othername() -> Value {
    serde_json::from_slice(&std::fs::read(tp("bundles/othername.sigstore.json")).unwrap()).unwrap()
}

#[test]
fn rekor_v1_checkpoint_of_a_private_deployment_verifies() {
    let b = othername();
    let cp =
        b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .unwrap();
    // the origin names the pod, not the log's base URL (rekor.rekor-system.…sslip.io)
    assert!(cp.starts_with("rekor-00001-deployment-"), "{cp}");
    verify(&b).unwrap();
}

#[test]
fn rekor_v1_checkpoint_signature_must_be_the_logs() {
    let mut b = othername();
    let cp =
        b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .unwrap()
            .to_owned();
    // a second signature line by another key: rekor's SignedNote.Verify needs every line
    // to be the log's
    let forged = format!("{cp}\u{2014} witness AAAAAAAA\n");
    b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]["envelope"] =
        forged.into();
    let r = verify(&b);
    assert!(
        matches!(r, Err(Error::InvalidCheckpoint(m)) if m.contains("key")),
        "{r:?}"
    );
    // a changed tree size in the signed body breaks the signature
    let mut b = othername();
    let tampered = cp.replacen("\n4\n", "\n5\n", 1);
    assert_ne!(tampered, cp);
    b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]["envelope"] =
        tampered.into();
    let r = verify(&b);
    assert!(matches!(r, Err(Error::InvalidCheckpoint(_))), "{r:?}");
}
