//! The conditional lessons do what their tours say, for most seeds: each
//! trains its preset exactly as `ganscope train --preset NAME` does (its
//! own `steps`), over seeds 0..10 on two threads, and checks the exact
//! per-class and marginal JSD of the final snapshot.

mod common;

use common::{preset, run_seeds};
use ganscope::gan::{Config, Trainer};

const SEEDS: u64 = 10;

/// The final numbers of one run: the marginal JSD and each class's.
#[derive(Debug, Clone)]
struct Outcome {
    seed: u64,
    marginal: f64,
    by_class: Vec<f64>,
}

fn run(config: &Config) -> Vec<Outcome> {
    run_seeds(0..SEEDS, 2, |seed| {
        let mut c = config.clone();
        c.seed = seed;
        let steps = c.steps;
        let mut t = Trainer::new(c).expect("the preset's config is valid");
        t.run(steps);
        let s = t.snapshot();
        Outcome {
            seed,
            marginal: s.theory.jsd,
            by_class: s.classes.iter().map(|c| c.theory.jsd).collect(),
        }
    })
}

fn table(runs: &[Outcome]) -> String {
    runs.iter()
        .map(|o| {
            let classes: Vec<String> = o.by_class.iter().map(|j| format!("{j:.4}")).collect();
            format!(
                "  seed {}: marginal JSD {:.4}  by class {}\n",
                o.seed,
                o.marginal,
                classes.join(" ")
            )
        })
        .collect()
}

/// Three equal-weight classes, each well apart from the next (at least
/// eight standard deviations between neighbouring centres).
fn assert_three_separated_equal_classes(config: &Config) {
    let classes = config
        .target_classes()
        .expect("a valid target")
        .expect("a classes(...) target");
    assert_eq!(classes.k(), 3);
    for w in classes.weights() {
        assert!((w - 1.0 / 3.0).abs() < 1e-12, "equal weights");
    }
    let modes: Vec<_> = (0..3).flat_map(|c| classes.class(c).modes()).collect();
    assert_eq!(modes.len(), 3);
    for pair in modes.windows(2) {
        let gap = pair[1].centre - pair[0].centre;
        assert!(gap >= 4.0 * pair[0].sigma.max(pair[1].sigma), "{modes:?}");
    }
}

#[test]
fn cgan_learns_every_class() {
    let config = preset("cgan");
    assert_three_separated_equal_classes(&config);
    let runs = run(&config);
    let good = runs
        .iter()
        .filter(|o| o.by_class.len() == 3 && o.by_class.iter().all(|j| *j < 0.02))
        .count();
    assert!(
        good >= 8,
        "cgan: every class's JSD < 0.02 for {good}/{SEEDS} seeds, want >= 8\n{}",
        table(&runs)
    );
}

#[test]
fn cgan_ignores_label_fits_the_marginal_and_misses_every_class() {
    let config = preset("cgan-ignores-label");
    assert_eq!(
        config.target,
        preset("cgan").target,
        "the same target as cgan"
    );
    assert_three_separated_equal_classes(&config);
    let runs = run(&config);
    let ignored = runs
        .iter()
        .filter(|o| {
            o.marginal < 0.05 && o.by_class.len() == 3 && o.by_class.iter().all(|j| *j > 0.2)
        })
        .count();
    assert!(
        ignored >= 7,
        "cgan-ignores-label: marginal JSD < 0.05 and every class's JSD > 0.2 for {ignored}/{SEEDS} seeds, want >= 7\n{}",
        table(&runs)
    );
}
