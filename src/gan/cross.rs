//! Each loss's gradient with respect to *both* players: what consensus
//! optimisation needs to differentiate ½‖v‖² of the joint field v (see
//! `update`). The objectives themselves are [`super::objective`]'s.
//!
//! # G's loss, also in θ_D
//!
//! ```text
//! L_G = mean ℓ_G(D(G(z) + ν))     ∂L_G/∂θ_D = D's backward pass of ∂L_G/∂l on the fake packs
//! ```
//!
//! # D's loss, also in θ_G
//!
//! The fakes enter L_D through D(x_f) and, with WGAN-GP, through the
//! interpolates x̂ = ε x_r + (1 − ε) x_f of the penalty P = λ mean (‖∇ₓD(x̂)‖ − 1)²:
//!
//! ```text
//! ∂L_D/∂x_f = ∂L/∂l_f · ∂D/∂x (x_f)  +  (1 − ε) · ∂P/∂x̂
//! ∂P/∂x̂    = ∇ₓ ⟨u, ∇ₓD(x̂)⟩ with u = ∂P/∂g held fixed    (Mlp::double_backward_input)
//! ```
//!
//! and `∂L_D/∂x_f` flows into G's backward pass (the noise is additive). R1
//! is a function of the real samples alone and does not reach G.
//!
//! With classes (see [`super::objective`]) G's input is `[z, onehot(c)]`
//! and D's forward passes take the packs' classes as the objectives do;
//! `∂/∂x` keeps the x columns only (the one-hot columns are constants).

use nalgebra::RealField;

use super::LossKind;
use super::condition::drop_onehot;
use super::loss::g_loss;
use super::objective::{
    DEval, Draws, GEval, Objective, Scratch, d_input, d_input_grad, generate_in, head_classes,
};
use crate::nn::{Grads, Mlp};

impl Objective {
    /// `∂L_G/∂θ_G` into `grads_g` and `∂L_G/∂θ_D` into `grads_d`; returns
    /// the loss (as [`g_step_grad`](Self::g_step_grad)).
    ///
    /// # Panics
    /// If the draws, the scratch and the networks disagree in size.
    pub fn g_full_grad<T: RealField + Copy>(
        &self,
        g: &Mlp<T>,
        d: &Mlp<T>,
        draws: &Draws<T>,
        s: &mut Scratch<T>,
        grads_g: &mut Grads<T>,
        grads_d: &mut Grads<T>,
    ) -> GEval<T> {
        let m = draws.len();
        assert_eq!(s.fake_in.len(), m, "scratch was built for another batch");
        let layout = self.layout();
        let pack = self.pack;
        assert_eq!(d.in_dim(), layout.d_in(pack), "D's input width");
        s.fit(layout, pack, m, draws.z.len() / m.max(1));
        grads_g.zero();
        grads_d.zero();
        generate_in(g, s, draws, layout, pack);
        let cls = head_classes(layout, &draws.class);
        let fake_in = d_input(layout, pack, &draws.class, &s.fake_in, &mut s.d_fake_in);
        let out_f = d.forward_classes(&mut s.ws_fake, fake_in, cls);
        let loss = g_loss(self.loss, out_f, &mut s.dout_fake);
        let mean_fake = super::objective::mean(out_f);
        d_input_grad(d, layout, pack, &mut s.ws_fake, &mut s.dx_full, &mut s.dx);
        for (dxp, &dl) in s.dx.chunks_exact_mut(pack).zip(&s.dout_fake) {
            for v in dxp {
                *v *= dl;
            }
        }
        g.backward(&mut s.ws_g, &s.dx, grads_g, None);
        d.backward(&mut s.ws_fake, &s.dout_fake, grads_d, None);
        GEval { loss, mean_fake }
    }

    /// `∂L_D/∂θ_D` into `grads_d` (as [`d_step_grad`](Self::d_step_grad))
    /// and `∂L_D/∂θ_G` into `grads_g`; see the [module docs](self).
    ///
    /// # Panics
    /// If the draws, the scratch and the networks disagree in size.
    pub fn d_full_grad<T: RealField + Copy>(
        &self,
        g: &Mlp<T>,
        d: &Mlp<T>,
        draws: &Draws<T>,
        s: &mut Scratch<T>,
        grads_g: &mut Grads<T>,
        grads_d: &mut Grads<T>,
    ) -> DEval<T> {
        let ev = self.d_step_grad(g, d, draws, s, grads_d);
        grads_g.zero();
        let layout = self.layout();
        let pack = self.pack;
        // The penalty's pull on the interpolates, before ws_fake is reused.
        let gp = self.loss == LossKind::WganGp && self.gp > 0.0;
        if gp {
            if layout.concat {
                d.double_backward_input(&mut s.ws_interp, &mut s.u_full);
                drop_onehot(&s.u_full, pack, layout.classes, &mut s.dx_pen);
            } else {
                d.double_backward_input(&mut s.ws_interp, &mut s.dx_pen);
            }
        }
        d_input_grad(d, layout, pack, &mut s.ws_fake, &mut s.dx_full, &mut s.dx);
        for (dxp, &dl) in s.dx.chunks_exact_mut(pack).zip(&s.dout_fake) {
            for v in dxp {
                *v *= dl;
            }
        }
        if gp {
            for (i, (v, &p)) in s.dx.iter_mut().zip(&s.dx_pen).enumerate() {
                *v += (T::one() - draws.eps[i / pack]) * p;
            }
        }
        g.backward(&mut s.ws_g, &s.dx, grads_g, None);
        ev
    }
}
