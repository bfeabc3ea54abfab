//! Where G, D and their optimizers live and are updated: the [`Backend`]
//! trait, and the native engine ([`NativeBackend`], the hand-written `nn`).
//!
//! The trainer keeps everything that makes a run *a run*: the config, the
//! one random stream and the draws it fills, the schedule (k, k_g, the
//! instance-noise annealing), divergence detection and the snapshots. A
//! backend only does arithmetic on the draws it is handed:
//!
//! - [`Backend::d_step`] / [`Backend::g_step`]: one update of D (G fixed) or
//!   of G (D fixed) on these draws, and what it measured;
//! - [`Backend::generator`] / [`Backend::discriminator`]: the networks as
//!   host [`Mlp<f32>`] for the snapshot, the theory and the window;
//! - [`Backend::restore`]: undo the last update of one network after it made
//!   a parameter non-finite (the trainer's [`restore`](super::Trainer::restore));
//! - [`Backend::set_lrs`], [`Backend::resize`]: live settings.
//!
//! The native engine is the reference: the trainer calls it directly (no
//! dynamic dispatch, nothing allocated per step). Other engines — the candle
//! one, behind the `candle` feature — come in as `Box<dyn Backend>` through
//! [`Trainer::with_backend`](super::Trainer::with_backend); this module
//! knows nothing about them.

use std::fmt;

use super::backup::{Backup, clip_weights};
use super::objective::{Draws, Objective, Scratch};
use super::{GanError, LossKind};
use crate::nn::{Grads, Mlp, Optimizer, OptimizerConfig};

/// Which network an update changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
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

/// What a backend is built from: the initial networks (drawn by the
/// trainer from its random stream, so that every backend starts from the
/// same weights) and the optimizers' settings.
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
}

/// One engine that owns G, D and their optimizer states; see the
/// [module docs](self).
pub trait Backend: Send + fmt::Debug {
    /// A short name for summaries and the window: `native`, `candle/cpu`, `candle/cuda`.
    fn label(&self) -> String;

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

    /// G as a host network (current parameters).
    fn generator(&self) -> &Mlp<f32>;

    /// D as a host network (current parameters).
    fn discriminator(&self) -> &Mlp<f32>;

    /// The fake inputs of D in the last step (`G(z) + ν`).
    fn fake_batch(&self) -> &[f32];

    /// Undoes the last update of `net` (network and optimizer state), keeping
    /// the current learning rates.
    fn restore(&mut self, net: Net);

    /// New learning rates, from the next update on.
    ///
    /// # Errors
    /// A rate that is not positive and finite.
    fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError>;

    /// The number of samples per step changed to `m`.
    fn resize(&mut self, m: usize);

    /// A deep copy (a cloned trainer must not share parameters).
    fn box_clone(&self) -> Box<dyn Backend>;
}

impl Clone for Box<dyn Backend> {
    fn clone(&self) -> Self {
        self.box_clone()
    }
}

/// The hand-written engine of [`crate::nn`]: G, D, their optimizers, the
/// preallocated buffers and the lagging backups (see `backup`).
#[derive(Clone, Debug)]
pub struct NativeBackend {
    g: Mlp<f32>,
    d: Mlp<f32>,
    opt_g: Optimizer<f32>,
    opt_d: Optimizer<f32>,
    scratch: Scratch<f32>,
    grads_g: Grads<f32>,
    grads_d: Grads<f32>,
    backup_g: Backup,
    backup_d: Backup,
}

impl NativeBackend {
    /// Builds the engine.
    ///
    /// # Errors
    /// An invalid optimizer setting.
    pub fn new(init: BackendInit) -> Result<Self, GanError> {
        let BackendInit {
            g,
            d,
            opt_g,
            opt_d,
            m,
        } = init;
        let opt_g = Optimizer::new(opt_g, &g)?;
        let opt_d = Optimizer::new(opt_d, &d)?;
        Ok(NativeBackend {
            scratch: Scratch::new(&g, &d, m),
            grads_g: g.zero_grads(),
            grads_d: d.zero_grads(),
            backup_g: Backup::new(&g, &opt_g),
            backup_d: Backup::new(&d, &opt_d),
            g,
            d,
            opt_g,
            opt_d,
        })
    }

    /// See [`Backend::d_step`]; infallible.
    pub fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> StepOut {
        let ev = objective.d_step_grad(
            &self.g,
            &self.d,
            draws,
            &mut self.scratch,
            &mut self.grads_d,
        );
        let mut out = StepOut {
            loss: ev.loss,
            penalty: ev.penalty,
            mean_real: ev.mean_real,
            mean_fake: ev.mean_fake,
            grad_norm: self.grads_d.norm(),
            outcome: Outcome::Applied,
        };
        if !(ev.loss.is_finite() && self.grads_d.is_finite()) {
            out.outcome = Outcome::NonFiniteLoss;
            return out;
        }
        let lr = self.opt_d.config().lr;
        self.backup_d.catch_up();
        self.backup_d.record(&self.grads_d, lr, clip);
        self.opt_d.step(&mut self.d, &self.grads_d);
        if let Some(c) = clip {
            clip_weights(&mut self.d, c);
        }
        if !self.d.is_finite() {
            out.outcome = Outcome::NonFiniteParams;
        }
        out
    }

    /// See [`Backend::g_step`]; infallible.
    pub fn g_step(&mut self, objective: &Objective, draws: &Draws<f32>) -> StepOut {
        let ev = objective.g_step_grad(
            &self.g,
            &self.d,
            draws,
            &mut self.scratch,
            &mut self.grads_g,
        );
        let mut out = StepOut {
            loss: ev.loss,
            penalty: 0.0,
            mean_real: 0.0,
            mean_fake: ev.mean_fake,
            grad_norm: self.grads_g.norm(),
            outcome: Outcome::Applied,
        };
        if !(ev.loss.is_finite() && self.grads_g.is_finite()) {
            out.outcome = Outcome::NonFiniteLoss;
            return out;
        }
        let lr = self.opt_g.config().lr;
        self.backup_g.catch_up();
        self.backup_g.record(&self.grads_g, lr, None);
        self.opt_g.step(&mut self.g, &self.grads_g);
        if !self.g.is_finite() {
            out.outcome = Outcome::NonFiniteParams;
        }
        out
    }

    /// See [`Backend::restore`].
    pub fn restore(&mut self, net: Net) {
        match net {
            Net::D => {
                let lr = self.opt_d.config().lr;
                self.backup_d.restore_into(&mut self.d, &mut self.opt_d, lr);
            }
            Net::G => {
                let lr = self.opt_g.config().lr;
                self.backup_g.restore_into(&mut self.g, &mut self.opt_g, lr);
            }
        }
    }

    /// See [`Backend::set_lrs`].
    pub fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError> {
        // Validate both before changing either.
        let (mut od, mut og) = (*self.opt_d.config(), *self.opt_g.config());
        od.lr = lr_d;
        og.lr = lr_g;
        od.validate()?;
        og.validate()?;
        self.opt_d.set_lr(lr_d)?;
        self.opt_g.set_lr(lr_g)?;
        Ok(())
    }

    /// See [`Backend::resize`].
    pub fn resize(&mut self, m: usize) {
        self.scratch = Scratch::new(&self.g, &self.d, m);
    }

    /// G.
    pub fn generator(&self) -> &Mlp<f32> {
        &self.g
    }

    /// D.
    pub fn discriminator(&self) -> &Mlp<f32> {
        &self.d
    }

    /// See [`Backend::fake_batch`].
    pub fn fake_batch(&self) -> &[f32] {
        self.scratch.fake()
    }
}

impl Backend for NativeBackend {
    fn label(&self) -> String {
        "native".into()
    }

    fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> Result<StepOut, BackendError> {
        Ok(NativeBackend::d_step(self, objective, draws, clip))
    }

    fn g_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
    ) -> Result<StepOut, BackendError> {
        Ok(NativeBackend::g_step(self, objective, draws))
    }

    fn generator(&self) -> &Mlp<f32> {
        &self.g
    }

    fn discriminator(&self) -> &Mlp<f32> {
        &self.d
    }

    fn fake_batch(&self) -> &[f32] {
        self.scratch.fake()
    }

    fn restore(&mut self, net: Net) {
        NativeBackend::restore(self, net);
    }

    fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError> {
        NativeBackend::set_lrs(self, lr_d, lr_g)
    }

    fn resize(&mut self, m: usize) {
        NativeBackend::resize(self, m);
    }

    fn box_clone(&self) -> Box<dyn Backend> {
        Box::new(self.clone())
    }
}

/// The trainer's engine: the native one called directly, or any other
/// behind the trait.
#[derive(Clone, Debug)]
pub(super) enum Engine {
    Native(Box<NativeBackend>),
    Other(Box<dyn Backend>),
}

impl Engine {
    pub(super) fn label(&self) -> String {
        match self {
            Engine::Native(_) => "native".into(),
            Engine::Other(b) => b.label(),
        }
    }

    pub(super) fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> Result<StepOut, BackendError> {
        match self {
            Engine::Native(n) => Ok(n.d_step(objective, draws, clip)),
            Engine::Other(b) => b.d_step(objective, draws, clip),
        }
    }

    pub(super) fn g_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
    ) -> Result<StepOut, BackendError> {
        match self {
            Engine::Native(n) => Ok(n.g_step(objective, draws)),
            Engine::Other(b) => b.g_step(objective, draws),
        }
    }

    pub(super) fn generator(&self) -> &Mlp<f32> {
        match self {
            Engine::Native(n) => n.generator(),
            Engine::Other(b) => b.generator(),
        }
    }

    pub(super) fn discriminator(&self) -> &Mlp<f32> {
        match self {
            Engine::Native(n) => n.discriminator(),
            Engine::Other(b) => b.discriminator(),
        }
    }

    pub(super) fn fake_batch(&self) -> &[f32] {
        match self {
            Engine::Native(n) => n.fake_batch(),
            Engine::Other(b) => b.fake_batch(),
        }
    }

    pub(super) fn restore(&mut self, net: Net) {
        match self {
            Engine::Native(n) => n.restore(net),
            Engine::Other(b) => b.restore(net),
        }
    }

    pub(super) fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError> {
        match self {
            Engine::Native(n) => n.set_lrs(lr_d, lr_g),
            Engine::Other(b) => b.set_lrs(lr_d, lr_g),
        }
    }

    pub(super) fn resize(&mut self, m: usize) {
        match self {
            Engine::Native(n) => n.resize(m),
            Engine::Other(b) => b.resize(m),
        }
    }
}

/// The clipping of a D update: `Some(c)` for `wgan` with `c > 0`.
pub(super) fn clip_of(loss: LossKind, clip: f64) -> Option<f32> {
    (loss == LossKind::Wgan && clip > 0.0).then_some(clip as f32)
}
