//! Weight initialisation schemes.
//!
//! Weights are always drawn as `f64` and then cast to the network's scalar
//! type, so an `f32` network and an `f64` network built from the same seed hold
//! the same numbers (up to rounding). That lets gradient checks in `f64`
//! speak about the exact network the `f32` trainer uses.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// How to draw the initial weights and biases of each linear layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// PyTorch's `nn.Linear` default: weights and biases both
    /// `U(−1/√fan_in, 1/√fan_in)`.
    #[default]
    Default,
    /// Glorot/Xavier uniform: weights `U(−√(6/(fan_in+fan_out)), +…)`, biases 0.
    Xavier,
    /// He/Kaiming normal: weights `N(0, 2/fan_in)`, biases 0 (suits ReLU).
    He,
}

impl Init {
    /// One weight of a layer with the given fan-in and fan-out.
    pub(crate) fn sample_weight<R: Rng + ?Sized>(
        self,
        fan_in: usize,
        fan_out: usize,
        rng: &mut R,
    ) -> f64 {
        match self {
            Init::Default => uniform(rng, 1.0 / (fan_in as f64).sqrt()),
            Init::Xavier => uniform(rng, (6.0 / (fan_in + fan_out) as f64).sqrt()),
            Init::He => {
                let z: f64 = rng.sample(StandardNormal);
                z * (2.0 / fan_in as f64).sqrt()
            }
        }
    }

    /// One bias of a layer with the given fan-in. Only `Default` draws from
    /// the RNG, so the other schemes consume fewer random numbers.
    pub(crate) fn sample_bias<R: Rng + ?Sized>(self, fan_in: usize, rng: &mut R) -> f64 {
        match self {
            Init::Default => uniform(rng, 1.0 / (fan_in as f64).sqrt()),
            Init::Xavier | Init::He => 0.0,
        }
    }
}

/// `U(−bound, bound)`.
fn uniform<R: Rng + ?Sized>(rng: &mut R, bound: f64) -> f64 {
    rng.random_range(-bound..bound)
}
