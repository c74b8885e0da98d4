//! env0-trainer: LoRA SFT for small decoder LLMs (Llama / Qwen2 / Qwen3) on a CPU backend, with
//! PEFT adapter export and merged weights. It reads tokenized rows (made by `env0-sft`) and model
//! weights; it knows nothing of worlds, tasks or agents. See README.md for what it owns.
mod backend;
mod config;
mod data;
mod error;
mod export;
mod gguf;
mod lora;
mod model;
mod ops;
mod optim;
mod plot;
mod quant;
mod train;
mod weights;

pub use backend::{Backend, CpuBackend};
pub use config::{Family, ModelConfig};
pub use data::{collate, read_jsonl, Example};
pub use error::{Result, TrainerError};
pub use export::{load_peft_adapter, merge_into, save_hf_model, save_merged, save_peft_adapter};
pub use gguf::GgufFile;
pub use lora::{LoraConfig, LoraWeights, Target};
pub use model::{Batch, Dropout, LossOutput, LossReduction, Model};
pub use optim::{clip_grad_norm, lr_factor, AdamW, AdamWConfig, Schedule};
pub use quant::{dequantize, quantize, GgmlType};
pub use train::{load_model, read_metrics, train, TrainConfig};
pub use weights::{read_safetensors, Tensor, TensorMap};

/// Sizes rayon's global pool (gemm and the row-wise ops run on it); call once, before training.
pub fn set_threads(n: usize) -> std::result::Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| e.to_string())
}
