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
//! transposed `B` costs nothing extra and needs no copy.
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
//! cut into blocks of [`KC`] so that a tile's slices of `A` and `B` stay in
//! cache for long products (the weight gradient at a large batch).
//!
//! # Threads
//!
//! Products of at least [`PARALLEL_MACS`] multiply-adds are split in two
//! halves along `n` or `m` (at tile boundaries, never along `k`) with
//! `rayon::join`, recursively, while each half stays above the threshold.
//! Because no split cuts the sum over `k`, every element is computed exactly
//! as in the single-threaded product: results do not depend on the number of
//! threads. The narrow networks of the lessons never reach the threshold and
//! run on the calling thread.
//!
//! Other scalar types (the `f64` networks of the gradient checks) and
//! processors without AVX2/FMA take a portable loop that LLVM vectorises.
//! Nothing here allocates.

use std::any::TypeId;

use nalgebra::{DMatrix, RealField};

/// Block of the shared dimension kept in cache by the `f32` kernel.
pub(crate) const KC: usize = 256;

/// Products with at least this many multiply-adds are split over threads.
pub(crate) const PARALLEL_MACS: usize = 1 << 22;

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
        // SAFETY: the asserts above bound every index the job touches.
        unsafe { run_split(job) };
        return;
    }
    portable(m, n, k, alpha, a, m, b, beta, c, m);
}

/// The portable product: column by column, `c[:, j] = β c[:, j] + α Σ_p
/// a[:, p] b[p, j]`, with the inner loop over contiguous rows.
#[allow(clippy::too_many_arguments)]
fn portable<T: RealField + Copy>(
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

// SAFETY: a Job is only sent to another thread by `run_split`, which hands
// the two threads disjoint blocks of `c` and read-only views of `a` and `b`,
// and joins both before returning.
unsafe impl Send for Job {}

/// Tile sizes of the kernel: rows (two 8-wide vectors) and columns.
const MR: usize = 16;
const NR: usize = 6;

/// Runs `job`, split over rayon's threads when it is large.
///
/// # Safety
/// Every element the job addresses must be in bounds, and `c`'s block must
/// not be read or written by anyone else meanwhile.
unsafe fn run_split(job: Job) {
    let macs = job.m * job.n * job.k;
    if macs >= 2 * PARALLEL_MACS && rayon::current_num_threads() > 1 {
        // Split the larger of n and m at a tile boundary.
        if job.n >= job.m && job.n >= 2 * NR {
            let n1 = (job.n / 2).next_multiple_of(NR).min(job.n - 1);
            let mut left = job;
            left.n = n1;
            let mut right = job;
            right.n = job.n - n1;
            // SAFETY: column j of B starts at b + j·cs, of C at c + j·ldc.
            unsafe {
                right.b = job.b.add(n1 * job.cs);
                right.c = job.c.add(n1 * job.ldc);
            }
            rayon::join(
                move || unsafe { run_split(left) },
                move || unsafe { run_split(right) },
            );
            return;
        }
        if job.m >= 2 * MR {
            let m1 = (job.m / 2).next_multiple_of(MR).min(job.m - 1);
            let mut top = job;
            top.m = m1;
            let mut bottom = job;
            bottom.m = job.m - m1;
            // SAFETY: row i of A and of C starts at offset i (column-major).
            unsafe {
                bottom.a = job.a.add(m1);
                bottom.c = job.c.add(m1);
            }
            rayon::join(
                move || unsafe { run_split(top) },
                move || unsafe { run_split(bottom) },
            );
            return;
        }
    }
    // SAFETY: forwarded from the caller.
    unsafe { run_one(job) }
}

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
        portable(
            job.m, job.n, job.k, job.alpha, a, job.lda, b, job.beta, c, job.ldc,
        );
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! The AVX2/FMA micro-kernel; see the [module docs](super).

    use std::arch::x86_64::*;

    use super::{Job, KC, MR, NR};

    /// Lane masks for a vector holding the first `r` rows (`r = 1..=8`).
    static MASKS: [[i32; 8]; 9] = {
        let mut t = [[0i32; 8]; 9];
        let mut r = 0;
        while r <= 8 {
            let mut l = 0;
            while l < r {
                t[r][l] = -1;
                l += 1;
            }
            r += 1;
        }
        t
    };

    /// The whole product, tile by tile, one `KC` block of `k` at a time.
    ///
    /// # Safety
    /// AVX2 and FMA must be available; every addressed element in bounds.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn sgemm(job: Job) {
        let mut p0 = 0;
        loop {
            let kc = (job.k - p0).min(KC);
            // The first block applies β; later blocks add to what is there.
            let beta = if p0 == 0 { job.beta } else { 1.0 };
            let mut j = 0;
            while j < job.n {
                let nr = (job.n - j).min(NR);
                let mut i = 0;
                while i < job.m {
                    let mr = (job.m - i).min(MR);
                    // SAFETY: the tile lies inside the job's block.
                    unsafe {
                        let a = job.a.add(i + p0 * job.lda);
                        let b = job.b.add(p0 * job.rs + j * job.cs);
                        let c = job.c.add(i + j * job.ldc);
                        let t = Tile {
                            kc,
                            alpha: job.alpha,
                            a,
                            lda: job.lda,
                            b,
                            rs: job.rs,
                            cs: job.cs,
                            beta,
                            c,
                            ldc: job.ldc,
                            mr,
                        };
                        match (nr, mr == MR) {
                            (6, true) => tile::<6, true>(t),
                            (6, false) => tile::<6, false>(t),
                            (5, true) => tile::<5, true>(t),
                            (5, false) => tile::<5, false>(t),
                            (4, true) => tile::<4, true>(t),
                            (4, false) => tile::<4, false>(t),
                            (3, true) => tile::<3, true>(t),
                            (3, false) => tile::<3, false>(t),
                            (2, true) => tile::<2, true>(t),
                            (2, false) => tile::<2, false>(t),
                            (_, true) => tile::<1, true>(t),
                            (_, false) => tile::<1, false>(t),
                        }
                    }
                    i += MR;
                }
                j += NR;
            }
            p0 += kc;
            if p0 >= job.k {
                break;
            }
        }
    }

    /// One `mr × N` tile (`mr ≤ 16`) over one block of `kc` of the shared
    /// dimension.
    #[derive(Clone, Copy)]
    struct Tile {
        kc: usize,
        alpha: f32,
        a: *const f32,
        lda: usize,
        b: *const f32,
        rs: usize,
        cs: usize,
        beta: f32,
        c: *mut f32,
        ldc: usize,
        mr: usize,
    }

    /// `C[tile] ← α Σ_p A[:, p] B[p, :] + β C[tile]`.
    ///
    /// # Safety
    /// AVX2 and FMA must be available; every addressed element in bounds
    /// (the masks keep rows `≥ mr` untouched).
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    #[allow(clippy::needless_range_loop)] // j indexes three arrays and a pointer
    unsafe fn tile<const N: usize, const FULL: bool>(t: Tile) {
        // SAFETY (whole body): loads/stores are masked to the tile's rows
        // (all 16 when FULL), columns stop at N, p stops at kc. Pointers move
        // with wrapping arithmetic so that a masked-off row past the end of
        // `a` is never formed as an in-bounds pointer.
        unsafe {
            let (m0, m1) = if FULL {
                (_mm256_set1_epi32(-1), _mm256_set1_epi32(-1))
            } else {
                (
                    _mm256_loadu_si256(MASKS[t.mr.min(8)].as_ptr().cast()),
                    _mm256_loadu_si256(MASKS[t.mr.saturating_sub(8)].as_ptr().cast()),
                )
            };
            let mut off = [0usize; N];
            for j in 0..N {
                off[j] = j.wrapping_mul(t.cs);
            }
            let mut acc0 = [_mm256_setzero_ps(); N];
            let mut acc1 = [_mm256_setzero_ps(); N];
            let mut ap = t.a;
            let mut bp = t.b;
            for _ in 0..t.kc {
                let (a0, a1) = if FULL {
                    (_mm256_loadu_ps(ap), _mm256_loadu_ps(ap.wrapping_add(8)))
                } else {
                    (
                        _mm256_maskload_ps(ap, m0),
                        _mm256_maskload_ps(ap.wrapping_add(8), m1),
                    )
                };
                for j in 0..N {
                    let bj = _mm256_broadcast_ss(&*bp.wrapping_add(off[j]));
                    acc0[j] = _mm256_fmadd_ps(a0, bj, acc0[j]);
                    acc1[j] = _mm256_fmadd_ps(a1, bj, acc1[j]);
                }
                ap = ap.wrapping_add(t.lda);
                bp = bp.wrapping_add(t.rs);
            }

            let alpha = _mm256_set1_ps(t.alpha);
            let beta = _mm256_set1_ps(t.beta);
            let two = FULL || t.mr > 8;
            for j in 0..N {
                let cp = t.c.wrapping_add(j.wrapping_mul(t.ldc));
                store::<FULL>(cp, acc0[j], alpha, beta, t.beta, m0);
                if two {
                    store::<FULL>(cp.wrapping_add(8), acc1[j], alpha, beta, t.beta, m1);
                }
            }
        }
    }

    /// `c ← α acc + β c` for one vector of rows (β = 0 ignores `c`).
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn store<const FULL: bool>(
        cp: *mut f32,
        acc: __m256,
        alpha: __m256,
        beta: __m256,
        beta_s: f32,
        mask: __m256i,
    ) {
        // SAFETY: masked to the tile's rows by the caller's mask.
        unsafe {
            let v = if beta_s == 0.0 {
                _mm256_mul_ps(alpha, acc)
            } else {
                let old = if FULL {
                    _mm256_loadu_ps(cp)
                } else {
                    _mm256_maskload_ps(cp, mask)
                };
                _mm256_fmadd_ps(alpha, acc, _mm256_mul_ps(beta, old))
            };
            if FULL {
                _mm256_storeu_ps(cp, v);
            } else {
                _mm256_maskstore_ps(cp, mask, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat<T: RealField + Copy>(m: usize, n: usize, f: impl Fn(usize, usize) -> f64) -> DMatrix<T> {
        DMatrix::from_fn(m, n, |i, j| nalgebra::convert(f(i, j)))
    }

    /// Every shape class the kernel distinguishes: tails of 1..15 rows and
    /// 1..5 columns, a shared dimension across several `KC` blocks, β of 0,
    /// 1 and other, and garbage in `c` when β = 0.
    #[test]
    fn f32_and_f64_products_match_the_reference() {
        let shapes = [
            (1, 1, 1),
            (1, 256, 32),
            (32, 256, 1),
            (32, 256, 32),
            (17, 7, 3),
            (9, 13, 600),
            (23, 5, 257),
            (40, 11, 2),
            (8, 6, 5),
        ];
        for &(m, n, k) in &shapes {
            for &(alpha, beta) in &[(1.0, 0.0), (1.0, 1.0), (-0.5, 0.25)] {
                let a = mat::<f64>(m, k, |i, j| ((i * 7 + j * 3) as f64 * 0.37).sin());
                let b = mat::<f64>(k, n, |i, j| ((i * 5 + j * 11) as f64 * 0.21).cos());
                let bt = b.transpose();
                let c0 = mat::<f64>(m, n, |i, j| (i as f64) - 0.5 * j as f64);
                let want = &a * &b * alpha + &c0 * beta;

                let mut c = c0.clone();
                if beta == 0.0 {
                    c.fill(f64::NAN);
                }
                gemm_into(&mut c, alpha, &a, &b, beta);
                assert!((&c - &want).amax() < 1e-12, "f64 {m}×{n}×{k}");
                let mut c = c0.clone();
                gemm_nt_into(&mut c, alpha, &a, &bt, beta);
                assert!((&c - &want).amax() < 1e-12, "f64 nt {m}×{n}×{k}");

                let (af, bf, btf) = (a.cast::<f32>(), b.cast::<f32>(), bt.cast::<f32>());
                let tol = 1e-5 * (k as f64).sqrt() * (1.0 + want.amax());
                let mut cf = c0.clone().cast::<f32>();
                if beta == 0.0 {
                    cf.fill(f32::NAN);
                }
                gemm_into(&mut cf, alpha as f32, &af, &bf, beta as f32);
                assert!((cf.cast::<f64>() - &want).amax() < tol, "f32 {m}×{n}×{k}");
                let mut cf = c0.cast::<f32>();
                gemm_nt_into(&mut cf, alpha as f32, &af, &btf, beta as f32);
                assert!(
                    (cf.cast::<f64>() - &want).amax() < tol,
                    "f32 nt {m}×{n}×{k}"
                );
            }
        }
    }

    /// A product above the threading threshold gives the same bits on one
    /// thread and on several.
    #[test]
    fn threads_do_not_change_the_bits() {
        let (m, n, k) = (96, 700, 160);
        assert!(m * n * k >= 2 * PARALLEL_MACS);
        let a = mat::<f32>(m, k, |i, j| ((i * 7 + j * 3) as f64 * 0.37).sin());
        let b = mat::<f32>(n, k, |i, j| ((i * 5 + j * 11) as f64 * 0.21).cos());
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let four = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let run = |pool: &rayon::ThreadPool| {
            pool.install(|| {
                let mut c = DMatrix::<f32>::zeros(m, n);
                gemm_nt_into(&mut c, 1.0, &a, &b, 0.0);
                let bt = b.transpose();
                let mut c2 = DMatrix::<f32>::zeros(m, n);
                gemm_into(&mut c2, 1.0, &a, &bt, 0.0);
                (c, c2)
            })
        };
        let (x1, y1) = run(&one);
        let (x4, y4) = run(&four);
        assert_eq!(x1, x4);
        assert_eq!(y1, y4);
        assert_eq!(x1, y1, "nt and plain products agree exactly");
    }
}
