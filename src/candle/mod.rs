//! The trainer on candle tensors (feature `candle`; `cuda` adds the GPU).
//!
//! [`CandleBackend`] implements [`crate::gan::Backend`]: the trainer, its
//! random stream and draws, the schedule, divergence, snapshots and theory
//! are the native ones; only the networks, their gradients and their
//! optimizers live on the candle device. The same config and seed give
//! both backends the same initial weights and the same batches.
//!
//! # Files
//!
//! - `act` — the activations and their slopes as differentiable ops.
//! - `net` — the MLP on a device, with its input gradient built in the graph
//!   (so R1 and WGAN-GP need only candle's first-order reverse pass).
//! - `loss` — the six losses in log-sum-exp form.
//! - `optim` — SGD, momentum, RMSprop and Adam as in [`crate::nn::optim`].
//! - `backend` — [`CandleBackend`]: one D or G update, one download.
//!
//! # Why the input gradient is explicit
//!
//! candle's reverse pass detaches every intermediate gradient unless
//! `CANDLE_GRAD_DO_NOT_DETACH` is set when a thread first differentiates,
//! so `∂/∂θ ‖∂D/∂x‖²` through candle's own `∂D/∂x` would silently come out
//! without its second-order part. Writing `∂D/∂x` as ops of the forward
//! graph makes the penalty an ordinary function of θ, with no environment
//! variable and no global state; `tests/candle_backend.rs` checks it
//! against the native double backward.

mod act;
mod backend;
mod loss;
mod net;
mod optim;

pub use backend::{CandleBackend, Gradient};
pub use candle_core::{DType, Device};

use crate::gan::BackendError;

/// Whether this build has candle's CUDA device (feature `cuda`).
pub const CUDA_BUILT: bool = cfg!(feature = "cuda");

/// The CPU, or CUDA device 0.
///
/// # Errors
/// CUDA without the `cuda` feature, or no usable CUDA device.
pub fn device(cuda: bool) -> Result<Device, BackendError> {
    if !cuda {
        return Ok(Device::Cpu);
    }
    if !CUDA_BUILT {
        return Err(BackendError(
            "this ganscope was built without CUDA (cargo feature 'cuda')".into(),
        ));
    }
    Device::new_cuda(0).map_err(|e| {
        let text = e.to_string();
        BackendError(format!(
            "no usable CUDA device: {}",
            text.lines().next().unwrap_or("unknown error")
        ))
    })
}
