//! `TaskLibrary`: a task-set directory (the app ships tasks-lite as an asset).

use std::path::Path;
use std::sync::Arc;

use env0_core::tasks::world::prove;
use env0_core::tasks::{load_dir, Task};
use env0_core::tools::Profile;

use crate::{guard, wire_name, Env0Error};

/// Which tasks to list; an absent field matches every task.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct TaskFilter {
    pub family: Option<String>,
    pub split: Option<String>,
    pub template: Option<String>,
}

/// A task as a list shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TaskSummary {
    pub id: String,
    pub family: String,
    pub template: String,
    pub split: String,
    pub instruction: String,
    pub apps: Vec<String>,
}

/// A task's proof: the oracle scores 1, doing nothing 0, a trap below 0 or capped.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProofRecord {
    pub task_id: String,
    pub proven: bool,
    pub oracle_reward: f64,
    pub nothing_reward: f64,
    pub trap_reward: Option<f64>,
    /// sha256 of the task's initial world (equal on every platform).
    pub initial_hash: String,
    /// What failed; empty when proven.
    pub failures: Vec<String>,
}

/// The tasks of one task-set directory (its `tasks` folder of JSONL files).
#[derive(uniffi::Object)]
pub struct TaskLibrary {
    tasks: Vec<Task>,
}

fn summary(task: &Task) -> TaskSummary {
    TaskSummary {
        id: task.id.clone(),
        family: wire_name(&task.family),
        template: task.template.clone(),
        split: wire_name(&task.split),
        instruction: task.instruction.clone(),
        apps: task.apps.iter().map(|a| a.name().to_string()).collect(),
    }
}

impl TaskLibrary {
    pub(crate) fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub(crate) fn find(&self, id: &str) -> Result<&Task, Env0Error> {
        self.tasks
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Env0Error::not_found(format!("no task '{id}'")))
    }
}

#[uniffi::export]
impl TaskLibrary {
    /// Reads every task of the directory; a malformed task file is an `InvalidArgument` naming the
    /// file and line.
    #[uniffi::constructor]
    pub fn open(dir: String) -> Result<Arc<TaskLibrary>, Env0Error> {
        guard(|| {
            let path = Path::new(&dir);
            if !path.join("tasks").is_dir() {
                return Err(Env0Error::not_found(format!(
                    "{dir} is not a task set (no tasks/ directory)"
                )));
            }
            let tasks = load_dir(path)?;
            Ok(Arc::new(TaskLibrary { tasks }))
        })
    }

    pub fn count(&self) -> u32 {
        u32::try_from(self.tasks.len()).unwrap_or(u32::MAX)
    }

    /// The tasks that match `filter`, in file order.
    pub fn list(&self, filter: TaskFilter) -> Vec<TaskSummary> {
        let matches = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        self.tasks
            .iter()
            .map(summary)
            .filter(|s| {
                matches(&filter.family, &s.family)
                    && matches(&filter.split, &s.split)
                    && matches(&filter.template, &s.template)
            })
            .collect()
    }

    /// One task as JSON (instruction, seed, verifier, oracle: the task file's row).
    pub fn task_json(&self, id: String) -> Result<String, Env0Error> {
        guard(|| {
            serde_json::to_string(self.find(&id)?).map_err(|e| Env0Error::Internal {
                detail: e.to_string(),
            })
        })
    }

    /// Proves one task: builds its world, runs the oracle, nothing and the trap, checks the
    /// rewards.
    pub fn prove(&self, id: String) -> Result<ProofRecord, Env0Error> {
        guard(|| {
            let proof = prove(self.find(&id)?, Profile::Native);
            Ok(ProofRecord {
                proven: proof.proven(),
                task_id: proof.task_id,
                oracle_reward: proof.oracle,
                nothing_reward: proof.nothing,
                trap_reward: proof.trap,
                initial_hash: proof.initial_hash,
                failures: proof.failures,
            })
        })
    }
}
