//! The last finite state of one network and its optimizer, kept without
//! copying anything per step.
//!
//! A copy of the parameters and the optimizer's moments before every update
//! would allocate (the optimizer's state is private to `nn` and only
//! clonable). Instead the backup *lags one update behind*: it holds the
//! network and optimizer as they were before the previous update, plus that
//! update's gradient, learning rate and clipping. Before the next update is
//! applied, [`Backup::catch_up`] replays the previous one on the backup, which
//! then equals the state just before the new update, bit for bit (the same
//! floating-point operations on the same numbers). If the new update makes a
//! parameter non-finite, [`Backup::restore_into`] hands that state back.
//! Cost: one extra optimizer pass per update, `O(parameters)`, small beside
//! the `O(parameters · batch)` of the backward pass.

use crate::nn::{Grads, Mlp, Optimizer};

/// Clamps every parameter (weights and biases) into `[−c, c]` (WGAN).
pub(crate) fn clip_weights(net: &mut Mlp<f32>, c: f32) {
    for s in net.param_slices_mut() {
        for p in s {
            *p = p.clamp(-c, c);
        }
    }
}

/// One network's lagging copy; see the [module docs](self).
#[derive(Clone, Debug)]
pub(crate) struct Backup {
    net: Mlp<f32>,
    opt: Optimizer<f32>,
    pending: Grads<f32>,
    pending_lr: f64,
    /// Clipping applied after the pending update (`None`: none).
    pending_clip: Option<f32>,
    has_pending: bool,
}

impl Backup {
    /// A backup equal to the current state.
    pub(crate) fn new(net: &Mlp<f32>, opt: &Optimizer<f32>) -> Self {
        Backup {
            net: net.clone(),
            opt: opt.clone(),
            pending: net.zero_grads(),
            pending_lr: opt.config().lr,
            pending_clip: None,
            has_pending: false,
        }
    }

    /// Replays the pending update: afterwards the backup equals the state
    /// before the update that is about to be applied.
    pub(crate) fn catch_up(&mut self) {
        if !self.has_pending {
            return;
        }
        // The lr was valid when it was used, so set_lr cannot fail here.
        if self.opt.set_lr(self.pending_lr).is_ok() {
            self.opt.step(&mut self.net, &self.pending);
        }
        if let Some(c) = self.pending_clip {
            clip_weights(&mut self.net, c);
        }
        self.has_pending = false;
    }

    /// Remembers the update about to be applied (call after `catch_up`).
    pub(crate) fn record(&mut self, grads: &Grads<f32>, lr: f64, clip: Option<f32>) {
        self.pending.zero();
        self.pending.add_scaled(1.0, grads);
        self.pending_lr = lr;
        self.pending_clip = clip;
        self.has_pending = true;
    }

    /// Puts the state before the last recorded update back into `net` and
    /// `opt`, keeping `lr` (the current setting) as the optimizer's rate.
    pub(crate) fn restore_into(&mut self, net: &mut Mlp<f32>, opt: &mut Optimizer<f32>, lr: f64) {
        self.has_pending = false;
        *net = self.net.clone();
        *opt = self.opt.clone();
        // A validated rate; on the impossible error the backup's rate stays.
        let _ = opt.set_lr(lr);
    }
}
