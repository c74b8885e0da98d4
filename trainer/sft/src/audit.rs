//! `env0 data audit`: proves that training rows tokenize exactly like the prompts the runtime
//! sends. For each row:
//!
//! 1. **Opening.** The task is found by the row's instruction (its first user message) in the
//!    task set, and the runtime's first request is rebuilt the way `run_episode` builds it
//!    ([`env0_core::agent::first_request`]: the task's world, system prompt, instruction and
//!    toolkit), then rendered by [`ChatFormat::prompt`] — the call the local backend makes. The
//!    row's own system + user messages and tools, rendered the same way, must give the same ids:
//!    an edited system prompt, instruction or tool list shows up here.
//! 2. **Trained turns.** For every trained assistant turn, the runtime prompt at that turn (the
//!    row's messages before it, generation prompt added) must be a prefix of the training ids,
//!    the first token after it trained and its last token not. Context turns of exchange rows
//!    are not checked on their own: they are inside the prompt of the trained turn.
//!
//! Templates that render a past assistant turn differently from the generation prompt (Qwen3
//! with thinking off writes an empty `<think></think>` block only for the last turn) fail
//! check 2 for every turn but the last of a rollout row; exchange rows train only their last
//! turn and pass.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use env0_chat::{ChatFormat, Message, Tool};
use env0_core::agent::first_request;
use env0_core::tasks::Task;
use env0_core::tools::Profile;
use serde::Serialize;

use super::formats::read_conversations;
use super::tokenize::training_example;
use crate::error::{Result, SftError};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditOptions {
    /// Audit at most this many rows.
    pub limit: Option<usize>,
    /// As the runtime renders (`env0 eval` uses `Some(false)` unless `--think`).
    pub enable_thinking: Option<bool>,
    /// The tool profile the rows were collected with.
    pub profile: Profile,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            limit: None,
            enable_thinking: Some(false),
            profile: Profile::Native,
        }
    }
}

/// One disagreement between a training row and the runtime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    pub line: usize,
    /// Index of the assistant message whose prompt was compared.
    pub turn: usize,
    pub what: String,
    /// First differing token position (in both id lists).
    pub position: usize,
    /// Decoded tokens around `position`, `⟦` marking it: the runtime's prompt, and the row's
    /// (its training ids, or for the opening check its opening rendered as a prompt).
    pub runtime: String,
    pub training: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditReport {
    pub rows: usize,
    /// Prompts compared (one per assistant turn).
    pub turns: usize,
    /// Tokens compared over all prompts.
    pub tokens: usize,
    pub mismatches: Vec<Mismatch>,
}

const CONTEXT: usize = 12;

fn around(format: &ChatFormat, ids: &[u32], pos: usize) -> String {
    let start = pos.saturating_sub(CONTEXT).min(ids.len());
    let mid = pos.min(ids.len());
    let end = (pos + CONTEXT).min(ids.len());
    let dec = |s: &[u32]| {
        format
            .tokenizer
            .decode(s)
            .unwrap_or_else(|e| format!("<undecodable: {e}>"))
    };
    format!("{:?}⟦{:?}", dec(&ids[start..mid]), dec(&ids[mid..end]))
}

fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

type Request = std::result::Result<(Vec<Message>, Vec<Tool>), String>;

/// Audits the rows of `data` (openai or prime JSONL) against `tasks`.
pub fn audit_file(
    format: &ChatFormat,
    data: &Path,
    tasks: &[Task],
    opts: &AuditOptions,
) -> Result<AuditReport> {
    let rows = read_conversations(data)?;
    let mut by_instruction: HashMap<&str, Vec<&Task>> = HashMap::new();
    for t in tasks {
        by_instruction
            .entry(t.instruction.as_str())
            .or_default()
            .push(t);
    }
    // Task id → its first request (world builds are the slow part; exchange rows share them).
    let mut requests: BTreeMap<String, Request> = BTreeMap::new();
    let mut report = AuditReport::default();
    for (line, c) in rows.iter().take(opts.limit.unwrap_or(usize::MAX)) {
        let line = *line;
        report.rows += 1;
        let at = |e: String| SftError::Data(format!("{}:{line}: {e}", data.display()));
        let ex = training_example(format, c, opts.enable_thinking).map_err(at)?;
        let mut found = Vec::new();
        let mut push =
            |turn: usize, what: String, position: usize, runtime: &[u32], training: &[u32]| {
                found.push(Mismatch {
                    line,
                    turn,
                    what,
                    position,
                    runtime: around(format, runtime, position),
                    training: around(format, training, position),
                });
            };
        let instruction = c.messages.iter().find_map(|m| match m {
            Message::User { content } => Some(content.as_str()),
            _ => None,
        });
        let candidates = instruction
            .and_then(|i| by_instruction.get(i))
            .cloned()
            .unwrap_or_default();
        let Some(first) = c.messages.iter().position(Message::is_assistant) else {
            push(0, "the row has no assistant message".into(), 0, &[], &[]);
            report.mismatches.extend(found);
            continue;
        };
        if candidates.is_empty() {
            push(
                first,
                "no task in the task set has this row's instruction".into(),
                0,
                &[],
                &[],
            );
            report.mismatches.extend(found);
            continue;
        }
        // The row's opening as the runtime would render it, against the runtime's real first
        // prompt for each candidate task (the closest one is reported).
        let row_first = format
            .prompt(&c.messages[..first], &c.tools, opts.enable_thinking)
            .map_err(|e| at(format!("rendering the prompt of message {first}: {e}")))?;
        let mut best: Option<(usize, Vec<u32>)> = None;
        for task in candidates {
            let request = requests
                .entry(task.id.clone())
                .or_insert_with(|| first_request(task, opts.profile).map_err(|e| e.to_string()));
            let (messages, tools) = match request {
                Ok(r) => (&r.0, &r.1),
                Err(e) => {
                    return Err(at(format!("task {}: building its world: {e}", task.id)));
                }
            };
            let prompt = format
                .prompt(messages, tools, opts.enable_thinking)
                .map_err(|e| at(format!("rendering the runtime prompt of {}: {e}", task.id)))?;
            let matched = common_prefix(&prompt.ids, &row_first.ids);
            if best.as_ref().is_none_or(|(m, _)| matched > *m) {
                best = Some((matched, prompt.ids));
            }
        }
        report.turns += 1;
        if let Some((matched, runtime)) = best {
            report.tokens += runtime.len();
            if runtime != row_first.ids {
                push(
                    first,
                    "the row's opening (system, user, tools) differs from the runtime's first \
                     request for its task"
                        .into(),
                    matched,
                    &runtime,
                    &row_first.ids,
                );
            }
        }
        // Every trained turn: the runtime prompt at that turn is a prefix of the training ids
        // and the loss starts right after it. (Untrained context turns are part of a later
        // trained turn's prompt, which is checked whole.)
        let last_only = c.trains_last_only();
        let last = c.messages.len() - 1;
        for (j, m) in c.messages.iter().enumerate() {
            if !m.is_assistant() || j < c.prompt_len || (last_only && j != last) {
                continue;
            }
            let ids = if j == first {
                row_first.ids.clone()
            } else {
                report.turns += 1;
                let prompt = format
                    .prompt(&c.messages[..j], &c.tools, opts.enable_thinking)
                    .map_err(|e| at(format!("rendering the prompt of message {j}: {e}")))?;
                report.tokens += prompt.ids.len();
                prompt.ids
            };
            let matched = common_prefix(&ids, &ex.ids);
            if matched < ids.len() {
                push(
                    j,
                    "the runtime prompt at this turn is not a prefix of the training ids".into(),
                    matched,
                    &ids,
                    &ex.ids,
                );
                continue;
            }
            let n = ids.len();
            match ex.loss_mask.get(n) {
                None => push(
                    j,
                    "the training ids end where the prompt ends".into(),
                    n,
                    &ids,
                    &ex.ids,
                ),
                Some(false) => push(
                    j,
                    "the first token the model generates at this turn is not trained".into(),
                    n,
                    &ids,
                    &ex.ids,
                ),
                _ => {}
            }
            if n > 0 && ex.loss_mask[n - 1] {
                push(
                    j,
                    "the last prompt token is trained".into(),
                    n - 1,
                    &ids,
                    &ex.ids,
                );
            }
        }
        report.mismatches.extend(found);
    }
    Ok(report)
}
