//! RFC 3161 timestamps (a `TimeStampResp` or bare `TimeStampToken`) verified against the
//! timestamp authorities of the trusted root. CMS `SignedData` is parsed with `RustCrypto`'s
//! `cms`, `TSTInfo` with `der`.

use crate::cert::Certificate;
use crate::crypto::HashAlgorithm;
use crate::error::{Error, Result};
use crate::trust::TrustedRoot;
use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode as _, Encode as _, Reader as _, Tag, Tagged as _};

const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
/// id-kp-timeStamping (1.3.6.1.5.5.7.3.8).
const OID_KP_TIMESTAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

fn bad(reason: &str) -> Error {
    Error::InvalidTimestamp(reason.to_owned())
}

fn hash_oid(oid: &ObjectIdentifier) -> Result<HashAlgorithm> {
    match *oid {
        OID_SHA256 => Ok(HashAlgorithm::Sha256),
        OID_SHA384 => Ok(HashAlgorithm::Sha384),
        OID_SHA512 => Ok(HashAlgorithm::Sha512),
        _ => Err(bad("unsupported hash algorithm")),
    }
}

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
fn message_imprint<'a>(imprint: &AnyRef<'a>) -> Result<(ObjectIdentifier, &'a [u8])> {
    if imprint.tag() != Tag::Sequence {
        return Err(bad("bad messageImprint"));
    }
    let mut r = der::SliceReader::new(imprint.value()).map_err(|_| bad("bad messageImprint"))?;
    let alg: spki::AlgorithmIdentifierRef<'a> =
        r.decode().map_err(|_| bad("bad messageImprint"))?;
    let hashed: &'a OctetStringRef = r.decode().map_err(|_| bad("bad messageImprint"))?;
    if !r.is_finished() {
        return Err(bad("bad messageImprint"));
    }
    Ok((alg.oid, hashed.as_bytes()))
}

/// Parsed parts of a timestamp token.
struct Token {
    tst_info: Vec<u8>,
    /// The signed attributes as signed: the DER `SET OF` (the `[0] IMPLICIT` tag replaced).
    signed_attrs: Option<Vec<u8>>,
    attributes: Vec<x509_cert::attr::Attribute>,
    digest_alg: HashAlgorithm,
    signature: Vec<u8>,
}

/// The elements of a constructed value, in order.
fn elements(value: &[u8]) -> Result<Vec<AnyRef<'_>>> {
    let mut reader = der::SliceReader::new(value).map_err(|_| bad("bad DER"))?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.decode().map_err(|_| bad("bad DER"))?);
    }
    Ok(out)
}

/// The `ContentInfo` of a `TimeStampResp { status PKIStatusInfo, timeStampToken }` (status
/// granted or grantedWithMods), or of a bare token.
fn content_info(bytes: &[u8]) -> Result<cms::content_info::ContentInfo> {
    let outer = AnyRef::from_der(bytes).map_err(|_| bad("not DER"))?;
    if outer.tag() != Tag::Sequence {
        return Err(bad("not a timestamp response or token"));
    }
    match elements(outer.value())?.as_slice() {
        [status, token] if status.tag() == Tag::Sequence => {
            let code = elements(status.value())?
                .first()
                .and_then(|c| c.decode_as::<u8>().ok())
                .ok_or_else(|| bad("bad status"))?;
            if code > 1 {
                return Err(bad("timestamp response status is not granted"));
            }
            let der = token.to_der().map_err(|_| bad("bad token"))?;
            cms::content_info::ContentInfo::from_der(&der).map_err(|_| bad("bad ContentInfo"))
        }
        [oid, _] if oid.tag() == Tag::ObjectIdentifier => {
            cms::content_info::ContentInfo::from_der(bytes).map_err(|_| bad("bad ContentInfo"))
        }
        _ => Err(bad("not a timestamp response or token")),
    }
}

/// The exact signed-attributes bytes of the first `SignerInfo` (`SignedData` is a SEQUENCE
/// whose last element is the `signerInfos` SET; a `SignerInfo` holds version, sid,
/// digestAlgorithm, then the optional `[0] IMPLICIT` signed attributes).
fn raw_signed_attrs(signed_data: &[u8]) -> Result<Option<Vec<u8>>> {
    let sd = AnyRef::from_der(signed_data).map_err(|_| bad("bad SignedData"))?;
    let fields = elements(sd.value())?;
    let infos = fields.last().ok_or_else(|| bad("no signerInfos"))?;
    let info = elements(infos.value())?;
    let info = info.first().ok_or_else(|| bad("no signerInfo"))?;
    let parts = elements(info.value())?;
    let Some(attrs) = parts.get(3).filter(|a| {
        a.tag()
            == Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(0),
            }
    }) else {
        return Ok(None);
    };
    der::asn1::Any::new(Tag::Set, attrs.value())
        .and_then(|a| a.to_der())
        .map(Some)
        .map_err(|_| bad("bad signed attributes"))
}

fn parse_token(bytes: &[u8]) -> Result<Token> {
    let ci = content_info(bytes)?;
    if ci.content_type != OID_SIGNED_DATA {
        return Err(bad("not CMS SignedData"));
    }
    let sd_der = ci.content.to_der().map_err(|_| bad("bad SignedData"))?;
    let sd = cms::signed_data::SignedData::from_der(&sd_der)
        .map_err(|e| Error::InvalidTimestamp(format!("bad SignedData: {e}")))?;
    let encap = &sd.encap_content_info;
    if encap.econtent_type != OID_TST_INFO {
        return Err(bad("content is not TSTInfo"));
    }
    let tst = encap
        .econtent
        .as_ref()
        .ok_or_else(|| bad("no TSTInfo"))?
        .decode_as::<der::asn1::OctetString>()
        .map_err(|_| bad("bad TSTInfo"))?;
    let [info] = sd.signer_infos.0.as_slice() else {
        return Err(bad("exactly one signerInfo expected"));
    };
    let digest_alg = hash_oid(&info.digest_alg.oid)?;
    let signed_attrs = if info.signed_attrs.is_some() {
        raw_signed_attrs(&sd_der)?
    } else {
        None
    };
    Ok(Token {
        tst_info: tst.as_bytes().to_vec(),
        signed_attrs,
        attributes: info
            .signed_attrs
            .as_ref()
            .map(|a| a.iter().cloned().collect())
            .unwrap_or_default(),
        digest_alg,
        signature: info.signature.as_bytes().to_vec(),
    })
}

/// `genTime`, `GeneralizedTime` in the `Z` form, fractional seconds allowed (RFC 3161
/// §2.4.2), as Unix seconds (the fraction dropped).
fn parse_gen_time(t: &AnyRef<'_>) -> Result<i64> {
    if t.tag() != Tag::GeneralizedTime {
        return Err(bad("no genTime"));
    }
    let s = std::str::from_utf8(t.value()).map_err(|_| bad("bad genTime"))?;
    let s = s.strip_suffix('Z').ok_or_else(|| bad("bad genTime"))?;
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    if whole.len() != 14
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.is_empty()
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad("bad genTime"));
    }
    let num = |r: std::ops::Range<usize>| -> Result<u16> {
        whole
            .get(r)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| bad("bad genTime"))
    };
    let dt = der::DateTime::new(
        num(0..4)?,
        u8::try_from(num(4..6)?).map_err(|_| bad("bad genTime"))?,
        u8::try_from(num(6..8)?).map_err(|_| bad("bad genTime"))?,
        u8::try_from(num(8..10)?).map_err(|_| bad("bad genTime"))?,
        u8::try_from(num(10..12)?).map_err(|_| bad("bad genTime"))?,
        u8::try_from(num(12..14)?).map_err(|_| bad("bad genTime"))?,
    )
    .map_err(|_| bad("bad genTime"))?;
    i64::try_from(dt.unix_duration().as_secs()).map_err(|_| bad("bad genTime"))
}

/// The `nonce` of a timestamp response's (or token's) `TSTInfo`, as the unsigned big-endian
/// value (leading zeros dropped); `None` when it has none. Nothing is verified here.
#[cfg(feature = "sign")]
pub(crate) fn tst_nonce(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let token = parse_token(bytes)?;
    let tst = AnyRef::from_der(&token.tst_info).map_err(|_| bad("bad TSTInfo"))?;
    // version, policy, messageImprint, serialNumber, genTime, then optional accuracy
    // (SEQUENCE), ordering (BOOLEAN), nonce (INTEGER), tsa [0], extensions [1]
    let fields = elements(tst.value())?;
    let nonce = fields
        .iter()
        .skip(5)
        .find(|f| f.tag() == Tag::Integer)
        .map(|n| n.value().iter().copied().skip_while(|b| *b == 0).collect());
    Ok(nonce)
}

/// DER INTEGER contents (X.690 §8.3.2): not empty and minimal.
fn der_integer(value: &[u8]) -> bool {
    match value {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

/// An OBJECT IDENTIFIER's contents as Go's encoding/asn1 reads them: not empty, each arc
/// base 128 in at most 5 bytes without a leading `0x80`, and below 2^31.
fn go_oid(value: &[u8]) -> bool {
    let (mut arc, mut len) = (0_u64, 0_u32);
    for &b in value {
        if len == 0 && b == 0x80 {
            return false;
        }
        len += 1;
        if len > 5 {
            return false;
        }
        arc = (arc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arc >= 1 << 31 {
                return false;
            }
            (arc, len) = (0, 0);
        }
    }
    !value.is_empty() && len == 0
}

/// The next element of `r` when `want` takes its tag, else `None` (the element stays for the
/// next field): Go's encoding/asn1 fills an optional field only from an element of its tag.
fn take_if<'a>(
    r: &mut der::SliceReader<'a>,
    want: impl Fn(Tag) -> bool,
    reason: &str,
) -> Result<Option<AnyRef<'a>>> {
    if r.is_finished() {
        return Ok(None);
    }
    let header = der::Header::peek(r).map_err(|_| bad(reason))?;
    if !want(header.tag()) {
        return Ok(None);
    }
    r.decode().map(Some).map_err(|_| bad(reason))
}

/// The optional fields of a `TSTInfo` after `genTime` (RFC 3161 §2.4.2), checked as
/// sigstore-go reads them (digitorus/timestamp's `tstInfo` through Go's encoding/asn1): each
/// field takes the next element only if it has the field's tag, in order `accuracy` (SEQUENCE
/// of INTEGER seconds, [0] millis, [1] micros, each read into an int64: DER, at most 8
/// bytes), `ordering` (BOOLEAN), `nonce` (INTEGER), `tsa` ([0], kept unparsed) and
/// `extensions` ([1] SEQUENCE OF Extension); whatever follows them, or follows inside
/// `accuracy` or an extension, is ignored, as Go ignores it.
fn check_tst_info_tail(r: &mut der::SliceReader<'_>) -> Result<()> {
    let context = |number: u32, constructed: bool| Tag::ContextSpecific {
        constructed,
        number: der::TagNumber(number),
    };
    if let Some(accuracy) = take_if(r, |t| t == Tag::Sequence, "bad TSTInfo")? {
        let mut fields =
            der::SliceReader::new(accuracy.value()).map_err(|_| bad("bad TSTInfo accuracy"))?;
        for tag in [Tag::Integer, context(0, false), context(1, false)] {
            if let Some(n) = take_if(&mut fields, |t| t == tag, "bad TSTInfo accuracy")?
                && !(der_integer(n.value()) && n.value().len() <= 8)
            {
                return Err(bad("bad TSTInfo accuracy"));
            }
        }
    }
    if let Some(ordering) = take_if(r, |t| t == Tag::Boolean, "bad TSTInfo")?
        && !matches!(ordering.value(), [0x00 | 0xff])
    {
        return Err(bad("bad TSTInfo ordering"));
    }
    if let Some(nonce) = take_if(r, |t| t == Tag::Integer, "bad TSTInfo")?
        && !der_integer(nonce.value())
    {
        return Err(bad("bad TSTInfo nonce"));
    }
    let tsa =
        |t: Tag| matches!(t, Tag::ContextSpecific { number, .. } if number == der::TagNumber(0));
    take_if(r, tsa, "bad TSTInfo")?;
    if let Some(extensions) = take_if(r, |t| t == context(1, true), "bad TSTInfo")? {
        check_extensions(extensions.value())?;
    }
    Ok(())
}

/// `extensions` as Go reads them into `[]pkix.Extension`: SEQUENCEs, each of an OBJECT
/// IDENTIFIER, an optional BOOLEAN and an OCTET STRING.
fn check_extensions(value: &[u8]) -> Result<()> {
    const REASON: &str = "bad TSTInfo extensions";
    for extension in elements(value).map_err(|_| bad(REASON))? {
        if extension.tag() != Tag::Sequence {
            return Err(bad(REASON));
        }
        let mut fields = der::SliceReader::new(extension.value()).map_err(|_| bad(REASON))?;
        let id = take_if(&mut fields, |t| t == Tag::ObjectIdentifier, REASON)?;
        if !id.is_some_and(|id| go_oid(id.value())) {
            return Err(bad(REASON));
        }
        if let Some(critical) = take_if(&mut fields, |t| t == Tag::Boolean, REASON)?
            && !matches!(critical.value(), [0x00 | 0xff])
        {
            return Err(bad(REASON));
        }
        if take_if(&mut fields, |t| t == Tag::OctetString, REASON)?.is_none() {
            return Err(bad(REASON));
        }
    }
    Ok(())
}

/// Verifies a timestamp over `signature` and returns its time (Unix seconds).
pub(crate) fn verify_timestamp(bytes: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<i64> {
    let token = parse_token(bytes)?;
    // TSTInfo: version, policy, messageImprint, serialNumber, genTime, then the optional
    // fields, which are checked as sigstore-go reads them but not used.
    let tst = AnyRef::from_der(&token.tst_info).map_err(|_| bad("bad TSTInfo"))?;
    if tst.tag() != Tag::Sequence {
        return Err(bad("bad TSTInfo"));
    }
    let mut r = der::SliceReader::new(tst.value()).map_err(|_| bad("bad TSTInfo"))?;
    let _version: u8 = r.decode().map_err(|_| bad("bad TSTInfo version"))?;
    let _policy: ObjectIdentifier = r.decode().map_err(|_| bad("bad TSTInfo policy"))?;
    let imprint: AnyRef<'_> = r.decode().map_err(|_| bad("bad messageImprint"))?;
    let (imprint_alg, imprint_hash) = message_imprint(&imprint)?;
    let _serial: der::asn1::IntRef<'_> = r.decode().map_err(|_| bad("bad serialNumber"))?;
    let gen_time: AnyRef<'_> = r.decode().map_err(|_| bad("no genTime"))?;
    let gen_time = parse_gen_time(&gen_time)?;
    check_tst_info_tail(&mut r)?;
    let alg = hash_oid(&imprint_alg)?;
    if imprint_hash != alg.hash(signature).as_slice() {
        return Err(bad("timestamp does not cover this signature"));
    }
    // What the TSA key signed.
    let signed_message = match &token.signed_attrs {
        Some(attrs) => {
            let first_value = |oid: ObjectIdentifier| {
                token
                    .attributes
                    .iter()
                    .find(|a| a.oid == oid)
                    .and_then(|a| a.values.iter().next())
            };
            let digest_ok = first_value(OID_MESSAGE_DIGEST)
                .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
                .is_some_and(|d| d.as_bytes() == token.digest_alg.hash(&token.tst_info).as_slice());
            let type_ok = first_value(OID_CONTENT_TYPE)
                .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
                .is_some_and(|t| t == OID_TST_INFO);
            if !digest_ok || !type_ok {
                return Err(bad("signed attributes do not match the TSTInfo"));
            }
            attrs.clone()
        }
        None => token.tst_info.clone(),
    };
    let digest = token.digest_alg.hash(&signed_message);
    let mut last = bad("no trusted timestamp authority signed this timestamp");
    for tsa in root.timestamp_authorities() {
        let Some(leaf) = tsa.chain().first() else {
            continue;
        };
        let key = leaf.public_key();
        let ok = key
            .verify_prehashed(&digest, &token.signature, "timestamp")
            .is_ok()
            || key
                .verify_with_hash(
                    token.digest_alg,
                    &signed_message,
                    &token.signature,
                    "timestamp",
                )
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
            if ekus.len() == 1 && ekus.first().is_some_and(|e| *e == OID_KP_TIMESTAMPING) =>
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
    fn der_integers_are_non_empty_and_minimal() {
        for ok in [
            &[0x00][..],
            &[0x7f],
            &[0x00, 0x80],
            &[0xff],
            &[0xff, 0x7f],
            &[0x01, 0x00],
        ] {
            assert!(der_integer(ok), "{ok:02x?}");
        }
        for bad in [&[][..], &[0x00, 0x7f], &[0xff, 0x80], &[0x00, 0x00]] {
            assert!(!der_integer(bad), "{bad:02x?}");
        }
    }

    /// The fields after `genTime` as sigstore-go (Go's encoding/asn1) reads them: what it
    /// refuses is refused, what it skips or ignores is accepted.
    #[test]
    fn tst_info_tail_is_read_as_go_reads_it() {
        let check = |tail: &[u8]| {
            let mut r = der::SliceReader::new(tail).unwrap();
            check_tst_info_tail(&mut r)
        };
        let extension = [
            0xa1, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x01, 0x01, 0xff, 0x04, 0x02,
            0x05, 0x00,
        ];
        for ok in [
            &[][..],
            // accuracy of 8-byte seconds, millis, micros; ordering; nonce; tsa; extensions
            &[
                0x30, 0x11, 0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x02,
                0x01, 0xf4, 0x81, 0x01, 0x00, 0x01, 0x01, 0x00, 0x02, 0x01, 0x07, 0xa0, 0x00,
            ],
            &extension,
            // accuracy holding no field of its own (Go skips and ignores them)
            &[0x30, 0x03, 0x01, 0x01, 0xff],
            &[0x30, 0x06, 0x81, 0x01, 0x01, 0x02, 0x01, 0x00],
            // elements after the known fields: ignored
            &[0x02, 0x01, 0x07, 0x02, 0x00, 0x01, 0x01, 0x05],
            // tsa [0] primitive or constructed
            &[0x80, 0x01, 0x00],
            &[0xa0, 0x02, 0x04, 0x00],
        ] {
            assert!(check(ok).is_ok(), "{ok:02x?}: {:?}", check(ok));
        }
        let bad_extension = |e: &[u8]| {
            let mut v = vec![0xa1, u8::try_from(e.len()).unwrap()];
            v.extend_from_slice(e);
            v
        };
        for (tail, reason) in [
            // 9-byte seconds: too large for Go's int64
            (
                vec![0x30, 0x0b, 0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
                "bad TSTInfo accuracy",
            ),
            (vec![0x30, 0x02, 0x80, 0x00], "bad TSTInfo accuracy"),
            (
                vec![0x30, 0x04, 0x81, 0x02, 0x00, 0x01],
                "bad TSTInfo accuracy",
            ),
            (vec![0x01, 0x01, 0x01], "bad TSTInfo ordering"),
            (vec![0x02, 0x00], "bad TSTInfo nonce"),
            // not an extension
            (bad_extension(&[0x02, 0x01, 0x05]), "bad TSTInfo extensions"),
            // empty OID, an arc of 2^31, no extnValue, a bad critical flag
            (
                bad_extension(&[0x30, 0x04, 0x06, 0x00, 0x04, 0x00]),
                "bad TSTInfo extensions",
            ),
            (
                bad_extension(&[
                    0x30, 0x09, 0x06, 0x05, 0x88, 0x80, 0x80, 0x80, 0x00, 0x04, 0x00,
                ]),
                "bad TSTInfo extensions",
            ),
            (
                bad_extension(&[0x30, 0x03, 0x06, 0x01, 0x2a]),
                "bad TSTInfo extensions",
            ),
            (
                bad_extension(&[0x30, 0x08, 0x06, 0x01, 0x2a, 0x01, 0x01, 0x01, 0x04, 0x00]),
                "bad TSTInfo extensions",
            ),
        ] {
            let err = check(&tail).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidTimestamp(r) if r == reason),
                "{tail:02x?}: {err:?}"
            );
        }
        assert!(go_oid(&[0x87, 0xff, 0xff, 0xff, 0x7f]));
        assert!(!go_oid(&[0x80, 0x01]));
        assert!(!go_oid(&[0x81]));
    }

    #[test]
    fn garbage_is_an_error() {
        let root = TrustedRoot::default();
        assert!(verify_timestamp(b"", b"sig", &root).is_err());
        assert!(verify_timestamp(&[0x30, 0x03, 0x02, 0x01, 0x00], b"sig", &root).is_err());
    }
}
