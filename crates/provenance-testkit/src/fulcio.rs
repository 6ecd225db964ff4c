//! A generator of Fulcio-like certificates and Rekor-like log entries, for keyless tests that
//! run offline: a test CA and a test Rekor key (fixed P-256 keys), a leaf certificate with
//! Fulcio extensions, a DSSE envelope it signs, and an `intoto` 0.0.2 log entry with a signed
//! entry timestamp from 2023 (a v0.1 bundle, verifiable offline without an inclusion proof).

use crate::der::{b64, oid, seq, tlv, utf8};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use serde_json::{Value, json};
use sha2::Digest as _;

/// The signed entry timestamp's time: 2023-07-22, inside the leaf's validity and before
/// the 2024 cutoff after which a SET alone needs an inclusion proof.
pub const INTEGRATED_TIME: i64 = 1_690_000_000;

fn name(cn: &str) -> Vec<u8> {
    seq(&[tlv(0x31, &seq(&[oid("2.5.4.3"), utf8(cn)]))])
}

fn ext(id: &str, critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(tlv(0x01, &[0xff]));
    }
    parts.push(tlv(0x04, value));
    seq(&parts)
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

fn spki(k: &SigningKey) -> Vec<u8> {
    k.verifying_key()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

fn sign(k: &SigningKey, msg: &[u8]) -> Vec<u8> {
    let sig: Signature = k.sign(msg);
    sig.to_der().as_bytes().to_vec()
}

fn certificate(
    issuer: &SigningKey,
    issuer_cn: &str,
    subject: &[u8],
    subject_key: &SigningKey,
    validity: (&str, &str),
    extensions: &[Vec<u8>],
) -> Vec<u8> {
    let alg = seq(&[oid("1.2.840.10045.4.3.2")]);
    let tbs = seq(&[
        tlv(0xa0, &tlv(0x02, &[2])),
        tlv(0x02, &[0x01, 0x23]),
        alg.clone(),
        name(issuer_cn),
        seq(&[
            tlv(0x17, validity.0.as_bytes()),
            tlv(0x17, validity.1.as_bytes()),
        ]),
        subject.to_vec(),
        spki(subject_key),
        tlv(0xa3, &seq(extensions)),
    ]);
    let mut bits = vec![0];
    bits.extend(sign(issuer, &tbs));
    seq(&[tbs, alg, tlv(0x03, &bits)])
}

fn ca_key() -> SigningKey {
    key(7)
}

fn ca_cert() -> Vec<u8> {
    certificate(
        &ca_key(),
        "test-fulcio",
        &name("test-fulcio"),
        &ca_key(),
        ("200101000000Z", "491231235959Z"),
        &[
            ext("2.5.29.19", true, &seq(&[tlv(0x01, &[0xff])])),
            ext("2.5.29.15", true, &tlv(0x03, &[0x02, 0x04])),
        ],
    )
}

fn log_key() -> SigningKey {
    key(9)
}

fn log_id() -> Vec<u8> {
    sha2::Sha256::digest(spki(&log_key())).to_vec()
}

/// The trusted root: the test CA and the test log, no CT logs (so no SCT is needed).
pub fn trusted_root() -> Value {
    json!({
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": [{
            "baseUrl": "https://rekor.test.invalid",
            "hashAlgorithm": "SHA2_256",
            "publicKey": {
                "rawBytes": b64(&spki(&log_key())),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": {"start": "2020-01-01T00:00:00Z"}
            },
            "logId": {"keyId": b64(&log_id())}
        }],
        "certificateAuthorities": [{
            "subject": {"organization": "test", "commonName": "test-fulcio"},
            "uri": "https://fulcio.test.invalid",
            "certChain": {"certificates": [{"rawBytes": b64(&ca_cert())}]},
            "validFor": {"start": "2020-01-01T00:00:00Z"}
        }],
        "ctlogs": [],
        "timestampAuthorities": []
    })
}

/// What the certificate states: the SAN, and the Fulcio extensions by arc number under
/// `1.3.6.1.4.1.57264.1` (8 issuer, 9 build signer URI, 11 runner environment,
/// 12 source repository URI, 13 digest, 14 ref, 16 owner URI).
pub struct Identity {
    /// The subject alternative name (a workflow URI or an email).
    pub san: String,
    /// `(arc, value)`: the Fulcio extension `1.3.6.1.4.1.57264.1.ARC` holding `value`.
    pub extensions: Vec<(u8, String)>,
}

impl Identity {
    /// A GitHub Actions certificate: the workflow `signer` ran for the repository `repo` (a
    /// URL) at `reference` and `commit`, on a GitHub-hosted runner, with a token from GitHub.
    pub fn github(signer: &str, repo: &str, reference: &str, commit: &str) -> Self {
        let owner = repo.rsplit_once('/').map_or(repo, |(o, _)| o);
        Self {
            san: signer.to_owned(),
            extensions: vec![
                (8, GITHUB_ISSUER.to_owned()),
                (9, signer.to_owned()),
                (11, "github-hosted".to_owned()),
                (12, repo.to_owned()),
                (13, commit.to_owned()),
                (14, reference.to_owned()),
                (16, owner.to_owned()),
            ],
        }
    }
}

/// GitHub Actions' OIDC issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn leaf_key() -> SigningKey {
    key(11)
}

fn leaf_cert(id: &Identity) -> Vec<u8> {
    let mut exts = vec![
        ext("2.5.29.15", true, &tlv(0x03, &[0x07, 0x80])),
        ext("2.5.29.37", false, &seq(&[oid("1.3.6.1.5.5.7.3.3")])),
        ext("2.5.29.17", true, &seq(&[tlv(0x86, id.san.as_bytes())])),
    ];
    for (arc, value) in &id.extensions {
        exts.push(ext(
            &format!("1.3.6.1.4.1.57264.1.{arc}"),
            false,
            &utf8(value),
        ));
    }
    certificate(
        &ca_key(),
        "test-fulcio",
        &seq(&[]),
        &leaf_key(),
        ("230701000000Z", "230801000000Z"),
        &exts,
    )
}

fn pem(der: &[u8]) -> String {
    let body = b64(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// A v0.1 bundle: `statement` in a DSSE envelope signed by a leaf certificate stating
/// `id`, with an `intoto` 0.0.2 log entry and its signed entry timestamp.
pub fn bundle(id: &Identity, statement: &Value) -> Value {
    let payload_type = "application/vnd.in-toto+json";
    let payload = serde_json::to_vec(statement).unwrap();
    let mut pae = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    pae.extend_from_slice(&payload);
    let sig = sign(&leaf_key(), &pae);
    let leaf = leaf_cert(id);
    let body = json!({
        "apiVersion": "0.0.2",
        "kind": "intoto",
        "spec": {"content": {
            "envelope": {
                "payloadType": payload_type,
                "signatures": [{"sig": b64(b64(&sig).as_bytes()), "publicKey": b64(pem(&leaf).as_bytes())}]
            },
            "payloadHash": {"algorithm": "sha256", "value": hex::encode(sha2::Sha256::digest(&payload))}
        }}
    });
    let body_b64 = b64(&serde_json::to_vec(&body).unwrap());
    let canonical = format!(
        r#"{{"body":"{body_b64}","integratedTime":{INTEGRATED_TIME},"logID":"{}","logIndex":1}}"#,
        hex::encode(log_id())
    );
    let set = sign(&log_key(), canonical.as_bytes());
    json!({
        "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": [{"rawBytes": b64(&leaf)}]},
            "tlogEntries": [{
                "logIndex": "1",
                "logId": {"keyId": b64(&log_id())},
                "kindVersion": {"kind": "intoto", "version": "0.0.2"},
                "integratedTime": INTEGRATED_TIME.to_string(),
                "inclusionPromise": {"signedEntryTimestamp": b64(&set)},
                "canonicalizedBody": body_b64
            }]
        },
        "dsseEnvelope": {
            "payload": b64(&payload),
            "payloadType": payload_type,
            "signatures": [{"sig": b64(&sig), "keyid": ""}]
        }
    })
}

/// The workflow that signs [`release_bundle`]: example/app's release workflow at tag v1.2.3.
pub const RELEASE_SIGNER: &str =
    "https://github.com/example/app/.github/workflows/release.yml@refs/tags/v1.2.3";

/// A v0.1 [`bundle`] of SLSA provenance for the artifact `name` (sha256 `sha256`, hex) signed
/// by [`RELEASE_SIGNER`] for github.com/example/app at tag v1.2.3 and [`crate::COMMIT`]; the
/// provenance claims the same workflow (as builder), source, tag and commit.
pub fn release_bundle(name: &str, sha256: &str) -> Value {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": name, "digest": {"sha256": sha256}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {
                    "ref": "refs/tags/v1.2.3",
                    "repository": "https://github.com/example/app",
                    "path": ".github/workflows/release.yml"
                }},
                "resolvedDependencies": [{
                    "uri": "git+https://github.com/example/app@refs/tags/v1.2.3",
                    "digest": {"gitCommit": crate::COMMIT}
                }]
            },
            "runDetails": {"builder": {"id": RELEASE_SIGNER}}
        }
    });
    let identity = Identity::github(
        RELEASE_SIGNER,
        "https://github.com/example/app",
        "refs/tags/v1.2.3",
        crate::COMMIT,
    );
    bundle(&identity, &statement)
}
