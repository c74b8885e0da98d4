//! Qwen3.5 / Qwen3-Coder XML tool calls:
//! `<tool_call>\n<function=NAME>\n<parameter=KEY>\nvalue\n</parameter>\n</function>\n</tool_call>`.
//! Values are text; they are typed with the tool's JSON schema (as vLLM's `qwen3_coder` parser).

use serde_json::{Map, Value};

use super::{Ctx, ParseError, Repair, Seek};
use crate::types::{Tool, ToolCall};

const OPEN: &str = "<tool_call>";
const CLOSE: &str = "</tool_call>";
const FUNC_OPEN: &str = "<function=";
const FUNC_CLOSE: &str = "</function>";
const PARAM_OPEN: &str = "<parameter=";
const PARAM_CLOSE: &str = "</parameter>";

pub(super) fn parse(
    text: &str,
    base: usize,
    tools: &[Tool],
    ctx: &mut Ctx,
) -> Result<(String, Vec<ToolCall>), ParseError> {
    let mut calls = Vec::new();
    let mut content = String::new();
    let mut pos = 0;
    let mut opens = Seek::new(text, OPEN);
    let mut funcs = Seek::new(text, FUNC_OPEN);
    let mut closes = Seek::new(text, CLOSE);
    let mut func_closes = Seek::new(text, FUNC_CLOSE);
    loop {
        let next_call = opens.next(pos);
        let next_func = funcs.next(pos);
        let (start, body_start, wrapped) = match (next_call, next_func) {
            (Some(c), Some(f)) if c <= f => (c, c + OPEN.len(), true),
            (Some(c), None) => (c, c + OPEN.len(), true),
            (_, Some(f)) => {
                ctx.repair(
                    Repair::MissingToolCallTag,
                    base + f,
                    "<function=…> outside <tool_call>",
                )?;
                (f, f, false)
            }
            (None, None) => break,
        };
        content.push_str(&text[pos..start]);
        let (body_end, next) = match closes.next(body_start) {
            Some(i) => (i, i + CLOSE.len()),
            None => {
                let end = opens.next(body_start).unwrap_or(text.len());
                if wrapped {
                    ctx.repair(
                        Repair::UnclosedTag,
                        base + end,
                        "<tool_call> is never closed",
                    )?;
                }
                // An unwrapped function ends at its </function>.
                let end = if wrapped {
                    end
                } else {
                    func_closes
                        .next(body_start)
                        .map(|i| i + FUNC_CLOSE.len())
                        .filter(|&e| e <= end)
                        .unwrap_or(end)
                };
                (end, end)
            }
        };
        calls.push(parse_function(
            &text[body_start..body_end],
            base + body_start,
            tools,
            ctx,
        )?);
        pos = next;
    }
    content.push_str(&text[pos..]);
    Ok((content.trim().to_owned(), calls))
}

fn parse_function(
    body: &str,
    base: usize,
    tools: &[Tool],
    ctx: &mut Ctx,
) -> Result<ToolCall, ParseError> {
    let f = body
        .find(FUNC_OPEN)
        .ok_or_else(|| ParseError::new(base, "no <function=…> in <tool_call>"))?;
    if !body[..f].trim().is_empty() {
        return Err(ParseError::new(base, "text before <function=…>"));
    }
    let name_start = f + FUNC_OPEN.len();
    let name_end = body[name_start..]
        .find('>')
        .map(|i| name_start + i)
        .ok_or_else(|| ParseError::new(base + name_start, "<function= is not closed by '>'"))?;
    let name = body[name_start..name_end].trim().to_owned();
    if name.is_empty() || name.contains(['\n', '<']) {
        return Err(ParseError::new(base + name_start, "bad function name"));
    }
    let tool = tools.iter().find(|t| t.function.name == name);
    let after = name_end + 1;
    let func_end = match body[after..].find(FUNC_CLOSE) {
        Some(i) => after + i,
        None => {
            ctx.repair(
                Repair::UnclosedTag,
                base + body.len(),
                "</function> missing",
            )?;
            body.len()
        }
    };
    let tail = if func_end < body.len() {
        &body[func_end + FUNC_CLOSE.len()..]
    } else {
        ""
    };
    if !tail.trim().is_empty() {
        return Err(ParseError::new(base + func_end, "text after </function>"));
    }
    let mut args = Map::new();
    let params = &body[after..func_end];
    let mut pos = 0;
    let mut param_opens = Seek::new(params, PARAM_OPEN);
    let mut param_closes = Seek::new(params, PARAM_CLOSE);
    while let Some(p) = param_opens.next(pos) {
        if !params[pos..p].trim().is_empty() {
            return Err(ParseError::new(
                base + after + pos,
                "text between parameters",
            ));
        }
        let key_start = p + PARAM_OPEN.len();
        let key_end = params[key_start..]
            .find('>')
            .map(|i| key_start + i)
            .ok_or_else(|| {
                ParseError::new(base + after + key_start, "<parameter= is not closed by '>'")
            })?;
        let key = params[key_start..key_end].trim().to_owned();
        let value_start = key_end + 1;
        let (value_end, next) = match param_closes.next(value_start) {
            Some(i) => (i, i + PARAM_CLOSE.len()),
            None => {
                let end = param_opens.next(value_start).unwrap_or(params.len());
                ctx.repair(
                    Repair::UnclosedTag,
                    base + after + end,
                    "</parameter> missing",
                )?;
                (end, end)
            }
        };
        let raw = &params[value_start..value_end];
        // The template writes "\n" on both sides of the value.
        let raw = raw.strip_prefix('\n').unwrap_or(raw);
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        let schema = tool.and_then(|t| t.parameter_schema(&key));
        let value = typed_value(raw, schema, base + after + value_start, ctx)?;
        args.insert(key, value);
        pos = next;
    }
    if !params[pos..].trim().is_empty() {
        return Err(ParseError::new(
            base + after + pos,
            "text after the last parameter",
        ));
    }
    Ok(ToolCall::new("", name, Value::Object(args)))
}

/// Types a parameter value by its JSON schema; without a schema the value stays a string.
fn typed_value(
    raw: &str,
    schema: Option<&Value>,
    offset: usize,
    ctx: &mut Ctx,
) -> Result<Value, ParseError> {
    let Some(schema) = schema else {
        return Ok(Value::String(raw.to_owned()));
    };
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec!["string"],
    };
    if types.contains(&"string") {
        return Ok(Value::String(raw.to_owned()));
    }
    let t = raw.trim();
    if types.contains(&"null") && matches!(t, "null" | "None") {
        return Ok(Value::Null);
    }
    for ty in &types {
        let v = match *ty {
            "integer" => t.parse::<i64>().ok().map(Value::from),
            "number" => t.parse::<i64>().ok().map(Value::from).or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            }),
            "boolean" => match t {
                "true" | "True" => Some(Value::Bool(true)),
                "false" | "False" => Some(Value::Bool(false)),
                _ => None,
            },
            "object" | "array" => serde_json::from_str::<Value>(t).ok().filter(|v| {
                v.is_object() == (*ty == "object") && (v.is_array() == (*ty == "array"))
            }),
            _ => None,
        };
        if let Some(v) = v {
            return Ok(v);
        }
    }
    if matches!(types.as_slice(), ["object"] | ["array"]) && ctx.tolerant() {
        if let Ok((v, repairs)) = super::repair_json(t) {
            ctx.repairs.extend(repairs);
            return Ok(v);
        }
    }
    ctx.repair(
        Repair::UntypedValue,
        offset,
        &format!("value {t:?} does not match schema type {types:?}"),
    )?;
    Ok(Value::String(raw.to_owned()))
}
