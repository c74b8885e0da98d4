//! Named f32 tensors: reading safetensors (f32 / bf16 / f16, converted to f32) and writing f32.

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::{Dtype, SafeTensors};

use crate::error::{io_err, Result, TrainerError};

/// A dense row-major f32 tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data }
    }

    pub fn zeros(shape: Vec<usize>) -> Self {
        let n = shape.iter().product();
        Tensor {
            shape,
            data: vec![0.0; n],
        }
    }
}

/// Tensors by name.
pub type TensorMap = BTreeMap<String, Tensor>;

/// Reads every floating-point tensor of a safetensors file as f32; integer tensors (I64, I32)
/// are converted too (token ids in fixtures).
pub fn read_safetensors(path: &Path) -> Result<TensorMap> {
    let bytes = std::fs::read(path).map_err(io_err(path))?;
    parse_safetensors(&bytes)
        .map_err(|e| TrainerError::Safetensors(format!("{}: {e}", path.display())))
}

pub fn parse_safetensors(bytes: &[u8]) -> Result<TensorMap, String> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| format!("not a safetensors file: {e}"))?;
    let mut out = TensorMap::new();
    for (name, view) in st.tensors() {
        let raw = view.data();
        let data: Vec<f32> = match view.dtype() {
            Dtype::F32 => raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            Dtype::BF16 => raw
                .chunks_exact(2)
                .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            Dtype::F16 => raw
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            Dtype::I64 => raw
                .chunks_exact(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(c);
                    i64::from_le_bytes(b) as f32
                })
                .collect(),
            Dtype::U8 => raw.iter().map(|&b| b as f32).collect(),
            Dtype::I32 => raw
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f32)
                .collect(),
            other => return Err(format!("{name}: unsupported dtype {other:?}")),
        };
        let shape = view.shape().to_vec();
        if shape.iter().product::<usize>() != data.len() {
            return Err(format!("{name}: shape {shape:?} does not match its data"));
        }
        out.insert(name, Tensor { shape, data });
    }
    Ok(out)
}

/// Writes f32 tensors (with optional string metadata) to a safetensors file.
pub fn write_safetensors(
    path: &Path,
    tensors: &TensorMap,
    metadata: Option<std::collections::HashMap<String, String>>,
) -> Result<()> {
    let bytes: Vec<(String, Vec<u8>, Vec<usize>)> = tensors
        .iter()
        .map(|(k, t)| {
            let b: Vec<u8> = t.data.iter().flat_map(|x| x.to_le_bytes()).collect();
            (k.clone(), b, t.shape.clone())
        })
        .collect();
    let views = bytes
        .iter()
        .map(|(k, b, s)| {
            safetensors::tensor::TensorView::new(Dtype::F32, s.clone(), b)
                .map(|v| (k.clone(), v))
                .map_err(|e| TrainerError::Safetensors(format!("{k}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let out = safetensors::serialize(views, metadata)
        .map_err(|e| TrainerError::Safetensors(format!("{}: {e}", path.display())))?;
    write_atomic(path, &out)
}

/// Writes a file through a temporary sibling and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_err(path))
}

/// Takes a tensor out of a map and checks its shape.
pub fn take(map: &mut TensorMap, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let t = map
        .remove(name)
        .ok_or_else(|| TrainerError::Weights(format!("missing tensor {name}")))?;
    if t.shape != shape {
        return Err(TrainerError::Weights(format!(
            "{name}: shape {:?}, expected {shape:?}",
            t.shape
        )));
    }
    Ok(t.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_files_are_errors() {
        assert!(parse_safetensors(b"").is_err());
        assert!(parse_safetensors(&[0xff; 64]).is_err());
        let mut m = TensorMap::new();
        m.insert("a".into(), Tensor::new(vec![2, 3], vec![1.0; 6]));
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("x.safetensors");
        write_safetensors(&p, &m, None).expect("write");
        let bytes = std::fs::read(&p).expect("read");
        assert_eq!(parse_safetensors(&bytes).expect("parse"), m);
        for cut in [1, 8, 9, bytes.len() / 2, bytes.len() - 1] {
            assert!(parse_safetensors(&bytes[..cut]).is_err(), "cut {cut}");
        }
    }
}
