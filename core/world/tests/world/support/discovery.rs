//! Checks JSON values against the schemas of a Google discovery document: every field must be
//! declared, and its JSON type must match (int64 fields are strings, as on the wire).

use serde_json::Value;
use std::collections::BTreeMap;

pub struct Discovery {
    pub name: String,
    schemas: BTreeMap<String, Value>,
}

impl Discovery {
    /// Loads `google/<file>` (e.g. `gmail.v1.json`) from the fixture cache.
    pub fn load(file: &str) -> Discovery {
        let path = super::fixture(&format!("google/{file}"));
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let schemas = doc["schemas"]
            .as_object()
            .expect("discovery document has schemas")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Discovery {
            name: file.to_string(),
            schemas,
        }
    }

    pub fn has_schema(&self, name: &str) -> bool {
        self.schemas.contains_key(name)
    }

    /// Problems found in `value` as an instance of schema `schema` (empty when it conforms).
    pub fn violations(&self, schema: &str, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        match self.schemas.get(schema) {
            Some(s) => self.check(s, value, schema, &mut out),
            None => out.push(format!("no schema named {schema} in {}", self.name)),
        }
        out
    }

    /// Panics with every violation when `value` does not conform.
    pub fn assert_conforms(&self, schema: &str, value: &Value) {
        let v = self.violations(schema, value);
        assert!(
            v.is_empty(),
            "{schema} does not conform to {}:\n  {}\nvalue: {value:#}",
            self.name,
            v.join("\n  ")
        );
    }

    fn check(&self, spec: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
        if let Some(reference) = spec.get("$ref").and_then(Value::as_str) {
            match self.schemas.get(reference) {
                Some(s) => return self.check(s, value, path, out),
                None => return out.push(format!("{path}: unknown $ref {reference}")),
            }
        }
        if value.is_null() {
            return out.push(format!("{path}: null (Google omits absent fields)"));
        }
        let ty = spec.get("type").and_then(Value::as_str).unwrap_or("any");
        match ty {
            "any" => {}
            "string" => {
                if !value.is_string() {
                    out.push(format!("{path}: expected string, got {value}"));
                } else if let Some(allowed) = spec.get("enum").and_then(Value::as_array) {
                    if !allowed.contains(value) {
                        out.push(format!("{path}: {value} is not one of {allowed:?}"));
                    }
                }
            }
            "integer" => {
                if !(value.is_i64() || value.is_u64()) {
                    out.push(format!("{path}: expected integer, got {value}"));
                }
            }
            "number" => {
                if !value.is_number() {
                    out.push(format!("{path}: expected number, got {value}"));
                }
            }
            "boolean" => {
                if !value.is_boolean() {
                    out.push(format!("{path}: expected boolean, got {value}"));
                }
            }
            "array" => match value.as_array() {
                None => out.push(format!("{path}: expected array, got {value}")),
                Some(items) => {
                    let item_spec = spec.get("items").cloned().unwrap_or(Value::Null);
                    for (i, item) in items.iter().enumerate() {
                        self.check(&item_spec, item, &format!("{path}[{i}]"), out);
                    }
                }
            },
            "object" => match value.as_object() {
                None => out.push(format!("{path}: expected object, got {value}")),
                Some(map) => {
                    let props = spec.get("properties").and_then(Value::as_object);
                    let extra = spec.get("additionalProperties");
                    for (key, v) in map {
                        let field_path = format!("{path}.{key}");
                        match (props.and_then(|p| p.get(key)), extra) {
                            (Some(s), _) => self.check(s, v, &field_path, out),
                            (None, Some(s)) => self.check(s, v, &field_path, out),
                            (None, None) => out.push(format!("{field_path}: not in the schema")),
                        }
                    }
                }
            },
            other => out.push(format!("{path}: unsupported schema type {other}")),
        }
    }
}
