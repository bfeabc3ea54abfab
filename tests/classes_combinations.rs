//! Conditional runs (`classes(…)` targets) with the mechanisms that came
//! beside them: what the config refuses, in one line (the Dirac-GAN's
//! constant G and linear D, the oracle D, a point-mass class), and what
//! runs — every update rule (their rounds draw the classes), the f-GAN
//! losses (the snapshot's D_f and bound are the conditional ones), and the
//! instance-noise schedules — with the same bits for the same seed.
//!
//! The candle engine's agreement on these runs is in
//! `tests/candle_backend.rs`, the cross gradients of consensus against
//! finite differences in `tests/gan_gradcheck.rs`.

use ganscope::gan::{Config, LossKind, State, Trainer};

const TARGET: &str = "classes(normal(-2, 0.5), 2*laplace(1, 0.7), normal(3, 0.4))";

fn config() -> Config {
    Config {
        target: TARGET.into(),
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        ..Config::default()
    }
}

fn bits(t: &Trainer) -> Vec<u32> {
    let mut v: Vec<u32> = t
        .generator()
        .params_flat()
        .iter()
        .map(|x| x.to_bits())
        .collect();
    v.extend(t.discriminator().params_flat().iter().map(|x| x.to_bits()));
    v
}

#[test]
fn a_classes_target_refuses_what_cannot_see_the_class() {
    for (key, value, what) in [
        (
            "g_model",
            "constant",
            "a classes(…) target needs g_model = mlp, not constant",
        ),
        (
            "d_model",
            "linear",
            "a classes(…) target needs d_model = mlp, not linear",
        ),
        (
            "d_model",
            "oracle",
            "a classes(…) target needs d_model = mlp, not oracle",
        ),
        (
            "target",
            "classes(normal(0, 1), dirac(2))",
            "a classes(…) target needs classes with a density",
        ),
        (
            "dataset",
            "200",
            "a classes(…) target needs dataset = 0, got 200",
        ),
    ] {
        for conditioning in ["concat", "projection", "g_only", "none"] {
            let mut c = config();
            c.set("conditioning", conditioning).unwrap();
            c.validate().unwrap();
            c.set(key, value).unwrap();
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(what), "{key} = {value}, {conditioning}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
            assert!(
                Trainer::new(c.clone()).is_err(),
                "{key} = {value}: no trainer"
            );
        }
        // The same value on an unconditional target is the other issues' own.
        if key != "target" {
            let mut c = Config::default();
            c.set(key, value).unwrap();
            c.validate()
                .unwrap_or_else(|e| panic!("{key} = {value}, unconditional: {e}"));
        }
    }
}

/// A live change cannot make a running conditional trainer a Dirac-GAN or
/// give it a point-mass class; a live update rule can change.
#[test]
fn a_live_change_keeps_a_conditional_run_valid() {
    let mut t = Trainer::new(config()).unwrap();
    t.run(3);
    let before = t.config().clone();
    let e = t
        .set("target", "classes(normal(0, 1), dirac(2), normal(3, 1))")
        .unwrap_err()
        .to_string();
    assert!(e.contains("classes with a density"), "{e}");
    assert!(t.set("g_model", "constant").is_err());
    assert_eq!(t.config(), &before, "nothing changed");
    t.set("update", "consensus").unwrap();
    let stats = t.run(3);
    assert_eq!((stats.step, t.state()), (6, State::Running));
}

/// Every update rule, the f-GAN losses, WGAN-GP and both instance-noise
/// schedules, in every conditioning mode: the run goes on with finite
/// per-class theory, and the same seed gives the same bits.
#[test]
fn every_rule_loss_and_noise_runs_on_classes() {
    let mut configs = Vec::new();
    for rule in ["simultaneous", "extragradient", "optimistic", "consensus"] {
        for conditioning in ["concat", "projection", "g_only", "none"] {
            let mut c = config();
            c.set("update", rule).unwrap();
            c.set("conditioning", conditioning).unwrap();
            configs.push(c);
        }
    }
    for loss in ["fgan_kl", "fgan_js", "wgan_gp"] {
        let mut c = config();
        c.set("loss", loss).unwrap();
        c.set("conditioning", "projection").unwrap();
        c.set("update", "optimistic").unwrap();
        configs.push(c);
    }
    let mut noisy = config();
    for (k, v) in [
        ("instance_noise", "0.3"),
        ("noise_schedule", "constant"),
        ("noise_draws", "stratified"),
        ("init_scale", "0.5"),
        ("pack", "2"),
    ] {
        noisy.set(k, v).unwrap();
    }
    configs.push(noisy);
    for c in configs {
        let label = format!("{} {} {}", c.update, c.loss, c.conditioning);
        let mut a = Trainer::new(c.clone()).unwrap();
        let mut b = Trainer::new(c.clone()).unwrap();
        a.run(30);
        b.run(30);
        assert_eq!(a.state(), State::Running, "{label}");
        assert_eq!(bits(&a), bits(&b), "{label}: same seed, same bits");
        assert_ne!(
            bits(&a),
            bits(&Trainer::new(c).unwrap()),
            "{label}: the run moved"
        );
        let s = a.snapshot();
        assert_eq!(s.classes.len(), 3, "{label}");
        for cs in &s.classes {
            assert!(cs.theory.jsd.is_finite(), "{label}: JSD_c");
        }
        assert!(s.theory.c_g.is_finite(), "{label}: the cGAN's C(G)");
    }
}

/// The f-GAN's D_f and bound of a conditional run are the class sums
/// Σ_c π_c D_f(p_data(·|c) ‖ p_g(·|c)) and Σ_c π_c bound_c: for `fgan_js`,
/// D_f = 2·JSD, so D_f = Σ_c π_c 2 JSD_c = C(G) + ln 4 with the cGAN's C(G)
/// (summed from each class's theory, not from D_f); the bound of any
/// critic is below it in every class, and the figure draws each class's T*.
#[test]
fn a_conditional_f_gan_reports_the_conditional_divergence() {
    for loss in [LossKind::FganJs, LossKind::FganKl, LossKind::FganHellinger] {
        let c = Config { loss, ..config() };
        let mut t = Trainer::new(c).unwrap();
        t.run(40);
        let s = t.snapshot();
        let df = s.f_divergence.expect("an f-GAN loss has D_f");
        let bound = s.f_bound.expect("and a bound");
        let mut sum_df = 0.0;
        let mut sum_bound = 0.0;
        for cs in &s.classes {
            let (d, b) = (cs.f_divergence.unwrap(), cs.f_bound.unwrap());
            assert!(b <= d + 1e-9, "{loss}: class bound {b} above D_f {d}");
            sum_df += cs.weight * d;
            sum_bound += cs.weight * b;
            assert_eq!(cs.t_star.len(), cs.p_data.len(), "{loss}: T*(·, c)");
        }
        // An infinite class divergence (KL where the supports disagree on
        // the grid) makes the sum infinite.
        assert!(
            df == sum_df || (df - sum_df).abs() <= 1e-12 * df.abs().max(1.0),
            "{loss}: D_f {df} vs Σ π_c D_f,c {sum_df}"
        );
        assert!(
            (bound - sum_bound).abs() <= 1e-9,
            "{loss}: bound {bound} vs {sum_bound}"
        );
        assert!(s.f_gap().unwrap() >= -1e-9, "{loss}: gap {:?}", s.f_gap());
        if loss == LossKind::FganJs {
            let want = s.theory.c_g + 4f64.ln();
            assert!(
                (df - want).abs() < 1e-9,
                "fgan_js: D_f {df} vs C(G) + ln 4 = {want}"
            );
        }
        let fig = ganscope::report::figure::figure_data(&s, "");
        for cc in &fig.classes {
            assert!(
                cc.d_star.iter().any(|v| v.is_finite()),
                "{loss}: the class's T* is drawn"
            );
        }
    }
}
