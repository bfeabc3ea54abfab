//! The `f32` kernel for x86-64 with AVX2 and FMA (detected at run time by
//! [`super::run_one`]); see the [module docs](super) for the tiling and the
//! packing, and [`super::reference`] for the product it computes.

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
