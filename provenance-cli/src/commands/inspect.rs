//! `provenance inspect`: a readable, decoded view of a DSSE envelope, a `.intoto.jsonl`, a
//! Sigstore bundle or a statement. Nothing is verified: the output says so.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::PathBuf;

use anyhow::Context as _;
use provenance::dsse::{Envelope, Limits, reject_duplicate_keys};
use serde_json::{Value, json};

use crate::Outcome;
use crate::ui::Ui;

/// Largest file inspected: 256 MiB.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
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

    /// A DSSE envelope, a .intoto.jsonl, a Sigstore bundle or a statement; - for stdin.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,
}

/// Runs `provenance inspect`.
pub(crate) fn run(args: Args, ui: &Ui) -> anyhow::Result<Outcome> {
    let bytes = read_input(&args.file)?;
    let (documents, errors) = match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => match describe_document(&bytes, &value) {
            Ok(doc) => (vec![(None, doc)], 0),
            Err(doc) => {
                ui.error("the document is malformed");
                (vec![(None, doc)], 1)
            }
        },
        Err(_) => describe_lines(&bytes, ui),
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
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

fn read_input(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
    };
    read.with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        anyhow::bail!("{} is larger than {MAX_FILE_BYTES} bytes", path.display());
    }
    Ok(bytes)
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
