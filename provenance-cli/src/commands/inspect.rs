//! `provenance inspect`: a readable, decoded view of a DSSE envelope, a `.intoto.jsonl`, a
//! Sigstore bundle or a statement. Nothing is verified: the output says so.

use std::fmt::Write as _;
use std::io::{BufRead, Read as _, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::dsse::{Envelope, Limits, reject_duplicate_keys};
use provenance::verify::source::read_bounded_line;
use serde_json::{Value, json};

use crate::Outcome;
use crate::ui::{Ui, escape};

/// The bounds `verify` applies to attestation files, applied here too: at most
/// `max_line_bytes` (32 MiB) per line and `max_file_bytes` (256 MiB) in all; a whole input is
/// parsed as one JSON document only if it fits in one line's bound. Input is streamed: one line
/// (and its description) is held at a time, whatever the number of lines.
const INPUT_LIMITS: provenance::verify::Limits = provenance::verify::Limits::DEFAULT;
/// The notice every view carries.
const NO_TRUST: &str = "no trust decision: nothing here has been verified";
/// Version of the `--format json` report (see `schemas/inspect-report.schema.json`).
const SCHEMA_VERSION: &str = crate::ui::REPORT_SCHEMA_VERSION;
/// After this many lines that are not JSON and no line that is, the input is not JSON lines:
/// one error, not one per line.
const GIVE_UP_AFTER_BAD_LINES: usize = 10;
/// How many bad lines are reported one by one; the rest are counted.
const REPORTED_BAD_LINES: usize = 10;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text.
    Text,
    /// One JSON document (schemas/inspect-report.schema.json).
    Json,
}

/// Arguments of `provenance inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,

    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "F")]
    output_file: Option<PathBuf>,

    /// A DSSE envelope, a .intoto.jsonl, a Sigstore bundle or a statement; - for stdin; or an
    /// image as `oci://REGISTRY/REPO@sha256:HEX` (or `:TAG`), to list what is attached to it.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    #[cfg(feature = "oci")]
    #[command(flatten)]
    registry: crate::commands::oci::RegistryFlags,
}

/// Runs `provenance inspect`.
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    #[cfg(feature = "oci")]
    if let Some(image) = args
        .file
        .to_str()
        .filter(|f| crate::commands::oci::is_image(f))
    {
        return crate::commands::oci::inspect(
            image,
            &args.registry,
            args.format == Format::Json,
            args.output_file.as_deref(),
            ui,
        );
    }
    let Args {
        format,
        output_file,
        file,
        ..
    } = args;
    let name = input_name(&file);
    let mut input: Box<dyn BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let opened = std::fs::File::open(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        Box::new(std::io::BufReader::new(opened))
    };
    // The head: as much as one line may hold, plus one byte to tell whether there is more.
    let max_line = INPUT_LIMITS.max_line_bytes();
    let mut head = Vec::new();
    (&mut input)
        .take(
            u64::try_from(max_line)
                .unwrap_or(u64::MAX)
                .saturating_add(1),
        )
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {name}"))?;
    refuse_binary(&name, &head)?;
    let whole_input = head.len() <= max_line;
    let single = if whole_input {
        match parse_bounded(&head) {
            Ok(value) => Some(value),
            // One document too large to show, or JSON lines (whose lines are then judged one by
            // one): a pass that builds nothing tells them apart.
            Err(Unparsed::TooLarge)
                if serde_json::from_slice::<serde::de::IgnoredAny>(&head).is_ok() =>
            {
                anyhow::bail!("{name}: {}", Unparsed::TooLarge)
            }
            Err(_) => None,
        }
    } else {
        refuse_large_document(&name, &head)?;
        None
    };
    let mut outcome = Outcome::Success;
    crate::ui::with_output(output_file.as_deref(), |out| {
        let mut sink = Sink::begin(format, out);
        let errors = if let Some(value) = single {
            let (errors, doc) = match describe_document(&head, value) {
                Ok(doc) => (0, doc),
                Err(doc) => {
                    match view_error(&doc) {
                        Some(e) => ui.error(format_args!("{name}: the document is malformed: {e}")),
                        None => ui.error(format_args!("{name}: the document is malformed")),
                    }
                    (1, doc)
                }
            };
            sink.document(None, doc)?;
            errors
        } else {
            let rest = std::io::Cursor::new(head).chain(input);
            describe_lines(&mut std::io::BufReader::new(rest), &name, &mut sink, ui)?
        };
        if errors > 0 {
            outcome = Outcome::InputErrors;
        } else if sink.recognized == 0 {
            // Nothing to inspect: not a success (every document is shown as unknown JSON).
            ui.error(format_args!(
                "{name} holds no DSSE envelope, Sigstore bundle or statement"
            ));
            outcome = Outcome::InputErrors;
        }
        if sink.end()? {
            Ok(())
        } else {
            // Nothing shown (the errors are reported): no --output-file is written either.
            Err(anyhow::Error::new(NothingShown))
        }
    })
    .or_else(|err| {
        if err.is::<NothingShown>() {
            Ok(())
        } else {
            crate::ui::quiet_if_broken_pipe(err)
        }
    })?;
    Ok(outcome)
}

/// The input held nothing worth inspecting, and nothing was written (its errors were
/// reported already).
#[derive(Debug)]
struct NothingShown;

impl std::fmt::Display for NothingShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("nothing to show")
    }
}

impl std::error::Error for NothingShown {}

/// Streams the views out: text blocks, or the `documents` array of one JSON object, written as
/// each document is described.
///
/// Nothing is written until a document worth inspecting (an envelope, a bundle, a statement)
/// is seen: the views before it are held (at most [`HELD_BYTES`] of them), so that an input
/// with nothing to inspect (empty, garbage, unknown JSON) fails with nothing on stdout. Past
/// that bound the held views are written and the rest streams, as before.
struct Sink<'a> {
    format: Format,
    out: &'a mut dyn Write,
    documents: usize,
    /// Documents that are an envelope, a bundle or a statement (or the `{"bundle": ...}` /
    /// `{"attestations": [...]}` wrappers `verify` reads).
    recognized: usize,
    /// Whether the header was written (and `held` with it).
    started: bool,
    /// Views rendered before the output started.
    held: Vec<u8>,
}

/// How many bytes of rendered views are held before anything worth inspecting was seen.
const HELD_BYTES: usize = 1 << 20;

impl<'a> Sink<'a> {
    fn begin(format: Format, out: &'a mut dyn Write) -> Self {
        Self {
            format,
            out,
            documents: 0,
            recognized: 0,
            started: false,
            held: Vec::new(),
        }
    }

    /// Writes the header and the views held so far; later views go straight out.
    fn start(&mut self) -> std::io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match self.format {
            Format::Text => writeln!(self.out, "({NO_TRUST})")?,
            Format::Json => write!(
                self.out,
                "{{\n  \"schemaVersion\": \"{SCHEMA_VERSION}\",\n  \"trust\": \"{NO_TRUST}\",\n  \"documents\": ["
            )?,
        }
        let held = std::mem::take(&mut self.held);
        self.out.write_all(&held)
    }

    fn document(&mut self, line: Option<usize>, mut doc: Value) -> std::io::Result<()> {
        // wrappers that hold bundles are described as such (describe_wrapper): anything
        // left unknown holds nothing to inspect
        let recognized = !matches!(
            doc.get("kind").and_then(Value::as_str),
            Some("invalid" | "unknown JSON") | None
        );
        if recognized {
            self.recognized += 1;
            self.start()?;
        }
        let out: &mut dyn Write = if self.started {
            &mut *self.out
        } else {
            &mut self.held
        };
        match self.format {
            Format::Text => {
                let mut text = String::new();
                if let Some(line) = line {
                    let _ = writeln!(text, "\n== line {line}");
                }
                render_text(&doc, &mut text, 0);
                out.write_all(text.as_bytes())?;
            }
            Format::Json => {
                if let (Some(line), Some(obj)) = (line, doc.as_object_mut()) {
                    obj.insert("line".to_owned(), json!(line));
                }
                let sep = if self.documents == 0 { "" } else { "," };
                write!(out, "{sep}\n    ")?;
                crate::ui::write_json(&mut Indented(out), &doc)?;
            }
        }
        self.documents += 1;
        if !self.started && self.held.len() > HELD_BYTES {
            self.start()?;
        }
        Ok(())
    }

    /// Ends the output; when nothing worth inspecting was seen (and nothing was written yet),
    /// writes nothing at all (returns `false`): the caller reports the input as an error.
    fn end(mut self) -> std::io::Result<bool> {
        if self.recognized == 0 && !self.started {
            return Ok(false);
        }
        self.start()?;
        if self.format == Format::Json {
            let close = if self.documents == 0 { "]" } else { "\n  ]" };
            writeln!(self.out, "{close}\n}}")?;
        }
        self.out.flush()?;
        Ok(true)
    }
}

/// Writes through, indenting every new line by four spaces (a document inside `documents`),
/// so that a view is streamed out rather than copied into a string first.
struct Indented<'a>(&'a mut dyn Write);

impl Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|b| *b == b'\n') {
            let (line, tail) = rest.split_at(at);
            self.0.write_all(line)?;
            self.0.write_all(b"\n    ")?;
            rest = tail.get(1..).unwrap_or_default();
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// JSON is text: a NUL byte or bytes that are not UTF-8 in the head mean a binary file, which
/// gets one error rather than one per "line" (the test `verify` applies to attestation files).
fn refuse_binary(name: &str, head: &[u8]) -> anyhow::Result<()> {
    if provenance::verify::source::is_binary(head) {
        anyhow::bail!("{name} is binary data, not JSON or JSON lines");
    }
    Ok(())
}

/// An input larger than one line's bound is read as JSON lines; if it is instead one
/// pretty-printed document, say so rather than report every line as "not JSON".
fn refuse_large_document(name: &str, head: &[u8]) -> anyhow::Result<()> {
    let first = head
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty());
    if let Some(line) = first
        && matches!(line.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err_and(|e| e.is_eof())
    {
        anyhow::bail!(
            "{name} is one JSON document of more than {} bytes, the limit",
            INPUT_LIMITS.max_line_bytes()
        );
    }
    Ok(())
}

/// Each non-empty line on its own (a `.intoto.jsonl`), described and written out before the
/// next is read; a bad line is reported and shown as `invalid`. Returns the number of errors.
fn describe_lines(
    reader: &mut impl BufRead,
    name: &str,
    sink: &mut Sink<'_>,
    ui: &Ui,
) -> anyhow::Result<usize> {
    let max_line = INPUT_LIMITS.max_line_bytes();
    let max_file = INPUT_LIMITS.max_file_bytes();
    let (mut errors, mut good, mut total) = (0usize, 0usize, 0u64);
    let mut line = Vec::new();
    let mut line_no = 0usize;
    loop {
        line.clear();
        line_no += 1;
        let ended = read_bounded_line(reader, &mut line, max_line)
            .with_context(|| format!("cannot read {name}"))?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}: line {line_no} is longer than the limit of {max_line} bytes"
                )
            })?;
        if (ended || !line.is_empty()) && line_no > INPUT_LIMITS.max_lines() {
            anyhow::bail!("{name} has more than {} lines", INPUT_LIMITS.max_lines());
        }
        total = total.saturating_add(line.len() as u64);
        if total > max_file {
            anyhow::bail!("{name} is larger than the limit of {max_file} bytes");
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            match parse_bounded(&line) {
                Ok(value) => {
                    let (ok, doc) = match describe_document(&line, value) {
                        Ok(doc) => (true, doc),
                        Err(doc) => (false, doc),
                    };
                    if ok {
                        good += 1;
                    } else {
                        errors += 1;
                        let what = view_error(&doc)
                            .map_or_else(|| "malformed".to_owned(), |e| format!("malformed: {e}"));
                        report_bad_line(ui, name, errors, line_no, &what);
                    }
                    sink.document(Some(line_no), doc)?;
                }
                Err(Unparsed::TooLarge) => {
                    errors += 1;
                    let what = Unparsed::TooLarge.to_string();
                    report_bad_line(ui, name, errors, line_no, &what);
                    sink.document(Some(line_no), json!({ "kind": "invalid", "error": what }))?;
                }
                Err(Unparsed::NotJson(err)) => {
                    errors += 1;
                    if good == 0 && errors >= GIVE_UP_AFTER_BAD_LINES {
                        anyhow::bail!(
                            "{name} is neither a JSON document nor JSON lines (its first \
                             {errors} non-empty lines are not JSON)"
                        );
                    }
                    report_bad_line(ui, name, errors, line_no, &format!("not JSON: {err}"));
                    sink.document(
                        Some(line_no),
                        json!({ "kind": "invalid", "error": err.to_string() }),
                    )?;
                }
            }
        }
        if !ended {
            break;
        }
    }
    if errors > REPORTED_BAD_LINES {
        ui.error(format_args!(
            "{name}: {} more bad lines not shown",
            errors - REPORTED_BAD_LINES
        ));
    }
    if good == 0 && errors == 0 {
        errors += 1;
        ui.error(format_args!(
            "{name} is neither a JSON document nor JSON lines"
        ));
    }
    Ok(errors)
}

fn report_bad_line(ui: &Ui, name: &str, nth: usize, line_no: usize, what: &str) {
    if nth <= REPORTED_BAD_LINES {
        ui.error(format_args!("{name}: line {line_no}: {what}"));
    }
}

/// The most JSON values (objects, arrays, keys, scalars) one document may hold to be shown: a
/// parsed value takes tens of bytes per node, so this bounds memory whatever the shape (a line of
/// 30 MiB of `[]` holds ten million).
const MAX_VALUES: usize = 1_000_000;

/// Why a document is not parsed.
enum Unparsed {
    /// Not JSON (or not one JSON value).
    NotJson(serde_json::Error),
    /// More than [`MAX_VALUES`] values.
    TooLarge,
}

impl std::fmt::Display for Unparsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(err) => write!(f, "not JSON: {err}"),
            Self::TooLarge => write!(
                f,
                "more than {MAX_VALUES} JSON values, more than inspect shows"
            ),
        }
    }
}

/// Parses one JSON value after counting its values without building them (so that a document
/// of millions of tiny values is refused, not materialised).
fn parse_bounded(bytes: &[u8]) -> Result<Value, Unparsed> {
    use serde::de::DeserializeSeed as _;
    let count = std::cell::Cell::new(0usize);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let counted = Count(&count).deserialize(&mut de).and_then(|()| de.end());
    if count.get() > MAX_VALUES {
        return Err(Unparsed::TooLarge);
    }
    counted.map_err(Unparsed::NotJson)?;
    serde_json::from_slice(bytes).map_err(Unparsed::NotJson)
}

/// Counts the values of a JSON document as it is read, stopping past [`MAX_VALUES`].
struct Count<'a>(&'a std::cell::Cell<usize>);

impl Count<'_> {
    fn bump<E: serde::de::Error>(&self) -> Result<(), E> {
        let n = self.0.get().saturating_add(1);
        self.0.set(n);
        if n > MAX_VALUES {
            return Err(E::custom("too many values"));
        }
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Count<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.bump()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.bump()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.bump()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.bump()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.bump()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.bump()
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.bump()?;
        while seq.next_element_seed(Count(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.bump()?;
        while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            self.bump()?;
            map.next_value_seed(Count(self.0))?;
        }
        Ok(())
    }
}

/// Refuses documents with repeated JSON keys (a `serde_json::Value` would silently keep the
/// last one, and we must not show a payload a verifier would never accept), then describes.
/// A view whose signed payload repeats a key (see [`PAYLOAD_DUPLICATE`]) is shown, but as an
/// error.
fn describe_document(raw: &[u8], value: Value) -> Result<Value, Value> {
    match reject_duplicate_keys(raw) {
        Ok(()) => {
            let view = describe_value(value);
            let payload_error = view_error(&view).is_some_and(|e| e.starts_with(PAYLOAD_DUPLICATE));
            if payload_error { Err(view) } else { Ok(view) }
        }
        Err(err) => Err(json!({ "kind": "invalid", "error": error_chain(&err) })),
    }
}

/// How the view of an envelope whose signed payload repeats a JSON key begins its `error`:
/// verify refuses such a payload (a parser that keeps the first value and one that keeps the
/// last would read different statements), so the view must not show it as if it were fine.
const PAYLOAD_DUPLICATE: &str = "the signed payload repeats a JSON key";

/// The fields of a view that show the input itself (which may hold a key named `error`).
const SHOWN_INPUT: [&str; 9] = [
    "payload",
    "statement",
    "document",
    "messageSignature",
    "statementSummary",
    "summary",
    "verificationMaterial",
    "mediaType",
    "predicateType",
];

/// The error of a view for the stderr line of a malformed one: a repeated payload key wherever
/// it is (another entry's error before it does not hide it), else the first error. Errors are
/// looked for in the view and the envelopes and bundles it holds, never in shown input
/// (payloads, statements, unknown documents, media and predicate types as given).
fn view_error(view: &Value) -> Option<&str> {
    let mut errors = Vec::new();
    view_errors(view, &mut errors);
    errors
        .iter()
        .find(|e| e.starts_with(PAYLOAD_DUPLICATE))
        .or_else(|| errors.first())
        .copied()
}

/// The errors of a view in order ([`view_error`]).
fn view_errors<'a>(view: &'a Value, errors: &mut Vec<&'a str>) {
    match view {
        Value::Object(fields) => {
            errors.extend(fields.get("error").and_then(Value::as_str));
            for (key, value) in fields {
                if key != "error" && !SHOWN_INPUT.contains(&key.as_str()) {
                    view_errors(value, errors);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| view_errors(item, errors)),
        _ => {}
    }
}

/// Classifies one JSON document and builds its description (the document moves into it).
fn describe_value(value: Value) -> Value {
    let media_type = value.get("mediaType").and_then(Value::as_str);
    if media_type.is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle")) {
        describe_bundle(&value)
    } else if value.get("payloadType").is_some() && value.get("signatures").is_some() {
        describe_envelope(&value)
    } else if value.get("_type").is_some() {
        let summary = statement_summary(&value);
        view([
            ("kind", json!("statement")),
            ("summary", summary),
            ("statement", value),
        ])
    } else if let Some(wrapped) = describe_wrapper(&value) {
        wrapped
    } else {
        view([("kind", json!("unknown JSON")), ("document", value)])
    }
}

/// The bundle an npm attestation or a gh download line holds: one written with proto field
/// names (`media_type`) as any such document, else as a bundle (even a malformed one: its
/// errors are shown).
fn describe_wrapped_bundle(bundle: &Value) -> Value {
    if bundle.get("media_type").is_some() && bundle.get("mediaType").is_none() {
        describe_value(bundle.clone())
    } else {
        describe_bundle(bundle)
    }
}

/// The formats that verify reads as Sigstore bundles: npm's attestations document, a
/// `gh attestation download` line, a bundle written with proto (`snake_case`) field names, a
/// `PyPI` PEP 740 attestation or provenance object and a cosign `--bundle` file (the last four
/// as the bundles verify reads them as).
fn describe_wrapper(value: &Value) -> Option<Value> {
    use provenance::sigstore::Bundle;
    if let Some(items) = value
        .get("attestations")
        .and_then(Value::as_array)
        .filter(|items| {
            !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.get("bundle").is_some_and(Value::is_object))
        })
    {
        let items: Vec<Value> = items
            .iter()
            .map(|item| {
                json!({
                    "predicateType": item.get("predicateType"),
                    "bundle": describe_wrapped_bundle(&item["bundle"]),
                })
            })
            .collect();
        return Some(view([
            ("kind", json!("npm attestations document")),
            ("attestations", Value::Array(items)),
        ]));
    }
    if let Some(bundle) = value
        .get("bundle")
        .filter(|b| b.get("mediaType").or_else(|| b.get("media_type")).is_some())
    {
        return Some(view([
            (
                "kind",
                json!("attestation wrapper (gh attestation download)"),
            ),
            ("bundle", describe_wrapped_bundle(bundle)),
        ]));
    }
    let has = |k: &str| value.get(k).is_some();
    // the document as text, for the readers that convert it: only once one is chosen (an
    // unknown document is not written out again)
    let raw = || value.to_string();
    let (kind, converted) = if value
        .get("media_type")
        .and_then(Value::as_str)
        .is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
    {
        let bundle = Bundle::from_json(raw().as_bytes());
        (
            "Sigstore bundle (proto field names)",
            bundle.map(|b| vec![b]),
        )
    } else if has("verification_material") && has("envelope") {
        let bundle = Bundle::from_pep740_attestation(raw().as_bytes());
        ("PyPI PEP 740 attestation", bundle.map(|b| vec![b]))
    } else if has("attestation_bundles") {
        let bundles = Bundle::from_pypi_provenance(raw().as_bytes());
        ("PyPI provenance object", bundles)
    } else if has("base64Signature") && has("rekorBundle") {
        let bundle = Bundle::from_cosign_bundle(raw().as_bytes());
        ("cosign bundle (before cosign v3)", bundle.map(|b| vec![b]))
    } else {
        return None;
    };
    let described = match converted {
        Ok(bundles) => Value::Array(
            bundles
                .iter()
                .map(|b| {
                    b.to_json()
                        .ok()
                        .and_then(|j| serde_json::from_slice::<Value>(&j).ok())
                        .map_or(Value::Null, |j| describe_bundle(&j))
                })
                .collect(),
        ),
        Err(err) => {
            return Some(
                json!({ "kind": format!("{kind} (malformed)"), "error": error_chain(&err) }),
            );
        }
    };
    Some(view([
        ("kind", json!(kind)),
        ("asSigstoreBundles", described),
    ]))
}

/// An object of these fields, moved in (`json!` would copy a document it is given).
fn view<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn describe_envelope(value: &Value) -> Value {
    let bytes = value.to_string();
    match Envelope::from_slice(bytes.as_bytes(), &Limits::DEFAULT) {
        Ok(envelope) => envelope_view(&envelope, value),
        Err(err) => json!({ "kind": "DSSE envelope (malformed)", "error": error_chain(&err) }),
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

/// `original` is the envelope JSON: its base64 strings are shown as they are.
fn envelope_view(envelope: &Envelope, original: &Value) -> Value {
    let payload = envelope.payload_unverified();
    let signatures: Vec<Value> = envelope
        .signatures()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "keyid": s.key_id().map(|k| k.as_str().to_owned()),
                "sigBytes": s.sig().len(),
                "sig": original.pointer(&format!("/signatures/{i}/sig")),
            })
        })
        .collect();
    let mut view = json!({
        "kind": "DSSE envelope",
        "payloadType": envelope.payload_type().as_str(),
        "payloadBytes": payload.len(),
        "signatures": signatures,
    });
    if let Some(obj) = view.as_object_mut() {
        match parse_bounded(payload) {
            Err(Unparsed::TooLarge) => {
                obj.insert(
                    "error".to_owned(),
                    json!(format!("payload: {}", Unparsed::TooLarge)),
                );
            }
            Ok(json_payload) => {
                // Verify's reader (provenance-model's), under inspect's own bounds.
                let limits = provenance::model::Limits::default()
                    .with_max_payload_bytes(usize::MAX)
                    .with_max_depth(usize::MAX);
                if let Err(err) = provenance::model::reject_duplicate_keys(payload, &limits) {
                    obj.insert(
                        "error".to_owned(),
                        json!(format!(
                            "{PAYLOAD_DUPLICATE} ({}); verify refuses it, and the view \
                             below keeps only the last value",
                            error_chain(&err)
                        )),
                    );
                }
                if json_payload.get("_type").is_some() {
                    obj.insert(
                        "statementSummary".to_owned(),
                        statement_summary(&json_payload),
                    );
                }
                obj.insert("payload".to_owned(), json_payload);
            }
            Err(_) => match std::str::from_utf8(payload) {
                Ok(text) => {
                    obj.insert("payloadText".to_owned(), json!(text));
                }
                Err(_) => {
                    obj.insert("payloadBase64".to_owned(), json!(original.get("payload")));
                }
            },
        }
    }
    view
}

/// `_type`, `predicateType` and subjects (name and digests) of a statement.
fn statement_summary(statement: &Value) -> Value {
    let subjects: Vec<Value> = statement
        .get("subject")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| json!({ "name": s.get("name"), "digest": s.get("digest") }))
                .collect()
        })
        .unwrap_or_default();
    let builder = statement
        .pointer("/predicate/runDetails/builder/id")
        .or_else(|| statement.pointer("/predicate/builder/id"));
    json!({
        "statementType": statement.get("_type"),
        "predicateType": statement.get("predicateType"),
        "builder": builder,
        "subjects": subjects,
    })
}

fn describe_bundle(bundle: &Value) -> Value {
    let material = bundle.get("verificationMaterial");
    let key_material = material.and_then(|m| {
        if let Some(pk) = m.get("publicKey") {
            Some(json!({ "publicKey": pk }))
        } else if let Some(chain) = m.pointer("/x509CertificateChain/certificates") {
            Some(json!({ "x509CertificateChain": chain.as_array().map_or(0, Vec::len) }))
        } else {
            m.get("certificate").map(|_| json!("certificate"))
        }
    });
    let count = |ptr: &str| {
        material
            .and_then(|m| m.pointer(ptr))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let mut view = json!({
        "kind": "Sigstore bundle",
        "mediaType": bundle.get("mediaType"),
        "verificationMaterial": key_material,
        "tlogEntries": count("/tlogEntries"),
        "rfc3161Timestamps": count("/timestampVerificationData/rfc3161Timestamps"),
    });
    if let Some(obj) = view.as_object_mut() {
        if let Some(dsse) = bundle.get("dsseEnvelope") {
            obj.insert("dsseEnvelope".to_owned(), describe_envelope(dsse));
        }
        if let Some(message) = bundle.get("messageSignature") {
            obj.insert("messageSignature".to_owned(), message.clone());
        }
    }
    view
}

/// Indented `key: value` text; JSON payloads are pretty-printed.
fn render_text(value: &Value, out: &mut String, indent: usize) {
    let pad = "  ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match item {
                    Value::Object(_)
                        if key == "payload" || key == "statement" || key == "document" =>
                    {
                        let pretty = crate::ui::json_string(item);
                        let _ = writeln!(out, "{pad}{}:", escape(key));
                        for line in pretty.lines() {
                            let _ = writeln!(out, "{pad}  {line}");
                        }
                    }
                    Value::Object(_) | Value::Array(_) => {
                        let _ = writeln!(out, "{pad}{}:", escape(key));
                        render_text(item, out, indent + 1);
                    }
                    scalar => {
                        let _ = writeln!(out, "{pad}{}: {}", escape(key), scalar_text(scalar));
                    }
                }
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                let _ = writeln!(out, "{pad}(none)");
            }
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        let _ = writeln!(out, "{pad}[{i}]");
                        render_text(item, out, indent + 1);
                    }
                    scalar => {
                        let _ = writeln!(out, "{pad}[{i}] {}", scalar_text(scalar));
                    }
                }
            }
        }
        scalar => {
            let _ = writeln!(out, "{pad}{}", scalar_text(scalar));
        }
    }
}

/// A scalar as text, claimed strings escaped ([`escape`]).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => escape(s).into_owned(),
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    }
}
