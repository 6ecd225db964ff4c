//! Memory per attestation stays bounded (issue #11): verifying N attestations holds what each
//! verdict needs, not N parsed documents.
//!
//! A counting global allocator gives the peak of live heap bytes while 2,000 signed SLSA
//! statements are read from one `.intoto.jsonl` file and verified through the facade, twice:
//! for an artifact known up front (`for_artifacts`: the attestations naming other artifacts
//! are only counted), where the peak must stay below half the file's size, and keeping every
//! verified attestation (as `trace` does), below three times the file's size; each plus a
//! fixed allowance (one batch of attestations in flight, the thread pool). What stays live
//! once verification is over (the kept records: what each verdict needs) must stay below one
//! and a half times the file's size, with no allowance: a kept record grown back to the
//! size of a parsed document fails here. Nothing reads a clock or the process's RSS: the
//! figures are the allocator's own and the same on every run. This file holds one test, so
//! nothing else allocates while it measures (`memory_large.rs` measures one large statement).

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

/// Attestations verified.
const COUNT: usize = 2_000;

/// Live bytes allowed beyond three times the input, whatever the number of attestations: one
/// batch of attestations being verified (their bytes, envelopes, payloads, statements) and the
/// thread pool that parses them.
const ALLOWANCE: usize = 4 << 20;

/// What may stay live after verification, keeping every verified attestation, per byte of
/// input, in halves: the records hold what verdicts and reports need (where each attestation
/// was read, who signed, its digest, subjects and claimed facts, what the statements state
/// alike shared), about 1,650 bytes per 1,200-byte line; they held 2,400 before they were
/// made compact.
const KEPT_HALVES: usize = 3;

#[test]
fn verifying_2000_attestations_holds_less_than_three_times_the_input() {
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.intoto.jsonl");
    // Written line by line: the setup's own peak stays small.
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for n in 0..COUNT {
        let envelope =
            Envelope::sign(PayloadType::in_toto(), series_statement(n), &[&key]).unwrap();
        writeln!(file, "{}", envelope.to_json()).unwrap();
    }
    file.into_inner().unwrap().sync_all().unwrap();
    let input = usize::try_from(std::fs::metadata(&path).unwrap().len()).unwrap();
    let gate = Verifier::builder()
        .key_root(KeyRoot::new(vec![key.public_key().clone()]))
        .build()
        .unwrap();
    let digest = DigestSet::single(Algorithm::Sha256, &series_digest(7)).unwrap();
    let artifact = Artifact::new("app7.tar.gz", digest);
    let now = OffsetDateTime::now_utc();

    // The lower peak first: the allocator's high-water mark only rises.
    for (known_up_front, budget) in [(true, input / 2), (false, 3 * input)] {
        let budget = budget + ALLOWANCE;
        let live_before = ALLOCATOR.allocated();
        assert!(
            ALLOCATOR.max_allocated() < live_before + budget,
            "the setup peaked at {} bytes: the measurement below would see nothing",
            ALLOCATOR.max_allocated()
        );
        let mut verification = gate.verification(now);
        if known_up_front {
            verification = verification.for_artifacts(std::slice::from_ref(&artifact));
        }
        verification.add_file(&path).unwrap();
        let verified = verification.finish();
        let report = gate
            .evaluate(std::slice::from_ref(&artifact), &verified, now)
            .unwrap();
        let peak = ALLOCATOR.max_allocated() - live_before;
        let kept = ALLOCATOR.allocated().saturating_sub(live_before);

        assert_eq!(
            verified.verified_count(),
            COUNT,
            "{:?}",
            verified.rejected().first()
        );
        assert_eq!(
            report.artifacts[0].verdict,
            Verdict::Pass,
            "{}",
            report.artifacts[0].reason()
        );
        eprintln!(
            "{COUNT} attestations, {input} bytes, known up front: {known_up_front}: peak {peak} bytes live ({}% of the input), {kept} kept ({} per attestation)",
            peak * 100 / input,
            kept / COUNT
        );
        assert!(
            peak <= budget,
            "verifying {COUNT} attestations ({input} bytes, artifact known up front: {known_up_front}) peaked at {peak} live heap bytes, above the budget of {budget}"
        );
        assert!(
            kept * 2 <= input * KEPT_HALVES,
            "verifying {COUNT} attestations ({input} bytes, artifact known up front: {known_up_front}) kept {kept} live heap bytes ({} per attestation), above {KEPT_HALVES}/2 of the input",
            kept / COUNT
        );
        drop((verified, report));
    }
}
