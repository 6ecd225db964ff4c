//! Configurable bounds applied while parsing.

/// Bounds (and the one leniency switch) applied to every document this crate parses.
///
/// Every bound is checked while the JSON is being read, before the over-long list is
/// materialised, and the payload size is checked before parsing starts, so a hostile
/// document costs at most `max_payload_bytes` of input and a bounded amount of memory.
///
/// The defaults follow sigstore-go (the fix for CVE-2024-45395 / GHSA-cq38-jh5f-37mq
/// bounds subjects at 1024 and digests per subject at 32):
///
/// | bound | default |
/// |---|---|
/// | [`max_payload_bytes`](Self::max_payload_bytes) | 16 MiB |
/// | [`max_subjects`](Self::max_subjects) | 1024 |
/// | [`max_digests_per_descriptor`](Self::max_digests_per_descriptor) | 32 |
/// | [`max_descriptors`](Self::max_descriptors) | 10 000 |
/// | [`max_depth`](Self::max_depth) | 64 |
/// | [`missing_predicate`](Self::missing_predicate) | [`MissingPredicate::Reject`] |
/// | [`read_mode`](Self::read_mode) | [`ReadMode::Strict`] |
/// | [`unread_fields`](Self::unread_fields) | [`UnreadFields::Keep`] |
///
/// ```
/// use provenance_model::Limits;
/// let strict = Limits::default().with_max_subjects(16).with_max_payload_bytes(1 << 20);
/// assert_eq!(strict.max_subjects(), 16);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    max_payload_bytes: usize,
    max_subjects: usize,
    max_digests_per_descriptor: usize,
    max_descriptors: usize,
    max_depth: usize,
    missing_predicate: MissingPredicate,
    read_mode: ReadMode,
    unread_fields: UnreadFields,
}

/// What a Statement reader does with the fields a verifier never reads: SLSA v1
/// `buildDefinition.internalParameters` and `runDetails.byproducts`, the `annotations` of
/// subjects and resolved dependencies, and unknown top-level fields of the Statement.
///
/// With [`UnreadFields::Drop`] they are still checked as the rest of the document (well-formed
/// JSON, no repeated key, within the depth limit) and keep their JSON kind, but are read as
/// empty (`{}`, `[]`, `""`): a signed statement whose unread parts are large costs the bytes
/// of the document, not a tree built from them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnreadFields {
    /// Keep them as read (the default: a reader that writes the document back needs them).
    #[default]
    Keep,
    /// Check them and read them as empty values of their kind.
    Drop,
}

/// How strictly predicates are read.
///
/// Strict follows the specifications (and their reference validators). Lenient tolerates what
/// real producers write that the specifications do not allow but that changes nothing a
/// verifier reads:
///
/// | tolerated in [`ReadMode::Lenient`] | seen in |
/// |---|---|
/// | SLSA v1 `buildDefinition.externalParameters` absent (read as `{}`; protobuf-JSON writers omit empty messages) | sigstore-conformance `rekor2-dsse-happy-path`, sigstore-python `a.dsse.staging-rekor-v2` |
///
/// Both modes keep unknown fields, and both refuse what a verifier decides on: a missing or
/// invalid builder id or build type, a time that is not RFC 3339 (a claimed build time feeds
/// the age and build-time rules), an invalid digest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadMode {
    /// As the specifications (the default).
    #[default]
    Strict,
    /// Tolerate the omissions listed above.
    Lenient,
}

/// What to do with a Statement that has no `predicate` field.
///
/// The in-toto spec lets `predicate` be omitted ("unset is treated the same as
/// set-but-empty"); the reference validators (Go `Statement.Validate`, Python
/// `Statement.validate`) reject it. cosign v3 writes such statements
/// (`predicateType` `https://sigstore.dev/cosign/sign/v1`, no predicate).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingPredicate {
    /// Reject it with [`crate::Error::MissingField`] (the default, as the reference validators).
    #[default]
    Reject,
    /// Accept it as an empty predicate (as the spec allows); it is not written back.
    Accept,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_payload_bytes: Self::DEFAULT_MAX_PAYLOAD_BYTES,
            max_subjects: Self::DEFAULT_MAX_SUBJECTS,
            max_digests_per_descriptor: Self::DEFAULT_MAX_DIGESTS_PER_DESCRIPTOR,
            max_descriptors: Self::DEFAULT_MAX_DESCRIPTORS,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            missing_predicate: MissingPredicate::Reject,
            read_mode: ReadMode::Strict,
            unread_fields: UnreadFields::Keep,
        }
    }
}

impl Limits {
    /// Default [`Self::max_payload_bytes`]: 16 MiB.
    pub const DEFAULT_MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;
    /// Default [`Self::max_subjects`]: 1024 (as sigstore-go).
    pub const DEFAULT_MAX_SUBJECTS: usize = 1024;
    /// Default [`Self::max_digests_per_descriptor`]: 32 (as sigstore-go).
    pub const DEFAULT_MAX_DIGESTS_PER_DESCRIPTOR: usize = 32;
    /// Default [`Self::max_descriptors`]: 10 000.
    pub const DEFAULT_MAX_DESCRIPTORS: usize = 10_000;
    /// Default [`Self::max_depth`]: 64 (`serde_json` itself stops at 128).
    pub const DEFAULT_MAX_DEPTH: usize = 64;

    /// Largest document accepted, in bytes.
    pub fn max_payload_bytes(&self) -> usize {
        self.max_payload_bytes
    }
    /// Most subjects a Statement may have.
    pub fn max_subjects(&self) -> usize {
        self.max_subjects
    }
    /// Most entries in one digest set (a subject's, a dependency's ...).
    pub fn max_digests_per_descriptor(&self) -> usize {
        self.max_digests_per_descriptor
    }
    /// Most resource descriptors in one list other than `subject` (`resolvedDependencies`,
    /// `byproducts`, `builderDependencies`, v0.2 `materials`, VSA `inputAttestations`).
    pub fn max_descriptors(&self) -> usize {
        self.max_descriptors
    }
    /// Deepest nesting of JSON arrays and objects.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Whether a Statement without `predicate` is accepted (default: rejected).
    pub fn missing_predicate(&self) -> MissingPredicate {
        self.missing_predicate
    }

    /// How strictly predicates are read (default: [`ReadMode::Strict`]).
    pub fn read_mode(&self) -> ReadMode {
        self.read_mode
    }

    /// What is done with the fields a verifier never reads (default: [`UnreadFields::Keep`]).
    pub fn unread_fields(&self) -> UnreadFields {
        self.unread_fields
    }

    /// Sets [`Self::unread_fields`].
    #[must_use]
    pub fn with_unread_fields(mut self, unread: UnreadFields) -> Self {
        self.unread_fields = unread;
        self
    }

    /// Sets [`Self::read_mode`].
    #[must_use]
    pub fn with_read_mode(mut self, mode: ReadMode) -> Self {
        self.read_mode = mode;
        self
    }

    /// Sets [`Self::missing_predicate`].
    #[must_use]
    pub fn with_missing_predicate(mut self, missing: MissingPredicate) -> Self {
        self.missing_predicate = missing;
        self
    }

    /// Sets [`Self::max_payload_bytes`].
    #[must_use]
    pub fn with_max_payload_bytes(mut self, bytes: usize) -> Self {
        self.max_payload_bytes = bytes;
        self
    }
    /// Sets [`Self::max_subjects`].
    #[must_use]
    pub fn with_max_subjects(mut self, subjects: usize) -> Self {
        self.max_subjects = subjects;
        self
    }
    /// Sets [`Self::max_digests_per_descriptor`].
    #[must_use]
    pub fn with_max_digests_per_descriptor(mut self, digests: usize) -> Self {
        self.max_digests_per_descriptor = digests;
        self
    }
    /// Sets [`Self::max_descriptors`].
    #[must_use]
    pub fn with_max_descriptors(mut self, descriptors: usize) -> Self {
        self.max_descriptors = descriptors;
        self
    }
    /// Sets [`Self::max_depth`] (values above 127 have no effect: `serde_json`'s own
    /// recursion limit applies first).
    #[must_use]
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
}
