//! The reference product: a readable column-by-column loop, the definition
//! every faster kernel is tested against (`tests`), and the product the
//! `f64` networks of the gradient checks and processors without AVX2/FMA
//! use. LLVM vectorises its inner loop over contiguous rows.

use nalgebra::RealField;

use super::Strided;

/// The reference product: column by column, `c[:, j] = β c[:, j] + α Σ_p
/// a[:, p] b[p, j]`, with the inner loop over contiguous rows.
#[allow(clippy::too_many_arguments)]
pub(super) fn gemm<T: RealField + Copy>(
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    lda: usize,
    b: Strided<'_, T>,
    beta: T,
    c: &mut [T],
    ldc: usize,
) {
    for j in 0..n {
        let col = &mut c[j * ldc..j * ldc + m];
        if beta == T::zero() {
            col.fill(T::zero());
        } else if beta != T::one() {
            for x in col.iter_mut() {
                *x *= beta;
            }
        }
        for p in 0..k {
            let s = alpha * b.data[p * b.rs + j * b.cs];
            if s == T::zero() {
                continue;
            }
            for (x, &w) in col.iter_mut().zip(&a[p * lda..p * lda + m]) {
                *x += w * s;
            }
        }
    }
}
