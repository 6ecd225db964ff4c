//! `provenance verify` on real third-party bundles whose leaf keys use each algorithm the
//! Sigstore ecosystem ships (sigstore-java's public-good samples: ECDSA P-256/P-384/P-521, RSA
//! 2048/3072/4096), and on a real npm bundle (sha512-only subject) given the package file by
//! path. The library-level tests are in crates/provenance-sigstore/tests/x509_*.rs; these check
//! that the CLI reaches the same verdicts.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const JAVA_IDENTITY: &str = "untrusted-sa@sigstore-conformance.iam.gserviceaccount.com";
const JAVA_ISSUER: &str = "https://accounts.google.com";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party")
}

fn java() -> PathBuf {
    vectors().join("sigstore-java/sigstore-java/src/test/resources/dev/sigstore")
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out: Output = Command::cargo_bin("provenance")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("verify")
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

fn verify_java(bundle: &str, artifact: &str, identity: &str) -> (Option<i32>, String) {
    let dir = java();
    let bundle = format!("samples/bundles/{bundle}.sigstore.json");
    run(
        &dir,
        &[
            artifact,
            "--attestation",
            &bundle,
            "--trusted-root",
            "trustroot/trusted_root.json",
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            JAVA_ISSUER,
        ],
    )
}

const JAVA_BUNDLES: [&str; 6] = [
    "PKIX_ECDSA_P256_SHA_256",
    "PKIX_ECDSA_P384_SHA_384",
    "PKIX_ECDSA_P521_SHA_512",
    "PKIX_RSA_PKCS1V15_2048_SHA256",
    "PKIX_RSA_PKCS1V15_3072_SHA256",
    "PKIX_RSA_PKCS1V15_4096_SHA256",
];

#[test]
fn every_leaf_algorithm_verifies_its_artifact() {
    for bundle in JAVA_BUNDLES {
        let (code, text) = verify_java(bundle, "samples/bundles/artifact.txt", JAVA_IDENTITY);
        assert_eq!(code, Some(0), "{bundle}: {text}");
        assert!(
            text.starts_with("PASS samples/bundles/artifact.txt ")
                && text.contains(&format!("signed by certificate {JAVA_IDENTITY}")),
            "{bundle}: {text}"
        );
    }
}

#[test]
fn every_leaf_algorithm_refuses_another_artifact() {
    let other = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(other.path(), b"not the signed artifact\n").unwrap();
    let other = other.path().to_str().unwrap();
    for bundle in JAVA_BUNDLES {
        let (code, text) = verify_java(bundle, other, JAVA_IDENTITY);
        assert_eq!(code, Some(1), "{bundle}: {text}");
        assert!(
            text.contains("1 signature(s) over an artifact do not verify for this one")
                && text.contains(
                    "artifact digest mismatch: bundle messageDigest differs from the artifact"
                ),
            "{bundle}: {text}"
        );
    }
}

#[test]
fn every_leaf_algorithm_refuses_another_identity() {
    for bundle in JAVA_BUNDLES {
        let (code, text) = verify_java(
            bundle,
            "samples/bundles/artifact.txt",
            "someone-else@example.com",
        );
        assert_eq!(code, Some(1), "{bundle}: {text}");
        assert!(
            text.contains(&format!(
                "identity policy not satisfied: certificate identity (SAN): expected \"someone-else@example.com\", got \"{JAVA_IDENTITY}\""
            )),
            "the FAIL line names the wanted and the actual identity: {bundle}: {text}"
        );
    }
}

/// npm provenance names its subject by sha512 only: the package file, given by path, is hashed
/// with what the subject uses, and the certificate decides the source expectations.
#[test]
fn npm_bundle_verifies_the_package_file_by_path() {
    let dir = vectors().join("gh-cli/pkg/cmd/attestation/test/data");
    let base = [
        "sigstore-js-2.1.0.tgz",
        "--attestation",
        "sigstore-js-2.1.0-bundle.json",
        "--trusted-root",
        "trusted_root.json",
        "--owner",
        "sigstore",
    ];
    let (code, text) = run(&dir, &base);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.starts_with("PASS sigstore-js-2.1.0.tgz (source github.com/sigstore/sigstore-js at 26d16513386ffaa790b1c32f927544f1322e4194"),
        "{text}"
    );
    let mut wrong_ref = base.to_vec();
    wrong_ref.extend(["--source-ref", "refs/heads/evil"]);
    let (code, text) = run(&dir, &wrong_ref);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("source-ref: expected refs/heads/evil, found refs/heads/main (the certificate sourceRepositoryRef"),
        "{text}"
    );
}

/// The same package on standard input: it is hashed before the attestations are read (with
/// every accepted algorithm, since it cannot be read again), and the report shows the digest
/// the subject uses, as for the file.
#[test]
fn npm_bundle_verifies_the_package_on_standard_input() {
    let dir = vectors().join("gh-cli/pkg/cmd/attestation/test/data");
    let package = std::fs::read(dir.join("sigstore-js-2.1.0.tgz")).unwrap();
    let verify = |input: Vec<u8>| {
        Command::cargo_bin("provenance")
            .unwrap()
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .args([
                "verify",
                "-",
                "--attestation",
                "sigstore-js-2.1.0-bundle.json",
                "--trusted-root",
                "trusted_root.json",
                "--owner",
                "sigstore",
                "--format",
                "json",
            ])
            .write_stdin(input)
            .output()
            .unwrap()
    };
    let out = verify(package.clone());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let digests = &report["artifacts"][0]["digests"];
    assert_eq!(
        digests
            .as_object()
            .map(|d| d.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["sha512".to_owned()]),
        "only the digest the subject names is reported: {text}"
    );
    // Other bytes on standard input: no subject matches.
    let mut other = package;
    other.push(b'\n');
    let out = verify(other);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
