//! Packing keeps examples apart: a row holding several examples (`segments`) gives the same loss
//! and the same LoRA gradients as those examples in a batch of their own, for both loss
//! reductions — and the same row without its segments (attention leaking across examples,
//! positions running on) does not, so the comparison can tell.

use std::path::Path;

use env0_trainer::{collate, load_peft_adapter, read_jsonl, Example};
use env0_trainer::{CpuBackend, LoraWeights, LossReduction, Model};

fn fixture(family: &str) -> (Model, LoraWeights) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(family);
    let model = Model::from_hf_dir(&dir.join("model")).expect("model");
    let mut lora = load_peft_adapter(&dir.join("adapter_init"), &model.config).expect("adapter");
    // A non-zero B as well, so that both LoRA matrices get gradients.
    for (ti, t) in lora.tensors_mut().enumerate() {
        for (i, x) in t.iter_mut().enumerate() {
            *x += 0.01 * (((ti * 31 + i * 17) % 13) as f32 - 6.0) / 6.0;
        }
    }
    (model, lora)
}

/// An example of `len` tokens whose first `prompt` tokens are not trained (as a chat row's
/// system and user turns).
fn example(len: usize, prompt: usize, salt: u32) -> Example {
    let ids: Vec<u32> = (0..len as u32)
        .map(|i| (i * 37 + salt * 11) % 250 + 3)
        .collect();
    let mut labels: Vec<i64> = ids.iter().map(|&t| t as i64).collect();
    labels[..prompt].fill(-100);
    Example {
        ids,
        labels,
        segments: Vec::new(),
    }
}

fn pack(parts: &[&Example]) -> Example {
    Example {
        ids: parts.iter().flat_map(|e| e.ids.clone()).collect(),
        labels: parts.iter().flat_map(|e| e.labels.clone()).collect(),
        segments: parts.iter().map(|e| e.ids.len()).collect(),
    }
}

fn loss_and_grads(
    model: &Model,
    lora: &LoraWeights,
    rows: &[&Example],
    red: LossReduction,
) -> (f32, Vec<f32>) {
    let be = CpuBackend::new(1);
    let batch = collate(rows, 0);
    let mut grads = lora.zeros_like();
    let out = model
        .loss_and_grad(&be, lora, &batch, red, None, 1.0, &mut grads)
        .expect("loss");
    (out.loss, grads.tensors().flatten().copied().collect())
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn packed_equals_one_by_one(family: &str, red: LossReduction) {
    let (model, lora) = fixture(family);
    let (a, b, c) = (example(9, 3, 1), example(6, 2, 2), example(4, 1, 3));
    let (alone, g_alone) = loss_and_grads(&model, &lora, &[&a, &b, &c], red);
    let packed = pack(&[&a, &b, &c]);
    let (together, g_packed) = loss_and_grads(&model, &lora, &[&packed], red);
    let scale = g_alone.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(scale > 0.0, "{family}: no gradient at all");
    assert!(
        (alone - together).abs() <= 1e-5 * alone.abs().max(1.0),
        "{family} {red:?}: loss {together} packed vs {alone} one by one"
    );
    let diff = max_diff(&g_alone, &g_packed);
    assert!(
        diff <= 1e-4 * scale,
        "{family} {red:?}: gradients differ by {diff} (largest {scale})"
    );
    // The same tokens without their segments: the examples see each other. The comparison
    // above would catch that.
    let leaky = Example {
        segments: Vec::new(),
        ..packed.clone()
    };
    let (leaked, g_leaked) = loss_and_grads(&model, &lora, &[&leaky], red);
    assert!(
        (leaked - alone).abs() > 1e-3 * alone.abs().max(1.0)
            || max_diff(&g_alone, &g_leaked) > 1e-2 * scale,
        "{family} {red:?}: an unmasked pack trained like separate examples ({leaked} vs {alone})"
    );
    // A packed row beside an ordinary one (padding included) is still the same training.
    let (mixed, g_mixed) = loss_and_grads(&model, &lora, &[&pack(&[&a, &b]), &c], red);
    assert!(
        (mixed - alone).abs() <= 1e-5 * alone.abs().max(1.0),
        "{family} {red:?}: mixed batch {mixed} vs {alone}"
    );
    assert!(
        max_diff(&g_alone, &g_mixed) <= 1e-4 * scale,
        "{family} {red:?}: mixed batch gradients"
    );
}

#[test]
fn a_packed_row_trains_as_its_examples_one_by_one_llama() {
    packed_equals_one_by_one("llama", LossReduction::TokenMean);
    packed_equals_one_by_one("llama", LossReduction::SampleMean);
}

#[test]
fn a_packed_row_trains_as_its_examples_one_by_one_qwen3() {
    packed_equals_one_by_one("qwen3", LossReduction::TokenMean);
    packed_equals_one_by_one("qwen3", LossReduction::SampleMean);
}

#[test]
fn packed_rows_are_read_with_their_segments_and_bad_ones_refused() {
    let dir = std::env::temp_dir().join(format!("env0-packing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let good = dir.join("good.jsonl");
    std::fs::write(
        &good,
        "{\"input_ids\":[5,6,7,8,9],\"loss_mask\":[0,1,0,1,1],\"segments\":[2,3]}\n",
    )
    .expect("write");
    let rows = read_jsonl(&good, 4).expect("read");
    // Truncated to 4 tokens: the second example keeps 2 of its 3.
    assert_eq!(rows[0].segments, vec![2, 2]);
    let batch = collate(&[&rows[0]], 0);
    assert_eq!(batch.starts, vec![0, 0, 2, 2]);
    assert_eq!(batch.positions(), vec![0, 1, 0, 1]);
    // Beside a longer row, the padding is a block of its own.
    let long = Example {
        ids: vec![5; 6],
        labels: vec![5; 6],
        segments: Vec::new(),
    };
    let batch = collate(&[&rows[0], &long], 0);
    assert_eq!(batch.starts, vec![0, 0, 2, 2, 4, 4, 0, 0, 0, 0, 0, 0]);
    assert_eq!(batch.positions(), vec![0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 4, 5]);
    for bad in ["[2,2]", "[0,5]", "[-1,6]", "[\"x\"]"] {
        let path = dir.join("bad.jsonl");
        std::fs::write(
            &path,
            format!("{{\"input_ids\":[5,6,7,8,9],\"segments\":{bad}}}\n"),
        )
        .expect("write");
        let err = read_jsonl(&path, 100).expect_err(bad).to_string();
        assert!(err.contains("segments"), "{bad}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
