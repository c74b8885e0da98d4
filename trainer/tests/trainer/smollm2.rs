//! The real default model: SmolLM2-135M-Instruct (Q4_1 GGUF, llama architecture) from
//! $ENV0_FIXTURES/chat/ (scripts/fetch-fixtures.sh chat). A low loss on plain English proves the
//! dequantizers, the GGUF → HF name mapping and the RoPE row un-permutation together.

use std::path::PathBuf;

use env0_chat::{ChatTokenizer, Gguf};
use env0_trainer::GgufFile;
use env0_trainer::{AdamW, AdamWConfig};
use env0_trainer::{Batch, CpuBackend, LoraConfig, LoraWeights, LossReduction, Model, Target};

fn gguf_path() -> PathBuf {
    env0_fixtures::require(env0_fixtures::SMOLLM2_GGUF).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn smollm2_gguf_predicts_english_and_lora_steps_lower_the_loss() {
    let path = gguf_path();
    let tok = ChatTokenizer::from_gguf(&Gguf::open(&path).expect("gguf meta")).expect("tokenizer");
    let file = GgufFile::open(&path).expect("gguf");
    let cfg = file.model_config().expect("config");
    assert_eq!(
        (cfg.num_layers, cfg.hidden_size, cfg.num_kv_heads),
        (30, 576, 3)
    );
    let model =
        Model::from_tensors(cfg.clone(), file.hf_tensors(&cfg).expect("tensors")).expect("model");
    drop(file);
    let text = "The capital of France is Paris. It is known for the Eiffel Tower, which was built in 1889 for the World's Fair.";
    let ids = tok.encode_plain(text).expect("encode");
    let batch = Batch {
        labels: ids.iter().map(|&t| t as i64).collect(),
        seq: ids.len(),
        batch: 1,
        ids,
        starts: Vec::new(),
    };
    let be = CpuBackend::new(0);
    let base = model
        .loss(&be, None, &batch, LossReduction::TokenMean)
        .expect("loss");
    eprintln!(
        "SmolLM2 loss on {} tokens: {:.3} nats/token",
        base.tokens, base.loss
    );
    assert!(
        base.loss < 4.0,
        "loss {} too high: weights or layout wrong",
        base.loss
    );

    let lcfg = LoraConfig {
        rank: 8,
        alpha: 16.0,
        dropout: 0.0,
        targets: Target::ALL.to_vec(),
    };
    let mut lora = LoraWeights::init(lcfg, &cfg, 0);
    let mut opt = AdamW::new(
        AdamWConfig {
            lr: 1e-3,
            ..AdamWConfig::default()
        },
        &lora,
    );
    let mut grads = lora.zeros_like();
    let mut losses = Vec::new();
    for _ in 0..4 {
        grads.fill(0.0);
        let out = model
            .loss_and_grad(
                &be,
                &lora,
                &batch,
                LossReduction::TokenMean,
                None,
                1.0,
                &mut grads,
            )
            .expect("step");
        losses.push(out.loss);
        opt.step(&mut lora, &grads, 1e-3);
    }
    let after = model
        .loss(&be, Some(&lora), &batch, LossReduction::TokenMean)
        .expect("loss");
    eprintln!("LoRA step losses {losses:?}, after {:.3}", after.loss);
    assert!(
        (losses[0] - base.loss).abs() < 1e-4,
        "B = 0 adapter changed the loss"
    );
    assert!(
        after.loss < base.loss - 0.05,
        "LoRA steps did not lower the loss"
    );
}
