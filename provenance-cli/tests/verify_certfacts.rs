//! `provenance verify` with keyless bundles whose Fulcio certificates carry GitHub's facts
//! (source repository, ref, commit, owner, signer workflow, runner): source expectations are
//! checked against the certificate, the statement's claims must agree with it, gh's flags
//! constrain it, and identity regexps are searched for as cosign does.
//!
//! The certificates, log entries and trusted root come from `provenance_testkit::fulcio`, a
//! dev-only generator:
//! a test CA and a test Rekor key (fixed P-256 keys), a leaf with Fulcio extensions, a DSSE
//! envelope it signs, and an `intoto` 0.0.2 log entry with a signed entry timestamp from 2023
//! (a v0.1 bundle, verifiable offline without an inclusion proof).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::path::Path;

use assert_cmd::Command;
use provenance_testkit::fulcio;
use serde_json::{Value, json};

const ISSUER: &str = "https://token.actions.githubusercontent.com";
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const OTHER_COMMIT: &str = "1111111111111111111111111111111111111111";
const OWN: &str = "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3";
const THIRD_PARTY: &str = "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1";
const ARTIFACT: &str = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

/// A GitHub Actions certificate: `signer` ran for example/app (or `repo`) at `reference`.
fn github_cert(signer: &str, repo: &str, reference: &str, commit: &str) -> fulcio::Identity {
    fulcio::Identity::github(signer, repo, reference, commit)
}

/// SLSA v1 provenance in the shape actions/attest-build-provenance writes.
fn statement(builder: &str, source: &str, commit: &str) -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app.tar.gz", "digest": {"sha256": &ARTIFACT["sha256:".len()..]}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {"ref": "refs/tags/v1.2.3", "repository": "https://github.com/example/app", "path": ".github/workflows/release.yml"}},
                "resolvedDependencies": [{"uri": source, "digest": {"gitCommit": commit}}]
            },
            "runDetails": {"builder": {"id": builder}, "metadata": {"invocationId": "https://github.com/example/app/actions/runs/1/attempts/1"}}
        }
    })
}

const GOOD_SOURCE: &str = "git+https://github.com/example/app@refs/tags/v1.2.3";
const ID: [&str; 2] = ["--certificate-identity", OWN];
const ISS: [&str; 2] = ["--certificate-oidc-issuer", ISSUER];

/// `statement` with one more resolved dependency.
fn with_dependency(mut statement: Value, uri: &str, commit: &str) -> Value {
    statement["predicate"]["buildDefinition"]["resolvedDependencies"]
        .as_array_mut()
        .unwrap()
        .push(json!({"uri": uri, "digest": {"gitCommit": commit}}));
    statement
}

/// A temporary directory holding the test CA's `trusted_root.json`.
fn trust_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trusted_root.json"),
        serde_json::to_vec(&fulcio::trusted_root()).unwrap(),
    )
    .unwrap();
    dir
}

/// The certificate of the good case: the own release workflow ran for example/app at tag
/// v1.2.3 and [`COMMIT`].
fn good_cert() -> fulcio::Identity {
    github_cert(
        OWN,
        "https://github.com/example/app",
        "refs/tags/v1.2.3",
        COMMIT,
    )
}

struct Case {
    name: &'static str,
    cert: fulcio::Identity,
    statement: Value,
    args: Vec<&'static str>,
    exit: i32,
    /// Text the output (stdout and stderr) must contain.
    says: &'static [&'static str],
}

fn run(dir: &Path, bundle: &Value, args: &[&str]) -> (i32, String) {
    let path = dir.join("app.sigstore.json");
    std::fs::write(&path, serde_json::to_vec(bundle).unwrap()).unwrap();
    let out = Command::cargo_bin("provenance")
        .unwrap()
        .arg("verify")
        .arg("--trusted-root")
        .arg(dir.join("trusted_root.json"))
        .arg("--attestation")
        .arg(&path)
        .args(args)
        .arg(ARTIFACT)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn certificate_facts_cases() {
    let dir = trust_dir();
    let good = good_cert;
    let good_statement = || statement(OWN, GOOD_SOURCE, COMMIT);
    let cases = vec![
        Case {
            name: "own workflow: every expectation a certificate fact, no --builder-id",
            cert: good(),
            statement: good_statement(),
            args: [
                &ID[..],
                &ISS[..],
                &[
                    "--source-uri",
                    "github.com/example/app",
                    "--source-tag",
                    "v1.2.3",
                    "--source-commit",
                    COMMIT,
                ],
            ]
            .concat(),
            exit: 0,
            says: &["PASS"],
        },
        Case {
            name: "statement claims a tag; the workflow ran on refs/heads/evil",
            cert: github_cert(
                OWN,
                "https://github.com/example/app",
                "refs/heads/evil",
                COMMIT,
            ),
            statement: good_statement(),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 1,
            says: &[
                "certificate-agreement",
                "sourceRepositoryRef (1.3.6.1.4.1.57264.1.14)",
                "refs/heads/evil",
            ],
        },
        Case {
            name: "the first dependency agrees, the workflow parameters claim the tag: every claim is judged",
            cert: github_cert(
                OWN,
                "https://github.com/example/app",
                "refs/heads/evil",
                COMMIT,
            ),
            // externalParameters.workflow.ref is refs/tags/v1.2.3 in every statement here
            statement: statement(
                OWN,
                "git+https://github.com/example/app@refs/heads/evil",
                COMMIT,
            ),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 1,
            says: &[
                "certificate-agreement",
                "found refs/tags/v1.2.3 in externalParameters.workflow",
            ],
        },
        Case {
            name: "a second dependency on the certificate's repository claims another tag and commit",
            cert: good(),
            statement: with_dependency(
                good_statement(),
                "git+https://github.com/example/app@refs/tags/v9.9.9",
                OTHER_COMMIT,
            ),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 1,
            says: &[
                "found refs/tags/v9.9.9 in resolvedDependencies[1]",
                "found 1111111111111111111111111111111111111111 in resolvedDependencies[1]",
            ],
        },
        Case {
            name: "a dependency on another repository is an input, not the source",
            cert: good(),
            statement: with_dependency(
                good_statement(),
                "git+https://github.com/example/library@refs/heads/main",
                OTHER_COMMIT,
            ),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 0,
            says: &["PASS"],
        },
        Case {
            name: "statement claims another commit",
            cert: github_cert(
                OWN,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                OTHER_COMMIT,
            ),
            statement: good_statement(),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 1,
            says: &["certificate-agreement", "sourceRepositoryDigest"],
        },
        Case {
            name: "statement claims another repository",
            cert: github_cert(
                OWN,
                "https://github.com/attacker/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            statement: good_statement(),
            args: [&ID[..], &ISS[..], &["--builder-id", OWN]].concat(),
            exit: 1,
            says: &["certificate-agreement", "sourceRepositoryURI"],
        },
        Case {
            name: "tag expectation against the certificate's ref",
            cert: github_cert(
                OWN,
                "https://github.com/example/app",
                "refs/heads/main",
                COMMIT,
            ),
            statement: statement(OWN, "git+https://github.com/example/app", COMMIT),
            args: [&ID[..], &ISS[..], &["--source-tag", "v1.2.3"]].concat(),
            exit: 1,
            says: &[
                "source-ref: expected refs/tags/v1.2.3, found refs/heads/main (the certificate sourceRepositoryRef",
            ],
        },
        Case {
            name: "a third-party reusable workflow still needs --builder-id",
            cert: github_cert(
                THIRD_PARTY,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            statement: statement(THIRD_PARTY, GOOD_SOURCE, COMMIT),
            args: [
                &["--certificate-identity", THIRD_PARTY][..],
                &ISS[..],
                &["--source-uri", "github.com/example/app"],
            ]
            .concat(),
            exit: 1,
            says: &["builder-id: expected a builder id expectation"],
        },
        Case {
            name: "gh --repo is an identity; the issuer defaults to GitHub Actions'",
            cert: good(),
            statement: good_statement(),
            args: vec!["--repo", "example/app", "--source-tag", "v1.2.3"],
            exit: 0,
            says: &["PASS"],
        },
        Case {
            name: "gh --repo + --signer-repo name a third-party signer's caller: no --builder-id",
            cert: github_cert(
                THIRD_PARTY,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            statement: statement(THIRD_PARTY, GOOD_SOURCE, COMMIT),
            args: vec![
                "--repo",
                "Example/App",
                "--signer-repo",
                "bazel-contrib/publish-to-bcr",
                "--source-tag",
                "v1.2.3",
            ],
            exit: 0,
            says: &["PASS"],
        },
        Case {
            name: "gh --repo alone: the signer must be the repository's own workflow (gh's default SAN)",
            cert: github_cert(
                THIRD_PARTY,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            statement: statement(THIRD_PARTY, GOOD_SOURCE, COMMIT),
            args: vec!["--repo", "Example/App", "--source-tag", "v1.2.3"],
            exit: 1,
            says: &[
                "certificate identity (SAN)",
                "got \"https://github.com/bazel-contrib/publish-to-bcr/",
            ],
        },
        Case {
            name: "gh --signer-repo without --repo or --owner is refused (as gh requires one)",
            cert: good(),
            statement: good_statement(),
            args: vec!["--signer-repo", "example/app"],
            exit: 2,
            says: &["give the repository or owner the artifact comes from too"],
        },
        Case {
            name: "gh --repo of another repository",
            cert: good(),
            statement: good_statement(),
            args: vec!["--repo", "example/other"],
            exit: 1,
            says: &[
                "certificate identity (SAN)",
                "got \"https://github.com/example/app/",
            ],
        },
        Case {
            name: "gh --owner without the owner extension fails closed",
            cert: {
                let mut c = good();
                c.extensions.retain(|(arc, _)| *arc != 16);
                c
            },
            statement: good_statement(),
            args: vec!["--owner", "example"],
            exit: 1,
            says: &[
                "source repository owner URI (1.3.6.1.4.1.57264.1.16)",
                "<absent>",
            ],
        },
        Case {
            name: "gh --deny-self-hosted-runners",
            cert: {
                let mut c = good();
                c.extensions.retain(|(arc, _)| *arc != 11);
                c.extensions.push((11, "self-hosted".into()));
                c
            },
            statement: good_statement(),
            args: vec!["--owner", "example", "--deny-self-hosted-runners"],
            exit: 1,
            says: &["runner environment (1.3.6.1.4.1.57264.1.11)", "self-hosted"],
        },
        Case {
            name: "gh --signer-workflow at its ref",
            cert: good(),
            statement: good_statement(),
            args: vec![
                "--repo",
                "example/app",
                "--signer-workflow",
                "example/app/.github/workflows/release.yml@refs/tags/v1.2.3",
                "--source-commit",
                COMMIT,
            ],
            exit: 0,
            says: &["PASS"],
        },
        Case {
            name: "gh --signer-workflow is the whole path, not a prefix",
            cert: good(),
            statement: good_statement(),
            args: vec![
                "--repo",
                "example/app",
                "--signer-workflow",
                "example/app/.github/workflows/release.y",
            ],
            exit: 1,
            says: &["certificate identity (SAN)"],
        },
        Case {
            name: "gh --signer-repo of another repository",
            cert: good(),
            statement: good_statement(),
            args: vec!["--owner", "example", "--signer-repo", "example/tools"],
            exit: 1,
            says: &["certificate identity (SAN)"],
        },
        Case {
            name: "cosign's regexp is a search: unanchored matches, with a warning",
            cert: good(),
            statement: good_statement(),
            args: [
                &["--certificate-identity-regexp", "example/app/"][..],
                &ISS[..],
            ]
            .concat(),
            exit: 0,
            says: &["PASS", "is not anchored with `^`"],
        },
        Case {
            name: "the user's anchors hold",
            cert: good(),
            statement: good_statement(),
            args: [
                &["--certificate-identity-regexp", "^example/app/"][..],
                &[
                    "--certificate-oidc-issuer-regexp",
                    "^https://token\\.actions\\.",
                ],
            ]
            .concat(),
            exit: 1,
            says: &["certificate identity (SAN)"],
        },
        Case {
            // Review finding 4: the signer workflow lives in example/app, the certificate's
            // source is attacker/app (a workflow called from another repository). Without any
            // expectation this used to pass; the own-workflow rule now holds regardless.
            name: "no expectation: a workflow that is not the source's own still needs a builder id",
            cert: github_cert(
                OWN,
                "https://github.com/attacker/app",
                "refs/heads/evil",
                OTHER_COMMIT,
            ),
            statement: good_statement(),
            args: [&ID[..], &ISS[..]].concat(),
            exit: 1,
            says: &[
                "FAIL",
                "builder-id: expected a builder id expectation (the signer is not a builder trusted by default",
            ],
        },
        Case {
            name: "no expectation: the source's own workflow passes; the report shows the certificate's source",
            cert: github_cert(
                OWN,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            statement: good_statement(),
            args: [&ID[..], &ISS[..]].concat(),
            exit: 0,
            says: &[
                "PASS",
                "source github.com/example/app at 4d329c75e7ec1725f7c9ce917a8799d408d06be3",
            ],
        },
        Case {
            name: "keyless still needs an issuer with a cosign identity",
            cert: good(),
            statement: good_statement(),
            args: ID.to_vec(),
            exit: 2,
            says: &["OIDC issuer"],
        },
    ];
    let mut wrong = Vec::new();
    for case in cases {
        let bundle = fulcio::bundle(&case.cert, &case.statement);
        let (code, text) = run(dir.path(), &bundle, &case.args);
        let missing: Vec<&&str> = case.says.iter().filter(|s| !text.contains(**s)).collect();
        if code != case.exit || !missing.is_empty() {
            wrong.push(format!(
                "{}: exit {code} (want {}), missing {missing:?}\n{text}",
                case.name, case.exit
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The policy file speaks gh's keys too, and its unanchored identity regexps draw a warning.
#[test]
fn policy_file_github_keys() {
    let dir = trust_dir();
    let bundle = fulcio::bundle(&good_cert(), &statement(OWN, GOOD_SOURCE, COMMIT));
    std::fs::write(
        dir.path().join("app.sigstore.json"),
        serde_json::to_vec(&bundle).unwrap(),
    )
    .unwrap();
    for (root, exit, says) in [
        (
            "repo = \"example/app\"\ndeny_self_hosted_runners = true",
            0,
            "PASS",
        ),
        ("owner = \"other\"", 1, "certificate identity (SAN)"),
        (
            "certificate_identity_regexp = \"example/app\"\ncertificate_oidc_issuer = \"https://token.actions.githubusercontent.com\"",
            0,
            "is not anchored",
        ),
        // Finding 2: a regexp matching the empty string is no constraint; only `.*` says so.
        (
            "certificate_identity_regexp = \"\"\ncertificate_oidc_issuer = \"https://token.actions.githubusercontent.com\"",
            2,
            "invalid certificate_identity_regexp \"\": matches the empty string",
        ),
        (
            "certificate_identity = \"https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3\"\ncertificate_oidc_issuer_regexp = \"^\"",
            2,
            "invalid certificate_oidc_issuer_regexp \"^\": matches the empty string",
        ),
        (
            "repo = \"example/app\"\ncertificate_oidc_issuer_regexp = \"\"",
            2,
            "invalid certificate_oidc_issuer_regexp \"\": matches the empty string",
        ),
        (
            "certificate_identity_regexp = \"^https://github.com/example/app/\"\ncertificate_oidc_issuer_regexp = \"token.actions\"",
            0,
            "certificate_oidc_issuer_regexp \"token.actions\" is not anchored",
        ),
        (
            "certificate_identity_regexp = \"^.*$\"\ncertificate_oidc_issuer_regexp = \".*\"",
            0,
            "PASS",
        ),
    ] {
        let policy = format!(
            "version = 1\n[[roots]]\nname = \"gh\"\ntrusted_root = \"trusted_root.json\"\n{root}\n[defaults]\nsource_tag = \"v1.2.3\"\n"
        );
        std::fs::write(dir.path().join("gate.toml"), policy).unwrap();
        let out = Command::cargo_bin("provenance")
            .unwrap()
            .arg("verify")
            .arg("--policy")
            .arg(dir.path().join("gate.toml"))
            .arg("--attestation")
            .arg(dir.path().join("app.sigstore.json"))
            .arg(ARTIFACT)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(exit), "{root}: {text}");
        assert!(text.contains(says), "{root}: {text}");
    }
}

/// Finding 2: a regexp that matches the empty string (an unset `"$IDENTITY_RE"`, `^`, `|`,
/// `(?:)`, ...) accepts any identity or issuer; it is refused naming the flag, except the
/// explicit `.*` / `^.*$`. An unanchored issuer regexp draws a warning, as the identity's does.
#[test]
fn match_everything_regexps_are_refused() {
    let dir = trust_dir();
    let bundle = fulcio::bundle(&good_cert(), &statement(OWN, GOOD_SOURCE, COMMIT));
    let source = ["--source-uri", "github.com/example/app"];
    for re in ["", "^", "|", "(?:)", "^$|", "(?i)", "a*"] {
        let (code, text) = run(
            dir.path(),
            &bundle,
            &[
                &["--certificate-identity-regexp", re],
                &ISS[..],
                &source[..],
            ]
            .concat(),
        );
        assert_eq!(code, 2, "identity {re:?}: {text}");
        assert!(
            text.contains(&format!(
                "invalid --certificate-identity-regexp {re:?}: matches the empty string"
            )) && !text.contains("PASS"),
            "identity {re:?}: {text}"
        );
        let (code, text) = run(
            dir.path(),
            &bundle,
            &[
                &ID[..],
                &["--certificate-oidc-issuer-regexp", re],
                &source[..],
            ]
            .concat(),
        );
        assert_eq!(code, 2, "issuer {re:?}: {text}");
        assert!(
            text.contains(&format!(
                "invalid --certificate-oidc-issuer-regexp {re:?}: matches the empty string"
            )),
            "issuer {re:?}: {text}"
        );
        // gh's flags: an empty issuer regexp no longer replaces GitHub's default issuer.
        let (code, text) = run(
            dir.path(),
            &bundle,
            &[
                &["--owner", "example"][..],
                &["--certificate-oidc-issuer-regexp", re],
            ]
            .concat(),
        );
        assert_eq!(code, 2, "gh issuer {re:?}: {text}");
        assert!(
            text.contains("--certificate-oidc-issuer-regexp"),
            "gh issuer {re:?}: {text}"
        );
    }
    // The explicit opt-ins still pass (with the source bound by other expectations).
    for re in [".*", "^.*$"] {
        let (code, text) = run(
            dir.path(),
            &bundle,
            &[
                &["--certificate-identity-regexp", re][..],
                &["--certificate-oidc-issuer-regexp", re],
                &source[..],
            ]
            .concat(),
        );
        assert_eq!(code, 0, "{re:?}: {text}");
        assert!(!text.contains("not anchored"), "{re:?}: {text}");
    }
    // An unanchored issuer regexp is searched for: warned about, as the identity's is.
    let (code, text) = run(
        dir.path(),
        &bundle,
        &[
            &ID[..],
            &["--certificate-oidc-issuer-regexp", "token.actions"],
            &source[..],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(
            "--certificate-oidc-issuer-regexp \"token.actions\" is not anchored with `^`"
        ),
        "{text}"
    );
}

/// gh's own test data (`test-vectors/third-party/gh-cli`, see its SOURCE.md) with the flags
/// and verdicts of gh's `verify_integration_test.go`, plus source expectations the
/// certificates decide.
#[test]
fn gh_cli_vectors_get_ghs_verdicts() {
    use sha2::Digest as _;
    const JS: &str = "sigstore-js-2.1.0-bundle.json";
    const RW: &str = "reusable-workflow-attestation.sigstore.json";
    const CI: &str = "custom-issuer.sigstore.json";
    const RW_SAN: &str = "https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d";
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/third-party/gh-cli/pkg/cmd/attestation/test/data");
    let tgz = std::fs::read(dir.join("sigstore-js-2.1.0.tgz")).unwrap();
    let sigstore_js = format!("sha512:{}", hex::encode(sha2::Sha512::digest(&tgz)));
    let reusable = dir.join("reusable-workflow-artifact");
    let custom = dir.join("custom-issuer-artifact");
    let reusable = reusable.to_str().unwrap();
    let custom = custom.to_str().unwrap();
    let cases: Vec<(&str, &str, Vec<&str>, i32, &str)> = vec![
        (
            JS,
            &sigstore_js,
            vec![
                "--owner",
                "sigstore",
                "--certificate-identity-regexp",
                "^https://github.com/sigstore/",
            ],
            0,
            "PASS",
        ),
        (
            JS,
            &sigstore_js,
            vec!["--repo", "sigstore/sigstore-js"],
            0,
            "PASS",
        ),
        (
            JS,
            &sigstore_js,
            vec!["--repo", "sigstore/fakerepo"],
            1,
            "got \"https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main\"",
        ),
        (
            JS,
            &sigstore_js,
            vec!["--owner", "fakeowner"],
            1,
            "got \"https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main\"",
        ),
        (
            JS,
            &sigstore_js,
            vec!["--repo", "fakeowner/fakerepo"],
            1,
            "got \"https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main\"",
        ),
        (
            RW,
            reusable,
            vec!["--owner", "malancas", "--certificate-identity", RW_SAN],
            0,
            "PASS",
        ),
        (
            RW,
            reusable,
            vec![
                "--owner",
                "malancas",
                "--signer-repo",
                "github/artifact-attestations-workflows",
            ],
            0,
            "PASS",
        ),
        (
            RW,
            reusable,
            vec![
                "--repo",
                "malancas/attest-demo",
                "--signer-workflow",
                "github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml",
            ],
            0,
            "PASS",
        ),
        (
            RW,
            reusable,
            vec![
                "--repo",
                "malancas/attest-demo",
                "--signer-workflow",
                "github/artifact-attestations-workflows/.github/workflows/attest.yml",
            ],
            0,
            "PASS",
        ),
        (
            RW,
            reusable,
            vec![
                "--repo",
                "malancas/attest-demo",
                "--signer-workflow",
                "foo/bar/.github/workflows/attest.yml",
            ],
            1,
            "certificate identity (SAN)",
        ),
        (
            CI,
            custom,
            vec![
                "--owner",
                "too-legit",
                "--cert-oidc-issuer",
                "https://token.actions.githubusercontent.com/hammer-time",
                "--certificate-identity",
                "https://github.com/too-legit/attest/.github/workflows/integration.yml@refs/heads/main",
            ],
            0,
            "PASS",
        ),
        (
            CI,
            custom,
            vec![
                "--repo",
                "too-legit/attest",
                "--cert-oidc-issuer",
                "https://token.actions.githubusercontent.com/hammer-time",
                "--certificate-identity-regexp",
                "^https://github.com/too-legit/attest",
            ],
            0,
            "PASS",
        ),
        // gh's default issuer is GitHub Actions': the custom issuer needs --cert-oidc-issuer.
        (
            CI,
            custom,
            vec!["--owner", "too-legit"],
            1,
            "OIDC issuer: expected \"https://token.actions.githubusercontent.com\"",
        ),
        // The source as the certificates state it. sigstore-js's own release workflow: no
        // --builder-id needed for facts its certificate states.
        (
            JS,
            &sigstore_js,
            vec![
                "--certificate-identity-regexp",
                "^https://github.com/sigstore/sigstore-js/",
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
                "--source-uri",
                "github.com/sigstore/sigstore-js",
                "--source-commit",
                "26d16513386ffaa790b1c32f927544f1322e4194",
            ],
            0,
            "PASS",
        ),
        (
            JS,
            &sigstore_js,
            vec!["--repo", "sigstore/sigstore-js", "--source-tag", "v2.1.0"],
            1,
            "(the certificate sourceRepositoryRef (1.3.6.1.4.1.57264.1.14))",
        ),
        // A reusable workflow of another repository: the certificate's source is the
        // caller's; with gh's flags naming the signer, no --builder-id. `--repo` alone means
        // the repository's own workflows (gh's default SAN), which this signer is not.
        (
            RW,
            reusable,
            vec![
                "--repo",
                "malancas/attest-demo",
                "--signer-repo",
                "github/artifact-attestations-workflows",
                "--source-uri",
                "github.com/malancas/attest-demo",
            ],
            0,
            "PASS",
        ),
        (
            RW,
            reusable,
            vec![
                "--repo",
                "malancas/attest-demo",
                "--source-uri",
                "github.com/malancas/attest-demo",
            ],
            1,
            "got \"https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d\"",
        ),
        (
            RW,
            reusable,
            vec![
                "--certificate-identity",
                RW_SAN,
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
                "--source-uri",
                "github.com/malancas/attest-demo",
            ],
            1,
            "builder-id: expected a builder id expectation",
        ),
    ];
    let mut wrong = Vec::new();
    for (bundle, artifact, args, exit, says) in cases {
        let out = Command::cargo_bin("provenance")
            .unwrap()
            .arg("verify")
            .arg("--trusted-root")
            .arg(dir.join("trusted_root.json"))
            .arg("--attestation")
            .arg(dir.join(bundle))
            .args(&args)
            .arg(artifact)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.code() != Some(exit) || !text.contains(says) {
            wrong.push(format!(
                "{bundle} {args:?}: want exit {exit} and {says:?}\n{text}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
