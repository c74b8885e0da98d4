//! The training loop end to end on the tiny Qwen3 fixture: metrics, eval loss, PNG, PEFT export,
//! and resume from a checkpoint giving a bit-identical adapter.

use std::path::{Path, PathBuf};

use env0_trainer::load_peft_adapter;
use env0_trainer::{read_metrics, train, TrainConfig};

fn write_data(dir: &Path) -> (PathBuf, PathBuf) {
    let mut train_rows = String::new();
    for i in 0..12u32 {
        let n = 8 + (i % 5) as usize;
        let ids: Vec<u32> = (0..n as u32).map(|j| (i * 31 + j * 7) % 250 + 3).collect();
        let mask: Vec<u8> = (0..n).map(|j| u8::from(j >= 3)).collect();
        train_rows.push_str(&serde_json::json!({"input_ids": ids, "loss_mask": mask}).to_string());
        train_rows.push('\n');
    }
    let eval_rows = "{\"input_ids\": [5, 9, 11, 40, 41, 42, 43, 44]}\n";
    let (t, e) = (dir.join("train.jsonl"), dir.join("eval.jsonl"));
    std::fs::write(&t, train_rows).expect("write");
    std::fs::write(&e, eval_rows).expect("write");
    (t, e)
}

fn config(dir: &Path, out: &str) -> TrainConfig {
    let (t, e) = write_data(dir);
    TrainConfig {
        model: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qwen3/model"),
        train_data: t,
        eval_data: Some(e),
        out_dir: dir.join(out),
        rank: 4,
        alpha: 8.0,
        dropout: 0.1,
        lr: 5e-3,
        warmup_steps: 2,
        max_steps: 6,
        batch_size: 3,
        grad_accum: 2,
        eval_every: 3,
        save_every: 2,
        progress: false,
        ..TrainConfig::default()
    }
}

#[test]
fn resume_gives_a_bit_identical_adapter_and_outputs_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = config(dir.path(), "full");
    let s = train(&full).expect("train");
    assert_eq!(s.final_step, 6);
    let rows = read_metrics(&full.out_dir.join("metrics.jsonl")).expect("metrics");
    // A step-0 row with the held-out loss before any update, then one row per step.
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0].step, 0);
    assert!(rows[0].loss.is_nan() && rows[0].eval_loss.is_some());
    assert_eq!(rows.iter().filter(|r| r.eval_loss.is_some()).count(), 3);
    let png = std::fs::read(full.out_dir.join("loss.png")).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // Interrupted after 3 steps (checkpoint at step 2), then resumed: same adapter, bit for bit.
    let mut part = config(dir.path(), "resumed");
    part.stop_after = 3;
    assert_eq!(train(&part).expect("part").final_step, 3);
    // The step-3 progress is lost as after a kill -9; resume restarts from the step-2 checkpoint.
    part.stop_after = 0;
    let r = train(&part).expect("resume");
    assert_eq!((r.final_step, r.steps_done), (6, 4));
    let cfg =
        env0_trainer::ModelConfig::from_hf_file(&full.model.join("config.json")).expect("cfg");
    let a = load_peft_adapter(&full.out_dir.join("adapter"), &cfg).expect("a");
    let b = load_peft_adapter(&part.out_dir.join("adapter"), &cfg).expect("b");
    for ((n, _, x), (_, _, y)) in a.named().iter().zip(b.named()) {
        assert!(
            x.iter()
                .zip(y.iter())
                .all(|(p, q)| p.to_bits() == q.to_bits()),
            "{n} differs after resume"
        );
    }
    let adapter_bytes =
        |d: &Path| std::fs::read(d.join("adapter/adapter_model.safetensors")).expect("bytes");
    assert_eq!(adapter_bytes(&full.out_dir), adapter_bytes(&part.out_dir));
    let resumed_rows = read_metrics(&part.out_dir.join("metrics.jsonl")).expect("metrics");
    let steps: Vec<u64> = resumed_rows.iter().map(|r| r.step).collect();
    assert_eq!(steps, vec![0, 1, 2, 3, 4, 5, 6]);
}
