//! `trusted_root.json` (Sigstore `TrustedRoot` v0.1), JSON Lines of several roots, and
//! `ClientTrustConfig` wrappers, with every `validFor` window kept.

use crate::cert::Certificate;
use crate::crypto::PublicKey;
use crate::error::{Error, Result};
use crate::limits::Limits;
use serde::Deserialize;

/// The Sigstore public-good trusted root embedded in this crate (as shipped by
/// sigstore-python; Rekor v1 + v2, Fulcio, CT logs, TSA). Used when no other root is given.
pub const PUBLIC_GOOD_TRUSTED_ROOT: &str = include_str!("../data/public-good-trusted_root.json");

/// A closed validity window `[start, end]` in Unix seconds; `end` absent = still valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    start: i64,
    end: Option<i64>,
}

impl Validity {
    /// Whether `t` (Unix seconds) lies inside the window (both ends inclusive).
    pub fn contains(&self, t: i64) -> bool {
        t >= self.start && self.end.is_none_or(|e| t <= e)
    }
}

/// A transparency log or CT log the root trusts.
#[derive(Clone, Debug)]
pub struct TrustedLog {
    base_url: String,
    log_id: Vec<u8>,
    key: PublicKey,
    validity: Option<Validity>,
    instance: usize,
}

impl TrustedLog {
    /// The log id (for Rekor v1 and CT: SHA-256 of the key's SPKI).
    pub fn log_id(&self) -> &[u8] {
        &self.log_id
    }
    /// The log's public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }
    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// The host part of the base URL (the checkpoint signer name).
    pub fn host(&self) -> &str {
        let s = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        s.split('/').next().unwrap_or(s)
    }
    /// Whether the key was valid at `t`. An entry without a `validFor.start` is never valid.
    pub fn valid_at(&self, t: i64) -> bool {
        self.validity.is_some_and(|v| v.contains(t))
    }
}

/// A certificate authority (Fulcio) or timestamp authority the root trusts.
#[derive(Clone, Debug)]
pub struct TrustedAuthority {
    uri: String,
    /// Leaf-most first, root last.
    chain: Vec<Certificate>,
    validity: Option<Validity>,
    instance: usize,
}

impl TrustedAuthority {
    /// The certificates, issuing certificate first and root last.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }
    /// The authority URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }
    /// Whether the authority was valid at `t`.
    pub fn valid_at(&self, t: i64) -> bool {
        self.validity.is_some_and(|v| v.contains(t))
    }
}

/// The trust material for verification: Rekor logs, Fulcio CAs, CT logs, TSAs.
#[derive(Clone, Debug, Default)]
pub struct TrustedRoot {
    tlogs: Vec<TrustedLog>,
    ctlogs: Vec<TrustedLog>,
    cas: Vec<TrustedAuthority>,
    tsas: Vec<TrustedAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRoot {
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    tlogs: Vec<WireLog>,
    #[serde(default)]
    ctlogs: Vec<WireLog>,
    #[serde(default)]
    certificate_authorities: Vec<WireAuthority>,
    #[serde(default)]
    timestamp_authorities: Vec<WireAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLog {
    #[serde(default)]
    base_url: String,
    public_key: WireKey,
    log_id: WireLogId,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireKey {
    raw_bytes: String,
    #[serde(default)]
    key_details: String,
    #[serde(default)]
    valid_for: Option<WireValidity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireLogId {
    key_id: String,
}

/// A `validFor` window as the trusted root and the signing config spell it.
#[derive(Deserialize)]
pub(crate) struct WireValidity {
    #[serde(default)]
    pub(crate) start: Option<String>,
    #[serde(default)]
    pub(crate) end: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAuthority {
    #[serde(default)]
    uri: String,
    cert_chain: WireChain,
    #[serde(default)]
    valid_for: Option<WireValidity>,
}

#[derive(Deserialize)]
struct WireChain {
    certificates: Vec<WireCert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireCert {
    pub(crate) raw_bytes: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireClientTrustConfig {
    trusted_root: serde_json::Value,
}

/// Parses an RFC 3339 timestamp into Unix seconds (sub-second part kept as a floor).
pub(crate) fn parse_rfc3339(s: &str) -> Result<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(time::OffsetDateTime::unix_timestamp)
        .map_err(|e| Error::InvalidTrustedRoot(format!("bad timestamp {s:?}: {e}")))
}

fn validity(v: Option<&WireValidity>) -> Result<Option<Validity>> {
    let Some(v) = v else { return Ok(None) };
    let Some(start) = &v.start else {
        return Ok(None);
    };
    let start = parse_rfc3339(start)?;
    let end = v.end.as_deref().map(parse_rfc3339).transpose()?;
    Ok(Some(Validity { start, end }))
}

fn convert_log(w: &WireLog, instance: usize) -> Result<TrustedLog> {
    let key_der = crate::b64::decode("trusted root publicKey", &w.public_key.raw_bytes)?;
    Ok(TrustedLog {
        base_url: w.base_url.clone(),
        log_id: crate::b64::decode("trusted root logId", &w.log_id.key_id)?,
        key: if w.public_key.key_details.starts_with("PKCS1_RSA") {
            PublicKey::from_pkcs1_rsa_der(&key_der)?
        } else {
            PublicKey::from_spki_der(&key_der)?
        },
        validity: validity(w.public_key.valid_for.as_ref())?,
        instance,
    })
}

fn convert_authority(w: &WireAuthority, instance: usize) -> Result<TrustedAuthority> {
    let mut chain = Vec::new();
    for c in &w.cert_chain.certificates {
        chain.push(Certificate::from_der(&crate::b64::decode(
            "trusted root certificate",
            &c.raw_bytes,
        )?)?);
    }
    if chain.is_empty() {
        return Err(Error::InvalidTrustedRoot(format!(
            "authority {} has no certificates",
            w.uri
        )));
    }
    Ok(TrustedAuthority {
        uri: w.uri.clone(),
        chain,
        validity: validity(w.valid_for.as_ref())?,
        instance,
    })
}

impl TrustedRoot {
    /// The embedded Sigstore public-good root ([`PUBLIC_GOOD_TRUSTED_ROOT`]).
    ///
    /// # Errors
    /// Never in practice (the embedded document is tested); [`Error`] if it were invalid.
    pub fn public_good() -> Result<Self> {
        Self::from_json(PUBLIC_GOOD_TRUSTED_ROOT.as_bytes())
    }

    /// Reads a `trusted_root.json`, a `ClientTrustConfig` wrapping one, or JSON Lines of
    /// several roots (merged: every log and authority of every line is trusted within its
    /// own validity window).
    ///
    /// # Errors
    /// [`Error::Json`] / [`Error::InvalidTrustedRoot`] / [`Error::Malformed`] on bad input,
    /// [`Error::LimitExceeded`] above 4 MiB ([`Limits::max_trusted_root_bytes`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with_limits(bytes, &Limits::DEFAULT)
    }

    /// As [`TrustedRoot::from_json`], with other [`Limits`] (only
    /// [`Limits::max_trusted_root_bytes`] applies).
    ///
    /// # Errors
    /// As for [`TrustedRoot::from_json`].
    pub fn from_json_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self> {
        if bytes.len() > limits.max_trusted_root_bytes {
            return Err(Error::LimitExceeded {
                what: "trusted root bytes",
                limit: limits.max_trusted_root_bytes,
                actual: bytes.len(),
            });
        }
        let mut root = Self::default();
        let mut stream =
            serde_json::Deserializer::from_slice(bytes).into_iter::<serde_json::Value>();
        let mut count = 0usize;
        for value in &mut stream {
            let value = value.map_err(|source| Error::Json {
                what: "trusted root",
                source,
            })?;
            root.merge_value(value, count)?;
            count += 1;
        }
        if count == 0 {
            return Err(Error::InvalidTrustedRoot("empty document".into()));
        }
        Ok(root)
    }

    fn merge_value(&mut self, value: serde_json::Value, instance: usize) -> Result<()> {
        let is_client_config = value.get("trustedRoot").is_some();
        let value = if is_client_config {
            let w: WireClientTrustConfig =
                serde_json::from_value(value).map_err(|source| Error::Json {
                    what: "client trust config",
                    source,
                })?;
            w.trusted_root
        } else {
            value
        };
        let w: WireRoot = serde_json::from_value(value).map_err(|source| Error::Json {
            what: "trusted root",
            source,
        })?;
        if let Some(mt) = w
            .media_type
            .as_ref()
            .filter(|mt| !mt.starts_with("application/vnd.dev.sigstore.trustedroot"))
        {
            return Err(Error::InvalidTrustedRoot(format!(
                "unexpected mediaType {mt:?}"
            )));
        }
        for l in &w.tlogs {
            self.tlogs.push(convert_log(l, instance)?);
        }
        for l in &w.ctlogs {
            self.ctlogs.push(convert_log(l, instance)?);
        }
        for a in &w.certificate_authorities {
            self.cas.push(convert_authority(a, instance)?);
        }
        for a in &w.timestamp_authorities {
            self.tsas.push(convert_authority(a, instance)?);
        }
        Ok(())
    }

    /// Whether the root document (JSON Lines: the line) that listed authority `ca` also lists
    /// transparency logs. A Sigstore instance without logs (GitHub's, for private
    /// repositories) relies on RFC 3161 timestamps alone.
    pub fn instance_has_tlogs(&self, ca: &TrustedAuthority) -> bool {
        self.tlogs.iter().any(|l| l.instance == ca.instance)
    }

    /// Whether the root document that listed authority `ca` also lists CT logs (else its
    /// certificates carry no SCT to check).
    pub fn instance_has_ctlogs(&self, ca: &TrustedAuthority) -> bool {
        self.ctlogs.iter().any(|l| l.instance == ca.instance)
    }

    /// Rekor logs.
    pub fn tlogs(&self) -> &[TrustedLog] {
        &self.tlogs
    }
    /// Certificate Transparency logs.
    pub fn ctlogs(&self) -> &[TrustedLog] {
        &self.ctlogs
    }
    /// Fulcio certificate authorities.
    pub fn certificate_authorities(&self) -> &[TrustedAuthority] {
        &self.cas
    }
    /// RFC 3161 timestamp authorities.
    pub fn timestamp_authorities(&self) -> &[TrustedAuthority] {
        &self.tsas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_root_loads() {
        let r = TrustedRoot::public_good().unwrap();
        assert_eq!(r.tlogs().len(), 2);
        assert_eq!(r.certificate_authorities().len(), 2);
        assert_eq!(r.tlogs().first().unwrap().host(), "rekor.sigstore.dev");
    }

    #[test]
    fn validity_is_closed() {
        let v = Validity {
            start: 10,
            end: Some(20),
        };
        assert!(v.contains(10) && v.contains(20) && !v.contains(21) && !v.contains(9));
    }
}
