//! `provenance verify` hashes each artifact once with every accepted algorithm its candidate
//! subjects name (sha512-only npm subjects, sha384 subjects), a subject listing several accepted
//! digests matches only when all of them match, and policy patterns see one normalised name
//! whatever the spelling of the artifact (`./x`, `$PWD/x`, `NAME=sha256:HEX`, `--artifact-name`);
//! an artifact no pattern matches fails unless the policy opts in.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use provenance_testkit::COMMIT;

const BUILDER: &str = "https://ci.example.com/builder@v1";
const BUILDER_RULE: &str = "https://ci.example.com/builder";
const ARTIFACT: &str = "dist/app.tar.gz";

fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!()
        .command(dir)
        .env("PWD", dir)
        .args(args)
        .output()
        .unwrap()
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", show(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit 1 (a verification failure, not a usage error); returns stdout.
fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", show(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn third_party() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party")
}

/// A key pair and `dist/app.tar.gz` (plus `other.bin`) in a fresh directory.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&provenance(dir.path(), &["keygen", "--output", "key.pem"]));
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join(ARTIFACT), b"a release tarball\n").unwrap();
    std::fs::write(dir.path().join("other.bin"), b"another artifact\n").unwrap();
    dir
}

/// The file's digests in `algorithm`, by `provenance digest`.
fn digest(dir: &Path, file: &str, algorithm: &str) -> String {
    let out = ok(&provenance(
        dir,
        &["digest", "-a", algorithm, "--format", "json", file],
    ));
    let doc: Value = serde_json::from_str(&out).unwrap();
    doc[0]["digest"][algorithm].as_str().unwrap().to_owned()
}

/// Signs an SLSA v1 statement whose subjects have exactly these digest sets; returns the file.
fn attest(dir: &Path, out: &str, subjects: &[(&str, Value)]) -> String {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects.iter().map(|(n, d)| json!({"name": n, "digest": d})).collect::<Vec<_>>(),
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://example.com/build/v1",
                "externalParameters": {"source": {"uri": "git+https://github.com/example/app@refs/heads/main"}},
                "resolvedDependencies": [{"uri": "git+https://github.com/example/app@refs/heads/main", "digest": {"gitCommit": COMMIT}}]
            },
            "runDetails": {"builder": {"id": BUILDER}, "metadata": {"invocationId": "https://ci.example.com/run/1"}}
        }
    });
    let statement_file = format!("{out}.statement.json");
    std::fs::write(
        dir.join(&statement_file),
        serde_json::to_vec(&statement).unwrap(),
    )
    .unwrap();
    ok(&provenance(
        dir,
        &["sign", "--key", "key.pem", "--output", out, &statement_file],
    ));
    out.to_owned()
}

fn verify_json(dir: &Path, attestation: &str, artifact: &str) -> (Output, Value) {
    let out = provenance(
        dir,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--builder-id",
            BUILDER_RULE,
            "--attestation",
            attestation,
            "--format",
            "json",
            artifact,
        ],
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, doc)
}

fn verify(dir: &Path, attestation: &str, artifacts: &[&str]) -> Output {
    provenance(
        dir,
        &[
            &[
                "verify",
                "--key",
                "key.pem.pub",
                "--builder-id",
                BUILDER_RULE,
                "--attestation",
                attestation,
            ][..],
            artifacts,
        ]
        .concat(),
    )
}

/// npm writes sha512-only subjects: a file given by path is hashed with SHA-512 (and only with
/// what the subjects name: no SHA-256 that nobody compares).
#[test]
fn sha512_only_subject_verifies_a_file_by_path() {
    let dir = setup();
    let d = dir.path();
    let sha512 = digest(d, ARTIFACT, "sha512");
    let att = attest(
        d,
        "npm.json",
        &[("pkg:npm/app@1.0.0", json!({"sha512": sha512}))],
    );
    let (out, doc) = verify_json(d, &att, ARTIFACT);
    assert!(out.status.success(), "{}", show(&out));
    let digests = &doc["artifacts"][0]["digests"];
    assert_eq!(digests["sha512"], json!(sha512), "{doc}");
    assert_eq!(digests.as_object().unwrap().len(), 1, "{doc}");
    // The same digest given as an argument also passes.
    let out = verify(d, &att, &[&format!("sha512:{sha512}")]);
    assert!(ok(&out).starts_with("PASS sha512:"));
    // Another file is not covered: the subject's digest is named, not guessed.
    let out = fails(&verify(d, &att, &["other.bin"]));
    assert!(out.starts_with("FAIL other.bin: subject:"), "{out}");
}

#[test]
fn sha384_only_subject_verifies_a_file_by_path() {
    let dir = setup();
    let d = dir.path();
    let sha384 = digest(d, ARTIFACT, "sha384");
    let att = attest(d, "a.json", &[("app", json!({"sha384": sha384}))]);
    let (out, doc) = verify_json(d, &att, ARTIFACT);
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        doc["artifacts"][0]["digests"],
        json!({"sha384": sha384}),
        "{doc}"
    );
}

/// Statements naming different algorithms: the file is read once and hashed with all of them.
#[test]
fn several_statements_several_algorithms_one_pass() {
    let dir = setup();
    let d = dir.path();
    let sha512 = digest(d, ARTIFACT, "sha512");
    let sha256 = digest(d, "other.bin", "sha256");
    let a = attest(d, "a.json", &[("app", json!({"sha512": sha512}))]);
    let b = attest(d, "b.json", &[("other", json!({"sha256": sha256}))]);
    let both = format!(
        "{}\n{}\n",
        std::fs::read_to_string(d.join(a)).unwrap().trim(),
        std::fs::read_to_string(d.join(b)).unwrap().trim()
    );
    std::fs::write(d.join("both.intoto.jsonl"), both).unwrap();
    let out = ok(&verify(d, "both.intoto.jsonl", &[ARTIFACT, "other.bin"]));
    assert!(out.contains(&format!("PASS {ARTIFACT}")), "{out}");
    assert!(out.contains("PASS other.bin"), "{out}");
}

/// A subject listing several accepted digests matches only when every one matches, whichever
/// is wrong; a `sha256:` argument is still compared on SHA-256 alone.
#[test]
fn every_accepted_digest_of_a_subject_must_match() {
    let dir = setup();
    let d = dir.path();
    let sha256 = digest(d, ARTIFACT, "sha256");
    let sha512 = digest(d, ARTIFACT, "sha512");
    let wrong256 = "1".repeat(64);
    let wrong512 = "2".repeat(128);
    for (file, set) in [
        ("w512.json", json!({"sha256": sha256, "sha512": wrong512})),
        ("w256.json", json!({"sha256": wrong256, "sha512": sha512})),
    ] {
        let att = attest(d, file, &[("app", set)]);
        let out = fails(&verify(d, &att, &[ARTIFACT]));
        assert!(
            out.starts_with(&format!("FAIL {ARTIFACT}: subject:")),
            "{out}"
        );
        assert!(
            out.contains("agree on one digest of this artifact but not on another"),
            "{out}"
        );
    }
    let att = attest(
        d,
        "right.json",
        &[("app", json!({"sha256": sha256, "sha512": sha512}))],
    );
    ok(&verify(d, &att, &[ARTIFACT]));
    // A digest argument stays what it is: compared on its own algorithm.
    let att = attest(
        d,
        "w512b.json",
        &[("app", json!({"sha256": sha256, "sha512": wrong512}))],
    );
    ok(&verify(d, &att, &[&format!("sha256:{sha256}")]));
    fails(&verify(d, &att, &[&format!("sha512:{sha512}")]));
}

/// A subject naming only algorithms that are never accepted (sha1, md5, sha3) matches nothing,
/// and the failure says why; sha1 is never computed.
#[test]
fn subject_with_only_unaccepted_algorithms_cannot_match() {
    let dir = setup();
    let d = dir.path();
    let sha1 = digest(d, ARTIFACT, "sha1");
    let att = attest(
        d,
        "sha1.json",
        &[("app", json!({"sha1": sha1, "md5": "0".repeat(32)}))],
    );
    let (out, doc) = verify_json(d, &att, ARTIFACT);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let digests = doc["artifacts"][0]["digests"].as_object().unwrap();
    assert!(
        !digests.contains_key("sha1") && !digests.contains_key("md5"),
        "{doc}"
    );
    let text = fails(&verify(d, &att, &[ARTIFACT]));
    assert!(
        text.contains("name only digest algorithms that are not accepted (md5, sha1)"),
        "{text}"
    );
}

/// The real npm registry response for gundam-visor@1.0.1 (a sha512-only subject), given by
/// digest since the tarball is not stored: it verifies against the public-good root.
#[test]
fn real_npm_bundle_by_sha512_digest() {
    let tp = third_party();
    let bundle = tp.join("slsa-verifier/npm/gha/gundam-visor-cli-v1-tag.tgz.json");
    let root = tp.join("sigstore-python/_store/production/trusted_root.json");
    let right = "sha512:8d9d7972f676516c75014aa074e11ae604d98f0b64ec6725a61e2838ff3dab162118fa71433fb31e1550d30bd0dec9d086ce032b94457b583900c507acf39c40";
    let wrong = "sha512:9d9d7972f676516c75014aa074e11ae604d98f0b64ec6725a61e2838ff3dab162118fa71433fb31e1550d30bd0dec9d086ce032b94457b583900c507acf39c40";
    let dir = tempfile::tempdir().unwrap();
    let run = |artifact: &str| {
        provenance(
            dir.path(),
            &[
                "verify",
                "--attestation",
                bundle.to_str().unwrap(),
                "--trusted-root",
                root.to_str().unwrap(),
                "--certificate-identity-regexp",
                "^https://github.com/ramonpetgrave64/gundam-visor/.*",
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
                "--source-uri",
                "github.com/ramonpetgrave64/gundam-visor",
                "--builder-id",
                "https://github.com/ramonpetgrave64/gundam-visor/.github/workflows/npm-publish.yml",
                artifact,
            ],
        )
    };
    let out = ok(&run(right));
    assert!(out.starts_with(&format!("PASS {right}")), "{out}");
    let out = fails(&run(wrong));
    assert!(out.starts_with(&format!("FAIL {wrong}: subject:")), "{out}");
}

/// A policy whose `dist/*.tar.gz` pattern expects another repository (so it fails) while
/// `[defaults]` would pass.
fn naming_policy(dir: &Path, extra: &str) -> String {
    let policy = format!(
        r#"version = 1
{extra}
[[roots]]
name = "release"
keys = ["key.pem.pub"]

[defaults]
builder_id = "{BUILDER_RULE}"

[[artifacts]]
pattern = "dist/*.tar.gz"
builder_id = "{BUILDER_RULE}"
source_uri = "github.com/example/elsewhere"
"#
    );
    std::fs::write(dir.join("policy.toml"), policy).unwrap();
    "policy.toml".to_owned()
}

fn with_policy(dir: &Path, policy: &str, attestation: &str, artifacts: &[&str]) -> Output {
    provenance(
        dir,
        &[
            &["verify", "--policy", policy, "--attestation", attestation][..],
            artifacts,
        ]
        .concat(),
    )
}

/// Every spelling of `dist/app.tar.gz` gets the pattern's expectations (and fails with them):
/// `./`, `$PWD/`, `..` detours, a named digest, `--artifact-name`.
#[test]
fn every_spelling_of_a_name_gets_the_patterns_expectations() {
    let dir = setup();
    let d = dir.path();
    let sha256 = digest(d, ARTIFACT, "sha256");
    let att = attest(d, "app.json", &[("app", json!({"sha256": sha256}))]);
    let policy = naming_policy(d, "");
    let absolute = d.join(ARTIFACT);
    let named = format!("{ARTIFACT}=sha256:{sha256}");
    let dotted = format!("./{ARTIFACT}=sha256:{sha256}");
    for spelling in [
        ARTIFACT,
        "./dist/app.tar.gz",
        "dist//./app.tar.gz",
        "dist/../dist/app.tar.gz",
        absolute.to_str().unwrap(),
        &named,
        &dotted,
    ] {
        let out = fails(&with_policy(d, &policy, &att, &[spelling]));
        assert!(
            out.starts_with(&format!("FAIL {spelling}: source-repository:")),
            "{spelling}: {out}"
        );
    }
    let digest_arg = format!("sha256:{sha256}");
    let out = fails(&provenance(
        d,
        &[
            "verify",
            "--policy",
            &policy,
            "--attestation",
            &att,
            "--artifact-name",
            "./dist/app.tar.gz",
            &digest_arg,
        ],
    ));
    assert!(out.contains(": source-repository:"), "{out}");
    // --artifact-name names one digest; a file is named by its path (usage errors).
    for args in [
        vec!["--artifact-name", "x", ARTIFACT],
        vec!["--artifact-name", "x", &digest_arg, &digest_arg],
    ] {
        let out = provenance(
            d,
            &[
                &["verify", "--policy", &policy, "--attestation", &att][..],
                &args[..],
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    }
}

/// `trace` gives the artifact asked about the same pattern expectations as `verify`, whatever
/// its spelling (red-team finding: it rebuilt the artifact from its display name, so `$PWD/…`
/// and `../…` got `[defaults]` only and passed).
#[test]
fn trace_applies_the_patterns_expectations_to_every_spelling() {
    let dir = setup();
    let d = dir.path();
    let sha256 = digest(d, ARTIFACT, "sha256");
    let att = attest(d, "app.json", &[("app", json!({"sha256": sha256}))]);
    let store = d.join("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::copy(d.join(&att), store.join("app.intoto.jsonl")).unwrap();
    let policy = naming_policy(d, "allow_unmatched_artifacts = true");
    let absolute = d.join(ARTIFACT);
    for spelling in [ARTIFACT, "./dist/app.tar.gz", absolute.to_str().unwrap()] {
        let out = provenance(
            d,
            &["trace", "--policy", &policy, "--store", "store", spelling],
        );
        assert_eq!(out.status.code(), Some(1), "{spelling}: {}", show(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains("source-repository: expected github.com/example/elsewhere"),
            "{spelling}: {}",
            show(&out)
        );
    }
}

/// In a policy with `[[artifacts]]`, an artifact that matches no pattern (another file, a bare
/// digest) fails, and the reason names the policy and its patterns; the opt-in hands it to
/// `[defaults]`.
#[test]
fn unmatched_artifacts_fail_unless_the_policy_opts_in() {
    let dir = setup();
    let d = dir.path();
    let sha256 = digest(d, "other.bin", "sha256");
    let att = attest(d, "other.json", &[("other", json!({"sha256": sha256}))]);
    let bare = format!("sha256:{sha256}");
    let policy = naming_policy(d, "");
    for artifact in ["other.bin", bare.as_str()] {
        let out = fails(&with_policy(d, &policy, &att, &[artifact]));
        assert!(
            out.starts_with(&format!(
                "FAIL {artifact}: policy: expected the policy's [[artifacts]] patterns (dist/*.tar.gz) to cover this artifact, or allow_unmatched_artifacts = true"
            )),
            "{out}"
        );
    }
    let policy = naming_policy(d, "allow_unmatched_artifacts = true");
    for artifact in ["other.bin", bare.as_str()] {
        let out = ok(&with_policy(d, &policy, &att, &[artifact]));
        assert!(out.starts_with(&format!("PASS {artifact}")), "{out}");
    }
}
