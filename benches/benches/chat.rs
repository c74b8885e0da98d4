//! Chat formats: render + tokenize a ~4k-token tool-use conversation with the real Qwen3 template
//! and tokenizer (fixtures: scripts/fetch-fixtures.sh chat), build its training example, and
//! parse a completion with several tool calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use env0_chat::build_training_example;
use env0_chat::{
    parse_completion, ChatTemplate, ChatTokenizer, Family, Message, ParseMode, RenderOptions, Tool,
    ToolCall, TrainOn,
};
use serde_json::json;

fn fixture(relative: &str) -> PathBuf {
    env0_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}

fn tools() -> Vec<Tool> {
    (0..6)
        .map(|i| {
            Tool::function(
                format!("tool_{i}"),
                format!("Tool number {i}: searches, sends or updates things in the workspace."),
                json!({"type": "object", "properties": {
                    "query": {"type": "string", "description": "What to look for"},
                    "limit": {"type": "integer", "description": "Maximum results"},
                    "labels": {"type": "array", "items": {"type": "string"}}}, "required": ["query"]}),
            )
        })
        .collect()
}

/// A multi-step tool-use episode of about 4k Qwen tokens.
fn conversation() -> Vec<Message> {
    let mut msgs = vec![Message::system(
        "You are env0's workspace assistant. Be precise.",
    )];
    for turn in 0..9 {
        msgs.push(Message::user(format!(
            "Step {turn}: find the mails about project {turn} and summarise them for me."
        )));
        msgs.push(Message::assistant_calls(
            Some(format!("Searching project {turn}.")),
            vec![
                ToolCall::new(
                    format!("c{turn}a"),
                    "tool_0",
                    json!({"query": format!("project {turn}"), "limit": 5}),
                ),
                ToolCall::new(
                    format!("c{turn}b"),
                    "tool_1",
                    json!({"query": "label:work", "labels": ["work", "urgent"]}),
                ),
            ],
        ));
        let result = json!({"messages": (0..6).map(|i| json!({"id": format!("m{turn}{i}"), "from": "alice@example.com",
            "subject": format!("Project {turn} update {i}"), "snippet": "The numbers for this quarter look fine; please review the attached sheet."})).collect::<Vec<_>>()});
        msgs.push(Message::tool(
            format!("c{turn}a"),
            "tool_0",
            result.to_string(),
        ));
        msgs.push(Message::tool(
            format!("c{turn}b"),
            "tool_1",
            "{\"messages\": []}",
        ));
        msgs.push(Message::assistant(format!(
            "Project {turn}: six updates from Alice, all say the quarter looks fine."
        )));
    }
    msgs
}

fn bench_chat(c: &mut Criterion) {
    let template =
        ChatTemplate::from_tokenizer_config(&fixture("chat/qwen3/tokenizer_config.json")).unwrap();
    let tok = ChatTokenizer::from_file(&fixture("chat/qwen3/tokenizer.json")).unwrap();
    let msgs = conversation();
    let tools = tools();
    let opts = RenderOptions::generation();
    let text = template.render(&msgs, &tools, &opts).unwrap();
    let n_tokens = tok.encode(&text).unwrap().ids.len();
    eprintln!(
        "chat bench conversation: {} bytes, {n_tokens} tokens",
        text.len()
    );

    c.bench_function("chat/render_qwen3_4k", |b| {
        b.iter(|| template.render(black_box(&msgs), &tools, &opts).unwrap())
    });
    c.bench_function("chat/render_tokenize_qwen3_4k", |b| {
        b.iter(|| {
            let text = template.render(black_box(&msgs), &tools, &opts).unwrap();
            tok.encode(&text).unwrap().ids.len()
        })
    });
    c.bench_function("chat/training_example_qwen3_4k", |b| {
        b.iter(|| {
            build_training_example(
                &template,
                &tok,
                Family::Qwen3,
                black_box(&msgs),
                &tools,
                &RenderOptions::default(),
                TrainOn::AllAssistantTurns,
            )
            .unwrap()
            .ids
            .len()
        })
    });
    let completion = "<think>\nTwo searches.\n</think>\n\nSearching.\n<tool_call>\n{\"name\": \"tool_0\", \"arguments\": {\"query\": \"project 1\", \"limit\": 5}}\n</tool_call>\n<tool_call>\n{\"name\": \"tool_1\", \"arguments\": {\"query\": \"label:work\", \"labels\": [\"work\"]}}\n</tool_call>";
    c.bench_function("chat/parse_hermes_2_calls", |b| {
        b.iter(|| {
            parse_completion(
                Family::Qwen3.tool_syntax(),
                black_box(completion),
                &tools,
                ParseMode::Tolerant,
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, bench_chat);
criterion_main!(benches);
