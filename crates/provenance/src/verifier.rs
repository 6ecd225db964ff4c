//! [`Verifier`]: the deploy gate for embedders and the CLI. Roots of trust (values), a policy,
//! expectations and limits are put together once by [`Verifier::builder`]; the verifier built
//! is immutable and can then judge any number of artifacts, from any number of threads.

use std::path::{Path, PathBuf};

use provenance_digest::Algorithm;
use provenance_keys::PublicKey;
use provenance_sigstore::TrustedRoot;
use provenance_verify::load;
use provenance_verify::policy::{GithubIdentity, Matcher, Policy};
use provenance_verify::rules::BuilderRule;
use provenance_verify::trace::Node;
use provenance_verify::{
    Artifact, AttestationSet, Engine, Expectations, Limits, OffsetDateTime, Report, SharedLookup,
    TrustRoot, Verification, VerifiedSet,
};

pub use provenance_sigstore::Transparency;
pub use provenance_verify::{Error as VerifyError, Verdict};

/// What key and keyless roots share: a name, the Sigstore trusted root, whether log entries
/// with only a signed entry timestamp are accepted, the builders it may sign for, the SLSA
/// build level its statements earn.
#[derive(Debug, Clone)]
struct Common {
    name: String,
    trusted_root: Option<TrustedRoot>,
    allow_set_only: bool,
    builders: Vec<BuilderRule>,
    slsa_level: Option<u8>,
}

impl Common {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            trusted_root: None,
            allow_set_only: false,
            builders: Vec::new(),
            slsa_level: None,
        }
    }

    fn finish(self, root: TrustRoot) -> TrustRoot {
        root.with_builders(self.builders)
            .with_slsa_level(self.slsa_level)
    }
}

/// The setters of [`Common`], on a root type with a `common` field.
macro_rules! common_setters {
    ($default_name:literal) => {
        #[doc = concat!("The root's name in reports (default `", $default_name, "`).")]
        #[must_use]
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self.common.name = name.into();
            self
        }

        /// Accepts Sigstore log entries that carry only a signed entry timestamp and no
        /// inclusion proof, even after [`provenance_sigstore::PROMISE_ONLY_CUTOFF`] (off by
        /// default).
        #[must_use]
        pub fn allow_set_only(mut self, allow: bool) -> Self {
            self.common.allow_set_only = allow;
            self
        }

        /// Restricts the builders this root may sign for.
        #[must_use]
        pub fn builders(mut self, builders: Vec<BuilderRule>) -> Self {
            self.common.builders = builders;
            self
        }

        /// The SLSA build level this root's statements earn.
        #[must_use]
        pub fn slsa_level(mut self, level: Option<u8>) -> Self {
            self.common.slsa_level = level;
            self
        }
    };
}

/// A root of trust made of public keys: statements signed by `threshold` distinct keys among
/// them are trusted (DSSE envelopes; with a threshold of 1, key-based Sigstore bundles too).
#[derive(Debug, Clone)]
pub struct KeyRoot {
    keys: Vec<PublicKey>,
    threshold: usize,
    common: Common,
}

impl KeyRoot {
    /// Trusts `keys`, one signature being enough (see [`KeyRoot::threshold`]).
    pub fn new(keys: Vec<PublicKey>) -> Self {
        Self {
            keys,
            threshold: 1,
            common: Common::new("keys"),
        }
    }

    common_setters!("keys");

    /// How many distinct keys must have signed (1 to the number of keys, checked by
    /// [`VerifierBuilder::build`]).
    #[must_use]
    pub fn threshold(mut self, threshold: usize) -> Self {
        self.threshold = threshold;
        self
    }

    /// The Sigstore trusted root that the transparency-log entries of key-based bundles are
    /// checked against (default: [`VerifierBuilder::default_trusted_root`], else the embedded
    /// public-good root).
    #[must_use]
    pub fn trusted_root(mut self, root: TrustedRoot) -> Self {
        self.common.trusted_root = Some(root);
        self
    }

    fn into_root(mut self, default_root: Option<&TrustedRoot>) -> Result<TrustRoot, VerifyError> {
        let trusted_root = self
            .common
            .trusted_root
            .take()
            .or_else(|| default_root.cloned());
        let root = load::key_root_from(
            &self.common.name,
            self.keys,
            self.threshold,
            trusted_root,
            self.common.allow_set_only,
        )?;
        Ok(self.common.finish(root))
    }
}

/// A Sigstore keyless root of trust: certificates chaining to a trusted root whose identity
/// (SAN) and OIDC issuer match.
#[derive(Debug, Clone)]
pub struct KeylessRoot {
    identity: Matcher,
    issuer: Matcher,
    github: GithubIdentity,
    transparency: Transparency,
    common: Common,
}

impl KeylessRoot {
    /// Trusts certificates whose identity and issuer match (a regular expression is searched
    /// for, as cosign does: anchors are the caller's), chaining to the embedded Sigstore
    /// public-good root unless [`KeylessRoot::trusted_root`] says otherwise, with every
    /// signature proven in a transparency log ([`Transparency::Required`]).
    pub fn new(identity: Matcher, issuer: Matcher) -> Self {
        Self {
            identity,
            issuer,
            github: GithubIdentity::default(),
            transparency: Transparency::Required,
            common: Common::new("keyless"),
        }
    }

    common_setters!("keyless");

    /// The trusted root (Fulcio CAs, Rekor logs, timestamp authorities) certificates must
    /// chain to (default: [`VerifierBuilder::default_trusted_root`], else the embedded
    /// public-good root).
    #[must_use]
    pub fn trusted_root(mut self, root: TrustedRoot) -> Self {
        self.common.trusted_root = Some(root);
        self
    }

    /// GitHub's constraints on the certificate's facts (repository, owner, signer workflow,
    /// hosted runners), as `gh attestation verify` has them.
    #[must_use]
    pub fn github(mut self, github: GithubIdentity) -> Self {
        self.github = github;
        self
    }

    /// Whether transparency-log entries must be proven (default [`Transparency::Required`]).
    #[must_use]
    pub fn transparency(mut self, transparency: Transparency) -> Self {
        self.transparency = transparency;
        self
    }

    fn into_root(
        mut self,
        default_root: Option<&TrustedRoot>,
        lookup: Option<&SharedLookup>,
    ) -> Result<TrustRoot, VerifyError> {
        let trusted_root = match (self.common.trusted_root.take(), default_root) {
            (Some(root), _) => root,
            (None, Some(default)) => default.clone(),
            (None, None) => load::trusted_root(None)?,
        };
        let root = load::keyless_root_looking_up(
            &self.common.name,
            trusted_root,
            (&self.identity, &self.issuer),
            &self.github,
            (self.transparency, self.common.allow_set_only),
            lookup.cloned(),
        )?;
        Ok(self.common.finish(root))
    }
}

/// A root of trust given to [`VerifierBuilder`], made into the engine's at build time.
#[derive(Debug)]
enum RootSpec {
    Key(KeyRoot),
    Keyless(Box<KeylessRoot>),
    Policy(PathBuf),
    Custom(TrustRoot),
}

/// Puts a [`Verifier`] together: roots of trust, a policy, expectations and limits. Nothing is
/// checked or loaded before [`VerifierBuilder::build`].
#[derive(Debug, Default)]
#[must_use]
pub struct VerifierBuilder {
    roots: Vec<RootSpec>,
    policy: Option<Policy>,
    expectations: Expectations,
    limits: Option<Limits>,
    default_trusted_root: Option<TrustedRoot>,
    log_lookup: Option<SharedLookup>,
}

impl VerifierBuilder {
    /// The Sigstore trusted root of every root of trust that names none (key roots, keyless
    /// roots, a policy's roots without `trusted_root`), in place of the embedded public-good
    /// root: for example the one a TUF update cached
    /// ([`provenance_verify::load::default_trusted_root`]).
    pub fn default_trusted_root(mut self, root: TrustedRoot) -> Self {
        self.default_trusted_root = Some(root);
        self
    }

    /// Trusts a set of public keys.
    pub fn key_root(mut self, root: KeyRoot) -> Self {
        self.roots.push(RootSpec::Key(root));
        self
    }

    /// Trusts a Sigstore keyless identity.
    pub fn keyless_root(mut self, root: KeylessRoot) -> Self {
        self.roots.push(RootSpec::Keyless(Box::new(root)));
        self
    }

    /// Trusts any root (for example one with a custom
    /// [`provenance_verify::AttestationVerifier`]).
    pub fn trust_root(mut self, root: TrustRoot) -> Self {
        self.roots.push(RootSpec::Custom(root));
        self
    }

    /// A policy: its roots of trust (their key and trusted-root files resolved against
    /// `base_dir`, the policy file's directory, at build time, in the order of this call
    /// among the other roots) and its expectations per artifact pattern. One policy at most:
    /// a second call replaces the first.
    pub fn policy(mut self, policy: Policy, base_dir: impl Into<PathBuf>) -> Self {
        self.roots.retain(|r| !matches!(r, RootSpec::Policy(_)));
        self.roots.push(RootSpec::Policy(base_dir.into()));
        self.policy = Some(policy);
        self
    }

    /// Expectations for every artifact verified, laid over the policy's.
    pub fn expectations(mut self, expectations: Expectations) -> Self {
        self.expectations = expectations;
        self
    }

    /// A transparency-log lookup for every keyless root (the policy's too): legacy
    /// slsa-github-generator envelopes, which carry a certificate but no log entry, then have
    /// their entry fetched (online, for `provenance_sigstore::RekorLookup`) and verified
    /// offline as a bundle's. Without one they are refused, since their log entry cannot be
    /// checked.
    pub fn log_lookup(mut self, lookup: SharedLookup) -> Self {
        self.log_lookup = Some(lookup);
        self
    }

    /// Input bounds (default [`Limits::DEFAULT`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Loads the trust material and checks the configuration.
    ///
    /// # Errors
    /// [`VerifyError::NoTrust`] without any root of trust; [`VerifyError::NoExpectations`]
    /// for a policy that sets no expectation (and does not say `allow_no_expectations`) when
    /// no other expectation is given; [`VerifyError::InvalidSetting`] for a threshold of 0 or
    /// above the number of keys, a key given twice, or a bad identity regexp;
    /// [`VerifyError::TrustMaterial`] or [`VerifyError::Io`] for a policy's key or trusted
    /// root that cannot be read.
    pub fn build(self) -> Result<Verifier, VerifyError> {
        if let Some(p) = &self.policy
            && !p.allow_no_expectations
            && p.defaults.is_none()
            && p.artifacts.is_empty()
            && !self.expectations.sets_any_expectation()
        {
            return Err(VerifyError::NoExpectations);
        }
        let mut roots = Vec::new();
        for spec in self.roots {
            match spec {
                RootSpec::Key(k) => roots.push(k.into_root(self.default_trusted_root.as_ref())?),
                RootSpec::Keyless(k) => roots.push(
                    k.into_root(self.default_trusted_root.as_ref(), self.log_lookup.as_ref())?,
                ),
                RootSpec::Custom(r) => roots.push(r),
                RootSpec::Policy(base) => {
                    if let Some(p) = &self.policy {
                        roots.extend(load::policy_roots_with(
                            p,
                            &base,
                            self.default_trusted_root.as_ref(),
                            self.log_lookup.as_ref(),
                        )?);
                    }
                }
            }
        }
        let mut engine = Engine::new(roots)?
            .with_overrides(self.expectations)
            .with_limits(self.limits.unwrap_or(Limits::DEFAULT));
        if let Some(p) = self.policy {
            engine = engine
                .with_patterns(p.artifacts)
                .allow_unmatched_artifacts(p.allow_unmatched_artifacts);
            if let Some(d) = p.defaults {
                engine = engine.with_defaults(d);
            }
        }
        Ok(Verifier { engine })
    }
}

/// Verifies artifacts against their attestations, offline: the deploy gate.
///
/// Made once by [`Verifier::builder`], then called as often as needed: it holds no state that
/// a call changes, and is `Send + Sync`. Every attestation is verified once, however many
/// artifacts it covers. See [`Verifier::builder`] for an example.
#[derive(Debug)]
pub struct Verifier {
    engine: Engine,
}

impl Verifier {
    /// Starts putting a verifier together: roots of trust, a policy, expectations, limits.
    ///
    /// ```
    /// use provenance::digest::{Algorithm, DigestSet};
    /// use provenance::keys::{KeyAlgorithm, PrivateKey};
    /// use provenance::verify::rules::SourceRepo;
    /// use provenance::verify::{Artifact, AttestationSet, Expectations, OffsetDateTime};
    /// use provenance::{KeyRoot, Verdict, Verifier};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let release = PrivateKey::generate(KeyAlgorithm::Ed25519)?;
    /// let backup = PrivateKey::generate(KeyAlgorithm::Ed25519)?;
    /// let mut expect = Expectations::default();
    /// expect.source_repository = Some(SourceRepo::parse("github.com/example/app")?);
    ///
    /// // Both keys must have signed; the source repository must be github.com/example/app.
    /// let verifier = Verifier::builder()
    ///     .key_root(
    ///         KeyRoot::new(vec![release.public_key().clone(), backup.public_key().clone()])
    ///             .threshold(2),
    ///     )
    ///     .expectations(expect)
    ///     .build()?;
    ///
    /// // No attestation covers this artifact: it fails, closed, and names why.
    /// let hex = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    /// let artifact = Artifact::new("app", DigestSet::single(Algorithm::Sha256, hex)?);
    /// let now = OffsetDateTime::now_utc();
    /// for _ in 0..2 {
    ///     let report = verifier.verify(&[artifact.clone()], &AttestationSet::new(), now)?;
    ///     assert_eq!(report.artifacts[0].verdict, Verdict::Fail);
    ///     assert!(report.artifacts[0].reason().contains("no attestation"), "{}", report.artifacts[0].reason());
    /// }
    ///
    /// // A threshold above the number of keys is refused when building.
    /// let err = Verifier::builder()
    ///     .key_root(KeyRoot::new(vec![release.public_key().clone()]).threshold(2))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("threshold"), "{err}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder::default()
    }

    /// The input bounds in force (for reading attestation files into an [`AttestationSet`]).
    pub fn limits(&self) -> &Limits {
        self.engine.limits()
    }

    /// Verifies every attestation's signature once, under the roots of trust, at time `now`.
    /// Its [`VerifiedSet::subject_algorithms`] say which algorithms to hash artifacts with.
    pub fn verify_attestations(&self, set: &AttestationSet, now: OffsetDateTime) -> VerifiedSet {
        self.engine.verify_attestations(set, now)
    }

    /// Starts verifying attestations as they are read, at time `now`: files are read line by
    /// line and verified in batches, so memory holds what the verdicts need of each
    /// attestation, not the files nor their parsed documents. [`Verification::finish`] gives
    /// the [`VerifiedSet`] to judge artifacts with ([`Verifier::evaluate`]) or to trace
    /// through ([`Verifier::trace`]).
    ///
    /// ```
    /// # use provenance::keys::{KeyAlgorithm, PrivateKey};
    /// # use provenance::verify::OffsetDateTime;
    /// # use provenance::{KeyRoot, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let key = PrivateKey::generate(KeyAlgorithm::Ed25519)?;
    /// let verifier = Verifier::builder()
    ///     .key_root(KeyRoot::new(vec![key.public_key().clone()]))
    ///     .build()?;
    /// let mut verification = verifier.verification(OffsetDateTime::now_utc());
    /// let dir = tempfile::tempdir()?;
    /// verification.add_dir(dir.path())?; // (empty here)
    /// let verified = verification.finish();
    /// assert!(verified.verified().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn verification(&self, now: OffsetDateTime) -> Verification<'_> {
        self.engine.verification(now)
    }

    /// Judges artifacts against attestations verified by [`Verifier::verify_attestations`].
    ///
    /// # Errors
    /// [`VerifyError::NoArtifacts`] when `artifacts` is empty.
    pub fn evaluate(
        &self,
        artifacts: &[Artifact],
        verified: &VerifiedSet,
        now: OffsetDateTime,
    ) -> Result<Report, VerifyError> {
        self.engine.evaluate(artifacts, verified, now)
    }

    /// Verifies the attestations, then judges artifacts known by digest against them.
    ///
    /// # Errors
    /// [`VerifyError::NoArtifacts`] when `artifacts` is empty.
    pub fn verify(
        &self,
        artifacts: &[Artifact],
        attestations: &AttestationSet,
        now: OffsetDateTime,
    ) -> Result<Report, VerifyError> {
        self.engine.verify(artifacts, attestations, now)
    }

    /// Walks the chain from `artifact` through the verified attestations of a store, judging
    /// every hop (the expectations given to the builder apply to `artifact` only; its
    /// dependencies get the policy's), down to the source commits.
    pub fn trace(&self, artifact: &Artifact, store: &VerifiedSet, now: OffsetDateTime) -> Node {
        provenance_verify::trace::trace(&self.engine, artifact, store, now)
    }

    /// Verifies artifacts given as paths (hashed) or `sha256:`/`sha512:` digests against the
    /// attestation files or directories given (or, when none is given, the
    /// `ARTIFACT.intoto.jsonl` / `ARTIFACT.sigstore.json` beside each artifact), now.
    ///
    /// # Errors
    /// No artifact, unreadable files, exceeded limits.
    pub fn verify_files(
        &self,
        artifacts: &[&str],
        attestations: &[&Path],
    ) -> Result<Report, VerifyError> {
        let inputs = artifacts
            .iter()
            .map(|a| load::artifact_input(a))
            .collect::<Result<Vec<_>, _>>()?;
        // The attestations first, verified as they are read: each file is then hashed once,
        // with the algorithms the verified subjects name.
        let now = OffsetDateTime::now_utc();
        let mut verification = self.verification(now);
        // Without standard input, the artifacts are known now (digests as given, files hashed
        // with SHA-256, the algorithm of nearly every subject): of the attestations that name
        // none of them only a count is kept. A file is hashed again after verification only
        // when the verified subjects name other algorithms.
        let known = if inputs.iter().any(load::ArtifactInput::is_stdin) {
            None
        } else {
            let known = inputs
                .iter()
                .map(|i| i.load(&[Algorithm::Sha256]))
                .collect::<Result<Vec<_>, _>>()?;
            verification = verification.for_artifacts(&known);
            Some(known)
        };
        for path in attestations {
            verification.add_file(path)?;
        }
        if attestations.is_empty() {
            for path in inputs.iter().filter_map(load::ArtifactInput::path) {
                if path.is_file() {
                    verification.add_beside(path)?;
                }
            }
        }
        let verified = verification.finish();
        let algorithms = verified.subject_algorithms();
        let artifacts = match known {
            Some(known) if algorithms == [Algorithm::Sha256] => known,
            _ => inputs
                .iter()
                .map(|i| i.load(&algorithms))
                .collect::<Result<Vec<_>, _>>()?,
        };
        self.evaluate(&artifacts, &verified, now)
    }
}
