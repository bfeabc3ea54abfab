//! First-order optimizers: SGD, SGD with momentum, RMSprop and Adam, with
//! PyTorch's update rules (no weight decay, no dampening, no Nesterov).
//!
//! `step` **minimises**: it moves the parameters against the gradient. A
//! player that ascends its objective (the discriminator in the original
//! minimax form) negates its gradient first with [`Grads::scale`].
//!
//! State buffers are flat vectors in the networks' storage order, allocated
//! once in [`Optimizer::new`]; a step allocates nothing.

use std::fmt;
use std::str::FromStr;

use nalgebra::RealField;

use super::{Grads, Mlp, NnError};

/// Which update rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// `p ← p − lr g`.
    Sgd,
    /// `v ← β₁ v + g`, `p ← p − lr v` (PyTorch's `SGD(momentum=β₁)`).
    Momentum,
    /// Adam with PyTorch's bias correction.
    Adam,
    /// `v ← β₂ v + (1 − β₂) g²`, `p ← p − lr g / (√v + ε)` (PyTorch's `alpha = β₂`).
    Rmsprop,
}

impl OptimizerKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [OptimizerKind] = &[
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Adam,
        OptimizerKind::Rmsprop,
    ];

    /// The snake_case name used by `FromStr`, `Display` and serde.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Rmsprop => "rmsprop",
        }
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OptimizerKind {
    type Err = NnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OptimizerKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| NnError::UnknownOptimizer {
                name: s.to_owned(),
                valid: OptimizerKind::ALL
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Hyper-parameters. `beta1` is Adam's first-moment decay and the momentum
/// coefficient; `beta2` is Adam's second-moment decay and RMSprop's `alpha`;
/// `eps` is used by Adam and RMSprop. SGD reads only `lr`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OptimizerConfig {
    /// The update rule.
    pub kind: OptimizerKind,
    /// Learning rate.
    pub lr: f64,
    /// See the type docs.
    pub beta1: f64,
    /// See the type docs.
    pub beta2: f64,
    /// Added to the denominator for Adam and RMSprop.
    pub eps: f64,
}

impl Default for OptimizerConfig {
    /// Adam, lr 1e-3, β = (0.9, 0.999), ε = 1e-8 (PyTorch's defaults).
    fn default() -> Self {
        OptimizerConfig {
            kind: OptimizerKind::Adam,
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

impl OptimizerConfig {
    /// Rejects settings no run could use: a learning rate that is not a
    /// positive finite number, a β outside `[0, 1)`, a negative ε.
    pub fn validate(&self) -> Result<(), NnError> {
        let bad = |name, value, expected| {
            Err(NnError::InvalidHyperparameter {
                name,
                value,
                expected,
            })
        };
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad("lr", self.lr, "a positive finite number");
        }
        for (name, beta) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&beta) {
                return bad(name, beta, "in [0, 1)");
            }
        }
        if !(self.eps.is_finite() && self.eps >= 0.0) {
            return bad("eps", self.eps, "a non-negative finite number");
        }
        Ok(())
    }
}

/// An optimizer bound to the parameter shapes of one network.
#[derive(Clone, Debug)]
pub struct Optimizer<T: RealField + Copy> {
    config: OptimizerConfig,
    /// Adam's first moment, or the momentum buffer.
    m: Vec<T>,
    /// Adam's / RMSprop's running mean of squared gradients.
    v: Vec<T>,
    /// Number of completed steps (Adam's bias correction uses it).
    t: u64,
}

impl<T: RealField + Copy> Optimizer<T> {
    /// Zeroed state for `mlp`'s parameters.
    pub fn new(config: OptimizerConfig, mlp: &Mlp<T>) -> Result<Self, NnError> {
        config.validate()?;
        let n = mlp.num_params();
        Ok(Optimizer {
            config,
            m: vec![T::zero(); n],
            v: vec![T::zero(); n],
            t: 0,
        })
    }

    /// The current hyper-parameters.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// Number of steps taken so far.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Changes the learning rate for the following steps, keeping moments
    /// and the step counter (for schedules and live edits in the GUI).
    pub fn set_lr(&mut self, lr: f64) -> Result<(), NnError> {
        OptimizerConfig { lr, ..self.config }.validate()?;
        self.config.lr = lr;
        Ok(())
    }

    /// Becomes a copy of `other` (settings, moments, step count) without
    /// allocating.
    ///
    /// # Panics
    /// If the two were built for networks of different sizes.
    pub fn copy_from(&mut self, other: &Optimizer<T>) {
        self.config = other.config;
        self.m.copy_from_slice(&other.m);
        self.v.copy_from_slice(&other.v);
        self.t = other.t;
    }

    /// Forgets all state, as if freshly built.
    pub fn reset(&mut self) {
        self.m.fill(T::zero());
        self.v.fill(T::zero());
        self.t = 0;
    }

    /// One update that decreases the loss whose gradient is `grads`.
    ///
    /// # Panics
    /// If `mlp` or `grads` do not have the shapes this optimizer was built for.
    pub fn step(&mut self, mlp: &mut Mlp<T>, grads: &Grads<T>) {
        assert_eq!(
            mlp.num_params(),
            self.m.len(),
            "optimizer was built for another network"
        );
        assert!(
            grads.fits(mlp.sizes(), mlp.classes()),
            "gradient shapes differ from the network's"
        );
        self.t += 1;
        let cfg = self.config;
        let c = |x: f64| -> T { nalgebra::convert(x) };
        let (lr, b1, b2, eps) = (c(cfg.lr), c(cfg.beta1), c(cfg.beta2), c(cfg.eps));
        let one = T::one();

        // Adam's bias corrections, computed once per step (not per layer).
        let t = self.t as f64;
        let bc1 = 1.0 - cfg.beta1.powf(t);
        let bc2_sqrt = c((1.0 - cfg.beta2.powf(t)).sqrt());
        let adam_step = c(cfg.lr / bc1);

        // Slice by slice, with the kind matched outside the inner loops so
        // that each loop is a plain element-wise pass LLVM vectorises (the
        // arithmetic per element is the same either way).
        let mut off = 0;
        for (ps, gs) in mlp.param_slices_mut().zip(grads.slices()) {
            let n = ps.len();
            let ms = &mut self.m[off..off + n];
            let vs = &mut self.v[off..off + n];
            off += n;
            let (ps, gs) = (&mut ps[..n], &gs[..n]);
            match cfg.kind {
                OptimizerKind::Sgd => {
                    for (p, &g) in ps.iter_mut().zip(gs) {
                        *p -= lr * g;
                    }
                }
                OptimizerKind::Momentum => {
                    for ((p, &g), m) in ps.iter_mut().zip(gs).zip(ms) {
                        *m = b1 * *m + g;
                        *p -= lr * *m;
                    }
                }
                OptimizerKind::Rmsprop => {
                    for ((p, &g), v) in ps.iter_mut().zip(gs).zip(vs) {
                        *v = b2 * *v + (one - b2) * g * g;
                        *p -= lr * g / (v.sqrt() + eps);
                    }
                }
                OptimizerKind::Adam => {
                    for (((p, &g), m), v) in ps.iter_mut().zip(gs).zip(ms).zip(vs) {
                        *m = b1 * *m + (one - b1) * g;
                        *v = b2 * *v + (one - b2) * g * g;
                        // PyTorch: p −= (lr / bc1) · m / (√v / √bc2 + ε).
                        *p -= adam_step * *m / (v.sqrt() / bc2_sqrt + eps);
                    }
                }
            }
        }
    }
}
