//! Tiny fully connected networks with hand-written first- and second-order
//! backpropagation, and the optimizers that train them.
//!
//! This is ganscope's native engine on the CPU. The math of a pass
//! (`backprop`, `double_backward`) reads like the whiteboard and is checked
//! against finite differences; the speed lives apart, in `linalg`, where a
//! readable reference product stands beside the AVX2 kernel and the thread
//! split, selected in one place and tested against each other.
//!
//! # Files, one concept each
//!
//! - [`activation`] — the non-linearities with `f`, `f'` and `f''` (the
//!   logistic function is [`crate::scalar::sigmoid`]).
//! - [`init`] — weight initialisation (PyTorch default, Xavier, He).
//! - [`mlp`] — the network's parameters (`Mlp<T>`), flattening and casting.
//! - [`workspace`] — preallocated buffers and the batch layout.
//! - [`backprop`] — forward pass, backward pass, input gradient.
//! - [`double_backward`] — the parameter gradient of a gradient penalty.
//! - `linalg` — the allocation-free matrix products the passes use:
//!   `reference` (the definition), `x86` (the AVX2/FMA kernel), `threads`
//!   (one block per thread for large products), picked in one place.
//! - [`projection`] — the projection head of a conditional discriminator
//!   (one embedding per class on the last layer).
//! - [`grads`] — parameter-gradient buffers (`Grads<T>`).
//! - [`optim`] — SGD, momentum, RMSprop and Adam.
//! - [`error`] — `NnError`.
//!
//! # Layout
//!
//! A batch is a `width × batch` column-major matrix: **one column per
//! sample**, so the inputs are a flat sample-major slice and the outputs a
//! slice with one scalar per sample. Every layer is one matrix product into
//! a preallocated buffer; nothing is allocated per pass while the batch size
//! stays the same (nalgebra's `gemm` is avoided because it allocates for
//! larger shapes).
//!
//! # The math
//!
//! For `sizes = [n₀, …, n_L]` (with `n_L = 1`):
//!
//! ```text
//! z_k = W_k a_{k−1} + b_k,   a_k = f(z_k) (k < L),   a_0 = x,   out = z_L
//! ```
//!
//! Backward with `δ_k = ∂L/∂z_k`:
//! `∂L/∂W_k = δ_k a_{k−1}ᵀ`, `∂L/∂b_k = δ_k`,
//! `δ_{k−1} = f'(z_{k−1}) ⊙ W_kᵀ δ_k`, `∂L/∂x = W_1ᵀ δ_1`.
//!
//! The gradient penalties need `∂/∂θ` of a function of `∂out/∂x`; that is a
//! forward-mode tangent differentiated in reverse mode, derived in
//! [`double_backward`].
//!
//! # Example
//!
//! ```
//! use ganscope::nn::{Activation, Init, Mlp};
//! use rand::SeedableRng;
//!
//! let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
//! let d: Mlp<f32> = Mlp::new(&[1, 16, 16, 1], Activation::LeakyRelu, Init::Default, &mut rng)?;
//! let mut ws = d.workspace(3);
//! let logits = d.forward(&mut ws, &[-1.0, 0.0, 1.0]).to_vec();
//!
//! // ∂L/∂θ for L = Σ_s out_s.
//! let mut grads = d.zero_grads();
//! d.backward(&mut ws, &[1.0; 3], &mut grads, None);
//! assert_eq!(logits.len(), 3);
//! assert!(grads.norm() > 0.0);
//! # Ok::<(), ganscope::nn::NnError>(())
//! ```

pub mod activation;
pub mod backprop;
pub mod double_backward;
pub mod error;
mod flat;
pub mod grads;
pub mod init;
mod linalg;
pub mod mlp;
pub mod optim;
pub mod projection;
pub mod workspace;

#[cfg(test)]
mod tests;

pub use activation::Activation;
pub use error::NnError;
pub use grads::Grads;
pub use init::Init;
pub use mlp::Mlp;
pub use optim::{Optimizer, OptimizerConfig, OptimizerKind};
pub use workspace::Workspace;
