//! The lessons do what their tours say, for most seeds (not one lucky seed).
//!
//! Each test trains a preset exactly as `ganscope train --preset NAME` does
//! (its own `steps`), over seeds 0..10 on two threads, and asserts the
//! acceptance threshold on the exact grid metrics of the final snapshot.

mod common;

use common::{preset, run_seeds as on_threads};
use ganscope::gan::{Config, Trainer, presets};

const SEEDS: u64 = 10;

/// The final numbers of one run.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    seed: u64,
    jsd: f64,
    covered: usize,
    total: usize,
    d_max_dev: f64,
}

fn run_one(config: &Config, seed: u64) -> Outcome {
    let mut c = config.clone();
    c.seed = seed;
    let steps = c.steps;
    let mut trainer = Trainer::new(c).expect("the preset's config is valid");
    trainer.run(steps);
    let snap = trainer.snapshot();
    Outcome {
        seed,
        jsd: snap.theory.jsd,
        covered: snap.theory.modes.covered,
        total: snap.theory.modes.total,
        d_max_dev: snap.d_max_dev().unwrap_or(f64::NAN),
    }
}

/// Seeds 0..SEEDS of `config`, two at a time.
fn run_seeds(config: &Config) -> Vec<Outcome> {
    on_threads(0..SEEDS, 2, |seed| run_one(config, seed))
}

fn table(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .map(|o| {
            format!(
                "  seed {}: jsd {:.5}  modes {}/{}  d_max_dev {:.4}\n",
                o.seed, o.jsd, o.covered, o.total, o.d_max_dev
            )
        })
        .collect()
}

#[test]
fn goodfellow_converges_to_the_global_optimum() {
    let runs = run_seeds(&preset("goodfellow"));
    let good = runs
        .iter()
        .filter(|o| o.jsd < 0.01 && o.d_max_dev < 0.05)
        .count();
    assert!(
        good >= 8,
        "goodfellow: JSD < 0.01 and max|D - 1/2| < 0.05 for {good}/{SEEDS} seeds, want >= 8\n{}",
        table(&runs)
    );
}

#[test]
fn mode_collapse_misses_modes() {
    let runs = run_seeds(&preset("mode-collapse"));
    assert!(runs.iter().all(|o| o.total >= 2), "{}", table(&runs));
    let collapsed = runs.iter().filter(|o| o.covered < o.total).count();
    assert!(
        collapsed >= 7,
        "mode-collapse: fewer modes than exist covered for {collapsed}/{SEEDS} seeds, want >= 7\n{}",
        table(&runs)
    );
}

#[test]
fn mode_collapse_rescued_covers_every_mode() {
    let collapse = preset("mode-collapse");
    let rescued = preset("mode-collapse-rescued");
    assert_eq!(collapse.target, rescued.target, "the same target");
    let runs = run_seeds(&rescued);
    let all = runs.iter().filter(|o| o.covered == o.total).count();
    assert!(
        all >= 7,
        "mode-collapse-rescued: every mode covered for {all}/{SEEDS} seeds, want >= 7\n{}",
        table(&runs)
    );
}

/// JSD above which a run counts as stalled.
const STALLED_JSD: f64 = 0.3;
/// JSD below which a run counts as recovered.
const RECOVERED_JSD: f64 = 0.1;

#[test]
fn vanishing_gradients_minimax_stalls_non_saturating_recovers() {
    let minimax = preset("vanishing-gradients");
    assert_eq!(minimax.loss, ganscope::gan::LossKind::Minimax);
    let mut ns = minimax.clone();
    ns.loss = ganscope::gan::LossKind::NonSaturating;
    let stalled_runs = run_seeds(&minimax);
    let recovered_runs = run_seeds(&ns);
    let stalled = stalled_runs.iter().filter(|o| o.jsd > STALLED_JSD).count();
    let recovered = recovered_runs
        .iter()
        .filter(|o| o.jsd < RECOVERED_JSD)
        .count();
    let msg = format!(
        "minimax (stalled when JSD > {STALLED_JSD}):\n{}non_saturating (recovered when JSD < {RECOVERED_JSD}):\n{}",
        table(&stalled_runs),
        table(&recovered_runs)
    );
    assert!(
        stalled >= 7,
        "minimax stalled for {stalled}/{SEEDS} seeds, want >= 7\n{msg}"
    );
    assert!(
        recovered >= 7,
        "non_saturating recovered for {recovered}/{SEEDS} seeds, want >= 7\n{msg}"
    );
}

/// wgan: the critic's W1 falls for most seeds, as its tour says.
#[test]
fn wgan_w1_falls() {
    let config = presets::load("wgan").expect("the lesson exists").config;
    let runs: Vec<(u64, f64, f64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4u64)
            .map(|seed| {
                let config = config.clone();
                s.spawn(move || {
                    let mut c = config;
                    c.seed = seed;
                    let steps = c.steps;
                    let mut t = Trainer::new(c).expect("valid");
                    let w0 = t.snapshot().theory.w1;
                    t.run(steps);
                    (seed, w0, t.snapshot().theory.w1)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    let fell = runs.iter().filter(|(_, w0, w1)| *w1 < 0.5 * w0).count();
    assert!(fell >= 3, "W1 (start, end) per seed: {runs:?}");
}

/// D's training-set and fresh-sample accuracies, averaged over the
/// snapshots (every 50 steps) of the last 20 % of the run.
fn accuracy_gap(config: &Config, seed: u64) -> (f64, f64) {
    let mut c = config.clone();
    c.seed = seed;
    let steps = c.steps;
    let mut t = Trainer::new(c).expect("the preset's config is valid");
    let (mut train, mut fresh, mut n) = (0.0, 0.0, 0.0);
    while t.step_count() < steps {
        t.run(50);
        if t.step_count() * 5 > steps * 4 {
            let o = t.snapshot().observed;
            train += o.acc_train.expect("D is a classifier here");
            fresh += o.acc_fresh.expect("D is a classifier here");
            n += 1.0;
        }
    }
    (train / n, fresh / n)
}

/// finite-data (N = 64, k = 5): D memorises its training set; with fresh
/// samples (dataset = 0) it does not.
#[test]
fn finite_data_d_memorises_the_set() {
    let finite = preset("finite-data");
    assert_eq!((finite.dataset, finite.k), (64, 5));
    let mut fresh_data = finite.clone();
    fresh_data.dataset = 0;
    let runs = on_threads(0..SEEDS, 2, |s| accuracy_gap(&finite, s));
    let control = on_threads(0..SEEDS, 2, |s| accuracy_gap(&fresh_data, s));
    let table: String = runs
        .iter()
        .zip(&control)
        .enumerate()
        .map(|(s, ((a, b), (c, d)))| {
            format!(
                "  seed {s}: N = 64: train {a:.3} fresh {b:.3} gap {:.3}   N = 0: train {c:.3} fresh {d:.3} gap {:.3}\n",
                a - b,
                c - d
            )
        })
        .collect();
    let memorised = runs.iter().filter(|(a, b)| a - b >= 0.1).count();
    let not = control.iter().filter(|(a, b)| a - b < 0.1).count();
    assert!(
        memorised >= 8,
        "N = 64, k = 5: training accuracy 0.1 above fresh for {memorised}/{SEEDS} seeds, want >= 8\n{table}"
    );
    assert!(
        not >= 8,
        "dataset = 0: the gap stayed below 0.1 for {not}/{SEEDS} seeds, want >= 8\n{table}"
    );
}

/// two-sample-test: G frozen at a normal with (about) the right mean and a
/// third of the spread; at the end the t-test passes it, KS and the
/// classifier test reject it.
#[test]
fn two_sample_test_t_passes_ks_and_d_reject() {
    let config = preset("two-sample-test");
    assert_eq!(config.k_g, 0, "G is frozen");
    let runs: Vec<(f64, f64, f64, f64, f64)> = on_threads(0..SEEDS, 2, |seed| {
        let mut c = config.clone();
        c.seed = seed;
        let steps = c.steps;
        let mut t = Trainer::new(c).expect("valid");
        // p_g = normal(b, ‖w‖): the tour's numbers.
        let g = t.generator().params_flat();
        let (w, b) = g.split_at(g.len() - 1);
        let spread = w.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt();
        t.run(steps);
        let o = t.snapshot().observed;
        let c2st = o.c2st.expect("a classifier");
        (o.t.p, o.ks.p, c2st.p, f64::from(b[0]), spread)
    });
    let table: String = runs
        .iter()
        .enumerate()
        .map(|(s, r)| {
            format!(
                "  seed {s}: t p {:.3e}  KS p {:.3e}  C2ST p {:.3e}  mean {:.3}  spread {:.3}\n",
                r.0, r.1, r.2, r.3, r.4
            )
        })
        .collect();
    for r in &runs {
        assert!(r.3.abs() <= 0.13 && (0.4..0.8).contains(&r.4), "{table}");
    }
    let good = runs
        .iter()
        .filter(|r| r.0 > 0.05 && r.1 < 0.01 && r.2 < 0.01)
        .count();
    assert!(
        good >= 8,
        "t p > 0.05, KS p < 0.01 and C2ST p < 0.01 for {good}/{SEEDS} seeds, want >= 8\n{table}"
    );
}
