//! The crate's single error type and the JSON field paths it names.

use std::fmt;

/// Where in a JSON document a problem was found, e.g. `subject[3].digest.sha256`.
///
/// Paths are written the way `jq` users read them: object keys joined with `.`, array
/// elements as `[index]`. The document root is the empty path, shown as `(root)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(String);

impl FieldPath {
    /// The document root.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// The path of the member `key` of the object at `self`.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        if self.0.is_empty() {
            Self(key.to_owned())
        } else {
            Self(format!("{}.{key}", self.0))
        }
    }

    /// The path of element `index` of the array at `self`.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}[{index}]", self.0))
    }

    /// The path as text (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the document root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(root)")
        } else {
            f.write_str(&self.0)
        }
    }
}

/// The JSON kinds a field can have, for [`Error::WrongType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// a number
    Number,
    /// a non-negative integer
    UnsignedInteger,
    /// a string
    String,
    /// an array
    Array,
    /// an object
    Object,
}

impl JsonKind {
    pub(crate) fn of(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(_) => Self::Bool,
            serde_json::Value::Number(_) => Self::Number,
            serde_json::Value::String(_) => Self::String,
            serde_json::Value::Array(_) => Self::Array,
            serde_json::Value::Object(_) => Self::Object,
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::UnsignedInteger => "a non-negative integer",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        })
    }
}

/// Which configurable bound of [`crate::Limits`] was exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// [`crate::Limits::max_subjects`]
    Subjects,
    /// [`crate::Limits::max_digests_per_descriptor`]
    DigestsPerDescriptor,
    /// [`crate::Limits::max_descriptors`]
    Descriptors,
    /// [`crate::Limits::max_depth`]
    Depth,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Subjects => "subjects",
            Self::DigestsPerDescriptor => "digests per descriptor",
            Self::Descriptors => "resource descriptors per list",
            Self::Depth => "JSON nesting depth",
        })
    }
}

/// Kinds of in-toto documents that look like, but are not, attestation Statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotStatementKind {
    /// An in-toto link (`_type` `link` or `https://in-toto.io/Link/...`).
    Link,
    /// An in-toto layout (`_type` `layout` or `https://in-toto.io/Layout/...`).
    Layout,
    /// A legacy in-toto metablock (`{"signed": ..., "signatures": [...]}`).
    Metablock,
}

impl fmt::Display for NotStatementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Link => "in-toto link",
            Self::Layout => "in-toto layout",
            Self::Metablock => "in-toto metablock (link or layout)",
        })
    }
}

/// Everything that can go wrong when reading, validating or writing the wire formats.
///
/// Validation errors name the JSON field path ([`FieldPath`]) so a user can find the
/// offending value, e.g. `subject[3].digest.sha256: sha256 digest has 6 hex characters,
/// expected 64`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`crate::Limits::max_payload_bytes`]; nothing was parsed.
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    PayloadTooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The input is not JSON (syntax error, bad UTF-8, trailing data ...).
    #[error("invalid JSON: {source}")]
    Json {
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An object has the same key twice; such documents are ambiguous (parsers disagree on
    /// which value wins) and are rejected.
    #[error("{path}: duplicate key `{key}`")]
    DuplicateKey {
        /// The object holding the duplicate.
        path: FieldPath,
        /// The repeated key.
        key: String,
    },
    /// A configurable bound was exceeded.
    #[error("{path}: more {kind} than the limit of {limit}")]
    LimitExceeded {
        /// Where the bound was exceeded.
        path: FieldPath,
        /// Which bound.
        kind: LimitKind,
        /// The configured limit.
        limit: usize,
    },
    /// A required field is absent.
    #[error("{path}: required field is missing")]
    MissingField {
        /// The missing field.
        path: FieldPath,
    },
    /// A field has the wrong JSON type.
    #[error("{path}: expected {expected}, found {found}")]
    WrongType {
        /// The field.
        path: FieldPath,
        /// What the format requires.
        expected: JsonKind,
        /// What the document has.
        found: JsonKind,
    },
    /// A required string, object or list is empty.
    #[error("{path}: must not be empty")]
    Empty {
        /// The field.
        path: FieldPath,
    },
    /// `_type` is not an in-toto Statement type this crate reads (v1 or v0.1).
    #[error("_type: {found:?} is not {v1} or {v01}", v1 = crate::STATEMENT_V1, v01 = crate::STATEMENT_V01)]
    UnsupportedStatementType {
        /// The `_type` found.
        found: String,
    },
    /// The document is an in-toto link, layout or metablock, not an attestation Statement.
    #[error("document is an {kind}, not an in-toto attestation Statement")]
    NotAStatement {
        /// What the document is.
        kind: NotStatementKind,
    },
    /// A subject has no digest (or an empty digest set); Statement v1 requires one.
    #[error("{path}: a subject must have a non-empty digest")]
    SubjectDigestMissing {
        /// The subject.
        path: FieldPath,
    },
    /// A resource descriptor has none of `uri`, `digest`, `content`.
    #[error("{path}: a resource descriptor needs at least one of uri, digest or content")]
    DescriptorEmpty {
        /// The descriptor.
        path: FieldPath,
    },
    /// A digest set entry is invalid: an empty algorithm name, or a value of an algorithm the
    /// in-toto spec defines that is not lowercase hex of the right length.
    #[error("{path}: {source}")]
    InvalidDigest {
        /// The digest entry (`...digest.<algorithm>`).
        path: FieldPath,
        /// What is wrong, from the digest crate.
        #[source]
        source: provenance_digest::Error,
    },
    /// A timestamp is not RFC 3339.
    #[error("{path}: {value:?} is not an RFC 3339 timestamp")]
    InvalidTimestamp {
        /// The field.
        path: FieldPath,
        /// The value found.
        value: String,
        /// Why it does not parse.
        #[source]
        source: time::error::Parse,
    },
    /// A time could not be written as RFC 3339 (e.g. a year outside 0000-9999).
    #[error("time cannot be written as RFC 3339: {source}")]
    TimestampFormat {
        /// The formatter's error.
        #[source]
        source: time::error::Format,
    },
    /// `content` is not base64.
    #[error("{path}: not valid base64")]
    InvalidBase64 {
        /// The field.
        path: FieldPath,
    },
    /// A type URI is empty or contains whitespace or control characters.
    #[error("{path}: {value:?} is not a valid type URI")]
    InvalidTypeUri {
        /// The field.
        path: FieldPath,
        /// The value found.
        value: String,
    },
    /// The statement's predicate is not of the requested type.
    #[error("predicateType is {found:?}, expected {expected:?}")]
    PredicateTypeMismatch {
        /// The requested predicate type.
        expected: String,
        /// The statement's predicate type.
        found: String,
    },
    /// A VSA `verificationResult` is neither `PASSED` nor `FAILED`.
    #[error("{path}: {value:?} is not PASSED or FAILED")]
    InvalidVerificationResult {
        /// The field.
        path: FieldPath,
        /// The value found.
        value: String,
    },
    /// Serialising to JSON failed (only possible with non-JSON-representable values).
    #[error("cannot write JSON: {source}")]
    Serialize {
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_thread_safe_and_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<Error>();
    }

    #[test]
    fn paths_render_like_jq() {
        let p = FieldPath::root()
            .key("subject")
            .index(3)
            .key("digest")
            .key("sha256");
        assert_eq!(p.to_string(), "subject[3].digest.sha256");
        assert_eq!(FieldPath::root().to_string(), "(root)");
    }
}
