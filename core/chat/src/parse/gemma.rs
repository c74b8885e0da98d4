//! Gemma 4 tool calls: `<|tool_call>call:NAME{key:<|"|>text<|"|>,n:3,flag:true}<tool_call|>`, with
//! reasoning in `<|channel>thought\n…<channel|>`. Keys are bare, strings are `<|"|>`-delimited.

use serde_json::{Map, Value};

use super::{Ctx, ParseError, Repair, Seek};
use crate::types::ToolCall;

const CALL_OPEN: &str = "<|tool_call>";
const CALL_CLOSE: &str = "<tool_call|>";
const QUOTE: &str = "<|\"|>";
const THOUGHT_OPEN: &str = "<|channel>";
const THOUGHT_CLOSE: &str = "<channel|>";
/// Markers that end a model turn; not part of the content.
const STOPS: [&str; 3] = ["<|tool_response>", "<turn|>", "<eos>"];

pub(super) fn parse(
    text: &str,
    ctx: &mut Ctx,
) -> Result<(Option<String>, String, Vec<ToolCall>), ParseError> {
    let mut reasoning: Option<String> = None;
    let mut content = String::new();
    let mut calls = Vec::new();
    let mut pos = 0;
    let mut thoughts = Seek::new(text, THOUGHT_OPEN);
    let mut thought_closes = Seek::new(text, THOUGHT_CLOSE);
    let mut opens = Seek::new(text, CALL_OPEN);
    let mut closes = Seek::new(text, CALL_CLOSE);
    let mut stops = STOPS.map(|s| Seek::new(text, s));
    while pos < text.len() {
        let rest = &text[pos..];
        let next_thought = thoughts.next(pos).map(|i| i - pos);
        let next_call = opens.next(pos).map(|i| i - pos);
        match (next_thought, next_call) {
            (Some(t), c) if c.is_none_or(|c| t < c) => {
                content.push_str(&rest[..t]);
                let start = pos + t + THOUGHT_OPEN.len();
                let (end, next) = match thought_closes.next(start) {
                    Some(i) => (i, i + THOUGHT_CLOSE.len()),
                    None => {
                        ctx.repair(
                            Repair::UnclosedTag,
                            text.len(),
                            "<|channel> is never closed",
                        )?;
                        let end = opens.next(start).unwrap_or(text.len());
                        (end, end)
                    }
                };
                let body = &text[start..end];
                let body = body.strip_prefix("thought").unwrap_or(body);
                let r = body.trim();
                reasoning = Some(match reasoning.take() {
                    Some(prev) if !r.is_empty() => format!("{prev}\n{r}"),
                    Some(prev) => prev,
                    None => r.to_owned(),
                });
                pos = next;
            }
            (_, Some(c)) => {
                content.push_str(&rest[..c]);
                let start = pos + c + CALL_OPEN.len();
                let (end, next) = match closes.next(start) {
                    Some(i) => (i, i + CALL_CLOSE.len()),
                    None => {
                        let end = opens
                            .next(start)
                            .or_else(|| stops.iter_mut().filter_map(|s| s.next(start)).min())
                            .unwrap_or(text.len());
                        ctx.repair(Repair::UnclosedTag, end, "<|tool_call> is never closed")?;
                        (end, end)
                    }
                };
                calls.push(parse_call(&text[start..end], start, ctx)?);
                pos = next;
            }
            _ => {
                content.push_str(rest);
                break;
            }
        }
    }
    let mut content = content.as_str();
    for stop in STOPS {
        if let Some(i) = content.find(stop) {
            content = &content[..i];
        }
    }
    Ok((
        reasoning.filter(|r| !r.is_empty()),
        content.trim().to_owned(),
        calls,
    ))
}

fn parse_call(body: &str, base: usize, ctx: &mut Ctx) -> Result<ToolCall, ParseError> {
    let body_trim = body.trim();
    let lead = body.len() - body.trim_start().len();
    let rest = body_trim
        .strip_prefix("call:")
        .ok_or_else(|| ParseError::new(base, "tool call does not start with call:"))?;
    let brace = rest
        .find('{')
        .ok_or_else(|| ParseError::new(base + lead, "tool call has no arguments {…}"))?;
    let name = rest[..brace].trim();
    if name.is_empty() {
        return Err(ParseError::new(base + lead, "tool call has no name"));
    }
    let args_base = base + lead + "call:".len() + brace;
    let mut p = Parser {
        s: &rest[brace..],
        pos: 0,
        base: args_base,
        ctx,
        depth: 0,
    };
    let args = p.object()?;
    p.skip_ws();
    if p.pos < p.s.len() {
        return Err(p.err("text after the arguments"));
    }
    Ok(ToolCall::new("", name, Value::Object(args)))
}

/// Deepest nesting of `{…}` / `[…]` accepted (model output is untrusted; no stack overflows).
const MAX_DEPTH: usize = 64;

struct Parser<'a, 'c> {
    s: &'a str,
    pos: usize,
    base: usize,
    ctx: &'c mut Ctx,
    depth: usize,
}

impl Parser<'_, '_> {
    fn err(&self, m: &str) -> ParseError {
        ParseError::new(self.base + self.pos, m)
    }

    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.pos += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, tok: &str) -> bool {
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }

    fn object(&mut self) -> Result<Map<String, Value>, ParseError> {
        let mut map = Map::new();
        if !self.eat("{") {
            return Err(self.err("expected {"));
        }
        loop {
            self.skip_ws();
            if self.eat("}") {
                return Ok(map);
            }
            if self.pos >= self.s.len() {
                self.ctx.repair(
                    Repair::MissingClosingBrace,
                    self.base + self.pos,
                    "missing }",
                )?;
                return Ok(map);
            }
            let key = self.key()?;
            self.skip_ws();
            if !self.eat(":") {
                return Err(self.err("expected : after key"));
            }
            self.skip_ws();
            let v = self.value()?;
            map.insert(key, v);
            self.skip_ws();
            if self.eat(",") {
                self.skip_ws();
                if self.rest().starts_with('}') {
                    self.ctx.repair(
                        Repair::TrailingComma,
                        self.base + self.pos,
                        "trailing comma",
                    )?;
                }
                continue;
            }
            if self.eat("}") {
                return Ok(map);
            }
            if self.pos >= self.s.len() {
                self.ctx.repair(
                    Repair::MissingClosingBrace,
                    self.base + self.pos,
                    "missing }",
                )?;
                return Ok(map);
            }
            return Err(self.err("expected , or }"));
        }
    }

    fn key(&mut self) -> Result<String, ParseError> {
        let s = self.s;
        if self.rest().starts_with(QUOTE) {
            return self.quoted();
        }
        if self.rest().starts_with('"') {
            self.ctx
                .repair(Repair::GemmaQuotes, self.base + self.pos, "JSON-quoted key")?;
            return self.json_string();
        }
        let r = &s[self.pos..];
        let end = r
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(r.len());
        if end == 0 {
            return Err(self.err("expected a key"));
        }
        let k = r[..end].to_owned();
        self.pos += end;
        Ok(k)
    }

    fn quoted(&mut self) -> Result<String, ParseError> {
        let start = self.pos + QUOTE.len();
        match self.s[start..].find(QUOTE) {
            Some(i) => {
                self.pos = start + i + QUOTE.len();
                Ok(self.s[start..start + i].to_owned())
            }
            None => {
                self.ctx.repair(
                    Repair::UnclosedTag,
                    self.base + self.s.len(),
                    "<|\"|> string never closed",
                )?;
                self.pos = self.s.len();
                Ok(self.s[start..].to_owned())
            }
        }
    }

    fn json_string(&mut self) -> Result<String, ParseError> {
        let r = self.rest();
        let mut de = serde_json::Deserializer::from_str(r).into_iter::<Value>();
        match de.next() {
            Some(Ok(Value::String(s))) => {
                self.pos += de.byte_offset();
                Ok(s)
            }
            _ => Err(self.err("bad quoted string")),
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err("arguments nested too deeply"));
        }
        self.depth += 1;
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<Value, ParseError> {
        let s = self.s;
        let r = &s[self.pos..];
        if r.starts_with(QUOTE) {
            return self.quoted().map(Value::String);
        }
        if r.starts_with('"') {
            self.ctx.repair(
                Repair::GemmaQuotes,
                self.base + self.pos,
                "JSON-quoted string",
            )?;
            return self.json_string().map(Value::String);
        }
        if r.starts_with('{') {
            return self.object().map(Value::Object);
        }
        if r.starts_with('[') {
            self.pos += 1;
            let mut items = Vec::new();
            loop {
                self.skip_ws();
                if self.eat("]") {
                    return Ok(Value::Array(items));
                }
                if self.pos >= self.s.len() {
                    self.ctx.repair(
                        Repair::MissingClosingBrace,
                        self.base + self.pos,
                        "missing ]",
                    )?;
                    return Ok(Value::Array(items));
                }
                items.push(self.value()?);
                self.skip_ws();
                if self.eat(",") {
                    continue;
                }
                if self.eat("]") {
                    return Ok(Value::Array(items));
                }
                if self.pos >= self.s.len() {
                    self.ctx.repair(
                        Repair::MissingClosingBrace,
                        self.base + self.pos,
                        "missing ]",
                    )?;
                    return Ok(Value::Array(items));
                }
                return Err(self.err("expected , or ]"));
            }
        }
        let end = r.find([',', '}', ']']).unwrap_or(r.len());
        let tok = r[..end].trim();
        let v = match tok {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" | "None" => Value::Null,
            _ => match tok.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => match tok
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    Some(n) => Value::Number(n),
                    None => {
                        if tok.is_empty() {
                            return Err(self.err("expected a value"));
                        }
                        self.ctx.repair(
                            Repair::GemmaQuotes,
                            self.base + self.pos,
                            "unquoted string value",
                        )?;
                        Value::String(tok.to_owned())
                    }
                },
            },
        };
        self.pos += end;
        Ok(v)
    }
}
