//! Preallocated buffers for the forward, backward and double-backward passes.
//!
//! # Layout
//!
//! Every buffer is an `n_k × batch` [`DMatrix`] (nalgebra is column-major),
//! so **one column is one sample** and each sample's `n_k` values are
//! contiguous. A batch of inputs is therefore just a flat slice
//! `[x₀₀, x₀₁, …, x₀(in−1), x₁₀, …]` (sample-major), and the output of the
//! last layer (`1 × batch`) is a plain slice with one scalar per sample.
//! A layer is then a single matrix product `Z = W A + b 1ᵀ` on the whole batch.
//!
//! The backward passes need `Wᵀ` and `Aᵀ`. The product kernel reads `Aᵀ`
//! in place (it only broadcasts single elements of its right operand, see
//! `linalg`), but wants its left operand column-major, so `Wᵀ` is copied
//! into a small preallocated buffer (`w_t`): `n_{k−1} · n_k` elements, far
//! less than the product it feeds.
//!
//! Buffers are indexed by node `k ∈ 0..=L` like the math: `a[0]` is the
//! input, `z[L]` the output; `z[0]` and `a[L]` exist but are unused, so
//! indices never need shifting.
//!
//! Nothing is allocated while the batch size stays the same; a different
//! batch size reallocates every buffer once.

use nalgebra::{DMatrix, RealField};

/// Scratch space for one network shape and one batch size.
#[derive(Clone, Debug)]
pub struct Workspace<T: RealField + Copy> {
    sizes: Vec<usize>,
    batch: usize,
    /// `a_k = f(z_k)`; `a[0] = x`.
    pub(crate) a: Vec<DMatrix<T>>,
    /// `z_k = W_k a_{k−1} + b_k`; `z[L]` is the output.
    pub(crate) z: Vec<DMatrix<T>>,
    /// Adjoints `∂L/∂z_k` (`k ≥ 1`); `adj[0]` is `∂L/∂x`.
    pub(crate) adj: Vec<DMatrix<T>>,
    /// Forward-mode tangents `ż_k` (double backward).
    pub(crate) z_dot: Vec<DMatrix<T>>,
    /// Forward-mode tangents `ȧ_k`; `a_dot[0]` is the seed direction.
    pub(crate) a_dot: Vec<DMatrix<T>>,
    /// Adjoints of the tangents, `∂Q/∂ż_k` (double backward).
    pub(crate) z_dot_adj: Vec<DMatrix<T>>,
    /// `W_kᵀ` copies (`n_{k−1} × n_k`; `w_t[0]` is empty), refreshed by
    /// every backward pass.
    pub(crate) w_t: Vec<DMatrix<T>>,
    /// A projection head's embedding of each sample's class (`n_{L−1} ×
    /// batch`; empty without a head), filled by the forward pass.
    pub(crate) proj: DMatrix<T>,
    /// Each sample's class (empty without a projection head).
    pub(crate) classes: Vec<usize>,
}

impl<T: RealField + Copy> Workspace<T> {
    /// Buffers for a network with these sizes and `batch` samples.
    pub fn new(sizes: &[usize], batch: usize) -> Self {
        let bufs =
            || -> Vec<DMatrix<T>> { sizes.iter().map(|&n| DMatrix::zeros(n, batch)).collect() };
        Workspace {
            sizes: sizes.to_vec(),
            batch,
            a: bufs(),
            z: bufs(),
            adj: bufs(),
            z_dot: bufs(),
            a_dot: bufs(),
            z_dot_adj: bufs(),
            w_t: (0..sizes.len())
                .map(|k| match k {
                    0 => DMatrix::zeros(0, 0),
                    _ => DMatrix::zeros(sizes[k - 1], sizes[k]),
                })
                .collect(),
            proj: DMatrix::zeros(0, 0),
            classes: Vec::new(),
        }
    }

    /// The batch size the buffers currently hold.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The network's output for the last forward pass (one scalar per sample).
    pub fn output(&self) -> &[T] {
        self.z[self.sizes.len() - 1].as_slice()
    }

    /// Makes the buffers fit `batch` samples of a network with `sizes`.
    /// Allocates only when the batch size changes.
    ///
    /// # Panics
    /// If the workspace was built for a network of other sizes.
    pub(crate) fn fit(&mut self, sizes: &[usize], batch: usize) {
        assert_eq!(
            self.sizes, sizes,
            "workspace was built for a network of other layer sizes"
        );
        if batch != self.batch {
            *self = Workspace::new(sizes, batch);
        }
    }

    /// Panics unless the buffers hold a batch of `batch` samples for `sizes`
    /// (the backward passes reuse what the last forward pass stored).
    pub(crate) fn check(&self, sizes: &[usize], batch: usize) {
        assert_eq!(
            self.sizes, sizes,
            "workspace was built for a network of other layer sizes"
        );
        assert_eq!(
            self.batch, batch,
            "batch size differs from the last forward pass on this workspace"
        );
    }
}
