//! env0-trainer: LoRA SFT for small decoder LLMs (Llama / Qwen2 / Qwen3) on a CPU backend, with
//! PEFT adapter export and merged weights. See README.md for what it owns.
pub mod backend;
pub mod config;
pub mod error;
pub mod export;
pub mod lora;
pub mod model;
pub mod ops;
pub mod optim;
pub mod weights;

pub use backend::{Backend, CpuBackend};
pub use config::{Family, ModelConfig};
pub use error::{Result, TrainerError};
pub use lora::{LoraConfig, LoraWeights, Target};
pub use model::{Batch, Dropout, LossOutput, LossReduction, Model};
