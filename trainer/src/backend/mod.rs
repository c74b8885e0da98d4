//! The compute backend. The model code is written once against [`Backend`]; the CPU backend is the
//! reference, and a CUDA backend (cuBLAS) slots in behind the same trait later.
//!
//! Matrices are strided views over `f32` slices, so transposes and per-head slices of a packed
//! `[tokens, heads * head_dim]` activation are free.

mod cpu;

pub use cpu::CpuBackend;

/// A read-only strided matrix view: element `(i, j)` is `data[offset + i * row_stride + j * col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a> {
    pub data: &'a [f32],
    pub offset: usize,
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> MatRef<'a> {
    /// A dense row-major `rows × cols` matrix.
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Self {
        MatRef {
            data,
            offset: 0,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose (no copy).
    pub fn t(self) -> Self {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// Columns `[start, start + n)` of a row-major matrix.
    pub fn cols_range(self, start: usize, n: usize) -> Self {
        MatRef {
            offset: self.offset + start * self.col_stride,
            cols: n,
            ..self
        }
    }

    /// Rows `[start, start + n)`.
    pub fn rows_range(self, start: usize, n: usize) -> Self {
        MatRef {
            offset: self.offset + start * self.row_stride,
            rows: n,
            ..self
        }
    }

    /// The last index touched plus one (0 for an empty view).
    pub(crate) fn extent(&self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            return 0;
        }
        self.offset + (self.rows - 1) * self.row_stride + (self.cols - 1) * self.col_stride + 1
    }
}

/// The operations the model needs from a device. Only the products live here today: they are
/// more than 90 % of a step; the element-wise ops are plain loops in `ops.rs` (the CUDA backend
/// will move them behind this trait as kernels).
pub trait Backend: Send + Sync {
    /// `c = a · b` (or `c += a · b` when `accumulate`), with `c` dense row-major `a.rows × b.cols`.
    fn matmul(&self, c: &mut [f32], a: MatRef<'_>, b: MatRef<'_>, accumulate: bool);

    /// `c (+)= scale · a · b`.
    fn matmul_scaled(
        &self,
        c: &mut [f32],
        a: MatRef<'_>,
        b: MatRef<'_>,
        scale: f32,
        accumulate: bool,
    );

    fn name(&self) -> &'static str;
}
