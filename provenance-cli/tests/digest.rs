//! `provenance digest` against the real coreutils `sha256sum` / `sha512sum` on awkward names.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers: a failure is a test failure"
)]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;

/// Names that need escaping or quoting, plus ordinary ones.
fn odd_names() -> Vec<OsString> {
    let mut names: Vec<OsString> = [
        "back\\slash",
        "new\nline",
        "cr\rret",
        "both\\and\nnl",
        "sp ace",
        "-dash",
        "\u{e9}t\u{e9}",
        "plain",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    names.push(OsString::from_vec(b"latin1-\xe9".to_vec()));
    names
}

fn populate(dir: &Path) -> Vec<OsString> {
    let names = odd_names();
    for (i, name) in names.iter().enumerate() {
        std::fs::write(dir.join(name), format!("content {i}\n").repeat(i * 37 + 1)).unwrap();
    }
    names
}

fn coreutils(tool: &str, dir: &Path, args: &[&str], names: &[OsString]) -> (Vec<u8>, Option<i32>) {
    let out = StdCommand::new(tool)
        .args(args)
        .arg("--")
        .args(names)
        .current_dir(dir)
        .output()
        .unwrap();
    (out.stdout, out.status.code())
}

fn provenance(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("provenance").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

#[test]
fn text_output_is_byte_identical_to_sha256sum_and_sha512sum() {
    let dir = tempfile::tempdir().unwrap();
    let names = populate(dir.path());
    for (tool, alg) in [
        ("sha256sum", "sha256"),
        ("sha512sum", "sha512"),
        ("sha1sum", "sha1"),
        ("sha384sum", "sha384"),
    ] {
        let (expected, _) = coreutils(tool, dir.path(), &[], &names);
        let out = provenance(dir.path())
            .args(["digest", "-a", alg, "--"])
            .args(&names)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&expected),
            "{tool}"
        );
        assert_eq!(out.stdout, expected, "{tool}");
        assert!(
            out.stderr.is_empty(),
            "nothing on stderr (no progress bar off a terminal)"
        );
    }
}

#[test]
fn default_algorithm_is_sha256_and_stdin_is_dash() {
    let dir = tempfile::tempdir().unwrap();
    let expected = StdCommand::new("sh")
        .args(["-c", "printf 'hello from stdin' | sha256sum"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(expected.len(), 64 + 4);
    provenance(dir.path())
        .args(["digest", "-"])
        .write_stdin("hello from stdin")
        .assert()
        .success()
        .stdout(expected.clone());
    provenance(dir.path())
        .arg("digest")
        .write_stdin("hello from stdin")
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn several_algorithms_print_coreutils_tag_lines() {
    let dir = tempfile::tempdir().unwrap();
    let names = populate(dir.path());
    let out = provenance(dir.path())
        .args(["digest", "-a", "sha256", "-a", "sha512", "--"])
        .args(&names)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (tag256, _) = coreutils("sha256sum", dir.path(), &["--tag"], &names);
    let (tag512, _) = coreutils("sha512sum", dir.path(), &["--tag"], &names);
    let lines: Vec<&[u8]> = out.stdout.split_inclusive(|b| *b == b'\n').collect();
    let ours256: Vec<u8> = lines
        .iter()
        .step_by(2)
        .flat_map(|l| l.iter().copied())
        .collect();
    let ours512: Vec<u8> = lines
        .iter()
        .skip(1)
        .step_by(2)
        .flat_map(|l| l.iter().copied())
        .collect();
    assert_eq!(ours256, tag256);
    assert_eq!(ours512, tag512);
    // and coreutils can check our output, algorithm by algorithm
    std::fs::write(dir.path().join("SUMS256"), &ours256).unwrap();
    let status = StdCommand::new("sha256sum")
        .args(["-c", "--quiet", "SUMS256"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
}

/// `sha256sum -c` output as ours differs on purpose: a name holding any control character or a
/// backslash is escaped (as coreutils does for a newline) and marked with a leading `\`;
/// coreutils prints a carriage return and a lone backslash raw.
fn as_ours(coreutils_stdout: &[u8]) -> Vec<u8> {
    let replace = |text: &[u8], from: &[u8], to: &[u8]| -> Vec<u8> {
        let at = text.windows(from.len()).position(|w| w == from).unwrap();
        [&text[..at], to, &text[at + from.len()..]].concat()
    };
    let text = replace(coreutils_stdout, b"cr\rret:", b"\\cr\\rret:");
    replace(&text, b"back\\slash:", b"\\back\\\\slash:")
}

#[test]
fn check_matches_sha256sum_c_output_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let names = populate(dir.path());
    let (sums, _) = coreutils("sha256sum", dir.path(), &[], &names);
    std::fs::write(dir.path().join("SUMS"), &sums).unwrap();

    let all_ok = provenance(dir.path())
        .args(["digest", "--check", "SUMS"])
        .output()
        .unwrap();
    let coreutils_ok = StdCommand::new("sha256sum")
        .args(["-c", "SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(all_ok.status.code(), Some(0));
    assert_eq!(all_ok.stdout, as_ours(&coreutils_ok.stdout));

    // tamper with one file: FAILED line, warning, exit 1
    std::fs::write(dir.path().join("plain"), b"tampered").unwrap();
    let tampered = provenance(dir.path())
        .args(["digest", "-c", "SUMS"])
        .output()
        .unwrap();
    let coreutils_tampered = StdCommand::new("sha256sum")
        .args(["-c", "SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(tampered.status.code(), Some(1));
    assert_eq!(tampered.stdout, as_ours(&coreutils_tampered.stdout));
    assert!(
        String::from_utf8_lossy(&tampered.stderr).contains("1 computed checksum did NOT match")
    );

    // restore it, delete another: FAILED open or read, exit 2
    std::fs::write(
        dir.path().join("plain"),
        format!("content {}\n", 7).repeat(7 * 37 + 1),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("sp ace")).unwrap();
    let missing = provenance(dir.path())
        .args(["digest", "-c", "SUMS"])
        .output()
        .unwrap();
    let coreutils_missing = StdCommand::new("sha256sum")
        .args(["-c", "SUMS"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(missing.stdout, as_ours(&coreutils_missing.stdout));
    assert_eq!(
        missing.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("sp ace") && stderr.contains("1 listed file could not be read"),
        "{stderr}"
    );
}

#[test]
fn check_reads_tagged_lines_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let names = populate(dir.path());
    let tagged = provenance(dir.path())
        .args(["digest", "-a", "sha512", "-a", "sha384", "--"])
        .args(&names)
        .output()
        .unwrap();
    let mut list = tagged.stdout.clone();
    list.extend_from_slice(b"this is not a checksum line\n");
    std::fs::write(dir.path().join("LIST"), &list).unwrap();
    let out = provenance(dir.path())
        .args(["digest", "-c", "LIST"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches(": OK\n").count(),
        2 * names.len(),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 line is improperly formatted"));

    std::fs::write(dir.path().join("EMPTY"), b"nothing here\n").unwrap();
    provenance(dir.path())
        .args(["digest", "-c", "EMPTY"])
        .assert()
        .code(2);
}

#[test]
fn unreadable_input_is_reported_and_the_rest_still_hashed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), b"a").unwrap();
    std::fs::write(dir.path().join("b"), b"b").unwrap();
    let (expected, _) = coreutils("sha256sum", dir.path(), &[], &["a".into(), "b".into()]);
    let out = provenance(dir.path())
        .args(["digest", "a", "missing", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing") && stderr.contains("No such file"),
        "{stderr}"
    );
}

#[test]
fn json_gives_resource_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.tar"), b"artifact").unwrap();
    let out = provenance(dir.path())
        .args([
            "digest", "--format", "json", "-a", "sha256", "-a", "sha512", "app.tar",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (sha256, _) = coreutils("sha256sum", dir.path(), &[], &["app.tar".into()]);
    let (sha512, _) = coreutils("sha512sum", dir.path(), &[], &["app.tar".into()]);
    assert_eq!(value[0]["name"], "app.tar");
    assert_eq!(
        value[0]["digest"]["sha256"].as_str().unwrap().as_bytes(),
        &sha256[..64]
    );
    assert_eq!(
        value[0]["digest"]["sha512"].as_str().unwrap().as_bytes(),
        &sha512[..128]
    );
    assert_eq!(value.as_array().unwrap().len(), 1);
    assert_eq!(value[0]["digest"].as_object().unwrap().len(), 2);
}

#[test]
fn directories_recurse_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    for rel in ["t/a.txt", "t/a/b", "t/z", "t/B/c"] {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, rel).unwrap();
    }
    let expected = StdCommand::new("sh")
        .args(["-c", "find t -type f | LC_ALL=C sort | xargs sha256sum"])
        .current_dir(dir.path())
        .output()
        .unwrap()
        .stdout;
    for jobs in ["1", "2"] {
        provenance(dir.path())
            .args(["digest", "--jobs", jobs, "t"])
            .assert()
            .success()
            .stdout(expected.clone());
    }
}

#[test]
fn dir_hash_of_the_vector_tree() {
    let tree =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/digest/dirhash-small/tree");
    let out = provenance(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["digest", "-a", "dirHash"])
        .arg(&tree)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = format!(
        "304fc6630c3a5c67dd929fa4443f764b10798cfec5a3c0231530d77c0a67cfcf  {}\n",
        tree.display()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn symlink_out_of_the_tree_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), b"s").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("t")).unwrap();
    std::fs::write(dir.path().join("t/ok"), b"ok").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("t/link")).unwrap();
    let out = provenance(dir.path())
        .args(["digest", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "no partial output for a refused tree"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("points outside the tree"));
}

#[test]
fn unknown_algorithm_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    provenance(dir.path())
        .args(["digest", "-a", "md5", "x"])
        .assert()
        .code(2);
}

/// Finding 6: a reader that stops early (`| head -1`) must not turn a mismatch into success:
/// the check goes on silently on a broken pipe and exits 1, as `sha256sum -c` never exits 0.
#[test]
fn check_exits_1_on_a_mismatch_when_stdout_closes_early() {
    use std::io::{BufRead as _, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.tar.gz"), b"the app\n").unwrap();
    std::fs::write(dir.path().join("other.bin"), b"other\n").unwrap();
    let app = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(b"the app\n"))
    };
    // Far more output than a pipe holds (64 KiB), so writing hits the closed pipe.
    let sums = format!(
        "{}{app}  other.bin\n",
        format!("{app}  app.tar.gz\n").repeat(20_000)
    );
    std::fs::write(dir.path().join("SUMS"), sums).unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("provenance"))
        .current_dir(dir.path())
        .args(["digest", "--check", "SUMS"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, "app.tar.gz: OK\n");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 computed checksum did NOT match"),
        "{stderr}"
    );
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// Finding 16: a CRLF checksum list checks as `sha256sum -c` checks it (the `\r` belongs to
/// the line ending, not the file name).
#[test]
fn check_strips_the_cr_of_crlf_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.bin"), b"a\n").unwrap();
    let sums = provenance(dir.path())
        .args(["digest", "a.bin"])
        .output()
        .unwrap();
    let crlf = String::from_utf8(sums.stdout)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(dir.path().join("SUMS"), crlf).unwrap();
    let out = provenance(dir.path())
        .args(["digest", "--check", "SUMS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"a.bin: OK\n");
}

/// Finding 16: 40-digit (SHA-1) lines are refused by `--check` (exit 2, saying why) unless
/// `-a sha1` asks for them; the other lines are still checked.
#[test]
fn check_refuses_sha1_lines_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.bin"), b"a\n").unwrap();
    let digest = |alg: &str| {
        let out = provenance(dir.path())
            .args(["digest", "-a", alg, "a.bin"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let sha1 = digest("sha1");
    std::fs::write(dir.path().join("SHA1SUMS"), &sha1).unwrap();
    let out = provenance(dir.path())
        .args(["digest", "--check", "SHA1SUMS"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    // a list of nothing but SHA-1 lines says so, once, and not "no properly formatted lines"
    assert!(
        stderr.contains(
            "SHA1SUMS: nothing to check but 1 SHA-1 (40-digit) line, \
             and SHA-1 is not accepted unless -a sha1 is given"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("properly formatted"), "{stderr}");
    assert_eq!(stderr.matches("SHA-1").count(), 2, "{stderr}");
    // beside a SHA-256 line: that one is checked, the run still exits 2
    std::fs::write(
        dir.path().join("MIXED"),
        format!("{}{sha1}", digest("sha256")),
    )
    .unwrap();
    let out = provenance(dir.path())
        .args(["digest", "--check", "MIXED"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"a.bin: OK\n");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "1 SHA-1 (40-digit) line was refused: SHA-1 is not accepted unless -a sha1 is given"
        ),
        "{out:?}"
    );
    // asked for: checked
    let out = provenance(dir.path())
        .args(["digest", "-a", "sha1", "--check", "SHA1SUMS"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, b"a.bin: OK\n");
}
