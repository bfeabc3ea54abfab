//! The exponential distribution on [0, ∞).

use crate::density::error::positive;
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;

/// Exp(λ).
///
/// # Formula
/// p(x) = λ·e^(−λx) for x ≥ 0,  F(x) = 1 − e^(−λx).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exponential {
    pub rate: f64,
}

impl Exponential {
    /// # Errors
    /// `rate` not positive and finite.
    pub fn new(rate: f64) -> Result<Self, DensityError> {
        Ok(Exponential {
            rate: positive("exponential", "rate", rate)?,
        })
    }
}

impl Univariate for Exponential {
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            f64::NEG_INFINITY
        } else {
            self.rate.ln() - self.rate * x
        }
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            -(-self.rate * x).exp_m1()
        }
    }
    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            (-self.rate * x).exp()
        }
    }
    fn quantile(&self, u: f64) -> f64 {
        if u <= 0.0 {
            return 0.0;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        -(-u).ln_1p() / self.rate
    }
    fn isf(&self, v: f64) -> f64 {
        if v <= 0.0 {
            return f64::INFINITY;
        }
        if v >= 1.0 {
            return 0.0;
        }
        -v.ln() / self.rate
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        [
            Tail::Bounded,
            Tail::Exponential {
                b: 1.0,
                c: self.rate,
            },
        ]
    }
    fn mean(&self) -> Option<f64> {
        Some(1.0 / self.rate)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.isf(crate::density::open_unit(rng))
    }
}
