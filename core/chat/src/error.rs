//! Errors of the chat-format module.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid GGUF: {0}")]
    Gguf(String),
    #[error("chat template: {0}")]
    Template(String),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("invalid config: {0}")]
    Config(String),
}

pub type Result<T> = std::result::Result<T, ChatError>;

impl From<minijinja::Error> for ChatError {
    fn from(e: minijinja::Error) -> Self {
        // The alternate form carries the template name, line and the failing expression.
        ChatError::Template(format!("{e:#}"))
    }
}
