//! The first-order passes of [`Mlp`]: batched forward, reverse-mode backward
//! (parameter and input gradients) and the input gradient `∂out/∂x`.
//!
//! With one column per sample (see [`Workspace`]) the whiteboard math for
//! layer `k` on the whole batch is
//!
//! ```text
//! forward    Z_k = W_k A_{k−1} + b_k 1ᵀ          A_k = f(Z_k)
//! backward   ∂W_k += Δ_k A_{k−1}ᵀ                ∂b_k += Δ_k 1
//!            G_{k−1} = W_kᵀ Δ_k                  Δ_{k−1} = f'(Z_{k−1}) ⊙ G_{k−1}
//! ```
//!
//! where `Δ_k = ∂L/∂Z_k` is stored in `ws.adj[k]` and `Δ_L = ∂L/∂out`.
//! Every product is one call of [`super::linalg`] into a preallocated buffer
//! (`Δ Aᵀ` reads `A` transposed in place; `Wᵀ` is copied into a small
//! preallocated buffer, see [`Workspace`]); the bias and the activation are
//! applied in one pass after the product. A layer with one input (the first
//! layer of G and of an unpacked D) needs no product: `W x + b` and `f` are
//! one pass; so does the adjoint below a layer with one output. Both give
//! the same bits as the product would. A pass allocates nothing.
//!
//! A network with a projection head takes each sample's class
//! ([`Mlp::forward_classes`]); the head's terms at layer L are those of
//! [`super::projection`].

use nalgebra::{DMatrix, RealField};

use super::linalg::{gemm_into, gemm_nt_into, split_pairs};
use super::projection;
use super::{Activation, Grads, Mlp, Workspace};

impl<T: RealField + Copy> Mlp<T> {
    /// Runs the network on a batch and returns one output per sample.
    ///
    /// `x` holds the samples one after the other (`x.len() = batch · in_dim`).
    /// The workspace keeps every intermediate value for the backward passes.
    ///
    /// # Panics
    /// If `x.len()` is not a multiple of `in_dim`, or `ws` was built for
    /// another network shape, or the network has a projection head (use
    /// [`forward_classes`](Self::forward_classes)).
    pub fn forward<'w>(&self, ws: &'w mut Workspace<T>, x: &[T]) -> &'w [T] {
        self.forward_classes(ws, x, &[])
    }

    /// [`forward`](Self::forward) for a network with a projection head:
    /// `classes[s]` is sample s's class (empty for a network without one).
    ///
    /// # Panics
    /// As `forward`, or if `classes` does not hold one class below
    /// [`Mlp::classes`] per sample (none without a head).
    pub fn forward_classes<'w>(
        &self,
        ws: &'w mut Workspace<T>,
        x: &[T],
        classes: &[usize],
    ) -> &'w [T] {
        let n0 = self.in_dim();
        assert!(
            x.len().is_multiple_of(n0),
            "input length {} is not a multiple of in_dim {n0}",
            x.len()
        );
        let batch = x.len() / n0;
        ws.fit(self.sizes(), batch);
        ws.a[0].as_mut_slice().copy_from_slice(x);
        match self.embed() {
            None => assert!(classes.is_empty(), "a network without a projection head"),
            Some(e) => {
                assert_eq!(classes.len(), batch, "one class per sample");
                assert!(
                    classes.iter().all(|&c| c < e.ncols()),
                    "a class beyond the projection head's"
                );
                projection::gather(&mut ws.proj, e, classes);
                ws.classes.clear();
                ws.classes.extend_from_slice(classes);
            }
        }

        let last = self.num_layers();
        for k in 1..=last {
            let (w, b) = self.layer(k);
            if k == 1 && n0 == 1 && k < last {
                // One input per sample: the product is an outer product,
                // done in the same pass as the bias and the activation.
                let (z, a) = (ws.z[1].as_mut_slice(), ws.a[1].as_mut_slice());
                outer_bias_activate(self.activation(), w.as_slice(), b.as_slice(), x, z, a);
                continue;
            }
            // z_k = W_k a_{k−1} + b_k, for all samples at once.
            gemm_into(&mut ws.z[k], T::one(), w, &ws.a[k - 1], T::zero());
            // Then, in one pass, the bias and (hidden layers only: the last
            // layer stays linear) the activation.
            let z = ws.z[k].as_mut_slice();
            if k < last {
                bias_activate(self.activation(), b.as_slice(), z, ws.a[k].as_mut_slice());
            } else {
                for col in z.chunks_exact_mut(b.len()) {
                    for (z, &b) in col.iter_mut().zip(b.as_slice()) {
                        *z += b;
                    }
                }
                if self.embed().is_some() {
                    // z_L[s] += e_{c_s} · a_{L−1}[:, s].
                    projection::add_dot(ws.z[k].as_mut_slice(), &ws.proj, &ws.a[k - 1]);
                }
            }
        }
        ws.z[last].as_slice()
    }

    /// Allocating convenience for plots: the outputs for a batch of inputs.
    pub fn eval(&self, x: &[T]) -> Vec<T> {
        let mut ws = self.workspace(x.len() / self.in_dim());
        self.forward(&mut ws, x).to_vec()
    }

    /// Backpropagates `dout[s] = ∂L/∂out_s` through the batch of the last
    /// [`forward`](Self::forward) on `ws`.
    ///
    /// Parameter gradients are **added** to `grads`. If `dx` is given it is
    /// overwritten with `∂L/∂x` (same layout as the input); the generator
    /// update needs it, because its loss reaches `G` through `D`'s input.
    ///
    /// # Panics
    /// If `dout.len()` differs from the batch of the last forward pass, or
    /// `dx` has the wrong length.
    pub fn backward(
        &self,
        ws: &mut Workspace<T>,
        dout: &[T],
        grads: &mut Grads<T>,
        dx: Option<&mut [T]>,
    ) {
        ws.check(self.sizes(), dout.len());
        let last = self.num_layers();
        ws.adj[last].as_mut_slice().copy_from_slice(dout);
        if let Some(dx) = dx.as_deref() {
            assert_eq!(dx.len(), ws.a[0].len(), "dx must have the input's length");
        }
        self.propagate_adjoints(ws, Some(grads), dx.is_some());
        if let Some(dx) = dx {
            dx.copy_from_slice(ws.adj[0].as_slice());
        }
    }

    /// Writes `∂out_s/∂x_s` for every sample of the last forward pass into
    /// `dx` (same layout as the input). This is the quantity the gradient
    /// penalties act on.
    ///
    /// # Panics
    /// If `dx.len() ≠ batch · in_dim`.
    pub fn input_grad(&self, ws: &mut Workspace<T>, dx: &mut [T]) {
        let batch = ws.batch();
        ws.check(self.sizes(), batch);
        assert_eq!(
            dx.len(),
            batch * self.in_dim(),
            "dx must hold in_dim values per sample of the last forward pass"
        );
        let last = self.num_layers();
        // Seeding ∂L/∂out_s = 1 makes L = Σ_s out_s; samples do not interact,
        // so ∂L/∂x_s = ∂out_s/∂x_s.
        ws.adj[last].fill(T::one());
        self.propagate_adjoints(ws, None, true);
        dx.copy_from_slice(ws.adj[0].as_slice());
    }

    /// The reverse sweep shared by [`backward`](Self::backward) and
    /// [`input_grad`](Self::input_grad): expects `ws.adj[L]` seeded, fills
    /// `ws.adj[k]` down to `k = 1` (or `0` when `need_input`).
    fn propagate_adjoints(
        &self,
        ws: &mut Workspace<T>,
        mut grads: Option<&mut Grads<T>>,
        need_input: bool,
    ) {
        let stop = if need_input { 0 } else { 1 };
        let last = self.num_layers();
        let head = self.embed().is_some();
        for k in (1..=last).rev() {
            if let Some(g) = grads.as_deref_mut() {
                accumulate_layer_grads(g, k, &ws.adj[k], &ws.a[k - 1]);
                if k == last
                    && let Some(de) = g.embed.as_mut()
                {
                    projection::accumulate(de, &ws.classes, &ws.a[k - 1], ws.adj[k].as_slice());
                }
            }
            if k - 1 < stop {
                break;
            }
            let w = self.layer(k).0;
            if head && k == last {
                // G_{L−1} = W_Lᵀ Δ_L + R ⊙ Δ_L, then f'.
                ws.w_t[k].tr_copy_from(w);
                let (below, above) = ws.adj.split_at_mut(k);
                gemm_into(
                    &mut below[k - 1],
                    T::one(),
                    &ws.w_t[k],
                    &above[0],
                    T::zero(),
                );
                projection::add_scaled(&mut below[k - 1], &ws.proj, above[0].as_slice());
                if k > 1 {
                    mul_by_deriv(self.activation(), &mut ws.adj[k - 1], &ws.z[k - 1]);
                }
                continue;
            }
            if w.nrows() == 1 && k > 1 {
                // One output per sample: Δ_{k−1} = f'(z_{k−1}) ⊙ w_kᵀ δ_k
                // in one pass, without the outer product in between.
                let (below, above) = ws.adj.split_at_mut(k);
                let (g, z) = (below[k - 1].as_mut_slice(), ws.z[k - 1].as_slice());
                outer_deriv(self.activation(), w.as_slice(), above[0].as_slice(), g, z);
                continue;
            }
            // G_{k−1} = W_kᵀ Δ_k (into adj[k − 1], below adj[k] in the Vec).
            ws.w_t[k].tr_copy_from(w);
            let (below, above) = ws.adj.split_at_mut(k);
            gemm_into(
                &mut below[k - 1],
                T::one(),
                &ws.w_t[k],
                &above[0],
                T::zero(),
            );
            // Δ_{k−1} = f'(z_{k−1}) ⊙ G_{k−1}; the input has no activation.
            if k > 1 {
                mul_by_deriv(self.activation(), &mut ws.adj[k - 1], &ws.z[k - 1]);
            }
        }
    }
}

/// `∂W_k += Δ A_{k−1}ᵀ` and `∂b_k += Δ 1` for an adjoint `Δ` of `z_k` and
/// the layer's input `A_{k−1}`. Shared with the double backward.
pub(super) fn accumulate_layer_grads<T: RealField + Copy>(
    grads: &mut Grads<T>,
    k: usize,
    delta: &DMatrix<T>,
    a_prev: &DMatrix<T>,
) {
    add_outer(&mut grads.weights[k - 1], delta, a_prev);
    let db = grads.biases[k - 1].as_mut_slice();
    for col in delta.as_slice().chunks_exact(db.len()) {
        for (db, &d) in db.iter_mut().zip(col) {
            *db += d;
        }
    }
}

/// `dw += Δ Aᵀ`, summing the per-sample outer products `δ_s a_sᵀ` in one
/// product that reads `A` transposed in place.
pub(super) fn add_outer<T: RealField + Copy>(
    dw: &mut DMatrix<T>,
    delta: &DMatrix<T>,
    a: &DMatrix<T>,
) {
    gemm_nt_into(dw, T::one(), delta, a, T::one());
}

/// Runs `body` with the activation's `f` (`D = 0`), `f'` (`D = 1`) or `f''`
/// (`D = 2`) as a closure whose variant is fixed at compile time, so that the
/// element-wise loops it drives have no `match` inside and vectorise.
macro_rules! with_fn {
    ($act:expr, $order:tt, |$f:ident| $body:expr) => {
        match $act {
            Activation::Relu => {
                let $f = |v| with_fn!(@call Activation::Relu, $order, v);
                $body
            }
            Activation::LeakyRelu => {
                let $f = |v| with_fn!(@call Activation::LeakyRelu, $order, v);
                $body
            }
            Activation::Tanh => {
                let $f = |v| with_fn!(@call Activation::Tanh, $order, v);
                $body
            }
            Activation::Elu => {
                let $f = |v| with_fn!(@call Activation::Elu, $order, v);
                $body
            }
            Activation::Softplus => {
                let $f = |v| with_fn!(@call Activation::Softplus, $order, v);
                $body
            }
            Activation::Sigmoid => {
                let $f = |v| with_fn!(@call Activation::Sigmoid, $order, v);
                $body
            }
        }
    };
    (@call $a:expr, 0, $v:expr) => {
        $a.value($v)
    };
    (@call $a:expr, 1, $v:expr) => {
        $a.deriv($v)
    };
}

/// `z ← z + b 1ᵀ` and `a ← f(z)` in one pass over the batch.
fn bias_activate<T: RealField + Copy>(act: Activation, bias: &[T], z: &mut [T], a: &mut [T]) {
    let n = bias.len();
    with_fn!(act, 0, |f| {
        split_pairs(z, a, n, &|_, z: &mut [T], a: &mut [T]| {
            for (zc, ac) in z.chunks_exact_mut(n).zip(a.chunks_exact_mut(n)) {
                for ((z, a), &b) in zc.iter_mut().zip(ac.iter_mut()).zip(bias) {
                    let v = *z + b;
                    *z = v;
                    *a = f(v);
                }
            }
        })
    })
}

/// `z ← w xᵀ + b 1ᵀ` and `a ← f(z)` for a layer with one input (`w`, `b`:
/// one value per unit; `x`: one per sample), in one pass. Bit for bit what
/// the product followed by [`bias_activate`] gives: `(w x) + b`, then `f`.
fn outer_bias_activate<T: RealField + Copy>(
    act: Activation,
    w: &[T],
    bias: &[T],
    x: &[T],
    z: &mut [T],
    a: &mut [T],
) {
    let n = bias.len();
    with_fn!(act, 0, |f| {
        split_pairs(z, a, n, &|off, z: &mut [T], a: &mut [T]| {
            let cols = z.chunks_exact_mut(n).zip(a.chunks_exact_mut(n));
            for ((zc, ac), &xs) in cols.zip(&x[off / n..]) {
                for (((z, a), &w), &b) in zc.iter_mut().zip(ac.iter_mut()).zip(w).zip(bias) {
                    let v = w * xs + b;
                    *z = v;
                    *a = f(v);
                }
            }
        })
    })
}

/// `g ← f'(z) ⊙ (w δᵀ)` for the layer below one with a single output (`w`:
/// its weights, one per unit; `δ`: its adjoint, one per sample). Bit for bit
/// what the product followed by [`mul_by_deriv`] gives.
fn outer_deriv<T: RealField + Copy>(act: Activation, w: &[T], delta: &[T], g: &mut [T], z: &[T]) {
    let n = w.len();
    with_fn!(act, 1, |fd| {
        split_pairs(g, z, n, &|off, g: &mut [T], z: &[T]| {
            let cols = g.chunks_exact_mut(n).zip(z.chunks_exact(n));
            for ((gc, zc), &d) in cols.zip(&delta[off / n..]) {
                for ((g, &z), &w) in gc.iter_mut().zip(zc).zip(w) {
                    *g = w * d * fd(z);
                }
            }
        })
    })
}

/// `g ← f'(z) ⊙ g`, element by element.
pub(super) fn mul_by_deriv<T: RealField + Copy>(
    act: Activation,
    g: &mut DMatrix<T>,
    z: &DMatrix<T>,
) {
    let (g, z) = (g.as_mut_slice(), z.as_slice());
    with_fn!(act, 1, |fd| {
        split_pairs(g, z, 1, &|_, g: &mut [T], z: &[T]| {
            for (g, &z) in g.iter_mut().zip(z) {
                *g *= fd(z);
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fused passes of the one-input and one-output layers give the
    /// same bits as the product followed by the element-wise pass, for every
    /// activation, on a batch large enough to be split over threads.
    #[test]
    fn fused_outer_passes_match_the_product_bit_for_bit() {
        let (h, n) = (48, 4096);
        assert!(h * n >= 2 * super::super::linalg::PARALLEL_ELEMS);
        let w = DMatrix::<f32>::from_fn(h, 1, |i, _| (i as f32 * 0.37).sin());
        let b: Vec<f32> = (0..h).map(|i| (i as f32 * 0.11).cos()).collect();
        let x = DMatrix::<f32>::from_fn(1, n, |_, j| (j as f32 * 0.013).sin() * 3.0);
        for act in [Activation::Relu, Activation::LeakyRelu, Activation::Tanh] {
            let mut z0 = DMatrix::<f32>::zeros(h, n);
            let mut a0 = DMatrix::<f32>::zeros(h, n);
            gemm_into(&mut z0, 1.0, &w, &x, 0.0);
            bias_activate(act, &b, z0.as_mut_slice(), a0.as_mut_slice());
            let mut z1 = DMatrix::<f32>::zeros(h, n);
            let mut a1 = DMatrix::<f32>::zeros(h, n);
            outer_bias_activate(
                act,
                w.as_slice(),
                &b,
                x.as_slice(),
                z1.as_mut_slice(),
                a1.as_mut_slice(),
            );
            assert_eq!((&z0, &a0), (&z1, &a1), "{act:?} forward");

            // Below a layer with one output: weights v (1 × h), adjoint δ.
            let v = w.transpose();
            let delta = DMatrix::<f32>::from_fn(1, n, |_, j| (j as f32 * 0.7).cos());
            let mut g0 = DMatrix::<f32>::zeros(h, n);
            gemm_into(&mut g0, 1.0, &v.transpose(), &delta, 0.0);
            mul_by_deriv(act, &mut g0, &z0);
            let mut g1 = DMatrix::<f32>::from_element(h, n, f32::NAN);
            outer_deriv(
                act,
                v.as_slice(),
                delta.as_slice(),
                g1.as_mut_slice(),
                z0.as_slice(),
            );
            assert_eq!(g0, g1, "{act:?} adjoint");
        }
    }
}
