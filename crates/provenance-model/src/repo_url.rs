//! Source repository locations: the one reading, for the whole workspace, of the forms in which
//! producers and users write where a git repository lives (`git+https://github.com/o/r@ref`,
//! `git@github.com:o/r.git`, `ssh://git@host:2222/o/r`, `https://token@host/o/r.git/` ...).
//!
//! [`RepoUrl::parse`] reads a location into its parts and records what it dropped on the way
//! (credentials, a query or fragment); each caller then decides with that record:
//!
//! * a **producer** (provenance-context, writing `resolvedDependencies`) writes
//!   [`RepoUrl::url`] and never the credentials a CI remote may hold;
//! * a **verifier** (provenance-verify, comparing a claim with an expectation or a certificate)
//!   compares [`RepoUrl::host_path`] and refuses locations that are ambiguous
//!   (user information other than ssh's `git@`, a query or fragment, `.`/`..` segments).
//!
//! Normalisation (both views):
//!
//! | input | becomes |
//! |---|---|
//! | `git+` prefix | dropped |
//! | scheme `https`, `ssh`, `git`, `git+ssh`, `ssh+git`, scp-like `[user@]host:path` | `https` |
//! | scheme `http` | `http` |
//! | `file://[localhost]/abs`, `/abs` | `file:///abs` |
//! | host | lowercased; the path keeps its case |
//! | port | kept for `http(s)` unless it is the default (443, 80); dropped for ssh / git |
//! | user information (`user:token@`, `git@`) | dropped from the result, see [`RepoUrl::userinfo`] |
//! | query, fragment | dropped, see [`RepoUrl::had_query_or_fragment`] |
//! | leading / trailing `/`, one `.git` suffix | removed |
//! | `host/path` without a scheme | read as `https` ([`RepoForm::Bare`]; a producer reading git remotes refuses it: git reads it as a local path) |
//! | `host:port/path` without a scheme | as `host/path` with that port (not scp-like `host:` + `port/path`) |
//!
//! ```
//! use provenance_model::RepoUrl;
//! let r = RepoUrl::parse("git@GitHub.com:octo/Hello.git")?;
//! assert_eq!(r.url(), "https://github.com/octo/Hello");
//! assert_eq!(r.host_path(), "github.com/octo/Hello");
//! assert_eq!(RepoUrl::split_ref("git+https://github.com/o/r@refs/heads/main"),
//!            ("git+https://github.com/o/r", Some("refs/heads/main")));
//! # Ok::<(), provenance_model::InvalidRepoUrl>(())
//! ```

use std::fmt;

/// A location that is not a repository location this module reads; the reason says why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a repository location: {reason}")]
#[non_exhaustive]
pub struct InvalidRepoUrl {
    /// Why.
    pub reason: &'static str,
}

fn invalid(reason: &'static str) -> InvalidRepoUrl {
    InvalidRepoUrl { reason }
}

/// How a location was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepoForm {
    /// `scheme://[user@]host[:port]/path`.
    Url,
    /// scp-like `[user@]host:path`.
    ScpLike,
    /// `host/path`, no scheme.
    Bare,
    /// A local path or `file://` URL.
    Local,
}

/// A repository location, read by [`RepoUrl::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoUrl {
    scheme: &'static str,
    host: String,
    port: Option<String>,
    path: String,
    userinfo: Option<String>,
    query_or_fragment: bool,
    form: RepoForm,
}

impl RepoUrl {
    /// Reads a repository location (a `@ref` suffix is not split off: see
    /// [`RepoUrl::split_ref`]).
    ///
    /// # Errors
    /// [`InvalidRepoUrl`] for empty input, whitespace, an unsupported scheme, an invalid host
    /// or no repository path.
    pub fn parse(input: &str) -> Result<Self, InvalidRepoUrl> {
        let raw = input.trim();
        let raw = raw.strip_prefix("git+").unwrap_or(raw);
        if raw.is_empty() {
            return Err(invalid("empty"));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("whitespace or a control character"));
        }
        if let Some((scheme, rest)) = raw.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            if scheme == "file" {
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                if !path.starts_with('/') {
                    return Err(invalid("a file URL needs an absolute path"));
                }
                return Self::local(path);
            }
            let out_scheme = match scheme.as_str() {
                "https" | "ssh" | "git" | "git+ssh" | "ssh+git" => "https",
                "http" => "http",
                _ => return Err(invalid("unsupported scheme")),
            };
            let (rest, query_or_fragment) = match rest.find(['?', '#']) {
                Some(i) => (rest.get(..i).unwrap_or_default(), true),
                None => (rest, false),
            };
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let (userinfo, host_port) = match authority.rsplit_once('@') {
                Some((user, host)) => (Some(user.to_owned()), host),
                None => (None, authority),
            };
            let (host, port) = split_port(host_port);
            let keep_port = matches!(
                (scheme.as_str(), port),
                ("https", Some(p)) if p != "443"
            ) || matches!((scheme.as_str(), port), ("http", Some(p)) if p != "80");
            return Ok(Self {
                scheme: out_scheme,
                host: valid_host(host)?,
                port: port.filter(|_| keep_port).map(str::to_owned),
                path: repo_path(path)?,
                userinfo,
                query_or_fragment,
                form: RepoForm::Url,
            });
        }
        if raw.starts_with('/') {
            return Self::local(raw);
        }
        let (rest, query_or_fragment) = match raw.find(['?', '#']) {
            Some(i) => (raw.get(..i).unwrap_or_default(), true),
            None => (raw, false),
        };
        let colon = rest.find(':');
        let slash = rest.find('/');
        // `host:443/o/r` is a bare location with a port, not scp-like `host:` + `443/o/r`
        let port_like = |c: usize, s: usize| {
            rest.get(c + 1..s)
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        };
        let (authority, path, form) = match (colon, slash) {
            // scp-like: the colon comes before any slash
            (Some(c), s) if s.is_none_or(|s| c < s && !port_like(c, s)) => (
                rest.get(..c).unwrap_or_default(),
                rest.get(c + 1..).unwrap_or_default(),
                RepoForm::ScpLike,
            ),
            (_, Some(s)) => (
                rest.get(..s).unwrap_or_default(),
                rest.get(s + 1..).unwrap_or_default(),
                RepoForm::Bare,
            ),
            _ => return Err(invalid("no repository path")),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((user, host)) => (Some(user.to_owned()), host),
            None => (None, authority),
        };
        let (host, port) = match form {
            // `github.com:443/o/r`
            RepoForm::Bare => split_port(host),
            _ => (host, None),
        };
        Ok(Self {
            scheme: "https",
            host: valid_host(host)?,
            port: port.filter(|p| *p != "443").map(str::to_owned),
            path: repo_path(path)?,
            userinfo,
            query_or_fragment,
            form,
        })
    }

    fn local(path: &str) -> Result<Self, InvalidRepoUrl> {
        Ok(Self {
            scheme: "file",
            host: String::new(),
            port: None,
            path: repo_path(path)?,
            userinfo: None,
            query_or_fragment: false,
            form: RepoForm::Local,
        })
    }

    /// Splits a `@ref` suffix off a location (`git+https://github.com/o/r@refs/heads/main`):
    /// the first `@` in the *path* (user information before the host is not a ref), or
    /// `None` when there is none or it is empty.
    pub fn split_ref(input: &str) -> (&str, Option<&str>) {
        let path_start = if let Some(i) = input.find("://") {
            input
                .get(i + 3..)
                .and_then(|rest| rest.find('/'))
                .map(|j| i + 3 + j)
        } else {
            let colon = input.find(':');
            let slash = input.find('/');
            match (colon, slash) {
                (Some(c), s) if s.is_none_or(|s| c < s) => Some(c + 1),
                (_, s) => s,
            }
        };
        let at = path_start.and_then(|start| {
            input
                .get(start..)
                .and_then(|p| p.find('@'))
                .map(|at| start + at)
        });
        match at {
            Some(at) => (
                input.get(..at).unwrap_or(input),
                input.get(at + 1..).filter(|r| !r.is_empty()),
            ),
            None => (input, None),
        }
    }

    /// The location as a URL: `https://host[:port]/path`, `http://...` or `file:///path`.
    pub fn url(&self) -> String {
        match self.form {
            RepoForm::Local => format!("file:///{}", self.path),
            _ => format!("{}://{}", self.scheme, self.host_path()),
        }
    }

    /// `host[:port]/path` (for a local path: `/path`): what verifiers compare.
    pub fn host_path(&self) -> String {
        match &self.port {
            Some(port) => format!("{}:{port}/{}", self.host, self.path),
            None => format!("{}/{}", self.host, self.path),
        }
    }

    /// The scheme of [`RepoUrl::url`]: `https`, `http` or `file`.
    pub fn scheme(&self) -> &str {
        self.scheme
    }
    /// The host, lowercase (empty for a local path).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The path, without leading or trailing `/` or `.git`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The user information that was dropped (`git`, `user:token` ...), if any.
    pub fn userinfo(&self) -> Option<&str> {
        self.userinfo.as_deref()
    }
    /// Whether a query or fragment was dropped.
    pub fn had_query_or_fragment(&self) -> bool {
        self.query_or_fragment
    }
    /// How the location was written.
    pub fn form(&self) -> RepoForm {
        self.form
    }
}

impl fmt::Display for RepoUrl {
    /// As [`RepoUrl::url`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

fn split_port(host_port: &str) -> (&str, Option<&str>) {
    match host_port.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        _ => (host_port, None),
    }
}

fn valid_host(host: &str) -> Result<String, InvalidRepoUrl> {
    let ok = !host.is_empty()
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':')
        });
    if ok {
        Ok(host.to_ascii_lowercase())
    } else {
        Err(invalid("invalid host"))
    }
}

/// Removes leading and trailing `/`, then one `.git` suffix, then trailing `/` again.
fn repo_path(path: &str) -> Result<String, InvalidRepoUrl> {
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return Err(invalid("no repository path"));
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real-world forms: (input, url, `host_path`, userinfo dropped, query/fragment dropped).
    #[test]
    #[expect(clippy::too_many_lines, reason = "one table of cases")]
    fn real_world_forms() {
        let cases: &[(&str, &str, &str, Option<&str>, bool)] = &[
            (
                "git+https://github.com/o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "https://github.com/o/r.git",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "https://github.com/o/r/",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "https://github.com/o/r.git/",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "git@github.com:o/r.git",
                "https://github.com/o/r",
                "github.com/o/r",
                Some("git"),
                false,
            ),
            (
                "github.com:o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "ssh://git@github.com/o/r.git",
                "https://github.com/o/r",
                "github.com/o/r",
                Some("git"),
                false,
            ),
            (
                "git+ssh://git@gitlab.example.com:2222/g/sub/p.git",
                "https://gitlab.example.com/g/sub/p",
                "gitlab.example.com/g/sub/p",
                Some("git"),
                false,
            ),
            (
                "HTTPS://GitHub.COM/Octo/Hello",
                "https://github.com/Octo/Hello",
                "github.com/Octo/Hello",
                None,
                false,
            ),
            (
                "https://x-access-token:s3cr3t@github.com/o/r.git",
                "https://github.com/o/r",
                "github.com/o/r",
                Some("x-access-token:s3cr3t"),
                false,
            ),
            (
                "https://git.example.com:8443/o/r",
                "https://git.example.com:8443/o/r",
                "git.example.com:8443/o/r",
                None,
                false,
            ),
            (
                "https://github.com:443/o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "http://bitbucket.org/ws/repo",
                "http://bitbucket.org/ws/repo",
                "bitbucket.org/ws/repo",
                None,
                false,
            ),
            (
                "git://example.org/o/r.git",
                "https://example.org/o/r",
                "example.org/o/r",
                None,
                false,
            ),
            (
                "https://github.com/o/r.git?x=1#frag",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                true,
            ),
            (
                "github.com/o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "github.com:443/o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                None,
                false,
            ),
            (
                "git@github.com/o/r",
                "https://github.com/o/r",
                "github.com/o/r",
                Some("git"),
                false,
            ),
            (
                "/srv/git/r.git",
                "file:///srv/git/r",
                "/srv/git/r",
                None,
                false,
            ),
            (
                "file:///srv/git/r.git",
                "file:///srv/git/r",
                "/srv/git/r",
                None,
                false,
            ),
        ];
        for (input, url, host_path, userinfo, query) in cases {
            let r = RepoUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(r.url(), *url, "{input}");
            assert_eq!(r.host_path(), *host_path, "{input}");
            assert_eq!(r.userinfo(), *userinfo, "{input}");
            assert_eq!(r.had_query_or_fragment(), *query, "{input}");
        }
    }

    #[test]
    fn refused_forms() {
        for input in [
            "",
            "   ",
            "not a url",
            "ftp://example.org/r",
            "https://github.com/",
            "https://github.com",
            "file://relative",
            "https://bad host/o/r",
            "noslash",
        ] {
            assert!(RepoUrl::parse(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn refs_are_split_after_the_host() {
        let cases = [
            (
                "git+https://github.com/o/r@refs/heads/main",
                ("git+https://github.com/o/r", Some("refs/heads/main")),
            ),
            (
                "git+https://tok@github.com/o/r@refs/tags/v1",
                ("git+https://tok@github.com/o/r", Some("refs/tags/v1")),
            ),
            (
                "git@github.com:o/r.git@v1",
                ("git@github.com:o/r.git", Some("v1")),
            ),
            ("github.com/o/r@main", ("github.com/o/r", Some("main"))),
            ("https://github.com/o/r@", ("https://github.com/o/r", None)),
            ("https://github.com/o/r", ("https://github.com/o/r", None)),
        ];
        for (input, expected) in cases {
            assert_eq!(RepoUrl::split_ref(input), expected, "{input}");
        }
    }
}
