//! The training session behind the window: it owns the [`Driver`], carries
//! out the window's [`Command`]s, trains in slices and publishes what the
//! window draws. It knows nothing of threads: a runner (`runner`) decides
//! where its slices run — on a worker thread natively, inside the frame
//! loop on the web.
//!
//! While playing, the runner asks for slices of a few milliseconds (or
//! fewer steps, under a speed cap); the session publishes a view at most
//! every 33 ms, and an observer of the driver averages the losses between
//! two points of the curves.

use super::view::{DiracView, PhaseView, View, default_indices};
use crate::gan::{
    Budget, Choice, Config, DiracPlane, Driver, GanError, Observer, State, StepStats, Trainer,
    Trajectory,
};
use crate::report::Record;
use std::ops::ControlFlow;
use std::sync::Arc;
use web_time::{Duration, Instant};

/// What the window asks of the trainer.
#[derive(Debug, Clone)]
pub enum Command {
    Play,
    Pause,
    /// One D update (Algorithm 1's inner loop body), G untouched.
    StepD,
    /// One G update, D untouched.
    StepG,
    /// One iteration: k D updates then k_g G updates.
    Step,
    /// Apply new settings: live where possible, else rebuild the networks.
    Apply(Box<Config>),
    /// Rebuild from scratch with these settings.
    Reset(Box<Config>),
    /// Go back to the last finite state after a divergence.
    Restore,
    /// Rebuild on another backend (settings kept, training restarted).
    Backend(Choice),
    /// Cap on training speed in steps per second (None: as fast as possible).
    Speed(Option<f64>),
    /// Train until the step counter reaches this value, then pause.
    RunTo(u64),
    /// Trace G's parameter at the first index against D's at the second in
    /// the phase plane (the trajectory starts afresh).
    Trace(usize, usize),
    Shutdown,
}

/// The trainer's state as the status line shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub step: u64,
    pub steps_per_sec: f64,
    pub playing: bool,
    /// The step at which the run diverged, if it did.
    pub diverged_at: Option<u64>,
    /// A one-line note for the user (a rebuild, an error).
    pub note: Option<String>,
    /// Bumped at each reset, so the window can clear its curves.
    pub generation: u64,
    /// Bumped at each publication.
    pub revision: u64,
    /// Single-step commands carried out: (step D, step G, step).
    pub manual_steps: (u64, u64, u64),
    /// The settings the trainer runs on now: shared, replaced only when
    /// they change.
    pub config: Arc<Config>,
    /// Bumped each time settings or a backend were refused (the trainer
    /// goes on as it was, and the window puts its controls back to
    /// `config`).
    pub refused: u64,
    /// The engine it runs on.
    pub backend: Choice,
}

/// What the session published and the window has not taken yet: the
/// newest view and status, and every new point of the curves.
#[derive(Debug, Default)]
pub struct Inbox {
    pub view: Option<Arc<View>>,
    pub status: Option<Status>,
    pub history: Vec<Record>,
}

impl Inbox {
    /// Keep a publication (a newer view and status replace older ones).
    pub fn push(&mut self, p: Publication) {
        self.view = Some(p.view);
        self.status = Some(p.status);
        self.history.push(p.point);
    }

    /// Take everything published since the last call.
    pub fn take(&mut self) -> Taken {
        (
            self.view.take(),
            self.status.take(),
            std::mem::take(&mut self.history),
        )
    }
}

/// The newest view and status, if any, and the new points of the curves.
pub type Taken = (Option<Arc<View>>, Option<Status>, Vec<Record>);

/// One publication: the view to draw, the status line, a point of the curves.
#[derive(Debug)]
pub struct Publication {
    pub view: Arc<View>,
    pub status: Status,
    pub point: Record,
}

/// What a training slice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// It trained (or stopped at a divergence or at the run's end).
    Trained,
    /// The speed cap allows no step yet: come back a little later.
    Capped,
}

/// Publish views at most this often while playing; a snapshot costs about a millisecond.
const PUBLISH_EVERY: Duration = Duration::from_millis(33);

/// The losses since the last point of the curves: their sums and counts
/// (a player that took no step leaves a gap, not a zero).
#[derive(Debug, Default, Clone, Copy)]
struct Losses {
    d: (f64, u32),
    g: (f64, u32),
    /// The last of each, for the exact panel.
    last_d: Option<f64>,
    last_g: Option<f64>,
}

impl Losses {
    fn record(&mut self, stats: &StepStats) {
        if let Some(l) = stats.loss_d.filter(|l| l.is_finite()) {
            self.d.0 += l;
            self.d.1 += 1;
            self.last_d = Some(l);
        }
        if let Some(l) = stats.loss_g.filter(|l| l.is_finite()) {
            self.g.0 += l;
            self.g.1 += 1;
            self.last_g = Some(l);
        }
    }

    fn mean(sum: (f64, u32)) -> Option<f64> {
        (sum.1 > 0).then(|| sum.0 / f64::from(sum.1))
    }

    /// The averages since the last call, and a fresh start for the next.
    fn take_means(&mut self) -> (Option<f64>, Option<f64>) {
        let means = (Self::mean(self.d), Self::mean(self.g));
        self.d = (0.0, 0);
        self.g = (0.0, 0);
        means
    }
}

impl Observer for Losses {
    fn step(&mut self, _trainer: &Trainer, stats: &StepStats) -> ControlFlow<()> {
        self.record(stats);
        ControlFlow::Continue(())
    }
}

/// What the worker watches on every iteration: the losses for the curves
/// and the trajectory for the phase plane.
#[derive(Debug, Default)]
struct Watch {
    losses: Losses,
    trajectory: Trajectory,
}

impl Observer for Watch {
    fn step(&mut self, trainer: &Trainer, stats: &StepStats) -> ControlFlow<()> {
        self.losses.record(stats);
        self.trajectory.record(trainer);
        ControlFlow::Continue(())
    }
}

/// The trajectory a new trainer starts with: the Dirac-GAN's (θ, ψ), else
/// `keep` when it fits the new networks, else G's output bias against D's
/// last weight. It holds the initial point.
fn fresh_trajectory(t: &Trainer, keep: Option<(usize, usize)>) -> Trajectory {
    let c = t.config();
    let (g_len, d_len) = (t.generator().num_params(), t.discriminator().num_params());
    let mut tr = if DiracPlane::new(c, 0.0).is_some() {
        Trajectory::dirac(c)
    } else {
        match keep {
            Some((g, d)) if g < g_len && d < d_len => Trajectory::new(g, d),
            _ => {
                let (g, d) = default_indices(g_len, d_len);
                Trajectory::new(g, d)
            }
        }
    };
    tr.record(t);
    tr
}

/// The Dirac-GAN view last computed, and what it was computed for.
struct DiracCache {
    config: Config,
    sigma: f64,
    radius: f64,
    view: Arc<DiracView>,
}

/// The trainer, what the window asked of it, and what was published.
pub struct Session {
    driver: Driver,
    /// The engine new trainers are built on.
    choice: Choice,
    config: Arc<Config>,
    playing: bool,
    speed: Option<f64>,
    run_to: Option<u64>,
    note: Option<String>,
    generation: u64,
    revision: u64,
    manual_steps: (u64, u64, u64),
    refused: u64,
    // Speed measurement (and the cap's window).
    rate_t0: Instant,
    rate_s0: u64,
    steps_per_sec: f64,
    last_publish: Instant,
    watch: Watch,
    dirac: Option<DiracCache>,
    dirty: bool,
}

impl Session {
    /// A paused session on `trainer`.
    pub fn new(trainer: Trainer) -> Self {
        let s0 = trainer.step_count();
        let watch = Watch {
            losses: Losses::default(),
            trajectory: fresh_trajectory(&trainer, None),
        };
        Session {
            choice: trainer.choice(),
            config: Arc::new(trainer.config().clone()),
            driver: Driver::new(trainer),
            playing: false,
            speed: None,
            run_to: None,
            note: None,
            generation: 0,
            revision: 0,
            manual_steps: (0, 0, 0),
            refused: 0,
            rate_t0: Instant::now(),
            rate_s0: s0,
            steps_per_sec: 0.0,
            last_publish: Instant::now() - PUBLISH_EVERY,
            watch,
            dirac: None,
            dirty: true,
        }
    }

    fn trainer(&self) -> &Trainer {
        self.driver.trainer()
    }

    fn diverged(&self) -> Option<u64> {
        match self.trainer().state() {
            State::Diverged { step } => Some(step),
            State::Running => None,
        }
    }

    /// Playing and able to train (not diverged).
    pub fn busy(&self) -> bool {
        self.playing && self.diverged().is_none()
    }

    /// Something changed that is not published yet.
    pub fn dirty(&self) -> bool {
        self.dirty
    }

    /// Whether to publish now: after a change, and every
    /// [`PUBLISH_EVERY`] while playing.
    pub fn publish_due(&self) -> bool {
        self.dirty || self.last_publish.elapsed() >= PUBLISH_EVERY && self.playing
    }

    /// Carry out a command; false on [`Command::Shutdown`].
    pub fn handle(&mut self, c: Command) -> bool {
        match c {
            Command::Play => self.playing = true,
            Command::Pause => {
                self.playing = false;
                self.run_to = None;
            }
            Command::StepD => {
                let s = self.driver.trainer_mut().step_d();
                self.watch.losses.record(&s);
                self.watch.trajectory.record(self.driver.trainer());
                self.manual_steps.0 += 1;
            }
            Command::StepG => {
                let s = self.driver.trainer_mut().step_g();
                self.watch.losses.record(&s);
                self.watch.trajectory.record(self.driver.trainer());
                self.manual_steps.1 += 1;
            }
            Command::Step => {
                self.driver.advance(Budget::steps(1), &mut self.watch);
                self.manual_steps.2 += 1;
            }
            Command::Trace(g, d) => {
                self.watch.trajectory = fresh_trajectory(self.driver.trainer(), Some((g, d)));
            }
            Command::Apply(cfg) => self.apply(*cfg),
            Command::Reset(cfg) => {
                self.rebuild(*cfg, None);
            }
            Command::Backend(choice) => {
                let previous = std::mem::replace(&mut self.choice, choice);
                let cfg = self.trainer().config().clone();
                if !self.rebuild(cfg, Some(format!("backend {choice}"))) {
                    self.choice = previous;
                }
            }
            Command::Restore => {
                self.driver.trainer_mut().restore();
                self.note = Some(format!(
                    "restored the last finite state (step {})",
                    self.trainer().step_count()
                ));
            }
            Command::Speed(s) => {
                self.speed = s.filter(|v| v.is_finite() && *v > 0.0);
                self.rate_t0 = Instant::now();
                self.rate_s0 = self.trainer().step_count();
            }
            Command::RunTo(n) => {
                self.run_to = Some(n);
                self.playing = true;
            }
            Command::Shutdown => return false,
        }
        if self.trainer().config() != self.config.as_ref() {
            self.config = Arc::new(self.trainer().config().clone());
        }
        self.dirty = true;
        true
    }

    /// New settings: what the trainer can change live takes effect at the next
    /// step; anything else needs new networks.
    fn apply(&mut self, cfg: Config) {
        match self.driver.trainer_mut().apply_live(cfg.clone()) {
            Ok(()) => self.note = None,
            Err(GanError::NeedsReset { key }) => {
                self.rebuild(cfg, Some(format!("{key} changed")));
            }
            Err(e) => {
                self.note = Some(format!("not applied: {e}"));
                self.refused += 1;
            }
        }
    }

    /// New networks for `cfg` on the current backend; `false` (and a note)
    /// when they cannot be built.
    fn rebuild(&mut self, cfg: Config, why: Option<String>) -> bool {
        match crate::backends::trainer(cfg, self.choice) {
            Ok(t) => {
                let keep = (self.watch.trajectory.g_index, self.watch.trajectory.d_index);
                self.watch = Watch {
                    losses: Losses::default(),
                    trajectory: fresh_trajectory(&t, Some(keep)),
                };
                self.driver = Driver::new(t);
                self.generation += 1;
                self.rate_s0 = self.trainer().step_count();
                self.rate_t0 = Instant::now();
                self.note = why.map(|w| format!("{w}: networks rebuilt, training restarted"));
                true
            }
            Err(e) => {
                self.note = Some(format!("not applied: {e}"));
                self.refused += 1;
                false
            }
        }
    }

    /// Train for `time` (at least one step, at most `max_steps`, and no
    /// faster than the speed cap) if playing.
    pub fn train_slice(&mut self, time: Duration, max_steps: Option<u64>) -> Slice {
        if !self.busy() {
            return Slice::Trained;
        }
        let step = self.trainer().step_count();
        let mut budget = Budget {
            until: self.run_to,
            time: Some(time),
            steps: max_steps,
            ..Budget::default()
        };
        if let Some(cap) = self.speed {
            // Steps allowed at this rate since the rate window opened.
            let allowed = (self.rate_t0.elapsed().as_secs_f64() * cap) as u64;
            let done = step - self.rate_s0;
            if done >= allowed {
                return Slice::Capped;
            }
            let room = allowed - done;
            budget.steps = Some(max_steps.map_or(room, |m| m.min(room)));
        }
        match self.driver.advance(budget, &mut self.watch) {
            crate::gan::Stop::Until => {
                self.playing = false;
                self.run_to = None;
                self.dirty = true;
            }
            crate::gan::Stop::Diverged(_) => {
                self.playing = false;
                self.dirty = true;
            }
            _ => {}
        }
        let dt = self.rate_t0.elapsed().as_secs_f64();
        if dt >= 0.5 {
            self.steps_per_sec = (self.trainer().step_count() - self.rate_s0) as f64 / dt;
            self.rate_t0 = Instant::now();
            self.rate_s0 = self.trainer().step_count();
        }
        Slice::Trained
    }

    /// The Dirac-GAN view for the current settings and trajectory,
    /// recomputed only when the settings, σ or the plotted square change.
    fn dirac_view(&mut self) -> Option<Arc<DiracView>> {
        let t = self.driver.trainer();
        let config = t.config();
        let sigma = t.sigma();
        let plane = DiracPlane::new(config, sigma)?;
        let reach = PhaseView::reach(&self.watch.trajectory.points, plane.equilibrium);
        // Powers of two, so that the square (and its arrows) seldom change.
        let radius = (1.2 * reach).max(1e-3).log2().ceil().exp2();
        if let Some(c) = &self.dirac
            && c.config == *config
            && c.sigma == sigma
            && c.radius == radius
        {
            return Some(Arc::clone(&c.view));
        }
        let view = Arc::new(DiracView::new(config, sigma, radius)?);
        self.dirac = Some(DiracCache {
            config: config.clone(),
            sigma,
            radius,
            view: Arc::clone(&view),
        });
        Some(view)
    }

    /// What the window draws now.
    pub fn publish(&mut self) -> Publication {
        let (mean_d, mean_g) = self.watch.losses.take_means();
        let snap = self.trainer().snapshot();
        let mut stats = self.trainer().empty_stats();
        stats.loss_d = self.watch.losses.last_d;
        stats.loss_g = self.watch.losses.last_g;
        let dirac = self.dirac_view();
        let mut view = View::new(self.trainer(), &snap, &stats);
        view.phase = Some(PhaseView::new(
            self.trainer(),
            &self.watch.trajectory,
            dirac,
        ));
        // The curves: the losses averaged since the last point.
        stats.loss_d = mean_d;
        stats.loss_g = mean_g;
        let point = Record::new(&snap, &stats);
        let status = Status {
            step: self.trainer().step_count(),
            steps_per_sec: if self.playing {
                self.steps_per_sec
            } else {
                0.0
            },
            playing: self.playing,
            diverged_at: self.diverged(),
            note: self.note.clone(),
            generation: self.generation,
            revision: self.revision,
            manual_steps: self.manual_steps,
            config: Arc::clone(&self.config),
            refused: self.refused,
            backend: self.trainer().choice(),
        };
        self.revision += 1;
        self.last_publish = Instant::now();
        self.dirty = false;
        Publication {
            view: Arc::new(view),
            status,
            point,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_player_that_takes_no_step_leaves_a_gap_not_a_zero() {
        let c = Config {
            batch: 16,
            k_g: 0,
            g_hidden: vec![4],
            ..Config::default()
        };
        let mut t = Trainer::new(c).unwrap();
        let mut l = Losses::default();
        for _ in 0..3 {
            l.record(&t.step());
        }
        let (d, g) = l.take_means();
        assert!(d.is_some_and(f64::is_finite), "D stepped: {d:?}");
        assert_eq!(g, None, "G took no step");
        assert_eq!(l.take_means(), (None, None), "nothing since the last point");
    }
}
