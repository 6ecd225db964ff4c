//! The in-toto `ResourceDescriptor`.

use std::collections::BTreeMap;

use provenance_digest::{Algorithm, DigestMatch, DigestSet};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::error::{Error, FieldPath, JsonKind, LimitKind, Result};
use crate::json::{self, Extensions, Obj};
use crate::limits::Limits;

/// An in-toto [ResourceDescriptor](https://github.com/in-toto/attestation/blob/main/spec/v1/resource_descriptor.md):
/// a pointer to (or the content of) an artifact, used for subjects, dependencies,
/// byproducts, policies ...
///
/// Every field is optional, but at least one of `uri`, `digest` and `content` must be present
/// (an empty string counts as absent, as in the protobuf reference). A digest set, when
/// present, is non-empty and its well-known algorithms carry lowercase hex of the right
/// length ([`DigestSet`]). Unknown fields are kept and written back.
///
/// ```
/// use provenance_model::{DigestSet, ResourceDescriptor};
/// let digest: DigestSet = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".parse()?;
/// let rd = ResourceDescriptor::from_digest(digest).with_name("empty.txt");
/// assert_eq!(rd.name(), Some("empty.txt"));
/// let git = ResourceDescriptor::from_uri("git+https://github.com/octo/repo@refs/heads/main");
/// assert!(git.digest().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceDescriptor {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<DigestSet>,
    /// Base64 text as read (or standard padded base64 when built from bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    download_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, Value>,
    #[serde(flatten)]
    extensions: Extensions,
}

impl ResourceDescriptor {
    fn empty() -> Self {
        Self {
            name: None,
            uri: None,
            digest: None,
            content: None,
            download_location: None,
            media_type: None,
            annotations: BTreeMap::new(),
            extensions: Extensions::new(),
        }
    }

    /// A descriptor identified by its digests (what a subject needs).
    pub fn from_digest(digest: DigestSet) -> Self {
        Self {
            digest: Some(digest),
            ..Self::empty()
        }
    }

    /// A descriptor identified by a URI (e.g. `git+https://github.com/o/r@refs/heads/main`).
    pub fn from_uri(uri: impl Into<String>) -> Self {
        Self {
            uri: Some(uri.into()),
            ..Self::empty()
        }
    }

    /// A descriptor carrying the resource's content inline.
    pub fn from_content(content: &[u8]) -> Self {
        Self::empty().with_content(content)
    }

    /// Sets `name`.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Sets `uri`.
    #[must_use]
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }
    /// Sets `digest`.
    #[must_use]
    pub fn with_digest(mut self, digest: DigestSet) -> Self {
        self.digest = Some(digest);
        self
    }
    /// Sets `content` (written as standard padded base64).
    #[must_use]
    pub fn with_content(mut self, content: &[u8]) -> Self {
        self.content = Some(crate::b64::encode(content));
        self
    }
    /// Sets `downloadLocation`.
    #[must_use]
    pub fn with_download_location(mut self, location: impl Into<String>) -> Self {
        self.download_location = Some(location.into());
        self
    }
    /// Sets `mediaType`.
    #[must_use]
    pub fn with_media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }
    /// Adds one annotation.
    #[must_use]
    pub fn with_annotation(mut self, key: impl Into<String>, value: Value) -> Self {
        self.annotations.insert(key.into(), value);
        self
    }

    /// `name`: the artifact's local name (e.g. a file name).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// `uri`: a global identifier of the resource.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref()
    }
    /// `digest`: the resource's digests.
    pub fn digest(&self) -> Option<&DigestSet> {
        self.digest.as_ref()
    }
    /// `content` as the base64 text of the document.
    pub fn content_base64(&self) -> Option<&str> {
        self.content.as_deref()
    }
    /// `content` decoded (it was validated as base64 on read).
    pub fn content(&self) -> Option<Vec<u8>> {
        self.content
            .as_deref()
            .and_then(|c| crate::b64::decode(c).ok())
    }
    /// `downloadLocation`.
    pub fn download_location(&self) -> Option<&str> {
        self.download_location.as_deref()
    }
    /// `mediaType`.
    pub fn media_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
    /// `annotations` (sorted by key).
    pub fn annotations(&self) -> &BTreeMap<String, Value> {
        &self.annotations
    }
    /// Unknown fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Compares an artifact's digests with this descriptor's, looking only at the `accepted`
    /// algorithms ([`DigestSet::matches`]); a descriptor without digest never matches.
    pub fn match_digest(&self, artifact: &DigestSet, accepted: &[Algorithm]) -> DigestMatch {
        match &self.digest {
            Some(digest) => artifact.matches(digest, accepted),
            None => DigestMatch::NoCommonAlgorithm,
        }
    }

    /// Whether the spec's minimum holds: one of `uri`, `digest`, `content` is present and
    /// non-empty.
    pub fn has_locator(&self) -> bool {
        let non_empty = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
        non_empty(&self.uri)
            || non_empty(&self.content)
            || self.digest.as_ref().is_some_and(|d| !d.is_empty())
    }

    /// Checks the spec's minimum ([`Self::has_locator`]).
    ///
    /// # Errors
    /// [`Error::DescriptorEmpty`] naming `path`.
    pub fn validate_at(&self, path: &FieldPath) -> Result<()> {
        if self.has_locator() {
            Ok(())
        } else {
            Err(Error::DescriptorEmpty { path: path.clone() })
        }
    }

    /// Reads a descriptor from a JSON value without checking the `uri`/`digest`/`content`
    /// minimum (subjects check their own rule first, see [`crate::Statement`]).
    pub(crate) fn decode_unchecked(value: Value, path: FieldPath, limits: &Limits) -> Result<Self> {
        let mut obj = Obj::new(value, path)?;
        let name = obj.opt_string("name")?;
        let uri = obj.opt_string("uri")?;
        let digest = match obj.opt_object("digest")? {
            None => None,
            Some(d) => decode_digest_set(d, limits)?,
        };
        let content = obj.opt_string("content")?;
        if let Some(c) = &content
            && crate::b64::decode(c).is_err()
        {
            return Err(Error::InvalidBase64 {
                path: obj.field("content"),
            });
        }
        let download_location = obj.opt_string("downloadLocation")?;
        let media_type = obj.opt_string("mediaType")?;
        let annotations = obj
            .opt_map("annotations")?
            .map(|m| m.into_iter().collect())
            .unwrap_or_default();
        Ok(Self {
            name,
            uri,
            digest,
            content,
            download_location,
            media_type,
            annotations,
            extensions: obj.rest(),
        })
    }

    /// Reads and validates one descriptor.
    pub(crate) fn decode(value: Value, path: &FieldPath, limits: &Limits) -> Result<Self> {
        let rd = Self::decode_unchecked(value, path.clone(), limits)?;
        rd.validate_at(path)?;
        Ok(rd)
    }

    /// Reads an optional list of descriptors at `obj[key]`, bounded by
    /// [`Limits::max_descriptors`].
    pub(crate) fn decode_list(obj: &mut Obj, key: &str, limits: &Limits) -> Result<Vec<Self>> {
        Self::decode_list_with(obj, key, limits, EmptyDescriptor::Reject)
    }

    /// As [`Self::decode_list`]; `empty` says whether a descriptor that is an empty object
    /// `{}` is accepted (kept, and written back) instead of failing the locator rule.
    pub(crate) fn decode_list_with(
        obj: &mut Obj,
        key: &str,
        limits: &Limits,
        empty: EmptyDescriptor,
    ) -> Result<Vec<Self>> {
        let Some(items) = obj.opt_array(key)? else {
            return Ok(Vec::new());
        };
        let path = obj.field(key);
        json::check_descriptor_count(&path, items.len(), limits)?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let placeholder = empty == EmptyDescriptor::Accept
                    && matches!(&v, Value::Object(m) if m.is_empty());
                if placeholder {
                    Ok(Self::empty())
                } else {
                    Self::decode(v, &path.index(i), limits)
                }
            })
            .collect()
    }

    /// Parses one descriptor from JSON bytes, with the default limits.
    ///
    /// # Errors
    /// Any [`Error`] naming the offending field.
    pub fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let value = json::parse(bytes, limits, json::Ctx::Other)?;
        Self::decode(value, &FieldPath::root(), limits)
    }
}

impl<'de> Deserialize<'de> for ResourceDescriptor {
    /// Deserialises and validates with [`Limits::default`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::decode(value, &FieldPath::root(), &Limits::default())
            .map_err(serde::de::Error::custom)
    }
}

/// Whether an empty descriptor object `{}` is tolerated in a list.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum EmptyDescriptor {
    Reject,
    Accept,
}

/// Reads a digest set object. An empty object gives `None` (protobuf treats an empty map
/// as absent); every entry is validated by [`DigestSet`] and errors name the entry.
pub(crate) fn decode_digest_set(obj: Obj, limits: &Limits) -> Result<Option<DigestSet>> {
    let path = obj.path().clone();
    if obj.is_empty() {
        return Ok(None);
    }
    let map = obj.into_map();
    if map.len() > limits.max_digests_per_descriptor() {
        return Err(Error::LimitExceeded {
            path,
            kind: LimitKind::DigestsPerDescriptor,
            limit: limits.max_digests_per_descriptor(),
        });
    }
    let mut set = DigestSet::new();
    for (algorithm, value) in map {
        let entry = path.key(&algorithm);
        let Value::String(value) = value else {
            return Err(Error::WrongType {
                path: entry,
                expected: JsonKind::String,
                found: JsonKind::of(&value),
            });
        };
        set.insert(&algorithm, &value)
            .map_err(|source| Error::InvalidDigest {
                path: entry,
                source,
            })?;
    }
    Ok(Some(set))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(json: &str) -> Result<ResourceDescriptor> {
        ResourceDescriptor::from_slice(json.as_bytes(), &Limits::default())
    }

    #[test]
    fn one_of_uri_digest_content_is_required() {
        assert!(rd(r#"{"uri":"https://example.com"}"#).is_ok());
        assert!(rd(r#"{"content":"aGVsbG8="}"#).is_ok());
        assert!(rd(r#"{"digest":{"custom":"x"}}"#).is_ok());
        for bad in [
            r#"{"name":"only-a-name"}"#,
            r#"{"downloadLocation":"https://example.com/x","mediaType":"text/plain"}"#,
            r#"{"uri":"","digest":{}}"#,
            "{}",
        ] {
            assert!(
                matches!(rd(bad), Err(Error::DescriptorEmpty { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn digest_errors_name_the_entry() {
        let err = rd(r#"{"digest":{"sha256":"abc123"}}"#).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidDigest { path, .. } if path.as_str() == "digest.sha256"),
            "{err:?}"
        );
        let err = rd(r#"{"digest":{"sha256":5}}"#).unwrap_err();
        assert!(matches!(err, Error::WrongType { .. }));
    }

    #[test]
    fn content_must_be_base64() {
        assert!(matches!(
            rd(r#"{"content":"***"}"#),
            Err(Error::InvalidBase64 { .. })
        ));
        let ok = rd(r#"{"content":"Ynl0ZXNjb250ZW50"}"#).unwrap();
        assert_eq!(ok.content().unwrap(), b"bytescontent");
    }

    #[test]
    fn unknown_fields_round_trip() {
        let text = r#"{"uri":"u","x-extra":{"b":1,"a":[true]}}"#;
        let parsed = rd(text).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
    }

    #[test]
    fn field_order_is_fixed() {
        let built = ResourceDescriptor::from_uri("u")
            .with_annotation("z", Value::Bool(true))
            .with_annotation("a", Value::Bool(false))
            .with_media_type("m")
            .with_name("n");
        assert_eq!(
            serde_json::to_string(&built).unwrap(),
            r#"{"name":"n","uri":"u","mediaType":"m","annotations":{"a":false,"z":true}}"#
        );
    }
}
