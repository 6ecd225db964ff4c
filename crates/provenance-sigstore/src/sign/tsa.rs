//! RFC 3161 timestamps: a DER `TimeStampReq` over the SHA-256 of the signature is sent (`POST`) as
//! `application/timestamp-query`; the `TimeStampResp` must grant it and carry a token. The
//! whole DER response goes into the bundle (`timestampVerificationData.rfc3161Timestamps`:
//! protobuf-specs' `signed_timestamp` is the `TimeStampResp`, as sigstore-go and
//! sigstore-python parse it), where the self-verification checks it against the trusted
//! root's TSAs.

use der::asn1::AnyRef;
use der::{Decode as _, Encode as _, Reader as _, Tag, Tagged as _};

use crate::error::{Error, Result};
use crate::http::Http;

const SERVICE: &str = "TSA";

/// `AlgorithmIdentifier { id-sha256, NULL }`.
const SHA256_ALGORITHM: [u8; 15] = [
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];

/// `TimeStampReq { version 1, messageImprint { sha256, digest }, nonce, certReq TRUE }`.
/// `nonce` is a positive integer below 2^53.
pub(crate) fn request(digest: &[u8; 32], nonce: u64) -> Vec<u8> {
    let mut nonce_bytes: Vec<u8> = nonce
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if nonce_bytes.first().is_none_or(|b| b & 0x80 != 0) {
        nonce_bytes.insert(0, 0);
    }
    let mut imprint = SHA256_ALGORITHM.to_vec();
    imprint.extend_from_slice(&[0x04, 0x20]);
    imprint.extend_from_slice(digest);
    let mut body = vec![0x02, 0x01, 0x01];
    tlv(&mut body, 0x30, &imprint);
    tlv(&mut body, 0x02, &nonce_bytes);
    body.extend_from_slice(&[0x01, 0x01, 0xff]);
    let mut out = Vec::with_capacity(body.len() + 2);
    tlv(&mut out, 0x30, &body);
    out
}

/// Appends a TLV with a short-form length (every value here is under 128 bytes).
fn tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    out.push(u8::try_from(value.len()).unwrap_or(0x7f) & 0x7f);
    out.extend_from_slice(value);
}

fn bad(url: &str, reason: impl Into<String>) -> Error {
    Error::BadServiceAnswer {
        service: SERVICE,
        url: url.to_owned(),
        reason: reason.into(),
    }
}

/// Checks that `resp` is a DER `TimeStampResp` that grants the request and carries a token;
/// returns the token's DER.
pub(crate) fn token_from_response(resp: &[u8], url: &str) -> Result<Vec<u8>> {
    let outer = AnyRef::from_der(resp).map_err(|_| bad(url, "not a DER TimeStampResp"))?;
    if outer.tag() != Tag::Sequence {
        return Err(bad(url, "not a DER TimeStampResp"));
    }
    let mut reader =
        der::SliceReader::new(outer.value()).map_err(|_| bad(url, "not a DER TimeStampResp"))?;
    let status: AnyRef<'_> = reader.decode().map_err(|_| bad(url, "no PKIStatusInfo"))?;
    let mut status_reader =
        der::SliceReader::new(status.value()).map_err(|_| bad(url, "bad PKIStatusInfo"))?;
    let code: AnyRef<'_> = status_reader
        .decode()
        .map_err(|_| bad(url, "bad PKIStatusInfo"))?;
    if status.tag() != Tag::Sequence || code.tag() != Tag::Integer {
        return Err(bad(url, "bad PKIStatusInfo"));
    }
    // granted (0) or grantedWithMods (1)
    if !matches!(code.value(), [0 | 1]) {
        return Err(bad(url, "the timestamp request was not granted"));
    }
    if reader.is_finished() {
        return Err(bad(url, "no timeStampToken"));
    }
    let token: AnyRef<'_> = reader
        .decode()
        .map_err(|_| bad(url, "bad timeStampToken"))?;
    if token.tag() != Tag::Sequence {
        return Err(bad(url, "bad timeStampToken"));
    }
    token.to_der().map_err(|_| bad(url, "bad timeStampToken"))
}

/// Asks the TSA at `url` to timestamp `signature`; returns the DER `TimeStampResp`.
pub(crate) fn timestamp(http: &Http, url: &str, signature: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|_| Error::Random)?;
    // below 2^53: exact in JavaScript TSAs (the mock); 53 random bits are plenty for a nonce
    let nonce = u64::from_be_bytes(nonce) >> 11;
    let digest = crate::crypto::sha256(signature);
    let answer = http.post_bytes(
        SERVICE,
        url,
        "application/timestamp-query",
        &request(&digest, nonce),
    )?;
    token_from_response(&answer, url)?;
    check_nonce(&answer, nonce, url)?;
    Ok(answer)
}

/// RFC 3161 §2.4.2: a response to a request with a nonce carries the same nonce, which ties
/// it to this request (not a replayed answer to another).
fn check_nonce(answer: &[u8], nonce: u64, url: &str) -> Result<()> {
    let sent: Vec<u8> = nonce
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    match crate::tsa::tst_nonce(answer) {
        Ok(Some(got)) if got == sent => Ok(()),
        Ok(Some(_)) => Err(bad(url, "the timestamp's nonce differs from the request's")),
        Ok(None) => Err(bad(
            url,
            "the timestamp carries no nonce (the request had one)",
        )),
        Err(e) => Err(bad(url, format!("unreadable timestamp token ({e})"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_the_der_rfc3161_names() {
        let req = request(&[0xab; 32], 0x80);
        let mut want = hex::decode(
            "303d020101\
             3031300d060960864801650304020105000420",
        )
        .unwrap();
        want.extend_from_slice(&[0xab; 32]);
        want.extend_from_slice(&hex::decode("0202008001").unwrap());
        want.extend_from_slice(&[0x01, 0xff]);
        assert_eq!(hex::encode(&req), hex::encode(&want));
        assert!(AnyRef::from_der(&req).is_ok());
    }

    #[test]
    fn responses_are_checked() {
        // SEQUENCE { SEQUENCE { INTEGER 0 }, SEQUENCE { NULL } }
        let ok = hex::decode("300a3003020100300305000000").unwrap();
        assert!(token_from_response(&ok, "u").is_err(), "trailing bytes");
        let ok = hex::decode("3009300302010030020500").unwrap();
        assert_eq!(
            token_from_response(&ok, "u").unwrap(),
            hex::decode("30020500").unwrap()
        );
        let rejected = hex::decode("3009300302010230020500").unwrap();
        let err = token_from_response(&rejected, "u").unwrap_err().to_string();
        assert!(err.contains("not granted"), "{err}");
        let no_token = hex::decode("30053003020100").unwrap();
        let err = token_from_response(&no_token, "u").unwrap_err().to_string();
        assert!(err.contains("no timeStampToken"), "{err}");
        let err = token_from_response(b"<html>", "u").unwrap_err().to_string();
        assert!(
            err.contains("TSA at u gave an invalid answer: not a DER"),
            "{err}"
        );
    }
}
