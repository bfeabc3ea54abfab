//! The trainer: determinism, divergence and restore, live settings, and a
//! property test over random configs that it never panics.

mod common;

use ganscope::gan::{Config, GanError, LossKind, State, Trainer};
use ganscope::nn::{Mlp, OptimizerKind};
use proptest::prelude::*;

fn small() -> Config {
    Config {
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        ..Config::default()
    }
}

fn params(t: &Trainer) -> (Vec<u32>, Vec<u32>) {
    let bits = |m: &Mlp<f32>| m.params_flat().iter().map(|x| x.to_bits()).collect();
    (bits(t.generator()), bits(t.discriminator()))
}

#[test]
fn same_seed_same_run_bit_for_bit() {
    for loss in LossKind::ALL {
        let c = Config {
            loss: *loss,
            instance_noise: 0.3,
            r1: 1.0,
            pack: 2,
            label_smoothing: 0.1,
            k: 2,
            ..small()
        };
        let (mut a, mut b) = (Trainer::new(c.clone()).unwrap(), Trainer::new(c).unwrap());
        let mut losses = (Vec::new(), Vec::new());
        for _ in 0..200 {
            let (sa, sb) = (a.step(), b.step());
            losses.0.push(sa.loss_d.map(f64::to_bits));
            losses.0.push(sa.loss_g.map(f64::to_bits));
            losses.1.push(sb.loss_d.map(f64::to_bits));
            losses.1.push(sb.loss_g.map(f64::to_bits));
        }
        assert_eq!(a.step_count(), 200);
        assert_eq!(params(&a), params(&b), "{loss}: parameters differ");
        assert_eq!(losses.0, losses.1, "{loss}: losses differ");
    }
}

#[test]
fn different_seeds_differ() {
    let mut a = Trainer::new(small()).unwrap();
    let mut b = Trainer::new(Config { seed: 1, ..small() }).unwrap();
    a.run(200);
    b.run(200);
    assert_ne!(params(&a), params(&b));
}

#[test]
fn an_absurd_learning_rate_diverges_at_a_named_step_and_restores() {
    let c = Config {
        optimizer: OptimizerKind::Sgd,
        lr_d: 1e3,
        lr_g: 1e3,
        d_hidden: vec![256, 256],
        loss: LossKind::Lsgan,
        target: "normal(50, 10)".into(),
        ..small()
    };
    let mut t = Trainer::new(c).unwrap();
    let last = t.run(1000);
    let State::Diverged { step } = t.state() else {
        panic!("did not diverge: {last:?}");
    };
    assert!((1..=1000).contains(&step));
    assert_eq!(last.state, t.state());
    assert_eq!(
        t.step_count(),
        step - 1,
        "the failing iteration is not counted"
    );
    // Further steps do nothing and report it.
    let before = params(&t);
    let s = t.step();
    assert_eq!(s.state, State::Diverged { step });
    assert_eq!((s.loss_d, s.loss_g), (None, None));
    assert_eq!(params(&t), before);
    assert!(matches!(
        t.set("latent_dim", "2"),
        Err(GanError::NeedsReset { .. })
    ));

    assert!(t.restore());
    assert_eq!(t.state(), State::Running);
    assert!(t.generator().is_finite() && t.discriminator().is_finite());
    assert!(!t.restore(), "nothing left to undo");
    // The restored state is the one just before the failing update: the
    // same update from it fails again, but settings can change first.
    t.set("lr_d", "1e-6").unwrap();
    t.set("lr_g", "1e-6").unwrap();
    t.set("optimizer", "sgd").unwrap(); // an unchanged reset-only key is fine
    let kept = params(&t);
    let s = t.step();
    // Here the failure was in the loss: the first update (lr 1e3) left
    // finite but huge weights on which D's loss overflows, so nothing was
    // applied and there is nothing to undo. From that state the same
    // iteration fails again, at the same step, and again applies nothing.
    assert_eq!((s.state, s.step), (State::Diverged { step }, step - 1));
    assert_eq!(params(&t), kept, "a failed update applies nothing");
}

/// A learning rate set on a running trainer reaches its optimizer.
#[test]
fn a_live_learning_rate_reaches_the_optimizer() {
    let mut t = Trainer::new(small()).unwrap();
    common::live_learning_rates_reach_the_optimizers(&mut t);
}

#[test]
fn k_and_k_g_count_updates() {
    let mut t = Trainer::new(Config {
        k: 0,
        k_g: 0,
        ..small()
    })
    .unwrap();
    let before = params(&t);
    let s = t.step();
    assert_eq!(s.step, 1);
    assert_eq!((s.loss_d, s.loss_g), (None, None));
    assert_eq!(params(&t), before);
    t.set("k", "3").unwrap();
    let s = t.step();
    assert!(s.loss_d.is_some() && s.loss_g.is_none());
    assert_eq!(params(&t).0, before.0, "G is frozen with k_g = 0");
    assert_ne!(params(&t).1, before.1);
    // step_d / step_g do not count as iterations.
    t.step_d();
    t.step_g();
    assert_eq!(t.step_count(), 2);
}

#[test]
fn live_settings_apply_without_a_reset() {
    let mut t = Trainer::new(small()).unwrap();
    t.run(3);
    t.set("batch", "17").unwrap();
    t.set("instance_noise", "0.5").unwrap();
    t.set("loss", "hinge").unwrap();
    t.set("target", "0.5*normal(-2, 0.3) + 0.5*normal(2, 0.3)")
        .unwrap();
    t.set("r1", "2").unwrap();
    let s = t.step();
    assert_eq!(s.step, 4);
    assert!(s.sigma > 0.0 && s.sigma < 0.5);
    assert_eq!(t.last_fake_batch().len(), 17);
    assert_eq!(t.config().loss, LossKind::Hinge);
    // Invalid values are refused and change nothing.
    assert!(t.set("lr_d", "-1.0").is_err());
    assert!(t.set("batch", "0").is_err());
    assert!(t.set("pack", "2").is_err());
    assert!(t.set("target", "normal(0, -1)").is_err());
    assert_eq!(t.config().lr_d, small().lr_d);
}

#[test]
fn evaluation_helpers_have_the_right_shapes_and_signs() {
    let c = Config {
        pack: 3,
        batch: 30,
        ..small()
    };
    let t = Trainer::new(c).unwrap();
    let x = [-1.0, 0.0, 2.0];
    assert_eq!(t.generate(&[0.5, -0.5]).len(), 2);
    let raw = t.d_raw(&x);
    let prob = t.d_display(&x);
    assert!(
        prob.iter()
            .zip(&raw)
            .all(|(p, l)| (p - 1.0 / (1.0 + (-l).exp())).abs() < 1e-6)
    );
    // The input gradient along the diagonal against a finite difference.
    let g = t.d_input_grad(&x);
    for (i, &xi) in x.iter().enumerate() {
        let fd = (t.d_raw(&[xi + 1e-2])[0] - t.d_raw(&[xi - 1e-2])[0]) / 2e-2;
        assert!(
            (fd - g[i]).abs() < 1e-2 * (1.0 + fd.abs()),
            "{fd} vs {}",
            g[i]
        );
    }
    // Non-saturating: the force points up D's slope, scaled by σ(−l)/pack.
    let f = t.generator_force(&x);
    for i in 0..3 {
        let expect = g[i] / 3.0 / (1.0 + raw[i].exp());
        assert!((f[i] - expect).abs() < 1e-6 * (1.0 + expect.abs()));
    }
}

/// 1..=max, log-uniformly, so that most cases stay small and fast.
fn log_uniform(max: usize) -> impl Strategy<Value = usize> {
    (0.0f64..=(max as f64).log2()).prop_map(move |e| (2f64.powf(e).round() as usize).clamp(1, max))
}

fn any_config() -> impl Strategy<Value = Config> {
    (
        (
            prop::sample::select(LossKind::ALL.to_vec()),
            prop::sample::select(OptimizerKind::ALL.to_vec()),
            -6.0f64..3.0,
            -6.0f64..3.0,
            prop::collection::vec(log_uniform(256), 0..3),
            prop::collection::vec(log_uniform(256), 0..3),
        ),
        (
            0usize..=50,
            0usize..=3,
            log_uniform(4096),
            1usize..=8,
            1usize..=3,
            any::<u32>(),
            prop::sample::select(vec![
                "normal(2, 0.5)",
                "modes(4, 3, 0.2)",
                "cauchy(0, 1)",
                "0.1*uniform(-5, -4) + 0.9*lognormal(0, 1)",
            ]),
        ),
        (
            0.0f64..2.0,
            0.0f64..5.0,
            0.0f64..0.49,
            0.0f64..0.1,
            0.0f64..20.0,
        ),
    )
        .prop_map(
            |(
                (loss, opt, lr_d, lr_g, gh, dh),
                (k, k_g, batch, pack, latent, seed, target),
                (noise, r1, s, clip, gp),
            )| Config {
                loss,
                optimizer: opt,
                lr_d: 10f64.powf(lr_d),
                lr_g: 10f64.powf(lr_g),
                g_hidden: gh,
                d_hidden: dh,
                k,
                k_g,
                batch: batch.max(pack),
                pack,
                latent_dim: latent,
                seed: seed as u64,
                target: target.into(),
                instance_noise: noise,
                r1,
                label_smoothing: s,
                clip,
                gp,
                steps: 4,
                ..Config::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any valid config trains a few steps without panicking and ends
    /// running, or diverged at a named step with a restorable state.
    #[test]
    fn random_configs_never_panic(c in any_config()) {
        c.validate().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut t = Trainer::new(c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = t.run(2);
        match t.state() {
            State::Running => prop_assert_eq!(s.step, 2),
            State::Diverged { step } => {
                prop_assert!((1..=2).contains(&step));
                t.restore();
                prop_assert!(t.generator().is_finite() && t.discriminator().is_finite());
            }
        }
    }
}

/// The learning-rate schedule: both rates fall linearly from
/// `lr_decay_from · steps` to `lr_end` times their value at `steps`, and the
/// optimizers run at them (so late updates are small).
#[test]
fn the_learning_rate_schedule_reaches_the_optimizers() {
    let mut t = Trainer::new(Config {
        steps: 100,
        lr_end: 1e-6,
        lr_decay_from: 0.5,
        ..small()
    })
    .unwrap();
    assert_eq!(t.lr_factor(), 1.0);
    t.run(50);
    assert_eq!(t.lr_factor(), 1.0, "the decay starts at step 50");
    t.run(25);
    assert!((t.lr_factor() - (1.0 + (1e-6 - 1.0) * 0.5)).abs() < 1e-12);
    t.run(25);
    assert!(
        (t.lr_factor() - 1e-6).abs() < 1e-15,
        "lr_end at the last step"
    );
    // At the end the rates are 1e-9: Adam moves no parameter by more than a
    // small multiple of that.
    let (g0, d0) = (t.generator().params_flat(), t.discriminator().params_flat());
    t.step();
    assert!(common::max_change(&g0, &t.generator().params_flat()) < 2e-8);
    assert!(common::max_change(&d0, &t.discriminator().params_flat()) < 2e-8);
    // A rate set live is scaled by the factor too.
    t.set("lr_g", "0.1").unwrap();
    let g1 = t.generator().params_flat();
    t.step();
    assert!(common::max_change(&g1, &t.generator().params_flat()) < 2e-6);
}
