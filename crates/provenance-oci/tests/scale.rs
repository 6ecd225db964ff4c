//! Discovery cost against a real registry (distribution 2.8, tag schema): requests are O(1) per
//! image (manifest, referrers API probe, tag index) plus two per attestation that passes the
//! filter (its manifest and its layer), plus the first contact with the registry.
//! Prints the times; asserts only request counts.
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

mod support;

use std::time::Instant;

use provenance_oci::manifest::SIGSTORE_BUNDLE_V03;
use provenance_oci::referrers::{self, Attachment, DiscoveryLimits};
use provenance_oci::{ClientConfig, CredentialSource, ManifestRef, RegistryClient, Repository};
use support::{Mode, TestRegistry};

fn client(reg: &TestRegistry) -> RegistryClient {
    let config = ClientConfig::new()
        .with_credentials(CredentialSource::Anonymous)
        .with_system_roots(false);
    RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap()
}

/// Resolve + discover + fetch every bundle of `digest`; returns (requests, bundles).
fn verify_cost(
    c: &mut RegistryClient,
    repo: &Repository,
    tag_or_digest: &ManifestRef,
) -> (u64, usize) {
    let before = c.requests();
    let m = c.get_manifest(repo, tag_or_digest).unwrap();
    let found = referrers::discover(
        c,
        repo,
        &m.digest,
        SIGSTORE_BUNDLE_V03,
        DiscoveryLimits::default(),
    )
    .unwrap();
    for r in &found.descriptors {
        referrers::fetch_bundle(c, repo, &m.digest, r, SIGSTORE_BUNDLE_V03, 1 << 20).unwrap();
    }
    (c.requests() - before, found.descriptors.len())
}

#[test]
fn one_and_a_hundred_attestations_and_fifty_images() {
    let Some(reg) = TestRegistry::start(Mode::AnonymousHttp) else {
        return;
    };
    let repo: Repository = "scale/app".parse().unwrap();
    let mut c = client(&reg);
    let image = support::push_image(&mut c, &repo, "v1", "scale");
    let subject = c
        .get_manifest(&repo, &ManifestRef::Digest(image.digest.clone()))
        .unwrap();
    let name = format!("{}/scale/app", reg.addr);

    let mut cost = Vec::new();
    let attach_start = Instant::now();
    for n in 1..=100 {
        let bundle = support::dsse_bundle(&format!("{name}#{n}"), &image.digest);
        referrers::attach(
            &mut c,
            &repo,
            &subject,
            &Attachment::dsse_bundle(&bundle, "https://slsa.dev/provenance/v1"),
        )
        .unwrap();
        if n == 1 || n == 100 {
            let mut fresh = client(&reg);
            let t = Instant::now();
            let (requests, bundles) = verify_cost(
                &mut fresh,
                &repo,
                &ManifestRef::Digest(image.digest.clone()),
            );
            cost.push((n, requests, bundles, t.elapsed()));
        }
    }
    eprintln!("100 attaches: {:?}", attach_start.elapsed());
    for (n, requests, bundles, elapsed) in &cost {
        eprintln!("{n} attestation(s): {requests} requests, {bundles} bundles, {elapsed:?}");
        // HTTPS attempt + /v2/ ping over HTTP (loopback fallback) + manifest + referrers API
        // probe + tag index, then manifest + layer for each attestation
        assert_eq!(*requests, 5 + 2 * *n as u64);
        assert_eq!(bundles, n);
    }

    // 50 images, one attestation each, discovered with one client (one ping in total)
    let mut digests = Vec::new();
    for i in 0..50 {
        let img = support::push_image(&mut c, &repo, &format!("img{i}"), &format!("image {i}"));
        let m = c
            .get_manifest(&repo, &ManifestRef::Digest(img.digest.clone()))
            .unwrap();
        let bundle = support::dsse_bundle(&name, &img.digest);
        referrers::attach(
            &mut c,
            &repo,
            &m,
            &Attachment::dsse_bundle(&bundle, "https://slsa.dev/provenance/v1"),
        )
        .unwrap();
        digests.push(img.digest);
    }
    let mut fresh = client(&reg);
    let t = Instant::now();
    let mut total = 0;
    for d in &digests {
        let (requests, bundles) = verify_cost(&mut fresh, &repo, &ManifestRef::Digest(d.clone()));
        assert_eq!(bundles, 1);
        total += requests;
    }
    eprintln!(
        "50 images: {total} requests (5 per image + first contact), {:?}",
        t.elapsed()
    );
    assert_eq!(total, 2 + 50 * 5);
}
