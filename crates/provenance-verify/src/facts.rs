//! What a statement *claims* about how an artifact was built, read from its predicate:
//! SLSA Provenance v1, or v0.2 mapped onto the same fields. Nothing here is vouched for by a
//! signature beyond "the signer signed a statement saying so".

use serde::Serialize;
use serde_json::{Map, Value};

use crate::rules::SourceRepo;

/// SLSA Provenance v1 predicate type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// SLSA Provenance v0.2 predicate type (read through the v1 field mapping).
pub const SLSA_PROVENANCE_V02: &str = "https://slsa.dev/provenance/v0.2";
/// SLSA Verification Summary v1 predicate type.
pub const VSA_V1: &str = "https://slsa.dev/verification_summary/v1";

/// A dependency the build resolved (`resolvedDependencies` in v1, `materials` in v0.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependency {
    /// Its URI, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Its name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its digests (algorithm -> hex), as written.
    pub digest: std::collections::BTreeMap<String, String>,
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
    /// When the build started (RFC 3339, as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_on: Option<String>,
    /// When the build finished (RFC 3339, as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_on: Option<String>,
    /// `buildDefinition.externalParameters` (v0.2: `invocation.parameters`).
    #[serde(skip)]
    pub external_parameters: Option<Map<String, Value>>,
    /// The resolved dependencies.
    #[serde(skip)]
    pub dependencies: Vec<Dependency>,
    /// Every source claim the statement makes (see [`SourceClaim`]).
    #[serde(skip)]
    pub source_claims: Vec<SourceClaim>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))?
        .as_str()
        .filter(|s| !s.is_empty())
}

/// `str_at` from a JSON object.
fn str_in<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (first, rest) = path.split_first()?;
    str_at(map.get(*first)?, rest)
}

fn dependencies(list: Option<&Value>) -> Vec<Dependency> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|d| Dependency {
                    uri: str_at(d, &["uri"]).map(str::to_owned),
                    name: str_at(d, &["name"]).map(str::to_owned),
                    digest: d
                        .get("digest")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn commit_of(digest: &std::collections::BTreeMap<String, String>) -> Option<String> {
    digest
        .get("gitCommit")
        .or_else(|| digest.get("sha1"))
        .cloned()
}

impl SourceClaim {
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
    /// Reads the facts of a SLSA provenance predicate (`v1` or `v0.2`); other predicate types
    /// yield no facts.
    pub fn from_predicate(predicate_type: &str, predicate: &Value) -> Self {
        match predicate.as_object() {
            Some(map) => Self::from_predicate_map(predicate_type, map),
            None => Self::default(),
        }
    }

    /// As [`Facts::from_predicate`], from the predicate object.
    pub fn from_predicate_map(predicate_type: &str, predicate: &Map<String, Value>) -> Self {
        match predicate_type {
            SLSA_PROVENANCE_V1 => Self::from_v1(predicate),
            SLSA_PROVENANCE_V02 => Self::from_v02(predicate),
            _ => Self::default(),
        }
    }

    fn from_v1(p: &Map<String, Value>) -> Self {
        let bd = p.get("buildDefinition").unwrap_or(&Value::Null);
        let ext = bd
            .get("externalParameters")
            .and_then(Value::as_object)
            .cloned();
        let deps = dependencies(bd.get("resolvedDependencies"));
        let mut facts = Self {
            builder_id: str_in(p, &["runDetails", "builder", "id"]).map(str::to_owned),
            build_type: str_at(bd, &["buildType"]).map(str::to_owned),
            invocation: str_in(p, &["runDetails", "metadata", "invocationId"]).map(str::to_owned),
            started_on: str_in(p, &["runDetails", "metadata", "startedOn"]).map(str::to_owned),
            finished_on: str_in(p, &["runDetails", "metadata", "finishedOn"]).map(str::to_owned),
            ..Self::default()
        };
        // The source: the first git dependency (slsa-github-generator, GitHub artifact
        // attestations, npm, this toolkit), else the GitHub workflow parameters.
        if let Some(dep) = deps
            .iter()
            .find(|d| d.uri.as_deref().is_some_and(|u| u.starts_with("git+")))
        {
            facts.set_source(dep.uri.as_deref(), None);
            facts.source_commit = commit_of(&dep.digest);
        }
        let ext_value = bd.get("externalParameters").unwrap_or(&Value::Null);
        if facts.source_uri.is_none() {
            let repo = str_at(ext_value, &["workflow", "repository"])
                .or_else(|| str_at(ext_value, &["source", "uri"]))
                .or_else(|| str_at(ext_value, &["source"]));
            facts.set_source(repo, None);
        }
        if facts.source_ref.is_none() {
            facts.source_ref = str_at(ext_value, &["workflow", "ref"])
                .or_else(|| str_at(ext_value, &["source", "ref"]))
                .map(str::to_owned);
        }
        for (i, dep) in deps.iter().enumerate() {
            if let Some(uri) = dep.uri.as_deref().filter(|u| u.starts_with("git+")) {
                facts.source_claims.push(SourceClaim::from_uri(
                    format!("resolvedDependencies[{i}]"),
                    uri,
                    commit_of(&dep.digest),
                ));
            }
        }
        let workflow_repo = str_at(ext_value, &["workflow", "repository"]);
        let workflow_ref = str_at(ext_value, &["workflow", "ref"]);
        if workflow_repo.is_some() || workflow_ref.is_some() {
            facts.source_claims.push(SourceClaim {
                field: "externalParameters.workflow".to_owned(),
                repository: workflow_repo
                    .and_then(|r| SourceRepo::parse(r).ok())
                    .map(|r| r.as_str().to_owned()),
                reference: workflow_ref.map(str::to_owned),
                commit: None,
            });
        }
        facts.external_parameters = ext;
        facts.dependencies = deps;
        facts
    }

    fn from_v02(p: &Map<String, Value>) -> Self {
        let materials = dependencies(p.get("materials"));
        let mut facts = Self {
            builder_id: str_in(p, &["builder", "id"]).map(str::to_owned),
            build_type: str_in(p, &["buildType"]).map(str::to_owned),
            invocation: str_in(p, &["metadata", "buildInvocationId"])
                .or_else(|| str_in(p, &["metadata", "buildInvocationID"]))
                .map(str::to_owned),
            started_on: str_in(p, &["metadata", "buildStartedOn"]).map(str::to_owned),
            finished_on: str_in(p, &["metadata", "buildFinishedOn"]).map(str::to_owned),
            external_parameters: p
                .get("invocation")
                .and_then(|i| i.get("parameters"))
                .and_then(Value::as_object)
                .cloned(),
            ..Self::default()
        };
        let config = p.get("invocation").and_then(|i| i.get("configSource"));
        let config_uri = config.and_then(|c| str_at(c, &["uri"]));
        facts.set_source(config_uri, None);
        facts.source_commit = config
            .and_then(|c| c.get("digest"))
            .and_then(|d| d.get("sha1").or_else(|| d.get("gitCommit")))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if facts.source_ref.is_none() {
            facts.source_ref = p
                .get("invocation")
                .and_then(|i| str_at(i, &["environment", "github_ref"]))
                .map(str::to_owned);
        }
        let mut deps = materials;
        if let Some(uri) = config_uri
            && !deps.iter().any(|d| d.uri.as_deref() == Some(uri))
        {
            {
                let digest = config
                    .and_then(|c| c.get("digest"))
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default();
                deps.insert(
                    0,
                    Dependency {
                        uri: Some(uri.to_owned()),
                        name: None,
                        digest,
                    },
                );
            }
        }
        if let Some(uri) = config_uri {
            facts.source_claims.push(SourceClaim::from_uri(
                "invocation.configSource".to_owned(),
                uri,
                facts.source_commit.clone(),
            ));
        }
        let env = p.get("invocation").and_then(|i| i.get("environment"));
        let env_ref = env.and_then(|e| str_at(e, &["github_ref"]));
        let env_sha = env.and_then(|e| str_at(e, &["github_sha1"]));
        if env_ref.is_some() || env_sha.is_some() {
            facts.source_claims.push(SourceClaim {
                field: "invocation.environment".to_owned(),
                // github_repository is OWNER/REPO on the configSource's host: the claim is
                // about the config source's repository
                repository: None,
                reference: env_ref.map(str::to_owned),
                commit: env_sha.map(str::to_owned),
            });
        }
        for (i, dep) in deps.iter().enumerate() {
            if let Some(uri) = dep.uri.as_deref().filter(|u| u.starts_with("git+"))
                && Some(uri) != config_uri
            {
                facts.source_claims.push(SourceClaim::from_uri(
                    format!("materials[{i}]"),
                    uri,
                    commit_of(&dep.digest),
                ));
            }
        }
        facts.dependencies = deps;
        facts
    }

    fn set_source(&mut self, uri: Option<&str>, _hint: Option<&str>) {
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
        let f = Facts::from_predicate(SLSA_PROVENANCE_V1, &p);
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
        let f = Facts::from_predicate(SLSA_PROVENANCE_V02, &p);
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
    fn other_predicates_have_no_facts() {
        let f = Facts::from_predicate(
            "https://slsa.dev/provenance/v1.0",
            &serde_json::json!({"runDetails": {"builder": {"id": "x"}}}),
        );
        assert_eq!(f, Facts::default());
    }
}
