//! p_g as bin masses: the exact pushforward of the prior p_z through G.
//!
//! # Formula
//! Segment j of the prior, \[z_j, z_{j+1}\] with mass m_j, is mapped to the
//! x-interval \[min(G(z_j), G(z_{j+1})), max(…)\] and its mass spread uniformly
//! over it, so bin k receives m_j·|I_j ∩ bin_k|/|I_j|. As the segments shrink
//! this is the change of variables p_g(x) = Σ_{z: G(z)=x} p_z(z)/|G′(z)|, for
//! any G: no KDE bandwidth, a non-monotone G sums its branches, and a segment
//! of zero width (a G collapsed onto a point) is a point mass in one bin.
//!
//! The full bins a segment covers are added through a difference array of
//! densities (with a coverage count, so that bins no segment touches stay
//! exactly 0), which makes the cost O(M + n) whatever G does.
//!
//! # Non-finite values
//! A segment with an infinite end (and no NaN) puts all its mass in the
//! overflow bin on that end's side; with −∞ and +∞ ends, half in each. A
//! segment with a NaN end splits its mass equally between the two overflow
//! bins, so that the total stays 1 and the divergences flag the failure
//! (KL infinite) instead of silently dropping mass. Nothing panics.

use super::grid::Grid;
use super::prior::Prior;

/// p_g's n + 2 bin masses for G evaluated on `prior.z_points(m)`.
///
/// A convenience that recomputes the z-points: in a loop, compute
/// [`Prior::z_points`] once and call [`pushforward_masses`].
pub fn pushforward(grid: &Grid, prior: Prior, m: usize, g: impl Fn(f64) -> f64) -> Vec<f64> {
    let zp = prior.z_points(m);
    let xs: Vec<f64> = zp.z.iter().map(|&z| g(z)).collect();
    let mut out = vec![0.0; grid.len()];
    pushforward_masses(grid, &xs, &zp.seg_mass, &mut out);
    out
}

/// Spread the mass `seg_mass[j]` of each segment uniformly over the x-interval
/// between `xs[j]` and `xs[j + 1]` (G already evaluated at the z-points) and
/// write the n + 2 bin masses into `out` (overwritten).
///
/// # Panics
/// `out.len() != grid.len()` or `xs.len() != seg_mass.len() + 1` (unless both are empty).
pub fn pushforward_masses(grid: &Grid, xs: &[f64], seg_mass: &[f64], out: &mut [f64]) {
    assert_eq!(out.len(), grid.len(), "mass buffer length");
    assert!(
        xs.len() == seg_mass.len() + 1 || (xs.is_empty() && seg_mass.is_empty()),
        "xs must have one more point than seg_mass"
    );
    out.fill(0.0);
    let n = grid.n();
    let (lo, w) = (grid.lo(), grid.width());
    // density[k] and count[k] for interior bins 1..=n, as differences at k and k+1.
    let mut dens = vec![0.0f64; n + 2];
    let mut count = vec![0i32; n + 2];
    let edge_below = |k: usize| lo + (k - 1) as f64 * w; // left edge of interior bin k
    // Each point's bin is found once and shared by its two segments;
    // `NON_FINITE` marks ±∞ and NaN.
    const NON_FINITE: usize = usize::MAX;
    let locate = |x: f64| {
        if x.is_finite() {
            grid.bin_of_number(x)
        } else {
            NON_FINITE
        }
    };
    let Some(&first_x) = xs.first() else {
        return;
    };
    let (mut prev_x, mut prev_k) = (first_x, locate(first_x));
    for (&x, &mass) in xs[1..].iter().zip(seg_mass) {
        let k = locate(x);
        let (xa, ka0) = (prev_x, prev_k);
        prev_x = x;
        prev_k = k;
        if mass == 0.0 {
            continue;
        }
        if ka0 == k && k != NON_FINITE {
            out[k] += mass;
            continue;
        }
        if ka0 == NON_FINITE || k == NON_FINITE {
            non_finite(xa, x, mass, out);
            continue;
        }
        let (a, ka, b, kb) = if xa <= x {
            (xa, ka0, x, k)
        } else {
            (x, k, xa, ka0)
        };
        // First (partial) bin up to its right edge (lo for the left overflow
        // bin); the full interior bins ka+1 ..= kb−1; the last bin takes the
        // rest, so that the segment's mass is kept exactly even when rounding
        // puts a or b a hair across an edge.
        let right_a = if ka == 0 { lo } else { edge_below(ka) + w };
        let first = mass * ((right_a - a) / (b - a)).clamp(0.0, 1.0);
        out[ka] += first;
        let mut rest = mass - first;
        if kb > ka + 1 {
            let rho = mass / (b - a);
            let full = (rho * w * (kb - ka - 1) as f64).min(rest);
            rest -= full;
            let rho_full = full / (w * (kb - ka - 1) as f64);
            dens[ka + 1] += rho_full;
            dens[kb] -= rho_full;
            count[ka + 1] += 1;
            count[kb] -= 1;
        }
        out[kb] += rest.max(0.0);
    }
    let (mut d, mut c) = (0.0f64, 0i32);
    for ((o, &dk), &ck) in out[1..=n].iter_mut().zip(&dens[1..=n]).zip(&count[1..=n]) {
        d += dk;
        c += ck;
        if c > 0 {
            *o += d.max(0.0) * w;
        }
    }
}

/// A segment with a non-finite end: see the module doc.
fn non_finite(a: f64, b: f64, mass: f64, out: &mut [f64]) {
    let last = out.len() - 1;
    if a.is_nan() || b.is_nan() {
        out[0] += 0.5 * mass;
        out[last] += 0.5 * mass;
        return;
    }
    let side = |x: f64| {
        if x == f64::INFINITY {
            1
        } else if x == f64::NEG_INFINITY {
            -1
        } else {
            0
        }
    };
    match side(a) + side(b) {
        s if s > 0 => out[last] += mass,
        s if s < 0 => out[0] += mass,
        _ => {
            out[0] += 0.5 * mass;
            out[last] += 0.5 * mass;
        }
    }
}

/// The fallback for a latent of more than one dimension: the normalised
/// histogram of the sample points `xs` (each of mass 1/len), under the same
/// non-finite rule as the segments (±∞ to its overflow bin, NaN half to each).
/// The result is an estimate, and the caller labels it so. No points give all
/// zeros.
pub fn pushforward_samples(grid: &Grid, xs: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; grid.len()];
    if xs.is_empty() {
        return out;
    }
    let mass = 1.0 / xs.len() as f64;
    let last = grid.len() - 1;
    for &x in xs {
        if x.is_nan() {
            out[0] += 0.5 * mass;
            out[last] += 0.5 * mass;
        } else {
            out[grid.bin_of_number(x)] += mass;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_spreads_over_bins() {
        let g = Grid::new(0.0, 4.0, 4).unwrap();
        let mut out = vec![0.0; 6];
        pushforward_masses(&g, &[3.5, 0.5], &[1.0], &mut out);
        let want = [0.0, 1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0, 0.0];
        for (o, w) in out.iter().zip(want) {
            assert!((o - w).abs() < 1e-15, "{out:?}");
        }
        pushforward_masses(&g, &[-1.0, 5.0], &[1.0], &mut out);
        let want = [
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
        ];
        for (o, w) in out.iter().zip(want) {
            assert!((o - w).abs() < 1e-15, "{out:?}");
        }
    }

    #[test]
    fn non_finite_goes_to_overflow() {
        let g = Grid::new(0.0, 1.0, 2).unwrap();
        let mut out = vec![0.0; 4];
        let xs = [0.5, f64::INFINITY, f64::NAN, f64::NEG_INFINITY, 0.2];
        pushforward_masses(&g, &xs, &[0.25; 4], &mut out);
        assert_eq!(out, vec![0.5, 0.0, 0.0, 0.5]);
        let h = pushforward_samples(&g, &[f64::NAN, 0.7, f64::NEG_INFINITY, 0.1]);
        assert_eq!(h, vec![0.375, 0.25, 0.25, 0.125]);
    }

    #[test]
    fn untouched_bins_are_exactly_zero() {
        let g = Grid::new(0.0, 100.0, 100).unwrap();
        let mut out = vec![0.0; 102];
        // A wide segment with huge density differences, then nothing to the right.
        pushforward_masses(&g, &[0.0, 1e-9, 30.3, 31.0], &[0.3, 0.3, 0.4], &mut out);
        assert!(out[33..].iter().all(|&m| m == 0.0));
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }
}
