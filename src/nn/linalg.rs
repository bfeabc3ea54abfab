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
//! cut into blocks of [`KC`] so that a tile's slices of `A` and `B` stay in
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
//! # Threads
//!
//! Products of at least [`PARALLEL_MACS`] multiply-adds, and thin products
//! that touch at least `4 ·` [`PARALLEL_ELEMS`] elements (memory-bound:
//! two cores draw more bandwidth than one), are split into one block per
//! thread along `n` or `m` (at tile boundaries, never along `k`) with
//! `rayon::join`. Because no split cuts the sum over `k`, every element is
//! computed exactly as in the single-threaded product: results do not
//! depend on the number of threads. The narrow networks of the lessons
//! never reach the thresholds and run on the calling thread.
//! [`split_pairs`] does the same for the element-wise passes.
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

/// Element-wise passes over at least this many elements are split over
/// threads (the large networks' activations; the lessons' stay on one).
pub(crate) const PARALLEL_ELEMS: usize = 1 << 16;

/// A slice that can be cut in two, for [`split_pairs`].
pub(crate) trait Halves: Sized + Send {
    fn len(&self) -> usize;
    fn halves(self, mid: usize) -> (Self, Self);
}

impl<T: Send> Halves for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn halves(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

impl<T: Sync> Halves for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn halves(self, mid: usize) -> (Self, Self) {
        self.split_at(mid)
    }
}

/// Runs `f` on matching pieces of `p` and `q` (equally long), cut at
/// multiples of `unit` and spread over rayon's threads when they are long
/// ([`PARALLEL_ELEMS`]). For element-wise work only: every element sees the
/// same operations however the slices are cut, so results do not depend on
/// the number of threads.
/// `f` also receives the offset of its pieces in the whole slices.
pub(crate) fn split_pairs<P: Halves, Q: Halves>(
    p: P,
    q: Q,
    unit: usize,
    f: &(impl Fn(usize, P, Q) + Sync),
) {
    // Asked only when it matters: the first call starts rayon's pool.
    let parts = if p.len() >= 2 * PARALLEL_ELEMS {
        rayon::current_num_threads()
    } else {
        1
    };
    split_pairs_in(0, p, q, unit, parts, f);
}

fn split_pairs_in<P: Halves, Q: Halves>(
    offset: usize,
    p: P,
    q: Q,
    unit: usize,
    parts: usize,
    f: &(impl Fn(usize, P, Q) + Sync),
) {
    let units = p.len() / unit.max(1);
    if parts < 2 || p.len() < 2 * PARALLEL_ELEMS || units < 2 {
        return f(offset, p, q);
    }
    let mid = units / 2 * unit;
    let ((p1, p2), (q1, q2)) = (p.halves(mid), q.halves(mid));
    rayon::join(
        || split_pairs_in(offset, p1, q1, unit, parts / 2, f),
        || split_pairs_in(offset + mid, p2, q2, unit, parts - parts / 2, f),
    );
}

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
        unsafe { run_split(job, parts) };
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

/// Tile sizes of the kernel: rows (two 8-wide vectors) and columns.
const MR: usize = 16;
const NR: usize = 6;

/// Runs `job`, split into up to `parts` blocks when it is large.
///
/// # Safety
/// Every element the job addresses must be in bounds, and `c`'s block must
/// not be read or written by anyone else meanwhile.
unsafe fn run_split(job: Job, parts: usize) {
    if parts > 1 && job.large() {
        let (p1, p2) = (parts / 2, parts - parts / 2);
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
                move || unsafe { run_split(left, p1) },
                move || unsafe { run_split(right, p2) },
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
                move || unsafe { run_split(top, p1) },
                move || unsafe { run_split(bottom, p2) },
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

    /// Rows of `A` packed at a time.
    const MC: usize = 256;

    /// Products with at least this many multiply-adds (and more than four
    /// column tiles to reuse it) pack `A`.
    const PACK_MACS: usize = 1 << 20;

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
        if job.m == 1 && job.lda == 1 && job.ldc == 1 {
            // SAFETY: forwarded.
            unsafe {
                if job.rs == 1 {
                    return row_dots(job);
                }
                if job.cs == 1 {
                    return row_axpys(job);
                }
            }
        }
        // A large product reads each tile's slice of A once per column tile;
        // copied into contiguous micro-panels it streams from cache instead
        // of from lines `lda` floats apart that crowd a few L1 sets.
        if job.n > 4 * NR && job.m * job.k * job.n >= PACK_MACS {
            // SAFETY: forwarded.
            unsafe { blocks_packed(job) }
        } else {
            // SAFETY: forwarded.
            unsafe { blocks(job, std::ptr::null_mut()) }
        }
    }

    /// [`blocks`] with `A` packed into a buffer on this frame's stack
    /// (`MC × KC` floats, 256 KiB; every thread that runs a large product
    /// has at least 2 MiB), so that no call allocates.
    ///
    /// # Safety
    /// As for [`sgemm`].
    #[target_feature(enable = "avx2,fma")]
    #[inline(never)]
    unsafe fn blocks_packed(job: Job) {
        let mut buf = [std::mem::MaybeUninit::<f32>::uninit(); MC * KC];
        // SAFETY: forwarded; `blocks` writes every element it reads.
        unsafe { blocks(job, buf.as_mut_ptr().cast()) }
    }

    /// A one-row product whose `B` has contiguous columns (a layer with one
    /// output, forward): `c[j] = α ⟨a, B[:, j]⟩ + β c[j]`, each dot product
    /// summed in four 8-wide partial sums over `p`.
    ///
    /// # Safety
    /// As for [`sgemm`], with `m = lda = ldc = 1` and `rs = 1`.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn row_dots(job: Job) {
        let k = job.k;
        // SAFETY: a row of MASKS.
        let tail = unsafe { _mm256_loadu_si256(MASKS[k % 8].as_ptr().cast()) };
        for j in 0..job.n {
            // SAFETY (block): p < k indexes a and B's column j; the tail is
            // masked.
            unsafe {
                let b = job.b.add(j * job.cs);
                let mut acc = [_mm256_setzero_ps(); 4];
                let mut p = 0;
                while p + 32 <= k {
                    for (q, acc) in acc.iter_mut().enumerate() {
                        let x = _mm256_loadu_ps(b.add(p + 8 * q));
                        *acc = _mm256_fmadd_ps(_mm256_loadu_ps(job.a.add(p + 8 * q)), x, *acc);
                    }
                    p += 32;
                }
                while p + 8 <= k {
                    acc[0] = _mm256_fmadd_ps(
                        _mm256_loadu_ps(job.a.add(p)),
                        _mm256_loadu_ps(b.add(p)),
                        acc[0],
                    );
                    p += 8;
                }
                if p < k {
                    let x = _mm256_maskload_ps(b.add(p), tail);
                    acc[1] = _mm256_fmadd_ps(_mm256_maskload_ps(job.a.add(p), tail), x, acc[1]);
                }
                let v = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
                let h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
                let h = _mm_add_ps(h, _mm_movehl_ps(h, h));
                let h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
                let dot = _mm_cvtss_f32(h);
                let c = job.c.add(j);
                *c = if job.beta == 0.0 {
                    job.alpha * dot
                } else {
                    job.alpha.mul_add(dot, job.beta * *c)
                };
            }
        }
    }

    /// A one-row product whose `B` has contiguous rows (the weight gradient
    /// of a layer with one output): `c ← α Σ_p a[p] B[p, :] + β c`, 64
    /// columns at a time in registers while `p` runs over the whole sum.
    ///
    /// # Safety
    /// As for [`sgemm`], with `m = lda = ldc = 1` and `cs = 1`.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn row_axpys(job: Job) {
        const W: usize = 8;
        let mut j = 0;
        while j < job.n {
            let width = (job.n - j).min(8 * W);
            let mut masks = [_mm256_setzero_si256(); W];
            for (q, m) in masks.iter_mut().enumerate() {
                let lanes = width.saturating_sub(8 * q).min(8);
                // SAFETY: a row of MASKS.
                *m = unsafe { _mm256_loadu_si256(MASKS[lanes].as_ptr().cast()) };
            }
            let mut acc = [_mm256_setzero_ps(); W];
            for p in 0..job.k {
                // SAFETY (block): a[p] and B's row p, columns j..j + width
                // (masked past width).
                unsafe {
                    let s = _mm256_broadcast_ss(&*job.a.add(p));
                    let b = job.b.add(p * job.rs + j);
                    for q in 0..W {
                        let x = _mm256_maskload_ps(b.wrapping_add(8 * q), masks[q]);
                        acc[q] = _mm256_fmadd_ps(s, x, acc[q]);
                    }
                }
            }
            let alpha = _mm256_set1_ps(job.alpha);
            let beta = _mm256_set1_ps(job.beta);
            for q in 0..W {
                if 8 * q < width {
                    // SAFETY: columns j + 8q.. of c, masked past width.
                    unsafe {
                        store::<false>(
                            job.c.add(j + 8 * q),
                            acc[q],
                            alpha,
                            beta,
                            job.beta,
                            masks[q],
                        )
                    };
                }
            }
            j += width;
        }
    }

    /// The product in blocks: `KC` of the shared dimension at a time, within
    /// it `MC` rows of `A` at a time (packed into `packed` when it is not
    /// null), within those one `kc × NR` panel of `B` at a time (packed when
    /// `B` is read transposed), and the tiles down the rows.
    ///
    /// # Safety
    /// As for [`sgemm`]; `packed`, when not null, holds `MC × KC` floats.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn blocks(job: Job, packed: *mut f32) {
        let pack = job.rs != 1 && job.cs == 1 && job.m > MR;
        let mut p0 = 0;
        loop {
            let kc = (job.k - p0).min(KC);
            // The first block applies β; later blocks add to what is there.
            let beta = if p0 == 0 { job.beta } else { 1.0 };
            // Uninitialised: the tiles read exactly the `kc × nr` values the
            // packing writes.
            let mut panel = [std::mem::MaybeUninit::<f32>::uninit(); KC * NR];
            let mut i0 = 0;
            while i0 < job.m {
                let mc = (job.m - i0).min(MC);
                if !packed.is_null() {
                    // Micro-panels of MR rows, p-major: panel r holds
                    // rows i0 + r·MR.., element (i, p) at r·MR·kc + p·MR + i.
                    let mut r = 0;
                    while r * MR < mc {
                        let rows = (mc - r * MR).min(MR);
                        // SAFETY: rows of MASKS.
                        let m0 = unsafe { _mm256_loadu_si256(MASKS[rows.min(8)].as_ptr().cast()) };
                        let m1 = unsafe {
                            _mm256_loadu_si256(MASKS[rows.saturating_sub(8)].as_ptr().cast())
                        };
                        for p in 0..kc {
                            // SAFETY: rows i0 + r·MR.. (masked past `rows`)
                            // of A's column p0 + p, into the panel's slot p,
                            // all 16 lanes written (masked lanes as 0).
                            unsafe {
                                let src = job.a.wrapping_add(i0 + r * MR + (p0 + p) * job.lda);
                                let dst = packed.add(r * MR * kc + p * MR);
                                if rows == MR {
                                    _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
                                    _mm256_storeu_ps(dst.add(8), _mm256_loadu_ps(src.add(8)));
                                } else {
                                    _mm256_storeu_ps(dst, _mm256_maskload_ps(src, m0));
                                    _mm256_storeu_ps(
                                        dst.add(8),
                                        _mm256_maskload_ps(src.wrapping_add(8), m1),
                                    );
                                }
                            }
                        }
                        r += 1;
                    }
                }
                let mut j = 0;
                while j < job.n {
                    let nr = (job.n - j).min(NR);
                    let (bp, brs, bcs) = if pack {
                        // SAFETY: a row of MASKS.
                        let mask = unsafe { _mm256_loadu_si256(MASKS[nr].as_ptr().cast()) };
                        for p in 0..kc {
                            // SAFETY: columns j..j + nr of B's row p0 + p,
                            // into the panel's row p.
                            unsafe {
                                let src = job.b.add((p0 + p) * job.rs + j);
                                let v = _mm256_maskload_ps(src, mask);
                                _mm256_maskstore_ps(panel.as_mut_ptr().add(p * NR).cast(), mask, v);
                            }
                        }
                        (panel.as_ptr().cast::<f32>(), NR, 1)
                    } else {
                        (
                            // SAFETY: the panel's first element is in bounds.
                            unsafe { job.b.add(p0 * job.rs + j * job.cs) },
                            job.rs,
                            job.cs,
                        )
                    };
                    let mut i = i0;
                    while i < i0 + mc {
                        let mr = (i0 + mc - i).min(MR);
                        // SAFETY: the tile lies inside the job's block; its
                        // A slice is in A or in the packed micro-panel.
                        unsafe {
                            let (a, lda) = if packed.is_null() {
                                (job.a.add(i + p0 * job.lda), job.lda)
                            } else {
                                (packed.add((i - i0) * kc) as *const f32, MR)
                            };
                            let c = job.c.add(i + j * job.ldc);
                            let t = Tile {
                                kc,
                                alpha: job.alpha,
                                a,
                                lda,
                                b: bp,
                                rs: brs,
                                cs: bcs,
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
                i0 += mc;
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
            // Packed A (≥ 2^20 multiply-adds, n > 24): tails of 8 rows, of
            // 4 columns, and of 44 of the shared dimension (300 = 256 + 44).
            (40, 100, 300),
            (263, 31, 300),
            // One row: dot products (plain) and row sums (transposed B),
            // with tails of 5 lanes and of 7 columns past 64.
            (1, 71, 37),
            (1, 300, 8),
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
