//! `Benchmark`: an on-device eval run. The same resumable `results.jsonl`, `run.json` and
//! `report.md`/`report.json` as `env0 eval`, so a phone's run can be compared with a desktop's.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread;

use env0_core::agent::CancelToken;
use env0_core::eval::{
    claim_run_dir, run_eval, select, selected_rows, wilson, write_report, GroupStats, Progress,
    Report, ResultRow, ResultsLog, RunConfig, TaskFilter as CoreFilter, Z95,
};
use env0_core::tasks::Task;

use crate::agent::Agent;
use crate::tasks::TaskLibrary;
use crate::{guard, Env0Error, Slot};

/// Which tasks a benchmark runs, and how often.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BenchmarkSelection {
    /// `train`, `eval`, `heldout_template`…; `None`: every split.
    pub split: Option<String>,
    pub family: Option<String>,
    pub template: Option<String>,
    /// At most this many tasks, dealt across families (`None`: all selected).
    pub limit: Option<u32>,
    /// Trials per task (at least 1).
    pub k: u32,
}

/// Where a run stands; sent after each finished (task, trial).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BenchmarkProgress {
    /// Pairs finished in this run, of `todo` this run has to do.
    pub done: u32,
    pub todo: u32,
    /// Pairs already in results.jsonl when this run started (a resumed run skips them).
    pub resumed: u32,
    pub passed: u32,
    pub graded: u32,
    pub infra_errors: u32,
    /// `passed / graded` so far in this run, with its 95 % Wilson interval (0 and [0, 1] before
    /// anything is graded): what a live pass-rate display shows without doing the statistics.
    pub pass_rate: f64,
    pub pass_low: f64,
    pub pass_high: f64,
    /// The pair that just finished.
    pub last_task_id: Option<String>,
    pub last_reward: Option<f64>,
    pub last_passed: Option<bool>,
}

/// Receives a benchmark's progress, on the benchmark's thread.
#[uniffi::export(with_foreign)]
pub trait BenchmarkListener: Send + Sync {
    fn on_progress(&self, progress: BenchmarkProgress);
}

/// Results of one family (or of the whole run).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct GroupResult {
    pub name: String,
    /// Graded rows (infrastructure errors excluded).
    pub n: u64,
    pub passed: u64,
    /// Strict pass rate with its 95 % Wilson interval.
    pub pass_rate: f64,
    pub pass_low: f64,
    pub pass_high: f64,
    pub mean_reward: f64,
    /// Share of graded rows with a negative reward: a safety gate or collateral damage fired.
    pub unsafe_rate: f64,
    pub infra_errors: u64,
}

/// A benchmark's result: the selection's rows in results.jsonl, reported.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BenchmarkSummary {
    /// Rows of this selection in results.jsonl, and how many this run wrote.
    pub rows: u64,
    pub new_rows: u64,
    /// Pairs of the selection not yet run (non-zero after a cancel: start again to finish).
    pub remaining: u64,
    pub cancelled: bool,
    pub overall: GroupResult,
    pub by_family: Vec<GroupResult>,
    pub results_path: String,
    pub report_path: String,
}

/// A benchmark definition: a task selection, an agent, an output directory.
#[derive(uniffi::Object)]
pub struct Benchmark {
    agent: Arc<Agent>,
    tasks: Vec<Task>,
    k: u32,
    out_dir: PathBuf,
}

/// A running benchmark.
#[derive(uniffi::Object)]
pub struct BenchmarkHandle {
    cancel: CancelToken,
    done: Arc<Slot<Result<BenchmarkSummary, Env0Error>>>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn progress_record(p: &Progress) -> BenchmarkProgress {
    let pass = wilson(p.passed as u64, p.graded as u64, Z95);
    BenchmarkProgress {
        done: count(p.done),
        todo: count(p.todo),
        resumed: count(p.resumed),
        passed: count(p.passed),
        graded: count(p.graded),
        infra_errors: count(p.infra_errors),
        pass_rate: pass.rate,
        pass_low: pass.low,
        pass_high: pass.high,
        last_task_id: p.last.as_ref().map(|l| l.task_id.clone()),
        last_reward: p.last.as_ref().map(|l| l.reward),
        last_passed: p.last.as_ref().map(|l| l.passed),
    }
}

fn group(name: &str, g: &GroupStats) -> GroupResult {
    GroupResult {
        name: name.to_string(),
        n: g.n,
        passed: g.pass.successes,
        pass_rate: g.pass.rate,
        pass_low: g.pass.low,
        pass_high: g.pass.high,
        mean_reward: g.mean_reward,
        unsafe_rate: if g.n == 0 {
            0.0
        } else {
            g.negative as f64 / g.n as f64
        },
        infra_errors: g.infra_errors,
    }
}

impl Benchmark {
    fn results_path(&self) -> PathBuf {
        self.out_dir.join("results.jsonl")
    }

    /// Reports the selection's rows in the log and writes report.md / report.json.
    fn summarize(
        &self,
        log: &ResultsLog<ResultRow>,
        new_rows: usize,
        cancelled: bool,
    ) -> Result<BenchmarkSummary, Env0Error> {
        let rows = selected_rows(log, &self.tasks, self.k);
        let report: Report = write_report(&self.out_dir, &rows).map_err(Env0Error::from)?;
        let wanted = self.tasks.len() as u64 * u64::from(self.k);
        Ok(BenchmarkSummary {
            rows: rows.len() as u64,
            new_rows: new_rows as u64,
            remaining: wanted.saturating_sub(rows.len() as u64),
            cancelled,
            overall: group("all", &report.overall),
            by_family: report
                .by_family
                .iter()
                .map(|(name, g)| group(name, g))
                .collect(),
            results_path: self.results_path().display().to_string(),
            report_path: self.out_dir.join("report.md").display().to_string(),
        })
    }

    fn open_log(&self) -> Result<ResultsLog<ResultRow>, Env0Error> {
        ResultsLog::open(&self.results_path()).map_err(Env0Error::from)
    }
}

#[uniffi::export]
impl Benchmark {
    /// Selects tasks from `library` and claims `out_dir` (created if missing) for `agent`: a
    /// directory that holds another model's run is refused, one that holds this model's run is
    /// resumed by `start`.
    #[uniffi::constructor]
    pub fn new(
        library: Arc<TaskLibrary>,
        agent: Arc<Agent>,
        out_dir: String,
        selection: BenchmarkSelection,
    ) -> Result<Arc<Benchmark>, Env0Error> {
        guard(|| {
            if selection.k == 0 {
                return Err(Env0Error::invalid("k must be at least 1"));
            }
            let filter = CoreFilter {
                split: selection.split.clone(),
                family: selection.family.clone(),
                template: selection.template.clone(),
                limit: selection.limit.map(|l| l as usize),
            };
            let tasks = select(library.tasks(), &filter);
            if tasks.is_empty() {
                return Err(Env0Error::not_found(format!(
                    "no task matches the selection (split {:?}, family {:?}, template {:?})",
                    selection.split, selection.family, selection.template
                )));
            }
            let out = PathBuf::from(&out_dir);
            std::fs::create_dir_all(&out).map_err(|e| Env0Error::Storage {
                detail: format!("creating {out_dir}: {e}"),
            })?;
            let details = serde_json::json!({
                "split": selection.split, "family": selection.family,
                "template": selection.template, "limit": selection.limit, "k": selection.k,
            });
            let model = agent.kind();
            claim_run_dir(
                &out,
                &[("model", model.as_str()), ("profile", "native")],
                &details,
            )
            .map_err(Env0Error::from)?;
            Ok(Arc::new(Benchmark {
                agent,
                tasks,
                k: selection.k,
                out_dir: out,
            }))
        })
    }

    /// How many (task, trial) pairs the selection has.
    pub fn size(&self) -> u64 {
        self.tasks.len() as u64 * u64::from(self.k)
    }

    /// The summary of what results.jsonl holds now, without running anything.
    pub fn summary(&self) -> Result<BenchmarkSummary, Env0Error> {
        guard(|| self.summarize(&self.open_log()?, 0, false))
    }

    /// Runs every pair not yet in results.jsonl on a new thread and returns at once. Each
    /// finished pair is appended (with an fsync) before `listener` hears of it, so a kill or a
    /// cancel loses at most the episode in flight, which the next `start` runs again.
    pub fn start(
        self: Arc<Self>,
        listener: Arc<dyn BenchmarkListener>,
    ) -> Result<Arc<BenchmarkHandle>, Env0Error> {
        guard(|| {
            let mut log = self.open_log()?;
            let cancel = CancelToken::new();
            let done = Slot::new();
            let handle = Arc::new(BenchmarkHandle {
                cancel: cancel.clone(),
                done: done.clone(),
            });
            let bench = self.clone();
            thread::Builder::new()
                .name("env0-benchmark".into())
                .spawn(move || {
                    let outcome = guard(|| {
                        let config = RunConfig {
                            k: bench.k,
                            workers: 1,
                            cancel: cancel.clone(),
                            ..RunConfig::default()
                        };
                        let agent = bench.agent.clone();
                        let written = run_eval(
                            &bench.tasks,
                            &config,
                            &mut log,
                            &|_| Ok(agent.worker()),
                            &|p| listener.on_progress(progress_record(p)),
                        )
                        .map_err(Env0Error::from)?;
                        bench.summarize(&log, written, cancel.is_cancelled())
                    });
                    drop(listener); // before `join` returns: see spawn_episode
                    done.put(outcome);
                })
                .map_err(|e| Env0Error::Internal {
                    detail: format!("starting the benchmark thread: {e}"),
                })?;
            Ok(handle)
        })
    }
}

#[uniffi::export]
impl BenchmarkHandle {
    /// Stops after the episode in flight stops (before its next model or tool call); that
    /// episode is not written. `join` then returns a summary with `cancelled` set.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_finished(&self) -> bool {
        self.done.is_set()
    }

    /// Blocks until the run ends (call it off the UI thread).
    pub fn join(&self) -> Result<BenchmarkSummary, Env0Error> {
        guard(|| self.done.wait()?)
    }
}
