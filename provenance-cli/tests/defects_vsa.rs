//! VSA: a pass earned by a bare artifact signature states no SLSA build level; `--verifier-id`
//! and `--resource-uri` set what the VSA says; verifying a VSA checks its `resourceUri` when
//! one is expected; `--vsa-output` appends, as `attest --output` does, and says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use std::path::{Path, PathBuf};

use defects_common::{exits, provenance, setup, stderr};

const VSA: &str = "https://slsa.dev/verification_summary/v1";
const SAN: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/sigstore-conformance/assets/bundle-verify")
}

/// The statements of every VSA line in `path`.
fn vsas(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let env: serde_json::Value = serde_json::from_str(line).unwrap();
            let payload = base64_decode(env["payload"].as_str().unwrap());
            serde_json::from_slice(&payload).unwrap()
        })
        .collect()
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            _ => 63,
        }
    };
    let mut out = Vec::new();
    for chunk in text.trim_end_matches('=').as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, c)| acc | (value(*c) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn a_pass_from_a_bare_artifact_signature_states_no_build_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "gate.pem"]), 0);
    std::fs::copy(conformance().join("a.txt"), d.join("a.txt")).unwrap();
    let bundle = conformance().join("happy-path-v0.3/bundle.sigstore.json");
    let out = provenance(
        d,
        &[
            "verify",
            "--attestation",
            bundle.to_str().unwrap(),
            "--certificate-identity",
            SAN,
            "--certificate-oidc-issuer",
            ISSUER,
            "--vsa-output",
            "a.vsa.jsonl",
            "--vsa-key",
            "gate.pem",
            "a.txt",
        ],
    );
    assert!(exits(&out, 0).starts_with("PASS a.txt"));
    let vsa = &vsas(&d.join("a.vsa.jsonl"))[0];
    assert_eq!(vsa["predicateType"], VSA);
    assert_eq!(vsa["predicate"]["verifiedLevels"], serde_json::json!([]));
    assert_eq!(vsa["predicate"]["verificationResult"], "PASSED");
}

#[test]
fn verifier_id_and_resource_uri_are_written_and_resource_uri_is_checked() {
    let dir = setup(&[]);
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "gate.pem"]), 0);
    let issue = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--key",
            "key.pem.pub",
            "--vsa-output",
            "app.vsa.jsonl",
            "--vsa-key",
            "gate.pem",
        ];
        args.extend_from_slice(extra);
        args.push("app.bin");
        assert!(exits(&provenance(d, &args), 0).starts_with("PASS app.bin"));
    };
    issue(&[]);
    issue(&[
        "--verifier-id",
        "https://deploy.example.com/gate",
        "--resource-uri",
        "pkg:generic/app@1.2.3",
    ]);
    // appended, not replaced
    let written = vsas(&d.join("app.vsa.jsonl"));
    assert_eq!(written.len(), 2);
    let (first, second) = (&written[0]["predicate"], &written[1]["predicate"]);
    assert_eq!(first["resourceUri"], "app.bin");
    assert_ne!(first["verifier"]["id"], "https://deploy.example.com/gate");
    assert_eq!(
        first["verifiedLevels"],
        serde_json::json!(["SLSA_BUILD_LEVEL_1"])
    );
    assert_eq!(second["resourceUri"], "pkg:generic/app@1.2.3");
    assert_eq!(second["verifier"]["id"], "https://deploy.example.com/gate");

    // The second VSA, verified as such: its resourceUri is checked when one is expected.
    let line = std::fs::read_to_string(d.join("app.vsa.jsonl")).unwrap();
    std::fs::write(d.join("second.jsonl"), line.lines().nth(1).unwrap()).unwrap();
    let check = |resource: Option<&str>| {
        let mut args = vec![
            "verify",
            "--attestation",
            "second.jsonl",
            "--key",
            "gate.pem.pub",
            "--predicate-type",
            VSA,
            "--builder-id",
            "https://deploy.example.com/gate",
        ];
        if let Some(r) = resource {
            args.extend(["--resource-uri", r]);
        }
        args.push("app.bin");
        provenance(d, &args)
    };
    assert!(exits(&check(None), 0).starts_with("PASS app.bin"));
    assert!(exits(&check(Some("pkg:generic/app@1.2.3")), 0).starts_with("PASS app.bin"));
    let fail = exits(&check(Some("pkg:generic/app@9.9.9")), 1);
    assert!(
        fail.starts_with("FAIL app.bin: resource-uri: expected pkg:generic/app@9.9.9, found pkg:generic/app@1.2.3"),
        "{fail}"
    );
}

#[test]
fn vsa_output_and_attest_output_both_say_they_append() {
    let dir = tempfile::tempdir().unwrap();
    let verify = exits(&provenance(dir.path(), &["verify", "--help"]), 0);
    let attest = exits(&provenance(dir.path(), &["attest", "--help"]), 0);
    let flag_help = |help: &str, flag: &str| {
        let at = help.find(flag).unwrap();
        help[at..].chars().take(200).collect::<String>()
    };
    assert!(
        flag_help(&verify, "--vsa-output <F>").contains("append"),
        "{verify}"
    );
    assert!(
        flag_help(&attest, "--output <F.intoto.jsonl>").contains("Append"),
        "{attest}"
    );
}

/// Signs `statement` (the provenance of `app.bin` with `edit` applied) with `key`, into `out`.
fn sign_edited(d: &Path, key: &str, out: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let line = std::fs::read_to_string(d.join("app.bin.intoto.jsonl")).unwrap();
    let env: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let mut statement: serde_json::Value =
        serde_json::from_slice(&base64_decode(env["payload"].as_str().unwrap())).unwrap();
    edit(&mut statement);
    std::fs::write(d.join("st.json"), statement.to_string()).unwrap();
    let signed = provenance(d, &["sign", "--key", key, "st.json"]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    let line: serde_json::Value = serde_json::from_slice(&signed.stdout).unwrap();
    std::fs::write(d.join(out), format!("{line}\n")).unwrap();
}

/// Verifies `attestation` for `app.bin` with `extra`, writing a VSA to `vsa` (signed by
/// `gate.pem`): the VSA's `verifiedLevels`.
fn levels_of_vsa(d: &Path, attestation: &str, extra: &[&str], vsa: &str) -> serde_json::Value {
    let mut args = vec!["verify", "--attestation", attestation];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--vsa-output", vsa, "--vsa-key", "gate.pem", "app.bin"]);
    assert!(exits(&provenance(d, &args), 0).starts_with("PASS app.bin"));
    vsas(&d.join(vsa))[0]["predicate"]["verifiedLevels"].clone()
}

#[test]
fn a_pass_resting_on_no_slsa_provenance_states_no_build_level() {
    let dir = setup(&[]);
    let d = dir.path();
    exits(&provenance(d, &["keygen", "--output", "gate.pem"]), 0);
    exits(&provenance(d, &["keygen", "--output", "gate2.pem"]), 0);
    // SLSA provenance: level 1 (signed provenance, a root with no level).
    assert_eq!(
        levels_of_vsa(
            d,
            "app.bin.intoto.jsonl",
            &["--key", "key.pem.pub"],
            "p.vsa.jsonl"
        ),
        serde_json::json!(["SLSA_BUILD_LEVEL_1"])
    );
    // An SBOM and an arbitrary predicate accepted with --predicate-type: no level.
    for (i, kind) in [
        "https://spdx.dev/Document",
        "https://example.com/anything/v1",
    ]
    .into_iter()
    .enumerate()
    {
        let att = format!("other{i}.jsonl");
        sign_edited(d, "key.pem", &att, |s| {
            s["predicateType"] = kind.into();
            s["predicate"] = serde_json::json!({"spdxVersion": "SPDX-2.3"});
        });
        assert_eq!(
            levels_of_vsa(
                d,
                &att,
                &["--key", "key.pem.pub", "--predicate-type", kind],
                &format!("o{i}.vsa.jsonl")
            ),
            serde_json::json!([]),
            "{kind}"
        );
    }
    // A VSA stating no level, re-verified: no level (no laundering into level 1).
    let spdx_vsa = levels_of_vsa(
        d,
        "other0.jsonl",
        &[
            "--key",
            "key.pem.pub",
            "--predicate-type",
            "https://spdx.dev/Document",
        ],
        "bare.vsa.jsonl",
    );
    assert_eq!(spdx_vsa, serde_json::json!([]));
    let line = std::fs::read_to_string(d.join("bare.vsa.jsonl")).unwrap();
    std::fs::write(d.join("bare1.jsonl"), line.lines().next().unwrap()).unwrap();
    let mut args = vec![
        "verify",
        "--attestation",
        "bare1.jsonl",
        "--key",
        "gate.pem.pub",
    ];
    args.extend_from_slice(&["--predicate-type", VSA, "--vsa-output", "re.vsa.jsonl"]);
    args.extend_from_slice(&["--vsa-key", "gate2.pem", "app.bin"]);
    assert!(exits(&provenance(d, &args), 0).starts_with("PASS app.bin"));
    assert_eq!(
        vsas(&d.join("re.vsa.jsonl"))[0]["predicate"]["verifiedLevels"],
        serde_json::json!([])
    );
}
