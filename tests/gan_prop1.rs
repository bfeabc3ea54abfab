//! Proposition 1 of Goodfellow et al. (2014): for a fixed G the optimal
//! discriminator is `D*(x) = p_data(x) / (p_data(x) + p_g(x))`, and
//! `V(G, D*) = C(G) = max_D V(G, D)`.
//!
//! G is frozen (`k_g = 0`) and D alone is trained on a bimodal target that
//! overlaps p_g (G first learns normal(0, 1) for a while, so D* is neither
//! 0 nor 1 over much of the mass). The snapshot's exact theory gives
//! p_data, p_g and D* per bin; D is compared with D* bin by bin, weighted by
//! `p_data + p_g`, and `V(G, D)` with `C(G)`. An independent computation of
//! C(G) from the snapshot's masses cross-checks the theory module.

use ganscope::gan::{Config, LossKind, Prior, State, Trainer};

/// Mean |D − D*| weighted by p_data + p_g (bins where both vanish have no weight).
fn weighted_error(p: &[f64], q: &[f64], d: &[f64], d_star: &[f64]) -> f64 {
    let num: f64 = (0..p.len())
        .filter(|&i| p[i] + q[i] > 0.0)
        .map(|i| (p[i] + q[i]) * (d[i] - d_star[i]).abs())
        .sum();
    num / (p.iter().sum::<f64>() + q.iter().sum::<f64>())
}

/// C(G) = Σ P ln(P/(P+Q)) + Q ln(Q/(P+Q)), written out.
fn c_of_g(p: &[f64], q: &[f64]) -> f64 {
    let t = |a: f64, b: f64| if a > 0.0 { a * (a / (a + b)).ln() } else { 0.0 };
    p.iter().zip(q).map(|(&p, &q)| t(p, q) + t(q, p)).sum()
}

#[test]
fn d_trained_alone_approaches_d_star_and_v_approaches_c() {
    let config = Config {
        prior: Prior::Normal,
        loss: LossKind::Minimax,
        k: 1,
        k_g: 0,
        batch: 512,
        lr_d: 2e-3,
        seed: 3,
        target: "normal(0, 1)".into(),
        ..Config::default()
    };
    let mut t = Trainer::new(config).unwrap();
    // First let G learn normal(0, 1) for a while, so that p_g has a spread
    // of order one, then freeze it and switch to a bimodal target that
    // overlaps it.
    t.set("k_g", "1").unwrap();
    t.set("lr_g", "2e-3").unwrap();
    t.run(600);
    t.set("k_g", "0").unwrap();
    t.set("target", "0.5*normal(-1, 0.5) + 0.5*normal(1, 0.5)")
        .unwrap();
    let g_before = t.generator().params_flat();

    let s0 = t.snapshot();
    assert!(s0.p_g_exact);
    let (p, q) = (&s0.p_data_mass, &s0.p_g_mass);
    let err0 = weighted_error(p, q, &s0.d, &s0.theory.d_star);
    assert!(err0 > 0.05, "the untrained D is already optimal? {err0}");
    assert!(
        s0.theory.jsd > 0.05 && s0.theory.jsd < 0.6,
        "want overlapping p_data and p_g, JSD = {}",
        s0.theory.jsd
    );

    for (steps, lr) in [(2500, 2e-3), (1000, 5e-4), (500, 1e-4)] {
        t.set("lr_d", &lr.to_string()).unwrap();
        t.run(steps);
    }
    assert_eq!(t.state(), State::Running);
    assert_eq!(t.generator().params_flat(), g_before, "G must stay frozen");

    let s = t.snapshot();
    let (p, q) = (&s.p_data_mass, &s.p_g_mass);
    assert_eq!((p, q), (&s0.p_data_mass, &s0.p_g_mass), "same G, same grid");
    let err = weighted_error(p, q, &s.d, &s.theory.d_star);
    let c_g = s.theory.c_g;
    let v = s.theory.v.unwrap();
    let gap = s.theory.gap().unwrap();
    eprintln!(
        "weighted |D − D*| {err0:.4} -> {err:.4}; JSD {:.4}, C(G) = {c_g:.5}, V = {v:.5} (was {:.5}), gap {gap:.2e}",
        s.theory.jsd,
        s0.theory.v.unwrap()
    );
    assert!(err < 0.02, "weighted |D − D*| = {err} (untrained {err0})");
    // C(G) = max_D V(G, D) ≥ V(G, D), and the gap closes as D → D*.
    assert!((-1e-9..0.01).contains(&gap), "C(G) − V(G, D) = {gap}");
    assert!(s0.theory.gap().unwrap() > 10.0 * gap);
    // C(G) = −ln 4 + 2 JSD, cross-checked by hand.
    assert!((c_g - c_of_g(p, q)).abs() < 1e-9);
    assert!((c_g - (-(4f64.ln()) + 2.0 * s.theory.jsd)).abs() < 1e-9);
}
