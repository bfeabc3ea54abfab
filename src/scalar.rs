//! The stable scalar functions that the engine's activations, the losses
//! and the exact theory share, defined once (generic over `f32`/`f64`).
//!
//! Both only ever exponentiate a non-positive number, so neither overflows
//! for large `|x|`; ±∞ give their limits. `softplus(−l) = −ln σ(l)` and
//! `softplus(l) = −ln(1 − σ(l))`, which is how the losses take the log of D
//! without forming D (the log-sum-exp form): a saturated D costs a large
//! finite number, never `ln 0`.

use nalgebra::RealField;

/// `softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|})`;
/// `d softplus(x)/dx = σ(x)`.
#[inline]
pub fn softplus<T: RealField + Copy>(x: T) -> T {
    x.max(T::zero()) + (-x.abs()).exp().ln_1p()
}

/// The logistic function `σ(x) = 1 / (1 + e^{−x})`.
#[inline]
pub fn sigmoid<T: RealField + Copy>(x: T) -> T {
    let one = T::one();
    if x >= T::zero() {
        one / (one + (-x).exp())
    } else {
        let e = x.exp();
        e / (one + e)
    }
}

/// SplitMix64's finaliser (Steele et al. 2014): a bijection of u64 that
/// scatters nearby seeds far apart, for deriving the seeds of the random
/// streams of their own (the data set, the observers) from a config seed.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_at_the_extremes_and_right_in_between() {
        for x in [-50.0f64, -3.0, 0.0, 2.5, 40.0] {
            assert!((softplus(x) - (1.0 + x.exp()).ln()).abs() < 1e-12);
            assert!((sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs() < 1e-15);
        }
        assert_eq!(softplus(f64::INFINITY), f64::INFINITY);
        assert_eq!(softplus(f64::NEG_INFINITY), 0.0);
        assert_eq!(softplus(1000.0f64), 1000.0);
        assert!(softplus(-1000.0f64).abs() < 1e-300);
        assert!((softplus(0.0f64) - std::f64::consts::LN_2).abs() < 1e-16);
        assert!((softplus(-40.0f64) - (-40.0f64).exp()).abs() < 1e-30);
        assert_eq!(sigmoid(1000.0_f32), 1.0);
        assert_eq!(sigmoid(-1000.0_f32), 0.0);
        assert!(sigmoid(-800.0f64).abs() < 1e-300 && sigmoid(800.0f64) == 1.0);
    }
}
