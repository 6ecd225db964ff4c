//! The in-toto/attestation reference validation vectors (transcribed from its Go tests):
//! every vector's expected outcome must hold for the model parser AND for our JSON Schemas.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use provenance_model::{Error, Limits, Provenance, ResourceDescriptor, Statement};
use serde_json::Value;

const VECTORS: &str = "test-vectors/third-party/in-toto-attestation/validation_vectors.jsonl";

struct Vector {
    test: String,
    kind: String,
    expected: String,
    input: Value,
}

fn vectors() -> Vec<Vector> {
    let text = String::from_utf8(common::read(VECTORS)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Vector {
                test: v["test"].as_str().unwrap().to_owned(),
                kind: v["kind"].as_str().unwrap().to_owned(),
                expected: v["expected"].as_str().unwrap().to_owned(),
                input: v["input"].clone(),
            }
        })
        .collect()
}

fn is_valid(expected: &str) -> bool {
    expected == "valid" || expected.starts_with("parses")
}

/// Whether our error is the one the upstream Go error name stands for.
fn same_error(upstream: &str, err: &Error) -> bool {
    let path = |e: &Error| match e {
        Error::MissingField { path } | Error::Empty { path } => path.as_str().to_owned(),
        _ => String::new(),
    };
    let digest_reason = |e: &Error| match e {
        Error::InvalidDigest {
            source: provenance_digest::Error::InvalidDigest { reason, .. },
            ..
        } => *reason,
        _ => "",
    };
    match upstream {
        "ErrInvalidStatementType" => matches!(err, Error::UnsupportedStatementType { .. }),
        "ErrSubjectRequired" => matches!(err, Error::Empty { .. }) && path(err) == "subject",
        "ErrRDRequiredField" => matches!(err, Error::DescriptorEmpty { .. }),
        "ErrDigestRequired" => matches!(err, Error::SubjectDigestMissing { .. }),
        "ErrPredicateTypeRequired" => path(err) == "predicateType",
        "ErrPredicateRequired" => {
            matches!(err, Error::MissingField { .. }) && path(err) == "predicate"
        }
        "ErrInvalidDigestEncoding" => digest_reason(err).contains("hexadecimal"),
        "ErrIncorrectDigestLength" => digest_reason(err).contains("length"),
        "ErrBuildDefinitionRequired" => path(err) == "buildDefinition",
        "ErrBuildTypeRequired" => path(err) == "buildDefinition.buildType",
        "ErrExternalParamsRequired" => path(err) == "buildDefinition.externalParameters",
        "ErrRunDetailsRequired" => path(err) == "runDetails",
        "ErrBuilderRequired" => path(err) == "runDetails.builder",
        "ErrBuilderIdRequired" => path(err) == "runDetails.builder.id",
        other => panic!("unmapped upstream error {other}"),
    }
}

fn parse(kind: &str, input: &Value) -> Result<(), Error> {
    let bytes = serde_json::to_vec(input).unwrap();
    let limits = Limits::default();
    match kind {
        "statement" => Statement::from_slice(&bytes, &limits).map(drop),
        "resource_descriptor" => ResourceDescriptor::from_slice(&bytes, &limits).map(drop),
        "slsa_provenance_v1_predicate" => Provenance::from_slice(&bytes, &limits).map(drop),
        other => panic!("unknown vector kind {other}"),
    }
}

#[test]
fn every_vector_outcome_holds_for_the_parser() {
    let all = vectors();
    assert_eq!(all.len(), 26, "vector file changed");
    let mut failures = Vec::new();
    for v in &all {
        match (parse(&v.kind, &v.input), is_valid(&v.expected)) {
            (Ok(()), true) => {}
            (Err(e), false) if same_error(&v.expected, &e) => {}
            (Ok(()), false) => {
                failures.push(format!("{}: accepted, expected {}", v.test, v.expected));
            }
            (Err(e), _) => failures.push(format!(
                "{}: got `{e}` ({e:?}), expected {}",
                v.test, v.expected
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_vector_outcome_holds_for_the_schemas() {
    let statement = common::schema("in-toto-statement-v1.schema.json");
    let provenance = common::schema("slsa-provenance-v1.schema.json");
    // A schema for a bare descriptor: the $def of the statement schema.
    let rd_doc = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "https://example.invalid/provenance-toolkit/schemas/in-toto-statement-v1.schema.json#/$defs/ResourceDescriptor"
    });
    let rd = common::schema_from_value(&rd_doc);
    let mut failures = Vec::new();
    for v in vectors() {
        let validator = match v.kind.as_str() {
            "statement" => &statement,
            "resource_descriptor" => &rd,
            _ => &provenance,
        };
        let errors = common::schema_errors(validator, &v.input);
        let valid = errors.is_empty();
        if valid != is_valid(&v.expected) {
            failures.push(format!(
                "{}: schema says {} ({errors:?}), expected {}",
                v.test,
                if valid { "valid" } else { "invalid" },
                v.expected
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
