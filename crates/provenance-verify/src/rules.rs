//! The matching primitives expectations are built from: source repositories, git refs,
//! builder ids (slsa-verifier's spellings), semantic-version tags and artifact name patterns.
//! Everything compares exactly after normalisation; nothing matches by prefix.

use provenance_model::{RepoForm, RepoUrl};

use crate::error::{Error, Result};

/// A source repository, normalised to `host/path` (host lowercase, no scheme, no `git+`, no
/// trailing `.git` or `/`). The path keeps its case and is compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRepo(String);

impl SourceRepo {
    /// Parses `github.com/o/r`, `https://github.com/o/r`, `git+https://github.com/o/r.git` (and
    /// `git+ssh://git@host/o/r`, `git@host:o/r.git`, `http://`), as
    /// [`provenance_model::RepoUrl`] reads them. A `@ref` suffix is refused here: see
    /// [`SourceRepo::split_uri`].
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for anything that is not a plain repository location.
    pub fn parse(input: &str) -> Result<Self> {
        // The workspace's one reading of repository locations (provenance-model's
        // `RepoUrl`), compared by `host/path`; a verifier refuses what is ambiguous.
        let bad = |reason: &str| Error::setting("source repository", input, reason);
        let url = RepoUrl::parse(input).map_err(|e| bad(e.reason))?;
        if url.form() == RepoForm::Local {
            return Err(bad("unsupported scheme"));
        }
        // `git@github.com` userinfo (ssh) is dropped; anything else with `@` is refused.
        if url.userinfo().is_some_and(|u| u != "git") {
            return Err(bad("user information is not allowed"));
        }
        let path = url.path();
        if url.had_query_or_fragment() || path.contains(['@', '\\']) {
            return Err(bad("query, fragment, `@`, backslash or space in the path"));
        }
        if path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            return Err(bad("empty, `.` or `..` path segment"));
        }
        Ok(Self(url.host_path()))
    }

    /// Splits a resolved-dependency or config-source URI such as
    /// `git+https://github.com/o/r@refs/heads/main` into the repository and the ref (if any;
    /// [`RepoUrl::split_ref`]).
    ///
    /// # Errors
    /// As [`SourceRepo::parse`].
    pub fn split_uri(uri: &str) -> Result<(Self, Option<String>)> {
        let (repo, reference) = RepoUrl::split_ref(uri);
        Ok((Self::parse(repo)?, reference.map(str::to_owned)))
    }

    /// The normalised `host/path`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SourceRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the source ref must be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefExpectation {
    /// Exactly this full ref (`refs/heads/main`, `refs/tags/v1.2.3`).
    Exact(String),
    /// `refs/tags/<tag>`.
    Tag(String),
    /// `refs/heads/<branch>`.
    Branch(String),
    /// A tag matching slsa-verifier's `--source-versioned-tag`: `v1` accepts any `v1.x.y`,
    /// `v1.2` any `v1.2.y`, `v1.2.3` exactly that version; the pre-release must be equal
    /// (so `v1` does not accept `v1.5.0-rc.1`); build metadata is compared only when given.
    VersionedTag(SemVer),
}

impl RefExpectation {
    /// Whether `actual` (a full ref such as `refs/tags/v1.2.3`) satisfies this expectation.
    pub fn matches(&self, actual: &str) -> bool {
        match self {
            Self::Exact(r) => r == actual,
            Self::Tag(t) => actual.strip_prefix("refs/tags/") == Some(t.as_str()),
            Self::Branch(b) => actual.strip_prefix("refs/heads/") == Some(b.as_str()),
            Self::VersionedTag(expected) => actual
                .strip_prefix("refs/tags/")
                .and_then(|t| SemVer::parse(t).ok())
                .is_some_and(|got| expected.accepts(&got)),
        }
    }

    /// The expectation as text, for reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Exact(r) => r.clone(),
            Self::Tag(t) => format!("refs/tags/{t}"),
            Self::Branch(b) => format!("refs/heads/{b}"),
            Self::VersionedTag(v) => format!("refs/tags/{} (semver)", v.text),
        }
    }
}

/// A semantic version tag in Go's `x/mod/semver` syntax: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`
/// (the shorthands `v1` and `v1.2` carry no pre-release or build). Parsed and compared with the
/// `semver` crate: an expected `v1` / `v1.2` is semver's exact comparator `=1` / `=1.2`
/// (any `1.x.y` / `1.2.y` with no pre-release), a full version is `=1.2.3[-PRE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemVer {
    text: String,
    /// The version, with the shorthand's missing parts as 0 (`v1` is `1.0.0`).
    version: semver::Version,
    /// How many of MAJOR.MINOR.PATCH were written (1 to 3).
    parts: u8,
}

impl SemVer {
    /// Parses a tag such as `v1.2.3-rc.1+build.5`.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] when it is not a semantic version.
    pub fn parse(tag: &str) -> Result<Self> {
        let bad = || {
            Error::setting(
                "semver tag",
                tag,
                "not vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]",
            )
        };
        let rest = tag.strip_prefix('v').ok_or_else(bad)?;
        let core_len = rest.find(['-', '+']).unwrap_or(rest.len());
        let dots = rest
            .get(..core_len)
            .map_or(0, |core| core.matches('.').count());
        let (full, parts) = match dots {
            // The shorthands carry no pre-release or build metadata.
            0 if core_len == rest.len() => (format!("{rest}.0.0"), 1),
            1 if core_len == rest.len() => (format!("{rest}.0"), 2),
            2 => (rest.to_owned(), 3),
            _ => return Err(bad()),
        };
        let version = semver::Version::parse(&full).map_err(|_| bad())?;
        Ok(Self {
            text: tag.to_owned(),
            version,
            parts,
        })
    }

    /// semver's exact comparator for this expected version.
    fn comparator(&self) -> semver::Comparator {
        let v = &self.version;
        semver::Comparator {
            op: semver::Op::Exact,
            major: v.major,
            minor: (self.parts >= 2).then_some(v.minor),
            patch: (self.parts >= 3).then_some(v.patch),
            pre: v.pre.clone(),
        }
    }

    /// Whether this expected version accepts `got` (see [`RefExpectation::VersionedTag`]):
    /// semver's exact comparator, and the build metadata when this one names it.
    pub fn accepts(&self, got: &Self) -> bool {
        self.comparator().matches(&got.version)
            && (self.version.build.is_empty() || self.version.build == got.version.build)
    }

    /// Whether it is a full `vMAJOR.MINOR.PATCH` version (with or without pre-release).
    pub fn is_full(&self) -> bool {
        self.parts == 3
    }

    /// The tag as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A builder id in slsa-verifier's `name[@version]` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderId {
    name: String,
    version: Option<String>,
}

impl BuilderId {
    /// Parses `https://…/builder.yml`, `…@v2.1.0` or `…@refs/tags/v2.1.0`.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for an empty name or version, or more than one `@`.
    pub fn parse(id: &str) -> Result<Self> {
        let bad = |reason: &str| Error::setting("builder id", id, reason);
        let (name, version) = match id.split_once('@') {
            Some((n, v)) => {
                if v.is_empty() || v.contains('@') {
                    return Err(bad("empty version or more than one `@`"));
                }
                (n, Some(v.to_owned()))
            }
            None => (id, None),
        };
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(bad("empty or contains spaces"));
        }
        Ok(Self {
            name: name.to_owned(),
            version,
        })
    }

    /// The part before `@`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The part after `@`, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// slsa-verifier's loose match of this *expected* id against the `actual` builder: names
    /// equal; an expected version, when given, equals the actual one or `refs/tags/<version>`.
    pub fn matches_loose(&self, actual: &Self) -> bool {
        if self.name != actual.name {
            return false;
        }
        match (&self.version, &actual.version) {
            (None, _) => true,
            (Some(want), Some(got)) => {
                want == got || got.strip_prefix("refs/tags/") == Some(want.as_str())
            }
            (Some(_), None) => false,
        }
    }
}

impl std::fmt::Display for BuilderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{}@{v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A rule naming builders a root of trust may sign for, or that an artifact must come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuilderRule {
    /// Any builder.
    Any,
    /// slsa-verifier's spelling: `name`, `name@v1.2.3` or `name@refs/tags/v1.2.3`.
    Id(BuilderId),
    /// This builder at a full semantic-version tag: `name@refs/tags/vX.Y.Z`.
    AtSemverTag(String),
}

impl BuilderRule {
    /// Parses `*`, `NAME[@VERSION]`, or `NAME@semver` (this builder at any `refs/tags/vX.Y.Z`).
    ///
    /// # Errors
    /// As [`BuilderId::parse`].
    pub fn parse(rule: &str) -> Result<Self> {
        if rule == "*" {
            return Ok(Self::Any);
        }
        if let Some(name) = rule.strip_suffix("@semver") {
            return Ok(Self::AtSemverTag(BuilderId::parse(name)?.name));
        }
        Ok(Self::Id(BuilderId::parse(rule)?))
    }

    /// Whether the actual builder id satisfies the rule.
    pub fn matches(&self, actual: &BuilderId) -> bool {
        match self {
            Self::Any => true,
            Self::Id(id) => id.matches_loose(actual),
            Self::AtSemverTag(name) => {
                *name == actual.name
                    && actual
                        .version
                        .as_deref()
                        .and_then(|v| v.strip_prefix("refs/tags/"))
                        .and_then(|t| SemVer::parse(t).ok())
                        .is_some_and(|v| v.is_full())
            }
        }
    }

    /// The rule as text.
    pub fn describe(&self) -> String {
        match self {
            Self::Any => "*".to_owned(),
            Self::Id(id) => id.to_string(),
            Self::AtSemverTag(name) => format!("{name}@refs/tags/vX.Y.Z"),
        }
    }
}

/// The slsa-github-generator workflows slsa-verifier trusts as builders by default.
const SLSA_GITHUB_GENERATOR: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/";
const SLSA_GITHUB_BUILDERS: &[&str] = &[
    "generator_generic_slsa3.yml",
    "generator_container_slsa3.yml",
    "builder_go_slsa3.yml",
    "builder_container-based_slsa3.yml",
    "builder_nodejs_slsa3.yml",
    "builder_maven_slsa3.yml",
    "builder_gradle_slsa3.yml",
];
const SLSA_GITHUB_DELEGATORS: &[&str] = &[
    "delegator_generic_slsa3.yml",
    "delegator_lowperms-generic_slsa3.yml",
];

/// Whether `id` is one of slsa-github-generator's own builders at a semver tag: such a signer
/// is trusted as the builder it names without `--builder-id` (as slsa-verifier does).
pub fn is_default_trusted_builder(id: &BuilderId) -> bool {
    github_generator_workflow(id, SLSA_GITHUB_BUILDERS)
}

/// Whether `id` is one of slsa-github-generator's delegator workflows at a semver tag: such a
/// signer vouches for the `builder.id` of the statement it signs (BYOB).
pub fn is_trusted_delegator(id: &BuilderId) -> bool {
    github_generator_workflow(id, SLSA_GITHUB_DELEGATORS)
}

fn github_generator_workflow(id: &BuilderId, names: &[&str]) -> bool {
    id.name
        .strip_prefix(SLSA_GITHUB_GENERATOR)
        .is_some_and(|file| names.contains(&file))
        && BuilderRule::AtSemverTag(id.name.clone()).matches(id)
}

pub use crate::pattern::NamePattern;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_spellings_normalise_to_one() {
        for s in [
            "github.com/o/r",
            "https://github.com/o/r",
            "git+https://github.com/o/r.git",
            "https://GitHub.com/o/r/",
            "git+ssh://git@github.com/o/r.git",
        ] {
            assert_eq!(
                SourceRepo::parse(s).unwrap().as_str(),
                "github.com/o/r",
                "{s}"
            );
        }
        assert_ne!(
            SourceRepo::parse("github.com/o/R").unwrap(),
            SourceRepo::parse("github.com/o/r").unwrap()
        );
        assert_ne!(
            SourceRepo::parse("github.com/o/r-evil").unwrap(),
            SourceRepo::parse("github.com/o/r").unwrap()
        );
        for bad in [
            "github.com",
            "github.com/o/../r",
            "https://u:p@github.com/o/r",
            "github.com/o/r?x",
            "ftp://h/o",
        ] {
            assert!(SourceRepo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uri_with_ref_splits() {
        let (repo, r) =
            SourceRepo::split_uri("git+https://github.com/o/r@refs/heads/main").unwrap();
        assert_eq!(repo.as_str(), "github.com/o/r");
        assert_eq!(r.as_deref(), Some("refs/heads/main"));
        let (repo, r) = SourceRepo::split_uri("git+ssh://git@github.com/o/r.git").unwrap();
        assert_eq!(repo.as_str(), "github.com/o/r");
        assert_eq!(r, None);
    }

    #[test]
    fn builder_id_spellings_as_slsa_verifier() {
        let actual = BuilderId::parse("https://x/b.yml@refs/tags/v2.1.0").unwrap();
        for ok in [
            "https://x/b.yml",
            "https://x/b.yml@v2.1.0",
            "https://x/b.yml@refs/tags/v2.1.0",
        ] {
            assert!(BuilderId::parse(ok).unwrap().matches_loose(&actual), "{ok}");
        }
        for bad in [
            "https://x/b.ym",
            "https://x/b.yml@v2.1",
            "https://x/b.yml@refs/heads/v2.1.0",
            "https://x/b.yml/x",
        ] {
            assert!(
                !BuilderId::parse(bad).unwrap().matches_loose(&actual),
                "{bad}"
            );
        }
        assert!(BuilderId::parse("a@b@c").is_err());
    }

    #[test]
    fn semver_tag_rule() {
        let rule = BuilderRule::parse("https://x/b.yml@semver").unwrap();
        assert!(rule.matches(&BuilderId::parse("https://x/b.yml@refs/tags/v2.1.0").unwrap()));
        assert!(!rule.matches(&BuilderId::parse("https://x/b.yml@refs/heads/main").unwrap()));
        assert!(!rule.matches(&BuilderId::parse("https://x/b.yml@refs/tags/v2").unwrap()));
        assert!(!rule.matches(&BuilderId::parse("https://x/b.yml").unwrap()));
        assert!(is_default_trusted_builder(&BuilderId::parse("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0").unwrap()));
        assert!(!is_default_trusted_builder(&BuilderId::parse("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/heads/main").unwrap()));
    }

    #[test]
    fn versioned_tag_semantics() {
        let accepts = |want: &str, got: &str| {
            RefExpectation::VersionedTag(SemVer::parse(want).unwrap())
                .matches(&format!("refs/tags/{got}"))
        };
        assert!(accepts("v1", "v1.5.0"));
        assert!(accepts("v1.5", "v1.5.3"));
        assert!(accepts("v1.5.0", "v1.5.0"));
        assert!(accepts("v14", "v14"));
        assert!(!accepts("v1", "v2.0.0"));
        assert!(!accepts("v1.4", "v1.5.0"));
        assert!(!accepts("v1.5.1", "v1.5.0"));
        assert!(!accepts("v1.5.0", "v1.5.0-rc.1"));
        assert!(accepts("v1.5.0", "v1.5.0+build"));
        assert!(!accepts("v1.5.0", "main"));
        assert!(SemVer::parse("v01.2.3").is_err());
        assert!(SemVer::parse("1.2.3").is_err());
        assert!(SemVer::parse("v1.2-rc").is_err());
        assert!(SemVer::parse("v1+b").is_err());
        assert!(SemVer::parse("v1.2.3.4").is_err());
        assert!(SemVer::parse("v1.2.3-01").is_err());
        assert!(SemVer::parse("v").is_err());
        assert!(SemVer::parse("v1.").is_err());
        assert!(accepts("v1.5.0-rc.1", "v1.5.0-rc.1"));
        assert!(!accepts("v1.5.0-rc.1", "v1.5.0-rc.2"));
        assert!(!accepts("v1.5.0+b1", "v1.5.0+b2"));
        assert!(accepts("v1.5.0+b1", "v1.5.0+b1"));
        assert!(!accepts("v1.5", "v1.5.3-rc.1"));
        assert!(SemVer::parse("v1.2.3").unwrap().is_full());
        assert!(!SemVer::parse("v1.2").unwrap().is_full());
    }

    #[test]
    fn refs() {
        assert!(RefExpectation::Tag("v1".into()).matches("refs/tags/v1"));
        assert!(!RefExpectation::Tag("v1".into()).matches("refs/heads/v1"));
        assert!(!RefExpectation::Branch("main".into()).matches("refs/heads/main2"));
        assert!(RefExpectation::Branch("main".into()).matches("refs/heads/main"));
    }
}
