//! Base64 as DSSE needs it: accept standard and URL-safe alphabets, padded or not; emit standard.

use base64::Engine as _;
use base64::engine::general_purpose::{
    STANDARD, STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT,
};

/// Decodes standard or URL-safe base64, with or without padding. Mixed alphabets are refused.
pub(crate) fn decode(input: &str) -> Option<Vec<u8>> {
    let url_safe = input.bytes().any(|b| b == b'-' || b == b'_');
    let result = if url_safe {
        URL_SAFE_PAD_INDIFFERENT.decode(input)
    } else {
        STANDARD_PAD_INDIFFERENT.decode(input)
    };
    result.ok()
}

/// Encodes as standard base64 with padding.
pub(crate) fn encode(input: &[u8]) -> String {
    STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn accepts_all_four_spellings() {
        let bytes = [0xfb_u8, 0xff, 0xfe, 0x01];
        for s in ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"] {
            assert_eq!(decode(s).as_deref(), Some(&bytes[..]), "{s}");
        }
        assert_eq!(encode(&bytes), "+//+AQ==");
    }

    #[test]
    fn refuses_mixed_alphabets_and_garbage() {
        assert_eq!(decode("+_"), None);
        assert_eq!(decode("a b="), None);
        assert_eq!(decode("!!!!"), None);
    }
}
