//! Every structured result is checked against the tool's declared `outputSchema`, as strict
//! clients (the Python SDK, the Inspector) do.

use rmcp::model::{CallToolResult, Tool};
use serde_json::Value;

/// Panics with the violations when `result`'s structured content does not match the output
/// schema `tool` declares. Error results are not checked (they carry none).
pub fn check_output(tool: &Tool, result: &CallToolResult) {
    if result.is_error == Some(true) {
        return;
    }
    let (Some(schema), Some(content)) = (&tool.output_schema, &result.structured_content) else {
        return;
    };
    let schema = Value::Object((**schema).clone());
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{}: the output schema does not compile: {e}", tool.name));
    let errors: Vec<String> = validator
        .iter_errors(content)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{}: structured content does not match its outputSchema: {}",
        tool.name,
        errors.join("; ")
    );
}
