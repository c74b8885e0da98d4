//! Evaluation: run a task set with a model k times (resumable results.jsonl in the verifiers /
//! prime-rl row shape), report it honestly, compare two runs.

mod compare;
mod report;
mod results;
mod row;
mod rundir;
mod runner;
mod stats;
mod taskset;

pub use compare::{compare, Comparison};
pub use report::{write_report, GroupStats, Report};
pub use results::{ResultsLog, TrialKey};
pub use row::ResultRow;
pub use rundir::claim_run_dir;
pub use runner::{
    episode_seed, run_eval, selected_rows, Finished, OpenWorker, OracleWorker, Progress,
    ReplayWorker, RunConfig, ScriptWorker, WorkerModels,
};
pub use stats::{
    mcnemar_exact, paired_bootstrap, pass_hat_k, wilson, PairedDifference, Proportion, Z95,
};
pub use taskset::{load_tasks, select, wire_name, TaskFilter};
