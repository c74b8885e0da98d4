//! Hermes JSON tool calls (Qwen2.5, Qwen3, SmolLM2 and other ChatML models):
//! `<tool_call>\n{"name": "f", "arguments": {…}}\n</tool_call>`, any number of them.

use serde_json::Value;

use super::{call_from_object, parse_json, strip_code_fence, Ctx, ParseError, Repair, Seek};
use crate::types::ToolCall;

const OPEN: &str = "<tool_call>";
const CLOSE: &str = "</tool_call>";

/// Returns (content, tool calls). `base` is the offset of `text` in the completion.
pub(super) fn parse(
    text: &str,
    base: usize,
    ctx: &mut Ctx,
) -> Result<(String, Vec<ToolCall>), ParseError> {
    let mut calls = Vec::new();
    let mut content = String::new();
    let mut pos = 0;
    let (mut opens, mut closes) = (Seek::new(text, OPEN), Seek::new(text, CLOSE));
    while let Some(open) = opens.next(pos) {
        content.push_str(&text[pos..open]);
        let body_start = open + OPEN.len();
        let (body_end, next) = match closes.next(body_start) {
            Some(i) => (i, i + CLOSE.len()),
            None => {
                // Unclosed: the call runs to the next <tool_call> or the end.
                let end = opens.next(body_start).unwrap_or(text.len());
                ctx.repair(
                    Repair::UnclosedTag,
                    base + end,
                    "<tool_call> is never closed",
                )?;
                (end, end)
            }
        };
        calls.extend(parse_body(
            &text[body_start..body_end],
            base + body_start,
            ctx,
        )?);
        pos = next;
    }
    content.push_str(&text[pos..]);
    if calls.is_empty() && ctx.tolerant() {
        // A bare call object (optionally fenced) with no <tool_call> tag around it.
        if let Some(call) = bare_call(&content, ctx) {
            ctx.repairs.push(Repair::MissingToolCallTag);
            return Ok((String::new(), vec![call]));
        }
    }
    Ok((content.trim().to_owned(), calls))
}

/// One `<tool_call>` body: a call object, or (tolerant) a list of them.
fn parse_body(body: &str, offset: usize, ctx: &mut Ctx) -> Result<Vec<ToolCall>, ParseError> {
    let mut json = body.trim();
    if let Some(inner) = strip_code_fence(json) {
        ctx.repair(
            Repair::CodeFence,
            offset,
            "tool call is wrapped in a code fence",
        )?;
        json = inner;
    }
    if json.is_empty() {
        return Err(ParseError::new(offset, "empty <tool_call>"));
    }
    let lead = body.len() - body.trim_start().len();
    match parse_json(json, offset + lead, ctx)? {
        Value::Object(obj) => Ok(vec![call_from_object(obj, offset, ctx)?]),
        Value::Array(items) if ctx.tolerant() => items
            .into_iter()
            .map(|item| match item {
                Value::Object(obj) => call_from_object(obj, offset, ctx),
                _ => Err(ParseError::new(offset, "tool call is not an object")),
            })
            .collect(),
        _ => Err(ParseError::new(offset, "tool call is not a JSON object")),
    }
}

fn bare_call(content: &str, ctx: &mut Ctx) -> Option<ToolCall> {
    let t = content.trim();
    let t = strip_code_fence(t).unwrap_or(t);
    if !t.starts_with('{') || !t.contains("\"name\"") && !t.contains("'name'") {
        return None;
    }
    let mut scratch = Ctx {
        mode: ctx.mode,
        repairs: Vec::new(),
    };
    let v = parse_json(t, 0, &mut scratch).ok()?;
    let call = match v {
        Value::Object(obj) => call_from_object(obj, 0, &mut scratch).ok()?,
        _ => return None,
    };
    ctx.repairs.extend(scratch.repairs);
    Some(call)
}
