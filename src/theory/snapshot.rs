//! Every exact quantity of one moment of training, computed together.
//!
//! # Formula
//! From the bin masses P (p_data) and Q (p_g) on a grid and D's logits per bin:
//! D* = P/(P+Q), V(G, D), C(G) = V(G, D*) = −ln 4 + 2·JSD, KL both ways, W1 and
//! the critic f*, LSGAN's χ²_Pearson(P+Q ‖ 2Q), and mode coverage; see the
//! module of each quantity for its formula and non-finite rule.
//!
//! With point masses ([`Theory::compute_with_atoms`]) every sum also runs
//! over the atoms' cells, D* is also given at the atoms, and W1 and f* see
//! the CDFs' steps (see [`super::atoms`]).
//!
//! # Non-finite values
//! As in each quantity's module: D* is NaN where P = Q = 0, an infinite KL is
//! `None` (JSON `null`), `v` is `None` when no D was given, a NaN mass or logit
//! propagates into the sums it enters.

use super::atoms::{Atoms, critic_into as atom_critic, w1 as atom_w1};
use super::divergence::{jsd, kl, lsgan_chi2};
use super::grid::Grid;
use super::modes::{ModeCoverage, mode_coverage, mode_coverage_with_atoms};
use super::value::{c_of_g, d_star, d_star_into, value};
use super::wasserstein::{critic_into, w1};
use crate::density::Mode;
use serde::{Deserialize, Serialize};

/// The exact theory for one (p_data, p_g, D).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Theory {
    /// D*ᵢ = Pᵢ/(Pᵢ+Qᵢ) per bin (n + 2 values; NaN where both are 0).
    pub d_star: Vec<f64>,
    /// The optimal 1-Lipschitz critic f* at the bin centres, 0 at the grid's left edge.
    pub critic: Vec<f64>,
    /// V(G, D) for the given logits; `None` without a D.
    pub v: Option<f64>,
    /// C(G) = V(G, D*).
    pub c_g: f64,
    /// JSD(p_data ‖ p_g), nats.
    pub jsd: f64,
    /// KL(p_data ‖ p_g); `None` = infinite.
    pub kl_data_g: Option<f64>,
    /// KL(p_g ‖ p_data); `None` = infinite.
    pub kl_g_data: Option<f64>,
    /// W1(p_data, p_g).
    pub w1: f64,
    /// χ²_Pearson(p_data + p_g ‖ 2 p_g), LSGAN's divergence.
    pub lsgan_chi2: f64,
    /// Mode coverage of the target's modes (empty for no modes).
    pub modes: ModeCoverage,
    /// The point masses of p_data and p_g beside the bins (empty without).
    pub atoms: Atoms,
    /// D* = P/(P + Q) at each atom's position.
    pub d_star_atoms: Vec<f64>,
}

impl Theory {
    /// Compute every quantity. `p`, `q` (and `logits` when given) have the
    /// grid's n + 2 bins; `modes` are the target's (`Mixture::modes`).
    ///
    /// # Panics
    /// A slice is not of length `grid.len()`.
    pub fn compute(
        grid: &Grid,
        p: &[f64],
        q: &[f64],
        logits: Option<&[f64]>,
        modes: &[Mode],
    ) -> Theory {
        let mut t = Theory::default();
        t.compute_into(grid, p, q, logits, modes);
        t
    }

    /// [`Theory::compute`] reusing this value's buffers.
    ///
    /// # Panics
    /// A slice is not of length `grid.len()`.
    pub fn compute_into(
        &mut self,
        grid: &Grid,
        p: &[f64],
        q: &[f64],
        logits: Option<&[f64]>,
        modes: &[Mode],
    ) {
        let len = grid.len();
        assert!(p.len() == len && q.len() == len, "slice lengths");
        self.d_star.resize(len, 0.0);
        self.critic.resize(len, 0.0);
        d_star_into(p, q, &mut self.d_star);
        critic_into(grid, p, q, &mut self.critic);
        self.v = logits.map(|l| value(p, q, l));
        self.c_g = c_of_g(p, q);
        self.jsd = jsd(p, q);
        self.kl_data_g = kl(p, q);
        self.kl_g_data = kl(q, p);
        self.w1 = w1(grid, p, q);
        self.lsgan_chi2 = lsgan_chi2(p, q);
        self.modes = mode_coverage(grid, q, modes);
    }

    /// [`Theory::compute`] when p_data or p_g has point masses: `atoms`
    /// holds both sides' atoms, and `atom_logits` D's logits at their
    /// positions (with `logits`). Each atom is a cell of its own in every sum
    /// (see [`super::atoms`]); without atoms this is `compute`.
    ///
    /// # Panics
    /// A slice is not of length `grid.len()`, or `atom_logits` is given and
    /// not of length `atoms.len()`.
    pub fn compute_with_atoms(
        grid: &Grid,
        p: &[f64],
        q: &[f64],
        atoms: &Atoms,
        logits: Option<(&[f64], &[f64])>,
        modes: &[Mode],
    ) -> Theory {
        let mut t = Theory::default();
        if atoms.is_empty() {
            t.compute_into(grid, p, q, logits.map(|l| l.0), modes);
            return t;
        }
        let len = grid.len();
        assert!(p.len() == len && q.len() == len, "slice lengths");
        let (pc, qc) = atoms.cells(p, q);
        t.d_star = d_star(p, q);
        t.d_star_atoms = d_star(&atoms.p, &atoms.q);
        t.critic = vec![0.0; len];
        atom_critic(grid, p, q, atoms, &mut t.critic);
        t.v = logits.map(|(bins, at)| {
            assert_eq!(at.len(), atoms.len(), "one logit per atom");
            let mut l = bins.to_vec();
            l.extend_from_slice(at);
            value(&pc, &qc, &l)
        });
        t.c_g = c_of_g(&pc, &qc);
        t.jsd = jsd(&pc, &qc);
        t.kl_data_g = kl(&pc, &qc);
        t.kl_g_data = kl(&qc, &pc);
        t.w1 = atom_w1(grid, p, q, atoms);
        t.lsgan_chi2 = lsgan_chi2(&pc, &qc);
        let g_atoms: Vec<(f64, f64)> = atoms
            .x
            .iter()
            .zip(&atoms.q)
            .filter(|(_, m)| **m > 0.0)
            .map(|(x, m)| (*x, *m))
            .collect();
        t.modes = mode_coverage_with_atoms(grid, q, &g_atoms, modes);
        t.atoms = atoms.clone();
        t
    }

    /// C(G) − V(G, D) ≥ 0: how far D is from optimal; `None` without a D.
    pub fn gap(&self) -> Option<f64> {
        self.v.map(|v| self.c_g - v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;
    use crate::theory::{Prior, bin_masses, pushforward};

    #[test]
    fn snapshot_of_a_collapsed_generator() {
        let target = parse_spec("modes(2, 4, 0.5)").unwrap();
        let grid = Grid::for_target(&target, Some((1.9, 2.1)), 256);
        let p = bin_masses(&grid, &target);
        let q = pushforward(&grid, Prior::Uniform, 1024, |z| 2.0 + 0.1 * z);
        let logits = vec![0.0; grid.len()];
        let t = Theory::compute(&grid, &p, &q, Some(&logits), &target.modes());
        assert_eq!((t.modes.covered, t.modes.total), (1, 2));
        assert!((t.modes.kl_modes - 2f64.ln()).abs() < 1e-12);
        assert!(t.kl_g_data.is_some() && t.kl_data_g.is_none());
        assert!((t.c_g - (-(4f64.ln()) + 2.0 * t.jsd)).abs() < 1e-12);
        assert!((t.v.unwrap() + 4f64.ln()).abs() < 1e-12);
        assert!(t.gap().unwrap() >= 0.0);
        // E|X - 2| under the target: 0.5*4 + 0.5*0.5*sqrt(2/pi) = 2.2, less G spread.
        assert!((t.w1 - 2.16).abs() < 0.05, "{}", t.w1);
    }
}
