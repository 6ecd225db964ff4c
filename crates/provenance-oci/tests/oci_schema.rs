//! What we write validates against the OCI image-spec JSON Schemas (copied verbatim into
//! `test-vectors/third-party/opencontainers-image-spec/`): a reader that follows only the OCI
//! spec can read our artifact manifests and referrers indexes.
#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::path::{Path, PathBuf};

use provenance_oci::OciDigest;
use provenance_oci::manifest::{Descriptor, ImageIndex, OCI_MANIFEST};
use provenance_oci::referrers::{Attachment, artifact_manifest, index_with};
use serde_json::Value;

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors/third-party/opencontainers-image-spec")
}

/// Resolves every `$ref` by its file name in the copied schema folder.
struct Local;

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str();
        let name = path.rsplit('/').next().ok_or("no file name")?;
        let bytes = std::fs::read(schemas().join(name))?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let doc: Value = serde_json::from_slice(&std::fs::read(schemas().join(name)).unwrap()).unwrap();
    jsonschema::options()
        .with_retriever(Local)
        .build(&doc)
        .unwrap()
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn artifact_manifest_and_referrers_index_validate() {
    let image = Descriptor::of(OCI_MANIFEST, br#"{"schemaVersion":2}"#);
    let bundle = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#;
    let (bytes, descriptor) = artifact_manifest(
        &image,
        &Attachment::dsse_bundle(bundle, "https://slsa.dev/provenance/v1")
            .with_created("2026-12-03T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(descriptor.digest, OciDigest::sha256_of(&bytes));
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let v = validator("image-manifest-schema.json");
    assert_eq!(errors(&v, &manifest), Vec::<String>::new());

    let (index, changed) = index_with(ImageIndex::empty(), &descriptor).unwrap();
    assert!(changed);
    let index: Value = serde_json::from_slice(&index).unwrap();
    let v = validator("image-index-schema.json");
    assert_eq!(errors(&v, &index), Vec::<String>::new());
    assert_eq!(
        index["manifests"][0]["artifactType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );

    // the schema is not vacuous: a manifest without layers, a bad digest, are refused
    let v = validator("image-manifest-schema.json");
    let mut broken = manifest.clone();
    broken["layers"] = serde_json::json!([]);
    assert!(!errors(&v, &broken).is_empty());
    let mut broken = manifest;
    broken["subject"]["digest"] = "no colon".into();
    assert!(!errors(&v, &broken).is_empty());
}

#[test]
fn adding_the_same_referrer_twice_changes_nothing() {
    let d = Descriptor::of(OCI_MANIFEST, b"x");
    let (bytes, _) = index_with(ImageIndex::empty(), &d).unwrap();
    let index: ImageIndex = serde_json::from_slice(&bytes).unwrap();
    let (_, changed) = index_with(index, &d).unwrap();
    assert!(!changed);
}
