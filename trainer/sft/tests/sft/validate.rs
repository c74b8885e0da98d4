//! `env0 data validate`: one test per rule. Each breaks one real row (built from oracle results)
//! in one way and expects exactly that rule, on that row's line, and nothing on the clean row.
use std::collections::BTreeSet;
use std::path::Path;

use crate::support::scratch;
use env0_sft::{validate_file, RowMode, Rule, ValidateOptions};
use serde_json::{json, Value};

/// The built data directory (rollout rows of the oracle run).
fn built() -> &'static Path {
    crate::support::built(RowMode::Rollout)
}

fn first_row(file: &str) -> Value {
    let text = std::fs::read_to_string(built().join(file)).unwrap();
    let line = text.lines().find(|l| l.starts_with('{')).unwrap();
    serde_json::from_str(line.trim_end_matches(',')).unwrap()
}

/// An OpenAI row whose completion has a tool call, its result and a final answer.
fn openai() -> Value {
    first_row("openai.jsonl")
}

/// Writes a clean row (line 1) and `broken` (line 2); returns the rules reported, all of
/// which must be on line 2.
fn rules_of_jsonl(
    name: &str,
    clean: &Value,
    broken: &str,
    opts: ValidateOptions,
) -> BTreeSet<Rule> {
    let path = scratch(name).join("rows.jsonl");
    std::fs::write(&path, format!("{clean}\n{broken}\n")).unwrap();
    let report = validate_file(&path, &opts).unwrap();
    assert_eq!(report.rows, 2);
    assert!(
        report.problems.iter().all(|p| p.line == 2),
        "{:?}",
        report.problems
    );
    report.problems.iter().map(|p| p.rule).collect()
}

fn rules_of(name: &str, broken: &Value) -> BTreeSet<Rule> {
    rules_of_jsonl(
        name,
        &openai(),
        &broken.to_string(),
        ValidateOptions::default(),
    )
}

fn only(rule: Rule) -> BTreeSet<Rule> {
    [rule].into_iter().collect()
}

fn messages(row: &mut Value) -> &mut Vec<Value> {
    row["messages"].as_array_mut().unwrap()
}

#[test]
fn the_clean_rows_pass() {
    for file in ["openai.jsonl", "prime.jsonl", "sharegpt.json"] {
        let r = validate_file(&built().join(file), &ValidateOptions::default()).unwrap();
        assert_eq!(r.rows, 12);
        assert!(r.problems.is_empty(), "{file}: {:?}", r.problems);
    }
}

#[test]
fn json_rule_catches_a_line_that_is_not_json() {
    assert_eq!(
        rules_of_jsonl(
            "json",
            &openai(),
            "{\"messages\": [",
            ValidateOptions::default()
        ),
        only(Rule::Json)
    );
}

#[test]
fn shape_rule_catches_content_that_is_not_text() {
    let mut row = openai();
    messages(&mut row)[1]["content"] = json!(42);
    assert_eq!(rules_of("shape", &row), only(Rule::Shape));
}

#[test]
fn role_rule_catches_an_unknown_role() {
    let mut row = openai();
    messages(&mut row).insert(2, json!({"role": "narrator", "content": "meanwhile"}));
    assert_eq!(rules_of("role", &row), only(Rule::Role));
}

#[test]
fn order_rule_catches_rows_that_do_not_end_with_the_assistant() {
    let mut row = openai();
    messages(&mut row).push(json!({"role": "user", "content": "thanks"}));
    assert_eq!(rules_of("order-end", &row), only(Rule::Order));
    let mut row = openai();
    messages(&mut row).swap(0, 1);
    assert_eq!(rules_of("order-system", &row), only(Rule::Order));
}

#[test]
fn tool_call_id_rule_catches_missing_and_reused_ids() {
    let mut row = openai();
    let call = &mut messages(&mut row)[2]["tool_calls"][0];
    call.as_object_mut().unwrap().remove("id");
    // Its result now answers no call either.
    let rules = rules_of("id-missing", &row);
    assert!(rules.contains(&Rule::ToolCallId), "{rules:?}");
    let mut row = openai();
    let first_id = messages(&mut row)[2]["tool_calls"][0]["id"].clone();
    let msgs = messages(&mut row);
    let second = msgs
        .iter()
        .rposition(|m| m["tool_calls"].is_array())
        .unwrap();
    assert!(second > 2, "the oracle rows make at least two calls");
    msgs[second]["tool_calls"][0]["id"] = first_id.clone();
    msgs[second + 1]["tool_call_id"] = first_id;
    assert_eq!(rules_of("id-reused", &row), only(Rule::ToolCallId));
}

#[test]
fn tool_result_rule_catches_missing_orphan_and_double_results() {
    let mut row = openai();
    messages(&mut row).remove(3);
    assert_eq!(rules_of("result-missing", &row), only(Rule::ToolResult));
    let mut row = openai();
    messages(&mut row)[3]["tool_call_id"] = json!("call_nobody_made");
    assert_eq!(rules_of("result-orphan", &row), only(Rule::ToolResult));
    let mut row = openai();
    let again = messages(&mut row)[3].clone();
    messages(&mut row).insert(4, again);
    assert_eq!(rules_of("result-double", &row), only(Rule::ToolResult));
}

#[test]
fn tool_name_rule_catches_undeclared_tools_and_misnamed_results() {
    let mut row = openai();
    messages(&mut row)[2]["tool_calls"][0]["function"]["name"] = json!("format_disk");
    assert_eq!(rules_of("name-undeclared", &row), only(Rule::ToolName));
    let mut row = openai();
    messages(&mut row)[3]["name"] = json!("some_other_tool");
    assert_eq!(rules_of("name-result", &row), only(Rule::ToolName));
}

#[test]
fn arguments_rule_catches_non_objects() {
    for (i, args) in ["[1, 2]", "not json", "\"a string\""].iter().enumerate() {
        let mut row = openai();
        messages(&mut row)[2]["tool_calls"][0]["function"]["arguments"] = json!(args);
        assert_eq!(rules_of(&format!("args-{i}"), &row), only(Rule::Arguments));
    }
}

#[test]
fn tools_rule_catches_a_tool_declared_twice() {
    let mut row = openai();
    let tools = row["tools"].as_array_mut().unwrap();
    let again = tools[0].clone();
    tools.push(again);
    assert_eq!(rules_of("tools-twice", &row), only(Rule::Tools));
    let mut row = openai();
    row["tools"] = json!({"not": "a list"});
    let rules = rules_of("tools-shape", &row);
    assert!(rules.contains(&Rule::Tools), "{rules:?}");
}

#[test]
fn leak_rule_catches_answer_keys_anywhere() {
    let mut row = openai();
    row["oracle"] = json!({"steps": []});
    assert_eq!(rules_of("leak-top", &row), only(Rule::Leak));
    let mut row = openai();
    let call = &mut messages(&mut row)[2]["tool_calls"][0]["function"];
    let mut args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    args["Needles"] = json!(["target"]);
    call["arguments"] = json!(args.to_string());
    assert_eq!(rules_of("leak-args", &row), only(Rule::Leak));
}

#[test]
fn reasoning_rule_catches_think_blocks_unless_allowed() {
    let mut row = openai();
    let last = messages(&mut row).len() - 1;
    messages(&mut row)[last]["content"] = json!("<think>\nthe oracle said so\n</think>\n\nDone.");
    assert_eq!(rules_of("think", &row), only(Rule::Reasoning));
    let allowed = rules_of_jsonl(
        "think-allowed",
        &openai(),
        &row.to_string(),
        ValidateOptions {
            allow_reasoning: true,
        },
    );
    assert!(allowed.is_empty(), "{allowed:?}");
    let mut row = openai();
    messages(&mut row)[last]["reasoning_content"] = json!("hmm");
    assert_eq!(rules_of("reasoning-key", &row), only(Rule::Reasoning));
}

#[test]
fn prime_rows_need_an_assistant_in_the_completion() {
    let clean = first_row("prime.jsonl");
    let mut row = clean.clone();
    row["completion"] = json!([]);
    let rules = rules_of_jsonl(
        "prime",
        &clean,
        &row.to_string(),
        ValidateOptions::default(),
    );
    assert!(rules.contains(&Rule::Order), "{rules:?}");
    assert!(rules.iter().all(|r| *r == Rule::Order), "{rules:?}");
}

#[test]
fn sharegpt_rows_must_alternate_and_pair_calls_with_observations() {
    let clean = first_row("sharegpt.json");
    let write = |name: &str, broken: &Value| {
        let path = scratch(name).join("rows.json");
        std::fs::write(&path, format!("[\n{clean},\n{broken}\n]\n")).unwrap();
        let report = validate_file(&path, &ValidateOptions::default()).unwrap();
        assert!(
            report.problems.iter().all(|p| p.line == 3),
            "{:?}",
            report.problems
        );
        report
            .problems
            .iter()
            .map(|p| p.rule)
            .collect::<BTreeSet<_>>()
    };
    // Two function calls in a row: the second sits where a human / observation belongs, and
    // the first has no observation.
    let mut row = clean.clone();
    let turns = row["conversations"].as_array_mut().unwrap();
    let call = turns[1].clone();
    turns.insert(2, call);
    let rules = write("sharegpt-order", &row);
    assert_eq!(
        rules,
        [Rule::Order, Rule::ToolResult].into_iter().collect(),
        "{rules:?}"
    );
    let mut row = clean.clone();
    row["conversations"][1]["value"] = json!("{\"name\": \"wipe_everything\", \"arguments\": {}}");
    assert_eq!(write("sharegpt-name", &row), only(Rule::ToolName));
}
