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
        self.mu - self.sigma * SQRT_2 * erfc_inv(2.0 * u)
    }
    fn isf(&self, v: f64) -> f64 {
        if v <= 0.0 {
            return f64::INFINITY;
        }
        if v >= 1.0 {
            return f64::NEG_INFINITY;
        }
        self.mu + self.sigma * SQRT_2 * erfc_inv(2.0 * v)
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
