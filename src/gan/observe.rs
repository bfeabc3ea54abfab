//! What the snapshot measures from samples: D as a two-sample test, and D's
//! accuracy on its training data against fresh data.
//!
//! # The tests (every snapshot)
//!
//! With the batch size m as the sample size, a fresh real sample
//! x₁…x_m ~ p_data and a fresh fake sample G(z₁)…G(z_m), z ~ p_z (no
//! instance noise):
//!
//! - Welch's t-test and the Kolmogorov–Smirnov test of the two samples
//!   ([`crate::theory::two_sample`]);
//! - the classifier two-sample test (Lopez-Paz & Oquab 2017): D's accuracy
//!   on these held-out samples (packs of `pack` consecutive samples with
//!   PacGAN) and its binomial p-value.
//!
//! # D's accuracies
//!
//! On D's training data — the data set when `dataset = N > 0` (its first
//! [`ACCURACY_MAX`] samples when larger), else the real batch of D's last
//! step — and on as many fresh samples of p_data, each scored together with
//! as many fresh fake samples (the same ones for both): the gap between the
//! two is how much D has memorised.
//!
//! A sample is judged real when D says so with the threshold at ½: σ(l) > ½
//! for the minimax and non-saturating losses, a raw output above ½ for
//! LSGAN (labels 0/1), above 0 for hinge. A Wasserstein critic and an f-GAN
//! critic have no such threshold: their accuracies and C2ST are not
//! applicable (`None`).
//!
//! With `d_model = oracle` the D judged is the exact optimum the G steps
//! are taken against (see [`super::oracle`]), not the network (which never
//! trains): its accuracy is that of the Bayes classifier on the grid.
//!
//! # Their own stream
//!
//! Every sample here comes from a [`Pcg64Mcg`] seeded by the config's seed
//! and the snapshot's step ([`observer_seed`]), never from the trainer's
//! stream: observing a run (the window, `train`, `sweep`, at whatever
//! cadence) never changes its bits, and the same snapshot of the same run
//! always shows the same numbers.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::oracle::Oracle;
use super::trainer::{sample_prior, samples_per_step};
use super::{DModel, LossKind, Trainer};
use crate::density::Univariate;
use crate::theory::two_sample::{TestResult, c2st, ks_2samp, welch_t};

/// Most training samples D's accuracy is measured on.
pub const ACCURACY_MAX: usize = 4096;

/// Mixed into the seed of the observers' stream.
const OBSERVER_STREAM: u64 = 0x6f62_7365_7276_6521; // "observe!"

/// The seed of the observers' stream for the snapshot at `step`.
pub fn observer_seed(seed: u64, step: u64) -> u64 {
    use crate::scalar::splitmix64;
    splitmix64(seed ^ OBSERVER_STREAM ^ splitmix64(step))
}

/// The sample-based measurements of one snapshot; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    /// The tests' sample size (real and fake each).
    pub n: usize,
    /// Welch's t-test of the means.
    pub t: TestResult,
    /// Kolmogorov–Smirnov.
    pub ks: TestResult,
    /// The classifier two-sample test: D's accuracy on held-out samples and
    /// its binomial p-value (`None` for a critic).
    pub c2st: Option<TestResult>,
    /// D's accuracy on its training data (`None` for a critic, or before
    /// D's first step without a data set).
    pub acc_train: Option<f64>,
    /// D's accuracy on as many fresh samples.
    pub acc_fresh: Option<f64>,
    /// How many real (and fake) samples the accuracies are measured on.
    pub n_acc: usize,
}

/// Whether D's raw output says "real", threshold at ½ (see the module docs).
fn says_real(loss: LossKind, raw: f32) -> Option<bool> {
    if loss.is_cross_entropy() {
        return Some(raw > 0.0);
    }
    match loss {
        LossKind::Lsgan => Some(raw > 0.5),
        LossKind::Hinge => Some(raw > 0.0),
        _ => None,
    }
}

impl Trainer {
    /// `n` fake samples G(z), z from `rng`; for a `classes(…)` target,
    /// samples of the marginal p_g: each one's class drawn first, then its z.
    fn fakes(&self, n: usize, rng: &mut Pcg64Mcg) -> Vec<f64> {
        let prior = self.config.prior;
        let latent = self.config.latent_dim;
        if let Some(classes) = &self.classes {
            return (0..n)
                .flat_map(|_| {
                    let c = classes.draw_class(rng);
                    let z: Vec<f64> = (0..latent).map(|_| sample_prior(prior, rng)).collect();
                    self.generate_class(&z, c)
                })
                .collect();
        }
        let z: Vec<f64> = (0..n * latent).map(|_| sample_prior(prior, rng)).collect();
        self.generate(&z)
    }

    /// How many of D's verdicts on packs of `pack` consecutive samples of
    /// `x` are `real` (or not), and the number of packs; `None` for a critic.
    /// A conditional D judges a sample with its class: `None` there too
    /// (the tests of the marginal still run).
    fn verdicts(&self, x: &[f64], real: bool, oracle: Option<&Oracle>) -> Option<(u64, u64)> {
        if self.classes.is_some() {
            return None;
        }
        let loss = self.config.loss;
        let pack = self.discriminator().in_dim();
        let packs = x.len() / pack;
        let out: Vec<f32> = match oracle {
            // The oracle needs pack = 1 (see `keys`).
            Some(o) => o.raw_at(&x[..packs]).iter().map(|&v| v as f32).collect(),
            None => {
                let input: Vec<f32> = x[..packs * pack].iter().map(|&v| v as f32).collect();
                self.discriminator().eval(&input)
            }
        };
        let mut right = 0u64;
        for &l in &out {
            if says_real(loss, l)? == real {
                right += 1;
            }
        }
        Some((right, packs as u64))
    }

    /// D's accuracy on `real` and `fake` together.
    fn accuracy(&self, real: &[f64], fake: &[f64], oracle: Option<&Oracle>) -> Option<(u64, u64)> {
        let (a, n) = self.verdicts(real, true, oracle)?;
        let (b, m) = self.verdicts(fake, false, oracle)?;
        Some((a + b, n + m))
    }

    /// The sample-based measurements at this moment; see the [module docs](self).
    pub fn observe(&self) -> Observed {
        let c = &self.config;
        let mut rng = Pcg64Mcg::seed_from_u64(observer_seed(c.seed, self.step_count()));
        let n = samples_per_step(c);
        let real: Vec<f64> = (0..n).map(|_| self.target.sample(&mut rng)).collect();
        let fake = self.fakes(n, &mut rng);
        let oracle = (c.d_model == DModel::Oracle)
            .then(|| self.oracle())
            .flatten();
        let oracle = oracle.as_ref();
        let c2st = self
            .accuracy(&real, &fake, oracle)
            .map(|(right, total)| c2st(right, total));

        let train: Option<Vec<f64>> = match &self.dataset {
            Some(set) => Some(set.samples().iter().take(ACCURACY_MAX).copied().collect()),
            None => self
                .real_batch_used
                .then(|| self.draws.real.iter().map(|&v| f64::from(v)).collect()),
        };
        let (mut acc_train, mut acc_fresh, mut n_acc) = (None, None, 0);
        if let Some(train) = train {
            n_acc = train.len();
            let fresh: Vec<f64> = (0..n_acc).map(|_| self.target.sample(&mut rng)).collect();
            let fake = self.fakes(n_acc, &mut rng);
            let rate =
                |(right, total): (u64, u64)| (total > 0).then(|| right as f64 / total as f64);
            acc_train = self.accuracy(&train, &fake, oracle).and_then(rate);
            acc_fresh = self.accuracy(&fresh, &fake, oracle).and_then(rate);
        }
        Observed {
            n,
            t: welch_t(&real, &fake),
            ks: ks_2samp(&real, &fake),
            c2st,
            acc_train,
            acc_fresh,
            n_acc,
        }
    }
}
