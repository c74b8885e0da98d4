//! The remote backend: any OpenAI-compatible `/v1/chat/completions` endpoint with tools (vLLM,
//! SGLang, Fireworks, OpenAI, Azure…), over blocking HTTP (ureq). This is how teacher
//! trajectories are collected.
//!
//! Retries: 429 and 5xx (and connection failures) are retried with exponential backoff; a
//! `Retry-After` / `retry-after-ms` header is honoured (capped). A 400 that says the context is too
//! long becomes [`ModelError::ContextOverflow`] so the episode can trim; every other failure —
//! including a 200 whose body is not the expected JSON — is a [`ModelError::Backend`]
//! (an infrastructure error, counted apart from model failures).

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::model::{Model, ModelError, ModelReply, ModelRequest, Usage};
use env0_chat::{Message, ToolCall};

/// Where and how to reach the endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteConfig {
    /// Base URL, e.g. `http://127.0.0.1:8000/v1` (`/chat/completions` is appended unless present).
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<String>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Retries after the first attempt (429, 5xx, connection errors).
    pub max_retries: u32,
    /// First backoff; doubles each retry.
    pub backoff: Duration,
    /// Longest single wait, whether from backoff or from a Retry-After header.
    pub max_wait: Duration,
    /// `None` leaves the server default.
    pub temperature: Option<f64>,
    /// Per-request seed (servers that support it); the runner sets one per episode.
    pub seed: Option<u64>,
}

impl RemoteConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> RemoteConfig {
        RemoteConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(120),
            max_retries: 5,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            temperature: None,
            seed: None,
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> String {
        let base = self.base_url.trim_end_matches('/');
        if base.ends_with("/chat/completions") {
            base.to_string()
        } else {
            format!("{base}/chat/completions")
        }
    }
}

/// Running totals over the model's lifetime (for reports and logs).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RemoteStats {
    pub requests: u64,
    pub retries: u64,
    pub usage: Usage,
}

pub struct RemoteModel {
    config: RemoteConfig,
    agent: ureq::Agent,
    stats: RemoteStats,
}

/// Outcome of one HTTP attempt.
enum Attempt {
    Done(String),
    /// Worth retrying, after at least this long when the server said so.
    Retry(String, Option<Duration>),
    Fatal(ModelError),
}

impl RemoteModel {
    pub fn new(config: RemoteConfig) -> RemoteModel {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        RemoteModel {
            config,
            agent,
            stats: RemoteStats::default(),
        }
    }

    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    /// Sets the sampling seed of the next requests (one per episode).
    pub fn set_seed(&mut self, seed: Option<u64>) {
        self.config.seed = seed;
    }

    pub fn stats(&self) -> RemoteStats {
        self.stats
    }

    /// The JSON request body for `request`.
    pub fn request_body(&self, request: &ModelRequest<'_>) -> Value {
        let messages: Vec<Value> = request.messages.iter().map(wire_message).collect();
        let mut body = json!({
            "model": self.config.model,
            "messages": messages,
            "max_tokens": request.max_tokens,
        });
        if !request.tools.is_empty() {
            body["tools"] = serde_json::to_value(request.tools).unwrap_or(Value::Null);
            body["tool_choice"] = json!("auto");
        }
        if let Some(t) = self.config.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(s) = self.config.seed {
            body["seed"] = json!(s);
        }
        body
    }

    fn attempt(&self, body: &Value) -> Attempt {
        let mut req = self.agent.post(self.config.url());
        if let Some(key) = &self.config.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let mut response = match req.send_json(body) {
            Ok(r) => r,
            // Connection refused, timeouts, resets: the server may come back.
            Err(e) => return Attempt::Retry(format!("request failed: {e}"), None),
        };
        let status = response.status().as_u16();
        let wait = retry_after(response.headers());
        let text = match response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
        {
            Ok(t) => t,
            Err(e) => return Attempt::Retry(format!("reading the response failed: {e}"), None),
        };
        match status {
            200..=299 => Attempt::Done(text),
            429 | 500..=599 => Attempt::Retry(format!("HTTP {status}: {}", snippet(&text)), wait),
            400 | 413 if is_context_overflow(&text) => {
                Attempt::Fatal(ModelError::ContextOverflow(snippet(&text)))
            }
            _ => Attempt::Fatal(ModelError::Backend(format!(
                "HTTP {status} from {}: {}",
                self.config.url(),
                snippet(&text)
            ))),
        }
    }
}

/// A message as sent on the wire: the OpenAI shape, without our reasoning field (some servers
/// reject unknown message fields).
fn wire_message(m: &Message) -> Value {
    let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.remove("reasoning_content");
        if obj.get("role").and_then(Value::as_str) == Some("assistant")
            && !obj.contains_key("content")
        {
            obj.insert("content".into(), Value::Null);
        }
    }
    v
}

/// Retry-After in seconds (integer or decimal), or OpenAI's `retry-after-ms`.
fn retry_after(headers: &ureq::http::HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        return (ms.is_finite() && ms >= 0.0).then(|| Duration::from_secs_f64(ms / 1000.0));
    }
    get("retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

fn is_context_overflow(body: &str) -> bool {
    let b = body.to_ascii_lowercase();
    b.contains("context_length_exceeded")
        || b.contains("maximum context length")
        || b.contains("context length")
        || b.contains("too many tokens")
        || b.contains("prompt is too long")
}

fn snippet(text: &str) -> String {
    const MAX: usize = 300;
    let t = text.trim();
    if t.len() <= MAX {
        return t.to_string();
    }
    let mut end = MAX;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &t[..end])
}

/// Turns a chat-completions response body into a reply. Unparseable tool-call arguments become a
/// `parse_error` (the episode answers it); a body that is not a completion is a backend error.
pub fn parse_response(text: &str) -> Result<ModelReply, ModelError> {
    let malformed = |why: &str| {
        ModelError::Backend(format!(
            "malformed chat completion ({why}): {}",
            snippet(text)
        ))
    };
    let body: Value = serde_json::from_str(text).map_err(|e| malformed(&e.to_string()))?;
    if let Some(err) = body.get("error").filter(|e| !e.is_null()) {
        return Err(ModelError::Backend(format!(
            "server error in a 200 response: {}",
            snippet(&err.to_string())
        )));
    }
    let message = body
        .pointer("/choices/0/message")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("no choices[0].message"))?;
    let text_field = |key: &str| -> Result<Option<String>, ModelError> {
        match message.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Array(parts)) => Ok(Some(
                parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect(),
            )),
            Some(_) => Err(malformed(&format!("message.{key} is not text"))),
        }
    };
    let content = text_field("content")?;
    let reasoning = match text_field("reasoning_content")? {
        Some(r) => Some(r),
        None => text_field("reasoning")?,
    };
    let raw_calls = match message.get("tool_calls") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(calls)) => calls.clone(),
        Some(_) => return Err(malformed("message.tool_calls is not a list")),
    };
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in raw_calls.iter().enumerate() {
        match tool_call(raw, i) {
            Ok(c) => calls.push(c),
            Err(why) => problems.push(why),
        }
    }
    let usage = Usage {
        prompt_tokens: body
            .pointer("/usage/prompt_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        completion_tokens: body
            .pointer("/usage/completion_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        ..Usage::default()
    };
    let raw = Some(content.clone().unwrap_or_default());
    if !problems.is_empty() {
        // The whole turn is answered with an error; its calls are kept as text so the model sees
        // what it wrote, and no call without a result stays in the history.
        let mut shown = content.unwrap_or_default();
        for c in &raw_calls {
            if !shown.is_empty() {
                shown.push('\n');
            }
            shown.push_str(&c.get("function").unwrap_or(c).to_string());
        }
        return Ok(ModelReply {
            message: Message::Assistant {
                content: Some(shown),
                reasoning_content: reasoning,
                tool_calls: Vec::new(),
            },
            raw,
            usage,
            parse_error: Some(problems.join("; ")),
            repairs: Vec::new(),
        });
    }
    Ok(ModelReply {
        message: Message::Assistant {
            content: content.filter(|c| !c.trim().is_empty() || calls.is_empty()),
            reasoning_content: reasoning,
            tool_calls: calls,
        },
        raw,
        usage,
        parse_error: None,
        repairs: Vec::new(),
    })
}

/// One OpenAI tool call; `arguments` is a JSON string (or, from lenient servers, an object).
fn tool_call(raw: &Value, index: usize) -> Result<ToolCall, String> {
    let function = raw
        .get("function")
        .ok_or_else(|| format!("tool call {index} has no function"))?;
    let name = function
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("tool call {index} has no function name"))?;
    let arguments = match function.get("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Value::Object(Map::new()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => v,
            Ok(other) => {
                return Err(format!(
                    "arguments of '{name}' must be a JSON object, got {other}"
                ))
            }
            Err(e) => return Err(format!("arguments of '{name}' are not valid JSON: {e}")),
        },
        Some(v @ Value::Object(_)) => v.clone(),
        Some(other) => {
            return Err(format!(
                "arguments of '{name}' must be a JSON object, got {other}"
            ))
        }
    };
    let id = raw
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(ToolCall::new(id, name, arguments))
}

impl Model for RemoteModel {
    fn name(&self) -> String {
        format!("{}@{}", self.config.model, self.config.base_url)
    }

    fn complete(&mut self, request: &ModelRequest<'_>) -> Result<ModelReply, ModelError> {
        let body = self.request_body(request);
        let started = Instant::now();
        let mut attempt = 0u32;
        let text = loop {
            self.stats.requests += 1;
            match self.attempt(&body) {
                Attempt::Done(text) => break text,
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry(why, wait) => {
                    if attempt >= self.config.max_retries {
                        return Err(ModelError::Backend(format!(
                            "{} failed after {} attempts: {why}",
                            self.config.url(),
                            attempt + 1
                        )));
                    }
                    let backoff = self.config.backoff.saturating_mul(1u32 << attempt.min(16));
                    std::thread::sleep(wait.unwrap_or(backoff).min(self.config.max_wait));
                    attempt += 1;
                    self.stats.retries += 1;
                }
            }
        };
        let mut reply = parse_response(&text)?;
        // Remote servers report no split; the whole request time counts as generation time.
        reply.usage.completion_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.stats.usage.add(&reply.usage);
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_calls_and_usage_are_read() {
        let r = parse_response(
            r#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[
                {"id":"c1","type":"function","function":{"name":"gmail_search","arguments":"{\"query\":\"in:inbox\"}"}}]},
                "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"completion_tokens":7}}"#,
        )
        .expect("parse");
        assert_eq!(r.parse_error, None);
        assert_eq!((r.usage.prompt_tokens, r.usage.completion_tokens), (12, 7));
        match r.message {
            Message::Assistant {
                content,
                tool_calls,
                ..
            } => {
                assert_eq!(content, None);
                assert_eq!(tool_calls[0].function.arguments["query"], "in:inbox");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_arguments_are_a_parse_error_not_a_call() {
        let r = parse_response(
            r#"{"choices":[{"message":{"role":"assistant","content":"","tool_calls":[
                {"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\": "}}]}}]}"#,
        )
        .expect("parse");
        assert!(r.parse_error.expect("error").contains("not valid JSON"));
        assert!(
            matches!(r.message, Message::Assistant { ref tool_calls, .. } if tool_calls.is_empty())
        );
    }

    #[test]
    fn malformed_bodies_are_backend_errors() {
        for body in [
            "not json",
            "{}",
            r#"{"choices":[]}"#,
            r#"{"error":{"message":"x"}}"#,
        ] {
            assert!(
                matches!(parse_response(body), Err(ModelError::Backend(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn urls_and_wire_messages() {
        assert_eq!(
            RemoteConfig::new("http://h/v1/", "m").url(),
            "http://h/v1/chat/completions"
        );
        assert_eq!(
            RemoteConfig::new("http://h/v1/chat/completions", "m").url(),
            "http://h/v1/chat/completions"
        );
        let m = Message::Assistant {
            content: None,
            reasoning_content: Some("hmm".into()),
            tool_calls: vec![ToolCall::new("c", "f", json!({"a": 1}))],
        };
        let w = wire_message(&m);
        assert!(w.get("reasoning_content").is_none());
        assert_eq!(w["content"], Value::Null);
        assert_eq!(w["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
    }
}
