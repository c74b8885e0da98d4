//! `env0 data audit`: real rows (oracle results through the eval runner, built by `data build`)
//! render exactly like the runtime's prompts with the SmolLM2 chat format; an edited system
//! prompt, tool list or instruction is caught with the first differing token and both contexts;
//! and Qwen3's template (an empty think block only on the last turn) fails rollout rows but not
//! exchange rows.
use std::path::{Path, PathBuf};

use crate::support::{all_tasks, built, fixture, scratch, smollm2};
use env0_sft::{audit_file, load_chat_format, AuditOptions, AuditReport, RowMode};
use serde_json::{json, Value};

fn audit(model: &Path, data: &Path) -> AuditReport {
    let format = load_chat_format(model, None).unwrap();
    audit_file(&format, data, all_tasks(), &AuditOptions::default()).unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Rows of `file` with row `index` edited by `edit`, written to a scratch file.
fn edited(name: &str, file: &Path, index: usize, edit: impl Fn(&mut Value)) -> PathBuf {
    let mut rows = lines(file);
    edit(&mut rows[index]);
    let path = scratch(name).join(file.file_name().unwrap());
    crate::support::write_jsonl(&path, &rows);
    path
}

#[test]
fn real_rows_render_like_the_runtime_with_smollm2() {
    let episodes = crate::support::oracle_rows();
    let assistant_turns: usize = episodes
        .iter()
        .map(|e| {
            e["completion"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["role"] == "assistant")
                .count()
        })
        .sum();
    for (mode, file) in [
        (RowMode::Rollout, "openai.jsonl"),
        (RowMode::Rollout, "prime.jsonl"),
        (RowMode::Exchange, "openai.jsonl"),
    ] {
        let data = built(mode).join(file);
        let r = audit(&smollm2(), &data);
        assert!(
            r.mismatches.is_empty(),
            "{mode:?} {file}: {:#?}",
            r.mismatches
        );
        let rows = lines(&data).len();
        assert_eq!(r.rows, rows);
        // Prompts compared: rollout rows, one per assistant turn (the first one is the opening);
        // exchange rows, the opening plus the trained turn unless that is the first.
        let expected = match mode {
            RowMode::Rollout => assistant_turns,
            RowMode::Exchange => 2 * rows - episodes.len(),
        };
        assert_eq!(r.turns, expected, "{mode:?} {file}");
    }
}

#[test]
fn an_altered_system_prompt_fails_with_the_differing_token() {
    let data = built(RowMode::Rollout).join("openai.jsonl");
    let path = edited("system", &data, 1, |row| {
        let s = row["messages"][0]["content"].as_str().unwrap().to_string();
        row["messages"][0]["content"] = json!(s.replace("Use the tools", "Use any tools"));
    });
    let r = audit(&smollm2(), &path);
    assert_eq!(r.mismatches.len(), 1, "{:#?}", r.mismatches);
    let m = &r.mismatches[0];
    assert_eq!((m.line, m.turn), (2, 2));
    assert!(m.what.contains("opening"), "{}", m.what);
    assert!(m.position > 0);
    assert!(m.runtime.contains("the tools"), "{}", m.runtime);
    assert!(m.training.contains("any tools"), "{}", m.training);
}

#[test]
fn a_missing_tool_or_a_foreign_instruction_fails() {
    let data = built(RowMode::Rollout).join("prime.jsonl");
    let path = edited("tools", &data, 0, |row| {
        row["tools"].as_array_mut().unwrap().pop();
    });
    let r = audit(&smollm2(), &path);
    assert_eq!(r.mismatches.len(), 1, "{:#?}", r.mismatches);
    assert!(r.mismatches[0].what.contains("opening"));
    let path = edited("instruction", &data, 3, |row| {
        row["prompt"][1]["content"] = json!("Please do something no task asks for.");
    });
    let r = audit(&smollm2(), &path);
    assert_eq!(r.mismatches.len(), 1, "{:#?}", r.mismatches);
    assert_eq!(r.mismatches[0].line, 4);
    assert!(r.mismatches[0].what.contains("no task"));
}

#[test]
fn qwen3_rollout_rows_drift_and_exchange_rows_do_not() {
    let qwen3 = fixture("chat/qwen3/tokenizer.json")
        .parent()
        .unwrap()
        .to_path_buf();
    let r = audit(&qwen3, &built(RowMode::Rollout).join("openai.jsonl"));
    // With thinking off the generation prompt ends in an empty think block, which the template
    // writes into history only for the last turn: every earlier trained turn drifts.
    assert!(!r.mismatches.is_empty());
    for m in &r.mismatches {
        assert!(m.what.contains("not a prefix"), "{}", m.what);
        assert!(m.runtime.contains("<think>"), "{}", m.runtime);
        assert!(!m.training.contains("<think>"), "{}", m.training);
    }
    let r = audit(&qwen3, &built(RowMode::Exchange).join("openai.jsonl"));
    assert!(r.mismatches.is_empty(), "{:#?}", r.mismatches);
}
