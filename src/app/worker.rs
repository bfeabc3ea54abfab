//! The training thread. It owns the trainer; the window sends it commands over
//! a channel and reads back the newest view and the new history points. The
//! UI thread never waits for training and training never waits for drawing.

use super::history::HistoryPoint;
use super::view::View;
use crate::backends::Choice;
use crate::gan::{Config, GanError, State, Trainer};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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
    /// The settings the trainer runs on now.
    pub config: Config,
    /// The engine it runs on: `native`, `candle/cpu`, `candle/cuda`.
    pub backend: String,
}

/// What the worker publishes for the window.
#[derive(Debug, Default)]
pub struct Shared {
    pub view: Option<Arc<View>>,
    pub status: Option<Status>,
    pub history: Vec<HistoryPoint>,
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
    pub fn take(&self) -> (Option<Arc<View>>, Option<Status>, Vec<HistoryPoint>) {
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

struct Loop {
    trainer: Trainer,
    /// The engine new trainers are built on.
    choice: Choice,
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
    // Speed measurement.
    rate_t0: Instant,
    rate_s0: u64,
    steps_per_sec: f64,
    last_publish: Instant,
    // Losses since the last history point, averaged, and the latest ones.
    loss_acc: (f64, f64, u32),
    last_loss: (f64, f64),
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
        Loop {
            choice: trainer.backend_label().parse().unwrap_or_default(),
            trainer,
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
            rate_t0: Instant::now(),
            rate_s0: s0,
            steps_per_sec: 0.0,
            last_publish: Instant::now() - PUBLISH_EVERY,
            loss_acc: (0.0, 0.0, 0),
            last_loss: (f64::NAN, f64::NAN),
            dirty: true,
        }
    }

    fn diverged(&self) -> Option<u64> {
        match self.trainer.state() {
            State::Diverged { step } => Some(step),
            _ => None,
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
                self.rx.recv_timeout(Duration::from_millis(250))
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
                let s = self.trainer.step_d();
                self.record(s.loss_d, s.loss_g);
                self.manual_steps.0 += 1;
            }
            Command::StepG => {
                let s = self.trainer.step_g();
                self.record(s.loss_d, s.loss_g);
                self.manual_steps.1 += 1;
            }
            Command::Step => {
                let s = self.trainer.step();
                self.record(s.loss_d, s.loss_g);
                self.manual_steps.2 += 1;
            }
            Command::Apply(cfg) => self.apply(*cfg),
            Command::Reset(cfg) => {
                self.rebuild(*cfg, None);
            }
            Command::Backend(choice) => {
                let previous = std::mem::replace(&mut self.choice, choice);
                let cfg = self.trainer.config().clone();
                if !self.rebuild(cfg, Some(format!("backend {choice}"))) {
                    self.choice = previous;
                }
            }
            Command::Restore => {
                self.trainer.restore();
                self.note = Some(format!(
                    "restored the last finite state (step {})",
                    self.trainer.step_count()
                ));
            }
            Command::Speed(s) => self.speed = s.filter(|v| v.is_finite() && *v > 0.0),
            Command::RunTo(n) => {
                self.run_to = Some(n);
                self.playing = true;
            }
            Command::Shutdown => return false,
        }
        self.dirty = true;
        true
    }

    fn record(&mut self, loss_d: Option<f64>, loss_g: Option<f64>) {
        if let Some(l) = loss_d.filter(|l| l.is_finite()) {
            self.loss_acc.0 += l;
            self.last_loss.0 = l;
        }
        if let Some(l) = loss_g.filter(|l| l.is_finite()) {
            self.loss_acc.1 += l;
            self.last_loss.1 = l;
        }
        self.loss_acc.2 += 1;
    }

    /// New settings: what the trainer can change live takes effect at the next
    /// step; anything else needs new networks.
    fn apply(&mut self, cfg: Config) {
        match self.trainer.apply_live(cfg.clone()) {
            Ok(()) => self.note = None,
            Err(GanError::NeedsReset { key }) => {
                self.rebuild(cfg, Some(format!("{key} changed")));
            }
            Err(e) => self.note = Some(format!("not applied: {e}")),
        }
    }

    /// New networks for `cfg` on the current backend; `false` (and a note)
    /// when they cannot be built.
    fn rebuild(&mut self, cfg: Config, why: Option<String>) -> bool {
        match crate::backends::trainer(cfg, self.choice) {
            Ok(t) => {
                self.trainer = t;
                self.generation += 1;
                self.rate_s0 = self.trainer.step_count();
                self.rate_t0 = Instant::now();
                self.loss_acc = (0.0, 0.0, 0);
                self.last_loss = (f64::NAN, f64::NAN);
                self.note = why.map(|w| format!("{w}: networks rebuilt, training restarted"));
                true
            }
            Err(e) => {
                self.note = Some(format!("not applied: {e}"));
                false
            }
        }
    }

    /// Train for about one frame's worth of time (or up to the speed cap).
    fn train_slice(&mut self) {
        let budget = Duration::from_millis(8);
        let t0 = Instant::now();
        let start_step = self.trainer.step_count();
        loop {
            if let Some(n) = self.run_to
                && self.trainer.step_count() >= n
            {
                self.playing = false;
                self.run_to = None;
                self.dirty = true;
                break;
            }
            if let Some(cap) = self.speed {
                // Steps allowed so far at this rate since the rate window opened.
                let allowed = self.rate_t0.elapsed().as_secs_f64() * cap;
                if (self.trainer.step_count() - self.rate_s0) as f64 >= allowed {
                    std::thread::sleep(Duration::from_millis(2));
                    break;
                }
            }
            let s = self.trainer.step();
            self.record(s.loss_d, s.loss_g);
            if self.diverged().is_some() {
                self.playing = false;
                self.dirty = true;
                break;
            }
            if t0.elapsed() >= budget {
                break;
            }
        }
        let _ = start_step;
        let dt = self.rate_t0.elapsed().as_secs_f64();
        if dt >= 0.5 {
            self.steps_per_sec = (self.trainer.step_count() - self.rate_s0) as f64 / dt;
            self.rate_t0 = Instant::now();
            self.rate_s0 = self.trainer.step_count();
        }
    }

    fn publish(&mut self) {
        let view = View::from_trainer(&self.trainer, self.last_loss.0, self.last_loss.1);
        let n = self.loss_acc.2.max(1) as f64;
        let point = HistoryPoint {
            step: self.trainer.step_count(),
            jsd: view.metrics.jsd,
            c_g: view.metrics.c_g,
            v: view.metrics.v,
            gap: view.metrics.c_g - view.metrics.v,
            w1: view.metrics.w1,
            loss_d: if self.loss_acc.2 > 0 {
                self.loss_acc.0 / n
            } else {
                f64::NAN
            },
            loss_g: if self.loss_acc.2 > 0 {
                self.loss_acc.1 / n
            } else {
                f64::NAN
            },
            modes_covered: view.metrics.modes.map_or(f64::NAN, |m| m.0 as f64),
        };
        self.loss_acc = (0.0, 0.0, 0);
        let status = Status {
            step: self.trainer.step_count(),
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
            config: self.trainer.config().clone(),
            backend: self.trainer.backend_label(),
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
