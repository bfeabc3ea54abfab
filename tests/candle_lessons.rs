//! The lessons of `tests/lessons.rs` on the candle backend: goodfellow
//! converges and mode-collapse collapses. Four seeds each (not ten, to keep
//! CI short) with the same proportions: at least 3 of 4, where the native
//! tests ask 8 of 10 and 7 of 10.
#![cfg(feature = "candle")]

mod common;

use common::preset;
use ganscope::backends;
use ganscope::gan::{BackendKind, Choice, Config, DeviceKind};

const SEEDS: u64 = 4;

/// (seed, JSD, modes covered, modes total, max |D − ½|) of each seed, two at a time.
fn run_seeds(config: &Config) -> Vec<(u64, f64, usize, usize, f64)> {
    let choice = Choice {
        backend: BackendKind::Candle,
        device: DeviceKind::Cpu,
    };
    common::run_seeds(0..SEEDS, 2, |seed| {
        let mut c = config.clone();
        c.seed = seed;
        let steps = c.steps;
        let mut tr = backends::trainer(c, choice).expect("valid");
        tr.run(steps);
        assert_eq!(tr.choice(), choice);
        let snap = tr.snapshot();
        let m = &snap.theory.modes;
        let dev = snap.d_max_dev().unwrap_or(f64::NAN);
        (seed, snap.theory.jsd, m.covered, m.total, dev)
    })
}

#[test]
fn goodfellow_converges_on_candle() {
    let runs = run_seeds(&preset("goodfellow"));
    let good = runs
        .iter()
        .filter(|(_, jsd, _, _, dev)| *jsd < 0.01 && *dev < 0.05)
        .count();
    assert!(
        good >= 3,
        "goodfellow on candle: {good}/{SEEDS} converged\n{runs:?}"
    );
}

#[test]
fn mode_collapse_misses_modes_on_candle() {
    let runs = run_seeds(&preset("mode-collapse"));
    assert!(runs.iter().all(|r| r.3 >= 2), "{runs:?}");
    let collapsed = runs.iter().filter(|r| r.2 < r.3).count();
    assert!(
        collapsed >= 3,
        "mode-collapse on candle: {collapsed}/{SEEDS} collapsed\n{runs:?}"
    );
}
