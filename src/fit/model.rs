//! The parametric models of the fitting lab, a normal and a mixture of K
//! normals, as a flat parameter vector θ, their CDF at the grid's edges and
//! its gradient in θ.
//!
//! # Parameters
//!
//! ```text
//! normal:      θ = (μ, ln σ)
//! mixture(K):  θ = (a₁ … a_K, μ₁ … μ_K, ln σ₁ … ln σ_K),   wₖ = e^{aₖ} / Σⱼ e^{aⱼ}  (softmax)
//! ```
//!
//! so that every θ ∈ ℝ^d is a valid model (σ > 0, weights on the simplex).
//!
//! # Formula
//!
//! With zₖ = (e − μₖ)/σₖ, φ the standard normal density and F(e) = Σ wₖ Φ(zₖ):
//!
//! ```text
//! ∂F/∂μₖ    = −wₖ φ(zₖ)/σₖ
//! ∂F/∂ln σₖ = −wₖ zₖ φ(zₖ)
//! ∂F/∂aⱼ    = wⱼ (Φ(zⱼ) − F)
//! ```

use std::f64::consts::SQRT_2;
use std::fmt;
use std::str::FromStr;

use statrs::function::erf::erfc;

use super::FitError;

/// Which parametric family is fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// N(μ, σ²).
    Normal,
    /// Σₖ wₖ N(μₖ, σₖ²) with K components, 1 ..= [`MAX_COMPONENTS`].
    Mixture(usize),
}

/// The most components of a mixture model.
pub const MAX_COMPONENTS: usize = 8;

impl Model {
    /// Components.
    pub fn components(self) -> usize {
        match self {
            Model::Normal => 1,
            Model::Mixture(k) => k,
        }
    }

    /// Length of θ.
    pub fn dim(self) -> usize {
        match self {
            Model::Normal => 2,
            Model::Mixture(k) => 3 * k,
        }
    }

    /// θ of `params` (the inverse of [`Model::params`]).
    pub fn theta(self, params: &Params) -> Vec<f64> {
        match self {
            Model::Normal => vec![params.mu[0], params.sigma[0].ln()],
            Model::Mixture(_) => params
                .weights
                .iter()
                .map(|w| w.ln())
                .chain(params.mu.iter().copied())
                .chain(params.sigma.iter().map(|s| s.ln()))
                .collect(),
        }
    }

    /// The model's parameters at θ.
    ///
    /// # Panics
    /// `theta.len() != self.dim()`.
    pub fn params(self, theta: &[f64]) -> Params {
        assert_eq!(theta.len(), self.dim(), "parameter count");
        match self {
            Model::Normal => Params {
                weights: vec![1.0],
                mu: vec![theta[0]],
                sigma: vec![theta[1].exp()],
            },
            Model::Mixture(k) => {
                let a = &theta[..k];
                let top = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = a.iter().map(|v| (v - top).exp()).collect();
                let total: f64 = e.iter().sum();
                Params {
                    weights: e.iter().map(|v| v / total).collect(),
                    mu: theta[k..2 * k].to_vec(),
                    sigma: theta[2 * k..].iter().map(|v| v.exp()).collect(),
                }
            }
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Model::Normal => f.write_str("normal"),
            Model::Mixture(k) => write!(f, "mixture({k})"),
        }
    }
}

impl FromStr for Model {
    type Err = FitError;

    /// `normal` or `mixture(K)` with K in 1 ..= 8.
    fn from_str(s: &str) -> Result<Self, FitError> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.to_ascii_lowercase();
        if t == "normal" {
            return Ok(Model::Normal);
        }
        let bad = || FitError::Model(s.to_string());
        let k = t
            .strip_prefix("mixture(")
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(bad)?
            .parse::<usize>()
            .map_err(|_| bad())?;
        if !(1..=MAX_COMPONENTS).contains(&k) {
            return Err(bad());
        }
        Ok(Model::Mixture(k))
    }
}

/// A model's parameters: weights (summing to 1), means and standard
/// deviations, one per component.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Params {
    /// wₖ.
    pub weights: Vec<f64>,
    /// μₖ.
    pub mu: Vec<f64>,
    /// σₖ.
    pub sigma: Vec<f64>,
}

impl Params {
    /// The density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        let c = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        self.weights
            .iter()
            .zip(&self.mu)
            .zip(&self.sigma)
            .map(|((w, m), s)| {
                let z = (x - m) / s;
                w * c * (-0.5 * z * z).exp() / s
            })
            .sum()
    }
}

/// φ(z), the standard normal density.
fn phi(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The model's CDF and survival function at the `edges`, each accurate in
/// its own tail, and (when `grad` is given) `∂F(eⱼ)/∂θ` into
/// `grad[j·dim .. (j + 1)·dim]`.
pub(super) fn cdf_at_edges(
    model: Model,
    theta: &[f64],
    edges: &[f64],
    cdf: &mut [f64],
    sf: &mut [f64],
    mut grad: Option<&mut [f64]>,
) {
    let p = model.params(theta);
    let (k, dim) = (model.components(), model.dim());
    let mut lowers = vec![0.0; k];
    for (j, &e) in edges.iter().enumerate() {
        let (mut f, mut s) = (0.0, 0.0);
        for (c, lower) in lowers.iter_mut().enumerate() {
            let z = (e - p.mu[c]) / p.sigma[c];
            *lower = 0.5 * erfc(-z / SQRT_2);
            f += p.weights[c] * *lower;
            s += p.weights[c] * 0.5 * erfc(z / SQRT_2);
        }
        cdf[j] = f;
        sf[j] = s;
        if let Some(g) = grad.as_deref_mut() {
            let row = &mut g[j * dim..(j + 1) * dim];
            for c in 0..k {
                let z = (e - p.mu[c]) / p.sigma[c];
                let d = p.weights[c] * phi(z);
                match model {
                    Model::Normal => {
                        row[0] = -d / p.sigma[c];
                        row[1] = -d * z;
                    }
                    Model::Mixture(_) => {
                        row[c] = p.weights[c] * (lowers[c] - f);
                        row[k + c] = -d / p.sigma[c];
                        row[2 * k + c] = -d * z;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_parse_and_print() {
        assert_eq!("normal".parse::<Model>().unwrap(), Model::Normal);
        assert_eq!("mixture(3)".parse::<Model>().unwrap(), Model::Mixture(3));
        assert_eq!("Mixture( 2 )".parse::<Model>().unwrap(), Model::Mixture(2));
        for bad in ["mixture(0)", "mixture(9)", "mixture", "gauss", "mixture(x)"] {
            assert!(bad.parse::<Model>().is_err(), "{bad}");
        }
        assert_eq!(Model::Mixture(4).to_string(), "mixture(4)");
    }

    #[test]
    fn theta_round_trips_and_the_cdf_gradient_matches_differences() {
        for model in [Model::Normal, Model::Mixture(3)] {
            let theta: Vec<f64> = (0..model.dim()).map(|i| 0.3 * i as f64 - 0.4).collect();
            let back = model.theta(&model.params(&theta));
            let p2 = model.params(&back);
            assert!(
                p2.mu
                    .iter()
                    .zip(&model.params(&theta).mu)
                    .all(|(a, b)| (a - b).abs() < 1e-12)
            );
            let edges = [-2.0, -0.5, 0.1, 1.3, 4.0];
            let n = edges.len();
            let (mut f, mut s) = (vec![0.0; n], vec![0.0; n]);
            let mut g = vec![0.0; n * model.dim()];
            cdf_at_edges(model, &theta, &edges, &mut f, &mut s, Some(&mut g));
            for j in 0..n {
                assert!((f[j] + s[j] - 1.0).abs() < 1e-14);
            }
            let h = 1e-6;
            for i in 0..model.dim() {
                let mut up = theta.clone();
                up[i] += h;
                let mut down = theta.clone();
                down[i] -= h;
                let (mut fu, mut fd, mut t) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
                cdf_at_edges(model, &up, &edges, &mut fu, &mut t, None);
                cdf_at_edges(model, &down, &edges, &mut fd, &mut t, None);
                for j in 0..n {
                    let fdiff = (fu[j] - fd[j]) / (2.0 * h);
                    let a = g[j * model.dim() + i];
                    assert!(
                        (a - fdiff).abs() < 1e-8,
                        "{model} θ{i} edge {j}: {a} vs {fdiff}"
                    );
                }
            }
        }
    }
}
