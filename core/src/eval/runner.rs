//! The eval runner: every (task, trial) pair not yet in results.jsonl, run by worker threads
//! that each own their models (and build a fresh world per episode), appended to the log as soon
//! as it finishes. A kill at any point loses at most the episodes in flight; the next run does the
//! rest, each pair exactly once.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::results::ResultsLog;
use super::row::ResultRow;
use crate::agent::{
    run_episode_with, CancelToken, Episode, EpisodeConfig, Model, NoListener, OracleModel,
    ReplayModel, StopReason, Usage,
};
use crate::error::{Error, Result};
use crate::tasks::Task;
use env0_chat::Message;

#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Trials per task.
    pub k: u32,
    /// Worker threads (each with its own models and worlds).
    pub workers: usize,
    pub episode: EpisodeConfig,
    /// Base seed; each (task, trial) derives its own from it.
    pub seed: u64,
    /// Set it to stop the run: workers take no new pair, and an episode in flight stops before
    /// its next model or tool call and is *not* written (the next run does it again).
    pub cancel: CancelToken,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            k: 1,
            workers: 1,
            episode: EpisodeConfig::default(),
            seed: 0,
            cancel: CancelToken::new(),
        }
    }
}

/// A worker's models. One is opened per worker thread, on that thread.
pub trait WorkerModels {
    /// The model that plays trial `trial` of `task`, its sampling seeded with `seed`. An error
    /// (no recording for this task…) becomes an infrastructure-error row.
    fn model(&mut self, task: &Task, trial: u32, seed: u64) -> Result<&mut dyn Model, String>;
}

/// Opens a worker's models, given the worker's index.
pub type OpenWorker<'a> = dyn Fn(usize) -> Result<Box<dyn WorkerModels>, String> + Sync + 'a;

/// Where a run stands, for progress bars.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Pairs finished in this run, and how many this run has to do.
    pub done: usize,
    pub todo: usize,
    /// Pairs already in the log before this run started.
    pub resumed: usize,
    /// Over this run's rows: strict passes, rows graded (not infra errors), infra errors.
    pub passed: usize,
    pub graded: usize,
    pub infra_errors: usize,
    pub tokens_out: u64,
    pub generation_ms: f64,
    /// The pair that finished last (`None` before the first).
    pub last: Option<Finished>,
}

/// One finished (task, trial), as progress reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finished {
    pub task_id: String,
    pub trial: u32,
    pub reward: f64,
    pub passed: bool,
    pub infra_error: bool,
}

/// The seed of one (task, trial): FNV-1a over the base seed, task id and trial (stable across
/// builds and platforms).
pub fn episode_seed(base: u64, task_id: &str, trial: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in base
        .to_le_bytes()
        .iter()
        .chain(task_id.as_bytes())
        .chain(trial.to_le_bytes().iter())
    {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// An episode that never reached the model (the backend could not be set up for it).
fn failed_episode(task: &Task, model: String, why: String) -> Episode {
    Episode {
        task_id: task.id.clone(),
        model,
        messages: Vec::new(),
        tools: Vec::new(),
        stop: StopReason::ModelError,
        turns: 0,
        tool_calls: 0,
        invalid_tool_calls: 0,
        usage: Usage::default(),
        verdict: None,
        error: Some(why),
    }
}

/// Runs `tasks` × `config.k` trials, skipping pairs already in `log`, and appends a row per pair.
/// Returns the number of rows written by this run.
pub fn run_eval(
    tasks: &[Task],
    config: &RunConfig,
    log: &mut ResultsLog<ResultRow>,
    open_worker: &OpenWorker<'_>,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Result<usize> {
    let mut queue = VecDeque::new();
    let mut resumed = 0;
    for (i, task) in tasks.iter().enumerate() {
        for trial in 0..config.k {
            if log.is_done(&task.id, trial) {
                resumed += 1;
            } else {
                queue.push_back((i, trial));
            }
        }
    }
    let progress = Mutex::new(Progress {
        todo: queue.len(),
        resumed,
        ..Progress::default()
    });
    on_progress(&progress.lock().map_err(|_| poisoned())?.clone());
    if queue.is_empty() {
        return Ok(0);
    }
    let workers = config.workers.clamp(1, queue.len());
    let queue = Mutex::new(queue);
    let log = Mutex::new(log);
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let profile = serde_json::to_value(config.episode.profile)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let fail = |e: Error| {
        stop.store(true, Ordering::SeqCst);
        if let Ok(mut slot) = first_error.lock() {
            slot.get_or_insert(e);
        }
    };
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (queue, log, progress, stop, fail, profile) =
                (&queue, &log, &progress, &stop, &fail, &profile);
            scope.spawn(move || {
                let mut models = match open_worker(w) {
                    Ok(m) => m,
                    Err(e) => return fail(Error::Invalid(format!("worker {w}: {e}"))),
                };
                while !stop.load(Ordering::SeqCst) && !config.cancel.is_cancelled() {
                    let next = match queue.lock() {
                        Ok(mut q) => q.pop_front(),
                        Err(_) => return fail(poisoned()),
                    };
                    let Some((i, trial)) = next else { break };
                    let task = &tasks[i];
                    let seed = episode_seed(config.seed, &task.id, trial);
                    let started = Instant::now();
                    let episode = match models.model(task, trial, seed) {
                        Ok(model) => run_episode_with(
                            task,
                            model,
                            &config.episode,
                            &mut NoListener,
                            &config.cancel,
                        ),
                        Err(why) => failed_episode(task, "unavailable".into(), why),
                    };
                    if episode.stop == StopReason::Cancelled {
                        break;
                    }
                    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
                    let row =
                        ResultRow::from_episode(task, trial, seed, profile, episode, total_ms);
                    let snapshot = {
                        let Ok(mut p) = progress.lock() else {
                            return fail(poisoned());
                        };
                        p.done += 1;
                        if row.is_infra_error() {
                            p.infra_errors += 1;
                        } else {
                            p.graded += 1;
                            p.passed += usize::from(row.passed);
                        }
                        p.tokens_out += row.token_usage.output_tokens;
                        p.generation_ms += row.timing.generation_ms;
                        p.last = Some(Finished {
                            task_id: row.example_id.clone(),
                            trial: row.trial,
                            reward: row.reward,
                            passed: row.passed,
                            infra_error: row.is_infra_error(),
                        });
                        p.clone()
                    };
                    let appended = match log.lock() {
                        Ok(mut l) => l.append(row),
                        Err(_) => Err(poisoned()),
                    };
                    if let Err(e) = appended {
                        return fail(e);
                    }
                    on_progress(&snapshot);
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().map_err(|_| poisoned())? {
        return Err(e);
    }
    Ok(progress.into_inner().map_err(|_| poisoned())?.done)
}

/// The rows of `log` that belong to this selection: `tasks` × trials `0..k` (a run directory may
/// hold more, from an earlier, wider run).
pub fn selected_rows(log: &ResultsLog<ResultRow>, tasks: &[Task], k: u32) -> Vec<ResultRow> {
    let wanted: std::collections::BTreeSet<(&str, u32)> = tasks
        .iter()
        .flat_map(|t| (0..k).map(move |trial| (t.id.as_str(), trial)))
        .collect();
    log.rows()
        .iter()
        .filter(|r| wanted.contains(&(r.example_id.as_str(), r.trial)))
        .cloned()
        .collect()
}

fn poisoned() -> Error {
    Error::Invalid("a worker thread panicked".into())
}

/// The oracle: each task's own oracle script, played through the episode loop.
#[derive(Default)]
pub struct OracleWorker {
    current: Option<OracleModel>,
}

impl WorkerModels for OracleWorker {
    fn model(&mut self, task: &Task, _trial: u32, _seed: u64) -> Result<&mut dyn Model, String> {
        Ok(self.current.insert(OracleModel::new(task.oracle.clone())))
    }
}

/// Scripted runs by task id (doing nothing, exploit runs), played like the oracle under `name`.
/// A task without a script becomes an infrastructure-error row.
pub struct ScriptWorker {
    name: String,
    scripts: std::sync::Arc<std::collections::BTreeMap<String, crate::tasks::Script>>,
    current: Option<OracleModel>,
}

impl ScriptWorker {
    pub fn new(
        name: &str,
        scripts: std::sync::Arc<std::collections::BTreeMap<String, crate::tasks::Script>>,
    ) -> ScriptWorker {
        ScriptWorker {
            name: name.to_string(),
            scripts,
            current: None,
        }
    }
}

impl WorkerModels for ScriptWorker {
    fn model(&mut self, task: &Task, _trial: u32, _seed: u64) -> Result<&mut dyn Model, String> {
        let script = self
            .scripts
            .get(&task.id)
            .ok_or_else(|| format!("{}: no script for task {}", self.name, task.id))?;
        Ok(self
            .current
            .insert(OracleModel::named(script.clone(), &self.name)))
    }
}

/// Recorded conversations by (task, trial), shared between replay workers.
pub type Recordings = std::sync::Arc<BTreeMap<(String, u32), Vec<Message>>>;

/// Replays the assistant turns recorded in an earlier results.jsonl: the same (task, trial) when
/// recorded, else the task's lowest recorded trial.
pub struct ReplayWorker {
    recordings: Recordings,
    current: Option<ReplayModel>,
}

impl ReplayWorker {
    /// Loads the recordings of a results.jsonl file (share one `Arc` between workers).
    pub fn load(path: &std::path::Path) -> crate::Result<Recordings> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::Error::io(path.display().to_string(), e))?;
        let mut recordings = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row: ResultRow = serde_json::from_str(line).map_err(|e| {
                crate::Error::Invalid(format!(
                    "{}:{}: not a results row: {e}",
                    path.display(),
                    n + 1
                ))
            })?;
            if !row.is_infra_error() {
                recordings.insert((row.example_id.clone(), row.trial), row.messages());
            }
        }
        Ok(std::sync::Arc::new(recordings))
    }

    pub fn new(recordings: Recordings) -> Self {
        ReplayWorker {
            recordings,
            current: None,
        }
    }
}

impl WorkerModels for ReplayWorker {
    fn model(&mut self, task: &Task, trial: u32, _seed: u64) -> Result<&mut dyn Model, String> {
        let messages = self
            .recordings
            .get(&(task.id.clone(), trial))
            .or_else(|| {
                self.recordings
                    .range((task.id.clone(), 0)..=(task.id.clone(), u32::MAX))
                    .next()
                    .map(|(_, m)| m)
            })
            .ok_or_else(|| format!("replay: no recorded trajectory for task {}", task.id))?;
        Ok(self.current.insert(ReplayModel::from_messages(messages)))
    }
}
