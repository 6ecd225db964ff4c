//! cosign 2 attestations stored as `sha256-<hex>.att` images: the real slsa-github-generator
//! container attestation (test-vectors/third-party/slsa-verifier/gha_generic_container/v2.1.0,
//! an OCI layout) is pushed into a local registry and read and verified keyless from there.
#![cfg(feature = "oci")]
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use provenance_oci::manifest::{DOCKER_MANIFEST, OCI_MANIFEST, is_index};
use provenance_oci::{
    ClientConfig, CredentialSource, ManifestRef, OciDigest, RegistryClient, Repository,
};
use support::{Mode, TestRegistry};

const IMAGE: &str = "sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122";
const ATT: &str = "sha256:21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe";
const ATT_TAG: &str = "sha256-234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122.att";
const LAYER: &str = "e163b472f2e5d66e5a2a45e26e020c51a0d2da7dc8b567b31fc2ebfd33dbc33a";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party")
}

/// Pushes every blob of the OCI layout, then its manifests by digest (images before indexes),
/// and the cosign attestation manifest under its `.att` tag.
fn push_layout(client: &mut RegistryClient, repo: &Repository, layout: &Path) {
    let mut manifests = Vec::new();
    for entry in std::fs::read_dir(layout.join("blobs/sha256")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        client.push_blob(repo, &bytes).unwrap();
        let media_type = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("mediaType")?.as_str().map(str::to_owned));
        if let Some(mt) =
            media_type.filter(|m| m == OCI_MANIFEST || m == DOCKER_MANIFEST || is_index(m))
        {
            manifests.push((mt, bytes));
        }
    }
    manifests.sort_by_key(|(mt, _)| is_index(mt));
    let subject: OciDigest = IMAGE.parse().unwrap();
    for (mt, bytes) in &manifests {
        let digest = OciDigest::sha256_of(bytes);
        let reference = if digest.to_string() == ATT {
            ManifestRef::Tag(provenance_oci::cosign::att_tag(&subject).parse().unwrap())
        } else {
            ManifestRef::Digest(digest)
        };
        client.push_manifest(repo, &reference, mt, bytes).unwrap();
    }
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one registry scenario: inspect, then the three verdicts on the same image"
)]
fn slsa_github_generator_container_attestation_is_read_from_the_att_tag() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let layout =
        vectors().join("slsa-verifier/gha_generic_container/v2.1.0/container_workflow_dispatch");
    let repo: Repository = "slsa-framework/example-package".parse().unwrap();
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false);
    let mut client = RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap();
    push_layout(&mut client, &repo, &layout);

    // inspect lists the cosign layer (no trust decision)
    let inspect = Command::cargo_bin("provenance")
        .unwrap()
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["inspect", "--format", "json"])
        .arg(format!(
            "oci://{}/slsa-framework/example-package@{IMAGE}",
            reg.addr
        ))
        .output()
        .unwrap();
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(doc["image"]["digest"], IMAGE);
    assert_eq!(doc["discovery"], "referrers tag schema");
    assert_eq!(doc["referrers"], serde_json::json!([]));
    assert_eq!(
        doc["cosignAttestations"][0]["digest"],
        format!("sha256:{LAYER}")
    );
    assert_eq!(
        doc["cosignAttestations"][0]["predicateType"],
        "https://slsa.dev/provenance/v0.2"
    );
    assert_eq!(doc["cosignAttestations"][0]["keyless"], true);

    let root = vectors().join("sigstore-python/_store/production/trusted_root.json");
    let dir = tempfile::tempdir().unwrap();
    let verify = |extra: &[&str]| {
        let mut cmd = Command::cargo_bin("provenance").unwrap();
        cmd.current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DOCKER_CONFIG", dir.path().join("none"))
            .arg("verify")
            .arg("--trusted-root")
            .arg(&root)
            .args([
                "--certificate-identity-regexp",
                "^https://github.com/slsa-framework/slsa-github-generator/",
            ])
            .args([
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
            ])
            .args(["--source-uri", "github.com/slsa-framework/example-package"])
            .args(extra)
            .arg(format!(
                "oci://{}/slsa-framework/example-package@{IMAGE}",
                reg.addr
            ))
            .output()
            .unwrap()
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    // The layer is found under the `.att` tag, downloaded (digest checked), converted to a
    // bundle and verified: certificate, DSSE signature, the entry body's binding to the
    // envelope and the SET under the production Rekor key. Cosign's annotation carries a SET
    // and no inclusion proof, and this entry was integrated after PROMISE_ONLY_CUTOFF
    // (2024-01-01), so it needs the opt-in, as a cosign `--bundle` file does.
    let out = verify(&[]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!("{ATT_TAG}#sha256:{LAYER}")),
        "the cosign layer was read: {t}"
    );
    assert!(
        t.contains("missing inclusion proof: a log entry integrated since 2024-01-01 needs an inclusion proof"),
        "refused for being promise-only: {t}"
    );
    let out = verify(&["--allow-set-only"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains("PASS ")
            && t.contains("4d329c75e7ec1725f7c9ce917a8799d408d06be3")
            && t.contains("generator_container_slsa3.yml@refs/tags/v2.1.0"),
        "{t}"
    );
    // The same attestation for another commit: refused, naming the commit it has.
    let out = verify(&[
        "--allow-set-only",
        "--source-commit",
        "0000000000000000000000000000000000000000",
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("4d329c75e7ec1725f7c9ce917a8799d408d06be3"),
        "{t}"
    );
}
