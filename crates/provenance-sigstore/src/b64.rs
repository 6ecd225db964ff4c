//! Base64 in Sigstore documents: protobuf-JSON `bytes`, read with the workspace's one decoder in
//! its lenient form ([`provenance_model::b64::decode_lenient`]: either alphabet, padding
//! optional, CR/LF ignored and non-zero trailing bits tolerated, as Go's decoder which produced
//! most bundles), so that a mutated value fails where it is checked (the signature), not as an
//! encoding quirk. Errors name the field.

/// Decodes protobuf-JSON `bytes`.
pub(crate) fn decode(field: &'static str, s: &str) -> crate::error::Result<Vec<u8>> {
    provenance_model::b64::decode_lenient(s)
        .map_err(|e| crate::error::malformed(field, format!("invalid base64: {e}")))
}

/// Encodes standard padded base64.
pub(crate) fn encode(bytes: &[u8]) -> String {
    provenance_model::b64::encode(bytes)
}
