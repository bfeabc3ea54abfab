//! The exact divergences between the target and a model on a grid, as
//! functions of the model's parameters θ, with their gradients.
//!
//! # Formula
//!
//! P are the target's exact bin masses, Q(θ) the model's, both from CDFs at
//! the grid's edges e₀ … e_n (n + 2 bins with the two overflow bins; each
//! mass from the CDF or the survival function, whichever is in its tail):
//!
//! ```text
//! kl_data_model  KL(P‖Q) = Σ P ln(P/Q)          ∂/∂Qᵢ = −Pᵢ/Qᵢ        (maximum likelihood)
//! kl_model_data  KL(Q‖P) = Σ Q ln(Q/P)          ∂/∂Qᵢ = ln(Qᵢ/Pᵢ) + 1
//! jsd            ½ Σ P ln(2P/(P+Q)) + Q ln(2Q/(P+Q))   ∂/∂Qᵢ = ½ ln(2Qᵢ/(Pᵢ+Qᵢ))
//! hellinger2     H² = ½ Σ (√P − √Q)²             ∂/∂Qᵢ = ½(1 − √(Pᵢ/Qᵢ))
//! w1             W1 = w Σₖ |F_Q(eₖ) − F_P(eₖ)|    ∂/∂F_Q(eₖ) = w·sign(·)
//! ```
//!
//! (W1 as the sum over edges counts each overflow bin's mass half a bin
//! outside the grid, as [`crate::theory::w1`] does, and differs from it by
//! O(w²) at bins where the CDFs cross.) Since Qᵢ = F(eᵢ) − F(eᵢ₋₁), the
//! gradient of a bin-mass divergence D is Σₖ (∂D/∂Qₖ − ∂D/∂Qₖ₊₁)·∂F(eₖ)/∂θ
//! with ∂F/∂θ from [`super::model`].
//!
//! # Non-finite values
//! KL is +∞ by [`crate::theory::kl`]'s rule (P puts 1e-12 or more where Q
//! is 0, or the reverse); a gradient term at Qᵢ = 0 uses Qᵢ = 1e-300.

use super::model::{Model, cdf_at_edges};
use crate::density::{Mixture, Univariate};
use crate::theory::{Grid, bin_masses, hellinger2, jsd, kl};

/// A divergence minimised by the exact fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Divergence {
    /// KL(data‖model): maximum likelihood, mode covering.
    KlDataModel,
    /// KL(model‖data): mode seeking.
    KlModelData,
    /// Jensen–Shannon divergence.
    Jsd,
    /// Squared Hellinger distance 1 − Σ √(PQ).
    Hellinger2,
    /// Wasserstein-1.
    W1,
}

impl Divergence {
    /// Every divergence, in the order of `fit.json`.
    pub const ALL: [Divergence; 5] = [
        Divergence::KlDataModel,
        Divergence::KlModelData,
        Divergence::Jsd,
        Divergence::Hellinger2,
        Divergence::W1,
    ];

    /// The name in `fit.json` and `--divergence`.
    pub fn name(self) -> &'static str {
        match self {
            Divergence::KlDataModel => "kl_data_model",
            Divergence::KlModelData => "kl_model_data",
            Divergence::Jsd => "jsd",
            Divergence::Hellinger2 => "hellinger2",
            Divergence::W1 => "w1",
        }
    }

    /// The divergence of this name.
    pub fn from_name(name: &str) -> Option<Divergence> {
        Divergence::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Interior bins of the fitting grid.
pub const FIT_BINS: usize = 2048;

/// The target on its fitting grid: what every fit and every evaluation
/// shares.
#[derive(Clone, Debug)]
pub struct Landscape {
    grid: Grid,
    edges: Vec<f64>,
    /// The target's bin masses.
    p: Vec<f64>,
    /// The target's CDF and survival function at the edges.
    p_cdf: Vec<f64>,
    p_sf: Vec<f64>,
}

/// Scratch of one evaluation.
struct Eval {
    cdf: Vec<f64>,
    sf: Vec<f64>,
    q: Vec<f64>,
    grad_f: Vec<f64>,
}

impl Landscape {
    /// The grid over the target's range \[Q(1e-6), Q(1 − 1e-6)\], widened by
    /// half its width on each side (room for a model wider than the target),
    /// with [`FIT_BINS`] interior bins.
    pub fn new(target: &Mixture) -> Landscape {
        let (a, b) = (target.quantile(1e-6), target.quantile(1.0 - 1e-6));
        let (a, b) = if a.is_finite() && b.is_finite() && b > a {
            (a, b)
        } else {
            (target.quantile(1e-3), target.quantile(1.0 - 1e-3))
        };
        let pad = 0.5 * (b - a);
        let grid = Grid::new(a - pad, b + pad, FIT_BINS)
            .or_else(|_| Grid::new(-1.0, 1.0, FIT_BINS))
            .expect("a unit grid is valid");
        let edges = grid.edges();
        Landscape {
            p: bin_masses(&grid, target),
            p_cdf: edges.iter().map(|&e| target.cdf(e)).collect(),
            p_sf: edges.iter().map(|&e| target.sf(e)).collect(),
            grid,
            edges,
        }
    }

    /// The grid.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// The target's bin masses.
    pub fn target_masses(&self) -> &[f64] {
        &self.p
    }

    fn eval(&self, model: Model, theta: &[f64], grad: bool) -> Eval {
        let m = self.edges.len();
        let mut e = Eval {
            cdf: vec![0.0; m],
            sf: vec![0.0; m],
            q: vec![0.0; m + 1],
            grad_f: if grad {
                vec![0.0; m * model.dim()]
            } else {
                Vec::new()
            },
        };
        cdf_at_edges(
            model,
            theta,
            &self.edges,
            &mut e.cdf,
            &mut e.sf,
            grad.then_some(e.grad_f.as_mut_slice()),
        );
        e.q[0] = e.cdf[0];
        for i in 1..m {
            e.q[i] = if e.cdf[i] <= 0.5 {
                e.cdf[i] - e.cdf[i - 1]
            } else {
                e.sf[i - 1] - e.sf[i]
            }
            .max(0.0);
        }
        e.q[m] = e.sf[m - 1];
        e
    }

    /// The model's bin masses at θ.
    pub fn model_masses(&self, model: Model, theta: &[f64]) -> Vec<f64> {
        self.eval(model, theta, false).q
    }

    /// The divergence at θ.
    pub fn value(&self, model: Model, theta: &[f64], div: Divergence) -> f64 {
        let e = self.eval(model, theta, false);
        self.value_of(div, &e)
    }

    /// Every divergence at θ, in [`Divergence::ALL`] order.
    pub fn values(&self, model: Model, theta: &[f64]) -> [f64; 5] {
        let e = self.eval(model, theta, false);
        Divergence::ALL.map(|d| self.value_of(d, &e))
    }

    /// W1 from the edges, each difference on its accurate side.
    fn edge_differences<'a>(&'a self, e: &'a Eval) -> impl Iterator<Item = f64> + 'a {
        (0..self.edges.len()).map(move |k| {
            if e.cdf[k] <= 0.5 {
                e.cdf[k] - self.p_cdf[k]
            } else {
                self.p_sf[k] - e.sf[k]
            }
        })
    }

    fn value_of(&self, div: Divergence, e: &Eval) -> f64 {
        let (p, q) = (&self.p, &e.q);
        match div {
            Divergence::KlDataModel => kl(p, q).unwrap_or(f64::INFINITY),
            Divergence::KlModelData => kl(q, p).unwrap_or(f64::INFINITY),
            Divergence::Jsd => jsd(p, q),
            Divergence::Hellinger2 => hellinger2(p, q),
            Divergence::W1 => {
                self.grid.width() * self.edge_differences(e).map(f64::abs).sum::<f64>()
            }
        }
    }

    /// The divergence at θ and its gradient in θ.
    pub fn value_and_grad(&self, model: Model, theta: &[f64], div: Divergence) -> (f64, Vec<f64>) {
        let e = self.eval(model, theta, true);
        let value = self.value_of(div, &e);
        let dim = model.dim();
        let mut g = vec![0.0; dim];
        if !value.is_finite() {
            return (value, g);
        }
        // The coefficient of ∂F(eₖ)/∂θ at each edge.
        let coef: Vec<f64> = if div == Divergence::W1 {
            let w = self.grid.width();
            self.edge_differences(&e)
                .map(|c| w * c.signum() * f64::from(u8::from(c != 0.0)))
                .collect()
        } else {
            let d: Vec<f64> = self
                .p
                .iter()
                .zip(&e.q)
                .map(|(&pi, &qi)| bin_derivative(div, pi, qi))
                .collect();
            (0..self.edges.len()).map(|k| d[k] - d[k + 1]).collect()
        };
        for (k, c) in coef.iter().enumerate() {
            if *c != 0.0 {
                let row = &e.grad_f[k * dim..(k + 1) * dim];
                for (gi, r) in g.iter_mut().zip(row) {
                    *gi += c * r;
                }
            }
        }
        (value, g)
    }
}

/// ∂D/∂Qᵢ of a bin-mass divergence at one bin.
fn bin_derivative(div: Divergence, p: f64, q: f64) -> f64 {
    let qs = q.max(1e-300);
    match div {
        Divergence::KlDataModel => {
            if p > 0.0 {
                -p / qs
            } else {
                0.0
            }
        }
        Divergence::KlModelData => {
            if q > 0.0 && p > 0.0 {
                (q / p).ln() + 1.0
            } else {
                0.0
            }
        }
        Divergence::Jsd => 0.5 * (2.0 * qs / (p + qs)).ln(),
        Divergence::Hellinger2 => 0.5 * (1.0 - (p / qs).sqrt()),
        Divergence::W1 => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;

    #[test]
    fn gradients_match_central_differences() {
        let target = parse_spec("modes(2, 4, 0.7)").unwrap();
        let land = Landscape::new(&target);
        for (model, theta) in [
            (Model::Normal, vec![0.7, 0.4]),
            (Model::Mixture(2), vec![0.2, -0.1, -1.5, 2.5, -0.2, 0.1]),
        ] {
            for div in Divergence::ALL {
                let (_, g) = land.value_and_grad(model, &theta, div);
                let h = 1e-6;
                for i in 0..theta.len() {
                    let mut up = theta.clone();
                    up[i] += h;
                    let mut down = theta.clone();
                    down[i] -= h;
                    let fd =
                        (land.value(model, &up, div) - land.value(model, &down, div)) / (2.0 * h);
                    let err = (g[i] - fd).abs() / fd.abs().max(g[i].abs()).max(1e-3);
                    assert!(err < 1e-4, "{model} {} θ{i}: {} vs {fd}", div.name(), g[i]);
                }
            }
        }
    }

    #[test]
    fn a_model_equal_to_the_target_has_no_divergence() {
        let target = parse_spec("normal(1, 2)").unwrap();
        let land = Landscape::new(&target);
        let v = land.values(Model::Normal, &[1.0, 2f64.ln()]);
        for (d, x) in Divergence::ALL.iter().zip(v) {
            assert!(x.abs() < 1e-12, "{}: {x}", d.name());
        }
    }
}
