//! The point mass δ(x₀): the target of the Dirac-GAN (Mescheder et al.
//! 2018), the smallest GAN there is.
//!
//! A point mass has no density with respect to dx. Its [`Univariate`]
//! methods describe it as the rest of the crate needs it: `ln_pdf` is the
//! log of its *continuous part*, which is 0 (so `−∞` everywhere), and its
//! CDF is the step `1[x ≥ x₀]`. The atom itself is read through
//! [`crate::density::Mixture::atoms`], and every exact quantity treats it
//! as an atom, never as a tall narrow bin.

use crate::density::error::finite;
use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;

/// δ(x₀): all mass at x₀.
///
/// # Formula
/// P(X = x₀) = 1,  F(x) = 1\[x ≥ x₀\],  no density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dirac {
    pub x0: f64,
}

impl Dirac {
    /// # Errors
    /// `x0` not finite.
    pub fn new(x0: f64) -> Result<Self, DensityError> {
        Ok(Dirac {
            x0: finite("dirac", "x0", x0)?,
        })
    }
}

impl Univariate for Dirac {
    /// The continuous part has no mass: `−∞` everywhere.
    fn ln_pdf(&self, _x: f64) -> f64 {
        f64::NEG_INFINITY
    }
    fn pdf(&self, _x: f64) -> f64 {
        0.0
    }
    fn cdf(&self, x: f64) -> f64 {
        if x >= self.x0 { 1.0 } else { 0.0 }
    }
    fn sf(&self, x: f64) -> f64 {
        if x >= self.x0 { 0.0 } else { 1.0 }
    }
    fn quantile(&self, _u: f64) -> f64 {
        self.x0
    }
    fn isf(&self, _v: f64) -> f64 {
        self.x0
    }
    fn support(&self) -> (f64, f64) {
        (self.x0, self.x0)
    }
    fn breakpoints(&self) -> Vec<f64> {
        vec![self.x0]
    }
    fn tails(&self) -> [Tail; 2] {
        [Tail::Bounded, Tail::Bounded]
    }
    fn mean(&self) -> Option<f64> {
        Some(self.x0)
    }
    /// No spread: 0.
    fn robust_scale(&self) -> f64 {
        0.0
    }
    /// x₀, drawing nothing from `rng`.
    fn sample<R: Rng + ?Sized>(&self, _rng: &mut R) -> f64 {
        self.x0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_and_no_density() {
        let d = Dirac::new(1.5).unwrap();
        assert_eq!(
            (d.cdf(1.4999), d.cdf(1.5), d.sf(1.5), d.sf(1.0)),
            (0.0, 1.0, 0.0, 1.0)
        );
        assert_eq!(d.pdf(1.5), 0.0);
        assert_eq!(d.ln_pdf(1.5), f64::NEG_INFINITY);
        assert_eq!(
            (d.quantile(0.3), d.mean(), d.robust_scale()),
            (1.5, Some(1.5), 0.0)
        );
        assert!(Dirac::new(f64::NAN).is_err());
    }
}
