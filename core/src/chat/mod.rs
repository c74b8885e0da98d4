//! Chat formats: env0 owns the prompt. One renderer (the model's own Jinja chat template run by
//! minijinja, HF-compatible), tokenizers (HF `tokenizer.json` or a GGUF vocabulary), a loss mask
//! for the trainer and one tool-call parser per model family. Runtime and trainer call the same
//! code, so training and inference prompts match by construction. See README.md.

pub mod error;
pub mod family;
pub mod format;
pub mod gguf;
pub mod mask;
pub mod parse;
pub mod template;
pub mod tokenize;
pub mod types;

pub use error::{ChatError, Result};
pub use family::{Family, ToolSyntax};
pub use format::{ChatFormat, Prompt};
pub use gguf::{Gguf, GgufValue};
pub use mask::{assistant_spans, TrainOn, TrainingExample};
pub use parse::{parse_completion, ParseError, ParseMode, Parsed, Repair};
pub use template::{ChatTemplate, RenderOptions, CHATML_HERMES};
pub use tokenize::{ChatTokenizer, Encoded};
pub use types::{FunctionCall, FunctionDef, Message, Tool, ToolCall};
