//! Mode coverage of a mixture target by p_g, after VEEGAN (Srivastava et al.
//! 2017) and PacGAN (Lin et al. 2018), computed from G's bin masses.
//!
//! # Formula
//! With window Wₖ = \[cₖ − 3σₖ, cₖ + 3σₖ\] for mode k of weight wₖ:
//! - per_mode[k] = Q(Wₖ), G's mass in the window (windows may overlap);
//! - mode k is covered when Q(Wₖ) ≥ `COVERAGE_FRACTION`·wₖ;
//! - high_quality = Q(∪ₖ Wₖ), each point counted once;
//! - each point within 3σ of some mode is assigned to the nearest mode in
//!   standardised distance |x − cₖ|/σₖ (VEEGAN's rule); with gₖ the assigned
//!   mass renormalised over modes, kl_modes = KL(g ‖ w) = Σ gₖ ln(gₖ/wₖ), 0 when
//!   G matches the weights and ln n when it collapses onto one of n equal modes.
//!
//! Q(\[a, b\]) reads mass as uniform within interior bins (partial bins count pro
//! rata) and an overflow bin's mass as sitting at its centre.
//!
//! # Non-finite values
//! A mode with a non-finite centre or a σ that is not positive and finite has
//! an empty window: per_mode 0, never covered, nothing assigned to it —
//! except σ = 0, a point mass (`dirac`), whose window is its centre alone:
//! only an atom of G exactly there counts ([`mode_coverage_with_atoms`]). When G
//! has no mass near any mode, kl_modes is NaN (undefined). Cost O(K³ + n) for
//! K modes.

use super::grid::Grid;
use crate::density::Mode;
use serde::{Deserialize, Serialize};

/// The share of its own target weight that a mode's window must receive from
/// G for the mode to count as covered.
pub const COVERAGE_FRACTION: f64 = 0.1;
/// The half-width of a mode's window, in its σ.
pub const WINDOW_SIGMAS: f64 = 3.0;

/// How well p_g covers the modes of the target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModeCoverage {
    /// G's mass within 3σ of each mode.
    pub per_mode: Vec<f64>,
    /// Modes whose window holds at least `COVERAGE_FRACTION` of their weight.
    pub covered: usize,
    /// Number of modes.
    pub total: usize,
    /// G's mass within 3σ of any mode.
    pub high_quality: f64,
    /// KL(G's per-mode mass distribution ‖ target mode weights), nats.
    pub kl_modes: f64,
}

/// Cumulative mass of piecewise-uniform bins: Q((−∞, x]).
struct BinCdf<'a> {
    grid: &'a Grid,
    q: &'a [f64],
    prefix: Vec<f64>,
}

impl<'a> BinCdf<'a> {
    fn new(grid: &'a Grid, q: &'a [f64]) -> Self {
        let mut prefix = Vec::with_capacity(q.len() + 1);
        let mut s = 0.0;
        prefix.push(0.0);
        for &m in q {
            s += m;
            prefix.push(s);
        }
        BinCdf { grid, q, prefix }
    }

    fn at(&self, x: f64) -> f64 {
        let g = self.grid;
        let last = g.len() - 1;
        if x < g.centre(0) {
            0.0
        } else if x < g.lo() {
            self.prefix[1]
        } else if x <= g.hi() {
            let k = g.bin_of_number(x);
            let frac = ((x - g.bounds(k).0) * g.inv_width()).clamp(0.0, 1.0);
            self.prefix[k] + self.q[k] * frac
        } else if x < g.centre(last) {
            self.prefix[last]
        } else {
            self.prefix[last + 1]
        }
    }

    fn between(&self, a: f64, b: f64) -> f64 {
        if b > a {
            (self.at(b) - self.at(a)).max(0.0)
        } else {
            0.0
        }
    }
}

fn window(m: &Mode) -> Option<(f64, f64)> {
    let ok = m.centre.is_finite() && m.sigma.is_finite() && m.sigma > 0.0;
    ok.then_some((
        m.centre - WINDOW_SIGMAS * m.sigma,
        m.centre + WINDOW_SIGMAS * m.sigma,
    ))
}

/// The one-point window of a point-mass mode (σ = 0, a `dirac` term).
fn point(m: &Mode) -> Option<f64> {
    (m.centre.is_finite() && m.sigma == 0.0).then_some(m.centre)
}

/// The mode an atom at `x` is assigned to: a point mode exactly at `x`, else
/// the nearest window holding `x` in standardised distance.
fn atom_mode(x: f64, modes: &[Mode]) -> Option<usize> {
    if let Some(k) = modes.iter().position(|m| point(m) == Some(x)) {
        return Some(k);
    }
    modes
        .iter()
        .enumerate()
        .filter(|(_, m)| window(m).is_some_and(|(a, b)| a <= x && x <= b))
        .map(|(k, m)| (k, (x - m.centre).abs() / m.sigma))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// Mode coverage of the target's `modes` by G's bin masses `q`.
///
/// # Panics
/// `q.len() != grid.len()`.
pub fn mode_coverage(grid: &Grid, q: &[f64], modes: &[Mode]) -> ModeCoverage {
    mode_coverage_with_atoms(grid, q, &[], modes)
}

/// [`mode_coverage`] when G also has atoms `(x, mass)` (a constant G). An
/// atom counts in every window that holds it and is assigned to one mode
/// as a point is; a point-mass mode (σ = 0) has the one-point window {c}
/// and only atoms exactly at c fall in it.
///
/// # Panics
/// `q.len() != grid.len()`.
pub fn mode_coverage_with_atoms(
    grid: &Grid,
    q: &[f64],
    atoms: &[(f64, f64)],
    modes: &[Mode],
) -> ModeCoverage {
    assert_eq!(q.len(), grid.len(), "slice lengths");
    let cdf = BinCdf::new(grid, q);
    let windows: Vec<Option<(f64, f64)>> = modes.iter().map(window).collect();
    let mut per_mode: Vec<f64> = windows
        .iter()
        .map(|w| w.map_or(0.0, |(a, b)| cdf.between(a, b)))
        .collect();
    for (k, m) in modes.iter().enumerate() {
        for &(x, mass) in atoms {
            let inside = match (windows[k], point(m)) {
                (Some((a, b)), _) => a <= x && x <= b,
                (None, Some(c)) => x == c,
                (None, None) => false,
            };
            if inside {
                per_mode[k] += mass;
            }
        }
    }
    let covered = per_mode
        .iter()
        .zip(modes)
        .filter(|(m, mode)| **m > 0.0 && **m >= COVERAGE_FRACTION * mode.weight)
        .count();

    // Breakpoints: window ends, and where two standardised distances are equal.
    let mut cuts: Vec<f64> = windows
        .iter()
        .flatten()
        .flat_map(|&(a, b)| [a, b])
        .collect();
    for (j, mj) in modes.iter().enumerate() {
        for mk in &modes[j + 1..] {
            if window(mj).is_none() || window(mk).is_none() {
                continue;
            }
            let (cj, sj, ck, sk) = (mj.centre, mj.sigma, mk.centre, mk.sigma);
            cuts.push((cj * sk + ck * sj) / (sj + sk));
            if sj != sk {
                cuts.push((cj * sk - ck * sj) / (sk - sj));
            }
        }
    }
    cuts.retain(|x| x.is_finite());
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();

    let mut assigned = vec![0.0; modes.len()];
    for pair in cuts.windows(2) {
        let (u, v) = (pair[0], pair[1]);
        let mid = 0.5 * (u + v);
        let nearest = modes
            .iter()
            .enumerate()
            .filter(|(_, m)| window(m).is_some())
            .map(|(k, m)| (k, (mid - m.centre).abs() / m.sigma))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((k, d)) = nearest
            && d <= WINDOW_SIGMAS
        {
            assigned[k] += cdf.between(u, v);
        }
    }
    for &(x, mass) in atoms {
        if let Some(k) = atom_mode(x, modes) {
            assigned[k] += mass;
        }
    }
    let high_quality: f64 = assigned.iter().sum();
    let weight_sum: f64 = modes.iter().map(|m| m.weight).sum();
    let kl_modes = if high_quality > 0.0 {
        assigned
            .iter()
            .zip(modes)
            .filter(|(a, _)| **a > 0.0)
            .map(|(a, m)| {
                let g = a / high_quality;
                g * (g * weight_sum / m.weight).ln()
            })
            .sum::<f64>()
            .max(0.0)
    } else {
        f64::NAN
    };
    ModeCoverage {
        per_mode,
        covered,
        total: modes.len(),
        high_quality,
        kl_modes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_modes() -> Vec<Mode> {
        (0..3)
            .map(|i| Mode {
                centre: -4.0 + 4.0 * i as f64,
                sigma: 0.5,
                weight: 1.0 / 3.0,
            })
            .collect()
    }

    #[test]
    fn collapse_onto_one_mode() {
        let g = Grid::new(-6.0, 6.0, 12).unwrap();
        let mut q = vec![0.0; 14];
        q[7] = 1.0; // all of G in [0, 1)
        let c = mode_coverage(&g, &q, &three_modes());
        assert_eq!((c.covered, c.total), (1, 3));
        assert!((c.high_quality - 1.0).abs() < 1e-15);
        assert!((c.kl_modes - 3f64.ln()).abs() < 1e-12);
        assert_eq!(c.per_mode, vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn partial_bins_and_overlap() {
        // Two modes with overlapping windows [-1.5, 1.5] and [0.5, 3.5]: the union
        // is [-1.5, 3.5] and G is uniform over [-2, 4), so high_quality = 5/6.
        let g = Grid::new(-2.0, 4.0, 6).unwrap();
        let q = [
            0.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            1.0 / 6.0,
            0.0,
        ];
        let modes = [
            Mode {
                centre: 0.0,
                sigma: 0.5,
                weight: 0.5,
            },
            Mode {
                centre: 2.0,
                sigma: 0.5,
                weight: 0.5,
            },
        ];
        let c = mode_coverage(&g, &q, &modes);
        assert!((c.high_quality - 5.0 / 6.0).abs() < 1e-15);
        assert!((c.per_mode[0] - 0.5).abs() < 1e-15 && (c.per_mode[1] - 0.5).abs() < 1e-15);
        // Nearest-mode split at x = 1 is symmetric: matched weights.
        assert!(c.kl_modes.abs() < 1e-15);
        let none = mode_coverage(&g, &[1.0, 0., 0., 0., 0., 0., 0., 0.], &modes);
        assert!(none.kl_modes.is_nan() && none.covered == 0);
    }
}
