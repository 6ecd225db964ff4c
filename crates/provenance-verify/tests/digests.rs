//! Subject digests in the engine: which algorithms an artifact is hashed with, strict matching of
//! hashed files against subjects listing several digests, and the policy name of artifacts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::policy::Policy;
use provenance_verify::rules::BuilderRule;
use provenance_verify::{Artifact, Engine, Expectations, Rule, Verdict, load};
use serde_json::{Value, json};
use time::macros::datetime;

const BUILDER: &str = "https://ci.example.com/builder@v1";
const NOW: time::OffsetDateTime = datetime!(2026-01-02 00:00 UTC);

fn statement(digests: &[Value]) -> Value {
    let mut st = provenance(&[], BUILDER, "git+https://github.com/example/app", &sha(7));
    st["subject"] = digests
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"name": format!("s{i}"), "digest": d}))
        .collect();
    st
}

fn verifier() -> Engine {
    let mut e = Expectations::default();
    e.builder = Some(BuilderRule::parse("https://ci.example.com/builder").unwrap());
    Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(e)
}

fn set(pairs: &[(Algorithm, &str)]) -> DigestSet {
    let mut s = DigestSet::new();
    for (a, v) in pairs {
        s.insert(a.name(), v).unwrap();
    }
    s
}

#[test]
fn subject_algorithms_are_the_accepted_ones_the_subjects_name() {
    let v = verifier();
    let st = statement(&[
        json!({"sha512": "a".repeat(128)}),
        json!({"sha384": "b".repeat(96), "md5": "0".repeat(32)}),
        json!({"sha1": "c".repeat(40), "sha3_256": "d".repeat(64)}),
    ]);
    let verified = v.verify_attestations(&set_of(&[envelope(&st, 1)]), NOW);
    assert_eq!(
        verified.subject_algorithms(),
        vec![Algorithm::Sha384, Algorithm::Sha512]
    );
    // Nothing verified: SHA-256, so that the report still shows a digest.
    let none = v.verify_attestations(&set_of(&[]), NOW);
    assert_eq!(none.subject_algorithms(), vec![Algorithm::Sha256]);
}

#[test]
fn a_file_is_hashed_only_with_accepted_algorithms() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.tgz");
    std::fs::write(&path, b"content").unwrap();
    let input = load::artifact_input(path.to_str().unwrap()).unwrap();
    let a = input
        .load(&[Algorithm::Sha512, Algorithm::Sha1, Algorithm::GitBlob])
        .unwrap();
    assert!(a.is_hashed());
    assert_eq!(a.digests().algorithms(), vec![Algorithm::Sha512]);
    let a = input.load(&[Algorithm::Sha1]).unwrap();
    assert_eq!(a.digests().algorithms(), vec![Algorithm::Sha256]);
}

#[test]
fn the_library_never_reads_standard_input_the_caller_hands_it_a_reader() {
    let input = load::artifact_input("-").unwrap();
    assert!(input.is_stdin());
    let err = input.load(&[Algorithm::Sha256]).unwrap_err().to_string();
    assert!(
        err.contains("standard input is not read by the library"),
        "{err}"
    );
    let a = input
        .load_reader(&b"content"[..], &[Algorithm::Sha256, Algorithm::Sha1])
        .unwrap();
    assert!(a.is_hashed());
    assert_eq!(
        a.digests().get("sha256"),
        Some("ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73")
    );
    assert_eq!(a.digests().algorithms(), vec![Algorithm::Sha256]);
}

#[test]
fn hashed_artifacts_must_match_every_listed_digest() {
    let (right256, right512) = (sha(1), "5".repeat(128));
    let wrong512 = "6".repeat(128);
    let v = verifier();
    let st = statement(&[json!({"sha256": right256, "sha512": wrong512})]);
    let verified = v.verify_attestations(&set_of(&[envelope(&st, 1)]), NOW);
    let judge = |a: &Artifact| v.judge_artifact(a, &verified, NOW);

    let hashed = Artifact::hashed(
        "app",
        set(&[
            (Algorithm::Sha256, &right256),
            (Algorithm::Sha512, &right512),
        ]),
    );
    let r = judge(&hashed);
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.failures[0].rule, Rule::Subject);
    assert!(
        r.reason()
            .contains("agree on one digest of this artifact but not on another"),
        "{}",
        r.reason()
    );
    // Hashed without the subject's sha512: not a match either (it cannot be checked).
    let partial = Artifact::hashed("app", set(&[(Algorithm::Sha256, &right256)]));
    let r = judge(&partial);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(
        r.reason()
            .contains("list sha512 digests this artifact was not hashed with"),
        "{}",
        r.reason()
    );
    // A digest someone gave is compared on its own algorithm.
    let given = Artifact::new("app", set(&[(Algorithm::Sha256, &right256)]));
    let r = judge(&given);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason());
}

#[test]
fn unmatched_and_unnamed_artifacts_fail_in_a_policy_with_patterns() {
    let policy = Policy::from_toml(
        "version = 1\n[defaults]\nbuilder_id = \"https://ci.example.com/builder\"\n[[artifacts]]\npattern = \"dist/*.tgz\"\nbuilder_id = \"https://ci.example.com/other\"\n",
    )
    .unwrap();
    let st = statement(&[json!({"sha256": sha(1)})]);
    let attestations = set_of(&[envelope(&st, 1)]);
    let digests = DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap();
    let engine = |allow: bool| {
        Engine::new(vec![key_root("release", 1)])
            .unwrap()
            .with_patterns(policy.artifacts.clone())
            .with_defaults(policy.defaults.clone().unwrap())
            .allow_unmatched_artifacts(allow)
    };
    let artifacts = [
        Artifact::new("other.tgz", digests.clone()),
        Artifact::unnamed(format!("sha256:{}", sha(1)), digests.clone()),
        Artifact::new("./dist/app.tgz", digests.clone()),
    ];
    let report = engine(false)
        .verify(&artifacts, &attestations, NOW)
        .unwrap();
    for a in &report.artifacts[..2] {
        assert_eq!(a.verdict, Verdict::Fail);
        assert_eq!(a.failures[0].rule, Rule::Policy);
        assert!(a.reason().contains("dist/*.tgz"), "{}", a.reason());
    }
    // The named one gets its pattern's expectations, and fails on them.
    assert_eq!(report.artifacts[2].failures[0].rule, Rule::BuilderId);
    let report = engine(true).verify(&artifacts, &attestations, NOW).unwrap();
    assert_eq!(report.artifacts[0].verdict, Verdict::Pass);
    assert_eq!(report.artifacts[1].verdict, Verdict::Pass);
    assert_eq!(report.artifacts[2].verdict, Verdict::Fail);
}

/// A pattern's entry inherits `[defaults]` key by key: the README's gate (source in
/// `[defaults]`, branch in the pattern) checks the source repository of matched artifacts.
#[test]
fn patterns_inherit_the_defaults_key_by_key() {
    let policy = Policy::from_toml(
        "version = 1\n[defaults]\nsource_uri = \"github.com/other/app\"\nbuilder_id = \"https://ci.example.com/builder\"\n[[artifacts]]\npattern = \"dist/*.tgz\"\nbuilder_id = \"https://ci.example.com/other\"\n",
    )
    .unwrap();
    let st = statement(&[json!({"sha256": sha(1)})]);
    let attestations = set_of(&[envelope(&st, 1)]);
    let digests = DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap();
    let engine = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_patterns(policy.artifacts.clone())
        .with_defaults(policy.defaults.clone().unwrap())
        .allow_unmatched_artifacts(true);
    let artifacts = [
        Artifact::new("dist/app.tgz", digests.clone()),
        Artifact::new("other.tgz", digests.clone()),
    ];
    let report = engine.verify(&artifacts, &attestations, NOW).unwrap();
    for a in &report.artifacts {
        assert_eq!(a.verdict, Verdict::Fail, "{}", a.reason());
        assert!(
            a.failures.iter().any(|f| f.rule == Rule::SourceRepository),
            "{}",
            a.reason()
        );
        assert!(
            a.reason().contains("github.com/other/app"),
            "{}",
            a.reason()
        );
    }
    // The pattern's builder replaced the default one; the unmatched artifact keeps the default.
    assert!(
        report.artifacts[0]
            .reason()
            .contains("ci.example.com/other"),
        "{}",
        report.artifacts[0].reason()
    );
}

/// A message signature (`hashedrekord`) is checked against the artifact's digest in its
/// `messageDigest` algorithm: that algorithm is what the artifact is hashed with.
#[test]
fn message_signatures_ask_for_their_message_digest_algorithm() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party/sigstore-python");
    let bundle = std::fs::read(base.join("assets/bundle.txt.sigstore")).unwrap();
    let root = load::keyless_root(
        "keyless",
        Some(&base.join("_store/production/trusted_root.json")),
        &provenance_verify::policy::Matcher::Regexp(".*".into()),
        &provenance_verify::policy::Matcher::Regexp(".*".into()),
        false,
    )
    .unwrap();
    let v = Engine::new(vec![root]).unwrap();
    let algorithms = |bytes: &[u8]| {
        let mut set = provenance_verify::AttestationSet::new();
        set.add_bytes(
            std::path::Path::new("b.sigstore.json"),
            bytes,
            &provenance_verify::Limits::DEFAULT,
        )
        .unwrap();
        v.verify_attestations(&set, NOW).subject_algorithms()
    };
    assert_eq!(algorithms(&bundle), vec![Algorithm::Sha256]);
    // The same bundle with a SHA2_512 message digest (only parsed here, never verified).
    let mut doc: Value = serde_json::from_slice(&bundle).unwrap();
    doc["messageSignature"]["messageDigest"] = json!({
        "algorithm": "SHA2_512",
        "digest": base64_of(&[7u8; 64]),
    });
    assert_eq!(
        algorithms(&serde_json::to_vec(&doc).unwrap()),
        vec![Algorithm::Sha512]
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
