//! The verification pipeline: verify every attestation once, index the subjects, then judge
//! each artifact against the expectations that apply to it.

use std::collections::BTreeMap;
use std::path::Path;

use provenance_digest::{Algorithm, DigestMatch, DigestSet};
use serde::Serialize;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::expect::{self, Expectations, Rule, RuleFailure};
use crate::facts::Facts;
use crate::policy::PatternEntry;
use crate::rules::BuilderRule;
use crate::source::{AttestationSet, Origin, RawAttestation, Sink, Skipped};
use crate::verified::{
    Acceptance, AttestationVerifier, Body, Rejection, Signer, VerifiedAttestation, interpret,
};
use rayon::prelude::*;

/// A signature check's outcome, then (when it verified) the statement's interpretation.
type Interpreted = Result<Result<VerifiedAttestation, Rejection>, Rejection>;

/// Digest algorithms accepted to match an artifact against a subject. SHA-1 and MD5 are
/// never enough.
pub const ACCEPTED_ALGORITHMS: [Algorithm; 4] = [
    Algorithm::Sha256,
    Algorithm::Sha384,
    Algorithm::Sha512,
    Algorithm::Sha512_256,
];

/// A root of trust: what verifies signatures, which builders it may sign for, and the SLSA
/// build level its statements earn.
pub struct TrustRoot {
    name: String,
    verifier: Box<dyn AttestationVerifier>,
    builders: Vec<BuilderRule>,
    slsa_level: Option<u8>,
    keyless: bool,
    names_signer: bool,
}

impl std::fmt::Debug for TrustRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustRoot")
            .field("name", &self.name)
            .field("builders", &self.builders)
            .field("slsa_level", &self.slsa_level)
            .field("keyless", &self.keyless)
            .field("names_signer", &self.names_signer)
            .finish_non_exhaustive()
    }
}

impl TrustRoot {
    /// A root named `name` verified by `verifier`; `keyless` marks certificate-identity roots
    /// (their statements' build claims need a trusted builder, see [`Expectations`]).
    pub fn new(
        name: impl Into<String>,
        verifier: Box<dyn AttestationVerifier>,
        keyless: bool,
    ) -> Self {
        Self {
            name: name.into(),
            verifier,
            builders: Vec::new(),
            slsa_level: None,
            keyless,
            names_signer: false,
        }
    }

    /// Marks a keyless root whose identity policy constrains the certificate's source or
    /// signer facts (GitHub's `--repo`, `--owner`, `--signer-workflow`, `--signer-repo`): its
    /// signers need no builder id when every expectation is a source fact their certificate
    /// states (SLSA Build level 2 at most).
    #[must_use]
    pub fn with_named_signer(mut self, names_signer: bool) -> Self {
        self.names_signer = names_signer;
        self
    }

    /// Restricts the builders this root may sign for.
    #[must_use]
    pub fn with_builders(mut self, builders: Vec<BuilderRule>) -> Self {
        self.builders = builders;
        self
    }

    /// The SLSA build level this root's statements earn.
    #[must_use]
    pub fn with_slsa_level(mut self, level: Option<u8>) -> Self {
        self.slsa_level = level;
        self
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// An artifact to verify: a name to show (the path as given, or the digest), the name policy
/// patterns see, and its digests.
///
/// Digests are either *computed* from the artifact's content ([`Artifact::hashed`]: a subject
/// then matches only when every accepted algorithm it names was computed and agrees) or
/// *given* ([`Artifact::new`], a `sha256:HEX` argument: compared on the algorithms given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    name: String,
    digests: DigestSet,
    #[serde(skip)]
    policy_name: Option<String>,
    #[serde(skip)]
    computed: bool,
}

impl Artifact {
    /// An artifact known by digests someone gave, named `name` (shown as written; policy
    /// patterns see it normalised, see [`crate::pattern::normalise_name`]).
    pub fn new(name: impl Into<String>, digests: DigestSet) -> Self {
        let name = name.into();
        Self {
            policy_name: crate::pattern::normalise_name(&name),
            name,
            digests,
            computed: false,
        }
    }

    /// An artifact whose digests were computed from its content, with every accepted
    /// algorithm the candidate subjects name (see [`VerifiedSet::subject_algorithms`]).
    pub fn hashed(name: impl Into<String>, digests: DigestSet) -> Self {
        Self {
            computed: true,
            ..Self::new(name, digests)
        }
    }

    /// An artifact with no name for policy patterns (a bare digest): shown as `label`; in a
    /// policy with `[[artifacts]]` it matches no pattern.
    pub fn unnamed(label: impl Into<String>, digests: DigestSet) -> Self {
        Self {
            policy_name: None,
            ..Self::new(label, digests)
        }
    }

    /// Sets the name policy patterns see (already normalised by the caller, e.g. with
    /// [`crate::pattern::name_for_path`]).
    #[must_use]
    pub fn with_policy_name(mut self, name: Option<String>) -> Self {
        self.policy_name = name;
        self
    }

    /// Its name as shown.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The name policy patterns are matched against, if it has one.
    pub fn policy_name(&self) -> Option<&str> {
        self.policy_name.as_deref()
    }
    /// Its digests.
    pub fn digests(&self) -> &DigestSet {
        &self.digests
    }
    /// Whether its digests were computed from its content (strict subject matching).
    pub fn is_hashed(&self) -> bool {
        self.computed
    }

    /// How its digests compare with a subject's.
    fn compare(&self, subject: &DigestSet) -> DigestMatch {
        if self.computed {
            self.digests.matches_all(subject, &ACCEPTED_ALGORITHMS)
        } else {
            self.digests.matches(subject, &ACCEPTED_ALGORITHMS)
        }
    }
}

/// Whether `origin` is a file found beside another artifact than `artifact` (hashed from a
/// file in the same directory): `other.bin.intoto.jsonl` or `other.bin.sigstore.json` where
/// `other.bin` exists. Its refusal is not why nothing covers `artifact`; a bundle merely named
/// so (`attestation.sigstore.json`, with no `attestation` beside it) is not another's.
fn beside_another(artifact: &Artifact, origin: &Origin) -> bool {
    if !artifact.computed {
        return false;
    }
    let mine = Path::new(&artifact.name);
    let theirs = origin.path();
    if mine.parent() != theirs.parent() {
        return false;
    }
    let Some(file) = theirs.file_name().and_then(|f| f.to_str()) else {
        return false;
    };
    let Some(stem) = [".intoto.jsonl", ".sigstore.json"]
        .iter()
        .find_map(|suffix| file.strip_suffix(suffix))
    else {
        return false;
    };
    mine.file_name().and_then(|f| f.to_str()) != Some(stem) && theirs.with_file_name(stem).is_file()
}

/// An attestation no root of trust accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// Where it was read.
    pub origin: Origin,
    /// Why each root refused it (`root: reason; ...`).
    pub reason: String,
    /// The same, typed: each root that refused it, in the order tried, and why.
    #[serde(skip)]
    pub refusals: Vec<Refusal>,
}

/// One root of trust's refusal of an attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The root's name.
    pub root: String,
    /// Why it refused.
    pub rejection: Rejection,
}

/// The result of verifying attestations once: what verified and what did not.
#[derive(Debug, Clone, Default)]
pub struct VerifiedSet {
    verified: Vec<VerifiedAttestation>,
    rejected: Vec<Rejected>,
    skipped: Vec<Skipped>,
    signature_checks: usize,
    /// Subject digests, as (fingerprint of algorithm and value, index into `verified`) sorted
    /// by fingerprint once verification is over: 16 bytes per digest, not a copy of it. A
    /// fingerprint only finds candidates; [`VerifiedSet::covering`] compares the digests.
    index: Vec<(u64, u32)>,
    /// Artifact signatures to check per artifact: the attestation and the roots that asked.
    deferred: Vec<(RawAttestation, Vec<usize>)>,
    /// Accepted algorithms named by verified subjects and by the message digests of the
    /// deferred artifact signatures.
    algorithms: std::collections::BTreeSet<Algorithm>,
    /// Digest names of verified subjects that name no accepted algorithm (they match nothing).
    unusable: std::collections::BTreeSet<String>,
    /// When the artifacts were known before verification ([`Verification::for_artifacts`]):
    /// what of them decides which verified attestations are kept; the others are only
    /// counted, in `elsewhere`.
    wanted: Option<Wanted>,
    /// Verified attestations whose subjects name none of the wanted artifacts' digests.
    elsewhere: usize,
}

impl VerifiedSet {
    /// Attestations that verified; when the artifacts were known before verification
    /// ([`Verification::for_artifacts`]), only those with a subject sharing a digest with one
    /// of them ([`VerifiedSet::verified_count`] counts them all).
    pub fn verified(&self) -> &[VerifiedAttestation] {
        &self.verified
    }
    /// How many attestations verified, including those only counted because they name other
    /// artifacts than the ones given to [`Verification::for_artifacts`].
    pub fn verified_count(&self) -> usize {
        self.verified.len() + self.elsewhere
    }
    /// Whether `artifact` can be judged with this set: always, unless the attestations were
    /// verified for other artifacts ([`Verification::for_artifacts`]) and some of those that
    /// could cover this one were only counted.
    fn can_judge(&self, artifact: &Artifact) -> bool {
        self.wanted.as_ref().is_none_or(|wanted| {
            let mut keys = index_keys(&artifact.digests).peekable();
            // No accepted digest (it fails anyway), the same digest as one of them, or a
            // hashed one without any digest they were hashed with: every subject naming one
            // of its algorithms was kept.
            keys.peek().is_none()
                || keys.any(|k| wanted.keys.contains(&k))
                || (wanted.hashed
                    && artifact.computed
                    && wanted
                        .hashed_with
                        .iter()
                        .all(|alg| artifact.digests.get_algorithm(*alg).is_none()))
        })
    }
    /// Attestations no root accepted.
    pub fn rejected(&self) -> &[Rejected] {
        &self.rejected
    }
    /// Lines that held nothing to verify.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }
    /// How many signature verifications were run (one per attestation and root tried).
    pub fn signature_checks(&self) -> usize {
        self.signature_checks
    }

    /// The accepted digest algorithms an artifact must be hashed with to be compared with every
    /// verified subject (and every artifact signature whose message digest names one), sorted;
    /// SHA-256 alone when nothing names any. Never SHA-1 or MD5.
    pub fn subject_algorithms(&self) -> Vec<Algorithm> {
        if self.algorithms.is_empty() {
            vec![Algorithm::Sha256]
        } else {
            self.algorithms.iter().copied().collect()
        }
    }

    /// Indices of verified attestations with a subject matching the artifact: for hashed
    /// artifacts every accepted algorithm the subject names must agree (a subject
    /// `{sha256: right, sha512: wrong}` is no match); for given digests, every accepted
    /// algorithm both name.
    pub fn covering(&self, artifact: &Artifact) -> Vec<usize> {
        let mut candidates = self.sharing(&artifact.digests);
        candidates.retain(|&i| {
            self.verified.get(i).is_some_and(|att| match &att.body {
                Body::Statement { subjects, .. } => subjects
                    .iter()
                    .any(|s| artifact.compare(&s.digest).is_match()),
                Body::ArtifactSignature(d) => artifact.compare(d).is_match(),
            })
        });
        candidates
    }

    /// Verified attestations with a subject sharing at least one accepted digest value with
    /// `digests` (a superset of what [`VerifiedSet::covering`] keeps).
    fn sharing(&self, digests: &DigestSet) -> Vec<usize> {
        let mut candidates: Vec<usize> = index_keys(digests)
            .flat_map(|key| {
                let start = self.index.partition_point(|(k, _)| *k < key);
                self.index
                    .get(start..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(move |(k, _)| *k == key)
                    .map(|&(_, i)| i as usize)
            })
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// Why nothing covered the artifact, for the failure message. Only the subjects that share
    /// a digest with the artifact are looked at (found through the index).
    fn no_match_reasons(&self, artifact: &Artifact) -> Vec<String> {
        let mut reasons = Vec::new();
        let differ = self
            .sharing(&artifact.digests)
            .into_iter()
            .filter_map(|i| self.verified.get(i))
            .flat_map(|att| match &att.body {
                Body::Statement { subjects, .. } => subjects.iter().map(|s| &s.digest).collect(),
                Body::ArtifactSignature(d) => vec![d],
            })
            .filter(|d| {
                matches!(artifact.compare(d), DigestMatch::Mismatch { .. })
                    && ACCEPTED_ALGORITHMS.iter().any(|a| {
                        d.get_algorithm(*a).is_some()
                            && d.get_algorithm(*a) == artifact.digests.get_algorithm(*a)
                    })
            })
            .count();
        if differ > 0 {
            reasons.push(format!(
                "{differ} subject(s) agree on one digest of this artifact but not on another they list (every accepted digest of a subject must match)"
            ));
        }
        if artifact.computed {
            let missing: Vec<&str> = self
                .algorithms
                .iter()
                .filter(|a| artifact.digests.get_algorithm(**a).is_none())
                .map(|a| a.name())
                .collect();
            if !missing.is_empty() {
                reasons.push(format!(
                    "subject(s) list {} digests this artifact was not hashed with",
                    missing.join(", ")
                ));
            }
        }
        if !self.unusable.is_empty() {
            reasons.push(format!(
                "subject(s) name only digest algorithms that are not accepted ({}): they cannot match",
                self.unusable.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        reasons
    }

    fn add(&mut self, att: VerifiedAttestation) {
        // Attestations are bounded by `Limits::max_attestations`, far below `u32::MAX`.
        let Ok(i) = u32::try_from(self.verified.len()) else {
            return;
        };
        let sets: Vec<&DigestSet> = match &att.body {
            Body::Statement { subjects, .. } => subjects.iter().map(|s| &s.digest).collect(),
            Body::ArtifactSignature(d) => vec![d],
        };
        let start = self.index.len();
        // Whether a subject names an accepted digest a hashed wanted artifact was not hashed
        // with yet (it is hashed again with it after verification: the subject may match).
        let mut unknown = false;
        for d in sets {
            let mut named = false;
            for alg in ACCEPTED_ALGORITHMS {
                if let Some(hex) = d.get_algorithm(alg) {
                    named = true;
                    self.algorithms.insert(alg);
                    self.index.push((fingerprint(alg, hex), i));
                    unknown |= self
                        .wanted
                        .as_ref()
                        .is_some_and(|w| w.hashed && !w.hashed_with.contains(&alg));
                }
            }
            if !named {
                // Only names we do not accept (sha1, md5, sha3_256...): it can match nothing.
                for (name, _) in d.iter() {
                    if self.unusable.len() < 16 {
                        self.unusable.insert(name.chars().take(32).collect());
                    }
                }
            }
        }
        if let Some(wanted) = &self.wanted
            && !unknown
            && !self
                .index
                .get(start..)
                .unwrap_or_default()
                .iter()
                .any(|(k, _)| wanted.keys.contains(k))
        {
            // It can neither cover a wanted artifact nor explain why one is not covered (it
            // shares no digest with any, and names no other algorithm): counted, its claims
            // dropped.
            self.index.truncate(start);
            self.elsewhere += 1;
            return;
        }
        let mut att = att;
        // What it states alike with the attestation kept before it (the same build's
        // dependencies, parameters and source claims) is kept once.
        if let (Body::Statement { facts, .. }, Some(previous)) = (
            &mut att.body,
            self.verified.last().and_then(VerifiedAttestation::facts),
        ) {
            facts.share(previous);
        }
        self.verified.push(att);
    }

    /// A signature over an artifact, checked per artifact by `roots`, against the artifact's
    /// digest in `algorithm` (the bundle's `messageDigest`, as the verifier that parsed the
    /// bundle said; SHA-256 when it has none or names one not accepted).
    fn defer(&mut self, raw: RawAttestation, roots: Vec<usize>, algorithm: Option<Algorithm>) {
        let algorithm = algorithm
            .filter(|a| ACCEPTED_ALGORITHMS.contains(a))
            .unwrap_or(Algorithm::Sha256);
        self.algorithms.insert(algorithm);
        self.deferred.push((raw, roots));
    }

    /// Once every attestation is in: the index sorted for lookups, spare capacity returned.
    fn finish(&mut self) {
        self.index.sort_unstable();
        self.index.dedup();
        self.index.shrink_to_fit();
        self.verified.shrink_to_fit();
    }
}

/// The index keys of a digest set: a fingerprint of each accepted algorithm and its value.
fn index_keys(d: &DigestSet) -> impl Iterator<Item = u64> + '_ {
    ACCEPTED_ALGORITHMS
        .iter()
        .filter_map(|alg| d.get_algorithm(*alg).map(|hex| fingerprint(*alg, hex)))
}

/// The artifacts a [`VerifiedSet`] is verified for (see [`Verification::for_artifacts`]).
#[derive(Debug, Clone, Default)]
struct Wanted {
    /// The fingerprints of their accepted digests.
    keys: std::collections::HashSet<u64>,
    /// Whether one was hashed (its digests computed from its content: it may be hashed again
    /// with more algorithms once the subjects name them).
    hashed: bool,
    /// The accepted algorithms every hashed one was hashed with.
    hashed_with: Vec<Algorithm>,
}

impl Wanted {
    fn new(artifacts: &[Artifact]) -> Self {
        let hashed: Vec<&Artifact> = artifacts.iter().filter(|a| a.computed).collect();
        Self {
            keys: artifacts
                .iter()
                .flat_map(|a| index_keys(&a.digests))
                .collect(),
            hashed: !hashed.is_empty(),
            hashed_with: ACCEPTED_ALGORITHMS
                .into_iter()
                .filter(|alg| {
                    hashed
                        .iter()
                        .all(|a| a.digests.get_algorithm(*alg).is_some())
                })
                .collect(),
        }
    }
}

/// A 64-bit fingerprint of a digest (`SipHash` with fixed keys: the same in one process).
fn fingerprint(algorithm: Algorithm, hex: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::hash::DefaultHasher::new();
    algorithm.name().hash(&mut hasher);
    hex.hash(&mut hasher);
    hasher.finish()
}

/// Where one attestation stands while the roots of trust are tried in turn.
#[derive(Debug)]
enum AttestationState {
    /// No root has verified its signature yet: the next root tries it.
    Open(Refusals),
    /// A root verified its signature but refused what was signed (not an in-toto statement,
    /// a label that disagrees...): no later root tries it.
    Unusable(Refusals),
    /// A root accepted it.
    Verified(VerifiedAttestation),
}

/// Why the roots tried so far refused an attestation, and which of them can only check it
/// against each artifact's digest (a signature over an artifact).
#[derive(Debug, Default)]
#[expect(
    clippy::struct_field_names,
    reason = "`refusals.refusals` reads as what it is: the refusals so far"
)]
struct Refusals {
    refusals: Vec<Refusal>,
    artifact_roots: Vec<usize>,
    /// The message digest's algorithm, as the first root that deferred it read it.
    artifact_algorithm: Option<Algorithm>,
}

/// What one root answered for one attestation.
enum Answer {
    /// No earlier root verified it: the signature check, interpreted.
    First(Interpreted),
    /// An earlier root verified it: who signed, when this root verified it too.
    Also(Option<Signer>),
}

/// What became of an attestation once the roots were tried.
#[derive(Debug)]
enum Settled {
    /// A root accepted it.
    Verified(VerifiedAttestation),
    /// A signature over an artifact: checked per artifact by these roots, with the artifact's
    /// digest in this algorithm (when the bundle names one).
    NeedsArtifact(Vec<usize>, Option<Algorithm>),
    /// No root accepted it: why each refused.
    Rejected(Vec<Refusal>),
}

impl AttestationState {
    fn open() -> Self {
        Self::Open(Refusals::default())
    }

    /// Whether a later root should try it: while no root verified it, or when the root that
    /// did is confined to some builders (another root that also verifies it may sign for the
    /// builder it names; see [`VerifiedAttestation::also_accepted_by`]).
    fn is_open(&self, roots: &[TrustRoot]) -> bool {
        match self {
            Self::Open(_) => true,
            Self::Verified(att) => roots
                .get(att.root_index)
                .is_some_and(|r| !r.builders.is_empty()),
            Self::Unusable(_) => false,
        }
    }

    /// Whether a root already verified it (a later root's answer only adds an acceptance).
    fn is_verified(&self) -> bool {
        matches!(self, Self::Verified(_))
    }

    /// Records that root `index` (named `name`) also verified the signatures of an
    /// attestation an earlier root accepted.
    fn also(&mut self, index: usize, name: &str, signer: Signer) {
        if let Self::Verified(att) = self {
            att.also_accepted_by.push(Acceptance {
                root: name.to_owned(),
                root_index: index,
                signer,
            });
        }
    }

    /// Records what root `index` (named `name`) answered.
    fn record(&mut self, index: usize, name: &str, outcome: Interpreted) {
        let Self::Open(refusals) = self else {
            return;
        };
        match outcome {
            Ok(Ok(att)) => *self = Self::Verified(att),
            Ok(Err(rejection)) => {
                refusals.refusals.push(Refusal {
                    root: name.to_owned(),
                    rejection,
                });
                *self = Self::Unusable(std::mem::take(refusals));
            }
            Err(Rejection::NeedsArtifact { message_digest }) => {
                if refusals.artifact_roots.is_empty() {
                    refusals.artifact_algorithm = message_digest;
                }
                refusals.artifact_roots.push(index);
            }
            Err(rejection) => refusals.refusals.push(Refusal {
                root: name.to_owned(),
                rejection,
            }),
        }
    }

    /// Its outcome once every root was tried.
    fn finish(self) -> Settled {
        match self {
            Self::Verified(att) => Settled::Verified(att),
            Self::Open(r) | Self::Unusable(r) if !r.artifact_roots.is_empty() => {
                Settled::NeedsArtifact(r.artifact_roots, r.artifact_algorithm)
            }
            Self::Open(r) | Self::Unusable(r) => Settled::Rejected(r.refusals),
        }
    }
}

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// Every expectation held.
    Pass,
    /// Something failed (see the failures).
    Fail,
}

/// One verified statement that covered an artifact: what the signer vouched for (verified)
/// kept apart from what the statement merely claims.
#[derive(Debug, Clone, Serialize)]
pub struct TraceEntry {
    /// Verified facts: the attestation, the root that accepted it, the signer.
    pub verified: VerifiedPart,
    /// What the statement claims.
    pub claimed: ClaimedPart,
}

/// The part of a trace entry established by cryptography.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedPart {
    /// File and line of the attestation.
    pub attestation: Origin,
    /// SHA-256 of the attestation bytes.
    pub attestation_digest: DigestSet,
    /// The root of trust that accepted it.
    pub root: String,
    /// Who signed.
    pub signer: Signer,
    /// The builder the signer vouches for (after the delegation rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// The SLSA build level earned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slsa_level: Option<u8>,
}

/// The part of a trace entry that is only claimed by the statement.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimedPart {
    /// `predicateType` (absent for bare artifact signatures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate_type: Option<String>,
    /// The build facts.
    #[serde(flatten)]
    pub facts: Facts,
}

/// The verdict on one artifact.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactReport {
    /// The artifact's name.
    pub name: String,
    /// Its digests.
    pub digests: DigestSet,
    /// Pass or fail.
    pub verdict: Verdict,
    /// Every failed rule.
    pub failures: Vec<RuleFailure>,
    /// The statements that covered it and were judged.
    pub trace: Vec<TraceEntry>,
    /// The SLSA build level earned (the lowest over the statements judged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slsa_level: Option<u8>,
}

impl ArtifactReport {
    /// A one-line reason for a failure.
    pub fn reason(&self) -> String {
        self.failures
            .iter()
            .map(RuleFailure::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The verdicts of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// One per artifact, in the order given.
    pub artifacts: Vec<ArtifactReport>,
    /// Required policy patterns no artifact matched.
    pub unmatched_required_patterns: Vec<String>,
    /// Attestations no root of trust accepted.
    pub rejected: Vec<Rejected>,
    /// Lines skipped as neither envelope nor bundle.
    pub skipped: Vec<Skipped>,
    /// Signature verifications run.
    pub signature_checks: usize,
}

impl Report {
    /// Whether every artifact passed and every required pattern matched.
    pub fn passed(&self) -> bool {
        !self.artifacts.is_empty()
            && self.unmatched_required_patterns.is_empty()
            && self.artifacts.iter().all(|a| a.verdict == Verdict::Pass)
    }
}

/// The verification engine: roots of trust plus expectations, giving per-artifact verdicts.
/// Embedders and the CLI use it through the `provenance` crate's `Verifier`, which puts it
/// together from trust roots given as values.
#[derive(Debug)]
pub struct Engine {
    roots: Vec<TrustRoot>,
    defaults: Option<Expectations>,
    patterns: Vec<PatternEntry>,
    allow_unmatched: bool,
    overrides: Expectations,
    limits: crate::Limits,
    model_limits: provenance_model::Limits,
}

impl Engine {
    /// A verifier with these roots of trust and no expectations beyond the defaults
    /// (SLSA provenance covering the artifact, signed under one of the roots).
    ///
    /// # Errors
    /// [`Error::NoTrust`] when `roots` is empty.
    pub fn new(roots: Vec<TrustRoot>) -> Result<Self> {
        if roots.is_empty() {
            return Err(Error::NoTrust);
        }
        Ok(Self {
            roots,
            defaults: None,
            patterns: Vec::new(),
            allow_unmatched: false,
            overrides: Expectations::default(),
            limits: crate::Limits::DEFAULT,
            model_limits: provenance_model::Limits::default()
                .with_missing_predicate(provenance_model::MissingPredicate::Accept),
        })
    }

    /// Expectations for every artifact: a matching pattern's expectations are laid over them
    /// key by key; an artifact that matches no pattern is judged by them alone, when there are
    /// no patterns or [`Engine::allow_unmatched_artifacts`] is on.
    #[must_use]
    pub fn with_defaults(mut self, defaults: Expectations) -> Self {
        self.defaults = Some(defaults);
        self
    }

    /// Expectations per artifact name pattern (a policy's `[[artifacts]]`). With patterns, an
    /// artifact whose name matches none of them fails, unless
    /// [`Engine::allow_unmatched_artifacts`] says otherwise.
    #[must_use]
    pub fn with_patterns(mut self, patterns: Vec<PatternEntry>) -> Self {
        self.patterns = patterns;
        self
    }

    /// Lets artifacts that match no pattern be judged by the defaults (the policy's
    /// `allow_unmatched_artifacts = true`) instead of failing.
    #[must_use]
    pub fn allow_unmatched_artifacts(mut self, allow: bool) -> Self {
        self.allow_unmatched = allow;
        self
    }

    /// Expectations laid over every applicable set (command-line flags).
    #[must_use]
    pub fn with_overrides(mut self, overrides: Expectations) -> Self {
        self.overrides = overrides;
        self
    }

    /// Input bounds.
    #[must_use]
    pub fn with_limits(mut self, limits: crate::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Statement parsing bounds.
    #[must_use]
    pub fn with_model_limits(mut self, limits: provenance_model::Limits) -> Self {
        self.model_limits = limits;
        self
    }

    /// The input bounds in force.
    pub fn limits(&self) -> &crate::Limits {
        &self.limits
    }

    /// The roots of trust.
    pub fn roots(&self) -> &[TrustRoot] {
        &self.roots
    }

    /// Verifies every attestation once (the first root that accepts it wins), in batches of
    /// [`BATCH`]: what one batch needs (parsed envelopes, payloads, statements) is dropped
    /// before the next, and only what verdicts need is kept of each attestation.
    pub fn verify_attestations(&self, set: &AttestationSet, now: OffsetDateTime) -> VerifiedSet {
        self.verify_set(set, now, None)
    }

    /// As [`Engine::verify_attestations`]; with `artifacts`, only for them (see
    /// [`Verification::for_artifacts`]).
    fn verify_set(
        &self,
        set: &AttestationSet,
        now: OffsetDateTime,
        artifacts: Option<&[Artifact]>,
    ) -> VerifiedSet {
        let mut out = VerifiedSet {
            skipped: set.skipped().to_vec(),
            ..VerifiedSet::default()
        };
        if let Some(artifacts) = artifacts {
            out.wanted = Some(Wanted::new(artifacts));
        }
        for chunk in set.attestations().chunks(BATCH) {
            let batch: Vec<&RawAttestation> = chunk.iter().collect();
            self.verify_batch(&batch, now, &mut out);
        }
        out.finish();
        out
    }

    /// Starts verifying attestations as they are read (at time `now`): files are read line
    /// by line and verified in batches, so neither the files nor their parsed documents are
    /// held, only what verdicts need of each attestation (see [`Verification`]).
    pub fn verification(&self, now: OffsetDateTime) -> Verification<'_> {
        Verification {
            engine: self,
            now,
            pending: Vec::new(),
            pending_bytes: 0,
            count: 0,
            out: VerifiedSet::default(),
            beside: std::collections::HashSet::new(),
        }
    }

    /// Verifies one batch of attestations into `out`, in order: each root checks, in one
    /// call, the attestations no earlier root settled (so Ed25519 keys use batch
    /// verification); the first root that accepts one wins, and when that root is confined to
    /// some builders, later roots that also verify it are recorded beside it.
    fn verify_batch(&self, all: &[&RawAttestation], now: OffsetDateTime, out: &mut VerifiedSet) {
        let mut states: Vec<AttestationState> = std::iter::repeat_with(AttestationState::open)
            .take(all.len())
            .collect();
        for (i, root) in self.roots.iter().enumerate() {
            let pending: Vec<usize> = states
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_open(&self.roots))
                .map(|(k, _)| k)
                .collect();
            if pending.is_empty() {
                break;
            }
            let batch: Vec<&RawAttestation> = pending
                .iter()
                .filter_map(|&k| all.get(k).copied())
                .collect();
            out.signature_checks += batch.len();
            let results = root.verifier.verify_batch(&batch, now);
            // Statements are parsed in parallel: after the signatures, parsing dominates.
            // An attestation an earlier root verified is not interpreted again: the same
            // bytes were signed; only who signed, as this root sees it, is kept.
            let interpreted: Vec<(usize, Answer)> = pending
                .par_iter()
                .zip(batch.par_iter())
                .zip(results.into_par_iter())
                .map(|((&k, raw), result)| {
                    let answer = if states.get(k).is_some_and(AttestationState::is_verified) {
                        Answer::Also(result.ok().map(|signed| signed.signer))
                    } else {
                        Answer::First(result.map(|signed| {
                            interpret(raw, (i, &root.name), signed, &self.model_limits)
                        }))
                    };
                    (k, answer)
                })
                .collect();
            for (k, answer) in interpreted {
                if let Some(state) = states.get_mut(k) {
                    match answer {
                        Answer::First(outcome) => state.record(i, &root.name, outcome),
                        Answer::Also(Some(signer)) => state.also(i, &root.name, signer),
                        Answer::Also(None) => {}
                    }
                }
            }
        }
        for (raw, state) in all.iter().zip(states) {
            match state.finish() {
                Settled::Verified(att) => out.add(att),
                Settled::NeedsArtifact(roots, algorithm) => {
                    out.defer((*raw).clone(), roots, algorithm);
                }
                Settled::Rejected(refusals) => out.rejected.push(Rejected {
                    origin: raw.origin().clone(),
                    reason: refusals
                        .iter()
                        .map(|r| format!("{}: {}", r.root, r.rejection))
                        .collect::<Vec<_>>()
                        .join("; "),
                    refusals,
                }),
            }
        }
    }

    /// The expectation sets that apply to an artifact (each matching pattern's expectations laid
    /// over the defaults, flags laid over each), or a policy
    /// failure when the policy lists patterns and none matches the artifact's name (unless
    /// unmatched artifacts are allowed), or none matches and there are no defaults.
    fn applicable(
        &self,
        artifact: &Artifact,
        with_overrides: bool,
    ) -> std::result::Result<Vec<Expectations>, RuleFailure> {
        let empty = Expectations::default();
        let overrides = if with_overrides {
            &self.overrides
        } else {
            &empty
        };
        let name = artifact.policy_name();
        let matched: Vec<Expectations> = self
            .patterns
            .iter()
            .filter(|p| name.is_some_and(|n| p.pattern.matches(n)))
            .map(|p| {
                // An entry inherits `[defaults]` and overrides it key by key.
                self.defaults
                    .clone()
                    .unwrap_or_default()
                    .overlay(&p.expectations)
                    .overlay(overrides)
            })
            .collect();
        if !matched.is_empty() {
            return Ok(matched);
        }
        if !self.patterns.is_empty() && !self.allow_unmatched {
            // At most eight patterns are listed: the line stays readable for large policies.
            let mut patterns: Vec<String> = self
                .patterns
                .iter()
                .take(8)
                .map(|p| p.pattern.as_str().to_owned())
                .collect();
            if self.patterns.len() > 8 {
                patterns.push(format!("{} more", self.patterns.len() - 8));
            }
            let found = match name {
                Some(n) => format!("the name {n} matches none of them"),
                None => {
                    "an artifact without a name (a bare digest) matches none of them".to_owned()
                }
            };
            return Err(RuleFailure::new(
                Rule::Policy,
                format!(
                    "the policy's [[artifacts]] patterns ({}) to cover this artifact, or allow_unmatched_artifacts = true in the policy",
                    patterns.join(", ")
                ),
                Some(found),
            ));
        }
        match (&self.defaults, self.patterns.is_empty()) {
            (Some(d), _) => Ok(vec![d.clone().overlay(overrides)]),
            (None, true) => Ok(vec![overrides.clone()]),
            (None, false) => Err(RuleFailure::new(
                Rule::Policy,
                "an [[artifacts]] pattern or [defaults] of the policy covering this artifact",
                Some(name.map_or_else(|| "an artifact without a name".to_owned(), str::to_owned)),
            )),
        }
    }

    /// Judges every artifact against the verified attestations.
    ///
    /// # Errors
    /// [`Error::NoArtifacts`] when `artifacts` is empty.
    pub fn evaluate(
        &self,
        artifacts: &[Artifact],
        set: &VerifiedSet,
        now: OffsetDateTime,
    ) -> Result<Report> {
        if artifacts.is_empty() {
            return Err(Error::NoArtifacts);
        }
        let reports = artifacts
            .iter()
            .map(|a| self.judge(a, set, now, true))
            .collect();
        let unmatched_required_patterns = self
            .patterns
            .iter()
            .filter(|p| {
                p.required
                    && !artifacts
                        .iter()
                        .any(|a| a.policy_name().is_some_and(|n| p.pattern.matches(n)))
            })
            .map(|p| p.pattern.as_str().to_owned())
            .collect();
        Ok(Report {
            artifacts: reports,
            unmatched_required_patterns,
            rejected: set.rejected.clone(),
            skipped: set.skipped.clone(),
            signature_checks: set.signature_checks,
        })
    }

    /// Verifies the attestations, then judges the artifacts.
    ///
    /// # Errors
    /// [`Error::NoArtifacts`] when `artifacts` is empty.
    pub fn verify(
        &self,
        artifacts: &[Artifact],
        attestations: &AttestationSet,
        now: OffsetDateTime,
    ) -> Result<Report> {
        if artifacts.is_empty() {
            return Err(Error::NoArtifacts);
        }
        let set = self.verify_set(attestations, now, Some(artifacts));
        self.evaluate(artifacts, &set, now)
    }

    /// Judges one artifact with every expectation that applies to it (flags included).
    pub fn judge_artifact(
        &self,
        artifact: &Artifact,
        set: &VerifiedSet,
        now: OffsetDateTime,
    ) -> ArtifactReport {
        self.judge(artifact, set, now, true)
    }

    /// Judges a dependency reached by `trace`: the policy's expectations for its name apply,
    /// the command-line expectations (which describe the top artifact) do not.
    pub fn judge_dependency(
        &self,
        artifact: &Artifact,
        set: &VerifiedSet,
        now: OffsetDateTime,
    ) -> ArtifactReport {
        self.judge(artifact, set, now, false)
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one linear pass over the rules, clearer in one place"
    )]
    fn judge(
        &self,
        artifact: &Artifact,
        set: &VerifiedSet,
        now: OffsetDateTime,
        with_overrides: bool,
    ) -> ArtifactReport {
        let mut report = ArtifactReport {
            name: artifact.name.clone(),
            digests: artifact.digests.clone(),
            verdict: Verdict::Fail,
            failures: Vec::new(),
            trace: Vec::new(),
            slsa_level: None,
        };
        if !set.can_judge(artifact) {
            report.failures.push(RuleFailure::new(
                Rule::Subject,
                "attestations verified for this artifact",
                Some(
                    "they were verified for other artifacts only (see Verification::for_artifacts)"
                        .to_owned(),
                ),
            ));
            return report;
        }
        let sets = match self.applicable(artifact, with_overrides) {
            Ok(sets) => sets,
            Err(f) => {
                report.failures.push(f);
                return report;
            }
        };
        let mut covering: Vec<std::borrow::Cow<'_, VerifiedAttestation>> = set
            .covering(artifact)
            .into_iter()
            .filter_map(|i| set.verified.get(i))
            .map(std::borrow::Cow::Borrowed)
            .collect();
        // Why each signature over an artifact did not verify for this one (the last root's
        // reason): a wrong identity reads as such, not as "does not verify".
        let mut deferred_why = Vec::new();
        // The first refusal that says who did not sign (bad signature, unknown key, identity,
        // log entry...), with where it was read: the headline's cause.
        let mut cause: Option<(Rule, String, Origin)> = None;
        for (raw, roots) in &set.deferred {
            let mut why = None;
            let mut why_cause = None;
            for &i in roots {
                let Some(root) = self.roots.get(i) else {
                    continue;
                };
                match root.verifier.verify_artifact(raw, &artifact.digests, now) {
                    Ok(signed) => match interpret(raw, (i, &root.name), signed, &self.model_limits)
                    {
                        Ok(att) => {
                            covering.push(std::borrow::Cow::Owned(att));
                            why = None;
                            why_cause = None;
                            break;
                        }
                        Err(e) => why = Some(format!("{}: {}: {e}", raw.origin(), root.name)),
                    },
                    Err(e) => {
                        why = Some(format!("{}: {}: {e}", raw.origin(), root.name));
                        why_cause = e.cause().map(|rule| (rule, e.to_string()));
                    }
                }
            }
            deferred_why.extend(why);
            if cause.is_none()
                && let Some((rule, text)) = why_cause
            {
                cause = Some((rule, text, raw.origin().clone()));
            }
        }
        if cause.is_none() {
            cause = set
                .rejected
                .iter()
                .filter(|x| !beside_another(artifact, &x.origin))
                .find_map(|x| {
                    x.refusals.iter().find_map(|r| {
                        r.rejection
                            .cause()
                            .map(|rule| (rule, r.rejection.to_string(), x.origin.clone()))
                    })
                });
        }
        if covering.is_empty() {
            let usable = ACCEPTED_ALGORITHMS
                .iter()
                .any(|a| artifact.digests.get_algorithm(*a).is_some());
            let expected = if usable {
                "a verified attestation whose subject has this artifact's digest".to_owned()
            } else {
                "a digest in sha256, sha384 or sha512 (other algorithms are not accepted)"
                    .to_owned()
            };
            let (v, d, r) = (set.verified_count(), set.deferred.len(), set.rejected.len());
            // Why the unverified ones were refused (the first few): an identity constraint on
            // a certificate fact, a bad signature... is what the user acts on.
            let reasons: Vec<String> = deferred_why
                .into_iter()
                .chain(
                    set.rejected
                        .iter()
                        .map(|x| format!("{}: {}", x.origin, x.reason)),
                )
                .collect();
            let first: Vec<&str> = reasons.iter().take(3).map(String::as_str).collect();
            let why = match reasons.len() {
                0 => String::new(),
                1..=3 => format!(" ({})", first.join("; ")),
                _ => format!(" ({}; ...)", first.join("; ")),
            };
            let mut actual = match (v, d, r) {
                (0, 0, 0) => "no attestation".to_owned(),
                (v, 0, r) => format!(
                    "{v} verified attestation(s) name other subjects; {r} could not be verified{why}"
                ),
                (v, d, r) => format!(
                    "{v} verified attestation(s) name other subjects; {d} signature(s) over an artifact do not verify for this one; {r} could not be verified{why}"
                ),
            };
            for reason in set.no_match_reasons(artifact) {
                actual.push_str("; ");
                actual.push_str(&reason);
            }
            // A refusal that says who did not sign is the cause, named by its own rule (and
            // file and line) rather than as a subject that matched nothing.
            let failure = match cause {
                Some((rule, text, origin)) if usable => {
                    let found = if reasons.len() == 1 && v == 0 {
                        format!("{text} ({origin})")
                    } else {
                        format!("{text} ({origin}); {actual}")
                    };
                    let mut failure = RuleFailure::new(rule, expected, Some(found));
                    failure.attestation = Some(origin);
                    failure
                }
                _ => RuleFailure::new(Rule::Subject, expected, Some(actual)),
            };
            report.failures.push(failure);
            return report;
        }
        let mut levels = Vec::new();
        let mut traced = std::collections::HashSet::new();
        for exp in &sets {
            let accepted = exp.accepted_predicate_types();
            let of_type: Vec<&VerifiedAttestation> = covering
                .iter()
                .map(AsRef::as_ref)
                .filter(|att| match att.predicate_type() {
                    Some(t) => accepted.contains(&t),
                    None => exp.accepts_artifact_signature(),
                })
                .collect();
            if of_type.is_empty() {
                let mut seen: Vec<String> = covering
                    .iter()
                    .map(|a| {
                        a.predicate_type()
                            .unwrap_or("(artifact signature)")
                            .to_owned()
                    })
                    .collect();
                seen.sort();
                seen.dedup();
                report.failures.push(RuleFailure::new(
                    Rule::PredicateType,
                    accepted.join(" or "),
                    Some(seen.join(", ")),
                ));
                continue;
            }
            // Every statement of the expected type that covers the artifact must satisfy the
            // expectations: conflicting provenance is a failure, not a choice.
            for covering in of_type {
                let Some((judged, checked)) = self.check_attestation(exp, covering, now) else {
                    continue;
                };
                let att = judged.as_ref();
                levels.push(checked.level);
                report.failures.extend(checked.failures);
                if traced.insert(&covering.origin) {
                    report.trace.push(TraceEntry {
                        verified: VerifiedPart {
                            attestation: att.origin.clone(),
                            attestation_digest: att.digest.clone(),
                            root: att.root.clone(),
                            signer: att.signer.clone(),
                            builder_id: checked.builder,
                            slsa_level: checked.level,
                        },
                        claimed: ClaimedPart {
                            predicate_type: att.predicate_type().map(str::to_owned),
                            facts: att.facts().cloned().unwrap_or_default(),
                        },
                    });
                }
            }
        }
        report.slsa_level = if levels.is_empty() || levels.iter().any(Option::is_none) {
            None
        } else {
            levels.iter().flatten().min().copied()
        };
        if report.failures.is_empty() && !report.trace.is_empty() {
            report.verdict = Verdict::Pass;
        }
        report
    }
}

impl Engine {
    /// Checks one verified attestation against one set of expectations, under the root of
    /// trust that accepted it. When that root may not sign for the builder, each other root
    /// that also verified the signatures is tried in turn ([`Rule::TrustedBuilder`] passes
    /// when any root whose signature requirements the envelope meets may sign for the
    /// builder): the first such root is the one the attestation is judged under. When none
    /// may, the failure names every root that verified it.
    fn check_attestation<'a>(
        &self,
        exp: &Expectations,
        att: &'a VerifiedAttestation,
        now: OffsetDateTime,
    ) -> Option<(std::borrow::Cow<'a, VerifiedAttestation>, expect::Checked)> {
        let check = |att: &VerifiedAttestation| {
            let root = self.roots.get(att.root_index)?;
            let grant = expect::RootGrant {
                builders: &root.builders,
                slsa_level: root.slsa_level,
                keyless: root.keyless || expect::is_keyless(&att.signer),
                names_signer: root.names_signer,
            };
            Some((expect::check(exp, att, grant, now), grant))
        };
        let (mut checked, grant) = check(att)?;
        let vetoed =
            |c: &expect::Checked| c.failures.iter().any(|f| f.rule == Rule::TrustedBuilder);
        if att.also_accepted_by.is_empty() || !vetoed(&checked) {
            return Some((std::borrow::Cow::Borrowed(att), checked));
        }
        let mut refused = vec![(att.root.clone(), grant.describe_builders())];
        for other in &att.also_accepted_by {
            let alternative = att.as_accepted_by(other);
            let Some((alt_checked, alt_grant)) = check(&alternative) else {
                continue;
            };
            if !vetoed(&alt_checked) {
                return Some((std::borrow::Cow::Owned(alternative), alt_checked));
            }
            refused.push((other.root.clone(), alt_grant.describe_builders()));
        }
        // No root that verified it may sign for the builder: one failure naming them all.
        let expected = expect::trusted_builder_expected_of_roots(att, &refused);
        for f in &mut checked.failures {
            if f.rule == Rule::TrustedBuilder {
                f.expected.clone_from(&expected);
            }
        }
        Some((std::borrow::Cow::Borrowed(att), checked))
    }
}

/// Attestations verified in batches of this many: what a batch needs while it is verified
/// (the attestations' bytes, parsed envelopes, payloads, statements) is held for this many at
/// a time, whatever the number of attestations.
pub const BATCH: usize = 256;

/// A [`Verification`] also verifies its pending attestations once they hold this many bytes.
const BATCH_BYTES: usize = 8 << 20;

/// Verification of attestations as they are read: from files (line by line, each line bounded
/// by [`crate::Limits`]), bytes in memory or single attestations, verified in batches of
/// [`BATCH`]. Of each attestation only what verdicts need is kept (where it was read, who
/// signed, its SHA-256, its subjects and claimed facts); its bytes, payload and parsed
/// statement are dropped with its batch. [`Verification::finish`] gives the same
/// [`VerifiedSet`] as [`Engine::verify_attestations`] over the same attestations.
///
/// Made by [`Engine::verification`]; the engine's limits bound what is read.
#[derive(Debug)]
#[must_use = "nothing is verified until `finish`"]
pub struct Verification<'e> {
    engine: &'e Engine,
    now: OffsetDateTime,
    pending: Vec<RawAttestation>,
    pending_bytes: usize,
    count: usize,
    out: VerifiedSet,
    /// The files read beside artifacts (canonical paths), each read once.
    beside: std::collections::HashSet<std::path::PathBuf>,
}

impl Verification<'_> {
    /// Reads and verifies every attestation of a file (JSON Lines, or one JSON document), or
    /// of the attestation files of a directory.
    ///
    /// # Errors
    /// I/O errors and exceeded [`crate::Limits`]; malformed or unrecognised lines are not
    /// errors, they are recorded in [`VerifiedSet::skipped`].
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let limits = self.engine.limits;
        self.read_file(path, &limits)
    }

    /// Reads and verifies attestations from bytes already in memory (standard input, a
    /// download), named `name` in reports: JSON Lines, or one JSON document.
    ///
    /// # Errors
    /// Exceeded [`crate::Limits`].
    pub fn add_bytes(&mut self, name: &Path, bytes: &[u8]) -> Result<()> {
        let limits = self.engine.limits;
        self.read_bytes(name, bytes, &limits)
    }

    /// Reads and verifies every attestation file of a directory (not recursive), in name
    /// order (see [`AttestationSet::add_dir`]).
    ///
    /// # Errors
    /// I/O errors and exceeded [`crate::Limits`].
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let limits = self.engine.limits;
        self.read_dir(dir, &limits)
    }

    /// Reads and verifies the attestations beside an artifact: `ARTIFACT.intoto.jsonl` and
    /// `ARTIFACT.sigstore.json`. Returns how many files were read: a file already read beside
    /// another spelling of the same artifact (same canonical path) is not read again.
    ///
    /// # Errors
    /// I/O errors and exceeded [`crate::Limits`].
    pub fn add_beside(&mut self, artifact: &Path) -> Result<usize> {
        let limits = self.engine.limits;
        self.read_beside(artifact, &limits)
    }

    /// Verifies one attestation held in memory (with its batch).
    ///
    /// # Errors
    /// [`Error::TooManyAttestations`] beyond the limit.
    pub fn push(&mut self, attestation: RawAttestation) -> Result<()> {
        let limits = self.engine.limits;
        self.attestation(attestation, &limits)
    }

    /// Verifies the attestations of a set, which also gives its skipped lines.
    ///
    /// # Errors
    /// [`Error::TooManyAttestations`] beyond the limit.
    pub fn add_set(&mut self, set: AttestationSet) -> Result<()> {
        let (attestations, skipped) = set.into_parts();
        self.out.skipped.extend(skipped);
        for attestation in attestations {
            self.push(attestation)?;
        }
        Ok(())
    }

    /// Verifies for these artifacts only, known before verification (digests given, images,
    /// files hashed with SHA-256): of a verified attestation none of whose subjects shares an
    /// accepted digest with one of them, nothing is kept but the count and its subjects'
    /// algorithms, since it can neither cover one nor explain why one is not covered. A
    /// subject naming an accepted algorithm a hashed artifact was not hashed with is kept:
    /// the artifact is to be hashed again with [`VerifiedSet::subject_algorithms`] (an
    /// artifact sharing one digest with one of these is taken as the same). The set then
    /// judges these artifacts exactly as without this call, and refuses (fails) any other.
    /// Without it, every verified attestation is kept, as `trace` needs.
    pub fn for_artifacts(mut self, artifacts: &[Artifact]) -> Self {
        self.out.wanted = Some(Wanted::new(artifacts));
        self
    }

    /// How many attestations were taken so far.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no attestation was taken yet.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Verifies what is still pending and gives the outcome.
    pub fn finish(mut self) -> VerifiedSet {
        self.flush();
        self.out.finish();
        self.out
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        if pending.is_empty() {
            return;
        }
        let batch: Vec<&RawAttestation> = pending.iter().collect();
        self.engine.verify_batch(&batch, self.now, &mut self.out);
    }
}

impl Sink for Verification<'_> {
    fn attestation(&mut self, attestation: RawAttestation, limits: &crate::Limits) -> Result<()> {
        if self.count >= limits.max_attestations() {
            return Err(Error::TooManyAttestations {
                max: limits.max_attestations(),
            });
        }
        self.count += 1;
        self.pending_bytes = self.pending_bytes.saturating_add(attestation.bytes().len());
        self.pending.push(attestation);
        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES {
            self.flush();
        }
        Ok(())
    }

    fn skip(&mut self, skipped: Skipped) {
        self.out.skipped.push(skipped);
    }

    fn first_beside(&mut self, canonical: std::path::PathBuf) -> bool {
        self.beside.insert(canonical)
    }
}

/// Counts of a report, for summaries.
pub fn summary(report: &Report) -> BTreeMap<&'static str, usize> {
    let passed = report
        .artifacts
        .iter()
        .filter(|a| a.verdict == Verdict::Pass)
        .count();
    BTreeMap::from([
        ("passed", passed),
        ("failed", report.artifacts.len() - passed),
    ])
}

#[cfg(test)]
mod state_tests {
    #![allow(clippy::panic)]

    use super::{AttestationState, Refusal, Rejection, Settled};

    fn refusal(root: &str, rejection: Rejection) -> Refusal {
        Refusal {
            root: root.to_owned(),
            rejection,
        }
    }

    #[test]
    fn refused_by_one_root_and_deferred_by_another_is_checked_per_artifact() {
        let mut state = AttestationState::open();
        state.record(0, "a", Err(Rejection::Unsupported("x".to_owned())));
        assert!(state.is_open(&[]));
        state.record(1, "b", Err(Rejection::needs_artifact()));
        assert!(state.is_open(&[]));
        match state.finish() {
            Settled::NeedsArtifact(roots, None) => assert_eq!(roots, [1]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refused_by_every_root_is_rejected_with_each_reason_in_order() {
        let mut state = AttestationState::open();
        state.record(0, "a", Err(Rejection::Unsupported("x".to_owned())));
        state.record(
            1,
            "b",
            Err(Rejection::ThresholdNotMet {
                required: 1,
                verified: 0,
            }),
        );
        match state.finish() {
            Settled::Rejected(all) => assert_eq!(
                all,
                [
                    refusal("a", Rejection::Unsupported("x".to_owned())),
                    refusal(
                        "b",
                        Rejection::ThresholdNotMet {
                            required: 1,
                            verified: 0
                        }
                    )
                ]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn verified_signature_over_no_statement_settles_it() {
        let mut state = AttestationState::open();
        state.record(0, "a", Ok(Err(Rejection::NotAStatement("y".to_owned()))));
        assert!(!state.is_open(&[]), "a later root must not try it");
        // (a later answer is ignored)
        state.record(1, "b", Err(Rejection::needs_artifact()));
        match state.finish() {
            Settled::Rejected(all) => {
                assert_eq!(
                    all,
                    [refusal("a", Rejection::NotAStatement("y".to_owned()))]
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
