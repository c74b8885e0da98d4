//! Training examples: rendered text, token ids and the loss mask. The mask marks the tokens the
//! model must learn — the assistant's turns, from the first token after the assistant header up to
//! and including the end-of-turn marker — and never the generation-prompt header, the system,
//! user or tool text, or tool results written inside a Gemma 4 model turn.

use std::ops::Range;

use super::error::Result;
use super::family::Family;
use super::template::{ChatTemplate, RenderOptions};
use super::tokenize::ChatTokenizer;
use super::types::{Message, Tool};

/// Which assistant turns are trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainOn {
    AllAssistantTurns,
    LastAssistantTurn,
}

/// One training example.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingExample {
    pub text: String,
    pub ids: Vec<u32>,
    /// `true` for tokens that carry loss.
    pub loss_mask: Vec<bool>,
    /// Trained byte ranges of `text`.
    pub spans: Vec<Range<usize>>,
}

/// Byte ranges of `text` the model must learn, in order. An assistant turn that is not closed by
/// the end-of-turn marker (the generation prompt) yields nothing.
pub fn assistant_spans(family: Family, text: &str) -> Vec<Range<usize>> {
    let markers = family.turn_markers();
    let mut spans = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find(markers.header) {
        let start = pos + found + markers.header.len();
        let next_header = text[start..].find(markers.header).map(|i| start + i);
        let end_found = text[start..]
            .find(markers.end)
            .map(|i| start + i + markers.end.len());
        // A turn is closed by its end marker, unless another header comes first.
        let mut end = match (end_found, next_header) {
            (Some(e), Some(h)) if e > h => None,
            (e, _) => e,
        };
        let limit = end.unwrap_or(next_header.unwrap_or(text.len()));
        match markers.inline_tool_result {
            Some((open, close)) => {
                // Split the turn around inline tool results; the opening marker stays trained.
                let mut seg_start = start;
                let mut cursor = start;
                while let Some(i) = text[cursor..limit].find(open) {
                    let open_end = cursor + i + open.len();
                    spans.push(seg_start..open_end);
                    match text[open_end..limit].find(close) {
                        Some(j) => {
                            seg_start = open_end + j + close.len();
                            cursor = seg_start;
                        }
                        None => {
                            // The turn ends by yielding to the tool (`…<tool_call|><|tool_response>`).
                            seg_start = limit;
                            if end.is_none() && open_end == limit {
                                end = Some(limit);
                            }
                            break;
                        }
                    }
                }
                // Segments that yielded to a tool are complete; the tail of an unclosed turn
                // (the generation position) is not.
                if end.is_some() && seg_start < limit {
                    spans.push(seg_start..limit);
                }
            }
            None => {
                if let Some(e) = end {
                    spans.push(start..e);
                }
            }
        }
        pos = limit.max(start);
    }
    spans
}

/// Renders `messages` (no generation prompt), tokenizes the text and marks the trained tokens: a
/// token is trained when it starts inside a trained span.
pub fn build_training_example(
    template: &ChatTemplate,
    tokenizer: &ChatTokenizer,
    family: Family,
    messages: &[Message],
    tools: &[Tool],
    opts: &RenderOptions,
    train_on: TrainOn,
) -> Result<TrainingExample> {
    let text = template.render(messages, tools, opts)?;
    let mut spans = assistant_spans(family, &text);
    refine_with_prefixes(template, messages, tools, opts, &text, &mut spans);
    if train_on == TrainOn::LastAssistantTurn {
        // The last assistant message: for Gemma 4 that is the segment after the last tool result.
        spans = spans.split_off(spans.len().saturating_sub(1));
    }
    let enc = tokenizer.encode(&text)?;
    let loss_mask = mask_tokens(&enc.offsets, &spans);
    Ok(TrainingExample {
        text,
        ids: enc.ids,
        loss_mask,
        spans,
    })
}

/// Refines the marker spans by rendering prefixes: for each assistant message `i` whose history
/// renders as a prefix of the whole, the model's completion at that point is exactly the text
/// between `render(messages[..i], add_generation_prompt)` and `render(messages[..=i])` (without
/// the newline after the end marker). That span replaces the marker spans it overlaps: it leaves
/// out what the generation prompt already holds (Qwen3.5's `<think>\n`, the empty think block with
/// thinking off) and catches turns the template writes without a header (Gemma 4 continuations).
/// Where the prefix property fails (templates that drop earlier reasoning, inline tool results),
/// the marker spans stand.
fn refine_with_prefixes(
    template: &ChatTemplate,
    messages: &[Message],
    tools: &[Tool],
    opts: &RenderOptions,
    text: &str,
    spans: &mut Vec<Range<usize>>,
) {
    let gen_opts = RenderOptions {
        add_generation_prompt: true,
        ..opts.clone()
    };
    let done_opts = RenderOptions {
        add_generation_prompt: false,
        ..opts.clone()
    };
    for (i, m) in messages.iter().enumerate().skip(1) {
        if !m.is_assistant() {
            continue;
        }
        let Ok(prompt) = template.render(&messages[..i], tools, &gen_opts) else {
            continue;
        };
        if !text.starts_with(&prompt) {
            continue;
        }
        let Ok(done) = template.render(&messages[..=i], tools, &done_opts) else {
            continue;
        };
        if !text.starts_with(&done) || !done.starts_with(&prompt) {
            continue;
        }
        let span = prompt.len()..done.trim_end_matches('\n').len();
        if span.is_empty() {
            continue;
        }
        spans.retain(|s| s.end <= span.start || s.start >= done.len());
        spans.push(span);
    }
    spans.sort_by_key(|s| s.start);
}

/// `true` for each token whose first byte lies in one of `spans`.
pub fn mask_tokens(offsets: &[(usize, usize)], spans: &[Range<usize>]) -> Vec<bool> {
    offsets
        .iter()
        .map(|&(start, end)| start < end && spans.iter().any(|s| s.contains(&start)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chatml_spans_skip_header_and_generation_prompt() {
        let text = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n";
        let spans = assistant_spans(Family::Qwen3, text);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].clone()], "hello<|im_end|>");
    }

    #[test]
    fn gemma_spans_exclude_inline_tool_results() {
        let text = "<bos><|turn>user\nq<turn|>\n<|turn>model\n<|tool_call>call:f{}<tool_call|><|tool_response>response:f{value:1}<tool_response|>done<turn|>\n<|turn>model\n";
        let spans = assistant_spans(Family::Gemma4, text);
        let parts: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(
            parts,
            [
                "<|tool_call>call:f{}<tool_call|><|tool_response>",
                "done<turn|>"
            ]
        );
        let yielded = "<|turn>model\n<|tool_call>call:f{}<tool_call|><|tool_response>";
        let spans = assistant_spans(Family::Gemma4, yielded);
        assert_eq!(
            &yielded[spans[0].clone()],
            "<|tool_call>call:f{}<tool_call|><|tool_response>"
        );
    }

    #[test]
    fn tokens_starting_in_spans_are_trained() {
        let spans = vec![2..6, 9..10];
        let mask = mask_tokens(&[(0, 2), (2, 5), (5, 6), (6, 6), (9, 10)], &spans);
        assert_eq!(mask, [false, true, true, false, true]);
    }
}
