//! `env0 eval`: run a task set with a model k times into DIR/results.jsonl (resumable after a
//! kill), then write DIR/report.md and DIR/report.json. `env0 eval compare A B` pairs two runs;
//! `env0 eval report DIR` rewrites a report.
//!
//! Models: `oracle`, `replay:RESULTS.jsonl`, `remote[:MODEL]` (OpenAI-compatible; URL, model and
//! key from flags or ENV0_REMOTE_URL / ENV0_REMOTE_MODEL / ENV0_REMOTE_KEY), `default` (the
//! SmolLM2-135M-Instruct Q4_1 GGUF from the fixture cache) or a path to a GGUF file / HF
//! safetensors directory (both need a build with `--features local`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use env0_core::agent::{EpisodeConfig, Model, RemoteConfig, RemoteModel};
use env0_core::eval::{
    claim_run_dir, compare, load_tasks, run_eval, select, selected_rows, write_report,
    OracleWorker, Progress, ReplayWorker, ResultRow, ResultsLog, RunConfig, ScriptWorker,
    TaskFilter, WorkerModels,
};
use env0_core::tasks::exploits::{exploit_script, nothing_script, ExploitKind};
use env0_core::tasks::world::prove_all;
use env0_core::tasks::Script;
use env0_core::tasks::Task;
use env0_core::tools::Profile;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: Option<EvalCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Paired comparison of two runs (directories or results.jsonl files): exact McNemar on
    /// strict passes and a bootstrap CI of the reward difference (B − A).
    Compare {
        a: PathBuf,
        b: PathBuf,
        /// Also write the comparison as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        #[arg(long, default_value_t = 10_000)]
        resamples: usize,
    },
    /// Rewrite DIR/report.md and DIR/report.json from DIR/results.jsonl.
    Report { dir: PathBuf },
}

#[derive(Args)]
struct RunArgs {
    /// oracle | nothing | exploit:KIND (extra_row, decoy, claim_only, drop_last: the wrong runs
    /// `env0 tasks verify` derives, played through the episode loop) | replay:FILE |
    /// remote[:MODEL] | default | PATH (.gguf file or HF directory).
    #[arg(long, default_value = "oracle")]
    model: String,
    /// Tasks: a directory of task files, a .jsonl of tasks or one task file.
    #[arg(long, default_value = "tasks-lite")]
    tasks: PathBuf,
    /// Output directory (results.jsonl, report.md, report.json, run.json).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only this split: train, eval, heldout_template, heldout_params.
    #[arg(long)]
    split: Option<String>,
    /// Only this task family: auth, gmail, gcal, gdoc, gdrive, multi, slack.
    #[arg(long)]
    family: Option<String>,
    /// Only this template.
    #[arg(long)]
    template: Option<String>,
    /// At most N tasks, dealt round-robin across families and templates.
    #[arg(long)]
    limit: Option<usize>,
    /// Trials per task.
    #[arg(short = 'k', long, default_value_t = 1)]
    k: u32,
    /// Worker threads, each with its own worlds (and, for remote models, its own connection).
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Tool surface: native (per-app function tools) or rest (one generic request tool).
    #[arg(long, default_value = "native")]
    profile: String,
    /// Base seed (each task and trial derives its own).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Most tokens per model reply.
    #[arg(long, default_value_t = 512)]
    max_tokens: u32,
    /// Sampling temperature (local: 0 = greedy; remote: left to the server when unset).
    #[arg(long)]
    temperature: Option<f64>,
    #[arg(long, default_value_t = 1.0)]
    top_p: f64,
    /// Remote base URL, e.g. http://127.0.0.1:8000/v1.
    #[arg(long, env = "ENV0_REMOTE_URL")]
    remote_url: Option<String>,
    /// Remote model name (or give it as remote:MODEL).
    #[arg(long, env = "ENV0_REMOTE_MODEL")]
    remote_model: Option<String>,
    #[arg(long, env = "ENV0_REMOTE_KEY", hide_env_values = true)]
    remote_key: Option<String>,
    /// Remote request timeout in seconds.
    #[arg(long, default_value_t = 120)]
    remote_timeout: u64,
    /// Local: a PEFT LoRA adapter directory (llama GGUF).
    #[arg(long)]
    lora: Option<PathBuf>,
    /// Local: chat family override (qwen2.5, qwen3, qwen3.5, gemma4, smollm2, chatml).
    #[arg(long)]
    chat_family: Option<String>,
    /// Local: in-situ quantization for safetensors models (q4k, q8_0…).
    #[arg(long)]
    isq: Option<String>,
    /// Local: compute dtype (auto, f32, bf16, f16; auto lets mistralrs choose, which is F16 on
    /// many CPUs). For a GGUF file it is the activation dtype; the weights keep their types.
    #[arg(long)]
    dtype: Option<String>,
    /// Local: context window to enforce (default: the model's).
    #[arg(long)]
    context: Option<usize>,
    /// Local: let thinking models think (Qwen3 `enable_thinking`).
    #[arg(long)]
    think: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub fn run(args: EvalArgs) -> Result<i32> {
    match args.command {
        Some(EvalCommand::Compare {
            a,
            b,
            json,
            resamples,
        }) => run_compare(&a, &b, json.as_deref(), resamples),
        Some(EvalCommand::Report { dir }) => {
            let rows = read_rows(&dir)?;
            let report = write_report(&dir, &rows)?;
            print!("{}", report.to_markdown());
            Ok(0)
        }
        None => run_eval_command(args.run),
    }
}

fn results_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("results.jsonl")
    } else {
        p.to_path_buf()
    }
}

fn read_rows(p: &Path) -> Result<Vec<ResultRow>> {
    let path = results_path(p);
    if !path.exists() {
        bail!("{}: no results.jsonl", p.display());
    }
    let log = ResultsLog::<ResultRow>::open(&path)?;
    Ok(log.rows().to_vec())
}

/// The scripts of `nothing` or `exploit:KIND` for `tasks`, by task id. extra_row and decoy are
/// found by proving each task (as `env0 tasks verify` does).
fn scripted_runs(name: &str, tasks: &[Task]) -> Result<BTreeMap<String, Script>> {
    if name == "nothing" {
        return Ok(tasks
            .iter()
            .map(|t| (t.id.clone(), nothing_script()))
            .collect());
    }
    let kind: ExploitKind = name
        .trim_start_matches("exploit:")
        .parse()
        .map_err(|e: String| anyhow!(e))?;
    let proofs = if matches!(kind, ExploitKind::ExtraRow | ExploitKind::Decoy) {
        eprintln!(
            "{name}: proving {} tasks to find their extra writes",
            tasks.len()
        );
        let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
        prove_all(tasks, Profile::Native, jobs, &|_, _| {})
    } else {
        Vec::new()
    };
    Ok(tasks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| exploit_script(t, kind, proofs.get(i)).map(|s| (t.id.clone(), s)))
        .collect())
}

fn run_compare(a: &Path, b: &Path, json_out: Option<&Path>, resamples: usize) -> Result<i32> {
    let (ra, rb) = (read_rows(a)?, read_rows(b)?);
    let c = compare(&ra, &rb, resamples, 0);
    print!("{}", c.to_markdown());
    if let Some(path) = json_out {
        std::fs::write(path, serde_json::to_string_pretty(&c)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(0)
}

/// The default model: SmolLM2-135M-Instruct Q4_1 from the fixture cache
/// (`scripts/fetch-fixtures.sh chat`).
pub fn default_model_path() -> PathBuf {
    env0_fixtures::path(env0_fixtures::SMOLLM2_GGUF)
}

enum ModelSpec {
    Oracle,
    /// `nothing` (no call, no message) or `exploit:KIND`: scripted wrong runs.
    Scripted(String),
    Replay(PathBuf),
    Remote(RemoteConfig),
    Local(PathBuf),
}

fn parse_model(a: &RunArgs) -> Result<ModelSpec> {
    let m = a.model.as_str();
    if m == "oracle" {
        return Ok(ModelSpec::Oracle);
    }
    if m == "nothing" {
        return Ok(ModelSpec::Scripted(m.to_string()));
    }
    if let Some(kind) = m.strip_prefix("exploit:") {
        kind.parse::<ExploitKind>().map_err(|e| anyhow!(e))?;
        return Ok(ModelSpec::Scripted(m.to_string()));
    }
    if let Some(file) = m.strip_prefix("replay:") {
        return Ok(ModelSpec::Replay(results_path(Path::new(file))));
    }
    if m == "remote" || m.starts_with("remote:") {
        let name = m
            .strip_prefix("remote:")
            .map(str::to_string)
            .or_else(|| a.remote_model.clone())
            .ok_or_else(|| {
                anyhow!("remote: give a model as remote:MODEL, --remote-model or ENV0_REMOTE_MODEL")
            })?;
        let url = a.remote_url.clone().ok_or_else(|| {
            anyhow!("remote: give a base URL with --remote-url or ENV0_REMOTE_URL")
        })?;
        let mut cfg = RemoteConfig::new(url, name);
        cfg.api_key = a.remote_key.clone();
        cfg.timeout = Duration::from_secs(a.remote_timeout);
        cfg.temperature = a.temperature;
        return Ok(ModelSpec::Remote(cfg));
    }
    let path = if m == "default" {
        let p = default_model_path();
        if !p.exists() {
            bail!(
                "the default model is not in the fixture cache ({}): run scripts/fetch-fixtures.sh chat",
                p.display()
            );
        }
        p
    } else {
        PathBuf::from(m)
    };
    if !path.exists() {
        bail!("model '{m}': not oracle, nothing, exploit:KIND, replay:FILE, remote[:MODEL], default, or an existing path");
    }
    Ok(ModelSpec::Local(path))
}

struct RemoteWorker(RemoteModel);

impl WorkerModels for RemoteWorker {
    fn model(&mut self, _task: &Task, _trial: u32, seed: u64) -> Result<&mut dyn Model, String> {
        self.0.set_seed(Some(seed));
        Ok(&mut self.0)
    }
}

#[cfg(feature = "local")]
mod local {
    use super::*;
    use env0_chat::Family;
    use env0_core::agent::local::{LocalConfig, LocalEngine, LocalModel};
    use std::sync::Arc;

    pub struct LocalWorker(pub LocalModel);

    impl WorkerModels for LocalWorker {
        fn model(
            &mut self,
            _task: &Task,
            _trial: u32,
            seed: u64,
        ) -> Result<&mut dyn Model, String> {
            self.0.set_seed(seed);
            Ok(&mut self.0)
        }
    }

    pub fn config(path: &Path, a: &RunArgs) -> Result<LocalConfig> {
        let mut cfg = LocalConfig::new(path);
        cfg.family = match &a.chat_family {
            None => None,
            Some(name) => {
                Some(Family::by_name(name).ok_or_else(|| anyhow!("unknown chat family '{name}'"))?)
            }
        };
        cfg.lora = a.lora.clone();
        cfg.isq = a.isq.clone();
        cfg.dtype = a.dtype.clone();
        cfg.temperature = a.temperature.unwrap_or(0.0);
        cfg.top_p = a.top_p;
        cfg.enable_thinking = Some(a.think);
        cfg.context = a.context;
        cfg.max_seqs = a.workers.max(1);
        Ok(cfg)
    }

    pub fn load(cfg: &LocalConfig) -> Result<Arc<LocalEngine>> {
        Ok(Arc::new(LocalEngine::load(cfg).map_err(|e| anyhow!(e))?))
    }
}

fn run_eval_command(a: RunArgs) -> Result<i32> {
    let out = a
        .out
        .clone()
        .ok_or_else(|| anyhow!("--out DIR is required"))?;
    let profile = match a.profile.as_str() {
        "native" => Profile::Native,
        "rest" => Profile::Rest,
        other => bail!("unknown profile '{other}' (native or rest)"),
    };
    if a.k == 0 {
        bail!("-k must be at least 1");
    }
    let spec = parse_model(&a)?;
    let all = load_tasks(&a.tasks).map_err(|e| anyhow!(e))?;
    let filter = TaskFilter {
        split: a.split.clone(),
        family: a.family.clone(),
        template: a.template.clone(),
        limit: a.limit,
    };
    let mut tasks = select(&all, &filter);
    // Scripted wrong runs: one script per task; tasks the exploit does not apply to are left out
    // (and counted), never run as something else.
    let scripts = match &spec {
        ModelSpec::Scripted(name) => {
            let scripts = scripted_runs(name, &tasks)?;
            let before = tasks.len();
            tasks.retain(|t| scripts.contains_key(&t.id));
            eprintln!(
                "{name}: {} of {before} selected tasks have such a run",
                tasks.len()
            );
            Some(std::sync::Arc::new(scripts))
        }
        _ => None,
    };
    if tasks.is_empty() {
        bail!(
            "no tasks selected from {} ({} loaded)",
            a.tasks.display(),
            all.len()
        );
    }
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    check_run_file(&out, &a)?;
    let mut log = ResultsLog::<ResultRow>::open(&out.join("results.jsonl"))?;
    let config = RunConfig {
        k: a.k,
        workers: a.workers.max(1),
        episode: EpisodeConfig {
            profile,
            max_tokens: a.max_tokens,
            ..EpisodeConfig::default()
        },
        seed: a.seed,
        ..RunConfig::default()
    };

    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} ETA {eta} · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    };
    let on_progress = |p: &Progress| {
        bar.set_length(p.todo as u64);
        bar.set_position(p.done as u64);
        let rate = if p.graded == 0 {
            0.0
        } else {
            100.0 * p.passed as f64 / p.graded as f64
        };
        let tps = if p.generation_ms > 0.0 {
            p.tokens_out as f64 / (p.generation_ms / 1000.0)
        } else {
            0.0
        };
        bar.set_message(format!(
            "pass {}/{} ({rate:.1} %) · infra {} · {tps:.1} tok/s{}",
            p.passed,
            p.graded,
            p.infra_errors,
            if p.resumed > 0 {
                format!(" · {} resumed", p.resumed)
            } else {
                String::new()
            }
        ));
    };

    let written = match spec {
        ModelSpec::Scripted(name) => {
            let scripts = scripts.unwrap_or_default();
            run_eval(
                &tasks,
                &config,
                &mut log,
                &|_| Ok(Box::new(ScriptWorker::new(&name, scripts.clone())) as Box<dyn WorkerModels>),
                &on_progress,
            )?
        }
        ModelSpec::Oracle => run_eval(
            &tasks,
            &config,
            &mut log,
            &|_| Ok(Box::new(OracleWorker::default()) as Box<dyn WorkerModels>),
            &on_progress,
        )?,
        ModelSpec::Replay(path) => {
            let recordings = ReplayWorker::load(&path).map_err(|e| anyhow!(e))?;
            run_eval(
                &tasks,
                &config,
                &mut log,
                &|_| {
                    Ok(Box::new(ReplayWorker::new(recordings.clone())) as Box<dyn WorkerModels>)
                },
                &on_progress,
            )?
        }
        ModelSpec::Remote(cfg) => run_eval(
            &tasks,
            &config,
            &mut log,
            &|_| Ok(Box::new(RemoteWorker(RemoteModel::new(cfg.clone()))) as Box<dyn WorkerModels>),
            &on_progress,
        )?,
        #[cfg(feature = "local")]
        ModelSpec::Local(path) => {
            let cfg = local::config(&path, &a)?;
            if !a.quiet {
                eprintln!("loading {} …", path.display());
            }
            let engine = local::load(&cfg)?;
            run_eval(
                &tasks,
                &config,
                &mut log,
                &|_| {
                    Ok(Box::new(local::LocalWorker(
                        env0_core::agent::local::LocalModel::new(engine.clone(), &cfg),
                    )) as Box<dyn WorkerModels>)
                },
                &on_progress,
            )?
        }
        #[cfg(not(feature = "local"))]
        ModelSpec::Local(path) => bail!(
            "{}: local models need the mistralrs backend, which this env0 was built without. \
             Build it with: RUSTFLAGS=\"-C target-cpu=native\" cargo build --release -p env0-cli --features local",
            path.display()
        ),
    };
    bar.finish_and_clear();

    let rows = selected_rows(&log, &tasks, a.k);
    let report = write_report(&out, &rows)?;
    let o = &report.overall;
    println!(
        "{}: {} rows ({} new) · strict pass {:.1} % ({}/{}, 95 % CI {:.1}–{:.1}) · mean reward {:.3} · infra errors {} · {:.1} tok/s",
        report.models.join(", "),
        rows.len(),
        written,
        100.0 * o.pass.rate,
        o.pass.successes,
        o.pass.n,
        100.0 * o.pass.low,
        100.0 * o.pass.high,
        o.mean_reward,
        report.infra_errors.count,
        report.throughput.output_tokens_per_s
    );
    println!(
        "wrote {}, {}",
        out.join("results.jsonl").display(),
        out.join("report.md").display()
    );
    Ok(0)
}

/// Records what a run directory holds; refuses to mix models in one results.jsonl.
fn check_run_file(out: &Path, a: &RunArgs) -> Result<()> {
    let details = json!({
        "tasks": a.tasks, "seed": a.seed, "max_tokens": a.max_tokens,
        "temperature": a.temperature, "lora": a.lora,
    });
    claim_run_dir(
        out,
        &[("model", a.model.as_str()), ("profile", a.profile.as_str())],
        &details,
    )?;
    Ok(())
}
