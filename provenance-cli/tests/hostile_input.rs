//! Hostile input through the CLI: several hundred deterministic mutations of REAL attestations
//! (third-party keyless and key-based bundles and envelopes from `test-vectors/third-party`, and
//! our own `attest` output) fed to `provenance verify` (with the trust flags each original needs)
//! and `provenance inspect`.
//!
//! Every invocation must end within a time limit with exit code 0, 1 or 2, and never panic
//! (no exit 101, no "panicked at" on stderr). Mutations that touch what the signature covers (a
//! flipped signature or payload character, a changed payload type, a changed message digest)
//! must never verify.
//!
//! The mutations come from a `SplitMix64` generator with a fixed seed, so a failure names a
//! mutation that reproduces exactly; `HOSTILE_KEEP=DIR` keeps every failing input in DIR.
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
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use provenance_testkit::{BUILDER, COMMIT};
use serde_json::Value;

/// Fixed seed: the mutation set is the same on every run.
const SEED: u64 = 0x005e_ed0f_7e57_1e55;
/// Mutations per original attestation for `verify`.
const VERIFY_MUTATIONS: usize = 44;
/// Integrity mutations of each kind per original (different positions).
const INTEGRITY_ROUNDS: usize = 3;
/// Every `INSPECT_EVERY`-th mutation is also fed to `inspect`.
const INSPECT_EVERY: usize = 2;
/// Hard limit per invocation (debug build, shared machine); the test reports the slowest run.
const TIMEOUT: Duration = Duration::from_secs(20);

/// `SplitMix64`: tiny, deterministic, good enough to pick offsets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform-ish in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n as u64)) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One original attestation and how to verify it.
struct Original {
    name: String,
    /// The attestation bytes (a file's whole content).
    bytes: Vec<u8>,
    /// File name to write mutations under (keeps the extension the CLI may look at).
    file_name: String,
    /// `verify` arguments before `--attestation`: trust flags and expectations.
    args: Vec<String>,
    /// The artifact (path or digest), last argument.
    artifact: String,
    /// Whether the original passes `verify` (integrity assertions need that).
    passes: bool,
}

/// What a mutation did, and whether the result must be refused.
struct Mutant {
    label: String,
    bytes: Vec<u8>,
    /// The signed content changed: verify must not exit 0.
    must_fail: bool,
}

/// The `CASES.tsv` rows used as originals: one of each shape (bundle v0.1/v0.2/v0.3, DSSE and
/// message signatures, keyless and key-based, Rekor v1 and v2, TSA, slsa-github-generator,
/// GitHub attestations, `PyPI`, cosign v3, witness DSSE with Ed25519).
const CASE_IDS: &[&str] = &[
    "slsa-verifier/v2.1.0/generic/wd/builder-bare",
    "slsa-verifier/bcr/module-bazel",
    "slsa-verifier/unit/bundle/valid-v0.3",
    "sigstore-conformance/happy-path-v0.1",
    "sigstore-conformance/happy-path-v0.2",
    "sigstore-conformance/happy-path-intoto-in-dsse-v3",
    "sigstore-conformance/managed-key-happy-path",
    "sigstore-conformance/rekor2-dsse-happy-path",
    "sigstore-python/bundle-v3-github-whl",
    "sigstore-rs/bundle-v03",
    "witness/cdx-att",
];

/// Reads the chosen `CASES.tsv` rows into originals, flags mapped by `provenance_testkit::cases`
/// (as `vectors_cases.rs` runs them).
fn third_party_originals() -> Vec<Original> {
    provenance_testkit::cases::cases()
        .into_iter()
        .filter(|case| CASE_IDS.contains(&case.id()) && case.expected() == "PASS")
        .map(|case| {
            let path = case.attestation();
            Original {
                name: case.id().to_owned(),
                bytes: std::fs::read(&path).unwrap(),
                file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
                args: case.verify_flags(),
                artifact: case.artifact(),
                passes: false,
            }
        })
        .collect()
}

/// Our own `attest` output: a `.intoto.jsonl` line and a v0.3 bundle, signed with a fresh key.
fn own_originals(dir: &Path) -> Vec<Original> {
    provenance_testkit::signed_app_in(
        &provenance_testkit::cli!(),
        dir,
        &["--bundle", "app.bin.sigstore.json"],
    );
    let args: Vec<String> = [
        "--key",
        "key.pem.pub",
        "--builder-id",
        BUILDER,
        "--source-uri",
        "github.com/example/app",
        "--source-tag",
        "v1.2.3",
        "--source-commit",
        COMMIT,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let artifact = dir.join("app.bin").to_string_lossy().into_owned();
    ["app.bin.intoto.jsonl", "app.bin.sigstore.json"]
        .iter()
        .map(|name| Original {
            name: format!("own/{name}"),
            bytes: std::fs::read(dir.join(name)).unwrap(),
            file_name: (*name).to_owned(),
            args: args.clone(),
            artifact: artifact.clone(),
            passes: false,
        })
        .collect()
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Changes one base64 character of `s` to another base64 character, away from the final
/// quantum (whose padding bits a decoder might ignore), so the decoded bytes surely change.
fn flip_b64(s: &str, rng: &mut Rng) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        return None;
    }
    let at = rng.below(bytes.len() - 4);
    let old = bytes[at];
    let pos = B64.iter().position(|c| *c == old).or(match old {
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    })?;
    let new = B64[(pos + 1 + rng.below(62)) % 64];
    let mut out = bytes.to_vec();
    out[at] = if old == b'-' || old == b'_' {
        // url-safe alphabet: stay in it
        match new {
            b'+' => b'-',
            b'/' => b'_',
            c => c,
        }
    } else {
        new
    };
    String::from_utf8(out).ok()
}

/// Applies `f` to every string value stored under one of `keys`, anywhere in `v`.
fn edit_strings(v: &mut Value, keys: &[&str], f: &mut dyn FnMut(&str) -> Option<String>) -> usize {
    let mut n = 0;
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if keys.contains(&k.as_str()) {
                    if let Value::String(s) = child
                        && let Some(new) = f(s)
                    {
                        *s = new;
                        n += 1;
                    }
                } else {
                    n += edit_strings(child, keys, f);
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                n += edit_strings(child, keys, f);
            }
        }
        _ => {}
    }
    n
}

/// Every path (as JSON pointers) to an object in `v`.
fn object_paths(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            out.push(path.to_owned());
            for (k, child) in map {
                let k = k.replace('~', "~0").replace('/', "~1");
                object_paths(child, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                object_paths(child, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Serialises `v`, writing the object at `dup_at` with its key `dup_key` twice: first with
/// `first`, then with the original value (so a last-wins parser sees the original).
fn write_with_duplicate(
    v: &Value,
    path: &str,
    dup_at: &str,
    dup_key: &str,
    first: &Value,
    out: &mut String,
) {
    match v {
        Value::Object(map) => {
            out.push('{');
            let mut sep = "";
            if path == dup_at {
                let _ = write!(out, "{}:{}", Value::from(dup_key), first);
                sep = ",";
            }
            for (k, child) in map {
                out.push_str(sep);
                sep = ",";
                let _ = write!(out, "{}:", Value::from(k.as_str()));
                let kk = k.replace('~', "~0").replace('/', "~1");
                write_with_duplicate(child, &format!("{path}/{kk}"), dup_at, dup_key, first, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, child) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_with_duplicate(child, &format!("{path}/{i}"), dup_at, dup_key, first, out);
            }
            out.push(']');
        }
        leaf => out.push_str(&leaf.to_string()),
    }
}

/// Replacement values of the wrong type or at the edges.
fn hostile_value(rng: &mut Rng) -> Value {
    let text = [
        "null",
        "true",
        "0",
        "-1",
        "18446744073709551616",
        "1e400",
        "\"\"",
        "[]",
        "{}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"AAAA\"",
        "\"sha256:\"",
        "{\"sha256\":\"\"}",
        "\"9999999999999999999\"",
    ];
    let pick = *rng.pick(&text);
    // "\ud800" is a lone surrogate: serde_json refuses it as a Value, keep it as text.
    serde_json::from_str(pick).unwrap_or_else(|_| Value::String("\u{fffd}".into()))
}

/// The lines of a document: JSONL, or one JSON document (a pretty-printed one is one "line").
fn split_docs(bytes: &[u8]) -> Vec<Vec<u8>> {
    if serde_json::from_slice::<Value>(bytes).is_ok() {
        return vec![bytes.to_vec()];
    }
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(<[u8]>::to_vec)
        .collect()
}

fn join_docs(docs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for d in docs {
        out.extend_from_slice(d);
        out.push(b'\n');
    }
    out
}

/// Mutates one JSON document of the original (structure-aware), `None` when not applicable.
fn mutate_json(doc: &Value, kind: usize, rng: &mut Rng) -> Option<(String, Value, bool)> {
    let mut v = doc.clone();
    match kind {
        // Integrity: every signature flipped.
        0 => {
            let n = edit_strings(&mut v, &["sig", "signature"], &mut |s| flip_b64(s, rng));
            (n > 0).then(|| ("flip a character of every signature".to_owned(), v, true))
        }
        // Integrity: the signed payload changed.
        1 => {
            let n = edit_strings(&mut v, &["payload"], &mut |s| flip_b64(s, rng));
            (n > 0).then(|| ("flip a character of the payload".to_owned(), v, true))
        }
        // Integrity: the payload type is part of the PAE.
        2 => {
            let new = *rng.pick(&[
                "application/vnd.in-toto+json; charset=x",
                "application/vnd.in-toto+JSON",
                "application/json",
                "",
            ]);
            let n = edit_strings(&mut v, &["payloadType"], &mut |old| {
                (old != new).then(|| new.to_owned())
            });
            (n > 0).then(|| ("change the payloadType".to_owned(), v, true))
        }
        // Integrity: the message digest of a message-signature bundle.
        3 => {
            let mut n = 0;
            if let Some(Value::Object(md)) = v.pointer_mut("/messageSignature/messageDigest")
                && let Some(Value::String(d)) = md.get_mut("digest")
                && let Some(new) = flip_b64(d, rng)
            {
                *d = new;
                n += 1;
            }
            (n > 0).then(|| ("flip a character of the message digest".to_owned(), v, true))
        }
        // Remove a field somewhere.
        4 => {
            let mut paths = Vec::new();
            object_paths(&v, "", &mut paths);
            let path = rng.pick(&paths).clone();
            let Some(Value::Object(map)) = v.pointer_mut(&path) else {
                return None;
            };
            if map.is_empty() {
                return None;
            }
            let key = map.keys().nth(rng.below(map.len()))?.clone();
            map.shift_remove(&key);
            Some((format!("remove {path}/{key}"), v, false))
        }
        // Swap the values of two fields of one object.
        5 => {
            let mut paths = Vec::new();
            object_paths(&v, "", &mut paths);
            let path = rng.pick(&paths).clone();
            let Some(Value::Object(map)) = v.pointer_mut(&path) else {
                return None;
            };
            if map.len() < 2 {
                return None;
            }
            let a = rng.below(map.len());
            let b = (a + 1 + rng.below(map.len() - 1)) % map.len();
            let ka = map.keys().nth(a)?.clone();
            let kb = map.keys().nth(b)?.clone();
            let va = map.get(&ka)?.clone();
            let vb = map.get(&kb)?.clone();
            map.insert(ka.clone(), vb);
            map.insert(kb.clone(), va);
            Some((format!("swap {path}/{ka} and {path}/{kb}"), v, false))
        }
        // A field gets a value of the wrong type or at an edge.
        6 => {
            let mut paths = Vec::new();
            object_paths(&v, "", &mut paths);
            let path = rng.pick(&paths).clone();
            let new = hostile_value(rng);
            let Some(Value::Object(map)) = v.pointer_mut(&path) else {
                return None;
            };
            if map.is_empty() {
                return None;
            }
            let key = map.keys().nth(rng.below(map.len()))?.clone();
            let label = format!("set {path}/{key} to {new}");
            map.insert(key, new);
            Some((label, v, false))
        }
        // Unknown fields added at the top.
        7 => {
            let Value::Object(map) = &mut v else {
                return None;
            };
            map.insert("unknownField".into(), hostile_value(rng));
            Some(("add an unknown top-level field".to_owned(), v, false))
        }
        // Swap signatures and payload-like values between two string fields anywhere.
        8 => {
            let mut strings = Vec::new();
            collect_string_pointers(&v, "", &mut strings);
            if strings.len() < 2 {
                return None;
            }
            let a = rng.pick(&strings).clone();
            let b = rng.pick(&strings).clone();
            if a == b {
                return None;
            }
            let va = v.pointer(&a)?.clone();
            let vb = v.pointer(&b)?.clone();
            *v.pointer_mut(&a)? = vb;
            *v.pointer_mut(&b)? = va;
            Some((format!("swap strings {a} and {b}"), v, false))
        }
        // Integrity: the signing certificate (the leaf; further chain certificates may be
        // ignored in favour of the trusted root's).
        9 => {
            let mut n = 0;
            for p in [
                "/verificationMaterial/certificate/rawBytes",
                "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
            ] {
                if let Some(Value::String(c)) = v.pointer_mut(p)
                    && let Some(new) = flip_b64(c, rng)
                {
                    *c = new;
                    n += 1;
                }
            }
            (n > 0).then(|| {
                (
                    "flip a character of the signing certificate".to_owned(),
                    v,
                    true,
                )
            })
        }
        // Integrity: every transparency-log entry body.
        10 => {
            let n = edit_strings(&mut v, &["canonicalizedBody"], &mut |s| flip_b64(s, rng));
            (n > 0).then(|| {
                (
                    "flip a character of every tlog entry body".to_owned(),
                    v,
                    true,
                )
            })
        }
        _ => None,
    }
}

fn collect_string_pointers(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let k = k.replace('~', "~0").replace('/', "~1");
                collect_string_pointers(child, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_string_pointers(child, &format!("{path}/{i}"), out);
            }
        }
        Value::String(_) => out.push(path.to_owned()),
        _ => {}
    }
}

/// A duplicated key: the first occurrence carries a hostile or swapped value.
fn duplicate_key(doc: &Value, rng: &mut Rng) -> Option<(String, Vec<u8>)> {
    let mut paths = Vec::new();
    object_paths(doc, "", &mut paths);
    let path = rng.pick(&paths).clone();
    let Some(Value::Object(map)) = doc.pointer(&path) else {
        return None;
    };
    if map.is_empty() {
        return None;
    }
    let key = map.keys().nth(rng.below(map.len()))?.clone();
    let first = if rng.below(2) == 0 {
        hostile_value(rng)
    } else {
        // Another field's value from the same object.
        map.values().nth(rng.below(map.len()))?.clone()
    };
    let mut out = String::new();
    write_with_duplicate(doc, "", &path, &key, &first, &mut out);
    Some((format!("duplicate key {path}/{key}"), out.into_bytes()))
}

/// Byte-level mutations of the whole file.
fn mutate_bytes(
    original: &[u8],
    others: &[&[u8]],
    kind: usize,
    rng: &mut Rng,
) -> (String, Vec<u8>) {
    let mut b = original.to_vec();
    let len = b.len().max(1);
    match kind {
        0 => {
            let at = rng.below(len).min(b.len().saturating_sub(1));
            let bit = rng.below(8);
            b[at] ^= 1 << bit;
            (format!("flip bit {bit} of byte {at}"), b)
        }
        1 => {
            let at = rng.below(len).min(b.len().saturating_sub(1));
            let new = *rng.pick(&[
                b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', 0, 0xff, b'\n', b'\r',
            ]);
            b[at] = new;
            (format!("set byte {at} to {new:#04x}"), b)
        }
        2 => {
            let at = rng.below(len);
            b.truncate(at);
            (format!("truncate to {at} bytes"), b)
        }
        3 => {
            let other = *rng.pick(others);
            let at = rng.below(len);
            let from = rng.below(other.len().max(1)).min(other.len());
            b.truncate(at);
            b.extend_from_slice(&other[from..]);
            (
                format!("splice at {at} with another attestation from {from}"),
                b,
            )
        }
        4 => {
            // Insert a run of random bytes.
            let at = rng.below(len).min(b.len());
            let n = 1 + rng.below(16);
            let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            b.splice(at..at, junk);
            (format!("insert {n} random bytes at {at}"), b)
        }
        5 => {
            // Delete a range.
            let at = rng.below(len).min(b.len());
            let n = (1 + rng.below(64)).min(b.len() - at);
            b.drain(at..at + n);
            (format!("delete {n} bytes at {at}"), b)
        }
        6 => {
            // Duplicate a range in place.
            let at = rng.below(len).min(b.len());
            let n = (1 + rng.below(256)).min(b.len() - at);
            let copy = b[at..at + n].to_vec();
            b.splice(at..at, copy);
            (format!("repeat {n} bytes at {at}"), b)
        }
        _ => {
            // Line-level: the lines reordered, repeated, mixed with garbage, CRLF, BOM.
            let mut docs = split_docs(&b);
            let what = rng.below(6);
            let label = match what {
                0 => {
                    let d = docs[rng.below(docs.len())].clone();
                    docs.push(d);
                    "repeat a line"
                }
                1 => {
                    docs.reverse();
                    docs.insert(0, b"{\"not\":\"an attestation\"}".to_vec());
                    "reverse the lines after an unrecognised one"
                }
                2 => {
                    docs.insert(rng.below(docs.len() + 1), b"\x00\xff garbage {[".to_vec());
                    "insert a garbage line"
                }
                3 => {
                    let mut out = Vec::new();
                    for d in &docs {
                        out.extend_from_slice(d);
                        out.extend_from_slice(b"\r\n");
                    }
                    return ("CRLF line ends".to_owned(), out);
                }
                4 => {
                    let mut out = b"\xef\xbb\xbf".to_vec();
                    out.extend_from_slice(&b);
                    return ("byte-order mark first".to_owned(), out);
                }
                _ => {
                    let depth = 100_000;
                    let mut deep = vec![b'['; depth];
                    deep.extend(std::iter::repeat_n(b']', depth));
                    docs.insert(0, deep);
                    "a 100,000-deep nested line first"
                }
            };
            (label.to_owned(), join_docs(&docs))
        }
    }
}

/// The mutations of one original: byte-level and structure-aware, mixed.
fn mutants(original: &Original, others: &[&[u8]], rng: &mut Rng) -> Vec<Mutant> {
    let docs = split_docs(&original.bytes);
    let parsed: Vec<Option<Value>> = docs
        .iter()
        .map(|d| serde_json::from_slice(d).ok())
        .collect();
    let mut out = Vec::new();
    // The integrity mutations first: each kind that applies, at three different positions.
    for kind in [0, 1, 2, 3, 9, 10]
        .into_iter()
        .flat_map(|k| [k; INTEGRITY_ROUNDS])
    {
        let mut any = false;
        let mut new_docs = docs.clone();
        let mut label = String::new();
        for (i, doc) in parsed.iter().enumerate() {
            if let Some(doc) = doc
                && let Some((l, v, _)) = mutate_json(doc, kind, rng)
            {
                new_docs[i] = serde_json::to_vec(&v).unwrap();
                label = l;
                any = true;
            }
        }
        if any {
            out.push(Mutant {
                label,
                bytes: join_docs(&new_docs),
                must_fail: true,
            });
        }
    }
    let mut attempts = 0;
    while out.len() < VERIFY_MUTATIONS && attempts < VERIFY_MUTATIONS * 10 {
        attempts += 1;
        let line = rng.below(docs.len());
        let choice = rng.below(20);
        let mutant = if choice < 8 {
            let (label, bytes) = mutate_bytes(&original.bytes, others, choice, rng);
            Some(Mutant {
                label,
                bytes,
                must_fail: false,
            })
        } else if choice < 10 {
            parsed[line].as_ref().and_then(|doc| {
                duplicate_key(doc, rng).map(|(label, bytes)| {
                    let mut new_docs = docs.clone();
                    new_docs[line] = bytes;
                    Mutant {
                        label: format!("line {}: {label}", line + 1),
                        bytes: join_docs(&new_docs),
                        must_fail: false,
                    }
                })
            })
        } else {
            let kind = 4 + rng.below(5);
            parsed[line].as_ref().and_then(|doc| {
                mutate_json(doc, kind, rng).map(|(label, v, _)| {
                    let mut new_docs = docs.clone();
                    new_docs[line] = serde_json::to_vec(&v).unwrap();
                    Mutant {
                        label: format!("line {}: {label}", line + 1),
                        bytes: join_docs(&new_docs),
                        must_fail: false,
                    }
                })
            })
        };
        if let Some(m) = mutant
            && m.bytes != original.bytes
        {
            out.push(m);
        }
    }
    out
}

/// Result of one run.
struct Run {
    code: Option<i32>,
    elapsed: Duration,
    timed_out: bool,
    stderr: String,
}

fn run_with_timeout(args: &[String], dir: &Path, envs: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let mut child = provenance_testkit::cli!()
        .command(dir)
        .env("RUST_BACKTRACE", "0")
        .envs(envs.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reader = provenance_testkit::drain(child.stderr.take().unwrap());
    let status = provenance_testkit::wait_timeout(
        &mut child,
        start,
        (TIMEOUT, Duration::from_millis(5)),
        || {},
    );
    let timed_out = status.is_none();
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    Run {
        code: status.and_then(|s| s.code()),
        elapsed,
        timed_out,
        stderr,
    }
}

struct Job {
    original: usize,
    label: String,
    path: PathBuf,
    args: Vec<String>,
    must_fail: bool,
    /// `verify`, `inspect` or `trace`.
    command: &'static str,
}

/// The trust flags of a `verify` command line (what `trace` takes too).
fn trust_flags(args: &[String]) -> Vec<String> {
    const TRUST: [&str; 6] = [
        "--key",
        "--trusted-root",
        "--certificate-identity",
        "--certificate-identity-regexp",
        "--certificate-oidc-issuer",
        "--certificate-oidc-issuer-regexp",
    ];
    args.chunks(2)
        .filter(|pair| TRUST.contains(&pair[0].as_str()))
        .flatten()
        .cloned()
        .collect()
}

#[test]
fn mutated_real_attestations_never_panic_hang_or_pass() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let mut originals = third_party_originals();
    assert!(
        originals.len() >= 8,
        "expected the chosen CASES.tsv rows, found {}",
        originals.len()
    );
    originals.extend(own_originals(dir));

    // Each original must pass as it is, or the integrity assertions mean nothing.
    for o in &mut originals {
        let path = dir.join(format!("orig-{}", o.file_name));
        std::fs::write(&path, &o.bytes).unwrap();
        let mut args = vec!["verify".to_owned()];
        args.extend(o.args.iter().cloned());
        args.extend([
            "--attestation".to_owned(),
            path.to_string_lossy().into_owned(),
            o.artifact.clone(),
        ]);
        let run = run_with_timeout(&args, dir, &[]);
        o.passes = run.code == Some(0);
        if !o.passes {
            println!(
                "note: original {} does not pass (exit {:?}); its mutations are checked for \
                 exit codes and panics only\n{}",
                o.name, run.code, run.stderr
            );
        }
    }
    let passing = originals.iter().filter(|o| o.passes).count();
    assert!(
        passing >= originals.len() - 2,
        "too few originals verify as they are ({passing} of {})",
        originals.len()
    );

    let mut rng = Rng(SEED);
    let all: Vec<&[u8]> = originals.iter().map(|o| o.bytes.as_slice()).collect();
    let mut jobs = Vec::new();
    for (index, o) in originals.iter().enumerate() {
        let sub = dir.join(format!("m{index}"));
        std::fs::create_dir(&sub).unwrap();
        for (n, m) in mutants(o, &all, &mut rng).into_iter().enumerate() {
            let path = sub.join(format!("{n:03}-{}", o.file_name));
            std::fs::write(&path, &m.bytes).unwrap();
            let mut args = vec!["verify".to_owned()];
            args.extend(o.args.iter().cloned());
            args.extend([
                "--attestation".to_owned(),
                path.to_string_lossy().into_owned(),
                o.artifact.clone(),
            ]);
            jobs.push(Job {
                original: index,
                label: m.label.clone(),
                path: path.clone(),
                args,
                must_fail: m.must_fail && o.passes,
                command: "verify",
            });
            if n % INSPECT_EVERY == 0 {
                jobs.push(Job {
                    original: index,
                    label: m.label,
                    path: path.clone(),
                    args: vec![
                        "inspect".to_owned(),
                        "--format".to_owned(),
                        if n % 4 == 0 { "json" } else { "text" }.to_owned(),
                        path.to_string_lossy().into_owned(),
                    ],
                    must_fail: false,
                    command: "inspect",
                });
            }
        }
        // `trace` over a store holding every mutation of this original.
        let mut args = vec!["trace".to_owned(), "--store".to_owned()];
        args.push(sub.to_string_lossy().into_owned());
        args.extend(trust_flags(&o.args));
        args.push(o.artifact.clone());
        jobs.push(Job {
            original: index,
            label: "trace over a store of all its mutations".to_owned(),
            path: sub.clone(),
            args,
            must_fail: false,
            command: "trace",
        });
    }

    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::<String>::new());
    let stats = Mutex::new((0usize, 0usize, 0usize, Duration::ZERO, String::new()));
    let integrity = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let run = run_with_timeout(&job.args, dir, &[]);
                    let mut bad = Vec::new();
                    if run.timed_out {
                        bad.push(format!("no exit within {TIMEOUT:?}"));
                    }
                    if run.stderr.contains("panicked at") || run.code == Some(101) {
                        bad.push("panicked".to_owned());
                    }
                    if !run.timed_out && !matches!(run.code, Some(0..=2)) {
                        bad.push(format!("exit {:?} (want 0, 1 or 2)", run.code));
                    }
                    if job.must_fail {
                        integrity.fetch_add(1, Ordering::Relaxed);
                        if run.code == Some(0) {
                            bad.push("PASSED although its signed content was changed".to_owned());
                        }
                    }
                    {
                        let mut st = stats.lock().unwrap();
                        match run.code {
                            Some(0) => st.0 += 1,
                            Some(1) => st.1 += 1,
                            _ => st.2 += 1,
                        }
                        if run.elapsed > st.3 {
                            st.3 = run.elapsed;
                            st.4 = format!("{} {}", job.command, job.path.display());
                        }
                    }
                    if !bad.is_empty() {
                        let o = &originals[job.original];
                        if let Ok(keep) = std::env::var("HOSTILE_KEEP") {
                            let _ = std::fs::create_dir_all(&keep);
                            let _ = std::fs::copy(
                                &job.path,
                                Path::new(&keep).join(format!(
                                    "{}-{}",
                                    job.original,
                                    job.path.file_name().unwrap().to_string_lossy()
                                )),
                            );
                        }
                        problems.lock().unwrap().push(format!(
                            "{} [{}] {}: {}\n    {}\n    stderr: {}",
                            job.command,
                            o.name,
                            job.label,
                            bad.join(", "),
                            job.path.display(),
                            run.stderr.trim().chars().take(600).collect::<String>()
                        ));
                    }
                }
            });
        }
    });
    let (pass, fail, other, slowest, slowest_what) = stats.into_inner().unwrap();
    let verify_runs = jobs.iter().filter(|j| j.command == "verify").count();
    let trace_runs = jobs.iter().filter(|j| j.command == "trace").count();
    println!(
        "{} originals ({passing} verify as they are), {verify_runs} mutated verify runs, {} \
         inspect runs, {trace_runs} trace runs over stores of mutations, {} integrity mutations; exits: {pass} x 0, {fail} x 1, {other} x 2/other; \
         slowest {slowest:?} ({slowest_what})",
        originals.len(),
        jobs.len() - verify_runs - trace_runs,
        integrity.load(Ordering::Relaxed),
    );
    assert!(verify_runs >= 300, "only {verify_runs} verify runs");
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} of {} runs misbehaved:\n{}",
        problems.len(),
        jobs.len(),
        problems.join("\n")
    );
}

/// A deliberately small check that the generator is deterministic (same seed, same bytes),
/// so a reported mutation can be reproduced from its label and index.
#[test]
fn mutations_are_deterministic() {
    let original = Original {
        name: "x".into(),
        bytes: br#"{"payloadType":"application/vnd.in-toto+json","payload":"eyJhIjoxfQ==","signatures":[{"keyid":"k","sig":"MEUCIQDx0000000000000000000000000000000000000000"}]}"#.to_vec(),
        file_name: "x.json".into(),
        args: Vec::new(),
        artifact: String::new(),
        passes: true,
    };
    let others: Vec<&[u8]> = vec![b"{}\n"];
    let a: Vec<Vec<u8>> = mutants(&original, &others, &mut Rng(SEED))
        .into_iter()
        .map(|m| m.bytes)
        .collect();
    let b: Vec<Vec<u8>> = mutants(&original, &others, &mut Rng(SEED))
        .into_iter()
        .map(|m| m.bytes)
        .collect();
    assert_eq!(a, b);
    assert!(a.len() >= VERIFY_MUTATIONS / 2);
}

/// Mutated key files (the fixtures in `test-vectors/keys`, PKCS#8, SEC1, encrypted PKCS#8
/// with scrypt and PBKDF2, cosign, RSA, and a fresh `keygen` pair) given to `sign --key` and
/// `verify --key`: exit 0, 1 or 2 in time, never a panic.
#[test]
fn mutated_keys_never_panic_or_hang() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let out = provenance_testkit::cli!().run(dir, &["keygen", "--output", "own.pem"]);
    assert!(out.status.success(), "{out:?}");
    std::fs::write(dir.join("payload.json"), b"{\"a\":1}").unwrap();
    std::fs::write(dir.join("app.bin"), b"the artifact\n").unwrap();
    let keys_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/keys");
    let mut keys: Vec<(String, Vec<u8>)> = std::fs::read_dir(&keys_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".pem") || name.ends_with(".key")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    keys.sort();
    for name in ["own.pem", "own.pem.pub"] {
        keys.push((name.to_owned(), std::fs::read(dir.join(name)).unwrap()));
    }
    assert!(keys.len() >= 10, "{} key files", keys.len());
    let mut rng = Rng(SEED ^ 0x6b65_7973);
    let all: Vec<&[u8]> = keys.iter().map(|(_, b)| b.as_slice()).collect();
    let (mut runs, mut problems) = (0, Vec::new());
    for (name, bytes) in &keys {
        for n in 0..12 {
            let (label, mutated) = mutate_bytes(bytes, &all, rng.below(7), &mut rng);
            let file = format!("{n:02}-{name}");
            std::fs::write(dir.join(&file), &mutated).unwrap();
            let public = name.contains(".pub");
            let args: Vec<String> = if public {
                ["verify", "--key", &file, "app.bin"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect()
            } else {
                ["sign", "--key", &file, "payload.json"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect()
            };
            let run = run_with_timeout(&args, dir, &[("PROVENANCE_PASSWORD", "fixture-password")]);
            runs += 1;
            let bad = run.timed_out
                || run.stderr.contains("panicked at")
                || !matches!(run.code, Some(0..=2));
            if bad {
                problems.push(format!(
                    "{} {file} ({label}): exit {:?}, timed out {}\n    {}",
                    args[0],
                    run.code,
                    run.timed_out,
                    run.stderr.trim()
                ));
            }
        }
    }
    println!("{runs} runs with mutated keys");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every kept fuzzing regression (`test-vectors/regressions/<target>/*`) through `inspect` and
/// `verify`: exit 0, 1 or 2 in time, never a panic.
#[test]
fn regressions_replay() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/regressions");
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let out = provenance_testkit::cli!().run(dir, &["keygen", "--output", "key.pem"]);
    assert!(out.status.success(), "{out:?}");
    let mut inputs = Vec::new();
    for target in std::fs::read_dir(&base).unwrap() {
        let target = target.unwrap().path();
        if target.is_dir() {
            for file in std::fs::read_dir(&target).unwrap() {
                inputs.push(file.unwrap().path());
            }
        }
    }
    inputs.sort();
    let mut problems = Vec::new();
    for input in &inputs {
        let path = input.to_string_lossy().into_owned();
        for args in [
            vec!["inspect".to_owned(), path.clone()],
            vec![
                "verify".to_owned(),
                "--key".to_owned(),
                "key.pem.pub".to_owned(),
                "--attestation".to_owned(),
                path.clone(),
                format!("sha256:{}", "0".repeat(64)),
            ],
        ] {
            let run = run_with_timeout(&args, dir, &[]);
            if run.timed_out
                || run.stderr.contains("panicked at")
                || !matches!(run.code, Some(0..=2))
            {
                problems.push(format!("{args:?}: exit {:?}\n{}", run.code, run.stderr));
            }
        }
    }
    println!("{} regression inputs replayed", inputs.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Our own `attest --bundle` output (a v0.3 bundle with `publicKey` material and no log entry)
/// verifies with `verify --key`, as the `.intoto.jsonl` line does (finding F2, fixed), so the
/// hostile run above also checks that no integrity mutation of it verifies.
#[test]
fn own_bundle_verifies_with_the_key() {
    let work = tempfile::tempdir().unwrap();
    let own = own_originals(work.path());
    for o in &own {
        let path = work.path().join(&o.file_name);
        let mut args = vec!["verify".to_owned()];
        args.extend(o.args.iter().cloned());
        args.extend([
            "--attestation".to_owned(),
            path.to_string_lossy().into_owned(),
            o.artifact.clone(),
        ]);
        let run = run_with_timeout(&args, work.path(), &[]);
        assert_eq!(run.code, Some(0), "{}: {}", o.name, run.stderr);
    }
}
