//! `provenance trusted-root update`: a TUF update of the trusted root into the trust cache,
//! against local TUF repositories made here (`provenance_testkit::tuf`: keys generated per
//! test, metadata signed with tough's editor), and `verify` preferring the cached root.
//!
//! Each failure case checks the reason printed and that the cache is exactly as before.
#![cfg(feature = "tuf")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use provenance_testkit::tuf::{DateTime, Fixture, Key, Utc, in_a_year, root, yesterday};
use provenance_testkit::{Cli, cli, code, exits, exits_stderr, fulcio, stderr, stdout};
use sha2::Digest as _;

const SIGNER: &str = fulcio::RELEASE_SIGNER;
const ARTIFACT: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

/// The trusted root of the test Fulcio CA (`provenance_testkit::fulcio`), which the embedded
/// public-good root does not trust.
fn test_trusted_root() -> Vec<u8> {
    serde_json::to_vec_pretty(&fulcio::trusted_root()).unwrap()
}

/// The embedded public-good trusted root's file.
fn public_good_trusted_root() -> PathBuf {
    provenance_testkit::workspace_root()
        .join("crates/provenance-sigstore/data/public-good-trusted_root.json")
}

/// `trusted-root update --tuf-url URL [--root ROOT] --cache-dir CACHE ARGS`, run in `dir`.
fn update(dir: &Path, url: &str, root: Option<&Path>, cache: &Path, args: &[&str]) -> Output {
    let mut all = vec!["trusted-root", "update", "--tuf-url", url];
    if let Some(root) = root {
        all.extend(["--root", root.to_str().unwrap()]);
    }
    all.extend(["--cache-dir", cache.to_str().unwrap()]);
    all.extend_from_slice(args);
    cli().run(dir, &all)
}

/// The trust cache of the tests that use one: `cache` beside the repository.
fn cache_dir(f: &Fixture) -> PathBuf {
    f.dir().join("cache")
}

/// `trusted-root update` from `f`'s repository into `cache`, starting from `initial_root`.
fn update_into(f: &Fixture, cache: &Path, initial_root: &Path) -> Output {
    update(f.dir(), &f.repo.url(), Some(initial_root), cache, &[])
}

/// `trusted-root update` from `f`'s repository into [`cache_dir`], starting from root v1.
fn update_cache(f: &Fixture) -> Output {
    update_into(f, &cache_dir(f), &f.root_path)
}

fn cli() -> Cli {
    cli!()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A good update of `f`'s cache; then `f` publishes `{}` as `trusted_root.json` in version
/// `version` (timestamp expiring at `timestamp_expires`) and the next update fails (exit 2)
/// leaving the cache as it was. Its stderr.
fn update_refused_after(f: &Fixture, version: u64, timestamp_expires: DateTime<Utc>) -> String {
    exits(&update_cache(f), 0);
    let before = snapshot(&cache_dir(f));
    f.republish(
        &[("trusted_root.json", b"{}".to_vec())],
        version,
        timestamp_expires,
    );
    let err = exits_stderr(&update_cache(f), 2);
    assert_eq!(snapshot(&cache_dir(f)), before, "the cache changed: {err}");
    err
}

/// Every file under `dir` with its bytes (to show that a failed update changed nothing).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// A keyless bundle from the test Fulcio CA for the artifact, in `dir/app.sigstore.json`.
fn keyless_bundle(dir: &Path) {
    std::fs::write(
        dir.join("app.sigstore.json"),
        serde_json::to_vec(&fulcio::release_bundle("app.tar.gz", ARTIFACT)).unwrap(),
    )
    .unwrap();
}

/// `verify` of the keyless bundle with the trust cache `cache` ("" for none).
fn verify(dir: &Path, cache: &Path, extra: &[&str]) -> Output {
    cli()
        .command(dir)
        .env("PROVENANCE_TUF_CACHE", cache)
        .args([
            "verify",
            "--attestation",
            "app.sigstore.json",
            "--certificate-identity",
            SIGNER,
            "--certificate-oidc-issuer",
            fulcio::GITHUB_ISSUER,
        ])
        .args(extra)
        .arg(format!("sha256:{ARTIFACT}"))
        .output()
        .unwrap()
}

#[test]
fn update_writes_the_cache_and_verify_prefers_it() {
    let trusted_root = test_trusted_root();
    let signing_config =
        br#"{"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json"}"#.to_vec();
    let f = Fixture::new(&[
        ("trusted_root.json", trusted_root.clone()),
        ("signing_config.v0.2.json", signing_config.clone()),
    ]);
    let out = exits(&update_cache(&f), 0);
    assert!(out.contains("TUF root version:  1"), "{out}");
    assert!(
        out.contains(&format!("sha256:{} (updated)", sha256_hex(&trusted_root))),
        "{out}"
    );
    let cache = cache_dir(&f);
    assert_eq!(
        std::fs::read(cache.join("trusted_root.json")).unwrap(),
        trusted_root
    );
    assert_eq!(
        std::fs::read(cache.join("signing_config.v0.2.json")).unwrap(),
        signing_config
    );

    // verify uses the cached root: the test CA is trusted there, not in the embedded root.
    keyless_bundle(f.dir());
    exits(&verify(f.dir(), &cache, &[]), 0);
    let refused = verify(f.dir(), Path::new(""), &[]);
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    let why = format!("{}{}", stdout(&refused), stderr(&refused));
    // The test log (like the test CA) is trusted only by the cached root.
    assert!(why.contains("keyless: transparency log"), "{why}");
    assert!(why.contains("is not trusted"), "{why}");
    // --trusted-root overrides the cache.
    let overridden = verify(
        f.dir(),
        &cache,
        &[
            "--trusted-root",
            public_good_trusted_root().to_str().unwrap(),
        ],
    );
    assert_eq!(code(&overridden), 1, "{}", stderr(&overridden));
    assert!(
        stderr(&overridden).contains("is not trusted"),
        "{}",
        stderr(&overridden)
    );

    // A second update starts from the cached root and changes nothing.
    let again = update_cache(&f);
    let text = exits(&again, 0);
    assert!(text.contains("(unchanged)"), "{text}");
    assert!(
        stderr(&again).contains("started from the root verified by an earlier update"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_corrupt_cached_root_is_an_error_not_a_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("trusted_root.json"), b"{not json").unwrap();
    keyless_bundle(dir.path());
    let out = verify(dir.path(), &cache, &[]);
    let err = exits_stderr(&out, 2);
    assert!(err.contains("cannot use the cached trusted root"), "{err}");
    assert!(err.contains("trusted_root.json"), "{err}");
}

#[test]
fn root_rotation_is_followed_to_the_new_keys() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let old_cache = f.dir().join("old-cache");
    exits(&update_into(&f, &old_cache, &f.root_path), 0);

    // Root v2: a new key for every role, signed by the old root key and the new one.
    let new_key = Key::generate(&f.dir().join("b.pk8"));
    let root2 = root(2, &new_key, in_a_year());
    let root2_path = f
        .repo
        .write_root(&root2, &[(&f.root, &f.key), (&root2, &new_key)]);
    let new_target = std::fs::read(public_good_trusted_root()).unwrap();
    f.publish(
        &new_key,
        &root2_path,
        &[("trusted_root.json", new_target.clone())],
        2,
        in_a_year(),
    );

    // A client that knows only root v1 follows to v2 and accepts what v2's keys signed.
    let out = exits(&update_cache(&f), 0);
    assert!(out.contains("TUF root version:  2"), "{out}");
    assert_eq!(
        std::fs::read(cache_dir(&f).join("trusted_root.json")).unwrap(),
        new_target
    );
    // So does the client whose cache holds root v1 from the first update.
    let out = exits(&update_into(&f, &old_cache, &f.root_path), 0);
    assert!(out.contains("TUF root version:  2"), "{out}");
    assert!(out.contains("(updated)"), "{out}");
}

#[test]
fn a_new_root_not_signed_by_the_old_root_is_refused() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let new_key = Key::generate(&f.dir().join("b.pk8"));
    let root2 = root(2, &new_key, in_a_year());
    // Signed by its own key only: no continuity from root v1.
    let root2_path = f.repo.write_root(&root2, &[(&root2, &new_key)]);
    f.publish(
        &new_key,
        &root2_path,
        &[("trusted_root.json", test_trusted_root())],
        2,
        in_a_year(),
    );
    let out = update_cache(&f);
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains("the root metadata is not signed by a threshold of its trusted keys"),
        "{err}"
    );
    assert!(err.contains("the cache is unchanged"), "{err}");
    assert!(!cache_dir(&f).join("trusted_root.json").exists());
}

#[test]
fn an_expired_timestamp_is_refused_and_the_cache_kept() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let err = update_refused_after(&f, 2, yesterday());
    assert!(err.contains("the timestamp metadata has expired"), "{err}");
}

#[test]
fn an_expired_timestamp_on_first_update_writes_nothing() {
    let f = Fixture::with_timestamp_expiring(
        &[("trusted_root.json", test_trusted_root())],
        yesterday(),
    );
    let cache = cache_dir(&f);
    let out = update_into(&f, &cache, &f.root_path);
    let err = exits_stderr(&out, 2);
    assert!(err.contains("timestamp metadata has expired"), "{err}");
    assert!(!cache.exists(), "{:?}", snapshot(&cache).keys());
}

#[test]
fn a_tampered_target_is_refused_and_nothing_written() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let stored = f.repo.target_file("trusted_root.json");
    let mut tampered = std::fs::read(&stored).unwrap();
    tampered[10] ^= 1;
    std::fs::write(&stored, tampered).unwrap();
    let out = update_cache(&f);
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains("does not match its signed hash or length"),
        "{err}"
    );
    assert!(
        !cache_dir(&f).join("trusted_root.json").exists(),
        "{:?}",
        snapshot(&cache_dir(&f)).keys()
    );
    assert!(!cache_dir(&f).join("metadata").exists());
}

#[test]
fn a_rollback_to_older_metadata_is_refused() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    f.republish(
        &[("trusted_root.json", test_trusted_root())],
        5,
        in_a_year(),
    );
    // The repository (or a mirror replaying old files) then serves version 3.
    let err = update_refused_after(&f, 3, in_a_year());
    assert!(
        err.contains(
            "rollback refused: the repository offers timestamp metadata version 3, older than \
             version 5 already trusted"
        ),
        "{err}"
    );
}

#[test]
fn a_target_that_is_not_a_trusted_root_is_refused() {
    let f = Fixture::new(&[("trusted_root.json", b"not json".to_vec())]);
    let out = update_cache(&f);
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains("the target trusted_root.json is not a valid trusted root"),
        "{err}"
    );
    assert!(!cache_dir(&f).join("trusted_root.json").exists());

    let f = Fixture::new(&[("other.json", b"{}".to_vec())]);
    let out = update_cache(&f);
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains("the repository lists no target trusted_root.json"),
        "{err}"
    );
}

#[test]
fn another_repository_needs_its_initial_root() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let out = update(f.dir(), &f.repo.url(), None, &cache_dir(&f), &[]);
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains("--root FILE (the repository's initial root.json) is needed"),
        "{err}"
    );
}

#[test]
fn update_over_loopback_http() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    let server = FileServer::start(f.repo.metadata_dir());
    let out = update_into(&f, &cache_dir(&f), &f.root_path);
    // (the file:// URL above; now the same repository over HTTP into another cache)
    exits(&out, 0);
    let http_cache = f.dir().join("http-cache");
    let out = update(f.dir(), &server.url, Some(&f.root_path), &http_cache, &[]);
    let text = exits(&out, 0);
    assert!(text.contains("TUF root version:  1"), "{text}");
    assert_eq!(
        std::fs::read(http_cache.join("trusted_root.json")).unwrap(),
        test_trusted_root()
    );
    assert!(server.requests() >= 4, "{} requests", server.requests());
}

/// A loopback HTTP server for the files under a directory (GET only, 404 for anything else),
/// serving until the test process ends.
struct FileServer {
    url: String,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl FileServer {
    fn start(root: PathBuf) -> Self {
        use std::io::{BufRead as _, BufReader, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let served = count.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if header == "\r\n" || header == "\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let file = root.join(path.trim_start_matches('/'));
                let safe = !path.contains("..");
                let response = match std::fs::read(&file) {
                    Ok(body) if safe && file.is_file() => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend(body);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Self { url, count }
    }

    fn requests(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[test]
fn an_unreachable_repository_is_named_as_the_reason() {
    // A repository whose root has expired: tough would go on after failing to fetch 2.root.json
    // and report the expiry; the reason is that nothing could be fetched.
    let f = Fixture::unpublished(yesterday());
    // A loopback port with nothing listening (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let cache = cache_dir(&f);
    let out = update(
        f.dir(),
        &url,
        Some(&f.root_path),
        &cache,
        &["--timeout", "5"],
    );
    let err = exits_stderr(&out, 2);
    assert!(
        err.contains(&format!("cannot fetch {url}2.root.json")),
        "{err}"
    );
    assert!(err.contains("the root metadata has expired"), "{err}");
    assert!(snapshot(&cache).is_empty(), "{:?}", snapshot(&cache).keys());
}

#[test]
fn a_policy_root_without_trusted_root_uses_the_cached_root() {
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    exits(&update_cache(&f), 0);
    keyless_bundle(f.dir());
    std::fs::write(
        f.dir().join("gate.toml"),
        format!(
            "version = 1\n[[roots]]\nname = \"release\"\ncertificate_identity = \"{SIGNER}\"\n\
             certificate_oidc_issuer = \"{}\"\n[defaults]\nsource_tag = \"v1.2.3\"\n",
            fulcio::GITHUB_ISSUER
        ),
    )
    .unwrap();
    let run = |cache: &Path| {
        cli()
            .command(f.dir())
            .env("PROVENANCE_TUF_CACHE", cache)
            .args([
                "verify",
                "--policy",
                "gate.toml",
                "--attestation",
                "app.sigstore.json",
            ])
            .arg(format!("sha256:{ARTIFACT}"))
            .output()
            .unwrap()
    };
    exits(&run(&cache_dir(&f)), 0);
    let refused = run(Path::new(""));
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is not trusted"),
        "{}",
        stderr(&refused)
    );
}

/// Cache poisoning: the cached `trusted_root.json` replaces the embedded root for every keyless
/// verification, so one that another user could have written (the file or the cache directory
/// writable by group or others, or owned by another user than this one or root) is refused
/// (exit 2), never used to pass. Here the planted root trusts the test CA, which the embedded
/// root does not: used, it would turn the keyless bundle into a PASS.
#[cfg(unix)]
#[test]
fn a_cached_root_other_users_could_write_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
    chmod(&cache, 0o755);
    let file = cache.join("trusted_root.json");
    std::fs::write(&file, test_trusted_root()).unwrap();
    chmod(&file, 0o644);
    keyless_bundle(dir.path());
    // writable by its owner only: used (the test CA is trusted only there)
    exits(&verify(dir.path(), &cache, &[]), 0);

    for (path, mode, what) in [
        (&cache, 0o777, "directory"),
        (&cache, 0o775, "directory"),
        (&file, 0o666, "file"),
        (&file, 0o664, "file"),
    ] {
        chmod(path, mode);
        let out = verify(dir.path(), &cache, &[]);
        let err = exits_stderr(&out, 2);
        assert!(err.contains("cannot use the cached trusted root"), "{err}");
        assert!(
            err.contains(&format!(
                "the {what} {} is writable by group or others (mode {mode:o})",
                path.display()
            )),
            "{err}"
        );
        chmod(path, if what == "file" { 0o644 } else { 0o755 });
    }
    exits(&verify(dir.path(), &cache, &[]), 0);

    // owned by another user: only root can give a file away, so this part needs root
    if std::os::unix::fs::chown(&file, Some(65534), None).is_ok() {
        let err = exits_stderr(&verify(dir.path(), &cache, &[]), 2);
        assert!(
            err.contains(&format!(
                "the file {} is owned by another user (uid 65534)",
                file.display()
            )),
            "{err}"
        );
    }
}

/// The root a previous update cached is where the next update starts trusting: one in a
/// metadata directory another user could write (they could have put their own repository's
/// root there) is refused (exit 2) and the cache stays as it was.
#[cfg(unix)]
#[test]
fn a_cached_tuf_root_other_users_could_write_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = Fixture::new(&[("trusted_root.json", test_trusted_root())]);
    exits(&update_cache(&f), 0);
    let metadata = provenance_sigstore::TrustCache::new(cache_dir(&f)).metadata_dir(&f.repo.url());
    assert!(
        metadata.join("root.json").is_file(),
        "{}",
        metadata.display()
    );
    std::fs::set_permissions(&metadata, std::fs::Permissions::from_mode(0o777)).unwrap();
    let before = snapshot(&cache_dir(&f));
    let err = exits_stderr(&update_cache(&f), 2);
    assert!(
        err.contains(&format!(
            "the directory {} is writable by group or others (mode 777)",
            metadata.display()
        )),
        "{err}"
    );
    assert_eq!(snapshot(&cache_dir(&f)), before, "the cache changed: {err}");
}
