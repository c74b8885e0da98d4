//! Model hyper-parameters for the decoder family (Llama / Qwen2 / Qwen3), read from an HF
//! `config.json` or from GGUF metadata.

use std::path::Path;

use serde_json::Value;

use crate::error::{io_err, Result, TrainerError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Llama,
    Qwen2,
    Qwen3,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelConfig {
    pub family: Family,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub num_kv_heads: usize,
    pub head_dim: usize,
    pub rope_theta: f64,
    pub rms_norm_eps: f32,
    pub tie_word_embeddings: bool,
    /// Biases on q, k and v (Qwen2).
    pub qkv_bias: bool,
    /// Per-head RMSNorm on q and k before RoPE (Qwen3).
    pub qk_norm: bool,
}

impl ModelConfig {
    pub fn q_dim(&self) -> usize {
        self.num_heads * self.head_dim
    }

    pub fn kv_dim(&self) -> usize {
        self.num_kv_heads * self.head_dim
    }

    /// Reads an HF `config.json`.
    pub fn from_hf_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let v: Value = serde_json::from_str(&text).map_err(|source| TrainerError::Json {
            path: path.to_owned(),
            source,
        })?;
        Self::from_hf_json(&v).map_err(|e| TrainerError::Config(format!("{}: {e}", path.display())))
    }

    pub fn from_hf_json(v: &Value) -> Result<Self, String> {
        let model_type = v["model_type"].as_str().ok_or("missing model_type")?;
        let family = match model_type {
            "llama" => Family::Llama,
            "qwen2" => Family::Qwen2,
            "qwen3" => Family::Qwen3,
            other => {
                return Err(format!(
                    "unsupported model_type {other:?} (llama, qwen2, qwen3)"
                ))
            }
        };
        let int = |k: &str| -> Result<usize, String> {
            v[k].as_u64()
                .map(|x| x as usize)
                .ok_or_else(|| format!("missing integer {k}"))
        };
        let num_heads = int("num_attention_heads")?;
        let hidden_size = int("hidden_size")?;
        let head_dim = v["head_dim"]
            .as_u64()
            .map(|x| x as usize)
            .unwrap_or(hidden_size / num_heads.max(1));
        let rope_theta = v["rope_theta"]
            .as_f64()
            .or_else(|| v["rope_parameters"]["rope_theta"].as_f64())
            .unwrap_or(10000.0);
        if let Some(kind) = v["rope_scaling"]["rope_type"]
            .as_str()
            .or_else(|| v["rope_parameters"]["rope_type"].as_str())
        {
            if kind != "default" {
                return Err(format!("rope type {kind:?} is not supported yet"));
            }
        }
        let cfg = ModelConfig {
            family,
            vocab_size: int("vocab_size")?,
            hidden_size,
            intermediate_size: int("intermediate_size")?,
            num_layers: int("num_hidden_layers")?,
            num_heads,
            num_kv_heads: v["num_key_value_heads"]
                .as_u64()
                .map(|x| x as usize)
                .unwrap_or(num_heads),
            head_dim,
            rope_theta,
            rms_norm_eps: v["rms_norm_eps"].as_f64().unwrap_or(1e-6) as f32,
            tie_word_embeddings: v["tie_word_embeddings"].as_bool().unwrap_or(false),
            qkv_bias: match family {
                Family::Qwen2 => true,
                _ => v["attention_bias"].as_bool().unwrap_or(false),
            },
            qk_norm: family == Family::Qwen3,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<(), String> {
        let nonzero = [
            ("vocab_size", self.vocab_size),
            ("hidden_size", self.hidden_size),
            ("intermediate_size", self.intermediate_size),
            ("num_layers", self.num_layers),
            ("num_heads", self.num_heads),
            ("num_kv_heads", self.num_kv_heads),
            ("head_dim", self.head_dim),
        ];
        for (k, x) in nonzero {
            if x == 0 || x > 1 << 24 {
                return Err(format!("{k} = {x} is out of range"));
            }
        }
        if !self.num_heads.is_multiple_of(self.num_kv_heads) {
            return Err("num_heads must be a multiple of num_kv_heads".into());
        }
        if !self.head_dim.is_multiple_of(2) {
            return Err("head_dim must be even (RoPE)".into());
        }
        Ok(())
    }

    /// The HF `config.json` for this model (written next to merged weights).
    pub fn to_hf_json(&self) -> Value {
        let (arch, model_type) = match self.family {
            Family::Llama => ("LlamaForCausalLM", "llama"),
            Family::Qwen2 => ("Qwen2ForCausalLM", "qwen2"),
            Family::Qwen3 => ("Qwen3ForCausalLM", "qwen3"),
        };
        serde_json::json!({
            "architectures": [arch],
            "model_type": model_type,
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "intermediate_size": self.intermediate_size,
            "num_hidden_layers": self.num_layers,
            "num_attention_heads": self.num_heads,
            "num_key_value_heads": self.num_kv_heads,
            "head_dim": self.head_dim,
            "rope_theta": self.rope_theta,
            "rms_norm_eps": self.rms_norm_eps,
            "tie_word_embeddings": self.tie_word_embeddings,
            "attention_bias": self.qkv_bias,
            // Qwen2/Qwen3 loaders (mistralrs among them) require these keys.
            "use_sliding_window": false,
            "sliding_window": null,
            "max_window_layers": self.num_layers,
            "hidden_act": "silu",
            "torch_dtype": "float32",
        })
    }
}
