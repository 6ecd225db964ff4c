//! Terminal concerns: whether to draw progress, how to report warnings, broken pipes, and
//! escaping claimed text so that a terminal shows it as data ([`escape`]).

use std::io::{IsTerminal as _, Write as _};

/// How the command talks to the person at the terminal.
#[derive(Debug, Clone)]
pub(crate) struct Ui {
    progress: bool,
    /// `--quiet`: no notes (warnings and errors are still shown).
    #[cfg_attr(
        not(any(feature = "oci", feature = "sign", feature = "tuf")),
        expect(dead_code, reason = "only notes read it")
    )]
    quiet: bool,
}

impl Ui {
    /// Progress bars only when stderr is a terminal, `NO_COLOR` is unset and `--quiet` was not given.
    pub(crate) fn new(quiet: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            progress: !quiet && !no_color && std::io::stderr().is_terminal(),
            quiet,
        }
    }

    /// Whether progress bars may be drawn.
    pub(crate) fn progress_enabled(&self) -> bool {
        self.progress
    }

    /// A warning on stderr, prefixed with the program name.
    #[expect(
        clippy::unused_self,
        reason = "all terminal output goes through Ui, so that it stays the one place to change"
    )]
    pub(crate) fn warn(&self, message: impl std::fmt::Display) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "provenance: warning: {}",
            escaped(message)
        );
    }

    /// A note on stderr (what a command did besides its output), prefixed with the program
    /// name; none with `--quiet`.
    #[cfg(any(feature = "oci", feature = "sign", feature = "tuf"))]
    pub(crate) fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "provenance: {message}");
        }
    }

    /// A non-fatal error on stderr (the command goes on and exits 2 at the end).
    #[expect(
        clippy::unused_self,
        reason = "all terminal output goes through Ui, so that it stays the one place to change"
    )]
    pub(crate) fn error(&self, message: impl std::fmt::Display) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "provenance: error: {}",
            escaped(message)
        );
    }
}

/// Writes `bytes` to stdout and flushes (a closed pipe surfaces as `BrokenPipe`, see
/// [`is_broken_pipe`]).
pub(crate) fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")
}

/// Version of the `--format json` reports of `verify`, `trace` and `inspect`
/// (`schemas/{verify,trace,inspect}-report.schema.json`).
pub(crate) const REPORT_SCHEMA_VERSION: &str = "1";

/// Object keys under which values are data (digest algorithms, claimed parameters, documents
/// shown as they are): their own keys are kept as they are.
const DATA_KEYS: &[&str] = &[
    "digests",
    "digest",
    "attestationDigest",
    "externalParameters",
    "internalParameters",
    "annotations",
    "payload",
    "statement",
    "document",
];

/// The report contract: every object key in camelCase (`attestation_digest` ->
/// `attestationDigest`), whatever the library's field names, except the keys of data maps
/// ([`DATA_KEYS`]).
pub(crate) fn camel_case_keys(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, v)| {
                    let key = camel_case(&key);
                    let v = if DATA_KEYS.contains(&key.as_str()) {
                        v
                    } else {
                        camel_case_keys(v)
                    };
                    (key, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case_keys).collect()),
        other => other,
    }
}

fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for (i, c) in key.chars().enumerate() {
        if c == '_' && i > 0 {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `write` on the command's output: stdout (buffered), or with `path` a temporary file
/// beside it that replaces `path` only once everything was written (a failure leaves `path`
/// as it was). Output is streamed either way, never held whole in memory.
///
/// # Errors
/// `write`'s error, or the file's.
pub(crate) fn with_output<T>(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    use anyhow::Context as _;
    let Some(path) = path else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let value = write(&mut out)?;
        out.flush().context("cannot write to stdout")?;
        return Ok(value);
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let value = write(&mut out)?;
    let file = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // A report, not a secret: readable as a file `>` would make it (the temporary file is 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    file.as_file()
        .sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(value)
}

/// A closed pipe (`| head`) ends the output quietly: the caller then exits with what it had
/// concluded (a failed verification stays exit 1); any other error is returned.
///
/// # Errors
/// `err`, unless it is a broken pipe.
pub(crate) fn quiet_if_broken_pipe(err: anyhow::Error) -> anyhow::Result<()> {
    if is_broken_pipe(&err) {
        Ok(())
    } else {
        Err(err)
    }
}

/// Whether an error was caused by the reader of our stdout going away (`| head`).
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A claimed string made safe to print: a terminal shows it as data and never runs it.
///
/// `\` becomes `\\`; newline, carriage return and tab become `\n`, `\r`, `\t`; every other
/// non-printing code point becomes `\uXXXX` (a surrogate pair beyond U+FFFF): controls (C0,
/// DEL, C1), format characters (Cf: the bidirectional overrides and isolates that reorder what
/// is shown, zero-width space U+200B, U+FEFF, soft hyphen, tag characters), line and paragraph
/// separators (U+2028, U+2029, which log viewers show as line breaks), private-use and
/// unassigned code points. These are JSON's own escapes, so the same function also keeps JSON
/// output free of them ([`write_json`]). Text without any of them is returned as it is.
pub(crate) fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    let needs = |c: char| c == '\\' || is_non_printing(c);
    if !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs(c) => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape`] for bytes that may not be UTF-8 (file names): valid UTF-8 runs are escaped as
/// text; a byte that is not UTF-8 is kept unless it is a C1 control in an 8-bit terminal's
/// eyes (0x80..=0x9f), which becomes `\xHH`.
pub(crate) fn escape_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut done = 0usize;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        if let std::borrow::Cow::Owned(e) = escape(valid) {
            out.get_or_insert_with(|| bytes.get(..done).unwrap_or_default().to_vec())
                .extend_from_slice(e.as_bytes());
        } else if let Some(o) = out.as_mut() {
            o.extend_from_slice(valid.as_bytes());
        }
        for &b in chunk.invalid() {
            if (0x80..=0x9f).contains(&b) {
                out.get_or_insert_with(|| {
                    bytes
                        .get(..done.saturating_add(valid.len()))
                        .unwrap_or_default()
                        .to_vec()
                })
                .extend_from_slice(format!("\\x{b:02x}").as_bytes());
            } else if let Some(o) = out.as_mut() {
                o.push(b);
            }
        }
        done = done
            .saturating_add(valid.len())
            .saturating_add(chunk.invalid().len());
    }
    out.map_or(std::borrow::Cow::Borrowed(bytes), std::borrow::Cow::Owned)
}

/// The code points that print nothing or something else than themselves: general categories
/// Cc, Cf (among them the bidirectional controls that reorder displayed text, "Trojan Source",
/// CVE-2021-42574), Zl, Zp, Co and Cn (surrogates cannot be a `char`).
fn is_non_printing(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    matches!(
        get_general_category(c),
        G::Control
            | G::Format
            | G::LineSeparator
            | G::ParagraphSeparator
            | G::PrivateUse
            | G::Unassigned
    )
}

/// Any `Display` value, escaped with [`escape`] (for messages that hold claimed text).
pub(crate) fn escaped(value: impl std::fmt::Display) -> String {
    escape(&value.to_string()).into_owned()
}

/// `serde_json`'s pretty printer with one change: string contents go through [`escape`]
/// (`serde_json` itself escapes only `"`, `\` and C0; DEL, C1 and bidi controls would reach the
/// terminal raw). The result is still valid JSON holding the same strings.
struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        writer.write_all(escape(fragment).as_bytes())
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as pretty JSON with every string passed through [`escape`].
pub(crate) fn write_json(
    out: &mut dyn std::io::Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        SafeFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser).map_err(std::io::Error::from)
}

/// [`write_json`] into a `String`.
pub(crate) fn json_string(value: &impl serde::Serialize) -> String {
    let mut bytes = Vec::new();
    let _ = write_json(&mut bytes, value);
    String::from_utf8(bytes).unwrap_or_default()
}

/// Refuses an output path whose directory does not exist: checked before anything that cannot
/// be undone (a transparency-log entry, a registry push) happens.
pub(crate) fn check_output_dir(path: &std::path::Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_kept() {
        assert!(matches!(
            escape("dist/app.tar.gz"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escape("a\nPASS b"), "a\\nPASS b");
        assert_eq!(escape("\u{1b}[2J\r\t\\"), "\\u001b[2J\\r\\t\\\\");
        assert_eq!(escape("\u{7f}\u{9b}\u{202e}x"), "\\u007f\\u009b\\u202ex");
        assert_eq!(escape("é ü 日本"), "é ü 日本");
        assert_eq!(escape_bytes(b"latin1-\xe9"), &b"latin1-\xe9"[..]);
        assert_eq!(escape_bytes(b"a\x9b\xe9\nb"), &b"a\\x9b\xe9\\nb"[..]);
    }

    #[test]
    fn report_keys_are_camel_case_but_data_keys_are_kept() {
        let report = serde_json::json!({
            "attestation_digest": {"sha3_256": "ab"},
            "trace": [{"key_ids": [], "external_parameters": {"my_param": 1}}],
            "_type": "x",
        });
        assert_eq!(
            camel_case_keys(report),
            serde_json::json!({
                "attestationDigest": {"sha3_256": "ab"},
                "trace": [{"keyIds": [], "externalParameters": {"my_param": 1}}],
                "_type": "x",
            })
        );
    }

    #[test]
    fn non_printing_code_points_are_escaped() {
        for (c, shown) in [
            ('\u{2028}', "\\u2028"),
            ('\u{2029}', "\\u2029"),
            ('\u{200b}', "\\u200b"),
            ('\u{feff}', "\\ufeff"),
            ('\u{ad}', "\\u00ad"),
            ('\u{202e}', "\\u202e"),
            ('\u{e000}', "\\ue000"),
            ('\u{e0001}', "\\udb40\\udc01"),
            ('\u{e007f}', "\\udb40\\udc7f"),
            ('\u{10ffff}', "\\udbff\\udfff"),
        ] {
            assert_eq!(escape(&format!("a{c}b")), format!("a{shown}b"), "{c:?}");
        }
        for printable in ["caf\u{e9} \u{65e5}\u{672c} \u{1f600}", "a b"] {
            assert!(matches!(escape(printable), std::borrow::Cow::Borrowed(_)));
        }
        let value = serde_json::json!({"k": "x\u{e0001}\u{2028}y"});
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json_string(&value)).unwrap(),
            value
        );
    }

    #[test]
    fn json_stays_valid_and_holds_the_same_strings() {
        let value = serde_json::json!({"k\u{9b}": ["\u{1b}x\u{202e}\"\\\n", 1]});
        let text = json_string(&value);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' || c == '\u{202e}')
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
