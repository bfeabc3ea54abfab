//! SGD, momentum, RMSprop and Adam on candle tensors, the update rules of
//! [`crate::nn::optim`] operation for operation (PyTorch's; no weight
//! decay — candle-nn's `AdamW` has 0.01 by default and is not Adam).
//!
//! Updates are functional: each step makes new parameter and state tensors
//! and keeps the previous ones, so that undoing the last update after a
//! divergence costs nothing (see [`State::previous`]).
//!
//! Constants are rounded to the tensor's precision the way the native `f32`
//! engine rounds them (`1 − β₁` is computed in `f32`), so both engines do
//! the same arithmetic on the same numbers.

use candle_core::{DType, Result, Tensor, Var};

use crate::nn::{OptimizerConfig, OptimizerKind};

/// The optimizer state of one network.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) config: OptimizerConfig,
    /// First moments (Adam) or momentum buffers, one per parameter.
    m: Vec<Tensor>,
    /// Second moments (Adam, RMSprop).
    v: Vec<Tensor>,
    /// Completed steps.
    t: u64,
}

/// A network's parameters and optimizer state before its last update.
#[derive(Clone, Debug)]
pub(crate) struct Previous {
    pub(crate) params: Vec<Var>,
    pub(crate) state: State,
}

impl State {
    pub(crate) fn new(config: OptimizerConfig, params: &[Var]) -> Result<State> {
        let zeros = || -> Result<Vec<Tensor>> { params.iter().map(|p| p.zeros_like()).collect() };
        Ok(State {
            config,
            m: zeros()?,
            v: zeros()?,
            t: 0,
        })
    }

    /// The new parameters after one descent step along `grads` (clamped
    /// into `[−c, c]` with `clip`); `self` becomes the new state.
    pub(crate) fn step(
        &mut self,
        params: &[Var],
        grads: &[Tensor],
        clip: Option<f32>,
    ) -> Result<Vec<Var>> {
        let dtype = params.first().map_or(DType::F32, |p| p.dtype());
        // A constant as the native engine has it in this precision.
        let r = |x: f64| {
            if dtype == DType::F32 {
                x as f32 as f64
            } else {
                x
            }
        };
        let cfg = self.config;
        self.t += 1;
        let (lr, b1, b2, eps) = (r(cfg.lr), r(cfg.beta1), r(cfg.beta2), r(cfg.eps));
        let (one_b1, one_b2) = (r(1.0 - b1), r(1.0 - b2));
        let t = self.t as f64;
        let bc1 = 1.0 - cfg.beta1.powf(t);
        let bc2_sqrt = (1.0 - cfg.beta2.powf(t)).sqrt();
        let adam_step = r(cfg.lr / bc1);
        let device = params.first().map(|p| p.device().clone());
        let bc2 = match device {
            Some(d) => Tensor::new(&[bc2_sqrt], &d)?.to_dtype(dtype)?,
            None => return Ok(Vec::new()),
        };

        let mut out = Vec::with_capacity(params.len());
        for (i, (p, g)) in params.iter().zip(grads).enumerate() {
            let p = p.as_tensor();
            let new = match cfg.kind {
                OptimizerKind::Sgd => p.sub(&g.affine(lr, 0.0)?)?,
                OptimizerKind::Momentum => {
                    let m = self.m[i].affine(b1, 0.0)?.add(g)?.detach();
                    let new = p.sub(&m.affine(lr, 0.0)?)?;
                    self.m[i] = m;
                    new
                }
                OptimizerKind::Rmsprop => {
                    let v = self.v[i]
                        .affine(b2, 0.0)?
                        .add(&g.affine(one_b2, 0.0)?.mul(g)?)?
                        .detach();
                    let den = v.sqrt()?.affine(1.0, eps)?;
                    let new = p.sub(&g.affine(lr, 0.0)?.div(&den)?)?;
                    self.v[i] = v;
                    new
                }
                OptimizerKind::Adam => {
                    let m = self.m[i]
                        .affine(b1, 0.0)?
                        .add(&g.affine(one_b1, 0.0)?)?
                        .detach();
                    let v = self.v[i]
                        .affine(b2, 0.0)?
                        .add(&g.affine(one_b2, 0.0)?.mul(g)?)?
                        .detach();
                    // p −= (lr / bc1) · m / (√v / √bc2 + ε), as PyTorch and the native engine.
                    let den = v.sqrt()?.broadcast_div(&bc2)?.affine(1.0, eps)?;
                    let new = p.sub(&m.affine(adam_step, 0.0)?.div(&den)?)?;
                    self.m[i] = m;
                    self.v[i] = v;
                    new
                }
            };
            let new = match clip {
                Some(c) => new.clamp(-f64::from(c), f64::from(c))?,
                None => new,
            };
            out.push(Var::from_tensor(&new.detach())?);
        }
        Ok(out)
    }
}
