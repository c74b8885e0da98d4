//! Messages and tools in the OpenAI chat format (what remote OpenAI-compatible servers accept and
//! what HF chat templates read), with tool-call arguments kept as parsed JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// One chat message. Serialises to the OpenAI chat-completions shape (`role` tag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum Message {
    System {
        #[serde(deserialize_with = "text_content")]
        content: String,
    },
    User {
        #[serde(deserialize_with = "text_content")]
        content: String,
    },
    Assistant {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "optional_text_content"
        )]
        content: Option<String>,
        /// Thinking text (`<think>…</think>` / Gemma's thought channel), kept apart from content.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reasoning_content: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
    },
    Tool {
        #[serde(deserialize_with = "text_content")]
        content: String,
        tool_call_id: String,
        /// Name of the tool that produced the result (Gemma's template prints it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message::System {
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Message::User {
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Message::Assistant {
            content: Some(content.into()),
            reasoning_content: None,
            tool_calls: Vec::new(),
        }
    }

    pub fn assistant_calls(content: Option<String>, tool_calls: Vec<ToolCall>) -> Self {
        Message::Assistant {
            content,
            reasoning_content: None,
            tool_calls,
        }
    }

    pub fn tool(
        tool_call_id: impl Into<String>,
        name: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        Message::Tool {
            content: content.into(),
            tool_call_id: tool_call_id.into(),
            name: Some(name.into()),
        }
    }

    pub fn role(&self) -> &'static str {
        match self {
            Message::System { .. } => "system",
            Message::User { .. } => "user",
            Message::Assistant { .. } => "assistant",
            Message::Tool { .. } => "tool",
        }
    }

    pub fn is_assistant(&self) -> bool {
        matches!(self, Message::Assistant { .. })
    }

    /// The dict an HF chat template sees: like the OpenAI shape, but tool-call arguments are a
    /// mapping (templates test `arguments is mapping` / iterate `arguments|items`).
    pub fn to_template_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("role".into(), Value::from(self.role()));
        match self {
            Message::System { content } | Message::User { content } => {
                m.insert("content".into(), Value::from(content.as_str()));
            }
            Message::Assistant {
                content,
                reasoning_content,
                tool_calls,
            } => {
                // Templates test `'</think>' in content`; a missing content renders as "".
                m.insert(
                    "content".into(),
                    Value::from(content.as_deref().unwrap_or("")),
                );
                if let Some(r) = reasoning_content {
                    m.insert("reasoning_content".into(), Value::from(r.as_str()));
                }
                if !tool_calls.is_empty() {
                    let calls = tool_calls
                        .iter()
                        .map(|c| {
                            serde_json::json!({
                                "id": c.id,
                                "type": "function",
                                "function": {"name": c.function.name, "arguments": c.function.arguments},
                            })
                        })
                        .collect();
                    m.insert("tool_calls".into(), Value::Array(calls));
                }
            }
            Message::Tool {
                content,
                tool_call_id,
                name,
            } => {
                m.insert("content".into(), Value::from(content.as_str()));
                m.insert("tool_call_id".into(), Value::from(tool_call_id.as_str()));
                if let Some(n) = name {
                    m.insert("name".into(), Value::from(n.as_str()));
                }
            }
        }
        Value::Object(m)
    }
}

/// OpenAI content: a string, or a list of parts of which the `text` parts are joined.
fn text_content<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(optional_text_content(d)?.unwrap_or_default())
}

fn optional_text_content<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Array(parts) => {
            let mut text = String::new();
            for part in parts {
                match part {
                    Value::String(s) => text.push_str(&s),
                    Value::Object(p) => {
                        match (p.get("type").and_then(Value::as_str), p.get("text")) {
                            (Some("text") | None, Some(Value::String(t))) => text.push_str(t),
                            (Some(other), _) => {
                                return Err(serde::de::Error::custom(format!(
                                    "content part of type {other:?} is not supported (text only)"
                                )))
                            }
                            _ => return Err(serde::de::Error::custom("content part without text")),
                        }
                    }
                    _ => return Err(serde::de::Error::custom("content part is not an object")),
                }
            }
            Ok(Some(text))
        }
        _ => Err(serde::de::Error::custom(
            "content must be a string or a list of text parts",
        )),
    }
}

/// A tool call made by the assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    pub function: FunctionCall,
}

fn function_type() -> String {
    "function".into()
}

impl ToolCall {
    pub fn new(id: impl Into<String>, name: impl Into<String>, arguments: Value) -> Self {
        ToolCall {
            id: id.into(),
            kind: function_type(),
            function: FunctionCall {
                name: name.into(),
                arguments,
            },
        }
    }
}

/// Function name and arguments. On the wire (OpenAI) `arguments` is a JSON *string*; in memory it
/// is the parsed value. Deserialisation accepts either.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    pub name: String,
    #[serde(
        serialize_with = "arguments_to_string",
        deserialize_with = "arguments_from_any",
        default = "empty_object"
    )]
    pub arguments: Value,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

fn arguments_to_string<S: Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

fn arguments_from_any<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        // A string that holds JSON is the OpenAI wire form; any other string stays a string.
        Value::String(s) => Ok(serde_json::from_str(&s).unwrap_or(Value::String(s))),
        other => Ok(other),
    }
}

/// A tool offered to the model, as an OpenAI function schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    pub function: FunctionDef,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON schema of the arguments object.
    #[serde(default = "empty_object")]
    pub parameters: Value,
}

impl Tool {
    pub fn function(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        Tool {
            kind: function_type(),
            function: FunctionDef {
                name: name.into(),
                description: Some(description.into()),
                parameters,
            },
        }
    }

    /// The JSON schema of one parameter, if declared.
    pub fn parameter_schema(&self, key: &str) -> Option<&Value> {
        self.function.parameters.get("properties")?.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_wire_shape_round_trips() {
        let m = Message::assistant_calls(
            None,
            vec![ToolCall::new(
                "c1",
                "send",
                serde_json::json!({"to": "a@b.c"}),
            )],
        );
        let wire = serde_json::to_value(&m).expect("serialise");
        assert_eq!(wire["role"], "assistant");
        assert_eq!(wire["tool_calls"][0]["type"], "function");
        assert_eq!(
            wire["tool_calls"][0]["function"]["arguments"],
            "{\"to\":\"a@b.c\"}"
        );
        let back: Message = serde_json::from_value(wire).expect("deserialise");
        assert_eq!(back, m);
    }

    #[test]
    fn content_parts_and_null_content() {
        let m: Message = serde_json::from_str(
            r#"{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}"#,
        )
        .expect("parts");
        assert_eq!(m, Message::user("ab"));
        let m: Message = serde_json::from_str(
            r#"{"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{}"}}]}"#,
        )
        .expect("null content");
        assert_eq!(m.to_template_value()["content"], "");
        assert!(serde_json::from_str::<Message>(
            r#"{"role":"user","content":[{"type":"image_url"}]}"#
        )
        .is_err());
    }

    #[test]
    fn arguments_accept_objects_too() {
        let c: ToolCall =
            serde_json::from_str(r#"{"id":"x","function":{"name":"f","arguments":{"a":1}}}"#)
                .expect("parse");
        assert_eq!(c.function.arguments["a"], 1);
        assert_eq!(c.kind, "function");
    }
}
