//! Building a trainer on the engine a run asks for: the native one (always
//! there) or candle (feature `candle`) on the CPU or a CUDA device (feature
//! `cuda`). The choice itself is [`crate::gan::Choice`].
//!
//! The CLI (`--backend`, `--device`), the window (a combo box when built
//! with candle) and sweeps build their trainers through [`trainer`], so a
//! choice that this build or this machine cannot honour fails the same way
//! everywhere, in one line.

#[cfg(feature = "candle")]
use crate::gan::DeviceKind;
use crate::gan::{BackendKind, Choice, Config, GanError, Trainer};

/// Why a trainer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ChoiceError {
    /// The config is invalid (bad input).
    #[error(transparent)]
    Config(#[from] GanError),
    /// This build or this choice cannot do what was asked (bad input).
    #[error("{0}")]
    Unsupported(String),
    /// CUDA was asked for and this machine has no usable device (bad
    /// input: the user asked for something that is not there).
    #[error("{0}")]
    NoDevice(String),
    /// The device failed while the networks were built (a failure).
    #[error("{0}")]
    Unavailable(String),
}

/// A trainer for `config` on `choice`.
///
/// # Errors
/// An invalid config, a backend this build lacks, or a device that is not
/// there.
pub fn trainer(config: Config, choice: Choice) -> Result<Trainer, ChoiceError> {
    choice.check().map_err(|e| ChoiceError::Unsupported(e.0))?;
    match choice.backend {
        BackendKind::Native => Ok(Trainer::new(config)?),
        BackendKind::Candle => candle_trainer(config, choice),
    }
}

#[cfg(feature = "candle")]
fn candle_trainer(config: Config, choice: Choice) -> Result<Trainer, ChoiceError> {
    use crate::candle::{CandleBackend, DType};
    config.validate().map_err(GanError::from)?;
    let dev = crate::candle::device(choice.device == DeviceKind::Cuda)
        .map_err(|e| ChoiceError::NoDevice(e.to_string()))?;
    Trainer::with_backend(config, |init| {
        CandleBackend::new(init, &dev, DType::F32)
            .map(|b| Box::new(b) as Box<dyn crate::gan::Backend>)
            .map_err(|e| ChoiceError::Unavailable(e.to_string()))
    })
}

#[cfg(not(feature = "candle"))]
fn candle_trainer(_config: Config, _choice: Choice) -> Result<Trainer, ChoiceError> {
    Err(ChoiceError::Unsupported(
        "this ganscope was built without the candle backend; rebuild with --features candle".into(),
    ))
}
