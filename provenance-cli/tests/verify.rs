//! `provenance verify` end to end with keys made by `keygen` and provenance made by `attest`:
//! pass, fail-closed cases, JSON report, policy file, and a VSA that verifies afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::path::Path;
use std::process::Output;

use provenance_testkit::{BUILDER, COMMIT, code, ok, signed_app};

fn provenance(dir: &Path, args: &[&str]) -> Output {
    provenance_testkit::cli!().run(dir, args)
}

/// A key pair and `app.bin` with its provenance beside it, and `other.bin` with none.
fn setup() -> tempfile::TempDir {
    let dir = signed_app(&provenance_testkit::cli!(), &[]);
    std::fs::write(
        dir.path().join("other.bin"),
        b"another artifact
",
    )
    .unwrap();
    dir
}

#[test]
fn pass_then_fail_closed() {
    let dir = setup();
    let d = dir.path();
    let base = ["verify", "--key", "key.pem.pub"];
    let pass = ok(&provenance(
        d,
        &[
            &base[..],
            &[
                "--source-uri",
                "github.com/example/app",
                "--source-tag",
                "v1.2.3",
                "--source-commit",
                COMMIT,
                "--builder-id",
                "https://ci.example.com/builders/release",
                "app.bin",
            ],
        ]
        .concat(),
    ));
    assert!(pass.starts_with("PASS app.bin"), "{pass}");

    // A repository that only shares a prefix, a wrong tag, a wrong builder version.
    for extra in [
        ["--source-uri", "github.com/example/ap"],
        ["--source-tag", "v1.2.4"],
        ["--builder-id", "https://ci.example.com/builders/release@v2"],
        ["--source-versioned-tag", "v2"],
    ] {
        let out = provenance(d, &[&base[..], &extra[..], &["app.bin"]].concat());
        assert_eq!(
            code(&out),
            1,
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("FAIL app.bin"));
    }
    let out = provenance(
        d,
        &[&base[..], &["--source-versioned-tag", "v1.2"], &["app.bin"]].concat(),
    );
    assert_eq!(code(&out), 0);

    // No attestation beside the artifact; one good and one bad artifact; zero artifacts.
    assert_eq!(
        code(&provenance(d, &[&base[..], &["other.bin"]].concat())),
        1
    );
    let out = provenance(
        d,
        &[
            &base[..],
            &[
                "--attestation",
                "app.bin.intoto.jsonl",
                "app.bin",
                "other.bin",
            ],
        ]
        .concat(),
    );
    assert_eq!(code(&out), 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("PASS app.bin") && text.contains("FAIL other.bin"),
        "{text}"
    );
    assert_eq!(code(&provenance(d, &base)), 2);

    // A key that did not sign; keyless without an issuer constraint is a usage error.
    ok(&provenance(d, &["keygen", "--output", "other.pem"]));
    assert_eq!(
        code(&provenance(
            d,
            &["verify", "--key", "other.pem.pub", "app.bin"]
        )),
        1
    );
    let out = provenance(
        d,
        &[
            "verify",
            "--certificate-identity",
            "x",
            "--attestation",
            "app.bin.intoto.jsonl",
            "app.bin",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("issuer"));

    // Given by digest: no hashing needed.
    let set =
        provenance::digest::hash_file(d.join("app.bin"), &[provenance::digest::Algorithm::Sha256])
            .unwrap();
    let digest = set.get("sha256").unwrap().to_owned();
    assert_eq!(digest.len(), 64, "{digest}");
    ok(&provenance(
        d,
        &[
            &base[..],
            &[
                "--attestation",
                "app.bin.intoto.jsonl",
                &format!("sha256:{digest}"),
            ],
        ]
        .concat(),
    ));
    assert_eq!(
        code(&provenance(
            d,
            &[
                &base[..],
                &[
                    "--attestation",
                    "app.bin.intoto.jsonl",
                    "md5:00112233445566778899aabbccddeeff"
                ]
            ]
            .concat()
        )),
        2
    );
}

#[test]
fn json_report_separates_verified_from_claimed() {
    let dir = setup();
    let out = provenance(
        dir.path(),
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--format",
            "json",
            "--source-uri",
            "github.com/example/other",
            "app.bin",
        ],
    );
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v["artifacts"][0];
    assert_eq!(a["name"], "app.bin");
    assert_eq!(a["verdict"], "FAIL");
    assert_eq!(a["failures"][0]["rule"], "source-repository");
    assert_eq!(a["failures"][0]["expected"], "github.com/example/other");
    assert!(
        a["failures"][0]["actual"]
            .as_str()
            .unwrap()
            .contains("github.com/example/app")
    );
    let t = &a["trace"][0];
    assert_eq!(t["verified"]["signer"]["kind"], "keys");
    assert_eq!(t["verified"]["attestation"]["line"], 1);
    assert_eq!(t["claimed"]["sourceCommit"], COMMIT);
    assert_eq!(t["claimed"]["builderId"], BUILDER);
    assert!(a["digests"]["sha256"].is_string());
}

#[test]
fn policy_file_roots_and_patterns() {
    let dir = setup();
    let d = dir.path();
    let policy = format!(
        r#"version = 1
verifier_id = "https://deploy.example.com/gate"

[[roots]]
name = "release"
keys = ["key.pem.pub"]
builders = ["https://ci.example.com/builders/release"]
slsa_level = 2

[[artifacts]]
pattern = "*.bin"
required = true
source_uri = "git+https://github.com/example/app.git"
source_commit = "{COMMIT}"
min_slsa_level = 2
"#
    );
    std::fs::write(d.join("policy.toml"), policy).unwrap();
    ok(&provenance(
        d,
        &["verify", "--policy", "policy.toml", "app.bin"],
    ));
    // Flags override the policy.
    assert_eq!(
        code(&provenance(
            d,
            &[
                "verify",
                "--policy",
                "policy.toml",
                "--source-uri",
                "github.com/evil/app",
                "app.bin"
            ]
        )),
        1
    );
    // The policy demands a level its root does not earn.
    let strict = std::fs::read_to_string(d.join("policy.toml"))
        .unwrap()
        .replace("min_slsa_level = 2", "min_slsa_level = 3");
    std::fs::write(d.join("strict.toml"), strict).unwrap();
    assert_eq!(
        code(&provenance(
            d,
            &["verify", "--policy", "strict.toml", "app.bin"]
        )),
        1
    );
    // Fail closed at load time (exit 2): `builders = []`, a policy that sets no expectation,
    // the same key twice.
    let root = "version = 1\n[[roots]]\nname = \"r\"\nkeys = [\"key.pem.pub\"]\n";
    for (name, text) in [
        (
            "empty-builders.toml",
            format!("{root}builders = []\n[defaults]\nsource_uri = \"github.com/example/app\"\n"),
        ),
        ("no-expectations.toml", format!("{root}[defaults]\n")),
        ("roots-only.toml", root.to_owned()),
    ] {
        std::fs::write(d.join(name), text).unwrap();
        let out = provenance(d, &["verify", "--policy", name, "app.bin"]);
        assert_eq!(code(&out), 2, "{name}");
    }
    // Roots only, with the expectations given as flags, or said to need none.
    ok(&provenance(
        d,
        &[
            "verify",
            "--policy",
            "roots-only.toml",
            "--source-uri",
            "github.com/example/app",
            "app.bin",
        ],
    ));
    std::fs::write(
        d.join("allow.toml"),
        format!("allow_no_expectations = true\n{root}"),
    )
    .unwrap();
    ok(&provenance(
        d,
        &["verify", "--policy", "allow.toml", "app.bin"],
    ));
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--key",
            "key.pem.pub",
            "app.bin",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
    // Unknown keys are refused (exit 2), never ignored.
    std::fs::write(d.join("bad.toml"), "version = 1\nrots = []\n").unwrap();
    assert_eq!(
        code(&provenance(
            d,
            &[
                "verify",
                "--policy",
                "bad.toml",
                "--key",
                "key.pem.pub",
                "app.bin"
            ]
        )),
        2
    );
}

#[test]
fn vsa_round_trip() {
    let dir = setup();
    let d = dir.path();
    ok(&provenance(d, &["keygen", "--output", "vsa.pem"]));
    ok(&provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--source-uri",
            "github.com/example/app",
            "--vsa-output",
            "app.bin.vsa.jsonl",
            "--vsa-key",
            "vsa.pem",
            "app.bin",
        ],
    ));
    let line = std::fs::read_to_string(d.join("app.bin.vsa.jsonl")).unwrap();
    assert_eq!(line.lines().count(), 1);
    let inspect = ok(&provenance(
        d,
        &[
            "verify",
            "--key",
            "vsa.pem.pub",
            "--predicate-type",
            "https://slsa.dev/verification_summary/v1",
            "--attestation",
            "app.bin.vsa.jsonl",
            "--format",
            "json",
            "app.bin",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    assert_eq!(v["verdict"], "PASS");
    // The provenance key does not vouch for the VSA, and the VSA is not provenance.
    assert_eq!(
        code(&provenance(
            d,
            &[
                "verify",
                "--key",
                "key.pem.pub",
                "--predicate-type",
                "https://slsa.dev/verification_summary/v1",
                "--attestation",
                "app.bin.vsa.jsonl",
                "app.bin"
            ]
        )),
        1
    );
    assert_eq!(
        code(&provenance(
            d,
            &[
                "verify",
                "--key",
                "vsa.pem.pub",
                "--attestation",
                "app.bin.vsa.jsonl",
                "app.bin"
            ]
        )),
        1
    );
    // No VSA is written after a failure.
    let out = provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--source-uri",
            "github.com/evil/app",
            "--vsa-output",
            "fail.vsa.jsonl",
            "--vsa-key",
            "vsa.pem",
            "app.bin",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(!d.join("fail.vsa.jsonl").exists());
}

#[test]
fn attestations_or_artifact_from_stdin() {
    use std::io::Write as _;
    use std::process::Stdio;
    let dir = setup();
    let d = dir.path();
    let run = |args: &[&str], input: &[u8]| {
        let mut child = provenance_testkit::cli!()
            .command(d)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let line = std::fs::read(d.join("app.bin.intoto.jsonl")).unwrap();
    ok(&run(
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "-",
            "app.bin",
        ],
        &line,
    ));
    let out = run(
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "app.bin.intoto.jsonl",
            "-",
        ],
        b"the artifact\n",
    );
    ok(&out);
    let out = run(
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "app.bin.intoto.jsonl",
            "-",
        ],
        b"tampered\n",
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn keyless_policy_root_with_builder_rule_and_level() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/third-party");
    let bundle = vectors
        .join("slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl");
    let root = vectors.join("sigstore-python/_store/production/trusted_root.json");
    let digest = "sha256:376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa";
    let dir = tempfile::tempdir().unwrap();
    let policy = |builders: &str| {
        format!(
            r#"version = 1

[[roots]]
name = "slsa-github-generator"
trusted_root = "{}"
certificate_identity_regexp = "https://github.com/slsa-framework/slsa-github-generator/.*"
certificate_oidc_issuer = "https://token.actions.githubusercontent.com"
builders = [{builders}]
slsa_level = 3

[defaults]
source_uri = "github.com/slsa-framework/example-package"
source_branch = "main"
min_slsa_level = 3
"#,
            root.display()
        )
    };
    let generic = "\"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@semver\"";
    std::fs::write(dir.path().join("ok.toml"), policy(generic)).unwrap();
    let out = provenance(
        dir.path(),
        &[
            "verify",
            "--policy",
            "ok.toml",
            "--attestation",
            bundle.to_str().unwrap(),
            "--format",
            "json",
            digest,
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["artifacts"][0]["slsaLevel"], 3);
    assert_eq!(
        v["artifacts"][0]["trace"][0]["verified"]["signer"]["kind"],
        "certificate"
    );
    // A root allowed to sign only for another builder does not vouch for this one.
    let go = "\"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@semver\"";
    std::fs::write(dir.path().join("go.toml"), policy(go)).unwrap();
    let out = provenance(
        dir.path(),
        &[
            "verify",
            "--policy",
            "go.toml",
            "--attestation",
            bundle.to_str().unwrap(),
            digest,
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("trusted-builder"));
}

#[test]
fn own_offline_bundle_verifies_with_the_key() {
    let dir = setup();
    let d = dir.path();
    ok(&provenance(
        d,
        &[
            "attest",
            "--key",
            "key.pem",
            "--bundle",
            "app.bin.sigstore.json",
            "--source-uri",
            "https://github.com/example/app",
            "--source-commit",
            COMMIT,
            "app.bin",
        ],
    ));
    std::fs::remove_file(d.join("app.bin.intoto.jsonl")).unwrap();
    // Found beside the artifact; a bundle without a log entry is trusted on the key alone.
    ok(&provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--source-uri",
            "github.com/example/app",
            "app.bin",
        ],
    ));
    ok(&provenance(d, &["keygen", "--output", "other.pem"]));
    assert_eq!(
        code(&provenance(
            d,
            &["verify", "--key", "other.pem.pub", "app.bin"]
        )),
        1
    );
}

/// Review R5: the text report says when several statements cover the artifact and their
/// sources disagree (the JSON report lists them all).
#[test]
fn text_report_flags_disagreeing_statements() {
    let dir = setup();
    let d = dir.path();
    ok(&provenance(
        d,
        &[
            "attest",
            "--key",
            "key.pem",
            "--output",
            "evil.intoto.jsonl",
            "--builder-id",
            BUILDER,
            "--source-uri",
            "https://github.com/evil/app",
            "app.bin",
        ],
    ));
    let mut both = std::fs::read(d.join("app.bin.intoto.jsonl")).unwrap();
    both.extend(std::fs::read(d.join("evil.intoto.jsonl")).unwrap());
    std::fs::write(d.join("both.intoto.jsonl"), both).unwrap();
    let out = ok(&provenance(
        d,
        &[
            "verify",
            "--key",
            "key.pem.pub",
            "--attestation",
            "both.intoto.jsonl",
            "app.bin",
        ],
    ));
    assert!(
        out.contains("+1 more statement(s) whose sources disagree"),
        "{out}"
    );
    let out = ok(&provenance(
        d,
        &["verify", "--key", "key.pem.pub", "app.bin"],
    ));
    assert!(!out.contains("more statement"), "{out}");
}

/// The headline names why a keyless bundle was refused (here the certificate identity), also
/// when the bundle's file name looks like another artifact's (`attestation.sigstore.json`, no
/// `attestation` beside it); a bundle beside another artifact that exists (`other.bin`) is not
/// why nothing covers this one.
#[test]
fn the_headline_names_a_refused_bundle_s_cause_unless_it_is_another_artifact_s() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/sigstore/sigstore-js-omitted-zeros");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(src.join("trusted_root.json"), d.join("root.json")).unwrap();
    std::fs::copy(src.join("app.bin"), d.join("app.bin")).unwrap();
    std::fs::copy(
        src.join("statement.sigstore.json"),
        d.join("attestation.sigstore.json"),
    )
    .unwrap();
    let trust = [
        "--trusted-root",
        "root.json",
        "--certificate-identity",
        "https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main",
        "--certificate-oidc-issuer",
        "https://token.actions.mock.example",
    ];
    let mut args = vec!["verify", "--attestation", "attestation.sigstore.json"];
    args.extend(trust);
    args.push("app.bin");
    let out = provenance(d, &args);
    assert_eq!(code(&out), 1);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.starts_with("FAIL app.bin: identity: ")
            && text.contains("(attestation.sigstore.json:1)"),
        "{text}"
    );

    // the same bundle beside other.bin, which it is for: app.bin (other content) has no
    // attestation; other.bin fails on the identity
    std::fs::rename(d.join("app.bin"), d.join("other.bin")).unwrap();
    std::fs::rename(
        d.join("attestation.sigstore.json"),
        d.join("other.bin.sigstore.json"),
    )
    .unwrap();
    std::fs::write(d.join("app.bin"), b"another artifact\n").unwrap();
    let mut args = vec!["verify", "--attestation", "other.bin.sigstore.json"];
    args.extend(trust);
    args.extend(["app.bin", "other.bin"]);
    let out = provenance(d, &args);
    assert_eq!(code(&out), 1);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("FAIL app.bin: subject: ") && text.contains("FAIL other.bin: identity: "),
        "{text}"
    );
}

/// The spellings of cosign, gh attestation verify and slsa-verifier mean what ours do:
/// --bundle / --provenance-path = --attestation, --custom-trusted-root = --trusted-root,
/// --cert-identity / --cert-oidc-issuer = --certificate-*, --source-digest = --source-commit.
#[test]
fn peer_spellings_of_the_flags_mean_the_same() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/sigstore/sigstore-js-omitted-zeros");
    let identity = "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main";
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let run = |attestation: &str, root: &str, commit_flag: &str, commit: &str| {
        let out = provenance(
            &src,
            &[
                "verify",
                attestation,
                "statement.sigstore.json",
                root,
                "trusted_root.json",
                "--cert-identity",
                identity,
                "--cert-oidc-issuer",
                "https://token.actions.mock.example",
                "--builder-id",
                identity,
                commit_flag,
                commit,
                "app.bin",
            ],
        );
        (
            code(&out),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    for (attestation, root, commit_flag) in [
        ("--attestation", "--trusted-root", "--source-commit"),
        ("--bundle", "--custom-trusted-root", "--source-digest"),
        ("--provenance-path", "--trusted-root", "--source-digest"),
    ] {
        let (code, out) = run(attestation, root, commit_flag, commit);
        assert_eq!(code, 0, "{attestation} {root} {commit_flag}: {out}");
        assert!(
            out.starts_with(&format!(
                "PASS app.bin (source github.com/octo-org/demo at {commit}"
            )),
            "{out}"
        );
        let other = "1123456789abcdef0123456789abcdef01234567";
        let (code, out) = run(attestation, root, commit_flag, other);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with(&format!(
                "FAIL app.bin: source-commit: expected {other}, found {commit}"
            )),
            "{out}"
        );
    }
}

/// A bundle written with the proto (`snake_case`) field names, which protobuf JSON parsers
/// (sigstore-go's protojson, sigstore-python) read as the camelCase one, verifies from the
/// command line too, and `inspect` shows it.
#[test]
fn a_bundle_with_proto_field_names_verifies_and_inspects() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/sigstore-conformance/assets/bundle-verify");
    let bundle: serde_json::Value = serde_json::from_slice(
        &std::fs::read(assets.join("happy-path-v0.3/bundle.sigstore.json")).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(assets.join("a.txt"), d.join("a.txt")).unwrap();
    std::fs::write(
        d.join("a.sigstore.json"),
        provenance_testkit::bundle_with_proto_names(&bundle).to_string(),
    )
    .unwrap();
    let out = provenance(
        d,
        &[
            "verify",
            "--attestation",
            "a.sigstore.json",
            "--certificate-identity",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
            "--certificate-oidc-issuer",
            "https://token.actions.githubusercontent.com",
            "a.txt",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.starts_with("PASS a.txt "), "{text}");
    let out = provenance(d, &["inspect", "--format", "json", "a.sigstore.json"]);
    assert_eq!(code(&out), 0);
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = &view["documents"][0];
    assert_eq!(doc["kind"], "Sigstore bundle (proto field names)");
    assert_eq!(doc["asSigstoreBundles"][0]["tlogEntries"], 1);
}
