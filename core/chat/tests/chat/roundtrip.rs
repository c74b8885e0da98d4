//! `parse(render(calls))` round-trips for every family: an assistant turn with tool calls is
//! rendered by the family's real chat template, cut out of the prompt with the loss-mask spans,
//! and parsed back (strict mode) into the same calls, content and reasoning.

use env0_chat::{
    assistant_spans, parse_completion, ChatTemplate, Family, Gguf, Message, ParseMode,
    RenderOptions, Tool, ToolCall,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn tools() -> Vec<Tool> {
    vec![
        Tool::function(
            "gmail_send",
            "Send mail",
            json!({"type": "object", "properties": {
                "to": {"type": "array", "items": {"type": "string"}}, "subject": {"type": "string"},
                "body": {"type": "string"}, "draft": {"type": "boolean"}, "priority": {"type": "integer"},
                "weight": {"type": "number"}, "meta": {"type": "object"}}, "required": ["to"]}),
        ),
        Tool::function(
            "noop",
            "Nothing",
            json!({"type": "object", "properties": {}}),
        ),
    ]
}

fn calls() -> Vec<Vec<ToolCall>> {
    vec![
        vec![ToolCall::new(
            "call_0",
            "gmail_send",
            json!({"to": ["a@b.c"], "subject": "Hi", "body": "Hello"}),
        )],
        vec![
            ToolCall::new(
                "call_0",
                "gmail_send",
                json!({"to": ["zoë@ex.com", "李@ex.cn"], "subject": "Grüße 🎉", "body": "line 1\nline 2\n\ttabbed \"quoted\" \\ back", "draft": true, "priority": 3, "weight": 0.25}),
            ),
            ToolCall::new("call_1", "noop", json!({})),
            ToolCall::new(
                "call_2",
                "gmail_send",
                json!({"to": [], "meta": {"nested": {"list": [1, 2.5, false, "x"]}, "n": -7}}),
            ),
        ],
        vec![ToolCall::new(
            "call_0",
            "gmail_send",
            json!({"to": ["x@y.z"], "body": "a".repeat(3000)}),
        )],
    ]
}

struct Case {
    family: Family,
    template: ChatTemplate,
}

fn cases() -> Vec<Case> {
    let f = |p: &str| crate::support::fixture(&format!("chat/{p}"));
    let smol = Gguf::open(&f("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")).unwrap();
    vec![
        Case {
            family: Family::Qwen2_5,
            template: ChatTemplate::from_jinja_file(
                &f("templates/Qwen-Qwen2.5-7B-Instruct.jinja"),
                "",
                "<|im_end|>",
            )
            .unwrap(),
        },
        Case {
            family: Family::Qwen3,
            template: ChatTemplate::from_tokenizer_config(&f("qwen3/tokenizer_config.json"))
                .unwrap(),
        },
        Case {
            family: Family::Qwen3_5,
            template: ChatTemplate::from_jinja_file(
                &f("templates/Qwen3.5-4B.jinja"),
                "",
                "<|im_end|>",
            )
            .unwrap(),
        },
        Case {
            family: Family::Gemma4,
            template: ChatTemplate::from_jinja_file(
                &f("templates/google-gemma-4-31B-it.jinja"),
                "<bos>",
                "<eos>",
            )
            .unwrap(),
        },
        // SmolLM2's own template drops tools; the family picks env0's ChatML-hermes template.
        Case {
            family: Family::SmolLM2,
            template: Family::SmolLM2
                .choose_template(ChatTemplate::from_gguf(&smol).ok())
                .unwrap(),
        },
    ]
}

/// The assistant's completion text of the last assistant turn (what the model generated).
fn completion_of(family: Family, template: &ChatTemplate, assistant: Message) -> String {
    let msgs = vec![Message::user("Do it."), assistant];
    let text = template
        .render(&msgs, &tools(), &RenderOptions::default())
        .unwrap();
    let spans = assistant_spans(family, &text);
    let span = spans
        .last()
        .unwrap_or_else(|| panic!("{family:?}: no assistant span in {text:?}"))
        .clone();
    let done = &text[span];
    let end = family.turn_markers().end;
    done.strip_suffix(end).unwrap_or(done).to_owned()
}

fn args_eq(a: &Value, b: &Value) -> bool {
    // Numbers compare by value (2.0 == 2 after a trip through text).
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| args_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| args_eq(v, w)))
        }
        _ => a == b,
    }
}

fn check(case: &Case, content: &str, reasoning: Option<&str>, calls: &[ToolCall]) {
    let msg = Message::Assistant {
        content: Some(content.to_owned()),
        reasoning_content: reasoning.map(str::to_owned),
        tool_calls: calls.to_vec(),
    };
    let completion = completion_of(case.family, &case.template, msg);
    let parsed = parse_completion(
        case.family.tool_syntax(),
        &completion,
        &tools(),
        ParseMode::Strict,
    )
    .unwrap_or_else(|e| panic!("{:?}: {e}\n{completion}", case.family));
    assert_eq!(
        parsed.tool_calls.len(),
        calls.len(),
        "{:?}: {completion}",
        case.family
    );
    for (got, want) in parsed.tool_calls.iter().zip(calls) {
        assert_eq!(got.function.name, want.function.name);
        assert!(
            args_eq(&got.function.arguments, &want.function.arguments),
            "{:?}: {} != {}\n{completion}",
            case.family,
            got.function.arguments,
            want.function.arguments
        );
    }
    assert_eq!(
        parsed.content,
        content.trim(),
        "{:?}: {completion}",
        case.family
    );
    assert!(parsed.repairs.is_empty());
    // Templates that keep reasoning of the last turn give it back.
    let keeps_reasoning = match case.family {
        Family::Qwen3 | Family::Qwen3_5 | Family::SmolLM2 | Family::ChatML => true,
        Family::Gemma4 => !calls.is_empty(),
        Family::Qwen2_5 => false,
    };
    if keeps_reasoning {
        assert_eq!(
            parsed.reasoning.as_deref().filter(|r| !r.is_empty()),
            reasoning,
            "{:?}: {completion}",
            case.family
        );
    }
}

#[test]
fn tool_calls_round_trip_for_every_family() {
    for case in cases() {
        for calls in calls() {
            check(&case, "", None, &calls);
            check(
                &case,
                "Working on it.",
                Some("First send, then stop."),
                &calls,
            );
        }
        check(&case, "Plain answer, no tools.", Some("thinking"), &[]);
    }
}

#[test]
fn assistant_without_content_renders_in_every_template() {
    let msgs = [
        Message::user("Do it."),
        Message::assistant_calls(None, calls()[0].clone()),
        Message::tool("call_0", "gmail_send", "{\"ok\": true}"),
    ];
    for case in cases() {
        let text = case
            .template
            .render(&msgs, &tools(), &RenderOptions::generation())
            .unwrap_or_else(|e| panic!("{:?}: {e}", case.family));
        assert!(text.contains("gmail_send"), "{:?}", case.family);
    }
}

fn arg_string() -> impl Strategy<Value = String> {
    // Printable text incl. unicode and JSON-special characters; no template control strings.
    "[a-zA-Z0-9 àéü中文🎉\"'\\\\{}\\[\\]:,.!?-]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_arguments_round_trip(subject in arg_string(), body in arg_string(), n in -1000i64..1000, flag in any::<bool>()) {
        let calls = vec![ToolCall::new("call_0", "gmail_send", json!({"to": [subject.clone()], "subject": subject, "body": body, "priority": n, "draft": flag}))];
        for case in cases() {
            check(&case, "", None, &calls);
        }
    }
}
