//! `env0 data` as a user runs it, on the real binary: oracle eval → build → validate → tokenize →
//! audit, exit codes included (validate and audit exit 1 on a broken row, naming FILE:LINE).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn env0(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_env0"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tasks_lite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tasks-lite")
}

/// The SmolLM2 GGUF from the fixture cache; missing, the test fails with the fetch command.
fn smollm2() -> PathBuf {
    env0_fixtures::require(env0_fixtures::SMOLLM2_GGUF).unwrap_or_else(|e| panic!("{e}"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_data_pipeline_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let (run, data) = (dir.path().join("run"), dir.path().join("data"));
    let tasks = tasks_lite();
    let o = env0(&[
        "eval",
        "--model",
        "oracle",
        "--tasks",
        s(&tasks),
        "--split",
        "train",
        "--limit",
        "6",
        "--out",
        s(&run),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    let o = env0(&["data", "build", "--results", s(&run), "--out", s(&data)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("kept 6 of 6 episodes → 6 rows"),
        "{}",
        text(&o)
    );
    for f in ["prime.jsonl", "openai.jsonl", "sharegpt.json"] {
        let o = env0(&["data", "validate", s(&data.join(f))]);
        assert!(o.status.success(), "{f}: {}", text(&o));
        assert!(text(&o).contains("6 rows"), "{}", text(&o));
    }

    // A call to an undeclared tool on line 2: exit 1, reported as FILE:2.
    let openai = std::fs::read_to_string(data.join("openai.jsonl")).unwrap();
    let lines: Vec<&str> = openai.lines().collect();
    let name = {
        let row: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        row["messages"][2]["tool_calls"][0]["function"]["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let broken = dir.path().join("broken.jsonl");
    let bad = lines[1].replacen(&format!("\"name\":\"{name}\""), "\"name\":\"nope\"", 1);
    std::fs::write(&broken, format!("{}\n{bad}\n", lines[0])).unwrap();
    let o = env0(&["data", "validate", s(&broken)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{}:2: [tool-name]", broken.display())),
        "{}",
        text(&o)
    );

    let model = smollm2();
    let (train, eval) = (
        dir.path().join("train.jsonl"),
        dir.path().join("eval.jsonl"),
    );
    let o = env0(&[
        "data",
        "tokenize",
        "--model",
        s(&model),
        "--data",
        s(&data.join("openai.jsonl")),
        "--out",
        s(&train),
        "--eval-fraction",
        "0.5",
        "--eval-out",
        s(&eval),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let count = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count();
    assert_eq!(count(&train) + count(&eval), 6, "{}", text(&o));

    let o = env0(&[
        "data",
        "audit",
        "--model",
        s(&model),
        "--data",
        s(&data.join("openai.jsonl")),
        "--tasks",
        s(&tasks),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 mismatches"), "{}", text(&o));

    // An edited system prompt: exit 1 with both decoded contexts.
    let edited = dir.path().join("edited.jsonl");
    std::fs::write(
        &edited,
        openai.replacen("Use the tools", "Use all tools", 1),
    )
    .unwrap();
    let o = env0(&[
        "data",
        "audit",
        "--model",
        s(&model),
        "--data",
        s(&edited),
        "--tasks",
        s(&tasks),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(&format!("{}:1: message 2:", edited.display())),
        "{out}"
    );
    assert!(
        out.contains("runtime:") && out.contains("training:"),
        "{out}"
    );
}
