//! The matrix products the passes use: allocation-free, vectorised for `f32`,
//! and split over threads when a product is large enough to pay for it.
//!
//! Every product of the passes has the shape
//!
//! ```text
//! C ← α A B + β C        A: m × k column-major, C: m × n column-major,
//!                        B: k × n with any strides (B or a transposed view)
//! ```
//!
//! because `A` is always a weight matrix (or its transposed copy) or an
//! adjoint buffer, both column-major, while `B` is an activation buffer read
//! either as is (forward, `W A`) or transposed (weight gradient, `Δ Aᵀ`).
//! The `f32` kernel only ever *broadcasts* single elements of `B`, so a
//! transposed `B` needs no transposed copy (large products copy it one
//! small panel at a time, see below).
//!
//! # The `f32` kernel (x86-64 with AVX2 and FMA, detected at run time)
//!
//! A register-blocked micro-kernel in the style of BLIS: a 16 × 6 tile of
//! `C` lives in twelve 8-wide registers while `p` runs over the shared
//! dimension; each step loads 16 contiguous elements of `A`'s column `p`,
//! broadcasts six elements of `B`'s row `p` and issues twelve fused
//! multiply-adds. Edge tiles use masked loads and stores with the same
//! arithmetic, so every element of `C` is computed by the same sequence of
//! operations wherever the tile boundaries fall. The shared dimension is
//! cut into blocks of `KC` so that a tile's slices of `A` and `B` stay in
//! cache for long products (the weight gradient at a large batch).
//!
//! Large products copy each `MC × KC` block of `A` into micro-panels of 16
//! rows laid out one after the other (on the stack: nothing allocates), and
//! a transposed `B` one `KC × 6` panel at a time: read in place, both would
//! come from lines a kilobyte apart that share a handful of L1 sets. The
//! copies move values, not arithmetic, so they change no bit.
//!
//! Products with one row (the layers with one output) have their own loops:
//! dot products down `B`'s columns, or sums of `B`'s rows, 8 lanes wide.
//!
//! # Files
//!
//! - [`reference`] — the readable product, the definition the others are
//!   tested against; the `f64` networks and processors without AVX2/FMA use it.
//! - `x86` — the AVX2/FMA kernel (below).
//! - [`threads`] — one block per thread for large products and passes.
//!
//! [`run_one`] is the one place that picks the kernel. Nothing here
//! allocates.

use std::any::TypeId;

use nalgebra::{DMatrix, RealField};

pub(crate) mod reference;
pub(crate) mod threads;
#[cfg(target_arch = "x86_64")]
mod x86;

/// Block of the shared dimension kept in cache by the `f32` kernel.
pub(crate) const KC: usize = 256;

/// The kernel's tile of `C`: rows (two 8-wide vectors) and columns. The
/// thread split cuts at tile boundaries, so that every tile is computed by
/// the same sequence of operations however the product is split.
pub(crate) const MR: usize = 16;
pub(crate) const NR: usize = 6;

use threads::PARALLEL_MACS;
pub(crate) use threads::{PARALLEL_ELEMS, split_pairs};

/// `c ← α a b + β c` (`a: m × k`, `b: k × n`, `c: m × n`).
///
/// With `β = 0` the old contents of `c` are ignored (not multiplied), as in
/// BLAS, so a buffer holding non-finite garbage is simply overwritten.
///
/// # Panics
/// If the shapes do not match.
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
    let (m, n, k) = (c.nrows(), c.ncols(), a.ncols());
    let b = Strided {
        data: b.as_slice(),
        rs: 1,
        cs: k,
    };
    gemm(m, n, k, alpha, a.as_slice(), b, beta, c.as_mut_slice());
}

/// `c ← α a bᵀ + β c` (`a: m × k`, `b: n × k`, `c: m × n`), reading `b`
/// transposed in place.
///
/// # Panics
/// If the shapes do not match.
pub(crate) fn gemm_nt_into<T: RealField + Copy>(
    c: &mut DMatrix<T>,
    alpha: T,
    a: &DMatrix<T>,
    b: &DMatrix<T>,
    beta: T,
) {
    assert_eq!(
        (c.nrows(), c.ncols(), a.ncols()),
        (a.nrows(), b.nrows(), b.ncols()),
        "gemm_nt_into: shape mismatch"
    );
    let (m, n, k) = (c.nrows(), c.ncols(), a.ncols());
    // bᵀ[p, j] = b[j, p] = b.data[j + p · n].
    let b = Strided {
        data: b.as_slice(),
        rs: n,
        cs: 1,
    };
    gemm(m, n, k, alpha, a.as_slice(), b, beta, c.as_mut_slice());
}

/// A read-only `k × n` operand: element `(p, j)` is `data[p · rs + j · cs]`.
#[derive(Clone, Copy)]
struct Strided<'a, T> {
    data: &'a [T],
    rs: usize,
    cs: usize,
}

/// `C ← α A B + β C` on raw storage: `a` is `m × k` column-major with
/// leading dimension `m`, `c` is `m × n` column-major with leading
/// dimension `m`.
#[allow(clippy::too_many_arguments)]
fn gemm<T: RealField + Copy>(
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    b: Strided<'_, T>,
    beta: T,
    c: &mut [T],
) {
    assert!(a.len() >= m * k && c.len() >= m * n, "gemm: short buffer");
    if m * n > 0 && k > 0 {
        let last = (k - 1) * b.rs + (n - 1) * b.cs;
        assert!(b.data.len() > last, "gemm: short B buffer");
    }
    if m == 0 || n == 0 {
        return;
    }
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        // SAFETY: T is f32 (checked just above), so these are the same types
        // with the same layout.
        let (a, bd, c, alpha, beta) = unsafe {
            (
                &*(a as *const [T] as *const [f32]),
                &*(b.data as *const [T] as *const [f32]),
                &mut *(c as *mut [T] as *mut [f32]),
                std::mem::transmute_copy::<T, f32>(&alpha),
                std::mem::transmute_copy::<T, f32>(&beta),
            )
        };
        let job = Job {
            m,
            n,
            k,
            alpha,
            a: a.as_ptr(),
            lda: m,
            b: bd.as_ptr(),
            rs: b.rs,
            cs: b.cs,
            beta,
            c: c.as_mut_ptr(),
            ldc: m,
        };
        // Asked only when it matters: the first call starts rayon's pool,
        // which the lessons' small products must not do.
        let parts = if job.large() {
            rayon::current_num_threads()
        } else {
            1
        };
        // SAFETY: the asserts above bound every index the job touches.
        unsafe { threads::run_split(job, parts) };
        return;
    }
    reference::gemm(m, n, k, alpha, a, m, b, beta, c, m);
}

/// One `f32` product on raw pointers (a sub-block of a larger one after a
/// split: `lda`/`ldc` keep the parent's leading dimensions).
#[derive(Clone, Copy)]
struct Job {
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: *const f32,
    lda: usize,
    b: *const f32,
    rs: usize,
    cs: usize,
    beta: f32,
    c: *mut f32,
    ldc: usize,
}

impl Job {
    /// Whether the product is worth splitting over threads: enough
    /// multiply-adds, or (the thin products with one input or one output
    /// per sample, bound by memory, where two threads draw more of it)
    /// enough elements read or written.
    fn large(&self) -> bool {
        let macs = self.m * self.n * self.k;
        let traffic = self.m * self.n + self.m * self.k + self.k * self.n;
        macs >= 2 * PARALLEL_MACS || traffic >= 4 * PARALLEL_ELEMS
    }
}

// SAFETY: a Job is only sent to another thread by `run_split`, which hands
// the two threads disjoint blocks of `c` and read-only views of `a` and `b`,
// and joins both before returning.
unsafe impl Send for Job {}

/// Runs `job` on this thread with the best kernel the processor has.
///
/// # Safety
/// As for [`run_split`].
unsafe fn run_one(job: Job) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the features are present; bounds are the caller's.
        unsafe { x86::sgemm(job) };
        return;
    }
    // SAFETY: bounds are the caller's; the slices cover exactly what the
    // job addresses.
    unsafe {
        let a = std::slice::from_raw_parts(job.a, (job.k - 1) * job.lda + job.m);
        let b_len = (job.k - 1) * job.rs + (job.n - 1) * job.cs + 1;
        let b = Strided {
            data: std::slice::from_raw_parts(job.b, b_len),
            rs: job.rs,
            cs: job.cs,
        };
        let c = std::slice::from_raw_parts_mut(job.c, (job.n - 1) * job.ldc + job.m);
        reference::gemm(
            job.m, job.n, job.k, job.alpha, a, job.lda, b, job.beta, c, job.ldc,
        );
    }
}

#[cfg(test)]
mod tests;
