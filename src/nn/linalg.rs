//! The one matrix product the passes use, guaranteed not to allocate.
//!
//! nalgebra's `Matrix::gemm` hands products whose four dimensions all exceed
//! 5 to `matrixmultiply`, which allocates a packing buffer on **every call**
//! (matrixmultiply 0.3, `make_packing_buffer`). A 32-wide layer on a batch of
//! 64 would then allocate in every forward pass. Below that size nalgebra
//! itself computes the product one column at a time with `gemv`; we do the
//! same at every size, so a pass never touches the heap.
//!
//! `gemv` is an `axpy` over the columns of `a`: for column-major storage
//! each inner loop runs over contiguous memory and vectorises, which is the
//! right shape for the narrow layers (tens of units) this crate trains.

use nalgebra::{DMatrix, RealField};

/// `c ← α a b + β c`, column by column (`c[:, j] = α a b[:, j] + β c[:, j]`).
///
/// # Panics
/// If the shapes do not match (`a: m × k`, `b: k × n`, `c: m × n`).
pub(crate) fn gemm_into<T: RealField + Copy>(
    c: &mut DMatrix<T>,
    alpha: T,
    a: &DMatrix<T>,
    b: &DMatrix<T>,
    beta: T,
) {
    assert_eq!(
        (c.nrows(), c.ncols(), a.ncols()),
        (a.nrows(), b.ncols(), b.nrows()),
        "gemm_into: shape mismatch"
    );
    for (mut c_col, b_col) in c.column_iter_mut().zip(b.column_iter()) {
        c_col.gemv(alpha, a, &b_col, beta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_allocating_product_above_nalgebras_threshold() {
        // 9 × 7 times 7 × 8: large enough for nalgebra to use matrixmultiply.
        let a = DMatrix::from_fn(9, 7, |i, j| (i as f64 - 2.0 * j as f64).sin());
        let b = DMatrix::from_fn(7, 8, |i, j| (3.0 * i as f64 + j as f64).cos());
        let c0 = DMatrix::from_fn(9, 8, |i, j| (i * j) as f64 * 0.1);
        let mut c = c0.clone();
        gemm_into(&mut c, 2.0, &a, &b, 0.5);
        let want = &a * &b * 2.0 + &c0 * 0.5;
        assert!((c - want).norm() < 1e-12);
    }
}
