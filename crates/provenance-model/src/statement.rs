//! The in-toto Statement (v1, and v0.1 on read).

use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, FieldPath, JsonKind, LimitKind, NotStatementKind, Result};
use crate::json::{self, Extensions, Obj};
use crate::limits::{Limits, MissingPredicate};
use crate::resource_descriptor::ResourceDescriptor;
use crate::type_uri::TypeUri;
use crate::{
    Predicate, SLSA_PROVENANCE_V1, SLSA_PROVENANCE_V02, STATEMENT_V01, STATEMENT_V1, VSA_V1,
};

/// The `_type` of a Statement: which version of the in-toto Statement layer it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatementType {
    /// `https://in-toto.io/Statement/v1` (what this crate writes).
    V1,
    /// `https://in-toto.io/Statement/v0.1` (still written by cosign, witness and
    /// slsa-github-generator; same shape as v1 for our purposes).
    V01,
}

impl StatementType {
    /// The `_type` URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => STATEMENT_V1,
            Self::V01 => STATEMENT_V01,
        }
    }

    /// Classifies a `_type` value. Links, layouts and unknown types are errors, so that a
    /// trusted key that signed some other in-toto document cannot pass as an attestation.
    ///
    /// # Errors
    /// [`Error::NotAStatement`] for in-toto links and layouts,
    /// [`Error::UnsupportedStatementType`] for anything else that is not v1 or v0.1.
    pub fn from_type_uri(type_uri: &str) -> Result<Self> {
        match type_uri {
            STATEMENT_V1 => Ok(Self::V1),
            STATEMENT_V01 => Ok(Self::V01),
            _ => {
                let lower = type_uri.to_ascii_lowercase();
                if lower == "link" || lower.starts_with("https://in-toto.io/link") {
                    Err(Error::NotAStatement {
                        kind: NotStatementKind::Link,
                    })
                } else if lower == "layout" || lower.starts_with("https://in-toto.io/layout") {
                    Err(Error::NotAStatement {
                        kind: NotStatementKind::Layout,
                    })
                } else {
                    Err(Error::UnsupportedStatementType {
                        found: type_uri.to_owned(),
                    })
                }
            }
        }
    }
}

impl Serialize for StatementType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What kind of predicate a Statement carries, by exact `predicateType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PredicateKind {
    /// `https://slsa.dev/provenance/v1`
    SlsaProvenanceV1,
    /// `https://slsa.dev/provenance/v0.2`
    SlsaProvenanceV02,
    /// `https://slsa.dev/verification_summary/v1`
    VerificationSummaryV1,
    /// Anything else, including look-alikes such as `https://slsa.dev/provenance/v1.0`
    /// (emitted by witness) that are *not* SLSA Provenance v1.
    Other,
}

impl PredicateKind {
    /// Classifies a `predicateType` by exact comparison.
    pub fn of(predicate_type: &str) -> Self {
        match predicate_type {
            SLSA_PROVENANCE_V1 => Self::SlsaProvenanceV1,
            SLSA_PROVENANCE_V02 => Self::SlsaProvenanceV02,
            VSA_V1 => Self::VerificationSummaryV1,
            _ => Self::Other,
        }
    }

    /// Whether `predicate_type` looks like SLSA provenance without being exactly v1 or v0.2
    /// (`https://slsa.dev/provenance/v1.0` from witness, `.../v1.0?draft`, `.../v1-rc1`,
    /// `.../v0.1`, a trailing slash ...): worth a precise message when a verifier refuses it.
    pub fn is_slsa_look_alike(predicate_type: &str) -> bool {
        Self::of(predicate_type) == Self::Other
            && predicate_type
                .to_ascii_lowercase()
                .trim_start_matches("http://")
                .trim_start_matches("https://")
                .starts_with("slsa.dev/provenance")
    }
}

/// An in-toto [Statement](https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md):
/// subjects (artifacts, by digest) plus a typed predicate.
///
/// Reading ([`Statement::from_slice`]) accepts `_type` v1 and v0.1, and checks what the
/// in-toto reference validators check: at least one subject, every subject with a non-empty
/// digest set (well-known algorithms as lowercase hex of the right length), a non-empty
/// `predicateType`, and a `predicate` object. The spec lets `predicate` be omitted; the
/// reference Go and Python validators (and therefore this crate) require it. Links, layouts
/// and other `_type`s are rejected. Unknown top-level fields are kept.
///
/// Writing ([`Statement::to_json_bytes`]) is deterministic: `_type`, `subject`,
/// `predicateType`, `predicate`, then unknown fields sorted by key; the predicate's own
/// members keep their order.
///
/// ```
/// use provenance_model::{DigestSet, Limits, ResourceDescriptor, Statement, STATEMENT_V1};
/// let json = br#"{"_type":"https://in-toto.io/Statement/v1",
///   "subject":[{"name":"a.txt","digest":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
///   "predicateType":"https://example.com/custom/v1","predicate":{"k":"v"}}"#;
/// let st = Statement::from_slice(json, &Limits::default())?;
/// assert_eq!(st.statement_type().as_str(), STATEMENT_V1);
/// assert_eq!(st.subjects()[0].name(), Some("a.txt"));
/// assert_eq!(st.predicate_type().as_str(), "https://example.com/custom/v1");
/// # Ok::<(), provenance_model::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
#[expect(clippy::struct_field_names, reason = "mirrors the in-toto field names")]
pub struct Statement {
    #[serde(rename = "_type")]
    statement_type: StatementType,
    subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    predicate_type: TypeUri,
    #[serde(skip_serializing_if = "Option::is_none")]
    predicate: Option<Map<String, Value>>,
    #[serde(flatten)]
    extensions: Extensions,
}

static EMPTY_PREDICATE: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl Statement {
    /// A v1 Statement about `subjects` carrying `predicate`.
    ///
    /// Verifiers with default limits (this crate's, sigstore-go's) refuse statements with more
    /// than [`Limits::DEFAULT_MAX_SUBJECTS`] subjects or more than
    /// [`Limits::DEFAULT_MAX_DIGESTS_PER_DESCRIPTOR`] digests per subject; split larger sets
    /// over several statements.
    ///
    /// # Errors
    /// [`Error::Empty`] without subjects, [`Error::SubjectDigestMissing`] for a subject
    /// without digest, [`Error::Serialize`] if the predicate cannot be written as JSON.
    pub fn new<P: Predicate>(subjects: Vec<ResourceDescriptor>, predicate: &P) -> Result<Self> {
        let predicate_type = TypeUri::try_from(P::PREDICATE_TYPE)?;
        Self::with_predicate_json(subjects, predicate_type, predicate.to_predicate_json()?)
    }

    /// A v1 Statement with any predicate type and a predicate given as a JSON object.
    ///
    /// # Errors
    /// As [`Statement::new`].
    pub fn with_predicate_json(
        subjects: Vec<ResourceDescriptor>,
        predicate_type: TypeUri,
        predicate: Map<String, Value>,
    ) -> Result<Self> {
        let path = FieldPath::root().key("subject");
        if subjects.is_empty() {
            return Err(Error::Empty { path });
        }
        for (i, subject) in subjects.iter().enumerate() {
            check_subject(subject, &path.index(i))?;
        }
        Ok(Self {
            statement_type: StatementType::V1,
            subject: subjects,
            predicate_type,
            predicate: Some(predicate),
            extensions: Extensions::new(),
        })
    }

    /// Parses and validates a Statement from JSON bytes (e.g. the verified payload of a DSSE
    /// envelope). The size limit is checked before parsing, the subject and digest limits
    /// while reading.
    ///
    /// # Errors
    /// Any [`Error`]; validation errors name the field path.
    pub fn from_slice(bytes: &[u8], limits: &Limits) -> Result<Self> {
        let value = json::parse(bytes, limits, json::Ctx::StatementRoot)?;
        Self::from_value(value, limits)
    }

    /// Validates a Statement already parsed as a JSON value.
    ///
    /// # Errors
    /// As [`Statement::from_slice`] (except the payload size, which is not known here).
    pub fn from_value(value: Value, limits: &Limits) -> Result<Self> {
        let mut obj = Obj::new(value, FieldPath::root())?;
        if !obj.contains("_type") && obj.contains("signed") && obj.contains("signatures") {
            return Err(Error::NotAStatement {
                kind: NotStatementKind::Metablock,
            });
        }
        let type_text = match obj.take("_type") {
            None => {
                return Err(Error::MissingField {
                    path: obj.field("_type"),
                });
            }
            Some(Value::String(s)) => s,
            Some(other) => return Err(json::wrong(obj.field("_type"), JsonKind::String, &other)),
        };
        let statement_type = StatementType::from_type_uri(&type_text)?;

        let subject_path = obj.field("subject");
        let Some(items) = obj.opt_array("subject")? else {
            return Err(Error::MissingField { path: subject_path });
        };
        if items.is_empty() {
            return Err(Error::Empty { path: subject_path });
        }
        if items.len() > limits.max_subjects() {
            return Err(Error::LimitExceeded {
                path: subject_path,
                kind: LimitKind::Subjects,
                limit: limits.max_subjects(),
            });
        }
        let mut subject = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let path = subject_path.index(i);
            let rd = ResourceDescriptor::decode_unchecked(item, path.clone(), limits)?;
            check_subject(&rd, &path)?;
            subject.push(rd);
        }

        let pt_path = obj.field("predicateType");
        let predicate_type = match obj.opt_string("predicateType")? {
            None => return Err(Error::MissingField { path: pt_path }),
            Some(s) => TypeUri::new_at(s, &pt_path)?,
        };

        let predicate = match obj.take("predicate") {
            None if limits.missing_predicate() == MissingPredicate::Accept => None,
            None => {
                return Err(Error::MissingField {
                    path: obj.field("predicate"),
                });
            }
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                return Err(json::wrong(
                    obj.field("predicate"),
                    JsonKind::Object,
                    &other,
                ));
            }
        };

        Ok(Self {
            statement_type,
            subject,
            predicate_type,
            predicate,
            extensions: obj.rest(),
        })
    }

    /// The JSON bytes (compact, deterministic field order).
    ///
    /// # Errors
    /// [`Error::Serialize`] (not expected for values built by this crate).
    pub fn to_json_bytes(&self) -> Result<Vec<u8>> {
        json::to_bytes(self)
    }

    /// The Statement as a JSON value.
    ///
    /// # Errors
    /// [`Error::Serialize`] (not expected for values built by this crate).
    pub fn to_json_value(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(|source| Error::Serialize { source })
    }

    /// `_type`.
    pub fn statement_type(&self) -> StatementType {
        self.statement_type
    }
    /// `subject`: never empty; every subject has a non-empty digest set.
    pub fn subjects(&self) -> &[ResourceDescriptor] {
        &self.subject
    }
    /// The subjects whose digests match `artifact` on the `accepted` algorithms (every
    /// accepted algorithm present in both must agree, at least one must be present; see
    /// [`crate::DigestSet::matches`]). Empty when nothing matches.
    pub fn subjects_matching(
        &self,
        artifact: &crate::DigestSet,
        accepted: &[crate::Algorithm],
    ) -> Vec<&ResourceDescriptor> {
        self.subject
            .iter()
            .filter(|s| s.match_digest(artifact, accepted).is_match())
            .collect()
    }
    /// `predicateType`.
    pub fn predicate_type(&self) -> &TypeUri {
        &self.predicate_type
    }
    /// The predicate type classified by exact comparison.
    pub fn predicate_kind(&self) -> PredicateKind {
        PredicateKind::of(self.predicate_type.as_str())
    }
    /// `predicate` as the JSON object read (empty when absent, which only
    /// [`MissingPredicate::Accept`] allows).
    pub fn predicate_json(&self) -> &Map<String, Value> {
        self.predicate.as_ref().unwrap_or(&EMPTY_PREDICATE)
    }
    /// Whether the document had a `predicate` field.
    pub fn has_predicate(&self) -> bool {
        self.predicate.is_some()
    }
    /// Unknown top-level fields, kept as read.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// The predicate as the typed `P`, after checking that `predicateType` is exactly
    /// `P::PREDICATE_TYPE`. Errors inside the predicate are reported under `predicate.`.
    ///
    /// # Errors
    /// [`Error::PredicateTypeMismatch`], or the predicate's validation error.
    pub fn predicate<P: Predicate>(&self, limits: &Limits) -> Result<P> {
        self.check_predicate_type::<P>()?;
        P::from_predicate_json(
            Value::Object(self.predicate_json().clone()),
            FieldPath::root().key("predicate"),
            limits,
        )
    }

    /// As [`Statement::predicate`], taking the statement: the predicate is read without a
    /// copy of its JSON.
    ///
    /// # Errors
    /// As [`Statement::predicate`].
    pub fn into_predicate<P: Predicate>(self, limits: &Limits) -> Result<P> {
        self.check_predicate_type::<P>()?;
        P::from_predicate_json(
            Value::Object(self.predicate.unwrap_or_default()),
            FieldPath::root().key("predicate"),
            limits,
        )
    }

    fn check_predicate_type<P: Predicate>(&self) -> Result<()> {
        if self.predicate_type.as_str() == P::PREDICATE_TYPE {
            Ok(())
        } else {
            Err(Error::PredicateTypeMismatch {
                expected: P::PREDICATE_TYPE.to_owned(),
                found: self.predicate_type.as_str().to_owned(),
            })
        }
    }

    /// Sets `_type` to v0.1 (for emitters that must interoperate with consumers that only
    /// read v0.1; new documents should stay v1).
    #[must_use]
    pub fn with_statement_type(mut self, statement_type: StatementType) -> Self {
        self.statement_type = statement_type;
        self
    }
}

/// The Statement rule on subjects: a subject must have a digest. A descriptor that has
/// nothing at all (no name, uri, digest or content) gets the generic descriptor error.
fn check_subject(rd: &ResourceDescriptor, path: &FieldPath) -> Result<()> {
    if rd.digest().is_some_and(|d| !d.is_empty()) {
        return Ok(());
    }
    if rd.has_locator() || rd.name().is_some_and(|n| !n.is_empty()) {
        Err(Error::SubjectDigestMissing { path: path.clone() })
    } else {
        Err(Error::DescriptorEmpty { path: path.clone() })
    }
}

impl<'de> Deserialize<'de> for Statement {
    /// Deserialises and validates with [`Limits::default`] (use [`Statement::from_slice`] to
    /// get typed errors and the streaming limits).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(value, &Limits::default()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E3: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn st(json: &str) -> Result<Statement> {
        Statement::from_slice(json.as_bytes(), &Limits::default())
    }

    fn doc(type_: &str, rest: &str) -> String {
        format!(
            r#"{{"_type":"{type_}","subject":[{{"name":"a","digest":{{"sha256":"{E3}"}}}}],"predicateType":"https://example.com/p","predicate":{{}}{rest}}}"#
        )
    }

    #[test]
    fn reads_v1_and_v01() {
        assert_eq!(
            st(&doc(STATEMENT_V1, "")).unwrap().statement_type(),
            StatementType::V1
        );
        assert_eq!(
            st(&doc(STATEMENT_V01, "")).unwrap().statement_type(),
            StatementType::V01
        );
    }

    #[test]
    fn rejects_links_layouts_and_other_types() {
        for (t, kind) in [
            ("https://in-toto.io/Link/v1", NotStatementKind::Link),
            ("link", NotStatementKind::Link),
            ("layout", NotStatementKind::Layout),
            ("https://in-toto.io/Layout/v1", NotStatementKind::Layout),
        ] {
            let err = st(&doc(t, "")).unwrap_err();
            assert!(
                matches!(err, Error::NotAStatement { kind: k } if k == kind),
                "{t}: {err:?}"
            );
        }
        for t in [
            "https://in-toto.io/Statement/v2",
            "https://in-toto.io/Statement/v0.2",
            "x",
        ] {
            assert!(
                matches!(st(&doc(t, "")), Err(Error::UnsupportedStatementType { .. })),
                "{t}"
            );
        }
        let metablock = r#"{"signed":{"_type":"link"},"signatures":[]}"#;
        assert!(matches!(
            st(metablock),
            Err(Error::NotAStatement {
                kind: NotStatementKind::Metablock
            })
        ));
    }

    #[test]
    fn round_trips_unknown_fields() {
        let text = doc(STATEMENT_V01, r#","zzz":[1,2],"aaa":{"x":null}"#);
        let parsed = st(&text).unwrap();
        let again = String::from_utf8(parsed.to_json_bytes().unwrap()).unwrap();
        // Unknown fields come back sorted after the known ones.
        assert!(
            again.ends_with(r#""predicate":{},"aaa":{"x":null},"zzz":[1,2]}"#),
            "{again}"
        );
        assert_eq!(st(&again).unwrap(), parsed);
    }

    #[test]
    fn subject_rules() {
        let no_digest = format!(
            r#"{{"_type":"{STATEMENT_V1}","subject":[{{"name":"a","uri":"u"}}],"predicateType":"p","predicate":{{}}}}"#
        );
        let err = st(&no_digest).unwrap_err();
        assert!(
            matches!(&err, Error::SubjectDigestMissing { path } if path.as_str() == "subject[0]"),
            "{err:?}"
        );
        let empty_digest = no_digest.replace(r#""uri":"u""#, r#""digest":{}"#);
        assert!(matches!(
            st(&empty_digest),
            Err(Error::SubjectDigestMissing { .. })
        ));
        let no_subjects = format!(
            r#"{{"_type":"{STATEMENT_V1}","subject":[],"predicateType":"p","predicate":{{}}}}"#
        );
        assert!(matches!(st(&no_subjects), Err(Error::Empty { .. })));
    }

    #[test]
    fn missing_predicate_is_a_choice() {
        let text = format!(
            r#"{{"_type":"{STATEMENT_V1}","subject":[{{"digest":{{"sha256":"{E3}"}}}}],"predicateType":"https://sigstore.dev/cosign/sign/v1"}}"#
        );
        let err = st(&text).unwrap_err();
        assert!(matches!(&err, Error::MissingField { path } if path.as_str() == "predicate"));
        let lenient = Limits::default().with_missing_predicate(MissingPredicate::Accept);
        let parsed = Statement::from_slice(text.as_bytes(), &lenient).unwrap();
        assert!(!parsed.has_predicate());
        assert!(parsed.predicate_json().is_empty());
        assert_eq!(parsed.to_json_bytes().unwrap(), text.as_bytes());
    }

    #[test]
    fn predicate_type_mismatch_is_explicit() {
        let parsed = st(&doc(STATEMENT_V1, "")).unwrap();
        let err = parsed
            .predicate::<crate::Provenance>(&Limits::default())
            .unwrap_err();
        assert!(matches!(err, Error::PredicateTypeMismatch { .. }));
    }

    #[test]
    fn subjects_matching_uses_only_accepted_algorithms() {
        let text = format!(
            r#"{{"_type":"{STATEMENT_V1}","subject":[{{"name":"a","digest":{{"sha256":"{E3}","sha1":"{sha1}"}}}},{{"name":"b","digest":{{"sha1":"{sha1}"}}}}],"predicateType":"p","predicate":{{}}}}"#,
            sha1 = "0".repeat(40)
        );
        let parsed = st(&text).unwrap();
        let artifact: crate::DigestSet = format!("sha256:{E3}").parse().unwrap();
        let hits = parsed.subjects_matching(&artifact, &[crate::Algorithm::Sha256]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].name(), Some("a"));
        let sha1_artifact: crate::DigestSet = format!("sha1:{}", "0".repeat(40)).parse().unwrap();
        assert!(
            parsed
                .subjects_matching(&sha1_artifact, &[crate::Algorithm::Sha256])
                .is_empty()
        );
    }

    #[test]
    fn slsa_v1_dot_zero_is_not_v1() {
        assert_eq!(
            PredicateKind::of("https://slsa.dev/provenance/v1.0"),
            PredicateKind::Other
        );
        assert_eq!(
            PredicateKind::of(SLSA_PROVENANCE_V1),
            PredicateKind::SlsaProvenanceV1
        );
        for look_alike in [
            "https://slsa.dev/provenance/v1.0",
            "https://slsa.dev/provenance/v1.0?draft",
            "https://slsa.dev/provenance/v1/",
            "http://slsa.dev/provenance/v1",
            "https://SLSA.dev/provenance/v0.1",
        ] {
            assert!(
                PredicateKind::is_slsa_look_alike(look_alike),
                "{look_alike}"
            );
        }
        assert!(!PredicateKind::is_slsa_look_alike(SLSA_PROVENANCE_V1));
        assert!(!PredicateKind::is_slsa_look_alike(SLSA_PROVENANCE_V02));
        assert!(!PredicateKind::is_slsa_look_alike(
            "https://example.com/provenance"
        ));
    }

    /// With [`crate::UnreadFields::Drop`], what a verifier never reads is checked as the rest
    /// of the document but read as empty values of its kind; what it reads is kept.
    #[test]
    fn unread_fields_are_checked_and_read_as_empty() {
        use crate::{SLSA_PROVENANCE_V1, UnreadFields};
        let drop = Limits::default().with_unread_fields(UnreadFields::Drop);
        let doc = |internal: &str| {
            format!(
                r#"{{"_type":"{STATEMENT_V1}","subject":[{{"name":"a","digest":{{"sha256":"{E3}"}},"annotations":{{"k":[1,2]}}}}],
                "predicateType":"{SLSA_PROVENANCE_V1}","extra":{{"big":[[],[]]}},
                "predicate":{{"buildDefinition":{{"buildType":"https://bt","externalParameters":{{"p":"v"}},
                "internalParameters":{internal},
                "resolvedDependencies":[{{"uri":"git+https://g/o/r","digest":{{"gitCommit":"{}"}},"annotations":{{"n":"x"}}}}]}},
                "runDetails":{{"builder":{{"id":"https://b"}},"byproducts":[{{"name":"log","digest":{{"sha256":"{E3}"}}}}]}}}}}}"#,
                "a".repeat(40)
            )
        };
        let full =
            Statement::from_slice(doc(r#"{"x":[[],[]]}"#).as_bytes(), &Limits::default()).unwrap();
        let read = Statement::from_slice(doc(r#"{"x":[[],[]]}"#).as_bytes(), &drop).unwrap();
        let def = &read.predicate_json()["buildDefinition"];
        assert_eq!(def["internalParameters"], serde_json::json!({}));
        assert_eq!(
            read.predicate_json()["runDetails"]["byproducts"],
            serde_json::json!([])
        );
        assert_eq!(
            def["resolvedDependencies"][0]["annotations"],
            serde_json::json!({})
        );
        assert_eq!(read.extensions()["extra"], serde_json::json!({}));
        // What a verifier reads is as without dropping.
        assert_eq!(read.subjects()[0].digest(), full.subjects()[0].digest());
        assert_eq!(
            def["externalParameters"],
            full.predicate_json()["buildDefinition"]["externalParameters"]
        );
        assert_eq!(
            def["resolvedDependencies"][0]["digest"],
            full.predicate_json()["buildDefinition"]["resolvedDependencies"][0]["digest"]
        );
        // Still checked: a repeated key, the kind of the field.
        let err = Statement::from_slice(doc(r#"{"x":1,"x":2}"#).as_bytes(), &drop).unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateKey { path, key }
                if path.as_str() == "predicate.buildDefinition.internalParameters" && key == "x"),
            "{err:?}"
        );
        let read = Statement::from_slice(doc(r#""text""#).as_bytes(), &drop).unwrap();
        let err = read.slsa_provenance(&Limits::default()).unwrap_err();
        assert!(
            err.to_string().contains("internalParameters"),
            "a string where an object belongs is refused, as without dropping: {err}"
        );
    }
}
