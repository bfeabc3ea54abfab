//! Errors of the GAN module: a bad configuration ([`ConfigError`]) and a bad
//! request to a trainer ([`GanError`]).
//!
//! Every message is one line meant for the user: it names the key, the value
//! and what was expected. A target spec error keeps the [`SpecError`] so that
//! the command line can draw its caret.

use crate::density::SpecError;
use crate::nn::NnError;

/// A configuration that cannot be read or is out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The TOML text does not parse (or a value has the wrong type).
    #[error("config line {line}: {message}")]
    Toml {
        /// 1-based line of the offending text.
        line: usize,
        /// The parser's message, on one line.
        message: String,
    },

    /// A key that is not one of [`KEYS`](super::keys::KEYS).
    #[error("unknown config key `{key}`{}; valid keys: {valid}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    UnknownKey {
        /// The key as written.
        key: String,
        /// Where it was written, for a file.
        line: Option<usize>,
        /// The valid keys, comma separated.
        valid: String,
    },

    /// `--set KEY=VALUE` with a value that does not parse for that key.
    #[error("cannot set {key} = {value:?}: expected {expected}")]
    BadValue {
        /// The key.
        key: String,
        /// The value as given.
        value: String,
        /// What the key takes.
        expected: String,
    },

    /// A value out of its range (the message names key, value and range).
    #[error("{0}")]
    OutOfRange(String),

    /// The target spec does not parse.
    #[error("target: {0}")]
    Target(#[from] SpecError),

    /// A preset file that is not a lesson (for `presets`, which names it).
    #[error("{0}")]
    Preset(String),

    /// The resolved config cannot be written as TOML.
    #[error("cannot write the config as TOML: {0}")]
    Serialize(String),
}

/// A trainer that cannot be built or changed as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GanError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The networks or optimizers refused their settings.
    #[error(transparent)]
    Nn(#[from] NnError),

    /// A key that changes the networks' shapes or the random stream cannot be
    /// changed on a running trainer.
    #[error("{key} cannot change while training; build a new trainer (reset) to change it")]
    NeedsReset {
        /// The key.
        key: String,
    },

    /// The trainer diverged and must be restored or rebuilt first.
    #[error("training diverged at step {step}; restore or reset first")]
    Diverged {
        /// The iteration where a loss or parameter stopped being finite.
        step: u64,
    },
}
