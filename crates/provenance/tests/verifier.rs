//! `provenance::Verifier`: built once with trust roots as values, then called many times (and
//! from several threads) with the reasons of its verdicts checked exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use provenance::context::{BuildContext, MapEnv, Overrides, StatementBuilder};
use provenance::digest::{Algorithm, DigestSet};
use provenance::keys::{KeyAlgorithm, PrivateKey};
use provenance::verify::policy::{GithubIdentity, Matcher};
use provenance::verify::rules::SourceRepo;
use provenance::verify::{
    AttestationFormat, Expectations, Limits, OffsetDateTime, Origin, Policy, RawAttestation,
};
use provenance::{
    Artifact, AttestationSet, Attestor, KeyRoot, KeylessRoot, Report, Transparency, Verdict,
    Verifier, VerifyError,
};

const HEX: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
const COMMIT: &str = provenance_testkit::COMMIT;

fn keys() -> [PrivateKey; 3] {
    [
        PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap(),
        PrivateKey::generate(KeyAlgorithm::EcdsaP256).unwrap(),
        PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap(),
    ]
}

/// Provenance for `app` (digest [`HEX`]) from github.com/example/app, signed by `signers`.
fn attestations(signers: &[&PrivateKey]) -> AttestationSet {
    let env = MapEnv::new().with("SOURCE_DATE_EPOCH", "1700000000");
    let mut context = BuildContext::detect(&env, Path::new("/nonexistent")).unwrap();
    let mut overrides = Overrides::new();
    overrides.builder_id = Some("https://ci.example.com/builders/release@v1".into());
    overrides.source_uri = Some("https://github.com/example/app".into());
    overrides.source_ref = Some("refs/tags/v1.2.3".into());
    overrides.source_commit = Some(COMMIT.into());
    context.apply(&overrides).unwrap();
    let mut builder = StatementBuilder::new(context);
    builder
        .add_subject("app", DigestSet::single(Algorithm::Sha256, HEX).unwrap())
        .unwrap();
    let mut attestor = Attestor::new(builder);
    for s in signers {
        attestor = attestor.with_signer(*s);
    }
    let line = attestor.attest().unwrap().to_jsonl_line();
    let mut set = AttestationSet::new();
    let origin = Origin::new("app.intoto.jsonl", 1, None);
    set.push(
        RawAttestation::new(
            origin,
            AttestationFormat::Envelope,
            line.trim_end().as_bytes().to_vec(),
        ),
        &Limits::DEFAULT,
    )
    .unwrap();
    set
}

fn app() -> Artifact {
    Artifact::new("app", DigestSet::single(Algorithm::Sha256, HEX).unwrap())
}

fn expect_source() -> Expectations {
    let mut e = Expectations::default();
    e.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
    e
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The one artifact's verdict and the reasons attestations were rejected for.
fn outcome(report: &Report) -> (Verdict, String, Vec<String>) {
    assert_eq!(report.artifacts.len(), 1);
    let a = &report.artifacts[0];
    let rejected = report.rejected.iter().map(|r| r.reason.clone()).collect();
    (a.verdict, a.reason(), rejected)
}

#[test]
fn verifier_is_send_sync_and_reusable() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Verifier>();
}

#[test]
fn key_root_threshold_two_of_three_passes_with_two_and_fails_with_one() {
    let [a, b, c] = keys();
    let verifier = Verifier::builder()
        .key_root(
            KeyRoot::new(vec![
                a.public_key().clone(),
                b.public_key().clone(),
                c.public_key().clone(),
            ])
            .name("release")
            .threshold(2),
        )
        .expectations(expect_source())
        .build()
        .unwrap();

    // Any two of the three: a pass, over and over, from one verifier.
    for signers in [[&a, &b], [&b, &c], [&a, &c]] {
        let report = verifier
            .verify(&[app()], &attestations(&signers), now())
            .unwrap();
        let (verdict, reason, rejected) = outcome(&report);
        assert_eq!(verdict, Verdict::Pass, "{reason}");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(report.artifacts[0].trace[0].verified.root, "release");
    }

    // One trusted key, or one trusted and one unknown: below the threshold, named as such.
    let stranger = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    for signers in [vec![&a], vec![&c, &stranger]] {
        let report = verifier
            .verify(&[app()], &attestations(&signers), now())
            .unwrap();
        let (verdict, reason, rejected) = outcome(&report);
        assert_eq!(verdict, Verdict::Fail);
        assert_eq!(
            rejected,
            vec!["release: signature threshold not met: 1 of 2 required keys verified".to_owned()],
        );
        // The headline names the attestation and why it was not accepted.
        assert!(
            reason.starts_with(
                "signature: signature threshold not met: 1 of 2 required keys verified (app.intoto.jsonl:1)"
            ),
            "{reason}"
        );
    }

    // The same verifier from several threads at once.
    let set = attestations(&[&a, &b]);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| verifier.verify(&[app()], &set, now()).unwrap()))
            .collect();
        for h in handles {
            assert!(h.join().unwrap().passed());
        }
    });
}

#[test]
fn key_root_threshold_is_checked_when_building() {
    let [a, b, _] = keys();
    let pair = || vec![a.public_key().clone(), b.public_key().clone()];
    for threshold in [0, 3] {
        let err = Verifier::builder()
            .key_root(KeyRoot::new(pair()).threshold(threshold))
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("invalid threshold \"{threshold}\": must be between 1 and the 2 keys given"),
        );
    }
    let err = Verifier::builder()
        .key_root(KeyRoot::new(vec![a.public_key().clone(), a.public_key().clone()]).threshold(2))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, VerifyError::InvalidSetting { field: "keys", .. }),
        "{err}"
    );
    assert!(matches!(
        Verifier::builder().build().unwrap_err(),
        VerifyError::NoTrust
    ));
}

#[test]
fn expectations_are_checked_on_every_call() {
    let [a, _, _] = keys();
    let mut wrong = Expectations::default();
    wrong.source_repository = Some(SourceRepo::parse("github.com/example/other").unwrap());
    let verifier = Verifier::builder()
        .key_root(KeyRoot::new(vec![a.public_key().clone()]))
        .expectations(wrong)
        .build()
        .unwrap();
    let set = attestations(&[&a]);
    for _ in 0..3 {
        let report = verifier.verify(&[app()], &set, now()).unwrap();
        let (verdict, reason, rejected) = outcome(&report);
        assert_eq!(verdict, Verdict::Fail);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert!(
            reason.contains("github.com/example/other")
                && reason.contains("github.com/example/app"),
            "{reason}"
        );
    }
    // Verifying nothing is refused, never a pass.
    assert!(matches!(
        verifier.verify(&[], &set, now()).unwrap_err(),
        VerifyError::NoArtifacts
    ));
}

#[test]
fn subject_algorithms_then_evaluate_and_trace() {
    let [a, _, _] = keys();
    let verifier = Verifier::builder()
        .key_root(KeyRoot::new(vec![a.public_key().clone()]))
        .expectations(expect_source())
        .build()
        .unwrap();
    let set = attestations(&[&a]);
    let t = now();
    let checked = verifier.verify_attestations(&set, t);
    assert_eq!(checked.subject_algorithms(), vec![Algorithm::Sha256]);
    let report = verifier.evaluate(&[app()], &checked, t).unwrap();
    assert!(report.passed(), "{}", report.artifacts[0].reason());
    let chain = verifier.trace(&app(), &checked, t);
    assert!(chain.passed());
    assert_eq!(chain.name, "app");
}

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party/sigstore-conformance/assets/bundle-verify")
}

const SAN: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The conformance suite's keyless in-toto bundle (public-good instance) for `a.txt`.
fn keyless_set() -> (AttestationSet, Artifact) {
    let mut set = AttestationSet::new();
    set.add_file(
        &conformance().join("happy-path-intoto-in-dsse-v3/bundle.sigstore.json"),
        &Limits::DEFAULT,
    )
    .unwrap();
    let digests = provenance::digest::hash_file(
        conformance().join("a.txt"),
        &[Algorithm::Sha256, Algorithm::Sha512],
    )
    .unwrap();
    (set, Artifact::hashed("a.txt", digests))
}

#[test]
fn keyless_root_identity_mismatch_is_the_reason() {
    let (set, artifact) = keyless_set();
    let wrong = "https://github.com/example/app/.github/workflows/release.yml@refs/heads/main";
    let verifier = Verifier::builder()
        .keyless_root(
            KeylessRoot::new(
                Matcher::Exact(wrong.to_owned()),
                Matcher::Exact(ISSUER.to_owned()),
            )
            .transparency(Transparency::Required),
        )
        .build()
        .unwrap();
    for _ in 0..2 {
        let report = verifier
            .verify(std::slice::from_ref(&artifact), &set, now())
            .unwrap();
        let (verdict, reason, rejected) = outcome(&report);
        assert_eq!(verdict, Verdict::Fail);
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(
            rejected[0],
            format!(
                "keyless: identity policy not satisfied: certificate identity (SAN): expected \"{wrong}\", got \"{SAN}\""
            )
        );
        assert!(
            reason.starts_with(&format!(
                "identity: {}",
                rejected[0].trim_start_matches("keyless: ")
            )),
            "{reason}"
        );
    }

    // The right identity: the signature is accepted (no rejection).
    let verifier = Verifier::builder()
        .keyless_root(KeylessRoot::new(
            Matcher::Exact(SAN.to_owned()),
            Matcher::Exact(ISSUER.to_owned()),
        ))
        .build()
        .unwrap();
    let report = verifier.verify(&[artifact], &set, now()).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// A policy (`top` keys, one root whose key file sits beside it, then `tables`).
fn policy_dir(key: &PrivateKey, top: &str, tables: &str) -> (tempfile::TempDir, Policy) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.pub"), key.public_key().to_pem()).unwrap();
    let text = format!(
        "version = 1\n{top}[[roots]]\nname = \"release\"\nkeys = [\"release.pub\"]\n{tables}"
    );
    (dir, Policy::from_toml(&text).unwrap())
}

#[test]
fn policy_roots_and_patterns_through_the_builder() {
    let [a, b, _] = keys();
    let (dir, policy) = policy_dir(
        &a,
        "",
        "[[artifacts]]\npattern = \"app\"\nsource_uri = \"github.com/example/app\"\n",
    );
    let verifier = Verifier::builder()
        .policy(policy, dir.path())
        .build()
        .unwrap();
    let signed = attestations(&[&a]);
    for _ in 0..2 {
        let report = verifier.verify(&[app()], &signed, now()).unwrap();
        let (verdict, reason, _) = outcome(&report);
        assert_eq!(verdict, Verdict::Pass, "{reason}");
        assert_eq!(report.artifacts[0].trace[0].verified.root, "release");
    }
    // Signed by a key the policy does not list: rejected, named.
    let report = verifier
        .verify(&[app()], &attestations(&[&b]), now())
        .unwrap();
    let (verdict, _, rejected) = outcome(&report);
    assert_eq!(verdict, Verdict::Fail);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].starts_with("release: signed by no trusted key (keyid hint "),
        "{rejected:?}"
    );
    // An artifact no pattern names fails closed, whatever its signatures.
    let other = Artifact::new("other", DigestSet::single(Algorithm::Sha256, HEX).unwrap());
    let report = verifier.verify(&[other], &signed, now()).unwrap();
    let (verdict, reason, _) = outcome(&report);
    assert_eq!(verdict, Verdict::Fail);
    assert!(reason.contains("[[artifacts]] pattern"), "{reason}");
}

#[test]
fn a_policy_without_expectations_is_refused_unless_it_says_so() {
    let [a, _, _] = keys();
    let (dir, policy) = policy_dir(&a, "", "");
    let err = Verifier::builder()
        .policy(policy.clone(), dir.path())
        .build()
        .unwrap_err();
    assert!(matches!(err, VerifyError::NoExpectations), "{err}");
    // Expectations given beside the policy, or the policy saying it needs none, make it usable.
    let (allowing_dir, allowing) = policy_dir(&a, "allow_no_expectations = true\n", "");
    let signed = attestations(&[&a]);
    for builder in [
        Verifier::builder()
            .policy(policy, dir.path())
            .expectations(expect_source()),
        Verifier::builder().policy(allowing, allowing_dir.path()),
    ] {
        let report = builder
            .build()
            .unwrap()
            .verify(&[app()], &signed, now())
            .unwrap();
        assert!(report.passed(), "{}", report.artifacts[0].reason());
    }
}

const OWN: &str = provenance_testkit::fulcio::RELEASE_SIGNER;

/// A keyless bundle for `app` from the testkit's Fulcio/Rekor generator: a certificate of
/// example/app's release workflow at [`COMMIT`], over SLSA provenance claiming the same.
fn generated_keyless() -> (provenance::sigstore::TrustedRoot, AttestationSet) {
    use provenance_testkit::fulcio;
    let root = provenance::sigstore::TrustedRoot::from_json(
        &serde_json::to_vec(&fulcio::trusted_root()).unwrap(),
    )
    .unwrap();
    let bundle = serde_json::to_vec(&fulcio::release_bundle("app", HEX)).unwrap();
    let mut set = AttestationSet::new();
    set.push(
        RawAttestation::new(
            Origin::new("app.sigstore.json", 1, None),
            AttestationFormat::SigstoreBundle,
            bundle,
        ),
        &Limits::DEFAULT,
    )
    .unwrap();
    (root, set)
}

#[test]
fn keyless_root_github_constraints_on_generated_certificates() {
    let (root, set) = generated_keyless();
    let issuer = || Matcher::Exact(provenance_testkit::fulcio::GITHUB_ISSUER.to_owned());
    let gh = |repo: &str| GithubIdentity::parse(Some(repo), None, None, None, false).unwrap();
    let mut expect = Expectations::default();
    expect.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
    let verifier = Verifier::builder()
        .keyless_root(
            KeylessRoot::new(Matcher::Exact(OWN.to_owned()), issuer())
                .trusted_root(root.clone())
                .github(gh("example/app")),
        )
        .expectations(expect)
        .build()
        .unwrap();
    for _ in 0..2 {
        let report = verifier.verify(&[app()], &set, now()).unwrap();
        let (verdict, reason, rejected) = outcome(&report);
        assert_eq!(verdict, Verdict::Pass, "{reason} {rejected:?}");
        assert_eq!(report.artifacts[0].trace[0].verified.root, "keyless");
    }

    // The certificate names another repository than the one required: its rejection says so.
    let verifier = Verifier::builder()
        .keyless_root(
            KeylessRoot::new(Matcher::Exact(OWN.to_owned()), issuer())
                .trusted_root(root)
                .github(gh("example/other")),
        )
        .build()
        .unwrap();
    let report = verifier.verify(&[app()], &set, now()).unwrap();
    let (verdict, _, rejected) = outcome(&report);
    assert_eq!(verdict, Verdict::Fail);
    assert_eq!(
        rejected,
        vec![
            "keyless: identity policy not satisfied: certificate source repository URI \
             (1.3.6.1.4.1.57264.1.12): expected /(?i)^https://github\\.com/example/other$/, \
             got \"https://github.com/example/app\""
                .to_owned()
        ]
    );
}

#[test]
fn default_trusted_root_replaces_the_embedded_root_for_roots_that_name_none() {
    let (set, artifact) = keyless_set();
    let keyless = || {
        KeylessRoot::new(
            Matcher::Exact(SAN.to_owned()),
            Matcher::Exact(ISSUER.to_owned()),
        )
    };
    // A default root without the public-good logs and CAs (the test CA's): the public-good
    // bundle is refused, for a keyless root that names no trusted root...
    let other = provenance::sigstore::TrustedRoot::from_json(
        &serde_json::to_vec(&provenance_testkit::fulcio::trusted_root()).unwrap(),
    )
    .unwrap();
    let verifier = Verifier::builder()
        .default_trusted_root(other.clone())
        .keyless_root(keyless())
        .build()
        .unwrap();
    let report = verifier
        .verify(std::slice::from_ref(&artifact), &set, now())
        .unwrap();
    let (verdict, _, rejected) = outcome(&report);
    assert_eq!(verdict, Verdict::Fail);
    assert!(rejected[0].contains("is not trusted"), "{rejected:?}");
    // ...while a root's own trusted root still wins over the default.
    let verifier = Verifier::builder()
        .default_trusted_root(other)
        .keyless_root(
            keyless().trusted_root(provenance::sigstore::TrustedRoot::public_good().unwrap()),
        )
        .build()
        .unwrap();
    let report = verifier.verify(&[artifact], &set, now()).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}
