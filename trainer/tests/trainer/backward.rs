//! Finite-difference checks of the hand-written backward pass (with dropout, sample-mean loss and
//! grad accumulation scale), and merge = base + adapter.

use std::path::Path;

use env0_trainer::{load_peft_adapter, merge_into};
use env0_trainer::{Batch, CpuBackend, Dropout, LoraWeights, LossReduction, Model};

fn fixture(family: &str) -> (Model, LoraWeights, Batch) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(family);
    let model = Model::from_hf_dir(&dir.join("model")).expect("model");
    let lora = load_peft_adapter(&dir.join("adapter_init"), &model.config).expect("adapter");
    // A shorter batch than the reference one: 2 sequences of 10 tokens, some unmasked.
    let ids: Vec<u32> = (0..20).map(|i| (i * 37 + 11) % 250 + 3).collect();
    let mut labels: Vec<i64> = ids.iter().map(|&t| t as i64).collect();
    labels[..3].fill(-100);
    labels[10..16].fill(-100);
    let batch = Batch {
        ids,
        labels,
        batch: 2,
        seq: 10,
        starts: Vec::new(),
    };
    (model, lora, batch)
}

fn loss_of(
    m: &Model,
    lora: &LoraWeights,
    b: &Batch,
    red: LossReduction,
    drop: Option<Dropout>,
) -> f64 {
    let be = CpuBackend::new(1);
    let mut scratch = lora.zeros_like();
    m.loss_and_grad(&be, lora, b, red, drop, 1.0, &mut scratch)
        .expect("loss")
        .loss as f64
}

fn finite_differences(family: &str, red: LossReduction, drop: Option<Dropout>) {
    let (model, lora, batch) = fixture(family);
    let be = CpuBackend::new(1);
    let mut grads = lora.zeros_like();
    // grad_scale 0.5 twice = one full gradient (what accumulation over 2 micro-batches does).
    for _ in 0..2 {
        model
            .loss_and_grad(&be, &lora, &batch, red, drop, 0.5, &mut grads)
            .expect("grad");
    }
    // The 24 largest gradient entries, across all tensors.
    let mut entries: Vec<(usize, usize, f32)> = grads
        .tensors()
        .enumerate()
        .flat_map(|(ti, t)| t.iter().enumerate().map(move |(i, &g)| (ti, i, g)))
        .collect();
    entries.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()));
    let h = 1e-2f32;
    let mut checked = 0;
    for &(ti, i, g) in entries.iter().step_by(7).take(24) {
        let mut plus = lora.clone();
        plus.tensors_mut().nth(ti).expect("tensor")[i] += h;
        let mut minus = lora.clone();
        minus.tensors_mut().nth(ti).expect("tensor")[i] -= h;
        let fd = (loss_of(&model, &plus, &batch, red, drop)
            - loss_of(&model, &minus, &batch, red, drop))
            / (2.0 * h as f64);
        let err = (fd - g as f64).abs();
        assert!(
            err < 2e-4 + 2e-2 * (g as f64).abs(),
            "{family} {red:?}: tensor {ti}[{i}]: analytic {g}, numeric {fd}"
        );
        checked += 1;
    }
    assert_eq!(checked, 24);
}

#[test]
fn backward_matches_finite_differences_qwen3_token_mean() {
    finite_differences("qwen3", LossReduction::TokenMean, None);
}

#[test]
fn backward_matches_finite_differences_qwen2_sample_mean_with_dropout() {
    let drop = Dropout { p: 0.1, seed: 7 };
    finite_differences("qwen2", LossReduction::SampleMean, Some(drop));
}

#[test]
fn backward_matches_finite_differences_llama() {
    finite_differences("llama", LossReduction::TokenMean, None);
}

#[test]
fn keeping_activations_gives_the_same_gradients_as_recomputing() {
    let (mut model, lora, batch) = fixture("qwen3");
    let be = CpuBackend::new(1);
    let mut g1 = lora.zeros_like();
    model
        .loss_and_grad(
            &be,
            &lora,
            &batch,
            LossReduction::TokenMean,
            None,
            1.0,
            &mut g1,
        )
        .expect("grad");
    model.recompute = false;
    let mut g2 = lora.zeros_like();
    model
        .loss_and_grad(
            &be,
            &lora,
            &batch,
            LossReduction::TokenMean,
            None,
            1.0,
            &mut g2,
        )
        .expect("grad");
    assert_eq!(g1, g2);
}

#[test]
fn merged_weights_equal_base_plus_adapter() {
    let (model, lora, batch) = fixture("qwen2");
    let be = CpuBackend::new(1);
    let with_adapter = model.forward(&be, Some(&lora), &batch).expect("forward");
    let mut merged = model.clone();
    merge_into(&mut merged, &lora);
    let dir = tempfile::tempdir().expect("tempdir");
    env0_trainer::save_hf_model(dir.path(), &merged).expect("save");
    let reloaded = Model::from_hf_dir(dir.path()).expect("reload");
    let plain = reloaded.forward(&be, None, &batch).expect("forward");
    let err = with_adapter
        .iter()
        .zip(&plain)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(err < 1e-4, "merged logits differ by {err}");
}
