//! PEM decoding/encoding with bounded, zeroized buffers.

use zeroize::Zeroizing;

use crate::Error;

/// Decodes one PEM block: its label and DER bytes (zeroized on drop, as they may be secret).
pub(crate) fn decode(pem: &str) -> Result<(String, Zeroizing<Vec<u8>>), Error> {
    let (label, der) =
        der::pem::decode_vec(pem.trim().as_bytes()).map_err(|_| Error::UnsupportedPem {
            found: "not PEM text".to_owned(),
        })?;
    Ok((label.to_owned(), Zeroizing::new(der)))
}

/// Encodes DER as PEM with LF line endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    // Encoding into a String cannot fail for a valid label.
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap_or_default()
}
