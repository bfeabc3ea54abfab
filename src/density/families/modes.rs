//! `modes(n, spacing, sigma)`: n equal-weight normals centred on 0, `spacing` apart.
//!
//! The 1-D cousin of the ring-of-8 mode-collapse benchmark.

use crate::density::error::{finite, positive};
use crate::density::invert::{numeric_isf, numeric_quantile};
use crate::density::{DensityError, LN_SQRT_2PI, Tail, Univariate};
use rand::Rng;
use statrs::function::erf::erfc;
use std::f64::consts::SQRT_2;

/// The largest number of modes accepted: enough for any lesson, small enough
/// that evaluating the density stays cheap.
pub const MAX_MODES: usize = 1000;

/// n equal-weight normals N(cᵢ, σ²), cᵢ = (i − (n−1)/2)·spacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modes {
    pub n: usize,
    pub spacing: f64,
    pub sigma: f64,
}

impl Modes {
    /// # Errors
    /// `n` not a whole number in 1..=1000, `spacing` negative or not finite,
    /// `sigma` not positive and finite.
    pub fn new(n: f64, spacing: f64, sigma: f64) -> Result<Self, DensityError> {
        if !(n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= MAX_MODES as f64) {
            return Err(DensityError::Param {
                family: "modes",
                param: "n",
                requirement: "a whole number from 1 to 1000",
                value: n,
            });
        }
        let spacing = finite("modes", "spacing", spacing)?;
        if spacing < 0.0 {
            return Err(DensityError::Param {
                family: "modes",
                param: "spacing",
                requirement: "non-negative",
                value: spacing,
            });
        }
        Ok(Modes {
            n: n as usize,
            spacing,
            sigma: positive("modes", "sigma", sigma)?,
        })
    }

    /// The centre of mode i.
    pub fn centre(&self, i: usize) -> f64 {
        (i as f64 - 0.5 * (self.n as f64 - 1.0)) * self.spacing
    }

    fn avg(&self, f: impl Fn(f64) -> f64) -> f64 {
        (0..self.n).map(|i| f(self.centre(i))).sum::<f64>() / self.n as f64
    }
}

impl Univariate for Modes {
    fn ln_pdf(&self, x: f64) -> f64 {
        // log-sum-exp over the components, so far tails do not underflow to -inf.
        let z = |c: f64| (x - c) / self.sigma;
        let m = (0..self.n)
            .map(|i| -0.5 * z(self.centre(i)).powi(2))
            .fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = (0..self.n)
            .map(|i| (-0.5 * z(self.centre(i)).powi(2) - m).exp())
            .sum();
        m + s.ln() - (self.n as f64).ln() - self.sigma.ln() - LN_SQRT_2PI
    }
    fn cdf(&self, x: f64) -> f64 {
        self.avg(|c| 0.5 * erfc(-(x - c) / (self.sigma * SQRT_2)))
    }
    fn sf(&self, x: f64) -> f64 {
        self.avg(|c| 0.5 * erfc((x - c) / (self.sigma * SQRT_2)))
    }
    fn quantile(&self, u: f64) -> f64 {
        numeric_quantile(self, u, 0.0, self.sigma.max(self.spacing))
    }
    fn isf(&self, v: f64) -> f64 {
        numeric_isf(self, v, 0.0, self.sigma.max(self.spacing))
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
        Some(0.0)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let i = ((crate::density::open_unit(rng) * self.n as f64) as usize).min(self.n - 1);
        let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
        self.centre(i) + self.sigma * z
    }
}
