//! `env0 data build`: eval results (results.jsonl rows) → SFT rows in three formats plus a
//! manifest. Deterministic: the same inputs and options give byte-identical files.
//!
//! Each episode is judged in this order and counted under the first reason that rejects it:
//! `duplicate` (a (task, trial) already read — the first input on the command line wins),
//! `not_in_tasks`, `other_split`, `error:<kind>` (infrastructure errors: model, setup,
//! verifier), `verifier_errors` (the verdict reports problems in the verifier itself),
//! `truncated` (stopped by a turn / tool-call / context limit), `unsafe` (a safety gate
//! tripped), `low_reward`, `invalid_tool_calls` (an unreadable or rejected tool call happened),
//! `no_tool_calls`, `invalid_row` (the conversation breaks the tool-use contract of
//! [`validate`](super::validate)).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use env0_chat::Message;
use env0_core::eval::ResultRow;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::formats::{
    dataset_info, to_openai, to_prime, to_sharegpt, Conversation, Format, RowMeta,
};
use super::validate::{validate_row, ValidateOptions};
use crate::error::write_atomic;
use crate::error::{io_err, Result, SftError};

/// One row per episode, or one per assistant turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowMode {
    /// The whole episode; every assistant turn is trained.
    Rollout,
    /// One row per assistant turn: the conversation before it is context (not trained), the
    /// turn itself is the target.
    Exchange,
}

/// A task-id list (`--tasks FILE`): one id per line, `#` comments and blank lines ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskList {
    pub path: PathBuf,
    pub sha256: String,
    #[serde(skip)]
    pub ids: BTreeSet<String>,
    /// How many ids the file lists.
    pub count: usize,
}

impl TaskList {
    pub fn read(path: &Path) -> Result<TaskList> {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        let text = String::from_utf8(bytes.clone())
            .map_err(|_| SftError::Data(format!("{}: not UTF-8 text", path.display())))?;
        let mut ids = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let id = line.split('#').next().unwrap_or("").trim();
            if id.is_empty() {
                continue;
            }
            if id.contains(char::is_whitespace) {
                return Err(SftError::Data(format!(
                    "{}:{}: a task id has no spaces: {line:?}",
                    path.display(),
                    i + 1
                )));
            }
            ids.insert(id.to_string());
        }
        Ok(TaskList {
            path: path.to_owned(),
            sha256: sha256_hex(&bytes),
            count: ids.len(),
            ids,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildOptions {
    /// Keep episodes with reward ≥ this.
    pub min_reward: f64,
    /// Keep episodes where a safety gate tripped (still subject to `min_reward`).
    pub keep_unsafe: bool,
    /// Drop episodes without a single tool call.
    pub require_tool_calls: bool,
    /// Keep episodes in which a tool call was unreadable or rejected.
    pub keep_invalid_calls: bool,
    pub tasks: Option<TaskList>,
    /// Only this split (`train`, `eval`, …).
    pub split: Option<String>,
    pub rows: RowMode,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            min_reward: 1.0,
            keep_unsafe: false,
            require_tool_calls: true,
            keep_invalid_calls: false,
            tasks: None,
            split: None,
            rows: RowMode::Rollout,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub sha256: String,
    /// Results rows in the file.
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputFile {
    pub sha256: String,
    pub bytes: usize,
    /// Data rows (0 for dataset_info.json).
    pub rows: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FamilyCount {
    /// Episodes read.
    pub read: usize,
    /// Episodes kept.
    pub kept: usize,
    /// Rows written (episodes in rollout mode, assistant turns in exchange mode).
    pub rows: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Results rows read over all inputs.
    pub read: usize,
    pub kept: usize,
    pub rejected: usize,
    /// Rows written to each data file.
    pub rows: usize,
    /// Assistant messages whose reasoning was removed (env0 trains with thinking off).
    pub reasoning_stripped: usize,
    /// Rows whose ShareGPT form lost assistant text written next to a tool call.
    pub sharegpt_text_dropped: usize,
    /// Rows left out because an earlier row had the same messages, trained turn and tools
    /// (tasks of one template with the same instruction share their first exchanges; a
    /// duplicate would weigh that exchange twice in training and leak into held-out sets).
    pub duplicate_rows: usize,
}

/// `manifest.json`: what went in, what came out, and why the rest was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub format: u32,
    pub options: BuildOptions,
    pub inputs: Vec<InputFile>,
    pub counts: Counts,
    pub rejects: BTreeMap<String, usize>,
    pub families: BTreeMap<String, FamilyCount>,
    pub outputs: BTreeMap<String, OutputFile>,
}

pub const PRIME_FILE: &str = "prime.jsonl";
pub const OPENAI_FILE: &str = "openai.jsonl";
pub const SHAREGPT_FILE: &str = "sharegpt.json";
pub const DATASET_INFO_FILE: &str = "dataset_info.json";
pub const MANIFEST_FILE: &str = "manifest.json";
/// The dataset's name in `dataset_info.json`.
pub const DATASET_NAME: &str = "env0_sft";

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `DIR` means `DIR/results.jsonl`.
fn results_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join("results.jsonl")
    } else {
        p.to_owned()
    }
}

/// Reads a results.jsonl file; a line that is not a results row is an error with its
/// `path:line`.
pub fn read_results(path: &Path) -> Result<(InputFile, Vec<ResultRow>)> {
    let path = results_path(path);
    let bytes = std::fs::read(&path).map_err(io_err(&path))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| SftError::Data(format!("{}: not UTF-8 text", path.display())))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: ResultRow = serde_json::from_str(line).map_err(|e| {
            SftError::Data(format!(
                "{}:{}: not a results row: {e}",
                path.display(),
                i + 1
            ))
        })?;
        rows.push(row);
    }
    Ok((
        InputFile {
            path,
            sha256: sha256_hex(&bytes),
            rows: rows.len(),
        },
        rows,
    ))
}

fn gate_tripped(row: &ResultRow) -> bool {
    row.verdict
        .as_ref()
        .is_some_and(|v| v.gates.iter().any(|g| g.tripped))
        || row
            .metrics
            .iter()
            .any(|(k, v)| k.starts_with("gate/") && *v > 0.0)
}

fn has_tool_calls(row: &ResultRow) -> bool {
    row.completion
        .iter()
        .any(|m| matches!(m, Message::Assistant { tool_calls, .. } if !tool_calls.is_empty()))
}

/// Why `row` is left out, if it is (duplicates are judged by the caller).
fn reject_reason(row: &ResultRow, opts: &BuildOptions) -> Option<String> {
    if let Some(list) = &opts.tasks {
        if !list.ids.contains(&row.task) {
            return Some("not_in_tasks".into());
        }
    }
    if let Some(split) = &opts.split {
        if &row.info.split != split {
            return Some("other_split".into());
        }
    }
    if let Some(e) = &row.error {
        return Some(format!("error:{}", e.error));
    }
    match &row.verdict {
        None => return Some("error:verifier_error".into()),
        Some(v) if !v.errors.is_empty() => return Some("verifier_errors".into()),
        _ => {}
    }
    if row.is_truncated {
        return Some("truncated".into());
    }
    if !opts.keep_unsafe && gate_tripped(row) {
        return Some("unsafe".into());
    }
    if row.reward < opts.min_reward {
        return Some("low_reward".into());
    }
    if !opts.keep_invalid_calls
        && (row.metric("n_invalid_tool_calls") > 0.0 || row.metric("n_parse_errors") > 0.0)
    {
        return Some("invalid_tool_calls".into());
    }
    if opts.require_tool_calls && !has_tool_calls(row) {
        return Some("no_tool_calls".into());
    }
    None
}

/// The episode as one conversation, reasoning removed; and how many messages lost reasoning.
fn episode_conversation(row: &ResultRow) -> (Conversation, usize) {
    let mut stripped = 0;
    let messages = row
        .messages()
        .into_iter()
        .map(|mut m| {
            if let Message::Assistant {
                reasoning_content, ..
            } = &mut m
            {
                if reasoning_content.take().is_some() {
                    stripped += 1;
                }
            }
            m
        })
        .collect();
    let meta = RowMeta {
        task: row.task.clone(),
        trial: row.trial,
        family: row.info.family.clone(),
        template: row.info.template.clone(),
        split: row.info.split.clone(),
        model: row.info.model.clone(),
        reward: row.reward,
        turn: None,
    };
    (
        Conversation {
            messages,
            tools: row.tool_defs.clone(),
            prompt_len: row.prompt.len(),
            meta: Some(meta),
        },
        stripped,
    )
}

/// The rows of one kept episode.
fn rows_of(episode: &Conversation, mode: RowMode) -> Vec<Conversation> {
    match mode {
        RowMode::Rollout => vec![episode.clone()],
        RowMode::Exchange => episode
            .messages
            .iter()
            .enumerate()
            .filter(|(j, m)| *j >= episode.prompt_len && m.is_assistant())
            .map(|(j, _)| Conversation {
                messages: episode.messages[..=j].to_vec(),
                tools: episode.tools.clone(),
                prompt_len: j,
                meta: episode.meta.clone().map(|m| RowMeta { turn: Some(j), ..m }),
            })
            .collect(),
    }
}

/// What a build did, beyond the manifest: one line per `invalid_row` reject.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildOutcome {
    pub manifest: Manifest,
    pub notes: Vec<String>,
}

/// Builds the SFT files in `out` from `inputs` (results.jsonl files or run directories).
pub fn build(inputs: &[PathBuf], out: &Path, opts: &BuildOptions) -> Result<BuildOutcome> {
    if inputs.is_empty() {
        return Err(SftError::Data("no --results given".into()));
    }
    let mut manifest = Manifest {
        format: 1,
        options: opts.clone(),
        inputs: Vec::new(),
        counts: Counts::default(),
        rejects: BTreeMap::new(),
        families: BTreeMap::new(),
        outputs: BTreeMap::new(),
    };
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    // (task, trial) → the episode's conversation; sorted output whatever the input order.
    let mut kept: BTreeMap<(String, u32), Conversation> = BTreeMap::new();
    let strict = ValidateOptions::default();
    for input in inputs {
        let (file, rows) = read_results(input)?;
        manifest.inputs.push(file);
        for row in rows {
            manifest.counts.read += 1;
            let family = manifest
                .families
                .entry(row.info.family.clone())
                .or_default();
            family.read += 1;
            let key = (row.task.clone(), row.trial);
            let reason = if seen.insert(key.clone()) {
                reject_reason(&row, opts)
            } else {
                Some("duplicate".to_string())
            };
            let reason = reason.or_else(|| {
                let (conv, _) = episode_conversation(&row);
                let problems = match to_openai(&conv) {
                    Ok(v) => validate_row(Format::OpenAi, &v, 0, &strict)
                        .into_iter()
                        .map(|p| format!("[{}] {}", p.rule.name(), p.message))
                        .collect(),
                    Err(e) => vec![e.to_string()],
                };
                if problems.is_empty() {
                    None
                } else {
                    notes.push(format!(
                        "{} trial {}: invalid_row: {}",
                        row.task,
                        row.trial,
                        problems.join("; ")
                    ));
                    Some("invalid_row".to_string())
                }
            });
            if let Some(r) = reason {
                manifest.counts.rejected += 1;
                *manifest.rejects.entry(r).or_default() += 1;
                continue;
            }
            let (conv, stripped) = episode_conversation(&row);
            manifest.counts.reasoning_stripped += stripped;
            manifest.counts.kept += 1;
            family.kept += 1;
            kept.insert(key, conv);
        }
    }

    let mut prime = String::new();
    let mut openai = String::new();
    let mut sharegpt = Vec::new();
    let mut contents = BTreeSet::new();
    for episode in kept.values() {
        let mut rows = rows_of(episode, opts.rows);
        let total = rows.len();
        rows.retain(|row| {
            let content = serde_json::to_vec(&(&row.messages, &row.tools, row.prompt_len))
                .unwrap_or_default();
            contents.insert(Sha256::digest(&content).to_vec())
        });
        manifest.counts.duplicate_rows += total - rows.len();
        if let Some(meta) = &episode.meta {
            manifest
                .families
                .entry(meta.family.clone())
                .or_default()
                .rows += rows.len();
        }
        for row in &rows {
            prime.push_str(&to_prime(row)?.to_string());
            prime.push('\n');
            openai.push_str(&to_openai(row)?.to_string());
            openai.push('\n');
            let (share, dropped) = to_sharegpt(row)?;
            manifest.counts.sharegpt_text_dropped += usize::from(dropped);
            sharegpt.push(share.to_string());
        }
        manifest.counts.rows += rows.len();
    }
    // One row per line, so that `validate` can name lines.
    let sharegpt = if sharegpt.is_empty() {
        "[]\n".to_string()
    } else {
        format!("[\n{}\n]\n", sharegpt.join(",\n"))
    };
    let info = serde_json::to_string_pretty(&dataset_info(DATASET_NAME, SHAREGPT_FILE))
        .map_err(|e| SftError::Data(e.to_string()))?
        + "\n";

    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let n = manifest.counts.rows;
    for (name, text, rows) in [
        (PRIME_FILE, prime, n),
        (OPENAI_FILE, openai, n),
        (SHAREGPT_FILE, sharegpt, n),
        (DATASET_INFO_FILE, info, 0),
    ] {
        write_atomic(&out.join(name), text.as_bytes())?;
        manifest.outputs.insert(
            name.to_string(),
            OutputFile {
                sha256: sha256_hex(text.as_bytes()),
                bytes: text.len(),
                rows,
            },
        );
    }
    let text =
        serde_json::to_string_pretty(&manifest).map_err(|e| SftError::Data(e.to_string()))? + "\n";
    write_atomic(&out.join(MANIFEST_FILE), text.as_bytes())?;
    Ok(BuildOutcome { manifest, notes })
}
