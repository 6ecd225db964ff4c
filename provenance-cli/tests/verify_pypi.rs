//! `provenance verify --allow-set-only`: a Sigstore entry with only a signed entry timestamp
//! (no inclusion proof), integrated after the 2024-01-01 cutoff, is refused by default and
//! accepted with the opt-in (or `--insecure-ignore-tlog`).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Output;

const SAN: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/sigstore-conformance/assets/bundle-verify")
}

fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!().run(dir, args)
}

/// The conformance suite's `hashedrekord` 0.0.1 bundle (integrated 2024-03-19) relabelled
/// v0.1 with its certificate moved into a chain and its inclusion proof removed.
fn relabelled_bundle() -> serde_json::Value {
    let text =
        std::fs::read_to_string(assets().join("happy-path-v0.3/bundle.sigstore.json")).unwrap();
    let mut bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1".into();
    let vm = bundle["verificationMaterial"].as_object_mut().unwrap();
    if let Some(cert) = vm.remove("certificate") {
        vm.insert(
            "x509CertificateChain".into(),
            serde_json::json!({ "certificates": [cert] }),
        );
    }
    for entry in vm["tlogEntries"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("inclusionProof");
    }
    bundle
}

fn run(dir: &Path, bundle: &str, artifact: &str, identity: &str, extra: &[&str]) -> i32 {
    let mut args = vec![
        "verify",
        "--attestation",
        bundle,
        "--certificate-identity",
        identity,
        "--certificate-oidc-issuer",
        ISSUER,
    ];
    args.extend_from_slice(extra);
    args.push(artifact);
    let out = provenance(dir, &args);
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    code
}

#[test]
fn set_only_entries_need_the_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(assets().join("a.txt"), dir.path().join("a.txt")).unwrap();
    std::fs::write(dir.path().join("other.txt"), b"another artifact\n").unwrap();
    std::fs::write(
        dir.path().join("a.sigstore.json"),
        serde_json::to_vec(&relabelled_bundle()).unwrap(),
    )
    .unwrap();
    let d = dir.path();
    let b = "a.sigstore.json";
    // strict by default
    assert_eq!(run(d, b, "a.txt", SAN, &[]), 1);
    // the opt-in accepts the SET for the matching artifact and identity only
    assert_eq!(run(d, b, "a.txt", SAN, &["--allow-set-only"]), 0);
    assert_eq!(run(d, b, "other.txt", SAN, &["--allow-set-only"]), 1);
    let wrong = "https://github.com/example/other/.github/workflows/x.yml@refs/heads/main";
    assert_eq!(run(d, b, "a.txt", wrong, &["--allow-set-only"]), 1);
    // --insecure-ignore-tlog implies it
    assert_eq!(run(d, b, "a.txt", SAN, &["--insecure-ignore-tlog"]), 0);
}

/// A PEP 740 attestation built from the conformance suite's v0.3 DSSE bundle (subject `a.txt`).
fn pep740() -> serde_json::Value {
    let text =
        std::fs::read_to_string(assets().join("happy-path-intoto-in-dsse-v3/bundle.sigstore.json"))
            .unwrap();
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    let vm = &b["verificationMaterial"];
    serde_json::json!({
        "version": 1,
        "verification_material": {
            "certificate": vm["certificate"]["rawBytes"],
            "transparency_entries": vm["tlogEntries"],
        },
        "envelope": {
            "statement": b["dsseEnvelope"]["payload"],
            "signature": b["dsseEnvelope"]["signatures"][0]["sig"],
        }
    })
}

#[test]
fn pep740_attestation_and_pypi_provenance_are_verified() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(assets().join("a.txt"), dir.path().join("a.txt")).unwrap();
    std::fs::write(dir.path().join("other.txt"), b"another artifact\n").unwrap();
    let att = pep740();
    let prov = serde_json::json!({
        "version": 1,
        "attestation_bundles": [{"publisher": {"kind": "GitHub"}, "attestations": [att]}]
    });
    std::fs::write(
        dir.path().join("a.publish.attestation"),
        serde_json::to_vec(&att).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("provenance.json"),
        serde_json::to_vec_pretty(&prov).unwrap(),
    )
    .unwrap();
    let d = dir.path();
    let wrong = "https://github.com/example/other/.github/workflows/x.yml@refs/heads/main";
    for doc in ["a.publish.attestation", "provenance.json"] {
        assert_eq!(run(d, doc, "a.txt", SAN, &[]), 0, "{doc}");
        assert_eq!(run(d, doc, "other.txt", SAN, &[]), 1, "{doc}");
        assert_eq!(run(d, doc, "a.txt", wrong, &[]), 1, "{doc}");
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&x| x == c).unwrap();
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}

/// cosign's pre-v3 `--bundle` file, built from the conformance suite's v0.1 bundle (a message
/// signature over `a.txt` with a SET from before the cutoff).
#[test]
fn cosign_legacy_bundle_is_verified() {
    let text =
        std::fs::read_to_string(assets().join("happy-path-v0.1/bundle.sigstore.json")).unwrap();
    let b: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entry = &b["verificationMaterial"]["tlogEntries"][0];
    let cert = b["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
        .as_str()
        .unwrap();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n");
    let log_id: String = b64_decode(entry["logId"]["keyId"].as_str().unwrap())
        .iter()
        .fold(String::new(), |mut s, b| {
            s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
            s
        });
    let cosign = serde_json::json!({
        "base64Signature": b["messageSignature"]["signature"],
        "cert": b64_encode(pem.as_bytes()),
        "rekorBundle": {
            "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {
                "body": entry["canonicalizedBody"],
                "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
                "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
                "logID": log_id,
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(assets().join("a.txt"), dir.path().join("a.txt")).unwrap();
    std::fs::write(dir.path().join("other.txt"), b"another artifact\n").unwrap();
    std::fs::write(
        dir.path().join("a.txt.bundle"),
        serde_json::to_vec(&cosign).unwrap(),
    )
    .unwrap();
    let d = dir.path();
    let wrong = "https://github.com/example/other/.github/workflows/x.yml@refs/heads/main";
    assert_eq!(run(d, "a.txt.bundle", "a.txt", SAN, &[]), 0);
    assert_eq!(run(d, "a.txt.bundle", "other.txt", SAN, &[]), 1);
    assert_eq!(run(d, "a.txt.bundle", "a.txt", wrong, &[]), 1);
}

/// A PEP 740 attestation as pypi-attestations makes it (test-vectors/sigstore/
/// pep740-pypi-attestations): it verifies with its own predicate type named, and fails, with
/// the reason, without it, for another identity or for another file.
#[test]
fn a_pypi_attestations_publish_attestation_verifies_with_its_predicate_type() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/sigstore/pep740-pypi-attestations");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for f in [
        "demo-1.0.tar.gz",
        "demo-1.0.tar.gz.publish.attestation",
        "trusted_root.json",
    ] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    std::fs::write(d.join("demo-2.0.tar.gz"), b"another distribution").unwrap();
    let identity = "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main";
    let verify = |identity: &str, dist: &str, publish_type: bool| {
        let mut args = vec![
            "verify",
            "--attestation",
            "demo-1.0.tar.gz.publish.attestation",
            "--trusted-root",
            "trusted_root.json",
            "--certificate-identity",
            identity,
            "--certificate-oidc-issuer",
            "https://token.actions.mock.example",
        ];
        if publish_type {
            args.extend([
                "--predicate-type",
                "https://docs.pypi.org/attestations/publish/v1",
            ]);
        }
        args.push(dist);
        let out = provenance(d, &args);
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = verify(identity, "demo-1.0.tar.gz", true);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("PASS demo-1.0.tar.gz "), "{out}");
    let (code, out) = verify(identity, "demo-1.0.tar.gz", false);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("predicate-type: expected https://slsa.dev/provenance/v1")
            && out.contains("found https://docs.pypi.org/attestations/publish/v1"),
        "{out}"
    );
    let (code, out) = verify(
        "https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main",
        "demo-1.0.tar.gz",
        true,
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL demo-1.0.tar.gz: identity"), "{out}");
    let (code, out) = verify(identity, "demo-2.0.tar.gz", true);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL demo-2.0.tar.gz: subject"), "{out}");
}
