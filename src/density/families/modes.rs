//! `modes(n, spacing, sigma)`: n equal-weight normals centred on 0, `spacing` apart.
//!
//! The 1-D cousin of the ring-of-8 mode-collapse benchmark.
//!
//! # Cost
//! A mode farther than [`REACH`] standard deviations from x adds exactly 0
//! (or, to the CDF, exactly its whole weight) in f64, so every function sums
//! only the modes within reach of x: O(1) per call for separated modes, however
//! many there are, and one normal when `spacing` is 0.

use crate::density::error::{finite, positive};
use crate::density::invert::{numeric_isf, numeric_quantile};
use crate::density::{DensityError, LN_SQRT_2PI, Tail, Univariate};
use rand::Rng;
use statrs::function::erf::erfc;
use std::f64::consts::SQRT_2;

/// The largest number of modes accepted: enough for any lesson, few enough
/// that the exact divergences resolve every mode within their budget of work
/// (`theory::exact`; a thousand narrow modes took seconds) and that no call
/// sums more than 64 normals.
pub const MAX_MODES: usize = 64;

/// Beyond this many σ a normal's density is 0 and its CDF 0 or 1 in f64
/// (Φ(−40) ≈ 4e-350 underflows).
pub const REACH: f64 = 40.0;

/// The square of the reach of the log-sum-exp in `ln_pdf`: a term whose
/// exponent is 750 below the largest contributes exactly 0 (e⁻⁷⁴⁵ underflows).
const LSE_REACH_SQ: f64 = 1500.0;

/// n equal-weight normals N(cᵢ, σ²), cᵢ = (i − (n−1)/2)·spacing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modes {
    pub n: usize,
    pub spacing: f64,
    pub sigma: f64,
}

impl Modes {
    /// # Errors
    /// `n` not a whole number in 1..=64, `spacing` negative or not finite,
    /// `sigma` not positive and finite.
    pub fn new(n: f64, spacing: f64, sigma: f64) -> Result<Self, DensityError> {
        if !(n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= MAX_MODES as f64) {
            return Err(DensityError::Param {
                family: "modes",
                param: "n",
                requirement: "a whole number from 1 to 64",
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
        let sigma = positive("modes", "sigma", sigma)?;
        Ok(Modes {
            n: n as usize,
            spacing,
            sigma,
        })
    }

    /// The centre of mode i.
    pub fn centre(&self, i: usize) -> f64 {
        (i as f64 - 0.5 * (self.n as f64 - 1.0)) * self.spacing
    }

    /// The indices `i` with `|x − cᵢ| ≤ r` (a range, possibly empty) and
    /// how many modes lie wholly below and wholly above it. Needs `spacing > 0`.
    fn split(&self, x: f64, r: f64) -> (std::ops::Range<usize>, f64, f64) {
        let n = self.n as f64;
        let half = 0.5 * (n - 1.0);
        // cᵢ = (i − half)·s, so |x − cᵢ| ≤ r ⇔ (x − r)/s + half ≤ i ≤ (x + r)/s + half.
        let lo = ((x - r) / self.spacing + half).ceil().clamp(0.0, n);
        let hi = ((x + r) / self.spacing + half).floor().clamp(-1.0, n - 1.0);
        let (lo_i, end_i) = (lo as usize, (hi + 1.0) as usize);
        (lo_i..end_i.max(lo_i), lo, n - 1.0 - hi)
    }

    /// `(1/n)·Σᵢ Φ(∓(x − cᵢ)/σ)`: the CDF (`upper` false) or the survival
    /// function. Modes beyond [`REACH`] on the far side count whole.
    fn tail_avg(&self, x: f64, upper: bool) -> f64 {
        let sign = if upper { 1.0 } else { -1.0 };
        let one = |c: f64| 0.5 * erfc(sign * (x - c) / (self.sigma * SQRT_2));
        if self.spacing == 0.0 {
            return one(0.0);
        }
        let (near, below, above) = self.split(x, REACH * self.sigma);
        let whole = if upper { above } else { below };
        let part: f64 = near.map(|i| one(self.centre(i))).sum();
        (whole + part) / self.n as f64
    }
}

impl Univariate for Modes {
    fn ln_pdf(&self, x: f64) -> f64 {
        let tail = -self.sigma.ln() - LN_SQRT_2PI;
        if self.spacing == 0.0 {
            let z = x / self.sigma;
            return -0.5 * z * z + tail;
        }
        // log-sum-exp over the modes near the nearest one, so far tails do
        // not underflow to -inf; the others add exactly 0.
        let z = |i: usize| (x - self.centre(i)) / self.sigma;
        let half = 0.5 * (self.n as f64 - 1.0);
        let nearest = (x / self.spacing + half)
            .round()
            .clamp(0.0, self.n as f64 - 1.0) as usize;
        let z0 = z(nearest);
        let (near, _, _) = self.split(x, self.sigma * (z0 * z0 + LSE_REACH_SQ).sqrt());
        let near = if near.is_empty() {
            nearest..nearest + 1
        } else {
            near
        };
        let m = near
            .clone()
            .map(|i| -0.5 * z(i).powi(2))
            .fold(f64::NEG_INFINITY, f64::max);
        if !m.is_finite() {
            return if m.is_nan() { m } else { f64::NEG_INFINITY };
        }
        let s: f64 = near.map(|i| (-0.5 * z(i).powi(2) - m).exp()).sum();
        m + s.ln() - (self.n as f64).ln() + tail
    }
    fn cdf(&self, x: f64) -> f64 {
        self.tail_avg(x, false)
    }
    fn sf(&self, x: f64) -> f64 {
        self.tail_avg(x, true)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums over every mode, as written in the formula.
    fn brute(m: &Modes, x: f64) -> (f64, f64, f64) {
        let n = m.n as f64;
        let z = |i: usize| (x - m.centre(i)) / m.sigma;
        let pdf: f64 = (0..m.n).map(|i| (-0.5 * z(i).powi(2)).exp()).sum::<f64>()
            / n
            / m.sigma
            / (2.0 * std::f64::consts::PI).sqrt();
        let cdf = (0..m.n).map(|i| 0.5 * erfc(-z(i) / SQRT_2)).sum::<f64>() / n;
        let sf = (0..m.n).map(|i| 0.5 * erfc(z(i) / SQRT_2)).sum::<f64>() / n;
        (pdf, cdf, sf)
    }

    #[test]
    fn the_modes_within_reach_give_the_full_sums() {
        for (n, spacing, sigma) in [
            (7.0, 1.5, 0.4),
            (64.0, 0.05, 1.0),
            (60.0, 3.0, 0.01),
            (5.0, 0.0, 2.0),
        ] {
            let m = Modes::new(n, spacing, sigma).unwrap();
            let span = 0.5 * n * spacing + 10.0 * sigma;
            for k in 0..=400 {
                let x = -span + 2.0 * span * k as f64 / 400.0;
                let (pdf, cdf, sf) = brute(&m, x);
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
                assert!(
                    close(m.ln_pdf(x).exp(), pdf) || pdf < 1e-290,
                    "pdf at {x}: {} vs {pdf}",
                    m.ln_pdf(x).exp()
                );
                assert!(close(m.cdf(x), cdf), "cdf at {x}: {} vs {cdf}", m.cdf(x));
                assert!(close(m.sf(x), sf), "sf at {x}: {} vs {sf}", m.sf(x));
            }
        }
        // Far out, the log density keeps its digits where the density underflows.
        let m = Modes::new(3.0, 2.0, 0.5).unwrap();
        let far = m.ln_pdf(100.0);
        let want = -0.5 * ((100.0 - 2.0) / 0.5f64).powi(2) - 3f64.ln() - 0.5f64.ln() - LN_SQRT_2PI;
        assert!((far - want).abs() < 1e-9 * want.abs(), "{far} vs {want}");
    }

    #[test]
    fn more_than_64_modes_are_refused() {
        assert!(Modes::new(64.0, 0.01, 1.0).is_ok());
        let e = Modes::new(1000.0, 1.0, 0.01).unwrap_err();
        assert_eq!(e.param(), Some("n"));
        assert!(e.to_string().contains("from 1 to 64"), "{e}");
    }
}
