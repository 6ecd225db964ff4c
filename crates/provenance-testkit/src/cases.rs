//! `test-vectors/third-party/CASES.tsv`: the shared table of third-party cases, each row mapped
//! one to one onto `provenance verify` flags.

use std::path::PathBuf;

/// The table's columns, in order.
pub const COLUMNS: [&str; 15] = [
    "case_id",
    "kind",
    "attestation",
    "artifact",
    "trusted_root",
    "key",
    "identity",
    "identity_regexp",
    "issuer",
    "source_uri",
    "source_tag",
    "source_branch",
    "builder_id",
    "expected",
    "note",
];

/// `test-vectors/third-party/`.
pub fn third_party() -> PathBuf {
    crate::test_vectors().join("third-party")
}

/// One row of `CASES.tsv`.
#[derive(Debug, Clone)]
pub struct Case {
    fields: Vec<String>,
}

/// Every row of `CASES.tsv` (the header checked against [`COLUMNS`]).
pub fn cases() -> Vec<Case> {
    let table = std::fs::read_to_string(third_party().join("CASES.tsv")).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    assert_eq!(header, COLUMNS, "CASES.tsv header");
    lines
        .map(|line| Case {
            fields: line.split('\t').map(str::to_owned).collect(),
        })
        .collect()
}

/// `[predicateType A]` or `[predicateType A, B]` in a note: the predicate types to accept.
pub fn predicate_types(note: &str) -> Vec<String> {
    let Some(start) = note.find("[predicateType ") else {
        return Vec::new();
    };
    let rest = &note[start + "[predicateType ".len()..];
    let Some(end) = rest.find(']') else {
        return Vec::new();
    };
    rest[..end]
        .split(", ")
        .map(|s| s.trim().trim_matches('"').to_owned())
        .collect()
}

fn is_digest(artifact: &str) -> bool {
    artifact.starts_with("sha256:") || artifact.starts_with("sha512:")
}

impl Case {
    fn col(&self, name: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.fields.get(i))
            .map_or("", String::as_str)
    }

    /// `case_id`.
    pub fn id(&self) -> &str {
        self.col("case_id")
    }

    /// `kind` (`bundle-keyless`, `bundle-key`, `dsse-key`, `dsse-cert-online`, ...).
    pub fn kind(&self) -> &str {
        self.col("kind")
    }

    /// `expected`: `PASS`, `FAIL` or `SKIP`.
    pub fn expected(&self) -> &str {
        self.col("expected")
    }

    /// The attestation file.
    pub fn attestation(&self) -> PathBuf {
        third_party().join(self.col("attestation"))
    }

    /// The artifact argument: a digest as written, or the file's path.
    pub fn artifact(&self) -> String {
        let artifact = self.col("artifact");
        if is_digest(artifact) {
            artifact.to_owned()
        } else {
            third_party().join(artifact).to_string_lossy().into_owned()
        }
    }

    /// The first input file the row names that is not in `test-vectors/`, if any.
    pub fn missing_input(&self) -> Option<String> {
        let mut inputs = vec![
            self.col("attestation"),
            self.col("trusted_root"),
            self.col("key"),
        ];
        if !is_digest(self.col("artifact")) {
            inputs.push(self.col("artifact"));
        }
        inputs
            .into_iter()
            .find(|p| !p.is_empty() && !third_party().join(p).exists())
            .map(str::to_owned)
    }

    /// The `verify` flags the row asks for (trust, identity, expectations, predicate types),
    /// without `--attestation` and the artifact. A keyless row with no identity or issuer
    /// accepts any, spelled out (`--certificate-identity-regexp .*`).
    pub fn verify_flags(&self) -> Vec<String> {
        let mut args: Vec<String> = Vec::new();
        let mut flag = |name: &str, value: &str| args.extend([name.to_owned(), value.to_owned()]);
        let file = |rel: &str| third_party().join(rel).to_string_lossy().into_owned();
        if !self.col("trusted_root").is_empty() {
            flag("--trusted-root", &file(self.col("trusted_root")));
        }
        if !self.col("key").is_empty() {
            flag("--key", &file(self.col("key")));
        }
        if matches!(self.kind(), "bundle-keyless" | "dsse-cert-online") {
            match (self.col("identity"), self.col("identity_regexp")) {
                ("", "") => flag("--certificate-identity-regexp", ".*"),
                ("", re) => flag("--certificate-identity-regexp", re),
                (exact, _) => flag("--certificate-identity", exact),
            }
            match self.col("issuer") {
                "" => flag("--certificate-oidc-issuer-regexp", ".*"),
                issuer => flag("--certificate-oidc-issuer", issuer),
            }
        }
        for (name, column) in [
            ("--source-uri", "source_uri"),
            ("--source-tag", "source_tag"),
            ("--source-branch", "source_branch"),
            ("--builder-id", "builder_id"),
        ] {
            if !self.col(column).is_empty() {
                flag(name, self.col(column));
            }
        }
        for t in predicate_types(self.col("note")) {
            flag("--predicate-type", &t);
        }
        args
    }
}
