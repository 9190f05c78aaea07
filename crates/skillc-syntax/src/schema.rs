//! The JSON Schema of a skill file, generated from the syntax tree.

use crate::ast::Document;

/// The schema as a JSON value.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Document);
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "$id".to_owned(),
            serde_json::Value::String("https://skillc.dev/schemas/skillc.schema.json".to_owned()),
        );
    }
    value
}

/// The schema as the exact text committed in `schemas/skillc.schema.json`.
pub fn json_schema_string() -> String {
    let mut s = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    s.push('\n');
    s
}
