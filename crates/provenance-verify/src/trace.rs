//! Chain walking for `provenance trace`: from an artifact, follow the `resolvedDependencies` of
//! its verified provenance through a store of attestations (image <- binary <- source),
//! verifying every hop under the same roots of trust, down to source commits. Depth is bounded
//! and cycles are detected; a dependency with no verified provenance ends its branch as a
//! failure (fail closed), unless it is a source checkout (a git URI with a commit).

use std::collections::BTreeSet;

use provenance_digest::DigestSet;
use serde::Serialize;
use time::OffsetDateTime;

use crate::engine::{ACCEPTED_ALGORITHMS, Artifact, ArtifactReport, Engine, Verdict, VerifiedSet};
use crate::facts::Dependency;

/// What a node of the chain is.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NodeKind {
    /// An artifact judged against its verified provenance.
    Artifact {
        /// The verdict, failures and trace of this hop.
        report: Box<ArtifactReport>,
    },
    /// A source checkout: where the chain ends, successfully.
    Source {
        /// The repository URI (with its ref), as the statement names it.
        uri: String,
        /// The commit.
        commit: String,
    },
    /// A dependency already shown elsewhere in the chain (reached by another path).
    Seen,
    /// A dependency that is one of its own ancestors.
    Cycle,
    /// The chain is deeper than the limit.
    DepthLimit {
        /// The limit.
        max: usize,
    },
    /// A dependency without a digest we accept, so it cannot be verified.
    Unverifiable,
}

/// One node of the chain.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Its name (artifact name, dependency name or URI).
    pub name: String,
    /// Its digests.
    pub digests: DigestSet,
    /// What it is.
    #[serde(flatten)]
    pub kind: NodeKind,
    /// The dependencies of its verified provenance.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Node>,
}

impl Node {
    /// Whether this node and everything below it is acceptable.
    pub fn passed(&self) -> bool {
        self.passed_here() && self.dependencies.iter().all(Node::passed)
    }

    /// Whether this node's own hop is acceptable (whatever is below it).
    pub fn passed_here(&self) -> bool {
        match &self.kind {
            NodeKind::Artifact { report } => report.verdict == Verdict::Pass,
            NodeKind::Source { .. } | NodeKind::Seen => true,
            NodeKind::Cycle | NodeKind::DepthLimit { .. } | NodeKind::Unverifiable => false,
        }
    }

    /// The names of the nodes below this one whose own hop fails, in chain order.
    pub fn failing_dependencies(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for d in &self.dependencies {
            if !d.passed_here() {
                out.push(d.name.as_str());
            }
            out.extend(d.failing_dependencies());
        }
        out
    }
}

/// Walks the chain from `artifact` through the attestations in `store`.
pub fn trace(
    verifier: &Engine,
    artifact: &Artifact,
    store: &VerifiedSet,
    now: OffsetDateTime,
) -> Node {
    let mut walker = Walker {
        verifier,
        store,
        now,
        seen: BTreeSet::new(),
        path: Vec::new(),
    };
    walker.visit(artifact.name(), artifact.digests(), 0, Some(artifact))
}

struct Walker<'a> {
    verifier: &'a Engine,
    store: &'a VerifiedSet,
    now: OffsetDateTime,
    seen: BTreeSet<String>,
    path: Vec<String>,
}

fn key_of(d: &DigestSet) -> Option<String> {
    ACCEPTED_ALGORITHMS
        .iter()
        .find_map(|a| d.get_algorithm(*a).map(|hex| format!("{}:{hex}", a.name())))
}

fn is_source(dep: &Dependency) -> Option<String> {
    let uri = dep.uri.as_deref()?;
    if !uri.starts_with("git+") {
        return None;
    }
    dep.commit()
}

impl Walker<'_> {
    /// `top` is the artifact asked about (with its policy name and whether it was hashed); the
    /// dependencies below it are named by the statements.
    fn visit(
        &mut self,
        name: &str,
        digests: &DigestSet,
        depth: usize,
        top: Option<&Artifact>,
    ) -> Node {
        let node = |kind| Node {
            name: name.to_owned(),
            digests: digests.clone(),
            kind,
            dependencies: Vec::new(),
        };
        let Some(key) = key_of(digests) else {
            return node(NodeKind::Unverifiable);
        };
        if self.path.contains(&key) {
            return node(NodeKind::Cycle);
        }
        if self.seen.contains(&key) {
            return node(NodeKind::Seen);
        }
        let max = self.verifier.limits().max_trace_depth();
        if depth > max {
            return node(NodeKind::DepthLimit { max });
        }
        self.seen.insert(key.clone());
        let report = match top {
            Some(artifact) => self.verifier.judge_artifact(artifact, self.store, self.now),
            None => self.verifier.judge_dependency(
                &Artifact::new(name, digests.clone()),
                self.store,
                self.now,
            ),
        };
        let mut deps: Vec<Dependency> = Vec::new();
        if report.verdict == Verdict::Pass {
            for t in &report.trace {
                for d in t.claimed.facts.dependencies.iter() {
                    if !deps.contains(d) {
                        deps.push(d.clone());
                    }
                }
            }
        }
        self.path.push(key);
        let mut children = Vec::new();
        for dep in deps {
            let dep_name = dep
                .name
                .clone()
                .or_else(|| dep.uri.clone())
                .unwrap_or_else(|| "(unnamed)".to_owned());
            let dep_digests = digest_set_of(&dep);
            if let Some(commit) = is_source(&dep) {
                children.push(Node {
                    name: dep_name,
                    digests: dep_digests,
                    kind: NodeKind::Source {
                        uri: dep.uri.clone().unwrap_or_default(),
                        commit,
                    },
                    dependencies: Vec::new(),
                });
                continue;
            }
            children.push(self.visit(&dep_name, &dep_digests, depth + 1, None));
        }
        self.path.pop();
        Node {
            name: name.to_owned(),
            digests: digests.clone(),
            kind: NodeKind::Artifact {
                report: Box::new(report),
            },
            dependencies: children,
        }
    }
}

fn digest_set_of(dep: &Dependency) -> DigestSet {
    dep.digest.clone()
}
