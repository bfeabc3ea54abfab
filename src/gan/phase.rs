//! The Dirac-GAN's phase plane (Mescheder et al. 2018, Section 2): with
//! p_data = δ(x₀), G(z) = θ and D(x) = ψ·x (`g_model = "constant"`,
//! `d_model = "linear"`), the game lives in the (θ, ψ) plane.
//!
//! # The field
//! `w(θ, ψ) = (∂L_G/∂θ, ∂L_D/∂ψ)`, each player descending its own loss, is
//! computed by the trainer's own objective code ([`Objective`]) run in f64
//! on the one-parameter networks. The arrows are the field in units of G's
//! step, `v = −(w_θ, (lr_d/lr_g)·w_ψ)` (at equal step sizes, the paper's
//! `v = −w`). Instance noise is integrated, not sampled: the draws are the
//! [`NOISE_NODES`] midpoint quantiles σΦ⁻¹((i + ½)/N), for the real and the
//! fake samples alike, so the field is the expected one.
//!
//! # The eigenvalues
//! The equilibrium is (x̄, 0) with x̄ the target's mean (x₀ for δ(x₀)).
//! `W = ∂w/∂(θ, ψ)` there is a central finite difference of the f64
//! gradients (step [`JACOBIAN_STEP`], error O(h²) ≈ 1e-10). Shown are the
//! eigenvalues of the game's Jacobian `J = −diag(1, lr_d/lr_g)·W` — for the
//! non-saturating loss ±i·f′(0) = ±i/2 unregularised, and
//! −γ/2 ± √(γ²/4 − f′(0)²) with R1 at equal step sizes (γ = `r1`) — and of
//! the linearised map of one iteration of each update rule, with plain
//! gradient steps of the configured learning rates, k and k_g (E =
//! diag(lr_g, lr_d), P_S the projection on the players S that move in a
//! round, M_S = E·P_S·W):
//!
//! ```text
//! alternating     (I − M_G)^{k_g} (I − M_D)^{k}
//! simultaneous    Π_rounds (I − M_S)
//! extragradient   Π_rounds (I − M_S + M_S²)
//! optimistic      Π_rounds [[I − 2M_S, E P_S], [P_S W, I − P_S]]   on (x, the previous gradient)
//! consensus       Π_rounds (I − E P_S (W + γ Wᵀ P_S W))           (∇½‖P_S w‖² linearised)
//! ```
//!
//! An iteration converges locally when every eigenvalue of its map has
//! modulus below 1.
//!
//! # The trajectory
//! [`Trajectory`] is an observer of the [`super::Driver`]: after every
//! iteration it records one parameter of G and one of D (by index into
//! their flat parameters; for the Dirac-GAN θ and ψ), keeping at most
//! [`TRAJECTORY_POINTS`] by halving its resolution. It reads the trainer and
//! never changes it.

use std::ops::ControlFlow;

use nalgebra::{Complex, DMatrix};

use super::driver::Observer;
use super::objective::{Draws, Objective, Scratch};
use super::{Config, DModel, GModel, StepStats, Trainer, UpdateRule};
use crate::density::Univariate;
use crate::nn::Mlp;
use crate::theory::Prior;

/// Quadrature nodes of the instance noise.
pub const NOISE_NODES: usize = 512;
/// The finite-difference step of the Jacobian.
pub const JACOBIAN_STEP: f64 = 1e-5;
/// Most points a trajectory keeps.
pub const TRAJECTORY_POINTS: usize = 4096;

/// The phase plane of a Dirac-GAN config; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct DiracPlane {
    objective: Objective,
    draws: Draws<f64>,
    latent_dim: usize,
    act: crate::nn::Activation,
    /// The equilibrium (x̄, 0).
    pub equilibrium: [f64; 2],
    lr_g: f64,
    lr_d: f64,
    k: usize,
    k_g: usize,
    gamma: f64,
}

/// The eigenvalues of the game and of each rule's map.
#[derive(Clone, Debug, PartialEq)]
pub struct Spectrum {
    /// `W = ∂w/∂(θ, ψ)` at the equilibrium (rows θ, ψ).
    pub w: [[f64; 2]; 2],
    /// Of the game's Jacobian `J = −diag(1, lr_d/lr_g)·W`.
    pub continuous: [Complex<f64>; 2],
    /// Of each rule's iteration map.
    pub maps: Vec<(UpdateRule, Vec<Complex<f64>>)>,
}

/// The largest modulus.
pub fn spectral_radius(eigs: &[Complex<f64>]) -> f64 {
    eigs.iter().map(|c| c.norm()).fold(0.0, f64::max)
}

impl DiracPlane {
    /// The plane of `config` with instance noise σ = `sigma`; `None` unless
    /// G is constant, D linear on single samples (`pack = 1`) and the
    /// target has a mean.
    pub fn new(config: &Config, sigma: f64) -> Option<DiracPlane> {
        if config.g_model != GModel::Constant || config.d_model != DModel::Linear {
            return None;
        }
        if config.pack != 1 {
            return None;
        }
        let target = config.target_mixture().ok()?;
        let mean = target.mean().filter(|m| m.is_finite())?;
        let n = if sigma > 0.0 || !target.has_atoms() || target.atoms().len() > 1 {
            NOISE_NODES
        } else {
            1
        };
        let mut draws = Draws::<f64>::zeros(n, config.latent_dim, 1);
        for i in 0..n {
            let u = (i as f64 + 0.5) / n as f64;
            let nu = if sigma > 0.0 {
                sigma * Prior::Normal.quantile(u)
            } else {
                0.0
            };
            draws.real[i] = target.quantile(u);
            draws.noise_real[i] = nu;
            draws.noise_fake[i] = nu;
            draws.eps[i] = u;
        }
        Some(DiracPlane {
            objective: Objective::of(config),
            draws,
            latent_dim: config.latent_dim,
            act: config.activation,
            equilibrium: [mean, 0.0],
            lr_g: config.lr_g,
            lr_d: config.lr_d,
            k: config.k,
            k_g: config.k_g,
            gamma: config.consensus_gamma,
        })
    }

    /// `w(θ, ψ) = (∂L_G/∂θ, ∂L_D/∂ψ)` from the objective's own f64 code.
    pub fn gradient(&self, theta: f64, psi: f64) -> [f64; 2] {
        let mut gp = vec![0.0; self.latent_dim + 1];
        gp[self.latent_dim] = theta;
        let (Ok(g), Ok(d)) = (
            Mlp::<f64>::from_params(&[self.latent_dim, 1], self.act, &gp),
            Mlp::<f64>::from_params(&[1, 1], self.act, &[psi, 0.0]),
        ) else {
            return [f64::NAN; 2];
        };
        let mut s = Scratch::new(&g, &d, self.draws.len());
        let mut gd = d.zero_grads();
        self.objective
            .d_step_grad(&g, &d, &self.draws, &mut s, &mut gd);
        let mut gg = g.zero_grads();
        self.objective
            .g_step_grad(&g, &d, &self.draws, &mut s, &mut gg);
        [gg.bias(1)[0], gd.weights(1)[(0, 0)]]
    }

    /// The arrow at (θ, ψ): `−(w_θ, (lr_d/lr_g)·w_ψ)`.
    pub fn field(&self, theta: f64, psi: f64) -> [f64; 2] {
        let w = self.gradient(theta, psi);
        [-w[0], -(self.lr_d / self.lr_g) * w[1]]
    }

    /// `∂w/∂(θ, ψ)` at the equilibrium, by central differences.
    pub fn jacobian(&self) -> [[f64; 2]; 2] {
        let [t0, p0] = self.equilibrium;
        let h = JACOBIAN_STEP * t0.abs().max(1.0);
        let (tp, tm) = (self.gradient(t0 + h, p0), self.gradient(t0 - h, p0));
        let (pp, pm) = (self.gradient(t0, p0 + h), self.gradient(t0, p0 - h));
        let d = |a: f64, b: f64| (a - b) / (2.0 * h);
        [
            [d(tp[0], tm[0]), d(pp[0], pm[0])],
            [d(tp[1], tm[1]), d(pp[1], pm[1])],
        ]
    }

    /// The eigenvalues of the game and of each rule's map (module docs).
    pub fn spectrum(&self) -> Spectrum {
        let w = self.jacobian();
        let wm = DMatrix::from_row_slice(2, 2, &[w[0][0], w[0][1], w[1][0], w[1][1]]);
        let ratio = self.lr_d / self.lr_g;
        let jc = DMatrix::from_row_slice(
            2,
            2,
            &[-w[0][0], -w[0][1], -ratio * w[1][0], -ratio * w[1][1]],
        );
        let c = jc.complex_eigenvalues();
        let maps = UpdateRule::ALL
            .iter()
            .map(|&r| (r, eigenvalues(&self.map(r, &wm))))
            .collect();
        Spectrum {
            w,
            continuous: [c[0], c[1]],
            maps,
        }
    }

    /// The linearised map of one iteration of `rule` (module docs).
    pub fn map(&self, rule: UpdateRule, w: &DMatrix<f64>) -> DMatrix<f64> {
        let i2 = DMatrix::<f64>::identity(2, 2);
        let e = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![self.lr_g, self.lr_d]));
        let proj = |g: bool, d: bool| {
            DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![
                f64::from(u8::from(g)),
                f64::from(u8::from(d)),
            ]))
        };
        let step = |p: &DMatrix<f64>| &e * p * w;
        let rounds: Vec<DMatrix<f64>> = (0..self.k.max(self.k_g))
            .map(|r| proj(r < self.k_g, r < self.k))
            .collect();
        let compose = |f: &dyn Fn(&DMatrix<f64>) -> DMatrix<f64>, dim: usize| {
            rounds
                .iter()
                .fold(DMatrix::<f64>::identity(dim, dim), |acc, p| f(p) * acc)
        };
        match rule {
            UpdateRule::Alternating => {
                let a_d = &i2 - step(&proj(false, true));
                let a_g = &i2 - step(&proj(true, false));
                let mut a = DMatrix::<f64>::identity(2, 2);
                for _ in 0..self.k {
                    a = &a_d * a;
                }
                for _ in 0..self.k_g {
                    a = &a_g * a;
                }
                a
            }
            UpdateRule::Simultaneous => compose(&|p| &i2 - step(p), 2),
            UpdateRule::Extragradient => compose(
                &|p| {
                    let m = step(p);
                    &i2 - &m + &m * &m
                },
                2,
            ),
            UpdateRule::Optimistic => compose(
                &|p| {
                    let mut a = DMatrix::<f64>::zeros(4, 4);
                    let m = step(p);
                    a.view_mut((0, 0), (2, 2)).copy_from(&(&i2 - 2.0 * &m));
                    a.view_mut((0, 2), (2, 2)).copy_from(&(&e * p));
                    a.view_mut((2, 0), (2, 2)).copy_from(&(p * w));
                    a.view_mut((2, 2), (2, 2)).copy_from(&(&i2 - p));
                    a
                },
                4,
            ),
            UpdateRule::Consensus => compose(
                &|p| &i2 - &e * p * (w + self.gamma * w.transpose() * p * w),
                2,
            ),
        }
    }

    /// The arrows on an `n × n` grid over `[θ0, θ1] × [ψ0, ψ1]`: each
    /// point and its field.
    pub fn grid(
        &self,
        (t0, t1): (f64, f64),
        (p0, p1): (f64, f64),
        n: usize,
    ) -> Vec<([f64; 2], [f64; 2])> {
        let n = n.max(2);
        let mut out = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let t = t0 + (t1 - t0) * i as f64 / (n - 1) as f64;
                let p = p0 + (p1 - p0) * j as f64 / (n - 1) as f64;
                out.push(([t, p], self.field(t, p)));
            }
        }
        out
    }
}

/// The eigenvalues of a square matrix (real Schur form).
fn eigenvalues(m: &DMatrix<f64>) -> Vec<Complex<f64>> {
    m.complex_eigenvalues().iter().copied().collect()
}

/// The path of one parameter of G against one of D; see the
/// [module docs](self).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// Index into G's flat parameters.
    pub g_index: usize,
    /// Index into D's flat parameters.
    pub d_index: usize,
    /// Recorded (G's, D's) values, oldest first.
    pub points: Vec<[f64; 2]>,
    /// Iterations per recorded point (doubles when the record is full).
    pub stride: u64,
    skipped: u64,
}

impl Trajectory {
    /// A record of G's parameter `g_index` against D's `d_index`.
    pub fn new(g_index: usize, d_index: usize) -> Trajectory {
        Trajectory {
            g_index,
            d_index,
            points: Vec::new(),
            stride: 1,
            skipped: 0,
        }
    }

    /// The Dirac-GAN's (θ, ψ): G's output bias and D's weight.
    pub fn dirac(config: &Config) -> Trajectory {
        Trajectory::new(config.latent_dim, 0)
    }

    /// Records the trainer's current pair (subject to the stride).
    pub fn record(&mut self, trainer: &Trainer) {
        self.skipped += 1;
        if self.skipped < self.stride && !self.points.is_empty() {
            return;
        }
        self.skipped = 0;
        let g = trainer.generator().param(self.g_index);
        let d = trainer.discriminator().param(self.d_index);
        if let (Some(g), Some(d)) = (g, d) {
            self.points.push([f64::from(g), f64::from(d)]);
        }
        if self.points.len() >= TRAJECTORY_POINTS {
            let kept: Vec<[f64; 2]> = self.points.iter().step_by(2).copied().collect();
            self.points = kept;
            self.stride *= 2;
        }
    }

    /// Forgets the points (a new run, or new indices).
    pub fn clear(&mut self) {
        self.points.clear();
        self.stride = 1;
        self.skipped = 0;
    }
}

impl Observer for Trajectory {
    fn step(&mut self, trainer: &Trainer, _stats: &StepStats) -> ControlFlow<()> {
        self.record(trainer);
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirac() -> Config {
        Config {
            target: "dirac(0)".into(),
            g_model: GModel::Constant,
            d_model: DModel::Linear,
            ..Config::default()
        }
    }

    #[test]
    fn only_for_the_dirac_players() {
        assert!(DiracPlane::new(&Config::default(), 0.0).is_none());
        assert!(DiracPlane::new(&dirac(), 0.0).is_some());
        let cauchy = Config {
            target: "cauchy(0, 1)".into(),
            ..dirac()
        };
        assert!(
            DiracPlane::new(&cauchy, 0.0).is_none(),
            "no mean, no equilibrium"
        );
    }

    #[test]
    fn the_non_saturating_field_by_hand() {
        // L_D = sp(0) + sp(ψθ), L_G = sp(−ψθ): w = (−σ(−ψθ)ψ, σ(ψθ)θ).
        let p = DiracPlane::new(&dirac(), 0.0).unwrap();
        let (t, s) = (0.7, -1.3);
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let w = p.gradient(t, s);
        assert!((w[0] + sig(-s * t) * s).abs() < 1e-15, "{w:?}");
        assert!((w[1] - sig(s * t) * t).abs() < 1e-15, "{w:?}");
    }
}
