//! Checksum lists: `sha256sum` / `sha512sum` output (text and binary mode, escaped names, BSD
//! `--tag` lines) and the base64-encoded form that slsa-github-generator takes as
//! `base64-subjects`.

use provenance_digest::{Algorithm, DigestSet};

use crate::error::{Error, Result};

/// Default bound on the size of a checksum list (bytes).
pub const DEFAULT_MAX_CHECKSUM_BYTES: usize = 16 * 1024 * 1024;

/// One line of a checksum list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChecksumEntry {
    /// The file name, unescaped.
    pub name: String,
    /// Its digest (one algorithm, chosen by the digest length or the BSD tag).
    pub digest: DigestSet,
}

/// Parses a checksum list. `source_name` names the input in errors (a path, or `-`).
///
/// Accepted, line by line (blank lines are skipped, `\r\n` is accepted):
/// * `HEX  NAME` (text mode) and `HEX *NAME` (binary mode), where the length of `HEX` selects
///   the algorithm: 56 `sha224`, 64 `sha256`, 96 `sha384`, 128 `sha512`;
/// * a leading `\` marking an escaped name (`\\` and `\n`, `\r` as GNU coreutils writes them);
/// * BSD style `SHA256 (NAME) = HEX` (`sha256sum --tag`).
///
/// When the text is not a checksum list but valid base64 (whitespace ignored), it is decoded
/// and parsed again: that is slsa-github-generator's `base64-subjects` form.
///
/// ```
/// use provenance_context::parse_checksums;
/// let list = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae *dist/foo.tar.gz\n";
/// let entries = parse_checksums(list.as_bytes(), "SHA256SUMS").unwrap();
/// assert_eq!(entries[0].name, "dist/foo.tar.gz");
/// assert_eq!(entries[0].digest.get("sha256"), Some("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"));
/// ```
///
/// # Errors
/// [`Error::InvalidChecksumLine`] naming the first bad line (1-based),
/// [`Error::ChecksumListTooLarge`] beyond [`DEFAULT_MAX_CHECKSUM_BYTES`].
pub fn parse_checksums(bytes: &[u8], source_name: &str) -> Result<Vec<ChecksumEntry>> {
    if bytes.len() > DEFAULT_MAX_CHECKSUM_BYTES {
        return Err(Error::ChecksumListTooLarge {
            source_name: source_name.to_owned(),
            what: "bytes",
            limit: DEFAULT_MAX_CHECKSUM_BYTES,
        });
    }
    match parse_text(bytes, source_name) {
        Ok(entries) => Ok(entries),
        Err(text_error) => match decode_base64(bytes) {
            Some(decoded) if looks_like_checksums(&decoded) => {
                parse_text(&decoded, &format!("{source_name} (base64-decoded)"))
            }
            _ => Err(text_error),
        },
    }
}

fn looks_like_checksums(decoded: &[u8]) -> bool {
    decoded
        .split(|b| *b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))
        .is_some_and(|line| parse_line(line).is_ok())
}

fn decode_base64(bytes: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return None;
    }
    // ASCII whitespace removed above, so the bytes are ASCII if they are base64 at all
    let text = std::str::from_utf8(&compact).ok()?;
    provenance_model::b64::decode(text).ok()
}

fn parse_text(bytes: &[u8], source_name: &str) -> Result<Vec<ChecksumEntry>> {
    let mut entries = Vec::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        // (a CRLF line's `\r` is dropped by the shared parser)
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let entry = parse_line(line).map_err(|reason| Error::InvalidChecksumLine {
            source_name: source_name.to_owned(),
            line: index + 1,
            reason,
        })?;
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(Error::InvalidChecksumLine {
            source_name: source_name.to_owned(),
            line: 1,
            reason: "no checksum lines",
        });
    }
    Ok(entries)
}

fn parse_line(line: &[u8]) -> Result<ChecksumEntry, &'static str> {
    let parsed = provenance_digest::checksum_line::parse_line(line, None)?;
    match parsed.algorithm {
        Algorithm::Sha224 | Algorithm::Sha256 | Algorithm::Sha384 | Algorithm::Sha512 => {}
        Algorithm::Sha1 => return Err("40-digit (SHA-1) digests are not accepted for subjects"),
        _ => {
            return Err("only sha224, sha256, sha384 and sha512 digests are accepted for subjects");
        }
    }
    let name = String::from_utf8(parsed.name).map_err(|_| "file name is not valid UTF-8")?;
    let digest = DigestSet::single(parsed.algorithm, &parsed.hex)
        .map_err(|_| "digest is not valid hexadecimal of the expected length")?;
    Ok(ChecksumEntry { name, digest })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    #[test]
    fn text_binary_and_escaped() {
        let list = format!("{H}  a.txt\r\n\n{H} *bin/b\n\\{H}  dir\\\\x\\nname\n");
        let entries = parse_checksums(list.as_bytes(), "f").unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "bin/b", "dir\\x\nname"]);
        assert!(entries.iter().all(|e| e.digest.get("sha256") == Some(H)));
    }

    #[test]
    fn bsd_and_sha512() {
        let h512 = "ab".repeat(64);
        let list = format!("SHA256 (x y.tar) = {H}\n{}  z\n", h512.to_uppercase());
        let entries = parse_checksums(list.as_bytes(), "f").unwrap();
        assert_eq!(entries[0].name, "x y.tar");
        assert_eq!(entries[1].digest.get("sha512"), Some(h512.as_str()));
    }

    #[test]
    fn base64_form() {
        let list = format!("{H}  artifact1\n{H}  artifact2\n");
        let encoded = provenance_model::b64::encode(list.as_bytes());
        let entries = parse_checksums(encoded.as_bytes(), "b64").unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].name, "artifact2");
    }

    #[test]
    fn bad_lines_name_their_number() {
        let cases = [
            (format!("{H}  ok\n{H} nospace\n"), 2),
            (format!("{H}  ok\n\nzz  bad\n"), 3),
            (format!("{}  short\n", &H[..60]), 1),
            (format!("{}  sha1\n", &H[..40]), 1),
            (format!("\\{H}  bad\\escape\n"), 1),
            (format!("{H}  \n"), 1),
            (String::new(), 1),
        ];
        for (text, line) in cases {
            match parse_checksums(text.as_bytes(), "list") {
                Err(Error::InvalidChecksumLine { line: got, .. }) => {
                    assert_eq!(got, line, "{text:?}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }
}
