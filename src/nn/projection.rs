//! The projection head of a conditional discriminator (Miyato & Koyama
//! 2018, "cGANs with Projection Discriminator").
//!
//! # What it computes
//!
//! With φ(x) = a_{L−1} the last hidden features, ψ the last (linear) layer
//! and an embedding e_c ∈ R^{n_{L−1}} per class (the columns of
//! `E : n_{L−1} × K`),
//!
//! ```text
//! D(x, c) = ψ(φ(x)) + ⟨e_c, φ(x)⟩ = (W_L + e_cᵀ) a_{L−1} + b_L
//! ```
//!
//! so a projection network is an [`Mlp`](super::Mlp) whose last weight row
//! is `W_L + e_{c_s}ᵀ` for sample s. The passes keep `r_s = e_{c_s}` as the
//! columns of `R` (`ws.proj`, filled by the forward pass) and add, at layer
//! L only:
//!
//! ```text
//! forward           z_L[s]   += r_s · a_{L−1}[:, s]
//! backward          ∂e_{c_s} += δ_s a_{L−1}[:, s]            G_{L−1}[:, s] += δ_s r_s
//! double backward   ż_L[s]   += r_s · ȧ_{L−1}[:, s]
//!                   ∂e_{c_s} += z̄_L[s] a_{L−1}[:, s] + ż̄_L[s] ȧ_{L−1}[:, s]
//!                   ā_{L−1}, ǡ_{L−1} as G_{L−1}, from z̄_L and ż̄_L
//! ```
//!
//! (see [`super::backprop`] and [`super::double_backward`] for the rest of
//! each pass). Without an embedding nothing here runs, and every pass gives
//! the bits it gave before.

use nalgebra::{DMatrix, RealField};

/// `z[s] += r_s · a_s` (columns of `r` and `a`).
pub(super) fn add_dot<T: RealField + Copy>(z: &mut [T], r: &DMatrix<T>, a: &DMatrix<T>) {
    let h = r.nrows();
    for ((z, rc), ac) in z
        .iter_mut()
        .zip(r.as_slice().chunks_exact(h))
        .zip(a.as_slice().chunks_exact(h))
    {
        let dot = rc
            .iter()
            .zip(ac)
            .fold(T::zero(), |acc, (&r, &a)| acc + r * a);
        *z += dot;
    }
}

/// `g[:, s] += δ_s r_s`.
pub(super) fn add_scaled<T: RealField + Copy>(g: &mut DMatrix<T>, r: &DMatrix<T>, delta: &[T]) {
    let h = r.nrows();
    for ((gc, rc), &d) in g
        .as_mut_slice()
        .chunks_exact_mut(h)
        .zip(r.as_slice().chunks_exact(h))
        .zip(delta)
    {
        for (g, &r) in gc.iter_mut().zip(rc) {
            *g += d * r;
        }
    }
}

/// `∂e_{c_s} += δ_s a_s` for every sample s.
pub(super) fn accumulate<T: RealField + Copy>(
    de: &mut DMatrix<T>,
    classes: &[usize],
    a: &DMatrix<T>,
    delta: &[T],
) {
    let h = de.nrows();
    let de = de.as_mut_slice();
    for ((&c, ac), &d) in classes.iter().zip(a.as_slice().chunks_exact(h)).zip(delta) {
        for (g, &a) in de[c * h..(c + 1) * h].iter_mut().zip(ac) {
            *g += d * a;
        }
    }
}

/// `R = [e_{c_1}, …, e_{c_B}]` into `r` (reallocated only when its shape changes).
pub(super) fn gather<T: RealField + Copy>(r: &mut DMatrix<T>, e: &DMatrix<T>, classes: &[usize]) {
    let h = e.nrows();
    if r.shape() != (h, classes.len()) {
        *r = DMatrix::zeros(h, classes.len());
    }
    for (rc, &c) in r.as_mut_slice().chunks_exact_mut(h).zip(classes) {
        rc.copy_from_slice(&e.as_slice()[c * h..(c + 1) * h]);
    }
}
