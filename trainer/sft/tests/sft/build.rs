//! `env0 data build` on real results rows (the oracle through the eval runner on twelve
//! tasks-lite tasks): what is kept, each reject reason counted, the outputs valid in all three
//! formats, the manifest's hashes true, and the output independent of input order.
use std::collections::BTreeMap;

use crate::support::{oracle_results, oracle_rows, scratch, write_jsonl};
use env0_sft::{build, sha256_hex, BuildOptions, RowMode, TaskList};
use env0_sft::{validate_file, ValidateOptions};
use serde_json::{json, Value};

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn assistant_count(row: &Value) -> usize {
    row["completion"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .count()
}

/// Rows 4.. of the oracle run, each broken one way; rows 0..4 stay as they are.
fn crafted() -> (Vec<Value>, Vec<Value>) {
    let mut rows = oracle_rows();
    // low reward
    rows[4]["reward"] = json!(0.5);
    rows[4]["passed"] = json!(false);
    // a safety gate tripped (reward left at 1: a capped gate may not lower it below the bar)
    rows[5]["metrics"]["gate/decoy"] = json!(1.0);
    if let Some(g) = rows[5]["verdict"]["gates"].get_mut(0) {
        g["tripped"] = json!(true);
    }
    // infrastructure errors
    rows[6]["error"] = json!({"error": "model_error", "error_chain_str": "connection refused"});
    rows[6]["reward"] = json!(0.0);
    rows[7]["error"] = json!({"error": "setup_error", "error_chain_str": "seed failed"});
    rows[7]["reward"] = json!(0.0);
    // stopped by the turn limit
    rows[8]["is_truncated"] = json!(true);
    rows[8]["stop_condition"] = json!("max_turns");
    // a rejected tool call happened on the way
    rows[9]["metrics"]["n_invalid_tool_calls"] = json!(1.0);
    // no tool call at all
    rows[10]["completion"] = json!([{"role": "assistant", "content": "Done."}]);
    // a call to a tool the row does not declare (invalid_row)
    rows[11]["completion"][0]["tool_calls"][0]["function"]["name"] = json!("drop_database");
    // duplicates of rows 0 and 1 in a second file; the first file's copy wins
    let mut dups = vec![rows[0].clone(), rows[1].clone()];
    for d in &mut dups {
        let last = d["completion"].as_array().unwrap().len() - 1;
        d["completion"][last]["content"] = json!("DUPLICATE COPY");
    }
    (rows, dups)
}

#[test]
fn build_keeps_good_rows_and_counts_every_reject_reason() {
    let dir = scratch("rejects");
    let (rows, dups) = crafted();
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    write_jsonl(&a, &rows);
    write_jsonl(&b, &dups);
    let out = dir.join("out");
    let outcome = build(&[a, b], &out, &BuildOptions::default()).unwrap();
    let m = &outcome.manifest;
    let expected: BTreeMap<String, usize> = [
        ("low_reward", 1),
        ("unsafe", 1),
        ("error:model_error", 1),
        ("error:setup_error", 1),
        ("truncated", 1),
        ("invalid_tool_calls", 1),
        ("no_tool_calls", 1),
        ("invalid_row", 1),
        ("duplicate", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(m.rejects, expected);
    assert_eq!(
        (m.counts.read, m.counts.kept, m.counts.rejected),
        (14, 4, 10)
    );
    assert_eq!(outcome.notes.len(), 1);
    assert!(
        outcome.notes[0].contains("drop_database"),
        "{}",
        outcome.notes[0]
    );
    let prime = lines(&out.join("prime.jsonl"));
    let mut kept: Vec<&str> = rows[..4]
        .iter()
        .map(|r| r["task"].as_str().unwrap())
        .collect();
    kept.sort_unstable();
    let got: Vec<&str> = prime.iter().map(|r| r["task"].as_str().unwrap()).collect();
    assert_eq!(got, kept, "kept rows, sorted by task");
    let text = std::fs::read_to_string(out.join("openai.jsonl")).unwrap();
    assert!(
        !text.contains("DUPLICATE COPY"),
        "the first input's copy wins"
    );
    let families: usize = m.families.values().map(|f| f.read).sum();
    assert_eq!(families, 14);
}

#[test]
fn flags_relax_each_filter() {
    let dir = scratch("flags");
    let (rows, _) = crafted();
    let a = dir.join("a.jsonl");
    write_jsonl(&a, &rows);
    let kept = |opts: BuildOptions, name: &str| {
        build(std::slice::from_ref(&a), &dir.join(name), &opts)
            .unwrap()
            .manifest
            .counts
            .kept
    };
    let base = BuildOptions::default();
    assert_eq!(kept(base.clone(), "base"), 4);
    let unsafe_ok = BuildOptions {
        keep_unsafe: true,
        ..base.clone()
    };
    assert_eq!(kept(unsafe_ok, "unsafe"), 5);
    let low_ok = BuildOptions {
        min_reward: 0.5,
        ..base.clone()
    };
    assert_eq!(kept(low_ok, "low"), 5);
    let no_calls_ok = BuildOptions {
        require_tool_calls: false,
        ..base.clone()
    };
    assert_eq!(kept(no_calls_ok, "nocalls"), 5);
    let invalid_ok = BuildOptions {
        keep_invalid_calls: true,
        ..base
    };
    assert_eq!(kept(invalid_ok, "invalid"), 5);
}

#[test]
fn outputs_validate_and_the_manifest_hashes_the_files() {
    for mode in [RowMode::Rollout, RowMode::Exchange] {
        let (out, outcome) = crate::support::build_oracle(
            &format!("valid-{mode:?}"),
            &BuildOptions {
                rows: mode,
                ..BuildOptions::default()
            },
        );
        let m = &outcome.manifest;
        assert_eq!((m.counts.read, m.counts.kept), (12, 12));
        // The 12-task slice deals tasks round-robin over the seven families: every family is
        // there and every oracle episode is kept.
        assert_eq!(m.families.len(), 7, "{:?}", m.families);
        assert!(
            m.families.values().all(|f| f.read >= 1 && f.kept == f.read),
            "{:?}",
            m.families
        );
        let episodes = oracle_rows();
        let expected_rows = match mode {
            RowMode::Rollout => 12,
            RowMode::Exchange => episodes.iter().map(assistant_count).sum(),
        };
        assert_eq!(m.counts.rows, expected_rows);
        for (name, file) in &m.outputs {
            let bytes = std::fs::read(out.join(name)).unwrap();
            assert_eq!(file.sha256, sha256_hex(&bytes), "{name}");
            assert_eq!(file.bytes, bytes.len(), "{name}");
        }
        for name in ["prime.jsonl", "openai.jsonl", "sharegpt.json"] {
            let report = validate_file(&out.join(name), &ValidateOptions::default()).unwrap();
            assert_eq!(report.rows, expected_rows, "{name}");
            assert!(report.problems.is_empty(), "{name}: {:?}", report.problems);
        }
        let input = &m.inputs[0];
        assert_eq!(
            input.sha256,
            sha256_hex(&std::fs::read(oracle_results()).unwrap())
        );
        let info: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("dataset_info.json")).unwrap())
                .unwrap();
        assert_eq!(info["env0_sft"]["file_name"], "sharegpt.json");
        assert_eq!(info["env0_sft"]["tags"]["function_tag"], "function_call");
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(manifest["counts"]["rows"], expected_rows);
    }
}

#[test]
fn exchange_rows_end_at_each_assistant_turn() {
    let (out, _) = crate::support::build_oracle(
        "exchange",
        &BuildOptions {
            rows: RowMode::Exchange,
            ..BuildOptions::default()
        },
    );
    let prime = lines(&out.join("prime.jsonl"));
    let openai = lines(&out.join("openai.jsonl"));
    let first = &oracle_rows()[0];
    let n = assistant_count(first);
    let of_first: Vec<&Value> = prime
        .iter()
        .filter(|r| r["task"] == first["task"])
        .collect();
    assert_eq!(of_first.len(), n);
    for (k, row) in of_first.iter().enumerate() {
        let completion = row["completion"].as_array().unwrap();
        assert_eq!(completion.len(), 1, "one target turn");
        assert_eq!(completion[0]["role"], "assistant");
        // The context is the episode up to the target; it grows by one exchange each row.
        assert_eq!(row["prompt"].as_array().unwrap().len(), 2 + 2 * k);
        assert_eq!(row["info"]["turn"], 2 + 2 * k);
    }
    // OpenAI rows mark the context's assistant turns as untrained.
    for row in &openai {
        let msgs = row["messages"].as_array().unwrap();
        let last = msgs.len() - 1;
        for (i, m) in msgs.iter().enumerate() {
            if m["role"] == "assistant" {
                assert_eq!(m.get("weight").is_some(), i != last, "{m}");
            }
        }
    }
}

#[test]
fn output_is_sorted_and_independent_of_input_order() {
    let dir = scratch("order");
    let mut rows = oracle_rows();
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    write_jsonl(&a, &rows);
    rows.reverse();
    write_jsonl(&b, &rows);
    let opts = BuildOptions::default();
    let ma = build(&[a], &dir.join("out-a"), &opts).unwrap().manifest;
    let mb = build(&[b], &dir.join("out-b"), &opts).unwrap().manifest;
    assert_eq!(
        ma.outputs, mb.outputs,
        "same bytes whatever the input order"
    );
    let tasks: Vec<String> = lines(&dir.join("out-a/prime.jsonl"))
        .iter()
        .map(|r| r["task"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = tasks.clone();
    sorted.sort();
    assert_eq!(tasks, sorted);
}

#[test]
fn task_list_and_split_select_episodes() {
    let dir = scratch("select");
    let rows = oracle_rows();
    let list = dir.join("tasks.txt");
    std::fs::write(
        &list,
        format!(
            "# three of the twelve\n{}\n\n{}  # trailing comment\n{}\nno-such-task\n",
            rows[0]["task"].as_str().unwrap(),
            rows[5]["task"].as_str().unwrap(),
            rows[9]["task"].as_str().unwrap()
        ),
    )
    .unwrap();
    let tasks = TaskList::read(&list).unwrap();
    assert_eq!(tasks.count, 4);
    let (_, outcome) = crate::support::build_oracle(
        "tasks",
        &BuildOptions {
            tasks: Some(tasks),
            ..BuildOptions::default()
        },
    );
    assert_eq!(outcome.manifest.counts.kept, 3);
    assert_eq!(outcome.manifest.rejects["not_in_tasks"], 9);
    let (_, outcome) = crate::support::build_oracle(
        "split",
        &BuildOptions {
            split: Some("eval".into()),
            ..BuildOptions::default()
        },
    );
    assert_eq!(outcome.manifest.counts.kept, 0);
    assert_eq!(outcome.manifest.rejects["other_split"], 12);
}

#[test]
fn unreadable_inputs_are_errors_naming_path_and_line() {
    let dir = scratch("bad");
    let rows = oracle_rows();
    let path = dir.join("results.jsonl");
    std::fs::write(&path, format!("{}\n{{\"example_id\": 3}}\n", rows[0])).unwrap();
    let err = build(
        std::slice::from_ref(&path),
        &dir.join("out"),
        &BuildOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&format!("{}:2:", path.display())), "{err}");
    let list = dir.join("tasks.txt");
    std::fs::write(&list, "a-task\ntwo words\n").unwrap();
    let err = TaskList::read(&list).unwrap_err().to_string();
    assert!(err.contains(&format!("{}:2:", list.display())), "{err}");
    // A run directory stands for its results.jsonl.
    let err = build(
        std::slice::from_ref(&dir),
        &dir.join("out2"),
        &BuildOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&format!("{}:2:", path.display())), "{err}");
}

#[test]
fn identical_rows_from_different_tasks_are_written_once() {
    let dir = scratch("dedupe");
    let rows = oracle_rows();
    // A second task whose episode is the same conversation (as tasks of one template with the
    // same instruction are at their first exchange).
    let mut twin = rows[0].clone();
    twin["task"] = json!("zz-twin-of-first");
    twin["example_id"] = json!("zz-twin-of-first");
    let mut with_twin = rows.clone();
    with_twin.push(twin);
    let (plain, doubled) = (dir.join("plain.jsonl"), dir.join("doubled.jsonl"));
    write_jsonl(&plain, &rows);
    write_jsonl(&doubled, &with_twin);
    let opts = BuildOptions {
        rows: RowMode::Exchange,
        ..BuildOptions::default()
    };
    let a = build(&[plain], &dir.join("out-plain"), &opts)
        .unwrap()
        .manifest;
    let b = build(&[doubled], &dir.join("out-doubled"), &opts)
        .unwrap()
        .manifest;
    assert_eq!(
        b.counts.kept,
        a.counts.kept + 1,
        "the twin episode passes the filters"
    );
    assert_eq!(b.counts.rows, a.counts.rows, "but adds no row");
    assert_eq!(b.counts.duplicate_rows, assistant_count(&rows[0]));
    assert_eq!(a.counts.duplicate_rows, 0);
}
