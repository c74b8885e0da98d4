//! Small proven tasks for the episode, proof and eval tests: a Calendar move and a Gmail label
//! task, varied by world seed so there are as many as a test needs.

use env0_core::tasks::Task;
use serde_json::{json, Value};

/// "Move tomorrow's Vendor sync to 15:00."
pub fn move_meeting(seed: u64) -> Value {
    json!({
        "format": 2, "id": format!("gcal-move-vendor-sync-{seed:03}"), "family": "gcal", "template": "test-move",
        "split": "eval", "instruction": "Push tomorrow's Vendor sync to 3pm, same length.",
        "apps": ["calendar"],
        "seed": {"seed": seed, "scale": "default", "now": "2026-03-16T16:00:00Z", "user": "alex@nexusai.com",
                 "needles": [{"role": "target", "app": "calendar", "kind": "event",
                              "data": {"summary": "Vendor sync", "days_from_now": 1, "start_hour": 11,
                                       "duration_minutes": 30, "time_zone": "America/Los_Angeles"}}]},
        "verifier": {"checks": [
            {"id": "moved", "describe": "Vendor sync starts at 15:00 on 17 March",
             "select": {"collection": "calendar_events", "needles": ["target"]},
             "expect": {"all": [{"field": "start_at", "op": "time_eq", "value": "2026-03-17T15:00", "tz": "America/Los_Angeles"},
                                {"field": "end_at", "op": "time_eq", "value": "2026-03-17T15:30", "tz": "America/Los_Angeles"}]}}
        ]},
        "oracle": {"steps": [
            {"tool": "calendar_list_events", "args": {"time_min": "2026-03-17", "time_max": "2026-03-18", "query": "Vendor sync"}},
            {"tool": "calendar_update_event", "args": {
                "event_id": {"$from": 0, "path": "events", "where": [{"field": "summary", "op": "eq", "value": "Vendor sync"}], "get": "id"},
                "start": "2026-03-17T15:00", "end": "2026-03-17T15:30"}}
        ], "final_message": "Moved Vendor sync to 3:00-3:30pm tomorrow."}
    })
}

/// "Make a Receipts label and file my newest inbox message under it."
pub fn label_newest(seed: u64) -> Value {
    json!({
        "format": 2, "id": format!("gmail-label-newest-{seed:03}"), "family": "gmail", "template": "test-label-newest",
        "split": "eval", "instruction": "Make a Receipts label and file my newest inbox message under it.",
        "apps": ["gmail"],
        "seed": {"seed": seed, "scale": "default", "now": "2026-03-16T16:00:00Z", "user": "alex@nexusai.com"},
        "verifier": {
            "checks": [
                {"id": "label", "describe": "a 'Receipts' label exists",
                 "select": {"collection": "gmail_labels", "from": "added", "where": [{"field": "name", "op": "eq_ci", "value": "receipts"}]},
                 "expect": {"count": {"eq": 1}}},
                {"id": "filed", "weight": 2, "describe": "one message carries the Receipts label",
                 "select": {"collection": "gmail_messages", "from": "updated"},
                 "expect": {"any": [{"field": "label_ids", "op": "contains",
                     "value": {"lookup": {"collection": "gmail_labels", "where": [{"field": "name", "op": "eq_ci", "value": "receipts"}], "field": "id"}}}]}}
            ],
            "gates": [{"id": "no-trash", "describe": "nothing is trashed",
                       "select": {"collection": "gmail_messages", "from": "updated",
                                  "where": [{"field": "label_ids", "op": "contains", "value": "TRASH"}]},
                       "effect": {"force": -1.0}}]
        },
        "oracle": {"steps": [
            {"tool": "gmail_search", "args": {"query": "in:inbox", "max_results": 1}},
            {"tool": "gmail_create_label", "args": {"name": "Receipts"}},
            {"tool": "gmail_modify_labels", "args": {"message_ids": [{"$from": 0, "path": "messages", "get": "id"}], "add": ["Receipts"]}}
        ], "final_message": "Created the Receipts label and filed your newest inbox message under it."}
    })
}

pub fn task(v: &Value) -> Task {
    Task::from_json(&v.to_string()).unwrap()
}

/// `n` tasks alternating the two templates.
pub fn tasks(n: u64) -> Vec<Value> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                move_meeting(i)
            } else {
                label_newest(i)
            }
        })
        .collect()
}

/// Writes `tasks` as a task directory: the first one as its own file, the rest as one JSONL,
/// plus a manifest that the loader must skip.
pub fn write_task_dir(dir: &std::path::Path, tasks: &[Value]) {
    std::fs::create_dir_all(dir.join("gcal")).unwrap();
    if let Some((first, rest)) = tasks.split_first() {
        std::fs::write(dir.join("gcal/first.json"), first.to_string()).unwrap();
        let lines: Vec<String> = rest.iter().map(Value::to_string).collect();
        std::fs::write(dir.join("rest.jsonl"), lines.join("\n") + "\n").unwrap();
    }
    std::fs::write(dir.join("manifest.json"), r#"{"count": 0, "families": {}}"#).unwrap();
}
