//! Loading a task set (a directory tree of task files, a JSONL file of tasks, or one task file)
//! and picking the slice an eval runs.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::tasks::Task;

/// Reads every task under `path`: `*.json` files holding one task, `*.jsonl` files holding one
/// per line, recursively for a directory. JSON files that are not tasks (a manifest, skills
/// metadata) are skipped; a file that looks like a task but does not parse is an error. Tasks
/// come back sorted by id; a duplicate id is an error.
pub fn load_tasks(path: &Path) -> crate::Result<Vec<Task>> {
    let mut tasks = Vec::new();
    collect(path, &mut tasks).map_err(crate::Error::Invalid)?;
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in tasks.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(crate::Error::Invalid(format!(
                "task id '{}' appears twice",
                pair[0].id
            )));
        }
    }
    Ok(tasks)
}

fn looks_like_task(v: &Value) -> bool {
    v.get("instruction").is_some() && v.get("verifier").is_some()
}

fn parse(text: &str, origin: &str, out: &mut Vec<Task>) -> Result<(), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
    if looks_like_task(&value) {
        out.push(Task::from_json(text).map_err(|e| format!("{origin}: {e}"))?);
    }
    Ok(())
}

fn collect(path: &Path, out: &mut Vec<Task>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let is_task_file = matches!(
                entry.extension().and_then(|e| e.to_str()),
                Some("json" | "jsonl")
            );
            if !hidden && (entry.is_dir() || is_task_file) {
                collect(&entry, out)?;
            }
        }
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if path.extension().and_then(|e| e.to_str()) == Some("jsonl") {
        for (i, line) in text.lines().enumerate() {
            if !line.trim().is_empty() {
                parse(line, &format!("{}:{}", path.display(), i + 1), out)?;
            }
        }
        Ok(())
    } else {
        parse(&text, &path.display().to_string(), out)
    }
}

/// Which tasks an eval runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskFilter {
    /// `train`, `eval`, `heldout_template`, `heldout_params`.
    pub split: Option<String>,
    /// `auth`, `gmail`, `gcal`, `gdoc`, `gdrive`, `multi`, `slack`.
    pub family: Option<String>,
    pub template: Option<String>,
    /// At most this many tasks, taken round-robin across families (then templates) so that a
    /// small slice still covers every family.
    pub limit: Option<usize>,
}

/// A serde enum's wire name (`gcal`, `heldout_template`, `cancelled`, …): the strings task files,
/// results and the device API use. Empty for a value that does not serialize to a string.
pub fn wire_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Applies `filter` to `tasks` (sorted by id); the result is deterministic.
pub fn select(tasks: &[Task], filter: &TaskFilter) -> Vec<Task> {
    let keep: Vec<&Task> = tasks
        .iter()
        .filter(|t| {
            filter
                .split
                .as_ref()
                .is_none_or(|s| wire_name(&t.split) == *s)
        })
        .filter(|t| {
            filter
                .family
                .as_ref()
                .is_none_or(|f| wire_name(&t.family) == *f)
        })
        .filter(|t| filter.template.as_ref().is_none_or(|p| t.template == *p))
        .collect();
    let Some(limit) = filter.limit else {
        return keep.into_iter().cloned().collect();
    };
    // family -> template -> tasks; deal one task per template per family per round.
    let mut by_family: BTreeMap<String, BTreeMap<String, Vec<&Task>>> = BTreeMap::new();
    for t in keep {
        by_family
            .entry(wire_name(&t.family))
            .or_default()
            .entry(t.template.clone())
            .or_default()
            .push(t);
    }
    let mut queues: Vec<Vec<&Task>> = by_family
        .into_values()
        .map(|templates| {
            let mut lists: Vec<std::collections::VecDeque<&Task>> =
                templates.into_values().map(Into::into).collect();
            let mut order = Vec::new();
            while lists.iter().any(|l| !l.is_empty()) {
                for l in lists.iter_mut() {
                    if let Some(t) = l.pop_front() {
                        order.push(t);
                    }
                }
            }
            order.reverse();
            order
        })
        .collect();
    let mut picked = Vec::new();
    while picked.len() < limit && queues.iter().any(|q| !q.is_empty()) {
        for q in queues.iter_mut() {
            if picked.len() < limit {
                if let Some(t) = q.pop() {
                    picked.push(t.clone());
                }
            }
        }
    }
    picked.sort_by(|a, b| a.id.cmp(&b.id));
    picked
}
