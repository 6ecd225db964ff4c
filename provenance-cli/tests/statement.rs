//! `provenance statement`: simulated CIs and a plain git checkout, end to end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
/// sha256 of "hello\n".
const HELLO: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

/// A temp git repository with `app.txt` committed on `main` and an ssh `origin`.
fn repo() -> (tempfile::TempDir, String) {
    provenance_testkit::git::repo("git@github.com:octo-org/hello.git")
}

/// `provenance statement` in `dir` with only `vars` (and PATH) in its environment.
fn statement(dir: &Path, vars: &[(&str, &str)], args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.arg("statement").args(args).assert()
}

fn json(assert: assert_cmd::assert::Assert) -> Value {
    let out = assert.success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

const GITHUB: &[(&str, &str)] = &[
    ("GITHUB_ACTIONS", "true"),
    ("GITHUB_SERVER_URL", "https://github.com"),
    ("GITHUB_REPOSITORY", "octo-org/hello"),
    ("GITHUB_REPOSITORY_ID", "123"),
    ("GITHUB_REPOSITORY_OWNER_ID", "456"),
    ("GITHUB_EVENT_NAME", "push"),
    ("GITHUB_REF", "refs/heads/main"),
    ("GITHUB_SHA", SHA),
    (
        "GITHUB_WORKFLOW_REF",
        "octo-org/hello/.github/workflows/build.yml@refs/heads/main",
    ),
    ("GITHUB_RUN_ID", "99"),
    ("GITHUB_RUN_ATTEMPT", "1"),
    ("RUNNER_ENVIRONMENT", "github-hosted"),
    ("SOURCE_DATE_EPOCH", "1700000000"),
];

#[test]
fn github_actions_statement() {
    let (dir, _) = repo();
    let st = json(statement(dir.path(), GITHUB, &["app.txt"]));
    assert_eq!(st["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(st["subject"][0]["name"], "app.txt");
    assert_eq!(st["subject"][0]["digest"]["sha256"], HELLO);
    let p = &st["predicate"];
    let def = &p["buildDefinition"];
    assert_eq!(
        def["buildType"],
        "https://actions.github.io/buildtypes/workflow/v1"
    );
    assert_eq!(
        def["externalParameters"]["workflow"]["ref"],
        "refs/heads/main"
    );
    assert_eq!(
        def["externalParameters"]["workflow"]["repository"],
        "https://github.com/octo-org/hello"
    );
    assert_eq!(
        def["externalParameters"]["workflow"]["path"],
        ".github/workflows/build.yml"
    );
    assert_eq!(
        def["internalParameters"],
        serde_json::json!({"github": {"event_name": "push", "repository_id": "123",
            "repository_owner_id": "456", "runner_environment": "github-hosted"}})
    );
    assert_eq!(
        def["resolvedDependencies"][0]["uri"],
        "git+https://github.com/octo-org/hello@refs/heads/main"
    );
    assert_eq!(def["resolvedDependencies"][0]["digest"]["gitCommit"], SHA);
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://github.com/octo-org/hello/.github/workflows/build.yml@refs/heads/main"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://github.com/octo-org/hello/actions/runs/99/attempts/1"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["finishedOn"],
        "2023-11-14T22:13:20Z"
    );
}

#[test]
fn github_statement_bytes_match_the_golden_file() {
    let (dir, _) = repo();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/context/statement-github/expected.json");
    let expected = std::fs::read(golden).unwrap();
    let out = statement(dir.path(), GITHUB, &["app.txt"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}

#[test]
fn source_date_epoch_gives_identical_bytes() {
    let (dir, _) = repo();
    let first = statement(dir.path(), GITHUB, &["app.txt"])
        .success()
        .get_output()
        .stdout
        .clone();
    let second = statement(dir.path(), GITHUB, &["app.txt"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(first, second);
    assert!(first.ends_with(b"}\n"));
}

#[test]
fn gitlab_ci_statement() {
    let (dir, _) = repo();
    let vars = [
        ("GITLAB_CI", "true"),
        ("CI_SERVER_URL", "https://gitlab.com"),
        ("CI_PROJECT_URL", "https://gitlab.com/g/p"),
        ("CI_COMMIT_SHA", SHA),
        ("CI_COMMIT_TAG", "v1.0.0"),
        ("CI_JOB_NAME", "release"),
        ("CI_JOB_ID", "12"),
        ("CI_JOB_URL", "https://gitlab.com/g/p/-/jobs/12"),
        ("CI_RUNNER_ID", "3"),
        ("CI_RUNNER_VERSION", "17.0.0"),
    ];
    let st = json(statement(dir.path(), &vars, &["app.txt"]));
    let p = &st["predicate"];
    assert_eq!(
        p["buildDefinition"]["buildType"],
        "https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v17.0.0/PROVENANCE.md"
    );
    assert_eq!(
        p["buildDefinition"]["externalParameters"]["entryPoint"],
        "release"
    );
    assert_eq!(
        p["buildDefinition"]["resolvedDependencies"][0]["uri"],
        "git+https://gitlab.com/g/p@refs/tags/v1.0.0"
    );
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://gitlab.com/g/p/-/runners/3"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://gitlab.com/g/p/-/jobs/12"
    );
}

#[test]
fn no_ci_uses_git() {
    let (dir, head) = repo();
    let st = json(statement(dir.path(), &[], &["app.txt"]));
    provenance_testkit::git::assert_clean_source(
        &st,
        "git+https://github.com/octo-org/hello@refs/heads/main",
        &head,
    );
}

#[test]
fn flags_override_detection() {
    let (dir, _) = repo();
    let st = json(statement(
        dir.path(),
        GITHUB,
        &[
            "--builder-id",
            "https://example.com/builder",
            "--build-type",
            "https://example.com/bt/v1",
            "--source-uri",
            "https://gitlab.com/other/repo",
            "--source-ref",
            "refs/tags/v9",
            "--source-commit",
            "ffffffffffffffffffffffffffffffffffffffff",
            "--invocation-id",
            "https://example.com/run/1",
            "--external-parameter",
            "workflow.ref=refs/tags/v9",
            "app.txt",
        ],
    ));
    let p = &st["predicate"];
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://example.com/builder"
    );
    assert_eq!(
        p["buildDefinition"]["buildType"],
        "https://example.com/bt/v1"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://example.com/run/1"
    );
    assert_eq!(
        p["buildDefinition"]["externalParameters"]["workflow"]["ref"],
        "refs/tags/v9"
    );
    let dep = &p["buildDefinition"]["resolvedDependencies"][0];
    assert_eq!(dep["uri"], "git+https://gitlab.com/other/repo@refs/tags/v9");
    assert_eq!(
        dep["digest"]["gitCommit"],
        "ffffffffffffffffffffffffffffffffffffffff"
    );
}

/// The library names the field (`invalid source commit ...`); the CLI adds the flag.
#[test]
fn a_bad_override_names_the_flag_and_the_field() {
    let (dir, _) = repo();
    let cases = [
        (
            ["--source-commit", "abc"],
            "--source-commit: invalid source commit \"abc\"",
        ),
        (
            ["--builder-id", "no-scheme"],
            "--builder-id: invalid builder id \"no-scheme\"",
        ),
        (
            ["--source-uri", "not a repo"],
            "--source-uri: invalid source URI \"not a repo\"",
        ),
        (
            ["--external-parameter", "novalue"],
            "--external-parameter: invalid external parameter \"novalue\"",
        ),
    ];
    for (args, says) in cases {
        let out = statement(dir.path(), GITHUB, &[args[0], args[1], "app.txt"]);
        let out = out.get_output();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn subjects_from_checksum_files() {
    let (dir, _) = repo();
    let list = format!("{HELLO}  dist/a.tar.gz\n{HELLO} *dist/b.zip\n");
    std::fs::write(dir.path().join("SHA256SUMS"), &list).unwrap();
    // slsa-github-generator's base64-subjects form.
    let b64 = base64_encode(list.replace("dist/", "gen/").as_bytes());
    std::fs::write(dir.path().join("subjects.b64"), b64).unwrap();
    let st = json(statement(
        dir.path(),
        &[],
        &[
            "--subjects-from",
            "SHA256SUMS",
            "--subjects-from",
            "subjects.b64",
        ],
    ));
    let names: Vec<&str> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["dist/a.tar.gz", "dist/b.zip", "gen/a.tar.gz", "gen/b.zip"]
    );
}

#[test]
fn subjects_from_stdin() {
    let (dir, _) = repo();
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    let out = cmd
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .args(["statement", "--subjects-from", "-"])
        .write_stdin(format!("{HELLO}  from-stdin.bin\n"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let st: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(st["subject"][0]["name"], "from-stdin.bin");
    assert_eq!(st["subject"][0]["digest"]["sha256"], HELLO);
}

#[test]
fn bad_checksum_line_names_the_line() {
    let (dir, _) = repo();
    std::fs::write(
        dir.path().join("SUMS"),
        format!("{HELLO}  ok\nnot a checksum line\n"),
    )
    .unwrap();
    statement(dir.path(), &[], &["--subjects-from", "SUMS"])
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("line 2"));
}

#[test]
fn zero_subjects_is_a_usage_error() {
    let (dir, _) = repo();
    statement(dir.path(), &[], &[])
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("no subjects"));
}

#[test]
fn missing_subject_file_fails_without_output() {
    let (dir, _) = repo();
    statement(dir.path(), &[], &["app.txt", "missing.bin"])
        .code(2)
        .stdout("");
}

#[test]
fn help_says_what_is_detected_from_where() {
    let (dir, _) = repo();
    statement(dir.path(), &[], &["--help"])
        .success()
        .stdout(predicates::str::contains("GITHUB_WORKFLOW_REF"))
        .stdout(predicates::str::contains("CI_JOB_URL"))
        .stdout(predicates::str::contains("SOURCE_DATE_EPOCH"))
        .stdout(predicates::str::contains("--subjects-from"));
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
