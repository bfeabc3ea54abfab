//! Point masses beside the bins: the atoms of p_data (a `dirac` target) and
//! of p_g (a constant generator), kept exact instead of spread over a bin.
//!
//! # The cells
//! A distribution on the grid is its n + 2 bin masses plus its atoms. A
//! point is a cell of its own, where the bins put no mass, so every sum over
//! cells (JSD, KL, χ², C(G), V(G, D)) runs over the bins and then over the
//! atoms' positions, with P and Q the two atoms there (0 where one side has
//! none): [`Atoms::cells`] appends them to the bins. D* on an atom is
//! P/(P + Q) at that point. So δ(x₀) against anything without an atom at x₀
//! has JSD = ln 2 and KL(δ‖·) = ∞.
//!
//! # W1 and the critic with atoms
//! F_P and F_Q rise linearly across each interior bin and jump at every atom
//! and at the overflow bins' representative points (where their mass sits).
//! [`w1`] walks the sorted breakpoints (interior edges, atoms, overflow
//! points); between two of them e = F_Q − F_P is linear, so ∫|e| is exact
//! per segment, and f*(x) = ∫ sign(e) is exact at the bin centres
//! ([`critic_into`]), 0 at the grid's left edge as without atoms. Without
//! atoms both give the same numbers as [`super::wasserstein`], which they
//! call.
//!
//! # Non-finite values
//! An atom at a non-finite position is dropped from the walk (its mass still
//! counts in the sums over cells); masses are expected finite and ≥ 0.

use serde::{Deserialize, Serialize};

use super::grid::Grid;

/// The atoms of p_data and p_g at their positions, sorted by x, each
/// position once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Atoms {
    /// The positions.
    pub x: Vec<f64>,
    /// p_data's mass at each position (0: none).
    pub p: Vec<f64>,
    /// p_g's mass at each position (0: none).
    pub q: Vec<f64>,
}

impl Atoms {
    /// The atoms of both sides, given as `(x, mass)` lists; equal positions
    /// are merged.
    pub fn new(p: &[(f64, f64)], q: &[(f64, f64)]) -> Atoms {
        let mut xs: Vec<f64> = p.iter().chain(q).map(|a| a.0).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let at = |list: &[(f64, f64)], x: f64| -> f64 {
            list.iter()
                .filter(|a| a.0.total_cmp(&x).is_eq())
                .map(|a| a.1)
                .sum()
        };
        Atoms {
            p: xs.iter().map(|&x| at(p, x)).collect(),
            q: xs.iter().map(|&x| at(q, x)).collect(),
            x: xs,
        }
    }

    /// No atom on either side.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Number of positions.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// The bins followed by the atoms' cells, for P and for Q.
    pub fn cells(&self, p: &[f64], q: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut pc = p.to_vec();
        pc.extend_from_slice(&self.p);
        let mut qc = q.to_vec();
        qc.extend_from_slice(&self.q);
        (pc, qc)
    }

    /// The sorted breakpoints of a walk over the grid with these atoms, and
    /// the jumps of P and Q at each.
    fn jumps(&self, grid: &Grid, p: &[f64], q: &[f64]) -> Vec<(f64, f64, f64)> {
        let last = grid.len() - 1;
        let mut pts: Vec<(f64, f64, f64)> = vec![
            (grid.centre(0), p[0], q[0]),
            (grid.centre(last), p[last], q[last]),
        ];
        for k in 0..self.len() {
            if self.x[k].is_finite() {
                pts.push((self.x[k], self.p[k], self.q[k]));
            }
        }
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts
    }
}

/// One linear piece of e = F_Q − F_P: from `x0` to `x1`, e from `e0` to `e1`.
struct Piece {
    x0: f64,
    x1: f64,
    e0: f64,
    e1: f64,
}

/// The pieces of e over the whole line (outside them e = 0 up to rounding).
fn pieces(grid: &Grid, p: &[f64], q: &[f64], atoms: &Atoms) -> Vec<Piece> {
    let n = grid.n();
    let w = grid.width();
    let total: f64 = q.iter().zip(p).map(|(a, b)| a - b).sum::<f64>()
        + atoms
            .q
            .iter()
            .zip(&atoms.p)
            .map(|(a, b)| a - b)
            .sum::<f64>();
    // e from the left, and the smaller of it and its value from the right.
    let settle = |run: f64| {
        let right = run - total;
        if right.abs() < run.abs() { right } else { run }
    };
    let jumps = atoms.jumps(grid, p, q);
    // Breakpoints: interior edges and the jumps.
    let mut xs: Vec<f64> = (0..=n).map(|k| grid.edge(k)).collect();
    xs.extend(jumps.iter().map(|j| j.0));
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let slope_at = |x: f64| -> f64 {
        // The interior bin holding (x, x + dx), if any.
        if x >= grid.lo() && x < grid.hi() {
            let k = grid.bin_of_number(x);
            (q[k] - p[k]) / w
        } else {
            0.0
        }
    };
    let mut out = Vec::with_capacity(xs.len());
    let mut run = 0.0;
    let mut j = 0;
    for (i, &x) in xs.iter().enumerate() {
        while j < jumps.len() && jumps[j].0 <= x {
            run += jumps[j].2 - jumps[j].1;
            j += 1;
        }
        let Some(&x1) = xs.get(i + 1) else { break };
        let slope = slope_at(x);
        let e0 = settle(run);
        run += slope * (x1 - x);
        let e1 = settle(run);
        out.push(Piece { x0: x, x1, e0, e1 });
    }
    out
}

/// ∫ |e| over a unit interval where e is linear from a to b.
fn abs_linear(a: f64, b: f64) -> f64 {
    if (a >= 0.0 && b >= 0.0) || (a <= 0.0 && b <= 0.0) {
        0.5 * (a.abs() + b.abs())
    } else {
        0.5 * (a * a + b * b) / (a.abs() + b.abs())
    }
}

/// ∫₀ˢ sign(e) where e is linear from `a` at 0 to `v` at `s`.
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

/// W1 = ∫ |F_P − F_Q| dx for bins and atoms; see the [module docs](self).
///
/// # Panics
/// `p` or `q` is not of length `grid.len()`.
pub fn w1(grid: &Grid, p: &[f64], q: &[f64], atoms: &Atoms) -> f64 {
    if atoms.is_empty() {
        return super::wasserstein::w1(grid, p, q);
    }
    assert!(
        p.len() == grid.len() && q.len() == grid.len(),
        "slice lengths"
    );
    pieces(grid, p, q, atoms)
        .iter()
        .map(|s| (s.x1 - s.x0) * abs_linear(s.e0, s.e1))
        .sum()
}

/// The optimal critic f*(x) = ∫_lo^x sign(F_Q − F_P) at the n + 2 bin
/// centres, for bins and atoms, into `out`.
///
/// # Panics
/// A slice is not of length `grid.len()`.
pub fn critic_into(grid: &Grid, p: &[f64], q: &[f64], atoms: &Atoms, out: &mut [f64]) {
    if atoms.is_empty() {
        return super::wasserstein::critic_into(grid, p, q, out);
    }
    assert!(
        p.len() == grid.len() && q.len() == grid.len() && out.len() == grid.len(),
        "slice lengths"
    );
    let segs = pieces(grid, p, q, atoms);
    // f at x from the left end of the walk.
    let f_at = |x: f64| -> f64 {
        let mut f = 0.0;
        for s in &segs {
            if x <= s.x0 {
                break;
            }
            if x >= s.x1 {
                f += sign_linear(s.e0, s.e1, s.x1 - s.x0);
            } else {
                let t = (x - s.x0) / (s.x1 - s.x0);
                let v = s.e0 + t * (s.e1 - s.e0);
                f += sign_linear(s.e0, v, x - s.x0);
                break;
            }
        }
        f
    };
    let origin = f_at(grid.lo());
    for (k, o) in out.iter_mut().enumerate() {
        *o = f_at(grid.centre(k)) - origin;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_atoms_are_their_distance_apart() {
        let g = Grid::new(-1.0, 1.0, 8).unwrap();
        let zero = vec![0.0; g.len()];
        let a = Atoms::new(&[(0.0, 1.0)], &[(0.001, 1.0)]);
        assert!((w1(&g, &zero, &zero, &a) - 0.001).abs() < 1e-15);
        let same = Atoms::new(&[(0.25, 1.0)], &[(0.25, 1.0)]);
        assert_eq!((same.len(), same.p[0], same.q[0]), (1, 1.0, 1.0));
        assert!(w1(&g, &zero, &zero, &same).abs() < 1e-15);
    }

    #[test]
    fn an_atom_against_bins_is_the_mean_distance() {
        // Q uniform on [0, 1] (4 bins), P = δ(0): W1 = E|X| = 1/2.
        let g = Grid::new(0.0, 1.0, 4).unwrap();
        let p = vec![0.0; 6];
        let q = [0.0, 0.25, 0.25, 0.25, 0.25, 0.0];
        let a = Atoms::new(&[(0.0, 1.0)], &[]);
        assert!((w1(&g, &p, &q, &a) - 0.5).abs() < 1e-15);
        // δ(0.5) inside: E|X − ½| = ¼.
        let b = Atoms::new(&[(0.5, 1.0)], &[]);
        assert!((w1(&g, &p, &q, &b) - 0.25).abs() < 1e-15);
        // e = F_Q − F_P is x before ½ and x − 1 after: f*(x) = x, then 1 − x.
        // It pays W1: E_P f* − E_Q f* = f*(½) − ∫ f* = ½ − ¼.
        let mut f = vec![0.0; 6];
        critic_into(&g, &p, &q, &b, &mut f);
        let want = [0.0, 0.125, 0.375, 0.375, 0.125, 0.0];
        for (x, y) in f.iter().zip(want) {
            assert!((x - y).abs() < 1e-15, "{f:?}");
        }
    }

    #[test]
    fn without_atoms_it_is_the_bins_rule() {
        let g = Grid::new(0.0, 4.0, 4).unwrap();
        let p = [0.1, 0.4, 0.3, 0.1, 0.0, 0.1];
        let q = [0.0, 0.1, 0.1, 0.2, 0.5, 0.1];
        let none = Atoms::default();
        assert_eq!(
            w1(&g, &p, &q, &none),
            super::super::wasserstein::w1(&g, &p, &q)
        );
        // The walk itself (forced through a far-away zero atom) agrees.
        let far = Atoms::new(&[(100.0, 0.0)], &[(100.0, 0.0)]);
        let walked = w1(&g, &p, &q, &far);
        assert!((walked - super::super::wasserstein::w1(&g, &p, &q)).abs() < 1e-14);
        let mut a = [0.0; 6];
        let mut b = [0.0; 6];
        critic_into(&g, &p, &q, &far, &mut a);
        super::super::wasserstein::critic_into(&g, &p, &q, &mut b);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-14, "{a:?} {b:?}");
        }
    }
}
