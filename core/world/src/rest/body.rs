//! Typed reads of JSON request bodies, shared by every service: an absent or `null` field is
//! `None`, a field of the wrong type is a 400 (`invalid`) that names the field and what it held.

use serde_json::{Map, Value};

use super::ApiError;

fn wrong_type(key: &str, got: &Value, want: &str) -> ApiError {
    ApiError::new(
        400,
        "invalid",
        format!("Invalid value for field '{key}': {got} (expected {want})"),
    )
}

/// A field's value that may be `null`: a string or `None`.
pub fn nullable_str(value: &Value, key: &str) -> Result<Option<String>, ApiError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(wrong_type(key, other, "a string")),
    }
}

/// An optional string field.
pub fn opt_str<'a>(body: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(key, other, "a string")),
    }
}

/// An optional string field, owned.
pub fn opt_string(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    Ok(opt_str(body, key)?.map(str::to_string))
}

/// An optional boolean field.
pub fn opt_bool(body: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(wrong_type(key, other, "true or false")),
    }
}

/// A list of strings (absent or `null` is empty).
pub fn str_list(body: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| wrong_type(key, v, "a list of strings"))
            })
            .collect(),
        Some(other) => Err(wrong_type(key, other, "a list of strings")),
    }
}

/// The strings of a JSON array, skipping anything else (absent or not an array: empty). For JSON
/// the world stored itself or a task needle's data, where a stray value is not a client's error.
pub fn strings_in(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_and_null_are_none_and_wrong_types_name_the_field() {
        let body = json!({"s": "x", "n": null, "b": true, "l": ["a", "b"], "bad": 3});
        let m = body.as_object().expect("object");
        assert_eq!(opt_str(m, "s").expect("s"), Some("x"));
        assert_eq!(opt_str(m, "n").expect("n"), None);
        assert_eq!(opt_str(m, "missing").expect("missing"), None);
        assert_eq!(opt_string(m, "s").expect("s"), Some("x".to_string()));
        assert_eq!(opt_bool(m, "b").expect("b"), Some(true));
        assert_eq!(str_list(m, "l").expect("l"), vec!["a", "b"]);
        assert_eq!(str_list(m, "n").expect("n"), Vec::<String>::new());
        assert_eq!(nullable_str(&Value::Null, "k").expect("null"), None);
        assert_eq!(strings_in(Some(&json!(["a", 1, "b"]))), vec!["a", "b"]);
        assert_eq!(strings_in(Some(&json!("a"))), Vec::<String>::new());
        assert_eq!(strings_in(None), Vec::<String>::new());
        for err in [
            opt_str(m, "bad").map(|_| ()),
            opt_bool(m, "s").map(|_| ()),
            str_list(m, "s").map(|_| ()),
            str_list(
                &json!({"l": ["a", 1]})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                "l",
            )
            .map(|_| ()),
            nullable_str(&json!(1), "k").map(|_| ()),
        ] {
            let e = err.expect_err("wrong type");
            assert_eq!((e.status, e.reason.as_str()), (400, "invalid"));
            assert!(
                e.message.starts_with("Invalid value for field '"),
                "{}",
                e.message
            );
        }
    }
}
