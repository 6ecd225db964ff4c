//! The artifacts a statement is about: files, directory trees and checksum lists.

use std::collections::HashMap;
use std::path::Path;

use provenance_digest::{Algorithm, DigestSet};

use crate::checksums::ChecksumEntry;
use crate::error::{Error, Result};

/// Default bound on the number of subjects (the model's default bound too).
pub const DEFAULT_MAX_SUBJECTS: usize = 1024;

/// An ordered, de-duplicated list of subjects (name + digests).
///
/// Adding a name twice merges the digests when they agree and fails when a common algorithm
/// differs, so one statement never claims two contents for one name.
#[derive(Debug, Clone)]
pub struct SubjectSet {
    items: Vec<(String, DigestSet)>,
    index: HashMap<String, usize>,
    max: usize,
}

impl Default for SubjectSet {
    fn default() -> Self {
        Self::new()
    }
}

impl SubjectSet {
    /// An empty list bounded by [`DEFAULT_MAX_SUBJECTS`].
    pub fn new() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
            max: DEFAULT_MAX_SUBJECTS,
        }
    }

    /// Changes the bound on the number of subjects.
    #[must_use]
    pub fn with_max_subjects(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    /// Adds one subject.
    ///
    /// # Errors
    /// [`Error::ConflictingSubject`] when `name` is already present with a different digest of
    /// the same algorithm; [`Error::TooManySubjects`] beyond the bound.
    pub fn add(&mut self, name: impl Into<String>, digest: DigestSet) -> Result<()> {
        let name = name.into();
        if let Some(&at) = self.index.get(&name) {
            let Some((_, existing)) = self.items.get_mut(at) else {
                return Err(Error::ConflictingSubject { name });
            };
            for (algorithm, value) in &digest {
                match existing.get(algorithm) {
                    Some(old) if old != value => return Err(Error::ConflictingSubject { name }),
                    Some(_) => {}
                    None => existing
                        .insert(algorithm, value)
                        .map_err(|_| Error::ConflictingSubject { name: name.clone() })?,
                }
            }
            return Ok(());
        }
        if self.items.len() >= self.max {
            return Err(Error::TooManySubjects { limit: self.max });
        }
        self.index.insert(name.clone(), self.items.len());
        self.items.push((name, digest));
        Ok(())
    }

    /// Adds the entries of a checksum list (see [`parse_checksums`](crate::parse_checksums)).
    ///
    /// # Errors
    /// As [`add`](Self::add).
    pub fn add_checksums(&mut self, entries: Vec<ChecksumEntry>) -> Result<()> {
        for entry in entries {
            self.add(entry.name, entry.digest)?;
        }
        Ok(())
    }

    /// Hashes a file (named as given, without a leading `./`) or every regular file below a
    /// directory (named `<dir>/<relative path>` with `/` separators, in sorted order), hashed in
    /// parallel by [`provenance_digest::hash_tree`]. Inside a directory, symbolic links are
    /// followed only while they stay inside it (a link out of the tree refuses the whole tree,
    /// so a link cannot pull `/etc/passwd` into the statement); special files are left out.
    ///
    /// # Errors
    /// [`Error::Io`] when a path cannot be read, [`Error::Hash`] when hashing fails or a link
    /// leaves the tree, [`Error::NonUnicodePath`], and as [`add`](Self::add).
    pub fn add_path(&mut self, path: &Path, algorithms: &[Algorithm]) -> Result<()> {
        let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let name = display_name(path)?;
        if metadata.is_dir() {
            let tree =
                provenance_digest::hash_tree(path, algorithms).map_err(|source| Error::Hash {
                    path: path.to_owned(),
                    source,
                })?;
            for entry in tree.into_entries() {
                let digest = entry.result.map_err(|source| Error::Hash {
                    path: path.join(&entry.path),
                    source,
                })?;
                let relative = path_to_slash(&entry.path)?;
                let name = if name == "." || name.is_empty() {
                    relative
                } else {
                    format!("{}/{relative}", name.trim_end_matches('/'))
                };
                self.add(name, digest)?;
            }
            Ok(())
        } else {
            let digest = hash(path, algorithms)?;
            self.add(name, digest)
        }
    }

    /// How many subjects.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The subjects in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DigestSet)> {
        self.items
            .iter()
            .map(|(name, digest)| (name.as_str(), digest))
    }
}

fn hash(path: &Path, algorithms: &[Algorithm]) -> Result<DigestSet> {
    provenance_digest::hash_file(path, algorithms).map_err(|source| Error::Hash {
        path: path.to_owned(),
        source,
    })
}

fn display_name(path: &Path) -> Result<String> {
    let name = path.to_str().ok_or_else(|| Error::NonUnicodePath {
        path: path.to_owned(),
    })?;
    let mut name = name;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    Ok(if name.is_empty() {
        ".".to_owned()
    } else {
        name.to_owned()
    })
}

fn path_to_slash(path: &Path) -> Result<String> {
    let parts = path
        .components()
        .map(|c| {
            c.as_os_str().to_str().ok_or_else(|| Error::NonUnicodePath {
                path: path.to_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(hex: &str) -> DigestSet {
        DigestSet::single(Algorithm::Sha256, hex).unwrap()
    }

    #[test]
    fn duplicates_merge_and_conflicts_fail() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let mut subjects = SubjectSet::new();
        subjects.add("x", set(&a)).unwrap();
        subjects.add("x", set(&a)).unwrap();
        assert_eq!(subjects.len(), 1);
        assert!(matches!(
            subjects.add("x", set(&b)),
            Err(Error::ConflictingSubject { .. })
        ));
        let mut small = SubjectSet::new().with_max_subjects(1);
        small.add("x", set(&a)).unwrap();
        assert!(matches!(
            small.add("y", set(&a)),
            Err(Error::TooManySubjects { limit: 1 })
        ));
    }
}
