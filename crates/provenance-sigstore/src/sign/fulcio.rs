//! Fulcio v2 `signingCert`: a public key with a proof of possession in, a certificate chain
//! with an embedded SCT out (Fulcio's `fulcio.proto`, `CreateSigningCertificateRequest`).

use serde_json::{Value, json};

use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::sign::token::IdentityToken;

const SERVICE: &str = "Fulcio";
/// Most certificates accepted in Fulcio's chain.
const MAX_CHAIN: usize = 10;

/// Asks Fulcio for a certificate over `spki_der` and returns the leaf, after checking that
/// it certifies exactly this key.
pub(crate) fn signing_cert(
    http: &Http,
    base_url: &str,
    token: &IdentityToken,
    spki_der: &[u8],
    proof: &[u8],
) -> Result<Certificate> {
    let url = format!("{}/api/v2/signingCert", base_url.trim_end_matches('/'));
    let pem = public_key_pem(spki_der);
    let request = json!({
        "credentials": { "oidcIdentityToken": token.secret() },
        "publicKeyRequest": {
            "publicKey": { "algorithm": "ECDSA", "content": pem },
            "proofOfPossession": crate::b64::encode(proof),
        },
    });
    let answer = http.post_json(SERVICE, &url, Some(token.secret()), &request)?;
    leaf_from_answer(&answer, &url, spki_der)
}

fn bad(url: &str, reason: impl Into<String>) -> Error {
    Error::BadServiceAnswer {
        service: SERVICE,
        url: url.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn leaf_from_answer(answer: &Value, url: &str, spki_der: &[u8]) -> Result<Certificate> {
    if answer.get("signedCertificateDetachedSct").is_some() {
        return Err(bad(
            url,
            "a certificate with a detached SCT (only embedded SCTs are supported)",
        ));
    }
    let chain = answer
        .pointer("/signedCertificateEmbeddedSct/chain/certificates")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(url, "no signedCertificateEmbeddedSct.chain.certificates"))?;
    if chain.len() > MAX_CHAIN {
        return Err(bad(url, format!("more than {MAX_CHAIN} certificates")));
    }
    let first = chain
        .first()
        .and_then(Value::as_str)
        .ok_or_else(|| bad(url, "an empty certificate chain"))?;
    let der = crate::crypto::pem_decode(first, "CERTIFICATE")
        .map_err(|e| bad(url, format!("the leaf is not a PEM certificate ({e})")))?;
    let leaf = Certificate::from_der(&der)
        .map_err(|e| bad(url, format!("the leaf does not parse ({e})")))?;
    if leaf.public_key().spki_der() != spki_der {
        return Err(bad(
            url,
            "the certificate is for another key than the one sent",
        ));
    }
    Ok(leaf)
}

fn public_key_pem(spki_der: &[u8]) -> String {
    let b64 = crate::b64::encode(spki_der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_without_a_usable_leaf_are_refused_by_name() {
        let url = "http://f";
        let cases = [
            (json!({}), "no signedCertificateEmbeddedSct"),
            (json!({"signedCertificateDetachedSct": {}}), "detached SCT"),
            (
                json!({"signedCertificateEmbeddedSct": {"chain": {"certificates": []}}}),
                "empty certificate chain",
            ),
            (
                json!({"signedCertificateEmbeddedSct": {"chain": {"certificates": ["x"]}}}),
                "not a PEM certificate",
            ),
            (
                json!({"signedCertificateEmbeddedSct": {"chain": {"certificates":
                    ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}}}),
                "does not parse",
            ),
        ];
        for (answer, want) in cases {
            let err = leaf_from_answer(&answer, url, b"key")
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{answer}: {err}");
            assert!(
                err.starts_with("Fulcio at http://f gave an invalid answer"),
                "{err}"
            );
        }
    }
}
