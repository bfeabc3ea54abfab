//! The Dirac-GAN of Mescheder et al. (2018): p_data = δ₀, G(z) = θ,
//! D(x) = ψ·x, the non-saturating loss, plain SGD with lr_d = lr_g. The
//! paper's claims, run on the trainer itself:
//!
//! - unregularised simultaneous descent moves away from (0, 0);
//! - alternating descent circles: bounded, and nowhere near converged;
//! - R1 (γ > 0), or constant instance noise, converge to (0, 0) within 1e-3;
//! - WGAN with weight clipping does not converge;
//! - extragradient and consensus optimisation converge where simultaneous
//!   descent does not;
//!
//! and the eigenvalues of the phase plane: from the objective's own f64
//! gradients, ±i·f′(0) unregularised and −γ/2 ± √(γ²/4 − f′(0)²) with R1,
//! f′(0) = ½ for the non-saturating loss; each rule's map converging
//! exactly when its eigenvalues lie inside the unit circle.
//!
//! The runs start near the equilibrium (`init_scale = 0.1`): with the
//! non-saturating loss the field has a weak damping of fourth order in the
//! distance, so simultaneous descent grows towards a limit cycle (radius
//! about 1 at lr 0.5) rather than without bound, and alternating descent
//! drifts inwards ever more slowly without converging at any rate.

mod common;

use common::run_seeds;
use ganscope::gan::phase::spectral_radius;
use ganscope::gan::{Config, DiracPlane, Trainer, UpdateRule};

const LR: &str = "0.5";

fn dirac(update: &str, seed: u64) -> Config {
    let mut c = Config::default();
    for (k, v) in [
        ("target", "dirac(0)"),
        ("g_model", "constant"),
        ("d_model", "linear"),
        ("loss", "non_saturating"),
        ("optimizer", "sgd"),
        ("lr_d", LR),
        ("lr_g", LR),
        ("batch", "1"),
        ("init_scale", "0.1"),
        ("consensus_gamma", "1"),
        ("update", update),
    ] {
        c.set(k, v).unwrap();
    }
    c.seed = seed;
    c
}

/// (θ, ψ) after each of `steps` iterations, starting with the initial point.
fn path(config: Config, steps: u64) -> Vec<[f64; 2]> {
    let mut t = Trainer::new(config).unwrap();
    let at = |t: &Trainer| {
        [
            f64::from(t.generator().param(1).unwrap()),
            f64::from(t.discriminator().param(0).unwrap()),
        ]
    };
    let mut out = vec![at(&t)];
    for _ in 0..steps {
        t.step();
        out.push(at(&t));
    }
    out
}

fn dist(p: &[f64; 2]) -> f64 {
    p[0].hypot(p[1])
}

/// The largest distance over the last `n` points.
fn tail_max(path: &[[f64; 2]], n: usize) -> f64 {
    path[path.len() - n..].iter().map(dist).fold(0.0, f64::max)
}

const SEEDS: u64 = 10;

#[test]
fn simultaneous_descent_moves_away() {
    for (seed, p) in run_seeds(0..SEEDS, 2, |s| (s, path(dirac("simultaneous", s), 2000))) {
        let (d0, d1) = (dist(&p[0]), dist(&p[p.len() - 1]));
        eprintln!("seed {seed}: {d0:.4} -> {d1:.4}");
        assert!(d0 > 0.0 && d1 > 4.0 * d0, "seed {seed}: {d0} -> {d1}");
    }
}

#[test]
fn alternating_descent_circles() {
    for (seed, p) in run_seeds(0..SEEDS, 2, |s| (s, path(dirac("alternating", s), 4000))) {
        let d0 = dist(&p[0]);
        let (lo, hi) = p
            .iter()
            .map(dist)
            .fold((f64::INFINITY, 0.0f64), |(a, b), d| (a.min(d), b.max(d)));
        eprintln!("seed {seed}: start {d0:.4}, range [{lo:.4}, {hi:.4}]");
        // The alternating map keeps an ellipse, not a circle: within (1 ± η/4).
        assert!(hi <= 1.3 * d0, "seed {seed}: bounded ({hi} from {d0})");
        assert!(
            lo >= 0.5 * d0,
            "seed {seed}: not converging ({lo} from {d0})"
        );
        // It goes round: θ changes sign.
        let flips = p
            .windows(2)
            .filter(|w| w[0][0].signum() != w[1][0].signum())
            .count();
        assert!(flips >= 4, "seed {seed}: {flips} sign changes of θ");
    }
}

fn converges(config: Config, steps: u64) -> f64 {
    tail_max(&path(config, steps), 100)
}

#[test]
fn r1_converges_for_both_rules() {
    for update in ["alternating", "simultaneous"] {
        for seed in 0..SEEDS {
            let mut c = dirac(update, seed);
            c.set("r1", "1").unwrap();
            let d = converges(c, 300);
            assert!(d < 1e-3, "{update} seed {seed}: {d}");
        }
    }
}

#[test]
fn constant_instance_noise_converges() {
    for (seed, d) in run_seeds(0..SEEDS, 2, |s| {
        let mut c = dirac("alternating", s);
        for (k, v) in [
            ("instance_noise", "1"),
            ("noise_schedule", "constant"),
            ("noise_draws", "stratified"),
            ("batch", "1024"),
            ("lr_d", "0.1"),
            ("lr_g", "0.1"),
        ] {
            c.set(k, v).unwrap();
        }
        (s, converges(c, 1500))
    }) {
        eprintln!("seed {seed}: {d:e}");
        assert!(d < 1e-3, "seed {seed}: {d}");
    }
}

#[test]
fn wgan_with_clipping_does_not_converge() {
    for update in ["alternating", "simultaneous"] {
        for seed in 0..SEEDS {
            let mut c = dirac(update, seed);
            c.set("loss", "wgan").unwrap();
            c.set("clip", "0.01").unwrap();
            let p = path(c, 3000);
            let tail = &p[p.len() - 1000..];
            let lo = tail.iter().map(dist).fold(f64::INFINITY, f64::min);
            assert!(lo > 5e-3, "{update} seed {seed}: came within {lo}");
        }
    }
}

#[test]
fn extragradient_and_consensus_converge_where_simultaneous_does_not() {
    for seed in 0..SEEDS {
        let sim = tail_max(&path(dirac("simultaneous", seed), 1000), 100);
        let eg = converges(dirac("extragradient", seed), 1000);
        let cons = converges(dirac("consensus", seed), 1000);
        eprintln!(
            "seed {seed}: simultaneous {sim:.3e}, extragradient {eg:.3e}, consensus {cons:.3e}"
        );
        assert!(sim > 0.1, "seed {seed}: simultaneous {sim}");
        assert!(eg < 1e-3 && cons < 1e-3, "seed {seed}: {eg} {cons}");
    }
}

fn plane(config: &Config) -> DiracPlane {
    DiracPlane::new(config, 0.0).expect("a Dirac-GAN config")
}

#[test]
fn eigenvalues_match_the_closed_forms() {
    // f(t) = −ln(1 + e^{−t}), f′(0) = ½ for the non-saturating loss.
    let fp = 0.5;
    let s = plane(&dirac("alternating", 0)).spectrum();
    for c in s.continuous {
        assert!(c.re.abs() < 1e-6 && (c.im.abs() - fp).abs() < 1e-6, "{c}");
    }
    for gamma in [0.3, 1.0, 2.0, 5.0] {
        let mut c = dirac("alternating", 0);
        c.r1 = gamma;
        let s = plane(&c).spectrum();
        let disc = gamma * gamma / 4.0 - fp * fp;
        let want: Vec<(f64, f64)> = if disc >= 0.0 {
            vec![
                (-gamma / 2.0 + disc.sqrt(), 0.0),
                (-gamma / 2.0 - disc.sqrt(), 0.0),
            ]
        } else {
            vec![
                (-gamma / 2.0, (-disc).sqrt()),
                (-gamma / 2.0, -(-disc).sqrt()),
            ]
        };
        for (re, im) in want {
            let best = s
                .continuous
                .iter()
                .map(|c| ((c.re - re).powi(2) + (c.im - im).powi(2)).sqrt())
                .fold(f64::INFINITY, f64::min);
            assert!(
                best < 1e-6,
                "γ = {gamma}: {re} + {im}i not in {:?}",
                s.continuous
            );
        }
    }
}

#[test]
fn each_rule_converges_exactly_when_its_map_is_inside_the_unit_circle() {
    let s = plane(&dirac("alternating", 0)).spectrum();
    let radius = |r: UpdateRule| spectral_radius(&s.maps.iter().find(|m| m.0 == r).unwrap().1);
    let eta: f64 = LR.parse().unwrap();
    // Closed forms at lr η: simultaneous |1 ± iη/2|, alternating 1.
    assert!((radius(UpdateRule::Simultaneous) - (1.0 + eta * eta / 4.0).sqrt()).abs() < 1e-6);
    assert!((radius(UpdateRule::Alternating) - 1.0).abs() < 1e-6);
    assert!(radius(UpdateRule::Extragradient) < 1.0);
    assert!(radius(UpdateRule::Optimistic) < 1.0);
    assert!(radius(UpdateRule::Consensus) < 1.0);
    let mut r1 = dirac("alternating", 0);
    r1.r1 = 1.0;
    let s = plane(&r1).spectrum();
    for (rule, eigs) in &s.maps {
        assert!(spectral_radius(eigs) < 1.0, "{rule} with R1: {eigs:?}");
    }
}
