//! The Wasserstein-1 distance and the optimal 1-Lipschitz critic of WGAN,
//! exactly, for the piecewise-uniform distributions that bin masses represent.
//!
//! # Formula
//! W1(P, Q) = ∫ |F_P(x) − F_Q(x)| dx,   f*(x) = ∫_lo^x sign(F_Q(t) − F_P(t)) dt,
//! with P = p_data and Q = p_g, so that E_P f* − E_Q f* = W1 (Kantorovich–Rubinstein).
//!
//! Inside an interior bin both CDFs are linear, so e = F_Q − F_P is linear from
//! e_l to e_r and ∫|e| over the bin is w·(|e_l| + |e_r|)/2 when they share a sign
//! and w·(e_l² + e_r²)/(2(|e_l| + |e_r|)) when e crosses 0 inside the bin. An
//! overflow bin's mass sits at its representative point, half a bin outside
//! the grid, so each adds |e|·w/2 with e the difference at the grid's edge.
//!
//! The critic's constant is fixed by f*(lo) = 0 at the grid's left edge; it is
//! evaluated at the n + 2 bin centres (the left overflow centre lies half a bin
//! left of lo).
//!
//! The difference e at each edge is taken as the smaller in magnitude of the
//! running sum from the left and minus the running sum from the right (they
//! agree when both masses sum to the same total), so that where both CDFs are
//! 0 or both are 1 it is exactly 0 and rounding cannot tilt the critic there.
//!
//! # Non-finite values
//! Masses are expected finite and ≥ 0; a NaN mass makes W1 and the critic NaN
//! from its bin on. If the totals differ, the remainder is ignored beyond the
//! right overflow point.

use super::grid::Grid;

/// The difference F_Q − F_P at each of the n + 1 interior edges.
fn edge_differences(p: &[f64], q: &[f64], n: usize) -> impl Iterator<Item = f64> {
    let total: f64 = q.iter().zip(p).map(|(qi, pi)| qi - pi).sum();
    let mut run = 0.0;
    (0..=n).map(move |k| {
        run += q[k] - p[k];
        let from_right = run - total;
        if from_right.abs() < run.abs() {
            from_right
        } else {
            run
        }
    })
}

/// ∫ of |e| over a unit interval where e is linear from a to b.
#[inline]
fn abs_linear(a: f64, b: f64) -> f64 {
    if (a >= 0.0 && b >= 0.0) || (a <= 0.0 && b <= 0.0) {
        0.5 * (a.abs() + b.abs())
    } else {
        0.5 * (a * a + b * b) / (a.abs() + b.abs())
    }
}

/// ∫_0^s sign(e(t)) dt where e is linear from a at 0 to v at s.
#[inline]
fn sign_linear(a: f64, v: f64, s: f64) -> f64 {
    if (a > 0.0 && v < 0.0) || (a < 0.0 && v > 0.0) {
        let t = s * a.abs() / (a.abs() + v.abs());
        a.signum() * t + v.signum() * (s - t)
    } else if a != 0.0 {
        a.signum() * s
    } else if v != 0.0 {
        v.signum() * s
    } else {
        0.0
    }
}

/// W1(P, Q) = ∫ |F_P − F_Q| dx for the piecewise-uniform distributions of the
/// n + 2 bin masses; symmetric and ≥ 0.
///
/// # Panics
/// `p` or `q` is not of length `grid.len()`.
pub fn w1(grid: &Grid, p: &[f64], q: &[f64]) -> f64 {
    assert!(
        p.len() == grid.len() && q.len() == grid.len(),
        "slice lengths"
    );
    let half = 0.5 * grid.width();
    let mut e = edge_differences(p, q, grid.n());
    let mut prev = e.next().unwrap_or(0.0);
    let mut area = prev.abs() * half;
    let mut interior = 0.0;
    for cur in e {
        interior += abs_linear(prev, cur);
        prev = cur;
    }
    area += interior * grid.width();
    area + prev.abs() * half
}

/// The optimal critic f*(x) = ∫_lo^x sign(F_Q − F_P) dt at the n + 2 bin centres,
/// into `out`. It is 1-Lipschitz, 0 at lo, and E_P f* − E_Q f* = W1.
///
/// # Panics
/// A slice is not of length `grid.len()`.
pub fn critic_into(grid: &Grid, p: &[f64], q: &[f64], out: &mut [f64]) {
    let len = grid.len();
    assert!(
        p.len() == len && q.len() == len && out.len() == len,
        "slice lengths"
    );
    let (w, half) = (grid.width(), 0.5 * grid.width());
    let mut e = edge_differences(p, q, grid.n());
    let mut prev = e.next().unwrap_or(0.0);
    out[0] = -sign_linear(prev, prev, 1.0) * half;
    let mut f = 0.0;
    for (k, cur) in e.enumerate() {
        let mid = 0.5 * (prev + cur);
        out[k + 1] = f + w * sign_linear(prev, mid, 0.5);
        f += w * sign_linear(prev, cur, 1.0);
        prev = cur;
    }
    out[len - 1] = f + sign_linear(prev, prev, 1.0) * half;
}

/// [`critic_into`], allocating.
pub fn critic(grid: &Grid, p: &[f64], q: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; grid.len()];
    critic_into(grid, p, q, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_inside_a_bin() {
        // P all in bin 1, Q all in bin 2 of a unit-width grid: W1 = 1 (shift by one bin).
        let g = Grid::new(0.0, 3.0, 3).unwrap();
        let p = [0.0, 1.0, 0.0, 0.0, 0.0];
        let q = [0.0, 0.0, 1.0, 0.0, 0.0];
        assert!((w1(&g, &p, &q) - 1.0).abs() < 1e-15);
        assert!((w1(&g, &q, &p) - 1.0).abs() < 1e-15);
        // Half of P's bin-1 mass moved into bin 2 (lying in the same two bins):
        // e = F_Q − F_P goes 0 → −0.5 → 0 → 0: ∫|e| = 0.25 + 0.25.
        let q2 = [0.0, 0.5, 0.5, 0.0, 0.0];
        assert!((w1(&g, &p, &q2) - 0.5).abs() < 1e-15);
        // A sign change inside one bin: e from −0.5 to +0.5 over a unit bin gives 0.25.
        assert!((abs_linear(-0.5, 0.5) - 0.25).abs() < 1e-15);
        assert!((sign_linear(-0.5, 0.5, 1.0)).abs() < 1e-15);
        assert!((sign_linear(-0.5, 1.5, 1.0) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn critic_is_one_lipschitz_and_pays_w1() {
        let g = Grid::new(0.0, 4.0, 4).unwrap();
        let p = [0.1, 0.4, 0.3, 0.1, 0.0, 0.1];
        let q = [0.0, 0.1, 0.1, 0.2, 0.5, 0.1];
        let f = critic(&g, &p, &q);
        for (k, pair) in f.windows(2).enumerate() {
            let dx = g.centre(k + 1) - g.centre(k);
            assert!((pair[1] - pair[0]).abs() <= dx + 1e-12);
        }
        // Q lies to the right everywhere here, so f* = −(x − lo) and the pay-off is exact.
        let pay: f64 = (0..g.len()).map(|k| (p[k] - q[k]) * f[k]).sum();
        assert!((pay - w1(&g, &p, &q)).abs() < 1e-12, "{pay} {f:?}");
        assert_eq!(f[1], -0.5);
    }
}
