//! X.509 certificate fields a Sigstore verifier reads (SANs, Fulcio extensions, validity,
//! key, EKU, SCTs), parsed with `RustCrypto`'s `x509-cert`.

use crate::crypto::PublicKey;
use crate::error::{Error, Result, malformed};
use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, Ia5StringRef, PrintableStringRef, Utf8StringRef};
use der::{Decode as _, Encode as _, Reader as _, Tag, Tagged as _};
use x509_cert::ext::pkix::name::GeneralName;

const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// The embedded SCT list (RFC 6962 §3.3).
pub(crate) const OID_SCT_LIST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
/// Fulcio's otherName SAN type for usernames (`1.3.6.1.4.1.57264.1.7`).
const OID_FULCIO_USERNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");
const FULCIO_ARC: &str = "1.3.6.1.4.1.57264.1";

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
    pub(crate) oid: ObjectIdentifier,
    pub(crate) critical: bool,
    pub(crate) value: Vec<u8>,
}

fn bad(reason: &str) -> Error {
    malformed("certificate", reason)
}

fn unix(t: x509_cert::time::Time) -> Result<i64> {
    i64::try_from(t.to_unix_duration().as_secs()).map_err(|_| bad("time out of range"))
}

impl Certificate {
    /// Parses a DER certificate.
    ///
    /// # Errors
    /// [`Error::Malformed`] if it is not a well-formed X.509 certificate (RFC 5280, as
    /// `x509-cert` reads it) with a supported key.
    pub fn from_der(input: &[u8]) -> Result<Self> {
        let cert = x509_cert::Certificate::from_der(input)
            .map_err(|e| malformed("certificate", format!("not an X.509 certificate: {e}")))?;
        let tbs = cert.tbs_certificate();
        let name_der = |n: &x509_cert::name::Name| n.to_der().map_err(|_| bad("bad name"));
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|_| bad("bad public key"))?;
        let key = PublicKey::from_spki_der(&spki)?;
        let extensions = tbs
            .extensions()
            .map(|exts| {
                exts.iter()
                    .map(|e| Extension {
                        oid: e.extn_id,
                        critical: e.critical,
                        value: e.extn_value.as_bytes().to_vec(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            der: input.to_vec(),
            issuer: name_der(tbs.issuer())?,
            subject: name_der(tbs.subject())?,
            not_before: unix(tbs.validity().not_before)?,
            not_after: unix(tbs.validity().not_after)?,
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

    pub(crate) fn extension(&self, oid: &ObjectIdentifier) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.oid == *oid)
    }

    fn general_names(&self) -> Vec<GeneralName> {
        self.extension(&OID_SAN)
            .and_then(|ext| x509_cert::ext::pkix::SubjectAltName::from_der(&ext.value).ok())
            .map(|san| san.0)
            .unwrap_or_default()
    }

    /// Every subject alternative name, in certificate order: email, URI, DNS name, and the
    /// Fulcio username otherName (`1.3.6.1.4.1.57264.1.7`, a UTF-8 string).
    pub fn subject_alt_names(&self) -> Vec<String> {
        self.general_names()
            .iter()
            .filter_map(|n| match n {
                GeneralName::Rfc822Name(s)
                | GeneralName::DnsName(s)
                | GeneralName::UniformResourceIdentifier(s) => Some(s.to_string()),
                GeneralName::OtherName(_) => fulcio_username(n),
                _ => None,
            })
            .collect()
    }

    /// The signer identity as sigstore-go reads it (`SummarizeCertificate`): the first URI
    /// SAN, else the first email SAN, else the Fulcio username otherName when there is
    /// exactly one. `None` when there is none of these.
    pub fn identity_san(&self) -> Option<String> {
        let names = self.general_names();
        let first = |pick: fn(&GeneralName) -> Option<String>| names.iter().find_map(pick);
        first(|n| match n {
            GeneralName::UniformResourceIdentifier(s) => Some(s.to_string()),
            _ => None,
        })
        .or_else(|| {
            first(|n| match n {
                GeneralName::Rfc822Name(s) => Some(s.to_string()),
                _ => None,
            })
        })
        .or_else(|| {
            let others: Vec<_> = names
                .iter()
                .filter(|n| matches!(n, GeneralName::OtherName(_)))
                .collect();
            match others.as_slice() {
                [one] => fulcio_username(one),
                _ => None,
            }
        })
    }

    /// The extended key usage OIDs and whether the extension is critical; `None` when the
    /// certificate has no EKU extension (or it does not parse).
    pub(crate) fn extended_key_usages(&self) -> Option<(bool, Vec<ObjectIdentifier>)> {
        let ext = self.extension(&OID_EKU)?;
        let eku = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(&ext.value).ok()?;
        Some((ext.critical, eku.0))
    }

    /// Whether the Fulcio extension `1.3.6.1.4.1.57264.1.<n>` is present (parsed or not).
    fn has_fulcio_extension(&self, n: u8) -> bool {
        fulcio_oid(n).is_some_and(|oid| self.extension(&oid).is_some())
    }

    /// A Fulcio extension `1.3.6.1.4.1.57264.1.<n>` as a string. Extensions 1-6 hold the raw
    /// string; 8 and later hold a DER string (`UTF8String` as Fulcio writes it; the other
    /// string types Go's `asn1.Unmarshal` reads into a string are accepted too), with no
    /// trailing bytes.
    pub(crate) fn fulcio_extension(&self, n: u8) -> Option<String> {
        let ext = self.extension(&fulcio_oid(n)?)?;
        if n >= 8 {
            der_string(&ext.value)
        } else {
            String::from_utf8(ext.value.clone()).ok()
        }
    }

    /// The `TBSCertificate` with the SCT list extension removed (the precertificate TBS that
    /// SCTs sign, RFC 6962 §3.2), re-encoded in DER.
    pub(crate) fn precert_tbs(&self) -> Result<Vec<u8>> {
        let cert = AnyRef::from_der(&self.der).map_err(|_| bad("not DER"))?;
        let mut outer = der::SliceReader::new(cert.value()).map_err(|_| bad("bad DER"))?;
        let tbs: AnyRef<'_> = outer.decode().map_err(|_| bad("no TBSCertificate"))?;
        let mut fields = der::SliceReader::new(tbs.value()).map_err(|_| bad("bad DER"))?;
        let mut body = Vec::with_capacity(tbs.value().len());
        let extensions_tag = Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber(3),
        };
        while !fields.is_finished() {
            let field: AnyRef<'_> = fields.decode().map_err(|_| bad("bad TBSCertificate"))?;
            if field.tag() == extensions_tag {
                // Every other extension is kept byte for byte, as the CT log saw it.
                let seq = AnyRef::from_der(field.value()).map_err(|_| bad("bad extensions"))?;
                let mut exts =
                    der::SliceReader::new(seq.value()).map_err(|_| bad("bad extensions"))?;
                let mut kept = Vec::with_capacity(seq.value().len());
                while !exts.is_finished() {
                    let raw: AnyRef<'_> = exts.decode().map_err(|_| bad("bad extension"))?;
                    let ext = raw
                        .decode_as::<x509_cert::ext::Extension>()
                        .map_err(|_| bad("bad extension"))?;
                    if ext.extn_id != OID_SCT_LIST {
                        raw.encode_to_vec(&mut kept)
                            .map_err(|_| bad("bad extension"))?;
                    }
                }
                let inner = der::asn1::Any::new(Tag::Sequence, kept)
                    .and_then(|a| a.to_der())
                    .map_err(|_| bad("bad extensions"))?;
                let wrapped = der::asn1::Any::new(extensions_tag, inner)
                    .and_then(|a| a.to_der())
                    .map_err(|_| bad("bad extensions"))?;
                body.extend(wrapped);
            } else {
                field
                    .encode_to_vec(&mut body)
                    .map_err(|_| bad("bad TBSCertificate"))?;
            }
        }
        der::asn1::Any::new(Tag::Sequence, body)
            .and_then(|a| a.to_der())
            .map_err(|_| bad("bad TBSCertificate"))
    }
}

fn fulcio_oid(n: u8) -> Option<ObjectIdentifier> {
    ObjectIdentifier::new(&format!("{FULCIO_ARC}.{n}")).ok()
}

/// A DER `UTF8String`, `PrintableString` or `IA5String` with nothing after it.
fn der_string(value: &[u8]) -> Option<String> {
    let any = AnyRef::from_der(value).ok()?;
    match any.tag() {
        Tag::Utf8String => any
            .decode_as::<Utf8StringRef<'_>>()
            .ok()
            .map(|s| s.to_string()),
        Tag::PrintableString => any
            .decode_as::<PrintableStringRef<'_>>()
            .ok()
            .map(|s| s.to_string()),
        Tag::Ia5String => any
            .decode_as::<Ia5StringRef<'_>>()
            .ok()
            .map(|s| s.to_string()),
        _ => None,
    }
}

/// The value of a Fulcio username otherName (`1.3.6.1.4.1.57264.1.7`, `[0] EXPLICIT
/// UTF8String`); other otherName types are not identities.
fn fulcio_username(name: &GeneralName) -> Option<String> {
    let GeneralName::OtherName(other) = name else {
        return None;
    };
    if other.type_id != OID_FULCIO_USERNAME {
        return None;
    }
    other
        .value
        .decode_as::<Utf8StringRef<'_>>()
        .ok()
        .map(|s| s.to_string())
}

/// The signer identity a Fulcio certificate carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignerIdentity {
    /// The identity the policy matches: the first URI SAN, else the first email SAN, else
    /// the Fulcio username otherName (as sigstore-go reads it); empty when there is none.
    pub san: String,
    /// Every subject alternative name (email, URI, DNS, Fulcio username), in certificate
    /// order.
    pub sans: Vec<String>,
    /// OIDC issuer (`1.3.6.1.4.1.57264.1.8`; the deprecated `.1.1` only where `.1.8` is
    /// absent).
    pub issuer: Option<String>,
    /// Source repository URI (`.1.12`).
    pub source_repository_uri: Option<String>,
    /// Source repository digest (`.1.13`, else the deprecated `.1.3` GitHub SHA).
    pub source_repository_digest: Option<String>,
    /// Source repository ref (`.1.14`, else the deprecated `.1.6`).
    pub source_repository_ref: Option<String>,
    /// Source repository identifier (`.1.15`, e.g. GitHub's numeric repository id).
    pub source_repository_identifier: Option<String>,
    /// Source repository owner URI (`.1.16`).
    pub source_repository_owner_uri: Option<String>,
    /// Source repository owner identifier (`.1.17`, e.g. GitHub's numeric owner id).
    pub source_repository_owner_identifier: Option<String>,
    /// Source repository visibility at signing (`.1.22`, `public` / `private`).
    pub source_repository_visibility: Option<String>,
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
    /// Build config digest (`.1.19`).
    pub build_config_digest: Option<String>,
    /// Run invocation URI (`.1.21`).
    pub run_invocation_uri: Option<String>,
}

impl SignerIdentity {
    /// Reads the identity from a Fulcio certificate. A deprecated extension is read only
    /// where its replacement is absent.
    pub fn from_certificate(cert: &Certificate) -> Self {
        let pick = |new: u8, old: Option<u8>| match old {
            Some(o) if !cert.has_fulcio_extension(new) => cert.fulcio_extension(o),
            _ => cert.fulcio_extension(new),
        };
        Self {
            san: cert.identity_san().unwrap_or_default(),
            sans: cert.subject_alt_names(),
            issuer: pick(8, Some(1)),
            source_repository_uri: pick(12, None),
            source_repository_digest: pick(13, Some(3)),
            source_repository_ref: pick(14, Some(6)),
            source_repository_identifier: pick(15, None),
            source_repository_owner_uri: pick(16, None),
            source_repository_owner_identifier: pick(17, None),
            source_repository_visibility: pick(22, None),
            build_trigger: pick(20, Some(2)),
            build_signer_uri: pick(9, None),
            build_signer_digest: pick(10, None),
            runner_environment: pick(11, None),
            build_config_uri: pick(18, None),
            build_config_digest: pick(19, None),
            run_invocation_uri: pick(21, None),
        }
    }
}
