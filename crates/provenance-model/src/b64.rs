//! Base64, one decoder for the whole workspace (DSSE envelopes, resource descriptor `content`,
//! Sigstore bundles, PEM bodies, cosign key files, docker `config.json`, JWTs ...), in two
//! strengths:
//!
//! | | [`decode`] (strict) | [`decode_lenient`] |
//! |---|---|---|
//! | alphabet | standard (`+/`) or URL-safe (`-_`), not mixed | the same |
//! | padding | optional (`=` present or absent) | optional |
//! | CR / LF | refused | ignored (Go's `encoding/base64` does the same) |
//! | other whitespace | refused | refused |
//! | non-zero trailing bits | refused (one spelling per value) | tolerated |
//!
//! The lenient form is for protobuf-JSON `bytes` written by Go producers (Sigstore bundles,
//! Rekor bodies), so that a mutated value fails where it is checked (a signature, a digest)
//! rather than as an encoding quirk. Callers that read line-wrapped text (PEM) remove the
//! line structure first. [`encode`] writes standard padded base64.
//!
//! ```
//! use provenance_model::b64;
//! assert_eq!(b64::decode("+//+AQ")?, [0xfb, 0xff, 0xfe, 0x01]);
//! assert_eq!(b64::decode("-__-AQ==")?, [0xfb, 0xff, 0xfe, 0x01]);
//! assert!(b64::decode("+_").is_err());
//! assert!(b64::decode("AQ\n==").is_err());
//! assert_eq!(b64::decode_lenient("AQ\n==")?, [0x01]);
//! assert_eq!(b64::encode(&[0xfb, 0xff, 0xfe, 0x01]), "+//+AQ==");
//! # Ok::<(), b64::InvalidBase64>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose::STANDARD};

/// The input is not base64 in the accepted form (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not valid base64")]
#[non_exhaustive]
pub struct InvalidBase64;

const STRICT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const LENIENT: GeneralPurposeConfig = STRICT.with_decode_allow_trailing_bits(true);

const STRICT_STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, STRICT);
const STRICT_URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, STRICT);
const LENIENT_STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

fn is_url_safe(text: &str) -> bool {
    text.bytes().any(|b| b == b'-' || b == b'_')
}

/// Decodes strict base64: standard or URL-safe alphabet (not mixed), padding optional, no
/// whitespace, canonical trailing bits.
///
/// # Errors
/// [`InvalidBase64`].
pub fn decode(text: &str) -> Result<Vec<u8>, InvalidBase64> {
    let engine = if is_url_safe(text) {
        STRICT_URL
    } else {
        STRICT_STD
    };
    engine.decode(text).map_err(|_| InvalidBase64)
}

/// Decodes lenient base64: as [`decode`], and CR / LF are ignored and non-zero trailing bits
/// tolerated.
///
/// # Errors
/// [`InvalidBase64`].
pub fn decode_lenient(text: &str) -> Result<Vec<u8>, InvalidBase64> {
    let cleaned;
    let text = if text.contains(['\n', '\r']) {
        cleaned = text.replace(['\n', '\r'], "");
        cleaned.as_str()
    } else {
        text
    };
    let engine = if is_url_safe(text) {
        LENIENT_URL
    } else {
        LENIENT_STD
    };
    engine.decode(text).map_err(|_| InvalidBase64)
}

/// Encodes as standard base64 with padding.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_alphabets_padded_or_not() {
        let bytes = [0xfb_u8, 0xff, 0xfe, 0x01];
        for s in ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"] {
            assert_eq!(decode(s).as_deref(), Ok(&bytes[..]), "{s}");
            assert_eq!(decode_lenient(s).as_deref(), Ok(&bytes[..]), "{s}");
        }
        assert_eq!(encode(&bytes), "+//+AQ==");
        assert_eq!(decode(""), Ok(Vec::new()));
    }

    #[test]
    fn strict_refuses_what_lenient_tolerates() {
        // (input, lenient result)
        let cases: [(&str, Option<&[u8]>); 6] = [
            ("AQ\n==", Some(&[1])),
            ("AQ\r\n", Some(&[1])),
            ("AR==", Some(&[1])), // non-zero trailing bits
            ("+_", None),         // mixed alphabets
            ("a b=", None),       // a space is never tolerated
            ("!!!!", None),
        ];
        for (input, lenient) in cases {
            assert_eq!(decode(input), Err(InvalidBase64), "{input:?}");
            assert_eq!(decode_lenient(input).ok().as_deref(), lenient, "{input:?}");
        }
    }
}
