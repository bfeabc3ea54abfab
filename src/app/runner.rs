//! Where the training steps run: the one seam between the native window
//! and the web page. Everything else in the window — state, controls,
//! plots, files — talks to a [`Runner`] and does not know which it is.
//!
//! - [`Runner::Thread`] (native only): a worker thread owns the session and
//!   trains while the UI thread draws (`thread`).
//! - [`Runner::InFrame`]: the session lives on the UI thread and trains for
//!   a time budget inside each frame, before the frame is drawn. A web page
//!   (`wasm32-unknown-unknown`) has no threads, so this is how it trains; a
//!   native window can run this way too ([`Steps::InFrame`]).
//!
//! Both carry out the same [`Command`]s on the same [`Session`] and hand
//! the window the same publications, so a run is the same bit for bit
//! wherever its steps run.

use super::session::{Command, Inbox, Session, Taken};
#[cfg(not(target_arch = "wasm32"))]
use super::thread::Worker;
use crate::gan::Trainer;
use web_time::Duration;

/// Where the steps run (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steps {
    /// On a worker thread (native only).
    Thread,
    /// Inside the frame loop, a time budget per frame.
    InFrame,
}

impl Default for Steps {
    /// A thread where there are threads, the frame loop on the web.
    fn default() -> Self {
        if cfg!(target_arch = "wasm32") {
            Steps::InFrame
        } else {
            Steps::Thread
        }
    }
}

/// The frame loop's training budget per frame: at least this …
pub const FRAME_BUDGET_MIN: Duration = Duration::from_millis(4);

/// … at most this, so that the page still answers a click within a
/// tenth of a second or so …
pub const FRAME_BUDGET_MAX: Duration = Duration::from_millis(100);

/// … and this before the first frames are measured.
pub const FRAME_BUDGET_START: Duration = Duration::from_millis(16);

/// At most this many steps per frame: a clock that stands still inside a
/// task (a browser's virtual time) must not hold the frame for ever.
pub const FRAME_MAX_STEPS: u64 = 20_000;

/// How long the frame loop trains in each frame. A browser calls the frame
/// loop when it can show a new frame: at the display's rate (60 Hz), or
/// slower when drawing is slow — with no GPU, SwiftShader draws the page on
/// the CPU, on another thread, and the page thread waits for it between
/// frames. The budget fills that wait: after each frame it becomes the time
/// between the last two frame starts less what the frame spent drawing
/// (eframe's CPU time for the UI and painting) and a small margin, averaged
/// with the last budget; and it is never less than the drawing itself, so
/// that training has at least half the page thread when drawing alone would
/// fill it.
///
/// ```text
/// budget ← clamp(½ budget + ½ (interval − drawing − margin), max(drawing, MIN), MAX)
/// ```
#[derive(Debug, Clone)]
pub struct FrameBudget {
    budget: Duration,
    last_start: Option<web_time::Instant>,
    last_trained: Duration,
}

impl Default for FrameBudget {
    fn default() -> Self {
        FrameBudget {
            budget: FRAME_BUDGET_START,
            last_start: None,
            last_trained: Duration::ZERO,
        }
    }
}

impl FrameBudget {
    /// Room left between frames for other work of the browser.
    const MARGIN: Duration = Duration::from_millis(2);

    /// The budget for the frame starting now, given the CPU time eframe
    /// measured for the last frame (training included; `None`: unknown).
    pub fn next(&mut self, last_frame_cpu: Option<f32>) -> Duration {
        let now = web_time::Instant::now();
        if let (Some(start), Some(cpu)) = (self.last_start, last_frame_cpu) {
            let cpu = Duration::try_from_secs_f32(cpu.max(0.0)).unwrap_or(Duration::ZERO);
            let drawing = cpu.saturating_sub(self.last_trained);
            self.budget = Self::update(self.budget, now.duration_since(start), drawing);
        }
        self.last_start = Some(now);
        self.budget
    }

    /// The next budget after a frame that started `interval` after the one
    /// before and spent `drawing` on the UI and painting.
    fn update(budget: Duration, interval: Duration, drawing: Duration) -> Duration {
        let fill = interval.saturating_sub(drawing + Self::MARGIN);
        let target = (budget + fill) / 2;
        let floor = drawing.max(FRAME_BUDGET_MIN).min(FRAME_BUDGET_MAX);
        target.clamp(floor, FRAME_BUDGET_MAX)
    }

    /// How long the frame actually trained.
    pub fn trained(&mut self, time: Duration) {
        self.last_trained = time;
    }
}

/// The session and where its steps run.
pub enum Runner {
    #[cfg(not(target_arch = "wasm32"))]
    Thread(Worker),
    InFrame(Box<InFrame>),
}

/// The session on the UI thread, and what it published since the window
/// last took it.
pub struct InFrame {
    session: Session,
    inbox: Inbox,
    budget: FrameBudget,
}

impl Runner {
    /// A paused session on `trainer`, run as `steps` asks (in the frame loop
    /// on wasm32 whatever it asks). `repaint` is called when a thread
    /// published something new.
    pub fn start(trainer: Trainer, steps: Steps, repaint: impl Fn() + Send + 'static) -> Runner {
        let session = Session::new(trainer);
        match steps {
            #[cfg(not(target_arch = "wasm32"))]
            Steps::Thread => Runner::Thread(Worker::spawn(session, repaint)),
            _ => {
                let _ = repaint;
                Runner::InFrame(Box::new(InFrame {
                    session,
                    inbox: Inbox::default(),
                    budget: FrameBudget::default(),
                }))
            }
        }
    }

    /// Where the steps run.
    pub fn steps(&self) -> Steps {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(_) => Steps::Thread,
            Runner::InFrame(_) => Steps::InFrame,
        }
    }

    /// Ask the session for something; a thread does it soon, the frame loop
    /// at once.
    pub fn send(&mut self, c: Command) {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(w) => w.send(c),
            Runner::InFrame(f) => {
                f.session.handle(c);
            }
        }
    }

    /// Called once per frame, before drawing, with the CPU time eframe
    /// measured for the last frame: in the frame loop, train for the
    /// [`FrameBudget`] while playing and publish when due. Returns whether
    /// the session needs another frame soon (it is playing, or has
    /// something to publish); a thread wakes the window itself.
    pub fn frame(&mut self, last_frame_cpu: Option<f32>) -> bool {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(_) => false,
            Runner::InFrame(f) => {
                let budget = f.budget.next(last_frame_cpu);
                let t0 = web_time::Instant::now();
                // A capped slice simply waits for a later frame.
                let _ = f.session.train_slice(budget, Some(FRAME_MAX_STEPS));
                f.budget.trained(t0.elapsed());
                if f.session.publish_due() {
                    f.inbox.push(f.session.publish());
                }
                f.session.busy() || f.session.dirty()
            }
        }
    }

    /// Whether the frame loop has something to publish at the next frame
    /// (a command it carried out); a thread publishes on its own.
    pub fn pending(&self) -> bool {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(_) => false,
            Runner::InFrame(f) => f.session.dirty(),
        }
    }

    /// Take what was published since the last call.
    pub fn take(&mut self) -> Taken {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(w) => w.take(),
            Runner::InFrame(f) => f.inbox.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: u64) -> Duration {
        Duration::from_millis(x)
    }

    /// Run the budget through frames whose interval is what a browser
    /// would give: the longer of the page's own work (drawing + training +
    /// 1 ms of its own) and the time the drawing thread needs (`gpu`).
    fn settle(drawing: u64, gpu: u64) -> (Duration, Duration) {
        let mut budget = FRAME_BUDGET_START;
        let mut interval = ms(0);
        for _ in 0..50 {
            interval = (ms(drawing) + budget + ms(1)).max(ms(gpu));
            budget = FrameBudget::update(budget, interval, ms(drawing));
        }
        (budget, interval)
    }

    #[test]
    fn the_budget_fills_the_wait_for_a_slow_drawing_thread() {
        // SwiftShader needs 60 ms a frame; the page draws in 10.
        let (budget, interval) = settle(10, 60);
        assert!(budget >= ms(45) && budget <= ms(50), "{budget:?}");
        assert!(interval <= ms(61), "no slower frames: {interval:?}");
    }

    #[test]
    fn at_the_displays_rate_it_takes_what_is_left_of_the_frame() {
        // 60 Hz, 5 ms of drawing: the frame stays at 16–17 ms.
        let (budget, interval) = settle(5, 16);
        assert!(budget >= FRAME_BUDGET_MIN && budget <= ms(10), "{budget:?}");
        assert!(interval <= ms(17), "{interval:?}");
    }

    #[test]
    fn it_trains_at_least_as_long_as_it_draws_and_never_past_the_cap() {
        // The page thread is the bottleneck: half for training.
        let (budget, _) = settle(30, 0);
        assert_eq!(budget, ms(30));
        // Drawing longer than the cap: the cap.
        let (budget, _) = settle(250, 0);
        assert_eq!(budget, FRAME_BUDGET_MAX);
        let (budget, _) = settle(10, 1_000);
        assert_eq!(budget, FRAME_BUDGET_MAX);
    }
}
