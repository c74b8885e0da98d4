//! Field predicates: a path into a row, an operator and a value (literal or looked up in the state).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `field op value`, e.g. `{"field": "subject", "op": "contains_ci", "value": "invoice"}`.
///
/// `field` is a path: `a.b` enters objects, `a.0` indexes arrays, `a.*.b` collects `b` from every
/// element of array `a` into an array.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPredicate {
    pub field: String,
    pub op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueSpec>,
    /// IANA time zone for `time_eq` / `date_eq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    /// Case-insensitive string equality (also trims whitespace).
    EqCi,
    /// Substring of a string, or element of an array.
    Contains,
    /// Case-insensitive substring, or case-insensitive element of an array of strings.
    ContainsCi,
    NotContains,
    NotContainsCi,
    /// Regular expression (Rust `regex` syntax) matched against a string.
    Regex,
    /// The string does not match the regular expression (a missing field does not match).
    NotRegex,
    /// The field equals one of the values of an array.
    In,
    /// Present and not null.
    Exists,
    /// Absent or null.
    NotExists,
    Gt,
    Gte,
    Lt,
    Lte,
    /// Array (or string) length equals the value.
    LenEq,
    /// Same instant; the value may be a local time ("2026-03-17T14:00") read in `tz`.
    TimeEq,
    /// The field's time or date falls on this calendar date in `tz`.
    DateEq,
    /// (Updated rows) the field differs between the initial and the final row.
    Changed,
    /// (Updated rows, or any row present at both ends) the field is the same at both ends.
    Unchanged,
    /// The field holds the key of a row seeded as this needle role (or one of these roles), in
    /// any collection: `{"field": "file_id", "op": "needle", "value": "target"}` picks the
    /// permissions of the target files. Only the verifier's row context can answer it.
    Needle,
}

/// A literal value, or one looked up in the final state:
/// `{"lookup": {"collection": "gmail_labels", "where": [...], "field": "id"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValueSpec {
    Lookup { lookup: Lookup },
    Literal(Value),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    pub collection: String,
    #[serde(default, rename = "where")]
    pub filter: Vec<FieldPredicate>,
    pub field: String,
}

/// Resolves a path in a row.
pub fn get_path(row: &Value, path: &str) -> Value {
    fn walk(v: &Value, parts: &[&str]) -> Value {
        let Some((head, rest)) = parts.split_first() else {
            return v.clone();
        };
        match (v, *head) {
            (Value::Array(items), "*") => {
                Value::Array(items.iter().map(|i| walk(i, rest)).collect())
            }
            (Value::Array(items), idx) => {
                match idx.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(item) => walk(item, rest),
                    None => Value::Null,
                }
            }
            (Value::Object(map), key) => match map.get(key) {
                Some(item) => walk(item, rest),
                None => Value::Null,
            },
            _ => Value::Null,
        }
    }
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    walk(row, &parts)
}

/// [`get_path`] on a row held as a map, without building a `Value` of the whole row.
pub fn get_path_in(row: &serde_json::Map<String, Value>, path: &str) -> Value {
    let path = path.trim_start_matches('.');
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    if head.is_empty() {
        return Value::Object(row.clone());
    }
    match row.get(head) {
        Some(v) if rest.is_empty() => v.clone(),
        Some(v) => get_path(v, rest),
        None => Value::Null,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_instant(s: &str) -> Option<DateTime<chrono::Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    s.parse::<i64>()
        .ok()
        .and_then(|ms| chrono::Utc.timestamp_millis_opt(ms).single())
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => match (parse_instant(x), parse_instant(y)) {
            (Some(p), Some(q)) => Some(p.cmp(&q)),
            _ => Some(x.cmp(y)),
        },
        _ => None,
    }
}

fn local_to_instant(text: &str, tz: Option<&str>) -> Result<DateTime<chrono::Utc>, String> {
    if let Some(t) = parse_instant(text) {
        return Ok(t);
    }
    let zone: chrono_tz::Tz = tz
        .ok_or_else(|| format!("'{text}' has no offset and the predicate has no tz"))?
        .parse()
        .map_err(|_| format!("unknown time zone {tz:?}"))?;
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("'{text}' is not a local date-time"))?;
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| format!("'{text}' does not exist in {zone}"))
}

fn date_in_tz(v: &Value, tz: Option<&str>) -> Option<NaiveDate> {
    let text = as_text(v)?;
    if let Ok(d) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Some(d);
    }
    let t = parse_instant(&text)?;
    match tz.and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
        Some(zone) => Some(t.with_timezone(&zone).date_naive()),
        None => Some(t.date_naive()),
    }
}

/// Applies `op` to a field value (`actual`), the resolved expected value, and — for
/// changed/unchanged — the field's initial value. Errors are verifier bugs (bad regex, bad tz).
pub fn apply(
    op: Op,
    actual: &Value,
    expected: &Value,
    before: Option<&Value>,
    tz: Option<&str>,
) -> Result<bool, String> {
    let ci = |s: &str| s.trim().to_lowercase();
    Ok(match op {
        Op::Eq => actual == expected,
        Op::Ne => actual != expected,
        Op::EqCi => match (as_text(actual), as_text(expected)) {
            (Some(a), Some(e)) => ci(&a) == ci(&e),
            _ => actual == expected,
        },
        Op::Contains | Op::NotContains => {
            let hit = match actual {
                Value::Array(items) => items.contains(expected),
                Value::String(s) => as_text(expected).is_some_and(|e| s.contains(&e)),
                _ => false,
            };
            hit == (op == Op::Contains)
        }
        Op::ContainsCi | Op::NotContainsCi => {
            let needle = as_text(expected).map(|e| ci(&e)).unwrap_or_default();
            let hit = match actual {
                Value::Array(items) => items
                    .iter()
                    .any(|i| as_text(i).is_some_and(|t| ci(&t) == needle)),
                Value::String(s) => s.to_lowercase().contains(&needle),
                _ => false,
            };
            hit == (op == Op::ContainsCi)
        }
        Op::Regex | Op::NotRegex => {
            let pattern = as_text(expected).ok_or("regex needs a string value")?;
            let re = compiled(&pattern)?;
            let hit = match actual {
                Value::Array(items) => items
                    .iter()
                    .any(|i| as_text(i).is_some_and(|t| re.is_match(&t))),
                other => as_text(other).is_some_and(|t| re.is_match(&t)),
            };
            hit == (op == Op::Regex)
        }
        Op::In => expected
            .as_array()
            .ok_or("'in' needs an array value")?
            .contains(actual),
        Op::Exists => !actual.is_null(),
        Op::NotExists => actual.is_null(),
        Op::Gt => compare(actual, expected) == Some(std::cmp::Ordering::Greater),
        Op::Gte => matches!(
            compare(actual, expected),
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ),
        Op::Lt => compare(actual, expected) == Some(std::cmp::Ordering::Less),
        Op::Lte => matches!(
            compare(actual, expected),
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        ),
        Op::LenEq => {
            let n = expected.as_u64().ok_or("len_eq needs a number")? as usize;
            match actual {
                Value::Array(a) => a.len() == n,
                Value::String(s) => s.chars().count() == n,
                _ => n == 0 && actual.is_null(),
            }
        }
        Op::TimeEq => {
            let want = local_to_instant(&as_text(expected).ok_or("time_eq needs a string")?, tz)?;
            as_text(actual)
                .and_then(|a| parse_instant(&a))
                .is_some_and(|t| t == want)
        }
        Op::DateEq => {
            let want = as_text(expected)
                .and_then(|e| NaiveDate::parse_from_str(&e, "%Y-%m-%d").ok())
                .ok_or("date_eq needs a YYYY-MM-DD value")?;
            date_in_tz(actual, tz) == Some(want)
        }
        Op::Changed => before.is_some_and(|b| b != actual),
        Op::Unchanged => before.is_none_or(|b| b == actual),
        Op::Needle => return Err("'needle' is only understood by the verifier".into()),
    })
}

/// `pattern` compiled, from a per-thread cache: a verifier applies the same few patterns to
/// thousands of rows, and compiling one costs far more than matching it.
fn compiled(pattern: &str) -> Result<regex::Regex, String> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::Regex::new(pattern).map_err(|e| format!("bad regex: {e}"))?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 512 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// Whether `row` satisfies every predicate whose value is a literal (lookups need a world state
/// and are an error here). Used outside verification, e.g. by task scripts.
pub fn matches_all(row: &Value, preds: &[FieldPredicate]) -> Result<bool, String> {
    for p in preds {
        let expected = match &p.value {
            None => Value::Null,
            Some(ValueSpec::Literal(v)) => v.clone(),
            Some(ValueSpec::Lookup { .. }) => return Err("a lookup cannot be used here".into()),
        };
        if !apply(
            p.op,
            &get_path(row, &p.field),
            &expected,
            None,
            p.tz.as_deref(),
        )? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        let row = json!({"a": {"b": [ {"c": 1}, {"c": 2} ]}, "s": "x"});
        assert_eq!(get_path(&row, "a.b.1.c"), json!(2));
        assert_eq!(get_path(&row, "a.b.*.c"), json!([1, 2]));
        assert_eq!(get_path(&row, "a.nope"), Value::Null);
        assert_eq!(get_path(&row, "s.x"), Value::Null);
    }

    #[test]
    fn operators() {
        let t = |op, a: Value, e: Value| apply(op, &a, &e, None, None).unwrap();
        assert!(t(Op::EqCi, json!(" Hello "), json!("hello")));
        assert!(t(Op::Contains, json!(["A", "B"]), json!("B")));
        assert!(!t(Op::Contains, json!(["A", "B"]), json!("b")));
        assert!(t(Op::ContainsCi, json!(["A", "B"]), json!("b")));
        assert!(t(
            Op::ContainsCi,
            json!("Quarterly Report"),
            json!("report")
        ));
        assert!(t(Op::NotContains, json!("abc"), json!("z")));
        assert!(t(Op::Regex, json!("bob@acme.io"), json!("@acme\\.io$")));
        assert!(t(Op::NotRegex, json!("bob@acme.io"), json!("@acme\\.com$")));
        assert!(!t(Op::NotRegex, json!("bob@acme.io"), json!("@acme\\.io$")));
        assert!(t(Op::In, json!("b"), json!(["a", "b"])));
        assert!(t(Op::Gt, json!(3), json!(2)));
        assert!(t(
            Op::Lt,
            json!("2026-03-16T10:00:00Z"),
            json!("2026-03-16T11:00:00+00:00")
        ));
        assert!(t(Op::LenEq, json!([1, 2]), json!(2)));
        assert!(t(Op::NotExists, Value::Null, Value::Null));
        assert!(apply(Op::Regex, &json!("x"), &json!("("), None, None).is_err());
    }

    #[test]
    fn times_in_zones() {
        let la = Some("America/Los_Angeles");
        // 14:00 in Los Angeles on 17 March 2026 (PDT, UTC-7) is 21:00 UTC.
        assert!(apply(
            Op::TimeEq,
            &json!("2026-03-17T21:00:00Z"),
            &json!("2026-03-17T14:00"),
            None,
            la
        )
        .unwrap());
        assert!(!apply(
            Op::TimeEq,
            &json!("2026-03-17T14:00:00Z"),
            &json!("2026-03-17T14:00"),
            None,
            la
        )
        .unwrap());
        assert!(apply(
            Op::DateEq,
            &json!("2026-03-18T05:00:00Z"),
            &json!("2026-03-17"),
            None,
            la
        )
        .unwrap());
        assert!(apply(
            Op::DateEq,
            &json!("2026-03-17"),
            &json!("2026-03-17"),
            None,
            la
        )
        .unwrap());
        assert!(apply(
            Op::TimeEq,
            &json!("x"),
            &json!("2026-03-17T14:00"),
            None,
            None
        )
        .is_err());
    }

    #[test]
    fn changed_and_unchanged() {
        assert!(apply(Op::Changed, &json!(2), &Value::Null, Some(&json!(1)), None).unwrap());
        assert!(!apply(Op::Changed, &json!(1), &Value::Null, Some(&json!(1)), None).unwrap());
        assert!(apply(
            Op::Unchanged,
            &json!(1),
            &Value::Null,
            Some(&json!(1)),
            None
        )
        .unwrap());
    }
}
