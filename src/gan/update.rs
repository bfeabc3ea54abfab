//! How both players move in one iteration: the update rules of the game
//! view of GAN training (Mescheder et al. 2017, 2018; Gidel et al. 2019;
//! Daskalakis et al. 2018), written once on the engines' primitives
//! ([`super::Backend::gradient`], [`super::Backend::apply`], …) so that
//! every rule runs the same on every engine, for every loss and trick.
//!
//! With θ G's parameters, ψ D's, and the joint gradient
//! `w(θ, ψ) = (∂L_G/∂θ, ∂L_D/∂ψ)` (each player descends its own loss; the
//! vector field of the game is `v = −w`), and `step(·)` the configured
//! optimizer's step with each player's learning rate (for SGD,
//! `x ← x − η·g`):
//!
//! | rule            | one update of the players that move                                  |
//! |-----------------|-----------------------------------------------------------------------|
//! | `alternating`   | D: `ψ ← step(∂L_D/∂ψ)`; then G at the new ψ (Algorithm 1)              |
//! | `simultaneous`  | both from the same point: `x ← step(w(x))`                             |
//! | `extragradient` | look ahead `x̃ = step(w(x))`, then from x: `x ← step(w(x̃))`             |
//! | `optimistic`    | `x ← step(2·w(x_t) − w(x_{t−1}))` (the first update: `step(w(x_t))`)   |
//! | `consensus`     | `x ← step(w + γ·∇ ½‖w‖²)`, `∇ ½‖w‖² = Jᵀw`, γ = `consensus_gamma`     |
//!
//! # One iteration, k and k_g
//!
//! - `alternating`: k D updates, each on fresh draws, then k_g G updates,
//!   each on fresh draws (the trainer's Algorithm 1; 0 freezes a player).
//! - every other rule: max(k, k_g) *rounds*; in round r, D moves if r < k
//!   and G moves if r < k_g, both from the same point and on the same draws
//!   (one set per round, drawn as for a D step when D moves, else as for a
//!   G step). With k = k_g = 1 an iteration is one joint update. An
//!   extragradient round is its look-ahead and its update together (the
//!   look-ahead uses the same draws and is undone, parameters and optimizer
//!   state, before the update); a consensus round includes its four extra
//!   gradient evaluations. WGAN's clipping follows every step of D,
//!   look-ahead included.
//!
//! # Consensus: Jᵀw
//!
//! `½‖w‖² = ½‖∂L_G/∂θ‖² + ½‖∂L_D/∂ψ‖²`, so
//! `Jᵀw = H_{L_G}·(w_θ, 0) + H_{L_D}·(0, w_ψ)` with H the Hessian of each
//! loss in *both* players' parameters. Each Hessian-vector product is a
//! central difference of that loss's full gradient
//! ([`super::Backend::full_gradient`]) along its own player's gradient:
//!
//! ```text
//! H_L·u ≈ [∇L(x + h u) − ∇L(x − h u)] / 2h,   h = FD_STEP / ‖u‖
//! ```
//!
//! a step of length [`FD_STEP`] in parameter space. Its error is
//! O(FD_STEP²·‖∇³L‖) from the difference and O(ε·‖∇L‖/FD_STEP) from
//! rounding (ε = 2⁻²⁴ in f32): about 1e-4 of the term. It needs no second
//! derivatives of either engine, so both engines compute the same
//! formula. (The eigenvalues of the consensus map in [`super::phase`] come
//! from the closed form `J + γJᵀJ` at the equilibrium instead.)
//!
//! # Divergence
//!
//! A non-finite gradient anywhere in a round (look-ahead and differences
//! included) stops the run before anything of the round is applied; the
//! round's look-ahead and shifts are undone first. A non-finite parameter
//! after the round's updates stops it with those updates rolled back by
//! [`Trainer::restore`].

use std::fmt;
use std::str::FromStr;

use super::backend::{BackendError, Outcome, Player, Slot, StepOut, clip_of};
use super::loss::names;
use super::trainer::Rollback;
use super::{ConfigError, State, StepStats, Trainer};

/// The parameter-space length of consensus optimisation's difference steps.
pub const FD_STEP: f64 = 1e-2;

/// How both players move in one iteration; see the [module docs](self).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateRule {
    /// Algorithm 1: k D steps, then k_g G steps.
    #[default]
    Alternating,
    /// Both gradients at the same point, both applied.
    Simultaneous,
    /// A look-ahead step, then the step with the look-ahead's gradient.
    Extragradient,
    /// Optimistic gradient descent: 2·w_t − w_{t−1}.
    Optimistic,
    /// Consensus optimisation: w + γ·Jᵀw.
    Consensus,
}

impl UpdateRule {
    /// Every rule, in menu order.
    pub const ALL: &'static [UpdateRule] = &[
        UpdateRule::Alternating,
        UpdateRule::Simultaneous,
        UpdateRule::Extragradient,
        UpdateRule::Optimistic,
        UpdateRule::Consensus,
    ];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            UpdateRule::Alternating => "alternating",
            UpdateRule::Simultaneous => "simultaneous",
            UpdateRule::Extragradient => "extragradient",
            UpdateRule::Optimistic => "optimistic",
            UpdateRule::Consensus => "consensus",
        }
    }
}

impl fmt::Display for UpdateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UpdateRule {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        UpdateRule::ALL
            .iter()
            .copied()
            .find(|k| k.name() == norm)
            .ok_or_else(|| ConfigError::BadValue {
                key: "update".into(),
                value: s.into(),
                expected: format!("one of {}", names(UpdateRule::ALL.iter().map(|k| k.name()))),
            })
    }
}

/// The players that move in one round (D first).
#[derive(Clone, Copy, Debug)]
struct Movers {
    list: [Player; 2],
    len: usize,
}

impl Movers {
    fn of_round(r: usize, k: usize, k_g: usize) -> Movers {
        let mut m = Movers {
            list: [Player::D, Player::G],
            len: 0,
        };
        if r < k {
            m.list[m.len] = Player::D;
            m.len += 1;
        }
        if r < k_g {
            m.list[m.len] = Player::G;
            m.len += 1;
        }
        m
    }

    fn iter(&self) -> impl Iterator<Item = Player> + '_ {
        self.list[..self.len].iter().copied()
    }

    fn has(&self, p: Player) -> bool {
        self.iter().any(|q| q == p)
    }
}

/// `None` once the run has stopped (the reason is recorded).
type Go = Option<()>;

impl Trainer {
    /// One iteration of a rule other than alternating; see the
    /// [module docs](self).
    pub(super) fn joint_iteration(&mut self, rule: UpdateRule) -> StepStats {
        let mut stats = self.empty_stats();
        if self.state() != State::Running {
            return stats;
        }
        self.follow_schedule();
        let (k, k_g) = (self.config.k, self.config.k_g);
        for r in 0..k.max(k_g) {
            let movers = Movers::of_round(r, k, k_g);
            if self.round(rule, movers, &mut stats).is_none() {
                stats.state = self.state();
                return stats;
            }
        }
        self.count_iteration();
        stats.step = self.step_count();
        stats
    }

    /// One round: the draws, the gradients at the current point, the
    /// rule's own part, and the updates.
    fn round(&mut self, rule: UpdateRule, movers: Movers, stats: &mut StepStats) -> Go {
        if movers.has(Player::D) {
            self.fill_d_draws(stats.sigma);
        } else {
            self.fill_g_draws(stats.sigma);
        }
        for p in movers.iter() {
            let out = self
                .engine
                .gradient(p, &self.objective, &self.draws, Slot::Grad);
            let out = self.finite(out)?;
            stats.record(p, &out);
        }
        let slot = match rule {
            UpdateRule::Alternating | UpdateRule::Simultaneous => Slot::Grad,
            UpdateRule::Extragradient => self.look_ahead(movers)?,
            UpdateRule::Optimistic => self.optimism(movers)?,
            UpdateRule::Consensus => self.consensus(movers)?,
        };
        self.apply_all(movers, slot)
    }

    /// The gradient at the look-ahead point into `Grad`, the parameters
    /// and optimizer states back where they were.
    fn look_ahead(&mut self, movers: Movers) -> Option<Slot> {
        for p in movers.iter() {
            self.engine.save(p);
        }
        let mut go = Some(());
        for p in movers.iter() {
            let out = self.engine.apply(p, Slot::Grad, self.clip(p), false);
            go = go.and(self.ok(out).map(|_| ()));
        }
        if go.is_some() {
            for p in movers.iter() {
                let out = self
                    .engine
                    .gradient(p, &self.objective, &self.draws, Slot::Grad);
                go = go.and(self.finite(out).map(|_| ()));
                if go.is_none() {
                    break;
                }
            }
        }
        for p in movers.iter() {
            self.engine.revert(p);
        }
        go.map(|()| Slot::Grad)
    }

    /// `2·w_t − w_{t−1}` into `Tmp` (`w_t` alone on a player's first
    /// optimistic update), and `w_t` kept as the next `w_{t−1}`.
    fn optimism(&mut self, movers: Movers) -> Option<Slot> {
        for p in movers.iter() {
            if self.has_prev.get(p) {
                self.combine(p, Slot::Tmp, 2.0, Slot::Grad, 0.0)?;
                self.combine(p, Slot::Tmp, -1.0, Slot::Prev, 1.0)?;
            } else {
                self.combine(p, Slot::Tmp, 1.0, Slot::Grad, 0.0)?;
            }
            self.combine(p, Slot::Prev, 1.0, Slot::Grad, 0.0)?;
            self.has_prev.set(p, true);
        }
        Some(Slot::Tmp)
    }

    /// `w + γ·Jᵀw` into `Grad`, Jᵀw by central differences (module docs).
    fn consensus(&mut self, movers: Movers) -> Option<Slot> {
        let gamma = self.config.consensus_gamma;
        if gamma == 0.0 {
            return Some(Slot::Grad);
        }
        for p in movers.iter() {
            self.combine(p, Slot::Acc, 0.0, Slot::Grad, 0.0)?;
        }
        for p in movers.iter() {
            let n = self.ok(self.engine.norm(p, Slot::Grad))?;
            if !(n > 0.0 && n.is_finite()) {
                continue;
            }
            let h = FD_STEP / n;
            self.engine.save(p);
            for sign in [1.0, -1.0] {
                let shifted = self.engine.shift(p, sign * h, Slot::Grad);
                let out = self.ok(shifted).map(|()| {
                    self.engine
                        .full_gradient(p, &self.objective, &self.draws, Slot::Tmp)
                });
                self.engine.revert(p);
                self.finite(out?)?;
                for q in movers.iter() {
                    let c = self
                        .engine
                        .combine(q, Slot::Acc, sign / (2.0 * h), Slot::Tmp, 1.0);
                    self.ok(c)?;
                }
            }
        }
        for p in movers.iter() {
            self.combine(p, Slot::Grad, gamma, Slot::Acc, 1.0)?;
        }
        Some(Slot::Grad)
    }

    /// Every mover's optimizer step along `slot`, D first.
    fn apply_all(&mut self, movers: Movers, slot: Slot) -> Go {
        let mut applied = Rollback::default();
        for p in movers.iter() {
            let out = self.engine.apply(p, slot, self.clip(p), true);
            let outcome = self.ok(out)?;
            applied.set(p, true);
            if outcome == Outcome::NonFiniteParams {
                self.diverge(applied);
                return None;
            }
        }
        Some(())
    }

    /// `y ← a·x + b·y` on `p`'s slots.
    fn combine(&mut self, p: Player, y: Slot, a: f64, x: Slot, b: f64) -> Go {
        let r = self.engine.combine(p, y, a, x, b);
        self.ok(r)
    }

    /// WGAN's clipping for D's steps.
    fn clip(&self, p: Player) -> Option<f32> {
        match p {
            Player::D => clip_of(self.config.loss, self.config.clip),
            Player::G => None,
        }
    }

    /// The value, or the run stops on the engine's failure.
    fn ok<T>(&mut self, r: Result<T, BackendError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// A finite gradient evaluation, or the run stops (nothing of the
    /// round applied).
    fn finite(&mut self, r: Result<StepOut, BackendError>) -> Option<StepOut> {
        let out = self.ok(r)?;
        if out.outcome == Outcome::NonFiniteLoss {
            self.diverge(Rollback::default());
            return None;
        }
        Some(out)
    }
}
