//! The log-normal distribution: skewed, supported on (0, ∞).

use super::normal::std_normal_lower_quantile;
use crate::density::error::{finite, positive, within};
use crate::density::{DensityError, LN_SQRT_2PI, Tail, Univariate};
use rand::Rng;
use statrs::function::erf::erfc;
use std::f64::consts::SQRT_2;

/// LogNormal(μ, σ): ln X ~ N(μ, σ²).
///
/// # Formula
/// p(x) = exp(−(ln x − μ)²/(2σ²)) / (xσ√(2π)) for x > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    pub mu: f64,
    pub sigma: f64,
}

impl LogNormal {
    /// # Errors
    /// `mu` outside \[−100, 100\] or `sigma` outside (0, 5\]: beyond them
    /// the mass (and, against a normal, the second moment that KL weighs it
    /// by) reaches past |x| = 1e100, where the exact divergences stop.
    pub fn new(mu: f64, sigma: f64) -> Result<Self, DensityError> {
        let mu = finite("lognormal", "mu", mu)?;
        let mu = within("lognormal", "mu", mu, (-100.0, 100.0), "in [-100, 100]")?;
        let sigma = positive("lognormal", "sigma", sigma)?;
        let sigma = within("lognormal", "sigma", sigma, (0.0, 5.0), "in (0, 5]")?;
        Ok(LogNormal { mu, sigma })
    }
}

impl Univariate for LogNormal {
    fn ln_pdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let lx = x.ln();
        let z = (lx - self.mu) / self.sigma;
        -0.5 * z * z - lx - self.sigma.ln() - LN_SQRT_2PI
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        0.5 * erfc(-(x.ln() - self.mu) / (self.sigma * SQRT_2))
    }
    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 1.0;
        }
        0.5 * erfc((x.ln() - self.mu) / (self.sigma * SQRT_2))
    }
    fn quantile(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return 0.0;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        if u > 0.5 {
            return self.isf(1.0 - u);
        }
        (self.mu + self.sigma * std_normal_lower_quantile(u)).exp()
    }
    fn isf(&self, v: f64) -> f64 {
        if v <= 0.0 {
            return f64::INFINITY;
        }
        if v >= 1.0 {
            return 0.0;
        }
        (self.mu - self.sigma * std_normal_lower_quantile(v)).exp()
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        [Tail::Bounded, Tail::LogQuadratic { sigma: self.sigma }]
    }
    fn mean(&self) -> Option<f64> {
        Some((self.mu + 0.5 * self.sigma * self.sigma).exp())
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(crate::density::open_unit(rng))
    }
}
