//! The trainer's error type: every failure on outside input (config, safetensors, GGUF, adapter,
//! checkpoint) is an error with the path and what was wrong, never a panic.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum TrainerError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: invalid JSON: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{0}")]
    Safetensors(String),
    #[error("GGUF: {0}")]
    Gguf(String),
    #[error("model config: {0}")]
    Config(String),
    #[error("weights: {0}")]
    Weights(String),
    #[error("adapter: {0}")]
    Adapter(String),
    #[error("data: {0}")]
    Data(String),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
}

pub type Result<T, E = TrainerError> = std::result::Result<T, E>;

pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> TrainerError + '_ {
    move |source| TrainerError::Io {
        path: path.to_owned(),
        source,
    }
}
