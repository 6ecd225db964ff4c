//! `attest --push` and `verify` with `oci://` images against a real registry (Debian's
//! `docker-registry`, distribution 2.8.2: attestations go through the referrers tag schema).
#![cfg(feature = "oci")]
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::path::Path;

use assert_cmd::Command;
use provenance_oci::{ClientConfig, CredentialSource, RegistryClient, Repository};
use support::{Mode, TestRegistry};

const SOURCE: &str = "https://github.com/example/app";
const BUILDER: &str = "https://ci.example.com/builder@v1";

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DOCKER_CONFIG", dir.join("no-docker-config"))
        .env("SOURCE_DATE_EPOCH", "1700000000");
    cmd
}

fn keys(dir: &Path) {
    provenance_testkit::fixed_key_in(dir);
    let other = std::process::Command::new(env!("CARGO_BIN_EXE_provenance"))
        .current_dir(dir)
        .args(["keygen", "--output", "other.pem"])
        .output()
        .unwrap();
    assert!(other.status.success());
}

fn client(reg: &TestRegistry) -> RegistryClient {
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false);
    RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap()
}

/// A directory with the keys ([`keys`]), a client of `reg`, and an image pushed to it as
/// `REPO:v1` (one layer holding `layer`): the directory, the client, the repository, the
/// image and its `oci://REGISTRY/REPO@DIGEST` argument.
fn pushed(
    reg: &TestRegistry,
    repo: &str,
    layer: &str,
) -> (
    tempfile::TempDir,
    RegistryClient,
    Repository,
    support::PushedImage,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    keys(dir.path());
    let repo: Repository = repo.parse().unwrap();
    let mut client = client(reg);
    let image = support::push_image(&mut client, &repo, "v1", layer);
    let arg = format!("oci://{}/{repo}@{}", reg.addr, image.digest);
    (dir, client, repo, image, arg)
}

/// `provenance verify --key KEY --source-uri SOURCE ARGS` in `dir`.
fn verify_with(dir: &Path, key: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    provenance(dir)
        .args(["verify", "--key", key, "--source-uri", SOURCE])
        .args(args)
        .assert()
}

fn attest_push(dir: &Path, image: &str) -> assert_cmd::assert::Assert {
    provenance(dir)
        .args([
            "attest",
            "--key",
            "key.pem",
            "--push",
            "--output",
            "out.intoto.jsonl",
        ])
        .args(["--builder-id", BUILDER, "--source-uri", SOURCE])
        .args([
            "--source-commit",
            "0123456789abcdef0123456789abcdef01234567",
        ])
        .arg(image)
        .assert()
}

fn code(a: &assert_cmd::assert::Assert) -> i32 {
    a.get_output().status.code().unwrap_or(-1)
}

fn out(a: &assert_cmd::assert::Assert) -> String {
    let o = a.get_output();
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn attach_with_our_cli_then_verify_with_our_cli() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let (dir, mut c, repo, app, image) = pushed(&reg, "example/app", "app layer");
    let d = dir.path();
    let other = support::push_image(&mut c, &repo, "v2", "another image");
    let other_image = format!("oci://{}/example/app@{}", reg.addr, other.digest);

    let a = attest_push(d, &image);
    assert_eq!(code(&a), 0, "{}", out(&a));
    assert!(out(&a).contains(&format!(
        "attached to {}/example/app@{}",
        reg.addr, app.digest
    )));
    // the subject is the image: name REGISTRY/REPO, digest = the manifest digest
    let jsonl = std::fs::read_to_string(d.join("out.intoto.jsonl")).unwrap();
    assert!(jsonl.lines().count() == 1);

    let listed = provenance(d).args(["inspect", &image]).assert();
    assert_eq!(code(&listed), 0, "{}", out(&listed));
    let text = String::from_utf8_lossy(&listed.get_output().stdout).into_owned();
    assert!(
        text.contains("1 Sigstore bundle(s) via the referrers tag schema:")
            && text.contains("https://slsa.dev/provenance/v1")
            && text.contains("0 cosign attestation(s)"),
        "{text}"
    );

    let verify = |args: &[&str]| {
        verify_with(
            d,
            "key.pem.pub",
            &[&["--builder-id", BUILDER], args].concat(),
        )
    };
    let pass = verify(&[&image]);
    assert_eq!(code(&pass), 0, "{}", out(&pass));
    let stdout = String::from_utf8_lossy(&pass.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with(&format!(
            "PASS {}/example/app (source github.com/example/app at 0123456789abcdef",
            reg.addr
        )),
        "{stdout}"
    );

    // trace follows the image's own attestation (from the registry) down to its source
    std::fs::create_dir(d.join("store")).unwrap();
    let traced = provenance(d)
        .args(["trace", "--store", "store", "--key", "key.pem.pub", &image])
        .assert();
    assert_eq!(code(&traced), 0, "{}", out(&traced));
    let text = String::from_utf8_lossy(&traced.get_output().stdout).into_owned();
    assert!(
        text.contains("from github.com/example/app at 0123456789abcdef0123456789abcdef01234567"),
        "{text}"
    );

    // by tag: resolved once to the same digest
    let by_tag = verify(&[&format!("oci://{}/example/app:v1", reg.addr)]);
    assert_eq!(code(&by_tag), 0, "{}", out(&by_tag));
    assert!(
        out(&by_tag).contains(&format!(
            "oci://{0}/example/app:v1 is {0}/example/app@{1}",
            reg.addr, app.digest
        )),
        "the digest verified is named: {}",
        out(&by_tag)
    );

    // wrong source: verification fails (exit 1)
    let wrong = provenance(d)
        .args([
            "verify",
            "--key",
            "key.pem.pub",
            "--source-uri",
            "github.com/example/other",
        ])
        .arg(&image)
        .assert();
    assert_eq!(code(&wrong), 1, "{}", out(&wrong));
    assert!(
        out(&wrong).contains(
            "source-repository: expected github.com/example/other, found \
             git+https://github.com/example/app"
        ),
        "{}",
        out(&wrong)
    );

    // wrong key: exit 1
    let wrong_key = verify_with(d, "other.pem.pub", &[&image]);
    assert_eq!(code(&wrong_key), 1, "{}", out(&wrong_key));
    assert!(
        out(&wrong_key).contains("signature: invalid signature: DSSE envelope"),
        "{}",
        out(&wrong_key)
    );

    // a second image without attestations fails, even next to one that passes
    let mixed = verify(&[&image, &other_image]);
    assert_eq!(code(&mixed), 1, "{}", out(&mixed));
    let text = out(&mixed);
    assert!(
        text.contains(&format!("PASS {}/example/app", reg.addr)),
        "{text}"
    );
    assert!(text.contains("FAIL "), "{text}");
    assert!(
        text.contains("no Sigstore bundle or cosign attestation attached"),
        "{text}"
    );
}

#[test]
fn registry_faults_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keys(d);
    let port = support::free_port();
    let digest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let down = verify_with(
        d,
        "key.pem.pub",
        &[&format!("oci://127.0.0.1:{port}/app@{digest}")],
    );
    assert_eq!(code(&down), 2, "{}", out(&down));
    assert!(
        out(&down).contains("cannot resolve the image"),
        "{}",
        out(&down)
    );

    let bad = verify_with(d, "key.pem.pub", &["oci://127.0.0.1/App@sha256:00"]);
    assert_eq!(code(&bad), 2, "{}", out(&bad));
    assert!(
        out(&bad).contains("digest `sha256:00`: wrong length for the algorithm"),
        "{}",
        out(&bad)
    );

    let Some(reg) = TestRegistry::start(Mode::HtpasswdTls) else {
        return;
    };
    let ca = support::data("ca.pem");
    let unauthorized = verify_with(
        d,
        "key.pem.pub",
        &[
            "--registry-cacert",
            ca.to_str().unwrap(),
            &format!("oci://{}/app@{digest}", reg.addr),
        ],
    );
    assert_eq!(code(&unauthorized), 2, "{}", out(&unauthorized));
    assert!(
        out(&unauthorized).contains("no credentials configured"),
        "{}",
        out(&unauthorized)
    );

    // with credentials (password from the environment) the image is simply not there: exit 2
    let missing = provenance(d)
        .env("PROVENANCE_REGISTRY_PASSWORD", support::PASSWORD)
        .args(["verify", "--key", "key.pem.pub", "--source-uri", SOURCE])
        .args(["--registry-username", support::USER, "--registry-cacert"])
        .arg(support::data("ca.pem"))
        .arg(format!("oci://{}/app@{digest}", reg.addr))
        .assert();
    assert_eq!(code(&missing), 2, "{}", out(&missing));
    assert!(out(&missing).contains("not found"), "{}", out(&missing));

    // the password from standard input works the same; a wrong one is refused (exit 2)
    for (password, expect) in [
        (support::PASSWORD, "not found"),
        ("wrong", "refused the credentials"),
    ] {
        let run = provenance(d)
            .args(["verify", "--key", "key.pem.pub", "--source-uri", SOURCE])
            .args([
                "--registry-username",
                support::USER,
                "--registry-secret-stdin",
            ])
            .arg("--registry-cacert")
            .arg(support::data("ca.pem"))
            .arg(format!("oci://{}/app@{digest}", reg.addr))
            .write_stdin(format!("{password}\n"))
            .assert();
        assert_eq!(code(&run), 2, "{}", out(&run));
        assert!(out(&run).contains(expect), "{}", out(&run));
    }
}

/// Credentials from a `credHelpers` entry of the docker config (a `docker-credential-*`
/// program on PATH), over TLS with `--registry-cacert`: attach and verify.
#[cfg(unix)]
#[test]
fn docker_credential_helper_over_tls() {
    use std::os::unix::fs::PermissionsExt as _;
    let Some(reg) = TestRegistry::start(Mode::HtpasswdTls) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keys(d);
    let bin = d.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let helper = bin.join("docker-credential-test");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 1\necho '{{\"Username\":\"{}\",\"Secret\":\"{}\"}}'\n",
            support::USER,
            support::PASSWORD
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let docker = d.join("docker");
    std::fs::create_dir(&docker).unwrap();
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"credHelpers":{{"{}":"test"}}}}"#, reg.addr),
    )
    .unwrap();

    let creds = CredentialSource::Given(provenance_oci::Credentials::new(
        support::USER,
        support::PASSWORD,
    ));
    let config = ClientConfig::new()
        .with_credentials(creds)
        .with_system_roots(false)
        .with_ca_file(&support::data("ca.pem"))
        .unwrap();
    let mut c = RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap();
    let repo: Repository = "secure/app".parse().unwrap();
    let app = support::push_image(&mut c, &repo, "v1", "secure app");
    let image = format!("oci://{}/secure/app@{}", reg.addr, app.digest);

    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        provenance(d)
            .env("PATH", &path)
            .env("DOCKER_CONFIG", &docker)
            .args(args)
            .arg("--registry-cacert")
            .arg(support::data("ca.pem"))
            .arg(&image)
            .assert()
    };
    let a = run(&[
        "attest",
        "--key",
        "key.pem",
        "--push",
        "--builder-id",
        BUILDER,
        "--source-uri",
        SOURCE,
    ]);
    assert_eq!(code(&a), 0, "{}", out(&a));
    let v = run(&["verify", "--key", "key.pem.pub", "--source-uri", SOURCE]);
    assert_eq!(code(&v), 0, "{}", out(&v));
}

/// A multi-platform index is verified as the index unless `--platform` picks a child.
#[test]
fn platform_selects_a_child_of_an_index() {
    use provenance_oci::manifest::{OCI_INDEX, OCI_MANIFEST};
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keys(d);
    let repo: Repository = "multi/app".parse().unwrap();
    let mut c = client(&reg);
    let amd = support::push_image(&mut c, &repo, "amd64", "amd64 layer");
    let arm = support::push_image(&mut c, &repo, "arm64", "arm64 layer");
    let entry = |img: &support::PushedImage, arch: &str| {
        serde_json::json!({
            "mediaType": OCI_MANIFEST,
            "digest": img.digest.to_string(),
            "size": img.manifest.len(),
            "platform": {"os": "linux", "architecture": arch},
        })
    };
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [entry(&amd, "amd64"), entry(&arm, "arm64")],
    }))
    .unwrap();
    c.push_manifest(
        &repo,
        &provenance_oci::ManifestRef::Tag("multi".parse().unwrap()),
        OCI_INDEX,
        &index,
    )
    .unwrap();

    let arm_image = format!("oci://{}/multi/app@{}", reg.addr, arm.digest);
    let a = attest_push(d, &arm_image);
    assert_eq!(code(&a), 0, "{}", out(&a));

    let multi = format!("oci://{}/multi/app:multi", reg.addr);
    let verify = |platform: Option<&str>| match platform {
        Some(p) => verify_with(d, "key.pem.pub", &["--platform", p, &multi]),
        None => verify_with(d, "key.pem.pub", &[&multi]),
    };
    let child = verify(Some("linux/arm64"));
    assert_eq!(code(&child), 0, "{}", out(&child));
    // the index itself has no attestation
    let whole = verify(None);
    assert_eq!(code(&whole), 1, "{}", out(&whole));
    let other = verify(Some("linux/amd64"));
    assert_eq!(code(&other), 1, "{}", out(&other));
    for (fails, name) in [(&whole, "the index"), (&other, "the amd64 child")] {
        assert!(
            out(fails).contains("found no attestation")
                && out(fails).contains("no Sigstore bundle or cosign attestation attached"),
            "{name}: {}",
            out(fails)
        );
    }
    let none = verify(Some("linux/s390x"));
    assert_eq!(code(&none), 2, "{}", out(&none));
    assert!(
        out(&none).contains("not exactly one child manifest for platform linux/s390x"),
        "{}",
        out(&none)
    );
}

/// A bundle blob replaced in the registry's storage no longer hashes to its digest: it is
/// skipped with a warning (so one bad referrer cannot block the others) and the image fails,
/// never a pass.
#[test]
fn a_blob_swapped_in_the_registry_fails() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let (dir, mut c, repo, app, image) = pushed(&reg, "swap/app", "swap layer");
    let d = dir.path();
    let a = attest_push(d, &image);
    assert_eq!(code(&a), 0, "{}", out(&a));
    let verify = || verify_with(d, "key.pem.pub", &[&image]);
    let before = verify();
    assert_eq!(code(&before), 0, "{}", out(&before));

    // the layer of the one referrer, replaced on disk
    let (_, manifest, _) = support::the_bundle_referrer(&mut c, &repo, &app.digest);
    let layer = &manifest.layers[0].digest;
    let hex = layer.hex();
    reg.corrupt_blob(layer);

    let after = verify();
    assert_eq!(code(&after), 1, "{}", out(&after));
    assert!(out(&after).contains("skipped: blob"), "{}", out(&after));
    assert!(
        out(&after).contains(&format!("expected sha256:{hex}")),
        "{}",
        out(&after)
    );
}

/// On a registry with the OCI 1.1 referrers API (`ferro-oci-server`) the key-signed bundle is
/// indexed by the registry (no `sha256-HEX` tag-schema index is written) and discovered
/// through the API.
#[test]
fn attach_and_verify_through_the_referrers_api() {
    use provenance_oci::referrers::DiscoveryPath;
    let Some(reg) = TestRegistry::start_with_referrers_api() else {
        return;
    };
    let (dir, mut c, repo, app, image) = pushed(&reg, "api/app", "referrers api layer");
    let d = dir.path();
    let a = attest_push(d, &image);
    assert_eq!(code(&a), 0, "{}", out(&a));

    let (path, _, _) = support::the_bundle_referrer(&mut c, &repo, &app.digest);
    assert_eq!(path, DiscoveryPath::ReferrersApi);
    let tag = app.digest.referrers_tag().parse().unwrap();
    let err = c
        .get_manifest(&repo, &provenance_oci::ManifestRef::Tag(tag))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not found"), "{err}");

    let listed = provenance(d).args(["inspect", &image]).assert();
    assert_eq!(code(&listed), 0, "{}", out(&listed));
    assert!(
        out(&listed).contains("1 Sigstore bundle(s) via the referrers API:"),
        "{}",
        out(&listed)
    );
    let pass = verify_with(d, "key.pem.pub", &["--builder-id", BUILDER, &image]);
    assert_eq!(code(&pass), 0, "{}", out(&pass));
    assert!(
        out(&pass).starts_with(&format!("PASS {}/api/app (source", reg.addr)),
        "{}",
        out(&pass)
    );
    let wrong_key = verify_with(d, "other.pem.pub", &[&image]);
    assert_eq!(code(&wrong_key), 1, "{}", out(&wrong_key));
    assert!(
        out(&wrong_key).contains(": signature: invalid signature: DSSE envelope (oci://")
            && out(&wrong_key).contains("--key: invalid signature: DSSE envelope"),
        "{}",
        out(&wrong_key)
    );
}

/// A registry that lists the same bundle referrer fifty times (the tag-schema index with one
/// entry repeated) gains nothing: the referrer is fetched and counted once, and a threshold
/// counts distinct keys within one envelope, never copies of an attestation, so
/// `--threshold 2` with the signing key and another is not met (exit 1; key-based bundles
/// hold one signature), while the image still passes with its one key.
#[test]
fn the_same_referrer_listed_fifty_times_counts_once() {
    use provenance_oci::ManifestRef;
    use provenance_oci::manifest::{ImageIndex, OCI_INDEX};
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let (dir, mut c, repo, app, image) = pushed(&reg, "dup/app", "dup layer");
    let d = dir.path();
    let a = attest_push(d, &image);
    assert_eq!(code(&a), 0, "{}", out(&a));
    let tag: provenance_oci::Tag = app.digest.referrers_tag().parse().unwrap();
    let index = c
        .get_manifest(&repo, &ManifestRef::Tag(tag.clone()))
        .unwrap();
    let mut index: ImageIndex = serde_json::from_slice(&index.bytes).unwrap();
    assert_eq!(index.manifests.len(), 1);
    let one = index.manifests[0].clone();
    index.manifests = vec![one; 50];
    c.push_manifest(
        &repo,
        &ManifestRef::Tag(tag),
        OCI_INDEX,
        &serde_json::to_vec(&index).unwrap(),
    )
    .unwrap();

    let pass = verify_with(d, "key.pem.pub", &["--builder-id", BUILDER, &image]);
    assert_eq!(code(&pass), 0, "{}", out(&pass));
    let two = verify_with(
        d,
        "key.pem.pub",
        &["--key", "other.pem.pub", "--threshold", "2", &image],
    );
    assert_eq!(code(&two), 1, "{}", out(&two));
    let text = out(&two);
    assert!(
        text.contains("1 could not be verified (")
            && text.contains("key-based bundles need exactly one key and threshold 1"),
        "{text}"
    );
    assert_eq!(
        text.matches("not accepted by any root of trust").count(),
        1,
        "{text}"
    );
}

/// A registry whose tag answers with another manifest each time it is asked: the tag is
/// resolved once, and everything after (the referrers asked for, the cosign tag, the digest
/// the verdict is about) uses the digest of that one answer, never a later one.
#[test]
fn a_tag_is_resolved_once_whatever_the_registry_answers_next() {
    use std::sync::{Arc, Mutex};
    let manifest = |layer: &str| {
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": provenance_oci::manifest::Descriptor::of("application/vnd.oci.image.config.v1+json", b"{}"),
            "layers": [provenance_oci::manifest::Descriptor::of("application/vnd.oci.image.layer.v1.tar", layer.as_bytes())],
        }))
        .unwrap()
    };
    let (first, later) = (manifest("first"), manifest("later"));
    let first_digest = provenance_oci::OciDigest::sha256_of(&first);
    let later_digest = provenance_oci::OciDigest::sha256_of(&later);
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    let fake = support::FakeRegistry::start(Box::new(move |_, path, _| {
        let mut seen = log.lock().unwrap();
        seen.push(path.to_owned());
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        if path == "/v2/app/manifests/v1" {
            let asked = seen.iter().filter(|p| *p == path).count();
            let body = if asked == 1 {
                first.clone()
            } else {
                later.clone()
            };
            let ct = "application/vnd.oci.image.manifest.v1+json".to_owned();
            return (200, vec![("Content-Type".to_owned(), ct)], body);
        }
        (404, vec![], vec![])
    }));
    let dir = tempfile::tempdir().unwrap();
    keys(dir.path());
    let image = format!("oci://{}/app:v1", fake.addr);
    let run = verify_with(dir.path(), "key.pem.pub", &[&image]);
    assert_eq!(code(&run), 1, "{}", out(&run));
    let text = out(&run);
    assert!(
        text.contains(&format!("{image} is {}/app@{first_digest}", fake.addr))
            && text.contains("no Sigstore bundle or cosign attestation attached"),
        "{text}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.iter().filter(|p| *p == "/v2/app/manifests/v1").count(),
        1,
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|p| p.starts_with(&format!("/v2/app/referrers/{first_digest}"))),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|p| p.contains(later_digest.hex())),
        "{seen:?}"
    );
}
