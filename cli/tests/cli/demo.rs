//! `env0 demo` as a first-time user runs it: the oracle through the whole loop on the real
//! tasks-lite (one task per family, printed as it runs, then the summary), and clear errors.

use std::path::PathBuf;
use std::process::Command;

fn env0() -> Command {
    Command::new(env!("CARGO_BIN_EXE_env0"))
}

fn tasks_lite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tasks-lite")
}

#[test]
fn the_oracle_demo_prints_each_episode_and_a_summary() {
    let o = env0()
        .args(["demo", "--model", "oracle", "-n", "4", "--tasks"])
        .arg(tasks_lite())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for n in 1..=4 {
        assert!(
            out.contains(&format!("[{n}/4] ")),
            "task {n} missing:\n{out}"
        );
    }
    // One task per family, in the demo's order.
    let families: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with('['))
        .filter_map(|l| l.split(" (").nth(1)?.split(',').next())
        .collect();
    assert_eq!(families, ["gmail", "gcal", "slack", "gdrive"], "{out}");
    // Every episode shows its requests, its tool calls with their results, and its verdict
    // with each check.
    assert_eq!(out.matches("  request: ").count(), 4, "{out}");
    assert!(
        out.contains("  → WRITE ") && out.contains("    ← ok: "),
        "{out}"
    );
    assert_eq!(
        out.matches("  verdict: PASS (reward 1.00)").count(),
        4,
        "{out}"
    );
    assert!(out.contains("    [pass] "), "{out}");
    assert!(out.contains("4 of 4 passed"), "{out}");
}

#[test]
fn a_missing_task_set_is_a_clear_error() {
    let o = env0()
        .args(["demo", "--model", "oracle", "--tasks", "/nonexistent/tasks"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/nonexistent/tasks") && err.contains("--tasks"),
        "{err}"
    );
}

#[cfg(not(feature = "local"))]
#[test]
fn the_default_model_in_a_build_without_local_says_how_to_get_it() {
    let o = env0()
        .args(["demo", "--tasks"])
        .arg(tasks_lite())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    // With the fixture cache (CI fetches it first): how to build with the backend. Without it:
    // how to fetch the model. Either way the way forward is named.
    assert!(
        (err.contains("--features local") && err.contains("env0 demo --model oracle"))
            || err.contains("scripts/fetch-fixtures.sh chat"),
        "{err}"
    );
}
