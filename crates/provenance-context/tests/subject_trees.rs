//! Directories as subjects: every file, sorted, named `<dir>/<path>`; links out of the tree refused.

use std::os::unix::fs::symlink;

use provenance_context::SubjectSet;
use provenance_digest::{Algorithm, hash_bytes};

#[test]
fn every_file_of_a_directory_is_a_subject_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dist");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("b.bin"), b"b").unwrap();
    std::fs::write(root.join("a.bin"), b"a").unwrap();
    std::fs::write(root.join("sub/c.bin"), b"c").unwrap();
    symlink("a.bin", root.join("z-link-inside")).unwrap();

    let mut subjects = SubjectSet::new();
    subjects.add_path(&root, &[Algorithm::Sha256]).unwrap();
    let prefix = root.to_str().unwrap();
    let names: Vec<String> = subjects.iter().map(|(name, _)| name.to_owned()).collect();
    assert_eq!(
        names,
        ["a.bin", "b.bin", "sub/c.bin", "z-link-inside"].map(|n| format!("{prefix}/{n}"))
    );
    let a = hash_bytes(b"a", &[Algorithm::Sha256]).unwrap();
    let (_, link_digest) = subjects.iter().last().unwrap();
    assert_eq!(
        link_digest, &a,
        "a link inside the tree is hashed as its target"
    );
}

#[test]
fn a_link_leaving_the_directory_refuses_the_whole_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dist");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("app.bin"), b"app").unwrap();
    std::fs::write(dir.path().join("secret"), b"outside").unwrap();
    symlink("../secret", root.join("innocent.txt")).unwrap();

    let mut subjects = SubjectSet::new();
    let err = subjects
        .add_path(&root, &[Algorithm::Sha256])
        .expect_err("a link out of the tree must not become a subject");
    let chain = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(chain.contains("outside"), "{chain}");
    assert!(subjects.is_empty());
}
