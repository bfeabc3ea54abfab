//! The oracle discriminator (`d_model = oracle`): G trained against the
//! exact optimum of its loss for the current p_g, recomputed on the grid at
//! every G step — the argument of Proposition 2 of Goodfellow et al. (2014),
//! made runnable.
//!
//! # The gradient G follows (the envelope theorem)
//!
//! With D held at its optimum, C(G) = max_D V(G, D) = V(G, D*_G). Since D*_G
//! maximises V(G, ·), the envelope theorem gives
//!
//! ```text
//! dC/dθ = ∂V(G_θ, D)/∂θ at D = D*_G = E_z[ ∂ₓ ln(1 − D*(x)) · ∂G_θ(z)/∂θ ],  x = G_θ(z),
//! ```
//!
//! so the G step is the ordinary one with D replaced by D* and held fixed.
//! The same holds for every loss whose optimum is a closed form: the f-GAN
//! critic T* (then G descends D_f) and WGAN's f* (G descends W1).
//!
//! # D* is piecewise constant on the grid: which interpolation
//!
//! From the bin masses P (p_data) and Q (the exact pushforward of the prior
//! through G), the log density ratio per bin is rᵢ = ln(Pᵢ/Qᵢ), clamped to
//! ±[`CLAMP`] (a bin where one mass is 0 sits at the clamp). D* = σ(r) is
//! constant in each bin, so its x-gradient is 0 almost everywhere. The oracle
//! interpolates r *linearly between the centres of the interior bins*
//! (constant beyond the first and last centre) and maps it through the loss's
//! optimum:
//!
//! | loss                      | raw output v(x)       | from                         |
//! |---------------------------|-----------------------|------------------------------|
//! | minimax, non_saturating   | r (the logit of D*)   | D* = σ(r)                    |
//! | lsgan                     | σ(r) = D*             | D* = p/(p + q) for labels 0/1 |
//! | fgan_*                    | g_f⁻¹(T*(r))          | [`super::fgan::FDiv::v_star`] |
//! | wgan, wgan_gp             | f*(x)                 | [`crate::theory::critic`], itself piecewise linear |
//!
//! and ∂ₓv = v′(r)·∂ₓr is the slope of that piecewise-linear r: the central
//! difference of neighbouring bins. `hinge` has a step optimum (±1) with no
//! useful slope; the config refuses it with the oracle.
//!
//! # Where it fails
//!
//! Proposition 2 lets p_g move freely in the space of distributions. G moves
//! in its parameters: a linear G fed normal noise can only make normals, so
//! on two modes the exact gradient stops at the best normal, not at p_data.

use nalgebra::RealField;

use super::LossKind;
use super::fgan::FDiv;
use super::loss::g_loss_one;
use crate::density::Mixture;
use crate::scalar::sigmoid;
use crate::theory::{Grid, bin_masses, critic, pushforward_masses};

/// The log density ratio is kept within ±CLAMP: wide enough that the ratio
/// is not cut over the ±3.8σ of a batch's noise (a narrow mode 8σ into G's
/// tail has r ≈ −30), small enough that Pearson's f*(T*) ≈ e^(2r) stays
/// below f32's 3e38.
pub const CLAMP: f64 = 40.0;

/// How the interpolated quantity becomes D's raw output.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Map {
    /// v = r.
    Logit,
    /// v = σ(r).
    Sigmoid,
    /// v = g_f⁻¹(T*(r)).
    F(FDiv),
    /// The table is f* itself.
    Critic,
}

/// The exact optimum of one loss for one p_g, as a function of x; see the
/// [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct Oracle {
    loss: LossKind,
    map: Map,
    /// The first interior bin centre and the bin width.
    x1: f64,
    w: f64,
    /// r (or f*) at the interior bin centres.
    table: Vec<f64>,
}

/// The range of the finite values of `xs`, if any.
pub(super) fn finite_range(xs: &[f64]) -> Option<(f64, f64)> {
    let r = xs
        .iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    (r.0 <= r.1).then_some(r)
}

fn cast<T: RealField + Copy>(x: f64) -> T {
    nalgebra::convert(x)
}

impl Oracle {
    /// The optimum of `loss` for bin masses `p` (p_data) and `q` (p_g) on
    /// `grid` (n + 2 bins each); `None` for `hinge`.
    ///
    /// # Panics
    /// The masses are not of the grid's length.
    pub fn new(loss: LossKind, grid: &Grid, p: &[f64], q: &[f64]) -> Option<Oracle> {
        assert!(
            p.len() == grid.len() && q.len() == grid.len(),
            "slice lengths"
        );
        let map = match loss {
            LossKind::Minimax | LossKind::NonSaturating => Map::Logit,
            LossKind::Lsgan => Map::Sigmoid,
            LossKind::Wgan | LossKind::WganGp => Map::Critic,
            LossKind::Hinge => return None,
            _ => match loss.fdiv() {
                Some(f) => Map::F(f),
                None => return None,
            },
        };
        let n = grid.n();
        let table = if map == Map::Critic {
            critic(grid, p, q)[1..=n].to_vec()
        } else {
            (1..=n)
                .map(|i| {
                    let (a, b) = (p[i], q[i]);
                    if a > 0.0 || b > 0.0 {
                        (a.ln() - b.ln()).clamp(-CLAMP, CLAMP)
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        Some(Oracle {
            loss,
            map,
            x1: grid.centre(1),
            w: grid.width(),
            table,
        })
    }

    /// The optimum for G's exact pushforward: G's values `g_x` at the
    /// prior's z-points with segment masses `seg_mass`, on the grid of
    /// [`Grid::for_target`] with `bins` interior bins (as the snapshot's).
    pub fn for_pushforward(
        loss: LossKind,
        target: &Mixture,
        g_x: &[f64],
        seg_mass: &[f64],
        bins: usize,
    ) -> Option<Oracle> {
        let grid = Grid::for_target(target, finite_range(g_x), bins);
        let p = bin_masses(&grid, target);
        let mut q = vec![0.0; grid.len()];
        pushforward_masses(&grid, g_x, seg_mass, &mut q);
        Oracle::new(loss, &grid, &p, &q)
    }

    /// The interpolated table and its slope at x.
    fn table_at(&self, x: f64) -> (f64, f64) {
        let t = &self.table;
        let last = t.len() - 1;
        let s = (x - self.x1) / self.w;
        if s.is_nan() {
            return (f64::NAN, f64::NAN);
        }
        if s <= 0.0 {
            return (t[0], 0.0);
        }
        if s >= last as f64 {
            return (t[last], 0.0);
        }
        let j = (s.floor() as usize).min(last - 1);
        let frac = s - j as f64;
        let slope = (t[j + 1] - t[j]) / self.w;
        (t[j] + frac * (t[j + 1] - t[j]), slope)
    }

    /// D's raw output at x and its x-derivative.
    pub fn value(&self, x: f64) -> (f64, f64) {
        let (u, du) = self.table_at(x);
        match self.map {
            Map::Logit | Map::Critic => (u, du),
            Map::Sigmoid => {
                let s = sigmoid(u);
                (s, s * (1.0 - s) * du)
            }
            Map::F(f) => {
                let (v, dv) = f.v_star(u);
                (v, dv * du)
            }
        }
    }

    /// D's raw output at many x (the snapshot's `d_raw`).
    pub fn raw_at(&self, xs: &[f64]) -> Vec<f64> {
        xs.iter().map(|&x| self.value(x).0).collect()
    }

    /// G's loss on the fakes `x` against this D, `L_G = mean ℓ_G(v(x))`;
    /// writes `∂L_G/∂x = ℓ_G′(v)·∂ₓv/n` into `dl_dx` and returns `L_G` and
    /// the mean raw output.
    ///
    /// # Panics
    /// `dl_dx.len() ≠ x.len()`.
    pub fn g_loss<T: RealField + Copy>(&self, x: &[T], dl_dx: &mut [T]) -> (T, T) {
        assert_eq!(x.len(), dl_dx.len(), "dl_dx must match x");
        let inv = 1.0 / x.len().max(1) as f64;
        let (mut loss, mut mean) = (0.0, 0.0);
        for (&xi, gi) in x.iter().zip(dl_dx.iter_mut()) {
            let xf: f64 = nalgebra::try_convert(xi).unwrap_or(f64::NAN);
            let (v, dv) = self.value(xf);
            let (l, dl) = g_loss_one(self.loss, v);
            loss += l * inv;
            mean += v * inv;
            *gi = cast(dl * dv * inv);
        }
        (cast(loss), cast(mean))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;
    use crate::theory::Prior;

    #[test]
    fn the_table_interpolates_the_log_ratio_between_centres() {
        let grid = Grid::new(0.0, 4.0, 4).unwrap();
        let p = [0.0, 0.1, 0.2, 0.3, 0.4, 0.0];
        let q = [0.0, 0.4, 0.3, 0.2, 0.1, 0.0];
        let o = Oracle::new(LossKind::Minimax, &grid, &p, &q).unwrap();
        // Centres at 0.5, 1.5, 2.5, 3.5; r = ln(p/q) there.
        let r = |i: usize| (p[i] / q[i]).ln();
        let close =
            |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 1e-14 && (a.1 - b.1).abs() < 1e-14;
        assert!(close(o.value(0.5), (r(1), 0.0)));
        assert!(close(
            o.value(0.75),
            (0.75 * r(1) + 0.25 * r(2), r(2) - r(1))
        ));
        assert!(close(o.value(2.0), (0.5 * (r(2) + r(3)), r(3) - r(2))));
        assert!(close(o.value(-3.0), (r(1), 0.0)));
        assert!(close(o.value(9.0), (r(4), 0.0)));
        assert!(Oracle::new(LossKind::Hinge, &grid, &p, &q).is_none());
    }

    #[test]
    fn a_generator_on_the_target_sees_d_star_one_half() {
        // G(z) = 2 + 0.5 z with normal noise is p_data = normal(2, 0.5).
        let target = parse_spec("normal(2, 0.5)").unwrap();
        let zp = Prior::Normal.z_points(4096);
        let g_x: Vec<f64> = zp.z.iter().map(|z| 2.0 + 0.5 * z).collect();
        let o =
            Oracle::for_pushforward(LossKind::Minimax, &target, &g_x, &zp.seg_mass, 1024).unwrap();
        for x in [1.0, 1.5, 2.0, 2.7, 3.2] {
            let (v, dv) = o.value(x);
            // The grid's resolution: the logit to 1e-3, its slope to 0.05
            // (against slopes of order 1/σ = 2 a step away from the optimum).
            assert!(
                v.abs() < 1e-3 && dv.abs() < 0.05,
                "at {x}: logit {v}, slope {dv}"
            );
        }
    }
}
