//! A GGUF metadata reader: the header and the key/value section only (no tensor data), enough for
//! the chat template and the tokenizer vocabulary. Corrupt or truncated files give an error,
//! never a panic; counts are checked against the file size before anything is allocated.

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

/// The metadata of a GGUF file.
#[derive(Debug, Clone)]
pub struct Gguf {
    pub version: u32,
    pub tensor_count: u64,
    pub metadata: BTreeMap<String, GgufValue>,
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
        Ok(Gguf {
            version,
            tensor_count,
            metadata,
        })
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

    pub fn architecture(&self) -> Option<&str> {
        self.get_str("general.architecture")
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
}
