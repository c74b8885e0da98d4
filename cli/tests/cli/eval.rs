//! `env0 eval` as a user runs it: the real binary, oracle at 100 %, SIGKILL mid-run and resume
//! with exactly one row per (task, trial), `eval compare`, `eval report`, and a clear error for
//! local models in a build without the `local` feature.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env0() -> Command {
    Command::new(env!("CARGO_BIN_EXE_env0"))
}

fn rows(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.ends_with('}'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn oracle_scores_100_percent_and_compare_and_report_work() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    crate::eval_support::write_task_dir(&tasks, &crate::eval_support::tasks(4));
    let out = dir.path().join("oracle");
    let o = env0()
        .args([
            "eval",
            "--model",
            "oracle",
            "-k",
            "2",
            "--workers",
            "2",
            "-q",
        ])
        .arg("--tasks")
        .arg(&tasks)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("strict pass 100.0 % (8/8"), "{stdout}");
    assert_eq!(rows(&out.join("results.jsonl")).len(), 8);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["overall"]["pass"]["rate"], 1.0);

    // Replay the oracle's results into a second run, then compare the two: identical.
    let replay = dir.path().join("replay");
    let o = env0()
        .args(["eval", "-k", "2", "-q"])
        .arg("--model")
        .arg(format!("replay:{}", out.display()))
        .arg("--tasks")
        .arg(&tasks)
        .arg("--out")
        .arg(&replay)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = env0()
        .args(["eval", "compare"])
        .arg(&out)
        .arg(&replay)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(text.contains("Paired (task, trial): 8"), "{text}");
    assert!(text.contains("McNemar p = 1.0000"), "{text}");

    let o = env0().args(["eval", "report"]).arg(&out).output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("By template"));

    // Another model into the same directory is refused.
    let o = env0()
        .args(["eval", "--model", "replay:x.jsonl", "-q"])
        .arg("--tasks")
        .arg(&tasks)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn a_killed_eval_resumes_with_exactly_one_row_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    crate::eval_support::write_task_dir(&tasks, &crate::eval_support::tasks(6));
    let (n_tasks, k) = (6usize, 30u32);
    let total = n_tasks * k as usize;
    let out = dir.path().join("run");
    let results = out.join("results.jsonl");
    let args = |c: &mut Command| {
        c.args(["eval", "--model", "oracle", "--workers", "2", "-q", "-k"])
            .arg(k.to_string())
            .arg("--tasks")
            .arg(&tasks)
            .arg("--out")
            .arg(&out);
    };
    let mut cmd = env0();
    args(&mut cmd);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while rows(&results).len() < 5 {
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = rows(&results).len();
    assert!(
        at_kill < total,
        "the run was killed mid-way ({at_kill} of {total})"
    );

    let mut cmd = env0();
    args(&mut cmd);
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(&format!("{total} rows")), "{stdout}");
    let done = rows(&results);
    assert_eq!(done.len(), total);
    let keys: BTreeSet<(String, u64)> = done
        .iter()
        .map(|r| {
            (
                r["example_id"].as_str().unwrap().to_string(),
                r["trial"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(keys.len(), total, "exactly one row per (task, trial)");
    assert!(done.iter().all(|r| r["reward"] == 1.0));
}

#[cfg(not(feature = "local"))]
#[test]
fn local_models_say_how_to_build_them() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = dir.path().join("tasks");
    crate::eval_support::write_task_dir(&tasks, &crate::eval_support::tasks(1));
    let model = dir.path().join("m.gguf");
    std::fs::write(&model, b"GGUF").unwrap();
    let o = env0()
        .args(["eval", "-q"])
        .arg("--model")
        .arg(&model)
        .arg("--tasks")
        .arg(&tasks)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--features local"), "{err}");
}
