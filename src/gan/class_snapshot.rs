//! The snapshot of a conditional run: p_g(· | c) for each class by the
//! exact pushforward of p_z through G(·, c) (the same z-points as an
//! unconditional run, so exact for a 1-D latent), p_data(· | c), D(·, c)
//! and D*(x, c) = p_data(x | c) / (p_data(x | c) + p_g(x | c)), JSD_c and
//! the rest of each class's theory, and the marginals
//! (see [`crate::theory::classes`]).
//!
//! The [`Snapshot`]'s own fields are then the marginal picture: p_data and
//! p_g are the marginals, `theory` is the marginals' theory with the cGAN's
//! C(G) = −ln 4 + 2 Σ_c π_c JSD_c and V(G, D) = Σ_c π_c V_c, `d` is the
//! class mean of D(·, c) weighted by the posterior of c among real and fake
//! samples at x (at every class's optimum it is the marginal D*), the force
//! is the class mean weighted by where each class's fakes are, and the
//! z → x map is class 1's.
//!
//! For the f-GAN losses each class has its optimal critic
//! T*(·, c) = f′(p_data(· | c)/p_g(· | c)), and the snapshot's `f_divergence`
//! and `f_bound` are the conditional ones, Σ_c π_c D_f(p_data(· | c) ‖
//! p_g(· | c)) and Σ_c π_c (bound of the critic T(·, c) in class c), as C(G)
//! is the cGAN's: the critic's bound estimates the first, so their gap is
//! ≥ 0 and 0 only at every class's optimum; `t_star` is the class mean of
//! the T*(·, c), weighted as `d` is. The config allows no point masses and
//! no oracle with classes, so `d_atoms` is empty and `d_is_oracle` false.

use crate::density::Univariate;
use crate::theory::classes::class_mean;
use crate::theory::{
    ClassInput, Conditional, Grid, bin_masses, pushforward_masses, pushforward_samples,
};

use super::loss::display_d;
use super::oracle::finite_range;
use super::snapshot::{GRID_BINS, LatentPoints, MAP_LINES};
use super::{Snapshot, Trainer};
use crate::density::Classes;

fn refs(v: &[Vec<f64>]) -> Vec<&[f64]> {
    v.iter().map(Vec::as_slice).collect()
}

/// One class of a conditional snapshot; densities on the snapshot's grid.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassSnapshot {
    /// π_c.
    pub weight: f64,
    /// p_data(x | c) per bin as a density.
    pub p_data: Vec<f64>,
    /// p_g(x | c) per bin as a density.
    pub p_g: Vec<f64>,
    /// p_data(· | c)'s bin masses (they sum to 1).
    pub p_data_mass: Vec<f64>,
    /// p_g(· | c)'s bin masses.
    pub p_g_mass: Vec<f64>,
    /// D(x, c) as plotted (a probability for the cross-entropy losses).
    pub d: Vec<f64>,
    /// D(x, c)'s raw output.
    pub d_raw: Vec<f64>,
    /// The class's theory: D*(·, c), JSD_c, V_c, C_c, KL, W1, its modes.
    pub theory: crate::theory::Theory,
    /// G(·, c) at the snapshot's `map_z`.
    pub map_x: Vec<f64>,
    /// The optimal map of the class, `F_{data|c}⁻¹(F_z(z))`.
    pub map_optimal: Vec<f64>,
    /// The force on a fake sample of class c at each bin centre.
    pub force: Vec<f64>,
    /// f-GAN losses: the class's optimal critic T*(·, c) per bin (empty
    /// for the other losses).
    pub t_star: Vec<f64>,
    /// f-GAN losses: D_f(p_data(· | c) ‖ p_g(· | c)) on the grid (`None`
    /// for the other losses).
    pub f_divergence: Option<f64>,
    /// f-GAN losses: the bound of the critic T(·, c) in class c.
    pub f_bound: Option<f64>,
}

impl Trainer {
    /// The snapshot of a conditional run; see the [module docs](self).
    pub(super) fn class_snapshot(&self, classes: &Classes) -> Snapshot {
        let loss = self.config.loss;
        let k = classes.k();
        let g_x: Vec<Vec<f64>> = (0..k)
            .map(|c| match &self.latent_points {
                LatentPoints::Exact(zp) => self.generate_class(&zp.z, c),
                LatentPoints::Sample(z) => self.generate_class(z, c),
            })
            .collect();
        let all: Vec<f64> = g_x.iter().flatten().copied().collect();
        let marginal = classes.marginal();
        let grid = Grid::for_target(marginal, finite_range(&all), GRID_BINS);
        let x = grid.centres();
        let p_mass: Vec<Vec<f64>> = (0..k)
            .map(|c| bin_masses(&grid, &classes.class(c)))
            .collect();
        let q_mass: Vec<Vec<f64>> = g_x
            .iter()
            .map(|gx| match &self.latent_points {
                LatentPoints::Exact(zp) => {
                    let mut q = vec![0.0; grid.len()];
                    pushforward_masses(&grid, gx, &zp.seg_mass, &mut q);
                    q
                }
                LatentPoints::Sample(_) => pushforward_samples(&grid, gx),
            })
            .collect();
        let d_raw: Vec<Vec<f64>> = (0..k).map(|c| self.d_raw_class(&x, c)).collect();
        let modes: Vec<Vec<crate::density::Mode>> =
            (0..k).map(|c| classes.class(c).modes()).collect();
        let logits = loss.is_cross_entropy();
        let inputs: Vec<ClassInput<'_>> = (0..k)
            .map(|c| ClassInput {
                weight: classes.weights()[c],
                p: &p_mass[c],
                q: &q_mass[c],
                logits: logits.then_some(d_raw[c].as_slice()),
                modes: &modes[c],
            })
            .collect();
        let theory = Conditional::compute(&grid, &inputs, &marginal.modes());

        let (map_z, z_in) = self.map_points();
        let u = |j: usize| (j as f64 + 0.5) / MAP_LINES as f64;
        let inv_w = 1.0 / grid.width();
        let density = |m: &[f64]| m.iter().map(|v| v * inv_w).collect::<Vec<f64>>();
        let weights = classes.weights();
        let d: Vec<Vec<f64>> = d_raw
            .iter()
            .map(|r| r.iter().map(|&l| display_d(loss, l)).collect())
            .collect();
        let force: Vec<Vec<f64>> = (0..k).map(|c| self.generator_force_class(&x, c)).collect();
        let both: Vec<Vec<f64>> = (0..k)
            .map(|c| {
                p_mass[c]
                    .iter()
                    .zip(&q_mass[c])
                    .map(|(a, b)| a + b)
                    .collect()
            })
            .collect();
        let mean_d = class_mean(weights, &refs(&both), &refs(&d));
        let mean_raw = class_mean(weights, &refs(&both), &refs(&d_raw));
        let mean_force = class_mean(weights, &refs(&q_mass), &refs(&force));
        // f-GAN: each class's T*, D_f and bound, and their conditional sums.
        let fdiv = loss.fdiv();
        let t_star: Vec<Vec<f64>> = (0..k)
            .map(|c| fdiv.map_or_else(Vec::new, |f| f.t_star_of_masses(&p_mass[c], &q_mass[c])))
            .collect();
        let f_div: Vec<Option<f64>> = (0..k)
            .map(|c| fdiv.map(|f| f.divergence(&p_mass[c], &q_mass[c])))
            .collect();
        let f_bnd: Vec<Option<f64>> = (0..k)
            .map(|c| fdiv.map(|f| f.bound(&p_mass[c], &q_mass[c], &d_raw[c])))
            .collect();
        let weighted = |v: &[Option<f64>]| -> Option<f64> {
            weights.iter().zip(v).map(|(w, v)| v.map(|v| w * v)).sum()
        };
        let (f_divergence, f_bound) = (weighted(&f_div), weighted(&f_bnd));
        let mean_t_star = if fdiv.is_some() {
            class_mean(weights, &refs(&both), &refs(&t_star))
        } else {
            Vec::new()
        };
        let per_class: Vec<super::ClassSnapshot> = theory
            .classes
            .into_iter()
            .enumerate()
            .map(|(c, t)| {
                let family = classes.family(c);
                super::ClassSnapshot {
                    weight: weights[c],
                    p_data: density(&p_mass[c]),
                    p_g: density(&q_mass[c]),
                    p_data_mass: p_mass[c].clone(),
                    p_g_mass: q_mass[c].clone(),
                    d: d[c].clone(),
                    d_raw: d_raw[c].clone(),
                    theory: t,
                    map_x: self.generate_class(&z_in, c),
                    map_optimal: (0..MAP_LINES).map(|j| family.quantile(u(j))).collect(),
                    force: force[c].clone(),
                    t_star: t_star[c].clone(),
                    f_divergence: f_div[c],
                    f_bound: f_bnd[c],
                }
            })
            .collect();
        Snapshot {
            step: self.step_count(),
            state: self.state(),
            loss,
            p_data: density(&theory.p),
            p_g: density(&theory.q),
            p_data_mass: theory.p,
            p_g_mass: theory.q,
            p_g_exact: matches!(self.latent_points, LatentPoints::Exact(_)),
            force: mean_force,
            grid,
            x,
            d: mean_d,
            d_raw: mean_raw,
            theory: theory.marginal,
            map_x: per_class[0].map_x.clone(),
            map_optimal: per_class[0].map_optimal.clone(),
            map_z,
            d_atoms: Vec::new(),
            t_star: mean_t_star,
            f_divergence,
            f_bound,
            d_is_oracle: false,
            // The tests of the marginal; D's accuracies need no class-free D
            // and are left out (see `observe`).
            observed: self.observe(),
            // A classes(…) target takes no finite set (see `keys`).
            empirical: None,
            p_data_note: super::snapshot::data_note(&self.target),
            classes: per_class,
        }
    }
}
