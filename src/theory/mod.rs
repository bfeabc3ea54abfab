//! Exact 1-D GAN theory on a grid (Goodfellow et al. 2014 and the losses that
//! followed), in f64, with no sampling: bin masses of p_data from its CDF,
//! p_g as the exact pushforward of the prior through G, and every quantity of
//! the theory from those masses.
//!
//! A conditional GAN's theory is the same, class by class, with the cGAN's
//! C(G) and V(G, D) as sums over the classes ([`classes`]).
//!
//! Quantities are pure functions over plain slices of n + 2 bin masses (index 0
//! and n + 1 are the overflow bins of a [`Grid`]); the formula is in each
//! function's doc comment.
//!
//! # Non-finite values
//! Nothing here panics on a number. Masses are expected finite and ≥ 0 (as the
//! grid functions produce them); a NaN mass or logit propagates as NaN into
//! every sum it enters. 0·ln 0 = 0. D* is NaN where both masses are 0. An
//! infinite KL is `None`, never a huge finite number. A non-finite G(z) sends
//! its segment's mass to the overflow bin on its side (NaN: half to each),
//! so no mass is ever dropped. Each module states its own rule in detail.
//!
//! Point masses (a `dirac` target, a constant G) are not spread over a bin:
//! they are [`Atoms`] beside the bins, cells of their own in every sum
//! (see [`atoms`]).

pub mod atoms;
pub mod chi2_finite;
pub mod classes;
pub mod divergence;
pub mod exact;
pub mod grid;
pub mod masses;
pub mod modes;
pub mod prior;
pub mod pushforward;
pub mod snapshot;
pub mod two_sample;
pub mod value;
pub mod wasserstein;

pub use atoms::Atoms;
pub use classes::{ClassInput, Conditional};
pub use divergence::{chi2, hellinger2, jsd, kl, lsgan_chi2, lsgan_d_star_into, tv};
pub use grid::{Grid, GridError};
pub use masses::{bin_masses, bin_masses_into, continuous_bin_masses};
pub use modes::{COVERAGE_FRACTION, ModeCoverage, mode_coverage, mode_coverage_with_atoms};
pub use prior::{Prior, PriorError, ZPoints};
pub use pushforward::{pushforward, pushforward_masses, pushforward_samples};
pub use snapshot::Theory;
pub use value::{c_of_g, d_star, d_star_into, value};
pub use wasserstein::{critic, critic_into, w1};
