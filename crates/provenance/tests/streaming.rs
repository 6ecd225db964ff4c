//! `Verifier::verification`: attestations verified as they are read, in batches, give the same
//! verdicts as a set read whole; verified for known artifacts (`for_artifacts`), the
//! attestations naming other artifacts are only counted, with the same report, and any other
//! artifact is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write as _;
use std::path::Path;

use provenance::digest::{Algorithm, DigestSet, hash_bytes};
use provenance::dsse::{Envelope, PayloadType};
use provenance::keys::{KeyAlgorithm, PrivateKey};
use provenance::verify::{Artifact, AttestationSet, OffsetDateTime, Report, Verdict, VerifiedSet};
use provenance::{KeyRoot, Verifier};
use provenance_testkit::statements::{series_artifact, series_digest, series_statement};

/// More than one batch of attestations.
const COUNT: usize = 300;

/// A subject naming only SHA-512 (as npm's), for the bytes `npm package`.
fn sha512_statement() -> Vec<u8> {
    let digest = hash_bytes(b"npm package", &[Algorithm::Sha512]).unwrap();
    serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "pkg.tgz", "digest": digest}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {"buildType": "https://example.com/build/v1", "externalParameters": {}},
            "runDetails": {"builder": {"id": "https://ci.example.com/builder@v1"}}
        }
    })
    .to_string()
    .into_bytes()
}

/// `COUNT` signed statements of the series, a line that is no attestation, a statement signed
/// by another key, and a SHA-512 subject.
fn write_file(path: &Path, key: &PrivateKey) {
    let other = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    let line = |payload: Vec<u8>, key: &PrivateKey| {
        Envelope::sign(PayloadType::in_toto(), payload, &[key])
            .unwrap()
            .to_json()
    };
    for n in 0..COUNT {
        writeln!(file, "{}", line(series_statement(n), key)).unwrap();
        if n == 10 {
            writeln!(file, "not an attestation").unwrap();
            writeln!(file, "{}", line(series_statement(n), &other)).unwrap();
        }
    }
    writeln!(file, "{}", line(sha512_statement(), key)).unwrap();
}

fn sha256(n: usize) -> Artifact {
    Artifact::new(
        format!("app{n}.tar.gz"),
        DigestSet::single(Algorithm::Sha256, &series_digest(n)).unwrap(),
    )
}

fn json(report: &Report) -> String {
    serde_json::to_string(report).unwrap()
}

struct Fixture {
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
    verifier: Verifier,
    now: OffsetDateTime,
}

fn fixture() -> Fixture {
    let key = PrivateKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.intoto.jsonl");
    write_file(&path, &key);
    let verifier = Verifier::builder()
        .key_root(KeyRoot::new(vec![key.public_key().clone()]))
        .build()
        .unwrap();
    Fixture {
        dir,
        path,
        verifier,
        now: OffsetDateTime::now_utc(),
    }
}

impl Fixture {
    fn streamed(&self, artifacts: Option<&[Artifact]>) -> VerifiedSet {
        let mut verification = self.verifier.verification(self.now);
        if let Some(artifacts) = artifacts {
            verification = verification.for_artifacts(artifacts);
        }
        verification.add_file(&self.path).unwrap();
        assert_eq!(verification.len(), COUNT + 2);
        verification.finish()
    }

    fn whole(&self) -> VerifiedSet {
        let mut set = AttestationSet::new();
        set.add_file(&self.path, self.verifier.limits()).unwrap();
        self.verifier.verify_attestations(&set, self.now)
    }
}

#[test]
fn streamed_and_filtered_verification_give_the_same_report_as_the_whole_set() {
    let f = fixture();
    let uncovered = Artifact::new(
        "x",
        DigestSet::single(Algorithm::Sha256, &"ab".repeat(32)).unwrap(),
    );
    let artifacts = [sha256(7), sha256(299), uncovered];
    let whole = f.whole();
    let streamed = f.streamed(None);
    let filtered = f.streamed(Some(&artifacts));
    for set in [&whole, &streamed, &filtered] {
        assert_eq!(set.verified_count(), COUNT + 1);
        assert_eq!(set.rejected().len(), 1);
        assert_eq!(set.rejected()[0].origin.line(), 13);
        assert_eq!(set.skipped().len(), 1);
        assert_eq!(set.skipped()[0].origin.line(), 12);
        assert_eq!(
            set.subject_algorithms(),
            [Algorithm::Sha256, Algorithm::Sha512]
        );
    }
    assert_eq!(whole.verified().len(), COUNT + 1);
    assert_eq!(streamed.verified().len(), COUNT + 1);
    // Only the statements for app7 and app299 are kept (the artifacts are given digests: the
    // SHA-512 subject cannot match them).
    assert_eq!(filtered.verified().len(), 2);
    let report = f.verifier.evaluate(&artifacts, &whole, f.now).unwrap();
    assert_eq!(report.artifacts[0].verdict, Verdict::Pass);
    assert_eq!(report.artifacts[1].verdict, Verdict::Pass);
    assert_eq!(report.artifacts[2].verdict, Verdict::Fail);
    assert!(
        report.artifacts[2]
            .reason()
            .contains("301 verified attestation(s) name other subjects"),
        "{}",
        report.artifacts[2].reason()
    );
    for set in [&streamed, &filtered] {
        assert_eq!(
            json(&f.verifier.evaluate(&artifacts, set, f.now).unwrap()),
            json(&report)
        );
    }
}

#[test]
fn a_set_verified_for_other_artifacts_refuses_to_judge_this_one() {
    let f = fixture();
    let filtered = f.streamed(Some(&[sha256(7)]));
    let report = f.verifier.evaluate(&[sha256(8)], &filtered, f.now).unwrap();
    assert_eq!(report.artifacts[0].verdict, Verdict::Fail);
    assert!(
        report.artifacts[0]
            .reason()
            .contains("they were verified for other artifacts only"),
        "{}",
        report.artifacts[0].reason()
    );
    // The whole set judges it.
    let report = f
        .verifier
        .evaluate(&[sha256(8)], &f.whole(), f.now)
        .unwrap();
    assert_eq!(
        report.artifacts[0].verdict,
        Verdict::Pass,
        "{}",
        report.artifacts[0].reason()
    );
}

#[test]
fn a_file_hashed_with_sha256_first_is_judged_after_hashing_with_the_subjects_algorithms() {
    let f = fixture();
    let hashed = |bytes: &[u8], algorithms: &[Algorithm]| {
        Artifact::hashed("file", hash_bytes(bytes, algorithms).unwrap())
    };
    // Known up front with SHA-256 only, as `verify` hashes files before reading attestations.
    let known = [
        hashed(b"npm package", &[Algorithm::Sha256]),
        hashed(&series_artifact(3), &[Algorithm::Sha256]),
    ];
    let filtered = f.streamed(Some(&known));
    let algorithms = filtered.subject_algorithms();
    assert_eq!(algorithms, [Algorithm::Sha256, Algorithm::Sha512]);
    for artifact in [
        hashed(b"npm package", &algorithms),
        hashed(b"npm package", &[Algorithm::Sha512]),
        hashed(&series_artifact(3), &algorithms),
    ] {
        let report = f.verifier.evaluate(&[artifact], &filtered, f.now).unwrap();
        assert_eq!(
            report.artifacts[0].verdict,
            Verdict::Pass,
            "{}",
            report.artifacts[0].reason()
        );
    }
}

#[test]
fn verify_files_with_a_file_and_a_digest() {
    let f = fixture();
    let artifact = f.dir.path().join("app3.tar.gz");
    std::fs::write(&artifact, series_artifact(3)).unwrap();
    let digest = format!("sha256:{}", series_digest(5));
    let report = f
        .verifier
        .verify_files(&[artifact.to_str().unwrap(), &digest], &[&f.path])
        .unwrap();
    assert!(
        report.passed(),
        "{:?}",
        report
            .artifacts
            .iter()
            .map(provenance::verify::ArtifactReport::reason)
            .collect::<Vec<_>>()
    );
    assert_eq!(report.signature_checks, COUNT + 2);
}
