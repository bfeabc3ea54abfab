//! The training thread. It owns the [`Driver`]; the window sends it commands
//! over a channel and reads back the newest view and the new history points.
//! The UI thread never waits for training and training never waits for
//! drawing.
//!
//! While playing, the thread asks the driver for slices of about 8 ms (or
//! fewer steps, under a speed cap), and publishes a view at most every
//! 33 ms; an observer of the driver averages the losses between two points
//! of the curves.

use super::view::{DiracView, PhaseView, View, default_indices};
use crate::gan::{
    Budget, Choice, Config, DiracPlane, Driver, GanError, Observer, State, StepStats, Trainer,
    Trajectory,
};
use crate::report::Record;
use std::ops::ControlFlow;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
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

/// What the worker publishes for the window.
#[derive(Debug, Default)]
pub struct Shared {
    pub view: Option<Arc<View>>,
    pub status: Option<Status>,
    pub history: Vec<Record>,
}

/// The handle the window keeps.
pub struct Worker {
    tx: Sender<Command>,
    shared: Arc<Mutex<Shared>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Start the thread. `repaint` is called whenever something new is published.
    pub fn spawn(trainer: Trainer, repaint: impl Fn() + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let s = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("ganscope-trainer".into())
            .spawn(move || Loop::new(trainer, rx, s, Box::new(repaint)).run())
            .ok();
        Worker { tx, shared, handle }
    }

    pub fn send(&self, c: Command) {
        let _ = self.tx.send(c);
    }

    /// Take what was published since the last call.
    pub fn take(&self) -> (Option<Arc<View>>, Option<Status>, Vec<Record>) {
        match self.shared.lock() {
            Ok(mut s) => (
                s.view.take(),
                s.status.take(),
                std::mem::take(&mut s.history),
            ),
            Err(_) => (None, None, Vec::new()),
        }
    }

    /// Whether the training thread is still alive.
    pub fn alive(&self) -> bool {
        self.handle.as_ref().is_some_and(|h| !h.is_finished())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Publish views at most this often while playing; a snapshot costs about a millisecond.
const PUBLISH_EVERY: Duration = Duration::from_millis(33);

/// Training time per slice while playing: about a frame.
const SLICE: Duration = Duration::from_millis(8);

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

struct Loop {
    driver: Driver,
    /// The engine new trainers are built on.
    choice: Choice,
    config: Arc<Config>,
    rx: Receiver<Command>,
    shared: Arc<Mutex<Shared>>,
    repaint: Box<dyn Fn() + Send>,
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

impl Loop {
    fn new(
        trainer: Trainer,
        rx: Receiver<Command>,
        shared: Arc<Mutex<Shared>>,
        repaint: Box<dyn Fn() + Send>,
    ) -> Self {
        let s0 = trainer.step_count();
        let watch = Watch {
            losses: Losses::default(),
            trajectory: fresh_trajectory(&trainer, None),
        };
        Loop {
            choice: trainer.choice(),
            config: Arc::new(trainer.config().clone()),
            driver: Driver::new(trainer),
            rx,
            shared,
            repaint,
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

    fn run(mut self) {
        loop {
            // Paused (or diverged): block until a command comes; playing: just poll.
            let busy = self.playing && self.diverged().is_none();
            let first = if busy {
                self.rx.try_recv().map_err(|e| match e {
                    mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                    mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            } else if self.dirty {
                Err(RecvTimeoutError::Timeout)
            } else {
                self.rx.recv_timeout(std::time::Duration::from_millis(250))
            };
            match first {
                Ok(c) => {
                    if !self.handle(c) {
                        return;
                    }
                    while let Ok(c) = self.rx.try_recv() {
                        if !self.handle(c) {
                            return;
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if self.playing && self.diverged().is_none() {
                self.train_slice();
            }
            if self.dirty || self.last_publish.elapsed() >= PUBLISH_EVERY && self.playing {
                self.publish();
            }
        }
    }

    /// Returns false on shutdown.
    fn handle(&mut self, c: Command) -> bool {
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

    /// Train for about one frame's worth of time (or up to the speed cap).
    fn train_slice(&mut self) {
        let step = self.trainer().step_count();
        let mut budget = Budget {
            until: self.run_to,
            time: Some(SLICE),
            ..Budget::default()
        };
        if let Some(cap) = self.speed {
            // Steps allowed at this rate since the rate window opened.
            let allowed = (self.rate_t0.elapsed().as_secs_f64() * cap) as u64;
            let done = step - self.rate_s0;
            if done >= allowed {
                std::thread::sleep(std::time::Duration::from_millis(2));
                return;
            }
            budget.steps = Some(allowed - done);
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

    fn publish(&mut self) {
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
        if let Ok(mut s) = self.shared.lock() {
            s.view = Some(Arc::new(view));
            s.status = Some(status);
            s.history.push(point);
        }
        self.last_publish = Instant::now();
        self.dirty = false;
        (self.repaint)();
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
