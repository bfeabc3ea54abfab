//! Splitting work over threads: products and element-wise passes large
//! enough to pay for it run as one block per thread with `rayon::join`.
//!
//! Products of at least [`PARALLEL_MACS`] multiply-adds, and thin products
//! that touch at least `4 ·` [`PARALLEL_ELEMS`] elements (memory-bound: two
//! cores draw more bandwidth than one), are split along `n` or `m` at tile
//! boundaries, never along `k`: every element is computed exactly as in the
//! single-threaded product, so results do not depend on the number of
//! threads. The narrow networks of the lessons never reach the thresholds
//! and run on the calling thread. [`split_pairs`] does the same for the
//! element-wise passes.

use super::{Job, MR, NR};

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

/// Runs `job`, split into up to `parts` blocks when it is large.
///
/// # Safety
/// Every element the job addresses must be in bounds, and `c`'s block must
/// not be read or written by anyone else meanwhile.
pub(super) unsafe fn run_split(job: Job, parts: usize) {
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
    unsafe { super::run_one(job) }
}
