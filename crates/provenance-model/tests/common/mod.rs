//! Helpers shared by the integration tests: project paths, the JSON Schemas of `schemas/`,
//! and DSSE payload extraction from third-party attestation files.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: failing loudly is the point"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use serde_json::Value;

/// The workspace root (two levels above this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn read(relative: &str) -> Vec<u8> {
    let path = root().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

const SCHEMA_BASE: &str = "https://example.invalid/provenance-toolkit/schemas/";

/// Resolves our schema `$id`s to the files in `schemas/`, and nothing else (offline).
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let name = text
            .strip_prefix(SCHEMA_BASE)
            .ok_or_else(|| format!("schema {text} is not local"))?;
        let name = name.split('#').next().unwrap_or(name);
        let bytes = std::fs::read(root().join("schemas").join(name))?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// A validator for `schemas/<name>`, with format validation on.
pub fn schema(name: &str) -> Arc<jsonschema::Validator> {
    let doc: Value = serde_json::from_slice(&read(&format!("schemas/{name}"))).unwrap();
    schema_from_value(&doc)
}

/// A validator for a schema document that may `$ref` the files of `schemas/`.
pub fn schema_from_value(doc: &Value) -> Arc<jsonschema::Validator> {
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas)
        .should_validate_formats(true)
        .build(doc)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"));
    Arc::new(validator)
}

/// Schema errors of `value`, as text (empty = valid).
pub fn schema_errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every DSSE payload found in a JSON (or JSON lines) attestation file: bare envelopes,
/// Sigstore bundles (`dsseEnvelope`), npm attestation sets, GCB occurrence lists ...
pub fn dsse_payloads(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let docs: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    };
    let mut out = Vec::new();
    for doc in &docs {
        collect(doc, &mut out);
    }
    out
}

fn collect(value: &Value, out: &mut Vec<Vec<u8>>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(payload)), Some(Value::String(_))) =
                (map.get("payload"), map.get("payloadType"))
            {
                out.push(decode_b64(payload));
            }
            for v in map.values() {
                collect(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

pub fn decode_b64(text: &str) -> Vec<u8> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .unwrap()
}
