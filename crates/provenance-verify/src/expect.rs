//! Expectations: what an artifact's provenance must say, all checked on the same statement.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::error::Error;
use crate::facts::Facts;
use crate::rules::{
    BuilderId, BuilderRule, RefExpectation, SourceRepo, is_default_trusted_builder,
    is_trusted_delegator,
};
use crate::verified::{Body, CertFact, Signer, VerifiedAttestation};
use provenance_model::{
    SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02, Timestamp, VSA_V1, VerificationResult,
    VerificationSummary,
};

/// The rule a failure is about (machine-readable in JSON as kebab-case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// At least one verified attestation must name the artifact's digest as a subject.
    Subject,
    /// The statement's `predicateType` must be one of those expected.
    PredicateType,
    /// The builder must be the one expected.
    BuilderId,
    /// The root of trust that signed must be allowed to sign for this builder.
    TrustedBuilder,
    /// `buildType` must equal the one expected.
    BuildType,
    /// The source repository must equal the one expected.
    SourceRepository,
    /// The source ref (tag, branch) must be the one expected.
    SourceRef,
    /// The source commit must equal the one expected.
    SourceCommit,
    /// What the statement claims about its source (repository, ref, commit) must agree with
    /// what the keyless signer's certificate states (Fulcio extensions).
    CertificateAgreement,
    /// `externalParameters` must hold the values expected.
    ExternalParameters,
    /// The build must be recent enough.
    Age,
    /// The claimed build times (`startedOn`, `finishedOn`) must not lie in the future nor
    /// after the verified signing time (each beyond [`CLOCK_SKEW`]).
    BuildTime,
    /// The SLSA build level earned must be high enough.
    SlsaLevel,
    /// A verification summary must say `PASSED`.
    VerificationResult,
    /// A verification summary's `resourceUri` must be the one expected.
    ResourceUri,
    /// The policy must cover the artifact.
    Policy,
    /// Nothing verified covers the artifact because a signature did not verify: a bad
    /// signature by a trusted key, or signed by no trusted key.
    Signature,
    /// Nothing verified covers the artifact because a signing certificate's identity (SAN,
    /// issuer, extensions) does not satisfy the identity policy.
    Identity,
    /// Nothing verified covers the artifact because a transparency log entry does not verify
    /// (or cannot be checked offline).
    TransparencyLog,
    /// Nothing verified covers the artifact because a signing certificate does not chain to a
    /// trusted CA or was not valid at the signing time.
    Certificate,
    /// Nothing verified covers the artifact because a timestamp does not verify.
    Timestamp,
}

impl Rule {
    /// Whether the rule says why an attestation was refused (its `actual` is that reason, with
    /// the attestation's file and line), rather than comparing an expectation with a claim.
    pub fn is_refusal(self) -> bool {
        matches!(
            self,
            Self::Signature
                | Self::Identity
                | Self::TransparencyLog
                | Self::Certificate
                | Self::Timestamp
        )
    }
}

/// One failed rule, with what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleFailure {
    /// The rule.
    pub rule: Rule,
    /// What was expected.
    pub expected: String,
    /// What the statement says (absent when the field is missing).
    pub actual: Option<String>,
    /// The attestation the rule was checked on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<crate::source::Origin>,
}

impl RuleFailure {
    pub(crate) fn new(rule: Rule, expected: impl Into<String>, actual: Option<String>) -> Self {
        Self {
            rule,
            expected: expected.into(),
            actual,
            attestation: None,
        }
    }

    /// One line: `rule: expected X, found Y`.
    pub fn describe(&self) -> String {
        let rule = serde_json::to_value(self.rule)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        match &self.actual {
            Some(actual) if self.rule.is_refusal() => format!("{rule}: {actual}"),
            Some(actual) => format!("{rule}: expected {}, found {actual}", self.expected),
            None => format!(
                "{rule}: expected {}, but the statement has no such field",
                self.expected
            ),
        }
    }
}

/// What an artifact's provenance must satisfy. Every field is optional; what is set must hold
/// on one and the same statement, and a set expectation whose field is absent fails.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Expectations {
    /// Accepted predicate types; empty means SLSA Provenance v1 or v0.2.
    pub predicate_types: Vec<String>,
    /// The builder (for a VSA: its `verifier.id`).
    pub builder: Option<BuilderRule>,
    /// `buildType`, exactly.
    pub build_type: Option<String>,
    /// The source repository (normalised, compared exactly).
    pub source_repository: Option<SourceRepo>,
    /// The source ref.
    pub source_ref: Option<RefExpectation>,
    /// The source commit (full hex, compared case-insensitively).
    pub source_commit: Option<String>,
    /// `externalParameters` keys and their exact JSON values. A key is a dotted path
    /// (`workflow.ref` is `ref` inside the object `workflow`), as `attest` writes it; numbers
    /// are compared exactly (a float beyond 2^53 equals nothing).
    pub external_parameters: BTreeMap<String, Value>,
    /// Refuse `externalParameters` keys not listed in `external_parameters`.
    pub reject_unknown_external_parameters: bool,
    /// The attestation must have been made at most this long before verification: measured
    /// from the verified signing time (transparency log integration or RFC 3161 timestamp)
    /// when there is one, else from the claimed `finishedOn` (or `startedOn`).
    pub max_age: Option<Duration>,
    /// The minimum SLSA build level: the root of trust's level; for a VSA the lower of its
    /// `verifiedLevels` and its root's level (a root with no level earns none). `Some(0)`
    /// ("no SLSA guarantee") is met by any statement, and is no expectation on its own.
    pub min_slsa_level: Option<u8>,
    /// For a VSA: its `resourceUri`, exactly (provenance and artifact signatures have no such
    /// field and are not checked against it, so it alone does not count as an expectation).
    pub resource_uri: Option<String>,
}

impl Expectations {
    /// Overlays `other` on `self`: every field set in `other` replaces this one; parameters
    /// are merged key by key.
    #[must_use]
    pub fn overlay(mut self, other: &Self) -> Self {
        if !other.predicate_types.is_empty() {
            self.predicate_types.clone_from(&other.predicate_types);
        }
        macro_rules! take {
            ($($f:ident),*) => {$( if other.$f.is_some() { self.$f.clone_from(&other.$f); } )*};
        }
        take!(
            builder,
            build_type,
            source_repository,
            source_ref,
            source_commit,
            max_age,
            min_slsa_level,
            resource_uri
        );
        for (k, v) in &other.external_parameters {
            self.external_parameters.insert(k.clone(), v.clone());
        }
        self.reject_unknown_external_parameters |= other.reject_unknown_external_parameters;
        self
    }

    /// The predicate types accepted.
    pub fn accepted_predicate_types(&self) -> Vec<&str> {
        if self.predicate_types.is_empty() {
            vec![SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02]
        } else {
            self.predicate_types.iter().map(String::as_str).collect()
        }
    }

    /// Whether any expectation beyond the predicate type is set (builder, build, source,
    /// parameters, age or level). With none, any signed statement of an accepted type passes.
    pub fn sets_any_expectation(&self) -> bool {
        self.builder.is_some()
            || self.constrains_build()
            || self.max_age.is_some()
            || self.min_slsa_level.is_some_and(|l| l > 0)
    }

    /// Whether any expectation about the build itself is set (beyond the predicate type).
    fn constrains_build(&self) -> bool {
        self.build_type.is_some()
            || self.source_repository.is_some()
            || self.source_ref.is_some()
            || self.source_commit.is_some()
            || !self.external_parameters.is_empty()
            || self.reject_unknown_external_parameters
    }

    /// Whether these expectations accept a bare artifact signature (no statement): only when
    /// no predicate type was asked for and nothing about the build is expected.
    pub(crate) fn accepts_artifact_signature(&self) -> bool {
        self.predicate_types.is_empty() && !self.sets_any_expectation()
    }
}

/// What the root of trust that verified a statement allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RootGrant<'a> {
    /// Builders this root may sign for (empty: any, see the keyless rule).
    pub builders: &'a [BuilderRule],
    /// The SLSA build level statements from this root earn.
    pub slsa_level: Option<u8>,
    /// Whether the root is keyless (certificate identities).
    pub keyless: bool,
    /// Whether the root's identity constrains the certificate's source or signer facts (GitHub
    /// `--repo` / `--owner` / `--signer-workflow` / `--signer-repo`): the workflows it accepts
    /// are named by the user, as `gh attestation verify` takes them.
    pub names_signer: bool,
}

impl RootGrant<'_> {
    /// The builders the root may sign for, as reports list them.
    pub(crate) fn describe_builders(&self) -> String {
        if self.builders.is_empty() {
            return "any builder".to_owned();
        }
        self.builders
            .iter()
            .map(BuilderRule::describe)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What [`Rule::TrustedBuilder`] expected of an attestation that several roots of trust
/// verified, none of which may sign for its builder: `roots` are each root's name and the
/// builders it may sign for.
pub(crate) fn trusted_builder_expected_of_roots(
    att: &VerifiedAttestation,
    roots: &[(String, String)],
) -> String {
    let names_builder = att
        .predicate_type()
        .is_some_and(|t| t == SLSA_PROVENANCE_V1 || t == SLSA_PROVENANCE_V02 || t == VSA_V1);
    if names_builder {
        let roots = roots
            .iter()
            .map(|(name, builders)| format!("{name:?} ({builders})"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("a builder one of the roots that verified the signatures may sign for: {roots}")
    } else {
        let roots = roots
            .iter()
            .map(|(name, _)| format!("{name:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "SLSA provenance or a VSA (the roots that verified the signatures, {roots}, are \
             confined to builders)"
        )
    }
}

/// The outcome of checking one statement.
pub(crate) struct Checked {
    pub failures: Vec<RuleFailure>,
    pub level: Option<u8>,
    pub builder: Option<String>,
}

/// One rule checked on one statement: pushes a failure per broken expectation.
type Check = fn(&Context<'_>, &mut Vec<RuleFailure>);

/// The rules of a statement, all of which must hold, in the order reports list them.
const STATEMENT_RULES: [Check; 13] = [
    trusted_builder,
    builder_id,
    build_type,
    source_repository,
    source_ref,
    source_commit,
    certificate_agreement,
    external_parameters,
    build_time,
    age,
    verification_result,
    resource_uri,
    slsa_level,
];

/// One rule checked on a bare artifact signature (no statement).
type SignatureCheck = fn(&SignatureContext<'_>, &mut Vec<RuleFailure>);

/// The rules of a bare artifact signature, all of which must hold, in report order.
const SIGNATURE_RULES: [SignatureCheck; 2] = [signature_predicate_type, signature_trusted_builder];

/// Checks every expectation on one verified attestation (its predicate type already
/// accepted): the rules of [`STATEMENT_RULES`] for a statement, of [`SIGNATURE_RULES`] for a
/// bare artifact signature.
pub(crate) fn check(
    exp: &Expectations,
    att: &VerifiedAttestation,
    grant: RootGrant<'_>,
    now: OffsetDateTime,
) -> Checked {
    let mut failures = Vec::new();
    let (level, builder) = if let Some(ctx) = Context::new(exp, att, grant, now) {
        for rule in STATEMENT_RULES {
            rule(&ctx, &mut failures);
        }
        (ctx.level, ctx.builder.effective.map(|b| b.to_string()))
    } else {
        let ctx = SignatureContext { exp, att, grant };
        for rule in SIGNATURE_RULES {
            rule(&ctx, &mut failures);
        }
        (ctx.level(), None)
    };
    for f in &mut failures {
        f.attestation = Some(att.origin.clone());
    }
    Checked {
        failures,
        level,
        builder,
    }
}

/// What a bare artifact signature's rules look at.
struct SignatureContext<'a> {
    exp: &'a Expectations,
    att: &'a VerifiedAttestation,
    grant: RootGrant<'a>,
}

impl SignatureContext<'_> {
    /// The root's level, unless the root is confined to builders (a signature names none).
    fn level(&self) -> Option<u8> {
        self.grant
            .slsa_level
            .filter(|_| self.grant.builders.is_empty())
    }
}

const NO_STATEMENT: &str = "a signature over the artifact, with no statement";

/// [`Rule::PredicateType`]: a bare artifact signature is acceptable only when nothing else
/// was asked. GitHub's constraints (repo, owner, signer) ask for provenance, as gh's default
/// predicate type does: a blob signature from the repository's workflow says nothing of its
/// source.
fn signature_predicate_type(ctx: &SignatureContext<'_>, failures: &mut Vec<RuleFailure>) {
    if !ctx.exp.accepts_artifact_signature() || ctx.grant.names_signer {
        failures.push(RuleFailure::new(
            Rule::PredicateType,
            ctx.exp.accepted_predicate_types().join(" or "),
            Some(NO_STATEMENT.to_owned()),
        ));
    }
}

/// [`Rule::TrustedBuilder`]: a bare artifact signature names no builder, so it cannot satisfy
/// a root confined to some builders.
fn signature_trusted_builder(ctx: &SignatureContext<'_>, failures: &mut Vec<RuleFailure>) {
    if !ctx.grant.builders.is_empty() {
        failures.push(RuleFailure::new(
            Rule::TrustedBuilder,
            format!(
                "SLSA provenance from a builder root {:?} may sign for",
                ctx.att.root
            ),
            Some(NO_STATEMENT.to_owned()),
        ));
    }
}

/// The kind of statement, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatementKind {
    /// SLSA provenance (v1 or v0.2).
    Provenance,
    /// A verification summary.
    Vsa,
    /// Any other predicate.
    Other,
}

/// How a statement's build claims are backed when no builder is expected and a keyless root
/// confined to no builder signed it (slsa-verifier's rule: what a statement says about its
/// source is only as good as the builder that wrote it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefaultTrust {
    /// The rule does not apply (a builder is expected, a key or confined root signed, or a
    /// statement other than provenance with no build expectation).
    NotApplicable,
    /// Signed by a builder trusted by default, as itself: SLSA Build level 3.
    TrustedBuilder,
    /// The source repository's own workflow (or one the root names), with every expectation
    /// a source fact its certificate states: level 2 at most.
    CertifiedSource,
    /// Neither: a builder id must be expected.
    Unbacked,
}

/// The builder a statement names and what its signer vouches for.
struct BuilderView<'a> {
    /// As the statement writes it (`builder.id`; for a VSA `verifier.id`).
    claimed_text: Option<&'a str>,
    /// Parsed.
    claimed: Option<BuilderId>,
    /// The builder the signer vouches for (after the delegation rules).
    effective: Option<BuilderId>,
    /// Whether the root of trust may sign for it (always, for a root confined to none).
    allowed_by_root: bool,
    /// How build claims are backed without an expected builder.
    default_trust: DefaultTrust,
}

/// Everything the rules of one statement look at, worked out once.
struct Context<'a> {
    exp: &'a Expectations,
    att: &'a VerifiedAttestation,
    grant: RootGrant<'a>,
    now: OffsetDateTime,
    kind: StatementKind,
    predicate_type: &'a str,
    /// The verification summary, for a VSA.
    summary: Option<&'a VerificationSummary>,
    facts: &'a Facts,
    /// The certificate's source facts (empty unless provenance: a VSA's signer is the verifier
    /// that wrote it, whose own repository says nothing about the artifact).
    cert: CertSource<'a>,
    builder: BuilderView<'a>,
    /// The SLSA build level earned.
    level: Option<u8>,
}

impl<'a> Context<'a> {
    /// The context of a statement; `None` for a bare artifact signature.
    fn new(
        exp: &'a Expectations,
        att: &'a VerifiedAttestation,
        grant: RootGrant<'a>,
        now: OffsetDateTime,
    ) -> Option<Self> {
        let Body::Statement {
            predicate_type,
            summary,
            facts,
            ..
        } = &att.body
        else {
            return None;
        };
        let kind = if predicate_type == SLSA_PROVENANCE_V1 || predicate_type == SLSA_PROVENANCE_V02
        {
            StatementKind::Provenance
        } else if predicate_type == VSA_V1 {
            StatementKind::Vsa
        } else {
            StatementKind::Other
        };
        let cert = if kind == StatementKind::Provenance {
            CertSource::of(&att.signer)
        } else {
            CertSource::default()
        };
        let summary = summary.as_deref();
        let builder = BuilderView::of(exp, att, grant, kind, summary, facts, &cert);
        let mut ctx = Self {
            exp,
            att,
            grant,
            now,
            kind,
            predicate_type,
            summary,
            facts,
            cert,
            builder,
            level: None,
        };
        ctx.level = ctx.earned_level();
        Some(ctx)
    }

    /// The root's level; none when the root may not sign for the builder; 3 for a builder
    /// trusted by default on a root that grants none; at most 2 for a certified source; for a
    /// VSA, the lower of its `verifiedLevels` and that (a low-trust key cannot upgrade itself
    /// by claiming level 3).
    fn earned_level(&self) -> Option<u8> {
        let mut level = self
            .grant
            .slsa_level
            .filter(|_| self.builder.allowed_by_root);
        match self.builder.default_trust {
            DefaultTrust::TrustedBuilder => level = level.or(Some(3)),
            DefaultTrust::CertifiedSource => level = Some(level.map_or(2, |l| l.min(2))),
            DefaultTrust::NotApplicable | DefaultTrust::Unbacked => {}
        }
        if self.kind == StatementKind::Vsa {
            level = self
                .summary
                .and_then(VerificationSummary::slsa_build_level)
                .zip(level)
                .map(|(claim, grant)| claim.min(grant));
        }
        level
    }

    fn names_builder(&self) -> bool {
        self.kind != StatementKind::Other
    }
}

impl<'a> BuilderView<'a> {
    /// A claimed builder id that is present but not a valid builder id, shown as such (a
    /// report must not say the field is missing when it holds something unusable).
    fn invalid_claim(&self) -> Option<String> {
        let text = self.claimed_text?;
        if self.claimed.is_some() {
            return None;
        }
        let reason = match BuilderId::parse(text) {
            Err(Error::InvalidSetting { reason, .. }) => reason,
            Err(e) => e.to_string(),
            Ok(_) => return None,
        };
        Some(format!(
            "{:?}, which is not a valid builder id ({reason})",
            crate::error::shorten(text)
        ))
    }

    /// Who the statement says built it (for a VSA: `verifier.id`, the verifier that wrote
    /// it, held to the same rules), and whether the signer vouches for that.
    fn of(
        exp: &Expectations,
        att: &VerifiedAttestation,
        grant: RootGrant<'_>,
        kind: StatementKind,
        summary: Option<&'a VerificationSummary>,
        facts: &'a Facts,
        cert: &CertSource<'_>,
    ) -> Self {
        let claimed_text = match kind {
            StatementKind::Vsa => summary.map(|s| s.verifier().id().as_str()),
            StatementKind::Provenance => facts.builder_id.as_deref(),
            // Other predicates name no builder: a root confined to some builders may not sign
            // them, and a builder expectation cannot hold.
            StatementKind::Other => {
                return Self {
                    claimed_text: None,
                    claimed: None,
                    effective: None,
                    allowed_by_root: grant.builders.is_empty(),
                    default_trust: DefaultTrust::NotApplicable,
                };
            }
        };
        let claimed = claimed_text.and_then(|b| BuilderId::parse(b).ok());
        // Key vs keyless is decided by the signer kind, never by whether the certificate
        // identity parses: a certificate whose identity is not a builder id (e.g. a branch
        // named `x@y`) vouches for nothing.
        let signer_id = att.signer.identity().and_then(|s| BuilderId::parse(s).ok());
        let vouched = match (&att.signer, &claimed, &signer_id) {
            (_, None, _) | (Signer::Certificate { .. }, Some(_), None) => false,
            (Signer::Certificate { .. }, Some(c), Some(s)) => c == s || is_trusted_delegator(s),
            // Keys: the root's builder list decides.
            (Signer::Keys { .. }, Some(_), _) => true,
        };
        let effective = if vouched { claimed.clone() } else { signer_id };
        let allowed_by_root = grant.builders.is_empty()
            || effective
                .as_ref()
                .is_some_and(|b| grant.builders.iter().any(|r| r.matches(b)));
        // For keyless provenance the rule holds whatever else is expected: with no
        // expectation at all, a shared reusable workflow's certificate would otherwise vouch
        // for any repository that calls it (and adding a right expectation would turn a pass
        // into a failure). Other predicates are held to it only when a build claim is expected.
        let default_trust = if exp.builder.is_none()
            && grant.keyless
            && grant.builders.is_empty()
            && (kind == StatementKind::Provenance || exp.constrains_build())
        {
            // Without --builder-id the signer must be a builder trusted by default, signing
            // as itself. A delegator (BYOB) vouches for the builder it names; npm attestation
            // documents always need --builder-id (as slsa-verifier's verify-npm-package).
            let from_npm_document = att.origin.entry().is_some();
            let trusted_builder = vouched
                && !from_npm_document
                && claimed.as_ref().is_some_and(is_default_trusted_builder);
            // GitHub artifact attestations: the user's own workflow (or one the root of trust
            // names) needs no builder id when every expectation is a source fact the
            // certificate states. Such a build earns level 2, never 3: the workflow that
            // signed also ran the build.
            let certified = cert.backs(exp)
                && ((!from_npm_document && cert.own_workflow(&att.signer)) || grant.names_signer);
            if trusted_builder {
                DefaultTrust::TrustedBuilder
            } else if certified {
                DefaultTrust::CertifiedSource
            } else {
                DefaultTrust::Unbacked
            }
        } else {
            DefaultTrust::NotApplicable
        };
        Self {
            claimed_text,
            claimed,
            effective,
            allowed_by_root,
            default_trust,
        }
    }
}

/// [`Rule::TrustedBuilder`]: the root of trust that signed must be allowed to sign for the
/// builder the signer vouches for.
fn trusted_builder(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if ctx.builder.allowed_by_root {
        return;
    }
    let (expected, actual) = if ctx.names_builder() {
        (
            format!(
                "a builder root {:?} may sign for ({})",
                ctx.att.root,
                ctx.grant.describe_builders()
            ),
            ctx.builder
                .effective
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| ctx.builder.invalid_claim()),
        )
    } else {
        (
            format!(
                "SLSA provenance or a VSA (root {:?} is confined to builders)",
                ctx.att.root
            ),
            Some(ctx.predicate_type.to_owned()),
        )
    };
    failures.push(RuleFailure::new(Rule::TrustedBuilder, expected, actual));
}

/// [`Rule::BuilderId`]: the builder the signer vouches for must be the one expected; with
/// none expected, a keyless signer's build claims must be backed (see [`DefaultTrust`]).
fn builder_id(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    let view = &ctx.builder;
    if let Some(rule) = &ctx.exp.builder {
        if !ctx.names_builder() {
            failures.push(RuleFailure::new(Rule::BuilderId, rule.describe(), None));
        } else if !view.effective.as_ref().is_some_and(|b| rule.matches(b)) {
            let actual = match (&view.effective, &view.claimed) {
                (Some(b), Some(c)) if b != c => Some(format!(
                    "{b} (the statement claims {c}, which the signer does not vouch for)"
                )),
                (Some(b), _) => Some(b.to_string()),
                (None, _) => view.invalid_claim(),
            };
            failures.push(RuleFailure::new(Rule::BuilderId, rule.describe(), actual));
        }
    } else if view.default_trust == DefaultTrust::Unbacked {
        failures.push(RuleFailure::new(
            Rule::BuilderId,
            "a builder id expectation (the signer is not a builder trusted by default, nor \
             the source repository's own workflow with every expectation stated by its \
             certificate)",
            view.claimed_text.map(str::to_owned),
        ));
    }
}

/// A failure when `actual` is absent or not `ok`.
fn field_failure(
    rule: Rule,
    expected: String,
    actual: Option<&str>,
    ok: impl Fn(&str) -> bool,
) -> Option<RuleFailure> {
    match actual {
        Some(a) if ok(a) => None,
        a => Some(RuleFailure::new(rule, expected, a.map(str::to_owned))),
    }
}

/// A certificate fact as a report shows it.
fn cert_field(fact: CertFact, value: &str) -> String {
    format!("{value} (the {})", fact.describe())
}

/// [`Rule::BuildType`]: `buildType`, exactly.
fn build_type(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if let Some(want) = &ctx.exp.build_type {
        failures.extend(field_failure(
            Rule::BuildType,
            want.clone(),
            ctx.facts.build_type.as_deref(),
            |a| a == want,
        ));
    }
}

// The source: what the certificate states wins over what the statement claims (and the two
// must agree, see `certificate_agreement`); the statement's claim is used only where the
// certificate is silent (keys, non-CI identities).

/// [`Rule::SourceRepository`]: the certificate's, else the claimed, source repository.
fn source_repository(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    let Some(want) = &ctx.exp.source_repository else {
        return;
    };
    let ok = |a: &str| SourceRepo::split_uri(a).is_ok_and(|(r, _)| &r == want);
    match ctx.cert.repository {
        Some(c) if !ok(c) => failures.push(RuleFailure::new(
            Rule::SourceRepository,
            want.to_string(),
            Some(cert_field(CertFact::SourceRepositoryUri, c)),
        )),
        Some(_) => {}
        None => failures.extend(field_failure(
            Rule::SourceRepository,
            want.to_string(),
            ctx.facts.source_uri.as_deref(),
            ok,
        )),
    }
    // Every place the statement states its source must name the expected repository, not
    // only the one taken as the source.
    if failures.iter().any(|f| f.rule == Rule::SourceRepository) {
        return;
    }
    for claim in ctx
        .facts
        .source_claims
        .iter()
        .filter(|c| c.states_the_source())
    {
        if let Some(repo) = &claim.repository
            && !SourceRepo::parse(repo).is_ok_and(|r| &r == want)
        {
            failures.push(RuleFailure::new(
                Rule::SourceRepository,
                want.to_string(),
                Some(format!(
                    "{repo} in {} (the statement's sources disagree)",
                    claim.field
                )),
            ));
        }
    }
}

/// The claims of a ref of the source repository (the expected one, else the one the
/// statement takes as its source): dependencies on other repositories are inputs.
fn source_ref_claims<'f>(ctx: &Context<'f>) -> impl Iterator<Item = &'f crate::facts::SourceClaim> {
    let repo = ctx
        .exp
        .source_repository
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .or_else(|| ctx.facts.source_repository.clone());
    ctx.facts.source_claims.iter().filter(move |c| {
        c.reference.is_some()
            && match (&c.repository, &repo) {
                (None, _) => true,
                (Some(r), Some(want)) => r.eq_ignore_ascii_case(want),
                (Some(_), None) => c.states_the_source(),
            }
    })
}

/// [`Rule::SourceRef`]: the certificate's, else the claimed, source ref.
fn source_ref(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    let Some(want) = &ctx.exp.source_ref else {
        return;
    };
    match ctx.cert.reference {
        Some(c) if !want.matches(c) => failures.push(RuleFailure::new(
            Rule::SourceRef,
            want.describe(),
            Some(cert_field(CertFact::SourceRepositoryRef, c)),
        )),
        Some(_) => {}
        None => failures.extend(field_failure(
            Rule::SourceRef,
            want.describe(),
            ctx.facts.source_ref.as_deref(),
            |a| want.matches(a),
        )),
    }
    // Every ref the statement states for the source must meet the expectation.
    if failures.iter().any(|f| f.rule == Rule::SourceRef) {
        return;
    }
    for claim in source_ref_claims(ctx) {
        if let Some(r) = claim.reference.as_deref()
            && !want.matches(r)
        {
            failures.push(RuleFailure::new(
                Rule::SourceRef,
                want.describe(),
                Some(format!(
                    "{r} in {} (the statement's sources disagree)",
                    claim.field
                )),
            ));
        }
    }
}

/// [`Rule::SourceCommit`]: the certificate's, else the claimed, source commit.
fn source_commit(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    let Some(want) = &ctx.exp.source_commit else {
        return;
    };
    match ctx.cert.commit {
        Some(c) if !c.eq_ignore_ascii_case(want) => failures.push(RuleFailure::new(
            Rule::SourceCommit,
            want.clone(),
            Some(cert_field(CertFact::SourceRepositoryDigest, c)),
        )),
        Some(_) => {}
        None => failures.extend(field_failure(
            Rule::SourceCommit,
            want.clone(),
            ctx.facts.source_commit.as_deref(),
            |a| a.eq_ignore_ascii_case(want),
        )),
    }
}

/// [`Rule::CertificateAgreement`]: whenever the verdict rests on what the statement says (any
/// expectation, or a root that names the repository or workflow it trusts), its source claims
/// must agree with the certificate. With no expectation at all the verdict is only "signed by
/// this identity" (cosign's and sigstore-go's), and the claims are reported, not relied on.
fn certificate_agreement(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if ctx.kind == StatementKind::Provenance
        && (ctx.exp.sets_any_expectation() || ctx.grant.names_signer)
    {
        check_agreement(ctx.facts, &ctx.cert, failures);
    }
}

/// [`Rule::ExternalParameters`], when any is expected or unknown ones are refused.
fn external_parameters(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if !ctx.exp.external_parameters.is_empty() || ctx.exp.reject_unknown_external_parameters {
        check_external(ctx.exp, ctx.facts.external_parameters.as_deref(), failures);
    }
}

/// [`Rule::BuildTime`], always.
fn build_time(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    check_build_times(
        ctx.facts,
        ctx.summary,
        ctx.att.signer.signed_at(),
        ctx.now,
        failures,
    );
}

/// [`Rule::Age`], when a maximum age is expected.
fn age(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if let Some(max) = ctx.exp.max_age {
        failures.extend(check_age(
            max,
            ctx.facts,
            ctx.summary,
            ctx.att.signer.signed_at(),
            ctx.now,
        ));
    }
}

/// [`Rule::VerificationResult`]: a VSA must say `PASSED`.
fn verification_result(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if ctx.kind != StatementKind::Vsa {
        return;
    }
    let result = ctx.summary.map(|s| s.verification_result().as_str());
    if result != Some(VerificationResult::Passed.as_str()) {
        failures.push(RuleFailure::new(
            Rule::VerificationResult,
            "PASSED",
            result.map(str::to_owned),
        ));
    }
}

/// [`Rule::ResourceUri`]: a VSA's `resourceUri`, exactly, when one is expected.
fn resource_uri(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    if ctx.kind != StatementKind::Vsa {
        return;
    }
    if let Some(want) = &ctx.exp.resource_uri {
        let got = ctx.summary.map(VerificationSummary::resource_uri);
        if got != Some(want.as_str()) {
            failures.push(RuleFailure::new(
                Rule::ResourceUri,
                want.clone(),
                got.map(str::to_owned),
            ));
        }
    }
}

/// [`Rule::SlsaLevel`]: the level earned (see [`Context::earned_level`]) must be high enough.
fn slsa_level(ctx: &Context<'_>, failures: &mut Vec<RuleFailure>) {
    // Level 0 is "no SLSA guarantee": any statement meets it, with or without a level.
    if let Some(min) = ctx.exp.min_slsa_level
        && min > 0
        && ctx.level.is_none_or(|l| l < min)
    {
        failures.push(RuleFailure::new(
            Rule::SlsaLevel,
            format!("SLSA build level {min} or higher"),
            Some(ctx.level.map_or_else(
                || "no level (the root of trust that signed grants none)".to_owned(),
                |l| format!("level {l}"),
            )),
        ));
    }
}

/// How far a claimed build time may lie after the verification time or the verified signing
/// time (clocks of CI runners, logs and gates differ a little).
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn skew() -> time::Duration {
    time::Duration::try_from(CLOCK_SKEW).unwrap_or(time::Duration::ZERO)
}

/// The statement's claimed build times (`startedOn`, `finishedOn`), parsed when the statement
/// was read (a time that is not RFC 3339 refuses the statement there).
/// The times a statement claims: a provenance's `startedOn` and `finishedOn`, a VSA's
/// `timeVerified`.
fn claimed_times(
    facts: &Facts,
    summary: Option<&VerificationSummary>,
) -> [(&'static str, Option<OffsetDateTime>); 3] {
    [
        (
            "startedOn",
            facts.started_on.as_ref().map(Timestamp::datetime),
        ),
        (
            "finishedOn",
            facts.finished_on.as_ref().map(Timestamp::datetime),
        ),
        (
            "timeVerified",
            summary
                .and_then(VerificationSummary::time_verified)
                .map(Timestamp::datetime),
        ),
    ]
}

/// [`Rule::BuildTime`]: a claimed `startedOn` / `finishedOn` after the verification time, or
/// after the verified signing time, beyond [`CLOCK_SKEW`], is refused: a build cannot end
/// after it was signed, and a future date would stretch any age limit. (A claimed time that is
/// not RFC 3339 never gets here: the statement is refused when it is read.)
fn check_build_times(
    facts: &Facts,
    summary: Option<&VerificationSummary>,
    signed_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    failures: &mut Vec<RuleFailure>,
) {
    // Past the end of time's range, nothing is later.
    let after = |t: OffsetDateTime, limit: OffsetDateTime| {
        limit.checked_add(skew()).is_some_and(|limit| t > limit)
    };
    for (field, claimed) in claimed_times(facts, summary) {
        let Some(t) = claimed else { continue };
        if let Some(signed) = signed_at
            && after(t, signed)
        {
            failures.push(RuleFailure::new(
                Rule::BuildTime,
                format!(
                    "{field} no later than the verified signing time {} (+{}s)",
                    rfc3339(signed),
                    CLOCK_SKEW.as_secs()
                ),
                Some(format!("{field} {}", rfc3339(t))),
            ));
        } else if after(t, now) {
            failures.push(RuleFailure::new(
                Rule::BuildTime,
                format!(
                    "{field} no later than the verification time {} (+{}s)",
                    rfc3339(now),
                    CLOCK_SKEW.as_secs()
                ),
                Some(format!("{field} {}", rfc3339(t))),
            ));
        }
    }
}

/// [`Rule::Age`]: for a VSA, measured from its `timeVerified` (when the verification it
/// reports happened, which a fresh signature over an old verdict does not renew); otherwise
/// from the verified signing time when there is one, else from the claimed `finishedOn` (or
/// `startedOn`).
fn check_age(
    max: Duration,
    facts: &Facts,
    summary: Option<&VerificationSummary>,
    signed_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Option<RuleFailure> {
    let [(_, started), (_, finished), (_, verified)] = claimed_times(facts, summary);
    let when = verified
        .map(|t| (t, "claimed timeVerified"))
        .or_else(|| signed_at.map(|t| (t, "verified signing time")))
        .or_else(|| finished.map(|t| (t, "claimed finishedOn")))
        .or_else(|| started.map(|t| (t, "claimed startedOn")));
    let expected = format!("made at most {}s before verification", max.as_secs());
    let Some((t, source)) = when else {
        return Some(RuleFailure::new(Rule::Age, expected, None));
    };
    let age = now - t;
    (age > time::Duration::try_from(max).unwrap_or(time::Duration::MAX)).then(|| {
        RuleFailure::new(
            Rule::Age,
            expected,
            Some(format!(
                "{}s ago ({source} {})",
                age.whole_seconds(),
                rfc3339(t)
            )),
        )
    })
}

fn check_external(
    exp: &Expectations,
    actual: Option<&serde_json::Map<String, Value>>,
    failures: &mut Vec<RuleFailure>,
) {
    let Some(actual) = actual else {
        failures.push(RuleFailure::new(
            Rule::ExternalParameters,
            serde_json::to_string(&exp.external_parameters).unwrap_or_default(),
            None,
        ));
        return;
    };
    for (key, want) in &exp.external_parameters {
        let got = parameter_at(actual, key);
        if !got.is_some_and(|g| json_equal(g, want)) {
            let (mut expected, mut found) = (want.to_string(), got.map(ToString::to_string));
            // Values that print alike but differ (Unicode NFC vs NFD, invisible characters)
            // would read "expected X, found X": their code points beyond ASCII are shown.
            if let Some(f) = &found
                && (f == &expected || printed_alike(f, &expected))
            {
                expected = with_code_points(&expected);
                found = Some(with_code_points(f));
            }
            failures.push(RuleFailure::new(
                Rule::ExternalParameters,
                format!("{key} = {expected}"),
                found.map(|g| format!("{key} = {g}")),
            ));
        }
    }
    if exp.reject_unknown_external_parameters {
        let unknown: Vec<&str> = actual
            .keys()
            .filter(|k| {
                !exp.external_parameters
                    .keys()
                    .any(|listed| listed.split('.').next() == Some(k.as_str()))
            })
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            failures.push(RuleFailure::new(
                Rule::ExternalParameters,
                "no parameters other than those listed".to_owned(),
                Some(format!("unknown parameters: {}", unknown.join(", "))),
            ));
        }
    }
}

/// Whether two different renderings may look the same on a terminal: either holds a
/// character that renders as nothing on its own (a combining mark, a format or other invisible
/// character), which a composed look-alike may match.
fn printed_alike(a: &str, b: &str) -> bool {
    a.chars().any(is_invisible_alone) || b.chars().any(is_invisible_alone) || {
        let visible =
            |s: &str| -> String { s.chars().filter(|c| !is_invisible_alone(*c)).collect() };
        visible(a) == visible(b)
    }
}

/// Combining marks, zero-width and format characters: what changes how a string looks (or
/// nothing) without showing as a character of its own.
fn is_invisible_alone(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' // combining diacritical marks
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{200B}'..='\u{200F}' // zero-width, direction marks
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
    )
}

/// `text`, followed by its code points beyond ASCII (`"é" [U+00E9]`), so that two values that
/// print alike can be told apart.
fn with_code_points(text: &str) -> String {
    let points: Vec<String> = text
        .chars()
        .filter(|c| !c.is_ascii())
        .take(32)
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    if points.is_empty() {
        return text.to_owned();
    }
    format!("{text} [{}]", points.join(" "))
}

/// The value at a dotted path (`workflow.ref` is `ref` inside the object `workflow`), the
/// syntax `attest --external-parameter` writes: a literal top-level key `"workflow.ref"`
/// never stands in for it.
fn parameter_at<'v>(params: &'v serde_json::Map<String, Value>, path: &str) -> Option<&'v Value> {
    let mut segments = path.split('.');
    let mut current = params.get(segments.next()?)?;
    for segment in segments {
        current = current.as_object()?.get(segment)?;
    }
    Some(current)
}

/// JSON equality with numbers compared exactly: integers as integers; a number that is only
/// held as a float and lies beyond the exactly representable integers (2^53) equals nothing,
/// so `100000000000000000000` and `100000000000000000001` never match through rounding.
#[expect(
    clippy::float_cmp,
    reason = "exact equality is the point: both floats are exactly representable integers or finite values from the same parser"
)]
fn json_equal(a: &Value, b: &Value) -> bool {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                return x == y;
            }
            if x.is_f64() || y.is_f64() {
                match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) => x.abs() < EXACT && y.abs() < EXACT && x == y,
                    _ => false,
                }
            } else {
                // One negative i64, one u64 above i64::MAX.
                false
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// What a keyless signer's certificate states about the source (Fulcio extensions).
#[derive(Default)]
struct CertSource<'a> {
    repository: Option<&'a str>,
    reference: Option<&'a str>,
    commit: Option<&'a str>,
}

impl<'a> CertSource<'a> {
    fn of(signer: &'a Signer) -> Self {
        Self {
            repository: signer.certificate_fact(CertFact::SourceRepositoryUri),
            reference: signer.certificate_fact(CertFact::SourceRepositoryRef),
            commit: signer.certificate_fact(CertFact::SourceRepositoryDigest),
        }
    }

    /// Whether every build expectation is a source fact this certificate states.
    fn backs(&self, exp: &Expectations) -> bool {
        exp.build_type.is_none()
            && exp.external_parameters.is_empty()
            && !exp.reject_unknown_external_parameters
            && (exp.source_repository.is_none() || self.repository.is_some())
            && (exp.source_ref.is_none() || self.reference.is_some())
            && (exp.source_commit.is_none() || self.commit.is_some())
    }

    /// Whether the workflow that signed (build signer URI, else the SAN) lives in the source
    /// repository itself: `https://github.com/o/r/.github/workflows/x.yml@ref` for
    /// `https://github.com/o/r`, or GitLab's `https://gitlab.com/g/p//.gitlab-ci.yml@ref`. A
    /// reusable workflow from another repository (a third-party signer) is not.
    fn own_workflow(&self, signer: &Signer) -> bool {
        let Some(repo) = self.repository else {
            return false;
        };
        let Some(signer_uri) = signer
            .certificate_fact(CertFact::BuildSignerUri)
            .or_else(|| signer.identity())
        else {
            return false;
        };
        let prefix = format!("{}/", repo.trim_end_matches('/'));
        signer_uri
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
            && signer_uri
                .get(prefix.len()..)
                .is_some_and(|rest| rest.starts_with(".github/workflows/") || rest.starts_with('/'))
    }
}

/// The statement's source claims must agree with the certificate's facts, field by field,
/// wherever both are present: a workflow that ran on `refs/heads/evil` cannot sign a statement
/// claiming `refs/tags/v1.2.3`, whatever builder the statement names. Repositories compare
/// after normalisation, ignoring ASCII case (GitHub and GitLab names are case-insensitive).
fn check_agreement(facts: &Facts, cert: &CertSource<'_>, failures: &mut Vec<RuleFailure>) {
    let mut disagree = |what: &str, fact: CertFact, cert_value: &str, claimed: &str| {
        failures.push(RuleFailure::new(
            Rule::CertificateAgreement,
            format!(
                "the statement's source {what} to be {cert_value}, as the {} states",
                fact.describe()
            ),
            Some(format!("{claimed} (claimed by the statement)")),
        ));
    };
    let cert_repo = cert.repository.and_then(|c| SourceRepo::parse(c).ok());
    if let (Some(c), Some(claimed)) = (cert.repository, facts.source_uri.as_deref()) {
        let claimed_repo = SourceRepo::split_uri(claimed).ok().map(|(r, _)| r);
        let agree = cert_repo
            .as_ref()
            .zip(claimed_repo)
            .is_some_and(|(a, b)| a.as_str().eq_ignore_ascii_case(b.as_str()));
        if !agree {
            disagree("repository", CertFact::SourceRepositoryUri, c, claimed);
        }
    }
    if let (Some(c), Some(claimed)) = (cert.reference, facts.source_ref.as_deref())
        && c != claimed
    {
        disagree("ref", CertFact::SourceRepositoryRef, c, claimed);
    }
    if let (Some(c), Some(claimed)) = (cert.commit, facts.source_commit.as_deref())
        && !c.eq_ignore_ascii_case(claimed)
    {
        disagree("commit", CertFact::SourceRepositoryDigest, c, claimed);
    }
    // Every other place the statement names a ref or commit of the certificate's repository
    // (a second git dependency, the GitHub workflow parameters, v0.2's environment) must agree
    // too: an expectation pinned on one of them must not be met by a claim the certificate
    // contradicts. Dependencies on other repositories are the build's inputs, not its source.
    for claim in facts.source_claims.iter() {
        let same_repo = match (&claim.repository, &cert_repo) {
            (None, _) => true,
            (Some(r), Some(c)) => r.eq_ignore_ascii_case(c.as_str()),
            (Some(_), None) => false,
        };
        if !same_repo {
            continue;
        }
        // (the claim taken as the source was judged above)
        if let (Some(c), Some(claimed)) = (cert.reference, claim.reference.as_deref())
            && c != claimed
            && facts.source_ref.as_deref() != Some(claimed)
        {
            disagree(
                "ref",
                CertFact::SourceRepositoryRef,
                c,
                &format!("{claimed} in {}", claim.field),
            );
        }
        if let (Some(c), Some(claimed)) = (cert.commit, claim.commit.as_deref())
            && !c.eq_ignore_ascii_case(claimed)
            && facts.source_commit.as_deref() != Some(claimed)
        {
            disagree(
                "commit",
                CertFact::SourceRepositoryDigest,
                c,
                &format!("{claimed} in {}", claim.field),
            );
        }
    }
}

/// Whether the signer is a keyless certificate.
pub(crate) fn is_keyless(signer: &Signer) -> bool {
    matches!(signer, Signer::Certificate { .. })
}

#[cfg(test)]
mod schema_tests {
    use super::Rule;

    /// Every rule, by an exhaustive match: a new variant fails to compile here until listed.
    fn all_rules() -> Vec<Rule> {
        let every = [
            Rule::Subject,
            Rule::PredicateType,
            Rule::BuilderId,
            Rule::TrustedBuilder,
            Rule::BuildType,
            Rule::SourceRepository,
            Rule::SourceRef,
            Rule::SourceCommit,
            Rule::CertificateAgreement,
            Rule::ExternalParameters,
            Rule::Age,
            Rule::BuildTime,
            Rule::SlsaLevel,
            Rule::VerificationResult,
            Rule::ResourceUri,
            Rule::Policy,
            Rule::Signature,
            Rule::Identity,
            Rule::TransparencyLog,
            Rule::Certificate,
            Rule::Timestamp,
        ];
        for r in every {
            match r {
                Rule::Subject
                | Rule::PredicateType
                | Rule::BuilderId
                | Rule::TrustedBuilder
                | Rule::BuildType
                | Rule::SourceRepository
                | Rule::SourceRef
                | Rule::SourceCommit
                | Rule::CertificateAgreement
                | Rule::ExternalParameters
                | Rule::Age
                | Rule::BuildTime
                | Rule::SlsaLevel
                | Rule::VerificationResult
                | Rule::ResourceUri
                | Rule::Policy
                | Rule::Signature
                | Rule::Identity
                | Rule::TransparencyLog
                | Rule::Certificate
                | Rule::Timestamp => {}
            }
        }
        every.to_vec()
    }

    /// The report schema's `rule` enum names exactly the rules there are.
    #[test]
    fn report_schema_lists_every_rule() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schemas/verify-report.schema.json"
        );
        let schema: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let listed: Vec<&str> = schema["$defs"]["failure"]["properties"]["rule"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let ours: Vec<String> = all_rules()
            .into_iter()
            .map(|r| {
                serde_json::to_value(r)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(listed, ours);
    }
}
