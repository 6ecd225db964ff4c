//! RFC 3161 timestamps (a `TimeStampResp` or bare `TimeStampToken`) verified against the
//! timestamp authorities of the trusted root.

use crate::cert::Certificate;
use crate::crypto::HashAlgorithm;
use crate::der::{self, Tlv};
use crate::error::{Error, Result};
use crate::trust::TrustedRoot;

const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const OID_TST_INFO: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04,
];
const OID_MESSAGE_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
const OID_CONTENT_TYPE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const OID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
/// id-kp-timeStamping (1.3.6.1.5.5.7.3.8).
const OID_KP_TIMESTAMPING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];

fn bad(reason: &str) -> Error {
    Error::InvalidTimestamp(reason.to_owned())
}

fn hash_oid(alg: &Tlv<'_>) -> Result<HashAlgorithm> {
    let oid = alg
        .children()
        .next()
        .and_then(std::result::Result::ok)
        .ok_or_else(|| bad("bad algorithm"))?;
    match oid.value {
        OID_SHA256 => Ok(HashAlgorithm::Sha256),
        OID_SHA384 => Ok(HashAlgorithm::Sha384),
        OID_SHA512 => Ok(HashAlgorithm::Sha512),
        _ => Err(bad("unsupported hash algorithm")),
    }
}

/// Parsed parts of a timestamp token.
struct Token<'a> {
    tst_info: &'a [u8],
    signed_attrs: Option<Tlv<'a>>,
    digest_alg: HashAlgorithm,
    signature: &'a [u8],
}

fn parse_token(bytes: &[u8]) -> Result<Token<'_>> {
    let outer = der::read_one(bytes, der::SEQUENCE).map_err(|_| bad("not DER"))?;
    let parts = outer.child_vec().map_err(|_| bad("bad DER"))?;
    // TimeStampResp { status PKIStatusInfo, timeStampToken } or a bare ContentInfo.
    let content_info = match parts.as_slice() {
        [status, token] if status.tag == der::SEQUENCE => {
            let st = status.child_vec().map_err(|_| bad("bad status"))?;
            let code = st
                .first()
                .filter(|t| t.tag == der::INTEGER)
                .ok_or_else(|| bad("bad status"))?;
            if !(code.value == [0] || code.value == [1]) {
                return Err(bad("timestamp response status is not granted"));
            }
            *token
        }
        [oid, _] if oid.tag == der::OID => outer,
        _ => return Err(bad("not a timestamp response or token")),
    };
    let ci = content_info
        .child_vec()
        .map_err(|_| bad("bad ContentInfo"))?;
    let [oid, explicit] = ci.as_slice() else {
        return Err(bad("bad ContentInfo"));
    };
    if oid.value != OID_SIGNED_DATA || explicit.tag != 0xa0 {
        return Err(bad("not CMS SignedData"));
    }
    let sd = der::read_one(explicit.value, der::SEQUENCE).map_err(|_| bad("bad SignedData"))?;
    let sd = sd.child_vec().map_err(|_| bad("bad SignedData"))?;
    let encap = sd
        .get(2)
        .ok_or_else(|| bad("no content"))?
        .child_vec()
        .map_err(|_| bad("bad content"))?;
    let [ctype, econtent] = encap.as_slice() else {
        return Err(bad("no TSTInfo"));
    };
    if ctype.value != OID_TST_INFO || econtent.tag != 0xa0 {
        return Err(bad("content is not TSTInfo"));
    }
    let tst = der::read_one(econtent.value, der::OCTET_STRING).map_err(|_| bad("bad TSTInfo"))?;
    let signer_infos = sd
        .last()
        .filter(|t| t.tag == der::SET)
        .ok_or_else(|| bad("no signerInfos"))?;
    let infos = signer_infos
        .child_vec()
        .map_err(|_| bad("bad signerInfos"))?;
    let [info] = infos.as_slice() else {
        return Err(bad("exactly one signerInfo expected"));
    };
    let f = info.child_vec().map_err(|_| bad("bad signerInfo"))?;
    let digest_alg = hash_oid(f.get(2).ok_or_else(|| bad("bad signerInfo"))?)?;
    let mut rest = f.get(3..).unwrap_or_default().iter();
    let mut signed_attrs = None;
    let mut next = rest.next();
    if let Some(t) = next.filter(|t| t.tag == 0xa0) {
        signed_attrs = Some(*t);
        next = rest.next();
    }
    let _sig_alg = next.ok_or_else(|| bad("bad signerInfo"))?;
    let signature = rest
        .next()
        .filter(|t| t.tag == der::OCTET_STRING)
        .ok_or_else(|| bad("no signature"))?;
    Ok(Token {
        tst_info: tst.value,
        signed_attrs,
        digest_alg,
        signature: signature.value,
    })
}

/// Verifies a timestamp over `signature` and returns its time (Unix seconds).
pub(crate) fn verify_timestamp(bytes: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<i64> {
    let token = parse_token(bytes)?;
    // TSTInfo: version, policy, messageImprint, serialNumber, genTime, ...
    let tst = der::read_one(token.tst_info, der::SEQUENCE).map_err(|_| bad("bad TSTInfo"))?;
    let tf = tst.child_vec().map_err(|_| bad("bad TSTInfo"))?;
    let imprint = tf
        .get(2)
        .ok_or_else(|| bad("no messageImprint"))?
        .child_vec()
        .map_err(|_| bad("bad imprint"))?;
    let [imprint_alg, imprint_hash] = imprint.as_slice() else {
        return Err(bad("bad messageImprint"));
    };
    let alg = hash_oid(imprint_alg)?;
    if imprint_hash.value != alg.hash(signature).as_slice() {
        return Err(bad("timestamp does not cover this signature"));
    }
    let gen_time = tf
        .get(4)
        .filter(|t| t.tag == der::GENERALIZED_TIME)
        .ok_or_else(|| bad("no genTime"))
        .and_then(|t| der::parse_time(t).map_err(|_| bad("bad genTime")))?;
    // What the TSA key signed.
    let signed_message = match &token.signed_attrs {
        Some(attrs) => {
            let mut digest_ok = false;
            let mut type_ok = false;
            for a in attrs.children() {
                let a = a
                    .map_err(|_| bad("bad signed attribute"))?
                    .child_vec()
                    .map_err(|_| bad("bad attribute"))?;
                let (Some(oid), Some(values)) = (a.first(), a.get(1)) else {
                    return Err(bad("bad attribute"));
                };
                let first = values.children().next().and_then(std::result::Result::ok);
                if oid.value == OID_MESSAGE_DIGEST {
                    digest_ok = first.is_some_and(|v| {
                        v.value == token.digest_alg.hash(token.tst_info).as_slice()
                    });
                } else if oid.value == OID_CONTENT_TYPE {
                    type_ok = first.is_some_and(|v| v.value == OID_TST_INFO);
                }
            }
            if !digest_ok || !type_ok {
                return Err(bad("signed attributes do not match the TSTInfo"));
            }
            let mut m = attrs.full.to_vec();
            if let Some(first) = m.first_mut() {
                *first = der::SET;
            }
            m
        }
        None => token.tst_info.to_vec(),
    };
    let digest = token.digest_alg.hash(&signed_message);
    let mut last = bad("no trusted timestamp authority signed this timestamp");
    for tsa in root.timestamp_authorities() {
        let Some(leaf) = tsa.chain().first() else {
            continue;
        };
        let key = leaf.public_key();
        let ok = key
            .verify_prehashed(&digest, token.signature, "timestamp")
            .is_ok()
            || key
                .verify(&signed_message, token.signature, "timestamp")
                .is_ok();
        if !ok {
            continue;
        }
        if let Err(e) = check_tsa_leaf(leaf) {
            last = e;
            continue;
        }
        if !tsa.valid_at(gen_time) {
            last = bad("timestamp outside the TSA's validity in the trusted root");
            continue;
        }
        if tsa
            .chain()
            .iter()
            .any(|c| gen_time < c.not_before() || gen_time > c.not_after())
        {
            last = bad("timestamp outside the TSA certificate chain's validity");
            continue;
        }
        if !chain_links(tsa.chain()) {
            last = bad("TSA certificate chain does not link");
            continue;
        }
        return Ok(gen_time);
    }
    Err(last)
}

/// The TSA signing certificate must carry exactly one EKU, id-kp-timeStamping, marked
/// critical (RFC 3161 §2.3; GHSA-5qp5-ph6r-qj9f).
pub(crate) fn check_tsa_leaf(leaf: &Certificate) -> Result<()> {
    match leaf.extended_key_usages() {
        Some((true, ekus))
            if ekus.len() == 1 && ekus.first().is_some_and(|e| e == OID_KP_TIMESTAMPING) =>
        {
            Ok(())
        }
        _ => Err(bad(
            "TSA certificate must have the sole, critical id-kp-timeStamping EKU",
        )),
    }
}

/// Each certificate's issuer is the next one's subject (the trusted root supplies the chain).
fn chain_links(chain: &[Certificate]) -> bool {
    chain.windows(2).all(|w| match w {
        [child, parent] => child.issuer_raw() == parent.subject_raw(),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::TrustedRoot;

    fn vector(path: &str) -> Vec<u8> {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../test-vectors/third-party/sigstore-conformance/assets/bundle-verify/"
        );
        std::fs::read(format!("{base}{path}")).unwrap()
    }

    /// GHSA-5qp5-ph6r-qj9f: only a certificate whose sole, critical EKU is id-kp-timeStamping
    /// may sign timestamps. A Fulcio code-signing leaf may not.
    #[test]
    fn tsa_leaf_needs_sole_critical_timestamping_eku() {
        let root = TrustedRoot::from_json(&vector("rekor2-happy-path/trusted_root.json")).unwrap();
        let tsa_leaf = root
            .timestamp_authorities()
            .first()
            .unwrap()
            .chain()
            .first()
            .unwrap();
        check_tsa_leaf(tsa_leaf).unwrap();
        let bundle: serde_json::Value =
            serde_json::from_slice(&vector("rekor2-happy-path/bundle.sigstore.json")).unwrap();
        let der = crate::b64::decode(
            "t",
            bundle["verificationMaterial"]["certificate"]["rawBytes"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let fulcio_leaf = Certificate::from_der(&der).unwrap();
        assert!(check_tsa_leaf(&fulcio_leaf).is_err());
    }

    #[test]
    fn garbage_is_an_error() {
        let root = TrustedRoot::default();
        assert!(verify_timestamp(b"", b"sig", &root).is_err());
        assert!(verify_timestamp(&[0x30, 0x03, 0x02, 0x01, 0x00], b"sig", &root).is_err());
    }
}
