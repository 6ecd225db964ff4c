//! No CI: the source comes from a real git work tree, via the `git` binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::Path;

use provenance_context::{
    BuildContext, DetectOptions, GitBinary, MapEnv, Overrides, Platform, StatementBuilder,
};
use provenance_testkit::git::git;
use serde_json::Value;
use time::OffsetDateTime;

/// A repository with one commit on `main` and an https remote carrying credentials.
fn repo() -> (tempfile::TempDir, String) {
    provenance_testkit::git::repo("https://ci-bot:ghp_SECRET@github.com/acme/widget.git")
}

/// The process PATH, so the detector finds `git` the way the CLI would.
fn env() -> MapEnv {
    MapEnv::new().with("PATH", std::env::var("PATH").unwrap())
}

fn detect(env: &MapEnv, dir: &Path) -> BuildContext {
    BuildContext::detect_with(env, dir, &DetectOptions::new(OffsetDateTime::UNIX_EPOCH)).unwrap()
}

fn statement(context: BuildContext, dir: &Path) -> Value {
    let mut builder = StatementBuilder::new(context);
    builder.add_path(&dir.join("app.txt")).unwrap();
    builder
        .build_at(OffsetDateTime::UNIX_EPOCH)
        .unwrap()
        .to_json_value()
        .unwrap()
}

#[test]
fn clean_work_tree() {
    let (dir, head) = repo();
    let context = detect(&env(), dir.path());
    assert_eq!(context.platform(), Platform::Local);
    let st = statement(context, dir.path());
    provenance_testkit::git::assert_clean_source(
        &st,
        "git+https://github.com/acme/widget@refs/heads/main",
        &head,
    );
    let def = &st["predicate"]["buildDefinition"];
    assert_eq!(
        def["externalParameters"]["source"]["uri"],
        "git+https://github.com/acme/widget@refs/heads/main"
    );
    assert!(!st.to_string().contains("ghp_SECRET"));
    assert_eq!(
        st["subject"][0]["digest"]["sha256"],
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    );
}

#[test]
fn dirty_work_tree_is_recorded() {
    let (dir, _) = repo();
    std::fs::write(dir.path().join("app.txt"), "changed\n").unwrap();
    let st = statement(detect(&env(), dir.path()), dir.path());
    assert_eq!(
        st["predicate"]["buildDefinition"]["internalParameters"]["git"]["dirty"],
        true
    );
}

#[test]
fn rewritten_identical_and_untracked_files_are_not_dirty_but_staged_changes_are() {
    let (dir, _) = repo();
    let d = dir.path();
    // Same content written again (new mtime): stale stat information must not count.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(d.join("app.txt"), "hello\n").unwrap();
    std::fs::write(d.join("untracked.txt"), "x").unwrap();
    assert_eq!(detect(&env(), d).source().dirty, Some(false));
    std::fs::write(d.join("app.txt"), "staged\n").unwrap();
    git(d, &["add", "app.txt"]);
    assert_eq!(detect(&env(), d).source().dirty, Some(true));
}

#[test]
fn ssh_remote_and_tag_on_detached_head() {
    let (dir, head) = repo();
    let d = dir.path();
    git(
        d,
        &[
            "remote",
            "set-url",
            "origin",
            "git@gitlab.com:acme/widget.git",
        ],
    );
    git(d, &["tag", "v1.0.0"]);
    git(d, &["checkout", "-q", "--detach", "v1.0.0"]);
    let context = detect(&env(), d);
    assert_eq!(
        context.source().repository.as_deref(),
        Some("https://gitlab.com/acme/widget")
    );
    assert_eq!(
        context.source().git_ref.as_deref(),
        Some("refs/tags/v1.0.0")
    );
    assert_eq!(context.source().commit.as_deref(), Some(head.as_str()));
}

#[test]
fn ci_variables_win_over_git_and_git_fills_the_rest() {
    let (dir, _) = repo();
    // A CI that says which commit but not which repository.
    let env = env()
        .with("BUILDKITE", "true")
        .with(
            "BUILDKITE_COMMIT",
            "1111111111111111111111111111111111111111",
        )
        .with("BUILDKITE_BRANCH", "release");
    let context = detect(&env, dir.path());
    assert_eq!(context.platform(), Platform::Buildkite);
    assert_eq!(
        context.source().commit.as_deref(),
        Some("1111111111111111111111111111111111111111")
    );
    assert_eq!(
        context.source().git_ref.as_deref(),
        Some("refs/heads/release")
    );
    assert_eq!(
        context.source().repository.as_deref(),
        Some("https://github.com/acme/widget")
    );
    // Git's work tree state describes another commit: not recorded.
    assert_eq!(context.source().dirty, None);
}

#[test]
fn no_git_or_no_repository_is_unknown_not_an_error() {
    let (dir, _) = repo();
    // No PATH: git cannot be found.
    let context = detect(&MapEnv::new(), dir.path());
    assert!(!context.source().is_known());
    // A directory outside any repository.
    let plain = tempfile::tempdir().unwrap();
    let context = detect(&env(), plain.path());
    assert!(!context.source().is_known());
    // A git binary that does not exist.
    let options = DetectOptions::new(OffsetDateTime::UNIX_EPOCH)
        .with_git(GitBinary::Path("/nonexistent/git".into()));
    let context = BuildContext::detect_with(&env(), dir.path(), &options).unwrap();
    assert!(!context.source().is_known());
}

#[test]
fn overrides_replace_detected_values() {
    let (dir, _) = repo();
    let mut context = detect(&env(), dir.path());
    let mut overrides = Overrides::new();
    overrides.builder_id = Some("https://ci.example.com/builders/release".into());
    overrides.build_type = Some("https://example.com/buildtypes/make/v1".into());
    overrides.source_uri = Some("git+https://example.com/other/repo@refs/heads/stable".into());
    overrides.source_commit = Some("ABCDEF0123456789ABCDEF0123456789ABCDEF01".into());
    overrides.invocation_id = Some("https://ci.example.com/runs/9".into());
    overrides
        .push_external_parameter("target=x86_64-unknown-linux-gnu")
        .unwrap();
    overrides.push_external_parameter("make.flags=-j4").unwrap();
    context.apply(&overrides).unwrap();
    let st = statement(context, dir.path());
    let p = &st["predicate"];
    assert_eq!(
        p["buildDefinition"]["buildType"],
        "https://example.com/buildtypes/make/v1"
    );
    assert_eq!(
        p["runDetails"]["builder"]["id"],
        "https://ci.example.com/builders/release"
    );
    assert_eq!(
        p["runDetails"]["metadata"]["invocationId"],
        "https://ci.example.com/runs/9"
    );
    let dep = &p["buildDefinition"]["resolvedDependencies"][0];
    assert_eq!(
        dep["uri"],
        "git+https://example.com/other/repo@refs/heads/stable"
    );
    assert_eq!(
        dep["digest"]["gitCommit"],
        "abcdef0123456789abcdef0123456789abcdef01"
    );
    let ext = &p["buildDefinition"]["externalParameters"];
    assert_eq!(ext["target"], "x86_64-unknown-linux-gnu");
    assert_eq!(ext["make"]["flags"], "-j4");
    // The overridden commit is not the one git sees, but dirtiness was measured at detection.
    let mut bad = Overrides::new();
    bad.source_commit = Some("abc".into());
    let mut context = detect(&env(), dir.path());
    assert!(context.apply(&bad).is_err());
}

#[test]
fn directories_give_every_file_a_subject() {
    let (dir, _) = repo();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("sub")).unwrap();
    std::fs::write(dist.join("b.bin"), "b").unwrap();
    std::fs::write(dist.join("sub/a.bin"), "a").unwrap();
    let mut builder = StatementBuilder::new(detect(&env(), dir.path()));
    builder.add_path(&dist).unwrap();
    let st = builder
        .build_at(OffsetDateTime::UNIX_EPOCH)
        .unwrap()
        .to_json_value()
        .unwrap();
    let names: Vec<String> = st["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    let prefix = dist.to_str().unwrap();
    assert_eq!(
        names,
        [format!("{prefix}/b.bin"), format!("{prefix}/sub/a.bin")]
    );
}

#[test]
fn zero_subjects_is_an_error() {
    let builder = StatementBuilder::new(detect(&MapEnv::new(), Path::new(".")));
    assert!(matches!(
        builder.build(),
        Err(provenance_context::Error::NoSubjects)
    ));
}
