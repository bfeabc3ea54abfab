//! The one loop that runs a trainer: [`Driver::advance`] steps by a budget
//! of iterations, of time or up to a step, and hands every iteration's
//! [`StepStats`] and every snapshot it takes to an [`Observer`].
//!
//! `ganscope train` (rows of `metrics.csv`, GIF frames, a progress bar),
//! `ganscope sweep` (a stop flag, the final row) and the window's training
//! thread (a time slice per frame, the curves over steps) are observers of
//! this loop; none of them steps a trainer in a loop of its own. A call
//! returns when its budget is spent, so a frame loop can call it as well as
//! a thread.
//!
//! # Snapshots
//!
//! With [`Budget::snapshot_every`] = `n`, the driver takes a snapshot after
//! every iteration whose count is a multiple of `n`, after the iteration
//! that reaches [`Budget::until`], and after an iteration that diverged —
//! never twice for the same step. Time spent in snapshots and observers is
//! not counted in [`Driver::train_secs`].

use std::ops::ControlFlow;

use web_time::{Duration, Instant};

use super::{Snapshot, State, StepStats, Trainer};

/// Receives what the driver does; every method has a default that ignores it.
pub trait Observer {
    /// After every iteration; `Break` stops the driver after it.
    fn step(&mut self, _trainer: &Trainer, _stats: &StepStats) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// A snapshot the budget asked for, with the last iteration's stats.
    fn snapshot(&mut self, _snapshot: &Snapshot, _last: &StepStats) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// An observer that watches nothing.
impl Observer for () {}

/// How far one call of [`Driver::advance`] may go; every limit is optional
/// and the first one reached ends the call.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    /// At most this many iterations.
    pub steps: Option<u64>,
    /// Stop when the step counter reaches this value.
    pub until: Option<u64>,
    /// Stop once this much time has passed (checked after each iteration).
    pub time: Option<Duration>,
    /// Snapshots for the observer (see the [module docs](self)).
    pub snapshot_every: Option<u64>,
}

impl Budget {
    /// Up to step `until` (absolute).
    pub fn until(until: u64) -> Budget {
        Budget {
            until: Some(until),
            ..Budget::default()
        }
    }

    /// At most `steps` iterations.
    pub fn steps(steps: u64) -> Budget {
        Budget {
            steps: Some(steps),
            ..Budget::default()
        }
    }

    /// The same budget, with a snapshot every `n` iterations.
    pub fn snapshots(self, n: u64) -> Budget {
        Budget {
            snapshot_every: Some(n.max(1)),
            ..self
        }
    }
}

/// Why [`Driver::advance`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The step counter reached [`Budget::until`] (or was already there).
    Until,
    /// [`Budget::steps`] iterations were done.
    Steps,
    /// [`Budget::time`] has passed.
    Time,
    /// The trainer is not running: it diverged (or its backend failed) at
    /// this iteration.
    Diverged(u64),
    /// The observer asked to stop.
    Observer,
}

/// A trainer and the loop that runs it; see the [module docs](self).
#[derive(Debug)]
pub struct Driver {
    trainer: Trainer,
    last: StepStats,
    train_secs: f64,
}

impl Driver {
    /// Drives `trainer` from where it is.
    pub fn new(trainer: Trainer) -> Driver {
        Driver {
            last: trainer.empty_stats(),
            trainer,
            train_secs: 0.0,
        }
    }

    /// The trainer.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The trainer, to change its settings or take single updates.
    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// The trainer, when driving is over.
    pub fn into_trainer(self) -> Trainer {
        self.trainer
    }

    /// The stats of the last iteration the driver ran (empty before the first).
    pub fn last(&self) -> &StepStats {
        &self.last
    }

    /// Seconds spent in iterations (not in snapshots or observers).
    pub fn train_secs(&self) -> f64 {
        self.train_secs
    }

    /// Takes a snapshot now and hands it to `observer` with the last stats.
    pub fn observe(&self, observer: &mut dyn Observer) -> ControlFlow<()> {
        observer.snapshot(&self.trainer.snapshot(), &self.last)
    }

    /// Runs iterations until the budget is spent, the trainer stops running
    /// or the observer says stop; see the [module docs](self).
    pub fn advance(&mut self, budget: Budget, observer: &mut dyn Observer) -> Stop {
        let t0 = Instant::now();
        let mut done = 0u64;
        loop {
            if let State::Diverged { step } = self.trainer.state() {
                return Stop::Diverged(step);
            }
            if budget.until.is_some_and(|u| self.trainer.step_count() >= u) {
                return Stop::Until;
            }
            if budget.steps.is_some_and(|n| done >= n) {
                return Stop::Steps;
            }
            if budget.time.is_some_and(|t| done > 0 && t0.elapsed() >= t) {
                return Stop::Time;
            }
            let t = Instant::now();
            self.last = self.trainer.step();
            self.train_secs += t.elapsed().as_secs_f64();
            done += 1;
            let mut flow = observer.step(&self.trainer, &self.last);
            if let Some(n) = budget.snapshot_every {
                let step = self.trainer.step_count();
                let due = step.is_multiple_of(n)
                    || budget.until == Some(step)
                    || self.trainer.state() != State::Running;
                if due && flow.is_continue() {
                    flow = self.observe(observer);
                }
            }
            if flow.is_break() {
                return Stop::Observer;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gan::Config;

    /// Counts steps and the steps of its snapshots.
    #[derive(Default)]
    struct Log {
        steps: u64,
        snaps: Vec<u64>,
    }

    impl Observer for Log {
        fn step(&mut self, _t: &Trainer, _s: &StepStats) -> ControlFlow<()> {
            self.steps += 1;
            ControlFlow::Continue(())
        }
        fn snapshot(&mut self, s: &Snapshot, _l: &StepStats) -> ControlFlow<()> {
            self.snaps.push(s.step);
            ControlFlow::Continue(())
        }
    }

    fn driver() -> Driver {
        let c = Config {
            batch: 16,
            g_hidden: vec![4],
            d_hidden: vec![4],
            ..Config::default()
        };
        Driver::new(Trainer::new(c).unwrap())
    }

    #[test]
    fn snapshots_at_multiples_and_at_the_end() {
        let mut d = driver();
        let mut log = Log::default();
        assert_eq!(
            d.advance(Budget::until(10).snapshots(4), &mut log),
            Stop::Until
        );
        assert_eq!(log.steps, 10);
        assert_eq!(log.snaps, vec![4, 8, 10]);
        // Already there: nothing more.
        assert_eq!(
            d.advance(Budget::until(10).snapshots(4), &mut log),
            Stop::Until
        );
        assert_eq!(log.steps, 10);
        assert_eq!(d.advance(Budget::steps(3), &mut log), Stop::Steps);
        assert_eq!(d.trainer().step_count(), 13);
        assert_eq!(d.last().step, 13);
    }

    #[test]
    fn a_time_budget_runs_at_least_one_step() {
        let mut d = driver();
        let budget = Budget {
            time: Some(Duration::ZERO),
            ..Budget::default()
        };
        assert_eq!(d.advance(budget, &mut ()), Stop::Time);
        assert_eq!(d.trainer().step_count(), 1);
    }

    #[test]
    fn the_observer_can_stop_it() {
        struct StopAt(u64);
        impl Observer for StopAt {
            fn step(&mut self, t: &Trainer, _s: &StepStats) -> ControlFlow<()> {
                if t.step_count() >= self.0 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }
        }
        let mut d = driver();
        assert_eq!(
            d.advance(Budget::until(100), &mut StopAt(7)),
            Stop::Observer
        );
        assert_eq!(d.trainer().step_count(), 7);
    }

    #[test]
    fn driving_is_stepping() {
        let mut a = driver();
        let mut b = driver().into_trainer();
        a.advance(Budget::until(25).snapshots(10), &mut ());
        b.run(25);
        assert_eq!(
            a.trainer().generator().params_flat(),
            b.generator().params_flat()
        );
    }
}
