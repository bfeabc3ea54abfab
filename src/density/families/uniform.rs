//! The continuous uniform distribution on [a, b].

use crate::density::error::finite;
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;

/// U(a, b).
///
/// # Formula
/// p(x) = 1/(b − a) on \[a, b\],  F(x) = (x − a)/(b − a).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uniform {
    pub a: f64,
    pub b: f64,
}

impl Uniform {
    /// # Errors
    /// Either end not finite, or `b ≤ a`.
    pub fn new(a: f64, b: f64) -> Result<Self, DensityError> {
        let a = finite("uniform", "a", a)?;
        let b = finite("uniform", "b", b)?;
        if b <= a {
            return Err(DensityError::Param {
                family: "uniform",
                param: "b",
                requirement: "greater than a",
                value: b,
            });
        }
        Ok(Uniform { a, b })
    }
}

impl Univariate for Uniform {
    fn ln_pdf(&self, x: f64) -> f64 {
        if x >= self.a && x <= self.b {
            -(self.b - self.a).ln()
        } else {
            f64::NEG_INFINITY
        }
    }
    fn cdf(&self, x: f64) -> f64 {
        ((x - self.a) / (self.b - self.a)).clamp(0.0, 1.0)
    }
    fn sf(&self, x: f64) -> f64 {
        ((self.b - x) / (self.b - self.a)).clamp(0.0, 1.0)
    }
    fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        self.a + u * (self.b - self.a)
    }
    fn isf(&self, v: f64) -> f64 {
        let v = v.clamp(0.0, 1.0);
        self.b - v * (self.b - self.a)
    }
    fn support(&self) -> (f64, f64) {
        (self.a, self.b)
    }
    fn tails(&self) -> [Tail; 2] {
        [Tail::Bounded, Tail::Bounded]
    }
    fn mean(&self) -> Option<f64> {
        Some(0.5 * (self.a + self.b))
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(crate::density::open_unit(rng))
    }
}
