//! Data-driven: every folder of `test-vectors/dsse/` verifies or fails exactly as its
//! `case.json` says.

#![expect(
    clippy::indexing_slicing,
    reason = "test helper reading the checked-in case.json"
)]

use provenance_dsse::{Envelope, Limits, PayloadTypePolicy, Threshold, VerificationKey};
use provenance_keys::PublicKey;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../test-vectors/dsse");

fn run_case(dir: &std::path::Path) -> Result<(), String> {
    let read = |p: &std::path::Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let spec: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("case.json"))?).map_err(|e| e.to_string())?;
    let keys = spec["keys"]
        .as_array()
        .ok_or("keys")?
        .iter()
        .map(|k| {
            let path = format!("{DIR}/keys/{}.pub.pem", k.as_str().unwrap_or_default());
            let pem = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            PublicKey::from_pem(&pem).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let key_refs: Vec<&dyn VerificationKey> = keys.iter().map(|k| k as _).collect();
    let threshold = spec["threshold"]
        .as_u64()
        .and_then(|n| Threshold::new(usize::try_from(n).ok()?))
        .ok_or("threshold")?;
    let policy = match spec["payload_type"].as_str().ok_or("payload_type")? {
        "in-toto" => PayloadTypePolicy::InToto,
        exact => PayloadTypePolicy::Exact(exact.parse().map_err(|e| format!("{e}"))?),
    };
    let expect = spec["expect"].as_str().ok_or("expect")?;
    let result = Envelope::from_slice(&read(&dir.join("envelope.json"))?, &Limits::default())
        .and_then(|env| env.verify(&policy, &key_refs, threshold));
    match (expect, result) {
        ("pass", Ok(verified)) if !verified.payload().is_empty() => Ok(()),
        ("pass", other) => Err(format!("expected pass, got {other:?}")),
        (_, Ok(_)) => Err(format!("expected {expect}, but it verified")),
        (variant, Err(err)) => {
            let debug = format!("{err:?}");
            if debug.starts_with(variant) {
                Ok(())
            } else {
                Err(format!("expected {variant}, got {debug}"))
            }
        }
    }
}

#[test]
fn every_case_has_its_expected_outcome() {
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() || path.ends_with("keys") {
            continue;
        }
        count += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect_fail = name.ends_with("_fail");
        let spec = std::fs::read_to_string(path.join("case.json")).unwrap();
        assert_eq!(
            expect_fail,
            !spec.contains("\"pass\""),
            "{name}: folder suffix vs case.json"
        );
        if let Err(why) = run_case(&path) {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(count >= 18, "only {count} cases found");
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}
