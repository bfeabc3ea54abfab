//! Where G, D and their optimizers live and are updated: the [`Backend`]
//! trait, and which engine and device a run asks for ([`Choice`]).
//!
//! The trainer keeps everything that makes a run *a run*: the config, the
//! one random stream and the draws it fills, the schedule (k, k_g, the
//! instance-noise annealing), divergence detection and the snapshots. A
//! backend only does arithmetic on the draws it is handed:
//!
//! - [`Backend::d_step`] / [`Backend::g_step`]: one update of D (G fixed) or
//!   of G (D fixed) on these draws, and what it measured;
//!   [`Backend::g_step_by`]: one update of G against a D that is a function
//!   of the fakes (the exact optimum of `oracle`);
//! - [`Backend::generator`] / [`Backend::discriminator`]: the networks as
//!   host [`Mlp<f32>`] for the snapshot, the theory and the window;
//! - [`Backend::restore`]: undo the last update of one network after it made
//!   a parameter non-finite (the trainer's [`restore`](super::Trainer::restore));
//! - [`Backend::set_lrs`], [`Backend::resize`]: live settings;
//! - the vector primitives that the update rules beyond alternation are
//!   written in, once, in `update` (so every rule runs the same on every
//!   engine): [`Backend::gradient`] and [`Backend::full_gradient`] into a
//!   [`Slot`], [`Backend::combine`] and [`Backend::norm`] on slots,
//!   [`Backend::save`], [`Backend::shift`] and [`Backend::revert`] on the
//!   parameters, and [`Backend::apply`], the optimizer step along a slot.
//!
//! The trainer holds its engine as one `Box<dyn Backend>`, whichever it is:
//! the native one ([`super::NativeBackend`], the hand-written `nn`, the
//! reference) or the candle one behind the `candle` feature, which comes in
//! through [`Trainer::with_backend`](super::Trainer::with_backend); this
//! module knows nothing about either. One dynamic call per update costs
//! nothing beside the update itself (the `train_step` bench).

use std::fmt;

use std::str::FromStr;

use super::model::Frozen;
use super::objective::{Draws, FakeLoss, Objective};
use super::{GanError, LossKind};
use crate::nn::{Mlp, OptimizerConfig};

/// One of the two players of the game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Player {
    /// The generator.
    G,
    /// The discriminator (or critic).
    D,
}

/// How an update ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied; every parameter is finite.
    Applied,
    /// The loss or the gradient was not finite: nothing was applied.
    NonFiniteLoss,
    /// Applied, and a parameter became non-finite: [`Backend::restore`]
    /// undoes it.
    NonFiniteParams,
}

/// What one D or G update measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepOut {
    /// The minimised objective (D: penalties included).
    pub loss: f32,
    /// The R1 and GP penalties (D steps; 0 for G steps).
    pub penalty: f32,
    /// Mean raw output of D on the real packs (D steps; 0 for G steps).
    pub mean_real: f32,
    /// Mean raw output of D on the fake packs.
    pub mean_fake: f32,
    /// ‖∂L/∂θ‖ of the updated network.
    pub grad_norm: f32,
    /// Whether the update was applied and left finite parameters.
    pub outcome: Outcome,
}

/// A backend that could not compute (a device error, out of memory): not
/// a divergence of the run, a failure of the machine under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError(pub String);

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BackendError {}

/// A per-player vector an engine keeps, shaped like the player's
/// parameters: where gradients go and what the update rules combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The gradient of the step (the one [`Backend::d_step`] and
    /// [`Backend::g_step`] also use).
    Grad,
    /// The previous step's gradient (optimistic descent).
    Prev,
    /// An accumulator (consensus optimisation's Jᵀv).
    Acc,
    /// Scratch.
    Tmp,
}

/// What a backend is built from: the initial networks (drawn by the
/// trainer from its random stream, so that every backend starts from the
/// same weights), the optimizers' settings and the parameters held fixed.
#[derive(Clone, Debug)]
pub struct BackendInit {
    /// G, freshly initialised.
    pub g: Mlp<f32>,
    /// D, freshly initialised.
    pub d: Mlp<f32>,
    /// G's optimizer.
    pub opt_g: OptimizerConfig,
    /// D's optimizer.
    pub opt_d: OptimizerConfig,
    /// Samples per step (`m`, a multiple of `pack`).
    pub m: usize,
    /// G's parameters that never move (a constant G's weights).
    pub frozen_g: Frozen,
    /// D's parameters that never move (a linear D's bias).
    pub frozen_d: Frozen,
}

/// One engine that owns G, D and their optimizer states; see the
/// [module docs](self).
pub trait Backend: Send + fmt::Debug {
    /// The engine and the device it computes on.
    fn choice(&self) -> Choice;

    /// One D update on `draws` (G fixed): the loss with its penalties, then
    /// the optimizer step, then weight clipping to `[−c, c]` when `clip` is
    /// given. Nothing is applied when the loss or gradient is not finite.
    ///
    /// # Errors
    /// The engine could not compute.
    fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> Result<StepOut, BackendError>;

    /// One G update on `draws.z` and `draws.noise_fake` (D fixed).
    ///
    /// # Errors
    /// The engine could not compute.
    fn g_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
    ) -> Result<StepOut, BackendError>;

    /// One G update against a D given as a function of the fakes (the
    /// oracle of `d_model = oracle`): `loss(x, dl_dx)` returns `(L_G, mean D)`
    /// at `x = G(z) + ν` and writes `∂L_G/∂x`; the engine backpropagates it
    /// through G and steps G's optimizer. Both engines implement it; an
    /// engine that does not says so.
    ///
    /// # Errors
    /// The engine could not compute, or has no such step.
    fn g_step_by(
        &mut self,
        draws: &Draws<f32>,
        loss: &mut FakeLoss<'_, f32>,
    ) -> Result<StepOut, BackendError> {
        let _ = (draws, loss);
        Err(BackendError(format!(
            "the {} engine cannot train G against the oracle D",
            self.choice()
        )))
    }

    /// G as a host network (current parameters).
    fn generator(&self) -> &Mlp<f32>;

    /// D as a host network (current parameters).
    fn discriminator(&self) -> &Mlp<f32>;

    /// The fake inputs of D in the last step (`G(z) + ν`).
    fn fake_batch(&self) -> &[f32];

    /// Undoes the last update of `player` (network and optimizer state), keeping
    /// the current learning rates.
    fn restore(&mut self, player: Player);

    /// New learning rates, from the next update on.
    ///
    /// # Errors
    /// A rate that is not positive and finite.
    fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError>;

    /// The number of samples per step changed to `m`.
    fn resize(&mut self, m: usize);

    /// A deep copy (a cloned trainer must not share parameters).
    fn box_clone(&self) -> Box<dyn Backend>;

    /// `∂L/∂θ` of `player`'s own loss (D: penalties included) on `draws`
    /// at the current parameters, into `player`'s `into` slot (held
    /// parameters 0); nothing is applied. The outcome is
    /// [`Outcome::NonFiniteLoss`] when the loss or the gradient is not
    /// finite, else [`Outcome::Applied`].
    ///
    /// # Errors
    /// The engine could not compute.
    fn gradient(
        &mut self,
        player: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError>;

    /// The gradient of `of`'s loss with respect to *both* players'
    /// parameters: `∂L_of/∂θ_G` into G's `into` slot and `∂L_of/∂θ_D` into
    /// D's (held parameters 0). The cross term `∂L_D/∂θ_G` flows through the
    /// fake samples, including the WGAN-GP interpolates.
    ///
    /// # Errors
    /// The engine could not compute.
    fn full_gradient(
        &mut self,
        of: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError>;

    /// `y ← a·x + b·y` on `player`'s slots (`x = y` allowed).
    ///
    /// # Errors
    /// The engine could not compute.
    fn combine(
        &mut self,
        player: Player,
        y: Slot,
        a: f64,
        x: Slot,
        b: f64,
    ) -> Result<(), BackendError>;

    /// `‖slot‖` of `player`.
    ///
    /// # Errors
    /// The engine could not compute.
    fn norm(&self, player: Player, slot: Slot) -> Result<f64, BackendError>;

    /// Keeps `player`'s parameters and optimizer state for [`revert`](Self::revert).
    fn save(&mut self, player: Player);

    /// `θ ← θ + a·slot` for `player` (no optimizer, nothing kept).
    ///
    /// # Errors
    /// The engine could not compute.
    fn shift(&mut self, player: Player, a: f64, slot: Slot) -> Result<(), BackendError>;

    /// Puts back what the last [`save`](Self::save) kept (parameters and
    /// optimizer state).
    fn revert(&mut self, player: Player);

    /// One optimizer step of `player` along `slot` as its gradient, then
    /// clipping. With `record`, as an update of the run (undone by
    /// [`restore`](Self::restore) if it leaves a non-finite parameter);
    /// without, a look-ahead that [`revert`](Self::revert) will undo.
    ///
    /// # Errors
    /// The engine could not compute.
    fn apply(
        &mut self,
        player: Player,
        slot: Slot,
        clip: Option<f32>,
        record: bool,
    ) -> Result<Outcome, BackendError>;
}

impl Clone for Box<dyn Backend> {
    fn clone(&self) -> Self {
        self.box_clone()
    }
}

/// The clipping of a D update: `Some(c)` for `wgan` with `c > 0`.
pub(super) fn clip_of(loss: LossKind, clip: f64) -> Option<f32> {
    (loss == LossKind::Wgan && clip > 0.0).then_some(clip as f32)
}

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
    /// A [`BackendError`] naming the missing feature.
    pub fn check(self) -> Result<(), BackendError> {
        match (self.backend, self.device) {
            (BackendKind::Native, DeviceKind::Cuda) => Err(BackendError(
                "the native backend runs on the CPU only; for CUDA use --backend candle --device cuda"
                    .into(),
            )),
            (BackendKind::Native, DeviceKind::Cpu) => Ok(()),
            (BackendKind::Candle, _) if !cfg!(feature = "candle") => Err(BackendError(
                "this ganscope was built without the candle backend; rebuild with --features candle (or cuda)"
                    .into(),
            )),
            (BackendKind::Candle, DeviceKind::Cuda) if !cfg!(feature = "cuda") => {
                Err(BackendError(
                    "this ganscope was built without CUDA; rebuild with --features cuda (needs nvcc)"
                        .into(),
                ))
            }
            (BackendKind::Candle, _) => Ok(()),
        }
    }
}
