//! How long the frame loop trains in each frame (the web page; see
//! `runner`).
//!
//! A browser calls the frame loop when it can show a new frame, and draws
//! a frame after the loop returns: at the display's rate (60 Hz) when
//! drawing is quick, slower when it is not — with no GPU, SwiftShader draws
//! the page on the CPU before the next frame can start. Whatever the
//! machine, the budget gives training two thirds of the time between two
//! frames and leaves a third to everything else (the UI, painting, the
//! browser's drawing, the wait for the display):
//!
//! ```text
//! rest   = interval − trained                  (the last frame's)
//! budget ← clamp(½ budget + ½ · 2 · rest, MIN, MAX)
//! ```
//!
//! averaged with the last budget so that one slow frame does not swing it.
//! With a GPU (the rest a few milliseconds) that is about 30 frames a
//! second; on SwiftShader about 10; and at most [`FRAME_BUDGET_MAX`] a
//! frame, so that the page still answers a click within a tenth of a
//! second or so.

use web_time::{Duration, Instant};

/// The training budget per frame: at least this …
pub const FRAME_BUDGET_MIN: Duration = Duration::from_millis(4);

/// … at most this …
pub const FRAME_BUDGET_MAX: Duration = Duration::from_millis(100);

/// … and this before two frames have been measured.
pub const FRAME_BUDGET_START: Duration = Duration::from_millis(16);

/// At most this many steps per frame: a clock that stands still inside a
/// task (a browser's virtual time) must not hold the frame for ever.
pub const FRAME_MAX_STEPS: u64 = 20_000;

/// Training's share of the frame, as a ratio to the rest: 2 (two thirds).
const TRAIN_TO_REST: u32 = 2;

/// The budget, and what it needs of the last frame (see the
/// [module docs](self)).
#[derive(Debug, Clone)]
pub struct FrameBudget {
    budget: Duration,
    last_start: Option<Instant>,
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
    /// The budget for the frame starting now.
    pub fn next(&mut self) -> Duration {
        let now = Instant::now();
        if let Some(start) = self.last_start {
            let rest = now.duration_since(start).saturating_sub(self.last_trained);
            self.budget = Self::update(self.budget, rest);
        }
        self.last_start = Some(now);
        self.budget
    }

    /// How long the frame that asked last actually trained (a paused
    /// session trains 0).
    pub fn trained(&mut self, time: Duration) {
        self.last_trained = time;
    }

    /// The next budget after a frame whose time apart from training was
    /// `rest`.
    fn update(budget: Duration, rest: Duration) -> Duration {
        ((budget + rest * TRAIN_TO_REST) / 2).clamp(FRAME_BUDGET_MIN, FRAME_BUDGET_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: f64) -> Duration {
        Duration::from_secs_f64(x / 1e3)
    }

    /// Frames as a browser gives them: the budget trained, then `draw` ms of
    /// UI and drawing, and the next frame at the display's next tick
    /// (`vsync` ms apart; 0: no display to wait for). Returns the settled
    /// budget and frame interval.
    fn settle(draw: f64, vsync: f64) -> (f64, f64) {
        let mut budget = FRAME_BUDGET_START;
        let mut interval = 0.0;
        for _ in 0..200 {
            let trained = budget.as_secs_f64() * 1e3;
            interval = trained + draw;
            if vsync > 0.0 {
                interval = (interval / vsync).ceil() * vsync;
            }
            budget = FrameBudget::update(budget, ms(interval - trained));
        }
        (budget.as_secs_f64() * 1e3, interval)
    }

    #[test]
    fn without_a_gpu_training_takes_two_thirds() {
        // SwiftShader: 33 ms of drawing a frame.
        let (budget, interval) = settle(33.0, 0.0);
        assert!((budget - 66.0).abs() < 0.5, "{budget}");
        assert!(
            (budget / interval - 2.0 / 3.0).abs() < 0.01,
            "{budget} of {interval}"
        );
    }

    #[test]
    fn with_a_gpu_the_page_keeps_30_frames_a_second_or_more() {
        // 3 ms of drawing at 60 Hz.
        let (budget, interval) = settle(3.0, 1e3 / 60.0);
        assert!(interval <= 1e3 / 30.0 + 1e-6, "{interval} ms a frame");
        assert!(budget / interval >= 0.6, "{budget} of {interval}");
    }

    #[test]
    fn slow_drawing_meets_the_cap_and_quick_drawing_the_floor() {
        let (budget, _) = settle(200.0, 0.0);
        assert_eq!(ms(budget), FRAME_BUDGET_MAX);
        let (budget, _) = settle(0.5, 0.0);
        assert_eq!(ms(budget), FRAME_BUDGET_MIN);
    }
}
