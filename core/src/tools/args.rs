//! Tool arguments: checked against the tool's JSON schema (required fields, known fields, basic
//! types) with messages a small model can act on.

use serde_json::{Map, Value};

use super::ToolError;

pub struct Args {
    map: Map<String, Value>,
}

fn type_ok(expected: &str, v: &Value) -> bool {
    match expected {
        "string" => v.is_string(),
        "integer" => {
            v.is_i64() || v.is_u64() || v.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok())
        }
        "number" => v.is_number(),
        "boolean" => v.is_boolean() || matches!(v.as_str(), Some("true" | "false")),
        // A single string is accepted where a list is expected (models often send one item).
        "array" => v.is_array() || v.is_string(),
        "object" => v.is_object(),
        _ => true,
    }
}

impl Args {
    /// Validates `value` (the model's arguments) against `schema`.
    pub fn new(value: &Value, schema: &Value) -> Result<Args, ToolError> {
        let map = match value {
            Value::Object(m) => m.clone(),
            Value::Null => Map::new(),
            // Arguments given as a JSON string holding an object.
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => m,
                _ => return Err(ToolError::bad_arguments("arguments must be a JSON object")),
            },
            _ => return Err(ToolError::bad_arguments("arguments must be a JSON object")),
        };
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let known: Vec<&str> = props.keys().map(String::as_str).collect();
        for key in map.keys() {
            if !props.contains_key(key) {
                return Err(ToolError::bad_arguments(format!(
                    "unknown argument '{key}'; this tool takes: {}",
                    known.join(", ")
                )));
            }
        }
        for req in schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if map.get(req).is_none_or(Value::is_null) {
                let ty = props
                    .get(req)
                    .and_then(|p| p["type"].as_str())
                    .unwrap_or("value");
                return Err(ToolError::bad_arguments(format!(
                    "missing required argument '{req}' ({ty})"
                )));
            }
        }
        for (key, v) in &map {
            if v.is_null() {
                continue;
            }
            if let Some(ty) = props.get(key).and_then(|p| p["type"].as_str()) {
                if !type_ok(ty, v) {
                    return Err(ToolError::bad_arguments(format!(
                        "argument '{key}' must be a {ty}, got {v}"
                    )));
                }
            }
            if let Some(choices) = props.get(key).and_then(|p| p["enum"].as_array()) {
                if !choices.contains(v) {
                    let list: Vec<String> = choices.iter().map(|c| c.to_string()).collect();
                    return Err(ToolError::bad_arguments(format!(
                        "argument '{key}' must be one of {}",
                        list.join(", ")
                    )));
                }
            }
        }
        Ok(Args { map })
    }

    fn present(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&self, key: &str) -> Result<&str, ToolError> {
        self.opt_str(key).ok_or_else(|| {
            ToolError::bad_arguments(format!("missing required argument '{key}' (string)"))
        })
    }

    pub fn opt_str(&self, key: &str) -> Option<&str> {
        self.present(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }

    pub fn opt_i64(&self, key: &str) -> Option<i64> {
        self.present(key).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
    }

    pub fn opt_bool(&self, key: &str) -> Option<bool> {
        self.present(key).and_then(|v| {
            v.as_bool()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    }

    /// A list of strings; a single string is split on commas.
    pub fn str_list(&self, key: &str) -> Vec<String> {
        match self.present(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(|s| s.trim().to_string()))
                .filter(|s| !s.is_empty())
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The raw value of an argument (`Null` when absent).
    pub fn value(&self, key: &str) -> &Value {
        self.present(key).unwrap_or(&Value::Null)
    }

    pub fn has(&self, key: &str) -> bool {
        self.present(key).is_some()
    }
}
