//! The deterministic generator of `test-vectors/adversarial/`: one folder per attack from
//! `SECURITY-CASES.md` that applies to verification, each with a README, its inputs (signed
//! with fixed Ed25519 keys: seed 1 is trusted, seed 2 is not) and `case.json` (the
//! `provenance` arguments and the expected exit code). The CLI test
//! `provenance-cli/tests/vectors_adversarial.rs` walks the folders.
//!
//! `cargo test -p provenance-verify --test adversarial_gen` checks the checked-in folders are
//! exactly what this generator writes; with `PROVENANCE_REGENERATE=1` it rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::needless_pass_by_value,
    clippy::format_push_string
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::EncodePublicKey as _;
use provenance_dsse::{Envelope, KeyId, PayloadType, SignerWithKeyId};
use serde_json::{Value, json};
use sha2::Digest as _;

const ARTIFACT: &[u8] = b"adversarial artifact\n";
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const BUILDER: &str = "https://ci.example.com/builders/release@v1";
const REPO: &str = "git+https://github.com/example/app@refs/tags/v1.2.3";

fn key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn public_pem(seed: u8) -> String {
    key(seed)
        .verifying_key()
        .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

fn statement_with(subjects: Value, predicate_type: &str, predicate: Value) -> Value {
    json!({"_type": "https://in-toto.io/Statement/v1", "subject": subjects, "predicateType": predicate_type, "predicate": predicate})
}

fn provenance_predicate(repo: &str) -> Value {
    json!({
        "buildDefinition": {
            "buildType": "https://example.com/build/v1",
            "externalParameters": {"source": {"uri": repo}},
            "resolvedDependencies": [{"uri": repo, "digest": {"gitCommit": COMMIT}}]
        },
        "runDetails": {"builder": {"id": BUILDER}, "metadata": {"invocationId": "https://ci.example.com/runs/1"}}
    })
}

fn subject(name: &str, content: &[u8]) -> Value {
    json!([{"name": name, "digest": {"sha256": sha256(content)}}])
}

fn good_statement() -> Value {
    statement_with(
        subject("app.bin", ARTIFACT),
        "https://slsa.dev/provenance/v1",
        provenance_predicate(REPO),
    )
}

fn sign_raw(payload_type: &str, payload: &[u8], seeds: &[u8]) -> String {
    let signers: Vec<SignerWithKeyId<ed25519_dalek::SigningKey, ed25519_dalek::Signature>> = seeds
        .iter()
        .map(|s| SignerWithKeyId::new(key(*s), Some(KeyId::try_from(format!("seed-{s}")).unwrap())))
        .collect();
    let refs: Vec<&dyn provenance_dsse::DsseSigner> = signers
        .iter()
        .map(|s| s as &dyn provenance_dsse::DsseSigner)
        .collect();
    Envelope::sign(
        payload_type.parse::<PayloadType>().unwrap(),
        payload.to_vec(),
        &refs,
    )
    .unwrap()
    .to_json()
}

fn sign(statement: &Value, seed: u8) -> String {
    sign_raw(
        "application/vnd.in-toto+json",
        &serde_json::to_vec(statement).unwrap(),
        &[seed],
    )
}

struct Case {
    name: &'static str,
    advisory: &'static str,
    attack: &'static str,
    files: BTreeMap<String, Vec<u8>>,
    args: Vec<String>,
    exit: i32,
    stdout: Option<&'static str>,
    synthesize: Option<Value>,
}

impl Case {
    fn new(name: &'static str, advisory: &'static str, attack: &'static str) -> Self {
        let mut files = BTreeMap::new();
        files.insert("key.pub".to_owned(), public_pem(1).into_bytes());
        files.insert("app.bin".to_owned(), ARTIFACT.to_vec());
        Self {
            name,
            advisory,
            attack,
            files,
            args: Vec::new(),
            exit: 1,
            stdout: None,
            synthesize: None,
        }
    }
    fn file(mut self, name: &str, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(name.to_owned(), content.into());
        self
    }
    fn attestation(self, lines: &[String]) -> Self {
        let mut text = lines.join("\n");
        text.push('\n');
        self.file("attestation.intoto.jsonl", text)
    }
    fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| (*s).to_owned()).collect();
        self
    }
    fn verify(self, extra: &[&str]) -> Self {
        let mut args = vec![
            "verify",
            "--key",
            "key.pub",
            "--attestation",
            "attestation.intoto.jsonl",
        ];
        args.extend_from_slice(extra);
        args.push("app.bin");
        self.args(&args)
    }
    fn exit(mut self, code: i32) -> Self {
        self.exit = code;
        self
    }
    fn stdout(mut self, s: &'static str) -> Self {
        self.stdout = Some(s);
        self
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one list of cases reads best in one place"
)]
fn cases() -> Vec<Case> {
    let good = good_statement();
    let mut v = Vec::new();

    v.push(Case::new("no-attestation-of-expected-type_fail", "cosign GHSA-vjxv-45g9-9296 / CVE-2022-35929",
        "The only attestation is an SPDX document; verification asks for SLSA provenance (the default). Nothing matched, so nothing passes vacuously.")
        .attestation(&[sign(&statement_with(subject("app.bin", ARTIFACT), "https://spdx.dev/Document", json!({"spdxVersion": "SPDX-2.3"})), 1)])
        .verify(&[]).stdout("predicate-type"));

    v.push(Case::new("attestation-for-other-artifact_fail", "cosign GHSA-8gw7-4j42-w388 / CVE-2022-36056; jdx/mise PR #9972",
        "A valid signature by the trusted key over provenance for another artifact, presented with app.bin.")
        .attestation(&[sign(&statement_with(subject("app.bin", b"some other content\n"), "https://slsa.dev/provenance/v1", provenance_predicate(REPO)), 1)])
        .verify(&[]).stdout("subject"));

    let mut corrupted: Value = serde_json::from_str(&sign(&good, 1)).unwrap();
    corrupted["signatures"][0]["sig"] = json!("AAAA");
    v.push(
        Case::new(
            "corrupted-signature_fail",
            "cosign GHSA-8gw7-4j42-w388 (corrupted base64 sig); jdx/mise PR #9260",
            "Provenance with the right subject digest but a signature that is not the key's.",
        )
        .attestation(&[corrupted.to_string()])
        .verify(&[]),
    );

    let mut garbage: Value = serde_json::from_str(&sign(&good, 1)).unwrap();
    garbage["signatures"][0]["sig"] = json!("not base64 at all!");
    v.push(
        Case::new(
            "garbage-signature_fail",
            "jdx/mise PR #9260 review",
            "`.intoto.jsonl` with a valid subject digest and a `sig` that is not even base64.",
        )
        .attestation(&[garbage.to_string()])
        .verify(&[]),
    );

    v.push(Case::new("too-many-attestation-lines_fail", "cosign GHSA-vfp6-jrw2-99g9 / CVE-2023-46737, GHSA-95pr-fxf5-86gv / CVE-2024-29903",
        "A JSON Lines file with 100,001 lines (the limit is 100,000): refused with a clear error before reading on (the file is synthesized by the test from `case.json`).")
        .args(&["verify", "--key", "key.pub", "--attestation", "attestation.intoto.jsonl", "app.bin"]).exit(2)
        .synthesize_lines(json!({"file": "attestation.intoto.jsonl", "line": "{}", "count": 100_001})));

    v.push(Case::new("oversized-line_fail", "cosign GHSA-88jx-383q-w4qc / CVE-2024-29902",
        "One line of 33 MiB (the per-line limit is 32 MiB): refused by the bounded reader without holding the line (synthesized by the test).")
        .args(&["verify", "--key", "key.pub", "--attestation", "attestation.intoto.jsonl", "app.bin"]).exit(2)
        .synthesize_lines(json!({"file": "attestation.intoto.jsonl", "line": "x".repeat(1024), "count": 33 * 1024, "joined": true})));

    v.push(Case::new("wrong-predicate-type_fail", "cosign GHSA-w6c6-c85g-mmv6",
        "A trusted statement whose predicateType is https://example.com/other, verified as SLSA provenance.")
        .attestation(&[sign(&statement_with(subject("app.bin", ARTIFACT), "https://example.com/other", provenance_predicate(REPO)), 1)])
        .verify(&[]).stdout("predicate-type"));

    v.push(
        Case::new(
            "malformed-signed-payload_fail",
            "cosign GHSA-w6c6-c85g-mmv6 (old format ignored parse errors)",
            "The trusted key signed a payload that is not JSON.",
        )
        .attestation(&[sign_raw(
            "application/vnd.in-toto+json",
            b"{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [",
            &[1],
        )])
        .verify(&[]),
    );

    v.push(Case::new("malformed-lines_fail", "cosign #1648, #4649/#4651/#4652",
        "Truncated JSON, a `payload` that is not a string, `signatures` null, a body that is not base64: every line is refused or skipped, none passes, nothing panics.")
        .attestation(&[
            sign(&good, 1)[..40].to_owned(),
            json!({"payloadType": "application/vnd.in-toto+json", "payload": 42, "signatures": [{"sig": "AAAA"}]}).to_string(),
            json!({"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": null}).to_string(),
            json!({"payloadType": null, "payload": null, "signatures": [null]}).to_string(),
            json!({"payloadType": "application/vnd.in-toto+json", "payload": "%%%", "signatures": [{"sig": "AAAA"}]}).to_string(),
        ])
        .verify(&[]));

    let many: Vec<Value> = (0..1025).map(|i| json!({"name": format!("f{i}"), "digest": {"sha256": sha256(format!("{i}").as_bytes())}})).chain([json!({"name": "app.bin", "digest": {"sha256": sha256(ARTIFACT)}})]).collect();
    v.push(
        Case::new(
            "too-many-subjects_fail",
            "sigstore-go GHSA-cq38-jh5f-37mq / CVE-2024-45395",
            "A statement with 1,026 subjects (the limit is 1,024), one of them app.bin.",
        )
        .attestation(&[sign(
            &statement_with(
                json!(many),
                "https://slsa.dev/provenance/v1",
                provenance_predicate(REPO),
            ),
            1,
        )])
        .verify(&[]),
    );

    let mut digests = serde_json::Map::new();
    digests.insert("sha256".into(), json!(sha256(ARTIFACT)));
    for i in 0..33 {
        digests.insert(format!("x-alg-{i}"), json!(format!("{i:02x}")));
    }
    v.push(
        Case::new(
            "too-many-digests_fail",
            "sigstore-go GHSA-cq38-jh5f-37mq / CVE-2024-45395",
            "One subject with 34 digests (the limit is 32).",
        )
        .attestation(&[sign(
            &statement_with(
                json!([{"name": "app.bin", "digest": digests}]),
                "https://slsa.dev/provenance/v1",
                provenance_predicate(REPO),
            ),
            1,
        )])
        .verify(&[]),
    );

    v.push(Case::new("empty-policy_fail", "go-witness GHSA-567m-4668-m656, GHSA-rgp5-33mp-jhfm",
        "A policy with no roots of trust and no expectations: refused as a usage error, never a pass.")
        .attestation(&[sign(&good, 1)]).file("policy.toml", "version = 1\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "app.bin"]).exit(2));
    v.push(Case::new("policy-without-expectations_fail", "go-witness GHSA-567m-4668-m656, GHSA-rgp5-33mp-jhfm",
        "A policy with a root of trust and an empty `[defaults]`: it would accept any signed provenance, so it is refused as a usage error unless it says `allow_no_expectations = true`.")
        .attestation(&[sign(&good, 1)]).file("policy.toml", "version = 1\n\n[[roots]]\nname = \"release\"\nkeys = [\"key.pub\"]\n\n[defaults]\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "app.bin"]).exit(2));
    v.push(Case::new("policy-empty-builders_fail", "go-witness GHSA-mpvw-hw8p-7x27",
        "A root with `builders = []`: an explicitly empty constraint is refused, never read as \"any builder\".")
        .attestation(&[sign(&good, 1)]).file("policy.toml", "version = 1\n\n[[roots]]\nname = \"release\"\nkeys = [\"key.pub\"]\nbuilders = []\n\n[defaults]\nsource_uri = \"github.com/example/app\"\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "app.bin"]).exit(2));

    let evil = statement_with(
        subject("app.bin", ARTIFACT),
        "https://slsa.dev/provenance/v1",
        provenance_predicate("git+https://github.com/evil/app@refs/tags/v1.2.3"),
    );
    v.push(Case::new("duplicate-provenance-first-violates_fail", "go-witness GHSA-r4fv-8r9j-vgcg",
        "Two trusted provenance statements for app.bin: the first names another repository, the second the expected one. Every statement must satisfy the expectations.")
        .attestation(&[sign(&evil, 1), sign(&good, 1)])
        .verify(&["--source-uri", "github.com/example/app"]).stdout("source-repository"));

    v.push(Case::new("pattern-prefix_fail", "go-witness GHSA-g9jx-rqhm-mj7g",
        "The policy's only pattern is `build`; the artifact is named `build-evil`. Patterns match whole names, so it is not covered, and an uncovered artifact fails.")
        .attestation(&[sign(&statement_with(subject("build-evil", ARTIFACT), "https://slsa.dev/provenance/v1", provenance_predicate(REPO)), 1)])
        .file("build-evil", ARTIFACT)
        .file("policy.toml", "version = 1\n\n[[roots]]\nname = \"release\"\nkeys = [\"key.pub\"]\n\n[[artifacts]]\npattern = \"build\"\nsource_uri = \"github.com/example/app\"\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "build-evil"]).stdout("policy"));

    v.push(Case::new("pattern-relative-path_fail", "in-toto-golang GHSA-vrxp-mg9f-hwf3",
        "Pattern `foo/*` against the artifact `foo/../app.bin`: names are normalised and a `..` segment never matches.")
        .attestation(&[sign(&good, 1)]).file("foo/.keep", "")
        .file("policy.toml", "version = 1\n\n[[roots]]\nname = \"release\"\nkeys = [\"key.pub\"]\n\n[[artifacts]]\npattern = \"foo/*\"\nsource_uri = \"github.com/example/app\"\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "foo/../app.bin"]).stdout("policy"));

    v.push(Case::new("required-pattern-unmatched_fail", "in-toto/in-toto#152",
        "The policy requires `dist/*.tar.gz`; no artifact given matches it. A rule that matches nothing is a failure, not a no-op.")
        .attestation(&[sign(&good, 1)])
        .file("policy.toml", "version = 1\n\n[[roots]]\nname = \"release\"\nkeys = [\"key.pub\"]\n\n[defaults]\nsource_uri = \"github.com/example/app\"\n\n[[artifacts]]\npattern = \"dist/*.tar.gz\"\nrequired = true\nsource_uri = \"github.com/example/app\"\n")
        .args(&["verify", "--policy", "policy.toml", "--attestation", "attestation.intoto.jsonl", "app.bin"]).stdout("required"));

    v.push(Case::new("artifact-modified-after-attestation_fail", "in-toto GHSA-p86f-xmg6-9q4x",
        "The provenance names the artifact as it was built; app.bin was changed afterwards. The deploy-time re-hash catches it.")
        .attestation(&[sign(&good, 1)]).file("app.bin", b"adversarial artifact, modified\n".to_vec())
        .verify(&[]).stdout("subject"));

    let env = sign(&good, 1);
    let mut ev: Value = serde_json::from_str(&env).unwrap();
    let evil_payload = base64_std(&serde_json::to_vec(&evil).unwrap());
    let dup = format!(
        "{{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":{},\"payload\":\"{evil_payload}\",\"signatures\":{}}}",
        ev["payload"], ev["signatures"]
    );
    ev["payload"] = json!(evil_payload);
    v.push(Case::new("duplicate-payload-keys_fail", "DSSE spec PR #68 (v1.0.2)",
        "An envelope with two `payload` keys: the first was signed, the second names another repository. Duplicate keys are refused.")
        .attestation(&[dup]).verify(&["--source-uri", "github.com/example/app"]));

    let mut two = serde_json::from_str::<Value>(&sign_raw(
        "application/vnd.in-toto+json",
        &serde_json::to_vec(&good).unwrap(),
        &[1],
    ))
    .unwrap();
    let mut bad = two["signatures"][0].clone();
    bad["sig"] = json!(base64_std(&[7u8; 64]));
    bad["keyid"] = json!("seed-3");
    two["signatures"].as_array_mut().unwrap().push(bad);
    v.push(Case::new("threshold-one-valid-one-invalid_fail", "secure-systems-lab/dsse#40",
        "Threshold 2 over keys 1 and 3; the envelope has a valid signature by key 1 and an invalid one claiming key 3.")
        .attestation(&[two.to_string()]).file("key3.pub", public_pem(3))
        .args(&["verify", "--key", "key.pub", "--key", "key3.pub", "--threshold", "2", "--attestation", "attestation.intoto.jsonl", "app.bin"]));

    let mut dup_sig = serde_json::from_str::<Value>(&sign(&good, 1)).unwrap();
    let s0 = dup_sig["signatures"][0].clone();
    dup_sig["signatures"].as_array_mut().unwrap().push(s0);
    v.push(Case::new("threshold-same-key-twice_fail", "secure-systems-lab/dsse#40",
        "Threshold 2 over keys 1 and 3; the envelope carries key 1's signature twice. Unique keys are counted.")
        .attestation(&[dup_sig.to_string()]).file("key3.pub", public_pem(3))
        .args(&["verify", "--key", "key.pub", "--key", "key3.pub", "--threshold", "2", "--attestation", "attestation.intoto.jsonl", "app.bin"]));

    v.push(
        Case::new(
            "foreign-payload-type_fail",
            "sigstore/sigstore PR #2326",
            "A valid Statement signed as `application/vnd.acme+json`.",
        )
        .attestation(&[sign_raw(
            "application/vnd.acme+json",
            &serde_json::to_vec(&good).unwrap(),
            &[1],
        )])
        .verify(&[]),
    );

    v.push(
        Case::new(
            "predicate-uri-as-payload-type_fail",
            "philips-labs/slsa-provenance-action PR #115",
            "A valid Statement signed with payloadType `https://slsa.dev/provenance/v0.2`.",
        )
        .attestation(&[sign_raw(
            "https://slsa.dev/provenance/v0.2",
            &serde_json::to_vec(&good).unwrap(),
            &[1],
        )])
        .verify(&[]),
    );

    v.push(
        Case::new(
            "empty-payload-type_fail",
            "SECURITY-CASES general robustness",
            "A valid Statement signed with an empty payloadType.",
        )
        .attestation(&[{
            let mut e: Value = serde_json::from_str(&sign(&good, 1)).unwrap();
            e["payloadType"] = json!("");
            e.to_string()
        }])
        .verify(&[]),
    );

    v.push(
        Case::new(
            "empty-signature-list_fail",
            "SECURITY-CASES general robustness",
            "`signatures: []`.",
        )
        .attestation(&[{
            let mut e: Value = serde_json::from_str(&sign(&good, 1)).unwrap();
            e["signatures"] = json!([]);
            e.to_string()
        }])
        .verify(&[]),
    );

    v.push(
        Case::new(
            "zero-artifacts_fail",
            "slsa-verifier#425/#426",
            "No artifact on the command line: a usage error, never a success.",
        )
        .attestation(&[sign(&good, 1)])
        .args(&[
            "verify",
            "--key",
            "key.pub",
            "--attestation",
            "attestation.intoto.jsonl",
        ])
        .exit(2),
    );

    v.push(Case::new("uppercase-hex-subject_fail", "SECURITY-CASES general robustness",
        "The subject digest is written in uppercase hex (invalid in a DigestSet): the statement is refused.")
        .attestation(&[sign(&statement_with(json!([{"name": "app.bin", "digest": {"sha256": sha256(ARTIFACT).to_uppercase()}}]), "https://slsa.dev/provenance/v1", provenance_predicate(REPO)), 1)])
        .verify(&[]));

    v.push(Case::new("unknown-algorithm-only_fail", "SECURITY-CASES general robustness; go-witness GHSA-pgpm-j729-qcvh",
        "The only subject digest is in an algorithm we do not accept (`sha3_256` here, computed over the artifact); nothing matches.")
        .attestation(&[sign(&statement_with(json!([{"name": "app.bin", "digest": {"sha3_256": sha256(ARTIFACT)}}]), "https://slsa.dev/provenance/v1", provenance_predicate(REPO)), 1)])
        .verify(&[]).stdout("subject"));

    v.push(
        Case::new(
            "sha1-only-subject_fail",
            "SECURITY-CASES fail-closed rule (md5/sha1 are never enough)",
            "The subject names app.bin by SHA-1 only.",
        )
        .attestation(&[sign(
            &statement_with(
                json!([{"name": "app.bin", "digest": {"sha1": hex::encode(sha1_of(ARTIFACT))}}]),
                "https://slsa.dev/provenance/v1",
                provenance_predicate(REPO),
            ),
            1,
        )])
        .verify(&[])
        .stdout("subject"),
    );

    v.push(
        Case::new(
            "md5-artifact-digest_fail",
            "SECURITY-CASES fail-closed rule (md5/sha1 are never enough)",
            "The artifact is given as an md5 digest: refused as a usage error.",
        )
        .attestation(&[sign(&good, 1)])
        .args(&[
            "verify",
            "--key",
            "key.pub",
            "--attestation",
            "attestation.intoto.jsonl",
            "md5:00112233445566778899aabbccddeeff",
        ])
        .exit(2),
    );

    v.push(
        Case::new(
            "predicate-type-v1.0_fail",
            "SECURITY-CASES general robustness (witness output)",
            "predicateType `https://slsa.dev/provenance/v1.0` is not SLSA Provenance v1.",
        )
        .attestation(&[sign(
            &statement_with(
                subject("app.bin", ARTIFACT),
                "https://slsa.dev/provenance/v1.0",
                provenance_predicate(REPO),
            ),
            1,
        )])
        .verify(&[])
        .stdout("predicate-type"),
    );

    v.push(Case::new("in-toto-link-signed-by-trusted-key_fail", "SECURITY-CASES cross-type confusion (in-toto links share the payloadType)",
        "An in-toto link whose products include app.bin, signed by the trusted key.")
        .attestation(&[sign(&json!({"_type": "link", "name": "build", "command": ["make"], "materials": {}, "products": {"app.bin": {"sha256": sha256(ARTIFACT)}}, "byproducts": {}, "environment": {}}), 1)])
        .verify(&[]));

    v.push(
        Case::new(
            "untrusted-key_fail",
            "SECURITY-CASES (trust comes only from the trust config)",
            "Correct provenance signed by a key that is not trusted.",
        )
        .attestation(&[sign(&good, 2)])
        .verify(&[]),
    );

    v.push(
        Case::new(
            "keyless-without-issuer_fail",
            "go-witness GHSA-mpvw-hw8p-7x27 (unset constraint must not be a wildcard)",
            "Keyless verification with an identity but no issuer constraint: a usage error.",
        )
        .attestation(&[sign(&good, 1)])
        .args(&[
            "verify",
            "--certificate-identity",
            "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3",
            "--attestation",
            "attestation.intoto.jsonl",
            "app.bin",
        ])
        .exit(2),
    );

    v.push(
        Case::new(
            "source-repository-prefix_fail",
            "SECURITY-CASES (exact matching, no prefix tricks)",
            "The provenance names github.com/example/app-evil; github.com/example/app is expected.",
        )
        .attestation(&[sign(
            &statement_with(
                subject("app.bin", ARTIFACT),
                "https://slsa.dev/provenance/v1",
                provenance_predicate("git+https://github.com/example/app-evil@refs/tags/v1.2.3"),
            ),
            1,
        )])
        .verify(&["--source-uri", "github.com/example/app"])
        .stdout("source-repository"),
    );

    v.push(Case::new("expected-field-absent_fail", "issue 5 (an expectation whose field is absent fails)",
        "A commit is expected; the provenance names no commit.")
        .attestation(&[sign(&statement_with(subject("app.bin", ARTIFACT), "https://slsa.dev/provenance/v1", json!({"buildDefinition": {"buildType": "https://example.com/build/v1", "externalParameters": {}}, "runDetails": {"builder": {"id": BUILDER}}})), 1)])
        .verify(&["--source-commit", COMMIT]).stdout("source-commit"));

    // Chains for `trace`.
    let binary = b"the binary\n";
    let image_st = statement_with(
        subject("image.tar", ARTIFACT),
        "https://slsa.dev/provenance/v1",
        json!({
        "buildDefinition": {"buildType": "https://example.com/image/v1", "externalParameters": {},
            "resolvedDependencies": [{"name": "app-binary", "digest": {"sha256": sha256(binary)}}]},
        "runDetails": {"builder": {"id": BUILDER}}}),
    );
    let unrelated_binary = statement_with(
        subject("app-binary", b"a different binary\n"),
        "https://slsa.dev/provenance/v1",
        provenance_predicate(REPO),
    );
    v.push(Case::new("chain-zero-overlap_fail", "go-witness GHSA-vmvj-p3hw-39q3, GHSA-c346-qp3r-53vf",
        "`trace`: the image's provenance depends on a binary digest that no attestation in the store covers (the store's binary provenance is for other bytes).")
        .file("store/image.intoto.jsonl", format!("{}\n", sign(&image_st, 1)))
        .file("store/binary.intoto.jsonl", format!("{}\n", sign(&unrelated_binary, 1)))
        .args(&["trace", "--store", "store", "--key", "key.pub", "app.bin"]));

    let a_bytes = b"cycle a\n";
    let cyc_a = statement_with(
        subject("app.bin", ARTIFACT),
        "https://slsa.dev/provenance/v1",
        json!({
        "buildDefinition": {"buildType": "https://example.com/build/v1", "externalParameters": {}, "resolvedDependencies": [{"name": "b", "digest": {"sha256": sha256(a_bytes)}}]},
        "runDetails": {"builder": {"id": BUILDER}}}),
    );
    let cyc_b = statement_with(
        subject("b", a_bytes),
        "https://slsa.dev/provenance/v1",
        json!({
        "buildDefinition": {"buildType": "https://example.com/build/v1", "externalParameters": {}, "resolvedDependencies": [{"name": "app.bin", "digest": {"sha256": sha256(ARTIFACT)}}]},
        "runDetails": {"builder": {"id": BUILDER}}}),
    );
    v.push(
        Case::new(
            "chain-cycle_fail",
            "issue 5 (trace: cycles detected)",
            "`trace`: app.bin was built from b, which was built from app.bin.",
        )
        .file("store/a.intoto.jsonl", format!("{}\n", sign(&cyc_a, 1)))
        .file("store/b.intoto.jsonl", format!("{}\n", sign(&cyc_b, 1)))
        .args(&["trace", "--store", "store", "--key", "key.pub", "app.bin"])
        .stdout("cycle"),
    );
    v
}

trait Synth {
    fn synthesize_lines(self, spec: Value) -> Self;
}
impl Synth for Case {
    fn synthesize_lines(mut self, spec: Value) -> Self {
        self.synthesize = Some(spec);
        self
    }
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sha1_of(bytes: &[u8]) -> Vec<u8> {
    provenance_digest::hash_bytes(bytes, &[provenance_digest::Algorithm::Sha1])
        .unwrap()
        .get("sha1")
        .map(|h| hex::decode(h).unwrap())
        .unwrap()
}

fn write_all(root: &Path) {
    let mut index = String::from(
        "# Adversarial verification cases\n\nGenerated by `crates/provenance-verify/tests/adversarial_gen.rs` (fixed Ed25519 keys:\nseed 1 trusted, seed 2 and 3 not), walked by `provenance-cli/tests/vectors_adversarial.rs`.\nRegenerate with `PROVENANCE_REGENERATE=1 cargo test -p provenance-verify --test adversarial_gen`.\nEach folder: README.md, the inputs, and case.json (the `provenance` arguments, run in the\nfolder, and the expected exit code: 1 verification failed, 2 refused as input/usage error).\nSigstore-specific rows of SECURITY-CASES.md (tlog entry of another signature, SET/proof\ntampering, mediaType downgrade, TSA EKU, multi-log thresholds) need real Sigstore material: they\nare covered by the sigstore-conformance and sigstore-python FAIL rows of\n`test-vectors/third-party/CASES.tsv`, run end to end by `provenance-cli/tests/vectors_cases.rs`.\n\n| case | advisory | exit |\n|---|---|---|\n",
    );
    for c in cases() {
        let dir = root.join(c.name);
        for (name, content) in &c.files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let mut case = json!({"advisory": c.advisory, "args": c.args, "exit": c.exit});
        if let Some(s) = c.stdout {
            case["stdout_contains"] = json!(s);
        }
        if let Some(s) = &c.synthesize {
            case["synthesize"] = s.clone();
        }
        std::fs::write(
            dir.join("case.json"),
            format!("{}\n", serde_json::to_string_pretty(&case).unwrap()),
        )
        .unwrap();
        let readme = format!(
            "# {}\n\nSource: {}\n\n{}\n\nRun (in this folder): `provenance {}`\n\nExpected: exit {}{}.\n",
            c.name,
            c.advisory,
            c.attack,
            c.args.join(" "),
            c.exit,
            c.stdout
                .map(|s| format!(", the report names `{s}`"))
                .unwrap_or_default()
        );
        std::fs::write(dir.join("README.md"), readme).unwrap();
        index.push_str(&format!(
            "| [{0}]({0}/README.md) | {1} | {2} |\n",
            c.name, c.advisory, c.exit
        ));
    }
    std::fs::write(root.join("README.md"), index).unwrap();
}

fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn adversarial_vectors_are_generated() {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/adversarial");
    if std::env::var_os("PROVENANCE_REGENERATE").is_some() {
        if checked_in.exists() {
            std::fs::remove_dir_all(&checked_in).unwrap();
        }
        std::fs::create_dir_all(&checked_in).unwrap();
        write_all(&checked_in);
    }
    let tmp = tempfile::tempdir().unwrap();
    write_all(tmp.path());
    let want = tree(tmp.path());
    let have = tree(&checked_in);
    let differing: Vec<_> = want
        .keys()
        .chain(have.keys())
        .filter(|k| want.get(*k) != have.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "test-vectors/adversarial differs from the generator (rerun with PROVENANCE_REGENERATE=1): {differing:?}"
    );
}
