//! `env0 data tokenize`: SFT rows (openai or prime JSONL) → `{"input_ids", "loss_mask"}` JSONL
//! for `env0 train`, through the model's chat format — the renderer the runtime uses — with loss
//! on assistant turns only (the end-of-turn marker included, the assistant header and every
//! system / user / tool token excluded). Exchange rows train their last turn only.
//!
//! Then, in this order: a held-out split (rows grouped by their opening system + user messages,
//! which are fixed per task, so trials and exchanges of one task never straddle the split), a
//! seeded shuffle, truncation or dropping of long examples, and packing (whole examples
//! concatenated up to N tokens, with `"segments"`: the length of each, so that `env0 train`
//! keeps them apart: each attends only to itself and its positions start at 0, so a packed row
//! trains exactly as its examples one by one).

use std::path::Path;

use env0_chat::{ChatFormat, TrainOn, TrainingExample};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::formats::{read_conversations, Conversation};
use crate::error::write_atomic;
use crate::error::{Result, SftError};

/// What to do with an example longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truncate {
    /// Keep its first tokens.
    Right,
    /// Leave it out.
    Drop,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenizeOptions {
    /// Longest example, in tokens.
    pub max_len: Option<usize>,
    pub truncate: Truncate,
    /// Concatenate whole examples into sequences of at most this many tokens.
    pub pack: Option<usize>,
    /// Shuffle the examples (before packing) with this seed; `None` keeps file order.
    pub shuffle_seed: Option<u64>,
    /// Share of tasks (by opening) held out for the eval loss; 0 = none.
    pub eval_fraction: f64,
    /// `enable_thinking` as the runtime renders it (`env0 eval` uses `Some(false)` unless
    /// `--think`).
    pub enable_thinking: Option<bool>,
}

impl Default for TokenizeOptions {
    fn default() -> Self {
        TokenizeOptions {
            max_len: None,
            truncate: Truncate::Right,
            pack: None,
            shuffle_seed: None,
            eval_fraction: 0.0,
            enable_thinking: Some(false),
        }
    }
}

/// Counts for one output file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SideReport {
    /// Rows (examples) assigned to this side.
    pub examples: usize,
    /// Distinct openings (tasks) among them.
    pub groups: usize,
    /// Lines written (examples, or packs when packing).
    pub sequences: usize,
    pub tokens: usize,
    pub loss_tokens: usize,
    pub truncated: usize,
    pub dropped_too_long: usize,
    /// Examples with no trained token left (after truncation).
    pub dropped_no_loss: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TokenizeReport {
    pub rows: usize,
    pub train: SideReport,
    pub eval: Option<SideReport>,
}

/// Which assistant turns of `c` are trained: all of them, or only the last (exchange rows,
/// whose context holds earlier assistant turns).
pub fn train_on(c: &Conversation) -> std::result::Result<TrainOn, String> {
    if !c.trains_last_only() {
        return Ok(TrainOn::AllAssistantTurns);
    }
    let trained = c.messages[c.prompt_len.min(c.messages.len())..]
        .iter()
        .filter(|m| m.is_assistant())
        .count();
    if trained == 1 && c.messages.last().is_some_and(|m| m.is_assistant()) {
        Ok(TrainOn::LastAssistantTurn)
    } else {
        Err(
            "a row with untrained assistant turns must end with its one trained assistant turn"
                .into(),
        )
    }
}

/// The training example of one conversation.
pub fn training_example(
    format: &ChatFormat,
    c: &Conversation,
    enable_thinking: Option<bool>,
) -> std::result::Result<TrainingExample, String> {
    let on = train_on(c)?;
    format
        .training_example(&c.messages, &c.tools, enable_thinking, on)
        .map_err(|e| e.to_string())
}

/// A stable number in [0, 1) for a group key.
fn unit_hash(key: &str) -> f64 {
    let d = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether rows with this opening go to the held-out side.
pub fn is_held_out(c: &Conversation, eval_fraction: f64) -> bool {
    eval_fraction > 0.0 && unit_hash(&c.opening()) < eval_fraction
}

struct Example {
    ids: Vec<u32>,
    mask: Vec<bool>,
    /// Lengths of the examples packed into this one (empty: not packed).
    segments: Vec<usize>,
}

impl Example {
    fn empty() -> Self {
        Example {
            ids: Vec::new(),
            mask: Vec::new(),
            segments: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Line<'a> {
    input_ids: &'a [u32],
    loss_mask: Vec<u8>,
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    segments: &'a [usize],
}

fn write_side(
    path: &Path,
    mut examples: Vec<(String, Example)>,
    opts: &TokenizeOptions,
    seed_offset: u64,
) -> Result<SideReport> {
    let mut report = SideReport {
        examples: examples.len(),
        groups: examples
            .iter()
            .map(|(g, _)| g.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        ..SideReport::default()
    };
    if let Some(seed) = opts.shuffle_seed {
        examples.shuffle(&mut ChaCha8Rng::seed_from_u64(
            seed.wrapping_add(seed_offset),
        ));
    }
    let limit = match (opts.max_len, opts.pack) {
        (Some(m), Some(p)) => Some(m.min(p)),
        (m, p) => m.or(p),
    };
    let mut kept = Vec::new();
    for (_, mut ex) in examples {
        if let Some(limit) = limit {
            if ex.ids.len() > limit {
                match opts.truncate {
                    Truncate::Right => {
                        ex.ids.truncate(limit);
                        ex.mask.truncate(limit);
                        report.truncated += 1;
                    }
                    Truncate::Drop => {
                        report.dropped_too_long += 1;
                        continue;
                    }
                }
            }
        }
        if !ex.mask.iter().any(|&m| m) {
            report.dropped_no_loss += 1;
            continue;
        }
        kept.push(ex);
    }
    let sequences = match opts.pack {
        None => kept,
        Some(n) => {
            let mut packs = Vec::new();
            let mut cur = Example::empty();
            for ex in kept {
                if !cur.ids.is_empty() && cur.ids.len() + ex.ids.len() > n {
                    packs.push(std::mem::replace(&mut cur, Example::empty()));
                }
                cur.segments.push(ex.ids.len());
                cur.ids.extend(ex.ids);
                cur.mask.extend(ex.mask);
            }
            if !cur.ids.is_empty() {
                packs.push(cur);
            }
            packs
        }
    };
    let mut text = String::new();
    for s in &sequences {
        report.tokens += s.ids.len();
        report.loss_tokens += s.mask.iter().filter(|&&m| m).count();
        let line = Line {
            input_ids: &s.ids,
            loss_mask: s.mask.iter().map(|&m| u8::from(m)).collect(),
            segments: &s.segments,
        };
        text.push_str(&serde_json::to_string(&line).map_err(|e| SftError::Data(e.to_string()))?);
        text.push('\n');
    }
    report.sequences = sequences.len();
    write_atomic(path, text.as_bytes())?;
    Ok(report)
}

/// Tokenizes `data` into `out` (and the held-out tasks into `eval_out`).
pub fn tokenize_file(
    format: &ChatFormat,
    data: &Path,
    out: &Path,
    eval_out: Option<&Path>,
    opts: &TokenizeOptions,
) -> Result<TokenizeReport> {
    if !(0.0..1.0).contains(&opts.eval_fraction) {
        return Err(SftError::Data(format!(
            "the eval fraction must be in [0, 1), not {}",
            opts.eval_fraction
        )));
    }
    if (opts.eval_fraction > 0.0) != eval_out.is_some() {
        return Err(SftError::Data(
            "an eval fraction and an eval output file go together".into(),
        ));
    }
    if opts.pack == Some(0) || opts.max_len == Some(0) {
        return Err(SftError::Data("lengths must be positive".into()));
    }
    let rows = read_conversations(data)?;
    let mut train = Vec::new();
    let mut eval = Vec::new();
    for (line, c) in &rows {
        let ex = training_example(format, c, opts.enable_thinking)
            .map_err(|e| SftError::Data(format!("{}:{line}: {e}", data.display())))?;
        let item = (
            c.opening(),
            Example {
                ids: ex.ids,
                mask: ex.loss_mask,
                segments: Vec::new(),
            },
        );
        if is_held_out(c, opts.eval_fraction) {
            eval.push(item);
        } else {
            train.push(item);
        }
    }
    let train = write_side(out, train, opts, 0)?;
    let eval = match eval_out {
        Some(p) => Some(write_side(p, eval, opts, 1)?),
        None => None,
    };
    Ok(TokenizeReport {
        rows: rows.len(),
        train,
        eval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use env0_chat::Message;

    #[test]
    fn held_out_split_is_by_opening_and_roughly_the_fraction() {
        let conv = |i: usize| Conversation {
            messages: vec![
                Message::system("s"),
                Message::user(format!("task {i}")),
                Message::assistant("ok"),
            ],
            tools: Vec::new(),
            prompt_len: 2,
            meta: None,
        };
        let held = (0..2000).filter(|&i| is_held_out(&conv(i), 0.2)).count();
        assert!((300..500).contains(&held), "{held} of 2000 held out at 0.2");
        // The answer depends on the opening only.
        let mut other = conv(7);
        other.messages[2] = Message::assistant("something else");
        assert_eq!(is_held_out(&conv(7), 0.2), is_held_out(&other, 0.2));
        assert!(!is_held_out(&conv(7), 0.0));
    }
}
