//! The GitHub Action (`action.yml`) and the GitLab CI template
//! (`ci/gitlab/provenance.gitlab-ci.yml`), run as their platforms run them: the YAML is read
//! (a small reader for the YAML subset the two files use, cross-checked against `PyYAML` when it
//! is installed), each `run:` / `script:` block runs in bash with the environment variables the
//! platform sets (GitHub: `GITHUB_*`, `RUNNER_*` and the OIDC request URL/token, served by the
//! local mock; GitLab: `CI_*` and the `id_tokens` variable `SIGSTORE_ID_TOKEN`), against the
//! local Sigstore (`scripts/sigstore-mock/server.js`). The bundles must verify with
//! `provenance verify` (the mock token's identity and issuer) and, when their installations
//! exist (`scripts/interop/keyless-interop.sh` creates them; `scripts/interop/keyless-templates.sh`
//! requires them), with sigstore-python and `@sigstore/verify`.
//! Inputs holding shell metacharacters must never run as commands.
#![cfg(feature = "sign")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code"
)]

#[cfg(feature = "oci")]
#[path = "../../crates/provenance-oci/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use provenance_testkit::keyless::{ACTIONS_REQUEST_TOKEN, ISSUER, MockSigstore, SUBJECT};
use provenance_testkit::{cli, exits_stderr};
use serde_json::{Map, Value, json};
use sha2::Digest as _;

const OTHER_IDENTITY: &str =
    "https://github.com/octo-org/evil/.github/workflows/release.yml@refs/heads/main";
const GITLAB_IDENTITY: &str =
    "https://gitlab.example.com/octo-group/demo//.gitlab-ci.yml@refs/heads/main";
const GITLAB_ISSUER: &str = "https://gitlab.example.com";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---------------------------------------------------------------------------------------------
// A reader for the YAML subset of action.yml and the GitLab template: block mappings and
// sequences, plain and quoted scalars, `|`/`|-` literal and `>`/`>-` folded block scalars,
// comments. Every scalar is a string. Anything else (flow collections, anchors, tags) panics.

struct Yaml {
    lines: Vec<String>,
    pos: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// `key: rest` or `key:`; None for a line that is not a mapping entry.
fn split_key(content: &str) -> Option<(&str, &str)> {
    if let Some(i) = content.find(": ") {
        return Some((&content[..i], &content[i + 2..]));
    }
    content.strip_suffix(':').map(|k| (k, ""))
}

fn scalar(raw: &str) -> Value {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').expect("unterminated ' scalar");
        return Value::String(inner.replace("''", "'"));
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let inner = inner.strip_suffix('"').expect("unterminated \" scalar");
        assert!(
            !inner.contains('\\'),
            "escapes are outside the subset: {raw}"
        );
        return Value::String(inner.to_owned());
    }
    // a comment after a plain scalar
    let plain = raw.find(" #").map_or(raw, |i| raw[..i].trim_end());
    assert!(
        !plain.starts_with(['[', '{', '&', '*', '!', '|', '>', '@', '`']),
        "outside the YAML subset: {raw}"
    );
    Value::String(plain.to_owned())
}

impl Yaml {
    fn parse(text: &str) -> Value {
        let mut yaml = Self {
            lines: text.lines().map(str::to_owned).collect(),
            pos: 0,
        };
        yaml.skip_blank();
        let value = yaml.block(0);
        yaml.skip_blank();
        assert_eq!(yaml.pos, yaml.lines.len(), "unparsed line {}", yaml.pos + 1);
        value
    }

    fn skip_blank(&mut self) {
        while self.pos < self.lines.len() && is_blank_or_comment(&self.lines[self.pos]) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<(usize, String)> {
        self.skip_blank();
        let line = self.lines.get(self.pos)?;
        assert!(!line.contains('\t'), "tab in line {}", self.pos + 1);
        Some((indent_of(line), line.trim_start().to_owned()))
    }

    fn block(&mut self, indent: usize) -> Value {
        match self.peek() {
            Some((i, c)) if i == indent && (c == "-" || c.starts_with("- ")) => {
                self.sequence(indent)
            }
            Some((i, _)) if i == indent => self.mapping(indent),
            other => panic!("expected a block at indent {indent}, got {other:?}"),
        }
    }

    fn value_after(&mut self, rest: &str, indent: usize) -> Value {
        let rest = rest.trim();
        if matches!(rest, "|" | "|-" | ">" | ">-") {
            return self.block_scalar(rest, indent);
        }
        if !rest.is_empty() && !rest.starts_with('#') {
            return scalar(rest);
        }
        match self.peek() {
            Some((i, _)) if i > indent => self.block(i),
            // a sequence may sit at its key's own indent
            Some((i, c)) if i == indent && c.starts_with("- ") => self.sequence(indent),
            _ => Value::Null,
        }
    }

    fn mapping(&mut self, indent: usize) -> Value {
        let mut map = Map::new();
        while let Some((i, content)) = self.peek() {
            if i < indent || content.starts_with("- ") {
                break;
            }
            assert_eq!(i, indent, "bad indentation in line {}", self.pos + 1);
            let (key, rest) =
                split_key(&content).unwrap_or_else(|| panic!("not a key in line {}", self.pos + 1));
            let key = scalar(key).as_str().unwrap().to_owned();
            self.pos += 1;
            let value = self.value_after(rest, indent);
            assert!(
                map.insert(key.clone(), value).is_none(),
                "duplicate key {key}"
            );
        }
        Value::Object(map)
    }

    fn sequence(&mut self, indent: usize) -> Value {
        let mut items = Vec::new();
        while let Some((i, content)) = self.peek() {
            if i != indent || !(content == "-" || content.starts_with("- ")) {
                break;
            }
            let item = content.get(2..).unwrap_or("").to_owned();
            let item_trimmed = item.trim();
            if item_trimmed.is_empty() {
                self.pos += 1;
                items.push(self.value_after("", indent));
            } else if matches!(item_trimmed, "|" | "|-" | ">" | ">-") {
                self.pos += 1;
                items.push(self.block_scalar(item_trimmed, indent));
            } else if split_key(item_trimmed).is_some() && !item_trimmed.starts_with(['\'', '"']) {
                // `- key: value` opens a mapping at indent + 2
                self.lines[self.pos] = format!("{}{item}", " ".repeat(indent + 2));
                items.push(self.mapping(indent + 2));
            } else {
                self.pos += 1;
                items.push(scalar(&item));
            }
        }
        Value::Array(items)
    }

    /// The lines after a `|` or `>` indicator, more indented than `parent`.
    fn block_scalar(&mut self, indicator: &str, parent: usize) -> Value {
        let mut raw = Vec::new();
        while self.pos < self.lines.len() {
            let line = &self.lines[self.pos];
            if !line.trim().is_empty() && indent_of(line) <= parent {
                break;
            }
            raw.push(line.clone());
            self.pos += 1;
        }
        while raw.last().is_some_and(|l| l.trim().is_empty()) {
            raw.pop();
        }
        let width = raw
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| indent_of(l));
        let lines: Vec<&str> = raw.iter().map(|l| l.get(width..).unwrap_or("")).collect();
        let mut text = if indicator.starts_with('>') {
            let mut out = String::new();
            for (n, line) in lines.iter().enumerate() {
                assert!(
                    !line.starts_with(' '),
                    "more-indented folded lines are outside the subset"
                );
                if line.is_empty() {
                    out.push('\n');
                } else {
                    if n > 0 && !out.ends_with('\n') {
                        out.push(' ');
                    }
                    out.push_str(line);
                }
            }
            out
        } else {
            lines.join("\n")
        };
        if !indicator.ends_with('-') && !text.is_empty() {
            text.push('\n');
        }
        Value::String(text)
    }
}

fn read_yaml(path: &str) -> Value {
    Yaml::parse(&std::fs::read_to_string(repo_root().join(path)).unwrap())
}

/// `PyYAML`'s reading of the file, scalars as strings (None when python3 or `PyYAML` is absent).
fn pyyaml(path: &str) -> Option<Value> {
    fn strings(v: Value) -> Value {
        match v {
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Number(n) => Value::String(n.to_string()),
            Value::Array(a) => Value::Array(a.into_iter().map(strings).collect()),
            Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, strings(v))).collect())
            }
            other => other,
        }
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(repo_root().join(path))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(strings(serde_json::from_slice(&out.stdout).unwrap()))
}

#[test]
fn the_yaml_reader_agrees_with_pyyaml_on_both_files() {
    for path in ["action.yml", "ci/gitlab/provenance.gitlab-ci.yml"] {
        let ours = read_yaml(path);
        let Some(theirs) = pyyaml(path) else {
            eprintln!(
                "SKIPPED: python3 with PyYAML not found; {path} was read by the subset reader only"
            );
            return;
        };
        assert_eq!(ours, theirs, "{path}");
    }
}

// ---------------------------------------------------------------------------------------------
// Running the composite action's steps as the runner does.

struct ActionRun {
    ok: bool,
    /// stdout and stderr of every step that ran
    log: String,
    /// the action's outputs (`outputs.*.value` evaluated)
    outputs: BTreeMap<String, String>,
    /// `RUNNER_TEMP`, where the bundle lives; removed on drop
    _temp: tempfile::TempDir,
}

impl ActionRun {
    /// The bundle it wrote (`outputs.bundle-path`).
    fn bundle(&self) -> PathBuf {
        PathBuf::from(&self.outputs["bundle-path"])
    }
}

/// Evaluates an `env:` or `outputs:` value: a literal, or exactly one `${{ expr }}` of the
/// contexts a composite action uses here (unknown ones panic, so a new one needs a look).
fn evaluate(
    value: &str,
    inputs: &BTreeMap<String, String>,
    steps: &BTreeMap<String, BTreeMap<String, String>>,
    action_path: &str,
) -> String {
    let Some(expr) = value.trim().strip_prefix("${{") else {
        assert!(!value.contains("${{"), "{value}");
        return value.to_owned();
    };
    let expr = expr
        .strip_suffix("}}")
        .expect("one whole expression")
        .trim();
    if let Some(name) = expr.strip_prefix("inputs.") {
        return inputs
            .get(name)
            .unwrap_or_else(|| panic!("undeclared input {name}"))
            .clone();
    }
    if expr == "github.action_path" {
        return action_path.to_owned();
    }
    if let Some(rest) = expr.strip_prefix("steps.") {
        let (id, output) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
        return steps
            .get(id)
            .and_then(|o| o.get(output))
            .cloned()
            .unwrap_or_default();
    }
    panic!("expression outside what the test evaluates: {value}");
}

/// `name=value` lines of a `$GITHUB_OUTPUT` file.
fn read_outputs(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('=').expect("name=value");
            assert!(
                !k.contains("<<"),
                "multi-line outputs are not written by the action"
            );
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// The variables GitHub's runner sets for a push to main of octo-org/demo.
fn github_env(mock: &MockSigstore, workspace: &Path, temp: &Path) -> Vec<(String, String)> {
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    vec![
        s("CI", "true"),
        s("GITHUB_ACTIONS", "true"),
        s("GITHUB_REPOSITORY", "octo-org/demo"),
        s("GITHUB_REPOSITORY_ID", "123456"),
        s("GITHUB_REPOSITORY_OWNER", "octo-org"),
        s("GITHUB_REPOSITORY_OWNER_ID", "7890"),
        s("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
        s("GITHUB_REF", "refs/heads/main"),
        s("GITHUB_REF_NAME", "main"),
        s("GITHUB_REF_TYPE", "branch"),
        s(
            "GITHUB_WORKFLOW_REF",
            "octo-org/demo/.github/workflows/release.yml@refs/heads/main",
        ),
        s("GITHUB_WORKFLOW", "release"),
        s("GITHUB_EVENT_NAME", "push"),
        s("GITHUB_SERVER_URL", "https://github.com"),
        s("GITHUB_API_URL", "https://api.github.com"),
        s("GITHUB_RUN_ID", "4242"),
        s("GITHUB_RUN_NUMBER", "17"),
        s("GITHUB_RUN_ATTEMPT", "1"),
        s("GITHUB_ACTOR", "octocat"),
        s("GITHUB_JOB", "build"),
        s("GITHUB_WORKSPACE", workspace.to_str().unwrap()),
        s("RUNNER_ENVIRONMENT", "github-hosted"),
        s("RUNNER_OS", "Linux"),
        s("RUNNER_ARCH", "X64"),
        s("RUNNER_TEMP", temp.to_str().unwrap()),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL".into(),
            format!("{}/actions-token?api-version=2.0", mock.url),
        ),
        s("ACTIONS_ID_TOKEN_REQUEST_TOKEN", ACTIONS_REQUEST_TOKEN),
    ]
}

/// Runs action.yml's steps in `workspace` with `inputs` (the others at their defaults) and the
/// runner's environment (`env` on top: `None` removes a variable).
fn run_action(
    mock: &MockSigstore,
    workspace: &Path,
    given: &[(&str, &str)],
    env: &[(&str, Option<&str>)],
) -> ActionRun {
    let action = read_yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().unwrap() {
        inputs.insert(
            name.clone(),
            spec["default"].as_str().unwrap_or("").to_owned(),
        );
    }
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "undeclared input {name}");
        inputs.insert((*name).to_owned(), (*value).to_owned());
    }
    let temp = tempfile::tempdir().unwrap();
    let action_path = repo_root().canonicalize().unwrap();
    let action_path = action_path.to_str().unwrap();
    let mut platform = github_env(mock, workspace, temp.path());
    platform.push(("GITHUB_ACTION_PATH".into(), action_path.to_owned()));
    let mut steps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut log = String::new();
    let mut ok = true;
    for (n, step) in action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(step["shell"], "bash");
        let script = step["run"].as_str().unwrap();
        let file = temp.path().join(format!("step{n}.sh"));
        std::fs::write(&file, script).unwrap();
        let output_file = temp.path().join(format!("output{n}"));
        std::fs::write(&output_file, "").unwrap();
        // what `shell: bash` runs
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(workspace)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", temp.path())
            .envs(platform.iter().map(|(k, v)| (k, v)))
            .env("GITHUB_OUTPUT", &output_file);
        for (key, value) in step["env"].as_object().into_iter().flatten() {
            cmd.env(
                key,
                evaluate(value.as_str().unwrap(), &inputs, &steps, action_path),
            );
        }
        for (key, value) in env {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        let out = cmd.output().unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        if let Some(id) = step["id"].as_str() {
            steps.insert(id.to_owned(), read_outputs(&output_file));
        }
        if !out.status.success() {
            ok = false;
            break;
        }
    }
    let mut outputs = BTreeMap::new();
    if ok {
        for (name, spec) in action["outputs"].as_object().unwrap() {
            let value = spec["value"].as_str().unwrap();
            outputs.insert(name.clone(), evaluate(value, &inputs, &steps, action_path));
        }
    }
    ActionRun {
        ok,
        log,
        outputs,
        _temp: temp,
    }
}

fn statement(bundle: &Path) -> Value {
    let bundle: Value = serde_json::from_slice(&std::fs::read(bundle).unwrap()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

fn subjects(statement: &Value) -> BTreeMap<String, String> {
    statement["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["digest"]["sha256"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// sigstore-python and `@sigstore/verify` on the bundle, when installed (as
/// scripts/interop/keyless-interop.sh installs them into target/); required when
/// `PROVENANCE_REQUIRE_INTEROP_VERIFIERS=1` (scripts/interop/keyless-templates.sh).
fn verify_with_sigstore_python_and_js(
    mock: &MockSigstore,
    bundle: &Path,
    artifact: &Path,
    identity: &str,
    issuer: &str,
) {
    let target = repo_root().join("target");
    let sigstore_py = target.join("differential-venv/bin/sigstore");
    let node_modules = target.join("differential-node/node_modules");
    if !sigstore_py.is_file() || !node_modules.join("@sigstore/verify/package.json").is_file() {
        assert!(
            std::env::var("PROVENANCE_REQUIRE_INTEROP_VERIFIERS").as_deref() != Ok("1"),
            "sigstore-python or @sigstore/verify missing under {}",
            target.display()
        );
        eprintln!(
            "SKIPPED: sigstore-python / @sigstore/verify not installed under {} \
             (scripts/interop/keyless-interop.sh installs them); provenance verify only",
            target.display()
        );
        return;
    }
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(mock.path(name)).unwrap()).unwrap()
    };
    let trust_config = mock.path("trust_config.json");
    std::fs::write(
        &trust_config,
        serde_json::to_vec(&json!({
            "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
            "trustedRoot": read("trusted_root.json"),
            "signingConfig": read("signing_config_no_tsa.json"),
        }))
        .unwrap(),
    )
    .unwrap();
    for (id, want) in [(identity, true), (OTHER_IDENTITY, false)] {
        let py = Command::new(&sigstore_py)
            .arg("--trust-config")
            .arg(&trust_config)
            .args(["verify", "identity", "--bundle"])
            .arg(bundle)
            .args(["--cert-identity", id, "--cert-oidc-issuer", issuer])
            .arg(artifact)
            .output()
            .unwrap();
        assert_eq!(
            py.status.success(),
            want,
            "sigstore-python, identity {id}: {}",
            String::from_utf8_lossy(&py.stderr)
        );
        let js = Command::new("node")
            .arg(repo_root().join("scripts/interop/keyless_verify.js"))
            .arg(mock.path("trusted_root.json"))
            .arg(bundle)
            .arg(artifact)
            .args([id, issuer])
            .env("NODE_PATH", &node_modules)
            .output()
            .unwrap();
        assert_eq!(
            js.status.success(),
            want,
            "@sigstore/verify, identity {id}: {}{}",
            String::from_utf8_lossy(&js.stdout),
            String::from_utf8_lossy(&js.stderr)
        );
    }
}

/// [`run_action`] with `given` and the mock's trusted root and signing config (without the
/// TSA), running this build's binary; it must succeed.
fn attest_with_action(mock: &MockSigstore, workspace: &Path, given: &[(&str, &str)]) -> ActionRun {
    let root = mock.trusted_root();
    let config = signing_config(mock);
    let mock_inputs = [
        ("binary-path", bin()),
        ("trusted-root", root.as_str()),
        ("signing-config", config.to_str().unwrap()),
    ];
    let run = run_action(mock, workspace, &[given, &mock_inputs].concat(), &[]);
    assert!(run.ok, "{}", run.log);
    run
}

/// The mock's signing config without its TSA (Rekor v1's SET dates the signature). The TSA
/// path is covered by the keyless_* tests; here it would make `@sigstore/verify` 3.1.1 fail
/// one bundle in ten with "invalid time": the mock's TSA writes `genTime` with milliseconds
/// and, as DER wants, without trailing zeros (`.25Z`), which that version's parser refuses
/// (it wants exactly three digits).
fn signing_config(mock: &MockSigstore) -> PathBuf {
    let path = mock.path("signing_config_no_tsa.json");
    if !path.is_file() {
        let mut config: Value =
            serde_json::from_slice(&std::fs::read(mock.path("signing_config.json")).unwrap())
                .unwrap();
        config["tsaUrls"] = json!([]);
        std::fs::write(&path, serde_json::to_vec(&config).unwrap()).unwrap();
    }
    path
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_provenance")
}

#[test]
fn action_steps_take_inputs_only_through_env_and_every_input_is_used() {
    let action = read_yaml("action.yml");
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let mut used = Vec::new();
    for step in action["runs"]["steps"].as_array().unwrap() {
        assert_eq!(step["shell"], "bash");
        let run = step["run"].as_str().unwrap();
        assert!(!run.contains("${{"), "an expression in script text: {run}");
        assert!(run.starts_with("set -euo pipefail\n"), "{run}");
        for value in step["env"].as_object().unwrap().values() {
            let value = value.as_str().unwrap();
            if let Some(name) = value.strip_prefix("${{ inputs.") {
                used.push(name.strip_suffix(" }}").unwrap().to_owned());
            }
        }
    }
    let declared: Vec<String> = action["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for name in &declared {
        assert!(used.contains(name), "input {name} reaches no step");
    }
    for name in [
        "subject-path",
        "subject-digest",
        "subject-name",
        "push-to-registry",
        "signing-config",
        "trusted-root",
        "binary-path",
        "version",
    ] {
        assert!(declared.iter().any(|d| d == name), "input {name} missing");
    }
    assert_eq!(
        action["outputs"]["bundle-path"]["value"],
        "${{ steps.attest.outputs.bundle-path }}"
    );
    assert!(
        text.contains("id-token: write"),
        "the permission is documented"
    );
}

#[test]
fn the_action_attests_subject_path_globs_with_the_actions_token_and_the_bundle_verifies() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let ws = work.path();
    std::fs::create_dir_all(ws.join("dist/deep/er")).unwrap();
    std::fs::write(ws.join("dist/app-1.0.tar.gz"), b"tarball\n").unwrap();
    std::fs::write(ws.join("dist/app-1.0.zip"), b"zip\n").unwrap();
    std::fs::write(ws.join("dist/deep/er/app-1.0-py3-none-any.whl"), b"wheel\n").unwrap();
    std::fs::write(ws.join("dist/notes.txt"), b"not a subject\n").unwrap();
    std::fs::write(ws.join("SBOM file.json"), b"{}\n").unwrap();
    let run = attest_with_action(
        &mock,
        ws,
        &[
            (
                "subject-path",
                "dist/*.tar.gz, dist/*.zip\n  dist/**/*.whl\nSBOM file.json\n",
            ),
            ("version", env!("CARGO_PKG_VERSION")),
        ],
    );
    let bundle = run.bundle();
    assert!(bundle.is_absolute() && bundle.is_file(), "{bundle:?}");

    let st = statement(&bundle);
    let names: Vec<String> = subjects(&st).into_keys().collect();
    assert_eq!(
        names,
        [
            "SBOM file.json",
            "dist/app-1.0.tar.gz",
            "dist/app-1.0.zip",
            "dist/deep/er/app-1.0-py3-none-any.whl"
        ]
    );
    assert_eq!(subjects(&st)["dist/app-1.0.zip"], sha256_hex(b"zip\n"));
    // the provenance describes the workflow run from the runner's variables
    let definition = &st["predicate"]["buildDefinition"];
    assert_eq!(
        definition["buildType"],
        "https://actions.github.io/buildtypes/workflow/v1"
    );
    assert_eq!(
        definition["externalParameters"]["workflow"],
        json!({"ref": "refs/heads/main", "repository": "https://github.com/octo-org/demo",
               "path": ".github/workflows/release.yml"})
    );
    assert_eq!(
        st["predicate"]["runDetails"]["metadata"]["invocationId"],
        "https://github.com/octo-org/demo/actions/runs/4242/attempts/1"
    );

    let artifact = ws.join("dist/app-1.0.tar.gz");
    let art = artifact.to_str().unwrap();
    exits_stderr(&mock.verify_provenance(&bundle, art, SUBJECT, ISSUER), 0);
    let stderr = exits_stderr(&mock.verify(&bundle, art, OTHER_IDENTITY, ISSUER), 1);
    assert!(stderr.contains("identity"), "{stderr}");
    verify_with_sigstore_python_and_js(&mock, &bundle, &artifact, SUBJECT, ISSUER);
}

#[test]
fn the_action_attests_a_subject_digest_and_name() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let artifact = work.path().join("app.bin");
    std::fs::write(&artifact, b"built elsewhere\n").unwrap();
    let digest = format!("sha256:{}", sha256_hex(b"built elsewhere\n"));
    let run = attest_with_action(
        &mock,
        work.path(),
        &[("subject-digest", &digest), ("subject-name", "app.bin")],
    );
    let bundle = run.bundle();
    assert_eq!(
        subjects(&statement(&bundle)),
        BTreeMap::from([("app.bin".to_owned(), digest[7..].to_owned())])
    );
    exits_stderr(
        &mock.verify_provenance(&bundle, artifact.to_str().unwrap(), SUBJECT, ISSUER),
        0,
    );
    verify_with_sigstore_python_and_js(&mock, &bundle, &artifact, SUBJECT, ISSUER);
}

/// `push-to-registry`: the action attests the image and attaches the bundle to it in its
/// registry (a local docker-registry); `verify oci://` then discovers and passes it, and
/// refuses another identity.
#[cfg(feature = "oci")]
#[test]
fn the_action_pushes_the_attestation_to_the_images_registry() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let Some(reg) = support::TestRegistry::start(support::Mode::AnonymousHttp) else {
        return;
    };
    let config = provenance_oci::ClientConfig::new()
        .with_credentials(provenance_oci::CredentialSource::Anonymous)
        .with_system_roots(false);
    let mut client =
        provenance_oci::RegistryClient::new(reg.addr.parse().unwrap(), &config).unwrap();
    let repo: provenance_oci::Repository = "octo-org/demo".parse().unwrap();
    let image = support::push_image(&mut client, &repo, "v1", "layer of the action test");
    let work = tempfile::tempdir().unwrap();
    let name = format!("{}/octo-org/demo", reg.addr);
    let digest = image.digest.to_string();
    let run = attest_with_action(
        &mock,
        work.path(),
        &[
            ("subject-digest", &digest),
            ("subject-name", &name),
            ("push-to-registry", "true"),
        ],
    );
    let bundle = run.bundle();
    assert_eq!(
        subjects(&statement(&bundle)),
        BTreeMap::from([(name.clone(), digest["sha256:".len()..].to_owned())])
    );
    let image_arg = format!("oci://{name}@{digest}");
    // the mock certificate states no source repository: the signer is named
    let verify_image = |identity: &str| {
        mock.trusting(
            "verify",
            (identity, ISSUER),
            &["--builder-id", identity, &image_arg],
        )
    };
    let out = verify_image(SUBJECT);
    exits_stderr(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("PASS {name}")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out =
        verify_image("https://github.com/octo-org/evil/.github/workflows/x.yml@refs/heads/main");
    exits_stderr(&out, 1);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("identity policy not satisfied"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Inputs, environment changes (`None` removes), the message the run must print.
type ActionCase<'a> = (
    &'a [(&'a str, &'a str)],
    &'a [(&'a str, Option<&'a str>)],
    &'a str,
);

#[test]
fn the_action_refuses_bad_inputs_with_a_clear_error_and_no_bundle() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("app.bin"), b"x\n").unwrap();
    let zeros = format!("sha256:{}", "0".repeat(64));
    let cases: &[ActionCase] = &[
        (
            &[("subject-path", "app.bin"), ("subject-name", "x")],
            &[],
            "give exactly one of subject-path, subject-digest with subject-name, subject-checksums",
        ),
        (&[], &[], "give exactly one of"),
        (
            &[("subject-path", "missing/*.tar.gz")],
            &[],
            "subject-path missing/\\*.tar.gz matches no file",
        ),
        (
            &[("subject-digest", "sha256:abc"), ("subject-name", "x")],
            &[],
            "subject-digest must be sha256:HEX or sha512:HEX, not sha256:abc",
        ),
        (
            &[("subject-digest", &zeros)],
            &[],
            "subject-digest and subject-name go together",
        ),
        (
            &[("subject-path", "app.bin"), ("push-to-registry", "yes")],
            &[],
            "push-to-registry must be true or false, not yes",
        ),
        (
            &[("subject-path", "app.bin"), ("push-to-registry", "true")],
            &[],
            "push-to-registry needs subject-digest and subject-name (the image)",
        ),
        // an image is named by its sha256 manifest digest: refused before any registry
        (
            &[
                ("subject-digest", &format!("sha512:{}", "0".repeat(128))),
                ("subject-name", "ghcr.io/octo-org/demo"),
                ("push-to-registry", "true"),
            ],
            &[],
            "push-to-registry needs the image's sha256 manifest digest as subject-digest",
        ),
        (
            &[("subject-path", "app.bin")],
            &[("ACTIONS_ID_TOKEN_REQUEST_URL", None)],
            "no OIDC token: give the job 'permissions: id-token: write'",
        ),
        (
            &[("subject-path", "app.bin"), ("version", "9.9.9")],
            &[],
            "version 9.9.9 was asked for, the binary is provenance\\ ",
        ),
        (
            &[
                ("subject-path", "app.bin"),
                ("binary-path", "/nonexistent/provenance"),
            ],
            &[],
            "binary-path is not an executable file: /nonexistent/provenance",
        ),
    ];
    let root = mock.path("trusted_root.json");
    let config = signing_config(&mock);
    for (inputs, env, want) in cases {
        let mut inputs = inputs.to_vec();
        if !inputs.iter().any(|(k, _)| *k == "binary-path") {
            inputs.push(("binary-path", bin()));
        }
        inputs.push(("trusted-root", root.to_str().unwrap()));
        inputs.push(("signing-config", config.to_str().unwrap()));
        let run = run_action(&mock, work.path(), &inputs, env);
        assert!(!run.ok, "{inputs:?} passed: {}", run.log);
        assert!(
            run.log.contains(want),
            "{inputs:?}: want {want:?} in\n{}",
            run.log
        );
        assert!(run.outputs.is_empty());
    }
}

const PWNED: &[&str] = &["pwned1", "pwned2", "pwned3", "pwned4", "pwned5", "pwned6"];

fn assert_not_pwned(dir: &Path) {
    for name in PWNED {
        assert!(
            !dir.join(name).exists(),
            "{name} was created: an input ran as a command"
        );
    }
}

#[test]
fn action_inputs_with_shell_metacharacters_never_run() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let ws = work.path();
    let root = mock.path("trusted_root.json");
    let config = signing_config(&mock);
    let with_service = |mut inputs: Vec<(&'static str, String)>| {
        inputs.push(("binary-path", bin().to_owned()));
        inputs.push(("trusted-root", root.to_str().unwrap().to_owned()));
        inputs.push(("signing-config", config.to_str().unwrap().to_owned()));
        inputs
    };
    let hostile = [
        "$(touch pwned1)",
        "x; touch pwned2",
        "`touch pwned3`",
        "a\" && touch pwned4 && \"",
        "'; touch pwned5; '",
        "|| touch pwned6 #",
    ];
    let zeros = format!("sha256:{}", "0".repeat(64));
    for value in hostile {
        for inputs in [
            vec![("subject-path", value.to_owned())],
            vec![
                ("subject-digest", zeros.clone()),
                ("subject-name", value.to_owned()),
            ],
            vec![
                ("subject-digest", value.to_owned()),
                ("subject-name", "x".to_owned()),
            ],
            vec![("subject-checksums", value.to_owned())],
            vec![
                ("subject-path", "x".to_owned()),
                ("push-to-registry", value.to_owned()),
            ],
            vec![
                ("subject-path", "x".to_owned()),
                ("version", value.to_owned()),
            ],
        ] {
            let inputs = with_service(inputs);
            let borrowed: Vec<(&str, &str)> =
                inputs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let run = run_action(&mock, ws, &borrowed, &[]);
            assert_not_pwned(ws);
            if inputs[0].0 == "subject-digest" && inputs[0].1 == zeros {
                // a subject name is any text: attested verbatim
                assert!(run.ok, "{inputs:?}: {}", run.log);
                let bundle = PathBuf::from(&run.outputs["bundle-path"]);
                assert_eq!(
                    subjects(&statement(&bundle)),
                    BTreeMap::from([(value.to_owned(), "0".repeat(64))])
                );
            } else {
                assert!(!run.ok, "{inputs:?}: {}", run.log);
            }
        }
        // as a signing-config or trusted-root path it is a file name that does not exist
        std::fs::write(ws.join("app.bin"), b"x\n").unwrap();
        let inputs = [
            ("subject-path", "app.bin"),
            ("binary-path", bin()),
            ("signing-config", value),
        ];
        let run = run_action(&mock, ws, &inputs, &[]);
        assert!(!run.ok, "{}", run.log);
        assert_not_pwned(ws);
    }

    // a file whose name is full of metacharacters is attested under that very name
    let odd = "odd $(touch pwned1); `touch pwned3` 'q' \"d\" [x].bin";
    std::fs::write(ws.join(odd), b"odd\n").unwrap();
    let odd_glob = odd.replace("[x]", "[[]x]");
    let inputs = with_service(vec![("subject-path", odd_glob)]);
    let borrowed: Vec<(&str, &str)> = inputs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = run_action(&mock, ws, &borrowed, &[]);
    assert!(run.ok, "{}", run.log);
    assert_not_pwned(ws);
    let bundle = PathBuf::from(&run.outputs["bundle-path"]);
    assert_eq!(
        subjects(&statement(&bundle)),
        BTreeMap::from([(odd.to_owned(), sha256_hex(b"odd\n"))])
    );
}

// ---------------------------------------------------------------------------------------------
// The GitLab template, run as a job that `extends: .provenance-attest`.

/// The predefined variables GitLab sets for a branch pipeline of octo-group/demo, with the
/// `id_tokens` token.
fn gitlab_env(project_dir: &Path, token: &str) -> Vec<(String, String)> {
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    vec![
        s("CI", "true"),
        s("GITLAB_CI", "true"),
        s("CI_SERVER_URL", "https://gitlab.example.com"),
        s("CI_SERVER_HOST", "gitlab.example.com"),
        s(
            "CI_PROJECT_URL",
            "https://gitlab.example.com/octo-group/demo",
        ),
        s("CI_PROJECT_PATH", "octo-group/demo"),
        s("CI_PROJECT_ID", "31337"),
        s("CI_PROJECT_DIR", project_dir.to_str().unwrap()),
        s("CI_COMMIT_SHA", "89abcdef0123456789abcdef0123456789abcdef"),
        s("CI_COMMIT_REF_NAME", "main"),
        s("CI_COMMIT_BRANCH", "main"),
        s("CI_DEFAULT_BRANCH", "main"),
        s("CI_PIPELINE_ID", "555"),
        s("CI_PIPELINE_SOURCE", "push"),
        s("CI_JOB_ID", "9001"),
        s("CI_JOB_NAME", "attest"),
        s(
            "CI_JOB_URL",
            "https://gitlab.example.com/octo-group/demo/-/jobs/9001",
        ),
        s("CI_JOB_STARTED_AT", "2026-01-02T03:04:05Z"),
        s("CI_RUNNER_ID", "12"),
        s("SIGSTORE_ID_TOKEN", token),
    ]
}

struct JobRun {
    ok: bool,
    log: String,
}

/// Runs `.provenance-attest`'s script entries in `project_dir`, with the template's variables
/// overridden by `variables` (as a job's own `variables:` do) and GitLab's environment.
fn run_gitlab_job(project_dir: &Path, token: Option<&str>, variables: &[(&str, &str)]) -> JobRun {
    run_gitlab_job_with_path(project_dir, token, variables, None)
}

/// As [`run_gitlab_job`], with `path` as `PATH` (stand-in tools).
fn run_gitlab_job_with_path(
    project_dir: &Path,
    token: Option<&str>,
    variables: &[(&str, &str)],
    path: Option<&std::ffi::OsStr>,
) -> JobRun {
    let template = read_yaml("ci/gitlab/provenance.gitlab-ci.yml");
    let job = &template[".provenance-attest"];
    let mut vars: BTreeMap<String, String> = job["variables"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    for (k, v) in variables {
        assert!(vars.contains_key(*k), "{k} is not a template variable");
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    let home = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for entry in job["script"].as_array().unwrap() {
        let script = entry.as_str().unwrap();
        let file = home.path().join("script.sh");
        std::fs::write(&file, script).unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(&file)
            .current_dir(project_dir)
            .env_clear()
            .env(
                "PATH",
                path.map_or_else(|| std::env::var_os("PATH").unwrap(), ToOwned::to_owned),
            )
            .env("HOME", home.path())
            .envs(gitlab_env(project_dir, token.unwrap_or("")))
            .envs(&vars);
        if token.is_none() {
            cmd.env_remove("SIGSTORE_ID_TOKEN");
        }
        let out = cmd.output().unwrap();
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            return JobRun { ok: false, log };
        }
    }
    JobRun { ok: true, log }
}

#[test]
fn the_gitlab_template_requests_a_sigstore_id_token_and_keeps_the_bundle() {
    let template = read_yaml("ci/gitlab/provenance.gitlab-ci.yml");
    let job = &template[".provenance-attest"];
    assert_eq!(
        job["id_tokens"],
        json!({"SIGSTORE_ID_TOKEN": {"aud": "sigstore"}})
    );
    assert_eq!(job["artifacts"]["paths"], json!(["$PROVENANCE_BUNDLE"]));
    assert_eq!(
        job["variables"]["PROVENANCE_BUNDLE"],
        "provenance.sigstore.json"
    );
    for entry in job["script"].as_array().unwrap() {
        let script = entry.as_str().unwrap();
        assert!(script.starts_with("set -euo pipefail\n"), "{script}");
        // variables are read from the environment only: no eval, no sh -c of their text
        assert!(
            !script.contains("eval") && !script.contains("-c \""),
            "{script}"
        );
    }
}

#[test]
fn the_gitlab_template_attests_the_job_artifacts_and_the_bundle_verifies() {
    let Some(mock) = MockSigstore::start_with(
        cli!(),
        "ok",
        &["--subject", GITLAB_IDENTITY, "--issuer", GITLAB_ISSUER],
    ) else {
        return;
    };
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    std::fs::create_dir_all(dir.join("dist/nested")).unwrap();
    std::fs::write(dir.join("dist/app.tar.gz"), b"gitlab tarball\n").unwrap();
    std::fs::write(dir.join("dist/nested/app.whl"), b"gitlab wheel\n").unwrap();
    std::fs::write(dir.join("dist/log.txt"), b"no\n").unwrap();
    let config = signing_config(&mock);
    let root = mock.trusted_root();
    let job = |subjects: &str| {
        run_gitlab_job(
            dir,
            Some(token.trim()),
            &[
                ("PROVENANCE_SUBJECTS", subjects),
                ("PROVENANCE_BIN", bin()),
                ("PROVENANCE_SIGNING_CONFIG", config.to_str().unwrap()),
                ("PROVENANCE_TRUSTED_ROOT", &root),
            ],
        )
    };
    let run = job("dist/*.tar.gz\n dist/**/*.whl");
    assert!(run.ok, "{}", run.log);
    let bundle = dir.join("provenance.sigstore.json");
    assert!(
        run.log
            .contains("provenance: bundle provenance.sigstore.json"),
        "{}",
        run.log
    );
    let st = statement(&bundle);
    assert_eq!(
        subjects(&st),
        BTreeMap::from([
            (
                "dist/app.tar.gz".to_owned(),
                sha256_hex(b"gitlab tarball\n")
            ),
            (
                "dist/nested/app.whl".to_owned(),
                sha256_hex(b"gitlab wheel\n")
            ),
        ])
    );
    assert_eq!(
        st["predicate"]["runDetails"]["metadata"]["invocationId"],
        "https://gitlab.example.com/octo-group/demo/-/jobs/9001"
    );
    let artifact = dir.join("dist/nested/app.whl");
    let art = artifact.to_str().unwrap();
    exits_stderr(
        &mock.verify_provenance(&bundle, art, GITLAB_IDENTITY, GITLAB_ISSUER),
        0,
    );
    exits_stderr(&mock.verify(&bundle, art, GITLAB_IDENTITY, ISSUER), 1);
    verify_with_sigstore_python_and_js(&mock, &bundle, &artifact, GITLAB_IDENTITY, GITLAB_ISSUER);

    // a second run (a retried job) replaces the bundle
    let again = job("dist/app.tar.gz");
    assert!(again.ok, "{}", again.log);
    assert_eq!(subjects(&statement(&bundle)).len(), 1);
}

/// The `id_tokens` token (None: none), the job's variables, the message the run must print.
type JobCase<'a> = (Option<&'a str>, Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn the_gitlab_template_fails_clearly_and_never_runs_variable_text() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    std::fs::write(dir.join("app.bin"), b"x\n").unwrap();
    let root = mock.path("trusted_root.json");
    let config = signing_config(&mock);
    let base = |subjects: &'static str| {
        vec![
            ("PROVENANCE_SUBJECTS", subjects),
            ("PROVENANCE_BIN", bin()),
            ("PROVENANCE_SIGNING_CONFIG", config.to_str().unwrap()),
            ("PROVENANCE_TRUSTED_ROOT", root.to_str().unwrap()),
        ]
    };
    let cases: Vec<JobCase> = vec![
        (
            None,
            base("app.bin"),
            "no SIGSTORE_ID_TOKEN: the job needs id_tokens (extends: .provenance-attest)",
        ),
        (
            Some(token.trim()),
            base(""),
            "PROVENANCE_SUBJECTS names no artifact",
        ),
        (
            Some(token.trim()),
            base("$(touch pwned1)"),
            "PROVENANCE_SUBJECTS: \\$\\(touch matches no file",
        ),
        (
            Some(token.trim()),
            base("app.bin;touch${IFS}pwned2"),
            "matches no file",
        ),
        (
            Some(token.trim()),
            base("`touch pwned3`"),
            "matches no file",
        ),
        (
            Some(token.trim()),
            {
                let mut v = base("app.bin");
                v[1] = ("PROVENANCE_BIN", "");
                v
            },
            "set PROVENANCE_BIN, or PROVENANCE_GIT_URL and PROVENANCE_GIT_REV to build provenance",
        ),
        (
            Some(token.trim()),
            {
                let mut v = base("app.bin");
                v[1] = ("PROVENANCE_BIN", "$(touch pwned4)");
                v
            },
            "PROVENANCE_BIN is not an executable file: \\$\\(touch\\ pwned4\\)",
        ),
        (
            Some(token.trim()),
            {
                let mut v = base("app.bin");
                v[2] = ("PROVENANCE_SIGNING_CONFIG", "; touch pwned5");
                v
            },
            "; touch pwned5",
        ),
        (
            Some(token.trim()),
            {
                let mut v = base("app.bin");
                v.push(("PROVENANCE_BUNDLE", "$(touch pwned6).json"));
                v[1] = ("PROVENANCE_BIN", "/nonexistent");
                v
            },
            "PROVENANCE_BIN is not an executable file: /nonexistent",
        ),
    ];
    for (token, vars, want) in cases {
        let run = run_gitlab_job(dir, token, &vars);
        assert!(!run.ok, "{vars:?} passed: {}", run.log);
        assert!(
            run.log.contains(want),
            "{vars:?}: want {want:?} in\n{}",
            run.log
        );
        assert_not_pwned(dir);
        assert!(!dir.join("provenance.sigstore.json").exists());
    }
}

#[test]
fn shellcheck_finds_nothing_in_the_action_and_template_scripts() {
    let action = read_yaml("action.yml");
    let template = read_yaml("ci/gitlab/provenance.gitlab-ci.yml");
    let mut scripts: Vec<String> = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["run"].as_str().unwrap().to_owned())
        .collect();
    scripts.extend(
        template[".provenance-attest"]["script"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned()),
    );
    for script in scripts {
        let child = Command::new("shellcheck")
            .args(["--shell=bash", "--severity=info", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("SKIPPED: shellcheck not found; the scripts were not linted");
            return;
        };
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "shellcheck:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A directory with a stand-in `cargo` that logs its arguments (one a line) to `cargo.log`
/// beside it and "installs" the test's binary under `--root`, and the PATH that puts it first.
fn cargo_stub() -> (tempfile::TempDir, std::ffi::OsString) {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "#!/bin/bash\nset -eu\nprintf '%s\\n' \"$@\" >'{log}'\nwhile [ $# -gt 0 ]; do\n  \
         if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\nmkdir -p \"$root/bin\"\n\
         ln -s '{bin}' \"$root/bin/provenance\"\n",
        log = dir.path().join("cargo.log").display(),
        bin = bin()
    );
    let cargo = dir.path().join("cargo");
    std::fs::write(&cargo, script).unwrap();
    let mut perms = std::fs::metadata(&cargo).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&cargo, perms).unwrap();
    let mut path = dir.path().as_os_str().to_owned();
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap());
    (dir, path)
}

/// A PATH holding bash only (no cargo).
fn bash_only_path() -> (tempfile::TempDir, std::ffi::OsString) {
    let dir = tempfile::tempdir().unwrap();
    let bash = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|p| p.join("bash"))
        .find(|p| p.is_file())
        .unwrap();
    std::os::unix::fs::symlink(bash, dir.path().join("bash")).unwrap();
    let path = dir.path().as_os_str().to_owned();
    (dir, path)
}

#[test]
fn without_binary_path_the_action_builds_provenance_from_its_own_checkout() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("app.bin"), b"app\n").unwrap();
    let (stub, path) = cargo_stub();
    let root = mock.path("trusted_root.json");
    let config = signing_config(&mock);
    let inputs = [
        ("subject-path", "app.bin"),
        ("version", env!("CARGO_PKG_VERSION")),
        ("trusted-root", root.to_str().unwrap()),
        ("signing-config", config.to_str().unwrap()),
    ];
    let run = run_action(&mock, work.path(), &inputs, &[("PATH", path.to_str())]);
    assert!(run.ok, "{}", run.log);
    let args = std::fs::read_to_string(stub.path().join("cargo.log")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    let temp = Path::new(&run.outputs["bundle-path"])
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_owned();
    let action_path = repo_root().canonicalize().unwrap();
    assert_eq!(
        args,
        [
            "install",
            "--locked",
            "--quiet",
            "--root",
            temp.join("provenance-install").to_str().unwrap(),
            "--path",
            action_path.join("provenance-cli").to_str().unwrap(),
        ]
    );

    // no cargo on the runner: a clear error
    let (_dir, path) = bash_only_path();
    let run = run_action(&mock, work.path(), &inputs, &[("PATH", path.to_str())]);
    assert!(!run.ok);
    assert!(
        run.log
            .contains("no cargo on this runner: install Rust or set binary-path"),
        "{}",
        run.log
    );
}

#[test]
fn without_provenance_bin_the_gitlab_template_installs_the_pinned_git_revision() {
    let Some(mock) = MockSigstore::start(cli!(), "ok") else {
        return;
    };
    let token = std::fs::read_to_string(mock.path("token")).unwrap();
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("app.bin"), b"app\n").unwrap();
    let (stub, path) = cargo_stub();
    let root = mock.path("trusted_root.json");
    let config = signing_config(&mock);
    let vars = [
        ("PROVENANCE_SUBJECTS", "app.bin"),
        (
            "PROVENANCE_GIT_URL",
            "https://git.example.com/provenance-toolkit.git",
        ),
        (
            "PROVENANCE_GIT_REV",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        ("PROVENANCE_SIGNING_CONFIG", config.to_str().unwrap()),
        ("PROVENANCE_TRUSTED_ROOT", root.to_str().unwrap()),
    ];
    let run = run_gitlab_job_with_path(project.path(), Some(token.trim()), &vars, Some(&path));
    assert!(run.ok, "{}", run.log);
    let args = std::fs::read_to_string(stub.path().join("cargo.log")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        [args[0], args[1], args[2], args[3]],
        ["install", "--locked", "--quiet", "--root"]
    );
    assert_eq!(
        args[5..],
        [
            "--git",
            "https://git.example.com/provenance-toolkit.git",
            "--rev",
            "0123456789abcdef0123456789abcdef01234567",
            "provenance-cli"
        ]
    );
    assert!(project.path().join("provenance.sigstore.json").is_file());

    let (_dir, path) = bash_only_path();
    let run = run_gitlab_job_with_path(project.path(), Some(token.trim()), &vars, Some(&path));
    assert!(!run.ok);
    assert!(
        run.log
            .contains("no cargo in this image: use a Rust image or set PROVENANCE_BIN"),
        "{}",
        run.log
    );
}
