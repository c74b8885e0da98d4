//! GGUF model files: metadata, tensor directory and dequantized weights, mapped to the HF names
//! and layouts the model code uses. For the llama architecture, llama.cpp's converter permutes the
//! rows of attn_q / attn_k to interleaved RoPE pairs; we undo that here (`unpermute_rope_rows`),
//! so the model and the exported adapters always live in HF layout.

use std::path::Path;

use env0_chat::{unpermute_rope_rows, Gguf};

use crate::config::{Family, ModelConfig};
use crate::error::{io_err, Result, TrainerError};
use crate::quant::{dequantize, GgmlType};
use crate::weights::{Tensor, TensorMap};

/// A tensor of the directory with its type resolved.
#[derive(Debug, Clone)]
pub struct TensorInfo {
    pub name: String,
    /// GGML order: `dims[0]` is the innermost (contiguous) dimension.
    pub dims: Vec<usize>,
    pub ty: GgmlType,
    pub offset: usize,
}

/// A GGUF file held in memory: the header from env0-chat's reader, the bytes for the weights.
pub struct GgufFile {
    pub header: Gguf,
    pub tensors: Vec<TensorInfo>,
    bytes: Vec<u8>,
    data_start: usize,
}

/// The number of elements of a tensor of `dims`, or `None` when the product of its dimensions
/// (zeros left out, so that no order of multiplying them overflows) does not fit a `usize`.
fn elements(dims: &[usize]) -> Option<usize> {
    let nonzero = dims
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(1usize, |a, &d| a.checked_mul(d))?;
    Some(if dims.contains(&0) { 0 } else { nonzero })
}

impl GgufFile {
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        Self::parse(bytes).map_err(|e| TrainerError::Gguf(format!("{}: {e}", path.display())))
    }

    pub fn parse(bytes: Vec<u8>) -> Result<Self, String> {
        let header = Gguf::from_bytes(&bytes).map_err(|e| e.to_string())?;
        let tensors = header
            .tensors
            .iter()
            .map(|t| {
                let ty = GgmlType::from_id(t.ggml_type).ok_or_else(|| {
                    format!("{}: unsupported tensor type {}", t.name, t.ggml_type)
                })?;
                let dims = t
                    .dims
                    .iter()
                    .map(|&d| usize::try_from(d).map_err(|_| format!("{}: dimension {d}", t.name)))
                    .collect::<Result<Vec<_>, _>>()?;
                let offset = usize::try_from(t.offset)
                    .map_err(|_| format!("{}: offset {}", t.name, t.offset))?;
                Ok(TensorInfo {
                    name: t.name.clone(),
                    dims,
                    ty,
                    offset,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let data_start = usize::try_from(header.data_offset).map_err(|_| "data offset overflow")?;
        let file = GgufFile {
            header,
            tensors,
            bytes,
            data_start,
        };
        for t in &file.tensors {
            file.raw(t)?;
        }
        Ok(file)
    }

    fn raw(&self, t: &TensorInfo) -> Result<&[u8], String> {
        let n = elements(&t.dims).ok_or_else(|| format!("{}: size overflow", t.name))?;
        let len =
            t.ty.bytes_for(n)
                .ok_or_else(|| format!("{}: not whole blocks", t.name))?;
        let start = self
            .data_start
            .checked_add(t.offset)
            .ok_or("offset overflow")?;
        let end = start.checked_add(len).ok_or("offset overflow")?;
        self.bytes
            .get(start..end)
            .ok_or_else(|| format!("{}: data lies past the end of the file", t.name))
    }

    pub fn int(&self, key: &str) -> Option<usize> {
        usize::try_from(self.header.get_u64(key)?).ok()
    }

    pub fn float(&self, key: &str) -> Option<f64> {
        self.header.get_f64(key)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.header.get_str(key)
    }

    /// The tensor as f32, in HF shape order (outermost first).
    pub fn tensor(&self, name: &str) -> Result<Tensor> {
        let t = self
            .tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| TrainerError::Gguf(format!("missing tensor {name}")))?;
        let n = elements(&t.dims)
            .ok_or_else(|| TrainerError::Gguf(format!("{name}: size overflow")))?;
        let data = dequantize(t.ty, self.raw(t).map_err(TrainerError::Gguf)?, n)
            .map_err(|e| TrainerError::Gguf(format!("{name}: {e}")))?;
        Ok(Tensor::new(t.dims.iter().rev().copied().collect(), data))
    }

    pub fn has_tensor(&self, name: &str) -> bool {
        self.tensors.iter().any(|t| t.name == name)
    }

    /// The model config from `{arch}.*` metadata.
    pub fn model_config(&self) -> Result<ModelConfig> {
        let arch = self
            .str("general.architecture")
            .ok_or_else(|| TrainerError::Gguf("no general.architecture".into()))?;
        let family = match arch {
            "llama" => Family::Llama,
            "qwen2" => Family::Qwen2,
            "qwen3" => Family::Qwen3,
            other => {
                return Err(TrainerError::Gguf(format!(
                    "unsupported architecture {other}"
                )))
            }
        };
        let need = |k: &str| {
            self.int(&format!("{arch}.{k}"))
                .ok_or_else(|| TrainerError::Gguf(format!("missing {arch}.{k}")))
        };
        let hidden = need("embedding_length")?;
        let heads = need("attention.head_count")?;
        let vocab = match self
            .header
            .get("tokenizer.ggml.tokens")
            .and_then(|v| v.as_array())
        {
            Some(tokens) => tokens.len(),
            None => need("vocab_size")?,
        };
        let cfg = ModelConfig {
            family,
            vocab_size: vocab,
            hidden_size: hidden,
            intermediate_size: need("feed_forward_length")?,
            num_layers: need("block_count")?,
            num_heads: heads,
            num_kv_heads: self
                .int(&format!("{arch}.attention.head_count_kv"))
                .unwrap_or(heads),
            head_dim: self
                .int(&format!("{arch}.attention.key_length"))
                .unwrap_or(hidden / heads.max(1)),
            rope_theta: self
                .float(&format!("{arch}.rope.freq_base"))
                .unwrap_or(10000.0),
            rms_norm_eps: self
                .float(&format!("{arch}.attention.layer_norm_rms_epsilon"))
                .unwrap_or(1e-6) as f32,
            tie_word_embeddings: !self.has_tensor("output.weight"),
            qkv_bias: self.has_tensor("blk.0.attn_q.bias"),
            qk_norm: self.has_tensor("blk.0.attn_q_norm.weight"),
        };
        cfg.validate().map_err(TrainerError::Config)?;
        Ok(cfg)
    }

    /// Every weight, dequantized to f32, under its HF name and in HF layout.
    pub fn hf_tensors(&self, cfg: &ModelConfig) -> Result<TensorMap> {
        let mut out = TensorMap::new();
        let mut put = |gguf: &str, hf: String, permute_heads: Option<usize>| -> Result<()> {
            let mut t = self.tensor(gguf)?;
            if let Some(heads) = permute_heads {
                t.data = unpermute_rope_rows(&t.data, t.shape[0], heads)
                    .map_err(|e| TrainerError::Gguf(format!("{gguf}: {e}")))?;
            }
            out.insert(hf, t);
            Ok(())
        };
        put(
            "token_embd.weight",
            "model.embed_tokens.weight".into(),
            None,
        )?;
        put("output_norm.weight", "model.norm.weight".into(), None)?;
        if self.has_tensor("output.weight") {
            put("output.weight", "lm_head.weight".into(), None)?;
        }
        let llama = cfg.family == Family::Llama;
        for l in 0..cfg.num_layers {
            let g = format!("blk.{l}");
            let h = format!("model.layers.{l}");
            put(
                &format!("{g}.attn_norm.weight"),
                format!("{h}.input_layernorm.weight"),
                None,
            )?;
            put(
                &format!("{g}.ffn_norm.weight"),
                format!("{h}.post_attention_layernorm.weight"),
                None,
            )?;
            put(
                &format!("{g}.attn_q.weight"),
                format!("{h}.self_attn.q_proj.weight"),
                llama.then_some(cfg.num_heads),
            )?;
            put(
                &format!("{g}.attn_k.weight"),
                format!("{h}.self_attn.k_proj.weight"),
                llama.then_some(cfg.num_kv_heads),
            )?;
            put(
                &format!("{g}.attn_v.weight"),
                format!("{h}.self_attn.v_proj.weight"),
                None,
            )?;
            put(
                &format!("{g}.attn_output.weight"),
                format!("{h}.self_attn.o_proj.weight"),
                None,
            )?;
            put(
                &format!("{g}.ffn_gate.weight"),
                format!("{h}.mlp.gate_proj.weight"),
                None,
            )?;
            put(
                &format!("{g}.ffn_up.weight"),
                format!("{h}.mlp.up_proj.weight"),
                None,
            )?;
            put(
                &format!("{g}.ffn_down.weight"),
                format!("{h}.mlp.down_proj.weight"),
                None,
            )?;
            if cfg.qkv_bias {
                for (a, b) in [("q", "q_proj"), ("k", "k_proj"), ("v", "v_proj")] {
                    put(
                        &format!("{g}.attn_{a}.bias"),
                        format!("{h}.self_attn.{b}.bias"),
                        None,
                    )?;
                }
            }
            if cfg.qk_norm {
                put(
                    &format!("{g}.attn_q_norm.weight"),
                    format!("{h}.self_attn.q_norm.weight"),
                    None,
                )?;
                put(
                    &format!("{g}.attn_k_norm.weight"),
                    format!("{h}.self_attn.k_norm.weight"),
                    None,
                )?;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_files_are_errors() {
        assert!(GgufFile::parse(Vec::new()).is_err());
        assert!(GgufFile::parse(b"GGUF\x03\0\0\0".to_vec()).is_err());
        let mut b = b"GGUF".to_vec();
        b.extend(3u32.to_le_bytes());
        b.extend(u64::MAX.to_le_bytes());
        b.extend(0u64.to_le_bytes());
        assert!(GgufFile::parse(b).is_err());
    }
}
