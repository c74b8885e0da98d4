//! Numerics against PyTorch + transformers + PEFT: the fixtures under tests/fixtures/<family>/ are
//! written by scripts/trainer_reference.py (tiny random Llama / Qwen2 / Qwen3 models).
//!
//! `ENV0_WRITE_FIXTURES=1` also writes our trained adapter to <family>/ours_adapter/, which the
//! script's `--peft-check` loads with PeftModel to record the logits checked below.

use std::path::{Path, PathBuf};

use env0_trainer::{clip_grad_norm, lr_factor, AdamW, AdamWConfig, Schedule};
use env0_trainer::{load_peft_adapter, save_peft_adapter};
use env0_trainer::{read_safetensors, TensorMap};
use env0_trainer::{Batch, CpuBackend, LoraWeights, LossReduction, Model};

fn fixture(family: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(family)
}

struct Reference {
    model: Model,
    lora: LoraWeights,
    batch: Batch,
    tensors: TensorMap,
    meta: serde_json::Value,
}

fn load(family: &str) -> Reference {
    let dir = fixture(family);
    let model = Model::from_hf_dir(&dir.join("model")).expect("model");
    let lora = load_peft_adapter(&dir.join("adapter_init"), &model.config).expect("adapter");
    let tensors = read_safetensors(&dir.join("reference.safetensors")).expect("reference");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).expect("json"))
            .expect("json");
    let ids = &tensors["input_ids"];
    let (b, t) = (ids.shape[0], ids.shape[1]);
    let batch = Batch {
        ids: ids.data.iter().map(|&x| x as u32).collect(),
        labels: tensors["labels"].data.iter().map(|&x| x as i64).collect(),
        batch: b,
        seq: t,
        starts: Vec::new(),
    };
    Reference {
        model,
        lora,
        batch,
        tensors,
        meta,
    }
}

/// max |a − b| / max |b|: the error relative to the reference tensor's scale.
fn rel_err(ours: &[f32], reference: &[f32]) -> f32 {
    assert_eq!(ours.len(), reference.len());
    let scale = reference
        .iter()
        .fold(0.0f32, |m, x| m.max(x.abs()))
        .max(1e-12);
    let err = ours
        .iter()
        .zip(reference)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    err / scale
}

fn check_logits_and_loss(family: &str) {
    let r = load(family);
    let be = CpuBackend::new(0);
    let logits = r
        .model
        .forward(&be, Some(&r.lora), &r.batch)
        .expect("forward");
    let e = rel_err(&logits, &r.tensors["logits"].data);
    let loss = r
        .model
        .loss(&be, Some(&r.lora), &r.batch, LossReduction::TokenMean)
        .expect("loss");
    let want = r.tensors["loss"].data[0];
    let le = (loss.loss - want).abs() / want.abs();
    eprintln!(
        "{family}: logits rel err {e:.2e}, loss {} vs {want} (rel {le:.2e})",
        loss.loss
    );
    assert!(e < 1e-4, "{family}: logits rel err {e}");
    assert!(le < 1e-4, "{family}: loss rel err {le}");
}

fn check_grads(family: &str) {
    let r = load(family);
    let be = CpuBackend::new(0);
    let mut grads = r.lora.zeros_like();
    r.model
        .loss_and_grad(
            &be,
            &r.lora,
            &r.batch,
            LossReduction::TokenMean,
            None,
            1.0,
            &mut grads,
        )
        .expect("grad");
    let mut worst = 0.0f32;
    for (name, _, g) in grads.named() {
        let want = &r.tensors[&format!("grad.{name}")].data;
        let e = rel_err(g, want);
        worst = worst.max(e);
        assert!(e < 1e-3, "{family}: {name} grad rel err {e}");
    }
    eprintln!("{family}: worst LoRA grad rel err {worst:.2e}");
}

fn train_like_the_script(r: &Reference) -> LoraWeights {
    let be = CpuBackend::new(0);
    let m = &r.meta;
    let f = |k: &str| m[k].as_f64().expect(k) as f32;
    let u = |k: &str| m[k].as_u64().expect(k);
    let mut params = r.lora.clone();
    let mut opt = AdamW::new(
        AdamWConfig {
            lr: f("lr"),
            beta1: f("beta1"),
            beta2: f("beta2"),
            eps: f("eps"),
            weight_decay: f("weight_decay"),
        },
        &params,
    );
    let mut grads = params.zeros_like();
    for step in 0..u("steps") {
        grads.fill(0.0);
        let out = r
            .model
            .loss_and_grad(
                &be,
                &params,
                &r.batch,
                LossReduction::TokenMean,
                None,
                1.0,
                &mut grads,
            )
            .expect("step");
        let want = m["step_losses"][step as usize].as_f64().expect("loss") as f32;
        assert!(
            (out.loss - want).abs() / want < 1e-4,
            "step {step}: {} vs {want}",
            out.loss
        );
        clip_grad_norm(&mut grads, f("max_grad_norm"));
        let lr = f("lr") * lr_factor(Schedule::Cosine, step, u("warmup_steps"), u("total_steps"));
        opt.step(&mut params, &grads, lr);
    }
    params
}

fn check_training(family: &str) {
    let r = load(family);
    let params = train_like_the_script(&r);
    let mut worst = 0.0f32;
    for (name, _, p) in params.named() {
        let e = rel_err(p, &r.tensors[&format!("trained.{name}")].data);
        worst = worst.max(e);
        assert!(e < 1e-3, "{family}: {name} after training: rel err {e}");
    }
    eprintln!(
        "{family}: worst adapter rel err after {} AdamW steps {worst:.2e}",
        r.meta["steps"]
    );
    if std::env::var_os("ENV0_WRITE_FIXTURES").is_some() {
        save_peft_adapter(
            &fixture(family).join("ours_adapter"),
            &params,
            "tiny-random",
        )
        .expect("save");
    }
}

/// Our exported adapter, loaded by PEFT, gives our logits.
fn check_peft_roundtrip(family: &str) {
    let r = load(family);
    let dir = fixture(family);
    let ours = load_peft_adapter(&dir.join("ours_adapter"), &r.model.config).expect("ours_adapter");
    // The committed export is what our trainer produces today.
    let fresh = train_like_the_script(&r);
    for ((n, _, a), (_, _, b)) in ours.named().iter().zip(fresh.named()) {
        assert!(
            rel_err(a, b) < 1e-5,
            "{family}: {n} differs from today's training"
        );
    }
    let be = CpuBackend::new(0);
    let logits = r
        .model
        .forward(&be, Some(&ours), &r.batch)
        .expect("forward");
    let peft = read_safetensors(&dir.join("ours_peft_logits.safetensors")).expect("peft logits");
    let e = rel_err(&logits, &peft["logits"].data);
    eprintln!("{family}: our adapter in PEFT vs our forward: logits rel err {e:.2e}");
    assert!(e < 1e-4, "{family}: PEFT logits of our adapter differ: {e}");
}

macro_rules! family_tests {
    ($($fam:ident),*) => {$(
        mod $fam {
            #[test]
            fn logits_and_loss_match_pytorch() {
                super::check_logits_and_loss(stringify!($fam));
            }
            #[test]
            fn lora_gradients_match_pytorch() {
                super::check_grads(stringify!($fam));
            }
            #[test]
            fn adapter_after_adamw_steps_matches_pytorch() {
                super::check_training(stringify!($fam));
            }
            #[test]
            fn exported_adapter_reproduces_our_logits_in_peft() {
                super::check_peft_roundtrip(stringify!($fam));
            }
        }
    )*};
}

family_tests!(llama, qwen2, qwen3);
