//! How a failing claim is shown (review finding 16): a builder id that is present but invalid
//! is reported as invalid, not as a missing field; external parameters that print alike but
//! differ (Unicode NFC vs NFD) are shown so that the difference is visible.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance, setup};

/// Signs the statement of `app.bin.intoto.jsonl`, changed by `edit`, into `x.jsonl`.
fn resign(d: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    use base64::Engine as _;
    let line = std::fs::read_to_string(d.join("app.bin.intoto.jsonl")).unwrap();
    let envelope: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(envelope["payload"].as_str().unwrap())
        .unwrap();
    let mut statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    edit(&mut statement);
    std::fs::write(d.join("st.json"), statement.to_string()).unwrap();
    let signed = exits(&provenance(d, &["sign", "--key", "key.pem", "st.json"]), 0);
    let compact: serde_json::Value = serde_json::from_str(&signed).unwrap();
    std::fs::write(d.join("x.jsonl"), format!("{compact}\n")).unwrap();
}

fn verify(d: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "--key", "key.pem.pub", "--attestation", "x.jsonl"];
    args.extend_from_slice(extra);
    args.push("app.bin");
    provenance(d, &args)
}

#[test]
fn an_invalid_builder_id_is_reported_as_invalid() {
    let dir = setup(&[]);
    let d = dir.path();
    for bad in [
        "https://ci.example.com/release@v1@v2",
        "https://ci.example.com/release@",
    ] {
        resign(d, |s| {
            s["predicate"]["runDetails"]["builder"]["id"] = serde_json::json!(bad);
        });
        let fail = exits(
            &verify(d, &["--builder-id", "https://ci.example.com/release@v1"]),
            1,
        );
        assert!(
            fail.contains(&format!(
                "builder-id: expected https://ci.example.com/release@v1, found \"{bad}\", which \
                 is not a valid builder id ("
            )),
            "{fail}"
        );
        assert!(!fail.contains("no such field"), "{fail}");
    }
    // With escapes (control characters) it is not even a valid URI: the statement is refused,
    // named as such, and the escapes are shown escaped.
    resign(d, |s| {
        s["predicate"]["runDetails"]["builder"]["id"] =
            serde_json::json!("https://ci.example.com/release@v1\u{1b}[31m");
    });
    let fail = exits(
        &verify(d, &["--builder-id", "https://ci.example.com/release@v1"]),
        1,
    );
    assert!(
        fail.contains("predicate.runDetails.builder.id: \"https://ci.example.com/release@v1")
            && fail.contains("[31m\" is not a valid type URI"),
        "{fail}"
    );
    assert!(
        !fail.contains('\u{1b}') && !fail.contains("no such field"),
        "{fail:?}"
    );
}

#[test]
fn parameters_that_differ_only_in_normalisation_are_shown_apart() {
    let dir = setup(&[]);
    let d = dir.path();
    // "é" decomposed (NFD: e + U+0301) in the statement; composed (NFC: U+00E9) expected.
    resign(d, |s| {
        s["predicate"]["buildDefinition"]["externalParameters"]["name"] =
            serde_json::json!("e\u{301}");
    });
    let fail = exits(&verify(d, &["--external-parameter", "name=\u{e9}"]), 1);
    assert!(fail.contains("external-parameters"), "{fail}");
    assert!(fail.contains("U+0301"), "{fail}");
    assert!(fail.contains("U+00E9"), "{fail}");
}
