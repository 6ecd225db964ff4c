//! Property tests: emitting then parsing gives back the same value, and no input makes a
//! parser panic.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use proptest::prelude::*;
use provenance_model::{
    BuildDefinition, BuildMetadata, Builder, DigestSet, Limits, Provenance, ProvenanceV02,
    ResourceDescriptor, RunDetails, Statement, Timestamp, TypeUri, VerificationResult,
    VerificationSummary, VsaVerifier,
};
use serde_json::{Map, Value};

fn hex(len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..16, len).prop_map(|v| {
        v.into_iter()
            .map(|n| char::from_digit(u32::from(n), 16).unwrap())
            .collect()
    })
}

fn digest_set() -> impl Strategy<Value = DigestSet> {
    (
        hex(64),
        proptest::option::of(hex(128)),
        proptest::option::of(hex(40)),
        proptest::option::of(("[a-z]{1,8}_custom", "\\PC{0,20}")),
    )
        .prop_map(|(sha256, sha512, commit, custom)| {
            let mut d = DigestSet::new();
            d.insert("sha256", &sha256).unwrap();
            if let Some(v) = sha512 {
                d.insert("sha512", &v).unwrap();
            }
            if let Some(v) = commit {
                d.insert("gitCommit", &v).unwrap();
            }
            if let Some((k, v)) = custom {
                d.insert(&k, &v).unwrap();
            }
            d
        })
}

fn type_uri() -> impl Strategy<Value = TypeUri> {
    "https://[a-z]{1,10}\\.example/[a-zA-Z0-9/@._-]{0,30}".prop_map(|s| s.parse().unwrap())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("\\PC{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_map() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map("[a-zA-Z_]{1,10}", json_value(), 0..4)
        .prop_map(|m| m.into_iter().collect())
}

fn descriptor() -> impl Strategy<Value = ResourceDescriptor> {
    (
        proptest::option::of(digest_set()),
        proptest::option::of("[a-z+]{2,8}://[a-z0-9./@-]{1,30}"),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 1..24)),
        proptest::option::of("\\PC{0,20}"),
        proptest::option::of("[a-z]+/[a-z+.-]+"),
        proptest::collection::btree_map("[a-z]{1,6}", json_value(), 0..3),
    )
        .prop_map(|(digest, uri, content, name, media, annotations)| {
            let mut rd = match (digest, uri, content) {
                (Some(d), _, _) => ResourceDescriptor::from_digest(d),
                (None, Some(u), _) => ResourceDescriptor::from_uri(u),
                (None, None, Some(c)) => ResourceDescriptor::from_content(&c),
                (None, None, None) => ResourceDescriptor::from_uri("https://example.com/x"),
            };
            if let Some(n) = name {
                rd = rd.with_name(n);
            }
            if let Some(m) = media {
                rd = rd.with_media_type(m);
            }
            for (k, v) in annotations {
                rd = rd.with_annotation(k, v);
            }
            rd
        })
}

fn subject() -> impl Strategy<Value = ResourceDescriptor> {
    (digest_set(), "\\PC{0,20}").prop_map(|(d, n)| ResourceDescriptor::from_digest(d).with_name(n))
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000).prop_map(|s| Timestamp::from_unix(s).unwrap())
}

fn provenance() -> impl Strategy<Value = Provenance> {
    (
        type_uri(),
        json_map(),
        proptest::option::of(json_map()),
        proptest::collection::vec(descriptor(), 0..3),
        type_uri(),
        proptest::collection::btree_map("[a-z]{1,6}", "[0-9.]{1,6}", 0..2),
        proptest::option::of((
            "\\PC{1,20}",
            proptest::option::of(timestamp()),
            proptest::option::of(timestamp()),
        )),
        proptest::collection::vec(descriptor(), 0..2),
    )
        .prop_map(|(bt, ext, int, deps, id, version, meta, byproducts)| {
            let mut def = BuildDefinition::new(bt, ext).with_resolved_dependencies(deps);
            if let Some(i) = int {
                def = def.with_internal_parameters(i);
            }
            let mut builder = Builder::new(id);
            for (k, v) in version {
                builder = builder.with_version(k, v);
            }
            let mut run = RunDetails::new(builder).with_byproducts(byproducts);
            if let Some((inv, start, end)) = meta {
                let mut m = BuildMetadata::new().with_invocation_id(inv);
                if let Some(s) = start {
                    m = m.with_started_on(s);
                }
                if let Some(e) = end {
                    m = m.with_finished_on(e);
                }
                run = run.with_metadata(m);
            }
            Provenance::new(def, run)
        })
}

fn vsa() -> impl Strategy<Value = VerificationSummary> {
    (
        type_uri(),
        "\\PC{1,30}",
        descriptor(),
        any::<bool>(),
        proptest::collection::vec("[A-Z_0-9]{1,20}", 0..3),
        proptest::option::of(timestamp()),
        proptest::collection::btree_map("[A-Z_0-9]{1,20}", any::<u64>(), 0..3),
    )
        .prop_map(|(id, resource, policy, passed, levels, time, deps)| {
            let result = if passed {
                VerificationResult::Passed
            } else {
                VerificationResult::Failed
            };
            let mut v =
                VerificationSummary::new(VsaVerifier::new(id), resource, policy, result, levels);
            if let Some(t) = time {
                v = v.with_time_verified(t);
            }
            for (k, n) in deps {
                v = v.with_dependency_level(k, n);
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn slsa_statement_round_trips(subjects in proptest::collection::vec(subject(), 1..4), p in provenance()) {
        let st = Statement::new(subjects, &p).unwrap();
        let bytes = st.to_json_bytes().unwrap();
        let back = Statement::from_slice(&bytes, &Limits::default()).unwrap();
        prop_assert_eq!(&back, &st);
        prop_assert_eq!(back.predicate::<Provenance>(&Limits::default()).unwrap(), p);
        prop_assert_eq!(back.to_json_bytes().unwrap(), bytes);
    }

    #[test]
    fn vsa_round_trips(subjects in proptest::collection::vec(subject(), 1..3), v in vsa()) {
        let st = Statement::new(subjects, &v).unwrap();
        let back = Statement::from_slice(&st.to_json_bytes().unwrap(), &Limits::default()).unwrap();
        prop_assert_eq!(back.predicate::<VerificationSummary>(&Limits::default()).unwrap(), v);
    }

    #[test]
    fn descriptor_round_trips(rd in descriptor()) {
        let bytes = serde_json::to_vec(&rd).unwrap();
        prop_assert_eq!(ResourceDescriptor::from_slice(&bytes, &Limits::default()).unwrap(), rd);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let limits = Limits::default();
        let _ = Statement::from_slice(&bytes, &limits);
        let _ = Provenance::from_slice(&bytes, &limits);
        let _ = ProvenanceV02::from_slice(&bytes, &limits);
        let _ = VerificationSummary::from_slice(&bytes, &limits);
        let _ = ResourceDescriptor::from_slice(&bytes, &limits);
    }

    /// Arbitrary JSON in every position of a statement skeleton: parsing never panics, and
    /// whatever parses writes back to an equal JSON value.
    #[test]
    fn arbitrary_json_never_panics_and_round_trips(
        t in prop_oneof![Just(Value::from(provenance_model::STATEMENT_V1)), json_value()],
        subject in prop_oneof![json_value(), json_value().prop_map(|d| serde_json::json!([{"digest": d}]))],
        predicate_type in prop_oneof![Just(Value::from(provenance_model::SLSA_PROVENANCE_V1)), Just(Value::from(provenance_model::SLSA_PROVENANCE_V02)), Just(Value::from(provenance_model::VSA_V1)), json_value()],
        predicate in json_value(),
    ) {
        let doc = serde_json::json!({"_type": t, "subject": subject, "predicateType": predicate_type, "predicate": predicate});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let limits = Limits::default();
        if let Ok(st) = Statement::from_slice(&bytes, &limits) {
            let _ = st.slsa_provenance(&limits);
            let _ = st.predicate::<VerificationSummary>(&limits);
            let written: Value = serde_json::from_slice(&st.to_json_bytes().unwrap()).unwrap();
            prop_assert_eq!(&written, &doc);
        }
        let _ = Provenance::from_slice(&serde_json::to_vec(&doc["predicate"]).unwrap(), &limits);
        let _ = ProvenanceV02::from_slice(&serde_json::to_vec(&doc["predicate"]).unwrap(), &limits);
    }
}
