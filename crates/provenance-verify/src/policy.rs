//! The policy file (TOML): roots of trust, the builders each may sign for and the SLSA build
//! level that earns, and expectations per artifact name pattern. Its JSON Schema is
//! `schemas/policy.schema.json`.
//!
//! Fail-closed rules: `builders = []` is refused (omit it for "any builder"); `[defaults]` or an
//! `[[artifacts]]` entry that sets no expectation (its own or inherited) is refused unless the
//! policy says `allow_no_expectations = true`; with `[[artifacts]]`, an artifact whose name
//! matches no pattern fails unless the policy says `allow_unmatched_artifacts = true`
//! (`[defaults]` alone then judges it).
//!
//! A root may sign only for its `builders`. When an envelope's signatures meet the threshold
//! of several roots, the trusted-builder rule passes if any of them may sign for the builder
//! the statement names (a co-signature by a key trusted for other builders cannot veto it);
//! when none may, the failure names each of them.
//!
//! Every verified attestation of an accepted predicate type that covers an artifact must pass:
//! one failing statement among good ones fails the artifact (conflicting provenance is a
//! failure, not a choice; go-witness GHSA-r4fv-8r9j-vgcg). An attestation file that is
//! appended to on every build therefore keeps failing on an old statement (for instance one
//! older than `max_age`): write each build's attestations to a new file, or replace it.
//!
//! Each `[[artifacts]]` entry inherits `[defaults]` and overrides it key by key: a pattern
//! that sets `source_branch` still checks the `source_uri` of `[defaults]`;
//! `external_parameters` are merged key by key.
//!
//! Patterns are globs (see [`crate::pattern::NamePattern`]) matched against the artifact's
//! path relative to the working directory, lexically normalised: `dist/app.tar.gz`,
//! `./dist/app.tar.gz` and `$PWD/dist/app.tar.gz` are one name. A digest argument is named with
//! `NAME=sha256:HEX`; without a name it matches no pattern.
//!
//! ```toml
//! version = 1
//! verifier_id = "https://deploy.example.com/gate"
//!
//! [[roots]]
//! name = "release-key"
//! keys = ["keys/release.pub"]          # paths (relative to the policy file) or env://VAR
//! threshold = 1
//! builders = ["https://ci.example.com/builder@semver"]
//! slsa_level = 2
//!
//! [[roots]]
//! name = "slsa-github-generator"
//! certificate_identity_regexp = "^https://github.com/slsa-framework/slsa-github-generator/"
//! certificate_oidc_issuer = "https://token.actions.githubusercontent.com"
//! builders = ["https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@semver"]
//! slsa_level = 3
//!
//! [[roots]]                                # gh's keys (see `GithubIdentity`): an identity in
//! name = "app-attestations"                # themselves; the issuer defaults to GitHub Actions'
//! repo = "example/app"
//! signer_workflow = "example/app/.github/workflows/release.yml"
//! deny_self_hosted_runners = true
//!
//! [defaults]
//! source_uri = "github.com/example/app"
//!
//! [[artifacts]]
//! pattern = "dist/*.tar.gz"
//! required = true
//! source_branch = "main"
//! max_age = "30d"
//! [artifacts.external_parameters]
//! release = true
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
#[cfg(test)]
use serde_json::Value;

use crate::error::{Error, Result};
use crate::expect::Expectations;
use crate::rules::{BuilderRule, NamePattern, RefExpectation, SemVer, SourceRepo};

/// A root of trust as written in the policy (its key files and trusted root not yet loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RootSpec {
    /// Its name, used in reports.
    pub name: String,
    /// What verifies its signatures.
    pub anchor: AnchorSpec,
    /// The builders it may sign for (empty: any). For a VSA the rule applies to its
    /// `verifier.id`; a root with builders may sign no other predicate type.
    pub builders: Vec<BuilderRule>,
    /// The SLSA build level its statements earn.
    pub slsa_level: Option<u8>,
}

/// How a root verifies signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnchorSpec {
    /// Public keys (paths or `env://VAR`) and how many distinct ones must sign.
    Keys {
        /// The key sources.
        keys: Vec<String>,
        /// The threshold.
        threshold: usize,
    },
    /// Sigstore keyless: a trusted root and an identity policy (both constraints required).
    Keyless {
        /// `trusted_root.json` path; `None` is the embedded Sigstore public-good root.
        trusted_root: Option<String>,
        /// The certificate identity constraint.
        identity: Matcher,
        /// The OIDC issuer constraint.
        issuer: Matcher,
        /// Accept attestations without a verified transparency-log entry.
        insecure_ignore_tlog: bool,
        /// GitHub's constraints on the certificate's facts (`repo`, `owner`,
        /// `signer_workflow`, `signer_repo`, `deny_self_hosted_runners`); empty when unused.
        github: Box<GithubIdentity>,
    },
}

/// An exact string or a regular expression.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Matcher {
    /// Exactly this string.
    Exact(String),
    /// A regular expression with cosign's meaning: RE2 syntax (Rust's `regex`), searched for in
    /// the value, not anchored: write `^` and `$` to anchor it.
    Regexp(String),
}

/// The OIDC issuer of GitHub Actions on github.com, the default issuer with GitHub's
/// constraints (`gh attestation verify --cert-oidc-issuer`).
pub const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// GitHub's identity constraints, with the meaning `gh attestation verify` gives its flags;
/// each is checked against a Fulcio certificate extension, and a certificate without that
/// extension fails (closed):
///
/// - `repo` `[HOST/]OWNER/REPO`: the source repository URI (`.1.12`) is `https://HOST/OWNER/REPO`
///   and the owner URI (`.1.16`) is `https://HOST/OWNER` (ASCII case ignored, as gh);
/// - `owner` `[HOST/]OWNER`: the source repository owner URI (`.1.16`) is `https://HOST/OWNER`;
/// - `signer_workflow` `[HOST/]OWNER/REPO/PATH[@REF]`: the certificate identity and the build
///   signer URI (`.1.9`) are that workflow (at `REF` when given; host, owner and repository
///   compared ignoring case). Unlike gh, the value is literal text, not a regular expression,
///   and the path must end where the `@ref` begins;
/// - `signer_repo` `[HOST/]OWNER/REPO`: the identity and the build signer URI are a workflow of
///   that repository;
/// - `deny_self_hosted_runners`: the runner environment (`.1.11`) is `github-hosted`.
///
/// `HOST` defaults to `github.com`; a first segment with a dot is a host, as gh reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GithubIdentity {
    /// `[HOST/]OWNER/REPO`, as (host, owner, repo).
    pub repo: Option<(String, String, String)>,
    /// `[HOST/]OWNER`, as (host, owner).
    pub owner: Option<(String, String)>,
    /// The signer workflow as (host, owner, repo, path, ref).
    pub signer_workflow: Option<(String, String, String, String, Option<String>)>,
    /// `[HOST/]OWNER/REPO` of the signer workflow, as (host, owner, repo).
    pub signer_repo: Option<(String, String, String)>,
    /// Refuse certificates from self-hosted runners.
    pub deny_self_hosted_runners: bool,
}

fn github_name(field: &'static str, input: &str, segment: &str) -> Result<String> {
    if segment.is_empty()
        || segment == "."
        || segment == ".."
        || !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(Error::setting(
            field,
            input,
            "owner and repository names are letters, digits, `-`, `_` and `.`",
        ));
    }
    Ok(segment.to_owned())
}

/// Splits `[HOST/]rest` as gh does: a first segment with a dot is a host.
fn github_host(input: &str) -> (String, &str) {
    match input.split_once('/') {
        Some((first, rest)) if first.contains('.') => (first.to_ascii_lowercase(), rest),
        _ => ("github.com".to_owned(), input),
    }
}

impl GithubIdentity {
    /// Parses gh's spellings.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] naming the field for a malformed value, or when both
    /// `signer_workflow` and `signer_repo` are given.
    pub fn parse(
        repo: Option<&str>,
        owner: Option<&str>,
        signer_workflow: Option<&str>,
        signer_repo: Option<&str>,
        deny_self_hosted_runners: bool,
    ) -> Result<Self> {
        let owner_repo = |field: &'static str, v: &str| -> Result<(String, String, String)> {
            let (host, rest) = github_host(v);
            let (o, r) = rest
                .split_once('/')
                .ok_or_else(|| Error::setting(field, v, "expected [HOST/]OWNER/REPO"))?;
            Ok((host, github_name(field, v, o)?, github_name(field, v, r)?))
        };
        if signer_workflow.is_some() && signer_repo.is_some() {
            return Err(Error::setting(
                "signer_workflow",
                "",
                "give signer_workflow or signer_repo, not both",
            ));
        }
        let owner = owner
            .map(|v| {
                let (host, o) = github_host(v);
                Ok::<_, Error>((host, github_name("owner", v, o)?))
            })
            .transpose()?;
        let signer_workflow = signer_workflow
            .map(|v| {
                let field = "signer_workflow";
                let (host, rest) = github_host(v);
                let (path_part, reference) = match rest.split_once('@') {
                    Some((p, r)) if !r.is_empty() && !r.contains('@') => (p, Some(r.to_owned())),
                    Some(_) => return Err(Error::setting(field, v, "empty or repeated `@REF`")),
                    None => (rest, None),
                };
                let mut parts = path_part.splitn(3, '/');
                let (Some(o), Some(r), Some(path)) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(Error::setting(
                        field,
                        v,
                        "expected [HOST/]OWNER/REPO/PATH[@REF]",
                    ));
                };
                if path.is_empty()
                    || path.split('/').any(|s| s.is_empty() || s == "..")
                    || path.chars().any(|c| c.is_whitespace() || c == '\\')
                {
                    return Err(Error::setting(field, v, "empty or `..` path segment"));
                }
                Ok((
                    host,
                    github_name(field, v, o)?,
                    github_name(field, v, r)?,
                    path.to_owned(),
                    reference,
                ))
            })
            .transpose()?;
        let repo = repo.map(|v| owner_repo("repo", v)).transpose()?;
        if let (Some((rh, ro, _)), Some((oh, oo))) = (&repo, &owner)
            && (rh != oh || !ro.eq_ignore_ascii_case(oo))
        {
            return Err(Error::setting(
                "owner",
                oo,
                "the repository given belongs to another owner",
            ));
        }
        Ok(Self {
            repo,
            owner,
            signer_workflow,
            signer_repo: signer_repo
                .map(|v| owner_repo("signer_repo", v))
                .transpose()?,
            deny_self_hosted_runners,
        })
    }

    /// Whether nothing is constrained.
    pub fn is_empty(&self) -> bool {
        !self.names_signer() && !self.deny_self_hosted_runners
    }

    /// Whether the repository, owner or signer workflow is named: then these constraints are
    /// an identity in themselves (no `certificate_identity` needed, as with gh).
    pub fn names_signer(&self) -> bool {
        self.repo.is_some()
            || self.owner.is_some()
            || self.signer_workflow.is_some()
            || self.signer_repo.is_some()
    }

    fn host(&self) -> Option<&str> {
        self.repo
            .as_ref()
            .map(|r| r.0.as_str())
            .or_else(|| self.owner.as_ref().map(|o| o.0.as_str()))
            .or_else(|| self.signer_workflow.as_ref().map(|w| w.0.as_str()))
            .or_else(|| self.signer_repo.as_ref().map(|r| r.0.as_str()))
    }

    /// The OIDC issuer to expect when none is given: GitHub Actions' for github.com, the
    /// tenant's for `TENANT.ghe.com` (as gh).
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] for another host: the issuer must then be given.
    pub fn default_issuer(&self) -> Result<String> {
        match self.host() {
            None | Some("github.com") => Ok(GITHUB_ACTIONS_ISSUER.to_owned()),
            Some(h) => match h.strip_suffix(".ghe.com") {
                Some(tenant) if !tenant.is_empty() && !tenant.contains('.') => {
                    Ok(format!("https://token.actions.{tenant}.ghe.com"))
                }
                _ => Err(Error::setting(
                    "certificate_oidc_issuer",
                    h,
                    "give the OIDC issuer of this GitHub host",
                )),
            },
        }
    }

    /// The regular expression (search semantics, anchored here) the certificate identity and
    /// build signer URI must match, from `signer_workflow` or `signer_repo`.
    pub fn signer_regexp(&self) -> Option<String> {
        let esc = |s: &str| regex::escape(s);
        if let Some((host, o, r, path, reference)) = &self.signer_workflow {
            let end = match reference {
                Some(reference) => format!("@{}$", esc(reference)),
                None => "@".to_owned(),
            };
            return Some(format!(
                "^(?i:https://{}/{}/{}/){}{end}",
                esc(host),
                esc(o),
                esc(r),
                esc(path)
            ));
        }
        self.signer_repo
            .as_ref()
            .map(|(host, o, r)| format!("^(?i:https://{}/{}/{}/)", esc(host), esc(o), esc(r)))
    }

    /// The identity regular expression when no signer is named: a workflow of the repository,
    /// else of the owner (`^(?i:https://HOST/OWNER/REPO/)`), as gh defaults it.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] when neither the repository nor the owner is given.
    pub fn own_signer_regexp(&self) -> Result<String> {
        let esc = |s: &str| regex::escape(s);
        if let Some((host, o, r)) = &self.repo {
            return Ok(format!(
                "^(?i:https://{}/{}/{}/)",
                esc(host),
                esc(o),
                esc(r)
            ));
        }
        if let Some((host, o)) = &self.owner {
            return Ok(format!("^(?i:https://{}/{}/)", esc(host), esc(o)));
        }
        Err(Error::setting(
            "repo",
            "",
            "give the repository or owner the artifact comes from",
        ))
    }

    /// The certificate extensions constrained, each with the regular expression (anchored)
    /// or exact value it must match.
    pub fn extension_constraints(&self) -> Vec<(GithubFact, String)> {
        let esc = |s: &str| regex::escape(s);
        let mut out = Vec::new();
        let owner = self
            .repo
            .as_ref()
            .map(|(h, o, _)| (h, o))
            .or_else(|| self.owner.as_ref().map(|(h, o)| (h, o)));
        if let Some((host, o, r)) = &self.repo {
            out.push((
                GithubFact::SourceRepositoryUri,
                format!("(?i)^https://{}/{}/{}$", esc(host), esc(o), esc(r)),
            ));
        }
        if let Some((host, o)) = owner {
            out.push((
                GithubFact::SourceRepositoryOwnerUri,
                format!("(?i)^https://{}/{}$", esc(host), esc(o)),
            ));
        }
        if let Some(re) = self.signer_regexp() {
            out.push((GithubFact::BuildSignerUri, re));
        }
        if self.deny_self_hosted_runners {
            out.push((GithubFact::RunnerEnvironment, "^github-hosted$".to_owned()));
        }
        out
    }
}

/// A certificate extension GitHub's constraints check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GithubFact {
    /// Source repository URI (`.1.12`).
    SourceRepositoryUri,
    /// Source repository owner URI (`.1.16`).
    SourceRepositoryOwnerUri,
    /// Build signer URI (`.1.9`).
    BuildSignerUri,
    /// Runner environment (`.1.11`).
    RunnerEnvironment,
}

/// Expectations that apply to the artifacts whose name matches a pattern.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PatternEntry {
    /// The pattern.
    pub pattern: NamePattern,
    /// Fail the run when no artifact matched the pattern.
    pub required: bool,
    /// The expectations.
    pub expectations: Expectations,
}

/// A parsed policy.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Policy {
    /// Roots of trust.
    pub roots: Vec<RootSpec>,
    /// Expectations for every artifact: each `[[artifacts]]` entry inherits them and overrides
    /// them key by key (`external_parameters` merged key by key); an artifact that matches no
    /// pattern is judged by them alone, with `[[artifacts]]` only when
    /// `allow_unmatched_artifacts = true`.
    pub defaults: Option<Expectations>,
    /// Expectations per artifact name pattern.
    pub artifacts: Vec<PatternEntry>,
    /// The verifier id written into VSAs.
    pub verifier_id: Option<String>,
    /// The policy says explicitly that it sets no expectation (`allow_no_expectations = true`):
    /// a signed SLSA provenance covering the artifact is then enough.
    pub allow_no_expectations: bool,
    /// With `[[artifacts]]`, an artifact whose name matches no pattern (or that has no name,
    /// such as a bare digest) fails unless the policy says `allow_unmatched_artifacts = true`;
    /// it is then judged by `[defaults]`.
    pub allow_unmatched_artifacts: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    version: u32,
    #[serde(default)]
    verifier_id: Option<String>,
    #[serde(default)]
    allow_no_expectations: bool,
    #[serde(default)]
    allow_unmatched_artifacts: bool,
    #[serde(default)]
    roots: Vec<RootFile>,
    #[serde(default)]
    defaults: Option<ExpectFile>,
    #[serde(default)]
    artifacts: Vec<ArtifactFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootFile {
    name: String,
    #[serde(default)]
    keys: Vec<String>,
    #[serde(default)]
    threshold: Option<usize>,
    #[serde(default)]
    trusted_root: Option<String>,
    #[serde(default)]
    certificate_identity: Option<String>,
    #[serde(default)]
    certificate_identity_regexp: Option<String>,
    #[serde(default)]
    certificate_oidc_issuer: Option<String>,
    #[serde(default)]
    certificate_oidc_issuer_regexp: Option<String>,
    #[serde(default)]
    insecure_ignore_tlog: bool,
    #[serde(default)]
    repo: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    signer_workflow: Option<String>,
    #[serde(default)]
    signer_repo: Option<String>,
    #[serde(default)]
    deny_self_hosted_runners: bool,
    #[serde(default)]
    builders: Option<Vec<String>>,
    #[serde(default)]
    slsa_level: Option<u8>,
}

/// Expectations as written (shared by `[defaults]` and `[[artifacts]]`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    predicate_types: Vec<String>,
    #[serde(default)]
    builder_id: Option<String>,
    #[serde(default)]
    build_type: Option<String>,
    #[serde(default)]
    source_uri: Option<String>,
    #[serde(default)]
    source_ref: Option<String>,
    #[serde(default)]
    source_tag: Option<String>,
    #[serde(default)]
    source_branch: Option<String>,
    #[serde(default)]
    source_versioned_tag: Option<String>,
    #[serde(default)]
    source_commit: Option<String>,
    #[serde(default)]
    external_parameters: BTreeMap<String, toml::Value>,
    #[serde(default)]
    reject_unknown_external_parameters: bool,
    #[serde(default)]
    max_age: Option<String>,
    #[serde(default)]
    min_slsa_level: Option<u8>,
}

type ArtifactFile = ExpectFile;

impl Policy {
    /// Parses a policy from TOML text.
    ///
    /// # Errors
    /// [`Error::PolicySyntax`] for TOML or shape errors (unknown keys are refused),
    /// [`Error::InvalidSetting`] for unusable values.
    pub fn from_toml(text: &str) -> Result<Self> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| Error::PolicySyntax {
            source: Box::new(e),
        })?;
        if file.version != 1 {
            return Err(Error::setting(
                "version",
                &file.version.to_string(),
                "only version 1 is known",
            ));
        }
        let roots = file
            .roots
            .into_iter()
            .map(root_spec)
            .collect::<Result<Vec<_>>>()?;
        let mut names = std::collections::BTreeSet::new();
        for root in &roots {
            if !names.insert(root.name.as_str()) {
                return Err(Error::setting(
                    "roots.name",
                    &root.name,
                    "duplicate root name",
                ));
            }
        }
        let defaults = match file.defaults {
            Some(d) => {
                if d.pattern.is_some() || d.required {
                    return Err(Error::setting(
                        "defaults",
                        "pattern/required",
                        "only allowed in [[artifacts]]",
                    ));
                }
                Some(expectations(&d)?)
            }
            None => None,
        };
        let artifacts = file
            .artifacts
            .iter()
            .map(|a| {
                let pattern = a.pattern.as_deref().ok_or_else(|| {
                    Error::setting(
                        "artifacts.pattern",
                        "",
                        "every [[artifacts]] needs a pattern",
                    )
                })?;
                Ok(PatternEntry {
                    pattern: NamePattern::parse(pattern)?,
                    required: a.required,
                    expectations: expectations(a)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if !file.allow_no_expectations {
            // Fail closed: a policy whose author forgot the expectations would otherwise accept
            // any signed provenance (go-witness GHSA-567m-4668-m656).
            let empty = |e: &Expectations| !e.sets_any_expectation();
            if defaults.as_ref().is_some_and(empty) {
                return Err(Error::setting(
                    "defaults",
                    "",
                    "the policy sets no expectations (no builder, source, build type, parameters, age or level); add some or say `allow_no_expectations = true`",
                ));
            }
            // An entry inherits `[defaults]`: it is empty only when both are.
            let inherited = |a: &PatternEntry| {
                defaults
                    .clone()
                    .unwrap_or_default()
                    .overlay(&a.expectations)
            };
            if let Some(a) = artifacts.iter().find(|a| empty(&inherited(a))) {
                return Err(Error::setting(
                    "artifacts",
                    a.pattern.as_str(),
                    "the policy sets no expectations for this pattern (no builder, source, build type, parameters, age or level); add some or say `allow_no_expectations = true`",
                ));
            }
        }
        Ok(Self {
            roots,
            defaults,
            artifacts,
            verifier_id: file.verifier_id,
            allow_no_expectations: file.allow_no_expectations,
            allow_unmatched_artifacts: file.allow_unmatched_artifacts,
        })
    }
}

fn root_spec(r: RootFile) -> Result<RootSpec> {
    let github = GithubIdentity::parse(
        r.repo.as_deref(),
        r.owner.as_deref(),
        r.signer_workflow.as_deref(),
        r.signer_repo.as_deref(),
        r.deny_self_hosted_runners,
    )?;
    let keyless = !github.is_empty()
        || r.certificate_identity.is_some()
        || r.certificate_identity_regexp.is_some()
        || r.certificate_oidc_issuer.is_some()
        || r.certificate_oidc_issuer_regexp.is_some()
        || r.trusted_root.is_some();
    let anchor = match (r.keys.is_empty(), keyless) {
        (false, false) => {
            let threshold = r.threshold.unwrap_or(1);
            if threshold == 0 || threshold > r.keys.len() {
                return Err(Error::setting(
                    "threshold",
                    &threshold.to_string(),
                    format!("must be between 1 and the {} keys given", r.keys.len()),
                ));
            }
            AnchorSpec::Keys {
                keys: r.keys,
                threshold,
            }
        }
        (true, true) => {
            let (identity, issuer) = keyless_matchers(
                &github,
                [
                    ("certificate_identity", "certificate_identity_regexp"),
                    ("certificate_oidc_issuer", "certificate_oidc_issuer_regexp"),
                ],
                (r.certificate_identity, r.certificate_identity_regexp),
                (r.certificate_oidc_issuer, r.certificate_oidc_issuer_regexp),
            )?;
            AnchorSpec::Keyless {
                trusted_root: r.trusted_root,
                identity,
                issuer,
                insecure_ignore_tlog: r.insecure_ignore_tlog,
                github: Box::new(github),
            }
        }
        (false, true) => {
            return Err(Error::setting(
                "roots",
                &r.name,
                "a root has keys or a keyless identity, not both",
            ));
        }
        (true, false) => {
            return Err(Error::setting(
                "roots",
                &r.name,
                "a root needs keys or a keyless identity",
            ));
        }
    };
    // An explicitly empty list is a mistake, not a wildcard: omit `builders` for "any".
    if r.builders.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::setting(
            "roots.builders",
            &r.name,
            "an empty builders list would let this root sign for no builder; omit `builders` to accept any",
        ));
    }
    let builders = r
        .builders
        .iter()
        .flatten()
        .map(|b| BuilderRule::parse(b))
        .collect::<Result<Vec<_>>>()?;
    if let Some(level) = r.slsa_level
        && level > 3
    {
        return Err(Error::setting(
            "slsa_level",
            &level.to_string(),
            "SLSA build levels are 0 to 3",
        ));
    }
    Ok(RootSpec {
        name: r.name,
        anchor,
        builders,
        slsa_level: r.slsa_level,
    })
}

/// The identity and issuer matchers of a keyless root. With GitHub's constraints naming the
/// repository, owner or signer, they are the identity (the certificate identity is then the
/// signer workflow's, or any) and the issuer defaults to GitHub's; otherwise both the identity
/// and the issuer must be given.
///
/// `fields` names the settings in messages: `[(identity, identity_regexp), (issuer,
/// issuer_regexp)]`.
///
/// # Errors
/// [`Error::InvalidSetting`] naming the missing or malformed field (a regexp that matches the
/// empty string other than an explicit `.*` is refused: see [`matcher`]), or when an identity
/// is given together with `signer_workflow` / `signer_repo`.
pub fn keyless_matchers(
    github: &GithubIdentity,
    fields: [(&'static str, &'static str); 2],
    identity: (Option<String>, Option<String>),
    issuer: (Option<String>, Option<String>),
) -> Result<(Matcher, Matcher)> {
    let identity_given = identity.0.is_some() || identity.1.is_some();
    let identity = match (github.signer_regexp(), identity_given) {
        (Some(_), true) => {
            return Err(Error::setting(
                fields[0].0,
                "",
                "give a certificate identity or signer_workflow / signer_repo, not both",
            ));
        }
        (Some(re), false) => Matcher::Regexp(re),
        // gh's default: the signer is a workflow of the repository (or owner) named, i.e. the
        // user's own workflow, not any workflow that ran for it (gh `newEnforcementCriteria`).
        (None, false) if github.names_signer() => Matcher::Regexp(github.own_signer_regexp()?),
        (None, _) => matcher(fields[0], identity.0, identity.1)?,
    };
    if (github.signer_workflow.is_some() || github.signer_repo.is_some())
        && github.repo.is_none()
        && github.owner.is_none()
    {
        return Err(Error::setting(
            "signer_workflow",
            "",
            "signer_workflow / signer_repo constrain who signed; give the repository or owner the artifact comes from too (repo or owner, as gh requires)",
        ));
    }
    let issuer = if github.names_signer() && issuer.0.is_none() && issuer.1.is_none() {
        Matcher::Exact(github.default_issuer()?)
    } else {
        matcher(fields[1], issuer.0, issuer.1)?
    };
    Ok((identity, issuer))
}

/// Whether `re` is the explicit "accept any" spelling: `.*` or `^.*$`.
pub fn is_explicit_any(re: &str) -> bool {
    matches!(re, ".*" | "^.*$")
}

/// Checks an identity or issuer regexp: it must compile, and a regexp that matches the empty
/// string matches every value (it is searched for): an empty one (an unset variable), `^`,
/// `|`, `(?:)`, `x*`... is refused unless it is the explicit opt-in `.*` (or `^.*$`). Every
/// path that turns a [`Matcher::Regexp`] into a certificate policy applies it (the policy
/// file, the flags, and library callers that build the matcher themselves).
///
/// # Errors
/// [`Error::InvalidSetting`] naming `field`.
pub fn check_regexp(field: &'static str, re: &str) -> Result<()> {
    let compiled = regex::Regex::new(re).map_err(|e| Error::setting(field, re, e.to_string()))?;
    if compiled.is_match("") && !is_explicit_any(re) {
        return Err(Error::setting(
            field,
            re,
            "matches the empty string, so it accepts any value (an empty or unset setting?); \
             to accept any, spell out `.*`",
        ));
    }
    Ok(())
}

/// Builds a matcher from an exact and a regexp spelling: exactly one must be given. `fields`
/// is `(exact field, regexp field)`, for messages.
///
/// A regexp that matches the empty string matches every value (it is searched for): an empty
/// one (an unset variable), `^`, `|`, `(?:)`, `x*`... Such a regexp is refused unless it is the
/// explicit opt-in `.*` (or `^.*$`).
///
/// # Errors
/// [`Error::InvalidSetting`] when none or both are given, the regexp does not compile, or it
/// matches the empty string without being `.*`.
pub fn matcher(
    fields: (&'static str, &'static str),
    exact: Option<String>,
    regexp: Option<String>,
) -> Result<Matcher> {
    let field = fields.0;
    match (exact, regexp) {
        (Some(e), None) => Ok(Matcher::Exact(e)),
        (None, Some(r)) => {
            check_regexp(fields.1, &r)?;
            Ok(Matcher::Regexp(r))
        }
        (Some(_), Some(_)) => Err(Error::setting(
            field,
            "",
            "give the exact value or the regexp, not both",
        )),
        (None, None) => Err(Error::setting(
            field,
            "",
            "keyless verification needs both an identity and an issuer constraint (spell out `.*` regexps to accept any)",
        )),
    }
}

fn expectations(f: &ExpectFile) -> Result<Expectations> {
    let mut e = Expectations {
        predicate_types: f.predicate_types.clone(),
        ..Expectations::default()
    };
    if let Some(b) = &f.builder_id {
        e.builder = Some(BuilderRule::parse(b)?);
    }
    e.build_type.clone_from(&f.build_type);
    if let Some(s) = &f.source_uri {
        e.source_repository = Some(SourceRepo::parse(s)?);
    }
    e.source_ref = ref_expectation(
        f.source_ref.as_deref(),
        f.source_tag.as_deref(),
        f.source_branch.as_deref(),
        f.source_versioned_tag.as_deref(),
    )?;
    if let Some(c) = &f.source_commit {
        e.source_commit = Some(commit(c)?);
    }
    for (k, v) in &f.external_parameters {
        let json = serde_json::to_value(v)
            .map_err(|err| Error::setting("external_parameters", k, err.to_string()))?;
        e.external_parameters.insert(k.clone(), json);
    }
    e.reject_unknown_external_parameters = f.reject_unknown_external_parameters;
    if let Some(age) = &f.max_age {
        e.max_age = Some(parse_duration(age)?);
    }
    e.min_slsa_level = f.min_slsa_level;
    Ok(e)
}

/// At most one of ref, tag, branch and versioned tag.
///
/// # Errors
/// [`Error::InvalidSetting`] when more than one is given or a versioned tag is not semver.
pub fn ref_expectation(
    reference: Option<&str>,
    tag: Option<&str>,
    branch: Option<&str>,
    versioned_tag: Option<&str>,
) -> Result<Option<RefExpectation>> {
    let given = [reference, tag, branch, versioned_tag]
        .iter()
        .filter(|x| x.is_some())
        .count();
    if given > 1 {
        return Err(Error::setting(
            "source ref",
            "",
            "give only one of ref, tag, branch, versioned tag",
        ));
    }
    let nonempty = |field: &'static str, v: &str| {
        if v.is_empty() || v.chars().any(char::is_whitespace) {
            Err(Error::setting(field, v, "empty or contains spaces"))
        } else {
            Ok(v.to_owned())
        }
    };
    Ok(if let Some(r) = reference {
        Some(RefExpectation::Exact(nonempty("source ref", r)?))
    } else if let Some(t) = tag {
        Some(RefExpectation::Tag(nonempty("source tag", t)?))
    } else if let Some(b) = branch {
        Some(RefExpectation::Branch(nonempty("source branch", b)?))
    } else if let Some(v) = versioned_tag {
        Some(RefExpectation::VersionedTag(SemVer::parse(v)?))
    } else {
        None
    })
}

/// A full commit id (40 or 64 hex digits), lowercased.
///
/// # Errors
/// [`Error::InvalidSetting`] otherwise (abbreviated ids would be prefix matches).
pub fn commit(value: &str) -> Result<String> {
    if (value.len() == 40 || value.len() == 64) && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(Error::setting(
            "source commit",
            value,
            "a full 40 or 64 hex digit commit id",
        ))
    }
}

/// Parses a duration with `humantime`: `90s`, `15m`, `12h`, `30d`, `2w`, `1h 30m`, `1y`
/// (365.25 days), ...; a bare number is seconds.
///
/// # Errors
/// [`Error::InvalidSetting`] otherwise.
pub fn parse_duration(text: &str) -> Result<Duration> {
    let bad = || {
        Error::setting(
            "max_age",
            text,
            "a duration such as 30d, 12h, 2w or 1h 30m (humantime syntax; a bare number is seconds)",
        )
    };
    if text.len() > 64 {
        return Err(bad());
    }
    // A bare number has always meant seconds; humantime wants a unit.
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map(Duration::from_secs).map_err(|_| bad());
    }
    humantime::parse_duration(text).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
version = 1
verifier_id = "https://deploy.example.com/gate"

[[roots]]
name = "release-key"
keys = ["keys/release.pub"]
builders = ["https://ci.example.com/builder@semver"]
slsa_level = 2

[[roots]]
name = "gha"
certificate_identity_regexp = "https://github.com/slsa-framework/.*"
certificate_oidc_issuer = "https://token.actions.githubusercontent.com"

[defaults]
source_uri = "github.com/example/app"

[[artifacts]]
pattern = "dist/*.tar.gz"
required = true
source_branch = "main"
max_age = "30d"
[artifacts.external_parameters]
release = true
n = 3
"#;

    #[test]
    fn example_parses() {
        let p = Policy::from_toml(EXAMPLE).unwrap();
        assert_eq!(p.roots.len(), 2);
        assert!(matches!(
            p.roots[0].anchor,
            AnchorSpec::Keys { threshold: 1, .. }
        ));
        assert!(matches!(
            p.roots[1].anchor,
            AnchorSpec::Keyless {
                identity: Matcher::Regexp(_),
                ..
            }
        ));
        let a = &p.artifacts[0];
        assert!(a.required);
        assert_eq!(
            a.expectations.max_age,
            Some(Duration::from_secs(30 * 86_400))
        );
        assert_eq!(
            a.expectations.external_parameters["release"],
            Value::Bool(true)
        );
        assert_eq!(
            a.expectations.external_parameters["n"],
            serde_json::json!(3)
        );
        assert_eq!(
            p.defaults.unwrap().source_repository.unwrap().as_str(),
            "github.com/example/app"
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            "version = 2",
            "version = 1\nunknown = 1",
            "version = 1\n[[roots]]\nname = \"a\"",
            "version = 1\n[[roots]]\nname = \"a\"\ncertificate_identity = \"x\"",
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\nthreshold = 2",
            "version = 1\n[[artifacts]]\nsource_uri = \"github.com/o/r\"",
            "version = 1\n[[artifacts]]\npattern = \"x\"\nsource_tag = \"a\"\nsource_branch = \"b\"",
            "version = 1\n[[artifacts]]\npattern = \"x\"\nsource_commit = \"abc\"",
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]",
            // R3: an explicitly empty builders list is refused, not a wildcard.
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\nbuilders = []",
            // R4: a policy that sets no expectations is refused unless it says so.
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\n[defaults]",
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\n[defaults]\npredicate_types = [\"https://slsa.dev/provenance/v1\"]",
            "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\n[defaults]\npredicate_types = [\"https://slsa.dev/provenance/v1\"]\n[[artifacts]]\npattern = \"x\"",
        ] {
            assert!(Policy::from_toml(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn match_everything_regexps_are_refused() {
        let policy = |identity: &str, issuer: &str| {
            Policy::from_toml(&format!(
                "version = 1\n[[roots]]\nname = \"a\"\n{identity}\n{issuer}\n\
                 [defaults]\nsource_uri = \"github.com/o/r\""
            ))
        };
        for re in ["", "^", "|", "(?:)", "^$|", "(?i)", "x*"] {
            let err = policy(
                &format!("certificate_identity_regexp = '{re}'"),
                "certificate_oidc_issuer = \"https://iss\"",
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("certificate_identity_regexp")
                    && err.contains("matches the empty string"),
                "{re:?}: {err}"
            );
            let err = policy(
                "certificate_identity = \"https://x/y\"",
                &format!("certificate_oidc_issuer_regexp = '{re}'"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("certificate_oidc_issuer_regexp")
                    && err.contains("matches the empty string"),
                "{re:?}: {err}"
            );
        }
        for re in [".*", "^.*$"] {
            policy(
                &format!("certificate_identity_regexp = '{re}'"),
                &format!("certificate_oidc_issuer_regexp = '{re}'"),
            )
            .unwrap_or_else(|e| panic!("{re:?}: {e}"));
        }
    }

    #[test]
    fn builders_and_expectations() {
        let root = "version = 1\n[[roots]]\nname = \"a\"\nkeys = [\"k\"]\n";
        let p = Policy::from_toml(&format!(
            "{root}[defaults]\nsource_uri = \"github.com/o/r\""
        ))
        .unwrap();
        assert!(p.roots[0].builders.is_empty());
        let err = Policy::from_toml(&format!(
            "{root}builders = []\n[defaults]\nmin_slsa_level = 1"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("empty builders list"), "{err}");
        let err = Policy::from_toml(&format!("{root}[defaults]"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sets no expectations"), "{err}");
        let p =
            Policy::from_toml(&format!("allow_no_expectations = true\n{root}[defaults]")).unwrap();
        assert!(p.allow_no_expectations);
        assert!(!p.allow_unmatched_artifacts);
        let p = Policy::from_toml(&format!(
            "allow_unmatched_artifacts = true\n{root}[defaults]\nmin_slsa_level = 1"
        ))
        .unwrap();
        assert!(p.allow_unmatched_artifacts);
        // Roots only: the expectations come from the command line (checked there).
        assert!(Policy::from_toml(root).is_ok());
        // An entry that sets nothing itself inherits [defaults]: not empty.
        let p = Policy::from_toml(&format!(
            "{root}[defaults]\nsource_uri = \"github.com/o/r\"\n[[artifacts]]\npattern = \"x\""
        ))
        .unwrap();
        assert!(!p.artifacts[0].expectations.sets_any_expectation());
    }

    #[test]
    fn github_identity_spellings() {
        let g = GithubIdentity::parse(
            Some("ghe.example.com/o/r"),
            None,
            Some("o/r/.github/workflows/release.yml@refs/tags/v1"),
            None,
            true,
        )
        .unwrap();
        assert_eq!(
            g.repo,
            Some(("ghe.example.com".into(), "o".into(), "r".into()))
        );
        let re = regex::Regex::new(&g.signer_regexp().unwrap()).unwrap();
        assert!(re.is_match("https://GitHub.com/O/r/.github/workflows/release.yml@refs/tags/v1"));
        assert!(!re.is_match("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v10"));
        assert!(!re.is_match("https://github.com/o/r/.github/workflows/release.yml2@refs/tags/v1"));
        let facts: Vec<GithubFact> = g.extension_constraints().iter().map(|c| c.0).collect();
        assert_eq!(
            facts,
            [
                GithubFact::SourceRepositoryUri,
                GithubFact::SourceRepositoryOwnerUri,
                GithubFact::BuildSignerUri,
                GithubFact::RunnerEnvironment
            ]
        );
        // The repository's host decides the default issuer.
        assert!(g.default_issuer().is_err());
        let g = GithubIdentity::parse(None, Some("acme.ghe.com/o"), None, None, false).unwrap();
        assert_eq!(
            g.default_issuer().unwrap(),
            "https://token.actions.acme.ghe.com"
        );
        let g = GithubIdentity::parse(None, None, None, Some("o/r"), false).unwrap();
        let re = regex::Regex::new(&g.signer_regexp().unwrap()).unwrap();
        assert!(re.is_match("https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"));
        assert!(
            !re.is_match("https://github.com/o/r-evil/.github/workflows/x.yml@refs/heads/main")
        );
        assert!(!re.is_match("https://evil.com/https://github.com/o/r/x"));
        assert_eq!(g.default_issuer().unwrap(), GITHUB_ACTIONS_ISSUER);
        assert!(GithubIdentity::parse(Some("o/r"), Some("O"), None, None, false).is_ok());
        for (repo, owner, workflow) in [
            (Some("o/r"), Some("other"), None),
            (Some("o"), None, None),
            (Some("o/r/x"), None, None),
            (Some("o/.."), None, None),
            (None, Some("o r"), None),
            (None, None, Some("o/r")),
            (None, None, Some("o/r/w.yml@")),
            (None, None, Some("o/r/../w.yml")),
        ] {
            assert!(
                GithubIdentity::parse(repo, owner, workflow, None, false).is_err(),
                "{repo:?} {owner:?} {workflow:?}"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(
            parse_duration("2w").unwrap(),
            Duration::from_secs(1_209_600)
        );
        let cases = [
            ("90s", 90),
            ("15m", 900),
            ("12h", 43_200),
            ("30d", 2_592_000),
            ("2w", 1_209_600),
            ("1h 30m", 5_400),
            ("1day", 86_400),
            ("1.5h", 5_400),
            ("1y", 31_557_600),
            ("0", 0),
        ];
        for (text, secs) in cases {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_secs(secs),
                "{text}"
            );
        }
        for text in ["", "d", "-1d", "30 parsecs", "99999999999999999999", "30d!"] {
            let err = parse_duration(text).unwrap_err().to_string();
            assert!(err.contains("max_age"), "{text}: {err}");
        }
        assert!(parse_duration(&"1".repeat(65)).is_err());
    }
}
