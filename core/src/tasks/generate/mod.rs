//! tasks-lite generators: one module per family, each a list of templates. A template turns a
//! random stream into a task draft (instruction, needles, verifier, oracle, trap); [`generate`]
//! gives every draft its id and split and checks it against the strict task format.
//!
//! Everything is deterministic: the stream of task `i` of template `t` depends only on `(t, i)`,
//! so regenerating writes byte-identical files.
//!
//! Splits: one template per family is held out whole (`heldout_template`); in the others, tasks
//! whose main parameter (vendor, project, person…) falls in the template's held-out parameter set
//! are `heldout_params`; the rest are `train`, with about one in six in `eval`.

mod auth;
pub mod common;
mod gcal;
mod gdoc;
mod gdrive;
mod gmail;
mod multi;
mod slack;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{Family, Split, Task, FORMAT_VERSION};
use common::Gen;

/// What a template produces for one task.
pub struct Draft {
    pub instruction: String,
    pub apps: Vec<&'static str>,
    pub needles: Vec<Value>,
    /// `{"checks": [...], "gates": [...], "collateral": {...}}`.
    pub verifier: Value,
    pub oracle: Vec<Value>,
    pub final_message: String,
    /// `(describe, steps, max_reward)`.
    pub trap: Option<(String, Vec<Value>, f64)>,
    /// The parameter held-out splits are decided on (a vendor, a project, a person…).
    pub param: String,
    /// Short words for the id ("sentry", "phoenix").
    pub slug: String,
    pub tags: Vec<&'static str>,
    pub seed: u64,
}

/// A task template.
pub struct Template {
    pub name: &'static str,
    pub family: Family,
    /// Tasks generated from it.
    pub count: usize,
    /// Held out whole (never in train).
    pub heldout: bool,
    pub make: fn(&mut Gen) -> Draft,
}

/// Every template, family by family.
pub fn templates() -> Vec<Template> {
    let mut all = gmail::templates();
    all.extend(gcal::templates());
    all.extend(multi::templates());
    all.extend(auth::templates());
    all.extend(gdrive::templates());
    all.extend(gdoc::templates());
    all.extend(slack::templates());
    all
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::Auth => "auth",
        Family::Gmail => "gmail",
        Family::Gcal => "gcal",
        Family::Gdoc => "gdoc",
        Family::Gdrive => "gdrive",
        Family::Multi => "multi",
        Family::Slack => "slack",
    }
}

fn stable_hash(parts: &[&str]) -> u64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// Whether `param` is held out for `template` (about one value in five).
pub fn heldout_param(template: &str, param: &str) -> bool {
    stable_hash(&[template, param]).is_multiple_of(5)
}

fn split_for(t: &Template, param: &str, id: &str) -> Split {
    if t.heldout {
        Split::HeldoutTemplate
    } else if heldout_param(t.name, param) {
        Split::HeldoutParams
    } else if stable_hash(&["eval", id]).is_multiple_of(6) {
        Split::Eval
    } else {
        Split::Train
    }
}

/// Builds task `index` of `t`.
pub fn make_task(t: &Template, index: usize) -> Result<Task, String> {
    let mut g = Gen::new(t.name, index);
    let d = (t.make)(&mut g);
    let id = format!("{}-{}-{index:03}", t.name, d.slug);
    let split = split_for(t, &d.param, &id);
    let mut tags: Vec<String> = d.tags.iter().map(|s| s.to_string()).collect();
    tags.push(format!("param:{}", d.param));
    if let Some((i, _)) = g.phrasing {
        tags.push(format!("phrasing:{i}"));
    }
    tags.push(format!("steps:{}", d.oracle.len()));
    let verifier = guard_rows(d.verifier).map_err(|e| format!("{} #{index}: {e}", t.name))?;
    let mut v = json!({
        "format": FORMAT_VERSION,
        "id": id,
        "family": family_name(t.family),
        "template": t.name,
        "split": split,
        "instruction": d.instruction,
        "apps": d.apps,
        "seed": {"seed": d.seed, "scale": "default", "now": common::NOW, "user": common::USER, "needles": d.needles},
        "limits": {"max_turns": (d.oracle.len() as u32 + 6).max(10), "max_tool_calls": (d.oracle.len() as u32 * 2 + 10).max(20)},
        "verifier": verifier,
        "oracle": {"steps": d.oracle, "final_message": d.final_message},
        "tags": tags,
    });
    if let Some((describe, steps, max_reward)) = d.trap {
        // A trap run is a wrong run: it may not earn anything.
        v["trap"] = json!({"describe": describe, "max_reward": max_reward.min(0.0),
                           "script": {"steps": steps, "final_message": "Done."}});
    }
    serde_json::from_value::<Task>(v).map_err(|e| format!("{} #{index}: {e}", t.name))
}

/// Collections every write may touch on any row: change feeds, history, audit, tokens.
const BOOKKEEPING: &[&str] = &[
    "gmail_history",
    "gmail_mailboxes",
    "drive_changes",
    "drive_revisions",
    "auth_audit",
    "auth_tokens",
];

/// Makes "only the target rows may change" the rule of every template: an allow entry that names
/// no rows (`needles` / `where`) gets `needles: ["target"]`, unless its collection is
/// bookkeeping. A collateral or gate cap above 0 becomes `force: 0`: a run that also changes
/// what it was not asked to change, or does what a gate forbids, earns nothing. A verifier
/// without a collateral rule is refused.
fn guard_rows(mut verifier: Value) -> Result<Value, String> {
    let Some(rule) = verifier.get_mut("collateral") else {
        return Err("verifier has no collateral rule".into());
    };
    if let Some(allow) = rule.get_mut("allow").and_then(Value::as_array_mut) {
        for a in allow {
            let collection = a["collection"].as_str().unwrap_or_default();
            let guarded = a.get("needles").is_some() || a.get("where").is_some();
            if !guarded && !BOOKKEEPING.contains(&collection) {
                a["needles"] = json!(["target"]);
            }
        }
    }
    if rule["effect"]["cap"].as_f64().is_some_and(|c| c > 0.0) {
        rule["effect"] = json!({"force": 0.0});
    }
    for gate in verifier["gates"].as_array_mut().into_iter().flatten() {
        if gate["effect"]["cap"].as_f64().is_some_and(|c| c > 0.0) {
            gate["effect"] = json!({"force": 0.0});
        }
    }
    Ok(verifier)
}

/// Every task of every template, in template order.
pub fn generate() -> Result<Vec<Task>, String> {
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for t in templates() {
        for i in 0..t.count {
            let task = make_task(&t, i)?;
            if !ids.insert(task.id.clone()) {
                return Err(format!("duplicate task id {}", task.id));
            }
            out.push(task);
        }
    }
    Ok(out)
}

/// The parameter a generated task's held-out split was decided on (its `param:` tag).
pub fn param_of(task: &Task) -> Option<&str> {
    task.tags.iter().find_map(|t| t.strip_prefix("param:"))
}

/// The files `env0 tasks generate` writes, relative to the task-set directory: one JSONL per
/// family (`tasks/<family>.jsonl`, one task per line) and `manifest.json` (counts per family,
/// template and split, and the sha256 of every task file). Byte-identical on every run.
pub fn render(tasks: &[Task]) -> Result<Vec<(String, Vec<u8>)>, String> {
    use std::collections::BTreeMap;
    let mut by_family: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    let mut families: BTreeMap<&str, usize> = BTreeMap::new();
    let mut splits: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_template: BTreeMap<&str, (&str, BTreeMap<String, usize>, usize)> = BTreeMap::new();
    for t in tasks {
        let family = family_name(t.family);
        let line = serde_json::to_string(t).map_err(|e| e.to_string())?;
        let buf = by_family.entry(family).or_default();
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        *families.entry(family).or_default() += 1;
        let split = split_name(t.split);
        *splits.entry(split.clone()).or_default() += 1;
        let entry = per_template
            .entry(t.template.as_str())
            .or_insert((family, BTreeMap::new(), 0));
        *entry.1.entry(split).or_default() += 1;
        entry.2 += 1;
    }
    let mut files = Vec::new();
    let mut hashes = serde_json::Map::new();
    for (family, bytes) in by_family {
        let path = format!("tasks/{family}.jsonl");
        hashes.insert(path.clone(), json!(hex::encode(Sha256::digest(&bytes))));
        files.push((path, bytes));
    }
    let templates: serde_json::Map<String, Value> = per_template
        .into_iter()
        .map(|(name, (family, splits, count))| {
            (
                name.to_string(),
                json!({"family": family, "tasks": count, "splits": splits}),
            )
        })
        .collect();
    let manifest = json!({
        "format": FORMAT_VERSION,
        "tasks": tasks.len(),
        "templates": templates.len(),
        "families": families,
        "splits": splits,
        "per_template": templates,
        "files": hashes,
    });
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    text.push('\n');
    files.push(("manifest.json".to_string(), text.into_bytes()));
    Ok(files)
}

fn split_name(s: Split) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
