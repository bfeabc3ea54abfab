//! The beta distribution on [0, 1].

use crate::density::error::{positive, within};
use crate::density::invert::{numeric_isf, numeric_quantile};
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;
use rand_distr::Distribution;
use statrs::function::beta::{beta_reg, ln_beta};

/// The values of a and b accepted (see [`Beta::new`]).
pub const PARAM_RANGE: (f64, f64) = (0.05, 1e5);

/// Beta(a, b).
///
/// # Formula
/// p(x) = x^(a−1)·(1−x)^(b−1) / B(a, b) on \[0, 1\],  F(x) = I_x(a, b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beta {
    pub a: f64,
    pub b: f64,
    ln_b: f64,
}

impl Beta {
    /// # Errors
    /// `a` or `b` outside \[0.05, 1e5\]: below 0.05 the mass piles up
    /// against an edge closer than f64 resolves, above 1e5 the regularised
    /// incomplete beta function slows the exact divergences past 2 s.
    pub fn new(a: f64, b: f64) -> Result<Self, DensityError> {
        let a = positive("beta", "a", a)?;
        let b = positive("beta", "b", b)?;
        let a = within("beta", "a", a, PARAM_RANGE, "in [0.05, 1e5]")?;
        let b = within("beta", "b", b, PARAM_RANGE, "in [0.05, 1e5]")?;
        Ok(Beta {
            a,
            b,
            ln_b: ln_beta(a, b),
        })
    }
}

impl Univariate for Beta {
    fn ln_pdf(&self, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) {
            return f64::NEG_INFINITY;
        }
        // x^(a-1) at x = 0 is 0, 1 or ∞ depending on a; the same at 1 for b.
        let term = |e: f64, v: f64| if e == 0.0 { 0.0 } else { e * v.ln() };
        term(self.a - 1.0, x) + term(self.b - 1.0, 1.0 - x) - self.ln_b
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else if x >= 1.0 {
            1.0
        } else {
            beta_reg(self.a, self.b, x)
        }
    }
    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else if x >= 1.0 {
            0.0
        } else {
            beta_reg(self.b, self.a, 1.0 - x)
        }
    }
    fn quantile(&self, u: f64) -> f64 {
        numeric_quantile(self, u, self.a / (self.a + self.b), 0.1)
    }
    fn isf(&self, v: f64) -> f64 {
        numeric_isf(self, v, self.a / (self.a + self.b), 0.1)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
    fn tails(&self) -> [Tail; 2] {
        [Tail::Bounded, Tail::Bounded]
    }
    fn mean(&self) -> Option<f64> {
        Some(self.a / (self.a + self.b))
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match rand_distr::Beta::new(self.a, self.b) {
            Ok(d) => d.sample(rng),
            Err(_) => self.quantile(crate::density::open_unit(rng)),
        }
    }
}
