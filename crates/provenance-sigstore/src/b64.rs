//! Base64 helpers. Protobuf JSON `bytes` accept standard and URL-safe alphabets, padded or
//! not; like Go's decoder (which produced most bundles) CR/LF line breaks are ignored and
//! non-zero trailing bits tolerated, so that a mutated value fails where it is checked
//! (the signature), not as an encoding quirk.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Decodes protobuf-JSON `bytes`.
pub(crate) fn decode(field: &'static str, s: &str) -> crate::error::Result<Vec<u8>> {
    let cleaned;
    let s = if s.contains(['\n', '\r']) {
        cleaned = s.replace(['\n', '\r'], "");
        cleaned.as_str()
    } else {
        s
    };
    STD.decode(s)
        .or_else(|e| URL.decode(s).map_err(|_| e))
        .map_err(|e| crate::error::malformed(field, format!("invalid base64: {e}")))
}

/// Encodes standard padded base64.
pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}
