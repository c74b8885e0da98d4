//! The SFT row formats: one in-memory [`Conversation`] and its three written forms.
//!
//! - **prime** (`prime.jsonl`, prime-rl SFT): `prompt` and `completion` message lists, `tools`
//!   (OpenAI function schemas), plus `example_id` / `task` / `trial` / `info` / `reward` columns
//!   that prime-rl ignores and env0 uses to trace a row back to its episode.
//! - **openai** (`openai.jsonl`): `{"messages", "tools"}` only (OpenAI's fine-tuning files refuse
//!   other keys). Assistant messages of the context that must not be trained carry `"weight": 0`.
//! - **sharegpt** (`sharegpt.json`, LLaMA-Factory): `conversations` of `human` / `gpt` /
//!   `function_call` / `observation`, a `system` string and `tools` as a JSON string. A
//!   `function_call` value is `{"name", "arguments"}` (a list of them for parallel calls); the
//!   results of one assistant turn form one `observation` (a JSON list of the result strings when
//!   there are several). The format has no room for text next to a tool call: such text is
//!   dropped and counted in the manifest.
//!
//! Reading accepts JSONL (prime, openai or ShareGPT rows) and a JSON array (ShareGPT), and
//! keeps each row's line number for `FILE:LINE` reports.

use std::path::Path;

use env0_chat::{Message, Tool};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::{io_err, Result, SftError};

/// A data file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Prime,
    OpenAi,
    ShareGpt,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Prime => "prime",
            Format::OpenAi => "openai",
            Format::ShareGpt => "sharegpt",
        }
    }
}

/// Where a training row came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowMeta {
    pub task: String,
    pub trial: u32,
    pub family: String,
    pub template: String,
    pub split: String,
    pub model: String,
    pub reward: f64,
    /// Exchange rows: the index of the trained assistant message in the episode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<usize>,
}

/// One SFT example: a conversation, the tools it may call, and where its prompt ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub messages: Vec<Message>,
    pub tools: Vec<Tool>,
    /// Messages before this index are the prompt (context): assistant messages there are not
    /// trained. Rollout rows: the system and user messages; exchange rows: everything before the
    /// one trained assistant turn.
    pub prompt_len: usize,
    pub meta: Option<RowMeta>,
}

impl Conversation {
    /// The system and first user message: fixed per task, so rows that share it belong to the
    /// same task (trials, exchanges) and must stay on the same side of a held-out split.
    pub fn opening(&self) -> String {
        let mut key = String::new();
        for m in &self.messages {
            match m {
                Message::System { content } => {
                    key.push_str("system\0");
                    key.push_str(content);
                    key.push('\0');
                }
                Message::User { content } => {
                    key.push_str("user\0");
                    key.push_str(content);
                    break;
                }
                _ => break,
            }
        }
        key
    }

    /// Whether only the last message is trained (an exchange row), else every assistant
    /// message from `prompt_len` on.
    pub fn trains_last_only(&self) -> bool {
        self.messages[..self.prompt_len.min(self.messages.len())]
            .iter()
            .any(Message::is_assistant)
    }
}

fn message_value(m: &Message) -> Result<Value> {
    serde_json::to_value(m).map_err(|e| SftError::Data(format!("serialising a message: {e}")))
}

fn tools_value(tools: &[Tool]) -> Result<Value> {
    serde_json::to_value(tools).map_err(|e| SftError::Data(format!("serialising tools: {e}")))
}

/// The prime-rl SFT row.
pub fn to_prime(c: &Conversation) -> Result<Value> {
    let split = c.prompt_len.min(c.messages.len());
    let prompt = c.messages[..split]
        .iter()
        .map(message_value)
        .collect::<Result<Vec<_>>>()?;
    let completion = c.messages[split..]
        .iter()
        .map(message_value)
        .collect::<Result<Vec<_>>>()?;
    let mut row = Map::new();
    if let Some(meta) = &c.meta {
        row.insert("example_id".into(), json!(meta.task));
        row.insert("task".into(), json!(meta.task));
        row.insert("trial".into(), json!(meta.trial));
        row.insert("reward".into(), json!(meta.reward));
        let mut info = json!({
            "family": meta.family,
            "template": meta.template,
            "split": meta.split,
            "model": meta.model,
        });
        if let Some(turn) = meta.turn {
            info["turn"] = json!(turn);
        }
        row.insert("info".into(), info);
    }
    row.insert("prompt".into(), Value::Array(prompt));
    row.insert("completion".into(), Value::Array(completion));
    row.insert("tools".into(), tools_value(&c.tools)?);
    Ok(Value::Object(row))
}

/// The OpenAI chat fine-tuning row.
pub fn to_openai(c: &Conversation) -> Result<Value> {
    let mut messages = Vec::with_capacity(c.messages.len());
    for (i, m) in c.messages.iter().enumerate() {
        let mut v = message_value(m)?;
        if m.is_assistant() && i < c.prompt_len {
            v["weight"] = json!(0);
        }
        messages.push(v);
    }
    Ok(json!({"messages": messages, "tools": tools_value(&c.tools)?}))
}

/// The LLaMA-Factory ShareGPT row, and whether assistant text next to tool calls was dropped.
pub fn to_sharegpt(c: &Conversation) -> Result<(Value, bool)> {
    let mut system = None;
    let mut turns = Vec::new();
    let mut dropped_text = false;
    let mut i = 0;
    while i < c.messages.len() {
        match &c.messages[i] {
            Message::System { content } if i == 0 => system = Some(content.clone()),
            Message::System { .. } => {
                return Err(SftError::Data(
                    "ShareGPT: a system message after the first".into(),
                ))
            }
            Message::User { content } => turns.push(json!({"from": "human", "value": content})),
            Message::Assistant {
                content,
                tool_calls,
                ..
            } => {
                if tool_calls.is_empty() {
                    turns
                        .push(json!({"from": "gpt", "value": content.clone().unwrap_or_default()}));
                } else {
                    dropped_text |= content.as_deref().is_some_and(|t| !t.trim().is_empty());
                    let calls: Vec<Value> = tool_calls
                        .iter()
                        .map(|call| {
                            json!({"name": call.function.name, "arguments": call.function.arguments})
                        })
                        .collect();
                    let value = if calls.len() == 1 {
                        calls[0].to_string()
                    } else {
                        Value::Array(calls).to_string()
                    };
                    turns.push(json!({"from": "function_call", "value": value}));
                }
            }
            Message::Tool { .. } => {
                let mut results = Vec::new();
                while let Some(Message::Tool { content, .. }) = c.messages.get(i) {
                    results.push(content.clone());
                    i += 1;
                }
                let value = if results.len() == 1 {
                    results.remove(0)
                } else {
                    json!(results).to_string()
                };
                turns.push(json!({"from": "observation", "value": value}));
                continue;
            }
        }
        i += 1;
    }
    let tools: Vec<Value> = c
        .tools
        .iter()
        .map(|t| {
            let mut f = json!({"name": t.function.name, "parameters": t.function.parameters});
            if let Some(d) = &t.function.description {
                f["description"] = json!(d);
            }
            f
        })
        .collect();
    let mut row = json!({"conversations": turns, "tools": json!(tools).to_string()});
    if let Some(s) = system {
        row["system"] = json!(s);
    }
    Ok((row, dropped_text))
}

/// The LLaMA-Factory `dataset_info.json` entry for `file_name`.
pub fn dataset_info(name: &str, file_name: &str) -> Value {
    json!({
        name: {
            "file_name": file_name,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
            "tags": {
                "role_tag": "from",
                "content_tag": "value",
                "user_tag": "human",
                "assistant_tag": "gpt",
                "observation_tag": "observation",
                "function_tag": "function_call",
                "system_tag": "system"
            }
        }
    })
}

/// One row of a data file: its 1-based line and its JSON (or why it is not JSON).
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    pub value: std::result::Result<Value, String>,
}

/// Reads a data file's rows: a JSON array (ShareGPT) or JSONL. The format comes from the
/// first row that parses: `messages` → openai, `prompt` + `completion` → prime,
/// `conversations` → sharegpt.
pub fn read_rows(path: &Path) -> Result<(Format, Vec<RawRow>)> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let rows = if text.trim_start().starts_with('[') {
        array_rows(&text).map_err(|e| SftError::Data(format!("{}:{e}", path.display())))?
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| RawRow {
                line: i + 1,
                value: serde_json::from_str(l).map_err(|e| format!("invalid JSON: {e}")),
            })
            .collect()
    };
    let format = rows
        .iter()
        .find_map(|r| r.value.as_ref().ok().and_then(detect))
        .ok_or_else(|| {
            SftError::Data(format!(
                "{}: no row is a prime (prompt + completion), openai (messages) or ShareGPT \
                 (conversations) row",
                path.display()
            ))
        })?;
    Ok((format, rows))
}

fn detect(v: &Value) -> Option<Format> {
    if v.get("conversations").is_some() {
        Some(Format::ShareGpt)
    } else if v.get("messages").is_some() {
        Some(Format::OpenAi)
    } else if v.get("prompt").is_some() && v.get("completion").is_some() {
        Some(Format::Prime)
    } else {
        None
    }
}

/// Splits a top-level JSON array into its elements, each with the line it starts on. Errors
/// are `LINE: what`.
fn array_rows(text: &str) -> std::result::Result<Vec<RawRow>, String> {
    let bytes = text.as_bytes();
    let line_of = |pos: usize| bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut i = skip_ws(0);
    if bytes.get(i) != Some(&b'[') {
        return Err(format!("{}: expected a JSON array", line_of(i)));
    }
    i += 1;
    let mut rows = Vec::new();
    loop {
        i = skip_ws(i);
        match bytes.get(i) {
            None => return Err(format!("{}: the array is not closed", line_of(i))),
            Some(b']') => break,
            Some(_) => {}
        }
        let start = i;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => break,
                    _ => {}
                }
            }
            i += 1;
        }
        let element = text[start..i].trim_end();
        let line = line_of(start);
        rows.push(RawRow {
            line,
            value: serde_json::from_str(element).map_err(|e| format!("invalid JSON: {e}")),
        });
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b']') => break,
            _ => return Err(format!("{}: the array is not closed", line_of(i))),
        }
    }
    let rest = skip_ws(i + 1);
    if rest < bytes.len() {
        return Err(format!("{}: text after the array", line_of(rest)));
    }
    Ok(rows)
}

/// Tools from a row: a list or a JSON string of one, in OpenAI `{"type": "function",
/// "function": {…}}` or flat `{name, description, parameters}` form.
pub fn parse_tools(v: Option<&Value>) -> std::result::Result<Vec<Tool>, String> {
    let list = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => {
            serde_json::from_str::<Value>(s).map_err(|e| format!("tools: invalid JSON: {e}"))?
        }
        Some(other) => other.clone(),
    };
    let Value::Array(items) = list else {
        return Err("tools: not a list".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let t = if t.get("function").is_some() {
                t
            } else {
                json!({"type": "function", "function": t})
            };
            serde_json::from_value::<Tool>(t).map_err(|e| format!("tools[{i}]: {e}"))
        })
        .collect()
}

fn parse_messages(v: &Value, what: &str) -> std::result::Result<Vec<Message>, String> {
    match v {
        // prime-rl normalises a bare string prompt / completion to a user / assistant message.
        Value::String(s) if what == "prompt" => Ok(vec![Message::user(s.clone())]),
        Value::String(s) if what == "completion" => Ok(vec![Message::assistant(s.clone())]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, m)| {
                serde_json::from_value::<Message>(m.clone())
                    .map_err(|e| format!("{what}[{i}]: {e}"))
            })
            .collect(),
        _ => Err(format!("{what}: not a message list")),
    }
}

/// A conversation from a prime or openai row (ShareGPT rows carry no tool-call ids and are
/// not read back).
pub fn conversation(format: Format, v: &Value) -> std::result::Result<Conversation, String> {
    match format {
        Format::Prime => {
            let prompt = parse_messages(v.get("prompt").unwrap_or(&Value::Null), "prompt")?;
            let completion =
                parse_messages(v.get("completion").unwrap_or(&Value::Null), "completion")?;
            let tools = parse_tools(v.get("tools").or_else(|| v.get("tool_defs")))?;
            let prompt_len = prompt.len();
            let mut messages = prompt;
            messages.extend(completion);
            Ok(Conversation {
                messages,
                tools,
                prompt_len,
                meta: None,
            })
        }
        Format::OpenAi => {
            let raw = v
                .get("messages")
                .and_then(Value::as_array)
                .ok_or("messages: not a list")?;
            let messages = parse_messages(&Value::Array(raw.clone()), "messages")?;
            // Untrained (weight 0) assistant turns must all come before the trained ones.
            let mut prompt_len = 0;
            let mut trained_seen = false;
            for (i, m) in raw.iter().enumerate() {
                if m.get("role").and_then(Value::as_str) != Some("assistant") {
                    continue;
                }
                let weight = m.get("weight").and_then(Value::as_f64).unwrap_or(1.0);
                if weight == 0.0 {
                    if trained_seen {
                        return Err(format!(
                            "messages[{i}]: an untrained (weight 0) assistant turn after a \
                             trained one is not supported"
                        ));
                    }
                    prompt_len = i + 1;
                } else {
                    trained_seen = true;
                }
            }
            if prompt_len == 0 {
                prompt_len = messages
                    .iter()
                    .position(Message::is_assistant)
                    .unwrap_or(messages.len());
            }
            Ok(Conversation {
                messages,
                tools: parse_tools(v.get("tools"))?,
                prompt_len,
                meta: None,
            })
        }
        Format::ShareGpt => Err("ShareGPT rows are not read back (no tool-call ids); use \
                                 openai.jsonl or prime.jsonl"
            .into()),
    }
}

/// Reads every row of a prime or openai file as a conversation; a bad row is an error with
/// its `path:line`.
pub fn read_conversations(path: &Path) -> Result<Vec<(usize, Conversation)>> {
    let (format, rows) = read_rows(path)?;
    rows.into_iter()
        .map(|r| {
            let at = |e: String| SftError::Data(format!("{}:{}: {e}", path.display(), r.line));
            let v = r.value.map_err(at)?;
            conversation(format, &v).map(|c| (r.line, c)).map_err(at)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use env0_chat::ToolCall;

    fn sample() -> Conversation {
        Conversation {
            messages: vec![
                Message::system("sys"),
                Message::user("do it"),
                Message::assistant_calls(
                    None,
                    vec![ToolCall::new("c0", "gmail_search", json!({"q": "x"}))],
                ),
                Message::tool("c0", "gmail_search", "{\"n\":1}"),
                Message::assistant("done"),
            ],
            tools: vec![Tool::function(
                "gmail_search",
                "search",
                json!({"type": "object"}),
            )],
            prompt_len: 2,
            meta: None,
        }
    }

    #[test]
    fn openai_and_prime_round_trip() {
        let c = sample();
        let back = conversation(Format::OpenAi, &to_openai(&c).expect("openai")).expect("read");
        assert_eq!(back, c);
        let back = conversation(Format::Prime, &to_prime(&c).expect("prime")).expect("read");
        assert_eq!(back, c);
        let mut exchange = c.clone();
        exchange.prompt_len = 4;
        let row = to_openai(&exchange).expect("openai");
        assert_eq!(row["messages"][2]["weight"], 0);
        assert!(row["messages"][4].get("weight").is_none());
        let back = conversation(Format::OpenAi, &row).expect("read");
        assert_eq!(
            back.prompt_len, 3,
            "context ends after the last untrained assistant turn"
        );
        assert!(back.trains_last_only());
        let back = conversation(Format::Prime, &to_prime(&exchange).expect("prime")).expect("read");
        assert_eq!(back.prompt_len, 4);
    }

    #[test]
    fn sharegpt_alternates_and_drops_text_next_to_calls() {
        let mut c = sample();
        let (row, dropped) = to_sharegpt(&c).expect("sharegpt");
        assert!(!dropped);
        let froms: Vec<&str> = row["conversations"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|t| t["from"].as_str())
            .collect();
        assert_eq!(froms, ["human", "function_call", "observation", "gpt"]);
        assert_eq!(row["system"], "sys");
        let call: Value =
            serde_json::from_str(row["conversations"][1]["value"].as_str().expect("str"))
                .expect("json");
        assert_eq!(
            call,
            json!({"name": "gmail_search", "arguments": {"q": "x"}})
        );
        let tools: Value = serde_json::from_str(row["tools"].as_str().expect("str")).expect("json");
        assert_eq!(tools[0]["name"], "gmail_search");
        if let Message::Assistant { content, .. } = &mut c.messages[2] {
            *content = Some("let me look".into());
        }
        assert!(to_sharegpt(&c).expect("sharegpt").1);
    }

    #[test]
    fn array_rows_keep_line_numbers() {
        let text = "[\n{\"a\": \"],\"},\n\n  {\"b\": [1, {\"c\": 2}]}\n]\n";
        let rows = array_rows(text).expect("rows");
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 4],
            "brackets and commas in strings do not split elements"
        );
        assert!(rows.iter().all(|r| r.value.is_ok()));
        assert!(array_rows("[{\"a\": 1},").is_err());
        assert!(array_rows("[1] 2").is_err());
        assert!(array_rows("[]").expect("empty").is_empty());
    }

    #[test]
    fn flat_and_string_tools_parse() {
        let flat = json!([{"name": "f", "parameters": {"type": "object"}}]);
        assert_eq!(
            parse_tools(Some(&flat)).expect("flat")[0].function.name,
            "f"
        );
        let s = Value::String(flat.to_string());
        assert_eq!(parse_tools(Some(&s)).expect("string").len(), 1);
        assert!(parse_tools(Some(&json!({"name": "f"}))).is_err());
    }
}
