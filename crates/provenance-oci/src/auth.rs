//! Registry credentials (docker's `config.json`, or given by the caller) and the
//! `WWW-Authenticate` challenges of the registry token flow.
//!
//! <https://distribution.github.io/distribution/spec/auth/token/>

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Error, Registry};

/// Largest docker `config.json` read, in bytes.
const MAX_DOCKER_CONFIG: u64 = 1024 * 1024;

/// A username and password (or identity token) for one registry. The password is never
/// printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    /// Credentials from a username and a password (or token).
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The `Authorization: Basic ...` header value.
    pub(crate) fn basic_header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password);
        format!("Basic {}", provenance_model::b64::encode(raw.as_ref()))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Where credentials come from.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum CredentialSource {
    /// No credentials: anonymous access (tokens are still fetched anonymously when asked).
    Anonymous,
    /// Docker's `config.json` (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`):
    /// `credHelpers` for the registry, else its `auths` entry, else `credsStore` (helpers run
    /// as `docker-credential-<name> get` from `PATH`); anonymous when nothing applies.
    #[default]
    DockerConfig,
    /// A docker `config.json` at this path.
    DockerConfigFile(PathBuf),
    /// These credentials.
    Given(Credentials),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, DockerAuth>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
    #[serde(default)]
    creds_store: Option<String>,
}

#[derive(Deserialize)]
struct DockerAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// The default docker config path: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`.
pub fn default_docker_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker").join("config.json"))
}

/// The `host[:port]` a docker `auths` key names (`https://host/v1/` → `host`; the Docker Hub
/// aliases → `docker.io`).
fn canonical_key(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io".to_owned(),
        h => h.to_owned(),
    }
}

impl CredentialSource {
    /// The credentials for `registry`, if any.
    ///
    /// # Errors
    /// [`Error::Credentials`] when a docker config exists but cannot be read or parsed, or
    /// its entry for the registry is malformed.
    pub fn resolve(&self, registry: &Registry) -> Result<Option<Credentials>, Error> {
        match self {
            Self::Anonymous => Ok(None),
            Self::Given(c) => Ok(Some(c.clone())),
            Self::DockerConfig => match default_docker_config_path() {
                Some(p) if p.exists() => from_docker_config(&p, registry),
                _ => Ok(None),
            },
            Self::DockerConfigFile(p) => from_docker_config(p, registry),
        }
    }
}

fn from_docker_config(path: &Path, registry: &Registry) -> Result<Option<Credentials>, Error> {
    use std::io::Read as _;
    let bad = |reason: String| Error::Credentials {
        path: path.to_owned(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let mut text = Vec::new();
    file.take(MAX_DOCKER_CONFIG + 1)
        .read_to_end(&mut text)
        .map_err(|e| bad(e.to_string()))?;
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_DOCKER_CONFIG {
        return Err(bad("larger than 1 MiB".to_owned()));
    }
    let config: DockerConfig =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not a docker config: {e}")))?;
    let target = canonical_key(registry.as_str());
    if let Some((_, helper)) = config
        .cred_helpers
        .iter()
        .find(|(k, _)| canonical_key(k) == target)
    {
        return run_helper(&helper_program(path, helper)?, registry).map_err(bad);
    }
    let Some((key, entry)) = config
        .auths
        .iter()
        .find(|(k, _)| canonical_key(k) == target)
        .filter(|(_, e)| e.auth.as_deref().is_some_and(|a| !a.is_empty()) || e.username.is_some())
    else {
        return match config.creds_store.as_deref().filter(|s| !s.is_empty()) {
            Some(store) => run_helper(&helper_program(path, store)?, registry).map_err(bad),
            None => Ok(None),
        };
    };
    let (user, pass) = if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
        let raw = provenance_model::b64::decode(auth.trim())
            .map_err(|_| bad(format!("auths.{key}.auth: not base64")))?;
        let raw =
            String::from_utf8(raw).map_err(|_| bad(format!("auths.{key}.auth: not UTF-8")))?;
        let (u, p) = raw
            .split_once(':')
            .ok_or_else(|| bad(format!("auths.{key}.auth: not `user:password`")))?;
        (u.to_owned(), p.to_owned())
    } else {
        match (&entry.username, &entry.password) {
            (Some(u), Some(p)) => (u.clone(), p.clone()),
            _ => return Ok(None),
        }
    };
    // an identity token (ACR, some OAuth setups) replaces the password
    let pass = entry
        .identitytoken
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or(pass);
    Ok(Some(Credentials::new(user, pass)))
}

/// Largest credential-helper answer read, in bytes.
const MAX_HELPER_OUTPUT: u64 = 64 * 1024;

/// `docker-credential-<name>`, the name checked so that a config cannot name a path.
fn helper_program(config: &Path, name: &str) -> Result<PathBuf, Error> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('.');
    if ok {
        Ok(PathBuf::from(format!("docker-credential-{name}")))
    } else {
        Err(Error::Credentials {
            path: config.to_owned(),
            reason: "credential helper name is not [A-Za-z0-9_.-]".to_owned(),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    username: String,
    secret: String,
}

/// Runs `program get` with the registry on stdin, as docker does; `Ok(None)` when the helper
/// has no credentials for it (non-zero exit).
fn run_helper(program: &Path, registry: &Registry) -> Result<Option<Credentials>, String> {
    use std::io::{Read as _, Write as _};
    use std::process::{Command, Stdio};
    let name = program.display();
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {name}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // docker sends the server URL as stored (host[:port]); a write error shows in the answer
        let _ = stdin.write_all(registry.as_str().as_bytes());
    }
    let mut out = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        stdout
            .take(MAX_HELPER_OUTPUT + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot read from {name}: {e}"))?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot run {name}: {e}"))?;
    if !status.success() {
        return Ok(None);
    }
    if u64::try_from(out.len()).unwrap_or(u64::MAX) > MAX_HELPER_OUTPUT {
        return Err(format!("{name}: answer larger than 64 KiB"));
    }
    let answer: HelperAnswer = serde_json::from_slice(&out)
        .map_err(|_| format!("{name}: answer is not {{\"Username\", \"Secret\"}} JSON"))?;
    Ok(Some(Credentials::new(answer.username, answer.secret)))
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Challenge {
    /// `Basic realm=...`
    Basic,
    /// `Bearer realm=..., service=..., scope=...`
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Parse one `WWW-Authenticate` header value (RFC 7235 auth-params, quoted strings may hold
/// commas, as `scope="repository:a/b:pull,push"` does).
pub(crate) fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let params = parse_params(rest);
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let realm = params.get("realm")?.clone();
    Some(Challenge::Bearer {
        realm,
        service: params.get("service").cloned(),
        scope: params.get("scope").cloned(),
    })
}

fn parse_params(s: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
        if out.len() > 32 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn credential_helper_answers_and_refusals() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let script = |name: &str, body: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            p
        };
        let registry: Registry = "127.0.0.1:5000".parse().unwrap();
        let good = script(
            "good",
            r#"read server; [ "$1" = get ] && [ "$server" = "127.0.0.1:5000" ] || exit 3
echo '{"ServerURL":"127.0.0.1:5000","Username":"robot","Secret":"s3"}'"#,
        );
        assert_eq!(
            run_helper(&good, &registry).unwrap(),
            Some(Credentials::new("robot", "s3"))
        );
        let none = script(
            "none",
            "echo 'credentials not found in native keychain'; exit 1",
        );
        assert_eq!(run_helper(&none, &registry).unwrap(), None);
        let garbage = script("garbage", "echo not-json");
        assert!(
            run_helper(&garbage, &registry)
                .unwrap_err()
                .contains("not {\"Username\"")
        );
        let missing = dir.path().join("absent");
        assert!(
            run_helper(&missing, &registry)
                .unwrap_err()
                .contains("cannot run")
        );
        assert!(helper_program(Path::new("c"), "../../bin/sh").is_err());
        assert!(helper_program(Path::new("c"), "osxkeychain").is_ok());
    }

    #[test]
    fn parses_bearer_challenge_with_commas_in_scope() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        )
        .unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:samalba/my-app:pull,push".into()),
            }
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse_challenge("Negotiate abc"), None);
        assert_eq!(
            parse_challenge("Bearer service=x"),
            None,
            "realm is required"
        );
    }

    #[test]
    fn reads_docker_config_auths_by_canonical_host() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            r#"{"auths":{"https://127.0.0.1:5000/v1/":{"auth":"dXNlcjpwYTpzcw=="},
                "ghcr.io":{"username":"u","password":"p","identitytoken":"tok"}}}"#,
        )
        .unwrap();
        let src = CredentialSource::DockerConfigFile(path.clone());
        let c = src
            .resolve(&"127.0.0.1:5000".parse().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(c.username(), "user");
        assert_eq!(c.basic_header(), "Basic dXNlcjpwYTpzcw==");
        let c = src.resolve(&"ghcr.io".parse().unwrap()).unwrap().unwrap();
        assert_eq!(c, Credentials::new("u", "tok"));
        assert!(!format!("{c:?}").contains("tok"), "Debug hides the secret");
        assert_eq!(src.resolve(&"127.0.0.1".parse().unwrap()).unwrap(), None);

        std::fs::write(&path, r#"{"auths":{"ghcr.io":{"auth":"!!"}}}"#).unwrap();
        let err = src
            .resolve(&"ghcr.io".parse().unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("auths.ghcr.io.auth: not base64"), "{err}");
    }
}
