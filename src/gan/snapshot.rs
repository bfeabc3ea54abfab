//! What the window draws and the CLI summarises, at one moment of training:
//! p_data, p_g, D, D* and the critic f* on a grid, the exact theory
//! quantities, the z → x map and the generator's force.
//!
//! # How p_g is obtained
//!
//! - `latent_dim = 1`: exactly, as the pushforward of the prior through G
//!   ([`crate::theory::pushforward_masses`]) on the prior's z-points, which are
//!   computed once per trainer ([`Prior::z_points`] with
//!   [`Z_SEGMENTS`] segments). `p_g_exact = true`.
//! - `latent_dim > 1`: estimated, as the histogram of G on a fixed
//!   quasi-random sample of [`QMC_POINTS`] z (a Halton sequence, one prime
//!   base per coordinate, mapped through the prior's quantile), drawn once
//!   when the trainer is built and never from the training stream.
//!   `p_g_exact = false`.
//!
//! # Point masses
//!
//! A `dirac` target and a constant G (`g_model = "constant"`, p_g = δ(θ))
//! are atoms, kept beside the bins in `theory.atoms` with D at their
//! positions in [`Snapshot::d_atoms`]; the bins hold only the continuous
//! parts (see [`crate::theory::atoms`]).
//!
//! # The grid
//!
//! [`Grid::for_target`] over the target's central range, widened to G's
//! range, with [`GRID_BINS`] interior bins and an overflow bin on each side.
//! Densities are masses over the bin width (an overflow bin's mass is read as
//! sitting in one bin width at its centre).
//!
//! # D and its optimum, per loss
//!
//! - minimax, non-saturating: `d` is the probability `σ(l)`; the optimum is
//!   `D* = p_data/(p_data + p_g)`, and `V(G, D)` is computed from the logits.
//! - lsgan (a = 0, b = 1): `d` is the raw output; the optimum is the same `D*`
//!   and its divergence is Pearson χ²(p_data + p_g ‖ 2 p_g).
//! - wgan, wgan-gp: `d` is the raw critic; the optimum is the 1-Lipschitz
//!   `f*(x) = ∫ sign(F_g − F_data)`, defined up to a constant (0 at the grid's
//!   left edge), and its value is W1.
//! - hinge: `d` is the raw critic; no closed-form optimum is drawn.
//! - f-GAN (`fgan_*`): `d` is the critic `T = g_f(v)`; the optimum is
//!   `T* = f′(p_data/p_g)` per bin, and `f_divergence` and `f_bound` are
//!   D_f(p_data‖p_g) and the variational bound at the current critic (see
//!   [`super::fgan`]), so that their gap shows how far T is from T*. With
//!   atoms both sum over the atoms' cells too (the critic at an atom's
//!   position), by the rule of [`crate::theory::atoms`]: an atom of p_data
//!   where p_g has none makes KL(p_data‖p_g) and χ² infinite and counts fully
//!   in H² and JSD.
//!
//! `theory.v` (and so the gap `C(G) − V(G, D)`) is only given for the
//! cross-entropy losses, whose D is a probability.
//!
//! With `d_model = oracle`, `d` and the force are those of the exact optimum
//! ([`super::oracle`]) instead of the network's, so the figure shows D on D*
//! and V(G, D) = C(G).
//!
//! # Classes
//!
//! For a `classes(…)` target, [`Snapshot::classes`] holds each class's
//! picture and the snapshot's own fields the marginal one (see
//! [`super::class_snapshot`]); for an unconditional target it is empty.

use crate::density::families::Family;
use crate::density::{Mixture, Univariate};
use crate::theory::{
    Atoms, Grid, Prior, Theory, ZPoints, bin_masses, continuous_bin_masses, pushforward_masses,
    pushforward_samples,
};

use super::loss::display_d;
use super::oracle::{Oracle, finite_range};
use super::{DModel, GModel, LossKind, Observed, State, Trainer};

/// Interior bins of the snapshot's grid.
pub const GRID_BINS: usize = 1024;
/// Equal-mass segments of the prior for the exact pushforward.
pub const Z_SEGMENTS: usize = 4096;
/// Quasi-random z for `latent_dim > 1`.
pub const QMC_POINTS: usize = 16_384;
/// z-quantiles of the z → x map.
pub const MAP_LINES: usize = 40;
/// Most samples of a data set drawn as a rug.
pub const RUG_MAX: usize = 1000;

/// The z at which p_g is evaluated, fixed for a trainer's life.
#[derive(Clone, Debug)]
pub(super) enum LatentPoints {
    /// 1-D latent: the prior's segments.
    Exact(ZPoints),
    /// m-D latent: quasi-random points, `latent_dim` values each.
    Sample(Vec<f64>),
}

/// The first 64 primes: one Halton base per latent coordinate.
const PRIMES: [u64; 64] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
    197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307,
    311,
];

/// The radical inverse of `i` in base `b`, in (0, 1) for `i ≥ 1`.
fn radical_inverse(mut i: u64, b: u64) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    while i > 0 {
        f /= b as f64;
        r += f * (i % b) as f64;
        i /= b;
    }
    r
}

impl LatentPoints {
    pub(super) fn new(prior: Prior, latent_dim: usize) -> Self {
        if latent_dim == 1 {
            return LatentPoints::Exact(prior.z_points(Z_SEGMENTS));
        }
        let mut z = Vec::with_capacity(QMC_POINTS * latent_dim);
        for i in 1..=QMC_POINTS as u64 {
            for &b in PRIMES.iter().take(latent_dim) {
                z.push(prior.quantile(radical_inverse(i, b)));
            }
        }
        LatentPoints::Sample(z)
    }
}

/// One frame of the theory; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Completed iterations.
    pub step: u64,
    /// Running or diverged.
    pub state: State,
    /// The loss (it decides what `d` and the optimum mean).
    pub loss: LossKind,
    /// The grid: `n + 2` bins, overflow bins first and last.
    pub grid: Grid,
    /// Bin centres (`n + 2`).
    pub x: Vec<f64>,
    /// p_data per bin as a density (mass / width).
    pub p_data: Vec<f64>,
    /// p_g per bin as a density.
    pub p_g: Vec<f64>,
    /// p_data's bin masses.
    pub p_data_mass: Vec<f64>,
    /// p_g's bin masses.
    pub p_g_mass: Vec<f64>,
    /// `true` when p_g is the exact pushforward (latent_dim = 1), `false`
    /// when it is a histogram estimate.
    pub p_g_exact: bool,
    /// D at the bin centres: a probability for the cross-entropy losses,
    /// raw otherwise.
    pub d: Vec<f64>,
    /// D's raw output (logit or critic) at the bin centres.
    pub d_raw: Vec<f64>,
    /// Every exact quantity: D*, f*, V, C(G), JSD, KL both ways (infinite
    /// as `None`), W1, Pearson χ², mode coverage.
    pub theory: Theory,
    /// The z-quantiles of the map, `F_z⁻¹((j + ½)/40)` (the first latent
    /// coordinate; the others at 0 when latent_dim > 1).
    pub map_z: Vec<f64>,
    /// G at `map_z`.
    pub map_x: Vec<f64>,
    /// The optimal (monotone) map at the same quantiles, `F_data⁻¹(F_z(z))`.
    pub map_optimal: Vec<f64>,
    /// The force on a fake sample at each bin centre, `−∂ℓ_G/∂x`.
    pub force: Vec<f64>,
    /// D as plotted at each atom's position (`theory.atoms`): a dirac
    /// target's atoms and a constant G's.
    pub d_atoms: Vec<f64>,
    /// f-GAN losses: the optimal critic `T* = f′(p_data/p_g)` per bin, from
    /// the bins' (continuous) masses (empty for the other losses).
    pub t_star: Vec<f64>,
    /// f-GAN losses: D_f(p_data‖p_g) on the grid, over the bins and the
    /// atoms' cells (∞ allowed); `None` for the other losses.
    pub f_divergence: Option<f64>,
    /// f-GAN losses: the bound `E_data T − E_g f*(T)` at the current critic,
    /// over the bins and the atoms' cells.
    pub f_bound: Option<f64>,
    /// `true` when D is the exact optimum (`d_model = oracle`), not a network.
    pub d_is_oracle: bool,
    /// The two-sample tests and D's accuracies, from samples of their own
    /// (see [`super::observe`]).
    pub observed: Observed,
    /// The theory against the finite training set (`dataset > 0`).
    pub empirical: Option<Empirical>,
    /// How p_data was made from samples, for a `csv(...)` target: the file,
    /// the column, the rows and the smoothing (`None` for the analytic
    /// families).
    pub p_data_note: Option<String>,
    /// Each class of a `classes(…)` target (empty for an unconditional one).
    pub classes: Vec<super::ClassSnapshot>,
}

/// The exact theory with the training set's smoothing in place of p_data:
/// what D and G are actually fitted to when `dataset = N > 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Empirical {
    /// N.
    pub n: usize,
    /// The smoothing, in words ("frequency polygon, Scott's rule h = 0.41").
    pub note: String,
    /// The smoothed set per bin as a density (empty without a smoothing).
    pub p: Vec<f64>,
    /// Its bin masses.
    pub p_mass: Vec<f64>,
    /// Every quantity against the set (`None` without a smoothing: the
    /// set's samples have no spread).
    pub theory: Option<Theory>,
    /// Up to [`RUG_MAX`] of the set's samples, to draw as a rug.
    pub rug: Vec<f64>,
}

/// The `csv` terms of a target, each as "file (rows): smoothing".
pub fn data_note(target: &Mixture) -> Option<String> {
    let notes: Vec<String> = target
        .terms()
        .iter()
        .filter_map(|t| match &t.family {
            Family::Csv(c) => Some(format!(
                "{} ({} rows): {}",
                c.file_name(),
                c.samples().len(),
                c.smoothing_note()
            )),
            _ => None,
        })
        .collect();
    (!notes.is_empty()).then(|| notes.join(" + "))
}

impl Snapshot {
    /// The optimum to draw against `d`: D* for minimax, non-saturating and
    /// lsgan, the critic f* for wgan and wgan-gp, none for hinge.
    pub fn optimum(&self) -> Option<&[f64]> {
        match self.loss {
            LossKind::Minimax | LossKind::NonSaturating | LossKind::Lsgan => {
                Some(&self.theory.d_star)
            }
            LossKind::Wgan | LossKind::WganGp => Some(&self.theory.critic),
            LossKind::Hinge => None,
            LossKind::FganKl
            | LossKind::FganReverseKl
            | LossKind::FganPearson
            | LossKind::FganHellinger
            | LossKind::FganJs => Some(&self.t_star),
        }
    }

    /// D_f − bound ≥ 0 for the f-GAN losses: how far the critic is from T*.
    pub fn f_gap(&self) -> Option<f64> {
        Some(self.f_divergence? - self.f_bound?)
    }

    /// `max |D(x) − ½|` over the bins where p_data is at least 5% of its
    /// peak: the paper's "D = ½ everywhere" at the global optimum. `None`
    /// for the losses whose D is not a probability.
    pub fn d_max_dev(&self) -> Option<f64> {
        if !self.loss.is_cross_entropy() {
            return None;
        }
        let atoms = &self.theory.atoms;
        if atoms.p.iter().any(|&m| m > 0.0) {
            // A point-mass target: D where its atoms are.
            let dev = atoms
                .p
                .iter()
                .zip(&self.d_atoms)
                .filter(|(p, _)| **p > 0.0)
                .map(|(_, d)| (d - 0.5).abs())
                .fold(0.0, f64::max);
            return Some(dev);
        }
        let peak = self.p_data.iter().copied().fold(0.0, f64::max);
        let dev = self
            .p_data
            .iter()
            .zip(&self.d)
            .filter(|(p, _)| **p >= 0.05 * peak)
            .map(|(_, d)| (d - 0.5).abs())
            .fold(0.0, f64::max);
        Some(dev)
    }
}

impl Trainer {
    /// Computes the snapshot of the current G and D (allocates; not for
    /// every step of a fast run).
    pub fn snapshot(&self) -> Snapshot {
        if let Some(classes) = &self.classes {
            return self.class_snapshot(classes);
        }
        let loss = self.config.loss;

        // G where p_g is measured.
        let (g_x, exact) = match &self.latent_points {
            LatentPoints::Exact(zp) => (self.generate(&zp.z), true),
            LatentPoints::Sample(z) => (self.generate(z), false),
        };
        // The grid covers where G and the data set put mass.
        let mut extra = finite_range(&g_x);
        if let Some(s) = self.dataset.as_ref().and_then(|d| d.smoothing()) {
            let (a, b) = s.support();
            extra = Some(extra.map_or((a, b), |(lo, hi)| (lo.min(a), hi.max(b))));
        }
        let grid = Grid::for_target(&self.target, extra, GRID_BINS);
        let p_mass = continuous_bin_masses(&grid, &self.target);
        // A constant G is the point mass δ(θ): an atom, not a bin.
        let constant = self.config.g_model == GModel::Constant;
        let g_atoms: Vec<(f64, f64)> = match g_x.first() {
            Some(&theta) if constant => vec![(theta, 1.0)],
            _ => Vec::new(),
        };
        let q_mass = match &self.latent_points {
            _ if constant => vec![0.0; grid.len()],
            LatentPoints::Exact(zp) => {
                let mut q = vec![0.0; grid.len()];
                pushforward_masses(&grid, &g_x, &zp.seg_mass, &mut q);
                q
            }
            LatentPoints::Sample(_) => pushforward_samples(&grid, &g_x),
        };
        let atoms = Atoms::new(&self.target.atoms(), &g_atoms);
        let x = grid.centres();
        // With the oracle, D is the exact optimum the last G step was taken against.
        let oracle = (self.config.d_model == DModel::Oracle)
            .then(|| Oracle::new(loss, &grid, &p_mass, &q_mass))
            .flatten();
        let d_raw = match &oracle {
            Some(o) => o.raw_at(&x),
            None => self.d_raw(&x),
        };
        let d = d_raw.iter().map(|&l| display_d(loss, l)).collect();
        let d_raw_atoms = match &oracle {
            Some(o) => o.raw_at(&atoms.x),
            None => self.d_raw(&atoms.x),
        };
        let d_atoms = d_raw_atoms.iter().map(|&l| display_d(loss, l)).collect();
        let logits = loss
            .is_cross_entropy()
            .then_some((d_raw.as_slice(), d_raw_atoms.as_slice()));
        let modes = self.target.modes();
        let theory = Theory::compute_with_atoms(&grid, &p_mass, &q_mass, &atoms, logits, &modes);
        // D_f and the bound sum over every cell: the bins, then the atoms
        // (each a cell of its own, with D's raw output at its position).
        let fdiv = loss.fdiv();
        let t_star = fdiv.map_or_else(Vec::new, |f| f.t_star_of_masses(&p_mass, &q_mass));
        let (p_cells, q_cells) = atoms.cells(&p_mass, &q_mass);
        let mut d_cells = d_raw.clone();
        d_cells.extend_from_slice(&d_raw_atoms);
        let f_divergence = fdiv.map(|f| f.divergence(&p_cells, &q_cells));
        let f_bound = fdiv.map(|f| f.bound(&p_cells, &q_cells, &d_cells));
        let inv_w = 1.0 / grid.width();
        // Against the training set's smoothing (a density: no atoms of its
        // own), with a constant G's atom as above.
        let empirical = self.dataset.as_ref().map(|set| {
            let smooth = set.smoothing();
            let e_mass = smooth.map(|s| bin_masses(&grid, s)).unwrap_or_default();
            let e_atoms = Atoms::new(&[], &g_atoms);
            let e_logits = match &oracle {
                Some(o) => o.raw_at(&e_atoms.x),
                None => self.d_raw(&e_atoms.x),
            };
            let logits = loss
                .is_cross_entropy()
                .then_some((d_raw.as_slice(), e_logits.as_slice()));
            Empirical {
                n: set.len(),
                note: set.smoothing_note(),
                p: e_mass.iter().map(|m| m * inv_w).collect(),
                theory: smooth.map(|_| {
                    Theory::compute_with_atoms(&grid, &e_mass, &q_mass, &e_atoms, logits, &modes)
                }),
                p_mass: e_mass,
                rug: set.samples().iter().take(RUG_MAX).copied().collect(),
            }
        });

        let u: Vec<f64> = (0..MAP_LINES)
            .map(|j| (j as f64 + 0.5) / MAP_LINES as f64)
            .collect();
        let (map_z, z_in) = self.map_points();
        let map_x = self.generate(&z_in);
        let map_optimal = u.iter().map(|&u| self.target.quantile(u)).collect();

        Snapshot {
            step: self.step_count(),
            state: self.state(),
            loss,
            p_data: p_mass.iter().map(|m| m * inv_w).collect(),
            p_g: q_mass.iter().map(|m| m * inv_w).collect(),
            p_data_mass: p_mass,
            p_g_mass: q_mass,
            p_g_exact: exact,
            force: match &oracle {
                Some(o) => x
                    .iter()
                    .map(|&xi| {
                        let (v, dv) = o.value(xi);
                        -super::loss::g_loss_one(loss, v).1 * dv
                    })
                    .collect(),
                None => self.generator_force(&x),
            },
            grid,
            x,
            d,
            d_raw,
            theory,
            map_z,
            map_x,
            map_optimal,
            d_atoms,
            t_star,
            f_divergence,
            f_bound,
            d_is_oracle: oracle.is_some(),
            observed: self.observe(),
            empirical,
            p_data_note: data_note(&self.target),
            classes: Vec::new(),
        }
    }

    /// The map's z-quantiles `F_z⁻¹((j + ½)/40)`, and G's inputs for them
    /// (the other latent coordinates at 0).
    pub(super) fn map_points(&self) -> (Vec<f64>, Vec<f64>) {
        let (prior, latent) = (self.config.prior, self.config.latent_dim);
        let map_z: Vec<f64> = (0..MAP_LINES)
            .map(|j| prior.quantile((j as f64 + 0.5) / MAP_LINES as f64))
            .collect();
        let mut z_in = vec![0.0; MAP_LINES * latent];
        for (j, &z) in map_z.iter().enumerate() {
            z_in[j * latent] = z;
        }
        (map_z, z_in)
    }
}
