//! The keyless signer's certificate facts as the source of truth: source expectations are
//! checked against the certificate, the statement's claims must agree with it, and the user's
//! own workflow needs no builder id (earning SLSA Build level 2, never 3).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::too_many_lines,
    clippy::unnecessary_wraps
)]

mod common;

use common::*;
use provenance_digest::{Algorithm, DigestSet};
use provenance_verify::rules::{BuilderRule, RefExpectation, SourceRepo};
use provenance_verify::{Artifact, Engine, Expectations, Rule, SignerIdentity, TrustRoot, Verdict};
use time::macros::datetime;

const NOW: time::OffsetDateTime = datetime!(2026-01-02 00:00 UTC);
const COMMIT: &str = "4d329c75e7ec1725f7c9ce917a8799d408d06be3";
const OTHER_COMMIT: &str = "1111111111111111111111111111111111111111";
const OWN: &str = "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3";
const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
const THIRD_PARTY: &str = "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1";

/// A keyless root stand-in: checks the Ed25519 signature, then reports the signer as a
/// certificate with this identity and these Fulcio extensions (what a Fulcio chain and an
/// identity policy would give).
#[derive(Debug)]
struct FakeKeyless {
    keys: provenance_verify::KeyVerifier,
    certificate: SignerIdentity,
}

impl provenance_verify::AttestationVerifier for FakeKeyless {
    fn verify(
        &self,
        attestation: &provenance_verify::RawAttestation,
        _now: time::OffsetDateTime,
    ) -> Result<provenance_verify::SignedAttestation, provenance_verify::Rejection> {
        let mut signed = self.keys.verify_envelope(attestation.bytes())?;
        signed.signer = provenance_verify::Signer::Certificate {
            certificate: Box::new(self.certificate.clone()),
            signed_at: None,
            transparency_log: true,
        };
        Ok(signed)
    }
}

/// The certificate of a run of `signer` for `repo` at `reference` and `commit`.
fn cert(signer: &str, repo: &str, reference: &str, commit: &str) -> SignerIdentity {
    let mut c = SignerIdentity::default();
    c.issuer = Some("https://token.actions.githubusercontent.com".into());
    c.build_signer_uri = Some(signer.into());
    c.source_repository_uri = Some(repo.into());
    c.source_repository_ref = Some(reference.into());
    c.source_repository_digest = Some(commit.into());
    c.runner_environment = Some("github-hosted".into());
    c
}

fn root(identity: &str, mut certificate: SignerIdentity) -> TrustRoot {
    certificate.san = identity.into();
    let vk = provenance_dsse::Ed25519VerificationKey::new(
        "key-1".parse().unwrap(),
        signing_key(1).verifying_key(),
    );
    let keys = provenance_verify::KeyVerifier::new(
        vec![std::sync::Arc::new(vk)],
        provenance_dsse::Threshold::ONE,
    );
    TrustRoot::new("keyless", Box::new(FakeKeyless { keys, certificate }), true)
}

fn exp(
    repo: Option<&str>,
    reference: Option<RefExpectation>,
    commit: Option<&str>,
    builder: Option<&str>,
) -> Expectations {
    let mut e = Expectations::default();
    e.source_repository = repo.map(|r| SourceRepo::parse(r).unwrap());
    e.source_ref = reference;
    e.source_commit = commit.map(str::to_owned);
    e.builder = builder.map(|b| BuilderRule::parse(b).unwrap());
    e
}

fn tag(t: &str) -> Option<RefExpectation> {
    Some(RefExpectation::Tag(t.into()))
}

struct Case {
    name: &'static str,
    /// The statement's builder id and source (`git+URI@REF`) and commit.
    claims: (&'static str, &'static str, &'static str),
    /// The certificate: signer, repository, ref, commit.
    cert: (&'static str, &'static str, &'static str, &'static str),
    exp: Expectations,
    /// `None`: pass; else the rule that must fail and text its reason must contain.
    fails: Option<(Rule, &'static str)>,
    level: Option<u8>,
}

#[test]
fn certificate_facts_decide_the_source() {
    let good_claims = (
        OWN,
        "git+https://github.com/example/app@refs/tags/v1.2.3",
        COMMIT,
    );
    let good_cert = (
        OWN,
        "https://github.com/example/app",
        "refs/tags/v1.2.3",
        COMMIT,
    );
    let cases = [
        Case {
            name: "own workflow, expectations stated by the certificate: no builder id, level 2",
            claims: good_claims,
            cert: good_cert,
            exp: exp(
                Some("github.com/example/app"),
                tag("v1.2.3"),
                Some(COMMIT),
                None,
            ),
            fails: None,
            level: Some(2),
        },
        Case {
            name: "statement claims a tag, the workflow ran on a branch",
            claims: good_claims,
            cert: (
                OWN,
                "https://github.com/example/app",
                "refs/heads/evil",
                COMMIT,
            ),
            exp: exp(
                Some("github.com/example/app"),
                None,
                None,
                Some("https://github.com/example/app/.github/workflows/release.yml"),
            ),
            fails: Some((Rule::CertificateAgreement, "sourceRepositoryRef")),
            level: None,
        },
        Case {
            name: "statement claims another commit",
            claims: good_claims,
            cert: (
                OWN,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                OTHER_COMMIT,
            ),
            exp: exp(Some("github.com/example/app"), None, None, None),
            fails: Some((Rule::CertificateAgreement, "sourceRepositoryDigest")),
            level: None,
        },
        Case {
            name: "statement claims another repository",
            claims: (
                GENERATOR,
                "git+https://github.com/victim/app@refs/tags/v1.2.3",
                COMMIT,
            ),
            cert: (
                GENERATOR,
                "https://github.com/attacker/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            exp: exp(None, tag("v1.2.3"), None, None),
            fails: Some((Rule::CertificateAgreement, "sourceRepositoryURI")),
            level: None,
        },
        Case {
            name: "tag expectation checked against the certificate's ref",
            claims: (GENERATOR, "git+https://github.com/example/app", COMMIT),
            cert: (
                GENERATOR,
                "https://github.com/example/app",
                "refs/heads/main",
                COMMIT,
            ),
            exp: exp(None, tag("v1.2.3"), None, None),
            fails: Some((Rule::SourceRef, "sourceRepositoryRef")),
            level: None,
        },
        Case {
            name: "repository expectation checked against the certificate",
            claims: (GENERATOR, "git+https://github.com/example/app", COMMIT),
            cert: (
                GENERATOR,
                "https://github.com/example/app-fork",
                "refs/heads/main",
                COMMIT,
            ),
            exp: exp(Some("github.com/example/app"), None, None, None),
            fails: Some((Rule::SourceRepository, "sourceRepositoryURI")),
            level: None,
        },
        Case {
            name: "commit expectation checked against the certificate",
            claims: (
                GENERATOR,
                "git+https://github.com/example/app",
                OTHER_COMMIT,
            ),
            cert: (
                GENERATOR,
                "https://github.com/example/app",
                "refs/heads/main",
                OTHER_COMMIT,
            ),
            exp: exp(None, None, Some(COMMIT), None),
            fails: Some((Rule::SourceCommit, "sourceRepositoryDigest")),
            level: None,
        },
        Case {
            name: "slsa-github-generator: the certificate's source is the caller's repository",
            claims: (
                GENERATOR,
                "git+https://github.com/example/app@refs/tags/v1.2.3",
                COMMIT,
            ),
            cert: (
                GENERATOR,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            exp: exp(
                Some("github.com/example/app"),
                tag("v1.2.3"),
                Some(COMMIT),
                None,
            ),
            fails: None,
            level: Some(3),
        },
        Case {
            name: "a third-party reusable workflow still needs a builder id",
            claims: (
                THIRD_PARTY,
                "git+https://github.com/example/app@refs/tags/v1.2.3",
                COMMIT,
            ),
            cert: (
                THIRD_PARTY,
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            exp: exp(Some("github.com/example/app"), None, None, None),
            fails: Some((Rule::BuilderId, "not a builder trusted by default")),
            level: None,
        },
        Case {
            name: "a workflow in a look-alike repository is not the source's own",
            claims: (
                "https://github.com/example/app-evil/.github/workflows/release.yml@refs/heads/main",
                "git+https://github.com/example/app@refs/tags/v1.2.3",
                COMMIT,
            ),
            cert: (
                "https://github.com/example/app-evil/.github/workflows/release.yml@refs/heads/main",
                "https://github.com/example/app",
                "refs/tags/v1.2.3",
                COMMIT,
            ),
            exp: exp(Some("github.com/example/app"), None, None, None),
            fails: Some((Rule::BuilderId, "not a builder trusted by default")),
            level: None,
        },
        Case {
            name: "own workflow, but a build type expectation the certificate cannot state",
            claims: good_claims,
            cert: good_cert,
            exp: {
                let mut e = exp(Some("github.com/example/app"), None, None, None);
                e.build_type = Some("https://example.com/build/v1".into());
                e
            },
            fails: Some((Rule::BuilderId, "not a builder trusted by default")),
            level: None,
        },
    ];
    for case in cases {
        let (builder, uri, commit) = case.claims;
        let st = provenance(&[("app", &sha(1))], builder, uri, commit);
        let (signer, repo, reference, digest) = case.cert;
        let v = Engine::new(vec![root(signer, cert(signer, repo, reference, digest))])
            .unwrap()
            .with_defaults(case.exp.clone());
        let r = v
            .verify(
                &[Artifact::new(
                    "app",
                    DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap(),
                )],
                &set_of(&[envelope(&st, 1)]),
                NOW,
            )
            .unwrap();
        let a = &r.artifacts[0];
        match case.fails {
            None => {
                assert_eq!(a.verdict, Verdict::Pass, "{}: {}", case.name, a.reason());
                assert_eq!(a.slsa_level, case.level, "{}", case.name);
            }
            Some((rule, text)) => {
                assert_eq!(a.verdict, Verdict::Fail, "{}", case.name);
                let f = a
                    .failures
                    .iter()
                    .find(|f| f.rule == rule)
                    .unwrap_or_else(|| {
                        panic!("{}: no {rule:?} failure in {}", case.name, a.reason())
                    });
                assert!(
                    f.describe().contains(text),
                    "{}: {:?} does not name {text}",
                    case.name,
                    f.describe()
                );
            }
        }
    }
}

/// With no expectation at all the verdict is "signed by this identity" (as cosign and
/// sigstore-go): a disagreeing claim is reported, not judged; any expectation makes it judged.
#[test]
fn agreement_is_judged_when_the_verdict_rests_on_the_statement() {
    let st = provenance(
        &[("app", &sha(1))],
        OWN,
        "git+https://github.com/example/app@refs/tags/v1.2.3",
        COMMIT,
    );
    let c = cert(
        OWN,
        "https://github.com/example/app",
        "refs/heads/evil",
        COMMIT,
    );
    let artifact = Artifact::new(
        "app",
        DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap(),
    );
    let v = Engine::new(vec![root(OWN, c.clone())]).unwrap();
    let r = v
        .verify(
            std::slice::from_ref(&artifact),
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    assert_eq!(r.artifacts[0].verdict, Verdict::Pass);
    // A root that names the signer (gh's --repo and friends) judges it.
    let v = Engine::new(vec![root(OWN, c).with_named_signer(true)]).unwrap();
    let r = v
        .verify(&[artifact], &set_of(&[envelope(&st, 1)]), NOW)
        .unwrap();
    assert_eq!(r.artifacts[0].verdict, Verdict::Fail);
    assert_eq!(r.artifacts[0].failures[0].rule, Rule::CertificateAgreement);
}

/// A root that names the signer (gh's `--repo`): a third-party reusable workflow then needs no
/// builder id, and earns level 2 even when the root is granted 3.
#[test]
fn named_signer_root_needs_no_builder_id_and_caps_at_level_2() {
    let st = provenance(
        &[("app", &sha(1))],
        THIRD_PARTY,
        "git+https://github.com/example/app@refs/tags/v1.2.3",
        COMMIT,
    );
    let c = cert(
        THIRD_PARTY,
        "https://github.com/example/app",
        "refs/tags/v1.2.3",
        COMMIT,
    );
    let v = Engine::new(vec![
        root(THIRD_PARTY, c)
            .with_named_signer(true)
            .with_slsa_level(Some(3)),
    ])
    .unwrap()
    .with_defaults(exp(
        Some("github.com/example/app"),
        tag("v1.2.3"),
        None,
        None,
    ));
    let r = v
        .verify(
            &[Artifact::new(
                "app",
                DigestSet::single(Algorithm::Sha256, &sha(1)).unwrap(),
            )],
            &set_of(&[envelope(&st, 1)]),
            NOW,
        )
        .unwrap();
    let a = &r.artifacts[0];
    assert_eq!(a.verdict, Verdict::Pass, "{}", a.reason());
    assert_eq!(a.slsa_level, Some(2));
}
