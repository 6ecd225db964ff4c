//! The verification pipeline end to end with Ed25519 keys: verdicts, fail-closed cases, and
//! the one-signature-check-for-many-artifacts property.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::rules::{BuilderRule, RefExpectation, SourceRepo};
use provenance_verify::{Artifact, Engine, Expectations, Rule, Verdict};
use time::macros::datetime;

const BUILDER: &str = "https://ci.example.com/builder@v1";
const REPO: &str = "git+https://github.com/example/app@refs/heads/main";
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const NOW: time::OffsetDateTime = datetime!(2026-01-02 00:00 UTC);

fn artifact(name: &str, hex: &str) -> Artifact {
    Artifact::new(name, DigestSet::single(Algorithm::Sha256, hex).unwrap())
}

fn expectations() -> Expectations {
    let mut e = Expectations::default();
    e.builder = Some(BuilderRule::parse("https://ci.example.com/builder").unwrap());
    e.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
    e.source_ref = Some(RefExpectation::Branch("main".into()));
    e.source_commit = Some(COMMIT.into());
    e
}

fn rules_failed(report: &provenance_verify::ArtifactReport) -> Vec<Rule> {
    report.failures.iter().map(|f| f.rule).collect()
}

#[test]
fn matching_statement_passes_with_trace() {
    let st = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(expectations());
    let report = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    let a = &report.artifacts[0];
    assert_eq!(a.verdict, Verdict::Pass, "{}", a.reason());
    assert!(report.passed());
    let t = &a.trace[0];
    assert_eq!(
        t.claimed.facts.source_repository.as_deref(),
        Some("github.com/example/app")
    );
    assert_eq!(t.claimed.facts.source_commit.as_deref(), Some(COMMIT));
    assert_eq!(t.verified.root, "release");
    assert_eq!(t.verified.attestation.line(), 1);
}

#[test]
fn thousand_artifacts_one_signature_check() {
    let names: Vec<(String, String)> = (0..1000).map(|i| (format!("a{i}"), sha(i))).collect();
    let subjects: Vec<(&str, &str)> = names
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_str()))
        .collect();
    let st = provenance(&subjects, BUILDER, REPO, COMMIT);
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(expectations());
    let artifacts: Vec<Artifact> = names.iter().map(|(n, d)| artifact(n, d)).collect();
    let started = std::time::Instant::now();
    let report = v
        .verify(&artifacts, &set_of(&[envelope(&st, 1)]), NOW)
        .unwrap();
    let took = started.elapsed();
    assert!(report.passed());
    assert_eq!(
        report.signature_checks, 1,
        "one envelope, one root: one signature check"
    );
    eprintln!(
        "1000 artifacts against one attestation: {took:?}, {} signature check(s)",
        report.signature_checks
    );
}

/// What each root refused an attestation for reaches the report typed, beside its text.
#[test]
fn rejections_are_typed() {
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(expectations());
    let good = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);

    // Signed by an untrusted key: no key of the root verified a signature.
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&good, 2)]),
            NOW,
        )
        .unwrap();
    assert_eq!(
        r.rejected[0].refusals,
        [provenance_verify::Refusal {
            root: "release".to_owned(),
            rejection: provenance_verify::Rejection::NoTrustedKey(
                "signed by no trusted key (keyid hint key-2)".to_owned()
            ),
        }]
    );
    assert_eq!(
        r.rejected[0].reason,
        "release: signed by no trusted key (keyid hint key-2)"
    );

    // An in-toto link signed by the trusted key: the signature verified, but what was signed
    // is no in-toto statement.
    let link = serde_json::json!({"_type": "link", "name": "build", "products": {"app": {"sha256": sha(1)}}, "materials": {}, "byproducts": {}, "command": [], "environment": {}});
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&link, 1)]),
            NOW,
        )
        .unwrap();
    assert!(
        matches!(
            r.rejected[0].refusals.as_slice(),
            [provenance_verify::Refusal {
                rejection: provenance_verify::Rejection::NotAStatement(_),
                ..
            }]
        ),
        "{:?}",
        r.rejected[0].refusals
    );
}

#[test]
fn fail_closed_cases() {
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(expectations());
    let good = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);

    // No attestation at all.
    let r = v
        .verify(&[artifact("app", &sha(1))], &set_of(&[]), NOW)
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::Subject]);

    // Attestation for another artifact.
    let r = v
        .verify(
            &[artifact("app", &sha(2))],
            &set_of(&[envelope(&good, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::Subject]);

    // Zero artifacts is an error, not a pass.
    assert!(v.verify(&[], &set_of(&[envelope(&good, 1)]), NOW).is_err());

    // Signed by an untrusted key.
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&good, 2)]),
            NOW,
        )
        .unwrap();
    // The cause is named: signed by no trusted key.
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::Signature]);
    assert_eq!(r.rejected.len(), 1);
    // Subject only in sha1 / artifact only known by md5.
    let mut sha1_only = good.clone();
    sha1_only["subject"][0]["digest"] =
        serde_json::json!({"sha1": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"});
    let sha1_artifact = Artifact::new(
        "app",
        DigestSet::single(Algorithm::Sha1, "4d329c75e7ec1725f7c9ce917a8799d408d06be3").unwrap(),
    );
    let r = v
        .verify(&[sha1_artifact], &set_of(&[envelope(&sha1_only, 1)]), NOW)
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::Subject]);

    // predicateType look-alike.
    let mut lookalike = good.clone();
    lookalike["predicateType"] = "https://slsa.dev/provenance/v1.0".into();
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&lookalike, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::PredicateType]);

    // An in-toto link signed by the trusted key.
    let link = serde_json::json!({"_type": "link", "name": "build", "products": {"app": {"sha256": sha(1)}}, "materials": {}, "byproducts": {}, "command": [], "environment": {}});
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&link, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(r.artifacts[0].verdict, Verdict::Fail);
    assert_eq!(r.rejected.len(), 1);
    // Right statement, wrong payloadType.
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope_with(
                "application/vnd.acme+json",
                &serde_json::to_vec(&good).unwrap(),
                1,
            )]),
            NOW,
        )
        .unwrap();
    assert_eq!(r.artifacts[0].verdict, Verdict::Fail);

    // Repository that only shares a prefix.
    let evil = provenance(
        &[("app", &sha(1))],
        BUILDER,
        "git+https://github.com/example/app-evil@refs/heads/main",
        COMMIT,
    );
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&evil, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::SourceRepository]);

    // Expected field absent from the statement.
    let mut no_commit = good.clone();
    no_commit["predicate"]["buildDefinition"]["resolvedDependencies"][0]["digest"] =
        serde_json::json!({"sha256": sha(9)});
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&no_commit, 1)]),
            NOW,
        )
        .unwrap();
    let f = &r.artifacts[0].failures[0];
    assert_eq!(f.rule, Rule::SourceCommit);
    assert_eq!(f.actual, None);
}

#[test]
fn conflicting_statements_fail_in_any_order() {
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(expectations());
    let good = envelope(&provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT), 1);
    let other = envelope(
        &provenance(
            &[("app", &sha(1))],
            BUILDER,
            "git+https://github.com/evil/app@refs/heads/main",
            COMMIT,
        ),
        1,
    );
    for order in [[good.clone(), other.clone()], [other, good]] {
        let r = v
            .verify(&[artifact("app", &sha(1))], &set_of(&order), NOW)
            .unwrap();
        assert_eq!(rules_failed(&r.artifacts[0]), [Rule::SourceRepository]);
    }
}

#[test]
fn external_parameters_and_age() {
    let st = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);
    let mut e = Expectations::default();
    e.external_parameters
        .insert("release".into(), serde_json::json!(true));
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(e.clone());
    assert!(
        v.verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW
        )
        .unwrap()
        .passed()
    );

    e.reject_unknown_external_parameters = true;
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(e.clone());
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::ExternalParameters]);

    e.external_parameters
        .insert("release".into(), serde_json::json!("true"));
    e.reject_unknown_external_parameters = false;
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(e);
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(
        rules_failed(&r.artifacts[0]),
        [Rule::ExternalParameters],
        "a string is not a boolean"
    );

    let mut e = Expectations::default();
    e.max_age = Some(std::time::Duration::from_secs(3600));
    let v = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(e);
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::Age]);
}

#[test]
fn root_builder_grant() {
    let st = provenance(
        &[("app", &sha(1))],
        "https://ci.example.com/other@v1",
        REPO,
        COMMIT,
    );
    let root = key_root("release", 1)
        .with_builders(vec![
            BuilderRule::parse("https://ci.example.com/builder").unwrap(),
        ])
        .with_slsa_level(Some(2));
    let v = Engine::new(vec![root]).unwrap();
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(rules_failed(&r.artifacts[0]), [Rule::TrustedBuilder]);

    let st = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);
    let root = key_root("release", 1)
        .with_builders(vec![
            BuilderRule::parse("https://ci.example.com/builder").unwrap(),
        ])
        .with_slsa_level(Some(2));
    let v = Engine::new(vec![root]).unwrap();
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(r.artifacts[0].verdict, Verdict::Pass);
    assert_eq!(r.artifacts[0].slsa_level, Some(2));
}

fn built_from(name: &str, hex: &str, deps: &[(&str, &str)]) -> serde_json::Value {
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": name, "digest": {"sha256": hex}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {},
                "resolvedDependencies": deps.iter().map(|(n, d)| serde_json::json!({"name": n, "digest": {"sha256": d}})).collect::<Vec<_>>()
            },
            "runDetails": {"builder": {"id": BUILDER}}
        }
    })
}

#[test]
fn trace_depth_cycles_and_shared_dependencies() {
    use provenance_verify::trace::{NodeKind, trace};
    // a <- b <- c <- source; a also depends on c directly (shown once, then "seen").
    let (a, b, c) = (sha(0xa), sha(0xb), sha(0xc));
    let mut c_st = built_from("c", &c, &[]);
    c_st["predicate"]["buildDefinition"]["resolvedDependencies"] =
        serde_json::json!([{"uri": REPO, "digest": {"gitCommit": COMMIT}}]);
    let envs = [
        envelope(&built_from("a", &a, &[("b", &b), ("c", &c)]), 1),
        envelope(&built_from("b", &b, &[("c", &c)]), 1),
        envelope(&c_st, 1),
    ];
    let v = Engine::new(vec![key_root("release", 1)]).unwrap();
    let store = v.verify_attestations(&set_of(&envs), NOW);
    let chain = trace(&v, &artifact("a", &a), &store, NOW);
    assert!(chain.passed());
    let kinds: Vec<&str> = chain
        .dependencies
        .iter()
        .map(|d| match d.kind {
            NodeKind::Artifact { .. } => "artifact",
            NodeKind::Seen => "seen",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["artifact", "seen"]);
    let source = &chain.dependencies[0].dependencies[0].dependencies[0];
    assert!(matches!(&source.kind, NodeKind::Source { commit, .. } if commit == COMMIT));

    // Depth bound.
    let shallow = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_limits(provenance_verify::Limits::DEFAULT.with_max_trace_depth(1));
    let chain = trace(&shallow, &artifact("a", &a), &store, NOW);
    assert!(!chain.passed());

    // A cycle: b depends on a.
    let envs = [
        envelope(&built_from("a", &a, &[("b", &b)]), 1),
        envelope(&built_from("b", &b, &[("a", &a)]), 1),
    ];
    let store = v.verify_attestations(&set_of(&envs), NOW);
    let chain = trace(&v, &artifact("a", &a), &store, NOW);
    assert!(!chain.passed());
    assert!(matches!(
        chain.dependencies[0].dependencies[0].kind,
        NodeKind::Cycle
    ));
}

/// A keyless root stand-in: checks the Ed25519 signature, then reports the signer as a
/// certificate with a fixed identity (what a Fulcio chain + identity policy would give).
#[derive(Debug)]
struct FakeKeyless {
    keys: provenance_verify::KeyVerifier,
    identity: String,
}

impl provenance_verify::AttestationVerifier for FakeKeyless {
    fn verify(
        &self,
        attestation: &provenance_verify::RawAttestation,
        _now: time::OffsetDateTime,
    ) -> Result<provenance_verify::SignedAttestation, provenance_verify::Rejection> {
        let mut signed = self.keys.verify_envelope(attestation.bytes())?;
        let mut certificate = provenance_verify::SignerIdentity::default();
        certificate.san.clone_from(&self.identity);
        certificate.issuer = Some("https://token.actions.githubusercontent.com".into());
        signed.signer = provenance_verify::Signer::Certificate {
            certificate: Box::new(certificate),
            signed_at: None,
            transparency_log: true,
        };
        Ok(signed)
    }
}

fn keyless_root(identity: &str, seed: u8) -> provenance_verify::TrustRoot {
    let vk = provenance_dsse::Ed25519VerificationKey::new(
        format!("key-{seed}").parse().unwrap(),
        signing_key(seed).verifying_key(),
    );
    let keys = provenance_verify::KeyVerifier::new(
        vec![std::sync::Arc::new(vk)],
        provenance_dsse::Threshold::ONE,
    );
    provenance_verify::TrustRoot::new(
        "keyless",
        Box::new(FakeKeyless {
            keys,
            identity: identity.into(),
        }),
        true,
    )
}

/// Review R0: a certificate identity with a second `@` (a branch named `x@y`) does not parse
/// as a builder id; the signer must then vouch for nothing, not be treated like a key.
#[test]
fn keyless_identity_that_is_not_a_builder_id_vouches_for_nothing() {
    const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
    let st = provenance(
        &[("app", &sha(1))],
        GENERATOR,
        "git+https://github.com/victim/app@refs/heads/main",
        COMMIT,
    );
    let mut source_only = Expectations::default();
    source_only.source_repository = Some(SourceRepo::parse("github.com/victim/app").unwrap());
    let mut with_builder = source_only.clone();
    with_builder.builder = Some(BuilderRule::parse(GENERATOR).unwrap());
    for identity in [
        "https://github.com/attacker/repo/.github/workflows/w.yml@refs/heads/x@y",
        "https://github.com/attacker/repo/.github/workflows/w.yml@refs/tags/v1@x",
        "https://github.com/attacker/repo/.github/workflows/w.yml@refs/heads/main",
    ] {
        for (exp, builders) in [
            (&source_only, vec![]),
            (&with_builder, vec![]),
            (&source_only, vec![BuilderRule::parse(GENERATOR).unwrap()]),
        ] {
            let root = keyless_root(identity, 1)
                .with_builders(builders.clone())
                .with_slsa_level(Some(3));
            let v = Engine::new(vec![root]).unwrap().with_defaults(exp.clone());
            let r = v
                .verify(
                    &[artifact("app", &sha(1))],
                    &set_of(&[envelope(&st, 1)]),
                    NOW,
                )
                .unwrap();
            assert_eq!(
                r.artifacts[0].verdict,
                Verdict::Fail,
                "{identity} with builders {builders:?}"
            );
            let failed = rules_failed(&r.artifacts[0]);
            assert!(
                failed.contains(&Rule::BuilderId) || failed.contains(&Rule::TrustedBuilder),
                "{identity}: {failed:?}"
            );
        }
    }
    // Control: the generator's own identity passes.
    let v = Engine::new(vec![keyless_root(GENERATOR, 1)])
        .unwrap()
        .with_defaults(source_only);
    let r = v
        .verify(
            &[artifact("app", &sha(1))],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(
        r.artifacts[0].verdict,
        Verdict::Pass,
        "{:?}",
        r.artifacts[0].failures
    );
}

fn vsa(subject: &str, hex: &str, verifier: &str, level: u8) -> serde_json::Value {
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": subject, "digest": {"sha256": hex}}],
        "predicateType": "https://slsa.dev/verification_summary/v1",
        "predicate": {
            "verifier": {"id": verifier},
            "timeVerified": "2026-01-01T00:00:00Z",
            "resourceUri": "app",
            "policy": {"uri": "https://example.com/policy"},
            "verificationResult": "PASSED",
            "verifiedLevels": [format!("SLSA_BUILD_LEVEL_{level}")]
        }
    })
}

/// The report on artifact `app` (`sha(1)`) from one root and one statement signed by key 1.
fn verdict_on_app(
    root: provenance_verify::TrustRoot,
    st: &serde_json::Value,
    exp: Expectations,
) -> provenance_verify::ArtifactReport {
    let v = Engine::new(vec![root]).unwrap().with_overrides(exp);
    v.verify(
        &[artifact("app", &sha(1))],
        &set_of(&[envelope(st, 1)]),
        NOW,
    )
    .unwrap()
    .artifacts
    .remove(0)
}

/// Review R2: a VSA earns at most its root's level, the root's `builders` apply to the VSA's
/// `verifier.id`, and a builder expectation is checked against `verifier.id`.
#[test]
fn vsa_level_and_verifier_come_from_the_root_grant() {
    const GATE: &str = "https://deploy.example.com/gate";
    let run = verdict_on_app;
    let mut want_l3 = Expectations::default();
    want_l3.predicate_types = vec!["https://slsa.dev/verification_summary/v1".into()];
    want_l3.min_slsa_level = Some(3);
    let low_root = || {
        key_root("low", 1)
            .with_builders(vec![
                BuilderRule::parse("https://ci.example.com/low-builder").unwrap(),
            ])
            .with_slsa_level(Some(1))
    };
    // A level-1 builder key signing a VSA that claims level 3 from another verifier.
    let r = run(
        low_root(),
        &vsa("app", &sha(1), "https://evil/verifier", 3),
        want_l3.clone(),
    );
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(
        rules_failed(&r),
        [Rule::TrustedBuilder, Rule::SlsaLevel],
        "{:?}",
        r.failures
    );
    // Even naming an allowed id, the VSA earns at most the root's level 1.
    let r = run(
        low_root(),
        &vsa("app", &sha(1), "https://ci.example.com/low-builder", 3),
        want_l3.clone(),
    );
    assert_eq!(rules_failed(&r), [Rule::SlsaLevel]);
    // A root with no level earns none from a VSA.
    let r = run(
        key_root("nolevel", 1),
        &vsa("app", &sha(1), GATE, 3),
        want_l3.clone(),
    );
    assert_eq!(rules_failed(&r), [Rule::SlsaLevel]);
    // The gate's own root, granted level 3: passes at the lower of claim and grant.
    let gate_root = |level| {
        key_root("gate", 1)
            .with_builders(vec![BuilderRule::parse(GATE).unwrap()])
            .with_slsa_level(Some(level))
    };
    let r = run(gate_root(3), &vsa("app", &sha(1), GATE, 3), want_l3.clone());
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.failures);
    assert_eq!(r.slsa_level, Some(3));
    let mut want_l2 = want_l3.clone();
    want_l2.min_slsa_level = Some(2);
    let r = run(gate_root(3), &vsa("app", &sha(1), GATE, 2), want_l2.clone());
    assert_eq!(r.slsa_level, Some(2));
    let r = run(gate_root(2), &vsa("app", &sha(1), GATE, 3), want_l3.clone());
    assert_eq!(rules_failed(&r), [Rule::SlsaLevel]);
    // --builder-id applies to the VSA's verifier.id.
    let mut want_gate = want_l2.clone();
    want_gate.builder = Some(BuilderRule::parse(GATE).unwrap());
    let r = run(
        key_root("any", 1).with_slsa_level(Some(3)),
        &vsa("app", &sha(1), GATE, 3),
        want_gate.clone(),
    );
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.failures);
    let r = run(
        key_root("any", 1).with_slsa_level(Some(3)),
        &vsa("app", &sha(1), "https://evil/verifier", 3),
        want_gate,
    );
    assert_eq!(rules_failed(&r), [Rule::BuilderId]);
    // A root confined to builders may not sign other predicate types.
    let mut other = provenance(&[("app", &sha(1))], BUILDER, REPO, COMMIT);
    other["predicateType"] = "https://example.com/custom/v1".into();
    let mut want_other = Expectations::default();
    want_other.predicate_types = vec!["https://example.com/custom/v1".into()];
    let r = run(low_root(), &other, want_other.clone());
    assert_eq!(rules_failed(&r), [Rule::TrustedBuilder]);
    let r = run(key_root("any", 1), &other, want_other);
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.failures);
}

/// A root whose only attestation is a bare signature over the artifact (a Sigstore message
/// signature), accepted for whatever artifact it is checked against.
#[derive(Debug)]
struct MessageSignatureRoot;

impl provenance_verify::AttestationVerifier for MessageSignatureRoot {
    fn verify(
        &self,
        _attestation: &provenance_verify::RawAttestation,
        _now: time::OffsetDateTime,
    ) -> Result<provenance_verify::SignedAttestation, provenance_verify::Rejection> {
        Err(provenance_verify::Rejection::needs_artifact())
    }

    fn verify_artifact(
        &self,
        _attestation: &provenance_verify::RawAttestation,
        artifact: &DigestSet,
        _now: time::OffsetDateTime,
    ) -> Result<provenance_verify::SignedAttestation, provenance_verify::Rejection> {
        Ok(provenance_verify::SignedAttestation {
            content: provenance_verify::SignedContent::ArtifactDigest(artifact.clone()),
            signer: provenance_verify::Signer::Keys {
                key_ids: vec!["key-1".into()],
                signed_at: None,
            },
        })
    }
}

/// Review R4: a bare artifact signature satisfies neither a root's builders nor any build
/// expectation; with neither it passes (as `cosign verify-blob`).
#[test]
fn bare_artifact_signature_is_not_provenance() {
    let run = |builders: Vec<BuilderRule>, exp: Expectations| {
        let root = provenance_verify::TrustRoot::new("blob", Box::new(MessageSignatureRoot), false)
            .with_builders(builders);
        let v = Engine::new(vec![root]).unwrap().with_overrides(exp);
        v.verify(&[artifact("app", &sha(1))], &set_of(&[b"{}".to_vec()]), NOW)
            .unwrap()
            .artifacts
            .remove(0)
    };
    let r = run(vec![], Expectations::default());
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.failures);
    let r = run(
        vec![BuilderRule::parse("https://ci.example.com/builder").unwrap()],
        Expectations::default(),
    );
    assert_eq!(rules_failed(&r), [Rule::TrustedBuilder]);
    let mut source = Expectations::default();
    source.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
    let r = run(vec![], source);
    assert_eq!(rules_failed(&r), [Rule::PredicateType]);
    let mut builder = Expectations::default();
    builder.builder = Some(BuilderRule::parse("https://ci.example.com/builder").unwrap());
    let r = run(vec![], builder);
    assert_eq!(rules_failed(&r), [Rule::PredicateType]);
}

/// Red-team finding: with GitHub's constraints (`--repo`, `--owner`, `--signer-*`) the root
/// names whose provenance it wants, as gh's default predicate type does: a bare blob signature
/// from the repository's workflow says nothing of the source and is not accepted.
#[test]
fn bare_artifact_signature_is_refused_when_the_root_names_the_signer() {
    let root = provenance_verify::TrustRoot::new("gh", Box::new(MessageSignatureRoot), true)
        .with_named_signer(true);
    let v = Engine::new(vec![root]).unwrap();
    let r = v
        .verify(&[artifact("app", &sha(1))], &set_of(&[b"{}".to_vec()]), NOW)
        .unwrap()
        .artifacts
        .remove(0);
    assert_eq!(rules_failed(&r), [Rule::PredicateType]);
    assert_eq!(
        r.failures[0].actual.as_deref(),
        Some("a signature over the artifact, with no statement")
    );
}

/// Review finding 13: a VSA's `timeVerified` later than the verification time (beyond the
/// clock skew) fails like a future `finishedOn`, and `max_age` measures from it.
#[test]
fn vsa_time_verified_is_judged_like_build_times() {
    let run = |st: &serde_json::Value, max_age: Option<u64>| {
        let mut exp = Expectations::default();
        exp.predicate_types = vec!["https://slsa.dev/verification_summary/v1".into()];
        exp.max_age = max_age.map(std::time::Duration::from_secs);
        verdict_on_app(key_root("gate", 1), st, exp)
    };
    let fresh = vsa("app", &sha(1), "https://deploy.example.com/gate", 2);
    let r = run(&fresh, None);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason());
    let mut future = fresh.clone();
    future["predicate"]["timeVerified"] = "2031-01-01T00:00:00Z".into();
    let r = run(&future, None);
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.failures[0].rule, Rule::BuildTime, "{}", r.reason());
    assert!(
        r.reason().contains("timeVerified 2031-01-01T00:00:00Z"),
        "{}",
        r.reason()
    );
    // timeVerified is a day before NOW: within two days, not within an hour.
    let r = run(&fresh, Some(2 * 86400));
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason());
    let r = run(&fresh, Some(3600));
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.failures[0].rule, Rule::Age, "{}", r.reason());
    assert!(
        r.reason()
            .contains("86400s ago (claimed timeVerified 2026-01-01T00:00:00Z)"),
        "{}",
        r.reason()
    );
}
