//! One line of a checksum list as `sha256sum` and friends write it: the one parser that
//! `provenance digest --check` and the subject lists of provenance-context share.
//!
//! Accepted forms: `HEX  NAME` (text mode), `HEX *NAME` (binary mode), BSD `TAG (NAME) = HEX`
//! (`sha256sum --tag`), each optionally escaped (a leading `\`, with `\\`, `\n` and `\r` in the
//! name, as GNU coreutils writes names with those bytes). An untagged line's algorithm comes
//! from its digest length, or is the one the caller expects. Which algorithms are *acceptable*
//! is the caller's decision: a checksum check may verify SHA-1 lists, a subject list may not.

use crate::Algorithm;

/// A well-formed checksum line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChecksumLine {
    /// The algorithm: from the BSD tag, the expected one, or the digest length.
    pub algorithm: Algorithm,
    /// The digest, lowercase hexadecimal of the algorithm's length.
    pub hex: String,
    /// The file name, unescaped (bytes: names need not be UTF-8).
    pub name: Vec<u8>,
}

/// The algorithm an untagged digest of `len` hex digits names: SHA-1, SHA-224, SHA-256,
/// SHA-384 or SHA-512.
#[must_use]
pub fn algorithm_for_hex_len(len: usize) -> Option<Algorithm> {
    match len {
        40 => Some(Algorithm::Sha1),
        56 => Some(Algorithm::Sha224),
        64 => Some(Algorithm::Sha256),
        96 => Some(Algorithm::Sha384),
        128 => Some(Algorithm::Sha512),
        _ => None,
    }
}

/// Parses one line (without its `\n`; a trailing `\r` of a CRLF line ending is dropped, as
/// `sha256sum -c` does: a name that really ends with a carriage return is written escaped).
/// `expected`: the algorithm every line must have (`sha256sum -c` style with `-a`); untagged
/// lines then must have its length.
///
/// ```
/// use provenance_digest::{Algorithm, checksum_line::parse_line};
/// let hex = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
/// let line = parse_line(format!("{hex} *dist/foo.tar.gz").as_bytes(), None).unwrap();
/// assert_eq!((line.algorithm, line.name.as_slice()), (Algorithm::Sha256, &b"dist/foo.tar.gz"[..]));
/// ```
///
/// # Errors
/// A short reason naming what is wrong with the line.
pub fn parse_line(line: &[u8], expected: Option<Algorithm>) -> Result<ChecksumLine, &'static str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (escaped, line) = match line.strip_prefix(b"\\") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let untagged_hex = line
        .iter()
        .position(|b| *b == b' ')
        .and_then(|space| line.get(..space))
        .filter(|hex| !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit));
    let (algorithm, hex, raw_name) = if let Some(hex) = untagged_hex {
        let [b' ', b' ' | b'*', name @ ..] = line.get(hex.len()..).unwrap_or_default() else {
            return Err("expected two spaces (text mode) or ' *' (binary mode) after the digest");
        };
        let algorithm = match expected {
            Some(a) if a.hex_len() == hex.len() => a,
            Some(_) => return Err("digest length does not match the expected algorithm"),
            None => algorithm_for_hex_len(hex.len())
                .ok_or("digest length does not match sha1/sha224/sha256/sha384/sha512")?,
        };
        (algorithm, hex, name)
    } else {
        parse_tagged(line)?
    };
    if expected.is_some_and(|a| a != algorithm) {
        return Err("algorithm tag does not match the expected algorithm");
    }
    if raw_name.is_empty() {
        return Err("missing file name");
    }
    let name = if escaped {
        unescape(raw_name)?
    } else {
        raw_name.to_vec()
    };
    Ok(ChecksumLine {
        algorithm,
        hex: String::from_utf8_lossy(hex).to_ascii_lowercase(),
        name,
    })
}

/// `TAG (NAME) = HEX`.
fn parse_tagged(line: &[u8]) -> Result<(Algorithm, &[u8], &[u8]), &'static str> {
    const NOT: &str =
        "not a checksum line (expected `HEX  NAME`, `HEX *NAME` or `SHA256 (NAME) = HEX`)";
    let open = line.windows(2).position(|w| w == b" (").ok_or(NOT)?;
    let close = line.windows(4).rposition(|w| w == b") = ").ok_or(NOT)?;
    let tag = line.get(..open).ok_or(NOT)?;
    let name = line.get(open + 2..close).ok_or(NOT)?;
    let hex = line.get(close + 4..).ok_or(NOT)?;
    let algorithm = std::str::from_utf8(tag)
        .ok()
        .and_then(|t| Algorithm::parse_lenient(t).ok())
        .filter(|a| !matches!(a, Algorithm::GitBlob | Algorithm::DirHash))
        .ok_or("unknown algorithm tag")?;
    if hex.len() != algorithm.hex_len() || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err("digest length does not match its algorithm tag");
    }
    Ok((algorithm, hex, name))
}

fn unescape(name: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(name.len());
    let mut bytes = name.iter();
    while let Some(&b) = bytes.next() {
        if b == b'\\' {
            match bytes.next() {
                Some(b'\\') => out.push(b'\\'),
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => out.push(b'\r'),
                _ => return Err("invalid escape in file name (only \\\\, \\n and \\r)"),
            }
        } else {
            out.push(b);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    #[test]
    fn forms() {
        let plain = parse_line(format!("{H}  a b").as_bytes(), None).unwrap();
        assert_eq!(
            (plain.algorithm, plain.name.as_slice()),
            (Algorithm::Sha256, &b"a b"[..])
        );
        let tagged = parse_line(format!("SHA256 (x (1)) = {H}").as_bytes(), None).unwrap();
        assert_eq!(tagged.name, b"x (1)");
        let escaped = parse_line(format!("\\{H}  new\\nline\\\\x").as_bytes(), None).unwrap();
        assert_eq!(escaped.name, b"new\nline\\x");
        let sha1 = parse_line(b"da39a3ee5e6b4b0d3255bfef95601890afd80709  e", None).unwrap();
        assert_eq!(sha1.algorithm, Algorithm::Sha1);
        let upper = parse_line(format!("{}  u", H.to_uppercase()).as_bytes(), None).unwrap();
        assert_eq!(upper.hex, H);
        // CRLF line endings: the CR is the line ending's, not the name's (`sha256sum -c`).
        let crlf = parse_line(format!("{H}  x.bin\r").as_bytes(), None).unwrap();
        assert_eq!(crlf.name, b"x.bin");
        let tagged = parse_line(format!("SHA256 (x.bin) = {H}\r").as_bytes(), None).unwrap();
        assert_eq!(tagged.name, b"x.bin");
        let escaped_cr = parse_line(format!("\\{H}  x\\r\r").as_bytes(), None).unwrap();
        assert_eq!(escaped_cr.name, b"x\r");
    }

    #[test]
    fn refusals_say_why() {
        let no = |line: String, expected| parse_line(line.as_bytes(), expected).unwrap_err();
        assert_eq!(
            no(format!("{H}  x"), Some(Algorithm::Sha512)),
            "digest length does not match the expected algorithm"
        );
        assert_eq!(
            no(format!("{H} x"), None),
            "expected two spaces (text mode) or ' *' (binary mode) after the digest"
        );
        assert_eq!(no("garbage".into(), None).split(' ').next(), Some("not"));
        assert_eq!(no(format!("{H}  "), None), "missing file name");
        assert_eq!(
            no(format!("\\{H}  bad\\q"), None),
            "invalid escape in file name (only \\\\, \\n and \\r)"
        );
        assert_eq!(
            no(format!("SHA512 (x) = {H}"), None),
            "digest length does not match its algorithm tag"
        );
        assert_eq!(no(format!("MD5 (x) = {H}"), None), "unknown algorithm tag");
    }
}
