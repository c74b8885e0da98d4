//! `env0 demo`: the main job on the embedded default, for someone who has just built env0. The
//! default model (SmolLM2-135M-Instruct, with the trained adapter when one is present) acts out a
//! few short tasks of different families, each on its own freshly seeded world; each episode is
//! printed as it runs (tool calls, results, what the model says, the verdict with every check),
//! then a summary with the generation speed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use clap::Args;
use env0_core::agent::{
    run_episode_with, CancelToken, Episode, EpisodeConfig, EpisodeEvent, Model, OracleModel,
};
use env0_core::eval::{load_tasks, wire_name};
use env0_core::tasks::{Split, Task};
use env0_core::tools::{Access, ToolOutcome};

#[derive(Args)]
pub struct DemoArgs {
    /// default (SmolLM2-135M-Instruct Q4_1 from the fixture cache; needs a build with
    /// `--features local`), oracle (each task's reference solution, no model), or a .gguf path.
    #[arg(long, default_value = "default")]
    model: String,
    /// A PEFT LoRA adapter directory for the model. Default: the one in
    /// ~/.cache/env0/adapters/default when it holds an adapter, else none (the base model).
    #[arg(long)]
    lora: Option<PathBuf>,
    /// Tasks: a directory of task files.
    #[arg(long, default_value = "tasks-lite")]
    tasks: PathBuf,
    /// How many tasks (each of a different family while families last).
    #[arg(short = 'n', long, default_value_t = 3)]
    count: usize,
    /// Most tokens per model reply.
    #[arg(long, default_value_t = 256)]
    max_tokens: u32,
    /// Local: compute dtype (f32 is the fastest on CPUs without fast f16).
    #[arg(long, default_value = "f32")]
    dtype: String,
}

/// Where `env0 demo` looks for a trained adapter when none is given.
fn default_adapter() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".cache/env0/adapters/default"))
}

pub fn run(args: DemoArgs) -> Result<i32> {
    let tasks = load_tasks(&args.tasks).map_err(|e| {
        anyhow!(
            "{}: {e} (run env0 demo from the repository, or give --tasks DIR)",
            args.tasks.display()
        )
    })?;
    let picked = pick(&tasks, args.count);
    if picked.is_empty() {
        bail!("{}: no eval-split tasks to show", args.tasks.display());
    }
    let mut models = Models::new(&args)?;
    println!(
        "env0 demo: {} on {} task{} of the eval split, each on its own freshly seeded world",
        models.describe(),
        picked.len(),
        if picked.len() == 1 { "" } else { "s" }
    );
    let config = EpisodeConfig {
        max_tokens: args.max_tokens,
        ..EpisodeConfig::default()
    };
    let started = Instant::now();
    let mut rows = Vec::new();
    for (i, task) in picked.iter().enumerate() {
        println!();
        println!(
            "[{}/{}] {}  ({}, {} oracle steps)",
            i + 1,
            picked.len(),
            task.id,
            wire_name(&task.family),
            task.oracle.steps.len()
        );
        println!("  request: {}", one_line(&task.instruction, 200));
        let t0 = Instant::now();
        let mut printer = Printer::default();
        let episode = {
            let model = models.for_task(task)?;
            run_episode_with(task, model, &config, &mut printer, &CancelToken::new())
        };
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "  {} · {} turn{} · {} tool call{} · {:.1} s{}",
            wire_name(&episode.stop),
            episode.turns,
            if episode.turns == 1 { "" } else { "s" },
            episode.tool_calls,
            if episode.tool_calls == 1 { "" } else { "s" },
            secs,
            speed(&episode)
        );
        if let Some(e) = &episode.error {
            println!("  error: {}", one_line(e, 300));
        }
        rows.push((task.id.clone(), episode, secs));
    }
    summary(&rows, started.elapsed().as_secs_f64());
    Ok(0)
}

/// Up to `n` eval-split tasks, one per family in turn, each family's shortest first (fewest
/// oracle steps, then id): short episodes keep the demo to minutes on a laptop CPU.
fn pick(tasks: &[Task], n: usize) -> Vec<Task> {
    let mut by_family: std::collections::BTreeMap<String, Vec<&Task>> = Default::default();
    for t in tasks.iter().filter(|t| t.split == Split::Eval) {
        by_family.entry(wire_name(&t.family)).or_default().push(t);
    }
    for list in by_family.values_mut() {
        list.sort_by_key(|t| (t.oracle.steps.len(), t.id.clone()));
    }
    // A fixed family order, so the default run shows mail, calendar and chat first.
    let order = ["gmail", "gcal", "slack", "gdrive", "gdoc", "auth", "multi"];
    let mut families: Vec<&String> = by_family.keys().collect();
    families.sort_by_key(|f| order.iter().position(|o| o == f).unwrap_or(order.len()));
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < n {
        let mut any = false;
        for f in &families {
            if out.len() == n {
                break;
            }
            if let Some(t) = by_family[*f].get(round) {
                out.push((*t).clone());
                any = true;
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    out
}

/// The model each episode runs: the oracle (a fresh script per task) or one local model.
enum Models {
    Oracle(Option<OracleModel>),
    #[cfg(feature = "local")]
    Local {
        model: Box<env0_core::agent::local::LocalModel>,
        name: String,
        adapter: Option<PathBuf>,
        load_secs: f64,
    },
}

impl Models {
    fn new(args: &DemoArgs) -> Result<Models> {
        if args.model == "oracle" {
            return Ok(Models::Oracle(None));
        }
        let path = if args.model == "default" {
            let p = crate::eval::default_model_path();
            if !p.exists() {
                bail!(
                    "the default model is not in the fixture cache ({}): run bash scripts/fetch-fixtures.sh chat",
                    p.display()
                );
            }
            p
        } else {
            PathBuf::from(&args.model)
        };
        if !path.exists() {
            bail!(
                "model '{}': not default, oracle or an existing .gguf file",
                args.model
            );
        }
        let adapter = match &args.lora {
            Some(dir) => Some(dir.clone()),
            None => default_adapter().filter(|d| d.join("adapter_config.json").is_file()),
        };
        Self::local(&path, adapter, args)
    }

    #[cfg(feature = "local")]
    fn local(path: &Path, adapter: Option<PathBuf>, args: &DemoArgs) -> Result<Models> {
        use env0_core::agent::local::{LocalConfig, LocalEngine, LocalModel};
        let mut cfg = LocalConfig::new(path);
        cfg.lora = adapter.clone();
        cfg.dtype = Some(args.dtype.clone());
        cfg.temperature = 0.0;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("env0 demo: loading {name} …");
        let t0 = Instant::now();
        let engine = std::sync::Arc::new(LocalEngine::load(&cfg).map_err(|e| anyhow!(e))?);
        Ok(Models::Local {
            model: Box::new(LocalModel::new(engine, &cfg)),
            name,
            adapter,
            load_secs: t0.elapsed().as_secs_f64(),
        })
    }

    #[cfg(not(feature = "local"))]
    fn local(path: &Path, _adapter: Option<PathBuf>, _args: &DemoArgs) -> Result<Models> {
        bail!(
            "{}: this env0 was built without the local model backend. Build it with \
             `cargo run --release -p env0-cli --features local -- demo` (about 20 min from clean \
             on 2 cores), or see the loop with the tasks' reference solutions: env0 demo --model oracle",
            path.display()
        )
    }

    fn describe(&self) -> String {
        match self {
            Models::Oracle(_) => "the oracle (each task's reference solution)".into(),
            #[cfg(feature = "local")]
            Models::Local {
                name,
                adapter,
                load_secs,
                ..
            } => format!(
                "{name} ({}; loaded in {load_secs:.1} s), greedy",
                match adapter {
                    Some(a) => format!("with the adapter {}", a.display()),
                    None => "the base model: no adapter in ~/.cache/env0/adapters/default".into(),
                }
            ),
        }
    }

    fn for_task(&mut self, task: &Task) -> Result<&mut dyn Model> {
        match self {
            Models::Oracle(slot) => Ok(slot.insert(OracleModel::new(task.oracle.clone()))),
            #[cfg(feature = "local")]
            Models::Local { model, .. } => Ok(model.as_mut()),
        }
    }
}

/// Prints an episode's events as they happen, one line each.
#[derive(Default)]
struct Printer {
    turn_started: Option<Instant>,
}

impl env0_core::agent::EpisodeListener for Printer {
    fn on_event(&mut self, event: &EpisodeEvent) {
        use std::io::Write;
        match event {
            EpisodeEvent::Started { .. } => {}
            EpisodeEvent::TurnStarted { turn } => {
                self.turn_started = Some(Instant::now());
                print!("  turn {turn} …");
                let _ = std::io::stdout().flush();
            }
            EpisodeEvent::Text { text, .. } => {
                self.end_turn();
                println!("  says: {}", one_line(text, 240));
            }
            EpisodeEvent::ToolCall {
                name,
                arguments,
                access,
                ..
            } => {
                self.end_turn();
                let kind = match access {
                    Some(Access::Read) => "read ",
                    Some(Access::Write) => "WRITE",
                    None => "?    ",
                };
                println!(
                    "  → {kind} {name} {}",
                    one_line(&arguments.to_string(), 160)
                );
            }
            EpisodeEvent::ToolResult {
                outcome, content, ..
            } => {
                let what = match outcome {
                    ToolOutcome::Ok => "ok".to_string(),
                    ToolOutcome::UnknownTool => "unknown tool".into(),
                    ToolOutcome::BadArguments => "bad arguments".into(),
                    ToolOutcome::ApiError { status } => format!("API error {status}"),
                    ToolOutcome::Failed => "failed".into(),
                };
                println!("    ← {what}: {}", one_line(content, 140));
            }
            EpisodeEvent::InvalidReply { error, .. } => {
                self.end_turn();
                println!("  unreadable reply: {}", one_line(error, 200));
            }
            EpisodeEvent::Verdict(v) => {
                println!(
                    "  verdict: {} (reward {:.2})",
                    if v.passed { "PASS" } else { "FAIL" },
                    v.reward
                );
                for line in v.explain().lines().filter(|l| !l.starts_with("reward ")) {
                    println!("    {}", one_line(line, 200));
                }
            }
            EpisodeEvent::Finished { .. } => self.end_turn(),
        }
    }
}

impl Printer {
    /// Ends a pending "turn N …" line with the time the model took.
    fn end_turn(&mut self) {
        if let Some(t0) = self.turn_started.take() {
            println!(" {:.1} s", t0.elapsed().as_secs_f64());
        }
    }
}

fn summary(rows: &[(String, Episode, f64)], total: f64) {
    println!();
    println!("summary");
    let width = rows
        .iter()
        .map(|(id, ..)| id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("  {:width$}  result  reward  turns  calls  seconds", "task");
    let mut passed = 0;
    let (mut prompt, mut gen, mut prompt_ms, mut gen_ms) = (0u64, 0u64, 0.0, 0.0);
    for (id, e, secs) in rows {
        let ok = e.verdict.as_ref().is_some_and(|v| v.passed);
        passed += usize::from(ok);
        prompt += e.usage.prompt_tokens;
        gen += e.usage.completion_tokens;
        prompt_ms += e.usage.prompt_ms;
        gen_ms += e.usage.completion_ms;
        println!(
            "  {id:width$}  {:6}  {:6.2}  {:5}  {:5}  {secs:7.1}",
            if ok { "pass" } else { "fail" },
            e.reward(),
            e.turns,
            e.tool_calls
        );
    }
    println!("  {passed} of {} passed · {total:.0} s in all", rows.len());
    if gen > 0 {
        println!(
            "  model: {prompt} prompt tokens at {:.0} tok/s, {gen} generated at {:.1} tok/s",
            rate(prompt, prompt_ms),
            rate(gen, gen_ms)
        );
    }
}

fn speed(e: &Episode) -> String {
    if e.usage.completion_tokens == 0 {
        return String::new();
    }
    format!(
        " · {} prompt + {} generated tokens ({:.1} tok/s generating)",
        e.usage.prompt_tokens,
        e.usage.completion_tokens,
        rate(e.usage.completion_tokens, e.usage.completion_ms)
    )
}

fn rate(tokens: u64, ms: f64) -> f64 {
    if ms <= 0.0 {
        0.0
    } else {
        tokens as f64 * 1000.0 / ms
    }
}

/// `text` on one line, at most `max` characters (an ellipsis marks a cut).
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_flattens_and_cuts_on_characters() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("héllo wörld", 6), "héllo…");
        assert_eq!(one_line("", 3), "");
    }
}
