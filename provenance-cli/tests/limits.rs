//! Input bounds at the limit and one past it, through the library (with the documented
//! defaults, or small configured values where building the default-sized input would be slow)
//! and through the CLI (a 200 MB line streamed through a pipe, with the child's peak RSS read
//! from `/proc/<pid>/status`; sparse files for the file-size bound; hostile key-derivation
//! costs under a timeout and an address-space cap).
//!
//! The documented defaults this file pins (change both together):
//! - provenance-verify `Limits::DEFAULT`: 256 MiB per attestation file, 32 MiB per line,
//!   100,000 lines per file, 100,000 attestations, 10,000 files per directory.
//! - provenance-dsse `Limits::DEFAULT`: 64 MiB per envelope, 16 signatures.
//! - provenance-model `Limits::default()`: 16 MiB payload, 1024 subjects, 32 digests per
//!   descriptor, 10,000 descriptors per list, nesting depth 64.
//! - provenance-sigstore `Limits::DEFAULT`: `MAX_BUNDLE_BYTES` 64 MiB, `MAX_TLOG_ENTRIES` 32,
//!   `MAX_TIMESTAMPS` 32, `MAX_CHAIN_LEN` 10, trusted roots 4 MiB.
//! - provenance-keys: key files and `env://` keys at most 1 MiB; cosign scrypt N in
//!   {2^15, 2^16, 2^17}, r = 8, p = 1.
//! - `provenance inspect`: files of at most 256 MiB.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    clippy::cast_possible_truncation
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use provenance::dsse::{Envelope, Error as DsseError, Limits as DsseLimits};
use provenance::model::{Error as ModelError, LimitKind, Limits as ModelLimits, Statement};
use provenance::sigstore::{
    Bundle, Error as SigstoreError, MAX_BUNDLE_BYTES, MAX_CHAIN_LEN, MAX_TIMESTAMPS,
    MAX_TLOG_ENTRIES, TrustedRoot,
};
use provenance::verify::{AttestationSet, Error as VerifyError, Limits as VerifyLimits};
use provenance_testkit::der::{b64, int, octets, seq};
use serde_json::{Value, json};

const MIB: usize = 1 << 20;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

// ---------------------------------------------------------------------------------------------
// Running the CLI with a timeout, an address-space cap and a peak-RSS reading.

/// Writes a child's stdin (or a pipe) on a thread.
type Feed = Box<dyn FnOnce(&mut dyn std::io::Write) + Send>;

struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident set (`VmHWM`) seen while the child ran, in KiB.
    peak_kib: u64,
    timed_out: bool,
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `provenance ARGS` under `ulimit -v` (so a runaway allocation fails inside the child
/// instead of hurting the machine), feeding `stdin_bytes` (streamed by a thread, a broken pipe
/// is fine) and sampling the child's peak RSS until it exits or `timeout` passes.
fn run_measured(
    dir: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    stdin: Option<Feed>,
    timeout: Duration,
) -> Measured {
    let mut script = String::from("ulimit -v 4000000; exec \"$0\"");
    for i in 1..=args.len() {
        let _ = write!(script, " \"${i}\"");
    }
    let mut cmd = Command::new("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(script)
        .arg(provenance_testkit::cli!().bin())
        .args(args)
        .env_remove("PROVENANCE_PASSWORD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env("RUST_BACKTRACE", "0")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();
    let writer = stdin.map(|feed| {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || feed(&mut pipe))
    });
    let out_reader = provenance_testkit::drain(child.stdout.take().unwrap());
    let err_reader = provenance_testkit::drain(child.stderr.take().unwrap());
    let mut peak = 0;
    let status = provenance_testkit::wait_timeout(
        &mut child,
        start,
        (timeout, Duration::from_millis(2)),
        || {
            if let Some(kib) = vm_hwm_kib(pid) {
                peak = peak.max(kib);
            }
        },
    );
    let timed_out = status.is_none();
    let elapsed = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    Measured {
        code: status.and_then(|s| s.code()),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
        elapsed,
        peak_kib: peak,
        timed_out,
    }
}

fn describe(m: &Measured) -> String {
    format!(
        "exit {:?} after {:?} (timed out: {}), peak RSS {} MiB\nstdout: {}\nstderr: {}",
        m.code,
        m.elapsed,
        m.timed_out,
        m.peak_kib / 1024,
        m.stdout.chars().take(500).collect::<String>(),
        m.stderr.chars().take(1000).collect::<String>()
    )
}

fn keypair(dir: &Path) {
    provenance_testkit::ok(
        &provenance_testkit::cli!().run(dir, &["keygen", "--output", "key.pem"]),
    );
}

/// Streams `{"payloadType":"x","payload":"AAAA…` of `total` bytes (no newline).
fn huge_line(total: usize) -> Feed {
    Box::new(move |w: &mut dyn std::io::Write| {
        let head = br#"{"payloadType":"application/vnd.in-toto+json","signatures":[],"payload":""#;
        if w.write_all(head).is_err() {
            return;
        }
        let chunk = vec![b'A'; MIB];
        let mut left = total - head.len();
        while left > 0 {
            let n = left.min(chunk.len());
            if w.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n;
        }
    })
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------------
// Bytes per line and per file.

/// A 200 MB line streamed through a named pipe to `verify --attestation` is refused with the
/// line limit after reading at most 32 MiB; memory stays small.
#[test]
fn verify_refuses_a_200_mb_line_from_a_pipe_with_small_memory() {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path());
    let fifo = dir.path().join("att.intoto.jsonl");
    mkfifo(&fifo);
    let feeder = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Opening blocks until the reader opens; a broken pipe ends the feed.
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                huge_line(200_000_000)(&mut f);
            }
        })
    };
    let m = run_measured(
        dir.path(),
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            fifo.to_str().unwrap(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
        &[],
        None,
        Duration::from_secs(60),
    );
    // Unblock the feeder if the CLI never opened the pipe.
    if !feeder.is_finished() {
        let _ = std::fs::File::open(&fifo);
    }
    let _ = feeder.join();
    println!("verify, 200 MB line: {}", describe(&m));
    assert_eq!(m.code, Some(2), "{}", describe(&m));
    assert!(
        m.stderr.contains("longer than the limit of 33554432 bytes"),
        "{}",
        describe(&m)
    );
    assert!(m.elapsed < Duration::from_secs(20), "{}", describe(&m));
    // The line limit is 32 MiB: the buffer may hold that much (and grow to twice by doubling).
    assert!(m.peak_kib < 128 * 1024, "{}", describe(&m));
}

/// `inspect -` of one envelope line of `len` bytes on stdin, measured (and printed).
fn inspect_line(len: usize) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let m = run_measured(
        dir.path(),
        &["inspect", "-"],
        &[],
        Some(huge_line(len)),
        Duration::from_secs(60),
    );
    println!("inspect, {} MB line: {}", len / 1_000_000, describe(&m));
    m
}

/// `inspect -` reads the whole input (at most 256 MiB) and parses it: a 200 MB line must be
/// refused with memory staying small, as `verify` does.
#[test]
fn inspect_refuses_a_200_mb_line_with_small_memory() {
    let m = inspect_line(200_000_000);
    assert_eq!(m.code, Some(2), "{}", describe(&m));
    assert!(m.elapsed < Duration::from_secs(20), "{}", describe(&m));
    assert!(m.peak_kib < 128 * 1024, "{}", describe(&m));
}

/// Figures for the report: `inspect` of a 20 MB line (under every limit), peak RSS.
#[test]
fn inspect_memory_on_a_20_mb_line_is_reported() {
    let m = inspect_line(20_000_000);
    assert!(matches!(m.code, Some(0..=2)), "{}", describe(&m));
    assert!(!m.stderr.contains("panicked at"), "{}", describe(&m));
}

/// A sparse attestation file one byte over 256 MiB is refused from its size, before reading.
#[test]
fn verify_refuses_an_attestation_file_one_byte_over_256_mib() {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path());
    let path = dir.path().join("big.intoto.jsonl");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len((256 << 20) + 1).unwrap();
    drop(f);
    let m = run_measured(
        dir.path(),
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "big.intoto.jsonl",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
        &[],
        None,
        Duration::from_secs(30),
    );
    assert_eq!(m.code, Some(2), "{}", describe(&m));
    assert!(
        m.stderr
            .contains("268435457 bytes, more than the limit of 268435456"),
        "{}",
        describe(&m)
    );
    assert!(m.elapsed < Duration::from_secs(5), "{}", describe(&m));
    assert!(m.peak_kib < 64 * 1024, "{}", describe(&m));
}

/// The file `at` loads under `limits` and `past` is refused: its error.
fn refused_past(limits: &VerifyLimits, at: &Path, past: &Path) -> VerifyError {
    AttestationSet::new().add_file(at, limits).unwrap();
    AttestationSet::new().add_file(past, limits).unwrap_err()
}

/// Library: file bytes, line bytes and lines per file, each at a configured limit and one past.
#[test]
fn attestation_file_bounds_at_and_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // File bytes: 1000 allowed, 1001 refused.
    let limits = VerifyLimits::DEFAULT.with_max_file_bytes(1000);
    let mut body = b"{}\n".repeat(333);
    body.push(b'\n');
    assert_eq!(body.len(), 1000);
    let at = write("at.jsonl", &body);
    body.push(b'\n');
    let past = write("past.jsonl", &body);
    let err = refused_past(&limits, &at, &past);
    assert!(
        matches!(
            err,
            VerifyError::FileTooLarge {
                size: 1001,
                max: 1000,
                ..
            }
        ),
        "{err:?}"
    );

    // Line bytes: a 100-byte line allowed, 101 refused (the newline does not count).
    let limits = VerifyLimits::DEFAULT.with_max_line_bytes(100);
    let line = |n: usize| {
        let mut l = b"{\"x\":\"".to_vec();
        l.resize(n - 2, b'a');
        l.extend_from_slice(b"\"}");
        l.push(b'\n');
        l
    };
    let at = write("line-at.jsonl", &line(100));
    let past = write("line-past.jsonl", &line(101));
    let err = refused_past(&limits, &at, &past);
    assert!(
        matches!(
            err,
            VerifyError::LineTooLong {
                line: 1,
                max: 100,
                ..
            }
        ),
        "{err:?}"
    );

    // Lines per file: 10 allowed, 11 refused (blank lines count).
    let limits = VerifyLimits::DEFAULT.with_max_lines(10);
    let at = write("lines-at.jsonl", &b"{}\n".repeat(10));
    let past = write("lines-past.jsonl", &b"{}\n".repeat(11));
    let blank_past = write("lines-blank.jsonl", &b"\n".repeat(11));
    for p in [&past, &blank_past] {
        let err = refused_past(&limits, &at, p);
        assert!(
            matches!(err, VerifyError::TooManyLines { max: 10, .. }),
            "{err:?}"
        );
    }

    // Files per directory: 3 allowed, 4 refused.
    let limits = VerifyLimits::DEFAULT.with_max_dir_entries(3);
    let sub = dir.path().join("dir");
    std::fs::create_dir(&sub).unwrap();
    for i in 0..3 {
        std::fs::write(sub.join(format!("{i}.jsonl")), b"{}\n").unwrap();
    }
    AttestationSet::new().add_dir(&sub, &limits).unwrap();
    std::fs::write(sub.join("3.jsonl"), b"{}\n").unwrap();
    assert!(matches!(
        AttestationSet::new().add_dir(&sub, &limits),
        Err(VerifyError::TooManyDirEntries { max: 3, .. })
    ));
}

/// Library: attestations over all sources, at a configured limit and one past.
#[test]
fn attestations_in_total_at_and_past_the_limit() {
    assert_eq!(VerifyLimits::DEFAULT.max_attestations(), 100_000);
    let limits = VerifyLimits::DEFAULT.with_max_attestations(2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("three.jsonl");
    let envelope = String::from_utf8(envelope_with_signatures(1)).unwrap();
    std::fs::write(&path, format!("{envelope}\n{envelope}\n")).unwrap();
    let mut set = AttestationSet::new();
    set.add_file(&path, &limits).unwrap();
    assert_eq!(set.len(), 2);
    assert!(matches!(
        set.add_file(&path, &limits),
        Err(VerifyError::TooManyAttestations { max: 2 })
    ));
}

/// Library: resource descriptors per list (`resolvedDependencies`), at a configured limit and
/// one past.
#[test]
fn descriptors_per_list_at_and_past_the_limit() {
    assert_eq!(ModelLimits::default().max_descriptors(), 10_000);
    let limits = ModelLimits::default().with_max_descriptors(3);
    let predicate = |n: usize| {
        let deps: Vec<Value> = (0..n)
            .map(|i| json!({"uri": format!("git+https://example.com/dep{i}"), "digest": {"sha1": format!("{i:040x}")}}))
            .collect();
        json!({
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {},
                "resolvedDependencies": deps,
            },
            "runDetails": {"builder": {"id": "https://ci.example.com/builder"}}
        })
    };
    let doc = |n: usize| {
        serde_json::to_vec(&json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [subject(0)],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": predicate(n),
        }))
        .unwrap()
    };
    let at = Statement::from_slice(&doc(3), &limits).unwrap();
    at.slsa_provenance(&limits).unwrap();
    let past = Statement::from_slice(&doc(4), &limits)
        .and_then(|s| s.slsa_provenance(&limits).map(|_| ()));
    assert!(
        matches!(
            past,
            Err(ModelError::LimitExceeded {
                kind: LimitKind::Descriptors,
                limit: 3,
                ..
            })
        ),
        "{past:?}"
    );
}

/// CLI with the default: 100,000 lines are read, 100,001 are refused.
#[test]
fn verify_lines_per_file_at_and_past_the_default() {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path());
    std::fs::write(dir.path().join("at.jsonl"), b"{}\n".repeat(100_000)).unwrap();
    std::fs::write(dir.path().join("past.jsonl"), b"{}\n".repeat(100_001)).unwrap();
    let run = |file: &str| {
        run_measured(
            dir.path(),
            &[
                "verify",
                "--key",
                "key.pem.pub",
                "--attestation",
                file,
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ],
            &[],
            None,
            Duration::from_secs(60),
        )
    };
    let at = run("at.jsonl");
    // Every line is an unrecognised document: no attestation, the verdict fails (exit 1).
    assert_eq!(at.code, Some(1), "{}", describe(&at));
    assert!(
        !at.stderr.contains("more than 100000 lines"),
        "{}",
        describe(&at)
    );
    let past = run("past.jsonl");
    assert_eq!(past.code, Some(2), "{}", describe(&past));
    assert!(
        past.stderr.contains("more than 100000 lines"),
        "{}",
        describe(&past)
    );
}

// ---------------------------------------------------------------------------------------------
// DSSE: envelope bytes and signatures per envelope.

fn envelope_with_signatures(n: usize) -> Vec<u8> {
    let sigs: Vec<Value> = (0..n)
        .map(|i| json!({"keyid": format!("k{i}"), "sig": "MEUCIQ=="}))
        .collect();
    serde_json::to_vec(&json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": "e30=",
        "signatures": sigs,
    }))
    .unwrap()
}

#[test]
fn dsse_signatures_per_envelope_at_and_past_the_default() {
    assert_eq!(DsseLimits::DEFAULT.max_signatures, 16);
    let at = Envelope::from_slice(&envelope_with_signatures(16), &DsseLimits::DEFAULT).unwrap();
    assert_eq!(at.signatures().len(), 16);
    assert!(matches!(
        Envelope::from_slice(&envelope_with_signatures(17), &DsseLimits::DEFAULT),
        Err(DsseError::TooManySignatures { count: 17, max: 16 })
    ));
    // Configurable.
    let two = DsseLimits::DEFAULT.with_max_signatures(2);
    Envelope::from_slice(&envelope_with_signatures(2), &two).unwrap();
    assert!(Envelope::from_slice(&envelope_with_signatures(3), &two).is_err());
}

#[test]
fn dsse_envelope_bytes_at_and_past_the_limit() {
    let doc = envelope_with_signatures(1);
    let limits = DsseLimits::DEFAULT.with_max_envelope_bytes(doc.len());
    Envelope::from_slice(&doc, &limits).unwrap();
    let mut past = doc.clone();
    past.push(b' ');
    assert!(matches!(
        Envelope::from_slice(&past, &limits),
        Err(DsseError::TooLarge { .. })
    ));
    // The default, one past: refused from the length alone.
    assert_eq!(DsseLimits::DEFAULT.max_envelope_bytes, 64 * MIB);
    let big = vec![b' '; 64 * MIB + 1];
    let start = Instant::now();
    assert!(matches!(
        Envelope::from_slice(&big, &DsseLimits::DEFAULT),
        Err(DsseError::TooLarge { .. })
    ));
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// An envelope line of about `line_bytes` bytes of empty signatures, verified with a key.
fn verify_many_signatures(line_bytes: usize) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path());
    let mut line =
        br#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":["#
            .to_vec();
    let one = br#"{"sig":""},"#;
    while line.len() + one.len() < line_bytes {
        line.extend_from_slice(one);
    }
    line.extend_from_slice(br#"{"sig":""}]}"#);
    line.push(b'\n');
    std::fs::write(dir.path().join("sigs.intoto.jsonl"), &line).unwrap();
    run_measured(
        dir.path(),
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "sigs.intoto.jsonl",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
        &[],
        None,
        Duration::from_secs(120),
    )
}

/// Many signatures are refused (the limit is 16) and memory stays bounded: a 4 MB line of
/// 360,000 empty signatures.
#[test]
fn many_signatures_are_refused_with_bounded_memory() {
    let m = verify_many_signatures(4_000_000);
    println!("verify, 360,000 signatures: {}", describe(&m));
    assert!(matches!(m.code, Some(1 | 2)), "{}", describe(&m));
    assert!(
        m.stderr.contains("more than the limit of 16"),
        "{}",
        describe(&m)
    );
    assert!(m.elapsed < Duration::from_secs(30), "{}", describe(&m));
    assert!(m.peak_kib < 256 * 1024, "{}", describe(&m));
}

/// The signature bound should stop parsing at signature 17, before decoding the rest: a 30 MB
/// line (2.7 million signatures, under the 32 MiB line limit) refused within seconds and
/// without materialising them.
#[test]
fn signature_count_is_refused_before_decoding_them() {
    let m = verify_many_signatures(30_000_000);
    println!("verify, 2.7 million signatures: {}", describe(&m));
    assert!(matches!(m.code, Some(1 | 2)), "{}", describe(&m));
    assert!(m.elapsed < Duration::from_secs(5), "{}", describe(&m));
    assert!(m.peak_kib < 100 * 1024, "{}", describe(&m));
}

// ---------------------------------------------------------------------------------------------
// Statements: payload bytes, subjects, digests per subject, descriptors, depth.

fn statement(subjects: &[Value], predicate: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://example.com/predicate/v1",
        "predicate": predicate,
    }))
    .unwrap()
}

fn subject(i: usize) -> Value {
    json!({"name": format!("file-{i}"), "digest": {"sha256": format!("{i:064x}")}})
}

#[test]
fn subjects_at_and_past_the_default() {
    let limits = ModelLimits::default();
    assert_eq!(limits.max_subjects(), 1024);
    let at: Vec<Value> = (0..1024).map(subject).collect();
    let s = Statement::from_slice(&statement(&at, &json!({})), &limits).unwrap();
    assert_eq!(s.subjects().len(), 1024);
    let past: Vec<Value> = (0..1025).map(subject).collect();
    assert!(matches!(
        Statement::from_slice(&statement(&past, &json!({})), &limits),
        Err(ModelError::LimitExceeded {
            kind: LimitKind::Subjects,
            limit: 1024,
            ..
        })
    ));
}

#[test]
fn digests_per_subject_at_and_past_the_default() {
    let limits = ModelLimits::default();
    assert_eq!(limits.max_digests_per_descriptor(), 32);
    let digests = |n: usize| {
        let mut map = serde_json::Map::new();
        map.insert("sha256".into(), json!(format!("{:064x}", 1)));
        for i in 1..n {
            map.insert(format!("custom{i}"), json!(format!("{i:08x}")));
        }
        json!([{ "name": "a", "digest": map }])
    };
    let at = statement(digests(32).as_array().unwrap(), &json!({}));
    Statement::from_slice(&at, &limits).unwrap();
    let past = statement(digests(33).as_array().unwrap(), &json!({}));
    assert!(matches!(
        Statement::from_slice(&past, &limits),
        Err(ModelError::LimitExceeded {
            kind: LimitKind::DigestsPerDescriptor,
            limit: 32,
            ..
        })
    ));
}

#[test]
fn statement_payload_bytes_and_depth_at_and_past_the_limit() {
    let doc = statement(&[subject(0)], &json!({}));
    let limits = ModelLimits::default().with_max_payload_bytes(doc.len());
    Statement::from_slice(&doc, &limits).unwrap();
    let mut past = doc.clone();
    past.push(b' ');
    assert!(matches!(
        Statement::from_slice(&past, &limits),
        Err(ModelError::PayloadTooLarge { .. })
    ));
    assert_eq!(
        ModelLimits::default().max_payload_bytes(),
        ModelLimits::DEFAULT_MAX_PAYLOAD_BYTES
    );

    // Depth: the statement object is level 1, the predicate level 2; nest arrays inside.
    let limits = ModelLimits::default();
    assert_eq!(limits.max_depth(), 64);
    let nested = |levels: usize| {
        let mut v = json!([]);
        for _ in 1..levels {
            v = json!([v]);
        }
        statement(&[subject(0)], &json!({ "deep": v }))
    };
    // 2 (statement, predicate) + 62 arrays = 64 levels: accepted; one more is refused.
    Statement::from_slice(&nested(62), &limits).unwrap();
    assert!(matches!(
        Statement::from_slice(&nested(63), &limits),
        Err(ModelError::LimitExceeded {
            kind: LimitKind::Depth,
            limit: 64,
            ..
        })
    ));
}

/// A signed statement with 1025 subjects, verified through the CLI: refused, not matched.
#[test]
fn verify_refuses_a_signed_statement_past_the_subject_limit() {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path());
    let subjects: Vec<Value> = (0..1025).map(subject).collect();
    let doc = serde_json::to_vec(&json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {}
            },
            "runDetails": {"builder": {"id": "https://ci.example.com/builder"}}
        }
    }))
    .unwrap();
    std::fs::write(dir.path().join("statement.json"), &doc).unwrap();
    let sign = provenance_testkit::cli!()
        .command(dir.path())
        .args([
            "sign",
            "--key",
            "key.pem",
            "--output",
            "big.intoto.jsonl",
            "statement.json",
        ])
        .output()
        .unwrap();
    assert!(sign.status.success(), "{sign:?}");
    let first = format!("sha256:{:064x}", 0);
    let m = run_measured(
        dir.path(),
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "big.intoto.jsonl",
            "--builder-id",
            "https://ci.example.com/builder",
            &first,
        ],
        &[],
        None,
        Duration::from_secs(30),
    );
    assert!(matches!(m.code, Some(1 | 2)), "{}", describe(&m));
    assert!(
        m.stdout.contains("FAIL") || m.code == Some(2),
        "{}",
        describe(&m)
    );
    assert!(
        (m.stdout.clone() + &m.stderr).contains("subjects"),
        "the refusal should name the subject limit: {}",
        describe(&m)
    );
}

// ---------------------------------------------------------------------------------------------
// Sigstore bundles: bytes, transparency-log entries, timestamps, certificate chain.

fn conformance(case: &str) -> Value {
    let path = vectors()
        .join("third-party/sigstore-conformance/assets/bundle-verify")
        .join(case)
        .join("bundle.sigstore.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// `bundle` with the array at `pointer` repeated to `n` elements.
fn with_repeated(bundle: &Value, pointer: &str, n: usize) -> Vec<u8> {
    let mut b = bundle.clone();
    let arr = b.pointer_mut(pointer).unwrap().as_array_mut().unwrap();
    let first = arr[0].clone();
    arr.clear();
    arr.extend(std::iter::repeat_n(first, n));
    serde_json::to_vec(&b).unwrap()
}

fn is_limit(r: &Result<Bundle, SigstoreError>, what: &str) -> bool {
    match r {
        Err(SigstoreError::LimitExceeded { what: w, .. }) => *w == what,
        _ => false,
    }
}

#[test]
fn bundle_tlog_entries_at_and_past_the_limit() {
    assert_eq!(MAX_TLOG_ENTRIES, 32);
    let b = conformance("happy-path-v0.3");
    let at = Bundle::from_json(&with_repeated(&b, "/verificationMaterial/tlogEntries", 32));
    assert_eq!(at.unwrap().tlog_entry_count(), 32);
    assert!(is_limit(
        &Bundle::from_json(&with_repeated(&b, "/verificationMaterial/tlogEntries", 33)),
        "tlog entries"
    ));
}

#[test]
fn bundle_timestamps_at_and_past_the_limit() {
    assert_eq!(MAX_TIMESTAMPS, 32);
    let b = conformance("rekor2-happy-path");
    // Identical timestamps are refused as duplicates: make each copy distinct (the bytes are
    // only decoded at parse time; they are checked at verification).
    let distinct = |n: usize| {
        let mut b = b.clone();
        let p = "/verificationMaterial/timestampVerificationData/rfc3161Timestamps";
        let arr = b.pointer_mut(p).unwrap().as_array_mut().unwrap();
        let first = arr[0].clone();
        arr.clear();
        for i in 0..n {
            let mut t = first.clone();
            t["signedTimestamp"] = json!(b64(format!("timestamp {i:04}").as_bytes()));
            arr.push(t);
        }
        serde_json::to_vec(&b).unwrap()
    };
    Bundle::from_json(&distinct(32)).unwrap();
    let past = Bundle::from_json(&distinct(33));
    assert!(
        matches!(past, Err(SigstoreError::LimitExceeded { .. })),
        "{past:?}"
    );
}

#[test]
fn bundle_certificate_chain_at_and_past_the_limit() {
    assert_eq!(MAX_CHAIN_LEN, 10);
    let b = conformance("happy-path-v0.1");
    let p = "/verificationMaterial/x509CertificateChain/certificates";
    Bundle::from_json(&with_repeated(&b, p, 10)).unwrap();
    assert!(is_limit(
        &Bundle::from_json(&with_repeated(&b, p, 11)),
        "certificate chain length"
    ));
}

/// The Sigstore bounds are configurable: each at a small configured value and one past.
#[test]
fn sigstore_limits_are_configurable() {
    use provenance::sigstore::Limits as SigstoreLimits;
    let tlog = conformance("happy-path-v0.3");
    let limits = SigstoreLimits::DEFAULT.with_max_tlog_entries(2);
    let p = "/verificationMaterial/tlogEntries";
    Bundle::from_json_with_limits(&with_repeated(&tlog, p, 2), &limits).unwrap();
    assert!(is_limit(
        &Bundle::from_json_with_limits(&with_repeated(&tlog, p, 3), &limits),
        "tlog entries"
    ));
    let chain = conformance("happy-path-v0.1");
    let limits = SigstoreLimits::DEFAULT.with_max_chain_len(1);
    let p = "/verificationMaterial/x509CertificateChain/certificates";
    Bundle::from_json_with_limits(&with_repeated(&chain, p, 1), &limits).unwrap();
    assert!(is_limit(
        &Bundle::from_json_with_limits(&with_repeated(&chain, p, 2), &limits),
        "certificate chain length"
    ));
    let doc = serde_json::to_vec(&tlog).unwrap();
    let limits = SigstoreLimits::DEFAULT.with_max_bundle_bytes(doc.len());
    Bundle::from_json_with_limits(&doc, &limits).unwrap();
    let mut past = doc.clone();
    past.push(b' ');
    assert!(is_limit(
        &Bundle::from_json_with_limits(&past, &limits),
        "bundle bytes"
    ));
}

#[test]
fn bundle_and_trusted_root_bytes_past_the_limit() {
    assert_eq!(MAX_BUNDLE_BYTES, 64 * MIB);
    let big = vec![b' '; 64 * MIB + 1];
    let start = Instant::now();
    assert!(is_limit(&Bundle::from_json(&big), "bundle bytes"));
    let root = vec![b' '; 4 * MIB + 1];
    assert!(matches!(
        TrustedRoot::from_json(&root),
        Err(SigstoreError::LimitExceeded { .. })
    ));
    assert!(start.elapsed() < Duration::from_secs(1));
}

// ---------------------------------------------------------------------------------------------
// Keys: file size and key-derivation cost.

/// A key file of 1 MiB is read (and refused as not a key); 1 MiB + 1 is refused for its size.
#[test]
fn key_file_size_at_and_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("payload.json"), b"{}").unwrap();
    std::fs::write(dir.path().join("at.pem"), vec![b'\n'; MIB]).unwrap();
    std::fs::write(dir.path().join("past.pem"), vec![b'\n'; MIB + 1]).unwrap();
    let sign = |key: &str| {
        run_measured(
            dir.path(),
            &["sign", "--key", key, "payload.json"],
            &[],
            None,
            Duration::from_secs(30),
        )
    };
    let at = sign("at.pem");
    assert_eq!(at.code, Some(2), "{}", describe(&at));
    assert!(!at.stderr.contains("1048576"), "{}", describe(&at));
    let past = sign("past.pem");
    assert_eq!(past.code, Some(2), "{}", describe(&past));
    assert!(past.stderr.contains("1048576"), "{}", describe(&past));
}

// Hostile encrypted PKCS#8 keys, written with the testkit's DER writer.
const OID_PBES2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];
const OID_PBKDF2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c,
];
const OID_SCRYPT: &[u8] = &[
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b,
];
const OID_AES256_CBC: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
];
const OID_HMAC_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];

fn encrypted_pkcs8(kdf: Vec<u8>) -> String {
    let der = seq(&[
        seq(&[
            OID_PBES2.to_vec(),
            seq(&[kdf, seq(&[OID_AES256_CBC.to_vec(), octets(&[7; 16])])]),
        ]),
        octets(&[0x42; 48]),
    ]);
    pem("ENCRYPTED PRIVATE KEY", &der)
}
fn scrypt_key(log_n: u32, r: u64, p: u64) -> String {
    encrypted_pkcs8(seq(&[
        OID_SCRYPT.to_vec(),
        seq(&[octets(&[1; 16]), int(1 << log_n), int(r), int(p)]),
    ]))
}
fn pbkdf2_key(iterations: u64) -> String {
    encrypted_pkcs8(seq(&[
        OID_PBKDF2.to_vec(),
        seq(&[
            octets(&[1; 16]),
            int(iterations),
            seq(&[OID_HMAC_SHA256.to_vec(), vec![0x05, 0x00]]),
        ]),
    ]))
}
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    let _ = writeln!(out, "-----END {label}-----");
    out
}

fn cosign_key(n: u64, r: u32, p: u32) -> String {
    let body = serde_json::to_vec(&json!({
        "kdf": {"name": "scrypt", "params": {"N": n, "r": r, "p": p}, "salt": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        "cipher": {"name": "nacl/secretbox", "nonce": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        "ciphertext": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }))
    .unwrap();
    pem("ENCRYPTED SIGSTORE PRIVATE KEY", &body)
}

/// `provenance sign --key FILE` with a password in the environment: exit code, time, output.
fn sign_with(dir: &Path, key_pem: &str, name: &str) -> Measured {
    std::fs::write(dir.join(name), key_pem).unwrap();
    std::fs::write(dir.join("payload.json"), b"{}").unwrap();
    run_measured(
        dir,
        &["sign", "--key", name, "payload.json"],
        &[("PROVENANCE_PASSWORD", "hunter2")],
        None,
        Duration::from_secs(20),
    )
}

/// The hand-built DER is well formed: a cheap scrypt cost is attempted and fails as a wrong
/// password (not as a malformed key), so the hostile variants below reach the KDF.
#[test]
fn hostile_key_builder_reaches_the_kdf() {
    let dir = tempfile::tempdir().unwrap();
    for (name, key) in [
        ("cheap-scrypt.pem", scrypt_key(10, 8, 1)),
        ("cheap-pbkdf2.pem", pbkdf2_key(1000)),
    ] {
        let m = sign_with(dir.path(), &key, name);
        assert_eq!(m.code, Some(2), "{name}: {}", describe(&m));
        assert!(
            m.stderr.to_lowercase().contains("decrypt") || m.stderr.contains("password"),
            "{name}: {}",
            describe(&m)
        );
    }
}

/// The cosign format has an allow-list of costs: the largest accepted (N = 2^17) is tried,
/// a larger one is refused before any derivation.
#[test]
fn cosign_key_scrypt_cost_at_and_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let at = sign_with(dir.path(), &cosign_key(1 << 17, 8, 1), "at.key");
    assert_eq!(at.code, Some(2), "{}", describe(&at));
    assert!(!at.stderr.contains("scrypt N="), "{}", describe(&at));
    for (name, n, r, p) in [
        ("n.key", 1u64 << 18, 8, 1),
        ("huge-n.key", 1 << 40, 8, 1),
        ("r.key", 1 << 15, 1 << 20, 1),
        ("p.key", 1 << 15, 8, 1 << 20),
    ] {
        let m = sign_with(dir.path(), &cosign_key(n, r, p), name);
        assert_eq!(m.code, Some(2), "{name}: {}", describe(&m));
        assert!(m.stderr.contains("scrypt N="), "{name}: {}", describe(&m));
        assert!(
            m.elapsed < Duration::from_secs(3),
            "{name}: {}",
            describe(&m)
        );
    }
}

/// Encrypted PKCS#8 (what `keygen` writes with a password, and what OpenSSL writes) names its
/// own KDF cost. A hostile file must be refused quickly, not allocate gigabytes (scrypt
/// N = 2^24, r = 8 asks for 16 GiB) or spin for hours (PBKDF2 with 2^32 - 1 iterations).
#[test]
fn encrypted_pkcs8_kdf_cost_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // What keygen writes (N = 2^14, r = 8, p = 1) stays accepted.
    let ok = sign_with(dir.path(), &scrypt_key(14, 8, 1), "ok.pem");
    assert_eq!(ok.code, Some(2), "{}", describe(&ok));
    assert!(ok.elapsed < Duration::from_secs(5), "{}", describe(&ok));
    for (name, key) in [
        ("scrypt-n24.pem", scrypt_key(24, 8, 1)),
        ("scrypt-n40.pem", scrypt_key(40, 8, 1)),
        ("scrypt-r.pem", scrypt_key(14, 65_535, 1)),
        ("scrypt-p.pem", scrypt_key(14, 8, 65_535)),
        ("pbkdf2-max.pem", pbkdf2_key(u64::from(u32::MAX))),
        ("pbkdf2-1e9.pem", pbkdf2_key(1_000_000_000)),
    ] {
        let m = sign_with(dir.path(), &key, name);
        println!("{name}: {}", describe(&m));
        assert_eq!(m.code, Some(2), "{name}: {}", describe(&m));
        assert!(
            m.elapsed < Duration::from_secs(3),
            "{name}: {}",
            describe(&m)
        );
        assert!(m.peak_kib < 256 * 1024, "{name}: {}", describe(&m));
    }
}

/// Figures for the report (not ignored, never slow): the same hostile keys, each killed after
/// 3 seconds; records whether it was refused, crashed or still running.
#[test]
fn encrypted_pkcs8_kdf_cost_observed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("payload.json"), b"{}").unwrap();
    let mut report = String::new();
    for (name, key) in [
        ("scrypt-n24.pem", scrypt_key(24, 8, 1)),
        ("scrypt-n40.pem", scrypt_key(40, 8, 1)),
        ("pbkdf2-max.pem", pbkdf2_key(u64::from(u32::MAX))),
    ] {
        std::fs::write(dir.path().join(name), &key).unwrap();
        let m = run_measured(
            dir.path(),
            &["sign", "--key", name, "payload.json"],
            &[("PROVENANCE_PASSWORD", "hunter2")],
            None,
            Duration::from_secs(3),
        );
        let _ = writeln!(
            report,
            "{name}: exit {:?}, {:?}, timed out {}, peak {} MiB, {}",
            m.code,
            m.elapsed,
            m.timed_out,
            m.peak_kib / 1024,
            m.stderr.lines().last().unwrap_or_default()
        );
        assert!(
            !m.stderr.contains("panicked at"),
            "{name}: {}",
            describe(&m)
        );
    }
    println!("{report}");
}

#[test]
fn measured_runner_sees_stdin() {
    // The harness itself: stdin reaches the child and its RSS is read.
    let dir = tempfile::tempdir().unwrap();
    let m = run_measured(
        dir.path(),
        &["digest", "-"],
        &[],
        Some(Box::new(|w: &mut dyn std::io::Write| {
            let _ = w.write_all(b"abc");
        })),
        Duration::from_secs(20),
    );
    assert_eq!(m.code, Some(0), "{}", describe(&m));
    assert!(
        m.stdout
            .starts_with("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        "{}",
        describe(&m)
    );
    assert!(m.peak_kib > 0);
}
