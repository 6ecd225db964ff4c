//! Time: `max_age` is measured from the verified signing time when there is one, and a claimed
//! `startedOn` / `finishedOn` in the future, or after the verified signing time, beyond
//! `CLOCK_SKEW`, fails with its own rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::time::Duration;

use common::*;
use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::rules::SourceRepo;
use provenance_verify::{
    Artifact, CLOCK_SKEW, Engine, Expectations, Rule, RuleFailure, TrustRoot, Verdict,
};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-01-02 00:00 UTC);
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";

/// A keyless root stand-in: checks the Ed25519 signature, then reports a Fulcio certificate of
/// slsa-github-generator for github.com/example/app, signed at `signed_at` (what a log
/// integration time or an RFC 3161 timestamp would give).
#[derive(Debug)]
struct FakeKeyless {
    keys: provenance_verify::KeyVerifier,
    signed_at: Option<OffsetDateTime>,
}

impl provenance_verify::AttestationVerifier for FakeKeyless {
    fn verify(
        &self,
        attestation: &provenance_verify::RawAttestation,
        _now: OffsetDateTime,
    ) -> Result<provenance_verify::SignedAttestation, provenance_verify::Rejection> {
        let mut signed = self.keys.verify_envelope(attestation.bytes())?;
        let mut certificate = provenance_verify::SignerIdentity::default();
        certificate.san = GENERATOR.into();
        certificate.issuer = Some("https://token.actions.githubusercontent.com".into());
        certificate.build_signer_uri = Some(GENERATOR.into());
        certificate.source_repository_uri = Some("https://github.com/example/app".into());
        certificate.source_repository_ref = Some("refs/heads/main".into());
        certificate.source_repository_digest = Some(COMMIT.into());
        signed.signer = provenance_verify::Signer::Certificate {
            certificate: Box::new(certificate),
            signed_at: self.signed_at,
            transparency_log: true,
        };
        Ok(signed)
    }
}

fn keyless_root(signed_at: Option<&str>) -> TrustRoot {
    let vk = provenance_dsse::Ed25519VerificationKey::new(
        "key-1".parse().unwrap(),
        signing_key(1).verifying_key(),
    );
    let keys = provenance_verify::KeyVerifier::new(
        vec![std::sync::Arc::new(vk)],
        provenance_dsse::Threshold::ONE,
    );
    TrustRoot::new(
        "keyless",
        Box::new(FakeKeyless {
            keys,
            signed_at: signed_at.map(|t| {
                OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
            }),
        }),
        true,
    )
}

/// A generator statement for `app` claiming these build times (`None`: field absent).
fn statement(started: Option<&str>, finished: Option<&str>) -> Vec<u8> {
    let mut st = provenance(
        &[("app", &sha(1))],
        GENERATOR,
        "git+https://github.com/example/app@refs/heads/main",
        COMMIT,
    );
    let metadata = &mut st["predicate"]["runDetails"]["metadata"];
    metadata["startedOn"] = started.map_or(json!(null), |t| json!(t));
    metadata["finishedOn"] = finished.map_or(json!(null), |t| json!(t));
    let m = metadata.as_object_mut().unwrap();
    m.retain(|_, v| !v.is_null());
    envelope(&st, 1)
}

struct Case {
    name: &'static str,
    /// The verified signing time (`None`: a key signer has none).
    signed_at: Option<&'static str>,
    started: Option<&'static str>,
    finished: Option<&'static str>,
    max_age: Option<Duration>,
    /// `None`: pass; else every failure's `describe()`, in order.
    fails: Option<&'static [&'static str]>,
}

const DAY: Duration = Duration::from_secs(86_400);

#[test]
fn clock_skew_is_five_minutes() {
    assert_eq!(CLOCK_SKEW, Duration::from_secs(300));
}

#[test]
fn build_times_and_age_against_the_verified_signing_time() {
    let cases = [
        Case {
            name: "recent claims, old signature: the age is the signature's, and the claims lie",
            signed_at: Some("2025-11-01T00:00:00Z"),
            started: Some("2026-01-01T23:00:00Z"),
            finished: Some("2026-01-01T23:30:00Z"),
            max_age: Some(DAY),
            fails: Some(&[
                "build-time: expected startedOn no later than the verified signing time 2025-11-01T00:00:00Z (+300s), found startedOn 2026-01-01T23:00:00Z",
                "build-time: expected finishedOn no later than the verified signing time 2025-11-01T00:00:00Z (+300s), found finishedOn 2026-01-01T23:30:00Z",
                "age: expected made at most 86400s before verification, found 5356800s ago (verified signing time 2025-11-01T00:00:00Z)",
            ]),
        },
        Case {
            name: "old signature, honest claims: too old by the signing time",
            signed_at: Some("2025-11-01T00:00:00Z"),
            started: Some("2025-10-31T23:50:00Z"),
            finished: Some("2025-10-31T23:59:00Z"),
            max_age: Some(Duration::from_secs(30 * 86_400)),
            fails: Some(&[
                "age: expected made at most 2592000s before verification, found 5356800s ago (verified signing time 2025-11-01T00:00:00Z)",
            ]),
        },
        Case {
            name: "old claims, recent signature: the signing time decides the age",
            signed_at: Some("2026-01-01T12:00:00Z"),
            started: Some("2025-06-01T00:00:00Z"),
            finished: Some("2025-06-01T01:00:00Z"),
            max_age: Some(DAY),
            fails: None,
        },
        Case {
            name: "finishedOn just over the skew after the signing time",
            signed_at: Some("2026-01-01T00:04:59Z"),
            started: Some("2026-01-01T00:00:00Z"),
            finished: Some("2026-01-01T00:10:00Z"),
            max_age: None,
            fails: Some(&[
                "build-time: expected finishedOn no later than the verified signing time 2026-01-01T00:04:59Z (+300s), found finishedOn 2026-01-01T00:10:00Z",
            ]),
        },
        Case {
            name: "finishedOn exactly the skew after the signing time",
            signed_at: Some("2026-01-01T00:05:00Z"),
            started: Some("2026-01-01T00:00:00Z"),
            finished: Some("2026-01-01T00:10:00Z"),
            max_age: None,
            fails: None,
        },
        Case {
            name: "a signing time at the end of the range does not overflow",
            signed_at: Some("9999-12-31T23:59:59Z"),
            started: Some("2026-01-01T00:00:00Z"),
            finished: Some("2026-01-01T00:10:00Z"),
            max_age: None,
            fails: None,
        },
        Case {
            name: "no claimed times: the signing time alone",
            signed_at: Some("2026-01-01T23:00:00Z"),
            started: None,
            finished: None,
            max_age: Some(DAY),
            fails: None,
        },
    ];
    for case in cases {
        let mut e = Expectations::default();
        e.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
        e.max_age = case.max_age;
        let v = Engine::new(vec![keyless_root(case.signed_at)])
            .unwrap()
            .with_defaults(e);
        check(
            &v,
            &statement(case.started, case.finished),
            case.name,
            case.fails,
        );
    }
}

#[test]
fn future_claims_without_a_signing_time() {
    let cases = [
        Case {
            name: "finishedOn a day in the future, no age limit",
            signed_at: None,
            started: Some("2026-01-01T00:00:00Z"),
            finished: Some("2026-01-03T00:00:00Z"),
            max_age: None,
            fails: Some(&[
                "build-time: expected finishedOn no later than the verification time 2026-01-02T00:00:00Z (+300s), found finishedOn 2026-01-03T00:00:00Z",
            ]),
        },
        Case {
            name: "a future finishedOn would otherwise satisfy any age limit",
            signed_at: None,
            started: Some("2026-01-05T00:00:00Z"),
            finished: Some("2026-01-05T00:10:00Z"),
            max_age: Some(DAY),
            fails: Some(&[
                "build-time: expected startedOn no later than the verification time 2026-01-02T00:00:00Z (+300s), found startedOn 2026-01-05T00:00:00Z",
                "build-time: expected finishedOn no later than the verification time 2026-01-02T00:00:00Z (+300s), found finishedOn 2026-01-05T00:10:00Z",
            ]),
        },
        Case {
            name: "within the skew of the verification time",
            signed_at: None,
            started: Some("2026-01-01T23:50:00Z"),
            finished: Some("2026-01-02T00:04:00Z"),
            max_age: Some(DAY),
            fails: None,
        },
        Case {
            name: "no signing time: the claimed finishedOn decides the age",
            signed_at: None,
            started: Some("2025-12-30T00:00:00Z"),
            finished: Some("2025-12-31T00:00:00Z"),
            max_age: Some(DAY),
            fails: Some(&[
                "age: expected made at most 86400s before verification, found 172800s ago (claimed finishedOn 2025-12-31T00:00:00Z)",
            ]),
        },
        Case {
            name: "the last representable instant does not overflow",
            signed_at: None,
            started: Some("9999-12-31T23:59:59Z"),
            finished: None,
            max_age: None,
            fails: Some(&[
                "build-time: expected startedOn no later than the verification time 2026-01-02T00:00:00Z (+300s), found startedOn 9999-12-31T23:59:59Z",
            ]),
        },
        Case {
            name: "no time at all",
            signed_at: None,
            started: None,
            finished: None,
            max_age: Some(DAY),
            fails: Some(&[
                "age: expected made at most 86400s before verification, but the statement has no such field",
            ]),
        },
    ];
    for case in cases {
        let mut e = Expectations::default();
        e.max_age = case.max_age;
        e.source_repository = Some(SourceRepo::parse("github.com/example/app").unwrap());
        let v = Engine::new(vec![key_root("release", 1)])
            .unwrap()
            .with_defaults(e);
        check(
            &v,
            &statement(case.started, case.finished),
            case.name,
            case.fails,
        );
    }
}

/// A claimed time that is not RFC 3339 is refused, not ignored: the statement does not
/// validate as SLSA provenance (read once, with provenance-model's types), and the reason names
/// the field.
#[test]
fn a_claimed_time_that_is_not_rfc3339_refuses_the_statement() {
    let v = Engine::new(vec![key_root("release", 1)]).unwrap();
    let r = v
        .verify(
            &[Artifact::new(
                "app",
                DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap(),
            )],
            &set_of(&[statement(
                Some("2026-01-01T00:00:00Z"),
                Some("2100-01-01 00:00:00"),
            )]),
            NOW,
        )
        .unwrap();
    let a = &r.artifacts[0];
    assert_eq!(a.verdict, Verdict::Fail);
    let got: Vec<String> = a.failures.iter().map(RuleFailure::describe).collect();
    assert!(
        got.iter().any(|f| f.contains(
            "predicate.runDetails.metadata.finishedOn: \"2100-01-01 00:00:00\" is not an RFC 3339 timestamp"
        )),
        "{got:?}"
    );
}

fn check(v: &Engine, envelope: &[u8], name: &str, fails: Option<&[&str]>) {
    let r = v
        .verify(
            &[Artifact::new(
                "app",
                DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap(),
            )],
            &set_of(&[envelope.to_vec()]),
            NOW,
        )
        .unwrap();
    let a = &r.artifacts[0];
    let got: Vec<String> = a.failures.iter().map(RuleFailure::describe).collect();
    match fails {
        None => assert_eq!(a.verdict, Verdict::Pass, "{name}: {got:?}"),
        Some(want) => {
            assert_eq!(a.verdict, Verdict::Fail, "{name}");
            assert_eq!(got, want, "{name}");
            assert!(
                a.failures
                    .iter()
                    .all(|f| matches!(f.rule, Rule::Age | Rule::BuildTime)),
                "{name}"
            );
        }
    }
}
