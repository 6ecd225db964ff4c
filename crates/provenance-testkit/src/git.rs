//! Git work trees for the tests that read the source from git (the `git` binary).

use std::path::Path;
use std::process::Command;

/// Runs `git -C DIR ARGS` with a fixed author and committer and no system configuration;
/// its stdout, trimmed. A failure panics with git's stderr.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A temporary repository with `app.txt` ("hello\n") committed on `main` and the remote
/// `origin` at `origin`; with the commit's hex id.
pub fn repo(origin: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("app.txt"), "hello\n").unwrap();
    git(d, &["add", "app.txt"]);
    git(d, &["commit", "-q", "-m", "first"]);
    git(d, &["remote", "add", "origin", origin]);
    let head = git(d, &["rev-parse", "HEAD"]);
    (dir, head)
}

/// Asserts that `statement` (SLSA v1 provenance) names the work tree's source: the first
/// resolved dependency is `uri` at `commit`, and the tree was clean.
pub fn assert_clean_source(statement: &serde_json::Value, uri: &str, commit: &str) {
    let def = &statement["predicate"]["buildDefinition"];
    let source = &def["resolvedDependencies"][0];
    assert_eq!(source["uri"], uri, "{def}");
    assert_eq!(source["digest"]["gitCommit"], commit, "{def}");
    assert_eq!(def["internalParameters"]["git"]["dirty"], false, "{def}");
}
