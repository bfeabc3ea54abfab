//! The Laplace (double exponential) distribution.

use crate::density::error::{finite, positive};
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;

/// Laplace(μ, b).
///
/// # Formula
/// p(x) = exp(−|x − μ|/b) / (2b);  F(x) = ½·exp((x−μ)/b) for x < μ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laplace {
    pub mu: f64,
    pub b: f64,
}

impl Laplace {
    /// # Errors
    /// `mu` not finite, or `b` not positive and finite.
    pub fn new(mu: f64, b: f64) -> Result<Self, DensityError> {
        Ok(Laplace {
            mu: finite("laplace", "mu", mu)?,
            b: positive("laplace", "b", b)?,
        })
    }
}

impl Univariate for Laplace {
    fn ln_pdf(&self, x: f64) -> f64 {
        -(x - self.mu).abs() / self.b - (2.0 * self.b).ln()
    }
    fn cdf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.b;
        if z < 0.0 {
            0.5 * z.exp()
        } else {
            1.0 - 0.5 * (-z).exp()
        }
    }
    fn sf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.b;
        if z > 0.0 {
            0.5 * (-z).exp()
        } else {
            1.0 - 0.5 * z.exp()
        }
    }
    fn quantile(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        if u <= 0.5 {
            self.mu + self.b * (2.0 * u).ln()
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
            self.mu - self.b * (2.0 * v).ln()
        } else {
            self.quantile(1.0 - v)
        }
    }
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    fn breakpoints(&self) -> Vec<f64> {
        vec![self.mu]
    }
    fn tails(&self) -> [Tail; 2] {
        let t = Tail::Exponential {
            b: 1.0,
            c: 1.0 / self.b,
        };
        [t, t]
    }
    fn mean(&self) -> Option<f64> {
        Some(self.mu)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(crate::density::open_unit(rng))
    }
}
