//! The trainer: Algorithm 1 of the paper as a stepper.
//!
//! ```text
//! for each iteration (one `step()`):
//!     repeat k times:    sample real x₁…x_m ~ p_data, noise z₁…z_m ~ p_z; descend L_D in θ_D
//!     repeat k_g times:  sample noise z₁…z_m ~ p_z;                        descend L_G in θ_G
//! ```
//!
//! That is `update = "alternating"`; the other rules (simultaneous,
//! extragradient, optimistic, consensus) run their iteration in
//! [`super::update`], which says what one iteration is under each.
//!
//! # One random stream
//!
//! A single [`Pcg64Mcg`] seeded with `seed` draws, in this order: G's initial
//! weights, D's initial weights (both layer by layer, weights then biases;
//! then scaled by `init_scale`; the parameters a constant G or a linear D
//! holds at 0 are drawn too, then zeroed), then per D step: the `m` real samples, the `m · latent_dim` noise
//! values (sample-major), if σ_t > 0 the `m` instance-noise values for the
//! real and then the `m` for the fake samples (as [`super::noise`] draws
//! them), and for `wgan_gp` with λ > 0 the `m / pack` interpolation
//! coefficients; per G step: the noise values, then, if σ_t > 0, the `m`
//! instance-noise values. A round of the other update rules draws once, as a
//! D step when D moves in it and as a G step otherwise, and both players use
//! those draws. The same config and seed give the same run, bit for bit.
//!
//! With `dataset = N > 0` the `m` real samples of a D step (and of a round
//! of another update rule in which D moves) are `m` indices
//! `random_range(0..N)` into the training set instead of `m` draws of
//! p_data; the set itself is drawn once from a stream of its own (see
//! `dataset`), so with N = 0 the stream is exactly as it always was. The
//! snapshot's observers (the two-sample tests, D's accuracies) draw from
//! streams of their own too (see `observe`): watching a run never changes it.
//!
//! `m = ⌊batch / pack⌋ · pack`: with packing the batch is rounded down to
//! whole packs.
//!
//! With `d_model = oracle` (under `update = alternating`, the only rule the
//! config allows with it) no D step runs and none draws: each G step
//! computes the exact optimum of the loss for the current G on the grid
//! (`oracle`) and descends G's loss against it; the stream then holds the
//! initial weights (D's network is drawn too, and never used) and, per G
//! step, the noise (and instance noise) only.
//!
//! # Learning-rate schedule
//!
//! With `lr_end < 1`, both learning rates fall linearly from their set
//! values at iteration `lr_decay_from · steps` to `lr_end` times them at
//! `steps` (and stay there): [`Trainer::lr_factor`]. A rate set live is
//! scaled the same way. The schedule draws nothing from the stream.
//!
//! # Classes
//!
//! A `classes(…)` target (K classes) changes three things, and nothing in
//! an unconditional run: G takes `latent_dim + K` inputs (unless
//! `conditioning = none`); D takes `pack + K` with `conditioning = concat`
//! (see [`super::condition`]); and
//! with `conditioning = projection` D's head — K embeddings — is drawn
//! right after D's layers, class by class (and scaled by `init_scale` with
//! them). The draws: per D step, for each pack in turn, its class (one
//! uniform draw, see [`crate::density::Classes::draw_class`]) then its
//! `pack` real samples from that class, in place of the `m` real samples
//! above (the fake packs take the same classes); per G step, one class per
//! pack before the noise values. A round of the other update rules draws
//! its classes the same way, as a D step or as a G step, and both players
//! use them. Everything else is drawn as above. (The config allows classes
//! only with MLPs for G and D: see `keys::check_together`.)
//!
//! # Divergence
//!
//! After every D or G update the loss, the gradient and the new parameters
//! are checked. The first non-finite one stops the trainer in
//! [`State::Diverged`], naming the iteration (counted from 1); further steps
//! do nothing. [`Trainer::restore`] puts back the last finite state: the
//! networks and optimizers as they were just before the failing update (see
//! `backup`), keeping the current settings, so the user can lower a learning
//! rate and go on.
//!
//! Nothing is allocated per step while the batch size stays the same.

use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;

use super::backend::{
    Backend, BackendError, BackendInit, Choice, Outcome, Player, StepOut, clip_of,
};
use super::dataset::DataSet;
use super::native::NativeBackend;
use super::objective::{Draws, Objective};
use super::oracle::Oracle;
use super::snapshot::{GRID_BINS, LatentPoints};
use super::{Config, DModel, GanError, LossKind, Prior, UpdateRule};
use crate::density::{Classes, Mixture, Univariate};
use crate::nn::{Init, Mlp, OptimizerConfig};

impl StepStats {
    /// Takes what `player`'s last update (or gradient) measured.
    pub(super) fn record(&mut self, player: Player, out: &StepOut) {
        match player {
            Player::D => {
                self.loss_d = Some(out.loss as f64);
                self.penalty = Some(out.penalty as f64);
                self.d_real = Some(out.mean_real as f64);
                self.d_fake = Some(out.mean_fake as f64);
                self.grad_norm_d = Some(out.grad_norm as f64);
            }
            Player::G => {
                self.loss_g = Some(out.loss as f64);
                self.d_fake = Some(out.mean_fake as f64);
                self.grad_norm_g = Some(out.grad_norm as f64);
            }
        }
    }
}

/// Whether the trainer can go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Training normally.
    Running,
    /// A loss or parameter stopped being finite during iteration `step`
    /// (counted from 1).
    Diverged {
        /// The failing iteration.
        step: u64,
    },
}

/// What one call of a stepper measured. Losses are those of the last D step
/// and the last G step of the call (`None` when none ran, e.g. `k = 0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    /// Completed iterations after the call.
    pub step: u64,
    /// D's objective, penalties included.
    pub loss_d: Option<f64>,
    /// G's loss.
    pub loss_g: Option<f64>,
    /// ‖∂L_D/∂θ_D‖ of the last D step.
    pub grad_norm_d: Option<f64>,
    /// ‖∂L_G/∂θ_G‖ of the last G step.
    pub grad_norm_g: Option<f64>,
    /// The R1 and GP penalties of the last D step.
    pub penalty: Option<f64>,
    /// Mean raw output of D on the real inputs of the last D step.
    pub d_real: Option<f64>,
    /// Mean raw output of D on the fake inputs of the last step.
    pub d_fake: Option<f64>,
    /// The instance-noise σ used in the call.
    pub sigma: f64,
    /// The state after the call.
    pub state: State,
}

/// A GAN in training; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Trainer {
    pub(super) config: Config,
    pub(super) target: Mixture,
    /// The target's classes (conditional targets).
    pub(super) classes: Option<Classes>,
    pub(super) objective: Objective,
    /// G, D and their optimizers (see `backend`).
    pub(super) engine: Box<dyn Backend>,
    rng: Pcg64Mcg,
    pub(super) draws: Draws<f32>,
    step: u64,
    state: State,
    /// Why the backend stopped, when it failed (not a divergence of the run).
    backend_error: Option<BackendError>,
    /// Which networks must be rolled back by `restore` (none: the failing
    /// update was never applied).
    rollback: Rollback,
    /// Whether the optimistic rule has a previous gradient per player.
    pub(super) has_prev: Rollback,
    /// Where the snapshot measures p_g (fixed per prior and latent_dim).
    pub(super) latent_points: LatentPoints,
    /// The learning-rate factor the engine's optimizers run at now.
    lr_factor: f64,
    /// The finite training set (`dataset > 0`).
    pub(super) dataset: Option<DataSet>,
    /// Whether `draws.real` holds a batch D trained on.
    pub(super) real_batch_used: bool,
}

/// A flag per player.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Rollback {
    pub(super) g: bool,
    pub(super) d: bool,
}

impl Rollback {
    /// Only `player`.
    pub(super) fn of(player: Player) -> Rollback {
        Rollback {
            g: player == Player::G,
            d: player == Player::D,
        }
    }

    /// The flag of `player`.
    pub(super) fn get(self, player: Player) -> bool {
        match player {
            Player::G => self.g,
            Player::D => self.d,
        }
    }

    /// Sets the flag of `player`.
    pub(super) fn set(&mut self, player: Player, on: bool) {
        match player {
            Player::G => self.g = on,
            Player::D => self.d = on,
        }
    }
}

/// `m = ⌊batch / pack⌋ · pack`.
pub(super) fn samples_per_step(config: &Config) -> usize {
    (config.batch / config.pack) * config.pack
}

fn opt_config(c: &Config, lr: f64) -> OptimizerConfig {
    OptimizerConfig {
        kind: c.optimizer,
        lr,
        beta1: c.beta1,
        beta2: c.beta2,
        eps: 1e-8,
    }
}

/// The learning-rate schedule's factor at iteration `step` (see
/// [`Trainer::lr_factor`]).
fn lr_factor(c: &Config, step: u64) -> f64 {
    if c.lr_end == 1.0 || c.steps == 0 {
        return 1.0;
    }
    let start = c.lr_decay_from * c.steps as f64;
    let t = step as f64;
    if t <= start {
        return 1.0;
    }
    let progress = ((t - start) / (c.steps as f64 - start)).min(1.0);
    1.0 + (c.lr_end - 1.0) * progress
}

/// One draw of the prior.
pub(super) fn sample_prior<R: Rng + ?Sized>(prior: Prior, rng: &mut R) -> f64 {
    match prior {
        Prior::Uniform => rng.random_range(-1.0..1.0),
        Prior::Normal => rng.sample(StandardNormal),
    }
}

impl Trainer {
    /// Builds G, D and their optimizers from a validated config, on the
    /// native backend.
    ///
    /// # Errors
    /// The config's first invalid value.
    pub fn new(config: Config) -> Result<Trainer, GanError> {
        Self::build(config, |init| {
            Ok(Box::new(NativeBackend::new(init)?) as Box<dyn Backend>)
        })
    }

    /// Builds a trainer whose networks live in another backend: `make`
    /// receives the initial networks — drawn from the same random stream in
    /// the same order as [`new`](Self::new) draws them — and the optimizer
    /// settings, and returns the engine. Everything else (draws, schedule,
    /// divergence, snapshots) is the trainer's, so the same config and seed
    /// feed every backend the same numbers.
    ///
    /// # Errors
    /// The config's first invalid value, or `make`'s error.
    pub fn with_backend<E>(
        config: Config,
        make: impl FnOnce(BackendInit) -> Result<Box<dyn Backend>, E>,
    ) -> Result<Trainer, E>
    where
        E: From<GanError>,
    {
        Self::build(config, make)
    }

    fn build<E: From<GanError>>(
        config: Config,
        make: impl FnOnce(BackendInit) -> Result<Box<dyn Backend>, E>,
    ) -> Result<Trainer, E> {
        config.validate().map_err(GanError::from)?;
        let target = config.target_mixture().map_err(GanError::from)?;
        let classes = config.target_classes().map_err(GanError::from)?;
        let objective = Objective::of(&config);
        let layout = objective.layout();
        let mut rng = Pcg64Mcg::seed_from_u64(config.seed);
        let act = config.activation;
        let sizes = |first: usize, hidden: &[usize]| {
            let mut s = vec![first];
            s.extend_from_slice(hidden);
            s.push(1);
            s
        };
        let mut g = Mlp::new(
            &sizes(
                layout.g_in(config.latent_dim),
                &config.g_model.hidden(&config.g_hidden),
            ),
            act,
            Init::Default,
            &mut rng,
        )
        .map_err(GanError::from)?;
        let mut d = Mlp::new(
            &sizes(
                layout.d_in(config.pack),
                &config.d_model.hidden(&config.d_hidden),
            ),
            act,
            Init::Default,
            &mut rng,
        )
        .map_err(GanError::from)?;
        if layout.head {
            d = d
                .with_projection(layout.classes, Init::Default, &mut rng)
                .map_err(GanError::from)?;
        }
        if config.init_scale != 1.0 {
            for net in [&mut g, &mut d] {
                let scaled: Vec<f32> = net
                    .params_flat()
                    .iter()
                    .map(|&p| (f64::from(p) * config.init_scale) as f32)
                    .collect();
                net.set_params_flat(&scaled).map_err(GanError::from)?;
            }
        }
        let (frozen_g, frozen_d) = (config.g_model.frozen(), config.d_model.frozen());
        frozen_g.zero_params(&mut g);
        frozen_d.zero_params(&mut d);
        let m = samples_per_step(&config);
        let init = BackendInit {
            g,
            d,
            opt_g: opt_config(&config, config.lr_g),
            opt_d: opt_config(&config, config.lr_d),
            m,
            frozen_g,
            frozen_d,
        };
        init.opt_g.validate().map_err(GanError::from)?;
        init.opt_d.validate().map_err(GanError::from)?;
        let engine = make(init)?;
        let latent_points = LatentPoints::new(config.prior, config.latent_dim);
        let dataset =
            (config.dataset > 0).then(|| DataSet::draw(&target, config.dataset, config.seed));
        Ok(Trainer {
            draws: Draws::zeros(m, config.latent_dim, config.pack).with_classes(layout.classes),
            objective,
            engine,
            config,
            target,
            classes,
            rng,
            step: 0,
            state: State::Running,
            backend_error: None,
            rollback: Rollback::default(),
            has_prev: Rollback::default(),
            latent_points,
            lr_factor: 1.0,
            dataset,
            real_batch_used: false,
        })
    }

    /// Running or diverged.
    pub fn state(&self) -> State {
        self.state
    }

    /// Completed iterations.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// `true` once the configured `steps` iterations are done (training may go on).
    pub fn is_finished(&self) -> bool {
        self.step >= self.config.steps
    }

    /// The learning rates' factor for the current iteration: 1 until
    /// `lr_decay_from · steps`, then linearly down to `lr_end` at `steps`
    /// (and `lr_end` after it).
    pub fn lr_factor(&self) -> f64 {
        lr_factor(&self.config, self.step)
    }

    /// Sets the optimizers' rates to the configured ones times the
    /// schedule's factor, when the factor changed.
    pub(super) fn follow_schedule(&mut self) {
        let f = self.lr_factor();
        if f != self.lr_factor {
            let c = &self.config;
            // Validated rates times a factor in (0, 1] stay valid.
            if self.engine.set_lrs(c.lr_d * f, c.lr_g * f).is_ok() {
                self.lr_factor = f;
            }
        }
    }

    /// Applies new rates (already validated) with the schedule's factor.
    pub(super) fn set_scheduled_lrs(&mut self, config: &Config) -> Result<(), GanError> {
        let f = lr_factor(config, self.step);
        self.engine.set_lrs(config.lr_d * f, config.lr_g * f)?;
        self.lr_factor = f;
        Ok(())
    }

    /// The instance-noise σ for the current iteration, by `noise_schedule`:
    /// `σ_t = σ₀ · max(0, 1 − t / steps)` (anneal) or `σ₀` (constant).
    pub fn sigma(&self) -> f64 {
        let c = &self.config;
        c.noise_schedule.sigma(c.instance_noise, self.step, c.steps)
    }

    fn fill_noise(&mut self) {
        let prior = self.config.prior;
        for z in &mut self.draws.z {
            *z = sample_prior(prior, &mut self.rng) as f32;
        }
    }

    /// The draws of a D step (see the module docs for their order).
    pub(super) fn fill_d_draws(&mut self, sigma: f64) {
        if let Some(classes) = &self.classes {
            // Per pack: its class, then its samples from that class.
            let pack = self.config.pack;
            let draws = &mut self.draws;
            for (c, xs) in draws
                .class
                .iter_mut()
                .zip(draws.real.chunks_exact_mut(pack))
            {
                *c = classes.draw_class(&mut self.rng);
                for x in xs {
                    *x = classes.sample_in(*c, &mut self.rng) as f32;
                }
            }
        } else if let Some(set) = &self.dataset {
            // A finite set (never with classes: `validate` refuses that).
            let data = set.samples();
            for x in &mut self.draws.real {
                *x = data[self.rng.random_range(0..data.len())] as f32;
            }
        } else {
            for x in &mut self.draws.real {
                *x = self.target.sample(&mut self.rng) as f32;
            }
        }
        self.real_batch_used = true;
        self.fill_noise();
        let how = self.config.noise_draws;
        how.fill(&mut self.rng, &mut self.draws.noise_real, sigma);
        how.fill(&mut self.rng, &mut self.draws.noise_fake, sigma);
        if self.config.loss == LossKind::WganGp && self.config.gp > 0.0 {
            for e in &mut self.draws.eps {
                *e = self.rng.random::<f32>();
            }
        }
    }

    /// The draws of a G step.
    pub(super) fn fill_g_draws(&mut self, sigma: f64) {
        self.fill_classes();
        self.fill_noise();
        let how = self.config.noise_draws;
        how.fill(&mut self.rng, &mut self.draws.noise_fake, sigma);
    }

    /// Stops the run at the current iteration; `restore` rolls back the
    /// networks in `rollback`.
    pub(super) fn diverge(&mut self, rollback: Rollback) {
        self.state = State::Diverged {
            step: self.step + 1,
        };
        self.rollback = rollback;
    }

    /// Stops the run because the engine failed.
    pub(super) fn fail(&mut self, e: BackendError) {
        self.backend_error = Some(e);
        self.diverge(Rollback::default());
    }

    /// Records an update's outcome; `None` when the engine failed.
    fn finish_update(
        &mut self,
        result: Result<StepOut, BackendError>,
        player: Player,
    ) -> Option<StepOut> {
        match result {
            Err(e) => {
                self.fail(e);
                None
            }
            Ok(out) => {
                match out.outcome {
                    Outcome::Applied => {}
                    Outcome::NonFiniteLoss => self.diverge(Rollback::default()),
                    Outcome::NonFiniteParams => self.diverge(Rollback::of(player)),
                }
                Some(out)
            }
        }
    }

    /// One class per pack (conditional targets only).
    fn fill_classes(&mut self) {
        if let Some(classes) = &self.classes {
            for c in &mut self.draws.class {
                *c = classes.draw_class(&mut self.rng);
            }
        }
    }

    /// One D update (no iteration is counted).
    fn d_update(&mut self, stats: &mut StepStats) {
        self.fill_d_draws(stats.sigma);
        let clip = clip_of(self.config.loss, self.config.clip);
        let result = self.engine.d_step(&self.objective, &self.draws, clip);
        if let Some(out) = self.finish_update(result, Player::D) {
            stats.record(Player::D, &out);
        }
    }

    /// The exact optimum of the loss for the current G (`d_model = oracle`),
    /// on the snapshot's grid; `None` when the config has no oracle.
    pub(super) fn oracle(&self) -> Option<Oracle> {
        let LatentPoints::Exact(zp) = &self.latent_points else {
            return None;
        };
        let g_x = self.generate(&zp.z);
        Oracle::for_pushforward(
            self.config.loss,
            &self.target,
            &g_x,
            &zp.seg_mass,
            GRID_BINS,
        )
    }

    /// One G update (no iteration is counted).
    fn g_update(&mut self, stats: &mut StepStats) {
        self.fill_g_draws(stats.sigma);
        let result = if self.config.d_model == DModel::Oracle {
            match self.oracle() {
                Some(o) => self
                    .engine
                    .g_step_by(&self.draws, &mut |x, dl| o.g_loss(x, dl)),
                None => Err(BackendError(format!(
                    "no oracle for loss {} with latent_dim {}",
                    self.config.loss, self.config.latent_dim
                ))),
            }
        } else {
            self.engine.g_step(&self.objective, &self.draws)
        };
        if let Some(out) = self.finish_update(result, Player::G) {
            stats.record(Player::G, &out);
        }
    }

    /// Stats with no update in them: the state as it is, losses `None`
    /// (the first row of a metrics table).
    pub fn empty_stats(&self) -> StepStats {
        StepStats {
            step: self.step,
            loss_d: None,
            loss_g: None,
            grad_norm_d: None,
            grad_norm_g: None,
            penalty: None,
            d_real: None,
            d_fake: None,
            sigma: self.sigma(),
            state: self.state,
        }
    }

    fn run_updates(&mut self, d_steps: usize, g_steps: usize, count: bool) -> StepStats {
        let mut stats = self.empty_stats();
        if self.state != State::Running {
            return stats;
        }
        // The oracle D is exact at every G step: no D step runs (and none draws).
        let d_steps = if self.config.d_model == DModel::Oracle {
            0
        } else {
            d_steps
        };
        self.follow_schedule();
        for _ in 0..d_steps {
            self.d_update(&mut stats);
            if self.state != State::Running {
                stats.state = self.state;
                return stats;
            }
        }
        for _ in 0..g_steps {
            self.g_update(&mut stats);
            if self.state != State::Running {
                stats.state = self.state;
                return stats;
            }
        }
        if count {
            self.step += 1;
        }
        stats.step = self.step;
        stats
    }

    /// One D update on fresh batches, outside the iteration count (the
    /// window's "step D" button). Does nothing once diverged.
    pub fn step_d(&mut self) -> StepStats {
        self.run_updates(1, 0, false)
    }

    /// One G update on a fresh noise batch, outside the iteration count.
    pub fn step_g(&mut self) -> StepStats {
        self.run_updates(0, 1, false)
    }

    /// One iteration of the configured update rule — for Algorithm 1
    /// (`alternating`): `k` D updates, then `k_g` G updates; for the others
    /// see [`super::update`]. Advances [`step_count`](Self::step_count).
    /// Does nothing once diverged.
    pub fn step(&mut self) -> StepStats {
        if self.config.update != UpdateRule::Optimistic {
            self.has_prev = Rollback::default();
        }
        match self.config.update {
            UpdateRule::Alternating => self.run_updates(self.config.k, self.config.k_g, true),
            rule => self.joint_iteration(rule),
        }
    }

    /// Counts a finished iteration.
    pub(super) fn count_iteration(&mut self) {
        self.step += 1;
    }

    /// Up to `n` iterations, stopping early on divergence; returns the stats
    /// of the last one.
    pub fn run(&mut self, n: u64) -> StepStats {
        let mut last = self.empty_stats();
        for _ in 0..n {
            last = self.step();
            if self.state != State::Running {
                break;
            }
        }
        last
    }

    /// Goes back to the last finite state after a divergence (see the
    /// [module docs](self)); returns `false` if there was nothing to undo.
    /// The random stream goes on from where it is.
    pub fn restore(&mut self) -> bool {
        if self.state == State::Running {
            return false;
        }
        if self.backend_error.is_some() {
            // A failed machine has no finite state to go back to.
            return false;
        }
        let rollback = std::mem::take(&mut self.rollback);
        for player in [Player::D, Player::G] {
            if rollback.get(player) {
                self.engine.restore(player);
            }
        }
        self.state = State::Running;
        true
    }

    /// The generator `G: R^latent_dim → R` (`R^(latent_dim + K)` with K
    /// classes: z, then c one-hot).
    pub fn generator(&self) -> &Mlp<f32> {
        self.engine.generator()
    }

    /// The discriminator (or critic) `D: R^pack → R`, raw output.
    pub fn discriminator(&self) -> &Mlp<f32> {
        self.engine.discriminator()
    }

    /// The target `p_data` (for a `classes(…)` target, the marginal).
    pub fn target(&self) -> &Mixture {
        &self.target
    }

    /// The finite training set, when `dataset > 0`.
    pub fn dataset(&self) -> Option<&DataSet> {
        self.dataset.as_ref()
    }

    /// The target's classes, for a `classes(…)` target.
    pub fn classes(&self) -> Option<&Classes> {
        self.classes.as_ref()
    }

    /// The current settings (live changes included).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The real samples of the last D step (before instance noise): draws
    /// of p_data, or of the training set when `dataset > 0`.
    pub fn last_real_batch(&self) -> &[f32] {
        &self.draws.real
    }

    /// The fake samples of the last step (with their instance noise), for
    /// the faint histogram under p_g.
    pub fn last_fake_batch(&self) -> &[f32] {
        self.engine.fake_batch()
    }

    /// The engine and device it trains on (displayed as `native`,
    /// `candle/cpu`, `candle/cuda`).
    pub fn choice(&self) -> Choice {
        self.engine.choice()
    }

    /// The backend's failure, when it stopped the run (the state is then
    /// [`State::Diverged`] and [`restore`](Self::restore) does nothing).
    pub fn backend_error(&self) -> Option<&BackendError> {
        self.backend_error.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `pack > 1` the real samples of a pack come from the pack's
    /// class, and every pack has its own class draw.
    #[test]
    fn packed_samples_share_a_class() {
        let config = Config {
            target: "classes(uniform(0, 1), uniform(10, 11), uniform(20, 21))".into(),
            pack: 4,
            batch: 64,
            ..Config::default()
        };
        let mut t = Trainer::new(config).unwrap();
        let mut seen = [false; 3];
        for _ in 0..5 {
            t.step_d();
            assert_eq!(t.draws.class.len(), 16);
            for (c, xs) in t.draws.class.iter().zip(t.draws.real.chunks_exact(4)) {
                let lo = 10.0 * *c as f32;
                assert!(
                    xs.iter().all(|x| (lo..lo + 1.0).contains(x)),
                    "class {c}: {xs:?}"
                );
                seen[*c] = true;
            }
        }
        assert_eq!(seen, [true; 3]);
        // A G step draws its own classes, one per pack.
        let before = t.draws.class.clone();
        t.step_g();
        assert_ne!(t.draws.class, before);
    }
}
