//! `env0 data`: SFT data from eval results. `build` filters results.jsonl rows into prime-rl,
//! OpenAI and LLaMA-Factory ShareGPT files with a manifest; `validate` checks a data file's
//! tool-use contract; `tokenize` turns rows into token ids + loss masks for `env0 train`;
//! `audit` proves the rows tokenize exactly like the runtime's prompts.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Result};
use clap::{ArgAction, Args, Subcommand, ValueEnum};
use env0_core::eval::load_tasks;
use env0_core::tools::Profile;
use env0_sft::TaskList;
use env0_sft::{
    audit_file, build, load_chat_format, tokenize_file, validate_file, AuditOptions, BuildOptions,
    RowMode, TokenizeOptions, Truncate, ValidateOptions,
};

#[derive(Args)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
}

#[derive(Subcommand)]
enum DataCommand {
    /// Filter eval results into SFT files: prime.jsonl, openai.jsonl, sharegpt.json +
    /// dataset_info.json, and manifest.json (inputs, counts, rejects by reason, hashes).
    Build(BuildArgs),
    /// Check the tool-use contract of a data file (prime, openai or ShareGPT, detected); prints
    /// FILE:LINE: [rule] problem, exits 1 on any.
    Validate(ValidateArgs),
    /// Rows (openai.jsonl or prime.jsonl) → {"input_ids", "loss_mask"} JSONL for `env0 train`,
    /// loss on assistant turns only.
    Tokenize(TokenizeArgs),
    /// Prove that training rows tokenize like the runtime's prompts (the first prompt rebuilt
    /// from the task, and every later turn); exits 1 on any mismatch.
    Audit(AuditArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum RowsArg {
    /// One row per episode; every assistant turn trained.
    Rollout,
    /// One row per assistant turn, the conversation before it as untrained context.
    Exchange,
}

#[derive(Clone, Copy, ValueEnum)]
enum TruncateArg {
    Right,
    Drop,
}

#[derive(Args)]
struct BuildArgs {
    /// A results.jsonl file or an eval run directory; repeat for several (the first wins on a
    /// duplicate (task, trial)).
    #[arg(long = "results", required = true, action = ArgAction::Append)]
    results: Vec<PathBuf>,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Keep episodes with at least this reward.
    #[arg(long, default_value_t = 1.0)]
    min_reward: f64,
    /// Keep episodes in which a safety gate tripped.
    #[arg(long)]
    keep_unsafe: bool,
    /// Drop episodes without a tool call (`--require-tool-calls false` keeps them).
    #[arg(long, default_value_t = true, action = ArgAction::Set)]
    require_tool_calls: bool,
    /// Keep episodes in which a tool call was unreadable or rejected.
    #[arg(long)]
    keep_invalid_calls: bool,
    /// Only these tasks: a file with one task id per line (# comments allowed).
    #[arg(long)]
    tasks: Option<PathBuf>,
    /// Only this split (train, eval, heldout_template, heldout_params).
    #[arg(long)]
    split: Option<String>,
    #[arg(long, value_enum, default_value_t = RowsArg::Rollout)]
    rows: RowsArg,
}

#[derive(Args)]
struct ValidateArgs {
    file: PathBuf,
    /// Accept reasoning (reasoning_content, <think>) — for data meant for thinking runs.
    #[arg(long)]
    allow_reasoning: bool,
}

#[derive(Args)]
struct FormatArgs {
    /// The model whose chat format renders the rows: a .gguf file or a HF directory.
    #[arg(long)]
    model: PathBuf,
    /// Chat family override (qwen2.5, qwen3, qwen3.5, gemma4, smollm2, chatml).
    #[arg(long)]
    chat_family: Option<String>,
    /// Render with thinking on, as `env0 eval --think` does (off otherwise, like the runtime).
    #[arg(long)]
    think: bool,
}

#[derive(Args)]
struct TokenizeArgs {
    #[command(flatten)]
    format: FormatArgs,
    /// openai.jsonl or prime.jsonl from `env0 data build`.
    #[arg(long)]
    data: PathBuf,
    /// Output JSONL ({"input_ids": [...], "loss_mask": [...]}).
    #[arg(long)]
    out: PathBuf,
    /// Longest example in tokens (give `env0 train --max-seq-len` at least this).
    #[arg(long)]
    max_len: Option<usize>,
    /// Longer examples: keep the first tokens (right) or leave them out (drop).
    #[arg(long, value_enum, default_value_t = TruncateArg::Right)]
    truncate: TruncateArg,
    /// Pack whole examples into sequences of at most N tokens.
    #[arg(long)]
    pack: Option<usize>,
    /// Shuffle examples before packing.
    #[arg(long)]
    shuffle_seed: Option<u64>,
    /// Hold out this share of the tasks (rows grouped by their system + user prompt) for the
    /// eval loss; needs --eval-out.
    #[arg(long, default_value_t = 0.0)]
    eval_fraction: f64,
    /// Where the held-out examples go (for `env0 train --eval-data`).
    #[arg(long)]
    eval_out: Option<PathBuf>,
}

#[derive(Args)]
struct AuditArgs {
    #[command(flatten)]
    format: FormatArgs,
    /// openai.jsonl or prime.jsonl from `env0 data build`.
    #[arg(long)]
    data: PathBuf,
    /// The task set the rows were collected on.
    #[arg(long, default_value = "tasks-lite")]
    tasks: PathBuf,
    /// Tool profile of the run (native or rest).
    #[arg(long, default_value = "native")]
    profile: String,
    /// Audit at most N rows.
    #[arg(long)]
    limit: Option<usize>,
}

pub fn run(args: DataArgs) -> Result<i32> {
    match args.command {
        DataCommand::Build(a) => run_build(a),
        DataCommand::Validate(a) => run_validate(a),
        DataCommand::Tokenize(a) => run_tokenize(a),
        DataCommand::Audit(a) => run_audit(a),
    }
}

fn run_build(a: BuildArgs) -> Result<i32> {
    let opts = BuildOptions {
        min_reward: a.min_reward,
        keep_unsafe: a.keep_unsafe,
        require_tool_calls: a.require_tool_calls,
        keep_invalid_calls: a.keep_invalid_calls,
        tasks: a.tasks.as_deref().map(TaskList::read).transpose()?,
        split: a.split,
        rows: match a.rows {
            RowsArg::Rollout => RowMode::Rollout,
            RowsArg::Exchange => RowMode::Exchange,
        },
    };
    let outcome = build(&a.results, &a.out, &opts)?;
    for note in &outcome.notes {
        eprintln!("env0 data build: {note}");
    }
    let m = &outcome.manifest;
    println!(
        "kept {} of {} episodes → {} rows in {}",
        m.counts.kept,
        m.counts.read,
        m.counts.rows,
        a.out.display()
    );
    if !m.rejects.is_empty() {
        let reasons: Vec<String> = m.rejects.iter().map(|(r, n)| format!("{r} {n}")).collect();
        println!("rejected {}: {}", m.counts.rejected, reasons.join(", "));
    }
    for (family, c) in &m.families {
        println!(
            "  {family:<8} kept {:>5} / {:>5}  rows {:>6}",
            c.kept, c.read, c.rows
        );
    }
    if m.counts.sharegpt_text_dropped > 0 {
        println!(
            "note: {} ShareGPT rows lost assistant text written next to a tool call",
            m.counts.sharegpt_text_dropped
        );
    }
    if m.counts.kept == 0 {
        eprintln!("env0 data build: warning: no episode kept");
    }
    Ok(0)
}

fn run_validate(a: ValidateArgs) -> Result<i32> {
    let report = validate_file(
        &a.file,
        &ValidateOptions {
            allow_reasoning: a.allow_reasoning,
        },
    )?;
    for p in &report.problems {
        println!("{}:{p}", a.file.display());
    }
    let bad_rows = report
        .problems
        .iter()
        .map(|p| p.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    println!(
        "{}: {} rows ({}), {} problems in {} rows",
        a.file.display(),
        report.rows,
        report.format.name(),
        report.problems.len(),
        bad_rows
    );
    Ok(if report.problems.is_empty() { 0 } else { 1 })
}

fn run_tokenize(a: TokenizeArgs) -> Result<i32> {
    let format = load_chat_format(&a.format.model, a.format.chat_family.as_deref())?;
    let opts = TokenizeOptions {
        max_len: a.max_len,
        truncate: match a.truncate {
            TruncateArg::Right => Truncate::Right,
            TruncateArg::Drop => Truncate::Drop,
        },
        pack: a.pack,
        shuffle_seed: a.shuffle_seed,
        eval_fraction: a.eval_fraction,
        enable_thinking: Some(a.format.think),
    };
    let r = tokenize_file(&format, &a.data, &a.out, a.eval_out.as_deref(), &opts)?;
    println!("{} rows, chat family {}", r.rows, format.family.name());
    let sides = [
        (a.out.clone(), Some(&r.train)),
        (a.eval_out.clone().unwrap_or_default(), r.eval.as_ref()),
    ];
    for (path, side) in sides {
        let Some(s) = side else { continue };
        println!(
            "{}: {} examples from {} tasks → {} sequences, {} tokens ({} trained), {} truncated, {} dropped (too long), {} dropped (no trained token)",
            path.display(),
            s.examples,
            s.groups,
            s.sequences,
            s.tokens,
            s.loss_tokens,
            s.truncated,
            s.dropped_too_long,
            s.dropped_no_loss
        );
    }
    Ok(0)
}

fn run_audit(a: AuditArgs) -> Result<i32> {
    let format = load_chat_format(&a.format.model, a.format.chat_family.as_deref())?;
    let profile = match a.profile.as_str() {
        "native" => Profile::Native,
        "rest" => Profile::Rest,
        other => bail!("unknown profile '{other}' (native or rest)"),
    };
    let tasks = load_tasks(&a.tasks).map_err(|e| anyhow!(e))?;
    let opts = AuditOptions {
        limit: a.limit,
        enable_thinking: Some(a.format.think),
        profile,
    };
    let r = audit_file(&format, &a.data, &tasks, &opts)?;
    println!(
        "audited {} rows, {} prompts ({} tokens) with the {} chat format: {} mismatches",
        r.rows,
        r.turns,
        r.tokens,
        format.family.name(),
        r.mismatches.len()
    );
    for m in r.mismatches.iter().take(5) {
        println!(
            "{}:{}: message {}: {} (token {})\n  runtime:  {}\n  training: {}",
            a.data.display(),
            m.line,
            m.turn,
            m.what,
            m.position,
            m.runtime,
            m.training
        );
    }
    if r.mismatches.len() > 5 {
        println!("… and {} more", r.mismatches.len() - 5);
    }
    Ok(if r.mismatches.is_empty() { 0 } else { 1 })
}
