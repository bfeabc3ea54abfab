//! The D step's and the G step's objectives and their parameter gradients on
//! fixed batches: packing, instance noise, the loss, and the R1 and WGAN-GP
//! penalties. Generic over the scalar, so that the gradient check runs the
//! very same code on `f64` networks that the trainer runs on `f32`.
//!
//! # Batches and packing
//!
//! A step uses `m = n · pack` samples: `n` packs of `pack` consecutive
//! samples. Networks take one column per sample, so a flat slice of `m`
//! scalars *is* `n` packed inputs of width `pack` for D (in_dim = pack):
//! real packs come from real samples and fake packs from fake samples, and D
//! has `n` outputs. Losses are means over those `n` outputs.
//!
//! # The D step (parameters of D; G fixed)
//!
//! ```text
//! x_r = real + ν_r               x_f = G(z) + ν_f            (ν: instance noise, N(0, σ_t²))
//! L   = L_D(D(x_r), D(x_f))                                  (see super::loss)
//!     + γ/2 · mean_packs ‖∇ₓ D(x_r)‖²                        (R1, when γ > 0)
//!     + λ · mean_packs (‖∇ₓ D(x̂)‖ − 1)²                       (WGAN-GP, loss wgan_gp, λ > 0)
//!       or λ · mean_packs max(0, ‖∇ₓ D(x̂)‖ − 1)²              (the one-sided penalty, `gp_one_sided`)
//! x̂  = ε x_r + (1 − ε) x_f,     ε ~ U(0, 1) per pack
//! ```
//!
//! The penalties are functions of `g = ∇ₓ D`; their parameter gradient is
//! [`Mlp::double_backward`] with `u = ∂P/∂g`:
//! R1 `u = γ/n · g`; GP `u = 2λ/n · (‖g‖ − 1) · g/‖g‖` (0 where `‖g‖ = 0`).
//!
//! # The G step (parameters of G; D fixed)
//!
//! ```text
//! x_f = G(z) + ν_f,   L_G = mean ℓ_G(D(x_f)),   ∂L_G/∂x_i = ℓ_G'(l_p)/n · ∂l_p/∂x_i   (i in pack p)
//! ```
//!
//! and `∂L_G/∂x` flows into G's backward pass; noise is additive, so
//! `∂x_f/∂G(z) = 1`. [`g_grad_by`] is the same step with `L_G` and
//! `∂L_G/∂x` given by a function of the fakes (the oracle D of `oracle`).
//!
//! # Classes
//!
//! For a `classes(…)` target the draws hold one class per pack; G's input
//! is `[z, onehot(c)]`, and D sees the class as [`super::condition`] says
//! (one-hot columns after each pack, a projection head, or not at all).
//! The fake packs of a D step take the real packs' classes, so that a pack
//! of fakes is judged against reals of its own class and WGAN-GP
//! interpolates within a class. Gradients in x — the penalties' `g` and the
//! G step's `∂L_G/∂x` — are those of the x columns only: a penalty's `u` is
//! 0 in the one-hot columns, which are constants. (The oracle's
//! [`g_grad_by`] is unconditional: the config refuses the oracle with
//! classes.)

use nalgebra::RealField;

use super::LossKind;
use super::condition::{Conditioning, Layout, drop_onehot, pad_zeros, with_onehot};
use super::loss::{d_loss, g_loss};
use crate::nn::{Grads, Mlp, Workspace};

/// The loss and its tricks, as the objectives need them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// The loss.
    pub loss: LossKind,
    /// One-sided label smoothing s (cross-entropy losses only).
    pub label_smoothing: f64,
    /// R1 γ (0 = off).
    pub r1: f64,
    /// WGAN-GP λ (used by `wgan_gp` only; 0 = off).
    pub gp: f64,
    /// The one-sided penalty of the WGAN-GP paper's appendix: only slopes
    /// above 1 cost.
    pub gp_one_sided: bool,
    /// Samples per D input.
    pub pack: usize,
    /// Classes of the target (0: unconditional).
    pub classes: usize,
    /// How D sees the class.
    pub conditioning: Conditioning,
}

impl Objective {
    /// The loss and tricks of `config`.
    pub fn of(config: &super::Config) -> Self {
        Objective {
            loss: config.loss,
            label_smoothing: config.label_smoothing,
            r1: config.r1,
            gp: config.gp,
            gp_one_sided: config.gp_one_sided,
            pack: config.pack,
            classes: config.class_count(),
            conditioning: config.conditioning,
        }
    }

    /// The networks' shapes for these classes.
    pub fn layout(&self) -> Layout {
        Layout::new(self.conditioning, self.classes)
    }
}

/// The random inputs of one step, fixed so that its loss is a deterministic
/// function of the parameters. Lengths: `real`, `noise_real`, `noise_fake`:
/// `m`; `z`: `m · latent_dim`; `eps`: `m / pack` (or empty without GP);
/// `class`: `m / pack` (empty for an unconditional target).
/// Noise already includes σ_t (all zeros when off).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draws<T> {
    /// Real samples.
    pub real: Vec<T>,
    /// Noise fed to G.
    pub z: Vec<T>,
    /// Instance noise added to the real samples.
    pub noise_real: Vec<T>,
    /// Instance noise added to the fake samples.
    pub noise_fake: Vec<T>,
    /// Interpolation coefficients ε per pack (WGAN-GP).
    pub eps: Vec<T>,
    /// The class of each pack, real and fake alike (conditional targets).
    pub class: Vec<usize>,
}

impl<T: RealField + Copy> Draws<T> {
    /// Zeroed buffers for `m` samples.
    pub fn zeros(m: usize, latent_dim: usize, pack: usize) -> Self {
        Draws {
            real: vec![T::zero(); m],
            z: vec![T::zero(); m * latent_dim],
            noise_real: vec![T::zero(); m],
            noise_fake: vec![T::zero(); m],
            eps: vec![T::zero(); m / pack.max(1)],
            class: Vec::new(),
        }
    }

    /// The same buffers with one class per pack (class 0) when `classes > 0`.
    pub fn with_classes(mut self, classes: usize) -> Self {
        self.class = if classes > 0 {
            vec![0; self.eps.len()]
        } else {
            Vec::new()
        };
        self
    }

    /// Samples per step.
    pub fn len(&self) -> usize {
        self.real.len()
    }

    /// `true` for an empty batch.
    pub fn is_empty(&self) -> bool {
        self.real.is_empty()
    }
}

/// Preallocated buffers of the two objectives (resized only when `m` changes).
#[derive(Clone, Debug)]
pub struct Scratch<T: RealField + Copy> {
    pub(super) ws_g: Workspace<T>,
    pub(super) ws_real: Workspace<T>,
    pub(super) ws_fake: Workspace<T>,
    pub(super) ws_interp: Workspace<T>,
    pub(super) real_in: Vec<T>,
    pub(super) fake_in: Vec<T>,
    pub(super) interp: Vec<T>,
    pub(super) dout_real: Vec<T>,
    pub(super) dout_fake: Vec<T>,
    pub(super) dx: Vec<T>,
    pub(super) u: Vec<T>,
    /// The penalty's input gradient at the interpolates (`cross`).
    pub(super) dx_pen: Vec<T>,
    /// Conditional runs: G's input `[z, onehot]`, and D's inputs, input
    /// gradients and penalty directions with one-hot columns (concat).
    pub(super) g_in: Vec<T>,
    pub(super) d_real_in: Vec<T>,
    pub(super) d_fake_in: Vec<T>,
    pub(super) d_interp_in: Vec<T>,
    pub(super) dx_full: Vec<T>,
    pub(super) u_full: Vec<T>,
}

impl<T: RealField + Copy> Scratch<T> {
    /// Buffers for `m` samples of these networks (`m` a multiple of D's in_dim).
    pub fn new(g: &Mlp<T>, d: &Mlp<T>, m: usize) -> Self {
        let n = m / d.in_dim();
        Scratch {
            ws_g: g.workspace(m),
            ws_real: d.workspace(n),
            ws_fake: d.workspace(n),
            ws_interp: d.workspace(n),
            real_in: vec![T::zero(); m],
            fake_in: vec![T::zero(); m],
            interp: vec![T::zero(); m],
            dout_real: vec![T::zero(); n],
            dout_fake: vec![T::zero(); n],
            dx: vec![T::zero(); m],
            u: vec![T::zero(); m],
            dx_pen: vec![T::zero(); m],
            g_in: Vec::new(),
            d_real_in: Vec::new(),
            d_fake_in: Vec::new(),
            d_interp_in: Vec::new(),
            dx_full: Vec::new(),
            u_full: Vec::new(),
        }
    }

    /// Sizes the conditional buffers for `m` samples of `latent_dim` under
    /// `layout` (allocates only when a size changes).
    pub(super) fn fit(&mut self, layout: Layout, pack: usize, m: usize, latent_dim: usize) {
        let k = layout.classes;
        let size = |v: &mut Vec<T>, len: usize| {
            if v.len() != len {
                v.resize(len, T::zero());
            }
        };
        size(
            &mut self.g_in,
            if layout.g_class {
                m * (latent_dim + k)
            } else {
                0
            },
        );
        let d = if layout.concat {
            m / pack * layout.d_in(pack)
        } else {
            0
        };
        for v in [
            &mut self.d_real_in,
            &mut self.d_fake_in,
            &mut self.d_interp_in,
            &mut self.dx_full,
            &mut self.u_full,
        ] {
            size(v, d);
        }
        let n = m / pack;
        size(&mut self.dout_real, n);
        size(&mut self.dout_fake, n);
    }

    /// The fake samples G produced in the last step, with their noise.
    pub fn fake(&self) -> &[T] {
        &self.fake_in
    }
}

/// What a D step measured, besides its gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DEval<T> {
    /// The total objective: loss plus penalties.
    pub loss: T,
    /// The penalties alone (R1 + GP).
    pub penalty: T,
    /// Mean raw output of D on the real packs.
    pub mean_real: T,
    /// Mean raw output of D on the fake packs.
    pub mean_fake: T,
}

/// What a G step measured, besides its gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GEval<T> {
    /// `L_G`.
    pub loss: T,
    /// Mean raw output of D on the fake packs.
    pub mean_fake: T,
}

pub(super) fn cast<T: RealField + Copy>(x: f64) -> T {
    nalgebra::convert(x)
}

pub(super) fn mean<T: RealField + Copy>(v: &[T]) -> T {
    let s = v.iter().fold(T::zero(), |a, &b| a + b);
    s / cast::<T>(v.len().max(1) as f64)
}

/// `x_f = G(z) + ν` into `out`.
pub(super) fn generate<T: RealField + Copy>(
    g: &Mlp<T>,
    ws: &mut Workspace<T>,
    z: &[T],
    noise: &[T],
    out: &mut [T],
) {
    let gz = g.forward(ws, z);
    for ((o, &x), &nu) in out.iter_mut().zip(gz).zip(noise) {
        *o = x + nu;
    }
}

/// `x_f = G(z, c) + ν` into `out`: G's input is `z` (unconditional) or
/// `[z, onehot(c)]` built in `g_in`.
pub(super) fn generate_in<T: RealField + Copy>(
    g: &Mlp<T>,
    s: &mut Scratch<T>,
    draws: &Draws<T>,
    layout: Layout,
    pack: usize,
) {
    if !layout.g_class {
        generate(g, &mut s.ws_g, &draws.z, &draws.noise_fake, &mut s.fake_in);
        return;
    }
    let latent = draws.z.len() / draws.len().max(1);
    with_onehot(
        &draws.z,
        latent,
        &draws.class,
        pack,
        layout.classes,
        &mut s.g_in,
    );
    generate(g, &mut s.ws_g, &s.g_in, &draws.noise_fake, &mut s.fake_in);
}

/// D's input for the packs of `x`: `x` itself, or (concat) each pack
/// followed by its class's one-hot, built in `buf`.
pub(super) fn d_input<'a, T: RealField + Copy>(
    layout: Layout,
    pack: usize,
    class: &[usize],
    x: &'a [T],
    buf: &'a mut [T],
) -> &'a [T] {
    if layout.concat {
        with_onehot(x, pack, class, 1, layout.classes, buf);
        buf
    } else {
        x
    }
}

/// The classes D's forward pass takes: one per pack for a projection head.
pub(super) fn head_classes(layout: Layout, class: &[usize]) -> &[usize] {
    if layout.head { class } else { &[] }
}

/// `∂D/∂x` of the last forward pass on `ws`, x columns only, into `dx`.
pub(super) fn d_input_grad<T: RealField + Copy>(
    d: &Mlp<T>,
    layout: Layout,
    pack: usize,
    ws: &mut Workspace<T>,
    dx_full: &mut [T],
    dx: &mut [T],
) {
    if layout.concat {
        d.input_grad(ws, dx_full);
        drop_onehot(dx_full, pack, layout.classes, dx);
    } else {
        d.input_grad(ws, dx);
    }
}

/// The double backward of a penalty whose `∂P/∂g` on the x columns is `u`.
fn d_double_backward<T: RealField + Copy>(
    d: &Mlp<T>,
    layout: Layout,
    pack: usize,
    ws: &mut Workspace<T>,
    u: &[T],
    u_full: &mut [T],
    grads: &mut Grads<T>,
) {
    if layout.concat {
        pad_zeros(u, pack, layout.classes, u_full);
        d.double_backward(ws, u_full, grads);
    } else {
        d.double_backward(ws, u, grads);
    }
}

impl Objective {
    /// The D step: overwrites `grads` with `∂L/∂θ_D` and returns the loss.
    ///
    /// # Panics
    /// If the draws, the scratch and the networks disagree in size.
    pub fn d_step_grad<T: RealField + Copy>(
        &self,
        g: &Mlp<T>,
        d: &Mlp<T>,
        draws: &Draws<T>,
        s: &mut Scratch<T>,
        grads: &mut Grads<T>,
    ) -> DEval<T> {
        let m = draws.len();
        assert_eq!(s.real_in.len(), m, "scratch was built for another batch");
        let layout = self.layout();
        let pack = self.pack;
        assert_eq!(d.in_dim(), layout.d_in(pack), "D's input width");
        let n = m / pack;
        s.fit(layout, pack, m, draws.z.len() / m.max(1));
        grads.zero();

        generate_in(g, s, draws, layout, pack);
        for ((o, &x), &nu) in s.real_in.iter_mut().zip(&draws.real).zip(&draws.noise_real) {
            *o = x + nu;
        }
        let cls = head_classes(layout, &draws.class);
        let real_in = d_input(layout, pack, &draws.class, &s.real_in, &mut s.d_real_in);
        let out_r = d.forward_classes(&mut s.ws_real, real_in, cls);
        let fake_in = d_input(layout, pack, &draws.class, &s.fake_in, &mut s.d_fake_in);
        let out_f = d.forward_classes(&mut s.ws_fake, fake_in, cls);
        let smoothing = cast::<T>(self.label_smoothing);
        let loss = d_loss(
            self.loss,
            out_r,
            out_f,
            smoothing,
            &mut s.dout_real,
            &mut s.dout_fake,
        );
        let (mean_real, mean_fake) = (mean(out_r), mean(out_f));
        d.backward(&mut s.ws_real, &s.dout_real, grads, None);
        d.backward(&mut s.ws_fake, &s.dout_fake, grads, None);

        let inv_n = T::one() / cast::<T>(n as f64);
        let mut penalty = T::zero();
        if self.r1 > 0.0 {
            // P = γ/2 · mean ‖g‖², ∂P/∂g = γ/n · g.
            let gamma = cast::<T>(self.r1);
            d_input_grad(d, layout, pack, &mut s.ws_real, &mut s.dx_full, &mut s.dx);
            let sq = s.dx.iter().fold(T::zero(), |a, &v| a + v * v);
            penalty += gamma * cast::<T>(0.5) * sq * inv_n;
            for (u, &gx) in s.u.iter_mut().zip(&s.dx) {
                *u = gamma * inv_n * gx;
            }
            d_double_backward(d, layout, pack, &mut s.ws_real, &s.u, &mut s.u_full, grads);
        }
        if self.loss == LossKind::WganGp && self.gp > 0.0 {
            let lambda = cast::<T>(self.gp);
            for (i, x) in s.interp.iter_mut().enumerate() {
                let e = draws.eps[i / pack];
                *x = e * s.real_in[i] + (T::one() - e) * s.fake_in[i];
            }
            let interp = d_input(layout, pack, &draws.class, &s.interp, &mut s.d_interp_in);
            d.forward_classes(&mut s.ws_interp, interp, cls);
            d_input_grad(d, layout, pack, &mut s.ws_interp, &mut s.dx_full, &mut s.dx);
            for (gp, up) in s.dx.chunks_exact(pack).zip(s.u.chunks_exact_mut(pack)) {
                let norm = gp.iter().fold(T::zero(), |a, &v| a + v * v).sqrt();
                let mut dev = norm - T::one();
                if self.gp_one_sided && dev < T::zero() {
                    // One-sided: a slope below 1 costs nothing.
                    dev = T::zero();
                }
                penalty += lambda * dev * dev * inv_n;
                // ∂/∂g (‖g‖ − 1)² = 2 (‖g‖ − 1) g/‖g‖; 0 at g = 0 (a subgradient).
                let scale = if norm > T::zero() {
                    cast::<T>(2.0) * lambda * inv_n * dev / norm
                } else {
                    T::zero()
                };
                for (u, &gx) in up.iter_mut().zip(gp) {
                    *u = scale * gx;
                }
            }
            d_double_backward(
                d,
                layout,
                pack,
                &mut s.ws_interp,
                &s.u,
                &mut s.u_full,
                grads,
            );
        }
        DEval {
            loss: loss + penalty,
            penalty,
            mean_real,
            mean_fake,
        }
    }

    /// The G step: overwrites `grads` with `∂L_G/∂θ_G` and returns the loss.
    ///
    /// Only `draws.z`, `draws.noise_fake` and `draws.class` are used.
    ///
    /// # Panics
    /// If the draws, the scratch and the networks disagree in size.
    pub fn g_step_grad<T: RealField + Copy>(
        &self,
        g: &Mlp<T>,
        d: &Mlp<T>,
        draws: &Draws<T>,
        s: &mut Scratch<T>,
        grads: &mut Grads<T>,
    ) -> GEval<T> {
        let m = draws.len();
        assert_eq!(s.fake_in.len(), m, "scratch was built for another batch");
        let layout = self.layout();
        let pack = self.pack;
        assert_eq!(d.in_dim(), layout.d_in(pack), "D's input width");
        s.fit(layout, pack, m, draws.z.len() / m.max(1));
        grads.zero();
        generate_in(g, s, draws, layout, pack);
        let cls = head_classes(layout, &draws.class);
        let fake_in = d_input(layout, pack, &draws.class, &s.fake_in, &mut s.d_fake_in);
        let out_f = d.forward_classes(&mut s.ws_fake, fake_in, cls);
        let loss = g_loss(self.loss, out_f, &mut s.dout_fake);
        let mean_fake = mean(out_f);
        // Samples of different packs do not interact, so ∂L/∂x_i is the
        // pack's ∂L/∂l times ∂l/∂x_i.
        d_input_grad(d, layout, pack, &mut s.ws_fake, &mut s.dx_full, &mut s.dx);
        for (dxp, &dl) in s.dx.chunks_exact_mut(pack).zip(&s.dout_fake) {
            for v in dxp {
                *v *= dl;
            }
        }
        g.backward(&mut s.ws_g, &s.dx, grads, None);
        GEval { loss, mean_fake }
    }
}

/// G's loss as a function of the fakes `x`: returns `(L_G, mean D)` and
/// writes `∂L_G/∂x` into its second argument (the oracle D's G step).
pub type FakeLoss<'a, T> = dyn FnMut(&[T], &mut [T]) -> (T, T) + 'a;

/// The G step against a D given as a function of the fakes: `loss(x, dl_dx)`
/// returns `(L_G, mean D)` at `x = G(z) + ν` and writes `∂L_G/∂x`; overwrites
/// `grads` with `∂L_G/∂θ_G`. Only `draws.z` and `draws.noise_fake` are used.
///
/// # Panics
/// If the draws and the scratch disagree in size.
pub fn g_grad_by<T: RealField + Copy>(
    g: &Mlp<T>,
    draws: &Draws<T>,
    s: &mut Scratch<T>,
    grads: &mut Grads<T>,
    loss: &mut FakeLoss<'_, T>,
) -> GEval<T> {
    assert_eq!(
        s.fake_in.len(),
        draws.len(),
        "scratch was built for another batch"
    );
    grads.zero();
    generate(g, &mut s.ws_g, &draws.z, &draws.noise_fake, &mut s.fake_in);
    let (l, mean_fake) = loss(&s.fake_in, &mut s.dx);
    g.backward(&mut s.ws_g, &s.dx, grads, None);
    GEval { loss: l, mean_fake }
}
