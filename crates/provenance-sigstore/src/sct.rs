//! Embedded signed certificate timestamps (RFC 6962 §3.2) checked against trusted CT logs.
//! The SCT list is read with `x509-cert`'s `sct` support (`tls_codec`).

use crate::cert::{Certificate, OID_SCT_LIST};
use crate::crypto::sha256;
use crate::error::{Error, Result};
use crate::trust::TrustedRoot;
use der::Decode as _;

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
    let list = x509_cert::ext::pkix::sct::SignedCertificateTimestampList::from_der(&ext.value)
        .map_err(|_| Error::InvalidSct("bad SCT list".into()))?;
    let scts = list
        .parse_timestamps()
        .map_err(|_| Error::InvalidSct("bad SCT list".into()))?;
    if scts.len() > 32 {
        return Err(Error::InvalidSct("too many SCTs".into()));
    }
    let tbs = leaf.precert_tbs()?;
    let tbs_len =
        u32::try_from(tbs.len()).map_err(|_| Error::InvalidSct("certificate too large".into()))?;
    let issuer_key_hash = sha256(issuer.public_key().spki_der());
    let mut last_reason = String::from("no SCT in list");
    for sct in &scts {
        // An SCT of an unknown version or algorithm does not parse: skip it, as RFC 6962
        // §5.2 asks, and look for another.
        let Ok(sct) = sct.parse_timestamp() else {
            last_reason = "unsupported or malformed SCT".into();
            continue;
        };
        let log_id = &sct.log_id.key_id;
        let ts = sct.timestamp;
        let exts = sct.extensions.as_slice();
        let sig = sct.signature.signature.as_slice();
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
