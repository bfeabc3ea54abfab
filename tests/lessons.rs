//! The lessons do what their tours say, for most seeds (not one lucky seed).
//!
//! Each test trains a preset exactly as `ganscope train --preset NAME` does
//! (its own `steps`), over seeds 0..10 on two threads, and asserts the
//! acceptance threshold on the exact grid metrics of the final snapshot.

mod common;

use common::{preset, run_seeds as on_threads};
use ganscope::gan::{Config, Trainer};

const SEEDS: u64 = 10;

/// The final numbers of one run.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    seed: u64,
    jsd: f64,
    covered: usize,
    total: usize,
    d_max_dev: f64,
    w1: f64,
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
        w1: snap.theory.w1,
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
                "  seed {}: jsd {:.5}  modes {}/{}  d_max_dev {:.4}  w1 {:.4}\n",
                o.seed, o.jsd, o.covered, o.total, o.d_max_dev, o.w1
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

/// The JSD between a two-mode target and one of its modes alone: the best a
/// G that keeps one mode can do (`ganscope theory` computes the same).
fn one_mode_jsd(config: &Config) -> f64 {
    let target = config.target_mixture().expect("a valid target");
    let m = target.modes()[0];
    let one = ganscope::density::parse_spec(&format!("normal({}, {})", m.centre, m.sigma))
        .expect("a normal");
    ganscope::theory::exact::divergences(&target, &one).jsd
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

#[test]
fn mode_collapse_keeps_one_mode_and_fits_it() {
    let config = preset("mode-collapse");
    let best = one_mode_jsd(&config);
    assert!((best - 0.2158).abs() < 1e-3, "one-mode JSD {best}");
    let runs = run_seeds(&config);
    assert!(runs.iter().all(|o| o.total == 2), "{}", table(&runs));
    let good = runs
        .iter()
        .filter(|o| o.covered == 1 && o.jsd <= best + 0.03)
        .count();
    assert!(
        good >= 7,
        "mode-collapse: 1 of 2 modes and JSD <= {:.4} for {good}/{SEEDS} seeds, want >= 7\n{}",
        best + 0.03,
        table(&runs)
    );
}

#[test]
fn mode_collapse_rescued_covers_and_fits_every_mode() {
    let collapse = preset("mode-collapse");
    let rescued = preset("mode-collapse-rescued");
    assert_eq!(collapse.target, rescued.target, "the same target");
    let runs = run_seeds(&rescued);
    let good = runs
        .iter()
        .filter(|o| o.covered == o.total && o.jsd < 0.05)
        .count();
    assert!(
        good >= 8,
        "mode-collapse-rescued: every mode and JSD < 0.05 for {good}/{SEEDS} seeds, want >= 8\n{}",
        table(&runs)
    );
}

#[test]
fn instance_noise_covers_and_fits_where_no_noise_collapses() {
    let noisy = preset("instance-noise");
    assert!(noisy.instance_noise > 0.0);
    let quiet = Config {
        instance_noise: 0.0,
        ..noisy.clone()
    };
    let with = run_seeds(&noisy);
    let without = run_seeds(&quiet);
    let good = with
        .iter()
        .filter(|o| o.covered == o.total && o.jsd < 0.05)
        .count();
    let (m_with, m_without) = (
        median(with.iter().map(|o| o.jsd).collect()),
        median(without.iter().map(|o| o.jsd).collect()),
    );
    let msg = format!(
        "with noise (median JSD {m_with:.4}):\n{}without (median JSD {m_without:.4}):\n{}",
        table(&with),
        table(&without)
    );
    eprintln!("{msg}");
    assert!(
        good >= 7,
        "instance-noise: every mode and JSD < 0.05 for {good}/{SEEDS} seeds, want >= 7\n{msg}"
    );
    assert!(
        m_without >= 2.0 * m_with,
        "the median JSD without noise is not twice the median with it\n{msg}"
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

/// wgan: W1 falls to nearly 0 for most seeds, as its tour says.
#[test]
fn wgan_converges() {
    let runs = run_seeds(&preset("wgan"));
    let good = runs.iter().filter(|o| o.w1 < 0.05).count();
    assert!(
        good >= 8,
        "wgan: W1 < 0.05 for {good}/{SEEDS} seeds, want >= 8\n{}",
        table(&runs)
    );
}

/// k-and-lr: at lr_g = 1e-3, k = 5 fits (JSD < 0.03) where k = 1 stalls
/// (JSD above 0.03); at k = 1, lr_g = 1e-2 breaks training (JSD > 0.08).
#[test]
fn k_and_lr_raising_k_helps_and_raising_lr_g_breaks() {
    let base = preset("k-and-lr");
    assert_eq!(
        (base.k, base.lr_g),
        (1, 1e-3),
        "the lesson starts at k = 1, lr_g = 1e-3"
    );
    let k5 = run_seeds(&Config {
        k: 5,
        ..base.clone()
    });
    let k1 = run_seeds(&base);
    let fast = run_seeds(&Config {
        lr_g: 1e-2,
        ..base.clone()
    });
    let msg = format!(
        "k = 5:\n{}k = 1:\n{}k = 1, lr_g = 1e-2:\n{}",
        table(&k5),
        table(&k1),
        table(&fast)
    );
    let count =
        |runs: &[Outcome], f: &dyn Fn(f64) -> bool| runs.iter().filter(|o| f(o.jsd)).count();
    assert!(
        count(&k5, &|j| j < 0.03) >= 8,
        "k = 5 fits for fewer than 8\n{msg}"
    );
    assert!(
        count(&k1, &|j| j > 0.03) >= 8,
        "k = 1 stalls for fewer than 8\n{msg}"
    );
    assert!(
        count(&fast, &|j| j > 0.08) >= 8,
        "lr_g = 1e-2 breaks for fewer than 8\n{msg}"
    );
}

/// simultaneous-vs-alternating: as shipped (simultaneous, momentum 0.5) the
/// players keep circling; alternating, the tour's switch, converges.
#[test]
fn simultaneous_circles_and_alternating_converges() {
    let simultaneous = preset("simultaneous-vs-alternating");
    assert_eq!(simultaneous.update, ganscope::gan::UpdateRule::Simultaneous);
    let mut alternating = simultaneous.clone();
    alternating.update = ganscope::gan::UpdateRule::Alternating;
    let (sim, alt) = (run_seeds(&simultaneous), run_seeds(&alternating));
    let circling = sim.iter().filter(|o| o.jsd > RECOVERED_JSD).count();
    let converged = alt.iter().filter(|o| o.jsd < 0.05).count();
    let msg = format!(
        "simultaneous:\n{}alternating:\n{}",
        table(&sim),
        table(&alt)
    );
    assert!(
        circling >= 7,
        "simultaneous: JSD > {RECOVERED_JSD} for {circling}/{SEEDS} seeds, want >= 7\n{msg}"
    );
    assert!(
        converged >= 8,
        "alternating: JSD < 0.05 for {converged}/{SEEDS} seeds, want >= 8\n{msg}"
    );
}

/// dirac-gan: the distance of (θ, ψ) from the equilibrium (0, 0) at the
/// start and at the end of the lesson's run, with `set` applied.
fn dirac_distances(set: &[(&str, &str)]) -> Vec<(u64, f64, f64)> {
    let mut config = preset("dirac-gan");
    for (k, v) in set {
        config.set(k, v).unwrap();
    }
    on_threads(0..SEEDS, 2, |seed| {
        let mut c = config.clone();
        c.seed = seed;
        let steps = c.steps;
        let mut t = Trainer::new(c).expect("valid");
        let d = |t: &Trainer| {
            let theta = f64::from(t.generator().param(1).unwrap());
            let psi = f64::from(t.discriminator().param(0).unwrap());
            theta.hypot(psi)
        };
        let d0 = d(&t);
        t.run(steps);
        (seed, d0, d(&t))
    })
}

/// Every step of the dirac-gan tour, for every seed: alternating circles,
/// simultaneous moves out, R1 and constant instance noise converge, and so
/// do extragradient and consensus without a regulariser.
///
/// Without instance noise every sample of a batch is the same (x = 0 and
/// G(z) = θ), so the batch size changes the run only by rounding: those
/// steps run with batch 1. The noise step runs the lesson's own batch.
#[test]
fn the_dirac_gan_tour() {
    let circles = dirac_distances(&[("batch", "1")]);
    assert!(
        circles
            .iter()
            .all(|(_, d0, d1)| *d1 > 0.5 * d0 && *d1 < 1.3 * d0),
        "alternating, unregularised, keeps its distance: {circles:?}"
    );
    let out = dirac_distances(&[("update", "simultaneous"), ("batch", "1")]);
    assert!(
        out.iter().all(|(_, d0, d1)| *d1 > *d0 && *d1 > 0.9),
        "simultaneous moves out to its limit cycle: {out:?}"
    );
    for set in [
        vec![("r1", "1"), ("batch", "1")],
        vec![("instance_noise", "1")],
        vec![("update", "extragradient"), ("batch", "1")],
        vec![("update", "consensus"), ("batch", "1")],
    ] {
        let runs = dirac_distances(&set);
        assert!(
            runs.iter().all(|(_, _, d1)| *d1 < 1e-3),
            "{set:?} converges to (0, 0) within 1e-3: {runs:?}"
        );
    }
}
