//! Dequantizers for the GGML block formats (Q4_0, Q4_1, Q8_0, Q4_K, Q6_K) and F32/F16/BF16, as in
//! ggml-quants.c, checked against the `gguf` Python package on random blocks (tests/quant.rs);
//! and quantizers for the formats a device model is re-quantized to (Q8_0, Q4_0, Q4_1 and the
//! float types), following ggml's reference rows, checked against the dequantizers (error within
//! the format's step, and quantizing a dequantized block gives the same bytes).

use half::{bf16, f16};

/// GGML tensor types we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GgmlType {
    F32,
    F16,
    BF16,
    Q4_0,
    Q4_1,
    Q8_0,
    Q4K,
    Q6K,
}

impl GgmlType {
    pub fn from_id(id: u32) -> Option<Self> {
        Some(match id {
            0 => GgmlType::F32,
            1 => GgmlType::F16,
            2 => GgmlType::Q4_0,
            3 => GgmlType::Q4_1,
            8 => GgmlType::Q8_0,
            12 => GgmlType::Q4K,
            14 => GgmlType::Q6K,
            30 => GgmlType::BF16,
            _ => return None,
        })
    }

    /// (elements per block, bytes per block).
    pub fn block(self) -> (usize, usize) {
        match self {
            GgmlType::F32 => (1, 4),
            GgmlType::F16 | GgmlType::BF16 => (1, 2),
            GgmlType::Q4_0 => (32, 18),
            GgmlType::Q4_1 => (32, 20),
            GgmlType::Q8_0 => (32, 34),
            GgmlType::Q4K => (256, 144),
            GgmlType::Q6K => (256, 210),
        }
    }

    /// Bytes needed for `n` elements, or None when `n` is not a whole number of blocks (or the
    /// size does not fit a `usize`).
    pub fn bytes_for(self, n: usize) -> Option<usize> {
        let (be, bb) = self.block();
        if !n.is_multiple_of(be) {
            return None;
        }
        (n / be).checked_mul(bb)
    }
}

fn h(b: &[u8], i: usize) -> f32 {
    f16::from_le_bytes([b[i], b[i + 1]]).to_f32()
}

/// Dequantizes `data` (exactly `ty.bytes_for(n)` bytes) into `n` f32 values.
pub fn dequantize(ty: GgmlType, data: &[u8], n: usize) -> Result<Vec<f32>, String> {
    let need = ty
        .bytes_for(n)
        .ok_or_else(|| format!("{n} elements is not a whole number of {ty:?} blocks"))?;
    if data.len() != need {
        return Err(format!(
            "{ty:?}: {} bytes for {n} elements, expected {need}",
            data.len()
        ));
    }
    let (_, bb) = ty.block();
    let mut out = Vec::with_capacity(n);
    match ty {
        GgmlType::F32 => out.extend(
            data.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        ),
        GgmlType::F16 => out.extend(
            data.chunks_exact(2)
                .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32()),
        ),
        GgmlType::BF16 => out.extend(
            data.chunks_exact(2)
                .map(|c| bf16::from_le_bytes([c[0], c[1]]).to_f32()),
        ),
        GgmlType::Q4_0 => {
            for b in data.chunks_exact(bb) {
                let d = h(b, 0);
                let qs = &b[2..18];
                out.extend(qs.iter().map(|&q| ((q & 0xF) as i32 - 8) as f32 * d));
                out.extend(qs.iter().map(|&q| ((q >> 4) as i32 - 8) as f32 * d));
            }
        }
        GgmlType::Q4_1 => {
            for b in data.chunks_exact(bb) {
                let (d, m) = (h(b, 0), h(b, 2));
                let qs = &b[4..20];
                out.extend(qs.iter().map(|&q| (q & 0xF) as f32 * d + m));
                out.extend(qs.iter().map(|&q| (q >> 4) as f32 * d + m));
            }
        }
        GgmlType::Q8_0 => {
            for b in data.chunks_exact(bb) {
                let d = h(b, 0);
                out.extend(b[2..34].iter().map(|&q| q as i8 as f32 * d));
            }
        }
        GgmlType::Q4K => {
            for b in data.chunks_exact(bb) {
                let (d, dmin) = (h(b, 0), h(b, 2));
                let scales = &b[4..16];
                let mut q = &b[16..144];
                for j in 0..4 {
                    let (sc1, m1) = scale_min_k4(2 * j, scales);
                    let (sc2, m2) = scale_min_k4(2 * j + 1, scales);
                    let (d1, m1) = (d * sc1 as f32, dmin * m1 as f32);
                    let (d2, m2) = (d * sc2 as f32, dmin * m2 as f32);
                    out.extend(q[..32].iter().map(|&x| d1 * (x & 0xF) as f32 - m1));
                    out.extend(q[..32].iter().map(|&x| d2 * (x >> 4) as f32 - m2));
                    q = &q[32..];
                }
            }
        }
        GgmlType::Q6K => {
            for b in data.chunks_exact(bb) {
                let d = h(b, 208);
                let mut y = [0.0f32; 256];
                for half in 0..2 {
                    let ql = &b[half * 64..half * 64 + 64];
                    let qh = &b[128 + half * 32..128 + half * 32 + 32];
                    let sc = &b[192 + half * 8..192 + half * 8 + 8];
                    let ys = &mut y[half * 128..half * 128 + 128];
                    for l in 0..32 {
                        let is = l / 16;
                        let q1 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) as i32 - 32;
                        let q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) as i32 - 32;
                        let q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) as i32 - 32;
                        let q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) as i32 - 32;
                        ys[l] = d * (sc[is] as i8 as f32) * q1 as f32;
                        ys[l + 32] = d * (sc[is + 2] as i8 as f32) * q2 as f32;
                        ys[l + 64] = d * (sc[is + 4] as i8 as f32) * q3 as f32;
                        ys[l + 96] = d * (sc[is + 6] as i8 as f32) * q4 as f32;
                    }
                }
                out.extend_from_slice(&y);
            }
        }
    }
    Ok(out)
}

/// Quantizes `values` (a whole number of blocks, all finite) to `ty`, as ggml's reference
/// quantizers do: Q8_0 `d = amax / 127`, `q = round(x / d)`; Q4_0 `d = m / -8` with `m` the value
/// of largest magnitude, `q = min(15, trunc(x / d + 8.5))`; Q4_1 `d = (max - min) / 15`,
/// `q = min(15, trunc((x - min) / d + 0.5))`. Scales are stored as f16.
pub fn quantize(ty: GgmlType, values: &[f32]) -> Result<Vec<u8>, String> {
    let n = values.len();
    let size = ty
        .bytes_for(n)
        .ok_or_else(|| format!("{n} elements is not a whole number of {ty:?} blocks"))?;
    if let Some(i) = values.iter().position(|x| !x.is_finite()) {
        return Err(format!(
            "element {i} is {}: only finite values quantize",
            values[i]
        ));
    }
    let mut out = Vec::with_capacity(size);
    match ty {
        GgmlType::F32 => values.iter().for_each(|x| out.extend(x.to_le_bytes())),
        GgmlType::F16 => values
            .iter()
            .for_each(|&x| out.extend(f16::from_f32(x).to_le_bytes())),
        GgmlType::BF16 => values
            .iter()
            .for_each(|&x| out.extend(bf16::from_f32(x).to_le_bytes())),
        GgmlType::Q8_0 => {
            for block in values.chunks_exact(32) {
                let amax = block.iter().fold(0.0f32, |m, x| m.max(x.abs()));
                let d = amax / 127.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                out.extend(f16::from_f32(d).to_le_bytes());
                out.extend(block.iter().map(|&x| (x * id).round() as i8 as u8));
            }
        }
        GgmlType::Q4_0 => {
            for block in values.chunks_exact(32) {
                let m = block
                    .iter()
                    .fold(0.0f32, |m, &x| if x.abs() > m.abs() { x } else { m });
                let d = m / -8.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                let q = |x: f32| ((x * id + 8.5) as i8).min(15) as u8;
                out.extend(f16::from_f32(d).to_le_bytes());
                out.extend((0..16).map(|j| q(block[j]) | (q(block[j + 16]) << 4)));
            }
        }
        GgmlType::Q4_1 => {
            for block in values.chunks_exact(32) {
                let min = block.iter().copied().fold(f32::INFINITY, f32::min);
                let max = block.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let d = (max - min) / 15.0;
                let id = if d != 0.0 { 1.0 / d } else { 0.0 };
                let q = |x: f32| (((x - min) * id + 0.5) as i8).min(15) as u8;
                out.extend(f16::from_f32(d).to_le_bytes());
                out.extend(f16::from_f32(min).to_le_bytes());
                out.extend((0..16).map(|j| q(block[j]) | (q(block[j + 16]) << 4)));
            }
        }
        GgmlType::Q4K | GgmlType::Q6K => {
            return Err(format!(
                "quantizing to {ty:?} is not supported (Q8_0, Q4_0, Q4_1 are)"
            ))
        }
    }
    Ok(out)
}

/// The 6-bit scale and min of sub-block `j` of a Q4_K block (ggml's `get_scale_min_k4`).
fn scale_min_k4(j: usize, q: &[u8]) -> (u8, u8) {
    if j < 4 {
        (q[j] & 63, q[j + 4] & 63)
    } else {
        (
            (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4),
            (q[j + 4] >> 4) | ((q[j] >> 6) << 4),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_built_blocks() {
        // Q4_0: d = 0.5, nibbles 0..15 → (q − 8) · 0.5.
        let mut b = f16::from_f32(0.5).to_le_bytes().to_vec();
        b.extend((0..16u8).map(|i| i | ((15 - i) << 4)));
        let y = dequantize(GgmlType::Q4_0, &b, 32).expect("q4_0");
        assert_eq!(y[0], -4.0);
        assert_eq!(y[15], 3.5);
        assert_eq!(y[16], 3.5);
        assert_eq!(y[31], -4.0);
        // Q4_1: d = 2, m = −1.
        let mut b = f16::from_f32(2.0).to_le_bytes().to_vec();
        b.extend(f16::from_f32(-1.0).to_le_bytes());
        b.extend((0..16u8).map(|i| i | (1 << 4)));
        let y = dequantize(GgmlType::Q4_1, &b, 32).expect("q4_1");
        assert_eq!(y[3], 5.0);
        assert_eq!(y[20], 1.0);
        // Q8_0: d = 0.25, q = −128..
        let mut b = f16::from_f32(0.25).to_le_bytes().to_vec();
        b.extend((0..32i32).map(|i| ((i * 8 - 128) as i8) as u8));
        let y = dequantize(GgmlType::Q8_0, &b, 32).expect("q8_0");
        assert_eq!(y[0], -32.0);
        assert_eq!(y[31], (31.0 * 8.0 - 128.0) * 0.25);
        // Sizes are checked.
        assert!(dequantize(GgmlType::Q8_0, &b[..33], 32).is_err());
        assert!(dequantize(GgmlType::Q4K, &[0; 144], 255).is_err());
    }
}
