//! The native side of the bindings bench (ffi/bench/bindings_bench.py): runs one task's oracle
//! episode `n` times and prints each episode's wall time in milliseconds as JSON.
//!
//! Usage: native_episode TASKS_DIR TASK_ID N [MODE]
//!
//! MODE `core` (the default) calls env0-core's episode loop on this thread with a listener that
//! collects the events, which is the native baseline. MODE `ffi` goes through env0-ffi's exported
//! Rust API (`Agent::oracle().run_task(..).join()`, a Rust listener), which is the Python path
//! without Python: the difference between the two modes is the binding layer's own cost.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use env0_core::agent::{run_episode_with, CancelToken, EpisodeConfig, EpisodeEvent, OracleModel};

struct Collect(Mutex<Vec<env0_ffi::EpisodeEvent>>);

impl env0_ffi::EpisodeListener for Collect {
    fn on_event(&self, event: env0_ffi::EpisodeEvent) {
        if let Ok(mut events) = self.0.lock() {
            events.push(event);
        }
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, task_id, n, mode) = match args.as_slice() {
        [_, dir, id, n] => (dir, id, n, "core"),
        [_, dir, id, n, mode] => (dir, id, n, mode.as_str()),
        _ => return Err("usage: native_episode TASKS_DIR TASK_ID N [core|ffi]".into()),
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let times = match mode {
        "core" => core_episodes(dir, task_id, n)?,
        "ffi" => ffi_episodes(dir, task_id, n)?,
        other => return Err(format!("unknown mode {other:?}: core or ffi")),
    };
    println!("{}", serde_json::json!({ "episode_ms": times }));
    Ok(())
}

fn core_episodes(dir: &str, task_id: &str, n: usize) -> Result<Vec<f64>, String> {
    let tasks = env0_core::tasks::load_dir(std::path::Path::new(dir)).map_err(|e| e.to_string())?;
    let task = tasks
        .iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| format!("no task {task_id}"))?;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let mut events: Vec<EpisodeEvent> = Vec::new();
        let episode = run_episode_with(
            task,
            &mut OracleModel::new(task.oracle.clone()),
            &EpisodeConfig::default(),
            &mut |e: &EpisodeEvent| events.push(e.clone()),
            &CancelToken::new(),
        );
        let reward = episode.reward();
        // Dropping the episode and its events is part of the work, as it is on the ffi path
        // (which drops them on its worker before `join` returns).
        drop(episode);
        drop(events);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if reward != 1.0 {
            return Err(format!("the oracle scored {reward}"));
        }
    }
    Ok(times)
}

fn ffi_episodes(dir: &str, task_id: &str, n: usize) -> Result<Vec<f64>, String> {
    let library = env0_ffi::TaskLibrary::open(dir.to_string()).map_err(|e| e.to_string())?;
    let agent = env0_ffi::Agent::oracle();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let listener = Arc::new(Collect(Mutex::new(Vec::new())));
        let summary = agent
            .run_task(library.clone(), task_id.to_string(), listener)
            .and_then(|handle| handle.join())
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if summary.reward != 1.0 {
            return Err(format!("the oracle scored {}", summary.reward));
        }
    }
    Ok(times)
}
