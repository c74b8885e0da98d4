//! Repairs near-JSON written by small models: single quotes, trailing commas, Python literals, raw
//! newlines in strings, unterminated strings, missing or extra closing braces, code fences.

use serde_json::Value;

use super::{strip_code_fence, Repair};

/// Parses `text` as JSON after repairing it; returns the value and the repairs made, or a message.
pub fn repair_json(text: &str) -> Result<(Value, Vec<Repair>), String> {
    let mut repairs = Vec::new();
    let mut text = text.trim();
    if let Some(inner) = strip_code_fence(text) {
        repairs.push(Repair::CodeFence);
        text = inner;
    }
    let fixed = repair_text(text, &mut repairs);
    match serde_json::from_str::<Value>(&fixed) {
        Ok(v) => Ok((v, repairs)),
        Err(e) => Err(format!("invalid JSON even after repair: {e}")),
    }
}

fn push_once(repairs: &mut Vec<Repair>, r: Repair) {
    if !repairs.contains(&r) {
        repairs.push(r);
    }
}

/// Drops a trailing `,` (and the whitespace after it) from `out`.
fn drop_trailing_comma(out: &mut String, repairs: &mut Vec<Repair>) {
    let trimmed = out.trim_end().len();
    if out[..trimmed].ends_with(',') {
        out.truncate(trimmed - 1);
        push_once(repairs, Repair::TrailingComma);
    }
}

fn repair_text(text: &str, repairs: &mut Vec<Repair>) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut stack: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            match c {
                '\\' => {
                    let next = chars.get(i + 1).copied();
                    if q == '\'' && next == Some('\'') {
                        out.push('\'');
                    } else if let Some(n) = next {
                        out.push('\\');
                        out.push(n);
                    } else {
                        out.push_str("\\\\");
                    }
                    i += 2;
                    continue;
                }
                c if c == q => {
                    out.push('"');
                    quote = None;
                }
                '"' => out.push_str("\\\""),
                '\n' => {
                    out.push_str("\\n");
                    push_once(repairs, Repair::ControlCharInString);
                }
                '\r' => {
                    out.push_str("\\r");
                    push_once(repairs, Repair::ControlCharInString);
                }
                '\t' => {
                    out.push_str("\\t");
                    push_once(repairs, Repair::ControlCharInString);
                }
                c => out.push(c),
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                quote = Some('"');
                out.push('"');
            }
            '\'' => {
                quote = Some('\'');
                out.push('"');
                push_once(repairs, Repair::SingleQuotes);
            }
            '{' | '[' => {
                stack.push(c);
                out.push(c);
            }
            '}' | ']' => {
                drop_trailing_comma(&mut out, repairs);
                let want = if c == '}' { '{' } else { '[' };
                if !stack.contains(&want) {
                    push_once(repairs, Repair::ExtraClosingBrace);
                    i += 1;
                    continue;
                }
                while let Some(top) = stack.pop() {
                    if top == want {
                        break;
                    }
                    out.push(if top == '{' { '}' } else { ']' });
                    push_once(repairs, Repair::MissingClosingBrace);
                }
                out.push(c);
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "True" => out.push_str("true"),
                    "False" => out.push_str("false"),
                    "None" => out.push_str("null"),
                    _ => {
                        out.push_str(&word);
                        continue;
                    }
                }
                push_once(repairs, Repair::PythonLiteral);
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    if quote.is_some() {
        out.push('"');
        push_once(repairs, Repair::UnterminatedString);
    }
    if !stack.is_empty() {
        drop_trailing_comma(&mut out, repairs);
        while let Some(top) = stack.pop() {
            out.push(if top == '{' { '}' } else { ']' });
        }
        push_once(repairs, Repair::MissingClosingBrace);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repairs_common_mistakes() {
        let cases: &[(&str, Value, &[Repair])] = &[
            (r#"{"a": 1,}"#, json!({"a": 1}), &[Repair::TrailingComma]),
            (
                r#"{'a': 'it\'s "x"'}"#,
                json!({"a": "it's \"x\""}),
                &[Repair::SingleQuotes],
            ),
            (r#"{'a': "x"}"#, json!({"a": "x"}), &[Repair::SingleQuotes]),
            (
                r#"{"a": True, "b": None}"#,
                json!({"a": true, "b": null}),
                &[Repair::PythonLiteral],
            ),
            (
                r#"{"a": {"b": [1, 2"#,
                json!({"a": {"b": [1, 2]}}),
                &[Repair::MissingClosingBrace],
            ),
            (
                r#"{"a": 1}}"#,
                json!({"a": 1}),
                &[Repair::ExtraClosingBrace],
            ),
            (
                "{\"a\": \"x\ny\"}",
                json!({"a": "x\ny"}),
                &[Repair::ControlCharInString],
            ),
            (
                "```json\n{\"a\": 1}\n```",
                json!({"a": 1}),
                &[Repair::CodeFence],
            ),
            (
                r#"{"a": "unterminated"#,
                json!({"a": "unterminated"}),
                &[Repair::UnterminatedString, Repair::MissingClosingBrace],
            ),
        ];
        for (text, want, reps) in cases {
            let (v, r) = repair_json(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&v, want, "{text}");
            assert_eq!(&r, reps, "{text}");
        }
        assert!(repair_json("not json at all").is_err());
    }
}
