//! Local TUF repositories for the `trusted-root update` tests (feature `tuf`): Ed25519 keys
//! generated per test, root metadata built and signed here (cross-signed on rotation), the
//! other roles signed with tough's `RepositoryEditor`, in Sigstore's layout
//! (`<dir>/metadata/N.root.json`, `timestamp.json`, `N.snapshot.json`, `N.targets.json`;
//! `<dir>/metadata/targets/<sha256>.<name>`: consistent snapshots, targets under the metadata
//! URL as on tuf-repo-cdn.sigstore.dev).

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

pub use chrono::{DateTime, Utc};
use tough::editor::RepositoryEditor;
use tough::editor::signed::{PathExists, SignedRole};
use tough::key_source::{KeySource, LocalKeySource};
pub use tough::schema::Root;
use tough::schema::{KeyHolder, RoleKeys, RoleType};
use tough::sign::Sign as _;

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// An Ed25519 signing key in a PKCS#8 file (tough's `LocalKeySource` reads it).
#[derive(Debug, Clone)]
pub struct Key {
    path: PathBuf,
}

impl Key {
    /// A new random key, written to `path`.
    pub fn generate(path: &Path) -> Self {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        std::fs::write(path, pkcs8.as_ref()).unwrap();
        Self {
            path: path.to_owned(),
        }
    }

    fn source(&self) -> Box<dyn KeySource> {
        Box::new(LocalKeySource {
            path: self.path.clone(),
        })
    }

    fn tuf_key(&self) -> tough::schema::key::Key {
        let bytes = std::fs::read(&self.path).unwrap();
        tough::sign::parse_keypair(&bytes).unwrap().tuf_key()
    }
}

/// One year from now.
pub fn in_a_year() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::days(365)
}

/// A day ago (an expired date).
pub fn yesterday() -> DateTime<Utc> {
    Utc::now() - chrono::Duration::days(1)
}

/// Root metadata version `version` in which `key` holds every role (threshold 1).
pub fn root(version: u64, key: &Key, expires: DateTime<Utc>) -> Root {
    let tuf_key = key.tuf_key();
    let id = tuf_key.key_id().unwrap();
    let role = || RoleKeys {
        keyids: vec![id.clone()],
        threshold: NonZeroU64::new(1).unwrap(),
        _extra: HashMap::new(),
    };
    Root {
        spec_version: "1.0.0".to_owned(),
        consistent_snapshot: true,
        version: NonZeroU64::new(version).unwrap(),
        expires,
        keys: HashMap::from([(id.clone(), tuf_key)]),
        roles: HashMap::from([
            (RoleType::Root, role()),
            (RoleType::Snapshot, role()),
            (RoleType::Targets, role()),
            (RoleType::Timestamp, role()),
        ]),
        _extra: HashMap::new(),
    }
}

/// A repository in `<dir>/metadata` (targets in `<dir>/metadata/targets`).
#[derive(Debug)]
pub struct Repo {
    dir: PathBuf,
}

/// What [`Repo::publish`] signs.
#[derive(Debug, Clone)]
pub struct Publish {
    /// The targets: name and content.
    pub targets: Vec<(String, Vec<u8>)>,
    /// The version of timestamp, snapshot and targets.
    pub version: u64,
    /// When the timestamp expires (snapshot and targets expire in a year).
    pub timestamp_expires: DateTime<Utc>,
}

impl Repo {
    /// An empty repository in `dir`.
    pub fn new(dir: &Path) -> Self {
        std::fs::create_dir_all(dir.join("metadata/targets")).unwrap();
        Self {
            dir: dir.to_owned(),
        }
    }

    /// The metadata directory.
    pub fn metadata_dir(&self) -> PathBuf {
        self.dir.join("metadata")
    }

    /// The metadata URL (`file://`).
    pub fn url(&self) -> String {
        format!("file://{}", self.metadata_dir().display())
    }

    /// Writes `N.root.json` for `root`, signed by `signers` as the keys of `signed_under`
    /// (for a first root, the root itself; on rotation, call it once with the old root and
    /// once with the new one: the signatures are merged). Returns its path.
    pub fn write_root(&self, root: &Root, signatures: &[(&Root, &Key)]) -> PathBuf {
        let rng = ring::rand::SystemRandom::new();
        let mut signed: Option<SignedRole<Root>> = None;
        for (under, key) in signatures {
            let role = block_on(SignedRole::new(
                root.clone(),
                &KeyHolder::Root((*under).clone()),
                &[key.source()],
                &rng,
            ))
            .unwrap();
            signed = Some(match signed {
                None => role,
                Some(prev) => role
                    .add_old_signatures(prev.signed().signatures.clone())
                    .unwrap(),
            });
        }
        let signed = signed.expect("at least one signature");
        block_on(signed.write(self.metadata_dir(), true)).unwrap();
        self.metadata_dir()
            .join(format!("{}.root.json", root.version.get()))
    }

    /// Signs timestamp, snapshot and targets (with `key`, under the root at `root_path`)
    /// listing `publish.targets`, and writes them and the targets.
    pub fn publish(&self, root_path: &Path, key: &Key, publish: &Publish) {
        block_on(async {
            let staging = tempfile::tempdir().unwrap();
            let mut editor = RepositoryEditor::new(root_path).await.unwrap();
            for (name, bytes) in &publish.targets {
                let path = staging.path().join(name);
                std::fs::write(&path, bytes).unwrap();
                editor.add_target_path(&path).await.unwrap();
            }
            let version = NonZeroU64::new(publish.version).unwrap();
            editor
                .snapshot_version(version)
                .snapshot_expires(in_a_year())
                .timestamp_version(version)
                .timestamp_expires(publish.timestamp_expires);
            editor
                .targets_version(version)
                .unwrap()
                .targets_expires(in_a_year())
                .unwrap();
            let signed = editor.sign(&[key.source()]).await.unwrap();
            signed.write(self.metadata_dir()).await.unwrap();
            signed
                .copy_targets(
                    staging.path(),
                    self.metadata_dir().join("targets"),
                    PathExists::Replace,
                )
                .await
                .unwrap();
        });
    }

    /// The stored file of target `name` (`targets/<sha256>.<name>`).
    pub fn target_file(&self, name: &str) -> PathBuf {
        let dir = self.metadata_dir().join("targets");
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(&format!(".{name}")))
            })
            .unwrap_or_else(|| panic!("no target {name} in {}", dir.display()))
    }
}

/// A [`Repo`] in a temporary directory, with root v1 in which one key holds every role
/// (threshold 1). The key file and anything else the test needs live beside the repository,
/// in [`Fixture::dir`].
#[derive(Debug)]
pub struct Fixture {
    tmp: tempfile::TempDir,
    /// The repository (in `dir/repo`).
    pub repo: Repo,
    /// The key of every role of root v1.
    pub key: Key,
    /// Root v1.
    pub root: Root,
    /// Root v1's file (`1.root.json`), the initial root a client starts from.
    pub root_path: PathBuf,
}

impl Fixture {
    /// Root v1 expiring at `root_expires`; nothing else published yet.
    pub fn unpublished(root_expires: DateTime<Utc>) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repo::new(&tmp.path().join("repo"));
        let key = Key::generate(&tmp.path().join("a.pk8"));
        let root = root(1, &key, root_expires);
        let root_path = repo.write_root(&root, &[(&root, &key)]);
        Self {
            tmp,
            repo,
            key,
            root,
            root_path,
        }
    }

    /// Root v1 (expiring in a year) and timestamp, snapshot and targets version 1 (the
    /// timestamp expiring at `timestamp_expires`) listing `targets`.
    pub fn with_timestamp_expiring(
        targets: &[(&str, Vec<u8>)],
        timestamp_expires: DateTime<Utc>,
    ) -> Self {
        let f = Self::unpublished(in_a_year());
        f.republish(targets, 1, timestamp_expires);
        f
    }

    /// Root v1, timestamp, snapshot and targets version 1 listing `targets`, all expiring in a
    /// year.
    pub fn new(targets: &[(&str, Vec<u8>)]) -> Self {
        Self::with_timestamp_expiring(targets, in_a_year())
    }

    /// Publishes timestamp, snapshot and targets `version` listing `targets`, signed with
    /// `key` under the root at `root_path`.
    pub fn publish(
        &self,
        key: &Key,
        root_path: &Path,
        targets: &[(&str, Vec<u8>)],
        version: u64,
        timestamp_expires: DateTime<Utc>,
    ) {
        self.repo.publish(
            root_path,
            key,
            &Publish {
                targets: targets
                    .iter()
                    .map(|(n, b)| ((*n).to_owned(), b.clone()))
                    .collect(),
                version,
                timestamp_expires,
            },
        );
    }

    /// [`Fixture::publish`] signed with root v1's key under root v1.
    pub fn republish(
        &self,
        targets: &[(&str, Vec<u8>)],
        version: u64,
        timestamp_expires: DateTime<Utc>,
    ) {
        self.publish(
            &self.key,
            &self.root_path,
            targets,
            version,
            timestamp_expires,
        );
    }

    /// The temporary directory holding the repository.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }
}
