//! PEM decoding/encoding with zeroized buffers.

use zeroize::Zeroizing;

use crate::Error;

/// Decodes one PEM block: its label and DER bytes (zeroized on drop, as they may be secret).
///
/// Strict RFC 7468 parsing first; if that fails, a lenient pass accepts what other tools and CI
/// secret stores produce: other line widths, CRLF, surrounding text, blank lines, trailing
/// spaces (the base64 body must still be valid standard base64).
pub(crate) fn decode(pem: &str) -> Result<(String, Zeroizing<Vec<u8>>), Error> {
    if let Ok((label, der)) = der::pem::decode_vec(pem.trim().as_bytes()) {
        return Ok((label.to_owned(), Zeroizing::new(der)));
    }
    lenient(pem).ok_or_else(|| Error::UnsupportedPem {
        found: "not PEM text".to_owned(),
    })
}

fn lenient(pem: &str) -> Option<(String, Zeroizing<Vec<u8>>)> {
    let mut lines = pem.lines().map(str::trim);
    let label = lines
        .by_ref()
        .find_map(|l| {
            l.strip_prefix("-----BEGIN ")
                .and_then(|r| r.strip_suffix("-----"))
        })?
        .to_owned();
    let end = format!("-----END {label}-----");
    // Sized up front so that the secret text is never reallocated (and copied) while growing.
    let mut body = Zeroizing::new(String::with_capacity(pem.len()));
    let mut ended = false;
    for line in lines {
        if line == end {
            ended = true;
            break;
        }
        if line.contains(':') {
            // RFC 1421 headers (`Proc-Type:`) are not supported: refuse rather than guess.
            return None;
        }
        body.extend(line.chars().filter(|c| !c.is_whitespace()));
    }
    if !ended {
        return None;
    }
    let der = provenance_model::b64::decode(&body).ok()?;
    Some((label, Zeroizing::new(der)))
}

/// Encodes DER as PEM with LF line endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    // Encoding into a String cannot fail for a valid label.
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::decode;

    const KEY: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAf29oPP8UghByG852uBdOxrJKKn7MM5hTbP9esgOZ/k0=\n-----END PUBLIC KEY-----\n";

    #[test]
    fn strict_and_lenient_forms_decode_alike() {
        let (label, der) = decode(KEY).unwrap();
        assert_eq!(label, "PUBLIC KEY");
        let crlf_narrow = "Some text before\r\n-----BEGIN PUBLIC KEY-----\r\nMCowBQYDK2VwAyEAf29oPP8U\r\nghByG852uBdOxrJKKn7MM5hTbP9esgOZ/k0=  \r\n-----END PUBLIC KEY-----\r\n";
        let (label2, der2) = decode(crlf_narrow).unwrap();
        assert_eq!(
            (label2.as_str(), der2.as_slice()),
            ("PUBLIC KEY", der.as_slice())
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert!(decode("hello").is_err());
        assert!(decode("-----BEGIN PUBLIC KEY-----\nMCow!!\n-----END PUBLIC KEY-----\n").is_err());
        assert!(decode("-----BEGIN PUBLIC KEY-----\nMCowBQYD\n").is_err());
        assert!(
            decode("-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END X-----\n").is_err()
        );
    }
}
