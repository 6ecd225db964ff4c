//! `attest --keyless ... oci://REGISTRY/REPO@sha256:HEX --push` against both local services:
//! Debian's `docker-registry` (distribution 2.8.2, so the referrers tag schema) and the Sigstore
//! mock (`scripts/sigstore-mock/server.js`, npm `@sigstore/mock`). The keyless bundle attached
//! to the image is discovered and verified by `provenance verify` with the mock's trusted root
//! and the token's identity; another identity, a second image's attestation and a blob swapped
//! in the registry fail.
//!
//! Needs `docker-registry`, `node` and `@sigstore/mock` (`scripts/ci-deps.sh`); without them the
//! tests print SKIPPED and pass, except in CI (`CI=true`), where they fail.
#![cfg(all(feature = "oci", feature = "sign"))]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] fns"
)]

#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::process::Output;

use provenance_oci::manifest::{
    ANNOTATION_PREDICATE_TYPE, ImageManifest, OCI_MANIFEST, SIGSTORE_BUNDLE_V03,
};
use provenance_oci::referrers::{self, Attachment, DiscoveryLimits};
use provenance_oci::{
    ClientConfig, CredentialSource, FetchedManifest, ManifestRef, OciDigest, RegistryClient,
    Repository,
};
use provenance_testkit::keyless::{ISSUER, MockSigstore, OTHER_SUBJECT, SUBJECT, read_json};
use provenance_testkit::{cli, exits_stderr, stdout};
use serde_json::Value;
use support::{Mode, TestRegistry};

const SOURCE: &str = "https://github.com/example/app";
/// The builder: the workflow that signed (the identity in the mock's certificate).
const BUILDER: &str = SUBJECT;
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const SLSA_V1: &str = "https://slsa.dev/provenance/v1";

/// Both services, or `None` (SKIPPED) when either is missing outside CI.
fn services() -> Option<(TestRegistry, MockSigstore)> {
    let reg = TestRegistry::start(Mode::AnonymousHttp)?;
    let mock = MockSigstore::start(cli!(), "ok")?;
    Some((reg, mock))
}

fn client(reg: &TestRegistry) -> RegistryClient {
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false);
    RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap()
}

fn image_arg(reg: &TestRegistry, repo: &str, digest: &OciDigest) -> String {
    format!("oci://{}/{repo}@{digest}", reg.addr)
}

/// `provenance attest --keyless` (the mock's token, Fulcio, Rekor and trusted root) with
/// `extra` arguments and the image, run in the mock's directory.
fn attest_keyless(mock: &MockSigstore, extra: &[&str], image: &str) -> Output {
    let claims = [
        "--builder-id",
        BUILDER,
        "--source-uri",
        SOURCE,
        "--source-commit",
        COMMIT,
    ];
    mock.keyless("attest", &[&claims, extra, &[image]].concat())
}

/// `provenance verify ARGS` with the mock's trusted root, `identity` and the issuer, expecting
/// the source and the builder.
fn verify_as(mock: &MockSigstore, identity: &str, args: &[&str]) -> Output {
    let expected = ["--source-uri", SOURCE, "--builder-id", BUILDER];
    mock.trusting("verify", (identity, ISSUER), &[&expected, args].concat())
}

/// `provenance verify` of the image with the mock's trusted root, `identity` and the issuer;
/// the attestations are discovered in the registry.
fn verify_image(mock: &MockSigstore, identity: &str, image: &str) -> Output {
    verify_as(mock, identity, &[image])
}

/// The one Sigstore-bundle referrer of `subject`, found through the referrers tag schema (the
/// registry has no referrers API): its artifact manifest and the bundle.
fn the_referrer(
    c: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
) -> (ImageManifest, Value) {
    the_referrer_via(c, repo, subject, referrers::DiscoveryPath::TagSchema)
}

/// The one Sigstore-bundle referrer of `subject`, found through `path`.
fn the_referrer_via(
    c: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
    path: referrers::DiscoveryPath,
) -> (ImageManifest, Value) {
    let (found, manifest, descriptor) = support::the_bundle_referrer(c, repo, subject);
    assert_eq!(found, path);
    assert_eq!(
        descriptor.annotations.get(ANNOTATION_PREDICATE_TYPE),
        Some(&SLSA_V1.to_owned())
    );
    let bundle =
        referrers::fetch_bundle(c, repo, subject, &descriptor, SIGSTORE_BUNDLE_V03, 16 << 20)
            .unwrap();
    (manifest, serde_json::from_slice(&bundle).unwrap())
}

/// The in-toto statement inside a bundle's DSSE envelope.
fn statement(bundle: &Value) -> Value {
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

#[test]
fn keyless_attest_push_attaches_a_bundle_that_verify_discovers_and_passes() {
    let Some((reg, mock)) = services() else {
        return;
    };
    let repo: Repository = "example/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "app layer");
    let image = image_arg(&reg, "example/app", &app.digest);

    let out = attest_keyless(&mock, &["--push"], &image);
    let stderr = exits_stderr(&out, 0);
    assert!(
        stderr.contains(&format!("signing as {SUBJECT} (issuer {ISSUER})")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "attached to {}/example/app@{}: sha256:",
            reg.addr, app.digest
        )),
        "{stderr}"
    );
    // without --output or --bundle the bundle is also printed, as for files
    let printed: Value = serde_json::from_str(stdout(&out).trim()).unwrap();

    // what is in the registry: the layout actions/attest writes, holding the keyless bundle
    let (manifest, bundle) = the_referrer(&mut c, &repo, &app.digest);
    assert_eq!(manifest.artifact_type.as_deref(), Some(SIGSTORE_BUNDLE_V03));
    assert_eq!(manifest.subject.as_ref().unwrap().digest, app.digest);
    assert_eq!(manifest.layers.len(), 1);
    assert_eq!(manifest.layers[0].media_type, SIGSTORE_BUNDLE_V03);
    assert_eq!(bundle, printed);
    assert_eq!(bundle["mediaType"], SIGSTORE_BUNDLE_V03);
    assert!(
        bundle["verificationMaterial"]["certificate"]["rawBytes"].is_string(),
        "{bundle}"
    );
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"],
        "dsse"
    );
    // the subject is the image: name REGISTRY/REPO, digest = the manifest digest
    let st = statement(&bundle);
    assert_eq!(
        st["subject"],
        serde_json::json!([{
            "name": format!("{}/example/app", reg.addr),
            "digest": {"sha256": app.digest.hex()},
        }])
    );
    assert_eq!(st["predicateType"], SLSA_V1);

    let listed = mock.run(&["inspect", &image]);
    exits_stderr(&listed, 0);
    assert!(
        stdout(&listed).contains("1 Sigstore bundle(s) via the referrers tag schema:"),
        "{}",
        stdout(&listed)
    );

    let pass = verify_image(&mock, SUBJECT, &image);
    exits_stderr(&pass, 0);
    let text = stdout(&pass);
    assert!(
        text.starts_with(&format!(
            "PASS {}/example/app (source github.com/example/app at {COMMIT}",
            reg.addr
        )) && text.contains(SUBJECT),
        "{text}"
    );

    // by tag: resolved once, to the digest that carries the attestation
    let by_tag = verify_image(
        &mock,
        SUBJECT,
        &format!("oci://{}/example/app:v1", reg.addr),
    );
    let stderr = exits_stderr(&by_tag, 0);
    assert!(
        stderr.contains(&format!(
            "oci://{0}/example/app:v1 is {0}/example/app@{1}",
            reg.addr, app.digest
        )),
        "{stderr}"
    );
}

#[test]
fn keyless_image_attestation_from_another_identity_fails() {
    let Some((reg, mock)) = services() else {
        return;
    };
    let repo: Repository = "ident/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "identity layer");
    let image = image_arg(&reg, "ident/app", &app.digest);
    exits_stderr(&attest_keyless(&mock, &["--push"], &image), 0);

    let other = OTHER_SUBJECT;
    let out = verify_image(&mock, other, &image);
    let stderr = exits_stderr(&out, 1);
    assert!(
        stdout(&out).starts_with(&format!("FAIL {}/ident/app", reg.addr)),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr.contains(&format!(
            "certificate identity (SAN): expected \"{other}\", got \"{SUBJECT}\""
        )),
        "{stderr}"
    );
}

#[test]
fn a_second_images_keyless_attestation_attached_to_this_image_fails() {
    let Some((reg, mock)) = services() else {
        return;
    };
    let repo: Repository = "pair/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "first image");
    let second = support::push_image(&mut c, &repo, "v2", "second image");
    let image = image_arg(&reg, "pair/app", &app.digest);
    let second_image = image_arg(&reg, "pair/app", &second.digest);

    // the second image's keyless attestation, written to a file (no --push) ...
    let stderr = exits_stderr(
        &attest_keyless(&mock, &["--bundle", "second.sigstore.json"], &second_image),
        0,
    );
    assert!(!stderr.contains("attached to"), "{stderr}");
    let bundle = std::fs::read(mock.path("second.sigstore.json")).unwrap();
    // ... verifies for the second image (given as --attestation: nothing was attached) ...
    let given = verify_as(
        &mock,
        SUBJECT,
        &["--attestation", "second.sigstore.json", &second_image],
    );
    exits_stderr(&given, 0);
    assert!(
        stdout(&given).starts_with(&format!("PASS {}/pair/app", reg.addr)),
        "{}",
        stdout(&given)
    );
    let unattached = referrers::discover(
        &mut c,
        &repo,
        &second.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert!(unattached.descriptors.is_empty());

    // ... but attached to the first image (as a registry writer could), it does not count
    let subject = FetchedManifest::new(OCI_MANIFEST, app.manifest.clone());
    referrers::attach(
        &mut c,
        &repo,
        &subject,
        &Attachment::dsse_bundle(&bundle, SLSA_V1),
    )
    .unwrap();
    let out = verify_image(&mock, SUBJECT, &image);
    let stderr = exits_stderr(&out, 1);
    assert!(
        stdout(&out).starts_with(&format!("FAIL {}/pair/app", reg.addr)),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains(
            "subject: expected a verified attestation whose subject has this artifact's \
             digest, found 1 verified attestation(s) name other subjects"
        ),
        "{stderr}\n{}",
        stdout(&out)
    );
}

#[test]
fn a_keyless_bundle_blob_swapped_in_the_registry_fails() {
    let Some((reg, mock)) = services() else {
        return;
    };
    let repo: Repository = "swap/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "swap layer");
    let image = image_arg(&reg, "swap/app", &app.digest);
    exits_stderr(&attest_keyless(&mock, &["--push"], &image), 0);
    exits_stderr(&verify_image(&mock, SUBJECT, &image), 0);

    let (manifest, _) = the_referrer(&mut c, &repo, &app.digest);
    let layer = &manifest.layers[0].digest;
    let hex = layer.hex();
    reg.corrupt_blob(layer);

    let out = verify_image(&mock, SUBJECT, &image);
    let stderr = exits_stderr(&out, 1);
    assert!(stderr.contains("skipped: blob"), "{stderr}");
    assert!(
        stderr.contains(&format!("expected sha256:{hex}")),
        "{stderr}"
    );
    assert!(
        stdout(&out).starts_with(&format!(
            "FAIL {}/swap/app: subject: expected a verified attestation whose subject has this \
             artifact's digest, found no attestation",
            reg.addr
        )),
        "{stderr}\n{}",
        stdout(&out)
    );
}

#[test]
fn keyless_without_push_writes_the_bundle_and_attaches_nothing() {
    let Some((reg, mock)) = services() else {
        return;
    };
    let repo: Repository = "local/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "local layer");
    let image = image_arg(&reg, "local/app", &app.digest);
    let out = attest_keyless(&mock, &["--bundle", "app.sigstore.json"], &image);
    let stderr = exits_stderr(&out, 0);
    assert!(!stderr.contains("attached to"), "{stderr}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let bundle = read_json(&mock.path("app.sigstore.json"));
    assert_eq!(
        statement(&bundle)["subject"][0]["digest"]["sha256"],
        app.digest.hex()
    );
    let found = referrers::discover(
        &mut c,
        &repo,
        &app.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert!(found.descriptors.is_empty(), "{:?}", found.descriptors);
    // nothing attached: discovery finds nothing and the image fails
    let out = verify_image(&mock, SUBJECT, &image);
    let stderr = exits_stderr(&out, 1);
    assert!(
        stderr.contains("no Sigstore bundle or cosign attestation attached in the registry"),
        "{stderr}"
    );
}

/// `--push` with no image is refused before the token is used or anything is logged, and an
/// image that is not in the registry is an error (exit 2) before signing: no bundle written.
#[test]
fn keyless_push_refusals_exit_2_before_signing() {
    let Some((reg, mock)) = services() else {
        return;
    };
    std::fs::write(mock.path("app.bin"), b"a file\n").unwrap();
    let out = attest_keyless(&mock, &["--push", "--bundle", "x.sigstore.json"], "app.bin");
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains("--push needs an oci://REGISTRY/REPO@sha256:HEX subject"),
        "{stderr}"
    );
    assert!(!stderr.contains("signing as"), "{stderr}");
    assert!(!mock.path("x.sigstore.json").exists());

    let missing = format!("oci://{}/none/app@sha256:{}", reg.addr, "ab".repeat(32));
    let out = attest_keyless(&mock, &["--push", "--bundle", "x.sigstore.json"], &missing);
    let stderr = exits_stderr(&out, 2);
    assert!(
        stderr.contains(&format!("cannot resolve the image {missing}")),
        "{stderr}"
    );
    assert!(!stderr.contains("signing as"), "{stderr}");
    assert!(!mock.path("x.sigstore.json").exists());
}

/// Rekor v2 with a TSA (from the mock's signing config), and a file and an image in one
/// statement: the bundle attached to the image is the one written to --bundle, and it
/// verifies for both (the image by discovery, the file given as --attestation).
#[test]
fn keyless_rekor_v2_push_with_a_file_and_an_image_in_one_statement() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let Some(mock) = MockSigstore::start_with(cli!(), "ok", &["--rekor-v2", "yes"]) else {
        return;
    };
    let repo: Repository = "v2/app".parse().unwrap();
    let mut c = client(&reg);
    let app = support::push_image(&mut c, &repo, "v1", "rekor v2 layer");
    let image = image_arg(&reg, "v2/app", &app.digest);
    let file = mock.artifact("app.bin");
    let out = mock.keyless_config(
        "attest",
        &[
            "--builder-id",
            BUILDER,
            "--source-uri",
            SOURCE,
            "--push",
            "--bundle",
            "both.sigstore.json",
            file,
            &image,
        ],
    );
    let stderr = exits_stderr(&out, 0);
    assert!(stderr.contains("Rekor (v2) http://"), "{stderr}");
    assert!(
        stderr.contains(&format!("attached to {}/v2/app@{}", reg.addr, app.digest)),
        "{stderr}"
    );
    let written = read_json(&mock.path("both.sigstore.json"));
    let (_, attached) = the_referrer(&mut c, &repo, &app.digest);
    assert_eq!(attached, written);
    let entry = &attached["verificationMaterial"]["tlogEntries"][0];
    assert_eq!(entry["kindVersion"]["kind"], "hashedrekord", "{attached}");
    assert_eq!(entry["kindVersion"]["version"], "0.0.2", "{attached}");
    let st = statement(&attached);
    let names: Vec<&str> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let image_name = format!("{}/v2/app", reg.addr);
    assert_eq!(names, ["app.bin", image_name.as_str()]);

    let by_discovery = verify_image(&mock, SUBJECT, &image);
    exits_stderr(&by_discovery, 0);
    assert!(
        stdout(&by_discovery).starts_with(&format!("PASS {image_name} (source")),
        "{}",
        stdout(&by_discovery)
    );
    let file = verify_as(
        &mock,
        SUBJECT,
        &["--attestation", "both.sigstore.json", file],
    );
    exits_stderr(&file, 0);
    assert!(
        stdout(&file).starts_with("PASS app.bin (source"),
        "{}",
        stdout(&file)
    );
}

/// The same round trip on a registry that has the OCI 1.1 referrers API (`ferro-oci-server`):
/// the registry indexes the referrer itself, so no `sha256-HEX` tag-schema index is written,
/// and verify discovers the bundle through `GET /v2/<name>/referrers/<digest>`.
#[test]
fn keyless_push_and_verify_through_the_referrers_api() {
    let Some(reg) = TestRegistry::start_with_referrers_api() else {
        return;
    };
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let repo: Repository = "api/app".parse().unwrap();
    let mut c = client(&reg);
    assert!(c.has_referrers_api(&repo).unwrap());
    let app = support::push_image(&mut c, &repo, "v1", "referrers api layer");
    let second = support::push_image(&mut c, &repo, "v2", "second image");
    let image = image_arg(&reg, "api/app", &app.digest);
    let second_image = image_arg(&reg, "api/app", &second.digest);

    let stderr = exits_stderr(&attest_keyless(&mock, &["--push"], &image), 0);
    assert!(
        stderr.contains(&format!("attached to {}/api/app@{}", reg.addr, app.digest)),
        "{stderr}"
    );
    let (manifest, bundle) = the_referrer_via(
        &mut c,
        &repo,
        &app.digest,
        referrers::DiscoveryPath::ReferrersApi,
    );
    assert_eq!(manifest.artifact_type.as_deref(), Some(SIGSTORE_BUNDLE_V03));
    assert_eq!(manifest.subject.as_ref().unwrap().digest, app.digest);
    assert!(bundle["verificationMaterial"]["certificate"]["rawBytes"].is_string());
    // no fallback index under the tag schema's tag
    let tag = app.digest.referrers_tag().parse().unwrap();
    let err = c
        .get_manifest(&repo, &ManifestRef::Tag(tag))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not found"), "{err}");

    let pass = verify_image(&mock, SUBJECT, &image);
    exits_stderr(&pass, 0);
    assert!(
        stdout(&pass).starts_with(&format!("PASS {}/api/app (source", reg.addr)),
        "{}",
        stdout(&pass)
    );

    let other = OTHER_SUBJECT;
    let stderr = exits_stderr(&verify_image(&mock, other, &image), 1);
    assert!(
        stderr.contains(&format!(
            "certificate identity (SAN): expected \"{other}\", got \"{SUBJECT}\""
        )),
        "{stderr}"
    );

    // the first image's attestation attached to the second image does not count for it
    let subject = FetchedManifest::new(OCI_MANIFEST, second.manifest.clone());
    let bytes = serde_json::to_vec(&bundle).unwrap();
    referrers::attach(
        &mut c,
        &repo,
        &subject,
        &Attachment::dsse_bundle(&bytes, SLSA_V1),
    )
    .unwrap();
    let out = verify_image(&mock, SUBJECT, &second_image);
    exits_stderr(&out, 1);
    assert!(
        stdout(&out).starts_with(&format!(
            "FAIL {}/api/app: subject: expected a verified attestation whose subject has this \
             artifact's digest, found 1 verified attestation(s) name other subjects",
            reg.addr
        )),
        "{}",
        stdout(&out)
    );
}
