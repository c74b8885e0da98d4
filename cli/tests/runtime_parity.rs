//! The runtime agrees with the trainer: a tiny model with a trained LoRA adapter merged in
//! (`env0 merge`'s code path), loaded by the local mistralrs backend in f32, continues a prompt
//! with the same greedy tokens as the trainer's own forward pass. For llama GGUF also unmerged:
//! the base written as a GGUF file (q/k rows in llama.cpp's RoPE order) plus the PEFT adapter,
//! which the backend re-lays out for GGUF, give the trainer's base + adapter greedy tokens.
//!
//! Needs the `local` feature (mistralrs): `cargo test --release -p env0-cli --features local
//! --test runtime_parity`. The models are the trainer's committed PyTorch fixtures (tiny random
//! Llama / Qwen2 / Qwen3) and the adapter our trainer exported for them.
#![cfg(feature = "local")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test setup

use std::path::{Path, PathBuf};

use env0_chat::Family;
use env0_chat::{permute_rope_rows, unpermute_rope_rows};
use env0_core::agent::local::{LocalConfig, LocalEngine};
use env0_trainer::{load_peft_adapter, merge_into, save_merged, save_peft_adapter};
use env0_trainer::{Batch, CpuBackend, LoraWeights, Model, Target};

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

/// Greedy decoding with the trainer's forward pass (full recompute each step, f32), with the
/// adapter applied unmerged when given.
fn trainer_greedy(model: &Model, lora: Option<&LoraWeights>, prompt: &[u32], n: usize) -> Vec<u32> {
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
            starts: Vec::new(),
        };
        let logits = model.forward(&be, lora, &batch).unwrap();
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
    let before = trainer_greedy(&model, None, &base_greedy_prompt, 12);
    merge_into(&mut model, &lora);
    let expected = trainer_greedy(&model, None, &base_greedy_prompt, 12);
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
    assert_eq!(
        got,
        until_eos(&expected),
        "{family}: runtime greedy tokens differ from the trainer's"
    );
}

/// mistralrs stops at the EOS id (2 in the fixtures' config and our GGUF); the trainer's loop
/// does not.
fn until_eos(tokens: &[u32]) -> Vec<u32> {
    let eos = 2;
    match tokens.iter().position(|&t| t == eos) {
        Some(i) => tokens[..=i].to_vec(),
        None => tokens.to_vec(),
    }
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

/// A GGUF metadata value (only the types the llama loader and tokenizer need).
enum Kv {
    U32(u32),
    F32(f32),
    Str(String),
    Strs(Vec<String>),
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

/// A GGUF v3 file with F32 tensors. `tensors` are (GGUF name, HF shape (outermost first), data);
/// GGUF lists dimensions innermost first. Alignment 32 (the default).
fn write_gguf(path: &Path, kvs: &[(&str, Kv)], tensors: &[(String, Vec<usize>, Vec<f32>)]) {
    const ALIGN: usize = 32;
    let mut out = b"GGUF".to_vec();
    out.extend(3u32.to_le_bytes());
    out.extend((tensors.len() as u64).to_le_bytes());
    out.extend((kvs.len() as u64).to_le_bytes());
    for (key, value) in kvs {
        put_str(&mut out, key);
        match value {
            Kv::U32(v) => {
                out.extend(4u32.to_le_bytes());
                out.extend(v.to_le_bytes());
            }
            Kv::F32(v) => {
                out.extend(6u32.to_le_bytes());
                out.extend(v.to_le_bytes());
            }
            Kv::Str(v) => {
                out.extend(8u32.to_le_bytes());
                put_str(&mut out, v);
            }
            Kv::Strs(v) => {
                out.extend(9u32.to_le_bytes());
                out.extend(8u32.to_le_bytes());
                out.extend((v.len() as u64).to_le_bytes());
                for s in v {
                    put_str(&mut out, s);
                }
            }
        }
    }
    let mut offset = 0usize;
    for (name, shape, data) in tensors {
        assert_eq!(shape.iter().product::<usize>(), data.len(), "{name}");
        put_str(&mut out, name);
        out.extend((shape.len() as u32).to_le_bytes());
        for d in shape.iter().rev() {
            out.extend((*d as u64).to_le_bytes());
        }
        out.extend(0u32.to_le_bytes()); // GGML_TYPE_F32
        out.extend((offset as u64).to_le_bytes());
        offset = (offset + data.len() * 4).next_multiple_of(ALIGN);
    }
    out.resize(out.len().next_multiple_of(ALIGN), 0);
    for (_, _, data) in tensors {
        for x in data {
            out.extend(x.to_le_bytes());
        }
        out.resize(out.len().next_multiple_of(ALIGN), 0);
    }
    std::fs::write(path, out).unwrap();
}

/// GPT-2's byte → printable character map: the 256 tokens of a byte-level BPE with no merges.
fn byte_tokens() -> Vec<String> {
    let printable = |b: u32| {
        (u32::from(b'!')..=u32::from(b'~')).contains(&b)
            || (0xA1..=0xAC).contains(&b)
            || (0xAE..=0xFF).contains(&b)
    };
    let mut extra = 0;
    (0u32..256)
        .map(|b| {
            let c = if printable(b) {
                b
            } else {
                extra += 1;
                255 + extra
            };
            char::from_u32(c).unwrap().to_string()
        })
        .collect()
}

/// The model as a llama GGUF the way llama.cpp's converter writes it: F32, llama tensor names,
/// q/k rows permuted to interleaved RoPE pairs, no `output.weight` when embeddings are tied, and
/// a byte-level tokenizer of the vocabulary's 256 ids (BOS 1, EOS 2, as in the HF config).
fn write_llama_gguf(path: &Path, model: &Model) {
    let c = &model.config;
    assert_eq!(
        c.vocab_size, 256,
        "the byte tokenizer covers exactly 256 ids"
    );
    let mut tensors = Vec::new();
    for (hf, t) in model.to_tensors() {
        let (name, heads) = match hf.as_str() {
            "model.embed_tokens.weight" => ("token_embd.weight".to_string(), None),
            "model.norm.weight" => ("output_norm.weight".to_string(), None),
            "lm_head.weight" => ("output.weight".to_string(), None),
            _ => {
                let rest = hf.strip_prefix("model.layers.").unwrap();
                let (layer, module) = rest.split_once('.').unwrap();
                let (gguf, heads) = match module {
                    "self_attn.q_proj.weight" => ("attn_q", Some(c.num_heads)),
                    "self_attn.k_proj.weight" => ("attn_k", Some(c.num_kv_heads)),
                    "self_attn.v_proj.weight" => ("attn_v", None),
                    "self_attn.o_proj.weight" => ("attn_output", None),
                    "mlp.gate_proj.weight" => ("ffn_gate", None),
                    "mlp.up_proj.weight" => ("ffn_up", None),
                    "mlp.down_proj.weight" => ("ffn_down", None),
                    "input_layernorm.weight" => ("attn_norm", None),
                    "post_attention_layernorm.weight" => ("ffn_norm", None),
                    other => panic!("no GGUF name for {other}"),
                };
                (format!("blk.{layer}.{gguf}.weight"), heads)
            }
        };
        let data = match heads {
            Some(h) => permute_rope_rows(&t.data, t.shape[0], h).unwrap(),
            None => t.data,
        };
        tensors.push((name, t.shape, data));
    }
    let u = |n: usize| Kv::U32(u32::try_from(n).unwrap());
    let kvs = [
        ("general.architecture", Kv::Str("llama".into())),
        ("general.name", Kv::Str("tiny-llama".into())),
        ("llama.context_length", u(128)),
        ("llama.embedding_length", u(c.hidden_size)),
        ("llama.feed_forward_length", u(c.intermediate_size)),
        ("llama.block_count", u(c.num_layers)),
        ("llama.attention.head_count", u(c.num_heads)),
        ("llama.attention.head_count_kv", u(c.num_kv_heads)),
        ("llama.attention.key_length", u(c.head_dim)),
        ("llama.attention.value_length", u(c.head_dim)),
        ("llama.rope.dimension_count", u(c.head_dim)),
        ("llama.rope.freq_base", Kv::F32(c.rope_theta as f32)),
        (
            "llama.attention.layer_norm_rms_epsilon",
            Kv::F32(c.rms_norm_eps),
        ),
        ("tokenizer.ggml.model", Kv::Str("gpt2".into())),
        ("tokenizer.ggml.pre", Kv::Str("gpt2".into())),
        ("tokenizer.ggml.tokens", Kv::Strs(byte_tokens())),
        ("tokenizer.ggml.merges", Kv::Strs(Vec::new())),
        ("tokenizer.ggml.bos_token_id", u(1)),
        ("tokenizer.ggml.eos_token_id", u(2)),
        (
            "tokenizer.chat_template",
            Kv::Str("{% for m in messages %}{{ m['content'] }} {% endfor %}".into()),
        ),
    ];
    write_gguf(path, &kvs, &tensors);
}

fn gguf_greedy(gguf: &Path, adapter: Option<&Path>, prompt: &[u32], n: usize) -> Vec<u32> {
    let mut cfg = LocalConfig::new(gguf);
    cfg.family = Some(Family::Qwen2_5);
    cfg.lora = adapter.map(Path::to_path_buf);
    cfg.dtype = Some("f32".into());
    cfg.prefix_cache = 0;
    let what = format!("{} + {adapter:?}", gguf.display());
    let engine = LocalEngine::load(&cfg).unwrap_or_else(|e| panic!("{what}: {e}"));
    engine
        .greedy_ids(prompt.to_vec(), n)
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

#[test]
fn gguf_llama_with_adapter_matches_trainer_greedy() {
    let dir = fixture("llama");
    let model = Model::from_hf_dir(&dir.join("model")).unwrap();
    let adapter = dir.join("ours_adapter");
    let lora = load_peft_adapter(&adapter, &model.config).unwrap();
    assert!(
        [Target::Q, Target::K]
            .iter()
            .all(|t| lora.config.targets.contains(t)),
        "the adapter must touch q_proj and k_proj, or the GGUF re-layout goes untested"
    );
    let prompt: Vec<u32> = vec![5, 17, 42, 99, 3, 64, 128, 7, 200, 11];
    let n = 12;
    let base = trainer_greedy(&model, None, &prompt, n);
    let adapted = trainer_greedy(&model, Some(&lora), &prompt, n);
    assert_ne!(
        base, adapted,
        "the adapter should change the greedy continuation, or the test proves nothing"
    );

    let tmp = tempfile::tempdir().unwrap();
    let gguf = tmp.path().join("gguf").join("tiny-llama.gguf");
    std::fs::create_dir_all(gguf.parent().unwrap()).unwrap();
    write_llama_gguf(&gguf, &model);
    // The trainer's GGUF reader (which undoes the RoPE permutation) reads back the same model.
    let back = env0_trainer::load_model(&gguf).unwrap();
    assert_eq!(back.config, model.config);
    assert!(
        back.to_tensors() == model.to_tensors(),
        "GGUF round trip changed the weights"
    );

    assert_eq!(
        gguf_greedy(&gguf, None, &prompt, n),
        until_eos(&base),
        "GGUF base: runtime greedy tokens differ from the trainer's"
    );
    assert_eq!(
        gguf_greedy(&gguf, Some(&adapter), &prompt, n),
        until_eos(&adapted),
        "GGUF base + adapter: runtime greedy tokens differ from the trainer's base + adapter"
    );

    // Control: the same adapter with its q/k lora_B rows put through the inverse permutation, so
    // the backend's re-layout hands mistralrs the HF-order rows, i.e. what loading the adapter
    // without the re-layout does. It must miss the trainer's tokens, or this test could not tell
    // a missing permutation.
    let mut naive = lora.clone();
    let c = &model.config;
    for layer in &mut naive.layers {
        for (t, heads) in [(Target::Q, c.num_heads), (Target::K, c.num_kv_heads)] {
            let pair = layer[t.index()].as_mut().unwrap();
            pair.b = unpermute_rope_rows(&pair.b, pair.fan_out, heads).unwrap();
        }
    }
    let naive_dir = tmp.path().join("naive_adapter");
    save_peft_adapter(&naive_dir, &naive, "tiny-llama").unwrap();
    assert_ne!(
        gguf_greedy(&gguf, Some(&naive_dir), &prompt, n),
        until_eos(&adapted),
        "unpermuted q/k lora_B should not reproduce the trainer's tokens"
    );
}
