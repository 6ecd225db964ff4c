//! Attestations stored beside an image: write them as OCI 1.1 artifact manifests (the layout
//! actions/attest and `@sigstore/oci` write), find them through the referrers API or, on
//! registries without it, the referrers tag schema.
//!
//! <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers>,
//! <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema>

use std::collections::BTreeMap;

use crate::client::{FetchedManifest, ManifestRef, RegistryClient};
use crate::manifest::{
    ANNOTATION_BUNDLE_CONTENT, ANNOTATION_CREATED, ANNOTATION_PREDICATE_TYPE, Descriptor,
    ImageIndex, ImageManifest, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, SIGSTORE_BUNDLE_V03, is_index,
};
use crate::{Error, ImageReference, OciDigest, Repository, Tag};

/// Bounds on discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscoveryLimits {
    /// Most referrer descriptors read (all types, before filtering). Default 10,000.
    pub max_entries: usize,
    /// Most pages of the referrers API followed. Default 100.
    pub max_pages: usize,
    /// Most referrers of the wanted artifact type kept. Default 1,000.
    pub max_matches: usize,
}

impl Default for DiscoveryLimits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_pages: 100,
            max_matches: 1_000,
        }
    }
}

/// How the referrers were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryPath {
    /// `GET /v2/<name>/referrers/<digest>`.
    ReferrersApi,
    /// The `sha256-<hex>` index tag (the registry has no referrers API).
    TagSchema,
}

/// Referrers of one image, filtered by artifact type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Referrers {
    /// The referrer manifests' descriptors whose `artifactType` matched.
    pub descriptors: Vec<Descriptor>,
    /// How they were found.
    pub path: DiscoveryPath,
}

/// Resolve an image reference to its manifest (by digest: checked; by tag: resolved once).
///
/// # Errors
/// Registry errors; [`Error::DigestMismatch`] when the answer is not the manifest asked for.
pub fn resolve(
    client: &mut RegistryClient,
    image: &ImageReference,
) -> Result<FetchedManifest, Error> {
    let reference = match (image.digest(), image.tag()) {
        (Some(d), _) => ManifestRef::Digest(d.clone()),
        (None, Some(t)) => ManifestRef::Tag(t.clone()),
        (None, None) => {
            return Err(Error::InvalidReference {
                input: image.to_string(),
                reason: "neither a tag nor a digest".to_owned(),
            });
        }
    };
    client.get_manifest(image.repository(), &reference)
}

/// A platform as `--platform` names it: `os/arch` or `os/arch/variant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

impl std::str::FromStr for Platform {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let parts: Vec<&str> = s.split('/').collect();
        let word = |p: &&str| {
            !p.is_empty()
                && p.len() <= 64
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(word) {
            return Err(Error::InvalidReference {
                input: s.chars().take(200).collect(),
                reason: "platform: expected os/arch or os/arch/variant".to_owned(),
            });
        }
        Ok(Self {
            os: parts.first().map_or_else(String::new, |p| (*p).to_owned()),
            architecture: parts.get(1).map_or_else(String::new, |p| (*p).to_owned()),
            variant: parts.get(2).map(|p| (*p).to_owned()),
        })
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl Platform {
    fn matches(&self, platform: Option<&serde_json::Value>) -> bool {
        let Some(p) = platform else { return false };
        let field = |k: &str| p.get(k).and_then(serde_json::Value::as_str);
        field("os") == Some(self.os.as_str())
            && field("architecture") == Some(self.architecture.as_str())
            && self
                .variant
                .as_deref()
                .is_none_or(|v| field("variant") == Some(v))
    }
}

/// Pick the child of an index (`manifest`, already checked) for `platform`, and fetch it by
/// its digest. Exactly one child must match.
///
/// # Errors
/// [`Error::Malformed`] when `manifest` is not an index, no child or several children match.
pub fn select_platform(
    client: &mut RegistryClient,
    repo: &Repository,
    manifest: &FetchedManifest,
    platform: &Platform,
) -> Result<FetchedManifest, Error> {
    let bad = |reason: String| Error::Malformed {
        what: format!("image index {repo}@{}", manifest.digest),
        url: repo.to_string(),
        reason,
    };
    if !is_index(&manifest.media_type) {
        return Err(bad(format!(
            "platform {platform} was asked for, which needs an image index; this is `{}`",
            manifest.media_type
        )));
    }
    let index: ImageIndex = serde_json::from_slice(&manifest.bytes)
        .map_err(|e| bad(format!("not an image index: {e}")))?;
    let mut children = index
        .manifests
        .iter()
        .filter(|d| platform.matches(d.platform.as_ref()));
    let (Some(child), None) = (children.next(), children.next()) else {
        return Err(bad(format!(
            "not exactly one child manifest for platform {platform}"
        )));
    };
    client.get_manifest(repo, &ManifestRef::Digest(child.digest.clone()))
}

/// Find the referrers of `subject` whose `artifactType` is `artifact_type`: the referrers API
/// first, the tag schema index when the registry answers 404. No layer is fetched. A
/// referrer listed twice is returned once.
///
/// # Errors
/// Registry errors; [`Error::TooMany`] past the limits; [`Error::Malformed`] for a tag-schema
/// manifest that is not an index.
pub fn discover(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
    artifact_type: &str,
    limits: DiscoveryLimits,
) -> Result<Referrers, Error> {
    let (all, path) = match client.referrers_api(
        repo,
        subject,
        Some(artifact_type),
        limits.max_entries,
        limits.max_pages,
    )? {
        Some(list) => (list, DiscoveryPath::ReferrersApi),
        None => (
            tag_schema_index(client, repo, subject)?.manifests,
            DiscoveryPath::TagSchema,
        ),
    };
    if all.len() > limits.max_entries {
        return Err(Error::TooMany {
            what: format!("referrers of {repo}@{subject}"),
            limit: limits.max_entries,
        });
    }
    // A referrer listed more than once (a registry's or another writer's doing) is one
    // referrer: kept once, in its first place, so that it is fetched and counted once.
    let mut seen = std::collections::HashSet::new();
    let descriptors: Vec<Descriptor> = all
        .into_iter()
        .filter(|d| d.artifact_type.as_deref() == Some(artifact_type))
        .filter(|d| seen.insert(d.digest.clone()))
        .collect();
    if descriptors.len() > limits.max_matches {
        return Err(Error::TooMany {
            what: format!("referrers of type {artifact_type} of {repo}@{subject}"),
            limit: limits.max_matches,
        });
    }
    Ok(Referrers { descriptors, path })
}

fn referrers_tag(subject: &OciDigest) -> Result<Tag, Error> {
    subject.referrers_tag().parse()
}

/// The tag-schema index for `subject` (empty when the tag does not exist).
fn tag_schema_index(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
) -> Result<ImageIndex, Error> {
    tag_schema_index_with_etag(client, repo, subject).map(|(index, _)| index)
}

/// The tag-schema index and its `ETag` (empty index, no `ETag`, when the tag does not exist).
fn tag_schema_index_with_etag(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
) -> Result<(ImageIndex, Option<String>), Error> {
    let tag = referrers_tag(subject)?;
    match client.get_manifest(repo, &ManifestRef::Tag(tag)) {
        Ok(m) => {
            if !is_index(&m.media_type) {
                return Err(Error::Malformed {
                    what: format!("referrers tag {}", subject.referrers_tag()),
                    url: format!("{repo}"),
                    reason: format!("expected an image index, got media type `{}`", m.media_type),
                });
            }
            let index = serde_json::from_slice(&m.bytes).map_err(|e| Error::Malformed {
                what: format!("referrers tag {}", subject.referrers_tag()),
                url: format!("{repo}"),
                reason: e.to_string(),
            })?;
            Ok((index, m.etag))
        }
        Err(Error::NotFound { .. }) => Ok((ImageIndex::empty(), None)),
        Err(e) => Err(e),
    }
}

/// Fetch the Sigstore bundle an attestation referrer holds: the referrer manifest (checked
/// against its descriptor's digest), which must be an artifact of type `artifact_type` whose
/// `subject` is `subject` and which has exactly one layer of that media type, then that layer
/// (at most `max_bundle_bytes`, checked against its digest).
///
/// # Errors
/// [`Error::Referrer`] when the manifest is not such an artifact (including a referrer of a
/// different image); registry and digest errors.
pub fn fetch_bundle(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &OciDigest,
    referrer: &Descriptor,
    artifact_type: &str,
    max_bundle_bytes: u64,
) -> Result<Vec<u8>, Error> {
    let fetched = client.get_manifest(repo, &ManifestRef::Digest(referrer.digest.clone()))?;
    let bad = |reason: String| Error::Referrer {
        digest: referrer.digest.to_string(),
        reason,
    };
    let manifest: ImageManifest = serde_json::from_slice(&fetched.bytes)
        .map_err(|e| bad(format!("not an image manifest: {e}")))?;
    if manifest.artifact_type.as_deref() != Some(artifact_type)
        && manifest.config.media_type != artifact_type
    {
        return Err(bad(format!("artifactType is not {artifact_type}")));
    }
    match &manifest.subject {
        Some(s) if s.digest == *subject => {}
        Some(s) => {
            return Err(bad(format!(
                "subject is {}, not the image {subject}",
                s.digest
            )));
        }
        None => return Err(bad("no subject".to_owned())),
    }
    let [layer] = manifest.layers.as_slice() else {
        return Err(bad(format!(
            "expected exactly one layer, found {}",
            manifest.layers.len()
        )));
    };
    if !layer
        .media_type
        .starts_with("application/vnd.dev.sigstore.bundle")
    {
        return Err(bad(format!(
            "layer media type `{}` is not a Sigstore bundle",
            layer.media_type
        )));
    }
    if layer.size > max_bundle_bytes {
        return Err(Error::TooLarge {
            what: "attestation layer".to_owned(),
            url: format!("{repo}@{}", layer.digest),
            limit: max_bundle_bytes,
        });
    }
    client.get_blob(repo, &layer.digest, max_bundle_bytes)
}

/// What to attach.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attachment<'a> {
    /// The Sigstore bundle (JSON bytes) to store as the single layer.
    pub bundle: &'a [u8],
    /// The bundle's media type (the artifactType), normally [`SIGSTORE_BUNDLE_V03`].
    pub media_type: &'a str,
    /// The predicate type, written as `dev.sigstore.bundle.predicateType`.
    pub predicate_type: &'a str,
    /// `dsse-envelope` or `message-signature`, written as `dev.sigstore.bundle.content`.
    pub content: &'a str,
    /// RFC 3339 time for `org.opencontainers.image.created`, if any (callers pass the clock).
    pub created: Option<&'a str>,
}

impl<'a> Attachment<'a> {
    /// A DSSE bundle v0.3 attestation of `predicate_type`.
    pub fn dsse_bundle(bundle: &'a [u8], predicate_type: &'a str) -> Self {
        Self {
            bundle,
            media_type: SIGSTORE_BUNDLE_V03,
            predicate_type,
            content: "dsse-envelope",
            created: None,
        }
    }

    /// Builder: the creation time annotation.
    #[must_use]
    pub fn with_created(mut self, rfc3339: &'a str) -> Self {
        self.created = Some(rfc3339);
        self
    }
}

/// The result of an attach.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attached {
    /// The artifact manifest's descriptor (as listed among the referrers).
    pub descriptor: Descriptor,
    /// Whether the referrers tag-schema index was written (registry without referrers API).
    pub tag_schema_updated: bool,
}

/// The OCI 1.1 artifact manifest for `attachment` on `subject`, as `@sigstore/oci` writes it:
/// `artifactType` = the bundle media type, the empty `{}` config, one layer (the bundle),
/// `subject`, and the bundle annotations. Returns the manifest bytes and the descriptor that
/// lists it among the referrers (with `artifactType` and the annotations).
///
/// # Errors
/// [`Error::Malformed`] if serialisation fails.
pub fn artifact_manifest(
    subject: &Descriptor,
    attachment: &Attachment<'_>,
) -> Result<(Vec<u8>, Descriptor), Error> {
    let mut annotations = BTreeMap::new();
    if let Some(c) = attachment.created {
        annotations.insert(ANNOTATION_CREATED.to_owned(), c.to_owned());
    }
    annotations.insert(
        ANNOTATION_BUNDLE_CONTENT.to_owned(),
        attachment.content.to_owned(),
    );
    annotations.insert(
        ANNOTATION_PREDICATE_TYPE.to_owned(),
        attachment.predicate_type.to_owned(),
    );
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: Some(OCI_MANIFEST.to_owned()),
        artifact_type: Some(attachment.media_type.to_owned()),
        config: Descriptor::of(OCI_EMPTY, b"{}"),
        layers: vec![Descriptor::of(attachment.media_type, attachment.bundle)],
        subject: Some(subject.clone()),
        annotations: annotations.clone(),
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Malformed {
        what: "artifact manifest".to_owned(),
        url: String::new(),
        reason: e.to_string(),
    })?;
    let descriptor = Descriptor::of(OCI_MANIFEST, &bytes)
        .with_artifact_type(attachment.media_type)
        .with_annotations(annotations);
    Ok((bytes, descriptor))
}

/// The referrers tag-schema index after adding `referrer` (unchanged if already listed).
///
/// # Errors
/// [`Error::Malformed`] if serialisation fails.
pub fn index_with(mut index: ImageIndex, referrer: &Descriptor) -> Result<(Vec<u8>, bool), Error> {
    if index.manifests.iter().any(|m| m.digest == referrer.digest) {
        return Ok((Vec::new(), false));
    }
    index.manifests.push(referrer.clone());
    if index.media_type.is_none() {
        index.media_type = Some(OCI_INDEX.to_owned());
    }
    let bytes = serde_json::to_vec(&index).map_err(|e| Error::Malformed {
        what: "referrers index".to_owned(),
        url: String::new(),
        reason: e.to_string(),
    })?;
    Ok((bytes, true))
}

/// Attach an attestation to the image `subject` (a manifest fetched by digest): upload the
/// bundle and the empty `{}` config, push the [`artifact_manifest`], and update the referrers
/// tag-schema index unless the registry indexes referrers itself.
///
/// # Errors
/// Registry errors.
pub fn attach(
    client: &mut RegistryClient,
    repo: &Repository,
    subject: &FetchedManifest,
    attachment: &Attachment<'_>,
) -> Result<Attached, Error> {
    client.push_blob(repo, attachment.bundle)?;
    client.push_blob(repo, b"{}")?;
    let (bytes, descriptor) = artifact_manifest(&subject.descriptor(), attachment)?;
    let pushed = client.push_manifest(
        repo,
        &ManifestRef::Digest(descriptor.digest.clone()),
        OCI_MANIFEST,
        &bytes,
    )?;

    // A registry that indexes referrers answers with OCI-Subject; trust it only if its
    // referrers API answers too (ECR sends the header without the API).
    let indexed = pushed.oci_subject.is_some() && client.has_referrers_api(repo).unwrap_or(false);
    if indexed {
        return Ok(Attached {
            descriptor,
            tag_schema_updated: false,
        });
    }
    // read-modify-write of the shared index, conditional on its ETag where the registry
    // honours If-Match (412: someone else updated it; read again, at most 3 times)
    let mut attempts = 0;
    loop {
        let (index, etag) = tag_schema_index_with_etag(client, repo, &subject.digest)?;
        let (bytes, changed) = index_with(index, &descriptor)?;
        if !changed {
            break;
        }
        match client.push_manifest_if_match(
            repo,
            &ManifestRef::Tag(referrers_tag(&subject.digest)?),
            OCI_INDEX,
            &bytes,
            etag.as_deref(),
        ) {
            Ok(_) => break,
            Err(Error::Status { status: 412, .. }) if attempts < 2 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(Attached {
        descriptor,
        tag_schema_updated: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_parses_and_matches() {
        let p: Platform = "linux/arm64/v8".parse().unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        let json = serde_json::json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
        assert!(p.matches(Some(&json)));
        let p: Platform = "linux/arm64".parse().unwrap();
        assert!(p.matches(Some(&json)), "no variant asked: any variant");
        assert!(!p.matches(None));
        let amd = serde_json::json!({"os": "linux", "architecture": "amd64"});
        assert!(!p.matches(Some(&amd)));
        for bad in ["linux", "linux/", "a/b/c/d", "linux/arm 64"] {
            let err = bad.parse::<Platform>().unwrap_err().to_string();
            assert!(err.contains("platform: expected os/arch"), "{bad}: {err}");
        }
    }
}
