//! `inspect` is bounded: it streams, one line at a time, whatever the number of lines (a
//! million `[]` lines used to be held as parsed values: 600 MB), and a binary file or text that
//! is not JSON gives one error, not one per line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use std::io::Write as _;
use std::process::Stdio;

use defects_common::{command, exits, stderr};

fn inspect_stdin(input: &[u8], args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path())
        .arg("inspect")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        // The reader may stop early (an error): a broken pipe here is fine.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

const STATEMENT_LINE: &str = "{\"_type\":\"https://in-toto.io/Statement/v1\"}\n";

#[test]
fn many_lines_are_each_shown_once() {
    // As many lines as verify reads (100,000), one of them a statement.
    let lines = 100_000;
    let input = format!("{STATEMENT_LINE}{}", "[]\n".repeat(lines - 1));
    let text = exits(&inspect_stdin(input.as_bytes(), &[]), 0);
    assert_eq!(text.matches("\n== line ").count(), lines);
    assert!(text.contains(&format!("== line {lines}\n")));
    let json = exits(&inspect_stdin(input.as_bytes(), &["--format", "json"]), 0);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let docs = doc["documents"].as_array().unwrap();
    assert_eq!(docs.len(), lines);
    assert_eq!(docs[lines - 1]["line"], lines);
    assert_eq!(docs[0]["kind"], "statement");
    assert_eq!(docs[1]["kind"], "unknown JSON");
}

/// Finding 12: inspect applies verify's JSON-lines limit (100,000 lines), rather than
/// amplifying a million tiny lines into ~100 MB of output.
#[test]
fn more_lines_than_verify_reads_are_refused() {
    let input = format!("{STATEMENT_LINE}{}", "[]\n".repeat(100_000));
    for format in ["text", "json"] {
        let out = inspect_stdin(input.as_bytes(), &["--format", format]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("standard input has more than 100000 lines"),
            "{err}"
        );
    }
    // Blank lines count, as verify counts them; a final newline is no line.
    let input = format!("{STATEMENT_LINE}{}", "\n".repeat(99_999));
    exits(&inspect_stdin(input.as_bytes(), &[]), 0);
}

/// Finding 12: a file holding no envelope, bundle or statement is not a success.
#[test]
fn a_file_with_nothing_to_inspect_exits_2() {
    for input in ["[]\n[]\n", "{\"a\": 1}", "[]\n{\"b\": 2}\n"] {
        for format in ["text", "json"] {
            let out = inspect_stdin(input.as_bytes(), &["--format", format]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{input:?}: {err}");
            assert!(
                err.contains("standard input holds no DSSE envelope, Sigstore bundle or statement"),
                "{input:?}: {err}"
            );
        }
    }
    // One statement among unknown documents is something to inspect.
    exits(
        &inspect_stdin(format!("[]\n{STATEMENT_LINE}").as_bytes(), &[]),
        0,
    );
}

#[test]
fn a_binary_file_is_one_error() {
    // Deterministic noise with NUL bytes and invalid UTF-8, and many newlines.
    let mut x: u32 = 0x1234_5678;
    let input: Vec<u8> = (0..3_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let out = inspect_stdin(&input, &[]);
    assert_eq!(exits(&out, 2), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("standard input is binary data, not JSON or JSON lines"),
        "{err}"
    );
}

#[test]
fn text_that_is_not_json_is_one_error() {
    let input = "hello world\n".repeat(17_000);
    let out = inspect_stdin(input.as_bytes(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap()
            .contains("neither a JSON document nor JSON lines"),
        "{err}"
    );
    assert!(err.lines().count() <= 11, "{err}");
}

#[test]
fn bad_lines_among_good_ones_are_reported_up_to_a_bound() {
    let mut input = String::from("{\"_type\":\"https://in-toto.io/Statement/v1\"}\n");
    input.push_str(&"not json\n".repeat(500));
    let out = inspect_stdin(input.as_bytes(), &["--format", "json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 11, "{err}");
    assert!(err.contains("line 2: not JSON"), "{err}");
    assert!(err.contains("490 more bad lines not shown"), "{err}");
    // every line is still in the report, as invalid
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["documents"].as_array().unwrap().len(), 501);
    assert_eq!(doc["documents"][500]["kind"], "invalid");
}

/// A document of more values than inspect shows (a million) is refused before it is built,
/// whether it is the whole input or one line of several.
#[test]
fn a_document_of_too_many_values_is_refused_not_built() {
    let huge = format!("[{}]", vec!["[]"; 1_100_000].join(","));
    let out = inspect_stdin(format!("{huge}\n").as_bytes(), &[]);
    assert_eq!(exits(&out, 2), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("more than 1000000 JSON values"), "{err}");

    let lines = format!("[1]\n{huge}\n{{\"_type\":\"x\"}}\n");
    let out = inspect_stdin(lines.as_bytes(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 2: more than 1000000 JSON values"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = doc["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["unknown JSON", "invalid", "statement"]);
}

/// Finding 16: an input with nothing to inspect (empty, text that is not JSON) fails with
/// nothing on stdout, not the "no trust decision" header and `== line 1` first; no
/// --output-file is written either.
#[test]
fn nothing_to_inspect_prints_nothing_to_stdout() {
    for input in ["", "garbage\nmore garbage\n", "[]\n{\"b\": 2}\n"] {
        for format in ["text", "json"] {
            let out = inspect_stdin(input.as_bytes(), &["--format", format]);
            assert_eq!(exits(&out, 2), "", "{input:?} {format}");
            assert!(
                stderr(&out).contains("standard input"),
                "{input:?}: {}",
                stderr(&out)
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path())
        .args(["inspect", "--output-file", "view.txt", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(exits(&out, 2), "");
    assert!(
        stderr(&out).contains("/dev/null is neither a JSON document nor JSON lines"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("view.txt").exists());
    // Bad lines before a statement are still shown, with the statement.
    let out = inspect_stdin(format!("not json\n{STATEMENT_LINE}").as_bytes(), &[]);
    let text = exits(&out, 2);
    assert!(text.starts_with("(no trust decision"), "{text}");
    assert!(text.contains("== line 1\n"), "{text}");
    assert!(text.contains("== line 2\n"), "{text}");
}

/// Finding 16: a signed payload that repeats a key (which verify refuses) is shown as an
/// error naming the key, not as a clean statement.
#[test]
fn a_duplicate_key_inside_the_signed_payload_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    exits(
        &command(d)
            .args(["keygen", "--output", "k.key"])
            .output()
            .unwrap(),
        0,
    );
    std::fs::write(
        d.join("t.json"),
        r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"https://x","externalParameters":{}},"runDetails":{"builder":{"id":"https://evil","id":"https://ci.example.com/release@v1"}}}}"#,
    )
    .unwrap();
    let envelope = exits(
        &command(d)
            .args(["sign", "--key", "k.key", "t.json"])
            .output()
            .unwrap(),
        0,
    );
    let line: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    std::fs::write(d.join("e.jsonl"), format!("{line}\n")).unwrap();
    for format in ["text", "json"] {
        let out = command(d)
            .args(["inspect", "--format", format, "e.jsonl"])
            .output()
            .unwrap();
        let view = exits(&out, 2);
        let err = stderr(&out);
        assert!(
            err.contains("the signed payload repeats a JSON key")
                && err.contains("predicate.runDetails.builder: duplicate key `id`"),
            "{err}"
        );
        assert!(
            view.contains("the signed payload repeats a JSON key"),
            "{view}"
        );
    }
}
