//! Errors raised when building or configuring networks and optimizers.
//!
//! Shape mismatches inside the hot loop (a batch slice of the wrong length, a
//! workspace built for another network) are programmer errors and panic with a
//! message instead; everything that can come from user input or a file
//! (layer sizes, names, hyper-parameters, flat parameter vectors) is an
//! [`NnError`].

/// Everything that can go wrong when building a network or an optimizer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NnError {
    /// `sizes` must hold at least the input width and the output width.
    #[error("layer sizes need at least an input and an output width, got {0} entries")]
    TooFewSizes(usize),

    /// A layer (or the input) of width zero carries no signal.
    #[error("layer sizes must all be at least 1, but entry {index} is 0")]
    ZeroWidth {
        /// Position of the offending entry in `sizes`.
        index: usize,
    },

    /// Both the discriminator (a logit) and the generator (a 1-D sample)
    /// output exactly one scalar per sample.
    #[error("the output width must be 1 (one scalar per sample), got {0}")]
    OutputDim(usize),

    /// A flat parameter vector whose length does not match the network.
    #[error("expected {expected} parameters, got {got}")]
    ParamCount {
        /// `num_params()` of the network.
        expected: usize,
        /// Length of the slice that was passed.
        got: usize,
    },

    /// An activation name that [`Activation::from_str`](crate::nn::Activation) does not know.
    #[error("unknown activation {name:?}; valid names are: {valid}")]
    UnknownActivation {
        /// The name that was passed.
        name: String,
        /// The valid names, comma separated.
        valid: String,
    },

    /// An optimizer name that [`OptimizerKind::from_str`](crate::nn::OptimizerKind) does not know.
    #[error("unknown optimizer {name:?}; valid names are: {valid}")]
    UnknownOptimizer {
        /// The name that was passed.
        name: String,
        /// The valid names, comma separated.
        valid: String,
    },

    /// An optimizer hyper-parameter outside its valid range.
    #[error("invalid optimizer setting {name} = {value}: must be {expected}")]
    InvalidHyperparameter {
        /// Which setting (`lr`, `beta1`, `beta2`, `eps`).
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },
}
