//! The eval runner end to end in-process: the oracle scores 100 % through the runner, a replay of
//! the recorded results reproduces every reward exactly, reruns skip finished pairs, infra errors
//! are counted apart, and the paired comparison sees the difference between two runs.

use env0_chat::Message;
use env0_core::agent::{Model, ReplayModel};
use env0_core::eval::{
    claim_run_dir, compare, load_tasks, run_eval, select, selected_rows, write_report,
    OracleWorker, ReplayWorker, ResultRow, ResultsLog, RunConfig, TaskFilter, WorkerModels,
};
use env0_core::tasks::Task;

fn config(k: u32, workers: usize) -> RunConfig {
    RunConfig {
        k,
        workers,
        ..RunConfig::default()
    }
}

fn oracle_worker(_: usize) -> Result<Box<dyn WorkerModels>, String> {
    Ok(Box::new(OracleWorker::default()))
}

/// Answers at once ("Done!") and, for one task, fails to set up (an infrastructure error).
struct Idle {
    model: Option<ReplayModel>,
    broken_task: String,
}

impl WorkerModels for Idle {
    fn model(&mut self, task: &Task, _: u32, _: u64) -> Result<&mut dyn Model, String> {
        if task.id == self.broken_task {
            return Err("endpoint unreachable".into());
        }
        Ok(self
            .model
            .insert(ReplayModel::from_messages(&[Message::assistant("Done!")])))
    }
}

#[test]
fn loading_and_slicing_task_sets() {
    let dir = tempfile::tempdir().unwrap();
    crate::eval_support::write_task_dir(dir.path(), &crate::eval_support::tasks(8));
    let tasks = load_tasks(dir.path()).unwrap();
    assert_eq!(tasks.len(), 8, "the manifest is skipped");
    assert!(tasks.windows(2).all(|w| w[0].id < w[1].id));
    let gmail = select(
        &tasks,
        &TaskFilter {
            family: Some("gmail".into()),
            ..TaskFilter::default()
        },
    );
    assert_eq!(gmail.len(), 4);
    // A limited slice deals across families.
    let three = select(
        &tasks,
        &TaskFilter {
            limit: Some(3),
            ..TaskFilter::default()
        },
    );
    assert_eq!(three.len(), 3);
    assert!(three.iter().any(|t| t.template == "test-move"));
    assert!(three.iter().any(|t| t.template == "test-label-newest"));
    assert!(select(
        &tasks,
        &TaskFilter {
            split: Some("train".into()),
            ..TaskFilter::default()
        }
    )
    .is_empty());
    // A broken task file is an error that names it.
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"instruction": "x", "verifier": {}}"#,
    )
    .unwrap();
    assert!(load_tasks(dir.path())
        .unwrap_err()
        .to_string()
        .contains("bad.json"));
}

#[test]
fn oracle_scores_everything_and_replay_reproduces_it() {
    let tasks: Vec<Task> = crate::eval_support::tasks(4)
        .iter()
        .map(crate::eval_support::task)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let oracle_path = dir.path().join("oracle.jsonl");
    let mut log = ResultsLog::<ResultRow>::open(&oracle_path).unwrap();
    let written = run_eval(&tasks, &config(2, 2), &mut log, &oracle_worker, &|_| {}).unwrap();
    assert_eq!(written, 8);
    let rows = log.rows().to_vec();
    assert!(
        rows.iter().all(|r| r.passed && r.reward == 1.0),
        "{rows:#?}"
    );
    let report = write_report(dir.path(), &rows).unwrap();
    assert_eq!(report.overall.pass.rate, 1.0);
    assert_eq!(report.overall.n, 8);
    assert_eq!(report.pass_hat_k.get(&2), Some(&1.0));
    assert_eq!(report.tool_calls.validity_rate, 1.0);
    assert_eq!(report.by_family.len(), 2);
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("Strict pass rate (reward ≥ 1): 100.0 % (8/8"),
        "{md}"
    );
    assert!(dir.path().join("report.json").exists());

    // Row shape: prompt = system + user, completion = the rest, tool defs, per-check metrics.
    let row = rows
        .iter()
        .find(|r| r.info.template == "test-move")
        .unwrap();
    assert_eq!(row.prompt.len(), 2);
    assert!(matches!(
        row.completion.last(),
        Some(Message::Assistant { .. })
    ));
    assert!(row
        .tool_defs
        .iter()
        .all(|t| t.function.name.starts_with("calendar_")));
    assert_eq!(row.metrics["check/moved"], 1.0);
    assert_eq!(row.metrics["n_tool_calls"], 2.0);
    assert_eq!(row.stop_condition, env0_core::agent::StopReason::Final);
    let line: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&oracle_path)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    for key in [
        "example_id",
        "task",
        "prompt",
        "completion",
        "tool_defs",
        "reward",
        "metrics",
        "token_usage",
        "timing",
        "is_completed",
        "is_truncated",
        "stop_condition",
        "error",
    ] {
        assert!(line.get(key).is_some(), "row lacks {key}");
    }

    // A rerun finds everything done.
    let mut again = ResultsLog::<ResultRow>::open(&oracle_path).unwrap();
    assert_eq!(
        run_eval(&tasks, &config(2, 2), &mut again, &oracle_worker, &|_| {}).unwrap(),
        0
    );

    // Replaying the recorded trajectories reproduces each reward and conversation exactly.
    let recordings = ReplayWorker::load(&oracle_path).unwrap();
    let mut replay_log = ResultsLog::<ResultRow>::open(&dir.path().join("replay.jsonl")).unwrap();
    run_eval(
        &tasks,
        &config(2, 1),
        &mut replay_log,
        &|_| Ok(Box::new(ReplayWorker::new(recordings.clone())) as Box<dyn WorkerModels>),
        &|_| {},
    )
    .unwrap();
    for r in replay_log.rows() {
        let o = rows
            .iter()
            .find(|o| o.example_id == r.example_id && o.trial == r.trial)
            .unwrap();
        assert_eq!(r.reward, o.reward);
        assert_eq!(r.messages(), o.messages());
        assert_eq!(r.verdict, o.verdict);
    }
}

#[test]
fn infra_errors_are_apart_and_compare_pairs_runs() {
    let tasks: Vec<Task> = crate::eval_support::tasks(4)
        .iter()
        .map(crate::eval_support::task)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut oracle = ResultsLog::<ResultRow>::open(&dir.path().join("a.jsonl")).unwrap();
    run_eval(&tasks, &config(2, 1), &mut oracle, &oracle_worker, &|_| {}).unwrap();
    let broken = tasks[1].id.clone();
    let mut idle = ResultsLog::<ResultRow>::open(&dir.path().join("b.jsonl")).unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    run_eval(
        &tasks,
        &config(2, 2),
        &mut idle,
        &|_| {
            Ok(Box::new(Idle {
                model: None,
                broken_task: broken.clone(),
            }) as Box<dyn WorkerModels>)
        },
        &|p| seen.lock().unwrap().push(p.clone()),
    )
    .unwrap();
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (last.done, last.todo, last.infra_errors, last.passed),
        (8, 8, 2, 0)
    );

    let report = write_report(dir.path(), idle.rows()).unwrap();
    assert_eq!(report.infra_errors.count, 2);
    assert_eq!(report.overall.n, 6, "infra errors are not graded");
    assert_eq!(report.overall.pass.successes, 0);
    assert_eq!(report.infra_errors.by_kind["model_error"], 2);
    // Failure reasons: the unmet checks, most frequent first.
    let top: Vec<&str> = report
        .failure_reasons
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert!(top.contains(&"moved") && top.contains(&"filed"), "{top:?}");

    let c = compare(oracle.rows(), idle.rows(), 2000, 1);
    assert_eq!((c.pairs, c.excluded_infra), (6, 2));
    assert_eq!((c.only_a, c.only_b, c.both), (6, 0, 0));
    assert!((c.mcnemar_p - 0.03125).abs() < 1e-12, "{}", c.mcnemar_p);
    let d = c.reward.unwrap();
    assert_eq!(d.difference, -1.0);
    assert!(c.to_markdown().contains("McNemar"));
}

#[test]
fn a_cancelled_run_writes_only_whole_episodes_and_the_next_run_finishes() {
    let tasks: Vec<Task> = crate::eval_support::tasks(6)
        .iter()
        .map(crate::eval_support::task)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.jsonl");
    let cfg = config(1, 1);
    let cancel = cfg.cancel.clone();
    let mut log = ResultsLog::<ResultRow>::open(&path).unwrap();
    let written = run_eval(&tasks, &cfg, &mut log, &oracle_worker, &|p| {
        if p.done == 2 {
            cancel.cancel();
        }
        if let Some(last) = &p.last {
            assert!(last.passed && !last.infra_error);
        }
    })
    .unwrap();
    assert_eq!(written, 2);
    drop(log);
    let mut log = ResultsLog::<ResultRow>::open(&path).unwrap();
    assert_eq!(log.rows().len(), 2);
    assert_eq!(selected_rows(&log, &tasks[..1], 1).len(), 1);
    let rest = run_eval(&tasks, &config(1, 1), &mut log, &oracle_worker, &|_| {}).unwrap();
    assert_eq!(rest, 4);
    assert_eq!(selected_rows(&log, &tasks, 1).len(), 6);
    assert_eq!(
        selected_rows(&log, &tasks, 2).len(),
        6,
        "trial 1 was never run"
    );
}

#[test]
fn a_run_directory_holds_one_model() {
    let dir = tempfile::tempdir().unwrap();
    let details = serde_json::json!({"seed": 3});
    claim_run_dir(
        dir.path(),
        &[("model", "oracle"), ("profile", "native")],
        &details,
    )
    .unwrap();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(
        (run["model"].as_str(), run["seed"].as_u64()),
        (Some("oracle"), Some(3))
    );
    claim_run_dir(
        dir.path(),
        &[("model", "oracle"), ("profile", "native")],
        &details,
    )
    .unwrap();
    let err = claim_run_dir(
        dir.path(),
        &[("model", "replay"), ("profile", "native")],
        &details,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("holds a run with model oracle"), "{err}");
}
