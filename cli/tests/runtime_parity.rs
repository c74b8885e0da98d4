//! The runtime agrees with the trainer: a tiny model with a trained LoRA adapter merged in
//! (`env0 merge`'s code path), loaded by the local mistralrs backend in f32, continues a prompt
//! with the same greedy tokens as the trainer's own forward pass.
//!
//! Needs the `local` feature (mistralrs): `cargo test --release -p env0-cli --features local
//! --test runtime_parity`. The models are the trainer's committed PyTorch fixtures (tiny random
//! Llama / Qwen2 / Qwen3) and the adapter our trainer exported for them.
#![cfg(feature = "local")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test setup

use std::path::{Path, PathBuf};

use env0_core::agent::local::{LocalConfig, LocalEngine};
use env0_core::chat::Family;
use env0_trainer::export::{load_peft_adapter, merge_into, save_merged};
use env0_trainer::{Batch, CpuBackend, Model};

fn fixture(family: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../trainer/tests/fixtures")
        .join(family)
}

/// A word-level tokenizer covering the whole vocabulary (`t0` … `t{n-1}`): the test feeds raw ids,
/// so the loader only needs a valid tokenizer of the right size.
fn write_tokenizer(dir: &Path, vocab: usize) {
    let map: serde_json::Map<String, serde_json::Value> = (0..vocab)
        .map(|i| (format!("t{i}"), serde_json::json!(i)))
        .collect();
    let tokenizer = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": null,
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "post_processor": null,
        // mistralrs (through llguidance's token trie) needs a byte-level or byte-fallback decoder.
        "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
        "model": {"type": "WordLevel", "vocab": map, "unk_token": "t0"}
    });
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).unwrap();
    let config = serde_json::json!({
        "bos_token": "t1",
        "eos_token": "t2",
        "chat_template": "{% for m in messages %}{{ m['content'] }} {% endfor %}"
    });
    std::fs::write(dir.join("tokenizer_config.json"), config.to_string()).unwrap();
}

/// Greedy decoding with the trainer's forward pass (full recompute each step, f32).
fn trainer_greedy(model: &Model, prompt: &[u32], n: usize) -> Vec<u32> {
    let be = CpuBackend::new(1);
    let vocab = model.config.vocab_size;
    let mut ids = prompt.to_vec();
    let mut out = Vec::new();
    for _ in 0..n {
        let batch = Batch {
            ids: ids.clone(),
            labels: vec![-100; ids.len()],
            batch: 1,
            seq: ids.len(),
        };
        let logits = model.forward(&be, None, &batch).unwrap();
        let last = &logits[(ids.len() - 1) * vocab..ids.len() * vocab];
        let next = last
            .iter()
            .enumerate()
            .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
                if v > best.1 {
                    (i, v)
                } else {
                    best
                }
            })
            .0 as u32;
        out.push(next);
        ids.push(next);
    }
    out
}

fn check(family: &str, chat_family: Family) {
    let dir = fixture(family);
    let base_dir = dir.join("model");
    let mut model = Model::from_hf_dir(&base_dir).unwrap();
    let lora = load_peft_adapter(&dir.join("ours_adapter"), &model.config).unwrap();
    let base_greedy_prompt: Vec<u32> = vec![5, 17, 42, 99, 3, 64, 128, 7, 200, 11];
    let before = trainer_greedy(&model, &base_greedy_prompt, 12);
    merge_into(&mut model, &lora);
    let expected = trainer_greedy(&model, &base_greedy_prompt, 12);
    assert_ne!(
        before, expected,
        "{family}: the adapter should change the greedy continuation, or the test proves nothing"
    );

    let tmp = tempfile::tempdir().unwrap();
    let merged = tmp.path().join(format!("{family}-merged"));
    save_merged(&merged, &model, &base_dir).unwrap();
    write_tokenizer(&merged, model.config.vocab_size);

    let mut cfg = LocalConfig::new(&merged);
    cfg.family = Some(chat_family);
    cfg.dtype = Some("f32".into());
    cfg.prefix_cache = 0;
    let engine = LocalEngine::load(&cfg).unwrap_or_else(|e| panic!("{family}: {e}"));
    let got = engine
        .greedy_ids(base_greedy_prompt.clone(), expected.len())
        .unwrap_or_else(|e| panic!("{family}: {e}"));
    // mistralrs stops at the config's EOS id (2); the trainer's loop does not.
    let eos = 2;
    let want: Vec<u32> = match expected.iter().position(|&t| t == eos) {
        Some(i) => expected[..=i].to_vec(),
        None => expected.clone(),
    };
    assert_eq!(
        got, want,
        "{family}: runtime greedy tokens differ from the trainer's"
    );
}

#[test]
fn merged_llama_matches_trainer_greedy() {
    check("llama", Family::Qwen2_5);
}

#[test]
fn merged_qwen2_matches_trainer_greedy() {
    check("qwen2", Family::Qwen2_5);
}

#[test]
fn merged_qwen3_matches_trainer_greedy() {
    check("qwen3", Family::Qwen3);
}
