//! The DSSE `payloadType` of a statement: `application/vnd.in-toto+json`, or the in-toto v1.2
//! predicate-specific `application/vnd.in-toto.<predicate>+json`, whose `<predicate>` must
//! agree with the signed statement for the predicates verify judges (review finding 16): SLSA
//! provenance labelled `spdx` or `vsa` is not provenance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod defects_common;
use defects_common::{exits, provenance, setup};

/// Re-signs the statement of `app.bin.intoto.jsonl` with `payload_type` into `out`.
fn resign(d: &std::path::Path, payload_type: &str, out: &str) {
    let line = std::fs::read_to_string(d.join("app.bin.intoto.jsonl")).unwrap();
    let envelope: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let payload = base64_decode(envelope["payload"].as_str().unwrap());
    std::fs::write(d.join("st.json"), payload).unwrap();
    let signed = exits(
        &provenance(
            d,
            &[
                "sign",
                "--key",
                "key.pem",
                "--payload-type",
                payload_type,
                "st.json",
            ],
        ),
        0,
    );
    let compact: serde_json::Value = serde_json::from_str(&signed).unwrap();
    std::fs::write(d.join(out), format!("{compact}\n")).unwrap();
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn verify(d: &std::path::Path, attestation: &str) -> std::process::Output {
    provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            attestation,
            "app.bin",
        ],
    )
}

#[test]
fn provenance_labelled_as_another_predicate_is_refused() {
    let dir = setup(&[]);
    let d = dir.path();
    for name in ["spdx", "vsa"] {
        let payload_type = format!("application/vnd.in-toto.{name}+json");
        resign(d, &payload_type, "x.jsonl");
        let fail = exits(&verify(d, "x.jsonl"), 1);
        assert!(fail.starts_with("FAIL app.bin"), "{fail}");
        assert!(
            fail.contains(&format!(
                "payloadType \"{payload_type}\" names the predicate \"{name}\", but the signed \
                 statement is SLSA provenance"
            )),
            "{fail}"
        );
    }
}

#[test]
fn provenance_labelled_provenance_or_generic_passes() {
    let dir = setup(&[]);
    let d = dir.path();
    for payload_type in [
        "application/vnd.in-toto.provenance+json",
        "application/vnd.in-toto+json",
    ] {
        resign(d, payload_type, "x.jsonl");
        let pass = exits(&verify(d, "x.jsonl"), 0);
        assert!(pass.starts_with("PASS app.bin"), "{payload_type}: {pass}");
    }
}
