//! Embedded signed certificate timestamps (RFC 6962 §3.2) checked against trusted CT logs.

use crate::cert::{Certificate, OID_SCT_LIST};
use crate::crypto::sha256;
use crate::error::{Error, Result};
use crate::trust::TrustedRoot;

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u16(&mut self) -> Option<usize> {
        let b = self.take(2)?;
        Some(usize::from(u16::from_be_bytes(b.try_into().ok()?)))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n)
    }
}

/// Verifies that at least one embedded SCT is signed by a CT log of the trusted root that
/// was valid at the SCT's time. `issuer` is the certificate that issued `leaf`.
pub(crate) fn verify_scts(
    leaf: &Certificate,
    issuer: &Certificate,
    root: &TrustedRoot,
) -> Result<i64> {
    let ext = leaf
        .extension(&OID_SCT_LIST)
        .ok_or_else(|| Error::InvalidSct("certificate has no SCT".into()))?;
    let inner = <&der::asn1::OctetStringRef as der::Decode<'_>>::from_der(&ext.value)
        .map_err(|_| Error::InvalidSct("bad SCT list".into()))?;
    let mut list = Reader(inner.as_bytes());
    let body = list
        .vec16()
        .ok_or_else(|| Error::InvalidSct("bad SCT list".into()))?;
    let tbs = leaf.precert_tbs()?;
    let tbs_len =
        u32::try_from(tbs.len()).map_err(|_| Error::InvalidSct("certificate too large".into()))?;
    let issuer_key_hash = sha256(issuer.public_key().spki_der());
    let mut scts = Reader(body);
    let mut count = 0;
    let mut last_reason = String::from("no SCT in list");
    while !scts.0.is_empty() {
        count += 1;
        if count > 32 {
            return Err(Error::InvalidSct("too many SCTs".into()));
        }
        let raw = scts
            .vec16()
            .ok_or_else(|| Error::InvalidSct("bad SCT".into()))?;
        let mut r = Reader(raw);
        let (
            Some(version),
            Some(log_id),
            Some(ts),
            Some(exts),
            Some(_hash),
            Some(_sig_alg),
            Some(sig),
        ) = (
            r.u8(),
            r.take(32),
            r.u64(),
            r.vec16(),
            r.u8(),
            r.u8(),
            r.vec16(),
        )
        else {
            return Err(Error::InvalidSct("bad SCT".into()));
        };
        if version != 0 || !r.0.is_empty() {
            last_reason = "unsupported SCT version".into();
            continue;
        }
        let mut signed = Vec::with_capacity(tbs.len() + 64);
        signed.extend_from_slice(&[0, 0]);
        signed.extend_from_slice(&ts.to_be_bytes());
        signed.extend_from_slice(&[0, 1]);
        signed.extend_from_slice(&issuer_key_hash);
        signed.extend_from_slice(tbs_len.to_be_bytes().get(1..).unwrap_or_default());
        signed.extend_from_slice(&tbs);
        let ext_len = u16::try_from(exts.len()).map_err(|_| Error::InvalidSct("bad SCT".into()))?;
        signed.extend_from_slice(&ext_len.to_be_bytes());
        signed.extend_from_slice(exts);
        let secs = i64::try_from(ts / 1000).unwrap_or(i64::MAX);
        let logs: Vec<_> = root
            .ctlogs()
            .iter()
            .filter(|l| l.log_id() == log_id)
            .collect();
        if logs.is_empty() {
            last_reason = format!("SCT from unknown CT log {}", hex::encode(log_id));
            continue;
        }
        for log in logs {
            if !log.valid_at(secs) {
                last_reason = "CT log key not valid at SCT time".into();
                continue;
            }
            if log.key().verify(&signed, sig, "SCT").is_ok() {
                return Ok(secs);
            }
            last_reason = "SCT signature does not verify".into();
        }
    }
    Err(Error::InvalidSct(last_reason))
}
