//! A finite training set: `dataset = N > 0` draws N samples of p_data once,
//! and D's real minibatches are drawn from those N (uniformly, with
//! replacement) instead of fresh from p_data.
//!
//! # Its own stream
//!
//! The set is drawn from a stream of its own, seeded by the config's `seed`
//! mixed with a constant ([`dataset_seed`]), not from the trainer's stream:
//! it depends on the target, N and the seed only (not on the networks or
//! the backend), a live change of the target redraws it the same way, and
//! the trainer's stream is as with N = 0 up to the minibatches, where each
//! real sample is one index `random_range(0..N)` instead of one draw of
//! p_data.
//!
//! # Its empirical density
//!
//! The exact theory compares p_g with p_data and also with the data set
//! itself, through the set's frequency polygon (Scott's rule; see
//! [`crate::density::smooth`]), the smoothing a `csv(...)` target uses.

use std::sync::Arc;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::density::families::Pieces;
use crate::density::smooth::{frequency_polygon, round_width};
use crate::density::{Mixture, Univariate};

/// Mixed into the seed of the data set's stream.
const DATASET_STREAM: u64 = 0x6461_7461_7365_7421; // "dataset!"

/// The seed of the data set's own stream for a config seed.
pub fn dataset_seed(seed: u64) -> u64 {
    crate::scalar::splitmix64(seed ^ DATASET_STREAM)
}

/// N samples of p_data, fixed for a run, and their smoothing.
#[derive(Debug, Clone)]
pub struct DataSet {
    samples: Arc<[f64]>,
    /// The frequency polygon and its bin width (`None` when the samples
    /// have no spread, as two equal draws of a data file can).
    smooth: Option<(Pieces, f64)>,
}

impl DataSet {
    /// Draws `n` samples of `target` from the data set's own stream.
    pub fn draw(target: &Mixture, n: usize, seed: u64) -> DataSet {
        let mut rng = Pcg64Mcg::seed_from_u64(dataset_seed(seed));
        let samples: Vec<f64> = (0..n).map(|_| target.sample(&mut rng)).collect();
        let smooth = frequency_polygon(&samples)
            .ok()
            .and_then(|p| Pieces::from_knots(&p.xs, &p.ys).ok().map(|d| (d, p.h)));
        DataSet {
            samples: samples.into(),
            smooth,
        }
    }

    /// The samples, in the order drawn.
    pub fn samples(&self) -> &[f64] {
        &self.samples
    }

    /// N.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the set is empty (never, for a trainer's set).
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The empirical density the theory uses.
    pub fn smoothing(&self) -> Option<&Pieces> {
        self.smooth.as_ref().map(|s| &s.0)
    }

    /// The smoothing in words: "frequency polygon, Scott's rule h = 0.41".
    pub fn smoothing_note(&self) -> String {
        match &self.smooth {
            Some((_, h)) => format!("frequency polygon, Scott's rule h = {}", round_width(*h)),
            None => "no spread: not smoothed".to_string(),
        }
    }
}
