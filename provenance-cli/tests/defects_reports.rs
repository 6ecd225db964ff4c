//! Reports have a contract: `--format json` of `verify`, `trace` and `inspect` is camelCase
//! throughout with a `schemaVersion`, and validates against `schemas/*-report.schema.json`;
//! `--output-file` writes it to a file; a closed pipe ends the command quietly with the exit
//! code of its verdict.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use defects_common::{BUILDER, command, exits, provenance, setup, stderr};
use serde_json::Value;

const SAN: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn validator(report: &str) -> jsonschema::Validator {
    provenance_testkit::schema::validator(&format!("{report}-report.schema.json"))
}

/// Parses a report and checks it against its schema.
fn valid(report: &str, text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap();
    let errors = provenance_testkit::schema::errors(&validator(report), &value);
    assert!(errors.is_empty(), "{report} report: {errors:#?}\n{text}");
    assert_eq!(value["schemaVersion"], "1");
    value
}

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/sigstore-conformance/assets/bundle-verify")
}

#[test]
fn verify_reports_validate_pass_fail_rejected_skipped_and_keyless() {
    let dir = setup(&["--external-parameter", "my_param:=1"]);
    let d = dir.path();
    // a second attestation by another key (rejected) and a line that is not JSON (skipped)
    exits(&provenance(d, &["keygen", "--output", "other.pem"]), 0);
    let other = exits(
        &provenance(
            d,
            &[
                "attest",
                "--key",
                "other.pem",
                "--builder-id",
                BUILDER,
                "app.bin",
            ],
        ),
        0,
    );
    let mut jsonl = std::fs::read_to_string(d.join("app.bin.intoto.jsonl")).unwrap();
    jsonl.push_str(&other);
    jsonl.push_str("not json\n");
    std::fs::write(d.join("app.bin.intoto.jsonl"), jsonl).unwrap();
    std::fs::write(d.join("other.bin"), b"no provenance\n").unwrap();

    let base = ["verify", "--format", "json", "--key", "key.pem.pub"];
    let pass = valid(
        "verify",
        &exits(&provenance(d, &[&base[..], &["app.bin"]].concat()), 0),
    );
    assert_eq!(pass["verdict"], "PASS");
    let trace = &pass["artifacts"][0]["trace"][0];
    assert!(trace["verified"]["attestationDigest"]["sha256"].is_string());
    assert_eq!(trace["claimed"]["builderId"], BUILDER);
    assert_eq!(pass["rejectedAttestations"][0]["origin"]["line"], 2);
    assert_eq!(pass["skippedLines"][0]["origin"]["line"], 3);

    let fail = valid(
        "verify",
        &exits(
            &provenance(
                d,
                &[
                    &base[..],
                    &["--source-branch", "main", "app.bin", "other.bin"],
                ]
                .concat(),
            ),
            1,
        ),
    );
    assert_eq!(fail["summary"]["failed"], 2);
    assert_eq!(fail["artifacts"][0]["failures"][0]["rule"], "source-ref");

    // keyless: a Sigstore bundle's message signature
    std::fs::copy(conformance().join("a.txt"), d.join("a.txt")).unwrap();
    let bundle = conformance().join("happy-path-v0.3/bundle.sigstore.json");
    let keyless = provenance(
        d,
        &[
            "verify",
            "--format",
            "json",
            "--attestation",
            bundle.to_str().unwrap(),
            "--certificate-identity",
            SAN,
            "--certificate-oidc-issuer",
            ISSUER,
            "a.txt",
        ],
    );
    let keyless = valid("verify", &exits(&keyless, 0));
    assert_eq!(keyless["verdict"], "PASS");
}

#[test]
fn a_snake_case_key_breaks_the_contract() {
    let dir = setup(&[]);
    let text = exits(
        &provenance(
            dir.path(),
            &[
                "verify",
                "--format",
                "json",
                "--key",
                "key.pem.pub",
                "app.bin",
            ],
        ),
        0,
    );
    let mut report: Value = serde_json::from_str(&text).unwrap();
    let verified = report["artifacts"][0]["trace"][0]["verified"]
        .as_object_mut()
        .unwrap();
    let digest = verified.remove("attestationDigest").unwrap();
    verified.insert("attestation_digest".to_owned(), digest);
    assert!(!validator("verify").is_valid(&report));
    let mut report: Value = serde_json::from_str(&text).unwrap();
    report["schemaVersion"] = "2".into();
    assert!(!validator("verify").is_valid(&report));
}

#[test]
fn trace_reports_validate() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("other.bin"), b"no provenance\n").unwrap();
    let base = [
        "trace",
        "--format",
        "json",
        "--store",
        ".",
        "--key",
        "key.pem.pub",
    ];
    let pass = valid(
        "trace",
        &exits(&provenance(d, &[&base[..], &["app.bin"]].concat()), 0),
    );
    assert_eq!(pass["chain"]["kind"], "artifact");
    assert_eq!(pass["chain"]["dependencies"][0]["kind"], "source");
    let fail = valid(
        "trace",
        &exits(&provenance(d, &[&base[..], &["other.bin"]].concat()), 1),
    );
    assert_eq!(fail["verdict"], "FAIL");
}

#[test]
fn inspect_reports_validate() {
    let dir = setup(&[]);
    let d = dir.path();
    let third = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party");
    let mut inputs: Vec<PathBuf> = vec![
        d.join("app.bin.intoto.jsonl"),
        conformance().join("happy-path-v0.3/bundle.sigstore.json"),
        third.join("dsse-spec/signing_spec_doctest.envelope.json"),
        third.join("witness/test/cdx-att.json"),
    ];
    // a statement, JSON that is none of ours, and a JSON lines file with a bad line
    std::fs::write(d.join("st.json"), r#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"ab"}}],"predicateType":"p","predicate":{"k_k":1}}"#).unwrap();
    // (with a statement: a file with nothing to inspect prints nothing, finding 16)
    std::fs::write(
        d.join("mixed.jsonl"),
        "{\"a_b\":1}\nnot json\n[1]\n{\"_type\":\"https://in-toto.io/Statement/v1\"}\n",
    )
    .unwrap();
    inputs.extend([d.join("st.json"), d.join("mixed.jsonl")]);
    for input in &inputs {
        let out = provenance(d, &["inspect", "--format", "json", input.to_str().unwrap()]);
        let code = if input.ends_with("mixed.jsonl") { 2 } else { 0 };
        let view = valid("inspect", &exits(&out, code));
        assert!(
            !view["documents"].as_array().unwrap().is_empty(),
            "{input:?}"
        );
    }
}

#[test]
fn output_file_holds_the_report_and_stdout_stays_empty() {
    let dir = setup(&[]);
    let d = dir.path();
    for (report, args, code) in [
        (
            "verify",
            &["verify", "--key", "key.pem.pub", "app.bin"][..],
            0,
        ),
        (
            "trace",
            &["trace", "--store", ".", "--key", "key.pem.pub", "app.bin"][..],
            0,
        ),
        ("inspect", &["inspect", "app.bin.intoto.jsonl"][..], 0),
    ] {
        let file = format!("{report}.json");
        let mut with_file = args.to_vec();
        with_file.splice(1..1, ["--format", "json", "--output-file", &file]);
        assert_eq!(exits(&provenance(d, &with_file), code), "", "{report}");
        valid(report, &std::fs::read_to_string(d.join(&file)).unwrap());
        // text too; an existing file is replaced
        let mut text = args.to_vec();
        text.splice(1..1, ["--output-file", &file]);
        assert_eq!(exits(&provenance(d, &text), code), "");
        let written = std::fs::read_to_string(d.join(&file)).unwrap();
        assert!(
            serde_json::from_str::<Value>(&written).is_err(),
            "{report}: {written}"
        );
    }
    // a report that cannot be written is an error, exit 2
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--output-file",
            "no/such/dir/r.json",
            "app.bin",
        ],
    );
    assert_eq!(exits(&out, 2), "");
}

/// Runs with stdout a pipe whose reader is gone before anything is written.
fn closed_stdout(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = command(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_verdicts_exit_code() {
    let dir = setup(&[]);
    let d = dir.path();
    std::fs::write(d.join("big.jsonl"), "[]\n".repeat(100_000)).unwrap();
    let inspect = closed_stdout(d, &["inspect", "big.jsonl"]);
    assert_eq!(inspect.status.code(), Some(0), "{}", stderr(&inspect));
    assert_eq!(stderr(&inspect), "");
    let json = closed_stdout(d, &["inspect", "--format", "json", "big.jsonl"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    assert_eq!(stderr(&json), "");

    let pass = closed_stdout(d, &["verify", "--key", "key.pem.pub", "app.bin"]);
    assert_eq!(pass.status.code(), Some(0), "{}", stderr(&pass));
    assert!(!stderr(&pass).contains("error"), "{}", stderr(&pass));
    let fail = closed_stdout(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--source-branch",
            "main",
            "app.bin",
        ],
    );
    assert_eq!(fail.status.code(), Some(1), "{}", stderr(&fail));
    assert!(!stderr(&fail).contains("error"), "{}", stderr(&fail));
    let trace = closed_stdout(
        d,
        &[
            "trace",
            "--store",
            ".",
            "--key",
            "key.pem.pub",
            "--source-branch",
            "main",
            "app.bin",
        ],
    );
    assert_eq!(trace.status.code(), Some(1), "{}", stderr(&trace));
    assert!(!stderr(&trace).contains("error"), "{}", stderr(&trace));
}

/// The FAIL line and the JSON `rule` name the real cause when nothing verified covers the
/// artifact: a bad signature by a trusted key, a signature by no trusted key, a certificate
/// identity that does not match; each with the attestation's file and line.
#[test]
fn the_headline_names_the_real_cause_of_a_refused_attestation() {
    let dir = setup(&[]);
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "other.pem"]), 0);
    // A bad signature: one bit flipped in the signature of the good envelope.
    let line = std::fs::read_to_string(d.join("app.bin.intoto.jsonl")).unwrap();
    let mut env: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let sig = env["signatures"][0]["sig"].as_str().unwrap().to_owned();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    env["signatures"][0]["sig"] = format!("{flipped}{}", &sig[1..]).into();
    std::fs::write(d.join("badsig.jsonl"), format!("{env}\n")).unwrap();

    let run = |key: &str, attestation: &str, format: &str| {
        exits(
            &provenance(
                d,
                &[
                    "verify",
                    "--format",
                    format,
                    "--key",
                    key,
                    "--attestation",
                    attestation,
                    "app.bin",
                ],
            ),
            1,
        )
    };
    let bad = run("key.pem.pub", "badsig.jsonl", "text");
    assert!(
        bad.starts_with("FAIL app.bin: signature: the signature by key ")
            && bad.contains(" does not verify (badsig.jsonl:1)"),
        "{bad}"
    );
    assert!(!bad.contains("subject:"), "{bad}");
    let unknown = run("other.pem.pub", "app.bin.intoto.jsonl", "text");
    assert!(
        unknown.starts_with("FAIL app.bin: signature: signed by no trusted key")
            && unknown.contains("(app.bin.intoto.jsonl:1)"),
        "{unknown}"
    );
    assert!(!unknown.contains("does not verify"), "{unknown}");

    for (key, attestation, cause) in [
        ("key.pem.pub", "badsig.jsonl", "the signature by key "),
        (
            "other.pem.pub",
            "app.bin.intoto.jsonl",
            "signed by no trusted key",
        ),
    ] {
        let report = valid("verify", &run(key, attestation, "json"));
        let failure = &report["artifacts"][0]["failures"][0];
        assert_eq!(failure["rule"], "signature");
        assert!(failure["actual"].as_str().unwrap().starts_with(cause));
        assert_eq!(failure["attestation"]["path"], attestation);
        assert_eq!(failure["attestation"]["line"], 1);
    }

    // Keyless: a certificate identity that does not match.
    std::fs::copy(conformance().join("a.txt"), d.join("a.txt")).unwrap();
    let bundle = conformance().join("happy-path-v0.3/bundle.sigstore.json");
    let args = |format: &'static str| {
        vec![
            "verify".to_owned(),
            "--format".to_owned(),
            format.to_owned(),
            "--attestation".to_owned(),
            bundle.to_str().unwrap().to_owned(),
            "--certificate-identity".to_owned(),
            "https://github.com/evil/evil/.github/workflows/w.yml@refs/heads/main".to_owned(),
            "--certificate-oidc-issuer".to_owned(),
            ISSUER.to_owned(),
            "a.txt".to_owned(),
        ]
    };
    let text_args = args("text");
    let text = exits(
        &provenance(d, &text_args.iter().map(String::as_str).collect::<Vec<_>>()),
        1,
    );
    assert!(text.starts_with("FAIL a.txt: identity: "), "{text}");
    assert!(
        text.contains(SAN) && text.contains("bundle.sigstore.json"),
        "{text}"
    );
    let json_args = args("json");
    let report = valid(
        "verify",
        &exits(
            &provenance(d, &json_args.iter().map(String::as_str).collect::<Vec<_>>()),
            1,
        ),
    );
    assert_eq!(report["artifacts"][0]["failures"][0]["rule"], "identity");
}
