//! The gamma distribution with shape and scale, on [0, ∞).

use crate::density::error::{positive, within};
use crate::density::invert::{numeric_isf, numeric_quantile};
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;
use rand_distr::Distribution;
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

/// The shapes k accepted (see [`Gamma::new`]).
pub const SHAPE_RANGE: (f64, f64) = (0.05, 1000.0);

/// Gamma(k, θ).
///
/// # Formula
/// p(x) = x^(k−1)·e^(−x/θ) / (Γ(k)·θ^k) for x ≥ 0,  F(x) = P(k, x/θ) (regularised).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gamma {
    pub shape: f64,
    pub scale: f64,
    ln_norm: f64,
}

impl Gamma {
    /// # Errors
    /// `shape` outside \[0.05, 1000\] (below 0.05 more than 1e-15 of the mass
    /// lies below the smallest normal f64, 1e-308; above 1000 the regularised
    /// incomplete gamma function slows the exact divergences past 2 s, and
    /// the family is a normal to 1e-3), `scale` not positive and finite.
    pub fn new(shape: f64, scale: f64) -> Result<Self, DensityError> {
        let shape = positive("gamma", "shape", shape)?;
        let shape = within("gamma", "shape", shape, SHAPE_RANGE, "in [0.05, 1000]")?;
        let scale = positive("gamma", "scale", scale)?;
        Ok(Gamma {
            shape,
            scale,
            ln_norm: -ln_gamma(shape) - shape * scale.ln(),
        })
    }
}

impl Univariate for Gamma {
    fn ln_pdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            return f64::NEG_INFINITY;
        }
        if x == 0.0 {
            return match self.shape.partial_cmp(&1.0) {
                Some(std::cmp::Ordering::Less) => f64::INFINITY,
                Some(std::cmp::Ordering::Equal) => -self.scale.ln(),
                _ => f64::NEG_INFINITY,
            };
        }
        (self.shape - 1.0) * x.ln() - x / self.scale + self.ln_norm
    }
    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            gamma_lr(self.shape, x / self.scale)
        }
    }
    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            gamma_ur(self.shape, x / self.scale)
        }
    }
    fn quantile(&self, u: f64) -> f64 {
        numeric_quantile(
            self,
            u,
            self.shape * self.scale,
            self.scale * self.shape.sqrt().max(0.1),
        )
    }
    fn isf(&self, v: f64) -> f64 {
        numeric_isf(
            self,
            v,
            self.shape * self.scale,
            self.scale * self.shape.sqrt().max(0.1),
        )
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        [
            Tail::Bounded,
            Tail::Exponential {
                b: 1.0,
                c: 1.0 / self.scale,
            },
        ]
    }
    fn mean(&self) -> Option<f64> {
        Some(self.shape * self.scale)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match rand_distr::Gamma::new(self.shape, self.scale) {
            Ok(g) => g.sample(rng),
            Err(_) => self.quantile(crate::density::open_unit(rng)),
        }
    }
}
