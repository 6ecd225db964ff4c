//! Property tests of `DigestSet`: serde round trips, unknown names kept, `matches` symmetry.

#![allow(clippy::unwrap_used, reason = "test code: a failure is a test failure")]

use std::collections::BTreeMap;

use proptest::prelude::*;
use provenance_digest::{Algorithm, DigestMatch, DigestSet};

fn hex(len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..16, len).prop_map(|v| {
        v.iter()
            .map(|d| char::from_digit(u32::from(*d), 16).unwrap())
            .collect()
    })
}

fn digest_set() -> impl Strategy<Value = DigestSet> {
    (
        proptest::option::of(hex(64)),
        proptest::option::of(hex(128)),
        proptest::collection::btree_map("[a-zA-Z][a-zA-Z0-9_]{0,12}", ".{0,20}", 0..3),
    )
        .prop_filter_map("non-empty", |(sha256, sha512, unknown)| {
            let mut map: BTreeMap<String, String> = unknown
                .into_iter()
                .filter(|(k, _)| k.parse::<Algorithm>().is_err() && !is_spec_name(k))
                .collect();
            if let Some(v) = sha256 {
                map.insert("sha256".into(), v);
            }
            if let Some(v) = sha512 {
                map.insert("sha512".into(), v);
            }
            DigestSet::try_from(map).ok()
        })
}

fn is_spec_name(name: &str) -> bool {
    matches!(
        name,
        "sha3_224"
            | "sha3_256"
            | "sha3_384"
            | "sha3_512"
            | "shake128"
            | "shake256"
            | "blake2b"
            | "blake2s"
            | "ripemd160"
            | "sm3"
            | "gost"
            | "md5"
            | "gitCommit"
            | "gitTree"
            | "gitTag"
    )
}

proptest! {
    #[test]
    fn serde_round_trip_keeps_everything(set in digest_set()) {
        let json = serde_json::to_string(&set).unwrap();
        let back: DigestSet = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &set);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn matches_is_symmetric_and_reflexive(a in digest_set(), b in digest_set()) {
        let accepted = [Algorithm::Sha256, Algorithm::Sha512];
        prop_assert_eq!(a.matches(&b, &accepted), b.matches(&a, &accepted));
        let own = a.matches(&a, &accepted);
        let has_accepted = a.get("sha256").is_some() || a.get("sha512").is_some();
        prop_assert_eq!(own.is_match(), has_accepted);
        if !has_accepted {
            prop_assert_eq!(own, DigestMatch::NoCommonAlgorithm);
        }
    }
}
