//! Choosing the engine a run trains on: the native one (always there) or
//! candle (feature `candle`) on the CPU or a CUDA device (feature `cuda`).
//!
//! The CLI (`--backend`, `--device`), the window (a combo box when built
//! with candle) and any batch command build their trainers through
//! [`trainer`], so a choice that this build or this machine cannot honour
//! fails the same way everywhere, in one line.

use std::fmt;
use std::str::FromStr;

use crate::gan::{Config, GanError, Trainer};

/// Which engine.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// The hand-written engine of `nn` (CPU).
    #[default]
    Native,
    /// candle tensors.
    Candle,
}

/// Where the candle engine computes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// The CPU.
    #[default]
    Cpu,
    /// CUDA device 0.
    Cuda,
}

/// An engine and a device.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(default)]
pub struct Choice {
    /// The engine.
    pub backend: BackendKind,
    /// The device.
    pub device: DeviceKind,
}

impl BackendKind {
    /// The name used by `--backend`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Native => "native",
            BackendKind::Candle => "candle",
        }
    }
}

impl DeviceKind {
    /// The name used by `--device`.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::Cpu => "cpu",
            DeviceKind::Cuda => "cuda",
        }
    }
}

impl FromStr for BackendKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "native" => Ok(BackendKind::Native),
            "candle" => Ok(BackendKind::Candle),
            _ => Err(format!("unknown backend '{s}'; expected native or candle")),
        }
    }
}

impl FromStr for DeviceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Ok(DeviceKind::Cpu),
            "cuda" | "gpu" => Ok(DeviceKind::Cuda),
            _ => Err(format!("unknown device '{s}'; expected cpu or cuda")),
        }
    }
}

impl fmt::Display for Choice {
    /// `native`, `candle/cpu`, `candle/cuda` (the trainer's backend label).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend {
            BackendKind::Native => f.write_str("native"),
            BackendKind::Candle => write!(f, "candle/{}", self.device.name()),
        }
    }
}

impl FromStr for Choice {
    type Err = String;

    /// `native`, `candle` (on the CPU), `candle/cpu`, `candle/cuda`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (b, d) = s.split_once('/').unwrap_or((s, "cpu"));
        Ok(Choice {
            backend: b.parse()?,
            device: d.parse()?,
        })
    }
}

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

impl Choice {
    /// Every choice this build offers, for menus: `native`, and with the
    /// `candle` feature `candle/cpu`, with `cuda` also `candle/cuda`.
    pub fn built() -> Vec<Choice> {
        let mut v = vec![Choice::default()];
        if cfg!(feature = "candle") {
            v.push(Choice {
                backend: BackendKind::Candle,
                device: DeviceKind::Cpu,
            });
        }
        if cfg!(feature = "cuda") {
            v.push(Choice {
                backend: BackendKind::Candle,
                device: DeviceKind::Cuda,
            });
        }
        v
    }

    /// Checks what needs no device: the backend is built, and the native
    /// engine is not asked for CUDA.
    ///
    /// # Errors
    /// [`ChoiceError::Unsupported`] naming the missing feature.
    pub fn check(self) -> Result<(), ChoiceError> {
        match (self.backend, self.device) {
            (BackendKind::Native, DeviceKind::Cuda) => Err(ChoiceError::Unsupported(
                "the native backend runs on the CPU only; for CUDA use --backend candle --device cuda"
                    .into(),
            )),
            (BackendKind::Native, DeviceKind::Cpu) => Ok(()),
            (BackendKind::Candle, _) if !cfg!(feature = "candle") => Err(ChoiceError::Unsupported(
                "this ganscope was built without the candle backend; rebuild with --features candle (or cuda)"
                    .into(),
            )),
            (BackendKind::Candle, DeviceKind::Cuda) if !cfg!(feature = "cuda") => {
                Err(ChoiceError::Unsupported(
                    "this ganscope was built without CUDA; rebuild with --features cuda (needs nvcc)"
                        .into(),
                ))
            }
            (BackendKind::Candle, _) => Ok(()),
        }
    }
}

/// A trainer for `config` on `choice`.
///
/// # Errors
/// An invalid config, a backend this build lacks, or a device that is not
/// there.
pub fn trainer(config: Config, choice: Choice) -> Result<Trainer, ChoiceError> {
    choice.check()?;
    match choice.backend {
        BackendKind::Native => Ok(Trainer::new(config)?),
        BackendKind::Candle => candle_trainer(config, choice.device),
    }
}

#[cfg(feature = "candle")]
fn candle_trainer(config: Config, device: DeviceKind) -> Result<Trainer, ChoiceError> {
    use crate::candle::{CandleBackend, DType};
    config.validate().map_err(GanError::from)?;
    let dev = crate::candle::device(device == DeviceKind::Cuda)
        .map_err(|e| ChoiceError::NoDevice(e.to_string()))?;
    Trainer::with_backend(config, |init| {
        CandleBackend::new(init, &dev, DType::F32)
            .map(|b| Box::new(b) as Box<dyn crate::gan::Backend>)
            .map_err(|e| ChoiceError::Unavailable(e.to_string()))
    })
}

#[cfg(not(feature = "candle"))]
fn candle_trainer(_config: Config, _device: DeviceKind) -> Result<Trainer, ChoiceError> {
    Err(ChoiceError::Unsupported(
        "this ganscope was built without the candle backend; rebuild with --features candle".into(),
    ))
}
