//! Every command example in README.md runs, as written, in a prepared directory.
//!
//! The convention (stated in the README): in a fenced `sh`, `bash` or `console` block,
//! every line that starts with `provenance ` (continued by trailing backslashes), or with `$ `
//! in a `console` block, is a command. Commands run in order, with bash, in one temporary
//! directory shared by the whole README (so the key `keygen` writes is the one later examples
//! use). A trailing comment saying `exit N` states the expected exit code (else 0); in a
//! `console` block the lines after a `$ ` command are its expected stdout, where `[..]`
//! stands for any text within a line. A `toml` block whose first line is a comment naming a
//! file (`# gate.toml`) is written to that file, at its place in the order. The directory is
//! prepared with the files the examples name: `dist/app.tar.gz` and published third-party
//! test files (see [`prepare`]).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// One command example.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Example {
    /// 1-based line in README.md where it starts.
    line: usize,
    /// The command, backslash continuations joined, trailing comment removed.
    command: String,
    /// The exit code stated by an `exit N` comment, else 0.
    exit: i32,
    /// For `$ ` commands of `console` blocks: the expected stdout lines.
    output: Option<Vec<String>>,
}

/// Where a `#` comment starts in `line`, outside quotes (`None`: no comment).
fn comment_start(line: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

/// The exit code an `exit N` comment states.
fn stated_exit(comment: &str) -> Option<i32> {
    let rest = &comment[comment.find("exit ")? + 5..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A `toml` block opened by a comment naming a file (`# gate.toml`) at `lines[i]`: the command
/// writing it, and the index of the closing fence.
fn toml_file(lines: &[&str], i: usize) -> Option<(Example, usize)> {
    let opens = i.checked_sub(1).and_then(|p| lines.get(p))?;
    if !opens.trim_start().starts_with("```") {
        return None;
    }
    let name = lines[i]
        .trim_start()
        .strip_prefix("# ")
        .map(str::trim)
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
                && !n.contains([' ', '\'', '/'])
        })?;
    let mut body = String::new();
    let mut j = i + 1;
    while j < lines.len() && !lines[j].trim_start().starts_with("```") {
        body.push_str(lines[j]);
        body.push('\n');
        j += 1;
    }
    let example = Example {
        line: i + 1,
        command: format!("cat > '{name}' <<'README_EOF'\n{body}README_EOF"),
        exit: 0,
        output: None,
    };
    Some((example, j))
}

/// Every command example in `markdown`.
fn examples(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        // A fence: three backticks and an info string without backticks (CommonMark).
        if let Some(info) = trimmed
            .strip_prefix("```")
            .filter(|info| !info.contains('`'))
        {
            block = match block {
                Some(_) => None,
                None => Some(info.trim().to_owned()),
            };
            i += 1;
            continue;
        }
        let Some(lang) = block.as_deref() else {
            i += 1;
            continue;
        };
        if lang == "toml"
            && let Some((example, next)) = toml_file(&lines, i)
        {
            out.push(example);
            i = next;
            continue;
        }
        let console = lang == "console";
        let command_text = if console {
            trimmed.strip_prefix("$ ")
        } else if matches!(lang, "sh" | "bash" | "shell") && trimmed.starts_with("provenance ") {
            Some(trimmed)
        } else {
            None
        };
        let Some(first) = command_text else {
            i += 1;
            continue;
        };
        let start = i + 1;
        let mut command = String::new();
        let mut exit = 0;
        let mut part = first.to_owned();
        loop {
            let (code, comment) = match comment_start(&part) {
                Some(at) => (part[..at].to_owned(), Some(part[at..].to_owned())),
                None => (part.clone(), None),
            };
            if let Some(n) = comment.as_deref().and_then(stated_exit) {
                exit = n;
            }
            let code = code.trim_end();
            match code.strip_suffix('\\') {
                Some(head) if i + 1 < lines.len() => {
                    command.push_str(head);
                    command.push(' ');
                    i += 1;
                    lines[i].trim_start().clone_into(&mut part);
                }
                _ => {
                    command.push_str(code);
                    break;
                }
            }
        }
        i += 1;
        let output = console.then(|| {
            let mut expected = Vec::new();
            while i < lines.len()
                && !lines[i].trim_start().starts_with("$ ")
                && !lines[i].trim_start().starts_with("```")
            {
                expected.push(lines[i].to_owned());
                i += 1;
            }
            expected
        });
        out.push(Example {
            line: start,
            command: command.split_whitespace().collect::<Vec<_>>().join(" "),
            exit,
            output,
        });
    }
    out
}

/// Whether `actual` matches `pattern`, where `[..]` stands for any text.
fn line_matches(pattern: &str, actual: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (n, part) in parts.iter().enumerate() {
        if n + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files the README's examples name: an artifact, and published third-party test files
/// under the names the examples give them.
fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    std::fs::create_dir_all(dir.join("home")).unwrap();
    std::fs::write(dir.join("dist/app.tar.gz"), b"not really a tarball\n").unwrap();
    std::fs::write(dir.join("payload.json"), b"{\"hello\": \"world\"}\n").unwrap();
    let third = repo().join("test-vectors/third-party");
    let copy = |from: &str, to: &str| {
        std::fs::copy(third.join(from), dir.join(to)).unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    copy(
        "slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
        "binary-linux-amd64.intoto.jsonl",
    );
    copy(
        "gh-cli/pkg/cmd/attestation/test/data/reusable-workflow-attestation.sigstore.json",
        "attest-demo.sigstore.json",
    );
    copy(
        "gh-cli/pkg/cmd/attestation/test/data/reusable-workflow-artifact",
        "github_provenance_demo-0.0.0-py3-none-any.whl",
    );
}

fn run(dir: &Path, example: &Example) -> Result<(), String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_provenance"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // A clean environment: no CI variables (the context would be detected), no password.
    let out = Command::new("bash")
        .args(["-o", "pipefail", "-c", &example.command])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.join("home"))
        .env("NO_COLOR", "1")
        .env(
            "SIGNING_KEY",
            std::fs::read_to_string(dir.join("release.key")).unwrap_or_default(),
        )
        .output()
        .map_err(|e| format!("bash: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let say = |what: String| {
        format!(
            "README.md:{}: {}\n  {what}\n  stdout: {stdout}\n  stderr: {stderr}",
            example.line, example.command
        )
    };
    if out.status.code() != Some(example.exit) {
        return Err(say(format!(
            "exit {:?}, the README says {}",
            out.status.code(),
            example.exit
        )));
    }
    if let Some(expected) = &example.output {
        let actual: Vec<&str> = stdout.lines().collect();
        let ok = expected.len() == actual.len()
            && expected
                .iter()
                .zip(&actual)
                .all(|(p, a)| line_matches(p, a));
        if !ok {
            return Err(say(format!("stdout differs from\n{}", expected.join("\n"))));
        }
    }
    Ok(())
}

#[test]
fn every_readme_example_runs_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 15,
        "only {} examples found",
        examples.len()
    );
    let dir = tempfile::tempdir().unwrap();
    prepare(dir.path());
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|e| {
            eprintln!("README.md:{} (exit {}): {}", e.line, e.exit, e.command);
            run(dir.path(), e).err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} README examples fail:\n\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_convention() {
    let md = "text\n```sh\n./demo.sh  # not a provenance command\nprovenance digest a \\\n    b   # exit 1 when absent\n# provenance in a comment\n```\n```toml\nprovenance = 1\n```\n```console\n$ provenance digest a\n[..]  a\n$ provenance x '#not' # exit 2\n```\n```toml\n# g.toml\nversion = 1 # v\n```\n";
    let got = examples(md);
    assert_eq!(
        got,
        [
            Example {
                line: 4,
                command: "provenance digest a b".into(),
                exit: 1,
                output: None
            },
            Example {
                line: 12,
                command: "provenance digest a".into(),
                exit: 0,
                output: Some(vec!["[..]  a".into()])
            },
            Example {
                line: 14,
                command: "provenance x '#not'".into(),
                exit: 2,
                output: Some(vec![])
            },
            Example {
                line: 17,
                command: "cat > 'g.toml' <<'README_EOF'\nversion = 1 # v\nREADME_EOF".into(),
                exit: 0,
                output: None
            },
        ]
    );
    assert!(line_matches("[..]  a", "abc  a"));
    assert!(line_matches("PASS [..] level [..]", "PASS x level 2"));
    assert!(!line_matches("[..]  a", "abc  b"));
    assert!(!line_matches("exact", "exact!"));
    assert!(line_matches("a[..]", "abc"));
}
