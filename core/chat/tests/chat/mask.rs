//! Loss-mask tests on the golden conversations with the real templates and tokenizers: every
//! trained token lies inside an assistant turn (after its header, up to and including its
//! end-of-turn marker, outside inline tool results); the generation prompt is never trained; the
//! end-of-turn token is trained; "last turn only" trains a suffix of what "all turns" trains.

use std::path::PathBuf;

use env0_chat::build_training_example;
use env0_chat::{ChatTemplate, ChatTokenizer, Family, Gguf, Message, RenderOptions, Tool, TrainOn};
use serde_json::Value;

fn conversations() -> Vec<(String, Vec<Message>, Vec<Tool>, RenderOptions)> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chat/conversations.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let opts = RenderOptions {
                add_generation_prompt: false,
                enable_thinking: c["enable_thinking"].as_bool(),
                ..Default::default()
            };
            (
                c["name"].as_str().unwrap().to_owned(),
                serde_json::from_value(c["messages"].clone()).unwrap(),
                serde_json::from_value(c["tools"].clone()).unwrap(),
                opts,
            )
        })
        .collect()
}

/// Independent of the span code: is byte `p` inside an assistant turn's trainable part?
fn inside_assistant_turn(family: Family, text: &str, p: usize) -> bool {
    let m = family.turn_markers();
    let before = &text[..p];
    let Some(h) = before.rfind(m.header) else {
        return false;
    };
    let body_start = h + m.header.len();
    if p < body_start {
        return false;
    }
    let body = &text[body_start..p];
    // Not past the end marker of this turn (the marker itself is trained: p is its first byte).
    if body.contains(m.end) {
        return false;
    }
    if let Some((open, close)) = m.inline_tool_result {
        // Not inside an inline tool result (its opening marker, before `p`, is trained).
        if let Some(o) = body.rfind(open) {
            if !body[o + open.len()..].contains(close) {
                return false;
            }
        }
    }
    // The turn must end later by its end marker or by yielding to a tool, before another header
    // (a generation prompt is not a turn).
    let rest = &text[p..];
    let next_header = rest.find(m.header).unwrap_or(usize::MAX);
    let next_yield = m.inline_tool_result.and_then(|(open, _)| rest.find(open));
    [rest.find(m.end), next_yield]
        .into_iter()
        .flatten()
        .any(|e| e < next_header)
}

/// Completions found by rendering prefixes (independent of the turn markers): for assistant
/// message `i`, the text between `render(..i, generation prompt)` and `render(..=i)`, when both
/// are prefixes of the whole. Gemma 4 writes some continuation turns without a header.
fn prefix_completions(
    template: &ChatTemplate,
    messages: &[Message],
    tools: &[Tool],
    opts: &RenderOptions,
    text: &str,
) -> Vec<std::ops::Range<usize>> {
    let gen_opts = RenderOptions {
        add_generation_prompt: true,
        ..opts.clone()
    };
    let mut out = Vec::new();
    for i in (1..messages.len()).filter(|&i| messages[i].is_assistant()) {
        if let (Ok(prompt), Ok(done)) = (
            template.render(&messages[..i], tools, &gen_opts),
            template.render(&messages[..=i], tools, opts),
        ) {
            if text.starts_with(&prompt) && text.starts_with(&done) && done.starts_with(&prompt) {
                out.push(prompt.len()..done.trim_end_matches('\n').len());
            }
        }
    }
    out
}

fn check(family: Family, template: &ChatTemplate, tok: &ChatTokenizer) {
    let end_id = tok.token_to_id(family.turn_markers().end).unwrap();
    let mut trained_total = 0;
    for (name, messages, tools, opts) in conversations() {
        let all = build_training_example(
            template,
            tok,
            family,
            &messages,
            &tools,
            &opts,
            TrainOn::AllAssistantTurns,
        )
        .unwrap();
        assert_eq!(all.ids.len(), all.loss_mask.len());
        assert_eq!(all.ids, tok.encode(&all.text).unwrap().ids);
        let offsets = tok.encode(&all.text).unwrap().offsets;
        let completions = prefix_completions(template, &messages, &tools, &opts, &all.text);
        for (i, (&trained, &(s, _))) in all.loss_mask.iter().zip(&offsets).enumerate() {
            if trained {
                assert!(
                    inside_assistant_turn(family, &all.text, s)
                        || completions.iter().any(|c| c.contains(&s)),
                    "{family:?}/{name}: token {i} at byte {s} is trained outside an assistant turn: {:?}",
                    &all.text[s.saturating_sub(40)..s]
                );
            }
            // Every end-of-turn token of an assistant turn is trained.
            if all.ids[i] == end_id && inside_assistant_turn(family, &all.text, s) {
                assert!(trained, "{family:?}/{name}: end-of-turn at {s} not trained");
            }
        }
        let has_assistant = messages.iter().any(Message::is_assistant);
        let trained = all.loss_mask.iter().filter(|&&t| t).count();
        assert_eq!(
            trained > 0,
            has_assistant,
            "{family:?}/{name}: {trained} trained tokens"
        );
        trained_total += trained;

        // Last turn only: a non-empty subset, all after the other turns.
        let last = build_training_example(
            template,
            tok,
            family,
            &messages,
            &tools,
            &opts,
            TrainOn::LastAssistantTurn,
        )
        .unwrap();
        assert!(
            last.loss_mask
                .iter()
                .zip(&all.loss_mask)
                .all(|(l, a)| !l || *a),
            "{family:?}/{name}"
        );
        if has_assistant {
            let first_last = last.loss_mask.iter().position(|&t| t).unwrap();
            let last_all = all.loss_mask.iter().rposition(|&t| t).unwrap();
            assert!(last.loss_mask[first_last..=last_all]
                .iter()
                .zip(&all.loss_mask[first_last..=last_all])
                .all(|(l, a)| l == a));
        }

        // Prefix check, independent of the markers: for each assistant message whose prefix
        // renders as a prefix of the whole, the text after the generation prompt up to the end of
        // that turn is trained, and nothing of the generation prompt is.
        let gen_opts = RenderOptions {
            add_generation_prompt: true,
            ..opts.clone()
        };
        for i in (1..messages.len()).filter(|&i| messages[i].is_assistant()) {
            let (Ok(prompt), Ok(done)) = (
                template.render(&messages[..i], &tools, &gen_opts),
                template.render(&messages[..=i], &tools, &opts),
            ) else {
                continue;
            };
            if !all.text.starts_with(&prompt)
                || !all.text.starts_with(&done)
                || !done.starts_with(&prompt)
            {
                continue;
            }
            // The generation prompt proper: what add_generation_prompt appends to the history.
            let history = template.render(&messages[..i], &tools, &opts).unwrap();
            let header_start = if prompt.starts_with(&history) {
                history.len()
            } else {
                prompt.len()
            };
            let completion_end = done.trim_end_matches('\n').len();
            for (&trained, &(s, e)) in all.loss_mask.iter().zip(&offsets) {
                if s >= header_start && s < prompt.len() && e <= prompt.len() {
                    assert!(
                        !trained,
                        "{family:?}/{name}: generation-prompt byte {s} trained"
                    );
                }
                if s >= prompt.len() && s < completion_end {
                    assert!(
                        trained,
                        "{family:?}/{name}: completion byte {s} ({:?}) not trained",
                        &all.text[s..e]
                    );
                }
            }
        }

        // The generation prompt is never trained.
        let gen_opts = RenderOptions {
            add_generation_prompt: true,
            ..opts.clone()
        };
        let with_gen = build_training_example(
            template,
            tok,
            family,
            &messages,
            &tools,
            &gen_opts,
            TrainOn::AllAssistantTurns,
        )
        .unwrap();
        assert!(
            with_gen.text.starts_with(&all.text),
            "{family:?}/{name}: generation prompt is not a suffix"
        );
        let gen_offsets = tok.encode(&with_gen.text).unwrap().offsets;
        for (&trained, &(s, _)) in with_gen.loss_mask.iter().zip(&gen_offsets) {
            if s >= all.text.len() {
                assert!(
                    !trained,
                    "{family:?}/{name}: generation prompt token at {s} trained"
                );
            }
        }
    }
    assert!(
        trained_total > 100,
        "{family:?}: only {trained_total} trained tokens"
    );
}

fn qwen_tok() -> ChatTokenizer {
    ChatTokenizer::from_file(&crate::support::fixture("chat/qwen3/tokenizer.json")).unwrap()
}

#[test]
fn qwen2_5_mask() {
    let t = ChatTemplate::from_jinja_file(
        &crate::support::fixture("chat/templates/Qwen-Qwen2.5-7B-Instruct.jinja"),
        "",
        "<|im_end|>",
    )
    .unwrap();
    check(Family::Qwen2_5, &t, &qwen_tok());
}

#[test]
fn qwen3_mask() {
    let t = ChatTemplate::from_tokenizer_config(&crate::support::fixture(
        "chat/qwen3/tokenizer_config.json",
    ))
    .unwrap();
    check(Family::Qwen3, &t, &qwen_tok());
}

#[test]
fn qwen3_5_mask() {
    // Qwen3.5's 248k vocab ships in no package; the Qwen3 tokenizer has the same ChatML specials.
    let t = ChatTemplate::from_jinja_file(
        &crate::support::fixture("chat/templates/Qwen3.5-4B.jinja"),
        "",
        "<|im_end|>",
    )
    .unwrap();
    check(Family::Qwen3_5, &t, &qwen_tok());
}

#[test]
fn gemma4_mask() {
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
    check(
        Family::Gemma4,
        &t,
        &ChatTokenizer::from_gguf(&gguf).unwrap(),
    );
}

#[test]
fn smollm2_mask() {
    let gguf = Gguf::open(&crate::support::fixture(
        "chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    ))
    .unwrap();
    let tok = ChatTokenizer::from_gguf(&gguf).unwrap();
    assert_eq!(Family::from_gguf(&gguf), Some(Family::SmolLM2));
    let t = Family::SmolLM2
        .choose_template(ChatTemplate::from_gguf(&gguf).ok())
        .unwrap();
    check(Family::SmolLM2, &t, &tok);
    check(
        Family::SmolLM2,
        &ChatTemplate::from_gguf(&gguf).unwrap(),
        &tok,
    );
}
