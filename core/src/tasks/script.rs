//! Scripts: the oracle and trap runs of a task, as data. A script is a list of tool calls whose
//! arguments may contain expressions that pick values out of earlier tool results — so an oracle,
//! like a good agent, only uses ids and facts the tools showed it.
//!
//! An expression is a JSON object with a `$from` key:
//! `{"$from": 0, "path": "messages", "where": [{"field": "subject", "op": "contains_ci", "value": "invoice"}], "get": "id", "all": true}`
//! takes step 0's result, walks to `path` (an array, or a value), keeps the items matching every
//! predicate (verifier predicates), maps each to `get` and returns them all (`all: true`) or the first.
//! Matching nothing is an error: the oracle's assumption about what the tools show was wrong.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::tools::{ToolOutput, Toolkit};
use crate::verifier::predicate::{get_path, matches_all};
use crate::verifier::FieldPredicate;
use env0_world::World;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub steps: Vec<Step>,
    /// The last message to the user.
    pub final_message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub tool: String,
    /// Arguments; may contain `$from` expressions.
    pub args: Value,
}

/// A `$from` expression (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expr {
    #[serde(rename = "$from")]
    pub from: usize,
    #[serde(default)]
    pub path: String,
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filter: Vec<FieldPredicate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub get: String,
    #[serde(default)]
    pub all: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptError {
    pub step: usize,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {}: {}", self.step, self.message)
    }
}

/// One executed step: the resolved arguments and what the tool returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub tool: String,
    pub args: Value,
    pub output: ToolOutput,
}

/// Resolves the `$from` expressions in `value` for step `step`, given the results of the steps
/// before it.
pub fn resolve_args(value: &Value, results: &[Value], step: usize) -> Result<Value, ScriptError> {
    resolve(value, results, step)
}

fn resolve(value: &Value, results: &[Value], step: usize) -> Result<Value, ScriptError> {
    match value {
        Value::Object(map) if map.contains_key("$from") => {
            let expr: Expr = serde_json::from_value(value.clone()).map_err(|e| ScriptError {
                step,
                message: format!("bad expression {value}: {e}"),
            })?;
            evaluate(&expr, results, step)
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), resolve(v, results, step)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => Ok(Value::Array(
            items
                .iter()
                .map(|v| resolve(v, results, step))
                .collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

fn evaluate(expr: &Expr, results: &[Value], step: usize) -> Result<Value, ScriptError> {
    let err = |message: String| ScriptError { step, message };
    if expr.from >= step {
        return Err(err(format!("$from {} is not an earlier step", expr.from)));
    }
    let source = results
        .get(expr.from)
        .ok_or_else(|| err(format!("no result for step {}", expr.from)))?;
    let base = if expr.path.is_empty() {
        source.clone()
    } else {
        get_path(source, &expr.path)
    };
    let items: Vec<Value> = match base {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let mut picked = Vec::new();
    for item in items {
        if matches_all(&item, &expr.filter).map_err(|e| err(format!("bad predicate: {e}")))? {
            picked.push(if expr.get.is_empty() {
                item
            } else {
                get_path(&item, &expr.get)
            });
        }
    }
    if picked.is_empty() || picked.iter().all(Value::is_null) {
        return Err(err(format!(
            "expression found nothing in step {}'s result at '{}'",
            expr.from, expr.path
        )));
    }
    Ok(if expr.all {
        Value::Array(picked)
    } else {
        picked.swap_remove(0)
    })
}

/// Runs `script` with `toolkit` on `world`. A tool error or an expression that finds nothing stops
/// the run with an error (for an oracle, both are bugs).
pub fn run_script(
    world: &mut World,
    toolkit: &Toolkit,
    script: &Script,
) -> Result<Vec<StepRecord>, ScriptError> {
    let mut results: Vec<Value> = Vec::new();
    let mut records = Vec::new();
    for (i, step) in script.steps.iter().enumerate() {
        let args = resolve(&step.args, &results, i)?;
        let output = toolkit.call(world, &step.tool, &args);
        if !output.ok {
            return Err(ScriptError {
                step: i,
                message: format!("{} failed: {}", step.tool, output.content),
            });
        }
        results.push(
            serde_json::from_str(&output.content).unwrap_or(Value::String(output.content.clone())),
        );
        records.push(StepRecord {
            tool: step.tool.clone(),
            args,
            output,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expressions_pick_from_earlier_results() {
        let results = vec![json!({"messages": [
            {"id": "a", "subject": "Invoice 12"}, {"id": "b", "subject": "Lunch"}, {"id": "c", "subject": "INVOICE 13"}]})];
        let all = json!({"$from": 0, "path": "messages", "where": [{"field": "subject", "op": "contains_ci", "value": "invoice"}], "get": "id", "all": true});
        assert_eq!(
            resolve(&json!({"ids": all}), &results, 1).unwrap(),
            json!({"ids": ["a", "c"]})
        );
        let first = json!({"$from": 0, "path": "messages", "get": "id"});
        assert_eq!(resolve(&json!([first]), &results, 1).unwrap(), json!(["a"]));
        let none = json!({"$from": 0, "path": "messages", "where": [{"field": "subject", "op": "eq", "value": "x"}], "get": "id"});
        assert!(resolve(&none, &results, 1)
            .unwrap_err()
            .message
            .contains("found nothing"));
        let future = json!({"$from": 1, "path": "messages"});
        assert!(resolve(&future, &results, 1)
            .unwrap_err()
            .message
            .contains("not an earlier step"));
        let typo = json!({"$from": 0, "pth": "messages"});
        assert!(resolve(&typo, &results, 1)
            .unwrap_err()
            .message
            .contains("bad expression"));
    }
}
