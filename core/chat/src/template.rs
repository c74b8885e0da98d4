//! HF-compatible chat-template rendering with minijinja: the same environment options, filters and
//! globals as transformers' `apply_chat_template` (trim_blocks, lstrip_blocks, loop controls,
//! Python string/dict methods, `tojson` with `json.dumps` spacing and ensure_ascii=False,
//! `raise_exception`, `strftime_now`, Python-style printing of booleans and None).

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Environment, ErrorKind, State, Value};

use super::error::{ChatError, Result};
use super::gguf::Gguf;
use super::types::{Message, Tool};

/// env0's built-in ChatML template with hermes tool calls, for ChatML models that ship a template
/// without tools (SmolLM2) or none at all.
pub const CHATML_HERMES: &str = include_str!("templates/chatml_hermes.jinja");

const TEMPLATE_NAME: &str = "chat_template";
/// Context variable carrying a frozen "now" for `strftime_now` (unix seconds).
const NOW_VAR: &str = "__env0_now";

/// Per-render switches; the fields map to `apply_chat_template` keyword arguments.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub add_generation_prompt: bool,
    /// `None` leaves `enable_thinking` undefined (the template's default).
    pub enable_thinking: Option<bool>,
    /// Frozen time for `strftime_now`; `None` uses the wall clock.
    pub now: Option<DateTime<Utc>>,
    /// Extra template variables (like HF's `**kwargs`).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl RenderOptions {
    pub fn generation() -> Self {
        RenderOptions {
            add_generation_prompt: true,
            ..Default::default()
        }
    }

    pub fn with_thinking(mut self, on: bool) -> Self {
        self.enable_thinking = Some(on);
        self
    }
}

/// A compiled chat template plus the special-token strings it may print.
pub struct ChatTemplate {
    env: Environment<'static>,
    source: String,
    pub bos_token: String,
    pub eos_token: String,
}

impl std::fmt::Debug for ChatTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTemplate")
            .field("len", &self.source.len())
            .field("bos_token", &self.bos_token)
            .field("eos_token", &self.eos_token)
            .finish()
    }
}

impl ChatTemplate {
    /// Compiles `source`; errors (syntax, unknown filter) are reported with the line.
    pub fn new(source: &str, bos_token: &str, eos_token: &str) -> Result<Self> {
        let mut env = hf_environment();
        env.add_template_owned(TEMPLATE_NAME, source.to_owned())?;
        Ok(ChatTemplate {
            env,
            source: source.to_owned(),
            bos_token: bos_token.to_owned(),
            eos_token: eos_token.to_owned(),
        })
    }

    /// The built-in ChatML + hermes-tools template.
    pub fn chatml_hermes() -> Result<Self> {
        Self::new(CHATML_HERMES, "", "<|im_end|>")
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// From a HF `tokenizer_config.json` (its `chat_template`, `bos_token`, `eos_token`).
    pub fn from_tokenizer_config(path: &Path) -> Result<Self> {
        let text = read_text(path)?;
        Self::from_tokenizer_config_json(&text)
    }

    pub fn from_tokenizer_config_json(text: &str) -> Result<Self> {
        let cfg: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ChatError::Config(format!("tokenizer_config.json: {e}")))?;
        let template = match cfg.get("chat_template") {
            Some(serde_json::Value::String(s)) => s.clone(),
            // Newer configs hold a list of named templates; take "default".
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .find(|t| t.get("name").and_then(|n| n.as_str()) == Some("default"))
                .and_then(|t| t.get("template")?.as_str().map(str::to_owned))
                .ok_or_else(|| ChatError::Config("no default chat_template in list".into()))?,
            _ => {
                return Err(ChatError::Config(
                    "tokenizer_config.json has no chat_template".into(),
                ))
            }
        };
        let token = |key: &str| -> String {
            match cfg.get(key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v
                    .get("content")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_owned(),
                None => String::new(),
            }
        };
        Self::new(&template, &token("bos_token"), &token("eos_token"))
    }

    /// From a `.jinja` file, with the special tokens given by the caller.
    pub fn from_jinja_file(path: &Path, bos_token: &str, eos_token: &str) -> Result<Self> {
        Self::new(&read_text(path)?, bos_token, eos_token)
    }

    /// From GGUF metadata: `tokenizer.chat_template` and the bos/eos token strings.
    pub fn from_gguf(gguf: &Gguf) -> Result<Self> {
        let source = gguf
            .get_str("tokenizer.chat_template")
            .ok_or_else(|| ChatError::Gguf("no tokenizer.chat_template".into()))?;
        let token = |key: &str| -> String {
            gguf.get_u64(key)
                .and_then(|id| gguf.token_text(id))
                .unwrap_or_default()
        };
        Self::new(
            source,
            &token("tokenizer.ggml.bos_token_id"),
            &token("tokenizer.ggml.eos_token_id"),
        )
    }

    /// Renders a conversation like `tokenizer.apply_chat_template(messages, tools=…, tokenize=False)`.
    pub fn render(
        &self,
        messages: &[Message],
        tools: &[Tool],
        opts: &RenderOptions,
    ) -> Result<String> {
        let msgs: Vec<serde_json::Value> =
            messages.iter().map(Message::to_template_value).collect();
        self.render_values(&msgs, tools, opts)
    }

    /// Renders already-shaped template dicts (for inputs that are not [`Message`]s).
    pub fn render_values(
        &self,
        messages: &[serde_json::Value],
        tools: &[Tool],
        opts: &RenderOptions,
    ) -> Result<String> {
        let mut ctx = opts.extra.clone();
        ctx.insert(
            "messages".into(),
            serde_json::Value::Array(messages.to_vec()),
        );
        if !tools.is_empty() {
            let tools = serde_json::to_value(tools)
                .map_err(|e| ChatError::Template(format!("tools: {e}")))?;
            ctx.insert("tools".into(), tools);
        }
        ctx.insert(
            "add_generation_prompt".into(),
            opts.add_generation_prompt.into(),
        );
        if let Some(t) = opts.enable_thinking {
            ctx.insert("enable_thinking".into(), t.into());
        }
        ctx.insert("bos_token".into(), self.bos_token.clone().into());
        ctx.insert("eos_token".into(), self.eos_token.clone().into());
        if let Some(now) = opts.now {
            ctx.insert(NOW_VAR.into(), now.timestamp().into());
        }
        let tmpl = self.env.get_template(TEMPLATE_NAME)?;
        Ok(tmpl.render(Value::from_serialize(&ctx))?)
    }
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| ChatError::Io {
        path: path.to_owned(),
        source,
    })
}

/// The minijinja environment configured like transformers' `_compile_jinja_template`.
pub fn hf_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(false);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.set_formatter(python_formatter);
    env.add_filter("tojson", tojson_filter);
    env.add_filter("string", python_str_filter);
    env.add_function("raise_exception", raise_exception);
    env.add_function("strftime_now", strftime_now);
    env
}

/// Prints values as Python's `str()` would (`True`, `None`), which is what jinja2 does.
fn python_formatter(
    out: &mut minijinja::Output,
    state: &State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    match value.kind() {
        ValueKind::Bool | ValueKind::None | ValueKind::Number => out
            .write_str(&python_str(value))
            .map_err(minijinja::Error::from),
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn python_str_filter(value: Value) -> String {
    python_str(&value)
}

/// Python `str()` of a template value.
pub fn python_str(value: &Value) -> String {
    match value.kind() {
        ValueKind::Bool => if value.is_true() { "True" } else { "False" }.into(),
        ValueKind::None => "None".into(),
        ValueKind::Undefined => String::new(),
        ValueKind::String => value.as_str().unwrap_or_default().to_owned(),
        ValueKind::Number => python_number(value),
        ValueKind::Seq | ValueKind::Map => python_repr(value),
        _ => value.to_string(),
    }
}

fn python_repr(value: &Value) -> String {
    match value.kind() {
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default();
            let quote = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            let mut out = String::new();
            out.push(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push(quote);
            out
        }
        ValueKind::Seq => {
            let items: Vec<String> = value
                .try_iter()
                .map(|it| it.map(|v| python_repr(&v)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = value
                .try_iter()
                .map(|it| {
                    it.map(|k| {
                        let v = value.get_item(&k).unwrap_or_default();
                        format!("{}: {}", python_repr(&k), python_repr(&v))
                    })
                    .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", items.join(", "))
        }
        _ => python_str(value),
    }
}

fn python_number(value: &Value) -> String {
    if let Ok(i) = i64::try_from(value.clone()) {
        if !is_float(value) {
            return i.to_string();
        }
    }
    match f64::try_from(value.clone()) {
        Ok(f) => python_float(f),
        Err(_) => value.to_string(),
    }
}

fn is_float(value: &Value) -> bool {
    // minijinja keeps ints and floats apart; its Display of a float always has a '.' or 'e'/inf.
    let s = value.to_string();
    s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN")
}

/// Python `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16).
pub fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mant}e{sign}{digits:0>2}");
    }
    format!("{f:?}")
}

/// HF's `tojson`: `json.dumps(x, ensure_ascii=False, indent=indent, separators=…, sort_keys=…)`.
fn tojson_filter(value: Value, kwargs: Kwargs) -> std::result::Result<Value, minijinja::Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    let sort_keys: Option<bool> = kwargs.get("sort_keys")?;
    let ensure_ascii: Option<bool> = kwargs.get("ensure_ascii")?;
    kwargs.assert_all_used()?;
    let mut out = String::new();
    write_json(
        &mut out,
        &value,
        &JsonStyle {
            indent,
            sort_keys: sort_keys.unwrap_or(false),
            ensure_ascii: ensure_ascii.unwrap_or(false),
        },
        0,
    );
    Ok(Value::from_safe_string(out))
}

struct JsonStyle {
    indent: Option<usize>,
    sort_keys: bool,
    ensure_ascii: bool,
}

/// Writes `value` as Python's `json.dumps` would.
fn write_json(out: &mut String, value: &Value, style: &JsonStyle, level: usize) {
    let (item_sep, key_sep) = match style.indent {
        Some(_) => (",", ": "),
        None => (", ", ": "),
    };
    let newline = |out: &mut String, level: usize| {
        if let Some(n) = style.indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => out.push_str(&python_number(value)),
        ValueKind::String => {
            write_json_str(out, value.as_str().unwrap_or_default(), style.ensure_ascii)
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = value.try_iter().map(|it| it.collect()).unwrap_or_default();
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, level + 1);
                write_json(out, item, style, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        ValueKind::Map => {
            let mut keys: Vec<Value> = value.try_iter().map(|it| it.collect()).unwrap_or_default();
            if keys.is_empty() {
                out.push_str("{}");
                return;
            }
            if style.sort_keys {
                keys.sort();
            }
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, level + 1);
                let k = match key.as_str() {
                    Some(s) => s.to_owned(),
                    None => python_str(key),
                };
                write_json_str(out, &k, style.ensure_ascii);
                out.push_str(key_sep);
                let v = value.get_item(key).unwrap_or_default();
                write_json(out, &v, style, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
        _ => write_json_str(out, &value.to_string(), style.ensure_ascii),
    }
}

fn write_json_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ensure_ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn raise_exception(message: String) -> std::result::Result<Value, minijinja::Error> {
    Err(minijinja::Error::new(ErrorKind::InvalidOperation, message))
}

fn strftime_now(state: &State, format: String) -> std::result::Result<Value, minijinja::Error> {
    let now = state
        .lookup(NOW_VAR)
        .and_then(|v| i64::try_from(v).ok())
        .and_then(|ts| DateTime::<Utc>::from_timestamp(ts, 0))
        .unwrap_or_else(Utc::now);
    let mut out = String::new();
    write!(out, "{}", now.format(&format)).map_err(|_| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("bad strftime format {format:?}"),
        )
    })?;
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, ctx: serde_json::Value) -> String {
        let mut env = hf_environment();
        env.add_template_owned("t", src.to_owned())
            .expect("compile");
        env.get_template("t")
            .expect("get")
            .render(Value::from_serialize(&ctx))
            .expect("render")
    }

    #[test]
    fn tojson_matches_python_json_dumps() {
        let out = render(
            "{{ x | tojson }}",
            serde_json::json!({"x": {"a": [1, 2.5, true, null], "b": "é\"\n<>"}}),
        );
        assert_eq!(out, "{\"a\": [1, 2.5, true, null], \"b\": \"é\\\"\\n<>\"}");
        let out = render(
            "{{ x | tojson(indent=2) }}",
            serde_json::json!({"x": {"a": [1]}}),
        );
        assert_eq!(out, "{\n  \"a\": [\n    1\n  ]\n}");
    }

    #[test]
    fn python_printing_of_bools_and_none() {
        let out = render(
            "{{ 1e20 }} {{ 2.5 }} {{ 3 }} {{ 1.0e-7 }}",
            serde_json::json!({}),
        );
        assert_eq!(out, "1e+20 2.5 3 1e-07");
        let out = render(
            "{{ t }} {{ n }} {{ t | string }} {{ f }}",
            serde_json::json!({"t": true, "n": null, "f": 1.0}),
        );
        assert_eq!(out, "True None True 1.0");
    }

    #[test]
    fn python_float_repr() {
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(1.5e-5), "1.5e-05");
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(3.0), "3.0");
    }

    #[test]
    fn pycompat_and_raise() {
        let out = render(
            "{{ s.strip().startswith('a') }}|{{ s.split('b')[0] }}",
            serde_json::json!({"s": " abc "}),
        );
        assert_eq!(out, "True| a");
        let mut env = hf_environment();
        env.add_template_owned("t", "{{ raise_exception('boom') }}".to_owned())
            .expect("compile");
        let err = env
            .get_template("t")
            .expect("get")
            .render(())
            .expect_err("raises");
        assert!(err.to_string().contains("boom"));
    }

    #[test]
    fn strftime_now_uses_frozen_time() {
        let out = render(
            "{{ strftime_now('%d %b %Y') }}",
            serde_json::json!({"__env0_now": 1_700_000_000}),
        );
        assert_eq!(out, "14 Nov 2023");
    }

    #[test]
    fn builtin_template_compiles() {
        let t = ChatTemplate::chatml_hermes().expect("compiles");
        let out = t
            .render(&[Message::user("hi")], &[], &RenderOptions::generation())
            .expect("render");
        assert_eq!(
            out,
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
        );
    }
}
