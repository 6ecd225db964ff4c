//! OIDC identity tokens: read from a value, the environment or the CI's ambient credentials.
//! The claims are read **unverified** (Fulcio verifies the token); they only name the signer
//! for messages and for the check of the finished bundle. The token is never printed.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::Http;

/// Issuers whose certificates name the token's email (Fulcio's email-type issuers).
const EMAIL_ISSUERS: [&str; 3] = [
    "https://accounts.google.com",
    "https://oauth2.sigstore.dev/auth",
    "https://login.microsoftonline.com",
];

/// Largest accepted token (real ones are 1-2 KiB).
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// An OIDC identity token for Fulcio, with its (unverified) claims.
///
/// `Debug` shows the issuer and subject only, never the token.
#[derive(Clone)]
pub struct IdentityToken {
    raw: String,
    issuer: String,
    subject: String,
    email: Option<String>,
    expires: Option<i64>,
    claims: serde_json::Map<String, Value>,
}

impl std::fmt::Debug for IdentityToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityToken")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

fn bad(reason: impl Into<String>) -> Error {
    Error::IdentityToken(reason.into())
}

impl IdentityToken {
    /// Parses a compact JWT (`header.payload.signature`) and reads its claims without
    /// verifying it. Needs `iss` and `sub`.
    ///
    /// # Errors
    /// [`Error::IdentityToken`] when it is not such a JWT or is larger than 16 KiB.
    pub fn parse(token: &str) -> Result<Self> {
        let token = token.trim();
        if token.is_empty() {
            return Err(bad("empty"));
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(bad(format!("larger than {MAX_TOKEN_BYTES} bytes")));
        }
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("not a JWT (three dot-separated parts expected)"));
        };
        let json = provenance_model::b64::decode(payload)
            .map_err(|_| bad("the JWT payload is not base64url"))?;
        let claims: serde_json::Map<String, Value> = serde_json::from_slice(&json)
            .map_err(|_| bad("the JWT payload is not a JSON object"))?;
        let string = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let issuer = string("iss").ok_or_else(|| bad("no `iss` claim"))?;
        let subject = string("sub").ok_or_else(|| bad("no `sub` claim"))?;
        let expires = claims.get("exp").and_then(Value::as_i64);
        Ok(Self {
            raw: token.to_owned(),
            issuer,
            subject,
            email: string("email"),
            expires,
            claims,
        })
    }

    /// Reads `value`, or the file it names after `@` (as cosign's `--identity-token`).
    ///
    /// # Errors
    /// [`Error::IdentityToken`] when the file cannot be read or the token does not parse.
    pub fn from_value_or_file(value: &str) -> Result<Self> {
        match value.strip_prefix('@') {
            Some(path) => {
                let bytes = read_small(std::path::Path::new(path))
                    .map_err(|e| bad(format!("cannot read {path}: {e}")))?;
                let text =
                    String::from_utf8(bytes).map_err(|_| bad(format!("{path} is not UTF-8")))?;
                Self::parse(&text)
            }
            None => Self::parse(value),
        }
    }

    /// Finds a token in the environment, as sigstore-python and cosign detect them:
    /// `SIGSTORE_ID_TOKEN` (also GitLab CI's `id_tokens` convention), then GitHub Actions'
    /// ambient credentials (`ACTIONS_ID_TOKEN_REQUEST_URL` + `ACTIONS_ID_TOKEN_REQUEST_TOKEN`,
    /// asked for the audience `sigstore`), then Buildkite (`BUILDKITE=true`:
    /// `buildkite-agent oidc request-token --audience sigstore`) and `CircleCI`
    /// (`CIRCLECI=true`: `circleci run oidc get --claims '{"aud":"sigstore"}'`), each helper
    /// bounded by `timeout`. `Ok(None)` when none is there.
    ///
    /// # Errors
    /// [`Error::IdentityToken`] for a token that does not parse,
    /// [`Error::ServiceUnavailable`] / [`Error::ServiceRefused`] /
    /// [`Error::BadServiceAnswer`] when the GitHub token endpoint fails.
    pub fn from_environment(timeout: std::time::Duration) -> Result<Option<Self>> {
        if let Some(v) = std::env::var("SIGSTORE_ID_TOKEN")
            .ok()
            .filter(|v| !v.is_empty())
        {
            return Self::parse(&v).map(Some);
        }
        let url = std::env::var("ACTIONS_ID_TOKEN_REQUEST_URL").ok();
        let request_token = std::env::var("ACTIONS_ID_TOKEN_REQUEST_TOKEN").ok();
        match (url, request_token) {
            (Some(url), Some(rt)) if !url.is_empty() && !rt.is_empty() => {
                return Self::from_github_actions(&url, &rt, timeout).map(Some);
            }
            _ => {}
        }
        let set = |name: &str| std::env::var(name).is_ok_and(|v| v == "true");
        if set("BUILDKITE") {
            return from_helper(
                "buildkite-agent",
                &["oidc", "request-token", "--audience", "sigstore"],
                timeout,
            )
            .map(Some);
        }
        if set("CIRCLECI") {
            return from_helper(
                "circleci",
                &["run", "oidc", "get", "--claims", r#"{"aud":"sigstore"}"#],
                timeout,
            )
            .map(Some);
        }
        Ok(None)
    }

    /// Asks GitHub Actions' OIDC endpoint for a token with the audience `sigstore`.
    ///
    /// # Errors
    /// As for [`IdentityToken::from_environment`].
    pub fn from_github_actions(
        request_url: &str,
        request_token: &str,
        timeout: std::time::Duration,
    ) -> Result<Self> {
        const SERVICE: &str = "GitHub Actions OIDC endpoint";
        let plain_remote = request_url
            .strip_prefix("http://")
            .is_some_and(|rest| !crate::sign::services::is_loopback(rest));
        if !request_url.starts_with("https://") && !request_url.starts_with("http://")
            || plain_remote
        {
            return Err(bad(
                "ACTIONS_ID_TOKEN_REQUEST_URL is not https (nor http to loopback)",
            ));
        }
        let sep = if request_url.contains('?') { '&' } else { '?' };
        let url = format!("{request_url}{sep}audience=sigstore");
        let http = Http::new(timeout, 2);
        let answer = http.get_json(SERVICE, &url, Some(request_token))?;
        let value =
            answer
                .get("value")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::BadServiceAnswer {
                    service: SERVICE,
                    url: request_url.to_owned(),
                    reason: "no `value` in the answer".into(),
                })?;
        Self::parse(value)
    }

    /// The compact token, to send to Fulcio. Never print it.
    pub(crate) fn secret(&self) -> &str {
        &self.raw
    }

    /// The `iss` claim (unverified).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `sub` claim (unverified).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The `email` claim, if any (unverified).
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The `exp` claim (Unix seconds), if any.
    pub fn expires(&self) -> Option<i64> {
        self.expires
    }

    /// Fails when the token expired before `now` (Unix seconds).
    ///
    /// # Errors
    /// [`Error::IdentityToken`] naming the expiry.
    pub fn check_not_expired(&self, now: i64) -> Result<()> {
        match self.expires {
            Some(exp) if exp <= now => Err(bad(format!(
                "expired {} s ago (exp {exp}); ask the CI for a fresh token",
                now - exp
            ))),
            _ => Ok(()),
        }
    }

    /// The value Fulcio's proof of possession covers: the email for the email-based issuers
    /// (Google, Sigstore's own Dex, Microsoft), else `sub` (Fulcio's `challenges.go`).
    pub(crate) fn challenge_subject(&self) -> &str {
        match &self.email {
            Some(email) if EMAIL_ISSUERS.contains(&self.issuer.as_str()) => email,
            _ => &self.subject,
        }
    }

    /// The one certificate identity (SAN) Fulcio derives from this token, by the kind of its
    /// issuer (Fulcio's `config.go` issuer types): the email for an email issuer (Google,
    /// Sigstore's Dex, Microsoft) whose token has a verified `email`; for CI tokens the URI
    /// Fulcio builds from their claims: GitHub Actions' `https://github.com/` +
    /// `job_workflow_ref`, GitLab's `https://` + `ci_config_ref_uri`, Buildkite's
    /// `https://buildkite.com/ORG/PIPELINE`; else `sub` (URI, SPIFFE and Kubernetes issuers).
    pub fn expected_identity(&self) -> String {
        let claim = |n: &str| self.claims.get(n).and_then(Value::as_str);
        if EMAIL_ISSUERS.contains(&self.issuer.as_str()) {
            let verified = self.claims.get("email_verified").and_then(Value::as_bool);
            if let (Some(email), Some(true)) = (&self.email, verified) {
                return email.clone();
            }
            return self.subject.clone();
        }
        if let Some(r) = claim("job_workflow_ref") {
            return format!("https://github.com/{r}");
        }
        if let Some(r) = claim("ci_config_ref_uri") {
            return format!("https://{r}");
        }
        if let (Some(o), Some(p)) = (claim("organization_slug"), claim("pipeline_slug")) {
            return format!("https://buildkite.com/{o}/{p}");
        }
        self.subject.clone()
    }

    /// Every certificate identity (SAN) a Fulcio might derive from this token: `sub`, the
    /// email, and the CI-specific URIs (GitHub's `job_workflow_ref`, GitLab's
    /// `ci_config_ref_uri`, Buildkite's pipeline).
    pub fn candidate_identities(&self) -> Vec<String> {
        let claim = |n: &str| self.claims.get(n).and_then(Value::as_str);
        let mut out = vec![self.subject.clone()];
        out.extend(self.email.clone());
        if let Some(r) = claim("job_workflow_ref") {
            out.push(format!("https://github.com/{r}"));
        }
        if let Some(r) = claim("ci_config_ref_uri") {
            out.push(format!("https://{r}"));
        }
        if let (Some(o), Some(p)) = (claim("organization_slug"), claim("pipeline_slug")) {
            out.push(format!("https://buildkite.com/{o}/{p}"));
        }
        out
    }
}

/// Runs a CI's token helper and parses what it prints (bounded, within `timeout`).
fn from_helper(
    program: &str,
    args: &[&str],
    timeout: std::time::Duration,
) -> Result<IdentityToken> {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let failed = |reason: String| bad(format!("`{program}` {reason}"));
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed(format!("could not run: {e}")))?;
    let reader = child.stdout.take().map(|stdout| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout
                .take(MAX_TOKEN_BYTES as u64 + 1)
                .read_to_end(&mut buf);
            buf
        })
    });
    let deadline = std::time::Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "gave no token within {} s",
                    timeout.as_secs()
                )));
            }
            Err(e) => return Err(failed(format!("failed: {e}"))),
        }
    };
    let out = reader
        .and_then(|handle| handle.join().ok())
        .unwrap_or_default();
    if !status.success() {
        return Err(failed(format!("failed ({status})")));
    }
    let text = String::from_utf8(out).map_err(|_| failed("printed no UTF-8".into()))?;
    IdentityToken::parse(&text)
}

fn read_small(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_TOKEN_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let e =
            |s: &str| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, s);
        format!("{}.{}.{}", e(r#"{"alg":"ES256"}"#), e(claims), e("sig"))
    }

    #[test]
    fn claims_are_read_and_debug_hides_the_token() {
        let t = IdentityToken::parse(&jwt(
            r#"{"iss":"https://i.example","sub":"s1","email":"a@b.c","exp":100,"job_workflow_ref":"o/r/.github/workflows/x.yml@refs/heads/main"}"#,
        ))
        .unwrap();
        assert_eq!(t.issuer(), "https://i.example");
        assert_eq!(t.subject(), "s1");
        assert_eq!(t.challenge_subject(), "s1");
        assert_eq!(
            t.candidate_identities(),
            [
                "s1",
                "a@b.c",
                "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"
            ]
        );
        let dbg = format!("{t:?}");
        assert!(!dbg.contains(t.secret()), "{dbg}");
        assert!(dbg.contains("https://i.example"), "{dbg}");
        assert!(t.check_not_expired(99).is_ok());
        let err = t.check_not_expired(100).unwrap_err().to_string();
        assert!(err.contains("expired 0 s ago"), "{err}");
    }

    #[test]
    fn fulcio_names_one_identity_per_issuer_kind() {
        let id = |claims: &str| {
            IdentityToken::parse(&jwt(claims))
                .unwrap()
                .expected_identity()
        };
        // an email issuer: the verified email, never the sub
        assert_eq!(
            id(
                r#"{"iss":"https://accounts.google.com","sub":"123","email":"a@b.c","email_verified":true}"#
            ),
            "a@b.c"
        );
        // an unverified email is not what Fulcio certifies
        assert_eq!(
            id(
                r#"{"iss":"https://accounts.google.com","sub":"123","email":"a@b.c","email_verified":false}"#
            ),
            "123"
        );
        // GitHub Actions: the workflow URI, whatever the email or sub say
        assert_eq!(
            id(
                r#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r:ref:refs/heads/main","email":"a@b.c","email_verified":true,"job_workflow_ref":"o/r/.github/workflows/x.yml@refs/heads/main"}"#
            ),
            "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main"
        );
        assert_eq!(
            id(
                r#"{"iss":"https://gitlab.com","sub":"project_path:g/p:ref_type:branch:ref:main","ci_config_ref_uri":"gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main"}"#
            ),
            "https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main"
        );
        assert_eq!(
            id(
                r#"{"iss":"https://agent.buildkite.com","sub":"organization:o:pipeline:p","organization_slug":"o","pipeline_slug":"p"}"#
            ),
            "https://buildkite.com/o/p"
        );
        // another issuer with an email claim: the sub (a URI or SPIFFE id)
        assert_eq!(
            id(
                r#"{"iss":"https://i.example","sub":"spiffe://x/y","email":"a@b.c","email_verified":true}"#
            ),
            "spiffe://x/y"
        );
    }

    #[test]
    fn email_issuers_prove_possession_of_the_email() {
        let t = IdentityToken::parse(&jwt(
            r#"{"iss":"https://oauth2.sigstore.dev/auth","sub":"123","email":"a@b.c"}"#,
        ))
        .unwrap();
        assert_eq!(t.challenge_subject(), "a@b.c");
    }

    #[test]
    fn malformed_tokens_name_the_problem() {
        let cases = [
            ("", "empty"),
            ("abc", "not a JWT"),
            ("a.b.c.d", "not a JWT"),
            ("a.!!!.c", "not base64url"),
            (&*jwt("[1]"), "not a JSON object"),
            (&*jwt(r#"{"sub":"s"}"#), "no `iss` claim"),
            (&*jwt(r#"{"iss":"i"}"#), "no `sub` claim"),
        ];
        for (input, want) in cases {
            let err = IdentityToken::parse(input).unwrap_err().to_string();
            assert!(err.contains(want), "{input:?}: {err}");
        }
        let big = "a".repeat(MAX_TOKEN_BYTES + 1);
        let err = IdentityToken::parse(&big).unwrap_err().to_string();
        assert!(err.contains("larger than"), "{err}");
    }
}
