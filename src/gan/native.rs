//! The native engine: G, D and their optimizers on the hand-written `nn`,
//! with preallocated buffers and lagging backups (see `backup`). It is the
//! reference the other engines are checked against, and allocates nothing
//! per update while the batch size stays the same.

use super::GanError;
use super::backend::{Backend, BackendError, BackendInit, Choice, Outcome, Player, StepOut};
use super::backup::{Backup, clip_weights};
use super::objective::{Draws, FakeLoss, Objective, Scratch, g_grad_by};
use crate::nn::{Grads, Mlp, Optimizer};

/// The hand-written engine of [`crate::nn`]; see the [module docs](self).
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
}

impl NativeBackend {
    /// Steps G's optimizer on the gradient in `grads_g` (unless the loss or
    /// the gradient is not finite) and reports the update.
    fn apply_g(&mut self, loss: f32, mean_fake: f32) -> StepOut {
        let mut out = StepOut {
            loss,
            penalty: 0.0,
            mean_real: 0.0,
            mean_fake,
            grad_norm: self.grads_g.norm(),
            outcome: Outcome::Applied,
        };
        if !(loss.is_finite() && self.grads_g.is_finite()) {
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
}

impl Backend for NativeBackend {
    fn choice(&self) -> Choice {
        Choice::default()
    }

    fn d_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
        clip: Option<f32>,
    ) -> Result<StepOut, BackendError> {
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
            return Ok(out);
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
        Ok(out)
    }

    fn g_step(
        &mut self,
        objective: &Objective,
        draws: &Draws<f32>,
    ) -> Result<StepOut, BackendError> {
        let ev = objective.g_step_grad(
            &self.g,
            &self.d,
            draws,
            &mut self.scratch,
            &mut self.grads_g,
        );
        Ok(self.apply_g(ev.loss, ev.mean_fake))
    }

    fn g_step_by(
        &mut self,
        draws: &Draws<f32>,
        loss: &mut FakeLoss<'_, f32>,
    ) -> Result<StepOut, BackendError> {
        let ev = g_grad_by(&self.g, draws, &mut self.scratch, &mut self.grads_g, loss);
        Ok(self.apply_g(ev.loss, ev.mean_fake))
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

    fn restore(&mut self, player: Player) {
        match player {
            Player::D => {
                let lr = self.opt_d.config().lr;
                self.backup_d.restore_into(&mut self.d, &mut self.opt_d, lr);
            }
            Player::G => {
                let lr = self.opt_g.config().lr;
                self.backup_g.restore_into(&mut self.g, &mut self.opt_g, lr);
            }
        }
    }

    fn set_lrs(&mut self, lr_d: f64, lr_g: f64) -> Result<(), GanError> {
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

    fn resize(&mut self, m: usize) {
        self.scratch = Scratch::new(&self.g, &self.d, m);
    }

    fn box_clone(&self) -> Box<dyn Backend> {
        Box::new(self.clone())
    }
}
