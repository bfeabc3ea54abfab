//! Instance noise (Sønderby et al. 2016; Arjovsky & Bottou 2017): N(0, σ_t²)
//! added to every input of D, real and fake, so that the two distributions
//! D compares overlap. How σ_t moves over a run and how the m values of a
//! batch are drawn.
//!
//! # Schedule (`noise_schedule`)
//!
//! ```text
//! anneal     σ_t = σ₀ · max(0, 1 − t / steps)     (the default: gone by the end of the run)
//! constant   σ_t = σ₀                             (the regulariser Mescheder et al. 2018 analyse)
//! ```
//!
//! # Draws (`noise_draws`)
//!
//! - `iid`: m independent normals, one `StandardNormal` draw each.
//! - `stratified`: one value per stratum of the normal,
//!   `ν_i = σ_t · Φ⁻¹((s_i + u_i)/m)` with u_i ~ U(0, 1) and (s_i) a random
//!   permutation of 0 … m − 1 (so consecutive samples, e.g. one pack, do not
//!   get neighbouring strata). Each value is still N(0, σ_t²), but the batch
//!   mean of a smooth function of the noise has a far smaller variance:
//!   with a fixed batch the noise no longer jitters a converged Dirac-GAN.
//!   The stream draws the m u_i, then the m − 1 swaps of a Fisher–Yates
//!   shuffle (`random_range(0..=i)` for i = m − 1 … 1).

use std::fmt;
use std::str::FromStr;

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use super::ConfigError;
use super::loss::names;
use crate::theory::Prior;

/// How σ moves over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseSchedule {
    /// Linearly from σ₀ to 0 over `steps`.
    #[default]
    Anneal,
    /// σ₀ throughout.
    Constant,
}

/// How the m noise values of a batch are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoiseDraws {
    /// Independent normals.
    #[default]
    Iid,
    /// One per stratum of the normal, in random order.
    Stratified,
}

impl NoiseSchedule {
    /// Every schedule, in menu order.
    pub const ALL: &'static [NoiseSchedule] = &[NoiseSchedule::Anneal, NoiseSchedule::Constant];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            NoiseSchedule::Anneal => "anneal",
            NoiseSchedule::Constant => "constant",
        }
    }

    /// σ_t for iteration `t` of a run of `steps` with σ₀ = `sigma0`.
    pub fn sigma(self, sigma0: f64, t: u64, steps: u64) -> f64 {
        if sigma0 == 0.0 {
            return 0.0;
        }
        match self {
            NoiseSchedule::Anneal if steps == 0 => 0.0,
            NoiseSchedule::Anneal => sigma0 * (1.0 - t as f64 / steps as f64).max(0.0),
            NoiseSchedule::Constant => sigma0,
        }
    }
}

impl NoiseDraws {
    /// Every way, in menu order.
    pub const ALL: &'static [NoiseDraws] = &[NoiseDraws::Iid, NoiseDraws::Stratified];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            NoiseDraws::Iid => "iid",
            NoiseDraws::Stratified => "stratified",
        }
    }

    /// Fills `buf` with N(0, σ²) values drawn from `rng` (zeros, and no
    /// draw, when σ = 0); see the [module docs](self) for the order.
    pub fn fill<R: Rng + ?Sized>(self, rng: &mut R, buf: &mut [f32], sigma: f64) {
        if sigma <= 0.0 {
            buf.fill(0.0);
            return;
        }
        match self {
            NoiseDraws::Iid => {
                for v in buf {
                    let e: f64 = rng.sample(StandardNormal);
                    *v = (sigma * e) as f32;
                }
            }
            NoiseDraws::Stratified => {
                let m = buf.len() as f64;
                for (i, v) in buf.iter_mut().enumerate() {
                    let u: f64 = rng.random();
                    *v = (sigma * Prior::Normal.quantile((i as f64 + u) / m)) as f32;
                }
                for i in (1..buf.len()).rev() {
                    let j = rng.random_range(0..=i);
                    buf.swap(i, j);
                }
            }
        }
    }
}

use super::model::named;

named!(NoiseSchedule, "noise_schedule");
named!(NoiseDraws, "noise_draws");

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn schedules() {
        assert_eq!(NoiseSchedule::Anneal.sigma(1.0, 25, 100), 0.75);
        assert_eq!(NoiseSchedule::Anneal.sigma(1.0, 200, 100), 0.0);
        assert_eq!(NoiseSchedule::Constant.sigma(0.5, 200, 100), 0.5);
        assert_eq!(NoiseSchedule::Constant.sigma(0.0, 1, 100), 0.0);
    }

    #[test]
    fn stratified_draws_are_normal_with_a_steady_mean() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        let mut buf = vec![0.0f32; 1000];
        let (mut means, mut vars) = (Vec::new(), Vec::new());
        for _ in 0..20 {
            NoiseDraws::Stratified.fill(&mut rng, &mut buf, 2.0);
            let mean = buf.iter().map(|&v| f64::from(v)).sum::<f64>() / 1000.0;
            let var = buf
                .iter()
                .map(|&v| (f64::from(v) - mean).powi(2))
                .sum::<f64>()
                / 1000.0;
            means.push(mean);
            vars.push(var);
        }
        // iid: the mean would wander by σ/√m ≈ 0.06; stratified by far less.
        assert!(means.iter().all(|m| m.abs() < 5e-3), "{means:?}");
        assert!(vars.iter().all(|v| (v - 4.0).abs() < 0.15), "{vars:?}");
        // Neighbours in the batch come from far-apart strata.
        let close = buf
            .windows(2)
            .filter(|w| (w[0] - w[1]).abs() < 0.01)
            .count();
        assert!(close < 50, "{close} neighbouring pairs within 0.01");
    }
}
