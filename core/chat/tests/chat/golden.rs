//! Golden tests: every conversation of fixtures/chat/conversations.json renders byte-identically to
//! the reference (Python jinja2 run like HF `apply_chat_template`, scripts/gen_chat_goldens.py),
//! and tokenizes to the reference token ids.

use std::path::PathBuf;

use env0_chat::{ChatTemplate, ChatTokenizer, Gguf, Message, RenderOptions, Tool};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chat")
}

/// The frozen instant scripts/gen_chat_goldens.py uses for strftime_now.
const NOW: i64 = 1_795_000_000;

struct Conversation {
    name: String,
    raw_messages: Vec<Value>,
    messages: Vec<Message>,
    tools: Vec<Tool>,
    opts: RenderOptions,
}

fn conversations() -> Vec<Conversation> {
    let text = std::fs::read_to_string(fixtures_dir().join("conversations.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let raw_messages = c["messages"].as_array().unwrap().clone();
            let messages: Vec<Message> = serde_json::from_value(c["messages"].clone()).unwrap();
            let tools: Vec<Tool> = serde_json::from_value(c["tools"].clone()).unwrap();
            let opts = RenderOptions {
                add_generation_prompt: c["add_generation_prompt"].as_bool().unwrap(),
                enable_thinking: c["enable_thinking"].as_bool(),
                now: chrono::DateTime::from_timestamp(NOW, 0),
                extra: Default::default(),
            };
            Conversation {
                name: c["name"].as_str().unwrap().to_owned(),
                raw_messages,
                messages,
                tools,
                opts,
            }
        })
        .collect()
}

fn first_difference(a: &str, b: &str) -> String {
    // Compare by chars so the excerpt never splits a UTF-8 sequence.
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let i = ca
        .iter()
        .zip(&cb)
        .position(|(x, y)| x != y)
        .unwrap_or(ca.len().min(cb.len()));
    let excerpt = |c: &[char]| -> String {
        c[i.saturating_sub(60).min(c.len())..(i + 60).min(c.len())]
            .iter()
            .collect()
    };
    format!(
        "at char {i}:\n    want …{:?}\n    got  …{:?}",
        excerpt(&ca),
        excerpt(&cb)
    )
}

fn check_family(family: &str, template: &ChatTemplate, tokenizer: Option<&ChatTokenizer>) {
    let path = fixtures_dir().join(format!("golden_{family}.json"));
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    let convs = conversations();
    assert!(
        convs.len() >= 20 && cases.len() == convs.len(),
        "{family}: {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut token_checks = 0;
    for (conv, case) in convs.iter().zip(cases) {
        assert_eq!(case["name"], conv.name.as_str());
        // Parity of inputs: our typed messages give the templates exactly the reference dicts.
        let ours: Vec<Value> = conv
            .messages
            .iter()
            .map(Message::to_template_value)
            .collect();
        assert_eq!(
            ours, conv.raw_messages,
            "{}: template dicts differ",
            conv.name
        );
        let want = case["text"].as_str().unwrap();
        let got = match template.render(&conv.messages, &conv.tools, &conv.opts) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{}: render failed: {e}", conv.name));
                continue;
            }
        };
        if got != want {
            failures.push(format!(
                "{}: text {}",
                conv.name,
                first_difference(want, &got)
            ));
            continue;
        }
        if let (Some(tok), Some(ids)) = (tokenizer, case.get("ids")) {
            let want_ids: Vec<u32> = serde_json::from_value(ids.clone()).unwrap();
            let got_ids = tok.encode(&got).unwrap().ids;
            token_checks += 1;
            if got_ids != want_ids {
                let i = want_ids
                    .iter()
                    .zip(&got_ids)
                    .position(|(a, b)| a != b)
                    .unwrap_or(want_ids.len().min(got_ids.len()));
                failures.push(format!(
                    "{}: token ids differ at {i}: want {:?} got {:?}",
                    conv.name,
                    &want_ids[i..(i + 8).min(want_ids.len())],
                    &got_ids[i..(i + 8).min(got_ids.len())]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{family}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if tokenizer.is_some() {
        assert_eq!(
            token_checks,
            convs.len(),
            "{family}: every case has reference ids"
        );
    }
}

fn qwen_tokenizer() -> ChatTokenizer {
    ChatTokenizer::from_file(&crate::support::fixture("chat/qwen3/tokenizer.json")).unwrap()
}

#[test]
fn qwen2_5_golden() {
    let t = ChatTemplate::from_jinja_file(
        &crate::support::fixture("chat/templates/Qwen-Qwen2.5-7B-Instruct.jinja"),
        "",
        "<|im_end|>",
    )
    .unwrap();
    check_family("qwen2.5", &t, Some(&qwen_tokenizer()));
}

#[test]
fn qwen3_golden() {
    let t = ChatTemplate::from_tokenizer_config(&crate::support::fixture(
        "chat/qwen3/tokenizer_config.json",
    ))
    .unwrap();
    check_family("qwen3", &t, Some(&qwen_tokenizer()));
}

#[test]
fn qwen3_5_golden() {
    let t = ChatTemplate::from_jinja_file(
        &crate::support::fixture("chat/templates/Qwen3.5-4B.jinja"),
        "",
        "<|im_end|>",
    )
    .unwrap();
    check_family("qwen3.5", &t, None);
}

#[test]
fn gemma4_golden() {
    let t = ChatTemplate::from_jinja_file(
        &crate::support::fixture("chat/templates/google-gemma-4-31B-it.jinja"),
        "<bos>",
        "<eos>",
    )
    .unwrap();
    let gguf = Gguf::open(&crate::support::fixture(
        "chat/vocab/ggml-vocab-gemma-4.gguf",
    ))
    .unwrap();
    check_family(
        "gemma4",
        &t,
        Some(&ChatTokenizer::from_gguf(&gguf).unwrap()),
    );
}

fn smollm2() -> Gguf {
    Gguf::open(&crate::support::fixture(
        "chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    ))
    .unwrap()
}

#[test]
fn smollm2_golden_shipped_template() {
    let gguf = smollm2();
    let t = ChatTemplate::from_gguf(&gguf).unwrap();
    check_family(
        "smollm2",
        &t,
        Some(&ChatTokenizer::from_gguf(&gguf).unwrap()),
    );
}

#[test]
fn smollm2_golden_builtin_hermes_template() {
    let gguf = smollm2();
    let t = ChatTemplate::chatml_hermes().unwrap();
    check_family(
        "smollm2-hermes",
        &t,
        Some(&ChatTokenizer::from_gguf(&gguf).unwrap()),
    );
}

#[test]
fn gemma4_golden_gguf_embedded_template() {
    let gguf = Gguf::open(&crate::support::fixture(
        "chat/vocab/ggml-vocab-gemma-4.gguf",
    ))
    .unwrap();
    let t = ChatTemplate::from_gguf(&gguf).unwrap();
    assert_eq!(
        (t.bos_token.as_str(), t.eos_token.as_str()),
        ("<bos>", "<eos>")
    );
    check_family(
        "gemma4-gguf",
        &t,
        Some(&ChatTokenizer::from_gguf(&gguf).unwrap()),
    );
}
