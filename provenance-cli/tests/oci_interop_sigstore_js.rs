//! Interop: an attestation attached by npm `@sigstore/oci` (the library actions/attest pushes
//! with) is found and verified by `provenance verify oci://...`. `@sigstore/oci` speaks plain
//! HTTP to 127.0.0.1 and needs an auth challenge, so the registry is htpasswd over HTTP.
//!
//! Needs `node` and the npm package in `target/interop-node` (or `$SIGSTORE_OCI_NODE_DIR`):
//! `scripts/ci-deps.sh` installs both. Skipped with a message outside CI when absent.
#![cfg(feature = "oci")]

#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use provenance_oci::{ClientConfig, CredentialSource, Credentials, RegistryClient, Repository};
use support::{Mode, TestRegistry};

const ATTACH_JS: &str = r"
const { attachArtifactToImage } = require(process.env.OCI_MODULE);
const fs = require('fs');
attachArtifactToImage({
  imageName: process.env.IMAGE_NAME,
  imageDigest: process.env.IMAGE_DIGEST,
  artifact: fs.readFileSync(process.env.BUNDLE),
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  annotations: {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
  },
  credentials: { username: process.env.REG_USER, password: process.env.REG_PASSWORD },
}).then((d) => console.log(JSON.stringify(d)))
  .catch((e) => { console.error(e, e.cause); process.exit(1); });
";

/// The `@sigstore/oci` package directory, or `None` (skip) outside CI.
fn sigstore_oci() -> Option<PathBuf> {
    let base = std::env::var_os("SIGSTORE_OCI_NODE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interop-node"),
        PathBuf::from,
    );
    let module = base.join("node_modules/@sigstore/oci");
    let node = Process::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if node && module.join("package.json").is_file() {
        return Some(module);
    }
    assert!(
        std::env::var("CI").ok().is_none_or(|v| v != "true"),
        "CI=true but node or @sigstore/oci is missing ({}): run scripts/ci-deps.sh",
        module.display()
    );
    eprintln!(
        "SKIPPED: node or {} missing (scripts/ci-deps.sh installs them)",
        module.display()
    );
    None
}

#[test]
fn attestation_attached_by_sigstore_js_verifies() {
    let Some(module) = sigstore_oci() else {
        return;
    };
    let Some(reg) = TestRegistry::start(Mode::HtpasswdHttp) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    provenance_testkit::fixed_key_in(d);

    let creds = CredentialSource::Given(Credentials::new(support::USER, support::PASSWORD));
    let config = ClientConfig::new()
        .with_credentials(creds)
        .with_system_roots(false);
    let mut client = RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap();
    let repo: Repository = "example/app".parse().unwrap();
    let image = support::push_image(&mut client, &repo, "v1", "interop layer");
    let reference = format!("oci://{}/example/app@{}", reg.addr, image.digest);

    let cli = || {
        let mut cmd = Command::cargo_bin("provenance").unwrap();
        cmd.current_dir(d)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DOCKER_CONFIG", d.join("no-docker-config"))
            .env("PROVENANCE_REGISTRY_PASSWORD", support::PASSWORD)
            .env("SOURCE_DATE_EPOCH", "1700000000");
        cmd
    };
    // our bundle for the image, written to a file (no --push): @sigstore/oci pushes it
    cli()
        .args([
            "attest",
            "--key",
            "key.pem",
            "--bundle",
            "att.sigstore.json",
        ])
        .args(["--builder-id", "https://ci.example.com/builder@v1"])
        .args(["--source-uri", "https://github.com/example/app"])
        .args(["--registry-username", support::USER])
        .arg(&reference)
        .assert()
        .success();

    let node = Process::new("node")
        .arg("-e")
        .arg(ATTACH_JS)
        .env("OCI_MODULE", &module)
        .env("IMAGE_NAME", format!("{}/example/app", reg.addr))
        .env("IMAGE_DIGEST", image.digest.to_string())
        .env("BUNDLE", d.join("att.sigstore.json"))
        .env("REG_USER", support::USER)
        .env("REG_PASSWORD", support::PASSWORD)
        .output()
        .unwrap();
    assert!(
        node.status.success(),
        "@sigstore/oci failed: {}{}",
        String::from_utf8_lossy(&node.stdout),
        String::from_utf8_lossy(&node.stderr)
    );

    let ok = cli()
        .args(["verify", "--key", "key.pem.pub"])
        .args(["--source-uri", "github.com/example/app"])
        .args(["--registry-username", support::USER])
        .arg(&reference)
        .assert();
    let out = ok.get_output();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("PASS {}/example/app", reg.addr)),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
