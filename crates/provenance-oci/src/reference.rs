//! Image references: `oci://REGISTRY/REPO@sha256:HEX` and `oci://REGISTRY/REPO:TAG`.
//!
//! The grammar is docker's reference grammar (distribution `reference/regexp.go`), with the
//! registry always explicit (no implied `docker.io`, no implied `library/`):
//!
//! ```text
//! reference  := ["oci://"] registry "/" repository [":" tag] ["@" digest]   (tag or digest required)
//! registry   := host [":" port]            host: DNS labels joined by ".", or "[" IPv6 "]"
//! repository := component ("/" component)*  component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
//! tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! ```

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::{Error, OciDigest};

/// Longest accepted reference (registry + repository + tag + digest), in bytes.
pub const MAX_REFERENCE_LEN: usize = 1024;
/// Longest repository name docker accepts.
const MAX_REPOSITORY_LEN: usize = 255;

/// A registry host with an optional port, e.g. `ghcr.io` or `127.0.0.1:5000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Registry(String);

impl Registry {
    /// The `host[:port]` text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host without the port (IPv6 without brackets).
    pub fn host(&self) -> &str {
        if let Some(rest) = self.0.strip_prefix('[') {
            return rest.split(']').next().unwrap_or(rest);
        }
        self.0.split(':').next().unwrap_or(&self.0)
    }

    /// Whether the host is loopback (`localhost`, `127.0.0.0/8`, `::1`): the only hosts
    /// plain HTTP is used for without an explicit opt-in.
    pub fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Registry {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = |reason: &str| invalid(s, reason);
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (v6, after) = rest
                .split_once(']')
                .ok_or_else(|| bad("registry: unclosed `[` in IPv6 host"))?;
            if v6.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(bad("registry: not an IPv6 address inside `[...]`"));
            }
            match after {
                "" => (v6, None),
                p => (
                    v6,
                    Some(
                        p.strip_prefix(':')
                            .ok_or_else(|| bad("registry: expected `:port` after `]`"))?,
                    ),
                ),
            }
        } else {
            match s.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (s, None),
            }
        };
        if !s.starts_with('[') {
            if host.is_empty() {
                return Err(bad("registry: empty host"));
            }
            for label in host.split('.') {
                let ok = !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-');
                if !ok {
                    return Err(bad("registry: host is not a DNS name or IP address"));
                }
            }
        }
        if let Some(port) = port
            && (port.is_empty()
                || port.len() > 5
                || !port.bytes().all(|b| b.is_ascii_digit())
                || port.parse::<u16>().is_err())
        {
            return Err(bad("registry: port is not a number in 0..=65535"));
        }
        Ok(Self(s.to_owned()))
    }
}

/// A repository path inside a registry, e.g. `org/app` (lower-case components).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repository(String);

impl Repository {
    /// The path text, as used in `/v2/<name>/...`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn valid_component(c: &str) -> bool {
    // [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.first().is_none_or(|&x| !alnum(x)) || b.last().is_none_or(|&x| !alnum(x)) {
        return false;
    }
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if alnum(x) {
            i += 1;
            continue;
        }
        // a separator run
        let start = i;
        while b.get(i).is_some_and(|&y| !alnum(y)) {
            i += 1;
        }
        let sep = c.get(start..i).unwrap_or("");
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|y| y == b'-');
        if !ok {
            return false;
        }
    }
    true
}

impl FromStr for Repository {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(invalid(s, "repository: empty"));
        }
        if s.len() > MAX_REPOSITORY_LEN {
            return Err(invalid(s, "repository: longer than 255 characters"));
        }
        if !s.split('/').all(valid_component) {
            return Err(invalid(
                s,
                "repository: each path component must be lower-case letters and digits, \
                 separated by `.`, `_`, `__` or dashes",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// A tag, e.g. `v1.2.3` or `latest`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    /// The tag text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Tag {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let ok = s.len() <= 128
            && s.as_bytes().first().is_some_and(|&b| word(b))
            && s.bytes().all(|b| word(b) || b == b'.' || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid(
                s,
                "tag: 1 to 128 of [A-Za-z0-9_.-], not starting with `.` or `-`",
            ))
        }
    }
}

/// A validated image reference: registry, repository and a tag and/or digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageReference {
    registry: Registry,
    repository: Repository,
    tag: Option<Tag>,
    digest: Option<OciDigest>,
}

impl ImageReference {
    /// A reference by digest.
    pub fn with_digest(registry: Registry, repository: Repository, digest: OciDigest) -> Self {
        Self {
            registry,
            repository,
            tag: None,
            digest: Some(digest),
        }
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The repository.
    pub fn repository(&self) -> &Repository {
        &self.repository
    }

    /// The tag, when given.
    pub fn tag(&self) -> Option<&Tag> {
        self.tag.as_ref()
    }

    /// The digest, when given (it wins over the tag).
    pub fn digest(&self) -> Option<&OciDigest> {
        self.digest.as_ref()
    }

    /// `REGISTRY/REPO`: the subject name actions/attest writes for an image.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The manifest reference to ask the registry for: the digest if known, else the tag.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.to_string(),
            // the constructor and the parser never build a reference with neither
            (None, None) => "latest".to_owned(),
        }
    }
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "oci://{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

fn invalid(input: &str, reason: &str) -> Error {
    Error::InvalidReference {
        input: input.chars().take(200).collect(),
        reason: reason.to_owned(),
    }
}

impl FromStr for ImageReference {
    type Err = Error;

    /// Parse `[oci://]REGISTRY/REPO[:TAG][@DIGEST]`; a tag or a digest is required.
    fn from_str(input: &str) -> Result<Self, Error> {
        if input.len() > MAX_REFERENCE_LEN {
            return Err(invalid(input, "longer than 1024 bytes"));
        }
        let s = input.strip_prefix("oci://").unwrap_or(input);
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.parse::<OciDigest>()?)),
            None => (s, None),
        };
        let (registry, path) = rest
            .split_once('/')
            .ok_or_else(|| invalid(input, "expected REGISTRY/REPOSITORY"))?;
        let registry: Registry = registry.parse().map_err(|e| rewrap(input, e))?;
        // a tag follows the last `:` after the last `/`
        let last = path.rsplit('/').next().unwrap_or(path);
        let (repo, tag) = match last.rsplit_once(':') {
            Some((_, t)) => {
                let cut = path.len().saturating_sub(t.len() + 1);
                (path.get(..cut).unwrap_or(path), Some(t))
            }
            None => (path, None),
        };
        let repository: Repository = repo.parse().map_err(|e| rewrap(input, e))?;
        let tag = tag
            .map(str::parse::<Tag>)
            .transpose()
            .map_err(|e| rewrap(input, e))?;
        if tag.is_none() && digest.is_none() {
            return Err(invalid(
                input,
                "neither a tag (`:TAG`) nor a digest (`@sha256:HEX`) given",
            ));
        }
        Ok(Self {
            registry,
            repository,
            tag,
            digest,
        })
    }
}

fn rewrap(input: &str, e: Error) -> Error {
    match e {
        Error::InvalidReference { reason, .. } => invalid(input, &reason),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[test]
    fn parses_digest_and_tag_forms() {
        let r: ImageReference = format!("oci://ghcr.io/org/app@{D}").parse().unwrap();
        assert_eq!(r.registry().as_str(), "ghcr.io");
        assert_eq!(r.repository().as_str(), "org/app");
        assert_eq!(r.digest().unwrap().to_string(), D);
        assert_eq!(r.tag(), None);
        assert_eq!(r.name(), "ghcr.io/org/app");
        assert_eq!(r.to_string(), format!("oci://ghcr.io/org/app@{D}"));

        let r: ImageReference = "oci://127.0.0.1:5000/a/b/c:v1.2.3".parse().unwrap();
        assert_eq!(r.registry().as_str(), "127.0.0.1:5000");
        assert_eq!(r.registry().host(), "127.0.0.1");
        assert!(r.registry().is_loopback());
        assert_eq!(r.repository().as_str(), "a/b/c");
        assert_eq!(r.tag().unwrap().as_str(), "v1.2.3");
        assert_eq!(r.manifest_reference(), "v1.2.3");

        let r: ImageReference = format!("localhost:5000/app:1@{D}").parse().unwrap();
        assert_eq!(r.manifest_reference(), D, "the digest wins over the tag");

        let r: ImageReference = format!("[::1]:5000/my_app.x__y--z@{D}").parse().unwrap();
        assert_eq!(r.registry().host(), "::1");
        assert!(r.registry().is_loopback());
        assert!(!"ghcr.io".parse::<Registry>().unwrap().is_loopback());
    }

    #[test]
    fn rejects_with_the_field_named() {
        for (input, reason) in [
            ("oci://ghcr.io/org/app", "neither a tag"),
            ("oci://ghcr.io", "expected REGISTRY/REPOSITORY"),
            ("oci://ghcr.io/Org/app:1", "repository: each path component"),
            (
                "oci://ghcr.io/org//app:1",
                "repository: each path component",
            ),
            (
                "oci://ghcr.io/org/app.:1",
                "repository: each path component",
            ),
            (
                "oci://ghcr.io/org/a..b:1",
                "repository: each path component",
            ),
            ("oci://ghcr.io/org/app:-x", "tag:"),
            ("oci://ghcr.io/org/app:", "tag:"),
            ("oci://gh_cr.io/org/app:1", "registry: host"),
            ("oci://-ghcr.io/org/app:1", "registry: host"),
            ("oci://ghcr.io:99999/org/app:1", "registry: port"),
            ("oci://ghcr.io:/org/app:1", "registry: port"),
            ("oci://[zz]:1/org/app:1", "registry: not an IPv6"),
            ("oci://ghcr.io/org/app@sha256:00", "wrong length"),
        ] {
            let err = input.parse::<ImageReference>().unwrap_err().to_string();
            assert!(err.contains(reason), "{input}: {err}");
        }
        let long = format!("oci://ghcr.io/{}:1", "a".repeat(300));
        let err = long.parse::<ImageReference>().unwrap_err().to_string();
        assert!(err.contains("longer than 255"), "{err}");
        let longer = format!("oci://ghcr.io/{}:1", "a/".repeat(600));
        let err = longer.parse::<ImageReference>().unwrap_err().to_string();
        assert!(err.contains("longer than 1024"), "{err}");
    }

    #[test]
    fn components_follow_docker_grammar() {
        for ok in ["a", "a0", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b-c_d"] {
            assert!(valid_component(ok), "{ok}");
        }
        for bad in ["", "A", ".a", "a.", "a..b", "a___b", "a._b", "-a", "a-"] {
            assert!(!valid_component(bad), "{bad}");
        }
    }
}
