//! Bounded JSON reading: bytes -> `serde_json::Value` with duplicate-key rejection and
//! limits enforced while streaming, plus a small reader that turns objects into typed
//! fields with precise field paths.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, FieldPath, JsonKind, LimitKind, Result};
use crate::limits::{Limits, UnreadFields};

/// Unknown ("extension") fields of an object, kept on read and written back sorted.
pub type Extensions = BTreeMap<String, Value>;

/// Where in a Statement the streaming parser is, for the limits that apply there and the
/// fields a verifier never reads ([`crate::UnreadFields`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// Top level of a Statement.
    StatementRoot,
    /// The `subject` array.
    Subjects,
    /// One subject.
    Subject,
    /// A subject's digest set.
    SubjectDigest,
    /// A Statement's `predicate`.
    Predicate,
    /// A predicate's `buildDefinition` (SLSA v1).
    BuildDefinition,
    /// A predicate's `runDetails` (SLSA v1).
    RunDetails,
    /// `buildDefinition.resolvedDependencies`.
    Dependencies,
    /// One resolved dependency.
    Dependency,
    /// A field no verifier reads, with [`crate::UnreadFields::Drop`]: checked, read as empty.
    Unread,
    /// Anywhere else.
    Other,
}

impl Ctx {
    fn child(self, key: &str, drop_unread: bool) -> Self {
        match (self, key) {
            (Self::StatementRoot, "subject") => Self::Subjects,
            (Self::StatementRoot, "predicate") => Self::Predicate,
            (Self::Subject, "digest") => Self::SubjectDigest,
            (Self::Predicate, "buildDefinition") => Self::BuildDefinition,
            (Self::Predicate, "runDetails") => Self::RunDetails,
            (Self::BuildDefinition, "resolvedDependencies") => Self::Dependencies,
            (Self::StatementRoot, "_type" | "predicateType") => Self::Other,
            (Self::StatementRoot, _)
            | (Self::BuildDefinition, "internalParameters")
            | (Self::RunDetails, "byproducts")
            | (Self::Subject | Self::Dependency, "annotations")
                if drop_unread =>
            {
                Self::Unread
            }
            _ => Self::Other,
        }
    }

    fn element(self) -> Self {
        match self {
            Self::Subjects => Self::Subject,
            Self::Dependencies => Self::Dependency,
            _ => Self::Other,
        }
    }
}

/// What the parser builds of a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The value.
    Value,
    /// An empty value of its kind (`{}`, `[]`, `""`; numbers, booleans and `null` as read);
    /// nothing below it.
    Kind,
    /// Nothing: every string, array and object reads as `null` (only checking the document).
    Nothing,
}

impl Keep {
    /// What is built of the values inside this one.
    fn inner(self) -> Self {
        match self {
            Self::Value => Self::Value,
            Self::Kind | Self::Nothing => Self::Nothing,
        }
    }
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

struct State<'l> {
    limits: &'l Limits,
    path: RefCell<Vec<Seg>>,
    failure: RefCell<Option<Error>>,
}

impl State<'_> {
    fn current_path(&self) -> FieldPath {
        let mut p = FieldPath::root();
        for seg in self.path.borrow().iter() {
            p = match seg {
                Seg::Key(k) => p.key(k),
                Seg::Index(i) => p.index(*i),
            };
        }
        p
    }

    fn fail<E: de::Error>(&self, error: Error) -> E {
        let msg = error.to_string();
        *self.failure.borrow_mut() = Some(error);
        E::custom(msg)
    }
}

struct ValueSeed<'s, 'l> {
    state: &'s State<'l>,
    ctx: Ctx,
    depth: usize,
    /// What to build of the value.
    keep: Keep,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(match self.keep {
            Keep::Value => Value::String(v.to_owned()),
            Keep::Kind => Value::String(String::new()),
            Keep::Nothing => Value::Null,
        })
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(match self.keep {
            Keep::Value => Value::String(v),
            Keep::Kind => Value::String(String::new()),
            Keep::Nothing => Value::Null,
        })
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let state = self.state;
        if self.depth >= state.limits.max_depth() {
            return Err(state.fail(Error::LimitExceeded {
                path: state.current_path(),
                kind: LimitKind::Depth,
                limit: state.limits.max_depth(),
            }));
        }
        let max = (self.ctx == Ctx::Subjects).then(|| state.limits.max_subjects());
        let mut out = Vec::new();
        // Elements read (only counted when they are not kept).
        let mut index = 0;
        loop {
            if let Some(max) = max
                && index >= max
            {
                // Only an error if there actually is one more element.
                state.path.borrow_mut().push(Seg::Index(index));
                let next = seq.next_element::<de::IgnoredAny>();
                state.path.borrow_mut().pop();
                if next?.is_some() {
                    return Err(state.fail(Error::LimitExceeded {
                        path: state.current_path(),
                        kind: LimitKind::Subjects,
                        limit: max,
                    }));
                }
                break;
            }
            state.path.borrow_mut().push(Seg::Index(index));
            let element = seq.next_element_seed(ValueSeed {
                state,
                ctx: self.ctx.element(),
                depth: self.depth + 1,
                keep: self.keep.inner(),
            });
            state.path.borrow_mut().pop();
            match element? {
                Some(v) => {
                    index += 1;
                    if self.keep == Keep::Value {
                        out.push(v);
                    }
                }
                None => break,
            }
        }
        Ok(match self.keep {
            Keep::Value | Keep::Kind => Value::Array(out),
            Keep::Nothing => Value::Null,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let state = self.state;
        if self.depth >= state.limits.max_depth() {
            return Err(state.fail(Error::LimitExceeded {
                path: state.current_path(),
                kind: LimitKind::Depth,
                limit: state.limits.max_depth(),
            }));
        }
        let max =
            (self.ctx == Ctx::SubjectDigest).then(|| state.limits.max_digests_per_descriptor());
        let mut out = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(state.fail(Error::DuplicateKey {
                    path: state.current_path(),
                    key,
                }));
            }
            if let Some(max) = max
                && out.len() >= max
            {
                return Err(state.fail(Error::LimitExceeded {
                    path: state.current_path(),
                    kind: LimitKind::DigestsPerDescriptor,
                    limit: max,
                }));
            }
            let ctx = self
                .ctx
                .child(&key, state.limits.unread_fields() == UnreadFields::Drop);
            // The key lives on the path stack while its value is read (no copy), then moves
            // into the map.
            state.path.borrow_mut().push(Seg::Key(key));
            let keep = match self.keep {
                Keep::Value if ctx == Ctx::Unread => Keep::Kind,
                keep => keep.inner(),
            };
            let value = access.next_value_seed(ValueSeed {
                state,
                ctx,
                depth: self.depth + 1,
                keep,
            });
            let popped = state.path.borrow_mut().pop();
            if let Some(Seg::Key(key)) = popped {
                // (when only checking, the keys are kept to find a repeated one)
                out.insert(key, value?);
            }
        }
        Ok(match self.keep {
            Keep::Value => Value::Object(out),
            Keep::Kind => Value::Object(Map::new()),
            Keep::Nothing => Value::Null,
        })
    }
}

/// Parses `bytes` as one JSON value, enforcing `limits` while reading and rejecting
/// duplicate object keys anywhere in the document.
pub(crate) fn parse(bytes: &[u8], limits: &Limits, ctx: Ctx) -> Result<Value> {
    read(bytes, limits, ctx, Keep::Value)
}

/// Checks that `bytes` is one JSON document within `limits` in which no object repeats a key,
/// at any depth (keys compared after unescaping), without building it: the workspace's one
/// duplicate-key-rejecting JSON reader, used before typed deserialisation of formats whose
/// structs would skip unknown fields unseen (DSSE envelopes, Sigstore bundles).
///
/// ```
/// use provenance_model::{Error, Limits, reject_duplicate_keys};
/// assert!(reject_duplicate_keys(br#"{"a":{"b":1},"c":[{"b":2}]}"#, &Limits::default()).is_ok());
/// let err = reject_duplicate_keys(br#"{"a":{"b":1,"b":2}}"#, &Limits::default()).unwrap_err();
/// assert!(matches!(&err, Error::DuplicateKey { path, key } if path.as_str() == "a" && key == "b"));
/// ```
///
/// # Errors
/// [`Error::DuplicateKey`] with the object's path and the key, [`Error::Json`],
/// [`Error::PayloadTooLarge`] or [`Error::LimitExceeded`].
pub fn reject_duplicate_keys(bytes: &[u8], limits: &Limits) -> Result<()> {
    read(bytes, limits, Ctx::Other, Keep::Nothing).map(drop)
}

fn read(bytes: &[u8], limits: &Limits, ctx: Ctx, keep: Keep) -> Result<Value> {
    if bytes.len() > limits.max_payload_bytes() {
        return Err(Error::PayloadTooLarge {
            size: bytes.len(),
            limit: limits.max_payload_bytes(),
        });
    }
    let state = State {
        limits,
        path: RefCell::new(Vec::new()),
        failure: RefCell::new(None),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = ValueSeed {
        state: &state,
        ctx,
        depth: 0,
        keep,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    match result {
        Ok(v) => Ok(v),
        Err(source) => Err(state.failure.take().unwrap_or(Error::Json { source })),
    }
}

/// Reads the members of one JSON object into typed fields, tracking the field path.
pub(crate) struct Obj {
    map: Map<String, Value>,
    path: FieldPath,
}

impl Obj {
    /// `value` must be an object.
    pub(crate) fn new(value: Value, path: FieldPath) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            other => Err(Error::WrongType {
                found: JsonKind::of(&other),
                path,
                expected: JsonKind::Object,
            }),
        }
    }

    pub(crate) fn path(&self) -> &FieldPath {
        &self.path
    }

    pub(crate) fn field(&self, key: &str) -> FieldPath {
        self.path.key(key)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Removes `key`; JSON `null` counts as absent (protobuf JSON semantics).
    pub(crate) fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.shift_remove(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    pub(crate) fn opt_string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong(self.field(key), JsonKind::String, &other)),
        }
    }

    /// A required string; empty strings are rejected.
    pub(crate) fn req_string(&mut self, key: &str) -> Result<String> {
        match self.opt_string(key)? {
            None => Err(Error::MissingField {
                path: self.field(key),
            }),
            Some(s) if s.is_empty() => Err(Error::Empty {
                path: self.field(key),
            }),
            Some(s) => Ok(s),
        }
    }

    pub(crate) fn opt_bool(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(wrong(self.field(key), JsonKind::Bool, &other)),
        }
    }

    pub(crate) fn opt_object(&mut self, key: &str) -> Result<Option<Obj>> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => Obj::new(v, self.field(key)).map(Some),
        }
    }

    pub(crate) fn opt_map(&mut self, key: &str) -> Result<Option<Map<String, Value>>> {
        Ok(self.opt_object(key)?.map(Obj::into_map))
    }

    pub(crate) fn opt_array(&mut self, key: &str) -> Result<Option<Vec<Value>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(wrong(self.field(key), JsonKind::Array, &other)),
        }
    }

    /// A `map<string, string>` field (e.g. SLSA `builder.version`).
    pub(crate) fn opt_string_map(&mut self, key: &str) -> Result<Option<BTreeMap<String, String>>> {
        let Some(obj) = self.opt_object(key)? else {
            return Ok(None);
        };
        let path = obj.path.clone();
        let mut out = BTreeMap::new();
        for (k, v) in obj.map {
            match v {
                Value::String(s) => {
                    out.insert(k, s);
                }
                other => return Err(wrong(path.key(&k), JsonKind::String, &other)),
            }
        }
        Ok(Some(out))
    }

    /// A list of strings.
    pub(crate) fn opt_string_list(&mut self, key: &str) -> Result<Option<Vec<String>>> {
        let Some(items) = self.opt_array(key)? else {
            return Ok(None);
        };
        let path = self.field(key);
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s),
                other => Err(wrong(path.index(i), JsonKind::String, &other)),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    pub(crate) fn into_map(self) -> Map<String, Value> {
        self.map
    }

    /// The fields nobody took: the object's extension fields.
    pub(crate) fn rest(self) -> Extensions {
        self.map.into_iter().collect()
    }
}

pub(crate) fn wrong(path: FieldPath, expected: JsonKind, found: &Value) -> Error {
    Error::WrongType {
        path,
        expected,
        found: JsonKind::of(found),
    }
}

/// Checks a list length against [`Limits::max_descriptors`].
pub(crate) fn check_descriptor_count(path: &FieldPath, len: usize, limits: &Limits) -> Result<()> {
    if len > limits.max_descriptors() {
        return Err(Error::LimitExceeded {
            path: path.clone(),
            kind: LimitKind::Descriptors,
            limit: limits.max_descriptors(),
        });
    }
    Ok(())
}

/// Serialises a value as compact JSON bytes.
pub(crate) fn to_bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| Error::Serialize { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_other(s: &str) -> Result<Value> {
        parse(s.as_bytes(), &Limits::default(), Ctx::Other)
    }

    #[test]
    fn duplicate_keys_are_rejected_with_their_path() {
        let err = parse_other(r#"{"a":{"b":[{"c":1,"c":2}]}}"#).unwrap_err();
        match err {
            Error::DuplicateKey { path, key } => {
                assert_eq!(path.to_string(), "a.b[0]");
                assert_eq!(key, "c");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn too_large_payload_is_rejected_before_parsing() {
        let limits = Limits::default().with_max_payload_bytes(4);
        let err = parse(b"not even json", &limits, Ctx::Other).unwrap_err();
        assert!(matches!(err, Error::PayloadTooLarge { size: 13, limit: 4 }));
    }

    #[test]
    fn subject_limit_is_enforced_while_streaming() {
        let limits = Limits::default().with_max_subjects(2);
        let ok = r#"{"subject":[{},{}]}"#;
        assert!(parse(ok.as_bytes(), &limits, Ctx::StatementRoot).is_ok());
        let bad = r#"{"subject":[{},{},{}]}"#;
        let err = parse(bad.as_bytes(), &limits, Ctx::StatementRoot).unwrap_err();
        assert!(
            matches!(&err, Error::LimitExceeded { kind: LimitKind::Subjects, limit: 2, path } if path.as_str() == "subject"),
            "{err:?}"
        );
    }

    #[test]
    fn digest_limit_is_enforced_while_streaming() {
        let limits = Limits::default().with_max_digests_per_descriptor(1);
        let bad = r#"{"subject":[{"digest":{"a":"1","b":"2"}}]}"#;
        let err = parse(bad.as_bytes(), &limits, Ctx::StatementRoot).unwrap_err();
        assert!(
            matches!(&err, Error::LimitExceeded { kind: LimitKind::DigestsPerDescriptor, path, .. } if path.as_str() == "subject[0].digest"),
            "{err:?}"
        );
    }

    #[test]
    fn depth_limit_is_enforced() {
        let limits = Limits::default().with_max_depth(3);
        assert!(parse(b"[[[1]]]", &limits, Ctx::Other).is_ok());
        let err = parse(b"[[[[1]]]]", &limits, Ctx::Other).unwrap_err();
        assert!(matches!(
            err,
            Error::LimitExceeded {
                kind: LimitKind::Depth,
                ..
            }
        ));
    }

    #[test]
    fn trailing_data_and_syntax_errors_are_json_errors() {
        assert!(matches!(parse_other("{} x"), Err(Error::Json { .. })));
        assert!(matches!(parse_other("{"), Err(Error::Json { .. })));
        assert!(matches!(parse_other(""), Err(Error::Json { .. })));
    }

    #[test]
    fn key_order_is_preserved() {
        let v = parse_other(r#"{"z":1,"a":2}"#).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"z":1,"a":2}"#);
    }
}
