//! The fitting lab: the target's landscape, the seeded starting points, and
//! one fit per requested divergence (plus the sample maximum likelihood).
//!
//! # Starting points (one seeded stream)
//!
//! Reverse KL and JSD are stationary at the symmetric start, μ = the data's
//! mean, on a symmetric target: the gradient in μ vanishes there although a
//! mode-seeking fit is far better. So every exact fit runs [`bfgs`] from
//! [`STARTS`] points and keeps the lowest value. With m the target's mean
//! (its median when it has none) and s its robust scale (IQR/1.349):
//!
//! - start 0, the symmetric one: μ = m, σ = s (a mixture: μₖ at the
//!   quantiles (k + ½)/K, σₖ = s/K, equal weights);
//! - starts 1 … 7, off centre: for each component, μ = F⁻¹(u) with
//!   u ~ U(0.05, 0.95), then σ = s·e^v with v ~ U(ln 0.05, 0) (for a mixture
//!   v ~ U(ln 0.05, ln 0.5)); a mixture's means are sorted, weights equal.
//!
//! They are drawn from a `Pcg64Mcg` seeded with the seed, in that order (u
//! then v, component by component, start by start); the sample of the
//! maximum-likelihood fit ([`MLE_SAMPLES`] draws of the target) comes next
//! from the same stream. Same target, model and seed: the same fits.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::landscape::{Divergence, Landscape};
use super::mle;
use super::model::{Model, Params};
use super::optimize::{Minimum, best_of};
use crate::density::{Mixture, Univariate};

/// Starting points of every exact fit.
pub const STARTS: usize = 8;
/// Draws of the target for the sample maximum likelihood.
pub const MLE_SAMPLES: usize = 100_000;

/// One fit of the lab: an exact divergence, or maximum likelihood on a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FitKind {
    /// Minimise this divergence on the grid.
    Exact(Divergence),
    /// Maximise the likelihood of [`MLE_SAMPLES`] draws.
    Mle,
}

impl FitKind {
    /// Every fit, in the order of `fit.json`.
    pub const ALL: [FitKind; 6] = [
        FitKind::Exact(Divergence::KlDataModel),
        FitKind::Exact(Divergence::KlModelData),
        FitKind::Exact(Divergence::Jsd),
        FitKind::Exact(Divergence::Hellinger2),
        FitKind::Exact(Divergence::W1),
        FitKind::Mle,
    ];

    /// The key in `fit.json` and the name for `--divergence`.
    pub fn name(self) -> &'static str {
        match self {
            FitKind::Exact(d) => d.name(),
            FitKind::Mle => "mle",
        }
    }

    /// The fit of this name.
    pub fn from_name(name: &str) -> Option<FitKind> {
        FitKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

/// What one fit found.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// Which fit.
    pub kind: FitKind,
    /// The model's parameters.
    pub params: Params,
    /// The same as θ.
    pub theta: Vec<f64>,
    /// Every divergence of [`Divergence::ALL`] at the fit, on the grid.
    pub finals: [f64; 5],
    /// BFGS steps (EM steps for a mixture's maximum likelihood, 1 for a
    /// normal's closed form).
    pub steps: usize,
}

/// A target and its fitting grid.
#[derive(Clone, Debug)]
pub struct Lab {
    /// The target p_data.
    pub target: Mixture,
    /// The target on the grid.
    pub landscape: Landscape,
}

impl Lab {
    /// The lab of a target.
    pub fn new(target: Mixture) -> Lab {
        Lab {
            landscape: Landscape::new(&target),
            target,
        }
    }

    /// The starting θ of every fit and the stream, ready for the sample;
    /// see the [module docs](self).
    pub fn starts(&self, model: Model, seed: u64) -> (Vec<Vec<f64>>, Pcg64Mcg) {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let t = &self.target;
        let m = t
            .mean()
            .filter(|m| m.is_finite())
            .unwrap_or_else(|| 0.5 * t.quantile(0.25) + 0.5 * t.quantile(0.75));
        let s = t.robust_scale();
        let s = if s.is_finite() && s > 0.0 { s } else { 1.0 };
        let k = model.components();
        let mut out = Vec::with_capacity(STARTS);
        let symmetric = if k == 1 {
            Params {
                weights: vec![1.0],
                mu: vec![m],
                sigma: vec![s],
            }
        } else {
            Params {
                weights: vec![1.0 / k as f64; k],
                mu: (0..k)
                    .map(|j| t.quantile((j as f64 + 0.5) / k as f64))
                    .collect(),
                sigma: vec![s / k as f64; k],
            }
        };
        out.push(model.theta(&symmetric));
        let widest = if k == 1 { 0.0 } else { 0.5f64.ln() };
        for _ in 1..STARTS {
            let mut mu = Vec::with_capacity(k);
            let mut sigma = Vec::with_capacity(k);
            for _ in 0..k {
                let u: f64 = rng.random_range(0.05..0.95);
                let v: f64 = rng.random_range(0.05f64.ln()..widest);
                mu.push(t.quantile(u));
                sigma.push(s * v.exp());
            }
            mu.sort_by(f64::total_cmp);
            out.push(model.theta(&Params {
                weights: vec![1.0 / k as f64; k],
                mu,
                sigma,
            }));
        }
        (out, rng)
    }

    /// The exact fit of one divergence from these starts.
    pub fn fit_exact(&self, model: Model, div: Divergence, starts: &[Vec<f64>]) -> Minimum {
        let f = |theta: &[f64]| self.landscape.value_and_grad(model, theta, div);
        best_of(&f, starts).unwrap_or(Minimum {
            x: Vec::new(),
            value: f64::NAN,
            steps: 0,
        })
    }

    /// Every requested fit of `model`, in the order asked (the exact fits
    /// run in parallel; each is deterministic).
    pub fn run(&self, model: Model, kinds: &[FitKind], seed: u64) -> Vec<Fitted> {
        let (starts, mut rng) = self.starts(model, seed);
        let sample: Option<Vec<f64>> = kinds.contains(&FitKind::Mle).then(|| {
            (0..MLE_SAMPLES)
                .map(|_| self.target.sample(&mut rng))
                .collect()
        });
        kinds
            .par_iter()
            .map(|&kind| {
                let (theta, steps) = match kind {
                    FitKind::Exact(div) => {
                        let m = self.fit_exact(model, div, &starts);
                        (m.x, m.steps)
                    }
                    FitKind::Mle => {
                        let x = sample.as_deref().unwrap_or(&[]);
                        let m = mle::fit(model, x, &starts);
                        (model.theta(&m.params), m.steps)
                    }
                };
                let finals = if theta.len() == model.dim() {
                    self.landscape.values(model, &theta)
                } else {
                    [f64::NAN; 5]
                };
                Fitted {
                    kind,
                    params: if theta.len() == model.dim() {
                        model.params(&theta)
                    } else {
                        Params {
                            weights: Vec::new(),
                            mu: Vec::new(),
                            sigma: Vec::new(),
                        }
                    },
                    theta,
                    finals,
                    steps,
                }
            })
            .collect()
    }
}

/// What to fit: a target spec, a model and the fits to run (a lesson's
/// `[fit]` table, `ganscope fit`'s arguments).
#[derive(Clone, Debug, PartialEq)]
pub struct FitSpec {
    /// The target, in the spec grammar.
    pub target: String,
    /// The model.
    pub model: Model,
    /// The fits, in order (every one of [`FitKind::ALL`] by default).
    pub kinds: Vec<FitKind>,
}

impl FitSpec {
    /// Reads `model` and the fit names (all of them when `names` is empty).
    ///
    /// # Errors
    /// An unknown model or fit name.
    pub fn parse(target: &str, model: &str, names: &[&str]) -> Result<FitSpec, super::FitError> {
        let model: Model = model.parse()?;
        let mut kinds = Vec::new();
        for n in names {
            let k =
                FitKind::from_name(n).ok_or_else(|| super::FitError::Divergence(n.to_string()))?;
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            kinds = FitKind::ALL.to_vec();
        }
        Ok(FitSpec {
            target: target.trim().to_string(),
            model,
            kinds,
        })
    }
}
