//! Attacks that fooled peer tools (see SECURITY-CASES.md), each refused here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use provenance_sigstore::{
    Artifact, Bundle, BundleVerifier, Error, IdentityPolicy, Matcher, SignerPolicy, Transparency,
    TrustedRoot, VerifiedContent,
};
use provenance_testkit::bundle_with_proto_names;
use serde_json::Value;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_900_000_000;
const SAN: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn tp() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/third-party")
}

fn conformance(case: &str) -> Value {
    let p = tp()
        .join("sigstore-conformance/assets/bundle-verify")
        .join(case)
        .join("bundle.sigstore.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn a_txt() -> Vec<u8> {
    std::fs::read(tp().join("sigstore-conformance/assets/bundle-verify/a.txt")).unwrap()
}

fn prod() -> Value {
    serde_json::from_str(provenance_sigstore::PUBLIC_GOOD_TRUSTED_ROOT).unwrap()
}

fn keyless(root: &Value) -> BundleVerifier {
    let root = TrustedRoot::from_json(&serde_json::to_vec(root).unwrap()).unwrap();
    BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(SAN),
            Matcher::exact(ISSUER),
        )),
    )
}

fn verify(bundle: &Value, root: &Value) -> Result<(), Error> {
    let b = Bundle::from_json(&serde_json::to_vec(bundle).unwrap())?;
    keyless(root)
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .map(|_| ())
}

#[test]
fn baseline_happy_path_verifies_and_round_trips() {
    let bundle = conformance("happy-path-v0.3");
    verify(&bundle, &prod()).unwrap();
    let parsed = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    let again = Bundle::from_json(&parsed.to_json().unwrap()).unwrap();
    let v = keyless(&prod())
        .verify(&again, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
    assert!(matches!(v.content, VerifiedContent::MessageDigest { .. }));
    assert_eq!(v.identity.unwrap().san, SAN);
    assert!(v.tlog_verified);
}

/// cosign CVE-2022-23649 / GHSA-whqx-f9j3-ch6m: a valid log entry (SET, proof, checkpoint all
/// fine) for a *different* signature must not vouch for this one.
#[test]
fn tlog_entry_of_another_signature_is_refused() {
    let mut bundle = conformance("happy-path-v0.3");
    let other = conformance("happy-path-v0.2");
    bundle["verificationMaterial"]["tlogEntries"] =
        other["verificationMaterial"]["tlogEntries"].clone();
    assert!(matches!(
        verify(&bundle, &prod()),
        Err(Error::TlogBodyMismatch(_))
    ));
}

/// Unsigned mediaType downgrade: a v0.3 bundle relabelled v0.1 with its proof removed.
#[test]
fn media_type_downgrade_is_refused() {
    let mut bundle = conformance("happy-path-v0.3");
    bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1".into();
    bundle["verificationMaterial"]["tlogEntries"][0]
        .as_object_mut()
        .unwrap()
        .remove("inclusionProof");
    assert!(matches!(
        verify(&bundle, &prod()),
        Err(Error::VersionMismatch { .. })
    ));
    // and without the relabel, v0.3 needs the proof
    let mut bundle = conformance("happy-path-v0.3");
    bundle["verificationMaterial"]["tlogEntries"][0]
        .as_object_mut()
        .unwrap()
        .remove("inclusionProof");
    assert!(matches!(
        verify(&bundle, &prod()),
        Err(Error::MissingInclusionProof(_))
    ));
    // a v0.2 bundle's checkpoint is required too
    let mut bundle = conformance("happy-path-v0.2");
    bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
        .as_object_mut()
        .unwrap()
        .remove("checkpoint");
    assert!(matches!(
        verify(&bundle, &prod()),
        Err(Error::MissingInclusionProof(_))
    ));
}

/// A v0.2/v0.3 bundle relabelled v0.1 in full: `certificate` moved into the (equally
/// unsigned) `x509CertificateChain`, `inclusionProof` deleted (review R1).
fn relabel_v01_without_proof(bundle: &mut Value) {
    bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1".into();
    let vm = bundle["verificationMaterial"].as_object_mut().unwrap();
    if let Some(cert) = vm.remove("certificate") {
        vm.insert(
            "x509CertificateChain".into(),
            serde_json::json!({ "certificates": [cert] }),
        );
    }
    for entry in vm["tlogEntries"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("inclusionProof");
    }
}

const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";

fn slsa_verifier_v03_bundle() -> Value {
    let p = tp()
        .join("slsa-verifier/gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl");
    let text = std::fs::read_to_string(p).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

fn verify_generator(bundle: &Value, allow_promise_only: bool) -> Result<(), Error> {
    let b = Bundle::from_json(&serde_json::to_vec(bundle).unwrap())?;
    let root = TrustedRoot::from_json(&serde_json::to_vec(&prod()).unwrap()).unwrap();
    BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(GENERATOR),
            Matcher::exact(ISSUER),
        )),
    )
    .allow_promise_only(allow_promise_only)
    .verify(&b, Artifact::None, NOW)
    .map(|_| ())
}

/// Review R1, exactly: slsa-verifier's real v0.3 bundle (a `dsse` 0.0.1 entry, integrated
/// 2025) relabelled v0.1 with the certificate moved and the proof removed. v0.1 bundles keep
/// the Rekor v1 kinds their producers wrote without a proof (protobuf-specs, sigstore-go), so
/// the kind alone does not refuse it; its integrated time after [`PROMISE_ONLY_CUTOFF`] does,
/// unless the caller opts in (and then the SET is still verified).
#[test]
fn relabelled_v03_dsse_bundle_without_proof_needs_the_promise_only_opt_in() {
    let original = slsa_verifier_v03_bundle();
    verify_generator(&original, false).unwrap();
    let mut bundle = original;
    relabel_v01_without_proof(&mut bundle);
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"],
        "dsse"
    );
    let r = verify_generator(&bundle, false);
    assert!(
        matches!(r, Err(Error::MissingInclusionProof(m)) if m.contains("2024-01-01")),
        "{r:?}"
    );
    verify_generator(&bundle, true).unwrap();
    // a forged SET is still refused with the opt-in
    let set = &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"]["signedEntryTimestamp"];
    let mut sig = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        set.as_str().unwrap(),
    )
    .unwrap();
    let last = sig.len() - 1;
    sig[last] ^= 1;
    *set = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &sig).into();
    assert!(matches!(
        verify_generator(&bundle, true),
        Err(Error::InvalidSignature(_))
    ));
}

/// The same relabel on a `hashedrekord` 0.0.1 bundle (a kind v0.1 producers did write),
/// integrated 2024-03-19, after [`PROMISE_ONLY_CUTOFF`]: refused by default, accepted only
/// with the explicit opt-in (the SET is still verified then).
#[test]
fn relabelled_recent_hashedrekord_bundle_needs_the_promise_only_opt_in() {
    let mut bundle = conformance("happy-path-v0.3");
    let time: i64 = bundle["verificationMaterial"]["tlogEntries"][0]["integratedTime"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(time >= provenance_sigstore::PROMISE_ONLY_CUTOFF);
    relabel_v01_without_proof(&mut bundle);
    let r = verify(&bundle, &prod());
    assert!(
        matches!(r, Err(Error::MissingInclusionProof(m)) if m.contains("2024-01-01")),
        "{r:?}"
    );
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    let v = keyless(&prod())
        .allow_promise_only(true)
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
    assert!(
        v.checks
            .contains(&provenance_sigstore::Check::SignedEntryTimestamp)
    );
    assert!(
        !v.checks
            .contains(&provenance_sigstore::Check::InclusionProof)
    );
    // the opt-in does not excuse a bad SET
    let mut bad = bundle.clone();
    bad["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = (time + 1).to_string().into();
    let b = Bundle::from_json(&serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(
        keyless(&prod())
            .allow_promise_only(true)
            .verify(&b, Artifact::Bytes(&a_txt()), NOW)
            .is_err()
    );
    // --insecure-ignore-tlog implies the opt-in
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    keyless(&prod())
        .with_transparency(Transparency::InsecureIgnore)
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
}

/// Genuine SET-only v0.1 bundles (npm 9 / sigstore-js 1.x, `intoto` 0.0.2, 2023-05) still
/// verify by default.
#[test]
fn genuine_v01_promise_only_npm_bundle_verifies() {
    let doc =
        std::fs::read(tp().join("slsa-verifier/npm/gha/supreme-googles-cli-v02-tag.tgz.json"))
            .unwrap();
    let bundles = Bundle::from_npm_attestations(&doc).unwrap();
    let root = TrustedRoot::from_json(&serde_json::to_vec(&prod()).unwrap()).unwrap();
    let verifier = BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::regex(".*").unwrap(),
            Matcher::exact(ISSUER),
        )),
    );
    let mut keyless_seen = 0;
    for (_, b) in &bundles {
        if matches!(
            b.material(),
            provenance_sigstore::Material::Certificate { .. }
        ) {
            let v = verifier.verify(b, Artifact::None, NOW).unwrap();
            assert!(
                !v.checks
                    .contains(&provenance_sigstore::Check::InclusionProof)
            );
            assert!(v.signing_time < provenance_sigstore::PROMISE_ONLY_CUTOFF);
            keyless_seen += 1;
        }
    }
    assert_eq!(keyless_seen, 1);
}

/// sigstore-go CVE-2024-45395: bounded tlog entries.
#[test]
fn too_many_tlog_entries_are_refused() {
    let mut bundle = conformance("happy-path-v0.3");
    let entry = bundle["verificationMaterial"]["tlogEntries"][0].clone();
    bundle["verificationMaterial"]["tlogEntries"] = Value::Array(vec![entry; 33]);
    assert!(matches!(
        verify(&bundle, &prod()),
        Err(Error::LimitExceeded {
            limit: 32,
            actual: 33,
            ..
        })
    ));
}

/// sigstore-go GHSA-wqqc-jjcq-vfxm: a trusted key used outside its validFor window.
#[test]
fn log_key_outside_its_validity_is_refused() {
    let mut root = prod();
    root["tlogs"][0]["publicKey"]["validFor"]["end"] = "2022-01-01T00:00:00Z".into();
    assert!(matches!(
        verify(&conformance("happy-path-v0.3"), &root),
        Err(Error::UntrustedLog { .. })
    ));
    let mut root = prod();
    for ca in root["certificateAuthorities"].as_array_mut().unwrap() {
        ca["validFor"]["end"] = "2022-12-31T00:00:00Z".into();
    }
    assert!(matches!(
        verify(&conformance("happy-path-v0.3"), &root),
        Err(Error::UntrustedCertificate { .. })
    ));
    let mut root = prod();
    for ct in root["ctlogs"].as_array_mut().unwrap() {
        ct["publicKey"]["validFor"]["end"] = "2022-12-31T00:00:00Z".into();
    }
    assert!(matches!(
        verify(&conformance("happy-path-v0.3"), &root),
        Err(Error::InvalidSct(_))
    ));
}

/// The artifact is bound: another artifact fails, even given by digest only.
#[test]
fn other_artifact_is_refused() {
    let b =
        Bundle::from_json(&serde_json::to_vec(&conformance("happy-path-v0.3")).unwrap()).unwrap();
    let v = keyless(&prod());
    assert!(matches!(
        v.verify(&b, Artifact::Bytes(b"not a.txt"), NOW),
        Err(Error::ArtifactMismatch(_))
    ));
    let digest = provenance_sigstore::HashAlgorithm::Sha256.hash(b"not a.txt");
    let r = v.verify(
        &b,
        Artifact::Digest(provenance_sigstore::HashAlgorithm::Sha256, &digest),
        NOW,
    );
    assert!(matches!(r, Err(Error::ArtifactMismatch(_))));
    assert!(matches!(
        v.verify(&b, Artifact::None, NOW),
        Err(Error::ArtifactMismatch(_))
    ));
}

/// Keyless verification needs an identity and an issuer; the policy is applied.
#[test]
fn identity_policy_is_enforced() {
    let b =
        Bundle::from_json(&serde_json::to_vec(&conformance("happy-path-v0.3")).unwrap()).unwrap();
    let root = TrustedRoot::public_good().unwrap();
    let only_san = BundleVerifier::new(
        root.clone(),
        SignerPolicy::Keyless(IdentityPolicy::San(Matcher::regex(".*").unwrap())),
    );
    assert!(matches!(
        only_san.verify(&b, Artifact::Bytes(&a_txt()), NOW),
        Err(Error::InvalidPolicy(_))
    ));
    let wrong = IdentityPolicy::identity(
        Matcher::exact(SAN),
        Matcher::exact("https://accounts.google.com"),
    );
    let r = BundleVerifier::new(root.clone(), SignerPolicy::Keyless(wrong)).verify(
        &b,
        Artifact::Bytes(&a_txt()),
        NOW,
    );
    assert!(matches!(r, Err(Error::PolicyMismatch(_))));
    // cosign's semantics: a regexp is searched for in the SAN (anchors are the user's).
    let prefix = IdentityPolicy::identity(
        Matcher::regex("^https://github.com/sigstore-conformance/").unwrap(),
        Matcher::regex(".*").unwrap(),
    );
    BundleVerifier::new(root.clone(), SignerPolicy::Keyless(prefix))
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
    let anchored_elsewhere = IdentityPolicy::identity(
        Matcher::regex("^https://github.com/sigstore-conformance/$").unwrap(),
        Matcher::regex(".*").unwrap(),
    );
    let r = BundleVerifier::new(root.clone(), SignerPolicy::Keyless(anchored_elsewhere)).verify(
        &b,
        Artifact::Bytes(&a_txt()),
        NOW,
    );
    assert!(
        matches!(r, Err(Error::PolicyMismatch(_))),
        "the user's `$` anchors the end"
    );
    let any =
        IdentityPolicy::identity(Matcher::regex(".*").unwrap(), Matcher::regex(".*").unwrap());
    BundleVerifier::new(root, SignerPolicy::Keyless(any))
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
}

/// A signing time after `now` is refused.
#[test]
fn future_signing_time_is_refused() {
    let b =
        Bundle::from_json(&serde_json::to_vec(&conformance("happy-path-v0.3")).unwrap()).unwrap();
    assert!(matches!(
        keyless(&prod()).verify(&b, Artifact::Bytes(&a_txt()), 1_700_000_000),
        Err(Error::NoVerifiedTime(_))
    ));
}

/// Legacy slsa-github-generator v2.0.0 envelope with an embedded certificate: everything but
/// the log is verified offline; strict mode refuses, insecure mode reports the gap.
#[test]
fn legacy_envelope_requires_explicit_insecure_ignore_tlog() {
    let json = std::fs::read(tp().join(
        "slsa-verifier/gha_generic/v2.0.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    ))
    .unwrap();
    let san = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0";
    let policy = IdentityPolicy::identity(Matcher::exact(san), Matcher::exact(ISSUER));
    let digest =
        hex::decode("2892146b063a94cb4a4318c0e98d38af12dcf2b1e29237486b58463b59607bbd").unwrap();
    let artifact = Artifact::Digest(provenance_sigstore::HashAlgorithm::Sha256, &digest);
    let strict = BundleVerifier::new(
        TrustedRoot::public_good().unwrap(),
        SignerPolicy::Keyless(policy.clone()),
    );
    assert!(matches!(
        strict.verify_legacy_envelope(&json, artifact),
        Err(Error::TlogNotChecked)
    ));
    let insecure = strict.with_transparency(Transparency::InsecureIgnore);
    let v = insecure.verify_legacy_envelope(&json, artifact).unwrap();
    assert!(!v.tlog_verified);
    assert_eq!(v.identity.unwrap().san, san);
    let dsse = v.dsse.as_ref().expect("provenance-dsse result");
    assert_eq!(dsse.key_ids().len(), 1);
    let VerifiedContent::Dsse { payload_type, .. } = v.content else {
        panic!("DSSE expected")
    };
    assert_eq!(payload_type, "application/vnd.in-toto+json");
    // a tampered signature still fails, whatever the transparency setting
    let mut env: Value = serde_json::from_slice(&json).unwrap();
    env["payloadType"] = "application/vnd.acme+json".into();
    let r = insecure.verify_legacy_envelope(&serde_json::to_vec(&env).unwrap(), artifact);
    assert!(matches!(r, Err(Error::InvalidSignature(_))));
}

/// A log lookup that answers with nothing, or fails.
#[derive(Debug)]
struct FakeLog(Option<&'static str>);

impl provenance_sigstore::TlogLookup for FakeLog {
    fn entries_for_payload(
        &self,
        _payload_sha256: &[u8; 32],
    ) -> provenance_sigstore::Result<Vec<provenance_sigstore::RekorEntry>> {
        match self.0 {
            None => Ok(Vec::new()),
            Some(why) => Err(Error::MissingMaterial(why)),
        }
    }
}

/// With a log lookup, a legacy envelope needs the log to hold an entry; the lookup's own
/// failure is passed on as it is; a forged envelope fails before any lookup.
#[test]
fn legacy_envelope_with_a_lookup_needs_an_entry() {
    let json = std::fs::read(tp().join(
        "slsa-verifier/gha_generic/v2.0.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
    ))
    .unwrap();
    let san = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0";
    let policy = IdentityPolicy::identity(Matcher::exact(san), Matcher::exact(ISSUER));
    let v = BundleVerifier::new(
        TrustedRoot::public_good().unwrap(),
        SignerPolicy::Keyless(policy),
    );
    let now = 1_800_000_000;
    assert!(matches!(
        v.verify_legacy_envelope_with_log(&json, Artifact::None, now, &FakeLog(None)),
        Err(Error::TlogEntryNotFound)
    ));
    assert!(matches!(
        v.verify_legacy_envelope_with_log(&json, Artifact::None, now, &FakeLog(Some("down"))),
        Err(Error::MissingMaterial("down"))
    ));
    let mut env: Value = serde_json::from_slice(&json).unwrap();
    env["payloadType"] = "application/vnd.acme+json".into();
    let forged = serde_json::to_vec(&env).unwrap();
    assert!(matches!(
        v.verify_legacy_envelope_with_log(&forged, Artifact::None, now, &FakeLog(Some("asked"))),
        Err(Error::InvalidSignature(_))
    ));
}

fn case_root(case: &str) -> Value {
    let p = tp()
        .join("sigstore-conformance/assets/bundle-verify")
        .join(case)
        .join("trusted_root.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// A bundle without log entries: refused when the CA's trusted-root instance has
/// transparency logs (no downgrade by deleting entries); accepted on timestamps alone only
/// when the instance lists no logs (GitHub's private instance), and then SCTs are only
/// required if the instance lists CT logs.
#[test]
fn timestamp_only_bundles_depend_on_the_instance() {
    let mut bundle = conformance("rekor2-happy-path");
    bundle["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("tlogEntries");
    let root = case_root("rekor2-happy-path");
    assert!(matches!(
        verify(&bundle, &root),
        Err(Error::MissingInclusionProof(_))
    ));
    let mut no_logs = root.clone();
    no_logs.as_object_mut().unwrap().remove("tlogs");
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    let v = keyless(&no_logs)
        .verify(&b, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
    assert!(!v.tlog_verified);
    assert!(
        v.checks
            .contains(&provenance_sigstore::Check::Rfc3161Timestamp)
    );
    assert!(v.checks.contains(&provenance_sigstore::Check::Sct));
    // and the timestamp is still required
    let mut no_ts = bundle.clone();
    no_ts["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("timestampVerificationData");
    assert!(matches!(
        verify(&no_ts, &no_logs),
        Err(Error::MissingInclusionProof(_))
    ));
    // merged JSON Lines: a log-less line does not relax the instance that has logs
    let lines = format!(
        "{}\n{}\n",
        serde_json::to_string(&root).unwrap(),
        serde_json::to_string(&prod()).unwrap()
    );
    let merged = TrustedRoot::from_json(lines.as_bytes()).unwrap();
    let policy = IdentityPolicy::identity(Matcher::exact(SAN), Matcher::exact(ISSUER));
    let r = BundleVerifier::new(merged, SignerPolicy::Keyless(policy)).verify(
        &b,
        Artifact::Bytes(&a_txt()),
        NOW,
    );
    assert!(matches!(r, Err(Error::MissingInclusionProof(_))));
}

/// `ClientTrustConfig` and JSON Lines roots load; a root whose lines are all broken does not.
#[test]
fn trust_config_forms() {
    let cfg = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
        "trustedRoot": prod(),
        "signingConfig": {}
    });
    let r = TrustedRoot::from_json(&serde_json::to_vec(&cfg).unwrap()).unwrap();
    assert_eq!(r.tlogs().len(), 2);
    assert!(matches!(
        TrustedRoot::from_json(b""),
        Err(Error::InvalidTrustedRoot(_))
    ));
    assert!(matches!(
        TrustedRoot::from_json(b"{\"tlogs\": 5}"),
        Err(Error::Json { .. })
    ));
}

/// Malformed inputs are errors, never panics or passes.
#[test]
fn malformed_bundles_are_errors() {
    let good = serde_json::to_string(&conformance("happy-path-v0.3")).unwrap();
    for cut in (0..good.len()).step_by(97) {
        assert!(Bundle::from_json(&good.as_bytes()[..cut]).is_err());
    }
    let mut b = conformance("happy-path-v0.3");
    b["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"] = Value::Null;
    assert!(Bundle::from_json(&serde_json::to_vec(&b).unwrap()).is_err());
    let mut b = conformance("happy-path-v0.3");
    b["unknownField"] = 1.into();
    assert!(matches!(
        Bundle::from_json(&serde_json::to_vec(&b).unwrap()),
        Err(Error::Json { .. })
    ));
    let mut b = conformance("happy-path-v0.3");
    b["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"] = "bm90IGpzb24=".into();
    assert!(matches!(
        verify(&b, &prod()),
        Err(Error::TlogBodyMismatch(_))
    ));
}

/// PEP 740 attestations and `PyPI` provenance objects carry the same material as a v0.3 DSSE
/// bundle; built here from a real DSSE bundle, they verify, and tampering fails.
#[test]
fn pep740_attestation_and_pypi_provenance() {
    let b = conformance("happy-path-intoto-in-dsse-v3");
    let vm = &b["verificationMaterial"];
    let att = serde_json::json!({
        "version": 1,
        "verification_material": {
            "certificate": vm["certificate"]["rawBytes"],
            "transparency_entries": vm["tlogEntries"],
        },
        "envelope": {
            "statement": b["dsseEnvelope"]["payload"],
            "signature": b["dsseEnvelope"]["signatures"][0]["sig"],
        }
    });
    let bundle = Bundle::from_pep740_attestation(&serde_json::to_vec(&att).unwrap()).unwrap();
    let v = keyless(&prod())
        .verify(&bundle, Artifact::None, NOW)
        .unwrap();
    assert!(matches!(v.content, VerifiedContent::Dsse { .. }));
    let prov = serde_json::json!({"version": 1, "attestation_bundles": [{"publisher": {"kind": "GitHub"}, "attestations": [att]}]});
    let bundles = Bundle::from_pypi_provenance(&serde_json::to_vec(&prov).unwrap()).unwrap();
    assert_eq!(bundles.len(), 1);
    let mut bad = att.clone();
    bad["envelope"]["statement"] = "e30=".into();
    let bundle = Bundle::from_pep740_attestation(&serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(matches!(
        keyless(&prod()).verify(&bundle, Artifact::None, NOW),
        Err(Error::InvalidSignature(_))
    ));
}

/// cosign's pre-v3 `--bundle` file (signature + cert + SET) verifies as a v0.1 bundle; its
/// SET binds the entry, so a different signature fails.
#[test]
fn cosign_legacy_bundle() {
    let b = conformance("happy-path-v0.1");
    let entry = &b["verificationMaterial"]["tlogEntries"][0];
    let cert_der = b["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
        .as_str()
        .unwrap();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{cert_der}\n-----END CERTIFICATE-----\n");
    let log_id = provenance_sigstore_test_b64(entry["logId"]["keyId"].as_str().unwrap());
    let cosign = serde_json::json!({
        "base64Signature": b["messageSignature"]["signature"],
        "cert": base64_std(pem.as_bytes()),
        "rekorBundle": {
            "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {
                "body": entry["canonicalizedBody"],
                "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
                "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
                "logID": hex::encode(log_id),
            }
        }
    });
    let bundle = Bundle::from_cosign_bundle(&serde_json::to_vec(&cosign).unwrap()).unwrap();
    let v = keyless(&prod())
        .verify(&bundle, Artifact::Bytes(&a_txt()), NOW)
        .unwrap();
    assert!(
        v.checks
            .contains(&provenance_sigstore::Check::SignedEntryTimestamp)
    );
    assert!(
        !v.checks
            .contains(&provenance_sigstore::Check::InclusionProof)
    );
    let mut bad = cosign.clone();
    bad["base64Signature"] =
        conformance("happy-path-v0.3")["messageSignature"]["signature"].clone();
    let bundle = Bundle::from_cosign_bundle(&serde_json::to_vec(&bad).unwrap()).unwrap();
    let r = keyless(&prod()).verify(&bundle, Artifact::Bytes(&a_txt()), NOW);
    assert!(
        matches!(
            r,
            Err(Error::InvalidSignature(_) | Error::TlogBodyMismatch(_))
        ),
        "{r:?}"
    );
}

fn provenance_sigstore_test_b64(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_std(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// What `attest` writes: a v0.3 bundle with `publicKey` material, a DSSE envelope and no log
/// entry. Verified with the key only when the caller allows log-less key bundles.
#[test]
fn key_bundle_without_log_entries() {
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki.extend_from_slice(pair.public_key().as_ref());
    let key = provenance_sigstore::PublicKey::from_spki_der(&spki).unwrap();
    let payload = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"x","predicate":{}}"#;
    let pae = format!("DSSEv1 28 application/vnd.in-toto+json {} ", payload.len());
    let message = [pae.as_bytes(), payload].concat();
    let sig = pair.sign(&rng, &message).unwrap();
    let bundle = Bundle::new_v03_dsse_with_public_key(
        "application/vnd.in-toto+json",
        payload,
        sig.as_ref(),
        None,
        Some("k1"),
    )
    .unwrap();
    let again = Bundle::from_json(&bundle.to_json().unwrap()).unwrap();
    let root = TrustedRoot::public_good().unwrap();
    let strict = BundleVerifier::new(root.clone(), SignerPolicy::Key(key.clone()));
    assert!(matches!(
        strict.verify(&again, Artifact::None, NOW),
        Err(Error::MissingInclusionProof(_))
    ));
    let relaxed = strict.with_transparency(Transparency::OptionalForKeys);
    let v = relaxed.verify(&again, Artifact::None, NOW).unwrap();
    assert!(!v.tlog_verified && v.verified_times.is_empty() && v.identity.is_none());
    assert_eq!(v.dsse.unwrap().payload(), payload);
    // another key fails; a keyless policy refuses a key bundle
    let other = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let other =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, other.as_ref(), &rng).unwrap();
    let mut spki2 = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
    spki2.extend_from_slice(other.public_key().as_ref());
    let key2 = provenance_sigstore::PublicKey::from_spki_der(&spki2).unwrap();
    let wrong = BundleVerifier::new(root.clone(), SignerPolicy::Key(key2))
        .with_transparency(Transparency::OptionalForKeys);
    assert!(matches!(
        wrong.verify(&again, Artifact::None, NOW),
        Err(Error::InvalidSignature(_))
    ));
    let keyless = BundleVerifier::new(
        root,
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::regex(".*").unwrap(),
            Matcher::regex(".*").unwrap(),
        )),
    )
    .with_transparency(Transparency::InsecureIgnore);
    assert!(matches!(
        keyless.verify(&again, Artifact::None, NOW),
        Err(Error::KeyMismatch(_))
    ));
}

/// A keyless bundle stripped of its log entries stays refused even when log-less key bundles
/// are allowed.
#[test]
fn optional_for_keys_does_not_relax_keyless() {
    let mut bundle = conformance("happy-path-v0.3");
    bundle["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("tlogEntries");
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    for t in [Transparency::OptionalForKeys, Transparency::InsecureIgnore] {
        let r = keyless(&prod())
            .with_transparency(t)
            .verify(&b, Artifact::Bytes(&a_txt()), NOW);
        assert!(matches!(r, Err(Error::MissingInclusionProof(_))), "{r:?}");
    }
}

/// A verifier of the bundles signed against the Sigstore mock (scripts/sigstore-mock) kept in
/// `dir`: its trusted root and the mock token's identity and issuer.
fn mock_signer_verifier(dir: &Path) -> BundleVerifier {
    BundleVerifier::new(
        TrustedRoot::from_json(&std::fs::read(dir.join("trusted_root.json")).unwrap()).unwrap(),
        SignerPolicy::Keyless(IdentityPolicy::identity(
            Matcher::exact(
                "https://github.com/octo-org/demo/.github/workflows/release.yml@refs/heads/main",
            ),
            Matcher::exact("https://token.actions.mock.example"),
        )),
    )
}

/// A signed RFC 3161 timestamp whose `TSTInfo` `nonce` is an INTEGER with no content octets (not
/// DER): sigstore-go (Go's encoding/asn1) and sigstore-python refuse the token, so the bundle
/// fails here too, naming the field; without the timestamp the same bundle verifies (its
/// Rekor v1 entry dates the signature). test-vectors/sigstore/tsa-empty-nonce/README.md.
#[test]
fn timestamp_with_an_empty_nonce_integer_is_refused() {
    let dir = tp().join("../sigstore/tsa-empty-nonce");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let verifier = mock_signer_verifier(&dir);
    let artifact = read("app.bin");
    let mut bundle: Value = serde_json::from_slice(&read("bundle.sigstore.json")).unwrap();
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    let err = verifier
        .verify(&b, Artifact::Bytes(&artifact), NOW)
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidTimestamp(reason) if reason == "bad TSTInfo nonce"),
        "{err:?}"
    );

    bundle["verificationMaterial"]
        .as_object_mut()
        .unwrap()
        .remove("timestampVerificationData");
    let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
    verifier
        .verify(&b, Artifact::Bytes(&artifact), NOW)
        .unwrap();
}

/// sigstore-js writes an inclusion proof of a one-entry tree without `logIndex` (0) and
/// `hashes` (empty), as protobuf JSON omits defaults; sigstore-go reads them so and accepts
/// the bundles, as do we. Omitting the tree size too leaves a proof of an empty tree, which
/// fails. test-vectors/sigstore/sigstore-js-omitted-zeros/README.md.
#[test]
fn omitted_zero_proof_fields_read_as_protobuf_json_defaults() {
    let dir = tp().join("../sigstore/sigstore-js-omitted-zeros");
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let verifier = mock_signer_verifier(&dir);
    let artifact = read("app.bin");
    for (name, artifact) in [
        ("message.sigstore.json", Artifact::Bytes(&artifact)),
        ("statement.sigstore.json", Artifact::None),
    ] {
        let mut bundle: Value = serde_json::from_slice(&read(name)).unwrap();
        let proof = &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"];
        assert!(proof.get("logIndex").is_none() && proof.get("hashes").is_none());
        let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
        verifier.verify(&b, artifact, NOW).unwrap();

        bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
            .as_object_mut()
            .unwrap()
            .remove("treeSize");
        let b = Bundle::from_json(&serde_json::to_vec(&bundle).unwrap()).unwrap();
        let err = verifier.verify(&b, artifact, NOW).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInclusionProof(r) if *r == "log index not below tree size"),
            "{name}: {err:?}"
        );
    }
}

/// Protobuf JSON parsers (protojson in sigstore-go; sigstore-python's models) accept a field
/// by its proto name as well as its JSON name: a bundle written with `verification_material`,
/// `tlog_entries`, `log_index`, ... verifies as the camelCase one does. A field given under
/// both names is a repeated field, and refused.
#[test]
fn proto_field_names_are_accepted_as_protojson_accepts_them() {
    let bundle = bundle_with_proto_names(&conformance("happy-path-v0.3"));
    assert!(bundle["verification_material"]["tlog_entries"][0]["log_index"].is_string());
    verify(&bundle, &prod()).unwrap();
    // A DSSE bundle: the envelope's own field is named `payloadType` in its proto (DSSE's
    // envelope.proto), so a proto-named bundle keeps it; `payload_type` there is no field
    // protojson knows, and the envelope lacks its type.
    let mut dsse = bundle_with_proto_names(&conformance("happy-path-intoto-in-dsse-v3"));
    let b = Bundle::from_json(&serde_json::to_vec(&dsse).unwrap()).unwrap();
    let v = keyless(&prod()).verify(&b, Artifact::None, NOW).unwrap();
    assert!(matches!(v.content, VerifiedContent::Dsse { .. }));
    let envelope = dsse["dsse_envelope"].as_object_mut().unwrap();
    let payload_type = envelope.remove("payloadType").unwrap();
    envelope.insert("payload_type".to_owned(), payload_type);
    let err = Bundle::from_json(&serde_json::to_vec(&dsse).unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("missing field `payloadType`"),
        "{err}"
    );

    let mut both = conformance("happy-path-v0.3");
    let index = both["verificationMaterial"]["tlogEntries"][0]["logIndex"].clone();
    both["verificationMaterial"]["tlogEntries"][0]["log_index"] = index;
    let err = verify(&both, &prod()).unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `logIndex`"),
        "{err}"
    );
}
