//! `provenance completions SHELL` and `provenance man`: generated from the clap definition.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::{Command, Output};

fn provenance(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_provenance"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn bash_completion_names_subcommands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = stdout_of(&provenance(dir.path(), &["completions", "bash"]));
    assert!(script.contains("_provenance()"), "no completion function");
    assert!(script.contains("complete -F _provenance"));
    for word in [
        "verify",
        "attest",
        "trace",
        "inspect",
        "completions",
        "--trusted-root",
        "--certificate-identity-regexp",
        "--source-versioned-tag",
        "--policy",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
}

#[test]
fn every_shell_gets_a_script() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _provenance"),
        ("zsh", "#compdef provenance"),
        ("fish", "complete -c provenance"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[provenance]"),
    ] {
        let script = stdout_of(&provenance(dir.path(), &["completions", shell]));
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        assert!(
            script.contains("trusted-root"),
            "{shell}: no --trusted-root"
        );
    }
    let out = provenance(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn man_page_has_a_title_and_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let page = stdout_of(&provenance(dir.path(), &["man"]));
    assert!(page.contains(".TH provenance 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    assert!(page.contains("provenance\\-verify(1)"), "{page}");

    let verify = stdout_of(&provenance(dir.path(), &["man", "verify"]));
    assert!(verify.contains(".TH provenance-verify 1"), "{verify}");
    assert!(verify.contains("\\-\\-trusted\\-root"), "{verify}");

    let out = provenance(dir.path(), &["man", "no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no subcommand `no-such-command`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(&provenance(dir.path(), &["man", "--dir", "man1"]));
    for name in [
        "provenance",
        "provenance-verify",
        "provenance-attest",
        "provenance-trace",
    ] {
        let page = std::fs::read_to_string(dir.path().join("man1").join(format!("{name}.1")))
            .unwrap_or_else(|e| panic!("{name}.1: {e}"));
        assert!(page.contains(&format!(".TH {name} 1")), "{name}");
    }
    // Created when missing; a path under a file is an error.
    stdout_of(&provenance(dir.path(), &["man", "--dir", "new/man1"]));
    assert!(dir.path().join("new/man1/provenance-verify.1").is_file());
    std::fs::write(dir.path().join("file"), b"").unwrap();
    let out = provenance(dir.path(), &["man", "--dir", "file/man1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot create the directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
