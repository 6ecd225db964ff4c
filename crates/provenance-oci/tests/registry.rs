//! Against a real registry (Debian's `docker-registry`, distribution 2.8.2: no referrers API,
//! so attestations go through the referrers tag schema) and a fake one for faults.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use provenance_oci::manifest::{
    ANNOTATION_BUNDLE_CONTENT, ANNOTATION_PREDICATE_TYPE, ImageIndex, ImageManifest, OCI_EMPTY,
    OCI_INDEX, SIGSTORE_BUNDLE_V03,
};
use provenance_oci::referrers::{self, Attachment, DiscoveryLimits, DiscoveryPath};
use provenance_oci::{
    ClientConfig, CredentialSource, Credentials, Error, ImageReference, ManifestRef, OciDigest,
    PlainHttp, RegistryClient, Repository,
};
use support::{FakeRegistry, Mode, PASSWORD, TestRegistry, USER};

const SLSA: &str = "https://slsa.dev/provenance/v1";

fn anonymous() -> ClientConfig {
    ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false)
}

fn repo(s: &str) -> Repository {
    s.parse().unwrap()
}

#[test]
#[expect(clippy::too_many_lines, reason = "one scenario, step by step")]
fn attach_then_discover_and_fetch_through_the_tag_schema() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let repo = repo("team/app");
    let mut client = RegistryClient::new(reg.addr.parse().unwrap(), &anonymous()).unwrap();
    let image = support::push_image(&mut client, &repo, "v1", "layer one");
    assert!(
        client.is_plain_http(),
        "loopback without TLS falls back to HTTP"
    );

    // a tag resolves once to the digest of the bytes received
    let by_tag: ImageReference = format!("oci://{}/team/app:v1", reg.addr).parse().unwrap();
    let subject = referrers::resolve(&mut client, &by_tag).unwrap();
    assert_eq!(subject.digest, image.digest);
    assert_eq!(subject.bytes, image.manifest);

    let name = format!("{}/team/app", reg.addr);
    let bundle = support::dsse_bundle(&name, &image.digest);
    let attached = referrers::attach(
        &mut client,
        &repo,
        &subject,
        &Attachment::dsse_bundle(&bundle, SLSA).with_created("2026-12-03T00:00:00Z"),
    )
    .unwrap();
    assert!(
        attached.tag_schema_updated,
        "distribution 2.8 has no referrers API"
    );

    // the artifact manifest is what @sigstore/oci writes
    let fetched = client
        .get_manifest(
            &repo,
            &ManifestRef::Digest(attached.descriptor.digest.clone()),
        )
        .unwrap();
    let m: ImageManifest = serde_json::from_slice(&fetched.bytes).unwrap();
    assert_eq!(m.artifact_type.as_deref(), Some(SIGSTORE_BUNDLE_V03));
    assert_eq!(m.config.media_type, OCI_EMPTY);
    assert_eq!(m.config.digest, OciDigest::sha256_of(b"{}"));
    assert_eq!(m.layers.len(), 1);
    assert_eq!(m.layers[0].media_type, SIGSTORE_BUNDLE_V03);
    assert_eq!(m.layers[0].digest, OciDigest::sha256_of(&bundle));
    let s = m.subject.as_ref().unwrap();
    assert_eq!(
        (s.digest.clone(), s.size),
        (image.digest.clone(), image.manifest.len() as u64)
    );
    assert_eq!(m.annotations[ANNOTATION_PREDICATE_TYPE], SLSA);
    assert_eq!(m.annotations[ANNOTATION_BUNDLE_CONTENT], "dsse-envelope");

    // the tag-schema index lists it with artifactType and annotations
    let index = client
        .get_manifest(
            &repo,
            &ManifestRef::Tag(image.digest.referrers_tag().parse().unwrap()),
        )
        .unwrap();
    assert_eq!(index.media_type, OCI_INDEX);
    let index: ImageIndex = serde_json::from_slice(&index.bytes).unwrap();
    assert_eq!(index.manifests.len(), 1);
    assert_eq!(
        index.manifests[0].artifact_type.as_deref(),
        Some(SIGSTORE_BUNDLE_V03)
    );

    // a second attestation is appended, not replacing the first
    let bundle2 = support::dsse_bundle(&format!("{name}-second"), &image.digest);
    let attached2 = referrers::attach(
        &mut client,
        &repo,
        &subject,
        &Attachment::dsse_bundle(&bundle2, "https://in-toto.io/attestation/vulns/v0.2"),
    )
    .unwrap();

    let before = client.requests();
    let found = referrers::discover(
        &mut client,
        &repo,
        &image.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    let discovery_requests = client.requests() - before;
    assert_eq!(found.path, DiscoveryPath::TagSchema);
    let digests: Vec<_> = found.descriptors.iter().map(|d| d.digest.clone()).collect();
    assert_eq!(
        digests,
        vec![attached.descriptor.digest, attached2.descriptor.digest]
    );
    // referrers API probe (404) + the index tag: O(1) per image, no layer fetched
    assert_eq!(discovery_requests, 2);

    let got = referrers::fetch_bundle(
        &mut client,
        &repo,
        &image.digest,
        &found.descriptors[0],
        SIGSTORE_BUNDLE_V03,
        1 << 20,
    )
    .unwrap();
    assert_eq!(got, bundle);
    let parsed = provenance_sigstore::Bundle::from_json(&got).unwrap();
    assert_eq!(parsed.media_type(), SIGSTORE_BUNDLE_V03);

    // filtering by another artifact type finds nothing and fetches nothing
    let none = referrers::discover(
        &mut client,
        &repo,
        &image.digest,
        "application/vnd.example.other",
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert!(none.descriptors.is_empty());

    // bounded: more matching referrers than allowed is an error, not a silent cut
    let err = referrers::discover(
        &mut client,
        &repo,
        &image.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits {
            max_matches: 1,
            ..DiscoveryLimits::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooMany { limit: 1, .. }), "{err}");

    // a bundle limit smaller than the layer is refused before download
    let err = referrers::fetch_bundle(
        &mut client,
        &repo,
        &image.digest,
        &found.descriptors[0],
        SIGSTORE_BUNDLE_V03,
        16,
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 16, .. }), "{err}");
}

#[test]
fn another_images_attestation_is_not_found_and_is_refused() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let repo = repo("app");
    let mut client = RegistryClient::new(reg.addr.parse().unwrap(), &anonymous()).unwrap();
    let a = support::push_image(&mut client, &repo, "a", "image a");
    let b = support::push_image(&mut client, &repo, "b", "image b");
    let subject_a = client
        .get_manifest(&repo, &ManifestRef::Digest(a.digest.clone()))
        .unwrap();
    let bundle = support::dsse_bundle("app", &a.digest);
    let attached = referrers::attach(
        &mut client,
        &repo,
        &subject_a,
        &Attachment::dsse_bundle(&bundle, SLSA),
    )
    .unwrap();

    let for_b = referrers::discover(
        &mut client,
        &repo,
        &b.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert!(for_b.descriptors.is_empty(), "b has no attestations");

    // an index that points at a's attestation under b's tag is caught by the subject check
    let err = referrers::fetch_bundle(
        &mut client,
        &repo,
        &b.digest,
        &attached.descriptor,
        SIGSTORE_BUNDLE_V03,
        1 << 20,
    )
    .unwrap_err();
    match err {
        Error::Referrer { reason, .. } => {
            assert!(
                reason.contains(&format!("subject is {}", a.digest)),
                "{reason}"
            );
        }
        other => panic!("expected a referrer error, got {other}"),
    }
}

#[test]
fn htpasswd_registry_over_tls_needs_credentials_and_the_ca() {
    let Some(reg) = TestRegistry::start(Mode::HtpasswdTls) else {
        return;
    };
    let repo = repo("secure/app");
    let registry: provenance_oci::Registry = reg.addr.parse().unwrap();
    let with_ca = || anonymous().with_ca_file(&support::data("ca.pem")).unwrap();

    // no credentials: 401 is a clean Unauthorized error
    let mut client = RegistryClient::new(registry.clone(), &with_ca()).unwrap();
    let err = client.push_blob(&repo, b"x").unwrap_err();
    match &err {
        Error::Unauthorized { reason, .. } => {
            assert!(reason.contains("no credentials configured"), "{reason}");
        }
        other => panic!("expected Unauthorized, got {other}"),
    }
    assert!(
        !client.is_plain_http(),
        "a TLS registry is never used over HTTP"
    );

    // wrong password
    let wrong = with_ca().with_credentials(CredentialSource::Given(Credentials::new(USER, "nope")));
    let mut client = RegistryClient::new(registry.clone(), &wrong).unwrap();
    let err = client.push_blob(&repo, b"x").unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { reason, .. } if reason.contains("refused the credentials")),
        "{err}"
    );

    // without the test CA the TLS handshake fails and nothing falls back to HTTP
    let no_ca =
        anonymous().with_credentials(CredentialSource::Given(Credentials::new(USER, PASSWORD)));
    let mut client = RegistryClient::new(registry.clone(), &no_ca).unwrap();
    let err = client.push_blob(&repo, b"x").unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    let chain = format!("{:?}", std::error::Error::source(&err));
    assert!(chain.contains("UnknownIssuer"), "{chain}");

    // credentials from a docker config.json + the CA: push, attach, discover
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    let auth = base64_encode(&format!("{USER}:{PASSWORD}"));
    std::fs::write(
        &config,
        format!(
            r#"{{"auths":{{"https://{}":{{"auth":"{auth}"}}}}}}"#,
            reg.addr
        ),
    )
    .unwrap();
    let good = with_ca().with_credentials(CredentialSource::DockerConfigFile(config));
    let mut client = RegistryClient::new(registry, &good).unwrap();
    let image = support::push_image(&mut client, &repo, "v1", "secure layer");
    assert!(!client.is_plain_http());
    let subject = client
        .get_manifest(&repo, &ManifestRef::Digest(image.digest.clone()))
        .unwrap();
    let bundle = support::dsse_bundle("secure/app", &image.digest);
    referrers::attach(
        &mut client,
        &repo,
        &subject,
        &Attachment::dsse_bundle(&bundle, SLSA),
    )
    .unwrap();
    let found = referrers::discover(
        &mut client,
        &repo,
        &image.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert_eq!(found.descriptors.len(), 1);
}

fn base64_encode(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn registry_down_is_a_transport_error() {
    let port = support::free_port();
    let mut client =
        RegistryClient::new(format!("127.0.0.1:{port}").parse().unwrap(), &anonymous()).unwrap();
    let d = OciDigest::sha256_of(b"x");
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Digest(d))
        .unwrap_err();
    match &err {
        Error::Transport { url, .. } => assert!(url.starts_with("https://127.0.0.1:"), "{url}"),
        other => panic!("expected Transport, got {other}"),
    }
}

#[test]
fn plain_http_is_refused_for_non_loopback_unless_allowed() {
    // a registry on a non-loopback name that does not speak TLS: policy Never on loopback
    // shows the same refusal without leaving the machine
    let fake = FakeRegistry::start(Box::new(|_, _, _| (200, vec![], b"{}".to_vec())));
    let never = anonymous().with_plain_http(PlainHttp::Never);
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &never).unwrap();
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Tag("v1".parse().unwrap()))
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(!client.is_plain_http());
}

fn fake_with_manifest(body: Vec<u8>, headers: Vec<(String, String)>) -> FakeRegistry {
    FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], b"{}".to_vec());
        }
        let mut h = headers.clone();
        h.push((
            "Content-Type".into(),
            "application/vnd.oci.image.manifest.v1+json".into(),
        ));
        (200, h, body.clone())
    }))
}

#[test]
fn a_manifest_that_is_not_the_digest_asked_for_is_an_error() {
    let served = br#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#.to_vec();
    let asked = OciDigest::sha256_of(b"the manifest I wanted");
    let fake = fake_with_manifest(
        served.clone(),
        vec![("Docker-Content-Digest".into(), asked.to_string())],
    );
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &anonymous()).unwrap();
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Digest(asked.clone()))
        .unwrap_err();
    match err {
        Error::DigestMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, asked.to_string());
            assert_eq!(actual, OciDigest::sha256_of(&served).to_string());
        }
        other => panic!("expected DigestMismatch, got {other}"),
    }

    // by tag: a Docker-Content-Digest that disagrees with the bytes is an error too
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Tag("v1".parse().unwrap()))
        .unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");

    // a blob that is not its digest
    let err = client.get_blob(&repo("app"), &asked, 1 << 20).unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
}

#[test]
fn oversized_manifest_and_server_errors_are_clean_errors() {
    let big = vec![b' '; 5 * 1024 * 1024];
    let fake = fake_with_manifest(big, vec![]);
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &anonymous()).unwrap();
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Tag("v1".parse().unwrap()))
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 4 * 1024 * 1024),
        "{err}"
    );

    let fake = FakeRegistry::start(Box::new(|_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        (
            500,
            vec![],
            br#"{"errors":[{"code":"UNKNOWN","message":"boom"}]}"#.to_vec(),
        )
    }));
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &anonymous()).unwrap();
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Tag("v1".parse().unwrap()))
        .unwrap_err();
    match err {
        Error::Status { status, detail, .. } => {
            assert_eq!(status, 500);
            assert_eq!(detail, ": UNKNOWN: boom");
        }
        other => panic!("expected Status, got {other}"),
    }
}

/// Token requests the fake saw: (path, header lines).
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<String>)>>>;

#[test]
fn bearer_token_flow_fetches_a_scoped_token() {
    use std::sync::{Arc, OnceLock};
    let served = br#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#.to_vec();
    let digest = OciDigest::sha256_of(&served);
    let me: Arc<OnceLock<String>> = Arc::default();
    let token_requests: Seen = Arc::default();
    let (me2, log) = (Arc::clone(&me), Arc::clone(&token_requests));
    let fake = FakeRegistry::start(Box::new(move |_, path, headers| {
        let challenge = (
            "WWW-Authenticate".to_owned(),
            format!(
                r#"Bearer realm="http://{}/token",service="test.registry",scope="repository:app:pull""#,
                me2.get().map_or("", String::as_str)
            ),
        );
        if path.starts_with("/token") {
            log.lock()
                .unwrap()
                .push((path.to_owned(), headers.to_vec()));
            return (200, vec![], br#"{"access_token":"tok123"}"#.to_vec());
        }
        let authorized = headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization: Bearer tok123"));
        if !authorized {
            return (401, vec![challenge], vec![]);
        }
        (200, vec![], served.clone())
    }));
    me.set(fake.addr.clone()).unwrap();
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &anonymous()).unwrap();
    let got = client
        .get_manifest(&repo("app"), &ManifestRef::Digest(digest.clone()))
        .unwrap();
    assert_eq!(got.digest, digest);
    // the token is reused: a second fetch asks the token service nothing
    client
        .get_manifest(&repo("app"), &ManifestRef::Digest(digest))
        .unwrap();
    let reqs = token_requests.lock().unwrap();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(
        reqs[0].0,
        "/token?service=test.registry&scope=repository%3Aapp%3Apull"
    );
    assert!(
        !reqs[0]
            .1
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("authorization")),
        "anonymous token request carries no credentials"
    );
}

/// Review finding: a loopback registry (plain HTTP allowed for it) must not make the client
/// send credentials in clear to a token realm on another host; the token service is never
/// contacted (the realm is an unroutable TEST-NET address, so a connection would time out).
#[test]
fn plain_http_token_realm_on_another_host_is_refused() {
    let fake = FakeRegistry::start(Box::new(move |_, _, _| {
        let challenge = (
            "WWW-Authenticate".to_owned(),
            r#"Bearer realm="http://192.0.2.2:18201/token",service="x",scope="repository:app:pull""#
                .to_owned(),
        );
        (401, vec![challenge], vec![])
    }));
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Given(Credentials::new(
            "alice",
            "s3cret-password",
        )))
        .with_system_roots(false);
    let mut client = RegistryClient::new(fake.addr.parse().unwrap(), &config).unwrap();
    let digest = OciDigest::sha256_of(b"{}");
    let err = client
        .get_manifest(&repo("app"), &ManifestRef::Digest(digest))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "token realm is not an https URL (plain HTTP only for loopback or when allowed)"
        ),
        "{err}"
    );
}

/// A registry's credentials go to that registry (and a token service it names) only. Another
/// host that a download is redirected to, or that a referrers `Link` points at, gets no
/// `Authorization` header, and its own 401 challenge is not answered: were it, its token
/// realm would receive the registry's username and password.
#[test]
fn credentials_never_reach_another_host() {
    use std::sync::{Arc, OnceLock};
    let other_seen: Seen = Arc::default();
    let other_addr: Arc<OnceLock<String>> = Arc::default();
    let (log, me) = (Arc::clone(&other_seen), Arc::clone(&other_addr));
    // the other host: asks for a Bearer token from a realm on itself
    let other = FakeRegistry::start(Box::new(move |_, path, headers| {
        log.lock()
            .unwrap()
            .push((path.to_owned(), headers.to_vec()));
        if path.starts_with("/token") {
            return (200, vec![], br#"{"token":"stolen"}"#.to_vec());
        }
        let realm = format!(
            r#"Bearer realm="http://{}/token",service="x""#,
            me.get().map_or("", String::as_str)
        );
        (401, vec![("WWW-Authenticate".to_owned(), realm)], vec![])
    }));
    other_addr.set(other.addr.clone()).unwrap();
    let to = other.addr.clone();
    // the registry: Basic auth; blobs redirect to the other host, the referrers list links
    // its next page there
    let registry = FakeRegistry::start(Box::new(move |_, path, headers| {
        let authorized = headers
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("authorization: basic "));
        if !authorized {
            let challenge = (
                "WWW-Authenticate".to_owned(),
                r#"Basic realm="r""#.to_owned(),
            );
            return (401, vec![challenge], vec![]);
        }
        if path.starts_with("/v2/app/blobs/") {
            let location = format!("http://{to}/blob");
            return (307, vec![("Location".to_owned(), location)], vec![]);
        }
        if let Some(rest) = path.strip_prefix("/v2/app/referrers/") {
            let link = format!("<http://{to}/v2/app/referrers/{rest}?page=1>; rel=\"next\"");
            let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
            return (200, vec![("Link".to_owned(), link)], body.to_vec());
        }
        (200, vec![], vec![])
    }));
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Given(Credentials::new(
            "alice",
            "s3cret-password",
        )))
        .with_system_roots(false);
    let mut client = RegistryClient::new(registry.addr.parse().unwrap(), &config).unwrap();
    let digest = OciDigest::sha256_of(b"{}");

    let blob = client.get_blob(&repo("app"), &digest, 1024).unwrap_err();
    let listed = client
        .referrers_api(&repo("app"), &digest, None, 100, 10)
        .unwrap_err();
    let seen = other_seen.lock().unwrap();
    let paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"/blob"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.starts_with("/token")),
        "the other host's token realm was asked: {paths:?}"
    );
    for (path, headers) in seen.iter() {
        assert!(
            !headers
                .iter()
                .any(|h| h.to_ascii_lowercase().starts_with("authorization")),
            "{path}: {headers:?}"
        );
    }
    for err in [blob.to_string(), listed.to_string()] {
        assert!(
            err.contains("another host than the registry asked for credentials"),
            "{err}"
        );
    }
}
