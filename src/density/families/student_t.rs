//! Student's t distribution with location and scale: power-law tails of index ν + 1.

use crate::density::error::{finite, positive, within};
use crate::density::invert::{numeric_isf, numeric_quantile};
use crate::density::{DensityError, LN_SQRT_2PI, Tail, Univariate};
use rand::Rng;
use rand_distr::Distribution;
use statrs::function::beta::beta_reg;
use statrs::function::gamma::ln_gamma;
use std::f64::consts::PI;

/// The degrees of freedom ν accepted (see [`StudentT::new`]).
pub const NU_RANGE: (f64, f64) = (0.1, 1e5);

/// t_ν(μ, σ).
///
/// # Formula
/// p(x) = Γ((ν+1)/2) / (Γ(ν/2)·√(νπ)·σ) · (1 + z²/ν)^(−(ν+1)/2),  z = (x − μ)/σ;
/// F(x) = ½·I_{ν/(ν+z²)}(ν/2, ½) for z < 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentT {
    pub nu: f64,
    pub mu: f64,
    pub sigma: f64,
    ln_norm: f64,
}

impl StudentT {
    /// # Errors
    /// `nu` outside \[0.1, 1e5\] (below 0.1 a mass of more than 1e-10 lies
    /// beyond |x| = 1e100, where the exact divergences stop; above 1e5 the
    /// regularised incomplete beta function of the CDF slows the exact
    /// divergences past 2 s, and the family is a normal to 1e-5 anyway),
    /// `sigma` not positive and finite,
    /// `mu` not finite.
    pub fn new(nu: f64, mu: f64, sigma: f64) -> Result<Self, DensityError> {
        let nu = positive("student_t", "nu", nu)?;
        let nu = within("student_t", "nu", nu, NU_RANGE, "in [0.1, 1e5]")?;
        let mu = finite("student_t", "mu", mu)?;
        let sigma = positive("student_t", "sigma", sigma)?;
        let ln_norm =
            ln_gamma(0.5 * (nu + 1.0)) - ln_gamma(0.5 * nu) - 0.5 * (nu * PI).ln() - sigma.ln();
        Ok(StudentT {
            nu,
            mu,
            sigma,
            ln_norm,
        })
    }

    /// Lower tail probability of the standard t at z ≤ 0.
    fn lower(&self, z: f64) -> f64 {
        let x = self.nu / (self.nu + z * z);
        0.5 * beta_reg(0.5 * self.nu, 0.5, x)
    }
}

impl Univariate for StudentT {
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.sigma;
        if self.nu > 1e7 {
            // The normal limit, where ln(1 + z²/ν) loses its digits.
            return -0.5 * z * z - self.sigma.ln() - LN_SQRT_2PI;
        }
        self.ln_norm - 0.5 * (self.nu + 1.0) * (z * z / self.nu).ln_1p()
    }
    fn cdf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.sigma;
        if z <= 0.0 {
            self.lower(z)
        } else {
            1.0 - self.lower(-z)
        }
    }
    fn sf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.sigma;
        if z >= 0.0 {
            self.lower(-z)
        } else {
            1.0 - self.lower(z)
        }
    }
    fn quantile(&self, u: f64) -> f64 {
        numeric_quantile(self, u, self.mu, self.sigma)
    }
    fn isf(&self, v: f64) -> f64 {
        numeric_isf(self, v, self.mu, self.sigma)
    }
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    fn tails(&self) -> [Tail; 2] {
        // p(x) ≈ K·ν^((ν+1)/2)·σ^ν·|x|^(−(ν+1)) with K = Γ((ν+1)/2)/(Γ(ν/2)√(νπ)).
        let ln_c = self.ln_norm
            + self.sigma.ln()
            + 0.5 * (self.nu + 1.0) * self.nu.ln()
            + self.nu * self.sigma.ln();
        let t = Tail::Power {
            alpha: self.nu + 1.0,
            c: ln_c.exp(),
        };
        [t, t]
    }
    fn mean(&self) -> Option<f64> {
        (self.nu > 1.0).then_some(self.mu)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match rand_distr::StudentT::new(self.nu) {
            Ok(t) => self.mu + self.sigma * t.sample(rng),
            Err(_) => self.quantile(crate::density::open_unit(rng)),
        }
    }
}
