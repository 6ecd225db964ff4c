//! Our side of the Sigstore differential test (`scripts/interop/sigstore-differential.sh`):
//! reads `test-vectors/differential/CASES.tsv` and prints one line per case,
//! `ID<TAB>PASS|FAIL<TAB>Variant: message`, verifying each bundle with this library exactly as
//! sigstore-python and `@sigstore/verify` are asked to (same trusted root, identity, issuer,
//! artifact or digest).
//!
//! Usage: `differential CASES.tsv [VECTORS_DIR]` (paths in the manifest are relative to
//! `VECTORS_DIR`, by default the manifest's grandparent directory).
//!
//! `tests/differential_manifest.rs` includes this file to check our column (`expected`,
//! `reason`) offline, without the reference clients.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    missing_docs
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, HashAlgorithm, IdentityPolicy, Matcher, PublicKey,
    SignerPolicy, TrustedRoot,
};
use std::path::{Path, PathBuf};

pub(crate) struct Case {
    pub(crate) id: String,
    bundle: String,
    artifact: String,
    trusted_root: String,
    key: String,
    identity: String,
    issuer: String,
    /// Our expected verdict, `PASS` or `FAIL`.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by tests/differential_manifest.rs only")
    )]
    pub(crate) expected: String,
    /// For `FAIL`: the `Error` variant.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by tests/differential_manifest.rs only")
    )]
    pub(crate) reason: String,
}

pub(crate) fn variant(e: &Error) -> String {
    format!("{e:?}")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The bundle JSON a manifest entry names: `path`, `path#attestations/N` (the bundle of the
/// N-th attestation of an npm attestations document) or `path#line/N` (JSON Lines).
fn bundle_bytes(dir: &Path, spec: &str) -> Result<Vec<u8>, String> {
    let (path, fragment) = spec.split_once('#').unwrap_or((spec, ""));
    let bytes = std::fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
    if let Some(n) = fragment.strip_prefix("attestations/") {
        let n: usize = n.parse().map_err(|_| "bad fragment".to_owned())?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        let b = v
            .get("attestations")
            .and_then(|a| a.get(n))
            .and_then(|a| a.get("bundle"))
            .ok_or("no such attestation")?;
        return serde_json::to_vec(b).map_err(|e| e.to_string());
    }
    if let Some(n) = fragment.strip_prefix("line/") {
        let n: usize = n.parse().map_err(|_| "bad fragment".to_owned())?;
        return bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .nth(n)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| "no such line".to_owned());
    }
    Ok(bytes)
}

fn run(dir: &Path, case: &Case, now: i64) -> Result<(), Error> {
    // `root.jsonl#line/N`: one root of a JSON Lines file (what `gh attestation trusted-root`
    // prints), the same one the other clients get.
    let root_json = bundle_bytes(dir, &case.trusted_root).map_err(|e| Error::Malformed {
        field: "trusted root file",
        reason: e,
    })?;
    let root = TrustedRoot::from_json(&root_json)?;
    let signer = if case.key.is_empty() {
        let san = if case.identity.is_empty() {
            Matcher::regex(".*")?
        } else {
            Matcher::exact(&case.identity)
        };
        let issuer = if case.issuer.is_empty() {
            Matcher::regex(".*")?
        } else {
            Matcher::exact(&case.issuer)
        };
        SignerPolicy::Keyless(IdentityPolicy::identity(san, issuer))
    } else {
        SignerPolicy::Key(PublicKey::from_pem(
            &std::fs::read_to_string(dir.join(&case.key)).unwrap(),
        )?)
    };
    let bytes;
    let digest;
    let artifact = if case.artifact.is_empty() {
        Artifact::None
    } else if let Some(hex) = case.artifact.strip_prefix("sha256:") {
        digest = hex::decode(hex).unwrap();
        Artifact::Digest(HashAlgorithm::Sha256, &digest)
    } else if let Some(hex) = case.artifact.strip_prefix("sha512:") {
        digest = hex::decode(hex).unwrap();
        Artifact::Digest(HashAlgorithm::Sha512, &digest)
    } else {
        bytes = std::fs::read(dir.join(&case.artifact)).unwrap();
        Artifact::Bytes(&bytes)
    };
    let json = bundle_bytes(dir, &case.bundle).map_err(|e| Error::Malformed {
        field: "bundle file",
        reason: e,
    })?;
    let bundle = Bundle::from_json(&json)?;
    BundleVerifier::new(root, signer).verify(&bundle, artifact, now)?;
    Ok(())
}

/// Every case of the manifest with our result on it.
pub(crate) fn verdicts(manifest: &Path, dir: &Path, now: i64) -> Vec<(Case, Result<(), Error>)> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, bundle, artifact, root, key, identity, issuer, expected, reason) = (
        col("id"),
        col("bundle"),
        col("artifact"),
        col("trusted_root"),
        col("key"),
        col("identity"),
        col("issuer"),
        col("expected"),
        col("reason"),
    );
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let g = |i: usize| f.get(i).copied().unwrap_or_default().to_owned();
            let case = Case {
                id: g(id),
                bundle: g(bundle),
                artifact: g(artifact),
                trusted_root: g(root),
                key: g(key),
                identity: g(identity),
                issuer: g(issuer),
                expected: g(expected),
                reason: g(reason),
            };
            let result = run(dir, &case, now);
            (case, result)
        })
        .collect()
}

#[cfg_attr(
    test,
    expect(
        dead_code,
        reason = "the manifest test uses `verdicts`, not the binary's main"
    )
)]
fn main() {
    let mut args = std::env::args().skip(1);
    let manifest = PathBuf::from(args.next().expect("usage: differential CASES.tsv [DIR]"));
    let dir = args.next().map_or_else(
        || {
            manifest
                .parent()
                .and_then(Path::parent)
                .unwrap()
                .to_path_buf()
        },
        PathBuf::from,
    );
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    for (case, result) in verdicts(&manifest, &dir, now) {
        match result {
            Ok(()) => println!("{}\tPASS\t", case.id),
            Err(e) => println!(
                "{}\tFAIL\t{}: {}",
                case.id,
                variant(&e),
                e.to_string().replace(['\t', '\n'], " ")
            ),
        }
    }
}
