//! CPU backend: matrix products through the `gemm` crate (candle's CPU matmul, AVX2/AVX-512/NEON
//! kernels, multithreaded on rayon's pool). This module is the only place in the crate with
//! `unsafe`: gemm takes raw pointers, and every view is bounds-checked before the call.
#![allow(unsafe_code)]

use super::{Backend, MatRef};
use gemm::Parallelism;

/// Products smaller than this many multiply-adds run on one thread: spawning costs more.
const PARALLEL_MIN_FLOPS: usize = 1 << 18;

#[derive(Debug, Clone, Default)]
pub struct CpuBackend {
    /// Worker threads for large products; 0 = rayon's global pool size.
    pub threads: usize,
}

impl CpuBackend {
    pub fn new(threads: usize) -> Self {
        CpuBackend { threads }
    }
}

impl Backend for CpuBackend {
    fn matmul(&self, c: &mut [f32], a: MatRef<'_>, b: MatRef<'_>, accumulate: bool) {
        self.matmul_scaled(c, a, b, 1.0, accumulate)
    }

    fn matmul_scaled(
        &self,
        c: &mut [f32],
        a: MatRef<'_>,
        b: MatRef<'_>,
        scale: f32,
        accumulate: bool,
    ) {
        let (m, k, n) = (a.rows, a.cols, b.cols);
        assert_eq!(
            k, b.rows,
            "matmul: inner dimensions differ ({m}x{k} · {}x{n})",
            b.rows
        );
        assert!(c.len() >= m * n, "matmul: output too small");
        assert!(a.extent() <= a.data.len(), "matmul: lhs view out of bounds");
        assert!(b.extent() <= b.data.len(), "matmul: rhs view out of bounds");
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            if !accumulate {
                c[..m * n].fill(0.0);
            }
            return;
        }
        let parallelism = if m * n * k >= PARALLEL_MIN_FLOPS && self.threads != 1 {
            Parallelism::Rayon(self.threads)
        } else {
            Parallelism::None
        };
        // SAFETY: the three views were checked above to lie inside their slices (extent ≤ len,
        // c holds m·n elements); `c` is borrowed mutably so it cannot alias `a` or `b`.
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                c.as_mut_ptr(),
                1,
                n as isize,
                accumulate,
                a.data.as_ptr().add(a.offset),
                a.col_stride as isize,
                a.row_stride as isize,
                b.data.as_ptr().add(b.offset),
                b.col_stride as isize,
                b.row_stride as isize,
                1.0,
                scale,
                false,
                false,
                false,
                parallelism,
            );
        }
    }

    fn name(&self) -> &'static str {
        "cpu"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: MatRef<'_>, b: MatRef<'_>) -> Vec<f32> {
        let mut c = vec![0.0; a.rows * b.cols];
        for i in 0..a.rows {
            for j in 0..b.cols {
                let mut s = 0.0;
                for p in 0..a.cols {
                    s += a.data[a.offset + i * a.row_stride + p * a.col_stride]
                        * b.data[b.offset + p * b.row_stride + j * b.col_stride];
                }
                c[i * b.cols + j] = s;
            }
        }
        c
    }

    #[test]
    fn strided_products_match_a_naive_loop() {
        let a: Vec<f32> = (0..7 * 5).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..5 * 9).map(|i| (i as f32 * 0.11).cos()).collect();
        let be = CpuBackend::new(1);
        let am = MatRef::new(&a, 7, 5);
        let bm = MatRef::new(&b, 5, 9);
        let mut c = vec![1.0; 63];
        be.matmul(&mut c, am, bm, false);
        let want = naive(am, bm);
        for (x, y) in c.iter().zip(&want) {
            assert!((x - y).abs() < 1e-5);
        }
        // Transposed and column-sliced views, accumulated and scaled.
        let bt: Vec<f32> = (0..9 * 5).map(|i| (i as f32 * 0.23).sin()).collect();
        let btm = MatRef::new(&bt, 9, 5).t(); // 5 x 9
        let asl = MatRef::new(&a, 7, 5).cols_range(1, 3); // 7 x 3
        let bsl = btm.rows_range(2, 3); // 3 x 9
        let mut c2 = naive(asl, bsl);
        be.matmul_scaled(&mut c2, asl, bsl, 2.0, true);
        let want = naive(asl, bsl);
        for (x, y) in c2.iter().zip(&want) {
            assert!((x - 3.0 * y).abs() < 1e-4);
        }
    }
}
