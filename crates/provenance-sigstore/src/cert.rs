//! X.509 certificate fields a Sigstore verifier reads (SAN, Fulcio extensions, validity,
//! key, EKU, SCTs), parsed with the bounds-checked DER reader.

use crate::crypto::PublicKey;
use crate::der::{self, Tlv};
use crate::error::{Error, Result, malformed};

const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
pub(crate) const OID_SCT_LIST: &[u8] =
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02];
const FULCIO_ARC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01];

/// A parsed X.509 certificate (only the fields Sigstore verification needs).
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    not_before: i64,
    not_after: i64,
    key: PublicKey,
    extensions: Vec<Extension>,
}

#[derive(Clone, Debug)]
pub(crate) struct Extension {
    pub(crate) oid: Vec<u8>,
    pub(crate) critical: bool,
    pub(crate) value: Vec<u8>,
}

fn bad(reason: &str) -> Error {
    malformed("certificate", reason)
}

impl Certificate {
    /// Parses a DER certificate.
    ///
    /// # Errors
    /// [`Error::Malformed`] if it is not a well-formed X.509 v3 certificate with a supported key.
    pub fn from_der(input: &[u8]) -> Result<Self> {
        let cert = der::read_one(input, der::SEQUENCE).map_err(|_| bad("not DER"))?;
        let parts = cert.child_vec().map_err(|_| bad("bad DER"))?;
        let tbs = parts.first().ok_or_else(|| bad("no TBSCertificate"))?;
        let fields = tbs.child_vec().map_err(|_| bad("bad TBSCertificate"))?;
        let mut it = fields.iter().peekable();
        if it.peek().is_some_and(|t| t.tag == 0xa0) {
            it.next();
        }
        let _serial = it
            .next()
            .filter(|t| t.tag == der::INTEGER)
            .ok_or_else(|| bad("no serial"))?;
        let _sigalg = it.next().ok_or_else(|| bad("no signature algorithm"))?;
        let issuer = it.next().ok_or_else(|| bad("no issuer"))?;
        let validity = it.next().ok_or_else(|| bad("no validity"))?.child_vec();
        let validity = validity.map_err(|_| bad("bad validity"))?;
        let (Some(nb), Some(na)) = (validity.first(), validity.get(1)) else {
            return Err(bad("bad validity"));
        };
        let not_before = der::parse_time(nb).map_err(|_| bad("bad notBefore"))?;
        let not_after = der::parse_time(na).map_err(|_| bad("bad notAfter"))?;
        let subject = it.next().ok_or_else(|| bad("no subject"))?;
        let spki = it.next().ok_or_else(|| bad("no public key"))?;
        let key = PublicKey::from_spki_der(spki.full)?;
        let mut extensions = Vec::new();
        for t in it {
            if t.tag == 0xa3 {
                let seq =
                    der::read_one(t.value, der::SEQUENCE).map_err(|_| bad("bad extensions"))?;
                for ext in seq.children() {
                    extensions.push(parse_extension(&ext.map_err(|_| bad("bad extension"))?)?);
                }
            }
        }
        Ok(Self {
            der: input.to_vec(),
            issuer: issuer.full.to_vec(),
            subject: subject.full.to_vec(),
            not_before,
            not_after,
            key,
            extensions,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// notBefore (Unix seconds).
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// notAfter (Unix seconds).
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    pub(crate) fn issuer_raw(&self) -> &[u8] {
        &self.issuer
    }

    pub(crate) fn subject_raw(&self) -> &[u8] {
        &self.subject
    }

    /// Whether subject and issuer names are equal (a root or self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }

    pub(crate) fn extension(&self, oid: &[u8]) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.oid == oid)
    }

    /// The subject alternative names (email, URI, DNS and UTF-8 otherName values).
    pub fn subject_alt_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(ext) = self.extension(OID_SAN) else {
            return out;
        };
        let Ok(seq) = der::read_one(&ext.value, der::SEQUENCE) else {
            return out;
        };
        for name in seq.children().flatten() {
            match name.tag {
                0x81 | 0x82 | 0x86 => {
                    if let Ok(s) = std::str::from_utf8(name.value) {
                        out.push(s.to_owned());
                    }
                }
                0xa0 => {
                    // otherName: type-id OID, [0] EXPLICIT value (UTF8String for Fulcio).
                    let v = name.child_vec().unwrap_or_default();
                    let value = v
                        .get(1)
                        .filter(|t| t.tag == 0xa0)
                        .and_then(|inner| der::read_one(inner.value, der::UTF8_STRING).ok())
                        .and_then(|s| std::str::from_utf8(s.value).ok());
                    if let Some(s) = value {
                        out.push(s.to_owned());
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The extended key usage OIDs (DER contents) and whether the extension is critical.
    pub(crate) fn extended_key_usages(&self) -> Option<(bool, Vec<Vec<u8>>)> {
        let ext = self.extension(OID_EKU)?;
        let seq = der::read_one(&ext.value, der::SEQUENCE).ok()?;
        let oids = seq
            .children()
            .flatten()
            .filter(|t| t.tag == der::OID)
            .map(|t| t.value.to_vec());
        Some((ext.critical, oids.collect()))
    }

    /// A Fulcio extension `1.3.6.1.4.1.57264.1.<n>` as a string. Extensions 1-6 hold the raw
    /// string; 8 and later hold a DER `UTF8String`.
    pub(crate) fn fulcio_extension(&self, n: u8) -> Option<String> {
        let mut oid = FULCIO_ARC.to_vec();
        oid.push(n);
        let ext = self.extension(&oid)?;
        if n >= 8 {
            let s = der::read_one(&ext.value, der::UTF8_STRING).ok()?;
            String::from_utf8(s.value.to_vec()).ok()
        } else {
            String::from_utf8(ext.value.clone()).ok()
        }
    }

    /// The `TBSCertificate` with the SCT list extension removed (the precertificate TBS that
    /// SCTs sign, RFC 6962 §3.2).
    pub(crate) fn precert_tbs(&self) -> Result<Vec<u8>> {
        let cert = der::read_one(&self.der, der::SEQUENCE).map_err(|_| bad("not DER"))?;
        let tbs = cert.children().next().and_then(std::result::Result::ok);
        let tbs = tbs.ok_or_else(|| bad("no TBSCertificate"))?;
        let mut body = Vec::with_capacity(tbs.value.len());
        for field in tbs.children() {
            let field = field.map_err(|_| bad("bad TBSCertificate"))?;
            if field.tag == 0xa3 {
                let seq =
                    der::read_one(field.value, der::SEQUENCE).map_err(|_| bad("bad extensions"))?;
                let mut exts = Vec::new();
                for ext in seq.children() {
                    let ext = ext.map_err(|_| bad("bad extension"))?;
                    let first = ext.children().next().and_then(std::result::Result::ok);
                    if first.is_some_and(|o| o.value == OID_SCT_LIST) {
                        continue;
                    }
                    exts.extend_from_slice(ext.full);
                }
                body.extend(der::encode(0xa3, &der::encode(der::SEQUENCE, &exts)));
            } else {
                body.extend_from_slice(field.full);
            }
        }
        Ok(der::encode(der::SEQUENCE, &body))
    }
}

fn parse_extension(ext: &Tlv<'_>) -> Result<Extension> {
    let parts = ext.child_vec().map_err(|_| bad("bad extension"))?;
    let oid = parts
        .first()
        .filter(|t| t.tag == der::OID)
        .ok_or_else(|| bad("bad extension"))?;
    let (critical, value) = match parts.as_slice() {
        [_, c, v] if c.tag == der::BOOLEAN => (c.value == [0xff], v),
        [_, v] => (false, v),
        _ => return Err(bad("bad extension")),
    };
    let value = value
        .expect(der::OCTET_STRING)
        .map_err(|_| bad("bad extension value"))?;
    Ok(Extension {
        oid: oid.value.to_vec(),
        critical,
        value: value.value.to_vec(),
    })
}

/// The signer identity a Fulcio certificate carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignerIdentity {
    /// Subject alternative name (email or URI, e.g. the workflow ref).
    pub san: String,
    /// OIDC issuer (`1.3.6.1.4.1.57264.1.8`, else the deprecated `.1.1`).
    pub issuer: Option<String>,
    /// Source repository URI (`.1.12`).
    pub source_repository_uri: Option<String>,
    /// Source repository digest (`.1.13`, else the deprecated `.1.3` GitHub SHA).
    pub source_repository_digest: Option<String>,
    /// Source repository ref (`.1.14`, else the deprecated `.1.6`).
    pub source_repository_ref: Option<String>,
    /// Build trigger (`.1.20`, else the deprecated `.1.2`).
    pub build_trigger: Option<String>,
    /// Build signer URI (`.1.9`).
    pub build_signer_uri: Option<String>,
    /// Build signer digest (`.1.10`).
    pub build_signer_digest: Option<String>,
    /// Runner environment (`.1.11`).
    pub runner_environment: Option<String>,
    /// Build config URI (`.1.18`).
    pub build_config_uri: Option<String>,
    /// Source repository owner URI (`.1.16`).
    pub source_repository_owner_uri: Option<String>,
}

impl SignerIdentity {
    /// Reads the identity from a Fulcio certificate.
    pub fn from_certificate(cert: &Certificate) -> Self {
        let pick = |new: u8, old: Option<u8>| {
            cert.fulcio_extension(new)
                .or_else(|| old.and_then(|o| cert.fulcio_extension(o)))
        };
        Self {
            san: cert
                .subject_alt_names()
                .into_iter()
                .next()
                .unwrap_or_default(),
            issuer: pick(8, Some(1)),
            source_repository_uri: pick(12, None),
            source_repository_digest: pick(13, Some(3)),
            source_repository_ref: pick(14, Some(6)),
            build_trigger: pick(20, Some(2)),
            build_signer_uri: pick(9, None),
            build_signer_digest: pick(10, None),
            runner_environment: pick(11, None),
            build_config_uri: pick(18, None),
            source_repository_owner_uri: pick(16, None),
        }
    }
}
