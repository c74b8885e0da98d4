//! env0-chat: env0 owns the prompt. One renderer (the model's own Jinja chat template run by
//! minijinja, HF-compatible), tokenizers (HF `tokenizer.json` or a GGUF vocabulary), a loss mask
//! for the trainer, one tool-call parser per model family and the GGUF header reader. Runtime and
//! trainer call the same code, so training and inference prompts match by construction.
//! See README.md.

mod error;
mod family;
mod format;
mod gguf;
mod mask;
mod parse;
mod template;
mod tokenize;
mod types;

pub use error::{ChatError, Result};
pub use family::{Family, ToolSyntax, TurnMarkers};
pub use format::{ChatFormat, Prompt};
pub use gguf::{ggml_block, permute_rope_rows, unpermute_rope_rows, Gguf, GgufTensor, GgufValue};
pub use mask::{assistant_spans, build_training_example, TrainOn, TrainingExample};
pub use parse::{parse_completion, ParseError, ParseMode, Parsed, Repair};
pub use template::{ChatTemplate, RenderOptions, CHATML_HERMES};
pub use tokenize::{ChatTokenizer, Encoded};
pub use types::{FunctionCall, FunctionDef, Message, Tool, ToolCall};
