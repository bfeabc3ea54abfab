//! The hidden activations as candle tensor ops: the value `f(z)` and the
//! slope `f'(z)`, both differentiable by candle's autograd.
//!
//! `f'` is needed inside the graph because the gradient penalties act on
//! `∂D/∂x`, which [`super::net`] builds from the chain rule with explicit
//! ops; candle's reverse pass over that graph then yields `∂/∂θ` of the
//! penalty — a first-order backward for candle, and an exact one (the `f''`
//! terms appear because `f'(z)` is itself an op on `z`).
//!
//! Masks (`z > 0`) are comparisons, which carry no gradient: for the
//! piecewise-linear functions `f''` is 0 and the kink takes the left slope,
//! like the native engine (`relu'(0) = 0`). Everything is written without
//! overflow, in the native engine's stable forms:
//!
//! ```text
//! relu        f = m z                       f' = m                   m = [z > 0]
//! leaky_relu  f = s z                       f' = s = m + a (1 − m)   a = 0.2
//! tanh        f = tanh z                    f' = 1 − f²
//! elu         f = m z + α n (e^{n z} − 1)   f' = m + α n e^{n z}     n = 1 − m
//! softplus    f = relu(z) + ln(1 + e^{−|z|})  f' = σ(z)
//! sigmoid     f = σ(z) = e^{−relu(−z)} / (1 + e^{−|z|})   f' = σ (1 − σ)
//! ```

use candle_core::{Result, Tensor};

use crate::nn::Activation;
use crate::nn::activation::{ELU_ALPHA, LEAKY_RELU_SLOPE};

/// `[z > 0]` as a float tensor (no gradient).
fn positive(z: &Tensor) -> Result<Tensor> {
    z.gt(0.0)?.to_dtype(z.dtype())
}

/// The stable logistic function.
pub(crate) fn sigmoid(z: &Tensor) -> Result<Tensor> {
    let num = z.neg()?.relu()?.neg()?.exp()?;
    let den = z.abs()?.neg()?.exp()?.affine(1.0, 1.0)?;
    num.div(&den)
}

/// `ln(1 + eˣ)` without overflow.
pub(crate) fn softplus(z: &Tensor) -> Result<Tensor> {
    let tail = z.abs()?.neg()?.exp()?.affine(1.0, 1.0)?.log()?;
    z.relu()?.add(&tail)
}

/// `f(z)` and `f'(z)`.
pub(crate) fn value_and_slope(act: Activation, z: &Tensor) -> Result<(Tensor, Tensor)> {
    match act {
        Activation::Relu => {
            let m = positive(z)?;
            Ok((z.mul(&m)?, m))
        }
        Activation::LeakyRelu => {
            let a = LEAKY_RELU_SLOPE;
            let s = positive(z)?.affine(1.0 - a, a)?;
            Ok((z.mul(&s)?, s))
        }
        Activation::Tanh => {
            let f = z.tanh()?;
            let d = f.sqr()?.affine(-1.0, 1.0)?;
            Ok((f, d))
        }
        Activation::Elu => {
            let m = positive(z)?;
            let n = m.affine(-1.0, 1.0)?;
            let e = z.mul(&n)?.exp()?;
            let neg = e.affine(ELU_ALPHA, -ELU_ALPHA)?.mul(&n)?;
            let f = z.mul(&m)?.add(&neg)?;
            let d = e.affine(ELU_ALPHA, 0.0)?.mul(&n)?.add(&m)?;
            Ok((f, d))
        }
        Activation::Softplus => Ok((softplus(z)?, sigmoid(z)?)),
        Activation::Sigmoid => {
            let f = sigmoid(z)?;
            let d = f.mul(&f.affine(-1.0, 1.0)?)?;
            Ok((f, d))
        }
    }
}

/// `f(z)` alone.
pub(crate) fn value(act: Activation, z: &Tensor) -> Result<Tensor> {
    match act {
        Activation::Relu => z.mul(&positive(z)?),
        Activation::LeakyRelu => {
            let a = LEAKY_RELU_SLOPE;
            z.mul(&positive(z)?.affine(1.0 - a, a)?)
        }
        Activation::Tanh => z.tanh(),
        _ => Ok(value_and_slope(act, z)?.0),
    }
}
