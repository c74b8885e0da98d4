//! Shared helpers for the SFT data tests: real results rows made by the oracle through the real
//! eval runner on a slice of tasks-lite, row surgery, and the chat fixtures.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use env0_core::eval::{
    load_tasks, run_eval, select, OracleWorker, ResultRow, ResultsLog, RunConfig, TaskFilter,
    WorkerModels,
};
use env0_core::tasks::Task;
use env0_sft::{build, BuildOptions, BuildOutcome, RowMode};
use serde_json::Value;

pub fn tasks_lite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tasks-lite")
}

/// Every task of tasks-lite (loaded once per test binary).
pub fn all_tasks() -> &'static [Task] {
    static TASKS: OnceLock<Vec<Task>> = OnceLock::new();
    TASKS.get_or_init(|| load_tasks(&tasks_lite()).expect("tasks-lite loads"))
}

/// Twelve train-split tasks, two per family (the eval runner's round-robin slice).
pub fn slice() -> Vec<Task> {
    select(
        all_tasks(),
        &TaskFilter {
            split: Some("train".into()),
            limit: Some(12),
            ..TaskFilter::default()
        },
    )
}

/// A scratch directory for this test binary and `name`, emptied first.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("sft")
        .join(env!("CARGO_CRATE_NAME"))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// results.jsonl of `env0 eval --model oracle` over [`slice`] (run once per test binary).
pub fn oracle_results() -> &'static Path {
    static RESULTS: OnceLock<PathBuf> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let path = scratch("oracle").join("results.jsonl");
        let mut log = ResultsLog::<ResultRow>::open(&path).unwrap();
        let open = |_: usize| -> Result<Box<dyn WorkerModels>, String> {
            Ok(Box::new(OracleWorker::default()))
        };
        let written = run_eval(&slice(), &RunConfig::default(), &mut log, &open, &|_| {}).unwrap();
        assert_eq!(written, 12);
        assert!(
            log.rows().iter().all(|r| r.passed),
            "the oracle solves every task"
        );
        path
    })
}

/// The oracle rows as JSON values (for editing).
pub fn oracle_rows() -> Vec<Value> {
    std::fs::read_to_string(oracle_results())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn write_jsonl(path: &Path, rows: &[Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Builds from the oracle results into a fresh directory.
pub fn build_oracle(name: &str, opts: &BuildOptions) -> (PathBuf, BuildOutcome) {
    let out = scratch(name);
    let outcome = build(&[oracle_results().to_path_buf()], &out, opts).unwrap();
    (out, outcome)
}

/// The oracle results built with default filters in `mode`, once per test binary (tests run in
/// parallel and share it read-only).
pub fn built(mode: RowMode) -> &'static Path {
    static ROLLOUT: OnceLock<PathBuf> = OnceLock::new();
    static EXCHANGE: OnceLock<PathBuf> = OnceLock::new();
    let cell = match mode {
        RowMode::Rollout => &ROLLOUT,
        RowMode::Exchange => &EXCHANGE,
    };
    cell.get_or_init(|| {
        let opts = BuildOptions {
            rows: mode,
            ..BuildOptions::default()
        };
        build_oracle(&format!("built-{mode:?}"), &opts).0
    })
}

/// The fixture cache (`$ENV0_FIXTURES`, default `~/.cache/env0/fixtures`). A missing file fails
/// the test with the command that fetches it: fixtures are never silently skipped.
pub fn fixture(relative: &str) -> PathBuf {
    env0_fixtures::require(relative).unwrap_or_else(|e| panic!("{e}"))
}

pub fn smollm2() -> PathBuf {
    fixture(env0_fixtures::SMOLLM2_GGUF)
}
