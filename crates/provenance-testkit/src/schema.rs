//! The JSON Schemas of `schemas/`, with their `$ref`s to one another resolved offline.

use std::path::PathBuf;

use serde_json::Value;

/// `schemas/` of the workspace.
pub fn schemas_dir() -> PathBuf {
    crate::workspace_root().join("schemas")
}

/// Resolves the schemas' own `$id`s to the files of `schemas/` (offline).
#[derive(Debug, Clone, Copy)]
pub struct Local;

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix("https://example.invalid/provenance-toolkit/schemas/")
            .ok_or("not a local schema")?;
        let name = name.split('#').next().unwrap_or(name);
        Ok(serde_json::from_slice(&std::fs::read(
            schemas_dir().join(name),
        )?)?)
    }
}

/// A validator for `schemas/NAME` (e.g. `verify-report.schema.json`); `format`s are
/// annotations only, as the draft says by default.
pub fn validator(name: &str) -> jsonschema::Validator {
    build(name, false)
}

/// As [`validator`], with `format`s (`uri`, `date-time`, ...) checked too.
pub fn validator_checking_formats(name: &str) -> jsonschema::Validator {
    build(name, true)
}

fn build(name: &str, formats: bool) -> jsonschema::Validator {
    let path = schemas_dir().join(name);
    let doc: Value = serde_json::from_slice(
        &std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    jsonschema::options()
        .with_retriever(Local)
        .should_validate_formats(formats)
        .build(&doc)
        .unwrap()
}

/// Every error of `value` against `validator`, with where it is.
pub fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}
