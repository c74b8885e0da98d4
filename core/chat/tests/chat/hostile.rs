//! Hostile completions: what a small model (or an injected document it echoes) can emit. Every
//! family's parser, strict and tolerant, answers each with a result or a parse error — no panic,
//! no stack overflow — and keeps the text it cannot read as content.
use env0_chat::{parse_completion, ParseMode, Tool, ToolSyntax};
use serde_json::json;

fn tools() -> Vec<Tool> {
    vec![Tool::function(
        "gmail_search",
        "Search mail",
        json!({"type": "object", "properties": {"query": {"type": "string"}}}),
    )]
}

const SYNTAXES: [ToolSyntax; 3] = [ToolSyntax::Hermes, ToolSyntax::QwenXml, ToolSyntax::Gemma4];

fn each(text: &str) {
    for syntax in SYNTAXES {
        for mode in [ParseMode::Strict, ParseMode::Tolerant] {
            let _ = parse_completion(syntax, text, &tools(), mode);
        }
    }
}

#[test]
fn deeply_nested_arguments() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    each(&format!(
        "<tool_call>{{\"name\": \"gmail_search\", \"arguments\": {{\"query\": {deep}}}}}</tool_call>"
    ));
    each(&format!("<tool_call>{}</tool_call>", "{".repeat(100_000)));
    each(&format!(
        "<|tool_call>call:gmail_search{{query:{}}}<tool_call|>",
        "{a:".repeat(50_000)
    ));
}

#[test]
fn a_megabyte_of_unclosed_calls() {
    each(&"<tool_call>{\"name\": \"gmail_search\", ".repeat(25_000));
    each(&"<tool_call><function=gmail_search><parameter=query>".repeat(20_000));
    each(&"<|tool_call>call:gmail_search{query:<|\"|>".repeat(20_000));
}

#[test]
fn nul_bytes_and_odd_characters_are_kept() {
    let text = "before\u{0}\u{1b}[31m\u{feff}\u{202e}after";
    for syntax in SYNTAXES {
        let parsed = parse_completion(syntax, text, &tools(), ParseMode::Tolerant).unwrap();
        assert_eq!(parsed.content, text, "{syntax:?}");
        assert!(parsed.tool_calls.is_empty());
    }
    let call = "<tool_call>{\"name\": \"gmail_search\", \"arguments\": {\"query\": \"a\\u0000b\"}}</tool_call>";
    let parsed = parse_completion(ToolSyntax::Hermes, call, &tools(), ParseMode::Strict).unwrap();
    assert_eq!(parsed.tool_calls[0].function.arguments["query"], "a\u{0}b");
}
