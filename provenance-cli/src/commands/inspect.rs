//! `provenance inspect`: a readable, decoded view of a DSSE envelope, a `.intoto.jsonl`, a
//! Sigstore bundle or a statement. Nothing is verified: the output says so.

use std::fmt::Write as _;
use std::io::{BufRead, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use provenance::dsse::{Envelope, Limits, reject_duplicate_keys};
use provenance::verify::source::read_bounded_line;
use serde_json::{Value, json};

use crate::Outcome;
use crate::ui::Ui;

/// The bounds `verify` applies to attestation files, applied here too: at most
/// `max_file_bytes` (256 MiB) in all and `max_line_bytes` (32 MiB) per line; a whole input is
/// parsed as one JSON document only if it fits in one line's bound.
const INPUT_LIMITS: provenance::verify::Limits = provenance::verify::Limits::DEFAULT;
/// The notice every view carries.
const NO_TRUST: &str = "no trust decision: nothing here has been verified";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text.
    Text,
    /// One JSON document.
    Json,
}

/// Arguments of `provenance inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,

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
            ui,
        );
    }
    let Args { format, file, .. } = args;
    let bytes = read_input(&file)?;
    let whole = if bytes.len() <= INPUT_LIMITS.max_line_bytes() {
        serde_json::from_slice::<Value>(&bytes).ok()
    } else {
        refuse_large_document(&file, &bytes)?;
        None
    };
    let (documents, errors) = match whole {
        Some(value) => match describe_document(&bytes, &value) {
            Ok(doc) => (vec![(None, doc)], 0),
            Err(doc) => {
                ui.error("the document is malformed");
                (vec![(None, doc)], 1)
            }
        },
        None => describe_lines(&bytes, ui),
    };
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Json => {
            let docs: Vec<Value> = documents
                .into_iter()
                .map(|(line, mut doc)| {
                    if let (Some(line), Some(obj)) = (line, doc.as_object_mut()) {
                        obj.insert("line".to_owned(), json!(line));
                    }
                    doc
                })
                .collect();
            let out = json!({ "trust": NO_TRUST, "documents": docs });
            let text = serde_json::to_string_pretty(&out).context("cannot encode JSON")?;
            writeln!(stdout, "{text}").context("cannot write to stdout")?;
        }
        Format::Text => {
            let mut text = format!("({NO_TRUST})\n");
            for (line, doc) in &documents {
                if let Some(line) = line {
                    let _ = writeln!(text, "\n== line {line}");
                }
                render_text(doc, &mut text, 0);
            }
            stdout
                .write_all(text.as_bytes())
                .context("cannot write to stdout")?;
        }
    }
    stdout.flush().context("cannot write to stdout")?;
    Ok(if errors > 0 {
        Outcome::InputErrors
    } else {
        Outcome::Success
    })
}

fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let name = input_name(path);
    let max_line = INPUT_LIMITS.max_line_bytes();
    let max_file = usize::try_from(INPUT_LIMITS.max_file_bytes()).unwrap_or(usize::MAX);
    if path.as_os_str() == "-" {
        read_bounded(std::io::stdin().lock(), &name, max_line, max_file)
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        read_bounded(std::io::BufReader::new(file), &name, max_line, max_file)
    }
}

/// Reads everything, refusing a line longer than `max_line_bytes` as soon as it gets there and
/// an input over `max_file_bytes`: memory stays within those bounds whatever the input.
/// Lines are read with the verifier's own bounded reader.
fn read_bounded(
    mut reader: impl BufRead,
    name: &str,
    max_line: usize,
    max_file: usize,
) -> anyhow::Result<Vec<u8>> {
    let mut all = Vec::new();
    let mut line = Vec::new();
    let mut line_no = 1usize;
    loop {
        line.clear();
        let ended = read_bounded_line(&mut reader, &mut line, max_line)
            .with_context(|| format!("cannot read {name}"))?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}: line {line_no} is longer than the limit of {max_line} bytes"
                )
            })?;
        if all.len().saturating_add(line.len()) > max_file {
            anyhow::bail!("{name} is larger than the limit of {max_file} bytes");
        }
        all.extend_from_slice(&line);
        if !ended {
            return Ok(all);
        }
        line_no += 1;
    }
}

/// An input larger than one line's bound is read as JSON lines; if it is instead one
/// pretty-printed document, say so rather than report every line as "not JSON".
fn refuse_large_document(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let first = bytes
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty());
    if let Some(line) = first
        && matches!(line.first(), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_err_and(|e| e.is_eof())
    {
        anyhow::bail!(
            "{} is one JSON document of {} bytes, more than the limit of {} bytes",
            input_name(path),
            bytes.len(),
            INPUT_LIMITS.max_line_bytes()
        );
    }
    Ok(())
}

/// Each non-empty line on its own (a `.intoto.jsonl`); a bad line is reported and skipped.
fn describe_lines(bytes: &[u8], ui: &Ui) -> (Vec<(Option<usize>, Value)>, usize) {
    let mut docs = Vec::new();
    let mut errors = 0;
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = index + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Value>(line) {
            Ok(value) => match describe_document(line, &value) {
                Ok(doc) => docs.push((Some(line_no), doc)),
                Err(doc) => {
                    errors += 1;
                    ui.error(format_args!("line {line_no}: malformed"));
                    docs.push((Some(line_no), doc));
                }
            },
            Err(err) => {
                errors += 1;
                ui.error(format_args!("line {line_no}: not JSON: {err}"));
                docs.push((
                    Some(line_no),
                    json!({ "kind": "invalid", "error": err.to_string() }),
                ));
            }
        }
    }
    if docs.is_empty() {
        errors += 1;
        ui.error("the input is neither a JSON document nor JSON lines");
    }
    (docs, errors)
}

/// Refuses documents with repeated JSON keys (a `serde_json::Value` would silently keep the
/// last one, and we must not show a payload a verifier would never accept), then describes.
fn describe_document(raw: &[u8], value: &Value) -> Result<Value, Value> {
    match reject_duplicate_keys(raw) {
        Ok(()) => Ok(describe_value(value)),
        Err(err) => Err(json!({ "kind": "invalid", "error": error_chain(&err) })),
    }
}

/// Classifies one JSON document and builds its description.
fn describe_value(value: &Value) -> Value {
    let media_type = value.get("mediaType").and_then(Value::as_str);
    if media_type.is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle")) {
        describe_bundle(value)
    } else if value.get("payloadType").is_some() && value.get("signatures").is_some() {
        describe_envelope(value)
    } else if value.get("_type").is_some() {
        json!({ "kind": "statement", "summary": statement_summary(value), "statement": value })
    } else {
        json!({ "kind": "unknown JSON", "document": value })
    }
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
                "sig_bytes": s.sig().len(),
                "sig": original.pointer(&format!("/signatures/{i}/sig")),
            })
        })
        .collect();
    let mut view = json!({
        "kind": "DSSE envelope",
        "payloadType": envelope.payload_type().as_str(),
        "payload_bytes": payload.len(),
        "signatures": signatures,
    });
    if let Some(obj) = view.as_object_mut() {
        match serde_json::from_slice::<Value>(payload) {
            Ok(json_payload) => {
                if json_payload.get("_type").is_some() {
                    obj.insert(
                        "statement_summary".to_owned(),
                        statement_summary(&json_payload),
                    );
                }
                obj.insert("payload".to_owned(), json_payload);
            }
            Err(_) => match std::str::from_utf8(payload) {
                Ok(text) => {
                    obj.insert("payload_text".to_owned(), json!(text));
                }
                Err(_) => {
                    obj.insert("payload_base64".to_owned(), json!(original.get("payload")));
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
        "_type": statement.get("_type"),
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
                        let pretty = serde_json::to_string_pretty(item).unwrap_or_default();
                        let _ = writeln!(out, "{pad}{key}:");
                        for line in pretty.lines() {
                            let _ = writeln!(out, "{pad}  {line}");
                        }
                    }
                    Value::Object(_) | Value::Array(_) => {
                        let _ = writeln!(out, "{pad}{key}:");
                        render_text(item, out, indent + 1);
                    }
                    scalar => {
                        let _ = writeln!(out, "{pad}{key}: {}", scalar_text(scalar));
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

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::read_bounded;

    /// A reader handing out `chunk`-byte pieces, so that lines straddle buffer boundaries.
    fn read(
        input: &[u8],
        chunk: usize,
        max_line: usize,
        max_file: usize,
    ) -> Result<Vec<u8>, String> {
        read_bounded(
            BufReader::with_capacity(chunk, input),
            "in.jsonl",
            max_line,
            max_file,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn lines_at_the_limit_are_read_and_one_past_is_refused_with_its_number() {
        for chunk in [1, 3, 8, 1024] {
            let at = b"abcd\n1234\n\nxyzw";
            assert_eq!(read(at, chunk, 4, 100).unwrap(), at);
            let past = b"abcd\n1234\n12345\nxy";
            assert_eq!(
                read(past, chunk, 4, 100).unwrap_err(),
                "in.jsonl: line 3 is longer than the limit of 4 bytes"
            );
            // The last line without a newline counts too.
            assert!(
                read(b"ab\nabcde", chunk, 4, 100)
                    .unwrap_err()
                    .contains("line 2")
            );
        }
    }

    #[test]
    fn the_whole_input_is_bounded() {
        let input = b"ab\ncd\nef\n";
        assert_eq!(read(input, 4, 8, 9).unwrap(), input);
        assert_eq!(
            read(input, 4, 8, 8).unwrap_err(),
            "in.jsonl is larger than the limit of 8 bytes"
        );
    }

    /// A long line is refused once the bound is passed, without reading the rest.
    #[test]
    fn a_long_line_is_refused_without_reading_it_all() {
        struct Endless(usize);
        impl std::io::Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                assert!(self.0 < 1 << 20, "read past the bound");
                buf.fill(b'A');
                Ok(buf.len())
            }
        }
        let err = read_bounded(BufReader::new(Endless(0)), "-", 64 * 1024, usize::MAX).unwrap_err();
        assert!(
            err.to_string()
                .contains("line 1 is longer than the limit of 65536 bytes")
        );
    }
}
