//! An MLP on candle tensors: the same network as [`crate::nn::Mlp`], with
//! its parameters in candle [`Var`]s, and its input gradient built from the
//! chain rule with explicit ops.
//!
//! # Layout
//!
//! Row per sample (PyTorch's): a batch is `B × n₀`, `W_l` is `n_l × n_{l−1}`
//! (the flat order of [`Mlp::params_flat`], so the host and device copies
//! are the same numbers), and a layer is `Z_l = A_{l−1} W_lᵀ + b_l`.
//!
//! # The input gradient
//!
//! `g = ∂out/∂x` per sample, by the chain rule from the output down:
//!
//! ```text
//! G_{L−1} = 1 W_L            (broadcast of W_L's one row)
//! Δ_k     = G_k ⊙ f'(Z_k)    G_{k−1} = Δ_k W_k        g = G_0
//! ```
//!
//! These are ordinary ops on `Z_k` and `W_k`, so a penalty built on `g` is
//! differentiated by candle's (first-order) reverse pass, second-order
//! terms included.
//!
//! # The projection head
//!
//! A network with a head (see [`crate::nn::projection`]) keeps its
//! embeddings `E` (`K × n_{L−1}`, one row per class: the flat order of
//! [`Mlp::params_flat`]) as its last parameter. With `O` the batch's
//! one-hot classes (`B × K`), `R = O E` holds each sample's embedding and
//!
//! ```text
//! out = A_{L−1} W_Lᵀ + b_L + rowsum(R ⊙ A_{L−1})      G_{L−1} = 1 W_L + R
//! ```

use candle_core::{DType, Device, Result, Tensor, Var};

use super::act;
use crate::nn::{Activation, Mlp};

/// One network's parameters on a device.
#[derive(Clone, Debug)]
pub(crate) struct Net {
    pub(crate) sizes: Vec<usize>,
    pub(crate) act: Activation,
    /// `W_l` (`n_l × n_{l−1}`) then `b_l` (`n_l`), layer by layer; then
    /// the projection head's `E` (`K × n_{L−1}`), if any.
    pub(crate) params: Vec<Var>,
    /// The classes of the projection head (0: none).
    pub(crate) classes: usize,
}

/// What a forward pass keeps for the input gradient.
pub(crate) struct Forward {
    /// The outputs, `B × 1`.
    pub(crate) out: Tensor,
    /// `f'(Z_k)` of the hidden layers, `k = 1 … L − 1`.
    slopes: Vec<Tensor>,
    batch: usize,
    /// `R = O E` of a projection head.
    proj: Option<Tensor>,
}

impl Net {
    /// Uploads a host network.
    pub(crate) fn from_mlp(mlp: &Mlp<f32>, device: &Device, dtype: DType) -> Result<Net> {
        let sizes = mlp.sizes().to_vec();
        let flat = mlp.params_flat();
        let mut params = Vec::with_capacity(2 * (sizes.len() - 1));
        let mut at = 0;
        for p in sizes.windows(2) {
            let (n_in, n_out) = (p[0], p[1]);
            for shape in [vec![n_out, n_in], vec![n_out]] {
                let len: usize = shape.iter().product();
                let t = Tensor::from_slice(&flat[at..at + len], shape, device)?.to_dtype(dtype)?;
                params.push(Var::from_tensor(&t)?);
                at += len;
            }
        }
        let classes = mlp.classes();
        if classes > 0 {
            let h = sizes[sizes.len() - 2];
            let t = Tensor::from_slice(&flat[at..], (classes, h), device)?.to_dtype(dtype)?;
            params.push(Var::from_tensor(&t)?);
        }
        Ok(Net {
            sizes,
            act: mlp.activation(),
            params,
            classes,
        })
    }

    /// Every parameter in [`Mlp::params_flat`] order, as `f64`.
    pub(crate) fn params_flat(&self) -> Result<Vec<f64>> {
        flat_of(self.params.iter().map(|v| v.as_tensor()))
    }

    /// A host copy.
    pub(crate) fn to_mlp(&self) -> Result<Mlp<f32>> {
        let flat: Vec<f32> = self.params_flat()?.into_iter().map(|v| v as f32).collect();
        Mlp::from_params_with_classes(&self.sizes, self.act, self.classes, &flat)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))
    }

    fn layers(&self) -> usize {
        self.sizes.len() - 1
    }

    /// `(W_l, b_l)` for `l ∈ 1..=L`, detached when the caller trains the
    /// other network.
    fn layer(&self, l: usize, detached: bool) -> (Tensor, Tensor) {
        let (w, b) = (&self.params[2 * (l - 1)], &self.params[2 * (l - 1) + 1]);
        if detached {
            (w.as_detached_tensor(), b.as_detached_tensor())
        } else {
            (w.as_tensor().clone(), b.as_tensor().clone())
        }
    }

    /// The projection head's `E`, detached when the caller trains the
    /// other network.
    fn embed(&self, detached: bool) -> Option<Tensor> {
        (self.classes > 0).then(|| {
            let e = &self.params[2 * self.layers()];
            if detached {
                e.as_detached_tensor()
            } else {
                e.as_tensor().clone()
            }
        })
    }

    /// The outputs on a `B × n₀` batch; with `slopes`, also what
    /// [`input_grad`](Self::input_grad) needs. `onehot` (`B × K`) gives
    /// each sample's class to a projection head (`None` without one).
    pub(crate) fn forward(
        &self,
        x: &Tensor,
        detached: bool,
        slopes: bool,
        onehot: Option<&Tensor>,
    ) -> Result<Forward> {
        let last = self.layers();
        let mut a = x.clone();
        let mut kept = Vec::new();
        let mut proj = None;
        for l in 1..=last {
            let (w, b) = self.layer(l, detached);
            let mut z = a.matmul(&w.t()?)?.broadcast_add(&b)?;
            if l == last {
                if let (Some(e), Some(o)) = (self.embed(detached), onehot) {
                    let r = o.matmul(&e)?;
                    z = z.add(&r.mul(&a)?.sum_keepdim(1)?)?;
                    proj = Some(r);
                }
                a = z;
            } else if slopes {
                let (f, d) = act::value_and_slope(self.act, &z)?;
                kept.push(d);
                a = f;
            } else {
                a = act::value(self.act, &z)?;
            }
        }
        Ok(Forward {
            out: a,
            slopes: kept,
            batch: x.dim(0)?,
            proj,
        })
    }

    /// `∂out/∂x` per sample (`B × n₀`) for a forward pass kept with slopes.
    pub(crate) fn input_grad(&self, fwd: &Forward, detached: bool) -> Result<Tensor> {
        let last = self.layers();
        let (w_last, _) = self.layer(last, detached);
        // G_{L−1} = 1 W_L: every sample gets W_L's row.
        let mut g = w_last.broadcast_as((fwd.batch, self.sizes[last - 1]))?;
        if let Some(r) = &fwd.proj {
            g = g.add(r)?;
        }
        for l in (1..last).rev() {
            let delta = g.mul(&fwd.slopes[l - 1])?;
            let (w, _) = self.layer(l, detached);
            g = delta.matmul(&w)?;
        }
        Ok(g)
    }
}

/// Tensors flattened one after the other, as `f64`.
pub(crate) fn flat_of<'a>(ts: impl Iterator<Item = &'a Tensor>) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for t in ts {
        out.extend(t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?);
    }
    Ok(out)
}
