//! Trees: order, links, special files, parallelism, dirHash against the spec's shell definition.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test helpers: a failure is a test failure"
)]

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use provenance_digest::{Algorithm, Error, Hasher, SkipReason, dir_hash};

fn write(root: &Path, rel: &str, content: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn names(root: &Path, jobs: usize) -> Vec<String> {
    let tree = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .with_jobs(jobs)
        .hash_tree(root)
        .unwrap();
    tree.entries()
        .iter()
        .map(|e| e.path.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn walk_is_sorted_by_path_bytes_and_independent_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    for (i, rel) in ["a/b", "a.txt", "B", "a/c/d", "z", "a-b", "\u{e9}"]
        .iter()
        .enumerate()
    {
        write(dir.path(), rel, format!("{i}").as_bytes());
    }
    let want = ["B", "a-b", "a.txt", "a/b", "a/c/d", "z", "\u{e9}"];
    assert_eq!(names(dir.path(), 1), want);
    assert_eq!(names(dir.path(), 3), want);
}

#[test]
fn dir_hash_equals_the_spec_shell_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(
            dir.path(),
            &format!("d{}/f{i}.bin", i % 3),
            &vec![i as u8; i * 1000],
        );
    }
    write(dir.path(), "top", b"top\n");
    let script = "find . -type f | cut -c3- | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -f1 -d' '";
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let expected = String::from_utf8(out.stdout).unwrap();
    assert_eq!(dir_hash(dir.path()).unwrap(), expected.trim());
}

#[test]
fn empty_tree_dir_hash_is_sha256_of_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        dir_hash(dir.path()).unwrap(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn symlink_leaving_the_root_refuses_the_tree() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret", b"s");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok", b"ok");
    symlink(outside.path().join("secret"), dir.path().join("escape")).unwrap();
    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_tree(dir.path())
        .unwrap_err();
    assert!(
        matches!(&err, Error::SymlinkEscapesRoot { path, .. } if path.ends_with("escape")),
        "{err:?}"
    );
    assert!(err.to_string().contains("points outside the tree"), "{err}");

    let dir2 = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir2.path().join("sub")).unwrap();
    symlink("../..", dir2.path().join("sub/up")).unwrap();
    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_tree(dir2.path())
        .unwrap_err();
    assert!(matches!(err, Error::SymlinkEscapesRoot { .. }), "{err:?}");
}

#[test]
fn links_inside_are_followed_for_files_and_skipped_for_directories() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real/file", b"content");
    symlink("real/file", dir.path().join("link")).unwrap();
    symlink("real", dir.path().join("dirlink")).unwrap();
    let tree = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_tree(dir.path())
        .unwrap();
    let entries: Vec<_> = tree
        .entries()
        .iter()
        .map(|e| e.path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["link", "real/file"]);
    let a = tree.entries()[0].result.as_ref().unwrap();
    let b = tree.entries()[1].result.as_ref().unwrap();
    assert_eq!(a, b);
    assert_eq!(tree.skipped().len(), 1);
    assert_eq!(tree.skipped()[0].reason, SkipReason::SymlinkToDirectory);
}

#[test]
fn special_files_are_skipped_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plain", b"x");
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
    let fifo = Command::new("mkfifo").arg(dir.path().join("pipe")).status();
    let tree = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_tree(dir.path())
        .unwrap();
    assert_eq!(tree.entries().len(), 1);
    let reasons: Vec<_> = tree.skipped().iter().map(|s| s.reason).collect();
    if fifo.is_ok_and(|s| s.success()) {
        assert_eq!(reasons, [SkipReason::Fifo, SkipReason::Socket]);
    } else {
        assert_eq!(reasons, [SkipReason::Socket]);
    }
}

#[test]
fn tree_root_must_be_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "f", b"x");
    let err = Hasher::new(&[Algorithm::Sha256])
        .unwrap()
        .hash_tree(dir.path().join("f"))
        .unwrap_err();
    assert!(matches!(err, Error::NotADirectory { .. }), "{err:?}");
}

#[test]
fn dir_hash_refuses_newlines_in_names() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad\nname", b"x");
    assert!(matches!(
        dir_hash(dir.path()),
        Err(Error::NewlineInFileName { .. })
    ));
}
