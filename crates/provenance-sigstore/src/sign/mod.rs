//! Keyless signing (feature `sign`): an OIDC identity token is exchanged with Fulcio for a
//! short-lived certificate over an ephemeral P-256 key, the signature is logged in Rekor v1,
//! and the answers are assembled into a Sigstore bundle v0.3 — which is then verified with
//! this crate's [`BundleVerifier`] against the trusted root and the token's identity before it is
//! returned, so that a wrong service answer never yields a bundle.
//!
//! Protocols: Fulcio `POST /api/v2/signingCert` with a public key and a proof of possession
//! (a signature over the token's subject); Rekor v1 `POST /api/v1/log/entries` with a `dsse`
//! 0.0.1 entry (DSSE envelopes) or a `hashedrekord` 0.0.1 entry (message signatures), whose
//! answer carries the signed entry timestamp, inclusion proof and checkpoint; and, when the
//! services name a TSA, an RFC 3161 timestamp over the signature.
//!
//! ```no_run
//! # fn main() -> Result<(), provenance_sigstore::Error> {
//! use provenance_sigstore::TrustedRoot;
//! use provenance_sigstore::sign::{IdentityToken, KeylessSigner, Services};
//! let token = IdentityToken::from_environment(std::time::Duration::from_secs(30))?
//!     .expect("a CI token");
//! let signer = KeylessSigner::new(Services::public_good(), TrustedRoot::public_good()?);
//! let signed = signer.sign_dsse(&token, "application/vnd.in-toto+json", b"{}")?;
//! std::fs::write("a.sigstore.json", signed.bundle.to_json()?).unwrap();
//! # Ok(()) }
//! ```

mod fulcio;
mod rekor;
mod services;
mod token;
mod tsa;

use std::time::{Duration, Instant};

use spki::EncodePublicKey as _;
use zeroize::Zeroizing;

use crate::bundle::{
    Bundle, WireBundle, WireDsseSignature, WireEnvelope, WireHashOutput, WireMaterial,
    WireMessageSignature, WireRawBytes, WireSignedTimestamp, WireTimestampData,
};
use crate::crypto::HashAlgorithm;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::policy::{IdentityPolicy, Matcher};
use crate::trust::TrustedRoot;
use crate::verify::{Artifact, BundleVerifier, SignerPolicy, VerifiedBundle};

pub use services::{PUBLIC_GOOD_FULCIO_URL, PUBLIC_GOOD_REKOR_URL, RekorVersion, Services};
pub use token::IdentityToken;

/// The default timeout of each HTTP request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A bundle that was signed, logged and verified.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KeylessBundle {
    /// The Sigstore bundle v0.3.
    pub bundle: Bundle,
    /// Its verification against the trusted root with the token's identity.
    pub verified: VerifiedBundle,
    /// Time spent waiting for the services (the rest of the call is local work).
    pub network_time: Duration,
}

/// Signs with an ephemeral key certified by Fulcio and logs in Rekor v1.
#[derive(Clone, Debug)]
pub struct KeylessSigner {
    services: Services,
    root: TrustedRoot,
    timeout: Duration,
    retries: u32,
}

/// An ephemeral P-256 key: created per signature, zeroized on drop (the `SigningKey`
/// zeroizes its scalar), never serialised or logged.
struct EphemeralKey(p256::ecdsa::SigningKey);

impl EphemeralKey {
    fn generate() -> Result<Self> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            getrandom::fill(bytes.as_mut()).map_err(|_| Error::Random)?;
            // a random 256-bit string is a valid scalar with overwhelming probability
            if let Ok(k) = p256::ecdsa::SigningKey::from_slice(bytes.as_ref()) {
                return Ok(Self(k));
            }
        }
    }

    fn spki_der(&self) -> Result<Vec<u8>> {
        self.0
            .verifying_key()
            .to_public_key_der()
            .map(spki::Document::into_vec)
            .map_err(|e| crate::error::malformed("ephemeral public key", e.to_string()))
    }

    /// ECDSA P-256 with SHA-256 over `message`, DER-encoded.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use p256::ecdsa::signature::Signer as _;
        let sig: p256::ecdsa::Signature = self
            .0
            .try_sign(message)
            .map_err(|_| Error::InvalidSignature("ephemeral key could not sign"))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }

    /// ECDSA P-256 over a SHA-256 digest, DER-encoded.
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>> {
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        let sig: p256::ecdsa::Signature = self
            .0
            .sign_prehash(digest)
            .map_err(|_| Error::InvalidSignature("ephemeral key could not sign"))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }
}

impl std::fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EphemeralKey(P-256, redacted)")
    }
}

/// PEM of a DER certificate (64-character lines).
fn certificate_pem(der: &[u8]) -> String {
    let b64 = crate::b64::encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What is being signed.
enum Payload<'a> {
    Dsse {
        payload_type: &'a str,
        payload: &'a [u8],
    },
    Digest(&'a [u8; 32]),
}

impl KeylessSigner {
    /// A signer for these services; bundles are verified against `root`.
    pub fn new(services: Services, root: TrustedRoot) -> Self {
        Self {
            services,
            root,
            timeout: DEFAULT_TIMEOUT,
            retries: 2,
        }
    }

    /// The timeout of each HTTP request (default [`DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after connection errors and HTTP 5xx answers (default 2, at most 5).
    #[must_use]
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries.min(5);
        self
    }

    /// The services used.
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Signs a DSSE envelope over `payload` and returns it as a verified bundle v0.3.
    ///
    /// # Errors
    /// [`Error::IdentityToken`] for an expired token; [`Error::ServiceUnavailable`],
    /// [`Error::ServiceRefused`], [`Error::BadServiceAnswer`] for service faults;
    /// [`Error::SelfVerification`] when the assembled bundle does not verify.
    pub fn sign_dsse(
        &self,
        token: &IdentityToken,
        payload_type: &str,
        payload: &[u8],
    ) -> Result<KeylessBundle> {
        if payload_type.is_empty() {
            return Err(crate::error::malformed("payloadType", "empty"));
        }
        self.sign(
            token,
            &Payload::Dsse {
                payload_type,
                payload,
            },
        )
    }

    /// Signs the artifact with this SHA-256 digest (a message signature, as `cosign
    /// sign-blob --bundle` writes) and returns it as a verified bundle v0.3.
    ///
    /// # Errors
    /// As for [`KeylessSigner::sign_dsse`].
    pub fn sign_digest(&self, token: &IdentityToken, sha256: &[u8; 32]) -> Result<KeylessBundle> {
        self.sign(token, &Payload::Digest(sha256))
    }

    fn sign(&self, token: &IdentityToken, what: &Payload<'_>) -> Result<KeylessBundle> {
        token.check_not_expired(unix_now())?;
        let rekor_v2 = self.services.rekor_version() == RekorVersion::V2;
        if rekor_v2 && self.services.tsa_url().is_none() {
            return Err(Error::InvalidSigningConfig(
                "a Rekor v2 log records no signing time: a TSA is needed too".into(),
            ));
        }
        let http = crate::http::Http::new(self.timeout, self.retries);
        let key = EphemeralKey::generate()?;
        let spki = key.spki_der()?;
        let proof = key.sign(token.challenge_subject().as_bytes())?;

        let mut network = Duration::ZERO;
        let t = Instant::now();
        let leaf = fulcio::signing_cert(&http, self.services.fulcio_url(), token, &spki, &proof)?;
        network += t.elapsed();
        let cert_pem = certificate_pem(leaf.der());

        let (content_sig, entry_request) = match what {
            Payload::Dsse {
                payload_type,
                payload,
            } => {
                let pae = crate::bundle::pae(payload_type, payload);
                let sig = key.sign(&pae)?;
                let request = if rekor_v2 {
                    // Rekor v2 logs a DSSE signature as hashedrekord 0.0.2 over the PAE
                    rekor::hashedrekord_v2_request(&crate::crypto::sha256(&pae), &sig, leaf.der())
                } else {
                    rekor::dsse_entry(payload_type, payload, &sig, &cert_pem)
                };
                (sig, request)
            }
            Payload::Digest(digest) => {
                let sig = key.sign_digest(digest)?;
                let request = if rekor_v2 {
                    rekor::hashedrekord_v2_request(digest, &sig, leaf.der())
                } else {
                    rekor::hashedrekord_entry(digest, &sig, &cert_pem)
                };
                (sig, request)
            }
        };
        drop(key);

        let t = Instant::now();
        let timestamp = match self.services.tsa_url() {
            Some(url) => Some(tsa::timestamp(&http, url, &content_sig)?),
            None => None,
        };
        let entry = if rekor_v2 {
            rekor::create_entry_v2(&http, self.services.rekor_url(), &entry_request)?
        } else {
            rekor::create_entry(&http, self.services.rekor_url(), &entry_request)?
        };
        network += t.elapsed();

        let wire = assemble(what, leaf.der(), &content_sig, entry, timestamp);
        let bundle = Bundle::from_wire(wire, &Limits::DEFAULT)
            .map_err(|e| Error::SelfVerification(Box::new(e)))?;
        let verified = self
            .self_verify(&bundle, token, what)
            .map_err(|e| Error::SelfVerification(Box::new(e)))?;
        Ok(KeylessBundle {
            bundle,
            verified,
            network_time: network,
        })
    }

    /// Verifies the assembled bundle against the trusted root: chain, SCT, signature, log
    /// entry (SET, inclusion proof, checkpoint, body), with the token's issuer and the one
    /// identity Fulcio derives from the token for that kind of issuer.
    fn self_verify(
        &self,
        bundle: &Bundle,
        token: &IdentityToken,
        what: &Payload<'_>,
    ) -> Result<VerifiedBundle> {
        let policy = IdentityPolicy::identity(
            Matcher::exact(token.expected_identity()),
            Matcher::exact(token.issuer()),
        );
        let verifier = BundleVerifier::new(self.root.clone(), SignerPolicy::Keyless(policy));
        let artifact = match what {
            Payload::Dsse { .. } => Artifact::None,
            Payload::Digest(d) => Artifact::Digest(HashAlgorithm::Sha256, d.as_slice()),
        };
        // allow for a service clock slightly ahead of ours
        verifier.verify(bundle, artifact, unix_now() + 300)
    }
}

/// The bundle v0.3 of a keyless signature: the leaf certificate, the log entry, the optional
/// RFC 3161 timestamp and the signed content.
fn assemble(
    what: &Payload<'_>,
    leaf_der: &[u8],
    content_sig: &[u8],
    entry: crate::bundle::WireTlogEntry,
    timestamp: Option<Vec<u8>>,
) -> WireBundle {
    WireBundle {
        media_type: "application/vnd.dev.sigstore.bundle.v0.3+json".into(),
        verification_material: WireMaterial {
            x509_certificate_chain: None,
            certificate: Some(WireRawBytes {
                raw_bytes: crate::b64::encode(leaf_der),
            }),
            public_key: None,
            tlog_entries: vec![entry],
            timestamp_verification_data: timestamp.map(|t| WireTimestampData {
                rfc3161_timestamps: vec![WireSignedTimestamp {
                    signed_timestamp: crate::b64::encode(&t),
                }],
            }),
        },
        message_signature: match what {
            Payload::Digest(digest) => Some(WireMessageSignature {
                message_digest: Some(WireHashOutput {
                    algorithm: HashAlgorithm::Sha256.protobuf_name().into(),
                    digest: crate::b64::encode(digest.as_slice()),
                }),
                signature: crate::b64::encode(content_sig),
            }),
            Payload::Dsse { .. } => None,
        },
        dsse_envelope: match what {
            Payload::Dsse {
                payload_type,
                payload,
            } => Some(WireEnvelope {
                payload: crate::b64::encode(payload),
                payload_type: (*payload_type).to_owned(),
                signatures: vec![WireDsseSignature {
                    sig: crate::b64::encode(content_sig),
                    keyid: None,
                    cert: None,
                }],
            }),
            Payload::Digest(_) => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_keys_sign_verifiably_and_never_show() {
        let key = EphemeralKey::generate().unwrap();
        let other = EphemeralKey::generate().unwrap();
        assert_ne!(key.spki_der().unwrap(), other.spki_der().unwrap());
        let public = crate::crypto::PublicKey::from_spki_der(&key.spki_der().unwrap()).unwrap();
        let sig = key.sign(b"subject").unwrap();
        public.verify(b"subject", &sig, "test").unwrap();
        let digest = crate::crypto::sha256(b"blob");
        let sig = key.sign_digest(&digest).unwrap();
        public.verify_prehashed(&digest, &sig, "test").unwrap();
        assert_eq!(format!("{key:?}"), "EphemeralKey(P-256, redacted)");
    }

    #[test]
    fn certificate_pem_round_trips() {
        let der: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let pem = certificate_pem(&der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(crate::crypto::pem_decode(&pem, "CERTIFICATE").unwrap(), der);
    }
}
