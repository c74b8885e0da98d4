//! The training loop: micro-batches with gradient accumulation, clipping, AdamW with a schedule,
//! held-out eval loss, metrics JSONL, checkpoints that resume bit-identically, a loss-curve PNG.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::backend::{Backend, CpuBackend};
use crate::data::{collate, micro_batch, read_jsonl, Example};
use crate::error::{io_err, Result, TrainerError};
use crate::export::{load_peft_adapter, save_peft_adapter};
use crate::gguf::GgufFile;
use crate::lora::{LoraConfig, LoraWeights, Target};
use crate::model::{Dropout, LossReduction, Model};
use crate::optim::{clip_grad_norm, lr_factor, AdamW, AdamWConfig, Schedule};
use crate::weights::{read_safetensors, write_atomic, write_safetensors, Tensor, TensorMap};

/// Everything a run needs (from CLI flags or a TOML file).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// An HF directory (config.json + *.safetensors) or a .gguf file.
    pub model: PathBuf,
    pub train_data: PathBuf,
    pub eval_data: Option<PathBuf>,
    pub out_dir: PathBuf,
    pub rank: usize,
    pub alpha: f32,
    pub dropout: f32,
    pub targets: Vec<Target>,
    pub lr: f32,
    pub weight_decay: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub schedule: Schedule,
    pub warmup_steps: u64,
    pub max_steps: u64,
    pub max_grad_norm: f32,
    pub batch_size: usize,
    pub grad_accum: usize,
    pub max_seq_len: usize,
    pub loss: LossReduction,
    pub seed: u64,
    pub eval_every: u64,
    pub save_every: u64,
    pub threads: usize,
    pub pad_id: u32,
    /// Stop after this many optimizer steps of this invocation (tests of resume); 0 = no limit.
    pub stop_after: u64,
    pub progress: bool,
    /// Recompute layer activations in the backward pass (less memory, ~30 % more compute).
    pub recompute: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            model: PathBuf::new(),
            train_data: PathBuf::new(),
            eval_data: None,
            out_dir: PathBuf::from("runs/lora"),
            rank: 8,
            alpha: 16.0,
            dropout: 0.0,
            targets: Target::ALL.to_vec(),
            lr: 2e-4,
            weight_decay: 0.0,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            schedule: Schedule::Cosine,
            warmup_steps: 0,
            max_steps: 100,
            max_grad_norm: 1.0,
            batch_size: 4,
            grad_accum: 1,
            max_seq_len: 1024,
            loss: LossReduction::TokenMean,
            seed: 0,
            eval_every: 0,
            save_every: 50,
            threads: 0,
            pad_id: 0,
            stop_after: 0,
            progress: true,
            recompute: true,
        }
    }
}

impl TrainConfig {
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Loads a base model from an HF directory or a GGUF file.
pub fn load_model(path: &Path) -> Result<Model> {
    if path.extension().is_some_and(|e| e == "gguf") {
        let f = GgufFile::open(path)?;
        let cfg = f.model_config()?;
        let tensors = f.hf_tensors(&cfg)?;
        Model::from_tensors(cfg, tensors)
    } else {
        Model::from_hf_dir(path)
    }
}

/// One line of metrics.jsonl.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StepMetrics {
    pub step: u64,
    /// Training loss of the step; NaN (written as null) on the step-0 row, which only carries
    /// the held-out loss before any update.
    #[serde(deserialize_with = "null_as_nan")]
    pub loss: f32,
    pub lr: f32,
    pub grad_norm: f32,
    pub tokens: usize,
    pub tokens_per_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_loss: Option<f32>,
}

fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f32, D::Error> {
    use serde::Deserialize;
    Ok(Option::<f32>::deserialize(d)?.unwrap_or(f32::NAN))
}

#[derive(Debug, Clone)]
pub struct TrainSummary {
    pub steps_done: u64,
    pub final_step: u64,
    pub last_loss: f32,
    pub eval_loss: Option<f32>,
    pub tokens_per_s: f64,
    pub adapter_dir: PathBuf,
}

const CHECKPOINT: &str = "checkpoint";

/// Runs (or resumes, when `out_dir/checkpoint` exists) a LoRA SFT run, on a rayon pool of
/// `cfg.threads` workers (0 = one per core). The loop itself runs on a worker, so the many small
/// parallel ops of a step do not each pay a hand-off from an outside thread.
pub fn train(cfg: &TrainConfig) -> Result<TrainSummary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| TrainerError::Data(format!("thread pool: {e}")))?;
    pool.install(|| train_on_pool(cfg))
}

fn train_on_pool(cfg: &TrainConfig) -> Result<TrainSummary> {
    let out = &cfg.out_dir;
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    if cfg.batch_size == 0 || cfg.grad_accum == 0 || cfg.rank == 0 {
        return Err(TrainerError::Data(
            "batch_size, grad_accum and rank must be > 0".into(),
        ));
    }
    let mut model = load_model(&cfg.model)?;
    model.recompute = cfg.recompute;
    let train_set = read_jsonl(&cfg.train_data, cfg.max_seq_len)?;
    let eval_set = match &cfg.eval_data {
        Some(p) => Some(read_jsonl(p, cfg.max_seq_len)?),
        None => None,
    };
    let be = CpuBackend::new(cfg.threads);
    let lcfg = LoraConfig {
        rank: cfg.rank,
        alpha: cfg.alpha,
        dropout: cfg.dropout,
        targets: cfg.targets.clone(),
    };
    let adam = AdamWConfig {
        lr: cfg.lr,
        beta1: cfg.beta1,
        beta2: cfg.beta2,
        eps: cfg.eps,
        weight_decay: cfg.weight_decay,
    };
    let (mut lora, mut opt, start) = match load_checkpoint(&out.join(CHECKPOINT), &model, adam)? {
        Some(state) => state,
        None => {
            let l = LoraWeights::init(lcfg.clone(), &model.config, cfg.seed);
            let o = AdamW::new(adam, &l);
            (l, o, 0)
        }
    };
    if lora.config != lcfg {
        return Err(TrainerError::Checkpoint(
            "the checkpoint's LoRA config differs from this run's".into(),
        ));
    }
    // Rows past the checkpoint belong to steps that are about to be redone.
    let metrics_path = out.join("metrics.jsonl");
    if metrics_path.exists() {
        let kept: String = read_metrics(&metrics_path)
            .unwrap_or_default()
            .iter()
            .filter(|r| r.step <= start)
            .filter_map(|r| serde_json::to_string(r).ok())
            .map(|l| l + "\n")
            .collect();
        write_atomic(&metrics_path, kept.as_bytes())?;
    }
    let mut metrics = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&metrics_path)
        .map_err(io_err(&metrics_path))?;
    let mut grads = lora.zeros_like();
    let bar = cfg.progress.then(|| progress_bar(start, cfg.max_steps));
    let t0 = Instant::now();
    let mut tokens_total = 0usize;
    let mut last = (f32::NAN, None);
    let mut step = start;
    // The held-out loss before any update (the base model: LoRA B starts at zero), so the curve
    // shows where training started from.
    if let (0, Some(e), true) = (start, &eval_set, cfg.eval_every > 0) {
        let e0 = eval_loss(&be, &model, &lora, e, cfg)?;
        let m = StepMetrics {
            step: 0,
            loss: f32::NAN,
            lr: 0.0,
            grad_norm: 0.0,
            tokens: 0,
            tokens_per_s: 0.0,
            eval_loss: Some(e0),
        };
        append_metrics(&mut metrics, &metrics_path, &m)?;
        if let Some(bar) = &bar {
            bar.println(format!("step 0: held-out loss {e0:.4}"));
        }
    }
    while step < cfg.max_steps {
        if cfg.stop_after > 0 && step - start >= cfg.stop_after {
            break;
        }
        let ts = Instant::now();
        grads.fill(0.0);
        let mut loss = 0.0f32;
        let mut tokens = 0;
        for a in 0..cfg.grad_accum as u64 {
            let index = step * cfg.grad_accum as u64 + a;
            let batch = collate(
                &micro_batch(&train_set, cfg.batch_size, cfg.seed, index),
                cfg.pad_id,
            );
            let dropout = (cfg.dropout > 0.0).then_some(Dropout {
                p: cfg.dropout,
                seed: cfg.seed ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D),
            });
            let o = model.loss_and_grad(
                &be,
                &lora,
                &batch,
                cfg.loss,
                dropout,
                1.0 / cfg.grad_accum as f32,
                &mut grads,
            )?;
            loss += o.loss / cfg.grad_accum as f32;
            tokens += batch.rows();
        }
        let grad_norm = clip_grad_norm(&mut grads, cfg.max_grad_norm);
        let lr = cfg.lr * lr_factor(cfg.schedule, step, cfg.warmup_steps, cfg.max_steps);
        opt.step(&mut lora, &grads, lr);
        step += 1;
        tokens_total += tokens;
        let tps = tokens as f64 / ts.elapsed().as_secs_f64().max(1e-9);
        let eval_loss = match &eval_set {
            Some(e)
                if (cfg.eval_every > 0 && step % cfg.eval_every == 0) || step == cfg.max_steps =>
            {
                Some(eval_loss(&be, &model, &lora, e, cfg)?)
            }
            _ => None,
        };
        let m = StepMetrics {
            step,
            loss,
            lr,
            grad_norm,
            tokens,
            tokens_per_s: tps,
            eval_loss,
        };
        append_metrics(&mut metrics, &metrics_path, &m)?;
        if let Some(bar) = &bar {
            let ev = eval_loss
                .map(|e| format!(" · held-out {e:.4}"))
                .unwrap_or_default();
            bar.set_message(format!("loss {loss:.4}{ev} · {tps:.0} tok/s"));
            bar.set_position(step);
        }
        last = (loss, eval_loss.or(last.1));
        if (cfg.save_every > 0 && step % cfg.save_every == 0) || step == cfg.max_steps {
            save_checkpoint(&out.join(CHECKPOINT), &lora, &opt, step, &cfg.model)?;
        }
    }
    if let Some(bar) = bar {
        bar.finish();
    }
    let adapter_dir = out.join("adapter");
    if step == cfg.max_steps {
        save_peft_adapter(&adapter_dir, &lora, &cfg.model.display().to_string())?;
        let rows = read_metrics(&metrics_path)?;
        crate::plot::loss_curve_png(&out.join("loss.png"), &rows)?;
    }
    Ok(TrainSummary {
        steps_done: step - start,
        final_step: step,
        last_loss: last.0,
        eval_loss: last.1,
        tokens_per_s: tokens_total as f64 / t0.elapsed().as_secs_f64().max(1e-9),
        adapter_dir,
    })
}

/// One line of metrics.jsonl.
fn append_metrics(file: &mut std::fs::File, path: &Path, m: &StepMetrics) -> Result<()> {
    let line = serde_json::to_string(m).map_err(|e| TrainerError::Data(e.to_string()))?;
    writeln!(file, "{line}").map_err(io_err(path))
}

/// Token-mean loss over a held-out set.
pub fn eval_loss(
    be: &dyn Backend,
    model: &Model,
    lora: &LoraWeights,
    data: &[Example],
    cfg: &TrainConfig,
) -> Result<f32> {
    let (mut sum, mut count) = (0.0f64, 0usize);
    for chunk in data.chunks(cfg.batch_size.max(1)) {
        let refs: Vec<&Example> = chunk.iter().collect();
        let batch = collate(&refs, cfg.pad_id);
        let o = model.loss(be, Some(lora), &batch, LossReduction::TokenMean)?;
        sum += o.loss as f64 * o.tokens as f64;
        count += o.tokens;
    }
    Ok((sum / count.max(1) as f64) as f32)
}

/// The training progress bar (on stderr, drawn only on a terminal): steps, loss, held-out loss,
/// tokens/s, elapsed time and an ETA from this run's own pace (a resumed run starts at its step).
fn progress_bar(start: u64, total: u64) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "[{bar:30}] {pos}/{len} steps · {msg} · {elapsed_precise}, ETA {eta_precise}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("#>-");
    let bar = indicatif::ProgressBar::new(total).with_style(style);
    bar.set_position(start);
    bar.reset_eta();
    bar
}

pub fn read_metrics(path: &Path) -> Result<Vec<StepMetrics>> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .map_err(|e| TrainerError::Data(format!("{}: {e}", path.display())))
        })
        .collect()
}

fn save_checkpoint(
    dir: &Path,
    lora: &LoraWeights,
    opt: &AdamW,
    step: u64,
    base: &Path,
) -> Result<()> {
    let tmp = dir.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    save_peft_adapter(&tmp.join("adapter"), lora, &base.display().to_string())?;
    let mut moments = TensorMap::new();
    for (prefix, w) in [("m", &opt.m), ("v", &opt.v)] {
        for (name, shape, data) in w.named() {
            moments.insert(format!("{prefix}.{name}"), Tensor::new(shape, data.clone()));
        }
    }
    write_safetensors(&tmp.join("optimizer.safetensors"), &moments, None)?;
    let state = serde_json::json!({ "step": step, "adam_step": opt.step });
    write_atomic(&tmp.join("state.json"), state.to_string().as_bytes())?;
    // Swap in the new checkpoint; a crash in between leaves `checkpoint.old` to resume from.
    let old = dir.with_extension("old");
    let _ = std::fs::remove_dir_all(&old);
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(io_err(dir))?;
    }
    std::fs::rename(&tmp, dir).map_err(io_err(dir))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

type Resumed = (LoraWeights, AdamW, u64);

fn load_checkpoint(dir: &Path, model: &Model, adam: AdamWConfig) -> Result<Option<Resumed>> {
    let dir = if dir.exists() {
        dir.to_path_buf()
    } else if dir.with_extension("old").exists() {
        dir.with_extension("old")
    } else {
        return Ok(None);
    };
    let lora = load_peft_adapter(&dir.join("adapter"), &model.config)?;
    let state_path = dir.join("state.json");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).map_err(io_err(&state_path))?)
            .map_err(|source| TrainerError::Json {
            path: state_path.clone(),
            source,
        })?;
    let step = state["step"]
        .as_u64()
        .ok_or_else(|| TrainerError::Checkpoint("state.json: no step".into()))?;
    let mut opt = AdamW::new(adam, &lora);
    opt.step = state["adam_step"].as_u64().unwrap_or(step);
    let mut moments = read_safetensors(&dir.join("optimizer.safetensors"))?;
    for (prefix, w) in [("m", &mut opt.m), ("v", &mut opt.v)] {
        let mut sub: TensorMap = TensorMap::new();
        let keys: Vec<String> = moments
            .keys()
            .filter(|k| k.starts_with(&format!("{prefix}.")))
            .cloned()
            .collect();
        for k in keys {
            if let Some(t) = moments.remove(&k) {
                sub.insert(k[prefix.len() + 1..].to_string(), t);
            }
        }
        w.load_named(&mut sub)
            .map_err(|e| TrainerError::Checkpoint(e.to_string()))?;
    }
    Ok(Some((lora, opt, step)))
}
