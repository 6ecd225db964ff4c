//! Offline verification of a [`Bundle`] against a [`TrustedRoot`].

use provenance_model::DigestSet;

use crate::bundle::{Bundle, BundleVersion, Content, Material, TlogEntry};
use crate::cert::{Certificate, SignerIdentity};
use crate::crypto::{HashAlgorithm, PublicKey};
use crate::error::{Error, Result};
use crate::policy::IdentityPolicy;
use crate::tlog::{self, Binding, BoundContent};
use crate::trust::{TrustedAuthority, TrustedRoot};

/// id-kp-codeSigning (1.3.6.1.5.5.7.3.3), DER contents. Required only when the leaf has an EKU
/// extension (RFC 5280 §4.2.1.12, as sigstore-go reads it).
const EKU_CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];

/// Unix time 1 704 067 200 = 2024-01-01T00:00:00Z. A transparency log entry with only a signed
/// entry timestamp (SET, the log's promise) and no inclusion proof is accepted by default only
/// in a v0.1 bundle and only when its SET-signed integrated time is earlier than this.
///
/// Evidence: every real SET-only bundle known (npm provenance and npm registry publish
/// attestations, slsa-github-generator's early bundles, all written by sigstore-js 1.x) was
/// integrated between 2023-01 and 2023-05; sigstore-js has written v0.2 bundles with inclusion
/// proofs from `@sigstore/bundle` 2.1.0 on (sigstore 2.x, npm 10), npm's own 2024 attestations carry
/// proofs and checkpoints, and sigstore-python, sigstore-go, cosign's protobuf bundles and
/// GitHub's attestations always wrote proofs. A later SET-only entry is therefore most likely
/// a v0.2/v0.3 bundle relabelled v0.1 with its proof removed; [`BundleVerifier::allow_promise_only`]
/// accepts it anyway.
pub const PROMISE_ONLY_CUTOFF: i64 = 1_704_067_200;

/// Who may have signed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum SignerPolicy {
    /// A Fulcio certificate chaining to the trusted root, whose identity satisfies the policy
    /// (which must constrain both SAN and issuer, see [`IdentityPolicy::check_complete`]).
    Keyless(IdentityPolicy),
    /// A bundle with `publicKey` material, verified with this key.
    Key(PublicKey),
}

/// What the bundle is checked against.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Artifact<'a> {
    /// The artifact bytes.
    Bytes(&'a [u8]),
    /// The artifact digest.
    Digest(HashAlgorithm, &'a [u8]),
    /// Nothing (only for DSSE bundles; subject matching is then the caller's job).
    None,
}

/// Whether a missing transparency log proof may be tolerated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transparency {
    /// Every input must be proven in a transparency log (default): key-based bundles need a
    /// log entry; keyless bundles need one too, unless their CA's trusted-root instance has no
    /// logs (then an RFC 3161 timestamp).
    #[default]
    Required,
    /// Log entries present are verified, but a key-based bundle may carry none (the given
    /// key alone is trusted, exactly as for a bare DSSE envelope signed with it, such as the
    /// offline v0.3 bundles `attest` writes). Keyless bundles are unaffected.
    OptionalForKeys,
    /// INSECURE: as [`Transparency::OptionalForKeys`], and also accept keyless inputs whose
    /// log entry cannot be checked offline (legacy slsa-github-generator envelopes with an
    /// embedded certificate). The result says so (`tlog_verified: false`).
    InsecureIgnore,
}

/// A check that was performed and passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Check {
    /// The signature over the artifact digest or the DSSE PAE.
    Signature,
    /// The artifact (or digest) equals the signed one.
    ArtifactDigest,
    /// Fulcio chain to a trusted CA valid at the signing time, code-signing EKU.
    CertificateChain,
    /// An embedded SCT from a trusted CT log.
    Sct,
    /// Identity policy (SAN, issuer, extensions).
    IdentityPolicy,
    /// Rekor v1 signed entry timestamp.
    SignedEntryTimestamp,
    /// RFC 6962 inclusion proof.
    InclusionProof,
    /// Checkpoint signed by the log, matching the proof.
    Checkpoint,
    /// The log entry body describes this bundle.
    TlogBody,
    /// An RFC 3161 timestamp from a trusted TSA.
    Rfc3161Timestamp,
}

/// What was verified.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum VerifiedContent {
    /// A DSSE envelope: the exact signed payload bytes and payload type.
    Dsse {
        /// The payload type (as signed).
        payload_type: String,
        /// The payload bytes (as signed).
        payload: Vec<u8>,
    },
    /// A message signature over an artifact with this digest.
    MessageDigest {
        /// The algorithm.
        algorithm: HashAlgorithm,
        /// The digest.
        digest: Vec<u8>,
    },
}

impl VerifiedContent {
    /// For a message signature: the signed artifact digest as a digest set (`None` for DSSE
    /// content).
    pub fn digest_set(&self) -> Option<DigestSet> {
        match self {
            Self::MessageDigest { algorithm, digest } => {
                let mut set = DigestSet::new();
                set.insert(algorithm.name(), &hex::encode(digest)).ok()?;
                Some(set)
            }
            Self::Dsse { .. } => None,
        }
    }
}

/// The result of a successful verification.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifiedBundle {
    /// The verified content.
    pub content: VerifiedContent,
    /// The signer identity (keyless only).
    pub identity: Option<SignerIdentity>,
    /// The earliest verified signing time (Unix seconds); 0 only when no time was verified
    /// (a key-based bundle without log entries or timestamps, see
    /// [`Transparency::OptionalForKeys`]).
    pub signing_time: i64,
    /// Every verified time (SET-verified integrated times, RFC 3161 timestamps; for legacy
    /// envelopes the SCT time).
    pub verified_times: Vec<i64>,
    /// Checks done, in order.
    pub checks: Vec<Check>,
    /// Whether a transparency log inclusion was verified (false only for legacy inputs
    /// accepted with [`Transparency::InsecureIgnore`]).
    pub tlog_verified: bool,
    /// For DSSE content: the `provenance-dsse` verification result (the same payload bytes
    /// and payload type as [`VerifiedBundle::content`], with the signing key's id).
    pub dsse: Option<provenance_dsse::Verified>,
}

/// Verifies bundles against a trusted root and a signer policy.
///
/// ```no_run
/// # fn main() -> Result<(), provenance_sigstore::Error> {
/// use provenance_sigstore::*;
/// let root = TrustedRoot::public_good()?;
/// let policy = IdentityPolicy::identity(Matcher::exact("me@example.com"), Matcher::exact("https://accounts.google.com"));
/// let bundle = Bundle::from_json(&std::fs::read("a.sigstore.json").unwrap())?;
/// let v = BundleVerifier::new(root, SignerPolicy::Keyless(policy)).verify(&bundle, Artifact::Bytes(b"hello"), 1_800_000_000)?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct BundleVerifier {
    root: TrustedRoot,
    signer: SignerPolicy,
    transparency: Transparency,
    allow_promise_only: bool,
}

impl BundleVerifier {
    /// A verifier; transparency is [`Transparency::Required`].
    pub fn new(root: TrustedRoot, signer: SignerPolicy) -> Self {
        Self {
            root,
            signer,
            transparency: Transparency::Required,
            allow_promise_only: false,
        }
    }

    /// Also accepts a v0.1 bundle whose Rekor v1 entry (`hashedrekord` 0.0.1, `intoto` 0.0.2,
    /// `dsse` 0.0.1) carries only a SET (no inclusion proof) when it was integrated on or after
    /// [`PROMISE_ONLY_CUTOFF`] (for example a cosign `--bundle` file or an npm 9 bundle made
    /// since then). Off by default: such an entry may be a newer bundle relabelled v0.1 with
    /// its proof removed, and the SET alone is only the log's promise to include the entry.
    /// Rekor v2 entries always need the proof.
    #[must_use]
    pub fn allow_promise_only(mut self, allow: bool) -> Self {
        self.allow_promise_only = allow;
        self
    }

    /// Sets the transparency requirement (see [`Transparency`]).
    #[must_use]
    pub fn with_transparency(mut self, t: Transparency) -> Self {
        self.transparency = t;
        self
    }

    /// The trusted root.
    pub fn trusted_root(&self) -> &TrustedRoot {
        &self.root
    }

    /// Verifies `bundle` for an artifact known by its digests (algorithm name -> hex, as
    /// subjects and `digest` arguments give them): a message signature is checked against
    /// the set's digest of the algorithm the bundle names, else SHA-256, SHA-384, SHA-512; a
    /// DSSE bundle (or no artifact) as [`BundleVerifier::verify`] with [`Artifact::None`]
    /// (matching the statement's subjects is then the caller's job).
    ///
    /// # Errors
    /// [`Error::ArtifactMismatch`] when the set holds no SHA-2 digest; otherwise as
    /// [`BundleVerifier::verify`].
    pub fn verify_digests(
        &self,
        bundle: &Bundle,
        artifact: Option<&DigestSet>,
        now: i64,
    ) -> Result<VerifiedBundle> {
        let Content::MessageSignature { digest: hint, .. } = bundle.content() else {
            return self.verify(bundle, Artifact::None, now);
        };
        let Some(digests) = artifact else {
            return self.verify(bundle, Artifact::None, now);
        };
        // The bundle's (unauthenticated) hint only says which digest to try first: the
        // signature decides.
        let preferred = hint.as_ref().map_or(HashAlgorithm::Sha256, |(a, _)| *a);
        let found = [
            preferred,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ]
        .iter()
        .find_map(|alg| Some((*alg, hex::decode(digests.get(alg.name())?).ok()?)));
        let Some((algorithm, digest)) = found else {
            return Err(Error::ArtifactMismatch(
                "the artifact has no SHA-2 digest to check the signature against",
            ));
        };
        self.verify(bundle, Artifact::Digest(algorithm, &digest), now)
    }

    /// Verifies `bundle` offline. `now` (Unix seconds) bounds the signing time from above.
    ///
    /// Steps, in order: material matches the signer policy; signature over the artifact digest
    /// or DSSE PAE (and the artifact binding); every transparency log entry (body bound to this
    /// bundle, SET, inclusion proof, checkpoint); RFC 3161 timestamps; for keyless bundles the
    /// certificate at every verified time (chain, validity, SCT) and the identity policy.
    /// A bundle without log entries is accepted only for a keyless signer whose CA belongs to a
    /// trusted-root instance that lists no transparency logs (GitHub's private instance), and
    /// then only with a verified timestamp.
    ///
    /// # Errors
    /// The [`Error`] variant names the first failed check: material/policy mismatch,
    /// signature, artifact digest, transparency log (SET, inclusion proof, checkpoint, body
    /// binding), timestamps, certificate chain, SCT, identity policy.
    pub fn verify(
        &self,
        bundle: &Bundle,
        artifact: Artifact<'_>,
        now: i64,
    ) -> Result<VerifiedBundle> {
        self.verify_with_envelope(bundle, artifact, now, None)
    }

    /// [`BundleVerifier::verify`]; `raw_envelope`, the exact bytes of a standalone DSSE envelope
    /// the bundle was made from, also binds `intoto` 0.0.1 entries (which record only the hash
    /// of the envelope as logged).
    fn verify_with_envelope(
        &self,
        bundle: &Bundle,
        artifact: Artifact<'_>,
        now: i64,
        raw_envelope: Option<&[u8]>,
    ) -> Result<VerifiedBundle> {
        let mut checks = Vec::new();
        let (key, leaf) = self.material(bundle)?;
        let (content, dsse, signature) = verify_content(bundle, key, artifact, &mut checks)?;
        let pae_bytes = match bundle.content() {
            Content::Dsse(env) => env.pae(),
            Content::MessageSignature { .. } => Vec::new(),
        };
        let binding = Binding {
            signature,
            cert_der: leaf.map(Certificate::der),
            key,
            raw_envelope,
            content: match &content {
                VerifiedContent::MessageDigest { algorithm, digest } => BoundContent::Message {
                    alg: *algorithm,
                    digest,
                },
                VerifiedContent::Dsse {
                    payload_type,
                    payload,
                } => BoundContent::Dsse {
                    payload_type,
                    payload,
                    pae: &pae_bytes,
                },
            },
        };
        let key_only = leaf.is_none()
            && bundle.tlog_entries.is_empty()
            && self.transparency != Transparency::Required;
        let times = if key_only && bundle.timestamps.is_empty() {
            Vec::new()
        } else {
            self.verified_times(bundle, &binding, now, &mut checks)?
        };
        let identity = match leaf {
            Some(leaf) => Some(self.verify_certificate(leaf, &times, bundle, &mut checks)?),
            None if bundle.tlog_entries.is_empty() && !key_only => {
                return Err(Error::MissingInclusionProof(
                    "the bundle has no transparency log entry",
                ));
            }
            None => None,
        };
        let signing_time = times.iter().copied().min().unwrap_or_default();
        Ok(VerifiedBundle {
            content,
            identity,
            signing_time,
            verified_times: times,
            checks,
            tlog_verified: !bundle.tlog_entries.is_empty(),
            dsse,
        })
    }

    /// The verification key and, for keyless bundles, the leaf certificate.
    fn material<'b>(
        &'b self,
        bundle: &'b Bundle,
    ) -> Result<(&'b PublicKey, Option<&'b Certificate>)> {
        match (bundle.material(), &self.signer) {
            (Material::Certificate { leaf, chain }, SignerPolicy::Keyless(policy)) => {
                policy.check_complete()?;
                self.check_bundle_chain(leaf, chain)?;
                leaf.public_key().check_signing_key()?;
                Ok((leaf.public_key(), Some(&**leaf)))
            }
            (Material::PublicKey { .. }, SignerPolicy::Key(key)) => Ok((key, None)),
            (Material::PublicKey { .. }, SignerPolicy::Keyless(_)) => Err(Error::KeyMismatch(
                "bundle is signed with a public key; give the key to verify it",
            )),
            (Material::Certificate { .. }, SignerPolicy::Key(_)) => Err(Error::KeyMismatch(
                "bundle is keyless (certificate) but a key was given",
            )),
        }
    }

    /// Verifies the log entries and timestamps; returns the verified times.
    fn verified_times(
        &self,
        bundle: &Bundle,
        binding: &Binding<'_>,
        now: i64,
        checks: &mut Vec<Check>,
    ) -> Result<Vec<i64>> {
        if bundle.tlog_entries.is_empty() && bundle.timestamps.is_empty() {
            return Err(Error::MissingInclusionProof(
                "the bundle has no transparency log entry",
            ));
        }
        let mut times = Vec::new();
        let mut v2_logs = Vec::new();
        let mut unsigned_logs = Vec::new();
        for entry in &bundle.tlog_entries {
            match self.verify_entry(bundle.version(), entry, binding, checks)? {
                EntryTime::Integrated(t) => times.push(t),
                EntryTime::NeedsTimestamp(logs) => v2_logs.push(logs),
                EntryTime::Unsigned(logs) => unsigned_logs.push(logs),
            }
        }
        let mut tsa_times = Vec::new();
        for ts in &bundle.timestamps {
            tsa_times.push(crate::tsa::verify_timestamp(
                ts,
                binding.signature,
                &self.root,
            )?);
            checks.push(Check::Rfc3161Timestamp);
        }
        for logs in v2_logs {
            if tsa_times.is_empty() {
                return Err(Error::NoVerifiedTime(
                    "a Rekor v2 entry needs an RFC 3161 timestamp",
                ));
            }
            let valid = logs.iter().any(|l| {
                let log = self.root.tlogs().get(*l);
                tsa_times
                    .iter()
                    .any(|t| log.is_some_and(|log| log.valid_at(*t)))
            });
            if !valid {
                return Err(Error::UntrustedLog {
                    log_id: String::from("(Rekor v2)"),
                    detail: " at the timestamp time".into(),
                });
            }
        }
        for logs in unsigned_logs {
            if tsa_times.is_empty() {
                continue; // no time from this entry; another must supply one
            }
            let valid = logs.iter().any(|l| {
                let log = self.root.tlogs().get(*l);
                tsa_times
                    .iter()
                    .any(|t| log.is_some_and(|log| log.valid_at(*t)))
            });
            if !valid {
                return Err(Error::UntrustedLog {
                    log_id: String::from("(inclusion-proven entry)"),
                    detail: " at the timestamp time".into(),
                });
            }
        }
        times.extend(tsa_times);
        if times.is_empty() {
            return Err(Error::NoVerifiedTime(
                "no SET-verified integrated time and no RFC 3161 timestamp",
            ));
        }
        if times.iter().any(|t| *t > now.saturating_add(300)) {
            return Err(Error::NoVerifiedTime("signing time lies in the future"));
        }
        Ok(times)
    }

    /// The leaf at every verified time: validity, chain, SCT, identity policy.
    fn verify_certificate(
        &self,
        leaf: &Certificate,
        times: &[i64],
        bundle: &Bundle,
        checks: &mut Vec<Check>,
    ) -> Result<SignerIdentity> {
        if let Some(t) = times
            .iter()
            .find(|t| **t < leaf.not_before() || **t > leaf.not_after())
        {
            return Err(Error::TimeOutsideCertificate {
                time: *t,
                not_before: leaf.not_before(),
                not_after: leaf.not_after(),
            });
        }
        let mut found = None;
        for t in times {
            found = Some(self.verify_chain(leaf, *t)?);
        }
        let (issuer, ca) = found.ok_or(Error::NoVerifiedTime("no verified time"))?;
        checks.push(Check::CertificateChain);
        if bundle.tlog_entries.is_empty() && self.root.instance_has_tlogs(ca) {
            return Err(Error::MissingInclusionProof(
                "the bundle has no transparency log entry",
            ));
        }
        if self.root.instance_has_ctlogs(ca) {
            crate::sct::verify_scts(leaf, &issuer, &self.root)?;
            checks.push(Check::Sct);
        }
        let id = SignerIdentity::from_certificate(leaf);
        if let SignerPolicy::Keyless(policy) = &self.signer {
            policy.evaluate(&id)?;
            checks.push(Check::IdentityPolicy);
        }
        Ok(id)
    }

    /// A v0.1 entry with a SET and no inclusion proof ("promise only"), as protobuf-specs
    /// and sigstore-go accept it in a v0.1 bundle, whatever Rekor v1 kind its producer wrote
    /// (`hashedrekord` 0.0.1, `intoto` 0.0.2 and `dsse` 0.0.1 from sigstore-js 1.x/npm).
    /// Rekor v2 entries have no SET and always need the proof. The `mediaType` that made it
    /// v0.1 is unsigned, so the integrated time the SET signs must be before
    /// [`PROMISE_ONLY_CUTOFF`] unless the caller opted in (see the crate documentation).
    fn check_promise_only(&self, entry: &TlogEntry) -> Result<()> {
        let rekor_v2_kind = matches!(
            (entry.kind.as_str(), entry.version.as_str()),
            ("hashedrekord" | "dsse", "0.0.2")
        );
        if rekor_v2_kind {
            return Err(Error::MissingInclusionProof(
                "a Rekor v2 entry needs an inclusion proof",
            ));
        }
        let allowed = self.allow_promise_only || self.transparency == Transparency::InsecureIgnore;
        if entry.integrated_time >= PROMISE_ONLY_CUTOFF && !allowed {
            return Err(Error::MissingInclusionProof(
                "a log entry integrated since 2024-01-01 needs an inclusion proof \
                 (a SET alone is accepted for newer entries only when explicitly allowed)",
            ));
        }
        Ok(())
    }

    fn verify_entry(
        &self,
        version: BundleVersion,
        entry: &TlogEntry,
        binding: &Binding<'_>,
        checks: &mut Vec<Check>,
    ) -> Result<EntryTime> {
        let logs: Vec<usize> = self
            .root
            .tlogs()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.log_id() == entry.log_id.as_slice())
            .map(|(i, _)| i)
            .collect();
        if logs.is_empty() {
            return Err(Error::UntrustedLog {
                log_id: hex::encode(&entry.log_id),
                detail: String::new(),
            });
        }
        tlog::verify_body(entry, binding)?;
        checks.push(Check::TlogBody);
        let rekor_v2 =
            entry.version == "0.0.2" && entry.integrated_time == 0 && entry.set.is_none();
        // A Rekor v2 log is one tree (a new shard is a new log, with its own key): the entry's
        // `logIndex` is its index in that tree, which the inclusion proof proves. It is not
        // signed, so a bundle could say anything there; one that disagrees with the proof is
        // refused. (sigstore-go does not compare them; Rekor v1 logs are sharded, and a v1
        // entry's global `logIndex` legitimately differs from its proof's shard-local one.)
        if rekor_v2
            && let Some(proof) = &entry.proof
            && proof.log_index != entry.log_index
        {
            return Err(Error::InvalidInclusionProof(
                "the Rekor v2 entry's logIndex differs from its inclusion proof's logIndex",
            ));
        }
        let mut time = if rekor_v2 {
            EntryTime::NeedsTimestamp(logs.clone())
        } else {
            EntryTime::Unsigned(Vec::new())
        };
        let mut last = None;
        let mut ok_logs = Vec::new();
        for i in &logs {
            let Some(log) = self.root.tlogs().get(*i) else {
                continue;
            };
            let r = (|| -> Result<()> {
                if let Some(set) = &entry.set {
                    if !log.valid_at(entry.integrated_time) {
                        return Err(Error::UntrustedLog {
                            log_id: hex::encode(&entry.log_id),
                            detail: format!(" at integrated time {}", entry.integrated_time),
                        });
                    }
                    tlog::verify_set(entry, set, log)?;
                }
                match &entry.proof {
                    Some(proof) => {
                        tlog::verify_inclusion(proof, tlog::leaf_hash(&entry.body))?;
                        match &proof.checkpoint {
                            Some(cp) => tlog::verify_checkpoint(cp, proof, log)?,
                            // An inclusion proof is only meaningful anchored to a signed
                            // checkpoint, in every version (sigstore-python rejects such v0.1
                            // bundles too); a v0.1 bundle may instead carry only a SET.
                            None => {
                                return Err(Error::MissingInclusionProof(
                                    "inclusion proof without a checkpoint",
                                ));
                            }
                        }
                    }
                    None if version >= BundleVersion::V0_2 => {
                        return Err(Error::MissingInclusionProof(
                            "bundle v0.2+ needs an inclusion proof",
                        ));
                    }
                    None if entry.set.is_none() => {
                        return Err(Error::MissingInclusionProof(
                            "entry has neither an inclusion proof nor a SET",
                        ));
                    }
                    None => self.check_promise_only(entry)?,
                }
                Ok(())
            })();
            match r {
                Ok(()) => ok_logs.push(*i),
                Err(e) => last = Some(e),
            }
        }
        if ok_logs.is_empty() {
            return Err(last.unwrap_or(Error::UntrustedLog {
                log_id: hex::encode(&entry.log_id),
                detail: String::new(),
            }));
        }
        if entry.set.is_some() {
            checks.push(Check::SignedEntryTimestamp);
            time = EntryTime::Integrated(entry.integrated_time);
        }
        if entry.proof.is_some() {
            checks.push(Check::InclusionProof);
            if entry.proof.as_ref().is_some_and(|p| p.checkpoint.is_some()) {
                checks.push(Check::Checkpoint);
            }
        }
        match time {
            EntryTime::NeedsTimestamp(_) => time = EntryTime::NeedsTimestamp(ok_logs),
            EntryTime::Unsigned(_) => time = EntryTime::Unsigned(ok_logs),
            EntryTime::Integrated(_) => {}
        }
        Ok(time)
    }

    /// Verifies a legacy slsa-github-generator DSSE envelope (before v2.1) whose single
    /// signature embeds the Fulcio certificate as PEM in `cert`: the envelope signature, the
    /// chain (at the time of the certificate's SCT, the only signed time available offline),
    /// the SCT and the identity policy. The transparency log cannot be checked offline, so
    /// unless [`Transparency::InsecureIgnore`] was set this ends in [`Error::TlogNotChecked`]
    /// after every other check passed.
    ///
    /// # Errors
    /// [`Error::Json`] / [`Error::Malformed`] for a bad envelope, [`Error::KeyMismatch`] with a
    /// key policy, then as [`BundleVerifier::verify`], and [`Error::TlogNotChecked`].
    pub fn verify_legacy_envelope(
        &self,
        json: &[u8],
        artifact: Artifact<'_>,
    ) -> Result<VerifiedBundle> {
        let (_, env, leaf) = self.legacy_parts(json)?;
        let mut checks = Vec::new();
        let verified = verify_dsse(&env, leaf.public_key())?;
        checks.push(Check::Signature);
        check_artifact_subject(verified.payload(), artifact, &mut checks)?;
        let (issuer, _) = self.verify_chain(&leaf, leaf.not_before())?;
        let sct_time = crate::sct::verify_scts(&leaf, &issuer, &self.root)?;
        if sct_time < leaf.not_before() || sct_time > leaf.not_after() {
            return Err(Error::TimeOutsideCertificate {
                time: sct_time,
                not_before: leaf.not_before(),
                not_after: leaf.not_after(),
            });
        }
        self.verify_chain(&leaf, sct_time)?;
        checks.push(Check::CertificateChain);
        checks.push(Check::Sct);
        let identity = SignerIdentity::from_certificate(&leaf);
        if let SignerPolicy::Keyless(policy) = &self.signer {
            policy.evaluate(&identity)?;
        }
        checks.push(Check::IdentityPolicy);
        if self.transparency == Transparency::Required {
            return Err(Error::TlogNotChecked);
        }
        Ok(VerifiedBundle {
            content: VerifiedContent::Dsse {
                payload_type: verified.payload_type().as_str().to_owned(),
                payload: verified.payload().to_vec(),
            },
            identity: Some(identity),
            signing_time: sct_time,
            verified_times: vec![sct_time],
            checks,
            tlog_verified: false,
            dsse: Some(verified),
        })
    }

    /// Verifies a legacy slsa-github-generator envelope (see
    /// [`BundleVerifier::verify_legacy_envelope`]) with its transparency log entry, found by
    /// `lookup` under the SHA-256 of the DSSE payload. Each entry found is put, with the
    /// envelope and its certificate, into a v0.3 bundle that [`BundleVerifier::verify`] then
    /// checks exactly as any bundle: the entry body (an `intoto` 0.0.2 or `dsse` 0.0.1 entry)
    /// must record this envelope's signature, payload and certificate (an `intoto` 0.0.1
    /// entry, which slsa-github-generator and cosign wrote, its payload, certificate and the
    /// SHA-256 of the envelope's exact bytes, `json`, which cover the signature); the signed entry
    /// timestamp, the inclusion proof and its checkpoint must verify with the trusted root's log
    /// key; the integrated time must lie in the certificate's validity, and is the verified
    /// signing time at which the chain, SCT and identity policy are checked. The first entry
    /// that verifies is taken.
    ///
    /// # Errors
    /// As [`BundleVerifier::verify_legacy_envelope`] for the envelope itself; the lookup's
    /// error ([`Error::is_service_failure`]); [`Error::TlogEntryNotFound`] when the log lists no
    /// entry; else the failure of the last entry tried, as [`BundleVerifier::verify`] names it.
    pub fn verify_legacy_envelope_with_log(
        &self,
        json: &[u8],
        artifact: Artifact<'_>,
        now: i64,
        lookup: &dyn crate::rekor::TlogLookup,
    ) -> Result<VerifiedBundle> {
        let (wire, env, leaf) = self.legacy_parts(json)?;
        // the envelope's own signature first: a forged envelope is refused without a lookup
        verify_dsse(&env, leaf.public_key())?;
        let entries = lookup.entries_for_payload(&crate::crypto::sha256(&env.payload))?;
        let mut last = Error::TlogEntryNotFound;
        for entry in entries {
            let bundle = crate::bundle::WireBundle {
                media_type: "application/vnd.dev.sigstore.bundle.v0.3+json".into(),
                verification_material: crate::bundle::WireMaterial {
                    x509_certificate_chain: None,
                    certificate: Some(crate::bundle::WireRawBytes {
                        raw_bytes: crate::b64::encode(leaf.der()),
                    }),
                    public_key: None,
                    tlog_entries: vec![entry.into_wire()],
                    timestamp_verification_data: None,
                },
                message_signature: None,
                dsse_envelope: Some(crate::bundle::WireEnvelope {
                    payload: wire.payload.clone(),
                    payload_type: wire.payload_type.clone(),
                    signatures: wire
                        .signatures
                        .iter()
                        .map(|s| crate::bundle::WireDsseSignature {
                            sig: s.sig.clone(),
                            keyid: s.keyid.clone(),
                            cert: None,
                        })
                        .collect(),
                }),
            };
            let outcome = Bundle::from_wire(bundle, &crate::limits::Limits::DEFAULT)
                .and_then(|b| self.verify_with_envelope(&b, artifact, now, Some(json)));
            match outcome {
                Ok(verified) => return Ok(verified),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// A legacy envelope's wire form, its decoded single signature and its certificate, with
    /// a keyless policy to check them against.
    fn legacy_parts(
        &self,
        json: &[u8],
    ) -> Result<(
        crate::bundle::WireEnvelope,
        crate::bundle::DsseEnvelope,
        Certificate,
    )> {
        let wire: crate::bundle::WireEnvelope =
            serde_json::from_slice(json).map_err(|source| Error::Json {
                what: "DSSE envelope",
                source,
            })?;
        let SignerPolicy::Keyless(policy) = &self.signer else {
            return Err(Error::KeyMismatch(
                "a legacy envelope carries a certificate; give an identity policy",
            ));
        };
        policy.check_complete()?;
        let env = crate::bundle::decode_envelope(&wire)?;
        let pem = wire
            .signatures
            .first()
            .and_then(|s| s.cert.as_deref())
            .ok_or(Error::MissingMaterial(
                "legacy envelope signature has no `cert`",
            ))?;
        let leaf = Certificate::from_der(&crate::crypto::pem_decode(pem, "CERTIFICATE")?)?;
        Ok((wire, env, leaf))
    }

    /// Intermediates shipped in a v0.1/v0.2 bundle are not used for path building (only the
    /// trusted root's are), but they must not smuggle a root in: a chain holding a
    /// self-issued certificate must be ordered (each certificate issued by the next), with
    /// that certificate last and equal to one of the trusted root's own roots.
    fn check_bundle_chain(&self, leaf: &Certificate, chain: &[Certificate]) -> Result<()> {
        if !chain.iter().any(Certificate::is_self_issued) {
            return Ok(());
        }
        let ordered = std::iter::once(leaf)
            .chain(chain.iter())
            .zip(chain.iter())
            .all(|(child, parent)| child.issuer_raw() == parent.subject_raw());
        let trusted_last = chain.last().is_some_and(|last| {
            last.is_self_issued()
                && self
                    .root
                    .certificate_authorities()
                    .iter()
                    .any(|ca| ca.chain().last().is_some_and(|r| r.der() == last.der()))
        });
        let roots = chain.iter().filter(|c| c.is_self_issued()).count();
        if ordered && trusted_last && roots == 1 {
            Ok(())
        } else {
            Err(Error::ChainContainsRoot)
        }
    }

    /// Path validation with rustls-webpki at time `t` against each CA valid at `t`; returns
    /// the certificate that issued the leaf.
    fn verify_chain(&self, leaf: &Certificate, t: i64) -> Result<(Certificate, &TrustedAuthority)> {
        let mut last =
            String::from("no certificate authority in the trusted root is valid at that time");
        let unix = rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(t).map_err(|_| Error::NoVerifiedTime("negative time"))?,
        ));
        let leaf_der = rustls_pki_types::CertificateDer::from(leaf.der());
        let ee = webpki::EndEntityCert::try_from(&leaf_der).map_err(|e| {
            Error::UntrustedCertificate {
                time: t,
                reason: format!("{e:?}"),
            }
        })?;
        for ca in self.root.certificate_authorities() {
            if !ca.valid_at(t) {
                continue;
            }
            let Some((root_cert, intermediates)) = ca.chain().split_last() else {
                continue;
            };
            let root_der = rustls_pki_types::CertificateDer::from(root_cert.der());
            let anchor = match webpki::anchor_from_trusted_cert(&root_der) {
                Ok(a) => a.to_owned(),
                Err(e) => {
                    last = format!("{e:?}");
                    continue;
                }
            };
            let anchors = [anchor];
            let inters: Vec<_> = intermediates
                .iter()
                .map(|c| rustls_pki_types::CertificateDer::from(c.der()))
                .collect();
            let r = ee.verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                &anchors,
                &inters,
                unix,
                webpki::KeyUsage::required_if_present(EKU_CODE_SIGNING),
                None,
                None,
            );
            match r {
                Ok(_) => {
                    let issuer = ca
                        .chain()
                        .iter()
                        .find(|c| c.subject_raw() == leaf.issuer_raw());
                    return issuer.cloned().map(|i| (i, ca)).ok_or_else(|| {
                        Error::UntrustedCertificate {
                            time: t,
                            reason: "issuer not found".into(),
                        }
                    });
                }
                Err(e) => last = format!("{e:?}"),
            }
        }
        Err(Error::UntrustedCertificate {
            time: t,
            reason: last,
        })
    }
}

/// Verifies the envelope with `provenance-dsse` (one key, threshold one). The payload type is
/// returned, not judged: which payload types are acceptable is the caller's policy.
fn verify_dsse(
    env: &crate::bundle::DsseEnvelope,
    key: &PublicKey,
) -> Result<provenance_dsse::Verified> {
    let payload_type = provenance_dsse::PayloadType::try_from(env.payload_type.clone())
        .map_err(|e| crate::error::malformed("dsseEnvelope.payloadType", e.to_string()))?;
    let envelope = provenance_dsse::Envelope::from_parts(
        payload_type.clone(),
        env.payload.clone(),
        vec![provenance_dsse::Signature::new(None, env.signature.clone())],
        &provenance_dsse::Limits::default(),
    )
    .map_err(|e| crate::error::malformed("dsseEnvelope", e.to_string()))?;
    let dsse_key = crate::crypto::DsseKey::new(key)?;
    envelope
        .verify(
            &provenance_dsse::PayloadTypePolicy::Exact(payload_type),
            &[&dsse_key],
            provenance_dsse::Threshold::default(),
        )
        .map_err(|_| Error::InvalidSignature("DSSE envelope"))
}

/// Checks the signature over the content and the artifact binding.
fn verify_content<'b>(
    bundle: &'b Bundle,
    key: &PublicKey,
    artifact: Artifact<'_>,
    checks: &mut Vec<Check>,
) -> Result<(VerifiedContent, Option<provenance_dsse::Verified>, &'b [u8])> {
    match bundle.content() {
        Content::MessageSignature {
            digest: hint,
            signature,
        } => {
            let (alg, digest) = match artifact {
                Artifact::Bytes(b) => {
                    let alg = hint.as_ref().map_or(HashAlgorithm::Sha256, |(a, _)| *a);
                    (alg, alg.hash(b))
                }
                Artifact::Digest(alg, d) => (alg, d.to_vec()),
                Artifact::None => {
                    return Err(Error::ArtifactMismatch(
                        "a message signature needs the artifact or its digest",
                    ));
                }
            };
            if hint
                .as_ref()
                .is_some_and(|(ha, hd)| *ha == alg && *hd != digest)
            {
                return Err(Error::ArtifactMismatch(
                    "bundle messageDigest differs from the artifact",
                ));
            }
            match artifact {
                // The key implies the hash (sigstore-go's default verifier), whatever the
                // unsigned messageDigest hint names.
                Artifact::Bytes(b) => key.verify_message(b, signature, "message signature")?,
                _ if key.is_ed25519() && alg != HashAlgorithm::Sha512 => {
                    return Err(Error::ArtifactMismatch(
                        "an Ed25519 key verifies from a SHA-512 digest only: give the artifact or its SHA-512 digest",
                    ));
                }
                _ => key.verify_prehashed(&digest, signature, "message signature")?,
            }
            checks.push(Check::Signature);
            checks.push(Check::ArtifactDigest);
            Ok((
                VerifiedContent::MessageDigest {
                    algorithm: alg,
                    digest,
                },
                None,
                signature.as_slice(),
            ))
        }
        Content::Dsse(env) => {
            let verified = verify_dsse(env, key)?;
            checks.push(Check::Signature);
            check_artifact_subject(verified.payload(), artifact, checks)?;
            let content = VerifiedContent::Dsse {
                payload_type: verified.payload_type().as_str().to_owned(),
                payload: verified.payload().to_vec(),
            };
            Ok((content, Some(verified), env.signature.as_slice()))
        }
    }
}

fn check_artifact_subject(
    payload: &[u8],
    artifact: Artifact<'_>,
    checks: &mut Vec<Check>,
) -> Result<()> {
    match artifact {
        Artifact::None => return Ok(()),
        Artifact::Bytes(b) => {
            check_subject(
                payload,
                HashAlgorithm::Sha256,
                &HashAlgorithm::Sha256.hash(b),
            )?;
        }
        Artifact::Digest(alg, d) => check_subject(payload, alg, d)?,
    }
    checks.push(Check::ArtifactDigest);
    Ok(())
}

/// What a verified log entry contributes to the signing time.
enum EntryTime {
    /// A SET-verified Rekor v1 integrated time.
    Integrated(i64),
    /// A Rekor v2 entry: needs a timestamp, at which one of these logs must be valid.
    NeedsTimestamp(Vec<usize>),
    /// A Rekor v1 entry proven only by inclusion (its integrated time is unsigned): one of
    /// these logs must be valid at a verified timestamp, if there is one.
    Unsigned(Vec<usize>),
}

/// With an artifact given for a DSSE bundle: some in-toto subject must carry its digest.
fn check_subject(payload: &[u8], alg: HashAlgorithm, digest: &[u8]) -> Result<()> {
    let v: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|_| Error::ArtifactMismatch("DSSE payload is not an in-toto statement"))?;
    let want = hex::encode(digest);
    let found = v
        .get("subject")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|subjects| {
            subjects.iter().any(|s| {
                s.get("digest")
                    .and_then(|d| d.get(alg.name()))
                    .and_then(serde_json::Value::as_str)
                    == Some(want.as_str())
            })
        });
    if found {
        Ok(())
    } else {
        Err(Error::ArtifactMismatch(
            "no statement subject has the artifact's digest",
        ))
    }
}
