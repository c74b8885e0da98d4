//! The tool-use contract of an SFT data file (prime, openai or ShareGPT, detected), checked on
//! the raw JSON so that nothing a typed reader would drop (an unknown role, an extra key) goes
//! unseen. Each problem names its line, a rule and what is wrong.
//!
//! Rules:
//! - `json`: the row is not JSON. `shape`: a field has the wrong type or is missing.
//! - `role`: a role (`from` tag) that is not system / user / assistant / tool (human / gpt /
//!   function_call / observation).
//! - `order`: system only first; the first other message is the user's; an assistant turn
//!   exists and the row ends with one; ShareGPT turns alternate (human / observation at odd
//!   positions, gpt / function_call at even ones).
//! - `tool-call-id`: every tool call has an id, unique in the row.
//! - `tool-result`: every tool call is answered by exactly one tool result before the next
//!   user or assistant message (the last message's calls excepted: the row ends there), and
//!   every tool result answers a call of the assistant turn just before it.
//! - `tool-name`: called names are declared in the row's tools; a result's `name` is its call's.
//! - `arguments`: arguments are a JSON object (or a string holding one).
//! - `tools`: the tools list parses, every tool has a unique name.
//! - `leak`: no key of [`LEAK_KEYS`](super::LEAK_KEYS) anywhere in the row, arguments included.
//! - `reasoning`: unless allowed, no [`REASONING_KEYS`](super::REASONING_KEYS) key and no
//!   [`REASONING_MARKERS`](super::REASONING_MARKERS) in assistant text.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::formats::{parse_tools, read_rows, Format};
use super::{LEAK_KEYS, REASONING_KEYS, REASONING_MARKERS};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Json,
    Shape,
    Role,
    Order,
    ToolCallId,
    ToolResult,
    ToolName,
    Arguments,
    Tools,
    Leak,
    Reasoning,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Json => "json",
            Rule::Shape => "shape",
            Rule::Role => "role",
            Rule::Order => "order",
            Rule::ToolCallId => "tool-call-id",
            Rule::ToolResult => "tool-result",
            Rule::ToolName => "tool-name",
            Rule::Arguments => "arguments",
            Rule::Tools => "tools",
            Rule::Leak => "leak",
            Rule::Reasoning => "reasoning",
        }
    }
}

/// One broken promise of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the row.
    pub line: usize,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.line, self.rule.name(), self.message)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Accept reasoning (`reasoning_content`, `<think>`): for data meant for thinking runs.
    pub allow_reasoning: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidateReport {
    pub format: Format,
    pub rows: usize,
    pub problems: Vec<Problem>,
}

/// Checks every row of a data file.
pub fn validate_file(path: &Path, opts: &ValidateOptions) -> Result<ValidateReport> {
    let (format, rows) = read_rows(path)?;
    let mut problems = Vec::new();
    for row in &rows {
        match &row.value {
            Err(e) => problems.push(Problem {
                line: row.line,
                rule: Rule::Json,
                message: e.clone(),
            }),
            Ok(v) => problems.extend(validate_row(format, v, row.line, opts)),
        }
    }
    Ok(ValidateReport {
        format,
        rows: rows.len(),
        problems,
    })
}

/// A tool call as the rules see it.
struct Call {
    id: Option<String>,
    name: Option<String>,
    arguments: Option<Value>,
}

/// A message as the rules see it (roles already mapped to OpenAI names, where known).
struct Msg {
    role: String,
    content: String,
    calls: Vec<Call>,
    call_id: Option<String>,
    name: Option<String>,
}

struct Checker<'a> {
    line: usize,
    opts: &'a ValidateOptions,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, rule: Rule, message: impl Into<String>) {
        self.problems.push(Problem {
            line: self.line,
            rule,
            message: message.into(),
        });
    }

    /// Leaked and reasoning keys anywhere under `v`.
    fn scan_keys(&mut self, v: &Value, path: &str) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    let lower = k.to_ascii_lowercase();
                    let here = format!("{path}.{k}");
                    if LEAK_KEYS.contains(&lower.as_str()) {
                        self.report(Rule::Leak, format!("key '{k}' at {here}"));
                    } else if !self.opts.allow_reasoning && REASONING_KEYS.contains(&lower.as_str())
                    {
                        self.report(Rule::Reasoning, format!("key '{k}' at {here}"));
                    }
                    self.scan_keys(x, &here);
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.scan_keys(x, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }

    fn check_assistant_text(&mut self, text: &str, where_: &str) {
        if self.opts.allow_reasoning {
            return;
        }
        for marker in REASONING_MARKERS {
            if text.contains(marker) {
                self.report(
                    Rule::Reasoning,
                    format!("{where_}: assistant text contains {marker}"),
                );
            }
        }
    }

    /// The declared tool names, or `None` when the tools do not parse.
    fn tools(&mut self, v: Option<&Value>) -> Option<BTreeSet<String>> {
        if let Some(Value::String(s)) = v {
            // A JSON string of tools (ShareGPT, prime `tool_defs`): its keys are scanned too.
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                self.scan_keys(&inner, "$.tools");
            }
        }
        match parse_tools(v) {
            Ok(tools) => {
                let mut names = BTreeSet::new();
                for t in tools {
                    if t.function.name.is_empty() {
                        self.report(Rule::Tools, "a tool without a name");
                    } else if !names.insert(t.function.name.clone()) {
                        self.report(
                            Rule::Tools,
                            format!("tool '{}' is declared twice", t.function.name),
                        );
                    }
                }
                Some(names)
            }
            Err(e) => {
                self.report(Rule::Tools, e);
                None
            }
        }
    }

    fn check_arguments(&mut self, args: Option<&Value>, what: &str) {
        // Arguments held in a JSON string are not reached by the row-wide key scan.
        let (parsed, in_string) = match args {
            None | Some(Value::Null) => {
                self.report(Rule::Arguments, format!("{what}: no arguments"));
                return;
            }
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(v) => (v, true),
                Err(e) => {
                    self.report(
                        Rule::Arguments,
                        format!("{what}: arguments are not JSON ({e}): {s:?}"),
                    );
                    return;
                }
            },
            Some(v) => (v.clone(), false),
        };
        if parsed.is_object() {
            if in_string {
                self.scan_keys(&parsed, &format!("{what}.arguments"));
            }
        } else {
            self.report(
                Rule::Arguments,
                format!("{what}: arguments are not a JSON object: {parsed}"),
            );
        }
    }

    fn check_name(&mut self, name: Option<&str>, tools: &Option<BTreeSet<String>>, what: &str) {
        match (name, tools) {
            (None, _) | (Some(""), _) => {
                self.report(Rule::Shape, format!("{what}: no function name"))
            }
            (Some(n), Some(names)) if !names.contains(n) => self.report(
                Rule::ToolName,
                format!("{what}: calls '{n}', which the row's tools do not declare"),
            ),
            _ => {}
        }
    }

    /// The rules over an OpenAI-shaped message list (openai and prime rows).
    fn check_messages(&mut self, msgs: &[Msg], tools: &Option<BTreeSet<String>>) {
        let mut ids: HashMap<String, usize> = HashMap::new();
        // Calls of the latest assistant turn: (id, name, answered).
        let mut pending: Vec<(String, String, bool)> = Vec::new();
        let mut pending_from = 0;
        let mut seen_user = false;
        let last = msgs.len().saturating_sub(1);
        for (i, m) in msgs.iter().enumerate() {
            let role = m.role.as_str();
            if matches!(role, "system" | "user" | "assistant") {
                self.flush(&mut pending, pending_from);
            }
            match role {
                "system" => {
                    if i != 0 {
                        self.report(
                            Rule::Order,
                            format!("message {i}: system message not first"),
                        );
                    }
                }
                "user" => seen_user = true,
                "assistant" => {
                    if !seen_user {
                        self.report(
                            Rule::Order,
                            format!("message {i}: assistant message before any user message"),
                        );
                    }
                    if m.content.trim().is_empty() && m.calls.is_empty() {
                        self.report(Rule::Shape, format!("message {i}: empty assistant message"));
                    }
                    self.check_assistant_text(&m.content, &format!("message {i}"));
                    for (k, call) in m.calls.iter().enumerate() {
                        let what = format!("message {i} tool call {k}");
                        self.check_name(call.name.as_deref(), tools, &what);
                        self.check_arguments(call.arguments.as_ref(), &what);
                        let Some(id) = call.id.clone().filter(|id| !id.is_empty()) else {
                            self.report(Rule::ToolCallId, format!("{what}: no id"));
                            continue;
                        };
                        if let Some(first) = ids.insert(id.clone(), i) {
                            self.report(
                                Rule::ToolCallId,
                                format!("{what}: id '{id}' already used in message {first}"),
                            );
                        }
                        // The row ends at its last message: results would come after it.
                        if i != last {
                            pending.push((id, call.name.clone().unwrap_or_default(), false));
                        }
                    }
                    pending_from = i;
                }
                "tool" => {
                    let Some(id) = m.call_id.as_deref().filter(|id| !id.is_empty()) else {
                        self.report(
                            Rule::ToolCallId,
                            format!("message {i}: tool result without tool_call_id"),
                        );
                        continue;
                    };
                    match pending.iter_mut().find(|(p, _, _)| p == id) {
                        Some((_, _, true)) => self.report(
                            Rule::ToolResult,
                            format!("message {i}: a second result for tool call '{id}'"),
                        ),
                        Some((_, name, answered)) => {
                            *answered = true;
                            if let Some(n) = m.name.as_deref() {
                                if n != name.as_str() {
                                    self.report(
                                        Rule::ToolName,
                                        format!("message {i}: result named '{n}' answers call '{id}' of '{name}'"),
                                    );
                                }
                            }
                        }
                        None => self.report(
                            Rule::ToolResult,
                            format!("message {i}: tool result for '{id}' answers no tool call of the assistant turn before it"),
                        ),
                    }
                }
                other => self.report(Rule::Role, format!("message {i}: unknown role '{other}'")),
            }
        }
        self.flush(&mut pending, pending_from);
        match msgs.iter().find(|m| m.role != "system") {
            Some(m) if m.role != "user" => self.report(
                Rule::Order,
                format!(
                    "the first message after the system prompt is '{}', not 'user'",
                    m.role
                ),
            ),
            None => self.report(Rule::Order, "no user message"),
            _ => {}
        }
        if !msgs.iter().any(|m| m.role == "assistant") {
            self.report(Rule::Order, "no assistant message");
        } else if msgs.last().is_some_and(|m| m.role != "assistant") {
            self.report(
                Rule::Order,
                "the row does not end with an assistant message",
            );
        }
    }

    fn flush(&mut self, pending: &mut Vec<(String, String, bool)>, from: usize) {
        for (id, name, answered) in pending.drain(..) {
            if !answered {
                self.report(
                    Rule::ToolResult,
                    format!("message {from}: tool call '{id}' ({name}) has no result"),
                );
            }
        }
    }
}

fn text_of(v: Option<&Value>) -> std::result::Result<String, String> {
    match v {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) => {
            let mut text = String::new();
            for p in parts {
                match (p.get("type").and_then(Value::as_str), p.get("text")) {
                    (Some("text") | None, Some(Value::String(t))) => text.push_str(t),
                    _ => return Err(format!("a content part that is not text: {p}")),
                }
            }
            Ok(text)
        }
        Some(other) => Err(format!("content is not a string: {other}")),
    }
}

/// Reads an OpenAI-shaped message; shape problems are reported and the message kept as far
/// as it reads.
fn read_message(ck: &mut Checker<'_>, v: &Value, index: usize) -> Msg {
    let role = match v.get("role").and_then(Value::as_str) {
        Some(r) => r.to_string(),
        None => {
            ck.report(Rule::Shape, format!("message {index}: no role"));
            String::new()
        }
    };
    let content = text_of(v.get("content")).unwrap_or_else(|e| {
        ck.report(Rule::Shape, format!("message {index}: {e}"));
        String::new()
    });
    let mut calls = Vec::new();
    match v.get("tool_calls") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for c in items {
                let f = c.get("function");
                calls.push(Call {
                    id: c.get("id").and_then(Value::as_str).map(str::to_string),
                    name: f
                        .and_then(|f| f.get("name"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    arguments: f.and_then(|f| f.get("arguments")).cloned(),
                });
            }
        }
        Some(_) => ck.report(
            Rule::Shape,
            format!("message {index}: tool_calls is not a list"),
        ),
    }
    if !calls.is_empty() && role != "assistant" {
        ck.report(
            Rule::Order,
            format!("message {index}: a '{role}' message with tool calls"),
        );
    }
    Msg {
        role,
        content,
        calls,
        call_id: v
            .get("tool_call_id")
            .and_then(Value::as_str)
            .map(str::to_string),
        name: v.get("name").and_then(Value::as_str).map(str::to_string),
    }
}

fn message_list(ck: &mut Checker<'_>, v: Option<&Value>, what: &str, start: usize) -> Vec<Msg> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, m)| read_message(ck, m, start + i))
            .collect(),
        // prime-rl turns a bare string into one user (prompt) / assistant (completion) message.
        Some(Value::String(s)) => vec![Msg {
            role: if what == "prompt" {
                "user"
            } else {
                "assistant"
            }
            .into(),
            content: s.clone(),
            calls: Vec::new(),
            call_id: None,
            name: None,
        }],
        _ => {
            ck.report(Rule::Shape, format!("{what}: not a message list"));
            Vec::new()
        }
    }
}

/// Checks one row of `format`.
pub fn validate_row(
    format: Format,
    v: &Value,
    line: usize,
    opts: &ValidateOptions,
) -> Vec<Problem> {
    let mut ck = Checker {
        line,
        opts,
        problems: Vec::new(),
    };
    if !v.is_object() {
        ck.report(Rule::Shape, "the row is not a JSON object");
        return ck.problems;
    }
    ck.scan_keys(v, "$");
    match format {
        Format::OpenAi => {
            let tools = ck.tools(v.get("tools"));
            let msgs = message_list(&mut ck, v.get("messages"), "messages", 0);
            ck.check_messages(&msgs, &tools);
        }
        Format::Prime => {
            let tools = ck.tools(v.get("tools").or_else(|| v.get("tool_defs")));
            let mut msgs = message_list(&mut ck, v.get("prompt"), "prompt", 0);
            let completion = message_list(&mut ck, v.get("completion"), "completion", msgs.len());
            if !completion.iter().any(|m| m.role == "assistant") {
                ck.report(Rule::Order, "the completion has no assistant message");
            }
            msgs.extend(completion);
            ck.check_messages(&msgs, &tools);
        }
        Format::ShareGpt => check_sharegpt(&mut ck, v),
    }
    ck.problems
}

fn check_sharegpt(ck: &mut Checker<'_>, v: &Value) {
    let tools = ck.tools(v.get("tools"));
    if !matches!(v.get("system"), None | Some(Value::String(_))) {
        ck.report(Rule::Shape, "system is not a string");
    }
    let Some(turns) = v.get("conversations").and_then(Value::as_array) else {
        ck.report(Rule::Shape, "conversations: not a list");
        return;
    };
    let mut tags = Vec::new();
    for (i, t) in turns.iter().enumerate() {
        match (
            t.get("from").and_then(Value::as_str),
            t.get("value").and_then(Value::as_str),
        ) {
            (Some(from), Some(value)) => tags.push((i, from, value)),
            _ => ck.report(
                Rule::Shape,
                format!("turn {i}: needs string 'from' and 'value'"),
            ),
        }
    }
    // A leading system turn is the system prompt (LLaMA-Factory takes it out before pairing).
    if tags.first().is_some_and(|(_, from, _)| *from == "system") {
        tags.remove(0);
    }
    for (k, &(i, from, value)) in tags.iter().enumerate() {
        let user_side = k % 2 == 0;
        match from {
            "human" | "observation" if !user_side => ck.report(
                Rule::Order,
                format!("turn {i}: '{from}' where an assistant turn (gpt / function_call) belongs"),
            ),
            "gpt" | "function_call" if user_side => ck.report(
                Rule::Order,
                format!("turn {i}: '{from}' where a human / observation turn belongs"),
            ),
            "human" | "observation" | "gpt" | "function_call" => {}
            "system" => ck.report(Rule::Order, format!("turn {i}: system turn not first")),
            other => ck.report(Rule::Role, format!("turn {i}: unknown role tag '{other}'")),
        }
        let prev = k.checked_sub(1).map(|p| tags[p].1);
        let next = tags.get(k + 1).map(|t| t.1);
        match from {
            "observation" if prev != Some("function_call") => ck.report(
                Rule::ToolResult,
                format!("turn {i}: observation without a function_call before it"),
            ),
            "function_call" if next.is_some() && next != Some("observation") => ck.report(
                Rule::ToolResult,
                format!("turn {i}: function_call without an observation after it"),
            ),
            _ => {}
        }
        if from == "gpt" || from == "function_call" {
            ck.check_assistant_text(value, &format!("turn {i}"));
        }
        if from == "function_call" {
            check_function_call(ck, value, &tools, i);
        }
    }
    match tags.first() {
        Some((i, from, _)) if *from != "human" => ck.report(
            Rule::Order,
            format!("turn {i}: the first turn is '{from}', not 'human'"),
        ),
        None => ck.report(Rule::Order, "no turns"),
        _ => {}
    }
    if !tags.iter().any(|t| t.1 == "gpt" || t.1 == "function_call") {
        ck.report(Rule::Order, "no assistant turn");
    } else if tags
        .last()
        .is_some_and(|t| t.1 != "gpt" && t.1 != "function_call")
    {
        ck.report(Rule::Order, "the row does not end with an assistant turn");
    }
}

fn check_function_call(
    ck: &mut Checker<'_>,
    value: &str,
    tools: &Option<BTreeSet<String>>,
    turn: usize,
) {
    let parsed: Value = match serde_json::from_str(value) {
        Ok(v) => v,
        Err(e) => {
            ck.report(
                Rule::Arguments,
                format!("turn {turn}: function_call is not JSON: {e}"),
            );
            return;
        }
    };
    let calls = match parsed {
        Value::Array(items) => items,
        one => vec![one],
    };
    for (k, call) in calls.iter().enumerate() {
        let what = format!("turn {turn} call {k}");
        ck.check_name(call.get("name").and_then(Value::as_str), tools, &what);
        match call.get("arguments") {
            Some(Value::Object(_)) => {
                ck.scan_keys(call, &what);
            }
            other => ck.report(
                Rule::Arguments,
                format!(
                    "{what}: arguments are not a JSON object: {}",
                    other.map_or("missing".to_string(), Value::to_string)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(format: Format, v: &Value) -> Vec<Rule> {
        validate_row(format, v, 1, &ValidateOptions::default())
            .into_iter()
            .map(|p| p.rule)
            .collect()
    }

    #[test]
    fn a_clean_openai_row_passes() {
        let row = json!({
            "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": "u"},
                {"role": "assistant", "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{\"x\":1}"}}]},
                {"role": "tool", "tool_call_id": "a", "name": "f", "content": "ok"},
                {"role": "assistant", "content": "done"}
            ],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]
        });
        assert_eq!(rules(Format::OpenAi, &row), []);
    }

    #[test]
    fn sharegpt_parity_and_pairing() {
        let ok = json!({"conversations": [
            {"from": "human", "value": "u"},
            {"from": "function_call", "value": "{\"name\":\"f\",\"arguments\":{}}"},
            {"from": "observation", "value": "r"},
            {"from": "gpt", "value": "done"}
        ], "system": "s", "tools": "[{\"name\":\"f\",\"parameters\":{}}]"});
        assert_eq!(rules(Format::ShareGpt, &ok), []);
        let swapped = json!({"conversations": [
            {"from": "human", "value": "u"},
            {"from": "observation", "value": "r"},
            {"from": "gpt", "value": "done"}
        ], "tools": "[]"});
        let r = rules(Format::ShareGpt, &swapped);
        assert!(
            r.contains(&Rule::Order) && r.contains(&Rule::ToolResult),
            "{r:?}"
        );
    }
}
