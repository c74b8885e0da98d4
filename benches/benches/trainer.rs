//! One LoRA SFT step (forward + backward + AdamW) on the tiny Qwen3 fixture (hidden 64, 2 layers,
//! 4/2 heads, vocab 256; r = 4 on all seven linears), batch 4 × 128 tokens, the same setting that
//! `scripts/trainer_reference.py --bench` times for PyTorch + PEFT. Threads: $BENCH_THREADS (2).
//!
//!   BENCH_THREADS=2 cargo bench -p env0-benches --bench trainer
//!   BENCH_THREADS=2 .venv/bin/python scripts/trainer_reference.py --bench

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use env0_trainer::{AdamW, AdamWConfig};
use env0_trainer::{Batch, CpuBackend, LoraConfig, LoraWeights, LossReduction, Model, Target};

fn step(c: &mut Criterion) {
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../trainer/tests/fixtures/qwen3/model");
    let model = Model::from_hf_dir(&dir).expect("fixture model");
    let (b, t) = (4usize, 128usize);
    let ids: Vec<u32> = (0..b * t)
        .map(|i| ((i * 2_654_435_761) % 253 + 3) as u32)
        .collect();
    let batch = Batch {
        labels: ids.iter().map(|&x| x as i64).collect(),
        ids,
        batch: b,
        seq: t,
        starts: Vec::new(),
    };
    let lcfg = LoraConfig {
        rank: 4,
        alpha: 8.0,
        dropout: 0.0,
        targets: Target::ALL.to_vec(),
    };
    let mut lora = LoraWeights::init(lcfg, &model.config, 0);
    let mut opt = AdamW::new(
        AdamWConfig {
            lr: 1e-3,
            ..AdamWConfig::default()
        },
        &lora,
    );
    let mut grads = lora.zeros_like();
    let be = CpuBackend::new(threads);
    // Run the step on a pool worker, as `env0 train` does.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    c.bench_function(
        &format!("trainer/lora_step_qwen3_tiny_b{b}_t{t}_threads{threads}"),
        |bench| {
            bench.iter(|| {
                pool.install(|| {
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
                    opt.step(&mut lora, &grads, 1e-3);
                    black_box(out.loss)
                })
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = step
}
criterion_main!(benches);
