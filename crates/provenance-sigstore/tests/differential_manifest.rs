//! Our column of the Sigstore differential test, offline: every case of
//! `test-vectors/differential/CASES.tsv` must get the verdict (and, for FAIL, the `Error`
//! variant) the manifest expects of us. The comparison with sigstore-python and
//! `@sigstore/verify` needs those clients and stays in `scripts/interop/sigstore-differential.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../examples/differential.rs"]
mod differential;

use std::path::Path;

/// A fixed verification time (2027-01-15), after every signature in the corpus.
const NOW: i64 = 1_800_000_000;

#[test]
fn every_case_gets_the_verdict_the_manifest_expects_of_us() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors");
    let manifest = vectors.join("differential/CASES.tsv");
    let verdicts = differential::verdicts(&manifest, &vectors, NOW);
    assert!(verdicts.len() > 300, "{} cases", verdicts.len());
    let wrong: Vec<String> = verdicts
        .iter()
        .filter_map(|(case, result)| {
            let got = match result {
                Ok(()) => "PASS".to_owned(),
                Err(e) => format!("FAIL {}: {e}", differential::variant(e)),
            };
            let ok = match (case.expected.as_str(), result) {
                ("PASS", Ok(())) => true,
                ("FAIL", Err(e)) => {
                    case.reason.is_empty() || differential::variant(e) == case.reason
                }
                _ => false,
            };
            (!ok).then(|| {
                format!(
                    "{}: expected {} {}, got {got}",
                    case.id, case.expected, case.reason
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
