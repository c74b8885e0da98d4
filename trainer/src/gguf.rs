//! GGUF model files: metadata, tensor directory and dequantized weights, mapped to the HF names
//! and layouts the model code uses. For the llama architecture, llama.cpp's converter permutes the
//! rows of attn_q / attn_k to interleaved RoPE pairs; we undo that here (`unpermute_rope_rows`),
//! so the model and the exported adapters always live in HF layout.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{Family, ModelConfig};
use crate::error::{io_err, Result, TrainerError};
use crate::quant::{dequantize, GgmlType};
use crate::weights::{Tensor, TensorMap};

/// Metadata values we keep (arrays other than strings are summarized by their length).
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    /// An array: its length, and its strings when it holds strings.
    Array(usize, Vec<String>),
}

#[derive(Debug, Clone)]
pub struct TensorInfo {
    pub name: String,
    /// GGML order: `dims[0]` is the innermost (contiguous) dimension.
    pub dims: Vec<usize>,
    pub ty: GgmlType,
    pub offset: usize,
}

/// A parsed GGUF file held in memory.
pub struct GgufFile {
    pub metadata: BTreeMap<String, Meta>,
    pub tensors: Vec<TensorInfo>,
    bytes: Vec<u8>,
    data_start: usize,
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or("truncated file")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn len(&mut self) -> Result<usize, String> {
        let n = self.u64()?;
        if n > (self.b.len() - self.pos) as u64 {
            return Err(format!("length {n} exceeds the file"));
        }
        Ok(n as usize)
    }
    fn string(&mut self) -> Result<String, String> {
        let n = self.len()?;
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }
    fn scalar(&mut self, ty: u32) -> Result<Meta, String> {
        Ok(match ty {
            0 => Meta::Int(self.take(1)?[0] as i128),
            1 => Meta::Int(self.take(1)?[0] as i8 as i128),
            2 => {
                let s = self.take(2)?;
                Meta::Int(u16::from_le_bytes([s[0], s[1]]) as i128)
            }
            3 => {
                let s = self.take(2)?;
                Meta::Int(i16::from_le_bytes([s[0], s[1]]) as i128)
            }
            4 => Meta::Int(self.u32()? as i128),
            5 => Meta::Int(self.u32()? as i32 as i128),
            6 => Meta::Float(f32::from_bits(self.u32()?) as f64),
            7 => Meta::Bool(self.take(1)?[0] != 0),
            8 => Meta::Str(self.string()?),
            10 => Meta::Int(self.u64()? as i128),
            11 => Meta::Int(self.u64()? as i64 as i128),
            12 => Meta::Float(f64::from_bits(self.u64()?)),
            other => return Err(format!("unknown metadata type {other}")),
        })
    }
    fn value(&mut self, ty: u32) -> Result<Meta, String> {
        if ty != 9 {
            return self.scalar(ty);
        }
        let elem = self.u32()?;
        let n = self.len()?;
        let mut strings = Vec::new();
        for _ in 0..n {
            if let Meta::Str(s) = self.value_no_nest(elem)? {
                strings.push(s);
            }
        }
        Ok(Meta::Array(n, strings))
    }
    fn value_no_nest(&mut self, ty: u32) -> Result<Meta, String> {
        if ty == 9 {
            return Err("nested arrays are not supported".into());
        }
        self.scalar(ty)
    }
}

impl GgufFile {
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        Self::parse(bytes).map_err(|e| TrainerError::Gguf(format!("{}: {e}", path.display())))
    }

    pub fn parse(bytes: Vec<u8>) -> Result<Self, String> {
        let mut c = Cursor { b: &bytes, pos: 0 };
        if c.take(4)? != b"GGUF" {
            return Err("not a GGUF file".into());
        }
        let version = c.u32()?;
        if !(2..=3).contains(&version) {
            return Err(format!("unsupported GGUF version {version}"));
        }
        let n_tensors = c.len()?;
        let n_kv = c.len()?;
        let mut metadata = BTreeMap::new();
        for _ in 0..n_kv {
            let key = c.string()?;
            let ty = c.u32()?;
            let v = c.value(ty).map_err(|e| format!("{key}: {e}"))?;
            metadata.insert(key, v);
        }
        let mut tensors = Vec::with_capacity(n_tensors.min(1 << 16));
        for _ in 0..n_tensors {
            let name = c.string()?;
            let nd = c.u32()? as usize;
            if nd == 0 || nd > 4 {
                return Err(format!("{name}: {nd} dimensions"));
            }
            let dims = (0..nd).map(|_| c.len()).collect::<Result<Vec<_>, _>>()?;
            let ty_id = c.u32()?;
            let ty = GgmlType::from_id(ty_id)
                .ok_or_else(|| format!("{name}: unsupported tensor type {ty_id}"))?;
            let offset = c.u64()? as usize;
            tensors.push(TensorInfo {
                name,
                dims,
                ty,
                offset,
            });
        }
        let align = match metadata.get("general.alignment") {
            Some(Meta::Int(a)) if *a > 0 && *a <= 1 << 16 => *a as usize,
            _ => 32,
        };
        let data_start = c.pos.div_ceil(align) * align;
        let file = GgufFile {
            metadata,
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
        let n: usize = t
            .dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or("size overflow")?;
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
        match self.metadata.get(key)? {
            Meta::Int(v) => usize::try_from(*v).ok(),
            _ => None,
        }
    }

    pub fn float(&self, key: &str) -> Option<f64> {
        match self.metadata.get(key)? {
            Meta::Float(v) => Some(*v),
            Meta::Int(v) => Some(*v as f64),
            _ => None,
        }
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        match self.metadata.get(key)? {
            Meta::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The tensor as f32, in HF shape order (outermost first).
    pub fn tensor(&self, name: &str) -> Result<Tensor> {
        let t = self
            .tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| TrainerError::Gguf(format!("missing tensor {name}")))?;
        let n = t.dims.iter().product();
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
        let vocab = match self.metadata.get("tokenizer.ggml.tokens") {
            Some(Meta::Array(n, _)) => *n,
            _ => need("vocab_size")?,
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

/// llama.cpp's converter stores each head's rows as interleaved RoPE pairs
/// (`permute`: row `2i + j` ← HF row `j·hd/2 + i`); this restores HF's half-split order.
/// Works on a flattened `[rows, cols]` matrix (or a `[rows]` bias).
pub fn unpermute_rope_rows(data: &[f32], rows: usize, heads: usize) -> Result<Vec<f32>, String> {
    permute_rows(data, rows, heads, false)
}

/// The converter's permutation (HF → GGUF), used to write GGUF-layout deltas and in tests.
pub fn permute_rope_rows(data: &[f32], rows: usize, heads: usize) -> Result<Vec<f32>, String> {
    permute_rows(data, rows, heads, true)
}

fn permute_rows(
    data: &[f32],
    rows: usize,
    heads: usize,
    to_gguf: bool,
) -> Result<Vec<f32>, String> {
    if heads == 0
        || !rows.is_multiple_of(heads)
        || !(rows / heads).is_multiple_of(2)
        || !data.len().is_multiple_of(rows.max(1))
    {
        return Err(format!("cannot split {rows} rows into {heads} RoPE heads"));
    }
    let cols = data.len() / rows;
    let hd = rows / heads;
    let half = hd / 2;
    let mut out = vec![0.0; data.len()];
    for h in 0..heads {
        for i in 0..half {
            for j in 0..2 {
                let gguf_row = h * hd + 2 * i + j;
                let hf_row = h * hd + j * half + i;
                let (dst, src) = if to_gguf {
                    (gguf_row, hf_row)
                } else {
                    (hf_row, gguf_row)
                };
                out[dst * cols..(dst + 1) * cols]
                    .copy_from_slice(&data[src * cols..(src + 1) * cols]);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rope_permutation_matches_the_converter_and_round_trips() {
        // 2 heads of head_dim 4, 1 column: HF rows [0..8). The converter's
        // reshape(n_head, 2, hd/2).swapaxes(1, 2) gives per head [0, 2, 1, 3].
        let hf: Vec<f32> = (0..8).map(|x| x as f32).collect();
        let g = permute_rope_rows(&hf, 8, 2).expect("permute");
        assert_eq!(g, vec![0.0, 2.0, 1.0, 3.0, 4.0, 6.0, 5.0, 7.0]);
        assert_eq!(unpermute_rope_rows(&g, 8, 2).expect("unpermute"), hf);
        let m: Vec<f32> = (0..48).map(|x| x as f32).collect();
        let back =
            unpermute_rope_rows(&permute_rope_rows(&m, 12, 3).expect("p"), 12, 3).expect("u");
        assert_eq!(back, m);
        assert!(permute_rope_rows(&m, 12, 5).is_err());
    }

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
