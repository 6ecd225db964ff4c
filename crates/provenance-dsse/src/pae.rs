//! The DSSE Pre-Authentication Encoding.

/// The literal that starts every PAE.
const PAE_PREFIX: &[u8] = b"DSSEv1";

/// Pre-Authentication Encoding, [DSSE v1.0.2 "Protocol"]: the bytes that are actually signed.
///
/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where `LEN` is the
/// length **in bytes** in ASCII decimal without leading zeros and `SP` is one space.
///
/// ```
/// let pae = provenance_dsse::pae("http://example.com/HelloWorld", b"hello world");
/// assert_eq!(pae, b"DSSEv1 29 http://example.com/HelloWorld 11 hello world");
/// ```
///
/// [DSSE v1.0.2 "Protocol"]: https://github.com/secure-systems-lab/dsse/blob/v1.0.2/protocol.md
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = payload.len().to_string();
    let mut out = Vec::with_capacity(
        PAE_PREFIX.len() + 4 + type_len.len() + payload_type.len() + body_len.len() + payload.len(),
    );
    out.extend_from_slice(PAE_PREFIX);
    out.push(b' ');
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

#[cfg(test)]
mod tests {
    use super::pae;

    #[test]
    fn lengths_are_in_bytes_not_chars() {
        // "é" is two bytes in UTF-8.
        assert_eq!(pae("é", "ü".as_bytes()), "DSSEv1 2 é 2 ü".as_bytes());
    }

    #[test]
    fn empty_type_and_body() {
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }
}
