//! The native engine: G, D and their optimizers on the hand-written `nn`,
//! with preallocated buffers and lagging backups (see `backup`). It is the
//! reference the other engines are checked against, and allocates nothing
//! per update while the batch size stays the same.
//!
//! The slots of the update rules ([`Slot`]) are preallocated gradient
//! buffers per player (`Grad` is the step's own gradient buffer), and
//! [`Backend::save`] copies the parameters and the optimizer state into
//! preallocated twins.

use super::GanError;
use super::backend::{Backend, BackendError, BackendInit, Choice, Outcome, Player, Slot, StepOut};
use super::backup::{Backup, clip_weights};
use super::model::Frozen;
use super::objective::{Draws, FakeLoss, Objective, Scratch, g_grad_by};
use crate::nn::{Grads, Mlp, Optimizer};

/// One player's buffers for the update rules.
#[derive(Clone, Debug)]
struct Extra {
    frozen: Frozen,
    prev: Grads<f32>,
    acc: Grads<f32>,
    tmp: Grads<f32>,
    saved_net: Mlp<f32>,
    saved_opt: Optimizer<f32>,
}

impl Extra {
    fn new(net: &Mlp<f32>, opt: &Optimizer<f32>, frozen: Frozen) -> Self {
        Extra {
            frozen,
            prev: net.zero_grads(),
            acc: net.zero_grads(),
            tmp: net.zero_grads(),
            saved_net: net.clone(),
            saved_opt: opt.clone(),
        }
    }
}

/// Zeroes the gradient of the held parameters.
fn mask(grads: &mut Grads<f32>, frozen: Frozen) {
    if frozen.any() {
        grads.zero_part(frozen.weights, frozen.biases);
    }
}

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
    extra_g: Extra,
    extra_d: Extra,
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
            frozen_g,
            frozen_d,
        } = init;
        let opt_g = Optimizer::new(opt_g, &g)?;
        let opt_d = Optimizer::new(opt_d, &d)?;
        Ok(NativeBackend {
            scratch: Scratch::new(&g, &d, m),
            grads_g: g.zero_grads(),
            grads_d: d.zero_grads(),
            backup_g: Backup::new(&g, &opt_g),
            backup_d: Backup::new(&d, &opt_d),
            extra_g: Extra::new(&g, &opt_g, frozen_g),
            extra_d: Extra::new(&d, &opt_d, frozen_d),
            g,
            d,
            opt_g,
            opt_d,
        })
    }
}

impl NativeBackend {
    /// Steps G's optimizer on the gradient in `grads_g`, its held parameters
    /// masked (unless the loss or the gradient is not finite), and reports
    /// the update.
    fn apply_g(&mut self, loss: f32, mean_fake: f32) -> StepOut {
        mask(&mut self.grads_g, self.extra_g.frozen);
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
        mask(&mut self.grads_d, self.extra_d.frozen);
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

    fn gradient(
        &mut self,
        player: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError> {
        let (g, d, s) = (&self.g, &self.d, &mut self.scratch);
        let out = match player {
            Player::D => {
                let frozen = self.extra_d.frozen;
                let buf = slot_of(&mut self.grads_d, &mut self.extra_d, into);
                let ev = objective.d_step_grad(g, d, draws, s, buf);
                mask(buf, frozen);
                eval_out(ev.loss, ev.penalty, ev.mean_real, ev.mean_fake, buf)
            }
            Player::G => {
                let frozen = self.extra_g.frozen;
                let buf = slot_of(&mut self.grads_g, &mut self.extra_g, into);
                let ev = objective.g_step_grad(g, d, draws, s, buf);
                mask(buf, frozen);
                eval_out(ev.loss, 0.0, 0.0, ev.mean_fake, buf)
            }
        };
        Ok(out)
    }

    fn full_gradient(
        &mut self,
        of: Player,
        objective: &Objective,
        draws: &Draws<f32>,
        into: Slot,
    ) -> Result<StepOut, BackendError> {
        let (g, d, s) = (&self.g, &self.d, &mut self.scratch);
        let (fg, fd) = (self.extra_g.frozen, self.extra_d.frozen);
        let bg = slot_of(&mut self.grads_g, &mut self.extra_g, into);
        let bd = slot_of(&mut self.grads_d, &mut self.extra_d, into);
        let (loss, penalty, mean_real, mean_fake) = match of {
            Player::D => {
                let ev = objective.d_full_grad(g, d, draws, s, bg, bd);
                (ev.loss, ev.penalty, ev.mean_real, ev.mean_fake)
            }
            Player::G => {
                let ev = objective.g_full_grad(g, d, draws, s, bg, bd);
                (ev.loss, 0.0, 0.0, ev.mean_fake)
            }
        };
        mask(bg, fg);
        mask(bd, fd);
        let mut out = eval_out(loss, penalty, mean_real, mean_fake, bd);
        if !bg.is_finite() {
            out.outcome = Outcome::NonFiniteLoss;
        }
        Ok(out)
    }

    fn combine(
        &mut self,
        player: Player,
        y: Slot,
        a: f64,
        x: Slot,
        b: f64,
    ) -> Result<(), BackendError> {
        let (grad, extra) = match player {
            Player::G => (&mut self.grads_g, &mut self.extra_g),
            Player::D => (&mut self.grads_d, &mut self.extra_d),
        };
        let (a, b) = (a as f32, b as f32);
        if x == y {
            let v = slot_of(grad, extra, y);
            let copy = v.clone();
            v.combine(a, &copy, b);
            return Ok(());
        }
        // Two distinct slots: borrow one from each side of the split.
        let mut bufs = [
            (Slot::Grad, grad),
            (Slot::Prev, &mut extra.prev),
            (Slot::Acc, &mut extra.acc),
            (Slot::Tmp, &mut extra.tmp),
        ];
        let iy = bufs.iter().position(|(s, _)| *s == y).unwrap_or(0);
        let ix = bufs.iter().position(|(s, _)| *s == x).unwrap_or(0);
        let (lo, hi) = bufs.split_at_mut(iy.max(ix));
        let (first, second) = (&mut lo[iy.min(ix)].1, &mut hi[0].1);
        if iy < ix {
            first.combine(a, second, b);
        } else {
            second.combine(a, first, b);
        }
        Ok(())
    }

    fn norm(&self, player: Player, slot: Slot) -> Result<f64, BackendError> {
        let (grad, extra) = match player {
            Player::G => (&self.grads_g, &self.extra_g),
            Player::D => (&self.grads_d, &self.extra_d),
        };
        let v = match slot {
            Slot::Grad => grad,
            Slot::Prev => &extra.prev,
            Slot::Acc => &extra.acc,
            Slot::Tmp => &extra.tmp,
        };
        Ok(f64::from(v.norm()))
    }

    fn save(&mut self, player: Player) {
        let (net, opt, extra) = match player {
            Player::G => (&self.g, &self.opt_g, &mut self.extra_g),
            Player::D => (&self.d, &self.opt_d, &mut self.extra_d),
        };
        extra.saved_net.copy_params_from(net);
        extra.saved_opt.copy_from(opt);
    }

    fn shift(&mut self, player: Player, a: f64, slot: Slot) -> Result<(), BackendError> {
        let (net, grad, extra) = match player {
            Player::G => (&mut self.g, &mut self.grads_g, &mut self.extra_g),
            Player::D => (&mut self.d, &mut self.grads_d, &mut self.extra_d),
        };
        net.add_scaled(a as f32, slot_of(grad, extra, slot));
        Ok(())
    }

    fn revert(&mut self, player: Player) {
        let (net, opt, extra) = match player {
            Player::G => (&mut self.g, &mut self.opt_g, &self.extra_g),
            Player::D => (&mut self.d, &mut self.opt_d, &self.extra_d),
        };
        net.copy_params_from(&extra.saved_net);
        opt.copy_from(&extra.saved_opt);
    }

    fn apply(
        &mut self,
        player: Player,
        slot: Slot,
        clip: Option<f32>,
        record: bool,
    ) -> Result<Outcome, BackendError> {
        let (net, opt, grad, extra, backup) = match player {
            Player::G => (
                &mut self.g,
                &mut self.opt_g,
                &mut self.grads_g,
                &mut self.extra_g,
                &mut self.backup_g,
            ),
            Player::D => (
                &mut self.d,
                &mut self.opt_d,
                &mut self.grads_d,
                &mut self.extra_d,
                &mut self.backup_d,
            ),
        };
        let v = slot_of(grad, extra, slot);
        if record {
            let lr = opt.config().lr;
            backup.catch_up();
            backup.record(v, lr, clip);
        }
        opt.step(net, v);
        if let Some(c) = clip {
            clip_weights(net, c);
        }
        Ok(if net.is_finite() {
            Outcome::Applied
        } else {
            Outcome::NonFiniteParams
        })
    }
}

/// The buffer of `slot` for one player.
fn slot_of<'a>(grad: &'a mut Grads<f32>, extra: &'a mut Extra, slot: Slot) -> &'a mut Grads<f32> {
    match slot {
        Slot::Grad => grad,
        Slot::Prev => &mut extra.prev,
        Slot::Acc => &mut extra.acc,
        Slot::Tmp => &mut extra.tmp,
    }
}

/// What a gradient evaluation measured, and whether it is finite.
fn eval_out(loss: f32, penalty: f32, mean_real: f32, mean_fake: f32, g: &Grads<f32>) -> StepOut {
    let finite = loss.is_finite() && g.is_finite();
    StepOut {
        loss,
        penalty,
        mean_real,
        mean_fake,
        grad_norm: g.norm(),
        outcome: if finite {
            Outcome::Applied
        } else {
            Outcome::NonFiniteLoss
        },
    }
}
