//! Settings that change on a running trainer and take effect at the next
//! step, without a reset: the window's sliders and the worker's commands.
//!
//! Live: `target`, `prior`, `loss`, `lr_d`, `lr_g`, `k`, `k_g`, `batch`,
//! `steps`, `instance_noise`, `r1`, `clip`, `gp`, `label_smoothing`.
//! The others (`latent_dim`, `g_hidden`, `d_hidden`, `activation`,
//! `optimizer`, `beta1`, `beta2`, `seed`, `pack`) change the networks, the
//! optimizers' state or the random stream, and need a new trainer:
//! [`GanError::NeedsReset`].

use super::objective::Draws;
use super::objective::Objective;
use super::snapshot::LatentPoints;
use super::trainer::samples_per_step;
use super::{Config, GanError, LossKind, Prior, Trainer};
use crate::nn::OptimizerKind;

impl Trainer {
    /// Applies a whole new config whose reset-only keys are unchanged.
    ///
    /// # Errors
    /// The config's first invalid value, or [`GanError::NeedsReset`] naming
    /// the first reset-only key that differs. On error nothing changes.
    pub fn apply_live(&mut self, new: Config) -> Result<(), GanError> {
        new.validate()?;
        let old = &self.config;
        let needs_reset = [
            ("latent_dim", old.latent_dim != new.latent_dim),
            ("g_hidden", old.g_hidden != new.g_hidden),
            ("d_hidden", old.d_hidden != new.d_hidden),
            ("activation", old.activation != new.activation),
            ("optimizer", old.optimizer != new.optimizer),
            ("beta1", old.beta1 != new.beta1),
            ("beta2", old.beta2 != new.beta2),
            ("seed", old.seed != new.seed),
            ("pack", old.pack != new.pack),
        ];
        if let Some((key, _)) = needs_reset.iter().find(|(_, changed)| *changed) {
            return Err(GanError::NeedsReset { key: (*key).into() });
        }
        let target = if new.target != old.target {
            Some(new.target_mixture()?)
        } else {
            None
        };
        self.engine.set_lrs(new.lr_d, new.lr_g)?;
        if let Some(t) = target {
            self.target = t;
        }
        if samples_per_step(&new) != samples_per_step(&self.config) {
            let m = samples_per_step(&new);
            self.draws = Draws::zeros(m, new.latent_dim, new.pack);
            self.engine.resize(m);
        }
        if new.prior != self.config.prior {
            self.latent_points = LatentPoints::new(new.prior, new.latent_dim);
        }
        self.objective = Objective::of(&new);
        self.config = new;
        Ok(())
    }

    /// Sets one key from text, as `--set` does, on the running trainer.
    ///
    /// # Errors
    /// As [`Config::set`] and [`apply_live`](Self::apply_live).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), GanError> {
        let mut c = self.config.clone();
        c.set(key, value)?;
        self.apply_live(c)
    }

    fn with(&mut self, edit: impl FnOnce(&mut Config)) -> Result<(), GanError> {
        let mut c = self.config.clone();
        edit(&mut c);
        self.apply_live(c)
    }

    /// D's learning rate.
    pub fn set_lr_d(&mut self, lr: f64) -> Result<(), GanError> {
        self.with(|c| c.lr_d = lr)
    }

    /// G's learning rate.
    pub fn set_lr_g(&mut self, lr: f64) -> Result<(), GanError> {
        self.with(|c| c.lr_g = lr)
    }

    /// D steps per iteration.
    pub fn set_k(&mut self, k: usize) -> Result<(), GanError> {
        self.with(|c| c.k = k)
    }

    /// G steps per iteration.
    pub fn set_k_g(&mut self, k_g: usize) -> Result<(), GanError> {
        self.with(|c| c.k_g = k_g)
    }

    /// Minibatch size (reallocates the batch buffers once).
    pub fn set_batch(&mut self, batch: usize) -> Result<(), GanError> {
        self.with(|c| c.batch = batch)
    }

    /// Initial instance-noise σ (the annealing goes on from the current step).
    pub fn set_instance_noise(&mut self, sigma: f64) -> Result<(), GanError> {
        self.with(|c| c.instance_noise = sigma)
    }

    /// The loss (D's output changes meaning; its weights are kept).
    pub fn set_loss(&mut self, loss: LossKind) -> Result<(), GanError> {
        self.with(|c| c.loss = loss)
    }

    /// R1 γ.
    pub fn set_r1(&mut self, gamma: f64) -> Result<(), GanError> {
        self.with(|c| c.r1 = gamma)
    }

    /// WGAN-GP λ.
    pub fn set_gp(&mut self, lambda: f64) -> Result<(), GanError> {
        self.with(|c| c.gp = lambda)
    }

    /// WGAN clipping c.
    pub fn set_clip(&mut self, c: f64) -> Result<(), GanError> {
        self.with(|cfg| cfg.clip = c)
    }

    /// One-sided label smoothing s.
    pub fn set_label_smoothing(&mut self, s: f64) -> Result<(), GanError> {
        self.with(|c| c.label_smoothing = s)
    }

    /// The noise prior.
    pub fn set_prior(&mut self, prior: Prior) -> Result<(), GanError> {
        self.with(|c| c.prior = prior)
    }

    /// The target, as a spec.
    pub fn set_target(&mut self, spec: &str) -> Result<(), GanError> {
        self.with(|c| c.target = spec.to_owned())
    }

    /// The optimizer kind in use (reset-only; here for the window's label).
    pub fn optimizer_kind(&self) -> OptimizerKind {
        self.config.optimizer
    }
}
