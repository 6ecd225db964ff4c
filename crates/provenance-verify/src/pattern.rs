//! Artifact names and the policy patterns that select expectations by name.
//!
//! A policy pattern is matched against one normalised spelling of the artifact's name, so
//! `dist/app.tar.gz`, `./dist/app.tar.gz`, `dist//app.tar.gz` and `$PWD/dist/app.tar.gz` are one
//! name: see [`normalise_path`]. Patterns are [`globset`] globs compiled to the `regex` crate's
//! automata, so matching takes time linear in the name whatever the pattern.

use std::path::{Component, Path, PathBuf};

use globset::{Candidate, GlobBuilder, GlobMatcher};

use crate::error::{Error, Result};

/// An artifact name pattern: `*` matches within one path segment (never a `/`), `**` as a whole
/// segment any number of segments, `?` one character, `[abc]` one of a class and `{a,b}` one of
/// alternatives (globset syntax, `\` escapes). Patterns and names are normalised first (`./` and
/// `//` removed); a name with a `..` segment never matches. A pattern starting with `/` matches
/// only absolute names (artifacts outside the working directory); matching is over the whole
/// name.
#[derive(Debug, Clone)]
pub struct NamePattern {
    text: String,
    matcher: GlobMatcher,
}

impl PartialEq for NamePattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for NamePattern {}

impl NamePattern {
    /// Parses a pattern.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for an empty pattern, one with a `..` segment, or one globset
    /// refuses (an unclosed `[` or `{`, for instance).
    pub fn parse(pattern: &str) -> Result<Self> {
        let normalised = normalise_name(pattern)
            .ok_or_else(|| Error::setting("pattern", pattern, "empty or has a `..` segment"))?;
        let glob = GlobBuilder::new(&normalised)
            .literal_separator(true)
            .backslash_escape(true)
            .empty_alternates(true)
            .build()
            .map_err(|e| Error::setting("pattern", pattern, e.kind().to_string()))?;
        Ok(Self {
            text: pattern.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Whether the artifact name matches the whole pattern (the name is normalised first).
    pub fn matches(&self, name: &str) -> bool {
        normalise_name(name).is_some_and(|name| {
            self.matcher
                .is_match_candidate(&Candidate::new(Path::new(&name)))
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The segments of a name: `\` read as `/`, `.` and empty segments dropped; `None` for a name
/// with a `..` segment or no segment at all.
pub fn name_segments(name: &str) -> Option<Vec<String>> {
    let name = name.replace('\\', "/");
    let mut out = Vec::new();
    for seg in name.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => out.push(s.to_owned()),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A name in the one spelling patterns are matched against: its segments (see
/// [`name_segments`]) joined by `/`, with a leading `/` kept for absolute names.
pub fn normalise_name(name: &str) -> Option<String> {
    let absolute = name.starts_with('/') || name.starts_with('\\');
    let joined = name_segments(name)?.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// The name policy patterns see for a path given on a command line: made absolute against
/// `cwd`, `.` and `..` resolved lexically (symbolic links are not followed: the name is the
/// path as written, not the file it leads to), then made relative to `cwd` again when it lies
/// inside it (`$PWD/dist/app.tar.gz` and `./dist/app.tar.gz` are `dist/app.tar.gz`). A path
/// outside `cwd` keeps its absolute spelling. Without a `cwd`, only the lexical steps apply.
pub fn normalise_path(path: &Path, cwd: Option<&Path>) -> String {
    let joined: PathBuf = match cwd {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let normal = lexical(&joined);
    if let Some(cwd) = cwd {
        let cwd = lexical(cwd);
        if let Ok(rest) = normal.strip_prefix(&cwd)
            && !rest.as_os_str().is_empty()
        {
            return slashes(rest);
        }
    }
    slashes(&normal)
}

/// Resolves `.` and `..` without touching the file system; `..` at the root stays at the root,
/// and a leading `..` of a relative path is kept.
fn lexical(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The directories a command line's relative paths are read against: the process's working
/// directory, and `$PWD` when it names the same directory by another spelling (a shell that
/// entered it through a symbolic link), so that `$PWD/dist/x` is recognised as `dist/x`.
pub fn working_directories() -> Vec<PathBuf> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let mut out = vec![cwd.clone()];
    if let Some(pwd) = std::env::var_os("PWD").map(PathBuf::from)
        && pwd.is_absolute()
        && pwd != cwd
        && std::fs::canonicalize(&pwd).ok() == std::fs::canonicalize(&cwd).ok()
    {
        out.push(pwd);
    }
    out
}

/// [`normalise_path`] against each of `cwds` (see [`working_directories`]): the first spelling
/// that is relative wins, else the absolute one against the first.
pub fn name_for_path(path: &Path, cwds: &[PathBuf]) -> String {
    let mut first = None;
    for cwd in cwds {
        let name = normalise_path(path, Some(cwd));
        if !name.starts_with('/') {
            return name;
        }
        first.get_or_insert(name);
    }
    first.unwrap_or_else(|| normalise_path(path, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_keep_segments() {
        for (pattern, name, want) in [
            ("dist/*.tar.gz", "dist/app.tar.gz", true),
            ("dist/*.tar.gz", "./dist//app.tar.gz", true),
            ("dist/*.tar.gz", "dist/sub/app.tar.gz", false),
            ("dist/*.tar.gz", "dist/app.tar.gz.evil", false),
            ("dist/*.tar.gz", "dist/../etc/app.tar.gz", false),
            ("dist/*.tar.gz", "/dist/app.tar.gz", false),
            ("build", "build-evil", false),
            ("build", "build", true),
            ("foo/**", "foo/a/b", true),
            ("foo/**", "./foo/../bar", false),
            ("dist/**/*.whl", "dist/a/b/c.whl", true),
            ("dist/**/*.whl", "dist/c.whl", true),
            ("**/x", "a/b/x", true),
            ("**/x", "a/b/y", false),
            ("a/**/b/**/c", "a/b/x/c", true),
            ("a/**/b/**/c", "a/x/c", false),
            ("*", "abc", true),
            ("*", "a/b", false),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("*.tar.gz", "x.tar.gz.sig", false),
            ("*ab*ab", "xabyab", true),
            ("*ab*ab", "xabyaby", false),
            ("/srv/*.tgz", "/srv/a.tgz", true),
            ("/srv/*.tgz", "srv/a.tgz", false),
            ("{a,b}.tgz", "b.tgz", true),
            ("[ab].tgz", "c.tgz", false),
        ] {
            assert_eq!(
                NamePattern::parse(pattern).unwrap().matches(name),
                want,
                "{pattern} {name}"
            );
        }
        assert!(NamePattern::parse("../x").is_err());
        assert!(NamePattern::parse("").is_err());
        let err = NamePattern::parse("dist/[a").unwrap_err().to_string();
        assert!(err.contains("pattern"), "{err}");
    }

    /// R6: adversarial names against many stars are answered (linear-time automata); the
    /// outcome is asserted, not the time.
    #[test]
    fn star_heavy_patterns_are_exact() {
        let dashes = "-".repeat(5000);
        for pattern in ["dist/*-*-*-*-*.tar.gz", "dist/*-*-*-*-*-*-*-*x"] {
            let p = NamePattern::parse(pattern).unwrap();
            assert!(!p.matches(&format!("dist/{dashes}")), "{pattern}");
        }
        let p = NamePattern::parse("**/**/**/**/**/x").unwrap();
        assert!(!p.matches(&vec!["a"; 2000].join("/")));
        let p = NamePattern::parse("dist/*-*-*-*-*.tar.gz").unwrap();
        assert!(p.matches(&format!("dist/{dashes}.tar.gz")));
        assert!(!p.matches("dist/a-b-c-d.tar.gz"));
    }

    #[test]
    fn paths_are_named_relative_to_the_working_directory() {
        let cwd = Path::new("/work/app");
        for (path, want) in [
            ("dist/app.tar.gz", "dist/app.tar.gz"),
            ("./dist/app.tar.gz", "dist/app.tar.gz"),
            ("dist//./app.tar.gz", "dist/app.tar.gz"),
            ("/work/app/dist/app.tar.gz", "dist/app.tar.gz"),
            ("/work/app/./dist/../dist/app.tar.gz", "dist/app.tar.gz"),
            ("../app/dist/app.tar.gz", "dist/app.tar.gz"),
            ("sub/../dist/app.tar.gz", "dist/app.tar.gz"),
            ("../other/app.tar.gz", "/work/other/app.tar.gz"),
            ("/tmp/app.tar.gz", "/tmp/app.tar.gz"),
            ("/work/application/x", "/work/application/x"),
        ] {
            assert_eq!(normalise_path(Path::new(path), Some(cwd)), want, "{path}");
        }
        assert_eq!(normalise_path(Path::new("./a/../b"), None), "b".to_owned());
        let logical = [PathBuf::from("/real/app"), PathBuf::from("/link/app")];
        assert_eq!(
            name_for_path(Path::new("/link/app/dist/x"), &logical),
            "dist/x"
        );
        assert_eq!(
            name_for_path(Path::new("/elsewhere/x"), &logical),
            "/elsewhere/x"
        );
    }
}
