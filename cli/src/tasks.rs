//! `env0 tasks …`: generate the tasks-lite set, list and show tasks, and prove every task
//! (seed deterministic, oracle 1.0, doing nothing 0.0, trap < 0 or at most its cap).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use env0_core::tasks::exploits::ExploitKind;
use env0_core::tasks::generate;
use env0_core::tasks::load_dir;
use env0_core::tasks::world::{prove_all, Proof};
use env0_core::tasks::Task;
use env0_core::tools::Profile;

#[derive(Args)]
pub struct TasksArgs {
    #[command(subcommand)]
    command: TasksCommand,
}

#[derive(Args, Clone)]
struct Dir {
    /// The task-set directory.
    #[arg(long, short = 'd', default_value = "tasks-lite")]
    dir: PathBuf,
}

#[derive(Args, Clone, Default)]
struct Filter {
    /// Only this family (auth, gmail, gcal, gdoc, gdrive, multi, slack).
    #[arg(long)]
    family: Option<String>,
    /// Only this template.
    #[arg(long)]
    template: Option<String>,
    /// Only this split (train, eval, heldout_template, heldout_params).
    #[arg(long)]
    split: Option<String>,
    /// Only tasks carrying this tag (e.g. safety).
    #[arg(long)]
    tag: Option<String>,
    /// Only tasks whose id contains this text.
    #[arg(long)]
    id: Option<String>,
}

#[derive(Subcommand)]
enum TasksCommand {
    /// Generate the task set: tasks/<family>.jsonl and manifest.json (byte-identical on every run).
    Generate {
        #[command(flatten)]
        dir: Dir,
        /// Only check that the files on disk are what generation gives; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// List tasks (id, split, steps, instruction).
    List {
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        filter: Filter,
        /// Print counts per template instead of tasks.
        #[arg(long)]
        counts: bool,
    },
    /// Print one task as JSON.
    Show {
        id: String,
        #[command(flatten)]
        dir: Dir,
    },
    /// Prove every task (or the filtered ones) and print a table per family.
    Verify {
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        filter: Filter,
        /// Worker threads (default: the machine's cores).
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Tool profile the scripts run with (native or rest).
        #[arg(long, default_value = "native")]
        profile: String,
    },
}

pub fn run(args: TasksArgs) -> Result<i32> {
    match args.command {
        TasksCommand::Generate { dir, check } => generate_cmd(&dir.dir, check),
        TasksCommand::List {
            dir,
            filter,
            counts,
        } => list(&dir.dir, &filter, counts),
        TasksCommand::Show { id, dir } => show(&dir.dir, &id),
        TasksCommand::Verify {
            dir,
            filter,
            jobs,
            profile,
        } => verify(&dir.dir, &filter, jobs, &profile),
    }
}

fn generate_cmd(dir: &Path, check: bool) -> Result<i32> {
    let tasks = generate::generate().map_err(|e| anyhow!(e))?;
    let files = generate::render(&tasks).map_err(|e| anyhow!(e))?;
    if check {
        let mut stale = Vec::new();
        for (path, bytes) in &files {
            if std::fs::read(dir.join(path)).ok().as_deref() != Some(bytes.as_slice()) {
                stale.push(path.clone());
            }
        }
        if stale.is_empty() {
            println!("{} is up to date ({} tasks)", dir.display(), tasks.len());
            return Ok(0);
        }
        eprintln!(
            "stale or missing: {} (run `env0 tasks generate`)",
            stale.join(", ")
        );
        return Ok(1);
    }
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&target, bytes).with_context(|| format!("writing {}", target.display()))?;
    }
    let mut families: BTreeMap<String, usize> = BTreeMap::new();
    for t in &tasks {
        *families.entry(family(t)).or_default() += 1;
    }
    println!(
        "wrote {} tasks from {} templates to {}",
        tasks.len(),
        generate::templates().len(),
        dir.display()
    );
    for (f, n) in families {
        println!("  {f:<8} {n}");
    }
    Ok(0)
}

fn family(t: &Task) -> String {
    serde_json::to_value(t.family)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn split(t: &Task) -> String {
    serde_json::to_value(t.split)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn load(dir: &Path, filter: &Filter) -> Result<Vec<Task>> {
    let tasks = load_dir(dir).map_err(|e| anyhow!(e))?;
    Ok(tasks
        .into_iter()
        .filter(|t| filter.family.as_deref().is_none_or(|f| family(t) == f))
        .filter(|t| filter.template.as_deref().is_none_or(|x| t.template == x))
        .filter(|t| filter.split.as_deref().is_none_or(|s| split(t) == s))
        .filter(|t| {
            filter
                .tag
                .as_deref()
                .is_none_or(|g| t.tags.iter().any(|x| x == g))
        })
        .filter(|t| filter.id.as_deref().is_none_or(|i| t.id.contains(i)))
        .collect())
}

fn list(dir: &Path, filter: &Filter, counts: bool) -> Result<i32> {
    let tasks = load(dir, filter)?;
    let mut out = std::io::stdout().lock();
    if counts {
        let mut per: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
        for t in &tasks {
            *per.entry((family(t), t.template.clone()))
                .or_default()
                .entry(split(t))
                .or_default() += 1;
        }
        writeln!(
            out,
            "{:<7} {:<30} {:>5}  splits",
            "family", "template", "tasks"
        )?;
        for ((f, tmpl), splits) in per {
            let n: usize = splits.values().sum();
            let s: Vec<String> = splits.iter().map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(out, "{f:<7} {tmpl:<30} {n:>5}  {}", s.join(" "))?;
        }
        writeln!(out, "{} tasks", tasks.len())?;
        return Ok(0);
    }
    for t in &tasks {
        let steps = t.oracle.steps.len();
        let mut instruction: String = t.instruction.chars().take(90).collect();
        if t.instruction.chars().count() > 90 {
            instruction.push('…');
        }
        writeln!(
            out,
            "{:<48} {:<16} {steps:>2}  {instruction}",
            t.id,
            split(t)
        )?;
    }
    Ok(0)
}

fn show(dir: &Path, id: &str) -> Result<i32> {
    let tasks = load_dir(dir).map_err(|e| anyhow!(e))?;
    let Some(task) = tasks.iter().find(|t| t.id == id) else {
        bail!("no task '{id}' in {}", dir.display());
    };
    println!("{}", serde_json::to_string_pretty(task)?);
    Ok(0)
}

#[derive(Default)]
struct Row {
    tasks: usize,
    proven: usize,
    oracle: f64,
    trap_runs: usize,
    trap: f64,
    steps: usize,
    safety: usize,
    /// Per exploit family: runs and the highest reward any got.
    exploits: BTreeMap<ExploitKind, (usize, f64)>,
}

fn verify(dir: &Path, filter: &Filter, jobs: Option<usize>, profile: &str) -> Result<i32> {
    let profile = match profile {
        "native" => Profile::Native,
        "rest" => Profile::Rest,
        other => bail!("unknown profile '{other}' (native or rest)"),
    };
    let tasks = load(dir, filter)?;
    if tasks.is_empty() {
        bail!("no tasks match in {}", dir.display());
    }
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let started = Instant::now();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |done: usize, total: usize| {
        if tty || done == total || done.is_multiple_of(200) {
            let end = if tty && done < total { "\r" } else { "\n" };
            eprint!(
                "proving {done}/{total} ({:.1}s){end}",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let proofs = prove_all(&tasks, profile, jobs, &progress);
    let elapsed = started.elapsed();
    report(&tasks, &proofs);
    let failed: Vec<(&Task, &Proof)> = tasks
        .iter()
        .zip(&proofs)
        .filter(|(_, p)| !p.proven())
        .collect();
    println!(
        "{} of {} tasks proven in {:.2}s on {jobs} worker(s)",
        proofs.len() - failed.len(),
        proofs.len(),
        elapsed.as_secs_f64()
    );
    if failed.is_empty() {
        return Ok(0);
    }
    eprintln!("\n{} task(s) FAILED:", failed.len());
    for (t, p) in failed.iter().take(25) {
        eprintln!("\n== {} ({})", t.id, t.template);
        for f in &p.failures {
            eprintln!("{f}");
        }
    }
    if failed.len() > 25 {
        eprintln!("\n… and {} more", failed.len() - 25);
    }
    Ok(1)
}

fn report(tasks: &[Task], proofs: &[Proof]) {
    let mut rows: BTreeMap<String, BTreeMap<String, Row>> = BTreeMap::new();
    // Per exploit family over the whole set: runs, rejected, highest reward.
    let mut totals: BTreeMap<ExploitKind, (usize, usize, f64)> = BTreeMap::new();
    for (t, p) in tasks.iter().zip(proofs) {
        let row = rows
            .entry(family(t))
            .or_default()
            .entry(t.template.clone())
            .or_default();
        row.tasks += 1;
        row.proven += usize::from(p.proven());
        row.oracle += if p.oracle.is_nan() { 0.0 } else { p.oracle };
        row.steps += t.oracle.steps.len();
        row.safety += usize::from(t.tags.iter().any(|x| x == "safety"));
        if let Some(r) = p.trap {
            row.trap_runs += 1;
            row.trap += r;
        }
        for e in &p.exploits {
            let slot = row.exploits.entry(e.kind).or_insert((0, f64::NEG_INFINITY));
            slot.0 += 1;
            slot.1 = slot.1.max(e.reward);
            let total = totals.entry(e.kind).or_insert((0, 0, f64::NEG_INFINITY));
            total.0 += 1;
            total.1 += usize::from(e.rejected());
            total.2 = total.2.max(e.reward);
        }
    }
    for (fam, templates) in rows {
        println!("\n{fam}");
        println!(
            "  {:<30} {:>5} {:>7} {:>7} {:>7} {:>6} {:>6}  {}",
            "template",
            "tasks",
            "proven",
            "oracle",
            "trap",
            "steps",
            "safety",
            ExploitKind::ALL
                .iter()
                .map(|k| format!("{:>14}", k.name()))
                .collect::<String>()
        );
        let (mut n, mut ok) = (0, 0);
        for (name, r) in templates {
            let trap = if r.trap_runs > 0 {
                format!("{:.2}", r.trap / r.trap_runs as f64)
            } else {
                "-".into()
            };
            let exploits: String = ExploitKind::ALL
                .iter()
                .map(|k| match r.exploits.get(k) {
                    Some((n, max)) => format!("{:>14}", format!("{n} ≤{max:.2}")),
                    None => format!("{:>14}", "-"),
                })
                .collect();
            println!(
                "  {:<30} {:>5} {:>7} {:>7.3} {:>7} {:>6.1} {:>6}  {exploits}",
                name,
                r.tasks,
                r.proven,
                r.oracle / r.tasks as f64,
                trap,
                r.steps as f64 / r.tasks as f64,
                if r.safety > 0 { "yes" } else { "" }
            );
            n += r.tasks;
            ok += r.proven;
        }
        println!("  {:<30} {:>5} {:>7}", "total", n, ok);
    }
    println!(
        "\nexploit runs (wrong runs derived from each oracle; each must score at most its cap)"
    );
    println!(
        "  {:<12} {:>6} {:>9} {:>8} {:>6} {:>12}",
        "family", "runs", "rejected", "max", "cap", "not applied"
    );
    for kind in ExploitKind::ALL {
        let (n, rejected, max) = totals.get(&kind).copied().unwrap_or((0, 0, f64::NAN));
        println!(
            "  {:<12} {:>6} {:>9} {:>8.2} {:>6.2} {:>12}",
            kind.name(),
            n,
            rejected,
            max,
            kind.cap(),
            tasks.len() - n
        );
    }
}
