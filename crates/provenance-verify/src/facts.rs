//! What a statement *claims* about how an artifact was built, read from its predicate through
//! provenance-model's types: SLSA Provenance v1 ([`Provenance`]), or v0.2 ([`ProvenanceV02`])
//! read the same way. Nothing here is vouched for by a signature beyond "the signer signed a
//! statement saying so".

use provenance_digest::DigestSet;
use provenance_model::{Provenance, ProvenanceV02, ResourceDescriptor, SlsaProvenance, Timestamp};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::rules::SourceRepo;

/// A dependency the build resolved (`resolvedDependencies` in v1, `materials` in v0.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependency {
    /// Its URI, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Its name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its digests (validated by the model when the statement was read).
    pub digest: DigestSet,
}

impl Dependency {
    fn of(descriptor: &ResourceDescriptor) -> Self {
        Self {
            uri: non_empty(descriptor.uri()),
            name: non_empty(descriptor.name()),
            digest: descriptor.digest().cloned().unwrap_or_default(),
        }
    }

    /// The commit a git dependency names (`gitCommit`, else `sha1`).
    pub fn commit(&self) -> Option<String> {
        self.digest
            .get("gitCommit")
            .or_else(|| self.digest.get("sha1"))
            .map(str::to_owned)
    }

    fn is_git(&self) -> bool {
        self.uri.as_deref().is_some_and(|u| u.starts_with("git+"))
    }
}

/// One place where a statement states its source (a git dependency, the GitHub workflow
/// parameters, v0.2's config source or GitHub environment): each must agree with a keyless
/// signer's certificate, not only the one taken as *the* source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceClaim {
    /// Where the claim is (`resolvedDependencies[1].uri`, `externalParameters.workflow`, ...).
    pub field: String,
    /// The repository, normalised (`host/path`), when the claim names one.
    pub repository: Option<String>,
    /// The ref, when the claim names one.
    pub reference: Option<String>,
    /// The commit, when the claim names one.
    pub commit: Option<String>,
}

/// The build facts a provenance statement claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Facts {
    /// `runDetails.builder.id` (v0.2: `builder.id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// `buildDefinition.buildType` (v0.2: `buildType`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_type: Option<String>,
    /// The source repository, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_uri: Option<String>,
    /// The source repository, normalised (`host/path`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_repository: Option<String>,
    /// The source ref (`refs/heads/main`, `refs/tags/v1.2.3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// The source commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
    /// The invocation (run) id or URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocation: Option<String>,
    /// When the build started (parsed once, when the statement was read; reports show the
    /// text as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_on: Option<Timestamp>,
    /// When the build finished (as `started_on`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_on: Option<Timestamp>,
    /// `buildDefinition.externalParameters` (v0.2: `invocation.parameters`). Shared (see
    /// [`Facts::share`]): the statements of one build or pipeline mostly state the same.
    #[serde(skip)]
    pub external_parameters: Option<Arc<Map<String, Value>>>,
    /// The resolved dependencies (shared as `external_parameters`).
    #[serde(skip)]
    pub dependencies: Arc<[Dependency]>,
    /// Every source claim the statement makes (see [`SourceClaim`]; shared as
    /// `external_parameters`).
    #[serde(skip)]
    pub source_claims: Arc<[SourceClaim]>,
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A non-empty string at `path` inside a free-form JSON value (`externalParameters` and v0.2's
/// `invocation.environment` are defined by each build type, not by the SLSA schema).
fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))?
        .as_str()
        .filter(|s| !s.is_empty())
}

/// [`str_at`] from a JSON object.
fn str_in<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (first, rest) = path.split_first()?;
    str_at(map.get(*first)?, rest)
}

impl SourceClaim {
    /// Whether the claim states *the* source of the build (the workflow or source
    /// parameters), rather than one of its inputs (a dependency).
    pub fn states_the_source(&self) -> bool {
        self.field.starts_with("externalParameters.")
    }

    fn from_uri(field: String, uri: &str, commit: Option<String>) -> Self {
        let (repository, reference) = match SourceRepo::split_uri(uri) {
            Ok((repo, reference)) => (Some(repo.as_str().to_owned()), reference),
            Err(_) => (None, None),
        };
        Self {
            field,
            repository,
            reference,
            commit,
        }
    }
}

impl Facts {
    /// The facts a SLSA provenance predicate (v1 or v0.2) claims.
    pub fn from_provenance(provenance: &SlsaProvenance) -> Self {
        match provenance {
            SlsaProvenance::V1(p) => Self::from_v1(p),
            SlsaProvenance::V02(p) => Self::from_v02(p),
            // a future version: no facts, so every expectation about the build fails
            _ => Self::default(),
        }
    }

    /// The facts of a SLSA Provenance v1 predicate.
    pub fn from_v1(p: &Provenance) -> Self {
        let def = p.build_definition();
        let run = p.run_details();
        let meta = run.metadata();
        let deps: Vec<Dependency> = def
            .resolved_dependencies()
            .iter()
            .map(Dependency::of)
            .collect();
        let mut facts = Self {
            builder_id: Some(run.builder().id().as_str().to_owned()),
            build_type: Some(def.build_type().as_str().to_owned()),
            invocation: non_empty(meta.and_then(|m| m.invocation_id())),
            started_on: meta.and_then(|m| m.started_on()).cloned(),
            finished_on: meta.and_then(|m| m.finished_on()).cloned(),
            ..Self::default()
        };
        // The source: the first git dependency (slsa-github-generator, GitHub artifact
        // attestations, npm, this toolkit), else the GitHub workflow parameters.
        if let Some(dep) = deps.iter().find(|d| d.is_git()) {
            facts.set_source(dep.uri.as_deref());
            facts.source_commit = dep.commit();
        }
        let ext = def.external_parameters();
        if facts.source_uri.is_none() {
            let repo = str_in(ext, &["workflow", "repository"])
                .or_else(|| str_in(ext, &["source", "uri"]))
                .or_else(|| str_in(ext, &["source"]));
            facts.set_source(repo);
        }
        if facts.source_ref.is_none() {
            facts.source_ref = str_in(ext, &["workflow", "ref"])
                .or_else(|| str_in(ext, &["source", "ref"]))
                .map(str::to_owned);
        }
        let mut claims = Vec::new();
        for (i, dep) in deps.iter().enumerate() {
            if let Some(uri) = dep.uri.as_deref().filter(|_| dep.is_git()) {
                claims.push(SourceClaim::from_uri(
                    format!("resolvedDependencies[{i}]"),
                    uri,
                    dep.commit(),
                ));
            }
        }
        let workflow_repo = str_in(ext, &["workflow", "repository"]);
        let workflow_ref = str_in(ext, &["workflow", "ref"]);
        if workflow_repo.is_some() || workflow_ref.is_some() {
            claims.push(SourceClaim {
                field: "externalParameters.workflow".to_owned(),
                repository: workflow_repo
                    .and_then(|r| SourceRepo::parse(r).ok())
                    .map(|r| r.as_str().to_owned()),
                reference: workflow_ref.map(str::to_owned),
                commit: None,
            });
        }
        // The requested source (`externalParameters.source`, a URI string or {uri, ref}): a
        // statement whose requested and resolved source disagree must not be judged by the
        // favourable one.
        let source_uri = str_in(ext, &["source", "uri"]).or_else(|| str_in(ext, &["source"]));
        let source_ref = str_in(ext, &["source", "ref"]);
        let mut source_repo = None;
        if let Some(uri) = source_uri {
            let claim = SourceClaim::from_uri("externalParameters.source".to_owned(), uri, None);
            source_repo.clone_from(&claim.repository);
            claims.push(claim);
        }
        if let Some(reference) = source_ref {
            claims.push(SourceClaim {
                field: "externalParameters.source.ref".to_owned(),
                repository: source_repo,
                reference: Some(reference.to_owned()),
                commit: None,
            });
        }
        facts.external_parameters = Some(Arc::new(ext.clone()));
        facts.dependencies = deps.into();
        facts.source_claims = claims.into();
        facts
    }

    /// The facts of a SLSA Provenance v0.2 predicate: the same fields as v1 (see
    /// [`ProvenanceV02::to_v1`] for the mapping), plus the claims only v0.2 makes
    /// (`invocation.environment`'s GitHub ref and commit).
    pub fn from_v02(p: &ProvenanceV02) -> Self {
        let invocation = p.invocation();
        let meta = p.metadata();
        let config = invocation.and_then(|i| i.config_source());
        let environment = invocation.and_then(|i| i.environment());
        let mut facts = Self {
            builder_id: Some(p.builder().id().as_str().to_owned()),
            build_type: Some(p.build_type().as_str().to_owned()),
            invocation: non_empty(meta.and_then(|m| m.build_invocation_id())),
            started_on: meta.and_then(|m| m.build_started_on()).cloned(),
            finished_on: meta.and_then(|m| m.build_finished_on()).cloned(),
            external_parameters: invocation
                .and_then(|i| i.parameters())
                .and_then(Value::as_object)
                .map(|m| Arc::new(m.clone())),
            ..Self::default()
        };
        let config_uri = config.and_then(|c| c.uri()).filter(|u| !u.is_empty());
        facts.set_source(config_uri);
        facts.source_commit = config
            .and_then(|c| c.digest())
            .and_then(|d| d.get("sha1").or_else(|| d.get("gitCommit")))
            .map(str::to_owned);
        if facts.source_ref.is_none() {
            facts.source_ref = environment
                .and_then(|e| str_at(e, &["github_ref"]))
                .map(str::to_owned);
        }
        let mut deps: Vec<Dependency> = p.materials().iter().map(Dependency::of).collect();
        if let Some(uri) = config_uri
            && !deps.iter().any(|d| d.uri.as_deref() == Some(uri))
        {
            deps.insert(
                0,
                Dependency {
                    uri: Some(uri.to_owned()),
                    name: None,
                    digest: config.and_then(|c| c.digest()).cloned().unwrap_or_default(),
                },
            );
        }
        let mut claims = Vec::new();
        if let Some(uri) = config_uri {
            claims.push(SourceClaim::from_uri(
                "invocation.configSource".to_owned(),
                uri,
                facts.source_commit.clone(),
            ));
        }
        let env_ref = environment.and_then(|e| str_at(e, &["github_ref"]));
        let env_sha = environment.and_then(|e| str_at(e, &["github_sha1"]));
        if env_ref.is_some() || env_sha.is_some() {
            claims.push(SourceClaim {
                field: "invocation.environment".to_owned(),
                // github_repository is OWNER/REPO on the configSource's host: the claim is
                // about the config source's repository
                repository: None,
                reference: env_ref.map(str::to_owned),
                commit: env_sha.map(str::to_owned),
            });
        }
        for (i, dep) in deps.iter().enumerate() {
            if let Some(uri) = dep.uri.as_deref().filter(|_| dep.is_git())
                && Some(uri) != config_uri
            {
                claims.push(SourceClaim::from_uri(
                    format!("materials[{i}]"),
                    uri,
                    dep.commit(),
                ));
            }
        }
        facts.dependencies = deps.into();
        facts.source_claims = claims.into();
        facts
    }

    /// Shares with `other` (the facts of another statement kept beside these) what both state
    /// alike: the external parameters, dependencies and source claims, kept once.
    pub fn share(&mut self, other: &Self) {
        if self.external_parameters == other.external_parameters {
            self.external_parameters
                .clone_from(&other.external_parameters);
        }
        if self.dependencies == other.dependencies {
            self.dependencies = Arc::clone(&other.dependencies);
        }
        if self.source_claims == other.source_claims {
            self.source_claims = Arc::clone(&other.source_claims);
        }
    }

    fn set_source(&mut self, uri: Option<&str>) {
        let Some(uri) = uri else { return };
        self.source_uri = Some(uri.to_owned());
        if let Ok((repo, reference)) = SourceRepo::split_uri(uri) {
            self.source_repository = Some(repo.as_str().to_owned());
            if reference.is_some() {
                self.source_ref = reference;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use provenance_model::Limits;

    #[test]
    fn v1_github_workflow_shape() {
        let p = serde_json::json!({
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {"ref": "refs/tags/v1.0.0", "repository": "https://github.com/o/r", "path": ".github/workflows/release.yml"}},
                "resolvedDependencies": [{"uri": "git+https://github.com/o/r@refs/tags/v1.0.0", "digest": {"gitCommit": "8f70009fde0c94ade6ce2a054b94718c819126ec"}}]
            },
            "runDetails": {"builder": {"id": "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.0.0"},
                           "metadata": {"invocationId": "https://github.com/o/r/actions/runs/1/attempts/1", "startedOn": "2025-01-01T00:00:00Z"}}
        });
        let p = Provenance::from_slice(p.to_string().as_bytes(), &Limits::default()).unwrap();
        let f = Facts::from_v1(&p);
        assert_eq!(
            f.started_on.as_ref().map(Timestamp::unix_timestamp),
            Some(1_735_689_600)
        );
        assert_eq!(f.source_repository.as_deref(), Some("github.com/o/r"));
        assert_eq!(f.source_ref.as_deref(), Some("refs/tags/v1.0.0"));
        assert_eq!(
            f.source_commit.as_deref(),
            Some("8f70009fde0c94ade6ce2a054b94718c819126ec")
        );
        assert_eq!(
            f.invocation.as_deref(),
            Some("https://github.com/o/r/actions/runs/1/attempts/1")
        );
        assert!(f.external_parameters.unwrap().contains_key("workflow"));
    }

    #[test]
    fn v02_config_source_shape() {
        let p = serde_json::json!({
            "builder": {"id": "https://b@refs/tags/v2.1.0"},
            "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            "invocation": {"configSource": {"uri": "git+https://github.com/o/r@refs/heads/main", "digest": {"sha1": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"}, "entryPoint": "x"}},
            "metadata": {"buildInvocationID": "1-1"}
        });
        let p = ProvenanceV02::from_slice(p.to_string().as_bytes(), &Limits::default()).unwrap();
        let f = Facts::from_provenance(&SlsaProvenance::V02(p));
        assert_eq!(f.builder_id.as_deref(), Some("https://b@refs/tags/v2.1.0"));
        assert_eq!(f.source_repository.as_deref(), Some("github.com/o/r"));
        assert_eq!(f.source_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(
            f.source_commit.as_deref(),
            Some("4d329c75e7ec1725f7c9ce917a8799d408d06be3")
        );
        assert_eq!(f.invocation.as_deref(), Some("1-1"));
        assert_eq!(f.dependencies.len(), 1);
    }

    #[test]
    fn v02_environment_claims_the_ref_and_commit() {
        let p = serde_json::json!({
            "builder": {"id": "https://b"},
            "buildType": "https://bt",
            "invocation": {"configSource": {"uri": "git+https://github.com/o/r", "digest": {"sha1": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"}},
                           "environment": {"github_ref": "refs/heads/main", "github_sha1": "4d329c75e7ec1725f7c9ce917a8799d408d06be3"}},
            "metadata": {"buildStartedOn": "2024-01-01T01:00:00+01:00"}
        });
        let p = ProvenanceV02::from_slice(p.to_string().as_bytes(), &Limits::default()).unwrap();
        let f = Facts::from_v02(&p);
        assert_eq!(f.source_ref.as_deref(), Some("refs/heads/main"));
        let started = f.started_on.as_ref().unwrap();
        assert_eq!(
            started.as_str(),
            "2024-01-01T01:00:00+01:00",
            "written as read"
        );
        assert_eq!(started.unix_timestamp(), 1_704_067_200);
        assert!(
            f.source_claims
                .iter()
                .any(|c| c.field == "invocation.environment"
                    && c.reference.as_deref() == Some("refs/heads/main")),
            "{:?}",
            f.source_claims
        );
    }
}
