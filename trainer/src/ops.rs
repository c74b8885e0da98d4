//! Element-wise and row-wise ops of the decoder (RMSNorm, RoPE, SwiGLU, causal attention,
//! cross-entropy), forward and backward, on the CPU. Products go through the [`Backend`].

use rayon::prelude::*;

use crate::backend::{Backend, MatRef};

/// RMSNorm over rows of width `dim`: `out = x / rms(x) * w`. Returns 1/rms per row.
pub fn rmsnorm(x: &[f32], w: &[f32], dim: usize, eps: f32, out: &mut [f32]) -> Vec<f32> {
    let mut inv = vec![0.0f32; x.len() / dim];
    out.par_chunks_mut(dim)
        .zip(x.par_chunks(dim))
        .zip(inv.par_iter_mut())
        .for_each(|((o, xr), r)| {
            let ms = xr.iter().map(|v| v * v).sum::<f32>() / dim as f32;
            *r = 1.0 / (ms + eps).sqrt();
            for ((o, &xv), &wv) in o.iter_mut().zip(xr).zip(w) {
                *o = wv * (xv * *r);
            }
        });
    inv
}

/// RMSNorm backward (weight frozen): `dx += r · (dy·w − x̂ · mean(dy·w · x̂))`.
pub fn rmsnorm_backward(x: &[f32], w: &[f32], inv: &[f32], dim: usize, dy: &[f32], dx: &mut [f32]) {
    dx.par_chunks_mut(dim)
        .zip(x.par_chunks(dim))
        .zip(dy.par_chunks(dim))
        .zip(inv.par_iter())
        .for_each(|(((dxr, xr), dyr), &r)| {
            let mut dot = 0.0f32;
            for i in 0..dim {
                dot += dyr[i] * w[i] * xr[i] * r;
            }
            let mean = dot / dim as f32;
            for i in 0..dim {
                dxr[i] += r * (dyr[i] * w[i] - xr[i] * r * mean);
            }
        });
}

/// RoPE tables (HF layout: rotate_half over the two halves of each head): `[positions, dim/2]`.
pub struct Rope {
    pub half: usize,
    pub cos: Vec<f32>,
    pub sin: Vec<f32>,
}

impl Rope {
    pub fn new(head_dim: usize, theta: f64, max_pos: usize) -> Self {
        let half = head_dim / 2;
        let mut cos = vec![0.0; max_pos * half];
        let mut sin = vec![0.0; max_pos * half];
        for i in 0..half {
            // As transformers: inv_freq in f32, angle = f32(pos) * inv_freq in f32.
            let inv_freq = (1.0 / theta.powf(2.0 * i as f64 / head_dim as f64)) as f32;
            for p in 0..max_pos {
                let angle = (p as f32 * inv_freq) as f64;
                cos[p * half + i] = angle.cos() as f32;
                sin[p * half + i] = angle.sin() as f32;
            }
        }
        Rope { half, cos, sin }
    }

    /// Rotates every head of `x` (`[rows, heads * 2·half]`) by its row's position; `inverse`
    /// applies the transpose (the backward pass).
    pub fn apply(&self, x: &mut [f32], heads: usize, positions: &[usize], inverse: bool) {
        let hd = 2 * self.half;
        let sign = if inverse { -1.0 } else { 1.0 };
        x.par_chunks_mut(heads * hd)
            .zip(positions.par_iter())
            .for_each(|(row, &p)| {
                let c = &self.cos[p * self.half..(p + 1) * self.half];
                let s = &self.sin[p * self.half..(p + 1) * self.half];
                for head in row.chunks_mut(hd) {
                    let (a, b) = head.split_at_mut(self.half);
                    for i in 0..self.half {
                        let (x1, x2) = (a[i], b[i]);
                        let si = sign * s[i];
                        a[i] = x1 * c[i] - x2 * si;
                        b[i] = x2 * c[i] + x1 * si;
                    }
                }
            });
    }
}

fn silu(x: f32) -> f32 {
    x / (1.0 + (-x).exp())
}

/// `m = silu(g) · u`.
pub fn swiglu(g: &[f32], u: &[f32]) -> Vec<f32> {
    g.par_iter()
        .zip(u.par_iter())
        .map(|(&g, &u)| silu(g) * u)
        .collect()
}

/// SwiGLU backward: returns (dg, du).
pub fn swiglu_backward(g: &[f32], u: &[f32], dm: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let mut dg = vec![0.0; g.len()];
    let mut du = vec![0.0; g.len()];
    dg.par_iter_mut()
        .zip(du.par_iter_mut())
        .enumerate()
        .for_each(|(i, (dgi, dui))| {
            let s = 1.0 / (1.0 + (-g[i]).exp());
            *dui = dm[i] * g[i] * s;
            *dgi = dm[i] * u[i] * s * (1.0 + g[i] * (1.0 - s));
        });
    (dg, du)
}

/// Shapes of one attention call: `batch` sequences of `seq` tokens, GQA heads.
#[derive(Clone, Copy, Debug)]
pub struct AttnShape {
    pub batch: usize,
    pub seq: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
}

impl AttnShape {
    fn head_view<'a>(&self, x: &'a [f32], heads: usize, b: usize, h: usize) -> MatRef<'a> {
        MatRef {
            data: x,
            offset: b * self.seq * heads * self.head_dim + h * self.head_dim,
            rows: self.seq,
            cols: self.head_dim,
            row_stride: heads * self.head_dim,
            col_stride: 1,
        }
    }
}

/// The keys query `i` of row `b` sees: from its example's first token (`starts`, see
/// `Batch::starts`; empty = the row's first token) to itself.
fn visible(starts: &[usize], t: usize, b: usize, i: usize) -> std::ops::RangeInclusive<usize> {
    starts.get(b * t + i).copied().unwrap_or(0)..=i
}

/// Causal softmax attention, block-diagonal over the examples packed in a row (`starts`).
/// `q`: `[B·T, H·hd]`, `k`, `v`: `[B·T, KV·hd]`. Returns the output `[B·T, H·hd]` and the
/// probabilities (one `T×T` matrix per sequence and head, zero outside what each query sees).
pub fn attention(
    be: &dyn Backend,
    s: AttnShape,
    starts: &[usize],
    q: &[f32],
    k: &[f32],
    v: &[f32],
) -> (Vec<f32>, Vec<Vec<f32>>) {
    let (t, hd) = (s.seq, s.head_dim);
    let group = s.heads / s.kv_heads;
    let scale = 1.0 / (hd as f32).sqrt();
    let per_head: Vec<(Vec<f32>, Vec<f32>)> = (0..s.batch * s.heads)
        .into_par_iter()
        .map(|bh| {
            let (b, h) = (bh / s.heads, bh % s.heads);
            let qv = s.head_view(q, s.heads, b, h);
            let kv = s.head_view(k, s.kv_heads, b, h / group);
            let vv = s.head_view(v, s.kv_heads, b, h / group);
            let mut p = vec![0.0f32; t * t];
            be.matmul_scaled(&mut p, qv, kv.t(), scale, false);
            for i in 0..t {
                let row = &mut p[i * t..(i + 1) * t];
                let seen = visible(starts, t, b, i);
                let lo = *seen.start();
                let max = row[seen.clone()]
                    .iter()
                    .copied()
                    .fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for x in &mut row[seen.clone()] {
                    *x = (*x - max).exp();
                    sum += *x;
                }
                for x in &mut row[seen] {
                    *x /= sum;
                }
                row[..lo].fill(0.0);
                row[i + 1..].fill(0.0);
            }
            let mut o = vec![0.0f32; t * hd];
            be.matmul(&mut o, MatRef::new(&p, t, t), vv, false);
            (p, o)
        })
        .collect();
    let width = s.heads * hd;
    let mut out = vec![0.0f32; s.batch * t * width];
    let mut probs = Vec::with_capacity(per_head.len());
    for (bh, (p, o)) in per_head.into_iter().enumerate() {
        let (b, h) = (bh / s.heads, bh % s.heads);
        for i in 0..t {
            let dst = (b * t + i) * width + h * hd;
            out[dst..dst + hd].copy_from_slice(&o[i * hd..(i + 1) * hd]);
        }
        probs.push(p);
    }
    (out, probs)
}

/// Attention backward: returns (dq, dk, dv) in the layouts of q, k, v.
#[allow(clippy::too_many_arguments)]
pub fn attention_backward(
    be: &dyn Backend,
    s: AttnShape,
    starts: &[usize],
    q: &[f32],
    k: &[f32],
    v: &[f32],
    probs: &[Vec<f32>],
    dout: &[f32],
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (t, hd) = (s.seq, s.head_dim);
    let group = s.heads / s.kv_heads;
    let scale = 1.0 / (hd as f32).sqrt();
    let per_head: Vec<[Vec<f32>; 3]> = (0..s.batch * s.heads)
        .into_par_iter()
        .map(|bh| {
            let (b, h) = (bh / s.heads, bh % s.heads);
            let p = MatRef::new(&probs[bh], t, t);
            let qv = s.head_view(q, s.heads, b, h);
            let kv = s.head_view(k, s.kv_heads, b, h / group);
            let vv = s.head_view(v, s.kv_heads, b, h / group);
            let dov = s.head_view(dout, s.heads, b, h);
            let mut dv = vec![0.0f32; t * hd];
            be.matmul(&mut dv, p.t(), dov, false);
            let mut ds = vec![0.0f32; t * t];
            be.matmul(&mut ds, dov, vv.t(), false);
            let pr = &probs[bh];
            for i in 0..t {
                let row = &mut ds[i * t..(i + 1) * t];
                let prow = &pr[i * t..(i + 1) * t];
                let seen = visible(starts, t, b, i);
                let lo = *seen.start();
                let dot: f32 = row[seen.clone()]
                    .iter()
                    .zip(&prow[seen.clone()])
                    .map(|(a, b)| a * b)
                    .sum();
                for j in seen {
                    row[j] = prow[j] * (row[j] - dot) * scale;
                }
                row[..lo].fill(0.0);
                row[i + 1..].fill(0.0);
            }
            let dsm = MatRef::new(&ds, t, t);
            let mut dq = vec![0.0f32; t * hd];
            be.matmul(&mut dq, dsm, kv, false);
            let mut dk = vec![0.0f32; t * hd];
            be.matmul(&mut dk, dsm.t(), qv, false);
            [dq, dk, dv]
        })
        .collect();
    let (qw, kw) = (s.heads * hd, s.kv_heads * hd);
    let mut dq = vec![0.0f32; s.batch * t * qw];
    let mut dk = vec![0.0f32; s.batch * t * kw];
    let mut dv = vec![0.0f32; s.batch * t * kw];
    for (bh, [hq, hk, hv]) in per_head.into_iter().enumerate() {
        let (b, h) = (bh / s.heads, bh % s.heads);
        let kh = h / group;
        for i in 0..t {
            let src = i * hd..(i + 1) * hd;
            let qd = (b * t + i) * qw + h * hd;
            dq[qd..qd + hd].copy_from_slice(&hq[src.clone()]);
            let kd = (b * t + i) * kw + kh * hd;
            for (d, x) in dk[kd..kd + hd].iter_mut().zip(&hk[src.clone()]) {
                *d += x;
            }
            for (d, x) in dv[kd..kd + hd].iter_mut().zip(&hv[src]) {
                *d += x;
            }
        }
    }
    (dq, dk, dv)
}

/// Softmax cross-entropy over rows of `logits` (`[rows, vocab]`). `targets[r]` is the class of
/// row r (or None) and `weights[r]` its weight in the loss. Returns Σ weight · nll; when `grad`,
/// `logits` is overwritten with d loss / d logits (rows without a target become 0).
pub fn cross_entropy(
    logits: &mut [f32],
    vocab: usize,
    targets: &[Option<u32>],
    weights: &[f32],
    grad: bool,
) -> f64 {
    logits
        .par_chunks_mut(vocab)
        .zip(targets.par_iter().zip(weights.par_iter()))
        .map(|(row, (&t, &w))| {
            let Some(t) = t else {
                if grad {
                    row.fill(0.0);
                }
                return 0.0;
            };
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            // exp in f32 (as PyTorch does), accumulated in f64.
            let sum: f64 = row.iter().map(|&x| f64::from((x - max).exp())).sum();
            let lse = max as f64 + sum.ln();
            let nll = lse - row[t as usize] as f64;
            if grad {
                let scale = w / sum as f32;
                for x in row.iter_mut() {
                    *x = (*x - max).exp() * scale;
                }
                row[t as usize] -= w;
            }
            w as f64 * nll
        })
        .sum()
}
