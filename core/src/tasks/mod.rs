//! tasks-lite: the task format. A task is pure data — instruction, apps, seed spec, limits, a
//! declarative verifier, an oracle script and (where the template has one) a trap script — so it
//! can be generated, committed, diffed and evaluated on a phone.
//!
//! The format is versioned ([`FORMAT_VERSION`]) and strict: unknown fields are rejected.

pub mod exploits;
#[cfg(feature = "generate")]
pub mod generate;
pub mod script;
pub mod world;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tools::App;
use crate::verifier::Verifier;

pub use script::{run_script, Expr, Script, ScriptError, Step, StepRecord};

/// Version of the task file format written by this build.
pub const FORMAT_VERSION: u32 = 2;

/// A task family (one per app, plus multi-app tasks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Auth,
    Gmail,
    Gcal,
    Gdoc,
    Gdrive,
    Multi,
    Slack,
}

/// Which split a task belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Train,
    Eval,
    /// Whole templates never seen in training.
    HeldoutTemplate,
    /// Seen templates with parameter values never seen in training (in any template).
    HeldoutParams,
    /// Seen templates and parameters, asked in phrasings never used in training.
    HeldoutPhrasing,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub format: u32,
    pub id: String,
    pub family: Family,
    pub template: String,
    pub split: Split,
    /// What the user asks, in their words.
    pub instruction: String,
    /// Apps whose tools the agent sees.
    pub apps: Vec<App>,
    pub seed: SeedSpec,
    #[serde(default)]
    pub limits: Limits,
    pub verifier: Verifier,
    /// A solution that acts like a good agent: it finds ids through the tools.
    pub oracle: Script,
    /// A scripted wrong run (falls for the injection, hits the decoy…): must score < 0 or at most
    /// `max_reward`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trap: Option<Trap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// How to build the task's initial world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSpec {
    /// Seed of the world (filler and ids).
    pub seed: u64,
    /// Filler size: `empty`, `default` or `large`.
    pub scale: String,
    /// The frozen "now" (RFC 3339).
    pub now: String,
    /// Acting user (email).
    pub user: String,
    /// Rows the task is about, each with a role the verifier can select by.
    #[serde(default)]
    pub needles: Vec<Needle>,
}

/// One seeded row: `kind` names what to insert for `app` (e.g. gmail `message`, calendar `event`),
/// `data` its fields as the app's seeder documents them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Needle {
    pub role: String,
    pub app: App,
    pub kind: String,
    pub data: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Model turns before the episode stops.
    pub max_turns: u32,
    /// Tool calls across the episode.
    pub max_tool_calls: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_turns: 20,
            max_tool_calls: 40,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trap {
    /// What the trap run does wrong, for people.
    pub describe: String,
    pub script: Script,
    /// The trap run passes verification if its reward is < 0 or ≤ this.
    #[serde(default)]
    pub max_reward: f64,
}

impl Task {
    /// Parses a task file, checking the format version.
    pub fn from_json(text: &str) -> crate::Result<Task> {
        let task: Task = serde_json::from_str(text)
            .map_err(|e| crate::Error::Invalid(format!("invalid task: {e}")))?;
        if task.format != FORMAT_VERSION {
            return Err(crate::Error::Invalid(format!(
                "task {} has format {}, this build reads format {FORMAT_VERSION}",
                task.id, task.format
            )));
        }
        Ok(task)
    }
}

/// Reads every task of a task-set directory (`tasks/*.jsonl`), in file order.
pub fn load_dir(dir: &std::path::Path) -> crate::Result<Vec<Task>> {
    let tasks_dir = dir.join("tasks");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&tasks_dir)
        .map_err(|e| crate::Error::io(tasks_dir.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p)
            .map_err(|e| crate::Error::io(p.display().to_string(), e))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            out.push(
                Task::from_json(line).map_err(|e| {
                    crate::Error::Invalid(format!("{}:{}: {e}", p.display(), i + 1))
                })?,
            );
        }
    }
    Ok(out)
}
