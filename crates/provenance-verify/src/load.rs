//! Loading trust material and artifacts from files: public keys, trusted roots, the roots of a
//! policy, and artifacts given as paths or `sha256:`/`sha512:` digests.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use provenance_digest::{Algorithm, DigestSet};
use provenance_dsse::Threshold;
use provenance_sigstore::{IdentityPolicy, Transparency, TrustedRoot};

use crate::engine::{Artifact, TrustRoot};
use crate::error::{Error, Result};
use crate::policy::{AnchorSpec, GithubIdentity, Matcher, Policy};
use crate::trust::{KeyVerifier, SigstoreVerifier};

/// The largest trusted root file read.
const MAX_TRUST_FILE: u64 = 16 << 20;

/// Reads a `trusted_root.json` (or a `ClientTrustConfig`, or JSON Lines of roots); `None` gives
/// the Sigstore public-good root embedded in the binary.
///
/// # Errors
/// [`Error::Io`], [`Error::FileTooLarge`] or [`Error::TrustMaterial`] (also for a root that
/// lists no certificate authority, transparency log or timestamp authority, such as `{}`: an
/// unusable trust root).
pub fn trusted_root(path: Option<&Path>) -> Result<TrustedRoot> {
    let Some(path) = path else {
        return TrustedRoot::public_good().map_err(|e| Error::TrustMaterial {
            what: "trusted root",
            path: "(embedded Sigstore public-good root)".into(),
            source: Box::new(e),
        });
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TRUST_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_TRUST_FILE {
        return Err(Error::FileTooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            max: MAX_TRUST_FILE,
        });
    }
    let root = TrustedRoot::from_json(&bytes).map_err(|e| Error::TrustMaterial {
        what: "trusted root",
        path: path.to_owned(),
        source: Box::new(e),
    })?;
    // `{}` parses as a trusted root that trusts nothing: refused here rather than every
    // keyless signature failing later as if it were bad.
    if root.certificate_authorities().is_empty()
        && root.tlogs().is_empty()
        && root.timestamp_authorities().is_empty()
    {
        return Err(Error::TrustMaterial {
            what: "trusted root",
            path: path.to_owned(),
            source: "unusable trust root: it lists no certificate authority, transparency log \
                     or timestamp authority"
                .into(),
        });
    }
    Ok(root)
}

/// The trusted root a TUF update cached in `cache_dir` (`<cache_dir>/trusted_root.json`, see
/// [`provenance_sigstore::TrustCache`]); `None` when there is none. Reading it is offline and
/// needs no feature.
///
/// A cached file that another user could have written (see
/// [`provenance_sigstore::TrustCache::check_private`]) is refused: it would replace the roots of
/// trust of every keyless verification.
///
/// # Errors
/// [`Error::Io`], [`Error::FileTooLarge`] or [`Error::TrustMaterial`] for a cached file that
/// exists but cannot be read, is not a valid trusted root or could have been written by
/// another user (never silently skipped).
pub fn cached_trusted_root(cache_dir: &Path) -> Result<Option<TrustedRoot>> {
    let path = provenance_sigstore::TrustCache::new(cache_dir).trusted_root_path();
    match std::fs::symlink_metadata(&path) {
        Ok(_) => {
            provenance_sigstore::TrustCache::check_private(&path).map_err(|e| {
                Error::TrustMaterial {
                    what: "trusted root",
                    path: path.clone(),
                    source: Box::new(e),
                }
            })?;
            trusted_root(Some(&path)).map(Some)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// The trusted root used where none is named: the one cached in `cache_dir` by a TUF update
/// ([`cached_trusted_root`]) when there is one, else the Sigstore public-good root embedded in
/// the binary. `None` for `cache_dir` gives the embedded root.
///
/// # Errors
/// As [`cached_trusted_root`].
pub fn default_trusted_root(cache_dir: Option<&Path>) -> Result<TrustedRoot> {
    if let Some(dir) = cache_dir
        && let Some(root) = cached_trusted_root(dir)?
    {
        return Ok(root);
    }
    trusted_root(None)
}

fn resolve(base: Option<&Path>, source: &str) -> String {
    match base {
        Some(base) if !source.starts_with("env://") && Path::new(source).is_relative() => {
            base.join(source).to_string_lossy().into_owned()
        }
        _ => source.to_owned(),
    }
}

/// A root of trust from public keys (`path` or `env://VAR`, relative paths resolved against
/// `base`), needing `threshold` distinct keys.
///
/// # Errors
/// [`Error::TrustMaterial`] for unreadable keys, [`Error::InvalidSetting`] for a bad threshold.
pub fn key_root(
    name: &str,
    sources: &[String],
    threshold: usize,
    trusted_root_path: Option<&Path>,
    base: Option<&Path>,
) -> Result<TrustRoot> {
    key_root_with(name, sources, threshold, trusted_root_path, base, false)
}

/// As [`key_root`]; with `allow_set_only`, key-based Sigstore bundles whose log entry carries
/// only a signed entry timestamp (no inclusion proof) are accepted even after
/// [`provenance_sigstore::PROMISE_ONLY_CUTOFF`].
///
/// # Errors
/// As [`key_root`].
pub fn key_root_with(
    name: &str,
    sources: &[String],
    threshold: usize,
    trusted_root_path: Option<&Path>,
    base: Option<&Path>,
    allow_set_only: bool,
) -> Result<TrustRoot> {
    check_threshold(threshold, sources.len())?;
    let keys = public_keys(sources, base)?;
    let root = if threshold == 1 {
        Some(trusted_root(trusted_root_path)?)
    } else {
        None
    };
    key_root_from(name, keys, threshold, root, allow_set_only)
}

fn check_threshold(threshold: usize, keys: usize) -> Result<Threshold> {
    Threshold::new(threshold)
        .filter(|t| t.get() <= keys)
        .ok_or_else(|| {
            Error::setting(
                "threshold",
                &threshold.to_string(),
                format!("must be between 1 and the {keys} keys given"),
            )
        })
}

/// Loads public keys from `sources` (`path` or `env://VAR`, relative paths resolved against
/// `base`), refusing the same key given twice.
///
/// # Errors
/// [`Error::TrustMaterial`] for unreadable keys, [`Error::InvalidSetting`] for a repeated key.
pub fn public_keys(
    sources: &[String],
    base: Option<&Path>,
) -> Result<Vec<provenance_keys::PublicKey>> {
    let mut keys: Vec<provenance_keys::PublicKey> = Vec::new();
    for s in sources {
        let source: provenance_keys::KeySource =
            resolve(base, s).parse().map_err(|e| Error::TrustMaterial {
                what: "public key",
                path: PathBuf::from(s),
                source: Box::new(e),
            })?;
        let key = source.load_public().map_err(|e| Error::TrustMaterial {
            what: "public key",
            path: PathBuf::from(s),
            source: Box::new(e),
        })?;
        // The same key twice (also in another encoding) would make every envelope fail at
        // verification; refuse it here, as a usage error.
        if keys.iter().any(|k| k.key_id() == key.key_id()) {
            return Err(repeated_key(s, &key));
        }
        keys.push(key);
    }
    Ok(keys)
}

fn repeated_key(value: &str, key: &provenance_keys::PublicKey) -> Error {
    Error::setting(
        "keys",
        value,
        format!(
            "the same key (id {}) is given twice: a threshold counts distinct keys",
            key.key_id().as_str()
        ),
    )
}

/// A root of trust from public key values needing `threshold` distinct keys among them; with
/// threshold 1, key-based Sigstore bundles are accepted too, their log entries checked against
/// `trusted_root` (the embedded public-good root when `None`), and with `allow_set_only` a log
/// entry carrying only a signed entry timestamp is accepted even after
/// [`provenance_sigstore::PROMISE_ONLY_CUTOFF`].
///
/// # Errors
/// [`Error::InvalidSetting`] for a bad threshold or a key given twice,
/// [`Error::TrustMaterial`] when the embedded root cannot be read.
pub fn key_root_from(
    name: &str,
    keys: Vec<provenance_keys::PublicKey>,
    threshold: usize,
    trusted_root: Option<TrustedRoot>,
    allow_set_only: bool,
) -> Result<TrustRoot> {
    let threshold = check_threshold(threshold, keys.len())?;
    for (i, key) in keys.iter().enumerate() {
        if keys.iter().take(i).any(|k| k.key_id() == key.key_id()) {
            return Err(repeated_key(key.key_id().as_str(), key));
        }
    }
    let trusted_root = if threshold.get() == 1 {
        trusted_root
    } else {
        None
    };
    Ok(TrustRoot::new(
        name,
        Box::new(
            KeyVerifier::from_public_keys(keys, threshold, trusted_root)?
                .allow_promise_only(allow_set_only),
        ),
        false,
    ))
}

/// The certificate-policy matcher of a [`Matcher`]; a regexp goes through the same check as
/// one read from a policy file or flags ([`crate::policy::check_regexp`]: a regexp that
/// matches the empty string accepts every identity), so a [`Matcher::Regexp`] built directly
/// by a library caller is held to it too.
fn sigstore_matcher(field: &'static str, m: &Matcher) -> Result<provenance_sigstore::Matcher> {
    match m {
        Matcher::Exact(s) => Ok(provenance_sigstore::Matcher::exact(s.clone())),
        Matcher::Regexp(r) => {
            crate::policy::check_regexp(field, r)?;
            provenance_sigstore::Matcher::regex(r)
                .map_err(|e| Error::setting(field, r, e.to_string()))
        }
    }
}

/// A keyless root: certificates chaining to the trusted root whose identity and issuer match
/// (regular expressions are searched for, as cosign does: anchors are the caller's).
///
/// # Errors
/// [`Error::TrustMaterial`] for an unreadable root, [`Error::InvalidSetting`] for bad regexps.
pub fn keyless_root(
    name: &str,
    trusted_root_path: Option<&Path>,
    identity: &Matcher,
    issuer: &Matcher,
    insecure_ignore_tlog: bool,
) -> Result<TrustRoot> {
    keyless_root_with(
        name,
        trusted_root_path,
        identity,
        issuer,
        insecure_ignore_tlog,
        false,
    )
}

/// As [`keyless_root`]; with `allow_set_only`, log entries that carry only a signed entry
/// timestamp (no inclusion proof) are accepted even after
/// [`provenance_sigstore::PROMISE_ONLY_CUTOFF`].
///
/// # Errors
/// As [`keyless_root`].
pub fn keyless_root_with(
    name: &str,
    trusted_root_path: Option<&Path>,
    identity: &Matcher,
    issuer: &Matcher,
    insecure_ignore_tlog: bool,
    allow_set_only: bool,
) -> Result<TrustRoot> {
    keyless_root_for(
        name,
        trusted_root_path,
        (identity, issuer),
        &GithubIdentity::default(),
        insecure_ignore_tlog,
        allow_set_only,
    )
}

/// As [`keyless_root_with`], with GitHub's constraints on the certificate's facts (see
/// [`GithubIdentity`]): each becomes a Fulcio extension constraint of the identity policy, and
/// a root naming the repository, owner or signer is marked so
/// ([`TrustRoot::with_named_signer`]).
///
/// # Errors
/// As [`keyless_root`].
pub fn keyless_root_for(
    name: &str,
    trusted_root_path: Option<&Path>,
    (identity, issuer): (&Matcher, &Matcher),
    github: &GithubIdentity,
    insecure_ignore_tlog: bool,
    allow_set_only: bool,
) -> Result<TrustRoot> {
    let transparency = if insecure_ignore_tlog {
        Transparency::InsecureIgnore
    } else {
        Transparency::Required
    };
    keyless_root_from(
        name,
        trusted_root(trusted_root_path)?,
        (identity, issuer),
        github,
        transparency,
        allow_set_only,
    )
}

/// A keyless root from a trusted root value: certificates chaining to it whose identity and
/// issuer match, with GitHub's constraints on the certificate's facts (see
/// [`GithubIdentity`]); `transparency` says whether log entries must be proven, and with
/// `allow_set_only` a log entry carrying only a signed entry timestamp is accepted even after
/// [`provenance_sigstore::PROMISE_ONLY_CUTOFF`].
///
/// # Errors
/// [`Error::InvalidSetting`] for bad regexps or an incomplete identity.
pub fn keyless_root_from(
    name: &str,
    trusted_root: TrustedRoot,
    (identity, issuer): (&Matcher, &Matcher),
    github: &GithubIdentity,
    transparency: Transparency,
    allow_set_only: bool,
) -> Result<TrustRoot> {
    keyless_root_looking_up(
        name,
        trusted_root,
        (identity, issuer),
        github,
        (transparency, allow_set_only),
        None,
    )
}

/// As [`keyless_root_from`], with a transparency-log lookup for legacy envelopes (see
/// [`SigstoreVerifier::with_log_lookup`]).
///
/// # Errors
/// As [`keyless_root_from`].
pub fn keyless_root_looking_up(
    name: &str,
    trusted_root: TrustedRoot,
    (identity, issuer): (&Matcher, &Matcher),
    github: &GithubIdentity,
    (transparency, allow_set_only): (Transparency, bool),
    lookup: Option<crate::trust::SharedLookup>,
) -> Result<TrustRoot> {
    let mut all = vec![
        IdentityPolicy::San(sigstore_matcher("certificate identity regexp", identity)?),
        IdentityPolicy::Issuer(sigstore_matcher("certificate OIDC issuer regexp", issuer)?),
    ];
    all.extend(crate::trust::github_constraints(github)?);
    let verifier =
        SigstoreVerifier::keyless(trusted_root, IdentityPolicy::AllOf(all), transparency)?
            .allow_promise_only(allow_set_only)
            .with_log_lookup(lookup);
    Ok(TrustRoot::new(name, Box::new(verifier), true).with_named_signer(github.names_signer()))
}

/// The roots of trust a policy lists, with their key files and trusted roots (paths relative
/// to `base`, the policy file's directory) loaded.
///
/// # Errors
/// As [`key_root`] and [`keyless_root`].
pub fn policy_roots(policy: &Policy, base: &Path) -> Result<Vec<TrustRoot>> {
    policy_roots_with(policy, base, None, None)
}

/// As [`policy_roots`]; roots that name no trusted root file use `default_root` (for example
/// [`default_trusted_root`]'s), or the embedded public-good root when it is `None`, and keyless
/// roots look legacy envelopes up with `lookup` (see [`SigstoreVerifier::with_log_lookup`]).
///
/// # Errors
/// As [`policy_roots`].
pub fn policy_roots_with(
    policy: &Policy,
    base: &Path,
    default_root: Option<&TrustedRoot>,
    lookup: Option<&crate::trust::SharedLookup>,
) -> Result<Vec<TrustRoot>> {
    let default = || match default_root {
        Some(root) => Ok(root.clone()),
        None => trusted_root(None),
    };
    policy
        .roots
        .iter()
        .map(|spec| {
            let root = match &spec.anchor {
                AnchorSpec::Keys { keys, threshold } => {
                    check_threshold(*threshold, keys.len())?;
                    let loaded = public_keys(keys, Some(base))?;
                    let sigstore_root = if *threshold == 1 {
                        Some(default()?)
                    } else {
                        None
                    };
                    key_root_from(&spec.name, loaded, *threshold, sigstore_root, false)?
                }
                AnchorSpec::Keyless {
                    trusted_root: path,
                    identity,
                    issuer,
                    insecure_ignore_tlog,
                    github,
                } => {
                    let root = match path {
                        Some(p) => trusted_root(Some(&base.join(p)))?,
                        None => default()?,
                    };
                    let transparency = if *insecure_ignore_tlog {
                        Transparency::InsecureIgnore
                    } else {
                        Transparency::Required
                    };
                    keyless_root_looking_up(
                        &spec.name,
                        root,
                        (identity, issuer),
                        github,
                        (transparency, false),
                        lookup.cloned(),
                    )?
                }
            };
            Ok(root
                .with_builders(spec.builders.clone())
                .with_slsa_level(spec.slsa_level))
        })
        .collect()
}

/// The digest prefixes an artifact argument may carry.
const DIGEST_PREFIXES: [&str; 3] = ["sha256:", "sha384:", "sha512:"];

/// An artifact named on a command line, not hashed yet: the attestations say which
/// algorithms to hash it with (see [`crate::VerifiedSet::subject_algorithms`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactInput {
    label: String,
    policy_name: Option<String>,
    source: InputSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum InputSource {
    File(PathBuf),
    Stdin,
    Digest(DigestSet),
}

/// Reads an artifact argument without hashing anything:
/// - `sha256:HEX`, `sha384:HEX`, `sha512:HEX`: a digest, with no name for policy patterns;
/// - `NAME=sha256:HEX` (and the other prefixes): a digest named `NAME`, which policy patterns
///   see as they would see a file at that path;
/// - `-`: standard input, with no name;
/// - anything else: a file path, which policy patterns see relative to the working directory
///   (see [`crate::pattern::name_for_path`]).
///
/// # Errors
/// [`Error::InvalidSetting`] for a malformed digest, an empty name, or an argument that is
/// neither a file nor a digest with an accepted prefix.
pub fn artifact_input(arg: &str) -> Result<ArtifactInput> {
    let is_digest = |s: &str| DIGEST_PREFIXES.iter().any(|p| s.starts_with(p));
    let digest = |d: &str| {
        DigestSet::parse_prefixed(d)
            .map_err(|e| Error::setting("artifact digest", arg, e.to_string()))
    };
    if is_digest(arg) {
        return Ok(ArtifactInput {
            label: arg.to_owned(),
            policy_name: None,
            source: InputSource::Digest(digest(arg)?),
        });
    }
    if let Some((name, value)) = arg.rsplit_once('=')
        && is_digest(value)
    {
        let set = digest(value)?;
        return ArtifactInput {
            label: value.to_owned(),
            policy_name: None,
            source: InputSource::Digest(set),
        }
        .with_name(name);
    }
    if arg == "-" {
        return Ok(ArtifactInput {
            label: arg.to_owned(),
            policy_name: None,
            source: InputSource::Stdin,
        });
    }
    if arg.contains(':') && !Path::new(arg).exists() {
        return Err(Error::setting(
            "artifact",
            arg,
            "not a file, and only sha256:, sha384: and sha512: digests (optionally NAME=sha256:HEX) are accepted",
        ));
    }
    let path = PathBuf::from(arg);
    Ok(ArtifactInput {
        label: arg.to_owned(),
        policy_name: Some(crate::pattern::name_for_path(
            &path,
            &crate::pattern::working_directories(),
        )),
        source: InputSource::File(path),
    })
}

impl ArtifactInput {
    /// Names a digest or standard-input artifact for policy patterns (a file is named by its
    /// path). The name is read as a path relative to the working directory.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for a file artifact, or an empty name or one with control
    /// characters.
    pub fn with_name(mut self, name: &str) -> Result<Self> {
        if matches!(self.source, InputSource::File(_)) {
            return Err(Error::setting(
                "artifact name",
                name,
                "only a digest or standard input takes a name; a file is named by its path",
            ));
        }
        if name
            .split(['/', '\\'])
            .all(|s| s.is_empty() || s == "." || s == "..")
            || name.chars().any(char::is_control)
        {
            return Err(Error::setting(
                "artifact name",
                name,
                "names no file (empty, or only `.`, `..` and separators), or contains control characters",
            ));
        }
        self.policy_name = Some(crate::pattern::name_for_path(
            Path::new(name),
            &crate::pattern::working_directories(),
        ));
        self.label = match &self.source {
            InputSource::Digest(_) => format!("{name}={}", self.label),
            _ => name.to_owned(),
        };
        Ok(self)
    }

    /// The file to hash, for a path argument.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            InputSource::File(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the argument is a digest (nothing to hash).
    pub fn is_digest(&self) -> bool {
        matches!(self.source, InputSource::Digest(_))
    }

    /// Whether the argument is standard input.
    pub fn is_stdin(&self) -> bool {
        matches!(self.source, InputSource::Stdin)
    }

    /// The argument as shown in reports.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The name policy patterns see, if it has one.
    pub fn policy_name(&self) -> Option<&str> {
        self.policy_name.as_deref()
    }

    /// Hashes the artifact (once, reading it one time) with `algorithms`, keeping only those
    /// accepted for matching ([`crate::ACCEPTED_ALGORITHMS`]: never SHA-1 or MD5); SHA-256
    /// when none is left. A digest argument is used as given.
    ///
    /// The library never reads standard input itself: for a `-` argument
    /// ([`ArtifactInput::is_stdin`]) the caller hands the stream to [`ArtifactInput::load_reader`].
    ///
    /// # Errors
    /// [`Error::Io`] for an unreadable file, [`Error::InvalidSetting`] for a directory or a
    /// `-` argument (standard input is the caller's to read).
    pub fn load(&self, algorithms: &[Algorithm]) -> Result<Artifact> {
        let algorithms = accepted(algorithms);
        let set = match &self.source {
            InputSource::Digest(set) => {
                return Ok(Artifact::new(&self.label, set.clone())
                    .with_policy_name(self.policy_name.clone()));
            }
            InputSource::Stdin => {
                return Err(Error::setting(
                    "artifact",
                    &self.label,
                    "standard input is not read by the library: hash it with ArtifactInput::load_reader",
                ));
            }
            InputSource::File(path) => {
                provenance_digest::hash_file(path, &algorithms).map_err(|e| match e {
                    provenance_digest::Error::Io { path, source } => Error::Io { path, source },
                    other => Error::setting("artifact", &self.label, other.to_string()),
                })?
            }
        };
        Ok(Artifact::hashed(&self.label, set).with_policy_name(self.policy_name.clone()))
    }

    /// Hashes `reader` (the stream a `-` argument stands for, or any other) as this artifact,
    /// with the accepted ones of `algorithms` as [`ArtifactInput::load`] does.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] naming the artifact when the stream cannot be read.
    pub fn load_reader(
        &self,
        reader: impl std::io::Read,
        algorithms: &[Algorithm],
    ) -> Result<Artifact> {
        let set = provenance_digest::hash_reader(reader, &accepted(algorithms))
            .map_err(|e| Error::setting("artifact", &self.label, e.to_string()))?;
        Ok(Artifact::hashed(&self.label, set).with_policy_name(self.policy_name.clone()))
    }
}

/// The algorithms of `algorithms` accepted for matching, SHA-256 when none is.
fn accepted(algorithms: &[Algorithm]) -> Vec<Algorithm> {
    let mut accepted: Vec<Algorithm> = algorithms
        .iter()
        .copied()
        .filter(|a| crate::ACCEPTED_ALGORITHMS.contains(a))
        .collect();
    if accepted.is_empty() {
        accepted.push(Algorithm::Sha256);
    }
    accepted
}

/// An artifact from a command-line argument (see [`artifact_input`]), hashed at once with
/// every accepted algorithm ([`crate::ACCEPTED_ALGORITHMS`]), for callers that do not know the
/// subjects yet. Knowing them, use [`artifact_input`] and [`ArtifactInput::load`] with
/// [`crate::VerifiedSet::subject_algorithms`]: one pass with only the algorithms needed.
///
/// # Errors
/// As [`artifact_input`] and [`ArtifactInput::load`].
pub fn artifact(arg: &str) -> Result<Artifact> {
    artifact_input(arg)?.load(&crate::ACCEPTED_ALGORITHMS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
    use super::*;

    /// A library caller that builds `Matcher::Regexp` itself (not through the policy file or
    /// the flags) is held to the same check: a regexp matching the empty string accepts any
    /// identity or issuer and is refused, unless it is the explicit `.*`.
    #[test]
    fn a_match_everything_regexp_built_directly_is_refused() {
        let root = || trusted_root(None).unwrap();
        let exact = Matcher::Exact("https://token.actions.githubusercontent.com".to_owned());
        for re in ["", "^", "x*", "(?:)|a"] {
            let any = Matcher::Regexp(re.to_owned());
            for (identity, issuer, field) in [
                (&any, &exact, "certificate identity regexp"),
                (&exact, &any, "certificate OIDC issuer regexp"),
            ] {
                let err = keyless_root_from(
                    "k",
                    root(),
                    (identity, issuer),
                    &GithubIdentity::default(),
                    Transparency::Required,
                    false,
                )
                .unwrap_err();
                match err {
                    Error::InvalidSetting {
                        field: f, reason, ..
                    } => {
                        assert_eq!(f, field, "{re:?}");
                        assert!(
                            reason.contains("matches the empty string"),
                            "{re:?}: {reason}"
                        );
                    }
                    other => panic!("{re:?}: {other:?}"),
                }
            }
        }
        let any = Matcher::Regexp(".*".to_owned());
        assert!(
            keyless_root_from(
                "k",
                root(),
                (&any, &exact),
                &GithubIdentity::default(),
                Transparency::Required,
                false,
            )
            .is_ok(),
            "the explicit opt-in `.*` is accepted"
        );
    }

    #[test]
    fn the_default_root_is_the_cached_one_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        // No cache directory, or nothing in it: the embedded public-good root (2 Rekor logs).
        assert_eq!(default_trusted_root(None).unwrap().tlogs().len(), 2);
        assert_eq!(
            default_trusted_root(Some(&dir.path().join("absent")))
                .unwrap()
                .tlogs()
                .len(),
            2
        );
        assert!(cached_trusted_root(dir.path()).unwrap().is_none());
        // A cached root: the test CA's (one log, at rekor.test.invalid).
        std::fs::write(
            dir.path().join("trusted_root.json"),
            serde_json::to_vec(&provenance_testkit::fulcio::trusted_root()).unwrap(),
        )
        .unwrap();
        let root = default_trusted_root(Some(dir.path())).unwrap();
        assert_eq!(root.tlogs().len(), 1);
        assert_eq!(root.tlogs().first().unwrap().host(), "rekor.test.invalid");
    }

    #[test]
    fn a_corrupt_cached_root_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("trusted_root.json"), b"[").unwrap();
        let err = default_trusted_root(Some(dir.path())).unwrap_err();
        assert!(
            matches!(&err, Error::TrustMaterial { path, .. } if path.ends_with("trusted_root.json")),
            "{err:?}"
        );
    }
}
