//! Text output is data, not terminal commands: claimed fields are printed with control
//! characters escaped in `verify`, `trace`, `inspect` and `digest --check`, and one artifact
//! gives exactly one verdict line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Output;

mod defects_common;
use defects_common::{COMMIT, provenance};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// No control character but the line ends, no bidi override.
fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(bad.is_empty(), "{what} printed {bad:?} raw:\n{text}");
}

/// A builder id with a C1 control (CSI) and a right-to-left override.
const CONTROL_BUILDER: &str = "https://ci.example/b\u{9b}31m\u{202e}";
/// A builder id with only a right-to-left override: a valid `TypeURI` (no control character, no
/// space), so verification reads it and must print it inert.
const RTL_BUILDER: &str = "https://ci.example/b\u{202e}";

/// A key, `app.bin`, and `att.jsonl`: signed provenance for it whose builder id (`builder`) and
/// source URI hold terminal escapes and a forged line.
fn hostile_attestation(builder: &str) -> tempfile::TempDir {
    signed_statement(|statement| {
        statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] =
            "git+https://github.com/o/r\u{1b}[2J\nPASS forged.bin".into();
        statement["predicate"]["runDetails"]["builder"]["id"] = builder.into();
        statement["subject"][0]["name"] = "app.bin\u{1b}]0;title\u{7}".into();
    })
}

/// A key `k.pem`, `app.bin`, and `att.jsonl`: a provenance statement for it, changed by `edit`,
/// signed with the key.
fn signed_statement(edit: impl FnOnce(&mut serde_json::Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        provenance(d, &["keygen", "--output", "k.pem"])
            .status
            .success()
    );
    std::fs::write(d.join("app.bin"), b"hi\n").unwrap();
    let st = provenance(
        d,
        &[
            "statement",
            "--builder-id",
            "https://ci.example/b",
            "--source-uri",
            "https://github.com/o/r",
            "--source-commit",
            COMMIT,
            "app.bin",
        ],
    );
    let mut statement: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    edit(&mut statement);
    std::fs::write(d.join("st.json"), statement.to_string()).unwrap();
    let signed = provenance(d, &["sign", "--key", "k.pem", "st.json"]);
    assert!(signed.status.success());
    let line: serde_json::Value = serde_json::from_slice(&signed.stdout).unwrap();
    std::fs::write(d.join("att.jsonl"), format!("{line}\n")).unwrap();
    dir
}

#[test]
fn a_name_with_a_newline_gives_one_fail_line_and_no_forged_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        provenance(d, &["keygen", "--output", "k.pem"])
            .status
            .success()
    );
    let name = "app.bin\nPASS forged.bin (source example)";
    std::fs::write(d.join(name), b"x").unwrap();
    let out = provenance(d, &["verify", "--key", "k.pem.pub", name]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("FAIL app.bin\\nPASS forged.bin (source example): "),
        "{text}"
    );
    assert_inert("verify", &text);
    assert_inert("verify stderr", &String::from_utf8_lossy(&out.stderr));
}

#[test]
fn verify_and_trace_escape_claimed_builder_and_source() {
    let dir = hostile_attestation(RTL_BUILDER);
    let d = dir.path();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "k.pem.pub",
            "--attestation",
            "att.jsonl",
            "app.bin",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("PASS app.bin"), "{text}");
    assert_inert("verify", &text);

    let json = provenance(
        d,
        &[
            "verify",
            "--key",
            "k.pem.pub",
            "--attestation",
            "att.jsonl",
            "--format",
            "json",
            "app.bin",
        ],
    );
    assert_inert("verify --format json", &stdout(&json));
    // still the same data once parsed
    assert!(stdout(&json).contains("b\\u202e"));

    let out = provenance(
        d,
        &["trace", "--store", ".", "--key", "k.pem.pub", "app.bin"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_inert("trace", &text);
    assert!(text.contains("https://ci.example/b\\u202e"), "{text}");
    assert!(
        text.contains("github.com/o/r\\u001b[2J\\nPASS forged.bin"),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("PASS"))
            .count(),
        1,
        "{text}"
    );
}

/// A builder id with a control character is not a `TypeURI`: the statement is refused when it
/// is read (naming the field), and the refusal is printed inert.
#[test]
fn verify_refuses_a_builder_id_with_a_control_character() {
    let dir = hostile_attestation(CONTROL_BUILDER);
    let d = dir.path();
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "k.pem.pub",
            "--attestation",
            "att.jsonl",
            "app.bin",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("FAIL app.bin"), "{text}");
    assert!(
        text.contains("predicate.runDetails.builder.id") && text.contains("not a valid type URI"),
        "{text}"
    );
    assert_inert("verify", &text);
    assert_inert("verify stderr", &String::from_utf8_lossy(&out.stderr));
}

#[test]
fn inspect_escapes_claimed_strings_in_text_and_json() {
    let dir = hostile_attestation(CONTROL_BUILDER);
    let d = dir.path();
    for format in ["text", "json"] {
        let out = provenance(d, &["inspect", "--format", format, "att.jsonl"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = stdout(&out);
        assert_inert(format, &text);
        assert!(text.contains("b\\u009b31m"), "{text}");
    }
}

#[test]
fn digest_check_escapes_control_characters_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "e\u{1b}[2Jx";
    std::fs::write(d.join(name), b"a").unwrap();
    let hex = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    std::fs::write(d.join("SUMS"), format!("{hex}  {name}\n")).unwrap();
    let out = provenance(d, &["digest", "--check", "SUMS"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "\\e\\u001b[2Jx: OK\n");
}

/// Finding 9: code points that print nothing or a line break (Zl, Zp, Cf, Co, Cn: U+2028,
/// U+2029, zero-width space, BOM, soft hyphen, tag characters, private use) are escaped too.
const INVISIBLE: &str = "\u{2028}\u{2029}\u{200b}\u{feff}\u{ad}\u{e0001}\u{e007f}\u{e000}";
const INVISIBLE_SHOWN: &str =
    "\\u2028\\u2029\\u200b\\ufeff\\u00ad\\udb40\\udc01\\udb40\\udc7f\\ue000";

fn assert_no_invisible(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| INVISIBLE.contains(*c)).collect();
    assert!(bad.is_empty(), "{what} printed {bad:?} raw:\n{text}");
}

#[test]
fn invisible_and_separator_code_points_are_escaped() {
    let uri = format!("git+https://github.com/o/r{INVISIBLE}Z");
    let dir = signed_statement(|statement| {
        statement["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] =
            uri.clone().into();
        statement["predicate"]["buildDefinition"]["externalParameters"]["source"]["uri"] =
            uri.into();
    });
    let d = dir.path();
    let shown = format!("github.com/o/r{INVISIBLE_SHOWN}Z");

    // The claimed source is named in the FAIL reason.
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "k.pem.pub",
            "--source-uri",
            "github.com/o/r",
            "--attestation",
            "att.jsonl",
            "app.bin",
        ],
    );
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_no_invisible("verify", &text);
    assert!(text.contains(&shown), "{text}");

    let out = provenance(
        d,
        &["trace", "--store", ".", "--key", "k.pem.pub", "app.bin"],
    );
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_no_invisible("trace", &text);
    assert!(text.contains(&shown), "{text}");

    for format in ["text", "json"] {
        let out = provenance(d, &["inspect", "--format", format, "att.jsonl"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = stdout(&out);
        assert_no_invisible(format, &text);
        assert!(text.contains(INVISIBLE_SHOWN), "{text}");
    }

    let name = format!("n{INVISIBLE}.bin");
    std::fs::write(d.join(&name), b"a").unwrap();
    let hex = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    std::fs::write(d.join("SUMS"), format!("{hex}  {name}\n")).unwrap();
    let out = provenance(d, &["digest", "--check", "SUMS"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), format!("\\n{INVISIBLE_SHOWN}.bin: OK\n"));
}
