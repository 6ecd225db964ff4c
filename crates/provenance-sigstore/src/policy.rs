//! Identity policy for keyless (Fulcio) signatures: SAN and OIDC issuer, exact or regexp,
//! plus the Fulcio extensions as expectations, composed with `AllOf` / `AnyOf`.

use crate::cert::SignerIdentity;
use crate::error::{Error, Result};

/// A string expectation: exact, or a regular expression with cosign's meaning: RE2 syntax
/// (Rust's `regex` crate implements the same linear-time dialect; the differences are minor,
/// such as Unicode classes and `\C`) matched as a **search**, as Go's `regexp.MatchString`
/// does: `github.com/o/` matches anywhere in the value. Anchors are the caller's: write
/// `^https://github\.com/o/r/` to pin the start and `$` to pin the end.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// Exact string equality.
    Exact(String),
    /// A regular expression, searched for in the value (unanchored).
    Regex(regex::Regex),
}

impl Matcher {
    /// An exact matcher.
    pub fn exact(s: impl Into<String>) -> Self {
        Self::Exact(s.into())
    }

    /// A regexp matcher, searched for in the value (cosign's and sigstore-go's semantics: not
    /// anchored; put `^` and `$` in the expression to anchor it).
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] if the expression does not compile (or is too large).
    pub fn regex(re: &str) -> Result<Self> {
        regex::RegexBuilder::new(re)
            .size_limit(1 << 20)
            .build()
            .map(Self::Regex)
            .map_err(|e| Error::InvalidPolicy(format!("bad regexp {re:?}: {e}")))
    }

    /// Whether `value` matches.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(s) => s == value,
            Self::Regex(r) => r.is_match(value),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(s) => write!(f, "{s:?}"),
            Self::Regex(r) => write!(f, "/{}/", r.as_str()),
        }
    }
}

/// A Fulcio certificate extension usable as an expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FulcioField {
    /// Source repository URI (1.3.6.1.4.1.57264.1.12).
    SourceRepositoryUri,
    /// Source repository digest (.1.13).
    SourceRepositoryDigest,
    /// Source repository ref (.1.14).
    SourceRepositoryRef,
    /// Build trigger (.1.20).
    BuildTrigger,
    /// Build signer URI (.1.9).
    BuildSignerUri,
    /// Build signer digest (.1.10).
    BuildSignerDigest,
    /// Runner environment (.1.11).
    RunnerEnvironment,
    /// Source repository owner URI (.1.16).
    SourceRepositoryOwnerUri,
}

impl FulcioField {
    fn get(self, id: &SignerIdentity) -> Option<&str> {
        match self {
            Self::SourceRepositoryUri => id.source_repository_uri.as_deref(),
            Self::SourceRepositoryDigest => id.source_repository_digest.as_deref(),
            Self::SourceRepositoryRef => id.source_repository_ref.as_deref(),
            Self::BuildTrigger => id.build_trigger.as_deref(),
            Self::BuildSignerUri => id.build_signer_uri.as_deref(),
            Self::BuildSignerDigest => id.build_signer_digest.as_deref(),
            Self::RunnerEnvironment => id.runner_environment.as_deref(),
            Self::SourceRepositoryOwnerUri => id.source_repository_owner_uri.as_deref(),
        }
    }

    /// The field's name and OID, for messages: `source repository URI (1.3.6.1.4.1.57264.1.12)`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SourceRepositoryUri => "source repository URI (1.3.6.1.4.1.57264.1.12)",
            Self::SourceRepositoryDigest => "source repository digest (1.3.6.1.4.1.57264.1.13)",
            Self::SourceRepositoryRef => "source repository ref (1.3.6.1.4.1.57264.1.14)",
            Self::BuildTrigger => "build trigger (1.3.6.1.4.1.57264.1.20)",
            Self::BuildSignerUri => "build signer URI (1.3.6.1.4.1.57264.1.9)",
            Self::BuildSignerDigest => "build signer digest (1.3.6.1.4.1.57264.1.10)",
            Self::RunnerEnvironment => "runner environment (1.3.6.1.4.1.57264.1.11)",
            Self::SourceRepositoryOwnerUri => {
                "source repository owner URI (1.3.6.1.4.1.57264.1.16)"
            }
        }
    }
}

/// What a keyless signer must be.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IdentityPolicy {
    /// The certificate SAN.
    San(Matcher),
    /// The OIDC issuer extension (1.3.6.1.4.1.57264.1.8, else .1.1).
    Issuer(Matcher),
    /// A Fulcio extension; a missing extension does not match.
    Extension(FulcioField, Matcher),
    /// Every policy holds (an empty list fails).
    AllOf(Vec<IdentityPolicy>),
    /// At least one policy holds (an empty list fails).
    AnyOf(Vec<IdentityPolicy>),
}

impl IdentityPolicy {
    /// The usual pair: SAN and issuer.
    pub fn identity(san: Matcher, issuer: Matcher) -> Self {
        Self::AllOf(vec![Self::San(san), Self::Issuer(issuer)])
    }

    fn constrains(&self, san: bool) -> bool {
        match self {
            Self::San(_) => san,
            Self::Issuer(_) => !san,
            Self::Extension(..) => false,
            Self::AllOf(v) => v.iter().any(|p| p.constrains(san)),
            Self::AnyOf(v) => !v.is_empty() && v.iter().all(|p| p.constrains(san)),
        }
    }

    /// Keyless verification needs both a SAN and an issuer constraint on every path.
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] if either is missing.
    pub fn check_complete(&self) -> Result<()> {
        if self.constrains(true) && self.constrains(false) {
            Ok(())
        } else {
            Err(Error::InvalidPolicy(
                "keyless verification needs an identity (SAN) and an OIDC issuer constraint; use the regexp `.*` to accept any"
                    .into(),
            ))
        }
    }

    /// Evaluates the policy.
    ///
    /// # Errors
    /// [`Error::PolicyMismatch`] describing the first unmet expectation.
    pub fn evaluate(&self, id: &SignerIdentity) -> Result<()> {
        let fail = |what: &str, m: &Matcher, actual: Option<&str>| {
            Err(Error::PolicyMismatch(format!(
                "{what}: expected {m}, got {:?}",
                actual.unwrap_or("<absent>")
            )))
        };
        match self {
            // No URI, email or Fulcio username SAN: no identity at all (sigstore-go refuses
            // such a certificate whatever the policy, even `.*`).
            Self::San(m) if id.san.is_empty() => fail("certificate identity (SAN)", m, None),
            Self::San(m) => {
                if m.matches(&id.san) {
                    Ok(())
                } else {
                    fail("certificate identity (SAN)", m, Some(&id.san))
                }
            }
            Self::Issuer(m) => match id.issuer.as_deref() {
                Some(i) if m.matches(i) => Ok(()),
                other => fail("OIDC issuer", m, other),
            },
            Self::Extension(field, m) => match field.get(id) {
                Some(v) if m.matches(v) => Ok(()),
                other => fail(&format!("certificate {}", field.describe()), m, other),
            },
            Self::AllOf(v) => {
                if v.is_empty() {
                    return Err(Error::PolicyMismatch("empty AllOf policy".into()));
                }
                v.iter().try_for_each(|p| p.evaluate(id))
            }
            Self::AnyOf(v) => {
                let mut last = Error::PolicyMismatch("empty AnyOf policy".into());
                for p in v {
                    match p.evaluate(id) {
                        Ok(()) => return Ok(()),
                        Err(e) => last = e,
                    }
                }
                Err(last)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> SignerIdentity {
        SignerIdentity {
            san: "https://x/y@refs/heads/main".into(),
            issuer: Some("https://iss".into()),
            ..Default::default()
        }
    }

    #[test]
    fn regex_is_a_search_with_the_callers_anchors() {
        for (re, value, want) in [
            ("https://x/", "https://x/y", true),
            ("x/y", "https://x/y@refs/heads/main", true),
            ("^https://x/", "https://x/y", true),
            ("^https://x/", "evil https://x/y", false),
            ("^https://x/y$", "https://x/y@refs/heads/main", false),
            ("^https://x/y$", "https://x/y", true),
            ("https://x/y$", "https://evil/https://x/y", true),
            (".*", "", true),
            ("a|b", "xbx", true),
            ("^a|b$", "xbx", false),
        ] {
            assert_eq!(
                Matcher::regex(re).unwrap().matches(value),
                want,
                "{re} {value}"
            );
        }
        assert!(Matcher::regex("(").is_err());
    }

    #[test]
    fn completeness_and_composition() {
        let p = IdentityPolicy::San(Matcher::regex(".*").unwrap());
        assert!(p.check_complete().is_err());
        let p =
            IdentityPolicy::identity(Matcher::regex(".*").unwrap(), Matcher::exact("https://iss"));
        p.check_complete().unwrap();
        p.evaluate(&id()).unwrap();
        let p = IdentityPolicy::AnyOf(vec![
            IdentityPolicy::identity(Matcher::exact("nope"), Matcher::exact("https://iss")),
            IdentityPolicy::identity(
                Matcher::exact("https://x/y@refs/heads/main"),
                Matcher::exact("https://iss"),
            ),
        ]);
        p.check_complete().unwrap();
        p.evaluate(&id()).unwrap();
        assert!(IdentityPolicy::AllOf(vec![]).evaluate(&id()).is_err());
        let ext = IdentityPolicy::Extension(FulcioField::BuildTrigger, Matcher::exact("push"));
        assert!(ext.evaluate(&id()).is_err());
    }
}
