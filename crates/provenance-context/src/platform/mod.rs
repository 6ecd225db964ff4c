//! CI platform detection: one module per platform, each reading only its documented variables.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::context::{Platform, Source, SourceParameter};
use crate::env::EnvSource;

mod azure;
mod bitbucket;
mod buildkite;
mod circleci;
mod github;
mod gitlab;
mod jenkins;

pub use github::{GITHUB_BUILD_TYPE, GITHUB_DEFAULT_SERVER};
pub use gitlab::GITLAB_BUILD_TYPE_PREFIX;

/// Prefix of the build types this project defines (documented in the crate README), for
/// platforms that do not publish a SLSA build type of their own.
pub const BUILD_TYPE_PREFIX: &str = "https://example.invalid/provenance-toolkit/buildtypes/";

/// `builder.id` of a build outside any recognised CI: this tool, run by whoever ran it.
pub const LOCAL_BUILDER_ID: &str = "https://example.invalid/provenance-toolkit/builders/local";

/// What one platform module found.
#[derive(Debug, Clone)]
pub(crate) struct Detected {
    pub(crate) platform: Platform,
    pub(crate) build_type: String,
    pub(crate) builder_id: String,
    pub(crate) builder_version: BTreeMap<String, String>,
    pub(crate) invocation_id: Option<String>,
    pub(crate) external_parameters: Map<String, Value>,
    pub(crate) internal_parameters: Map<String, Value>,
    pub(crate) source: Source,
    pub(crate) source_parameter: SourceParameter,
    pub(crate) started_on: Option<OffsetDateTime>,
}

impl Detected {
    /// A context with our generic build type for `platform`.
    pub(crate) fn generic(platform: Platform, builder_id: String) -> Self {
        Self {
            platform,
            build_type: format!("{BUILD_TYPE_PREFIX}{}/v1", platform.name()),
            builder_id,
            builder_version: BTreeMap::new(),
            invocation_id: None,
            external_parameters: Map::new(),
            internal_parameters: Map::new(),
            source: Source::default(),
            source_parameter: SourceParameter::Generic,
            started_on: None,
        }
    }
}

/// Detects the platform from `env`; [`Platform::Local`] when none matches.
pub(crate) fn detect(env: &dyn EnvSource) -> Detected {
    let detectors: [fn(&dyn EnvSource) -> Option<Detected>; 7] = [
        github::detect,
        gitlab::detect,
        buildkite::detect,
        circleci::detect,
        azure::detect,
        bitbucket::detect,
        jenkins::detect,
    ];
    detectors
        .iter()
        .find_map(|detect| detect(env))
        .unwrap_or_else(local)
}

fn local() -> Detected {
    let mut detected = Detected::generic(Platform::Local, LOCAL_BUILDER_ID.to_owned());
    detected.builder_version.insert(
        "provenance".to_owned(),
        env!("CARGO_PKG_VERSION").to_owned(),
    );
    detected
}

/// Whether `name` is `true` (case-insensitive), as CI platforms set their marker variables.
pub(crate) fn is_true(env: &dyn EnvSource, name: &str) -> bool {
    env.non_empty(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// A JSON object from `(key, value)` pairs, leaving out unknown (`None`) values.
pub(crate) fn object<const N: usize>(pairs: [(&str, Option<String>); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key.to_owned(), Value::String(v))))
        .collect()
}

/// `refs/tags/<tag>` when a tag is given, else `refs/heads/<branch>`; full refs are kept.
pub(crate) fn tag_or_branch(tag: Option<String>, branch: Option<String>) -> Option<String> {
    if let Some(tag) = tag {
        return Some(full_ref("refs/tags/", &tag));
    }
    branch.map(|branch| full_ref("refs/heads/", &branch))
}

fn full_ref(prefix: &str, name: &str) -> String {
    if name.starts_with("refs/") {
        name.to_owned()
    } else {
        format!("{prefix}{name}")
    }
}

/// A commit id from a CI variable, when it is a full hex object name.
pub(crate) fn commit(env: &dyn EnvSource, name: &str) -> Option<String> {
    env.non_empty(name)
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| crate::git::is_object_name(c))
}

/// `value` without trailing slashes.
pub(crate) fn trim_slash(value: &str) -> String {
    value.trim_end_matches('/').to_owned()
}

/// Percent-encodes one URL path segment (everything but RFC 3986 unreserved characters).
pub(crate) fn encode_segment(segment: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        assert_eq!(
            tag_or_branch(Some("v1".into()), Some("main".into())).as_deref(),
            Some("refs/tags/v1")
        );
        assert_eq!(
            tag_or_branch(None, Some("main".into())).as_deref(),
            Some("refs/heads/main")
        );
        assert_eq!(
            tag_or_branch(None, Some("refs/pull/1/merge".into())).as_deref(),
            Some("refs/pull/1/merge")
        );
        assert_eq!(tag_or_branch(None, None), None);
    }

    #[test]
    fn segments() {
        assert_eq!(encode_segment("My Project"), "My%20Project");
        assert_eq!(encode_segment("a-b_c.d~e"), "a-b_c.d~e");
    }
}
