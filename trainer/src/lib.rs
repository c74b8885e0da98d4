//! env0-trainer: SFT data (build, validate, tokenize, audit — `sft`) and LoRA SFT for small
//! decoder LLMs (Llama / Qwen2 / Qwen3) on a CPU backend, with PEFT adapter export and merged
//! weights. See README.md for what it owns.
pub mod backend;
pub mod config;
pub mod data;
pub mod error;
pub mod export;
pub mod gguf;
pub mod lora;
pub mod model;
pub mod ops;
pub mod optim;
pub mod plot;
pub mod quant;
pub mod sft;
pub mod train;
pub mod weights;

pub use backend::{Backend, CpuBackend};
pub use config::{Family, ModelConfig};
pub use error::{Result, TrainerError};
pub use lora::{LoraConfig, LoraWeights, Target};
pub use model::{Batch, Dropout, LossOutput, LossReduction, Model};

/// Sizes rayon's global pool (gemm and the row-wise ops run on it); call once, before training.
pub fn set_threads(n: usize) -> std::result::Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| e.to_string())
}
