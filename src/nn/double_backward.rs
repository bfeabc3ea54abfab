//! The double backward: the parameter gradient of a gradient penalty.
//!
//! # What is computed
//!
//! The WGAN-GP and R1 penalties are functions of the input gradient
//! `g_s = ∂out_s/∂x_s`: `P = Σ_s φ(g_s)`. The caller evaluates `g_s` with
//! [`Mlp::input_grad`], computes `u_s = ∂P/∂g_s` (e.g. `2 λ (‖g_s‖ − 1) g_s/‖g_s‖`
//! for WGAN-GP), and asks for `∂P/∂θ`. By the chain rule
//!
//! ```text
//! ∂P/∂θ = Σ_s u_sᵀ ∂g_s/∂θ = ∂/∂θ [ Σ_s u_s · g_s(θ) ]   (u_s held fixed)
//! ```
//!
//! and `u_s · g_s` is the **directional derivative** of `out_s` along `u_s`:
//! a single forward-mode tangent with seed `ȧ₀ = u_s`. (The textbook form
//! runs one tangent per input dimension `j` with seed `e_j` and weights it by
//! `u_sj`; by linearity that is the same number for a fraction of the work.)
//!
//! # The two streams
//!
//! Primal (stored by [`Mlp::forward`]) and tangent (computed here):
//!
//! ```text
//! z_k = W_k a_{k−1} + b_k     a_k = f(z_k)              a_0 = x
//! ż_k = W_k ȧ_{k−1}           ȧ_k = f'(z_k) ⊙ ż_k       ȧ_0 = u
//! Q   = Σ_s ż_L                                          (= Σ_s u_s · g_s)
//! ```
//!
//! # Reverse sweep through both streams
//!
//! Adjoints `z̄_k = ∂Q/∂z_k` (in `ws.adj`) and `ż̄_k = ∂Q/∂ż_k`
//! (in `ws.z_dot_adj`), seeded with `ż̄_L = 1`, `z̄_L = 0`. For `k = L … 1`:
//!
//! ```text
//! ∂W_k += z̄_k a_{k−1}ᵀ + ż̄_k ȧ_{k−1}ᵀ       ∂b_k += z̄_k 1   (ż has no bias)
//! ā_{k−1} = W_kᵀ z̄_k                          ǡ_{k−1} = W_kᵀ ż̄_k
//! ż̄_{k−1} = f'(z_{k−1}) ⊙ ǡ_{k−1}
//! z̄_{k−1} = f'(z_{k−1}) ⊙ ā_{k−1} + f''(z_{k−1}) ⊙ ż_{k−1} ⊙ ǡ_{k−1}
//! ```
//!
//! The last term is the second-order one: `ȧ = f'(z) ⊙ ż` depends on `z`
//! through `f'`, so `z` collects `f''(z) ż ǡ`. Dropping it is the classic
//! bug that makes a gradient penalty silently wrong for smooth activations
//! (for ReLU `f'' = 0` almost everywhere and the term vanishes).
//!
//! A projection head adds its terms at layer L (see [`super::projection`]):
//! `ż_L += r ⊙ ȧ_{L−1}` summed per sample, `∂e_c` collects both streams,
//! and `ā_{L−1}`, `ǡ_{L−1}` get `r z̄_L`, `r ż̄_L`.

use nalgebra::RealField;

use super::backprop::{accumulate_layer_grads, add_outer};
use super::linalg::gemm_into;
use super::projection;
use super::{Grads, Mlp, Workspace};

impl<T: RealField + Copy> Mlp<T> {
    /// After [`double_backward`](Self::double_backward) on `ws`: the input
    /// gradient of the same penalty, `∂P/∂x_s = ∂Q/∂x_s = W_1ᵀ z̄_1` per
    /// sample (u held fixed, so only the primal stream carries x), into
    /// `dx` (laid out like the input). This is how the penalty of WGAN-GP
    /// reaches G through its interpolates, `x̂ = ε x_r + (1 − ε) G(z)`.
    ///
    /// # Panics
    /// If `dx.len() ≠ batch · in_dim`.
    pub fn double_backward_input(&self, ws: &mut Workspace<T>, dx: &mut [T]) {
        let batch = ws.batch();
        ws.check(self.sizes(), batch);
        assert_eq!(
            dx.len(),
            batch * self.in_dim(),
            "dx must be laid out like the input"
        );
        ws.w_t[1].tr_copy_from(self.layer(1).0);
        let (below, above) = ws.adj.split_at_mut(1);
        gemm_into(&mut below[0], T::one(), &ws.w_t[1], &above[0], T::zero());
        dx.copy_from_slice(ws.adj[0].as_slice());
    }

    /// Adds `∂P/∂θ` to `grads`, for a penalty `P = Σ_s φ(∂out_s/∂x_s)` on the
    /// batch of the last [`forward`](Self::forward) on `ws`.
    ///
    /// `dp_dg` holds `∂P/∂(∂out_s/∂x_s)` per sample, laid out like the input
    /// (`batch · in_dim`). See the [module docs](super::double_backward) for
    /// the derivation.
    ///
    /// # Panics
    /// If `dp_dg.len() ≠ batch · in_dim` or `ws` belongs to another network.
    pub fn double_backward(&self, ws: &mut Workspace<T>, dp_dg: &[T], grads: &mut Grads<T>) {
        let batch = ws.batch();
        ws.check(self.sizes(), batch);
        assert_eq!(
            dp_dg.len(),
            batch * self.in_dim(),
            "dp_dg must hold in_dim values per sample of the last forward pass"
        );
        let act = self.activation();
        let last = self.num_layers();
        let head = self.embed().is_some();

        // Tangent forward: ż_k = W_k ȧ_{k−1}, ȧ_k = f'(z_k) ⊙ ż_k, ȧ_0 = u.
        ws.a_dot[0].as_mut_slice().copy_from_slice(dp_dg);
        for k in 1..=last {
            let (w, _) = self.layer(k);
            gemm_into(&mut ws.z_dot[k], T::one(), w, &ws.a_dot[k - 1], T::zero());
            if head && k == last {
                projection::add_dot(ws.z_dot[k].as_mut_slice(), &ws.proj, &ws.a_dot[k - 1]);
            }
            if k < last {
                let (a_dot, z_dot, z) = (&mut ws.a_dot[k], &ws.z_dot[k], &ws.z[k]);
                for ((ad, &zd), &z) in a_dot
                    .as_mut_slice()
                    .iter_mut()
                    .zip(z_dot.as_slice())
                    .zip(z.as_slice())
                {
                    *ad = act.deriv(z) * zd;
                }
            }
        }

        // Reverse sweep of Q = Σ_s ż_L: seeds ż̄_L = 1, z̄_L = 0.
        ws.z_dot_adj[last].fill(T::one());
        ws.adj[last].fill(T::zero());
        for k in (1..=last).rev() {
            // Primal path: ∂W_k += z̄_k a_{k−1}ᵀ, ∂b_k += z̄_k 1.
            accumulate_layer_grads(grads, k, &ws.adj[k], &ws.a[k - 1]);
            // Tangent path: ∂W_k += ż̄_k ȧ_{k−1}ᵀ (no bias: ż_k has none).
            let dw = &mut grads.weights[k - 1];
            add_outer(dw, &ws.z_dot_adj[k], &ws.a_dot[k - 1]);
            if k == last
                && let Some(de) = grads.embed.as_mut()
            {
                let (a, a_dot) = (&ws.a[k - 1], &ws.a_dot[k - 1]);
                projection::accumulate(de, &ws.classes, a, ws.adj[k].as_slice());
                projection::accumulate(de, &ws.classes, a_dot, ws.z_dot_adj[k].as_slice());
            }
            if k == 1 {
                break; // u is a constant: nothing flows into the input.
            }

            // ā_{k−1} = W_kᵀ z̄_k and ǡ_{k−1} = W_kᵀ ż̄_k, into the k − 1 buffers.
            ws.w_t[k].tr_copy_from(self.layer(k).0);
            let w_t = &ws.w_t[k];
            let (adj_below, adj_above) = ws.adj.split_at_mut(k);
            gemm_into(
                &mut adj_below[k - 1],
                T::one(),
                w_t,
                &adj_above[0],
                T::zero(),
            );
            let (tan_below, tan_above) = ws.z_dot_adj.split_at_mut(k);
            gemm_into(
                &mut tan_below[k - 1],
                T::one(),
                w_t,
                &tan_above[0],
                T::zero(),
            );
            if head && k == last {
                projection::add_scaled(&mut adj_below[k - 1], &ws.proj, adj_above[0].as_slice());
                projection::add_scaled(&mut tan_below[k - 1], &ws.proj, tan_above[0].as_slice());
            }

            // Through a_{k−1} = f(z_{k−1}) and ȧ_{k−1} = f'(z_{k−1}) ⊙ ż_{k−1}.
            let z = ws.z[k - 1].as_slice();
            let z_dot = ws.z_dot[k - 1].as_slice();
            let z_bar = ws.adj[k - 1].as_mut_slice();
            let z_dot_bar = ws.z_dot_adj[k - 1].as_mut_slice();
            for s in 0..z.len() {
                let (d1, d2) = (act.deriv(z[s]), act.second_deriv(z[s]));
                let a_dot_bar = z_dot_bar[s]; // ǡ, before it is overwritten
                z_bar[s] = d1 * z_bar[s] + d2 * z_dot[s] * a_dot_bar;
                z_dot_bar[s] = d1 * a_dot_bar;
            }
        }
    }
}
