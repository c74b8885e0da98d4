//! The GGUF-vocabulary tokenizer against llama.cpp's own tokenizer test vectors
//! (models/ggml-vocab-*.gguf.inp/.out from the llama-cpp-python 0.3.36 sdist): the texts are
//! tokenized without special-token parsing and without BOS, as in llama.cpp's test-tokenizer-0.

use env0_chat::{ChatTokenizer, Gguf};

fn check_vectors(vocab: &str) {
    let gguf_path = crate::support::fixture(&format!("chat/vocab/{vocab}"));
    let gguf = Gguf::open(&gguf_path).expect("GGUF metadata");
    let tok = ChatTokenizer::from_gguf(&gguf).expect("tokenizer from GGUF");
    let inp = std::fs::read_to_string(crate::support::fixture(&format!("chat/vocab/{vocab}.inp")))
        .unwrap();
    let out = std::fs::read_to_string(crate::support::fixture(&format!("chat/vocab/{vocab}.out")))
        .unwrap();
    let mut texts: Vec<&str> = inp.split("\n__ggml_vocab_test__\n").collect();
    if texts.last() == Some(&"") {
        texts.pop();
    }
    let expected: Vec<Vec<u32>> = out
        .lines()
        .map(|l| l.split_whitespace().map(|t| t.parse().unwrap()).collect())
        .collect();
    assert_eq!(
        texts.len(),
        expected.len(),
        "{vocab}: .inp and .out disagree on the case count"
    );
    let mut failures = Vec::new();
    for (text, want) in texts.iter().zip(&expected) {
        let got = tok.encode_plain(text).unwrap();
        if &got != want {
            failures.push(format!("{text:?}\n    want {want:?}\n    got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{vocab}: {} of {} cases differ:\n  {}",
        failures.len(),
        texts.len(),
        failures.join("\n  ")
    );
}

#[test]
fn qwen2_vectors() {
    check_vectors("ggml-vocab-qwen2.gguf");
}

#[test]
fn qwen35_vectors() {
    check_vectors("ggml-vocab-qwen35.gguf");
}

#[test]
fn llama_bpe_vectors() {
    check_vectors("ggml-vocab-llama-bpe.gguf");
}

#[test]
fn gemma4_vectors() {
    check_vectors("ggml-vocab-gemma-4.gguf");
}

#[test]
fn smollm2_chat_format_from_gguf() {
    use env0_chat::{ChatFormat, ChatTemplate, Family, Message, ParseMode, RenderOptions};
    let path = crate::support::fixture("chat/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf");
    let format = ChatFormat::from_gguf(&path, None).unwrap();
    assert_eq!(format.family, Family::SmolLM2);
    let msgs = [Message::user("What is the capital of France?")];
    let prompt = format.prompt(&msgs, &[], None).unwrap();
    let builtin = ChatTemplate::chatml_hermes().unwrap();
    assert_eq!(
        prompt.text,
        builtin
            .render(&msgs, &[], &RenderOptions::generation())
            .unwrap()
    );
    assert_eq!(
        prompt.text,
        "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
    );
    // <|im_start|> = 1, <|im_end|> = 2 in SmolLM2's vocabulary.
    assert_eq!(prompt.ids.first(), Some(&1));
    assert_eq!(prompt.ids.iter().filter(|&&t| t == 2).count(), 1);
    assert_eq!(format.tokenizer.decode(&prompt.ids).unwrap(), prompt.text);
    assert_eq!(format.stop_token_ids(), [2, 0]);
    let parsed = format
        .parse("The capital of France is Paris.", &[], ParseMode::Strict)
        .unwrap();
    assert_eq!(
        parsed.into_message(),
        Message::assistant("The capital of France is Paris.")
    );
}

#[test]
fn families_from_vocab_gguf_metadata() {
    use env0_chat::Family;
    let open = |f: &str| Gguf::open(&crate::support::fixture(&format!("chat/vocab/{f}"))).unwrap();
    assert_eq!(
        Family::from_gguf(&open("ggml-vocab-gemma-4.gguf")),
        Some(Family::Gemma4)
    );
    assert_eq!(
        Family::from_gguf(&open("ggml-vocab-qwen2.gguf")),
        Some(Family::Qwen2_5)
    );
}

#[test]
fn qwen3_chat_format_from_hf_dir_matches_golden() {
    use env0_chat::{ChatFormat, Family, Message, Tool};
    let dir = crate::support::fixture("chat/qwen3");
    let format = ChatFormat::from_hf_dir(&dir, None).unwrap();
    assert_eq!(format.family, Family::Qwen3);
    let golden_path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chat/golden_qwen3.json");
    let golden: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden_path).unwrap()).unwrap();
    let convs_path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chat/conversations.json");
    let convs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(convs_path).unwrap()).unwrap();
    let conv = convs["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "tool_call_only_then_answer_generation")
        .unwrap();
    let case = golden["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "tool_call_only_then_answer_generation")
        .unwrap();
    let msgs: Vec<Message> = serde_json::from_value(conv["messages"].clone()).unwrap();
    let tools: Vec<Tool> = serde_json::from_value(conv["tools"].clone()).unwrap();
    let prompt = format.prompt(&msgs, &tools, None).unwrap();
    assert_eq!(prompt.text, case["text"].as_str().unwrap());
    let want: Vec<u32> = serde_json::from_value(case["ids"].clone()).unwrap();
    assert_eq!(prompt.ids, want);
    // <|im_end|> and <|endoftext|>.
    assert_eq!(format.stop_token_ids(), [151645, 151643]);
}
