//! `env0 data tokenize` with the real SmolLM2 tokenizer and chat format on rows built from oracle
//! results: the loss mask covers the assistant's turns and nothing else, exchange rows train
//! their last turn only, the held-out split keeps tasks apart, truncation / dropping / packing
//! count what they do, and `env0 train`'s reader takes the output.
use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{built, scratch, smollm2};
use env0_chat::{ChatFormat, Message};
use env0_sft::read_conversations;
use env0_sft::{load_chat_format, tokenize_file, RowMode, TokenizeOptions, Truncate};
use serde_json::Value;

struct Line {
    ids: Vec<u32>,
    mask: Vec<bool>,
}

fn read_lines(path: &Path) -> Vec<Line> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let ints = |k: &str| -> Vec<u64> {
                v[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect()
            };
            let mask = ints("loss_mask");
            assert!(mask.iter().all(|&m| m <= 1), "loss_mask is 0/1");
            Line {
                ids: ints("input_ids").into_iter().map(|x| x as u32).collect(),
                mask: mask.into_iter().map(|m| m == 1).collect(),
            }
        })
        .collect()
}

/// The decoded text of each maximal run of trained tokens.
fn trained_runs(format: &ChatFormat, line: &Line) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for (&id, &m) in line.ids.iter().zip(&line.mask) {
        if m {
            cur.push(id);
        } else if !cur.is_empty() {
            runs.push(format.tokenizer.decode(&cur).unwrap());
            cur.clear();
        }
    }
    if !cur.is_empty() {
        runs.push(format.tokenizer.decode(&cur).unwrap());
    }
    runs
}

fn untrained_text(format: &ChatFormat, line: &Line) -> String {
    let ids: Vec<u32> = line
        .ids
        .iter()
        .zip(&line.mask)
        .filter(|(_, &m)| !m)
        .map(|(&id, _)| id)
        .collect();
    format.tokenizer.decode(&ids).unwrap()
}

fn smollm2_format() -> ChatFormat {
    load_chat_format(&smollm2(), None).unwrap()
}

/// What the assistant message must look like in its trained run.
fn check_run(run: &str, message: &Message) {
    assert!(run.ends_with("<|im_end|>"), "{run:?}");
    assert!(!run.contains("<|im_start|>"), "{run:?}");
    assert!(!run.contains("<tool_response>"), "{run:?}");
    match message {
        Message::Assistant {
            content,
            tool_calls,
            ..
        } if tool_calls.is_empty() => {
            assert_eq!(
                run,
                format!("{}<|im_end|>", content.as_deref().unwrap_or_default())
            );
        }
        Message::Assistant { tool_calls, .. } => {
            assert!(run.starts_with("<tool_call>"), "{run:?}");
            assert!(run.ends_with("</tool_call><|im_end|>"), "{run:?}");
            for c in tool_calls {
                assert!(run.contains(&format!("\"{}\"", c.function.name)), "{run:?}");
            }
        }
        other => panic!("a trained run for a {} message", other.role()),
    }
}

#[test]
fn rollout_masks_cover_exactly_the_assistant_turns() {
    let format = smollm2_format();
    let data = built(RowMode::Rollout).join("openai.jsonl");
    let out = scratch("rollout").join("tokens.jsonl");
    let report = tokenize_file(&format, &data, &out, None, &TokenizeOptions::default()).unwrap();
    let rows = read_conversations(&data).unwrap();
    let lines = read_lines(&out);
    assert_eq!(
        (report.rows, report.train.sequences, lines.len()),
        (12, 12, 12)
    );
    assert_eq!(report.train.groups, 12);
    let mut loss = 0;
    for ((_, conv), line) in rows.iter().zip(&lines) {
        let runs = trained_runs(&format, line);
        let assistants: Vec<&Message> = conv.messages.iter().filter(|m| m.is_assistant()).collect();
        assert_eq!(
            runs.len(),
            assistants.len(),
            "one trained run per assistant turn"
        );
        for (run, m) in runs.iter().zip(&assistants) {
            check_run(run, m);
        }
        // Everything else — system prompt, instruction, tools, tool results — is context.
        let rest = untrained_text(&format, line);
        for m in &conv.messages {
            match m {
                Message::System { content } | Message::User { content } => {
                    assert!(rest.contains(content.as_str()))
                }
                Message::Tool { content, .. } => assert!(rest.contains(content.as_str())),
                Message::Assistant { .. } => {}
            }
        }
        assert!(rest.contains(&conv.tools[0].function.name));
        loss += line.mask.iter().filter(|&&m| m).count();
    }
    assert_eq!(report.train.loss_tokens, loss);
    // `env0 train` reads the file: labels are the ids where the mask is set, −100 elsewhere.
    let examples = env0_trainer::read_jsonl(&out, 1 << 20).unwrap();
    assert_eq!(examples.len(), 12);
    let labelled: usize = examples
        .iter()
        .map(|e| e.labels.iter().filter(|&&l| l != -100).count())
        .sum();
    assert_eq!(labelled, loss);
}

#[test]
fn exchange_rows_train_their_last_turn_only() {
    let format = smollm2_format();
    let data = built(RowMode::Exchange).join("openai.jsonl");
    let out = scratch("exchange").join("tokens.jsonl");
    let report = tokenize_file(&format, &data, &out, None, &TokenizeOptions::default()).unwrap();
    let rows = read_conversations(&data).unwrap();
    let lines = read_lines(&out);
    assert_eq!(lines.len(), rows.len());
    assert_eq!(
        report.train.groups, 12,
        "exchange rows of a task share its opening"
    );
    for ((_, conv), line) in rows.iter().zip(&lines) {
        let runs = trained_runs(&format, line);
        assert_eq!(runs.len(), 1, "{runs:?}");
        check_run(&runs[0], conv.messages.last().unwrap());
    }
}

fn instructions(format: &ChatFormat, path: &Path) -> BTreeSet<String> {
    read_lines(path)
        .iter()
        .map(|l| {
            let text = format.tokenizer.decode(&l.ids).unwrap();
            let start = text.find("<|im_start|>user\n").unwrap() + "<|im_start|>user\n".len();
            let len = text[start..].find("<|im_end|>").unwrap();
            text[start..start + len].to_string()
        })
        .collect()
}

#[test]
fn the_held_out_split_keeps_each_task_on_one_side() {
    let format = smollm2_format();
    let data = built(RowMode::Exchange).join("openai.jsonl");
    let dir = scratch("split");
    let (train, eval) = (dir.join("train.jsonl"), dir.join("eval.jsonl"));
    let opts = TokenizeOptions {
        eval_fraction: 0.3,
        ..TokenizeOptions::default()
    };
    let report = tokenize_file(&format, &data, &train, Some(&eval), &opts).unwrap();
    let held = report.eval.clone().unwrap();
    assert_eq!(report.train.examples + held.examples, report.rows);
    assert!(held.examples > 0 && report.train.examples > 0, "{report:?}");
    assert_eq!(report.train.groups + held.groups, 12);
    let (a, b) = (instructions(&format, &train), instructions(&format, &eval));
    assert_eq!((a.len(), b.len()), (report.train.groups, held.groups));
    assert!(
        a.is_disjoint(&b),
        "a task on both sides: {:?}",
        a.intersection(&b)
    );
    // The split is a function of the task, not of the run: the same again.
    let again = dir.join("eval-again.jsonl");
    tokenize_file(&format, &data, &dir.join("t2.jsonl"), Some(&again), &opts).unwrap();
    assert_eq!(
        std::fs::read(&eval).unwrap(),
        std::fs::read(&again).unwrap()
    );
    // An eval fraction without an eval file (or the reverse) is refused.
    assert!(tokenize_file(&format, &data, &train, None, &opts).is_err());
}

#[test]
fn truncation_dropping_and_packing_count_what_they_do() {
    let format = smollm2_format();
    let data = built(RowMode::Rollout).join("openai.jsonl");
    let dir = scratch("lengths");
    let full_path = dir.join("full.jsonl");
    let full = tokenize_file(
        &format,
        &data,
        &full_path,
        None,
        &TokenizeOptions::default(),
    )
    .unwrap();
    let lines = read_lines(&full_path);
    let shortest = lines.iter().map(|l| l.ids.len()).min().unwrap();
    let longest = lines.iter().map(|l| l.ids.len()).max().unwrap();
    let first_trained = lines
        .iter()
        .map(|l| l.mask.iter().position(|&m| m).unwrap())
        .min()
        .unwrap();

    let limit = shortest - 1;
    let out = dir.join("right.jsonl");
    let right = TokenizeOptions {
        max_len: Some(limit),
        ..TokenizeOptions::default()
    };
    let r = tokenize_file(&format, &data, &out, None, &right).unwrap();
    // Every example is cut; those whose first trained token lies past the cut have no loss left.
    let lossless = lines
        .iter()
        .filter(|l| l.mask[..limit].iter().all(|&m| !m))
        .count();
    assert_eq!(
        (
            r.train.truncated,
            r.train.dropped_no_loss,
            r.train.sequences
        ),
        (12, lossless, 12 - lossless)
    );
    let cut = read_lines(&out);
    assert!(cut
        .iter()
        .all(|l| l.ids.len() == limit && l.mask.contains(&true)));

    let drop = TokenizeOptions {
        max_len: Some(limit),
        truncate: Truncate::Drop,
        ..TokenizeOptions::default()
    };
    let r = tokenize_file(&format, &data, &out, None, &drop).unwrap();
    assert_eq!((r.train.dropped_too_long, r.train.sequences), (12, 0));

    let no_loss = TokenizeOptions {
        max_len: Some(first_trained),
        ..TokenizeOptions::default()
    };
    let r = tokenize_file(&format, &data, &out, None, &no_loss).unwrap();
    assert_eq!((r.train.dropped_no_loss, r.train.sequences), (12, 0));

    let pack = 2 * longest;
    let packed = TokenizeOptions {
        pack: Some(pack),
        ..TokenizeOptions::default()
    };
    let r = tokenize_file(&format, &data, &out, None, &packed).unwrap();
    let packs = read_lines(&out);
    // Any two examples fit in a pack, so each pack but the last holds at least two.
    assert!(r.train.sequences <= 6, "{r:?}");
    assert!(packs.iter().all(|p| p.ids.len() <= pack));
    assert_eq!(
        (r.train.tokens, r.train.loss_tokens),
        (full.train.tokens, full.train.loss_tokens)
    );
    // Packs are whole examples laid end to end, in order.
    let joined: Vec<u32> = packs.iter().flat_map(|p| p.ids.clone()).collect();
    let original: Vec<u32> = lines.iter().flat_map(|l| l.ids.clone()).collect();
    assert_eq!(joined, original);
    // Each pack says where its examples are (env0 train keeps them apart), and only packs do.
    let segments = |path: &Path| -> Vec<Option<Vec<usize>>> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v.get("segments").map(|s| {
                    s.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_u64().unwrap() as usize)
                        .collect()
                })
            })
            .collect()
    };
    let lens: Vec<usize> = segments(&out)
        .into_iter()
        .flat_map(Option::unwrap)
        .collect();
    assert_eq!(lens, lines.iter().map(|l| l.ids.len()).collect::<Vec<_>>());
    assert!(segments(&full_path).iter().all(Option::is_none));
}

#[test]
fn shuffling_is_seeded() {
    let format = smollm2_format();
    let data = built(RowMode::Rollout).join("openai.jsonl");
    let dir = scratch("shuffle");
    let run = |name: &str, seed: Option<u64>| {
        let out = dir.join(name);
        let opts = TokenizeOptions {
            shuffle_seed: seed,
            ..TokenizeOptions::default()
        };
        tokenize_file(&format, &data, &out, None, &opts).unwrap();
        std::fs::read_to_string(out).unwrap()
    };
    let plain = run("plain.jsonl", None);
    let a = run("a.jsonl", Some(7));
    let b = run("b.jsonl", Some(7));
    assert_eq!(a, b);
    assert_ne!(a, plain);
    let sorted = |s: &str| {
        let mut v: Vec<&str> = s.lines().collect();
        v.sort_unstable();
        v.join("\n")
    };
    assert_eq!(sorted(&a), sorted(&plain), "the same examples, reordered");
}
