//! The normal distribution N(μ, σ²).

use crate::density::error::{finite, positive};
use crate::density::{DensityError, LN_SQRT_2PI, Tail, Univariate};
use rand::Rng;
use rand_distr::Distribution;
use statrs::function::erf::{erfc, erfc_inv};
use std::f64::consts::SQRT_2;

/// N(μ, σ²).
///
/// # Formula
/// p(x) = exp(−(x−μ)²/(2σ²)) / (σ√(2π)),  F(x) = ½·erfc(−(x−μ)/(σ√2)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal {
    pub mu: f64,
    pub sigma: f64,
}

impl Normal {
    /// # Errors
    /// `mu` not finite, or `sigma` not positive and finite.
    pub fn new(mu: f64, sigma: f64) -> Result<Self, DensityError> {
        Ok(Normal {
            mu: finite("normal", "mu", mu)?,
            sigma: positive("normal", "sigma", sigma)?,
        })
    }
}

impl Univariate for Normal {
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.sigma;
        -0.5 * z * z - self.sigma.ln() - LN_SQRT_2PI
    }
    fn cdf(&self, x: f64) -> f64 {
        0.5 * erfc(-(x - self.mu) / (self.sigma * SQRT_2))
    }
    fn sf(&self, x: f64) -> f64 {
        0.5 * erfc((x - self.mu) / (self.sigma * SQRT_2))
    }
    fn quantile(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        if u > 0.5 {
            return self.isf(1.0 - u);
        }
        self.mu + self.sigma * std_normal_lower_quantile(u)
    }
    fn isf(&self, v: f64) -> f64 {
        if v <= 0.0 {
            return f64::INFINITY;
        }
        if v >= 1.0 {
            return f64::NEG_INFINITY;
        }
        self.mu - self.sigma * std_normal_lower_quantile(v)
    }
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        let t = Tail::Exponential {
            b: 2.0,
            c: 0.5 / (self.sigma * self.sigma),
        };
        [t, t]
    }
    fn mean(&self) -> Option<f64> {
        Some(self.mu)
    }
    fn robust_scale(&self) -> f64 {
        self.sigma
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.mu
            + self.sigma
                * <rand_distr::StandardNormal as Distribution<f64>>::sample(
                    &rand_distr::StandardNormal,
                    rng,
                )
    }
}

/// The standard normal quantile z with Φ(z) = u, for u ≤ ½.
///
/// `erfc_inv` alone is good to about 1e-10; two Newton steps on
/// Φ(z) − u = 0 (in the log domain, which keeps relative precision for tiny u)
/// bring it to full double precision.
pub(crate) fn std_normal_lower_quantile(u: f64) -> f64 {
    let mut z = -SQRT_2 * erfc_inv(2.0 * u);
    for _ in 0..2 {
        let cdf = 0.5 * erfc(-z / SQRT_2);
        if cdf.is_nan() || cdf <= 0.0 || !z.is_finite() {
            break;
        }
        // ln Φ(z) − ln u, divided by d ln Φ/dz = φ(z)/Φ(z).
        let ln_phi = -0.5 * z * z - crate::density::LN_SQRT_2PI;
        let step = (cdf.ln() - u.ln()) * cdf / ln_phi.exp();
        if !step.is_finite() {
            break;
        }
        z -= step;
    }
    z
}
