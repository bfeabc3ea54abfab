//! The exact fitting lab (`ganscope fit`): a parametric model — a normal or
//! a mixture of K normals — fitted to the target by gradient descent on an
//! exact divergence on a grid, one fit per divergence, to show which
//! divergence does what: KL(data‖model), maximum likelihood, covers every
//! mode; KL(model‖data) seeks one; JSD, squared Hellinger and W1 in between.
//! A sample maximum-likelihood fit beside them shows that the exact
//! KL(data‖model) fit is what maximum likelihood converges to.
//!
//! # Files
//!
//! - [`model`] — [`Model`], [`Params`]: θ, the CDF at the grid's edges and
//!   its gradient.
//! - [`landscape`] — [`Landscape`], [`Divergence`]: the target on its grid,
//!   each divergence and its gradient in θ.
//! - [`optimize`] — BFGS with a backtracking line search; the best of
//!   several starts.
//! - [`mle`] — maximum likelihood on a sample (closed form, or EM).
//! - [`lab`] — [`Lab`]: seeded starts, the fits, their final values.
//!
//! The module is part of the core: it imports neither the faces nor candle
//! and never prints.

pub mod lab;
pub mod landscape;
pub mod mle;
pub mod model;
pub mod optimize;

pub use lab::{FitKind, FitSpec, Fitted, Lab, MLE_SAMPLES, STARTS};
pub use landscape::{Divergence, FIT_BINS, Landscape};
pub use model::{MAX_COMPONENTS, Model, Params};

/// A fit request that cannot be carried out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// A model that is neither `normal` nor `mixture(K)` with K in 1 ..= 8.
    #[error("unknown model '{0}': expected normal or mixture(K) with K from 1 to 8")]
    Model(String),
    /// A divergence name the lab does not know.
    #[error(
        "unknown divergence '{0}': expected kl_data_model, kl_model_data, jsd, hellinger2, w1 or mle"
    )]
    Divergence(String),
}
