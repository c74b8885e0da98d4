//! Completion parsers: model output text → reasoning + content + tool calls, one per tool-call
//! syntax. Strict mode reports the first deviation with its byte offset; tolerant mode repairs
//! the near-misses small models make and lists what it repaired. Neither ever panics.

use serde_json::{Map, Value};

use super::family::ToolSyntax;
use super::types::{Tool, ToolCall};

mod gemma;
mod hermes;
mod json_repair;
mod xml;

pub use json_repair::repair_json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseMode {
    Strict,
    Tolerant,
}

/// A near-miss the tolerant parser fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Repair {
    /// A tool-call JSON wrapped in a Markdown code fence.
    CodeFence,
    /// `,` before `}` or `]`.
    TrailingComma,
    /// `'…'` strings instead of `"…"`.
    SingleQuotes,
    /// Python `True` / `False` / `None` in JSON.
    PythonLiteral,
    /// Raw newlines or tabs inside a JSON string.
    ControlCharInString,
    /// A string left open at the end.
    UnterminatedString,
    /// Missing `}` / `]` at the end.
    MissingClosingBrace,
    /// A `}` / `]` too many.
    ExtraClosingBrace,
    /// `"arguments"` given as a JSON string instead of an object.
    ArgumentsAsString,
    /// `"parameters"` (or similar) used instead of `"arguments"`, or arguments missing.
    ArgumentsKey,
    /// A missing closing tag (`</tool_call>`, `</parameter>`, `<tool_call|>`, `</think>`).
    UnclosedTag,
    /// A tool call written without its wrapping tag.
    MissingToolCallTag,
    /// A parameter value that does not match its schema type, kept as a string.
    UntypedValue,
    /// A JSON-quoted string where the format wants `<|"|>`.
    GemmaQuotes,
}

/// A parse failure in strict mode (or one even tolerant mode cannot repair).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: {message}")]
pub struct ParseError {
    /// Byte offset into the completion text.
    pub offset: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError {
            offset,
            message: message.into(),
        }
    }
}

/// What the model said.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub reasoning: Option<String>,
    pub content: String,
    pub tool_calls: Vec<ToolCall>,
    /// Repairs made (tolerant mode), in order, possibly repeated.
    pub repairs: Vec<Repair>,
}

/// Parses a completion (the assistant text after the generation prompt). `tools` types Qwen3.5
/// XML parameter values; tool-call ids are `call_0`, `call_1`, … in order.
pub fn parse_completion(
    syntax: ToolSyntax,
    text: &str,
    tools: &[Tool],
    mode: ParseMode,
) -> Result<Parsed, ParseError> {
    let mut out = Parsed::default();
    let mut ctx = Ctx {
        mode,
        repairs: Vec::new(),
    };
    match syntax {
        ToolSyntax::Hermes | ToolSyntax::QwenXml => {
            let (reasoning, rest, rest_offset) = split_think(text, &mut ctx)?;
            out.reasoning = reasoning;
            let (content, calls) = if syntax == ToolSyntax::Hermes {
                hermes::parse(rest, rest_offset, &mut ctx)?
            } else {
                xml::parse(rest, rest_offset, tools, &mut ctx)?
            };
            out.content = content;
            out.tool_calls = calls;
        }
        ToolSyntax::Gemma4 => {
            let (reasoning, content, calls) = gemma::parse(text, &mut ctx)?;
            out.reasoning = reasoning;
            out.content = content;
            out.tool_calls = calls;
        }
    }
    for (i, call) in out.tool_calls.iter_mut().enumerate() {
        call.id = format!("call_{i}");
    }
    out.repairs = ctx.repairs;
    Ok(out)
}

/// Forward searches for one needle in one text from positions that only grow: a hit is reused
/// while it lies ahead, and "not found" stays not found, so a text with many openers and no
/// closers (a model repeating `<tool_call>` until its token limit) costs one pass per needle
/// instead of one per opener.
pub(crate) struct Seek<'a> {
    text: &'a str,
    needle: &'a str,
    /// (searched from, first hit at or after it)
    last: Option<(usize, Option<usize>)>,
}

impl<'a> Seek<'a> {
    pub fn new(text: &'a str, needle: &'a str) -> Seek<'a> {
        Seek {
            text,
            needle,
            last: None,
        }
    }

    /// The first occurrence at or after `pos` (as `text[pos..].find(needle)`, plus `pos`).
    pub fn next(&mut self, pos: usize) -> Option<usize> {
        if let Some((from, hit)) = self.last {
            if from <= pos && hit.is_none_or(|h| h >= pos) {
                return hit;
            }
        }
        let hit = self.text[pos..].find(self.needle).map(|i| pos + i);
        self.last = Some((pos, hit));
        hit
    }
}

pub(crate) struct Ctx {
    pub mode: ParseMode,
    pub repairs: Vec<Repair>,
}

impl Ctx {
    /// In tolerant mode records the repair; in strict mode fails with `message` at `offset`.
    pub fn repair(
        &mut self,
        repair: Repair,
        offset: usize,
        message: &str,
    ) -> Result<(), ParseError> {
        match self.mode {
            ParseMode::Tolerant => {
                self.repairs.push(repair);
                Ok(())
            }
            ParseMode::Strict => Err(ParseError::new(offset, message)),
        }
    }

    pub fn tolerant(&self) -> bool {
        self.mode == ParseMode::Tolerant
    }
}

/// Splits `<think>…</think>` reasoning off the front. The think block may lack its opening tag
/// (the generation prompt ended with `<think>\n`). Returns (reasoning, rest, rest's offset).
fn split_think<'a>(
    text: &'a str,
    ctx: &mut Ctx,
) -> Result<(Option<String>, &'a str, usize), ParseError> {
    const OPEN: &str = "<think>";
    const CLOSE: &str = "</think>";
    if let Some(close) = text.find(CLOSE) {
        let before = &text[..close];
        let inner = match before.find(OPEN) {
            Some(o) => &before[o + OPEN.len()..],
            None => before,
        };
        let rest_start = close + CLOSE.len();
        return Ok((
            Some(inner.trim().to_owned()),
            &text[rest_start..],
            rest_start,
        ));
    }
    if let Some(open) = text.find(OPEN) {
        if !text[..open].trim().is_empty() {
            // `<think>` after other text is not a reasoning block; leave it as content.
            return Ok((None, text, 0));
        }
        ctx.repair(Repair::UnclosedTag, text.len(), "<think> is never closed")?;
        // Reasoning runs until the first tool call, if any.
        let body_start = open + OPEN.len();
        let end = text[body_start..]
            .find("<tool_call>")
            .map_or(text.len(), |i| body_start + i);
        return Ok((
            Some(text[body_start..end].trim().to_owned()),
            &text[end..],
            end,
        ));
    }
    Ok((None, text, 0))
}

/// Removes a Markdown code fence around `s` (```` ```json … ``` ````), if any.
pub(crate) fn strip_code_fence(s: &str) -> Option<&str> {
    let t = s.trim();
    let body = t.strip_prefix("```")?;
    let body = body.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    let body = body.strip_suffix("```").unwrap_or(body);
    Some(body.trim())
}

/// Builds a tool call from a hermes-style object `{"name": …, "arguments": …}`.
pub(crate) fn call_from_object(
    mut obj: Map<String, Value>,
    offset: usize,
    ctx: &mut Ctx,
) -> Result<ToolCall, ParseError> {
    let name = match obj.remove("name") {
        Some(Value::String(n)) if !n.is_empty() => n,
        _ => return Err(ParseError::new(offset, "tool call has no \"name\" string")),
    };
    let args = match obj.remove("arguments") {
        Some(a) => a,
        None => {
            let alt = ["parameters", "args", "input"]
                .iter()
                .find_map(|k| obj.remove(*k));
            ctx.repair(
                Repair::ArgumentsKey,
                offset,
                "tool call has no \"arguments\"",
            )?;
            alt.unwrap_or_else(|| Value::Object(Map::new()))
        }
    };
    let args = match args {
        Value::Object(_) => args,
        Value::String(s) => {
            ctx.repair(
                Repair::ArgumentsAsString,
                offset,
                "\"arguments\" is a string, not an object",
            )?;
            match serde_json::from_str::<Value>(&s) {
                Ok(v @ Value::Object(_)) => v,
                _ => {
                    let (v, repairs) = repair_json(&s).map_err(|e| ParseError::new(offset, e))?;
                    ctx.repairs.extend(repairs);
                    if !v.is_object() {
                        return Err(ParseError::new(offset, "\"arguments\" is not an object"));
                    }
                    v
                }
            }
        }
        Value::Null => {
            ctx.repair(Repair::ArgumentsKey, offset, "\"arguments\" is null")?;
            Value::Object(Map::new())
        }
        _ => return Err(ParseError::new(offset, "\"arguments\" is not an object")),
    };
    Ok(ToolCall::new("", name, args))
}

/// Parses JSON text, strictly or with repairs.
pub(crate) fn parse_json(text: &str, offset: usize, ctx: &mut Ctx) -> Result<Value, ParseError> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            if !ctx.tolerant() {
                return Err(ParseError::new(
                    offset + byte_offset(text, e.line(), e.column()),
                    format!("invalid JSON: {e}"),
                ));
            }
            let (v, repairs) = repair_json(text).map_err(|m| ParseError::new(offset, m))?;
            ctx.repairs.extend(repairs);
            Ok(v)
        }
    }
}

/// Byte offset of serde_json's 1-based (line, column).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (off + column.saturating_sub(1)).min(text.len());
        }
        off += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests;
