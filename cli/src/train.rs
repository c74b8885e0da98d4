//! `env0 train` (LoRA SFT, flags or a TOML file) and `env0 merge` (base + adapter → merged
//! safetensors with the base's names and config).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use env0_trainer::Schedule;
use env0_trainer::{train, TrainConfig};
use env0_trainer::{LossReduction, Target};

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// A TOML file with the run's settings (keys as the long flags, with underscores); flags given
    /// on the command line override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Base model: an HF directory (config.json + *.safetensors) or a .gguf file.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Tokenized examples, JSONL: {"input_ids": [...], "labels" | "loss_mask": [...]}.
    #[arg(long)]
    train_data: Option<PathBuf>,
    /// Held-out examples (same format) for the eval loss.
    #[arg(long)]
    eval_data: Option<PathBuf>,
    /// Output directory: metrics.jsonl, loss.png, checkpoint/, adapter/. An existing checkpoint
    /// there is resumed.
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    rank: Option<usize>,
    #[arg(long)]
    alpha: Option<f32>,
    #[arg(long)]
    dropout: Option<f32>,
    /// Comma-separated: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj.
    #[arg(long, value_delimiter = ',')]
    targets: Option<Vec<String>>,
    #[arg(long)]
    lr: Option<f32>,
    #[arg(long)]
    weight_decay: Option<f32>,
    /// cosine, linear or constant.
    #[arg(long)]
    schedule: Option<String>,
    #[arg(long)]
    warmup_steps: Option<u64>,
    #[arg(long)]
    max_steps: Option<u64>,
    #[arg(long)]
    max_grad_norm: Option<f32>,
    #[arg(long)]
    batch_size: Option<usize>,
    #[arg(long)]
    grad_accum: Option<usize>,
    #[arg(long)]
    max_seq_len: Option<usize>,
    /// token-mean or sample-mean.
    #[arg(long)]
    loss: Option<String>,
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long)]
    eval_every: Option<u64>,
    #[arg(long)]
    save_every: Option<u64>,
    /// Worker threads (0 = all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Stop after this many steps of this invocation (resume later).
    #[arg(long)]
    stop_after: Option<u64>,
    /// Keep every layer's activations instead of recomputing them in the backward pass.
    #[arg(long)]
    no_recompute: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Base model: an HF directory or a .gguf file.
    #[arg(long)]
    model: PathBuf,
    /// PEFT adapter directory (adapter_config.json + adapter_model.safetensors).
    #[arg(long)]
    adapter: PathBuf,
    /// Output HF directory (config.json + model.safetensors, f32).
    #[arg(long)]
    out: PathBuf,
}

fn config_from(args: TrainArgs) -> Result<TrainConfig> {
    let mut c = match &args.config {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            TrainConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => TrainConfig::default(),
    };
    macro_rules! set {
        ($($f:ident => $g:ident),*) => {$( if let Some(v) = args.$f { c.$g = v; } )*};
    }
    set!(model => model, train_data => train_data, out => out_dir, rank => rank, alpha => alpha,
         dropout => dropout, lr => lr, weight_decay => weight_decay, warmup_steps => warmup_steps,
         max_steps => max_steps, max_grad_norm => max_grad_norm, batch_size => batch_size,
         grad_accum => grad_accum, max_seq_len => max_seq_len, seed => seed,
         eval_every => eval_every, save_every => save_every, threads => threads,
         stop_after => stop_after);
    if args.eval_data.is_some() {
        c.eval_data = args.eval_data;
    }
    if let Some(t) = args.targets {
        c.targets = t
            .iter()
            .map(|s| Target::from_module(s.trim()).with_context(|| format!("unknown target {s}")))
            .collect::<Result<_>>()?;
    }
    if let Some(s) = args.schedule {
        c.schedule = match s.as_str() {
            "cosine" => Schedule::Cosine,
            "linear" => Schedule::Linear,
            "constant" => Schedule::Constant,
            other => bail!("unknown schedule {other}"),
        };
    }
    if let Some(l) = args.loss {
        c.loss = match l.as_str() {
            "token-mean" => LossReduction::TokenMean,
            "sample-mean" => LossReduction::SampleMean,
            other => bail!("unknown loss reduction {other}"),
        };
    }
    if args.no_recompute {
        c.recompute = false;
    }
    if args.quiet {
        c.progress = false;
    }
    if c.model.as_os_str().is_empty() || c.train_data.as_os_str().is_empty() {
        bail!("--model and --train-data are required (flags or TOML)");
    }
    Ok(c)
}

pub fn run_train(args: TrainArgs) -> Result<i32> {
    let cfg = config_from(args)?;
    let s = train(&cfg)?;
    println!(
        "{} steps (now at {}), last loss {:.4}{}, {:.0} tokens/s",
        s.steps_done,
        s.final_step,
        s.last_loss,
        s.eval_loss
            .map(|e| format!(", eval loss {e:.4}"))
            .unwrap_or_default(),
        s.tokens_per_s
    );
    if s.final_step == cfg.max_steps {
        println!("adapter: {}", s.adapter_dir.display());
    }
    Ok(0)
}

pub fn run_merge(args: MergeArgs) -> Result<i32> {
    let mut model = env0_trainer::load_model(&args.model)?;
    let lora = env0_trainer::load_peft_adapter(&args.adapter, &model.config)?;
    env0_trainer::merge_into(&mut model, &lora);
    env0_trainer::save_merged(&args.out, &model, &args.model)?;
    println!("merged model: {}", args.out.display());
    if !args.model.is_dir() {
        println!(
            "note: the base is a GGUF file, so the merged directory has no tokenizer.json; \
             copy the original model's tokenizer files next to it before loading it"
        );
    }
    Ok(0)
}
