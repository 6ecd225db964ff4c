//! What a statement claims is judged everywhere it says it: contradictory source claims fail a
//! source expectation (review finding 14); an expected external parameter `a.b` is the nested
//! path, never a literal top-level key `"a.b"`, and numbers compare exactly (finding 11).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::*;
use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::rules::{RefExpectation, SourceRepo};
use provenance_verify::{Artifact, Engine, Expectations, Rule, Verdict};
use serde_json::{Value, json};
use time::macros::datetime;

const NOW: time::OffsetDateTime = datetime!(2026-01-02 00:00 UTC);
const SOURCE: &str = "git+https://github.com/o/app@refs/tags/v1.2.3";

fn judge(statement: &Value, exp: Expectations) -> provenance_verify::ArtifactReport {
    let engine = Engine::new(vec![key_root("release", 1)])
        .unwrap()
        .with_overrides(exp);
    let digests = DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap();
    let report = engine
        .verify(
            &[Artifact::new("app", digests)],
            &set_of(&[envelope(statement, 1)]),
            NOW,
        )
        .unwrap();
    report.artifacts.into_iter().next().unwrap()
}

fn base() -> Value {
    provenance(
        &[("app", &sha(1))],
        "https://ci.example.com/builder@v1",
        SOURCE,
        &sha(7)[..40],
    )
}

fn ext(st: &mut Value) -> &mut Value {
    &mut st["predicate"]["buildDefinition"]["externalParameters"]
}

fn expect_source() -> Expectations {
    let mut e = Expectations::default();
    e.source_repository = Some(SourceRepo::parse("github.com/o/app").unwrap());
    e
}

#[test]
fn agreeing_claims_pass() {
    let mut e = expect_source();
    e.source_ref = Some(RefExpectation::Tag("v1.2.3".into()));
    let r = judge(&base(), e);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason());
}

#[test]
fn a_requested_source_that_contradicts_the_resolved_one_fails() {
    let mut st = base();
    ext(&mut st)["source"] = json!({"uri": "git+https://github.com/o/app-evil@refs/tags/v1.2.3"});
    let r = judge(&st, expect_source());
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.reason());
    assert_eq!(r.failures[0].rule, Rule::SourceRepository);
    assert!(
        r.reason()
            .contains("github.com/o/app-evil in externalParameters.source"),
        "{}",
        r.reason()
    );
    // Without a source expectation nothing is judged on it.
    let mut e = Expectations::default();
    e.max_age = Some(std::time::Duration::from_secs(86400 * 30));
    assert_eq!(judge(&st, e).verdict, Verdict::Pass);
}

#[test]
fn a_requested_ref_that_contradicts_the_resolved_one_fails() {
    let mut st = base();
    ext(&mut st)["source"]["ref"] = json!("refs/heads/evil");
    let mut e = expect_source();
    e.source_ref = Some(RefExpectation::Tag("v1.2.3".into()));
    let r = judge(&st, e);
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.reason());
    assert_eq!(r.failures[0].rule, Rule::SourceRef);
    assert!(
        r.reason()
            .contains("refs/heads/evil in externalParameters.source.ref"),
        "{}",
        r.reason()
    );
    // The workflow parameters too.
    let mut st = base();
    ext(&mut st)["workflow"] =
        json!({"repository": "https://github.com/o/app", "ref": "refs/heads/evil"});
    let mut e = expect_source();
    e.source_ref = Some(RefExpectation::Tag("v1.2.3".into()));
    let r = judge(&st, e);
    assert_eq!(r.failures[0].rule, Rule::SourceRef, "{}", r.reason());
    assert!(
        r.reason().contains("externalParameters.workflow"),
        "{}",
        r.reason()
    );
}

fn expect_param(key: &str, value: Value) -> Expectations {
    let mut e = Expectations::default();
    e.external_parameters.insert(key.to_owned(), value);
    e
}

#[test]
fn a_dotted_parameter_is_the_nested_path() {
    let mut st = base();
    ext(&mut st)["workflow"] = json!({"ref": "refs/heads/main", "path": "x.yml"});
    let r = judge(&st, expect_param("workflow.ref", json!("refs/heads/main")));
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.reason());
    // A literal "workflow.ref" key does not stand in for the nested one.
    let mut st = base();
    ext(&mut st)["workflow"] = json!({"ref": "refs/heads/evil"});
    ext(&mut st)["workflow.ref"] = json!("refs/heads/main");
    let r = judge(&st, expect_param("workflow.ref", json!("refs/heads/main")));
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.failures[0].rule, Rule::ExternalParameters);
    assert!(
        r.reason().contains("workflow.ref = \"refs/heads/evil\""),
        "{}",
        r.reason()
    );
    // ...nor is it found alone.
    let mut st = base();
    ext(&mut st)["workflow.ref"] = json!("refs/heads/main");
    let r = judge(&st, expect_param("workflow.ref", json!("refs/heads/main")));
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(
        r.reason().contains("expected workflow.ref"),
        "{}",
        r.reason()
    );
}

#[test]
fn numbers_compare_exactly() {
    let big = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
    let mut st = base();
    ext(&mut st)["n"] = big("100000000000000000001");
    let r = judge(&st, expect_param("n", big("100000000000000000000")));
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.reason());
    assert_eq!(r.failures[0].rule, Rule::ExternalParameters);
    let mut st = base();
    ext(&mut st)["n"] = json!(u64::MAX);
    assert_eq!(
        judge(&st, expect_param("n", json!(u64::MAX))).verdict,
        Verdict::Pass
    );
    assert_eq!(
        judge(&st, expect_param("n", json!(u64::MAX - 1))).verdict,
        Verdict::Fail
    );
    ext(&mut st)["n"] = json!(4);
    assert_eq!(
        judge(&st, expect_param("n", json!(4))).verdict,
        Verdict::Pass
    );
}
