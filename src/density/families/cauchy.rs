//! The Cauchy distribution: no mean, the heaviest tail in the grammar.

use crate::density::error::{finite, positive};
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;
use std::f64::consts::PI;

/// Cauchy(x₀, γ).
///
/// # Formula
/// p(x) = 1 / (πγ(1 + z²)),  F(x) = ½ + atan(z)/π,  z = (x − x₀)/γ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cauchy {
    pub x0: f64,
    pub gamma: f64,
}

impl Cauchy {
    /// # Errors
    /// `x0` not finite, or `gamma` not positive and finite.
    pub fn new(x0: f64, gamma: f64) -> Result<Self, DensityError> {
        Ok(Cauchy {
            x0: finite("cauchy", "x0", x0)?,
            gamma: positive("cauchy", "gamma", gamma)?,
        })
    }
}

impl Univariate for Cauchy {
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.x0) / self.gamma;
        -(PI * self.gamma).ln() - z.mul_add(z, 1.0).ln()
    }
    fn cdf(&self, x: f64) -> f64 {
        // atan2 keeps relative precision deep in the left tail.
        let z = (x - self.x0) / self.gamma;
        f64::atan2(1.0, -z) / PI
    }
    fn sf(&self, x: f64) -> f64 {
        let z = (x - self.x0) / self.gamma;
        f64::atan2(1.0, z) / PI
    }
    fn quantile(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        if u <= 0.5 {
            self.x0 - self.gamma / (PI * u).tan()
        } else {
            self.isf(1.0 - u)
        }
    }
    fn isf(&self, v: f64) -> f64 {
        if v <= 0.0 {
            return f64::INFINITY;
        }
        if v >= 1.0 {
            return f64::NEG_INFINITY;
        }
        if v < 0.5 {
            self.x0 + self.gamma / (PI * v).tan()
        } else {
            self.quantile(1.0 - v)
        }
    }
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        let t = Tail::Power {
            alpha: 2.0,
            c: self.gamma / PI,
        };
        [t, t]
    }
    fn mean(&self) -> Option<f64> {
        None
    }
    fn robust_scale(&self) -> f64 {
        2.0 * self.gamma / 1.348_979_500_392_163_5
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(crate::density::open_unit(rng))
    }
}
