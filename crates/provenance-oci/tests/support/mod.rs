//! Test helpers: a real `docker-registry` (distribution 2.8) on 127.0.0.1, a tiny fake
//! registry for faults, a small image to push and a DSSE bundle to attach.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns; each test binary uses a subset"
)]

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use provenance_oci::manifest::{
    Descriptor, ImageManifest, OCI_CONFIG, OCI_LAYER_TAR, OCI_MANIFEST,
};
use provenance_oci::{ManifestRef, OciDigest, RegistryClient, Repository};

pub(crate) const USER: &str = "tester";
pub(crate) const PASSWORD: &str = "s3cret-pass";

/// A file of `crates/provenance-oci/tests/data` (this module is also used by provenance-cli).
pub(crate) fn data(name: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let own = here.join("tests/data");
    let dir = if own.join("gen-tls.sh").is_file() {
        own
    } else {
        here.join("../crates/provenance-oci/tests/data")
    };
    dir.join(name)
}

/// The `docker-registry` binary: `$DOCKER_REGISTRY_BIN`, else on `PATH`.
fn registry_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DOCKER_REGISTRY_BIN") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("docker-registry"))
        .find(|p| p.is_file())
}

/// How the registry is set up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Anonymous, plain HTTP.
    AnonymousHttp,
    /// htpasswd Basic auth over TLS with the test CA (`tests/data/ca.pem`).
    HtpasswdTls,
    /// htpasswd Basic auth over plain HTTP (what `@sigstore/oci` speaks to 127.0.0.1).
    HtpasswdHttp,
}

/// A running `docker-registry serve`; killed on drop.
pub(crate) struct TestRegistry {
    child: Child,
    pub(crate) addr: String,
    pub(crate) dir: tempfile::TempDir,
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl TestRegistry {
    /// Start one, or `None` (with a message) when the binary is absent outside CI.
    /// In CI (`CI=true`) a missing binary fails the test.
    pub(crate) fn start(mode: Mode) -> Option<Self> {
        let Some(bin) = registry_bin() else {
            assert!(
                std::env::var("CI").ok().is_none_or(|v| v != "true"),
                "docker-registry is not installed but CI=true: install it with scripts/ci-deps.sh \
                 (apt-get install -y docker-registry)"
            );
            eprintln!(
                "SKIPPED: docker-registry not found (apt-get install -y docker-registry, or set \
                 DOCKER_REGISTRY_BIN); registry tests did not run"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let storage = dir.path().join("storage");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n  secret: test-only-secret\n",
            storage.display()
        );
        if mode == Mode::HtpasswdTls {
            write!(
                config,
                "  tls:\n    certificate: {}\n    key: {}\n",
                data("registry.pem").display(),
                data("registry.key").display(),
            )
            .unwrap();
        }
        if mode != Mode::AnonymousHttp {
            write!(
                config,
                "auth:\n  htpasswd:\n    realm: provenance-test\n    path: {}\n",
                data("htpasswd").display()
            )
            .unwrap();
        }
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(&bin)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut reg = Self { child, addr, dir };
        reg.wait_ready();
        Some(reg)
    }

    fn wait_ready(&mut self) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("docker-registry exited ({status}):\n{}", self.log());
            }
            if TcpStream::connect(&self.addr).is_ok() {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "docker-registry did not listen on {} within 30 s:\n{}",
                self.addr,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }
}

/// The `ferro-oci-server` binary (crates.io `ferro-oci-server`, an OCI distribution-spec 1.1
/// registry with the referrers API): `$FERRO_OCI_SERVER_BIN`, else the one
/// `scripts/ci-deps.sh` installs into `target/ferro-oci-server/bin`, else on `PATH`.
fn referrers_registry_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FERRO_OCI_SERVER_BIN") {
        return Some(PathBuf::from(p));
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("target/ferro-oci-server/bin/ferro-oci-server"),
        here.join("../target/ferro-oci-server/bin/ferro-oci-server"),
        here.join("../../target/ferro-oci-server/bin/ferro-oci-server"),
    ]
    .into_iter()
    .chain(
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.join("ferro-oci-server")),
    )
    .find(|p| p.is_file())
}

impl TestRegistry {
    /// Start a registry that has the OCI 1.1 referrers API (`ferro-oci-server`, anonymous,
    /// plain HTTP, blobs under `dir`), or `None` (with a message) when the binary is absent
    /// outside CI. In CI (`CI=true`) a missing binary fails the test.
    pub(crate) fn start_with_referrers_api() -> Option<Self> {
        let Some(bin) = referrers_registry_bin() else {
            assert!(
                std::env::var("CI").ok().is_none_or(|v| v != "true"),
                "ferro-oci-server is not installed but CI=true: install it with scripts/ci-deps.sh"
            );
            eprintln!(
                "SKIPPED: ferro-oci-server not found (scripts/ci-deps.sh installs it, or set \
                 FERRO_OCI_SERVER_BIN); referrers API tests did not run"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(&bin)
            .env_clear()
            .env("FERRO_OCI_LISTEN", &addr)
            .env("FERRO_OCI_STORAGE_DIR", dir.path().join("storage"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut reg = Self { child, addr, dir };
        reg.wait_ready();
        Some(reg)
    }
}

impl TestRegistry {
    /// Flips one bit in the middle of the stored blob `digest` (distribution's filesystem
    /// layout), as a registry writer could: the blob no longer hashes to its digest.
    pub(crate) fn corrupt_blob(&self, digest: &OciDigest) {
        let hex = digest.hex();
        let data = self
            .dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data");
        let mut bytes = std::fs::read(&data).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&data, &bytes).unwrap();
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small image: an OCI config and one tar layer, pushed by digest and tagged.
pub(crate) struct PushedImage {
    pub(crate) digest: OciDigest,
    pub(crate) manifest: Vec<u8>,
}

/// The one Sigstore-bundle referrer of `subject`: how it was discovered, its artifact manifest
/// (from the registry, by the descriptor's digest) and its descriptor.
pub(crate) fn the_bundle_referrer(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
) -> (
    provenance_oci::referrers::DiscoveryPath,
    ImageManifest,
    Descriptor,
) {
    use provenance_oci::manifest::SIGSTORE_BUNDLE_V03;
    use provenance_oci::referrers::{DiscoveryLimits, discover};
    let found = discover(
        client,
        repo,
        subject,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert_eq!(found.descriptors.len(), 1, "{:?}", found.descriptors);
    let descriptor = found.descriptors.into_iter().next().unwrap();
    let m = client
        .get_manifest(repo, &ManifestRef::Digest(descriptor.digest.clone()))
        .unwrap();
    let manifest: ImageManifest = serde_json::from_slice(&m.bytes).unwrap();
    (found.path, manifest, descriptor)
}

pub(crate) fn push_image(
    client: &mut RegistryClient,
    repo: &Repository,
    tag: &str,
    layer_text: &str,
) -> PushedImage {
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    // a one-file tar is overkill for a registry: any bytes are a valid blob
    let layer = layer_text.as_bytes();
    client.push_blob(repo, config).unwrap();
    client.push_blob(repo, layer).unwrap();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": Descriptor::of(OCI_CONFIG, config),
        "layers": [Descriptor::of(OCI_LAYER_TAR, layer)],
    });
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let _: ImageManifest = serde_json::from_slice(&bytes).unwrap();
    let digest = OciDigest::sha256_of(&bytes);
    client
        .push_manifest(
            repo,
            &ManifestRef::Tag(tag.parse().unwrap()),
            OCI_MANIFEST,
            &bytes,
        )
        .unwrap();
    PushedImage {
        digest,
        manifest: bytes,
    }
}

/// A Sigstore bundle v0.3 with a DSSE envelope signed by a fixed Ed25519 test key.
pub(crate) fn dsse_bundle(subject_name: &str, subject_digest: &OciDigest) -> Vec<u8> {
    use ed25519_dalek::Signer as _;
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": subject_name, "digest": {"sha256": subject_digest.hex()}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {"buildType": "https://example.invalid/test", "externalParameters": {}}, "runDetails": {"builder": {"id": "https://example.invalid/builder"}}},
    });
    let payload = serde_json::to_vec(&statement).unwrap();
    let payload_type = "application/vnd.in-toto+json";
    let pae = [
        format!(
            "DSSEv1 {} {payload_type} {} ",
            payload_type.len(),
            payload.len()
        )
        .into_bytes(),
        payload.clone(),
    ]
    .concat();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let sig = key.sign(&pae);
    provenance_sigstore::Bundle::new_v03_dsse_with_public_key(
        payload_type,
        &payload,
        &sig.to_bytes(),
        None,
        Some("test-key"),
    )
    .unwrap()
    .to_json()
    .unwrap()
}

/// A fake registry: answers each request with `respond(method, path)` = (status, headers, body).
pub(crate) struct FakeRegistry {
    pub(crate) addr: String,
}

/// `(method, path, header lines)` -> `(status, headers, body)`.
pub(crate) type Responder =
    dyn Fn(&str, &str, &[String]) -> (u16, Vec<(String, String)>, Vec<u8>) + Send + Sync;

impl FakeRegistry {
    pub(crate) fn start(respond: Box<Responder>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    headers.push(line.trim_end().to_owned());
                }
                // the request body (at most 1 MiB), handed over as a last `x-body:` line
                let length = headers
                    .iter()
                    .find_map(|h| {
                        let (k, v) = h.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0)
                    .min(1 << 20);
                let mut request_body = vec![0; length];
                if std::io::Read::read_exact(&mut reader, &mut request_body).is_ok() && length > 0 {
                    headers.push(format!(
                        "x-body: {}",
                        String::from_utf8_lossy(&request_body)
                    ));
                }
                let mut parts = first.split_whitespace();
                let method = parts.next().unwrap_or("").to_owned();
                let path = parts.next().unwrap_or("").to_owned();
                let (status, mut headers, body) = respond(&method, &path, &headers);
                // `X-Declared-Length: N` makes the fake claim N bytes (a truncated body)
                let declared = headers
                    .iter()
                    .position(|(k, _)| k == "X-Declared-Length")
                    .map_or_else(|| body.len().to_string(), |i| headers.remove(i).1);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {declared}\r\n"
                );
                for (k, v) in headers {
                    write!(head, "{k}: {v}\r\n").unwrap();
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                if method != "HEAD" {
                    let _ = stream.write_all(&body);
                }
            }
        });
        Self { addr }
    }
}
