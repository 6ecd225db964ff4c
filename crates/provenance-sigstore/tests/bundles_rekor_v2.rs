//! Rekor v2 entry kinds as sigstore-go and sigstore-python accept them: `hashedrekord` 0.0.2
//! (over the artifact digest, or over the DSSE PAE for DSSE bundles) is verified; the early
//! `dsse` 0.0.2 kind is refused. Real bundles from sigstore-java and sigstore-js.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, IdentityPolicy, Matcher, SignerPolicy, TrustedRoot,
};
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

fn root(name: &str) -> TrustedRoot {
    TrustedRoot::from_json(
        &std::fs::read(tp(&format!(
            "sigstore-python/_store/{name}/trusted_root.json"
        )))
        .unwrap(),
    )
    .unwrap()
}

fn verify(path: &Path, root_name: &str, san: &str, issuer: &str) -> Result<(), Error> {
    let b = Bundle::from_json(&std::fs::read(path).unwrap())?;
    BundleVerifier::new(
        root(root_name),
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(san),
            Matcher::exact(issuer),
        )),
    )
    .verify(&b, Artifact::None, NOW)
    .map(|_| ())
}

const JAVA_SA: &str = "untrusted-sa@sigstore-conformance.iam.gserviceaccount.com";
const GOOGLE: &str = "https://accounts.google.com";

/// sigstore-java's Rekor v2 DSSE bundle: a `hashedrekord` 0.0.2 entry over the PAE
/// (sigstore-go `reconstructV2EntryHash`, sigstore-python `_validate_hashedrekord_v002_dsse_entry_body`).
#[test]
fn rekor_v2_dsse_as_hashedrekord_verifies() {
    let p = java("bundle.dsse.rekor-v2.sigstore");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.contains(r#""kind": "hashedrekord""#) || text.contains(r#""kind":"hashedrekord""#)
    );
    verify(&p, "production", JAVA_SA, GOOGLE).unwrap();
}

/// sigstore-java's `bundle.dsse.rekor-v2.bad-entry-type.sigstore` (which sigstore-java's own
/// test expects to fail) and sigstore-js's `TLOG_DSSEV002` fixture: a `dsse` 0.0.2 entry.
/// sigstore-go only parses `hashedrekord` 0.0.2 Rekor v2 bodies and sigstore-python refuses
/// `Unsupported DSSE log entry type: dsse/0.0.2`; we accepted it before.
#[test]
fn rekor_v2_dsse_entry_kind_is_refused() {
    for (path, root_name, san, issuer) in [
        (
            java("bundle.dsse.rekor-v2.bad-entry-type.sigstore"),
            "staging",
            JAVA_SA,
            GOOGLE,
        ),
        (
            tp("sigstore-js/verify/V3.DSSE.WITH_SIGNING_CERT.TLOG_DSSEV002.json"),
            "production",
            "brian@dehamer.com",
            "https://github.com/login/oauth",
        ),
    ] {
        let r = verify(&path, root_name, san, issuer);
        assert!(
            matches!(&r, Err(Error::UnsupportedEntryKind { kind, version }) if kind == "dsse" && version == "0.0.2"),
            "{}: {r:?}",
            path.display()
        );
    }
}

/// Finding 16: a Rekor v2 entry's `logIndex` (unsigned) must be the index its inclusion proof
/// proves; any other value is refused rather than carried into reports.
#[test]
fn rekor_v2_log_index_must_match_the_inclusion_proof() {
    let p = java("bundle.dsse.rekor-v2.sigstore");
    let mut bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let entry = &mut bundle["verificationMaterial"]["tlogEntries"][0];
    let proven = entry["inclusionProof"]["logIndex"].clone();
    assert_eq!(entry["logIndex"], proven, "the fixture agrees with itself");
    for wrong in ["0", "99999"] {
        bundle["verificationMaterial"]["tlogEntries"][0]["logIndex"] = serde_json::json!(wrong);
        let b = Bundle::from_json(bundle.to_string().as_bytes()).unwrap();
        let err = BundleVerifier::new(
            root("production"),
            SignerPolicy::Keyless(IdentityPolicy::identity(
                Matcher::exact(JAVA_SA),
                Matcher::exact(GOOGLE),
            )),
        )
        .verify(&b, Artifact::None, NOW)
        .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInclusionProof(m) if m.contains("logIndex differs")),
            "{wrong}: {err:?}"
        );
    }
}
