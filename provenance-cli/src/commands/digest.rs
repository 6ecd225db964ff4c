//! `provenance digest`: sha256sum-compatible hashing of files, trees and stdin, in-toto subjects
//! as JSON, and `--check` of checksum files.
//!
//! Text output, one algorithm: exactly `sha256sum`'s lines (`HEX  NAME`; a name containing a
//! backslash, newline or carriage return is escaped as `\\`, `\n`, `\r` and the line starts with a
//! backslash). Several algorithms: one line per file and algorithm in coreutils `--tag` style,
//! `SHA256 (NAME) = HEX`, in the order the algorithms were given (same escaping); `sha256sum -c`
//! and `provenance digest --check` read both forms.

use std::ffi::OsStr;
use std::io::{self, BufWriter, Read as _, Write};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::digest::checksum_line::ChecksumLine;
use provenance::digest::{Algorithm, DigestSet, Error as DigestError, Hasher, Progress};

use crate::Outcome;
use crate::progress::ByteProgress;
use crate::ui::Ui;

/// Largest checksum file `--check` reads.
const MAX_CHECK_FILE: u64 = 256 << 20;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[expect(
    clippy::doc_markdown,
    reason = "doc comments are clap help text, shown verbatim"
)]
pub(crate) enum Format {
    /// `sha256sum`-compatible lines (several algorithms: `SHA256 (NAME) = HEX` lines).
    Text,
    /// A JSON array of in-toto ResourceDescriptors (`name`, `digest`), usable as subjects.
    Json,
}

/// Arguments of `provenance digest`.
#[derive(Debug, clap::Args)]
#[expect(
    clippy::doc_markdown,
    reason = "doc comments are clap help text, shown verbatim"
)]
pub(crate) struct Args {
    /// Digest algorithm, repeatable: sha256 (default), sha512, sha384, sha224, sha1, sha512_224,
    /// sha512_256, gitBlob (SHA-1 object form), dirHash (one digest per directory).
    #[arg(short = 'a', long = "algorithm", value_name = "ALG", value_parser = parse_algorithm)]
    algorithms: Vec<Algorithm>,

    /// Files of a directory hashed in parallel (default: number of cores).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Verify the checksums listed in FILE (`sha256sum` or `--tag` lines, LF or CRLF line
    /// endings; `-` is stdin). SHA-1 (40-digit) lines are refused unless -a sha1 is given.
    #[arg(short = 'c', long, value_name = "FILE", conflicts_with_all = ["paths", "format"])]
    check: Option<PathBuf>,

    /// Read buffer size in KiB (for benchmarking; the default is the library's).
    #[arg(long, value_name = "KIB", hide = true)]
    buffer_kib: Option<usize>,

    /// Files or directories to hash (directories recurse); `-` or nothing reads stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

fn parse_algorithm(name: &str) -> Result<Algorithm, String> {
    Algorithm::parse_lenient(name).map_err(|e| e.to_string())
}

/// One hashed artifact.
struct Item {
    name: PathBuf,
    digests: DigestSet,
}

/// Runs `provenance digest`.
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    let mut algorithms: Vec<Algorithm> = Vec::new();
    for algorithm in &args.algorithms {
        if !algorithms.contains(algorithm) {
            algorithms.push(*algorithm);
        }
    }
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let tuning = Tuning {
        jobs,
        buffer_kib: args.buffer_kib,
    };
    if let Some(check_file) = &args.check {
        return check(check_file, &algorithms, ui);
    }
    if algorithms.is_empty() {
        algorithms.push(Algorithm::Sha256);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut json_items = Vec::new();
    let mut failed = false;
    for path in &paths {
        let mut emit = |item: Item| -> anyhow::Result<()> {
            match args.format {
                Format::Text => write_text(&mut out, &item, &algorithms)?,
                Format::Json => json_items.push(item),
            }
            Ok(())
        };
        if let Err(failure) = hash_path(path, &algorithms, tuning, ui, &mut emit) {
            out.flush()?;
            failed = true;
            match failure {
                Failure::Reported => {}
                Failure::Digest(err) => ui.error(chain(&err)),
                Failure::Output(err) => return Err(err),
                Failure::Usage(message) => ui.error(format_args!("{}: {message}", path.display())),
            }
        }
    }
    if args.format == Format::Json {
        let descriptors: Vec<serde_json::Value> = json_items
            .iter()
            .map(|item| serde_json::json!({ "name": item.name.to_string_lossy(), "digest": item.digests }))
            .collect();
        crate::ui::write_json(&mut out, &descriptors)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if failed {
        Outcome::InputErrors
    } else {
        Outcome::Success
    })
}

/// The error and its sources, `: `-separated.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Why one command-line argument failed.
enum Failure {
    /// Already reported (per-file errors inside a tree).
    Reported,
    /// A hashing error; it names the path.
    Digest(DigestError),
    /// Writing the output failed: the command stops.
    Output(anyhow::Error),
    /// The argument does not fit the algorithms asked for.
    Usage(&'static str),
}

impl From<DigestError> for Failure {
    fn from(err: DigestError) -> Self {
        Self::Digest(err)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Self::Output(err)
    }
}

/// Hashes one command-line argument (stdin, a file or a tree), handing each result to `emit`.
/// Per-file failures inside a tree are reported and make the whole call fail at the end.
fn hash_path(
    path: &Path,
    algorithms: &[Algorithm],
    tuning: Tuning,
    ui: &Ui,
    emit: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> Result<(), Failure> {
    let bar = ByteProgress::new(ui, &path.to_string_lossy());
    let update = |p: Progress| bar.update(p);
    let file_algorithms: Vec<Algorithm> = algorithms
        .iter()
        .copied()
        .filter(|a| *a != Algorithm::DirHash)
        .collect();
    let progress: Option<&(dyn Fn(Progress) + Sync)> =
        if bar.visible() { Some(&update) } else { None };
    let with_bar = |hasher| tune(hasher, tuning, progress);
    let is_stdin = path.as_os_str() == "-";
    let is_dir = !is_stdin && std::fs::metadata(path).is_ok_and(|m| m.is_dir());
    let result = if is_dir && algorithms.contains(&Algorithm::DirHash) {
        let tree = with_bar(Hasher::new(&[Algorithm::DirHash])?).hash_tree(path);
        bar.finish();
        let tree = tree?;
        for skipped in tree.skipped() {
            ui.warn(format_args!(
                "{}: skipped: {}",
                path.join(&skipped.path).display(),
                skipped.reason
            ));
        }
        let mut digests = DigestSet::new();
        digests.insert(Algorithm::DirHash.name(), &tree.dir_hash()?)?;
        emit(Item {
            name: path.to_path_buf(),
            digests,
        })?;
        return Ok(());
    } else if file_algorithms.is_empty() {
        bar.finish();
        return Err(Failure::Usage("dirHash applies to directories only"));
    } else if is_dir {
        let tree = with_bar(Hasher::new(&file_algorithms)?).hash_tree(path);
        bar.finish();
        let tree = tree?;
        for skipped in tree.skipped() {
            ui.warn(format_args!(
                "{}: skipped: {}",
                path.join(&skipped.path).display(),
                skipped.reason
            ));
        }
        let mut failures = 0usize;
        for entry in tree.entries() {
            match &entry.result {
                Ok(digests) => emit(Item {
                    name: path.join(&entry.path),
                    digests: digests.clone(),
                })?,
                Err(err) => {
                    failures += 1;
                    ui.error(chain(err));
                }
            }
        }
        if failures > 0 {
            return Err(Failure::Reported);
        }
        return Ok(());
    } else if is_stdin {
        with_bar(Hasher::new(&file_algorithms)?).hash_reader(io::stdin().lock())
    } else {
        with_bar(Hasher::new(&file_algorithms)?).hash_file(path)
    };
    bar.finish();
    emit(Item {
        name: path.to_path_buf(),
        digests: result?,
    })?;
    Ok(())
}

/// Parallelism and buffer size, from the command line.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    jobs: usize,
    buffer_kib: Option<usize>,
}

/// Applies the command-line tuning and the progress callback to a hasher.
fn tune<'a>(
    hasher: Hasher<'a>,
    tuning: Tuning,
    progress: Option<&'a (dyn Fn(Progress) + Sync)>,
) -> Hasher<'a> {
    let hasher = hasher.with_jobs(tuning.jobs);
    let hasher = match tuning.buffer_kib {
        Some(kib) => hasher.with_buffer_size(kib.saturating_mul(1024)),
        None => hasher,
    };
    match progress {
        Some(progress) => hasher.with_progress(progress),
        None => hasher,
    }
}

/// Writes the text lines of one item.
fn write_text(out: &mut impl Write, item: &Item, algorithms: &[Algorithm]) -> io::Result<()> {
    let (escaped, name) = escape_name(item.name.as_os_str());
    let prefix: &[u8] = if escaped { b"\\" } else { b"" };
    let present: Vec<(Algorithm, &str)> = algorithms
        .iter()
        .filter_map(|a| item.digests.get_algorithm(*a).map(|hex| (*a, hex)))
        .collect();
    if let [(_, hex)] = present.as_slice() {
        out.write_all(prefix)?;
        out.write_all(hex.as_bytes())?;
        out.write_all(b"  ")?;
        out.write_all(&name)?;
        out.write_all(b"\n")?;
    } else {
        for (algorithm, hex) in present {
            out.write_all(prefix)?;
            out.write_all(algorithm.tag().as_bytes())?;
            out.write_all(b" (")?;
            out.write_all(&name)?;
            out.write_all(b") = ")?;
            out.write_all(hex.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// coreutils (9.x) escaping of a file name in digest output: `\` -> `\\`, newline -> `\n`,
/// carriage return -> `\r`; returns whether anything was escaped (the line then starts with `\`).
fn escape_name(name: &OsStr) -> (bool, Vec<u8>) {
    escape_bytes(name.as_encoded_bytes(), b"\\\n\r")
}

fn escape_bytes(bytes: &[u8], special: &[u8]) -> (bool, Vec<u8>) {
    if !bytes.iter().any(|b| special.contains(b)) {
        return (false, bytes.to_vec());
    }
    let mut out = Vec::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            other => out.push(other),
        }
    }
    (true, out)
}

/// Parses `HEX  NAME`, `HEX *NAME` or `TAG (NAME) = HEX`, optionally escaped (leading `\`),
/// with the parser the subject lists use (which drops the `\r` of a CRLF line ending).
/// `expected` is the algorithm given with `-a`.
fn parse_check_line(line: &[u8], expected: Option<Algorithm>) -> Option<ChecksumLine> {
    provenance::digest::checksum_line::parse_line(line, expected).ok()
}

/// A SHA-1 line is checked only when `-a sha1` asks for it: a 40-digit digest is otherwise
/// refused (SHA-1 collisions are practical; a list must not pass on them by default), as the
/// subject lists refuse it.
fn refused_sha1(entry: &ChecksumLine, expected: Option<Algorithm>) -> bool {
    entry.algorithm == Algorithm::Sha1 && expected != Some(Algorithm::Sha1)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `--check FILE`: like `sha256sum -c`. Exit 1 when a checksum does not match, 2 when nothing
/// mismatched but some file could not be read or the list holds no valid line.
fn check(list: &Path, algorithms: &[Algorithm], ui: &Ui) -> anyhow::Result<Outcome> {
    let expected = match algorithms {
        [] => None,
        [one] => Some(*one),
        _ => anyhow::bail!("--check takes at most one -a (the algorithm of untagged lines)"),
    };
    let mut text = Vec::new();
    let reader: Box<dyn io::Read> = if list.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(list).with_context(|| format!("cannot open {}", list.display()))?,
        )
    };
    reader
        .take(MAX_CHECK_FILE + 1)
        .read_to_end(&mut text)
        .with_context(|| format!("cannot read {}", list.display()))?;
    if text.len() as u64 > MAX_CHECK_FILE {
        anyhow::bail!("{} is larger than {MAX_CHECK_FILE} bytes", list.display());
    }
    let stdout = io::stdout();
    // A reader that stops early (`| head -1`) must not turn a mismatch not yet printed into
    // success: on a broken pipe the check goes on silently and the exit status still tells.
    let mut out = PipeTolerant::new(BufWriter::new(stdout.lock()));
    let (mut bad_lines, mut unreadable, mut mismatched, mut good_lines) =
        (0usize, 0usize, 0usize, 0usize);
    let mut sha1_lines = 0usize;
    let body = text.strip_suffix(b"\n").unwrap_or(&text);
    for line in body.split(|b| *b == b'\n') {
        let Some(entry) = parse_check_line(line, expected) else {
            bad_lines += 1;
            continue;
        };
        if refused_sha1(&entry, expected) {
            sha1_lines += 1;
            continue;
        }
        good_lines += 1;
        let path = PathBuf::from(OsStr::from_bytes(&entry.name));
        // As `sha256sum -c`: an escaped name is marked by a leading `\`; beyond coreutils,
        // every control character is escaped (the name is data, not terminal commands).
        let shown = crate::ui::escape_bytes(&entry.name);
        if matches!(shown, std::borrow::Cow::Owned(_)) {
            out.write_all(b"\\")?;
        }
        out.write_all(&shown)?;
        let result = Hasher::new(&[entry.algorithm]).and_then(|hasher| {
            if path.as_os_str() == "-" {
                hasher.hash_reader(io::stdin().lock())
            } else {
                hasher.hash_file(&path)
            }
        });
        match result {
            Ok(digests) if digests.get_algorithm(entry.algorithm) == Some(entry.hex.as_str()) => {
                out.write_all(b": OK\n")?;
            }
            Ok(_) => {
                mismatched += 1;
                out.write_all(b": FAILED\n")?;
            }
            Err(err) => {
                unreadable += 1;
                out.flush()?;
                report_unreadable(ui, &err);
                out.write_all(b": FAILED open or read\n")?;
            }
        }
    }
    out.flush()?;
    if good_lines == 0 {
        if sha1_lines > 0 {
            anyhow::bail!(
                "{}: nothing to check but {}, and SHA-1 is not accepted unless -a sha1 is given",
                list.display(),
                plural(
                    sha1_lines,
                    "SHA-1 (40-digit) line",
                    "SHA-1 (40-digit) lines"
                )
            );
        }
        anyhow::bail!(
            "{}: no properly formatted checksum lines found",
            list.display()
        );
    }
    let totals = CheckTotals {
        bad_lines,
        sha1_lines,
        unreadable,
        mismatched,
    };
    totals.warn(ui);
    Ok(totals.outcome())
}

/// What `--check` counted besides the lines that matched.
struct CheckTotals {
    bad_lines: usize,
    sha1_lines: usize,
    unreadable: usize,
    mismatched: usize,
}

impl CheckTotals {
    /// The warnings `sha256sum -c` prints at the end (and ours for refused SHA-1 lines).
    fn warn(&self, ui: &Ui) {
        if self.sha1_lines > 0 {
            ui.warn(format_args!(
                "{} refused: SHA-1 is not accepted unless -a sha1 is given",
                plural(
                    self.sha1_lines,
                    "SHA-1 (40-digit) line was",
                    "SHA-1 (40-digit) lines were"
                )
            ));
        }
        if self.bad_lines > 0 {
            ui.warn(format_args!(
                "{} improperly formatted",
                plural(self.bad_lines, "line is", "lines are")
            ));
        }
        if self.unreadable > 0 {
            ui.warn(format_args!(
                "{} not be read",
                plural(self.unreadable, "listed file could", "listed files could")
            ));
        }
        if self.mismatched > 0 {
            ui.warn(format_args!(
                "{} NOT match",
                plural(
                    self.mismatched,
                    "computed checksum did",
                    "computed checksums did"
                )
            ));
        }
    }

    /// Exit 1 for a mismatch; 2 when nothing mismatched but a listed file could not be read or
    /// a SHA-1 line was refused (a line left unchecked is not a success).
    fn outcome(&self) -> Outcome {
        if self.mismatched > 0 {
            Outcome::VerificationFailed
        } else if self.unreadable > 0 || self.sha1_lines > 0 {
            Outcome::InputErrors
        } else {
            Outcome::Success
        }
    }
}

/// A writer that drops its output, silently, once the reader has gone (broken pipe); other
/// errors are errors.
struct PipeTolerant<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeTolerant<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            closed: false,
        }
    }

    fn tolerate(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.write_all(bytes);
        self.tolerate(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.tolerate(result)
    }
}

fn report_unreadable(ui: &Ui, err: &DigestError) {
    ui.error(chain(err));
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parses_plain_binary_tagged_and_escaped_lines() {
        let plain = parse_check_line(format!("{H}  a b").as_bytes(), None).unwrap();
        assert_eq!(
            (plain.algorithm, plain.name.as_slice()),
            (Algorithm::Sha256, &b"a b"[..])
        );
        let binary = parse_check_line(format!("{H} *bin").as_bytes(), None).unwrap();
        assert_eq!(binary.name, b"bin");
        let tagged = parse_check_line(format!("SHA256 (x (1)) = {H}").as_bytes(), None).unwrap();
        assert_eq!(tagged.name, b"x (1)");
        let escaped = parse_check_line(format!("\\{H}  new\\nline\\\\x").as_bytes(), None).unwrap();
        assert_eq!(escaped.name, b"new\nline\\x");
        assert!(parse_check_line(format!("{H}  x").as_bytes(), Some(Algorithm::Sha512)).is_none());
        assert!(parse_check_line(b"garbage", None).is_none());
        assert!(parse_check_line(format!("{H} x").as_bytes(), None).is_none());
        let upper = parse_check_line(format!("{}  u", H.to_uppercase()).as_bytes(), None).unwrap();
        assert_eq!(upper.hex, H);
    }

    #[test]
    fn escaping_round_trips() {
        let (escaped, bytes) = escape_bytes(b"a\\b\nc\rd", b"\\\n\r");
        assert!(escaped);
        assert_eq!(bytes, b"a\\\\b\\nc\\rd");
        // what `digest --check` reads back
        let mut line = format!("\\{}  ", "0".repeat(64)).into_bytes();
        line.extend_from_slice(&bytes);
        assert_eq!(parse_check_line(&line, None).unwrap().name, b"a\\b\nc\rd");
        assert_eq!(
            escape_bytes(b"plain", b"\\\n\r"),
            (false, b"plain".to_vec())
        );
    }
}
