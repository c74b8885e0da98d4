//! Tokenized SFT examples and deterministic batching.
//!
//! Input: JSONL rows `{"input_ids": [...], "labels": [...]}` (labels optional: every token
//! counts; `-100` = no loss) or `{"input_ids": [...], "loss_mask": [0/1...]}` — what the shared
//! chat renderer's `training_example` produces. A packed row (`env0 data tokenize --pack`) also
//! has `"segments": [len, ...]`, the lengths of the examples in it, in order; they are trained
//! apart (see `Batch::starts`).

use std::path::Path;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{io_err, Result, TrainerError};
use crate::model::Batch;

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub ids: Vec<u32>,
    pub labels: Vec<i64>,
    /// Lengths of the examples packed in this one (summing to `ids.len()`); empty: one example.
    pub segments: Vec<usize>,
}

/// Reads a JSONL file of tokenized examples, truncating each to `max_len` tokens.
pub fn read_jsonl(path: &Path, max_len: usize) -> Result<Vec<Example>> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |m: String| TrainerError::Data(format!("{}:{}: {m}", path.display(), i + 1));
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
        let ints = |k: &str| -> Option<Result<Vec<i64>>> {
            v.get(k)?.as_array().map(|a| {
                a.iter()
                    .map(|x| {
                        x.as_i64()
                            .ok_or_else(|| err(format!("{k}: not an integer list")))
                    })
                    .collect()
            })
        };
        let ids: Vec<u32> = ints("input_ids")
            .ok_or_else(|| err("missing input_ids".into()))??
            .into_iter()
            .map(|x| u32::try_from(x).map_err(|_| err(format!("bad token id {x}"))))
            .collect::<Result<_>>()?;
        let labels = match (ints("labels"), ints("loss_mask")) {
            (Some(l), _) => l?,
            (None, Some(m)) => m?
                .iter()
                .zip(&ids)
                .map(|(&m, &t)| if m != 0 { t as i64 } else { -100 })
                .collect(),
            (None, None) => ids.iter().map(|&t| t as i64).collect(),
        };
        if labels.len() != ids.len() {
            return Err(err("labels and input_ids differ in length".into()));
        }
        let segments: Vec<usize> = match ints("segments") {
            None => Vec::new(),
            Some(list) => list?
                .into_iter()
                .map(|x| usize::try_from(x).ok().filter(|&x| x > 0))
                .collect::<Option<_>>()
                .ok_or_else(|| err("segments: lengths must be positive".into()))?,
        };
        if !segments.is_empty() && segments.iter().sum::<usize>() != ids.len() {
            return Err(err(format!(
                "segments add up to {} tokens, input_ids has {}",
                segments.iter().sum::<usize>(),
                ids.len()
            )));
        }
        let n = ids.len().min(max_len);
        if n >= 2 {
            out.push(Example {
                ids: ids[..n].to_vec(),
                labels: labels[..n].to_vec(),
                segments: cut_segments(&segments, n),
            });
        }
    }
    if out.is_empty() {
        return Err(TrainerError::Data(format!(
            "{}: no examples",
            path.display()
        )));
    }
    Ok(out)
}

/// `segments` cut to the first `n` tokens (a truncated packed row keeps the examples it still
/// holds, the last one shortened).
fn cut_segments(segments: &[usize], n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = n;
    for &len in segments {
        if left == 0 {
            break;
        }
        out.push(len.min(left));
        left -= len.min(left);
    }
    out
}

/// Pads examples on the right (pad id, label −100) into one batch. Packed examples keep their
/// examples apart (`Batch::starts`); the padding of a row is a block of its own.
pub fn collate(examples: &[&Example], pad_id: u32) -> Batch {
    let seq = examples.iter().map(|e| e.ids.len()).max().unwrap_or(1);
    let packed = examples.iter().any(|e| e.segments.len() > 1);
    let mut ids = Vec::with_capacity(examples.len() * seq);
    let mut labels = Vec::with_capacity(examples.len() * seq);
    let mut starts = Vec::new();
    for e in examples {
        ids.extend_from_slice(&e.ids);
        ids.extend(std::iter::repeat_n(pad_id, seq - e.ids.len()));
        labels.extend_from_slice(&e.labels);
        labels.extend(std::iter::repeat_n(-100, seq - e.labels.len()));
        if packed {
            let mut at = 0;
            let whole = [e.ids.len()];
            let segments = if e.segments.is_empty() {
                &whole[..]
            } else {
                &e.segments[..]
            };
            for &len in segments {
                starts.extend(std::iter::repeat_n(at, len));
                at += len;
            }
            starts.extend(std::iter::repeat_n(at, seq - at));
        }
    }
    Batch {
        ids,
        labels,
        batch: examples.len(),
        seq,
        starts,
    }
}

/// Micro-batch number `index` of a seeded epoch-wise shuffle: a pure function of
/// (seed, index), so a resumed run sees exactly the batches the first run would have.
pub fn micro_batch(data: &[Example], batch_size: usize, seed: u64, index: u64) -> Vec<&Example> {
    let n = data.len();
    let per_epoch = n.div_ceil(batch_size).max(1) as u64;
    let epoch = index / per_epoch;
    let within = (index % per_epoch) as usize;
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(
        seed.wrapping_add(epoch.wrapping_mul(0x9E37_79B9)),
    ));
    order[within * batch_size..((within + 1) * batch_size).min(n)]
        .iter()
        .map(|&i| &data[i])
        .collect()
}
