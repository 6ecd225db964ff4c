//! Where detection reads environment variables from.
//!
//! Detection never calls `std::env` itself: it asks an [`EnvSource`], so a test (or a build tool
//! that runs steps in a sandbox) can hand it exactly the variables it wants.

use std::collections::{BTreeMap, HashMap};

/// A read-only view of environment variables.
///
/// Implemented by [`ProcessEnv`] (the real process environment), [`MapEnv`], and the standard
/// maps `HashMap<String, String>` / `BTreeMap<String, String>`.
pub trait EnvSource {
    /// The value of `name`, or `None` when it is unset or not valid Unicode.
    fn var(&self, name: &str) -> Option<String>;

    /// The value of `name` when it is set and not empty (after trimming whitespace).
    fn non_empty(&self, name: &str) -> Option<String> {
        self.var(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }
}

/// The environment of the running process (`std::env::var`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// A fixed set of variables, for tests and sandboxes.
///
/// ```
/// use provenance_context::{EnvSource, MapEnv};
/// let env: MapEnv = [("CI", "true")].into_iter().collect();
/// assert_eq!(env.var("CI").as_deref(), Some("true"));
/// assert_eq!(env.var("HOME"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapEnv {
    vars: BTreeMap<String, String>,
}

impl MapEnv {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value` (builder style).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets `name` to `value`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) {
        self.vars.remove(name);
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for MapEnv {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl EnvSource for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }
}

impl<S: std::hash::BuildHasher> EnvSource for HashMap<String, String, S> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl EnvSource for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl<T: EnvSource + ?Sized> EnvSource for &T {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}
