//! The `f32` kernel in plain Rust, for every processor without AVX2/FMA
//! and for the web page (wasm32, where there is no AVX2 to detect): a tile
//! of 8 × 4 elements of `C` held in arrays while `p` runs over the shared
//! dimension, which LLVM keeps in vector registers (SSE on x86-64, simd128
//! in a web page built with it). See [`super::reference`] for the product it
//! computes.
//!
//! # The sum, element by element
//!
//! ```text
//! c[i, j] ← α · Σ_p a[i, p] b[p, j]          (from 0, p = 0, 1, …, k − 1)
//!           + β c[i, j]                        (unless β = 0)
//! ```
//!
//! with a multiply and an add per term (no fused multiply-add), in the same
//! order for every element — in a full tile and in the edge rows and
//! columns alike — so where the tiles fall, and so how a product is split,
//! changes no bit. (The reference adds the terms onto `β c` instead: the
//! two agree to rounding, not bit for bit.)

use super::Job;

/// The tile: rows (two 4-wide vectors) and columns.
const TR: usize = 8;
const TC: usize = 4;

/// The whole product, tile by tile.
///
/// # Safety
/// Every element the job addresses must be in bounds.
pub(super) unsafe fn sgemm(job: Job) {
    let mut j = 0;
    while j < job.n {
        let cols = (job.n - j).min(TC);
        let mut i = 0;
        while i < job.m {
            let rows = (job.m - i).min(TR);
            // SAFETY: forwarded; the tile lies within m × n.
            unsafe {
                if rows == TR && cols == TC {
                    tile(&job, i, j);
                } else {
                    edge(&job, i, j, rows, cols);
                }
            }
            i += TR;
        }
        j += TC;
    }
}

/// `c[i, j]` from its sum over `p`.
///
/// # Safety
/// `(i, j)` in bounds.
#[inline(always)]
unsafe fn store(job: &Job, i: usize, j: usize, sum: f32) {
    // SAFETY: forwarded.
    unsafe {
        let c = job.c.add(i + j * job.ldc);
        *c = if job.beta == 0.0 {
            job.alpha * sum
        } else {
            job.alpha * sum + job.beta * *c
        };
    }
}

/// A full 8 × 4 tile at `(i, j)`.
///
/// # Safety
/// The tile in bounds.
#[inline(always)]
unsafe fn tile(job: &Job, i: usize, j: usize) {
    let mut acc = [[0f32; TR]; TC];
    for p in 0..job.k {
        // SAFETY: rows i..i + 8 of column p of A, and B's row p at the
        // tile's columns, are in bounds.
        unsafe {
            let a: [f32; TR] = std::ptr::read_unaligned(job.a.add(i + p * job.lda).cast());
            for (q, acc) in acc.iter_mut().enumerate() {
                let s = *job.b.add(p * job.rs + (j + q) * job.cs);
                for (x, w) in acc.iter_mut().zip(a) {
                    *x += w * s;
                }
            }
        }
    }
    for (q, acc) in acc.iter().enumerate() {
        for (r, sum) in acc.iter().enumerate() {
            // SAFETY: in the tile.
            unsafe { store(job, i + r, j + q, *sum) };
        }
    }
}

/// A partial tile (the last rows or columns), element by element with the
/// same sum as [`tile`].
///
/// # Safety
/// The `rows × cols` block at `(i, j)` in bounds.
unsafe fn edge(job: &Job, i: usize, j: usize, rows: usize, cols: usize) {
    for q in 0..cols {
        for r in 0..rows {
            let mut sum = 0f32;
            for p in 0..job.k {
                // SAFETY: in bounds.
                unsafe {
                    let s = *job.b.add(p * job.rs + (j + q) * job.cs);
                    sum += *job.a.add(i + r + p * job.lda) * s;
                }
            }
            // SAFETY: in the block.
            unsafe { store(job, i + r, j + q, sum) };
        }
    }
}
