//! The one data-driven test over real third-party bundles: sigstore-conformance,
//! sigstore-python, sigstore-rs and slsa-verifier v2.1.0 (signature/identity level), listed in
//! `test-vectors/sigstore/cases.tsv` (derived from the shared CASES.tsv).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, HashAlgorithm, IdentityPolicy, Matcher, Material,
    PublicKey, SignerPolicy, TrustedRoot,
};
use std::path::{Path, PathBuf};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

fn variant(e: &Error) -> String {
    format!("{e:?}")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

struct Case {
    id: String,
    attestation: String,
    artifact: String,
    trusted_root: String,
    key: String,
    identity: String,
    identity_regexp: String,
    issuer: String,
    expected: String,
    error: String,
}

fn load_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(vectors().join("sigstore/cases.tsv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(
        header[..10],
        [
            "case_id",
            "attestation",
            "artifact",
            "trusted_root",
            "key",
            "identity",
            "identity_regexp",
            "issuer",
            "expected",
            "error"
        ]
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let g = |i: usize| f.get(i).copied().unwrap_or_default().to_owned();
            Case {
                id: g(0),
                attestation: g(1),
                artifact: g(2),
                trusted_root: g(3),
                key: g(4),
                identity: g(5),
                identity_regexp: g(6),
                issuer: g(7),
                expected: g(8),
                error: g(9),
            }
        })
        .collect()
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn run(case: &Case) -> Result<usize, Error> {
    let tp = vectors().join("third-party");
    let root = TrustedRoot::from_json(&std::fs::read(tp.join(&case.trusted_root)).unwrap())?;
    let signer = if case.key.is_empty() {
        let san = if !case.identity.is_empty() {
            Matcher::exact(&case.identity)
        } else if !case.identity_regexp.is_empty() {
            Matcher::regex(&case.identity_regexp)?
        } else {
            Matcher::regex(".*")?
        };
        let issuer = if case.issuer.is_empty() {
            Matcher::regex(".*")?
        } else {
            Matcher::exact(&case.issuer)
        };
        SignerPolicy::Keyless(IdentityPolicy::identity(san, issuer))
    } else {
        SignerPolicy::Key(PublicKey::from_pem(
            &std::fs::read_to_string(tp.join(&case.key)).unwrap(),
        )?)
    };
    let artifact_bytes;
    let digest;
    let artifact = if case.artifact.is_empty() {
        Artifact::None
    } else if let Some(hex) = case.artifact.strip_prefix("sha256:") {
        digest = hex::decode(hex).unwrap();
        Artifact::Digest(HashAlgorithm::Sha256, &digest)
    } else {
        artifact_bytes = std::fs::read(tp.join(&case.artifact)).unwrap();
        Artifact::Bytes(&artifact_bytes)
    };
    let verifier = BundleVerifier::new(root, signer);
    let bytes = std::fs::read(tp.join(&case.attestation)).unwrap();
    // A file is one bundle, or JSON Lines of bundles (slsa-github-generator v2.1+).
    let docs: Vec<&[u8]> = if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok() {
        vec![&bytes]
    } else {
        bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .collect()
    };
    let is_npm_doc = serde_json::from_slice::<serde_json::Value>(&bytes)
        .is_ok_and(|v| v.get("attestations").is_some());
    if is_npm_doc {
        // npm attestations file: verify its keyless provenance bundle(s); the publish
        // attestation is signed by the npm registry key, which is not stored here.
        let mut n = 0;
        for (_, bundle) in Bundle::from_npm_attestations(&bytes)? {
            if matches!(bundle.material(), Material::Certificate { .. }) {
                verifier.verify(&bundle, artifact, now())?;
                n += 1;
            }
        }
        assert!(n > 0, "{}: no keyless bundle", case.id);
        return Ok(n);
    }
    for doc in &docs {
        let bundle = Bundle::from_json(doc)?;
        verifier.verify(&bundle, artifact, now())?;
    }
    Ok(docs.len())
}

#[test]
fn third_party_bundles() {
    let cases = load_cases();
    assert!(
        cases.len() > 150,
        "case list unexpectedly short: {}",
        cases.len()
    );
    let (mut pass, mut fail, mut skip, mut gaps) = (0, 0, 0, Vec::new());
    let mut problems = Vec::new();
    for case in &cases {
        let result = run(case);
        if std::env::var_os("SIGSTORE_VECTORS_VERBOSE").is_some() {
            println!(
                "{}\t{}\t{:?}",
                case.id,
                case.expected,
                result.as_ref().map_err(|e| (variant(e), e.to_string()))
            );
        }
        match (case.expected.as_str(), &result) {
            ("SKIP", _) => skip += 1,
            ("PASS", Ok(_)) => pass += 1,
            ("FAIL", Err(e)) if variant(e) == case.error => fail += 1,
            ("GAP-PASS" | "GAP-FAIL", r) => gaps.push(format!(
                "{}: {} (now {:?})",
                case.id,
                case.error,
                r.as_ref().map_err(variant)
            )),
            (exp, r) => problems.push(format!(
                "{}: expected {exp} {}, got {:?}",
                case.id,
                case.error,
                r.as_ref().map_err(ToString::to_string)
            )),
        }
    }
    println!(
        "sigstore vectors: {pass} PASS ok, {fail} FAIL ok, {skip} skipped, {} known gaps",
        gaps.len()
    );
    for g in &gaps {
        println!("  known gap: {g}");
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases wrong:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}
