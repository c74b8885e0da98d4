use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::types::Tool;

fn tools() -> Vec<Tool> {
    vec![Tool::function(
        "send",
        "Send mail",
        json!({"type": "object", "properties": {
            "to": {"type": "string"}, "n": {"type": "integer"}, "urgent": {"type": "boolean"},
            "ratio": {"type": "number"}, "labels": {"type": "array"}, "meta": {"type": "object"}},
            "required": ["to"]}),
    )]
}

fn strict(syntax: ToolSyntax, text: &str) -> Result<Parsed, ParseError> {
    parse_completion(syntax, text, &tools(), ParseMode::Strict)
}

fn tolerant(syntax: ToolSyntax, text: &str) -> Parsed {
    parse_completion(syntax, text, &tools(), ParseMode::Tolerant)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn hermes_reasoning_content_and_several_calls() {
    let text = "<think>\nplan it\n</think>\n\nSure.\n<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"b\", \"n\": 2}}\n</tool_call>";
    let p = strict(ToolSyntax::Hermes, text).expect("valid");
    assert_eq!(p.reasoning.as_deref(), Some("plan it"));
    assert_eq!(p.content, "Sure.");
    assert_eq!(p.tool_calls.len(), 2);
    assert_eq!(
        p.tool_calls[1].function.arguments,
        json!({"to": "b", "n": 2})
    );
    assert_eq!(p.tool_calls[1].id, "call_1");
    assert!(p.repairs.is_empty());
}

#[test]
fn hermes_strict_reports_precise_errors() {
    let text = "<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\",}}\n</tool_call>";
    let e = strict(ToolSyntax::Hermes, text).expect_err("trailing comma");
    assert!(e.message.contains("invalid JSON"), "{e}");
    assert_eq!(&text[e.offset..e.offset + 1], "}", "{e}");
    let e = strict(
        ToolSyntax::Hermes,
        "<tool_call>{\"name\": \"send\", \"arguments\": {}}",
    )
    .expect_err("unclosed");
    assert!(e.message.contains("never closed"));
    let e = strict(
        ToolSyntax::Hermes,
        "<tool_call>{\"arguments\": {}}</tool_call>",
    )
    .expect_err("no name");
    assert!(e.message.contains("name"));
}

/// Broken outputs of small models → (expected calls' arguments, expected repairs).
#[test]
fn hermes_tolerant_repairs_corpus() {
    let corpus: &[(&str, serde_json::Value, &[Repair])] = &[
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\",}}\n</tool_call>", json!({"to": "a"}), &[Repair::TrailingComma]),
        ("<tool_call>\n{'name': 'send', 'arguments': {'to': 'a'}}\n</tool_call>", json!({"to": "a"}), &[Repair::SingleQuotes]),
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}", json!({"to": "a"}), &[Repair::UnclosedTag]),
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": \"{\\\"to\\\": \\\"a\\\"}\"}\n</tool_call>", json!({"to": "a"}), &[Repair::ArgumentsAsString]),
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}\n</tool_call>", json!({"to": "a"}), &[Repair::MissingClosingBrace]),
        ("<tool_call>\n```json\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}\n```\n</tool_call>", json!({"to": "a"}), &[Repair::CodeFence]),
        ("```json\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}\n```", json!({"to": "a"}), &[Repair::MissingToolCallTag]),
        ("{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}", json!({"to": "a"}), &[Repair::MissingToolCallTag]),
        ("<tool_call>\n{\"name\": \"send\", \"parameters\": {\"to\": \"a\"}}\n</tool_call>", json!({"to": "a"}), &[Repair::ArgumentsKey]),
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\", \"urgent\": True}}\n</tool_call>", json!({"to": "a", "urgent": true}), &[Repair::PythonLiteral]),
        ("<think>\nhmm\n<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\"}}\n</tool_call>", json!({"to": "a"}), &[Repair::UnclosedTag]),
        ("<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"line1\nline2\"}}\n</tool_call>", json!({"to": "line1\nline2"}), &[Repair::ControlCharInString]),
    ];
    for (text, args, repairs) in corpus {
        let p = tolerant(ToolSyntax::Hermes, text);
        assert_eq!(p.tool_calls.len(), 1, "{text:?}");
        assert_eq!(p.tool_calls[0].function.name, "send");
        assert_eq!(&p.tool_calls[0].function.arguments, args, "{text:?}");
        assert_eq!(&p.repairs, repairs, "{text:?}");
        // Strict mode rejects every one of them.
        assert!(
            strict(ToolSyntax::Hermes, text)
                .map(|p| p.tool_calls.len() != 1)
                .unwrap_or(true),
            "{text:?}"
        );
    }
}

#[test]
fn xml_values_are_typed_by_schema() {
    let text = "<think>\nok\n</think>\n\nDoing it.\n\n<tool_call>\n<function=send>\n<parameter=to>\nbob@x.org\n</parameter>\n<parameter=n>\n3\n</parameter>\n<parameter=urgent>\nTrue\n</parameter>\n<parameter=ratio>\n0.5\n</parameter>\n<parameter=labels>\n[\"a\", \"b\"]\n</parameter>\n<parameter=meta>\n{\"k\": 1}\n</parameter>\n</function>\n</tool_call>";
    let p = strict(ToolSyntax::QwenXml, text).expect("valid");
    assert_eq!(p.content, "Doing it.");
    assert_eq!(p.reasoning.as_deref(), Some("ok"));
    assert_eq!(
        p.tool_calls[0].function.arguments,
        json!({"to": "bob@x.org", "n": 3, "urgent": true, "ratio": 0.5, "labels": ["a", "b"], "meta": {"k": 1}})
    );
}

#[test]
fn xml_tolerant_repairs() {
    let corpus: &[(&str, &[Repair])] = &[
        ("<tool_call>\n<function=send>\n<parameter=to>\na\n</parameter>\n</function>", &[Repair::UnclosedTag]),
        ("<tool_call>\n<function=send>\n<parameter=to>\na\n</function>\n</tool_call>", &[Repair::UnclosedTag]),
        ("<function=send>\n<parameter=to>\na\n</parameter>\n</function>", &[Repair::MissingToolCallTag]),
        ("<tool_call>\n<function=send>\n<parameter=to>\na\n</parameter>\n<parameter=n>\nthree\n</parameter>\n</function>\n</tool_call>", &[Repair::UntypedValue]),
    ];
    for (text, repairs) in corpus {
        let p = tolerant(ToolSyntax::QwenXml, text);
        assert_eq!(p.tool_calls.len(), 1, "{text:?}");
        assert_eq!(p.tool_calls[0].function.arguments["to"], "a", "{text:?}");
        assert_eq!(&p.repairs, repairs, "{text:?}");
        assert!(strict(ToolSyntax::QwenXml, text).is_err(), "{text:?}");
    }
}

#[test]
fn gemma_calls_and_thoughts() {
    let text = "<|channel>thought\nneed mail<channel|><|tool_call>call:send{labels:[<|\"|>a<|\"|>,<|\"|>b<|\"|>],meta:{k:1},n:3,ratio:0.5,to:<|\"|>bob, \"x\"<|\"|>,urgent:true}<tool_call|><|tool_response>";
    let p = strict(ToolSyntax::Gemma4, text).expect("valid");
    assert_eq!(p.reasoning.as_deref(), Some("need mail"));
    assert_eq!(p.content, "");
    assert_eq!(
        p.tool_calls[0].function.arguments,
        json!({"labels": ["a", "b"], "meta": {"k": 1}, "n": 3, "ratio": 0.5, "to": "bob, \"x\"", "urgent": true})
    );
}

#[test]
fn gemma_tolerant_repairs() {
    let corpus: &[(&str, &[Repair])] = &[
        (
            "<|tool_call>call:send{to:<|\"|>a<|\"|>}",
            &[Repair::UnclosedTag],
        ),
        (
            "<|tool_call>call:send{to:\"a\"}<tool_call|>",
            &[Repair::GemmaQuotes],
        ),
        (
            "<|tool_call>call:send{to:<|\"|>a<|\"|>,}<tool_call|>",
            &[Repair::TrailingComma],
        ),
        (
            "<|tool_call>call:send{to:<|\"|>a<|\"|><tool_call|>",
            &[Repair::MissingClosingBrace],
        ),
    ];
    for (text, repairs) in corpus {
        let p = tolerant(ToolSyntax::Gemma4, text);
        assert_eq!(p.tool_calls.len(), 1, "{text:?}");
        assert_eq!(p.tool_calls[0].function.arguments["to"], "a", "{text:?}");
        assert_eq!(&p.repairs, repairs, "{text:?}");
        assert!(strict(ToolSyntax::Gemma4, text).is_err(), "{text:?}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "<|tool_call>call:send{{to:{}<tool_call|>",
        "[".repeat(100_000)
    );
    assert!(parse_completion(ToolSyntax::Gemma4, &deep, &tools(), ParseMode::Tolerant).is_err());
    let deep = format!(
        "<tool_call>{{\"name\": \"send\", \"arguments\": {{\"to\": {}}}}}</tool_call>",
        "[".repeat(100_000)
    );
    let _ = parse_completion(ToolSyntax::Hermes, &deep, &tools(), ParseMode::Tolerant);
    let _ = parse_completion(ToolSyntax::Hermes, &deep, &tools(), ParseMode::Strict);
}

const VALID: [(ToolSyntax, &str); 3] = [
    (ToolSyntax::Hermes, "<think>\nx\n</think>\n\nhi\n<tool_call>\n{\"name\": \"send\", \"arguments\": {\"to\": \"a\", \"n\": [1, {\"b\": null}]}}\n</tool_call>"),
    (ToolSyntax::QwenXml, "hi\n\n<tool_call>\n<function=send>\n<parameter=to>\na\n</parameter>\n<parameter=meta>\n{\"k\": [1]}\n</parameter>\n</function>\n</tool_call>"),
    (ToolSyntax::Gemma4, "<|channel>thought\nx<channel|><|tool_call>call:send{meta:{k:[1,<|\"|>z<|\"|>]},to:<|\"|>a<|\"|>}<tool_call|><|tool_response>"),
];

#[test]
fn tolerant_equals_strict_on_valid_output() {
    for (syntax, text) in VALID {
        let s = strict(syntax, text).expect("valid");
        let t = tolerant(syntax, text);
        assert_eq!(s, t, "{text:?}");
    }
}

#[test]
fn strict_errors_point_at_the_problem() {
    let text = "<tool_call>\n<function=send>\n<parameter=n>\nthree\n</parameter>\n</function>\n</tool_call>";
    let e = strict(ToolSyntax::QwenXml, text).expect_err("untyped");
    assert!(text[e.offset..].starts_with("\nthree"), "{e}");
    let text = "<|tool_call>call:send{to:<|\"|>a<|\"|> n:1}<tool_call|>";
    let e = strict(ToolSyntax::Gemma4, text).expect_err("missing comma");
    assert!(text[e.offset..].starts_with("n:1"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_random_text(s in "\\PC{0,200}") {
        for syntax in [ToolSyntax::Hermes, ToolSyntax::QwenXml, ToolSyntax::Gemma4] {
            for mode in [ParseMode::Strict, ParseMode::Tolerant] {
                let _ = parse_completion(syntax, &s, &tools(), mode);
            }
        }
    }

    #[test]
    fn never_panics_on_mutated_valid_outputs(which in 0usize..3, edits in proptest::collection::vec((0usize..400, 0u8..4, "[{}\\[\\]<>|\"':,=\\n a-z]{0,3}"), 1..6)) {
        let (syntax, valid) = VALID[which];
        let mut s = valid.to_owned();
        for (at, op, ins) in edits {
            let mut at = at.min(s.len());
            while !s.is_char_boundary(at) { at -= 1; }
            match op {
                0 => s.insert_str(at, &ins),
                1 => { let mut end = (at + ins.len().max(1)).min(s.len()); while !s.is_char_boundary(end) { end += 1; } s.replace_range(at..end, ""); }
                2 => s.truncate(at),
                _ => { let mut end = (at + 1).min(s.len()); while !s.is_char_boundary(end) { end += 1; } s.replace_range(at..end, &ins); }
            }
        }
        for mode in [ParseMode::Strict, ParseMode::Tolerant] {
            let _ = parse_completion(syntax, &s, &tools(), mode);
        }
    }
}

#[test]
fn seek_answers_as_find_from_growing_positions() {
    let text = "ab<x>cd<x><x>ef</x>gh<x>";
    for needle in ["<x>", "</x>", "zz", "ab"] {
        let mut seek = super::Seek::new(text, needle);
        for pos in 0..=text.len() {
            assert_eq!(
                seek.next(pos),
                text[pos..].find(needle).map(|i| pos + i),
                "{needle} from {pos}"
            );
        }
        // Going back searches again.
        assert_eq!(seek.next(0), text.find(needle));
    }
}
