//! Large signed statements cost a small multiple of their bytes (issue #11, review finding
//! 16): three lines, each a statement signed by a trusted key whose `internalParameters` holds
//! a million empty arrays (3 bytes of JSON each, 32 bytes each as a parsed JSON tree), are
//! verified without building what the verifier never reads. A counting global allocator gives the peak of live
//! heap bytes; no clock, no RSS. This file holds one test, so nothing else allocates while it
//! measures.

use std::io::Write as _;

use cap::Cap;
use provenance::digest::{Algorithm, DigestSet};
use provenance::dsse::{Envelope, PayloadType};
use provenance::keys::{KeyAlgorithm, PrivateKey};
use provenance::verify::{Artifact, OffsetDateTime};
use provenance::{KeyRoot, Verdict, Verifier};
use provenance_testkit::statements::{series_digest, series_statement};

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

/// Empty arrays in `internalParameters`.
const ARRAYS: usize = 1_000_000;

/// Lines in the file: more than one, so that verification peaks above the setup (which
/// holds one statement, its envelope and its line).
const COPIES: usize = 3;

/// The peak allowed, in multiples of the file: the lines in flight, their decoded payloads
/// (3/4 of a line each) and what reading and verifying them needs. As JSON trees (and a copy
/// of each predicate) the statements took more than 16 times their lines.
const TIMES: usize = 4;

#[test]
fn large_signed_statements_cost_a_small_multiple_of_their_lines() {
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    // Written as text: the setup never holds the statement as a tree.
    let mut statement: serde_json::Value = serde_json::from_slice(&series_statement(0)).unwrap();
    statement["predicate"]["buildDefinition"]["internalParameters"] =
        serde_json::json!({ "x": "ARRAYS" });
    let arrays = format!("[{}[]]", "[],".repeat(ARRAYS - 1));
    let payload = statement.to_string().replace("\"ARRAYS\"", &arrays);
    drop((statement, arrays));
    let envelope = Envelope::sign(PayloadType::in_toto(), payload.into_bytes(), &[&key]).unwrap();
    let line = envelope.to_json();
    drop(envelope);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.intoto.jsonl");
    let mut file = std::fs::File::create(&path).unwrap();
    for _ in 0..COPIES {
        writeln!(file, "{line}").unwrap();
    }
    drop((file, line));
    let input = usize::try_from(std::fs::metadata(&path).unwrap().len()).unwrap();
    let gate = Verifier::builder()
        .key_root(KeyRoot::new(vec![key.public_key().clone()]))
        .build()
        .unwrap();
    let artifact = Artifact::new(
        "app0.tar.gz",
        DigestSet::single(Algorithm::Sha256, &series_digest(0)).unwrap(),
    );
    let now = OffsetDateTime::now_utc();

    // The setup built the statement as a tree: only what follows is measured.
    let live_before = ALLOCATOR.allocated();
    let setup_peak = ALLOCATOR.max_allocated();
    // Every verified attestation kept (no `for_artifacts`), as `trace` does.
    let mut verification = gate.verification(now);
    verification.add_file(&path).unwrap();
    let verified = verification.finish();
    let report = gate
        .evaluate(std::slice::from_ref(&artifact), &verified, now)
        .unwrap();
    assert_eq!(
        report.artifacts[0].verdict,
        Verdict::Pass,
        "{}",
        report.artifacts[0].reason()
    );
    assert!(
        ALLOCATOR.max_allocated() > setup_peak,
        "verification peaked below the setup ({setup_peak} bytes): nothing was measured"
    );
    assert_eq!(verified.verified_count(), COPIES);
    let peak = ALLOCATOR.max_allocated() - live_before;
    eprintln!(
        "{COPIES} lines, {input} bytes: peak {peak} bytes live ({}% of the input)",
        peak * 100 / input
    );
    assert!(
        peak <= TIMES * input,
        "verifying {COPIES} large statements ({input} bytes) peaked at {peak} live heap bytes, above {TIMES} times the input"
    );
}
