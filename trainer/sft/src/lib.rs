//! env0-sft — SFT data: from eval results (results.jsonl) to token ids the trainer reads.
//!
//! - [`build()`]: filter results rows (reward, safety gates, infra errors, truncation, invalid or
//!   missing tool calls, task list, split), one row per episode or per assistant turn, written as
//!   prime-rl SFT JSONL, OpenAI chat JSONL and LLaMA-Factory ShareGPT (+ `dataset_info.json`),
//!   with a manifest of inputs, counts, rejects and hashes.
//! - [`validate_file`]: the tool-use contract of a data file in any of the three formats.
//! - [`tokenize_file`]: rows → `{"input_ids", "loss_mask"}` through the shared chat format (loss on
//!   assistant turns only), truncation, packing, a held-out split by prompt.
//! - [`audit_file`]: proves that training rows render exactly like the runtime's prompts.
//!
//! The formats themselves (conversion and reading back) are [`Format`] and [`read_conversations`].

mod audit;
mod build;
mod error;
mod formats;
mod tokenize;
mod validate;

use std::path::Path;

use env0_chat::{ChatFormat, Family};

pub use audit::{audit_file, AuditOptions, AuditReport, Mismatch};
pub use build::{build, sha256_hex, BuildOptions, BuildOutcome, Manifest, RowMode, TaskList};
pub use error::{Result, SftError};
pub use formats::{read_conversations, Conversation, Format, RowMeta};
pub use tokenize::{tokenize_file, TokenizeOptions, TokenizeReport, Truncate};
pub use validate::{validate_file, Problem, Rule, ValidateOptions};

/// Object keys that must never appear in a training row: the task's answer key (`oracle`,
/// `verifier`, `needles`, `trap`…), the verifier's verdict (`verdict`, `checks`, `gates`,
/// `collateral`), a reference `answer`, and — unless reasoning is allowed — thinking text
/// (`reasoning_content`, `reasoning`, `thinking`). Matched case-insensitively, at any depth,
/// including inside tool-call arguments.
pub const LEAK_KEYS: &[&str] = &[
    "oracle",
    "verifier",
    "verdict",
    "needles",
    "trap",
    "checks",
    "gates",
    "collateral",
    "answer",
];

/// Keys that carry reasoning; refused unless `--allow-reasoning` (env0 trains and runs with
/// thinking off, so a reasoning field would be rendered differently from the runtime).
pub const REASONING_KEYS: &[&str] = &["reasoning_content", "reasoning", "thinking"];

/// Reasoning markers refused in assistant text unless `--allow-reasoning`: Qwen's `<think>`
/// blocks and Gemma 4's thought channel.
pub const REASONING_MARKERS: &[&str] = &["<think>", "</think>", "<|channel>thought"];

/// Loads the chat format of a model: a `.gguf` file (template and vocabulary from its
/// metadata) or a HF directory (`tokenizer.json` + template). `family` overrides detection.
pub fn load_chat_format(model: &Path, family: Option<&str>) -> Result<ChatFormat> {
    let family = match family {
        None => None,
        Some(name) => Some(
            Family::by_name(name)
                .ok_or_else(|| SftError::Data(format!("unknown chat family '{name}'")))?,
        ),
    };
    let chat_err =
        |e: env0_chat::ChatError| SftError::Data(format!("{}: chat format: {e}", model.display()));
    if model.is_dir() {
        ChatFormat::from_hf_dir(model, family).map_err(chat_err)
    } else if model.is_file() {
        ChatFormat::from_gguf(model, family).map_err(chat_err)
    } else {
        Err(SftError::Data(format!(
            "{}: no such model file or directory",
            model.display()
        )))
    }
}
