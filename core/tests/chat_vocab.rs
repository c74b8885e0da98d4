//! The GGUF-vocabulary tokenizer against llama.cpp's own tokenizer test vectors
//! (models/ggml-vocab-*.gguf.inp/.out from the llama-cpp-python 0.3.36 sdist): the texts are
//! tokenized without special-token parsing and without BOS, as in llama.cpp's test-tokenizer-0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use env0_core::chat::{ChatTokenizer, Gguf};

fn check_vectors(vocab: &str) {
    let gguf_path = support::fixture(&format!("chat/vocab/{vocab}"));
    let gguf = Gguf::open(&gguf_path).expect("GGUF metadata");
    let tok = ChatTokenizer::from_gguf(&gguf).expect("tokenizer from GGUF");
    let inp =
        std::fs::read_to_string(support::fixture(&format!("chat/vocab/{vocab}.inp"))).unwrap();
    let out =
        std::fs::read_to_string(support::fixture(&format!("chat/vocab/{vocab}.out"))).unwrap();
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
