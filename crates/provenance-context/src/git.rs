//! The source checkout: remote URL normalisation and facts read with the `git` binary.
//!
//! Everything here is best effort: no `git` on the `PATH`, a directory that is not a work tree,
//! an empty repository or a remote we cannot read all give "unknown" (`None`), never an error.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::env::EnvSource;

/// How to run `git`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GitBinary {
    /// Look `git` up in the `PATH` of the [`EnvSource`] given to detection.
    Search,
    /// Run this executable.
    Path(PathBuf),
    /// Never run git: the source is whatever the CI variables and overrides say.
    Disabled,
}

/// What `git` says about a work tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitInfo {
    /// The remote URL, normalised (see [`normalize_repo_url`]); `None` without a usable remote.
    pub repository: Option<String>,
    /// The full hex object name of `HEAD` (`None` in a repository without commits).
    pub commit: Option<String>,
    /// `refs/heads/<branch>` when `HEAD` is on a branch, else `refs/tags/<tag>` when a tag points
    /// at `HEAD`, else `None` (detached).
    pub git_ref: Option<String>,
    /// Whether tracked files differ from `HEAD` (staged or not; untracked files do not count), as
    /// `git describe --dirty` sees it.
    pub dirty: Option<bool>,
}

impl GitBinary {
    /// The executable to run, or `None` when git is disabled or not on the `PATH`.
    pub(crate) fn resolve(&self, env: &dyn EnvSource) -> Option<PathBuf> {
        match self {
            Self::Disabled => None,
            Self::Path(path) => Some(path.clone()),
            Self::Search => {
                let path = env.var("PATH")?;
                std::env::split_paths(OsStr::new(&path))
                    .filter(|dir| dir.is_absolute())
                    .map(|dir| dir.join(GIT_EXECUTABLE))
                    .find(|candidate| candidate.is_file())
            }
        }
    }
}

const GIT_EXECUTABLE: &str = if cfg!(windows) { "git.exe" } else { "git" };

/// Reads the work tree at `dir` with the `git` executable `git`. `None` when `dir` is not inside
/// a work tree or git cannot run.
pub(crate) fn read_git(git: &Path, dir: &Path) -> Option<GitInfo> {
    let inside = run(git, dir, &["rev-parse", "--is-inside-work-tree"])?;
    if inside != "true" {
        return None;
    }
    let commit =
        run(git, dir, &["rev-parse", "--verify", "-q", "HEAD"]).filter(|sha| is_object_name(sha));
    let branch = run(git, dir, &["symbolic-ref", "-q", "HEAD"]).filter(|r| r.starts_with("refs/"));
    let git_ref = match (&branch, &commit) {
        (Some(branch), _) => Some(branch.clone()),
        (None, Some(_)) => run(git, dir, &["tag", "--points-at", "HEAD", "--sort=refname"])
            .and_then(|tags| {
                tags.lines()
                    .next()
                    .map(|tag| format!("refs/tags/{}", tag.trim()))
            })
            .filter(|r| r.len() > "refs/tags/".len()),
        (None, None) => None,
    };
    let remote_name = remote_name(git, dir, branch.as_deref());
    let repository = remote_name
        .and_then(|name| {
            run(
                git,
                dir,
                &["config", "--get", &format!("remote.{name}.url")],
            )
        })
        .and_then(|url| normalize_repo_url(&url));
    // `status` refreshes stat information in memory (a bare `diff-index` would call files with a
    // new mtime modified); untracked files do not count, as for `git describe --dirty`.
    let dirty = if commit.is_some() {
        run(
            git,
            dir,
            &["status", "--porcelain=v1", "--untracked-files=no"],
        )
        .map(|out| !out.is_empty())
    } else {
        None
    };
    Some(GitInfo {
        repository,
        commit,
        git_ref,
        dirty,
    })
}

/// `origin`, else the remote the current branch tracks, else the only remote.
fn remote_name(git: &Path, dir: &Path, branch: Option<&str>) -> Option<String> {
    let remotes = run(git, dir, &["remote"])?;
    let remotes: Vec<&str> = remotes
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if remotes.contains(&"origin") {
        return Some("origin".to_owned());
    }
    let tracked = branch
        .and_then(|b| b.strip_prefix("refs/heads/"))
        .and_then(|short| {
            run(
                git,
                dir,
                &["config", "--get", &format!("branch.{short}.remote")],
            )
        })
        .filter(|tracked| remotes.contains(&tracked.as_str()));
    if tracked.is_some() {
        return tracked;
    }
    match remotes.as_slice() {
        [only] => Some((*only).to_owned()),
        _ => None,
    }
}

fn command(git: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(git);
    // The repository's own configuration must not make us run programs: no fsmonitor hook.
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Trimmed stdout of a successful git command.
fn run(git: &Path, dir: &Path, args: &[&str]) -> Option<String> {
    let output = command(git, dir, args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(text.trim().to_owned())
}

/// A full SHA-1 (40) or SHA-256 (64) git object name in lowercase hex.
pub(crate) fn is_object_name(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Normalises a git remote URL to `https://host/owner/repo` (without the `git+` prefix): the
/// [`RepoUrl::url`](provenance_model::RepoUrl::url) of the workspace's one reading of
/// repository locations ([`provenance_model::RepoUrl`], whose docs give the rules).
///
/// * scp-like `git@host:owner/repo.git` and `ssh://git@host:22/owner/repo.git` become
///   `https://host/owner/repo` (the ssh port is dropped);
/// * `https://user:token@host/owner/repo.git` loses its credentials (and `.git`);
/// * `git://` becomes `https://`; `http://` stays `http://`, an explicit https/http port is kept
///   unless it is the default;
/// * the host is lowercased; a trailing `/`, `.git`, query and fragment are removed;
/// * a `git+` prefix is accepted; local paths and `file://` URLs become `file:///abs/path`.
///
/// Returns `None` for anything else, including `host/path` without a scheme (which git reads
/// as a relative path).
///
/// ```
/// use provenance_context::normalize_repo_url;
/// assert_eq!(normalize_repo_url("git@github.com:octo/hello.git").as_deref(),
///            Some("https://github.com/octo/hello"));
/// assert_eq!(normalize_repo_url("https://x-access-token:s3cr3t@GitHub.com/octo/hello.git").as_deref(),
///            Some("https://github.com/octo/hello"));
/// ```
pub fn normalize_repo_url(raw: &str) -> Option<String> {
    // The workspace's one reading of repository locations; a producer writes its URL form,
    // without credentials. `host/path` without a scheme is refused: git reads it as a
    // relative local path, not as a remote.
    let url = provenance_model::RepoUrl::parse(raw).ok()?;
    (url.form() != provenance_model::RepoForm::Bare).then(|| url.url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_remote_forms() {
        let cases = [
            (
                "git@github.com:octo/hello.git",
                Some("https://github.com/octo/hello"),
            ),
            (
                "github.com:octo/hello",
                Some("https://github.com/octo/hello"),
            ),
            (
                "ssh://git@gitlab.example.com:2222/g/sub/p.git",
                Some("https://gitlab.example.com/g/sub/p"),
            ),
            (
                "https://user:tok@GitHub.com/octo/hello.git/",
                Some("https://github.com/octo/hello"),
            ),
            (
                "https://oauth2:glpat-xyz@gitlab.com/g/p.git",
                Some("https://gitlab.com/g/p"),
            ),
            (
                "https://git.example.com:8443/o/r",
                Some("https://git.example.com:8443/o/r"),
            ),
            (
                "http://bitbucket.org/ws/repo",
                Some("http://bitbucket.org/ws/repo"),
            ),
            ("git://example.org/o/r.git", Some("https://example.org/o/r")),
            ("git+https://github.com/o/r", Some("https://github.com/o/r")),
            (
                "https://github.com/o/r.git?x=1#frag",
                Some("https://github.com/o/r"),
            ),
            ("/srv/git/r.git", Some("file:///srv/git/r")),
            ("file:///srv/git/r.git", Some("file:///srv/git/r")),
            ("ftp://example.org/r", None),
            ("https://github.com/", None),
            ("", None),
            ("not a url", None),
            ("relative/path", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize_repo_url(input).as_deref(),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn object_names() {
        assert!(is_object_name(&"a".repeat(40)));
        assert!(is_object_name(&"0".repeat(64)));
        assert!(!is_object_name(&"A".repeat(40)));
        assert!(!is_object_name("abc"));
    }
}
