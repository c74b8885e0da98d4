//! The one GGUF reader of env0: header, key/value metadata and the tensor directory (names, shapes,
//! types, offsets), but no tensor data. The chat format reads the template and vocabulary from it;
//! the trainer and the runtime locate and dequantize weights with its directory. Corrupt or
//! truncated files give an error, never a panic; counts are checked against the file size before
//! anything is allocated.
//!
//! Also here: llama.cpp's q/k RoPE row permutation ([`permute_rope_rows`]), because it is a fact of
//! the GGUF layout that the trainer (reading weights) and the runtime (loading adapters) share.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::error::{ChatError, Result};

const MAGIC: &[u8; 4] = b"GGUF";
/// Longest string accepted (a chat template or a token); guards allocations on corrupt input.
const MAX_STRING: u64 = 16 << 20;
/// Deepest array nesting accepted.
const MAX_DEPTH: usize = 4;
/// Most dimensions a tensor may have (ggml's limit).
const MAX_DIMS: u32 = 4;
/// Tensor data alignment when `general.alignment` is absent.
const DEFAULT_ALIGNMENT: u64 = 32;

/// One metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum GgufValue {
    U8(u8),
    I8(i8),
    U16(u16),
    I16(i16),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    String(String),
    Array(Vec<GgufValue>),
}

impl GgufValue {
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            GgufValue::U8(v) => Some(v.into()),
            GgufValue::U16(v) => Some(v.into()),
            GgufValue::U32(v) => Some(v.into()),
            GgufValue::U64(v) => Some(v),
            GgufValue::I8(v) => u64::try_from(v).ok(),
            GgufValue::I16(v) => u64::try_from(v).ok(),
            GgufValue::I32(v) => u64::try_from(v).ok(),
            GgufValue::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            GgufValue::I8(v) => Some(v.into()),
            GgufValue::I16(v) => Some(v.into()),
            GgufValue::I32(v) => Some(v.into()),
            GgufValue::I64(v) => Some(v),
            _ => self.as_u64().and_then(|v| i64::try_from(v).ok()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            GgufValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            GgufValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[GgufValue]> {
        match self {
            GgufValue::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// One entry of the tensor directory.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufTensor {
    pub name: String,
    /// GGML order: `dims[0]` is the innermost (contiguous) dimension.
    pub dims: Vec<u64>,
    /// The ggml type id (0 = F32, 1 = F16, 2 = Q4_0, …); the reader does not interpret it.
    pub ggml_type: u32,
    /// Offset of the tensor's data from [`Gguf::data_offset`].
    pub offset: u64,
}

/// (elements per block, bytes per block) of a ggml tensor type, for the types GGUF models
/// commonly carry; `None` for others.
pub fn ggml_block(ggml_type: u32) -> Option<(u64, u64)> {
    Some(match ggml_type {
        0 => (1, 4),      // F32
        1 => (1, 2),      // F16
        2 => (32, 18),    // Q4_0
        3 => (32, 20),    // Q4_1
        6 => (32, 22),    // Q5_0
        7 => (32, 24),    // Q5_1
        8 => (32, 34),    // Q8_0
        9 => (32, 36),    // Q8_1
        10 => (256, 84),  // Q2_K
        11 => (256, 110), // Q3_K
        12 => (256, 144), // Q4_K
        13 => (256, 176), // Q5_K
        14 => (256, 210), // Q6_K
        15 => (256, 292), // Q8_K
        30 => (1, 2),     // BF16
        _ => return None,
    })
}

/// The header of a GGUF file: metadata and tensor directory.
#[derive(Debug, Clone)]
pub struct Gguf {
    pub version: u32,
    pub metadata: BTreeMap<String, GgufValue>,
    pub tensors: Vec<GgufTensor>,
    /// Where the tensor data section starts, from the start of the file (aligned).
    pub data_offset: u64,
}

impl Gguf {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|source| ChatError::Io {
            path: path.to_owned(),
            source,
        })?;
        let len = file
            .metadata()
            .map_err(|source| ChatError::Io {
                path: path.to_owned(),
                source,
            })?
            .len();
        Self::read(BufReader::new(file), len)
            .map_err(|e| ChatError::Gguf(format!("{}: {e}", path.display())))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::read(bytes, bytes.len() as u64).map_err(ChatError::Gguf)
    }

    fn read<R: Read>(reader: R, len: u64) -> std::result::Result<Self, String> {
        let mut r = Reader {
            inner: reader,
            remaining: len,
        };
        let mut magic = [0u8; 4];
        r.fill(&mut magic)?;
        if &magic != MAGIC {
            return Err(format!("not a GGUF file (magic {magic:?})"));
        }
        let version = r.u32()?;
        if !(2..=3).contains(&version) {
            return Err(format!("unsupported GGUF version {version}"));
        }
        let tensor_count = r.u64()?;
        let kv_count = r.u64()?;
        // Each key/value takes at least 8 (key length) + 4 (type) + 1 bytes.
        if kv_count > r.remaining / 13 {
            return Err(format!("key/value count {kv_count} exceeds the file size"));
        }
        let mut metadata = BTreeMap::new();
        for i in 0..kv_count {
            let key = r.string().map_err(|e| format!("key {i}: {e}"))?;
            let ty = r.u32().map_err(|e| format!("{key}: {e}"))?;
            let value = r.value(ty, 0).map_err(|e| format!("{key}: {e}"))?;
            metadata.insert(key, value);
        }
        // Each directory entry takes at least 8 (name length) + 4 (dims) + 8 + 4 (type) + 8 bytes.
        if tensor_count > r.remaining / 32 {
            return Err(format!("tensor count {tensor_count} exceeds the file size"));
        }
        let mut tensors = Vec::with_capacity(tensor_count as usize);
        for i in 0..tensor_count {
            let name = r.string().map_err(|e| format!("tensor {i}: {e}"))?;
            let n_dims = r.u32().map_err(|e| format!("{name}: {e}"))?;
            if n_dims == 0 || n_dims > MAX_DIMS {
                return Err(format!("{name}: {n_dims} dimensions"));
            }
            let dims = (0..n_dims)
                .map(|_| r.u64())
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| format!("{name}: {e}"))?;
            let ggml_type = r.u32().map_err(|e| format!("{name}: {e}"))?;
            let offset = r.u64().map_err(|e| format!("{name}: {e}"))?;
            tensors.push(GgufTensor {
                name,
                dims,
                ggml_type,
                offset,
            });
        }
        let alignment = match metadata
            .get("general.alignment")
            .and_then(GgufValue::as_u64)
        {
            Some(a) if a > 0 && a <= 1 << 16 => a,
            Some(a) => return Err(format!("general.alignment {a} is out of range")),
            None => DEFAULT_ALIGNMENT,
        };
        let data_offset = (len - r.remaining).div_ceil(alignment) * alignment;
        Ok(Gguf {
            version,
            metadata,
            tensors,
            data_offset,
        })
    }

    /// The directory entry of tensor `name`.
    pub fn tensor(&self, name: &str) -> Option<&GgufTensor> {
        self.tensors.iter().find(|t| t.name == name)
    }

    pub fn has_tensor(&self, name: &str) -> bool {
        self.tensor(name).is_some()
    }

    pub fn get(&self, key: &str) -> Option<&GgufValue> {
        self.metadata.get(key)
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key)?.as_str()
    }

    pub fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key)?.as_u64()
    }

    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key)?.as_bool()
    }

    /// A float (`F32`/`F64`) or integer value as f64.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            GgufValue::F32(v) => Some(f64::from(*v)),
            GgufValue::F64(v) => Some(*v),
            other => other.as_i64().map(|v| v as f64),
        }
    }

    pub fn architecture(&self) -> Option<&str> {
        self.get_str("general.architecture")
    }

    /// Where the last tensor's data ends, from the start of the file: a file shorter than this is
    /// truncated. `None` when a tensor has a ggml type this reader does not size.
    pub fn data_end(&self) -> Option<u64> {
        let mut end = 0u64;
        for t in &self.tensors {
            let (per_block, block_bytes) = ggml_block(t.ggml_type)?;
            let elements = t.dims.iter().try_fold(1u64, |n, d| n.checked_mul(*d))?;
            let bytes = elements.div_ceil(per_block).checked_mul(block_bytes)?;
            end = end.max(t.offset.checked_add(bytes)?);
        }
        self.data_offset.checked_add(end)
    }

    /// A string array (tokens, merges) or an error naming the key.
    pub fn string_array(&self, key: &str) -> Result<Vec<&str>> {
        let arr = self
            .get(key)
            .and_then(GgufValue::as_array)
            .ok_or_else(|| ChatError::Gguf(format!("missing array {key}")))?;
        arr.iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| ChatError::Gguf(format!("{key}: not a string array")))
            })
            .collect()
    }

    /// The text of token `id` from `tokenizer.ggml.tokens`.
    pub fn token_text(&self, id: u64) -> Option<String> {
        let arr = self.get("tokenizer.ggml.tokens")?.as_array()?;
        arr.get(usize::try_from(id).ok()?)?
            .as_str()
            .map(str::to_owned)
    }
}

struct Reader<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Reader<R> {
    fn fill(&mut self, buf: &mut [u8]) -> std::result::Result<(), String> {
        self.inner
            .read_exact(buf)
            .map_err(|e| format!("truncated ({e})"))?;
        self.remaining = self.remaining.saturating_sub(buf.len() as u64);
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    fn u32(&mut self) -> std::result::Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> std::result::Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        let n = self.u64()?;
        if n > MAX_STRING || n > self.remaining {
            return Err(format!("string length {n} exceeds the file"));
        }
        let mut buf = vec![0u8; n as usize];
        self.fill(&mut buf)?;
        // Tokens of byte-level vocabularies are valid UTF-8; anything else is kept lossily.
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    fn value(&mut self, ty: u32, depth: usize) -> std::result::Result<GgufValue, String> {
        Ok(match ty {
            0 => GgufValue::U8(self.array::<1>()?[0]),
            1 => GgufValue::I8(i8::from_le_bytes(self.array()?)),
            2 => GgufValue::U16(u16::from_le_bytes(self.array()?)),
            3 => GgufValue::I16(i16::from_le_bytes(self.array()?)),
            4 => GgufValue::U32(self.u32()?),
            5 => GgufValue::I32(i32::from_le_bytes(self.array()?)),
            6 => GgufValue::F32(f32::from_le_bytes(self.array()?)),
            7 => match self.array::<1>()?[0] {
                0 => GgufValue::Bool(false),
                1 => GgufValue::Bool(true),
                b => return Err(format!("invalid bool byte {b}")),
            },
            8 => GgufValue::String(self.string()?),
            9 => {
                if depth >= MAX_DEPTH {
                    return Err("arrays nested too deeply".into());
                }
                let elem = self.u32()?;
                let n = self.u64()?;
                let min_size = match elem {
                    0 | 1 | 7 => 1,
                    2 | 3 => 2,
                    4..=6 => 4,
                    8..=12 => 8,
                    _ => return Err(format!("unknown array element type {elem}")),
                };
                if n > self.remaining / min_size {
                    return Err(format!("array length {n} exceeds the file"));
                }
                let mut items = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    items.push(self.value(elem, depth + 1)?);
                }
                GgufValue::Array(items)
            }
            10 => GgufValue::U64(self.u64()?),
            11 => GgufValue::I64(i64::from_le_bytes(self.array()?)),
            12 => GgufValue::F64(f64::from_le_bytes(self.array()?)),
            other => return Err(format!("unknown value type {other}")),
        })
    }
}

/// llama.cpp's HF→GGUF converter stores each q/k head's rows as interleaved RoPE pairs
/// (`reshape(heads, 2, hd/2, …).swapaxes(1, 2)`): GGUF row `h·hd + 2i + j` is HF row
/// `h·hd + j·hd/2 + i`. This applies that permutation to a row-major `[rows, …]` tensor of any
/// element type (f32 values, or the raw bytes of an f16/bf16 tensor).
pub fn permute_rope_rows<T: Copy>(
    data: &[T],
    rows: usize,
    heads: usize,
) -> std::result::Result<Vec<T>, String> {
    permute_rows(data, rows, heads, true)
}

/// The inverse of [`permute_rope_rows`]: GGUF row order back to HF's half-split order.
pub fn unpermute_rope_rows<T: Copy>(
    data: &[T],
    rows: usize,
    heads: usize,
) -> std::result::Result<Vec<T>, String> {
    permute_rows(data, rows, heads, false)
}

fn permute_rows<T: Copy>(
    data: &[T],
    rows: usize,
    heads: usize,
    to_gguf: bool,
) -> std::result::Result<Vec<T>, String> {
    if rows == 0
        || heads == 0
        || !rows.is_multiple_of(heads)
        || !(rows / heads).is_multiple_of(2)
        || !data.len().is_multiple_of(rows)
    {
        return Err(format!("cannot split {rows} rows into {heads} RoPE heads"));
    }
    let row = data.len() / rows;
    let hd = rows / heads;
    let half = hd / 2;
    // Every row of `out` is overwritten below; starting from a copy avoids needing `T: Default`.
    let mut out = data.to_vec();
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
                out[dst * row..(dst + 1) * row].copy_from_slice(&data[src * row..(src + 1) * row]);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small valid GGUF header with the given string keys.
    pub(crate) fn tiny_gguf(kvs: &[(&str, &str)]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        b.extend_from_slice(&(kvs.len() as u64 + 1).to_le_bytes());
        for (k, v) in kvs {
            b.extend_from_slice(&(k.len() as u64).to_le_bytes());
            b.extend_from_slice(k.as_bytes());
            b.extend_from_slice(&8u32.to_le_bytes());
            b.extend_from_slice(&(v.len() as u64).to_le_bytes());
            b.extend_from_slice(v.as_bytes());
        }
        let key = "tokenizer.ggml.tokens";
        b.extend_from_slice(&(key.len() as u64).to_le_bytes());
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(&9u32.to_le_bytes());
        b.extend_from_slice(&8u32.to_le_bytes());
        b.extend_from_slice(&2u64.to_le_bytes());
        for t in ["<s>", "</s>"] {
            b.extend_from_slice(&(t.len() as u64).to_le_bytes());
            b.extend_from_slice(t.as_bytes());
        }
        b
    }

    #[test]
    fn reads_a_valid_header() {
        let g = Gguf::from_bytes(&tiny_gguf(&[("general.architecture", "llama")])).expect("valid");
        assert_eq!(g.architecture(), Some("llama"));
        assert_eq!(g.token_text(1).as_deref(), Some("</s>"));
    }

    #[test]
    fn rejects_corrupt_files_without_panicking() {
        let good = tiny_gguf(&[
            ("general.architecture", "llama"),
            ("tokenizer.chat_template", "{{x}}"),
        ]);
        assert!(Gguf::from_bytes(b"GGML").is_err());
        assert!(Gguf::from_bytes(&[]).is_err());
        // Every truncation and every single-byte corruption is an error or a valid parse.
        for cut in 0..good.len() {
            assert!(
                Gguf::from_bytes(&good[..cut]).is_err(),
                "truncated at {cut}"
            );
        }
        for i in 0..good.len() {
            for v in [0u8, 0xff, 0x7f] {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = Gguf::from_bytes(&bad);
            }
        }
        let mut huge = good.clone();
        huge[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        let err = Gguf::from_bytes(&huge).expect_err("huge count");
        assert!(err.to_string().contains("exceeds"), "{err}");
    }

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
        assert!(permute_rope_rows(&m, 0, 1).is_err());
        assert!(permute_rope_rows(&m, 12, 0).is_err());
        // On raw bytes (2 bytes per element, 1 column) the rows move as whole byte runs.
        let bytes: Vec<u8> = (0..8u8).flat_map(|x| [x, 100 + x]).collect();
        let pb = permute_rope_rows(&bytes, 8, 2).expect("bytes");
        assert_eq!(&pb[..8], &[0, 100, 2, 102, 1, 101, 3, 103]);
    }

    #[test]
    fn reads_the_tensor_directory_and_aligns_the_data_section() {
        let mut b = tiny_gguf(&[]);
        // tensor_count = 2
        b[8..16].copy_from_slice(&2u64.to_le_bytes());
        for (name, dims, ty, offset) in [
            ("a.weight", vec![4u64, 2], 0u32, 0u64),
            ("b", vec![3], 1, 32),
        ] {
            b.extend_from_slice(&(name.len() as u64).to_le_bytes());
            b.extend_from_slice(name.as_bytes());
            b.extend_from_slice(&(dims.len() as u32).to_le_bytes());
            for d in &dims {
                b.extend_from_slice(&d.to_le_bytes());
            }
            b.extend_from_slice(&ty.to_le_bytes());
            b.extend_from_slice(&offset.to_le_bytes());
        }
        let header_len = b.len() as u64;
        b.resize(b.len() + 64, 0);
        let g = Gguf::from_bytes(&b).expect("valid");
        assert_eq!(g.tensors.len(), 2);
        let a = g.tensor("a.weight").expect("a");
        assert_eq!((a.dims.clone(), a.ggml_type, a.offset), (vec![4, 2], 0, 0));
        assert_eq!(g.tensor("b").map(|t| t.ggml_type), Some(1));
        assert!(g.data_offset >= header_len && g.data_offset.is_multiple_of(32));
        assert!(g.data_offset - header_len < 32);
        // A directory cut short is an error, not a panic.
        assert!(Gguf::from_bytes(&b[..header_len as usize - 3]).is_err());
    }
}
