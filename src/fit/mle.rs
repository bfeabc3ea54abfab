//! Maximum likelihood from a sample: what KL(data‖model) becomes when the
//! data are N draws instead of the exact p_data.
//!
//! # Formula
//!
//! normal: μ̂ = (1/N) Σ xᵢ, σ̂² = (1/N) Σ (xᵢ − μ̂)² (the closed form).
//!
//! mixture(K): expectation–maximisation (Dempster, Laird & Rubin 1977):
//! [`SHORT_STEPS`] steps from each start, then the start with the highest
//! log-likelihood goes on alone (a sample of 100 000 makes every EM step cost
//! 10⁵·K exponentials, and running every start to convergence took half a
//! minute for K = 3):
//!
//! ```text
//! rᵢₖ = wₖ N(xᵢ; μₖ, σₖ²) / Σⱼ wⱼ N(xᵢ; μⱼ, σⱼ²)       (log-sum-exp)
//! wₖ = (1/N) Σᵢ rᵢₖ,   μₖ = Σᵢ rᵢₖ xᵢ / Σᵢ rᵢₖ,   σₖ² = Σᵢ rᵢₖ (xᵢ − μₖ)² / Σᵢ rᵢₖ
//! ```
//!
//! until the mean log-likelihood gains less than 1e-10 in a step, or
//! [`EM_STEPS`] steps in all; σₖ is kept at least 1e-9 times the sample's spread
//! (a component that collapses onto one point would make the likelihood
//! unbounded).

use super::model::{Model, Params};

/// The most EM steps of the winning start.
pub const EM_STEPS: usize = 500;
/// EM steps from every start before the best goes on alone.
pub const SHORT_STEPS: usize = 20;

/// A fitted model and the steps it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Mle {
    /// The parameters.
    pub params: Params,
    /// EM steps of the winning start (1 for the closed form).
    pub steps: usize,
    /// The mean log-likelihood.
    pub mean_log_likelihood: f64,
}

fn mean_and_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len().max(1) as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
    (m, v.sqrt())
}

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The maximum-likelihood `model` for the sample `x`, from `starts` (θ
/// vectors of `model`, used by the mixture's EM).
pub fn fit(model: Model, x: &[f64], starts: &[Vec<f64>]) -> Mle {
    let (m, sd) = mean_and_sd(x);
    if model == Model::Normal {
        let params = Params {
            weights: vec![1.0],
            mu: vec![m],
            sigma: vec![sd],
        };
        let ll = log_likelihood(&params, x);
        return Mle {
            params,
            steps: 1,
            mean_log_likelihood: ll,
        };
    }
    let floor = 1e-9 * sd.max(f64::MIN_POSITIVE);
    let mut best: Option<Mle> = None;
    for s in starts {
        let r = em(model.params(s), x, floor, SHORT_STEPS);
        if best
            .as_ref()
            .is_none_or(|b| r.mean_log_likelihood > b.mean_log_likelihood)
        {
            best = Some(r);
        }
    }
    best.map(|b| {
        let mut r = em(b.params, x, floor, EM_STEPS.saturating_sub(b.steps));
        r.steps += b.steps;
        r
    })
    .unwrap_or_else(|| Mle {
        params: Params {
            weights: vec![1.0],
            mu: vec![m],
            sigma: vec![sd],
        },
        steps: 0,
        mean_log_likelihood: f64::NAN,
    })
}

/// (1/N) Σ ln p(xᵢ).
pub fn log_likelihood(p: &Params, x: &[f64]) -> f64 {
    let mut logs = vec![0.0; p.weights.len()];
    let total: f64 = x
        .iter()
        .map(|&xi| {
            for (k, l) in logs.iter_mut().enumerate() {
                let z = (xi - p.mu[k]) / p.sigma[k];
                *l = p.weights[k].ln() - 0.5 * z * z - p.sigma[k].ln() - LN_SQRT_2PI;
            }
            lse(&logs)
        })
        .sum();
    total / x.len().max(1) as f64
}

fn lse(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + v.iter().map(|a| (a - m).exp()).sum::<f64>().ln()
}

/// Up to `max_steps` EM steps from `p`.
fn em(mut p: Params, x: &[f64], floor: f64, max_steps: usize) -> Mle {
    let k = p.weights.len();
    let n = x.len().max(1) as f64;
    let mut prev = f64::NEG_INFINITY;
    let mut logs = vec![0.0; k];
    let mut steps = 0;
    for _ in 0..max_steps {
        // E step, accumulating the sufficient statistics of the M step.
        let (mut s0, mut s1, mut s2) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
        let mut ll = 0.0;
        let consts: Vec<f64> = (0..k)
            .map(|j| p.weights[j].ln() - p.sigma[j].ln() - LN_SQRT_2PI)
            .collect();
        let inv: Vec<f64> = p.sigma.iter().map(|s| 1.0 / s).collect();
        for &xi in x {
            for (j, l) in logs.iter_mut().enumerate() {
                let z = (xi - p.mu[j]) * inv[j];
                *l = consts[j] - 0.5 * z * z;
            }
            let t = lse(&logs);
            ll += t;
            for j in 0..k {
                let r = (logs[j] - t).exp();
                s0[j] += r;
                s1[j] += r * xi;
                s2[j] += r * xi * xi;
            }
        }
        ll /= n;
        steps += 1;
        // M step.
        for j in 0..k {
            if s0[j] > 0.0 {
                let mu = s1[j] / s0[j];
                let var = (s2[j] / s0[j] - mu * mu).max(0.0);
                p.weights[j] = s0[j] / n;
                p.mu[j] = mu;
                p.sigma[j] = var.sqrt().max(floor);
            } else {
                p.weights[j] = 1e-300;
            }
        }
        let total: f64 = p.weights.iter().sum();
        p.weights.iter_mut().for_each(|w| *w /= total);
        if ll - prev < 1e-10 {
            break;
        }
        prev = ll;
    }
    let mean_log_likelihood = log_likelihood(&p, x);
    Mle {
        params: p,
        steps,
        mean_log_likelihood,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn em_separates_two_clusters() {
        // Deterministic points: two clusters of 500 at ±3 with spread 0.5.
        let x: Vec<f64> = (0..1000)
            .map(|i| {
                let u = (i % 500) as f64 / 500.0 - 0.5;
                if i < 500 { -3.0 + u } else { 3.0 + u }
            })
            .collect();
        let start = Model::Mixture(2).theta(&Params {
            weights: vec![0.5, 0.5],
            mu: vec![-1.0, 1.0],
            sigma: vec![2.0, 2.0],
        });
        let m = fit(Model::Mixture(2), &x, &[start]);
        let mut mu = m.params.mu.clone();
        mu.sort_by(f64::total_cmp);
        assert!(
            (mu[0] + 3.001).abs() < 1e-2 && (mu[1] - 2.999).abs() < 1e-2,
            "{m:?}"
        );
        let sd = (1.0f64 / 12.0).sqrt();
        assert!(
            m.params.sigma.iter().all(|s| (s - sd).abs() < 1e-2),
            "{m:?}"
        );
        // The normal is the closed form.
        let n = fit(Model::Normal, &x, &[]);
        assert!(n.params.mu[0].abs() < 1e-2 && n.steps == 1);
    }
}
