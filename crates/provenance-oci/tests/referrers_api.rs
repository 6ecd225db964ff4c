//! The referrers API path (a registry that indexes referrers itself), against a fake registry:
//! pagination through `Link`, the `artifactType` filter, the bounds, and a blob larger than its
//! descriptor claims.
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

mod support;

use std::sync::{Arc, Mutex};

use provenance_oci::manifest::{Descriptor, OCI_MANIFEST, SIGSTORE_BUNDLE_V03};
use provenance_oci::referrers::{self, DiscoveryLimits, DiscoveryPath};
use provenance_oci::{
    ClientConfig, CredentialSource, Error, OciDigest, RegistryClient, Repository,
};
use support::FakeRegistry;

fn client(addr: &str) -> RegistryClient {
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false);
    RegistryClient::new(addr.parse().unwrap(), &config).unwrap()
}

fn referrer(i: usize, artifact_type: &str) -> Descriptor {
    Descriptor::of(OCI_MANIFEST, format!("referrer {i}").as_bytes())
        .with_artifact_type(artifact_type)
}

/// A fake with a referrers API serving `pages` (each a list of descriptors), linked by `Link`.
fn fake_referrers(pages: Vec<Vec<Descriptor>>, seen: Arc<Mutex<Vec<String>>>) -> FakeRegistry {
    FakeRegistry::start(Box::new(move |_, path, _| {
        seen.lock().unwrap().push(path.to_owned());
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        if path.starts_with("/v2/app/referrers/") {
            let page: usize = path
                .split("page=")
                .nth(1)
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let body = serde_json::to_vec(&serde_json::json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": pages.get(page).cloned().unwrap_or_default(),
            }))
            .unwrap();
            let mut headers = vec![(
                "Content-Type".to_owned(),
                "application/vnd.oci.image.index.v1+json".to_owned(),
            )];
            if page + 1 < pages.len() {
                let subject = path.split('?').next().unwrap_or(path);
                headers.push((
                    "Link".to_owned(),
                    format!("<{subject}?page={}>; rel=\"next\"", page + 1),
                ));
            }
            return (200, headers, body);
        }
        (404, vec![], vec![])
    }))
}

#[test]
fn referrers_api_is_paginated_and_filtered_by_artifact_type() {
    let seen = Arc::default();
    let pages = vec![
        vec![
            referrer(0, SIGSTORE_BUNDLE_V03),
            referrer(1, "application/vnd.example.sbom"),
        ],
        vec![referrer(2, SIGSTORE_BUNDLE_V03)],
    ];
    let fake = fake_referrers(pages, Arc::clone(&seen));
    let mut c = client(&fake.addr);
    let repo: Repository = "app".parse().unwrap();
    let subject = OciDigest::sha256_of(b"image");
    let found = referrers::discover(
        &mut c,
        &repo,
        &subject,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    assert_eq!(found.path, DiscoveryPath::ReferrersApi);
    assert_eq!(
        found.descriptors,
        vec![
            referrer(0, SIGSTORE_BUNDLE_V03),
            referrer(2, SIGSTORE_BUNDLE_V03)
        ]
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.iter().filter(|p| p.contains("/referrers/")).count(),
        2,
        "two pages, nothing else fetched: {seen:?}"
    );
    assert!(
        seen.iter().any(|p| p.ends_with(
            "?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson"
        )),
        "the filter is passed to the registry: {seen:?}"
    );
    assert!(
        !seen.iter().any(|p| p.contains("/blobs/")),
        "no layer fetched: {seen:?}"
    );
}

#[test]
fn ten_thousand_referrers_are_bounded() {
    let page: Vec<Descriptor> = (0..2_500)
        .map(|i| referrer(i, SIGSTORE_BUNDLE_V03))
        .collect();
    let fake = fake_referrers(vec![page; 5], Arc::default());
    let mut c = client(&fake.addr);
    let repo: Repository = "app".parse().unwrap();
    let subject = OciDigest::sha256_of(b"image");
    let err = referrers::discover(
        &mut c,
        &repo,
        &subject,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooMany { limit: 10_000, .. }), "{err}");

    // within the entry bound but past the pages bound
    let fake = fake_referrers(vec![vec![referrer(0, "x")]; 150], Arc::default());
    let mut c = client(&fake.addr);
    let err = referrers::discover(
        &mut c,
        &repo,
        &subject,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TooMany { limit: 100, .. }), "{err}");
}

#[test]
fn a_blob_larger_than_the_limit_is_cut_off() {
    // 8 MiB body without trusting Content-Length (the fake sends it; the cap applies anyway)
    let big = vec![b'a'; 8 * 1024 * 1024];
    let digest = OciDigest::sha256_of(&big);
    let fake = FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        (200, vec![], big.clone())
    }));
    let mut c = client(&fake.addr);
    let err = c
        .get_blob(&"app".parse().unwrap(), &digest, 1024 * 1024)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_truncated_blob_is_an_error_not_a_short_read() {
    let body = b"only part of the blob".to_vec();
    let digest = OciDigest::sha256_of(b"only part of the blob, and the rest");
    let fake = FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        (
            200,
            vec![("X-Declared-Length".to_owned(), "35".to_owned())],
            body.clone(),
        )
    }));
    let mut c = client(&fake.addr);
    let err = c
        .get_blob(&"app".parse().unwrap(), &digest, 1 << 20)
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[test]
fn a_hundred_mib_layer_is_refused_before_download() {
    let fake = FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        // claims 100 MiB; the client must refuse on the header, not read it
        (
            200,
            vec![("X-Declared-Length".to_owned(), (100 << 20).to_string())],
            vec![b'a'; 1024],
        )
    }));
    let mut c = client(&fake.addr);
    let digest = OciDigest::sha256_of(b"x");
    let err = c
        .get_blob(&"app".parse().unwrap(), &digest, 16 << 20)
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 16 << 20),
        "{err}"
    );
}

#[test]
fn idempotent_requests_are_retried_after_5xx_with_backoff() {
    let served = br#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#.to_vec();
    let digest = OciDigest::sha256_of(&served);
    let hits = Arc::new(Mutex::new(0u32));
    let h = Arc::clone(&hits);
    let fake = FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        let mut n = h.lock().unwrap();
        *n += 1;
        if *n <= 2 {
            return (503, vec![], vec![]);
        }
        (200, vec![], served.clone())
    }));
    let mut c = client(&fake.addr);
    let repo: Repository = "app".parse().unwrap();
    let got = c
        .get_manifest(&repo, &provenance_oci::ManifestRef::Digest(digest.clone()))
        .unwrap();
    assert_eq!(got.digest, digest);
    assert_eq!(*hits.lock().unwrap(), 3, "two 503s, then the answer");

    // without retries the first 503 is the answer
    *hits.lock().unwrap() = 0;
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false)
        .with_retries(0);
    let mut c = RegistryClient::new(fake.addr.parse().unwrap(), &config).unwrap();
    let err = c
        .get_manifest(&repo, &provenance_oci::ManifestRef::Digest(digest))
        .unwrap_err();
    assert!(matches!(err, Error::Status { status: 503, .. }), "{err}");
    assert_eq!(*hits.lock().unwrap(), 1);
}

/// The tag-schema index is updated conditionally: a 412 (someone else wrote it since we read
/// it) makes the client read it again and merge, so neither attestation is lost.
#[test]
fn tag_schema_update_is_conditional_and_merges_after_412() {
    use provenance_oci::FetchedManifest;
    use provenance_oci::manifest::{ImageIndex, OCI_INDEX};
    use provenance_oci::referrers::Attachment;

    let other = referrer(9, SIGSTORE_BUNDLE_V03);
    let index_v2 = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [other.clone()],
    }))
    .unwrap();
    let puts: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let log = Arc::clone(&puts);
    let fake = FakeRegistry::start(Box::new(move |method, path, headers| {
        let header = |name: &str| {
            headers.iter().find_map(|h| {
                let (k, v) = h.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
        };
        let index_put = method == "PUT" && path.contains("/manifests/sha256-");
        match (method, path) {
            (_, "/v2/") => (200, vec![], vec![]),
            ("HEAD", p) if p.contains("/blobs/") => (200, vec![], vec![]),
            ("GET", p) if p.contains("/referrers/") => (404, vec![], vec![]),
            ("GET", p) if p.contains("/manifests/sha256-") => {
                // v1 (empty) until the first conditional PUT, then v2 with another referrer
                let v2 = !log.lock().unwrap().is_empty();
                let (etag, body) = if v2 {
                    ("\"v2\"", index_v2.clone())
                } else {
                    ("\"v1\"", serde_json::to_vec(&ImageIndex::empty()).unwrap())
                };
                let h = vec![
                    ("Content-Type".to_owned(), OCI_INDEX.to_owned()),
                    ("ETag".to_owned(), etag.to_owned()),
                ];
                (200, h, body)
            }
            ("PUT", _) if index_put => {
                let if_match = header("if-match").unwrap_or_default();
                log.lock()
                    .unwrap()
                    .push((if_match.clone(), header("x-body").unwrap_or_default()));
                if if_match == "\"v1\"" {
                    return (412, vec![], vec![]);
                }
                (201, vec![], vec![])
            }
            ("PUT", _) => (201, vec![], vec![]),
            _ => (404, vec![], vec![]),
        }
    }));
    let mut c = client(&fake.addr);
    let repo: Repository = "app".parse().unwrap();
    let image_bytes = br#"{"schemaVersion":2}"#.to_vec();
    let subject = FetchedManifest::new(OCI_MANIFEST, image_bytes);
    let attached = referrers::attach(
        &mut c,
        &repo,
        &subject,
        &Attachment::dsse_bundle(b"{}", "https://slsa.dev/provenance/v1"),
    )
    .unwrap();
    assert!(attached.tag_schema_updated);
    let puts = puts.lock().unwrap();
    assert_eq!(puts.len(), 2, "{puts:?}");
    assert_eq!(puts[0].0, "\"v1\"");
    assert_eq!(puts[1].0, "\"v2\"");
    let last: ImageIndex = serde_json::from_str(&puts[1].1).unwrap();
    let digests: Vec<_> = last.manifests.iter().map(|m| m.digest.clone()).collect();
    assert_eq!(digests, vec![other.digest, attached.descriptor.digest]);
}

/// A registry serving one cosign `.att` manifest of `layers` for any manifest request, and
/// `blob` (else 404) for any blob; the count of blob requests.
fn cosign_att_registry(
    layers: &[serde_json::Value],
    blob: Option<&'static [u8]>,
) -> (FakeRegistry, Arc<Mutex<usize>>) {
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                   "digest": OciDigest::sha256_of(b"{}").to_string(), "size": 2},
        "layers": layers,
    }))
    .unwrap();
    let blobs_asked: Arc<Mutex<usize>> = Arc::default();
    let asked = Arc::clone(&blobs_asked);
    let fake = FakeRegistry::start(Box::new(move |_, path, _| {
        if path == "/v2/" {
            return (200, vec![], vec![]);
        }
        if path.contains("/blobs/") {
            *asked.lock().unwrap() += 1;
            return blob.map_or((404, vec![], vec![]), |b| (200, vec![], b.to_vec()));
        }
        (
            200,
            vec![("Content-Type".to_owned(), OCI_MANIFEST.to_owned())],
            manifest.clone(),
        )
    }));
    (fake, blobs_asked)
}

/// Review finding: cosign `.att` layers are bounded together, not only one by one (100 layers
/// of 32 MiB each would otherwise be held in memory): refused from the sizes the manifest
/// declares, before any layer is downloaded.
#[test]
fn cosign_att_layers_are_bounded_together_before_download() {
    let layer = |i: u8| {
        serde_json::json!({
            "mediaType": provenance_oci::cosign::DSSE_ENVELOPE,
            "digest": OciDigest::sha256_of(&[i]).to_string(),
            "size": 1000,
        })
    };
    let (fake, blobs_asked) = cosign_att_registry(&[layer(1), layer(2), layer(3)], None);
    let mut c = client(&fake.addr);
    let subject = OciDigest::sha256_of(b"image");
    let repo: Repository = "app".parse().unwrap();
    let err = provenance_oci::cosign::discover_att(&mut c, &repo, &subject, 1000, 2500)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("layers of sha256-") && err.contains("together"),
        "{err}"
    );
    assert_eq!(*blobs_asked.lock().unwrap(), 0, "nothing downloaded");
    // within the total, the layers are fetched (here: not found, an error of its own)
    let err = provenance_oci::cosign::discover_att(&mut c, &repo, &subject, 1000, 3000)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("together"), "{err}");
    assert_eq!(*blobs_asked.lock().unwrap(), 1);
}

/// A cosign `.att` image that lists the same DSSE layer 100 times yields one attestation: the
/// layer is downloaded once and counts once against the size bound (100 copies of 1000 bytes
/// would exceed a 2500-byte total).
#[test]
fn a_cosign_att_layer_listed_many_times_is_read_once() {
    let envelope =
        br#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}"#;
    let layer = serde_json::json!({
        "mediaType": provenance_oci::cosign::DSSE_ENVELOPE,
        "digest": OciDigest::sha256_of(envelope).to_string(),
        "size": envelope.len(),
    });
    let (fake, blobs_asked) = cosign_att_registry(&vec![layer; 100], Some(envelope));
    let mut c = client(&fake.addr);
    let subject = OciDigest::sha256_of(b"image");
    let repo: Repository = "app".parse().unwrap();
    let found = provenance_oci::cosign::discover_att(&mut c, &repo, &subject, 1000, 2500).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].envelope, envelope);
    assert_eq!(*blobs_asked.lock().unwrap(), 1);
}
