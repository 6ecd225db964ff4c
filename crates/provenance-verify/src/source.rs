//! Where attestations come from: explicit files, the files beside an artifact, a directory.
//!
//! Every line of a JSON Lines file is taken on its own (the in-toto bundle rule): a DSSE
//! envelope, a DSSE envelope whose signatures carry a `cert`, a Sigstore bundle, or a wrapper
//! holding bundles (`gh attestation download` lines `{"bundle": ...}`, npm's
//! `{"attestations": [{"bundle": ...}]}`). Anything else is skipped and reported. A file that is
//! one pretty-printed JSON document (a `.sigstore.json` bundle) is read as that one document.
//! Lines are read with a bounded reader: a line longer than the limit is refused before it is
//! held in memory.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::limits::Limits;

/// Where one attestation was read: file, 1-based line, and the entry within the line when a
/// line holds several bundles.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Origin {
    /// Shared by every line of a file: one allocation per file, not per attestation.
    #[serde(serialize_with = "serialize_path")]
    path: Arc<Path>,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<usize>,
}

impl Origin {
    /// A new origin (`line` is 1-based).
    pub fn new(path: impl Into<PathBuf>, line: usize, entry: Option<usize>) -> Self {
        Self {
            path: Arc::from(path.into()),
            line,
            entry,
        }
    }

    /// An origin in a file whose path is already shared.
    pub(crate) fn shared(path: &Arc<Path>, line: usize, entry: Option<usize>) -> Self {
        Self {
            path: Arc::clone(path),
            line,
            entry,
        }
    }
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }
    /// The entry within the line, for lines holding several bundles.
    pub fn entry(&self) -> Option<usize> {
        self.entry
    }
}

fn serialize_path<S: serde::Serializer>(
    path: &Arc<Path>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&**path, s)
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some(entry) = self.entry {
            write!(f, "#{entry}")?;
        }
        Ok(())
    }
}

/// What kind of signed document an attestation line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AttestationFormat {
    /// A DSSE envelope verified with public keys.
    Envelope,
    /// A DSSE envelope whose signatures carry a Fulcio `cert` (slsa-github-generator before v2.1).
    EnvelopeWithCert,
    /// A Sigstore bundle (v0.1 to v0.3).
    SigstoreBundle,
}

/// One attestation as read from a source, not yet verified: its exact bytes and where it was.
#[derive(Debug, Clone)]
pub struct RawAttestation {
    origin: Origin,
    format: AttestationFormat,
    bytes: Vec<u8>,
    label: Option<String>,
}

impl RawAttestation {
    /// An attestation from bytes already in memory (for embedders).
    pub fn new(origin: Origin, format: AttestationFormat, bytes: Vec<u8>) -> Self {
        Self {
            origin,
            format,
            bytes,
            label: None,
        }
    }

    /// The predicate type an unsigned wrapper says this attestation holds (npm attestation
    /// documents label each bundle); verification refuses it when the signed statement says
    /// otherwise.
    #[must_use]
    pub fn with_label(mut self, predicate_type: Option<String>) -> Self {
        self.label = predicate_type;
        self
    }

    /// The unsigned predicate-type label, if a wrapper gave one.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
    /// Where it was read.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
    /// What it is.
    pub fn format(&self) -> AttestationFormat {
        self.format
    }
    /// The exact bytes of the envelope or bundle.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A line that held nothing we verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Where.
    pub origin: Origin,
    /// Why it was skipped.
    pub reason: String,
}

/// Attestations gathered from all sources, plus the lines that were skipped.
#[derive(Debug, Clone, Default)]
pub struct AttestationSet {
    attestations: Vec<RawAttestation>,
    skipped: Vec<Skipped>,
    /// The files read beside artifacts (canonical paths), each read once.
    beside: std::collections::HashSet<PathBuf>,
}

impl AttestationSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }
    /// The attestations, in the order read (order never changes a verdict).
    pub fn attestations(&self) -> &[RawAttestation] {
        &self.attestations
    }
    /// Lines that held nothing we verify.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }
    /// Whether no attestation was found.
    pub fn is_empty(&self) -> bool {
        self.attestations.is_empty()
    }
    /// Number of attestations.
    pub fn len(&self) -> usize {
        self.attestations.len()
    }

    /// Adds one attestation held in memory.
    ///
    /// # Errors
    /// [`Error::TooManyAttestations`] beyond the limit.
    pub fn push(&mut self, attestation: RawAttestation, limits: &Limits) -> Result<()> {
        if self.attestations.len() >= limits.max_attestations() {
            return Err(Error::TooManyAttestations {
                max: limits.max_attestations(),
            });
        }
        self.attestations.push(attestation);
        Ok(())
    }

    /// Reads every attestation of a file (JSON Lines, or one JSON document).
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`]; malformed or unrecognised lines are not errors,
    /// they are recorded in [`AttestationSet::skipped`].
    pub fn add_file(&mut self, path: &Path, limits: &Limits) -> Result<()> {
        self.read_file(path, limits)
    }

    /// Reads attestations from bytes already in memory (standard input, a download), named
    /// `name` in reports: JSON Lines, or one JSON document.
    ///
    /// # Errors
    /// Exceeded [`Limits`].
    pub fn add_bytes(&mut self, name: &Path, bytes: &[u8], limits: &Limits) -> Result<()> {
        self.read_bytes(name, bytes, limits)
    }

    /// Reads every attestation file of a directory (not recursive): files ending in `.jsonl`,
    /// `.json`, `.sigstore`, `.slsa`, `.intoto` or `.dsse`, in name order.
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`].
    pub fn add_dir(&mut self, dir: &Path, limits: &Limits) -> Result<()> {
        self.read_dir(dir, limits)
    }

    /// Adds the attestations found beside an artifact: `ARTIFACT.intoto.jsonl` and
    /// `ARTIFACT.sigstore.json`. Returns how many files were read: a file already read beside
    /// another spelling of the same artifact (same canonical path) is not read again.
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`].
    pub fn add_beside(&mut self, artifact: &Path, limits: &Limits) -> Result<usize> {
        self.read_beside(artifact, limits)
    }

    /// Moves the attestations and skipped lines out, in the order read.
    pub(crate) fn into_parts(self) -> (Vec<RawAttestation>, Vec<Skipped>) {
        (self.attestations, self.skipped)
    }
}

impl Sink for AttestationSet {
    fn attestation(&mut self, attestation: RawAttestation, limits: &Limits) -> Result<()> {
        self.push(attestation, limits)
    }

    fn skip(&mut self, skipped: Skipped) {
        self.skipped.push(skipped);
    }

    fn first_beside(&mut self, path: PathBuf) -> bool {
        self.beside.insert(path)
    }
}

/// Where the attestations read from files and bytes go: an [`AttestationSet`] keeps them; a
/// verification (`crate::Verification`) checks them in batches as they come and keeps only
/// what the verdicts need. The reading itself (bounded lines, classification) is the provided
/// methods, the same for both.
pub(crate) trait Sink {
    /// Takes one attestation, refusing it beyond [`Limits::max_attestations`].
    ///
    /// # Errors
    /// [`Error::TooManyAttestations`], or what the sink's own work fails with.
    fn attestation(&mut self, attestation: RawAttestation, limits: &Limits) -> Result<()>;

    /// Records a line that held nothing to verify.
    fn skip(&mut self, skipped: Skipped);

    /// Whether the file beside an artifact at this canonical path is read for the first time
    /// (two arguments naming one artifact, `a.bin` and `./a.bin`, read its attestations once).
    fn first_beside(&mut self, canonical: PathBuf) -> bool;

    /// Reads every attestation of a file (JSON Lines, or one JSON document).
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`]; malformed or unrecognised lines are not errors,
    /// they are recorded in the skipped lines.
    fn read_file(&mut self, path: &Path, limits: &Limits) -> Result<()> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return self.read_dir(path, limits);
        }
        if meta.len() > limits.max_file_bytes() {
            return Err(Error::FileTooLarge {
                path: path.to_owned(),
                size: meta.len(),
                max: limits.max_file_bytes(),
            });
        }
        // `take` also bounds files that grow while being read (or that lie about their size).
        let reader = BufReader::new(file.take(limits.max_file_bytes()));
        if self.read_lines(path, reader, limits)? {
            return self.read_whole_document(path, limits);
        }
        Ok(())
    }

    /// Reads attestations from bytes already in memory (standard input, a download), named
    /// `name` in reports: JSON Lines, or one JSON document.
    ///
    /// # Errors
    /// Exceeded [`Limits`].
    fn read_bytes(&mut self, name: &Path, bytes: &[u8], limits: &Limits) -> Result<()> {
        if bytes.len() as u64 > limits.max_file_bytes() {
            return Err(Error::FileTooLarge {
                path: name.to_owned(),
                size: bytes.len() as u64,
                max: limits.max_file_bytes(),
            });
        }
        if self.read_lines(name, bytes, limits)? {
            if bytes.len() > limits.max_line_bytes() {
                return Err(Error::LineTooLong {
                    path: name.to_owned(),
                    line: 1,
                    max: limits.max_line_bytes(),
                });
            }
            return self.classify(trim_ascii(bytes), Origin::new(name, 1, None), limits);
        }
        Ok(())
    }

    /// Reads JSON Lines; returns `true` when the input is instead one pretty-printed document
    /// (nothing was added then). Binary input (see [`is_binary`]) is refused.
    fn read_lines(
        &mut self,
        path: &Path,
        mut reader: impl BufRead,
        limits: &Limits,
    ) -> Result<bool> {
        let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
        if is_binary(head.get(..BINARY_PROBE_BYTES).unwrap_or(head)) {
            return Err(Error::BinaryData {
                path: path.to_owned(),
            });
        }
        let shared: Arc<Path> = Arc::from(path);
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        loop {
            buf.clear();
            let read = read_bounded_line(&mut reader, &mut buf, limits.max_line_bytes())
                .map_err(|e| Error::io(path, e))?;
            let Some(complete) = read else {
                return Err(Error::LineTooLong {
                    path: path.to_owned(),
                    line: line_no + 1,
                    max: limits.max_line_bytes(),
                });
            };
            if buf.is_empty() && !complete {
                break;
            }
            line_no += 1;
            if line_no > limits.max_lines() {
                return Err(Error::TooManyLines {
                    path: path.to_owned(),
                    max: limits.max_lines(),
                });
            }
            let line = if buf.len() >= OWNED_LINE_BYTES {
                // A long line becomes the attestation's bytes as read, not a copy of them.
                let mut owned = std::mem::take(&mut buf);
                let trailing = owned.len() - owned.trim_ascii_end().len();
                owned.truncate(owned.len() - trailing);
                let leading = owned.len() - owned.trim_ascii_start().len();
                owned.drain(..leading);
                owned.shrink_to_fit();
                Cow::Owned(owned)
            } else {
                Cow::Borrowed(trim_ascii(&buf))
            };
            if line.is_empty() {
                continue;
            }
            // Line 1 may open a pretty-printed document: the probe that classifies the line
            // tells (an unexpected end of input), so the line is parsed once.
            if self.classify_line(
                line,
                Origin::shared(&shared, line_no, None),
                limits,
                line_no == 1,
            )? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn read_whole_document(&mut self, path: &Path, limits: &Limits) -> Result<()> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let max = limits.max_line_bytes();
        let mut doc = Vec::new();
        let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
        file.take(cap)
            .read_to_end(&mut doc)
            .map_err(|e| Error::io(path, e))?;
        if doc.len() > max {
            return Err(Error::LineTooLong {
                path: path.to_owned(),
                line: 1,
                max,
            });
        }
        self.classify(trim_ascii(&doc), Origin::new(path, 1, None), limits)
    }

    /// Reads every attestation file of a directory (not recursive): files ending in `.jsonl`,
    /// `.json`, `.sigstore`, `.slsa`, `.intoto` or `.dsse`, in name order.
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`].
    fn read_dir(&mut self, dir: &Path, limits: &Limits) -> Result<()> {
        for path in attestation_files_in(dir, limits)? {
            self.read_file(&path, limits)?;
        }
        Ok(())
    }

    /// Adds the attestations found beside an artifact: `ARTIFACT.intoto.jsonl` and
    /// `ARTIFACT.sigstore.json`. Returns how many files were found.
    ///
    /// # Errors
    /// I/O errors and exceeded [`Limits`].
    fn read_beside(&mut self, artifact: &Path, limits: &Limits) -> Result<usize> {
        let mut found = 0;
        for path in files_beside(artifact) {
            if path.is_file() {
                let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !self.first_beside(canonical) {
                    continue;
                }
                self.read_file(&path, limits)?;
                found += 1;
            }
        }
        Ok(found)
    }

    fn classify(&mut self, line: &[u8], origin: Origin, limits: &Limits) -> Result<()> {
        self.classify_line(Cow::Borrowed(line), origin, limits, false)
            .map(|_| ())
    }

    /// Classifies one line (or document). With `first_line`, returns `true` (adding nothing)
    /// when the line is the unfinished start of a multi-line JSON object.
    fn classify_line(
        &mut self,
        line: Cow<'_, [u8]>,
        origin: Origin,
        limits: &Limits,
        first_line: bool,
    ) -> Result<bool> {
        let probe: Probe<'_> = match serde_json::from_slice(&line) {
            Ok(probe) => probe,
            Err(err) if first_line && err.is_eof() && line.first() == Some(&b'{') => {
                return Ok(true);
            }
            Err(err) if err.to_string().starts_with(PROBE_TOO_MANY_SIGNATURES) => {
                // The probe stopped at the signature past the DSSE bound without reading the
                // rest: hand the line to the envelope parser, which refuses it with its limit.
                self.attestation(
                    RawAttestation::new(origin, AttestationFormat::Envelope, line.into_owned()),
                    limits,
                )?;
                return Ok(false);
            }
            Err(err) => {
                self.skip(Skipped {
                    origin,
                    reason: format!("not a JSON object: {err}"),
                });
                return Ok(false);
            }
        };
        if let Some(format) = probe.format() {
            drop(probe);
            return self
                .attestation(
                    RawAttestation::new(origin, format, line.into_owned()),
                    limits,
                )
                .map(|()| false);
        }
        if let Some(inner) = probe.bundle {
            return self
                .classify_inner(inner, origin, None, limits)
                .map(|()| false);
        }
        if let Some(entries) = probe.attestations {
            for (index, entry) in entries.into_iter().enumerate() {
                let origin = Origin::shared(&origin.path, origin.line, Some(index));
                self.classify_inner(entry.bundle, origin, entry.predicate_type, limits)?;
            }
            return Ok(false);
        }
        if let Some(bundles) = converted_bundles(&line) {
            let several = bundles.len() > 1;
            for (index, bundle) in bundles.into_iter().enumerate() {
                let origin = Origin::shared(&origin.path, origin.line, several.then_some(index));
                self.attestation(
                    RawAttestation::new(origin, AttestationFormat::SigstoreBundle, bundle),
                    limits,
                )?;
            }
            return Ok(false);
        }
        self.skip(Skipped {
            origin,
            reason: "neither a DSSE envelope nor a Sigstore bundle".to_owned(),
        });
        Ok(false)
    }

    fn classify_inner(
        &mut self,
        raw: &RawValue,
        origin: Origin,
        label: Option<String>,
        limits: &Limits,
    ) -> Result<()> {
        let bytes = raw.get().as_bytes();
        if let Some(format) = serde_json::from_slice::<Probe<'_>>(bytes)
            .ok()
            .and_then(|p| p.format())
        {
            self.attestation(
                RawAttestation::new(origin, format, bytes.to_vec()).with_label(label),
                limits,
            )
        } else {
            self.skip(Skipped {
                origin,
                reason: "wrapped value is not a Sigstore bundle".to_owned(),
            });
            Ok(())
        }
    }
}

/// A `PyPI` PEP 740 attestation, a `PyPI` provenance object or a cosign `--bundle` file (before
/// cosign v3), recognised by their distinctive fields and converted by the Sigstore crate's
/// readers into Sigstore bundles (protobuf JSON); `None` for anything else or a document of
/// that shape that does not convert (it is then skipped, never passed).
fn converted_bundles(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    use provenance_sigstore::Bundle;
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(line).ok()?;
    let has = |k: &str| object.contains_key(k);
    let bundles = if has("verification_material") && has("envelope") {
        vec![Bundle::from_pep740_attestation(line).ok()?]
    } else if has("attestation_bundles") {
        Bundle::from_pypi_provenance(line).ok()?
    } else if has("base64Signature") && has("rekorBundle") {
        vec![Bundle::from_cosign_bundle(line).ok()?]
    } else {
        return None;
    };
    if bundles.is_empty() {
        return None;
    }
    bundles.iter().map(|b| b.to_json().ok()).collect()
}

/// The conventional attestation files beside an artifact (whether or not they exist).
pub fn files_beside(artifact: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = artifact.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with(".intoto.jsonl"), with(".sigstore.json")]
}

/// The attestation files of a directory, in name order.
///
/// # Errors
/// I/O errors, or more entries than [`Limits::max_dir_entries`].
pub fn attestation_files_in(dir: &Path, limits: &Limits) -> Result<Vec<PathBuf>> {
    const EXTENSIONS: [&str; 6] = ["jsonl", "json", "sigstore", "slsa", "intoto", "dsse"];
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for (count, entry) in entries.enumerate() {
        if count >= limits.max_dir_entries() {
            return Err(Error::TooManyDirEntries {
                path: dir.to_owned(),
                max: limits.max_dir_entries(),
            });
        }
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e));
        if wanted && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one line (through `\n`, which is kept) into `buf`, reading at most `max + 1` bytes.
/// Returns `Some(true)` for a line ended by `\n`, `Some(false)` at end of input (possibly
/// empty), `None` when the line is longer than `max` (the excess is not read).
///
/// # Errors
/// The reader's I/O errors (`Interrupted` is retried).
pub fn read_bounded_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(Some(false));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (available.get(..=i).unwrap_or(available), true),
            None => (available, false),
        };
        let len = chunk.len();
        let content = if done { len - 1 } else { len };
        if buf.len() + content > max {
            return Ok(None);
        }
        buf.extend_from_slice(chunk);
        reader.consume(len);
        if done {
            return Ok(Some(true));
        }
    }
}

/// How much of the start of an attestation file [`is_binary`] looks at.
const BINARY_PROBE_BYTES: usize = 8 << 10;

/// Whether the start of a file (`head`) is binary data rather than JSON: JSON is text, so a NUL
/// byte or bytes that are not UTF-8 tell (a character cut at the end of `head` does not).
pub fn is_binary(head: &[u8]) -> bool {
    let not_utf8 = match std::str::from_utf8(head) {
        Ok(_) => false,
        Err(e) => e.error_len().is_some(),
    };
    not_utf8 || head.contains(&0)
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Lines at least this long are handed over as read to become the attestation's bytes (the
/// next line gets a new buffer); shorter ones are copied and the buffer reused.
const OWNED_LINE_BYTES: usize = 64 << 10;

/// The start of the probe's error when a `signatures` list runs past the DSSE bound.
const PROBE_TOO_MANY_SIGNATURES: &str = "probe: more signatures than the DSSE limit";

#[derive(Deserialize)]
struct Probe<'a> {
    /// Also by its proto name, as protobuf JSON parsers read it (see the Sigstore crate).
    #[serde(rename = "mediaType", alias = "media_type", default)]
    media_type: Option<String>,
    #[serde(default)]
    payload: Option<IgnoredAny>,
    #[serde(rename = "payloadType", default)]
    payload_type: Option<IgnoredAny>,
    #[serde(default)]
    signatures: Option<ProbeSignatures>,
    #[serde(borrow, default)]
    bundle: Option<&'a RawValue>,
    #[serde(borrow, default)]
    attestations: Option<Vec<NpmEntry<'a>>>,
}

#[derive(Deserialize)]
struct ProbeSignature {
    #[serde(default)]
    cert: Option<IgnoredAny>,
}

/// What the probe needs of `signatures`: whether one carries a certificate. Reading stops
/// (with [`PROBE_TOO_MANY_SIGNATURES`]) at the first signature past the DSSE bound, so a line of
/// millions of signatures is neither collected nor scanned to its end.
struct ProbeSignatures {
    with_cert: bool,
}

impl<'de> Deserialize<'de> for ProbeSignatures {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ProbeSignatures;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of signatures")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<ProbeSignatures, A::Error> {
                let max = provenance_dsse::Limits::DEFAULT.max_signatures;
                let mut with_cert = false;
                let mut count = 0_usize;
                while let Some(sig) = seq.next_element::<ProbeSignature>()? {
                    count += 1;
                    if count > max {
                        return Err(serde::de::Error::custom(PROBE_TOO_MANY_SIGNATURES));
                    }
                    with_cert |= sig.cert.is_some();
                }
                Ok(ProbeSignatures { with_cert })
            }
        }
        de.deserialize_seq(Visit)
    }
}

#[derive(Deserialize)]
struct NpmEntry<'a> {
    #[serde(rename = "predicateType", default)]
    predicate_type: Option<String>,
    #[serde(borrow)]
    bundle: &'a RawValue,
}

impl Probe<'_> {
    fn format(&self) -> Option<AttestationFormat> {
        if self
            .media_type
            .as_deref()
            .is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
        {
            return Some(AttestationFormat::SigstoreBundle);
        }
        if self.payload.is_some() && self.payload_type.is_some() {
            let with_cert = self.signatures.as_ref().is_some_and(|sigs| sigs.with_cert);
            return Some(if with_cert {
                AttestationFormat::EnvelopeWithCert
            } else {
                AttestationFormat::Envelope
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let path = dir.join(name);
        let mut f = File::create(&path).unwrap();
        f.write_all(content).unwrap();
        path
    }

    const ENV: &str = r#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}"#;

    #[test]
    fn jsonl_lines_are_classified_and_junk_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let content = format!(
            "{ENV}\n\nnot json\n{{\"hello\":1}}\n{{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}}\n{{\"payloadType\":\"x\",\"payload\":\"\",\"signatures\":[{{\"sig\":\"\",\"cert\":\"c\"}}]}}"
        );
        let path = write(dir.path(), "a.intoto.jsonl", content.as_bytes());
        let mut set = AttestationSet::new();
        set.add_file(&path, &Limits::DEFAULT).unwrap();
        let formats: Vec<_> = set
            .attestations()
            .iter()
            .map(RawAttestation::format)
            .collect();
        assert_eq!(
            formats,
            [
                AttestationFormat::Envelope,
                AttestationFormat::SigstoreBundle,
                AttestationFormat::EnvelopeWithCert
            ]
        );
        assert_eq!(set.attestations()[2].origin().line(), 6);
        assert_eq!(set.skipped().len(), 2);
        assert_eq!(set.attestations()[0].bytes(), ENV.as_bytes());
    }

    #[test]
    fn pretty_printed_bundle_is_one_document() {
        let dir = tempfile::tempdir().unwrap();
        let doc = "{\n  \"mediaType\": \"application/vnd.dev.sigstore.bundle+json;version=0.2\",\n  \"x\": 1\n}\n";
        let path = write(dir.path(), "b.sigstore.json", doc.as_bytes());
        let mut set = AttestationSet::new();
        set.add_file(&path, &Limits::DEFAULT).unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(
            set.attestations()[0].format(),
            AttestationFormat::SigstoreBundle
        );
    }

    #[test]
    fn probe_stops_at_the_signature_bound() {
        let dir = tempfile::tempdir().unwrap();
        let sigs = vec![r#"{"sig":""}"#; 10_000].join(",");
        let many = format!(r#"{{"payloadType":"t","payload":"","signatures":[{sigs}]}}"#);
        let cert =
            r#"{"payloadType":"t","payload":"","signatures":[{"sig":""},{"sig":"","cert":"c"}]}"#;
        let path = write(
            dir.path(),
            "s.intoto.jsonl",
            format!("{many}\n{cert}\n").as_bytes(),
        );
        let mut set = AttestationSet::new();
        set.add_file(&path, &Limits::DEFAULT).unwrap();
        assert_eq!(set.len(), 2, "{:?}", set.skipped());
        assert_eq!(set.attestations()[0].format(), AttestationFormat::Envelope);
        assert_eq!(
            set.attestations()[1].format(),
            AttestationFormat::EnvelopeWithCert
        );
    }

    #[test]
    fn npm_wrapper_yields_each_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let doc = r#"{"attestations":[{"predicateType":"a","bundle":{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}},{"predicateType":"b","bundle":{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1","n":2}}]}"#;
        let path = write(dir.path(), "p.tgz.json", doc.as_bytes());
        let mut set = AttestationSet::new();
        set.add_file(&path, &Limits::DEFAULT).unwrap();
        assert_eq!(set.len(), 2);
        assert_eq!(set.attestations()[1].origin().entry(), Some(1));
        assert!(set.attestations()[1].bytes().ends_with(b"\"n\":2}"));
    }

    #[test]
    fn pypi_and_cosign_shaped_junk_is_skipped_not_passed() {
        let dir = tempfile::tempdir().unwrap();
        let doc = concat!(
            r#"{"version":1,"verification_material":{},"envelope":{}}"#,
            "\n",
            r#"{"version":1,"attestation_bundles":[]}"#,
            "\n",
            r#"{"base64Signature":"!","cert":"","rekorBundle":{}}"#,
            "\n"
        );
        let path = write(dir.path(), "x.intoto.jsonl", doc.as_bytes());
        let mut set = AttestationSet::new();
        set.add_file(&path, &Limits::DEFAULT).unwrap();
        assert!(set.is_empty());
        assert_eq!(set.skipped().len(), 3);
    }

    #[test]
    fn long_line_is_refused_without_reading_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut content = format!("{ENV}\n").into_bytes();
        content.extend(std::iter::repeat_n(b'x', 5000));
        content.push(b'\n');
        let path = write(dir.path(), "big.jsonl", &content);
        let limits = Limits::DEFAULT.with_max_line_bytes(1000);
        let err = AttestationSet::new().add_file(&path, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                Error::LineTooLong {
                    line: 2,
                    max: 1000,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn bounds_on_lines_files_and_count() {
        let dir = tempfile::tempdir().unwrap();
        let content = format!("{ENV}\n{ENV}\n{ENV}\n");
        let path = write(dir.path(), "many.jsonl", content.as_bytes());
        let err = AttestationSet::new()
            .add_file(&path, &Limits::DEFAULT.with_max_lines(2))
            .unwrap_err();
        assert!(matches!(err, Error::TooManyLines { max: 2, .. }));
        let err = AttestationSet::new()
            .add_file(&path, &Limits::DEFAULT.with_max_attestations(2))
            .unwrap_err();
        assert!(matches!(err, Error::TooManyAttestations { max: 2 }));
        let err = AttestationSet::new()
            .add_file(&path, &Limits::DEFAULT.with_max_file_bytes(10))
            .unwrap_err();
        assert!(matches!(err, Error::FileTooLarge { max: 10, .. }));
    }

    #[test]
    fn beside_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let artifact = write(dir.path(), "app.tar.gz", b"bytes");
        write(dir.path(), "app.tar.gz.intoto.jsonl", ENV.as_bytes());
        write(dir.path(), "notes.txt", ENV.as_bytes());
        let mut set = AttestationSet::new();
        assert_eq!(set.add_beside(&artifact, &Limits::DEFAULT).unwrap(), 1);
        assert_eq!(set.len(), 1);
        let mut set = AttestationSet::new();
        set.add_dir(dir.path(), &Limits::DEFAULT).unwrap();
        assert_eq!(
            set.len(),
            1,
            "only attestation extensions are read from a directory"
        );
    }
}
