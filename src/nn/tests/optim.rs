//! Optimizer update rules on problems with known answers.
//!
//! The "network" is only a parameter container here: the tests feed
//! hand-made gradients, e.g. those of `½‖θ − θ*‖²`, which is `θ − θ*`.

use crate::nn::{Activation, Grads, Mlp, NnError, Optimizer, OptimizerConfig, OptimizerKind};

/// A [2, 2, 1] network (9 parameters, two layers) with the given flat params.
fn container(params: &[f64]) -> Mlp<f64> {
    Mlp::from_params(&[2, 2, 1], Activation::Tanh, params).unwrap()
}

fn grads_of(mlp: &Mlp<f64>, flat: &[f64]) -> Grads<f64> {
    let mut g = mlp.zero_grads();
    g.set_flat(flat).unwrap();
    g
}

/// Gradient of `½‖θ − θ*‖²`.
fn quad_grad(mlp: &Mlp<f64>, target: &[f64]) -> Grads<f64> {
    let d: Vec<f64> = mlp
        .params_flat()
        .iter()
        .zip(target)
        .map(|(p, t)| p - t)
        .collect();
    grads_of(mlp, &d)
}

fn dist(mlp: &Mlp<f64>, target: &[f64]) -> f64 {
    mlp.params_flat()
        .iter()
        .zip(target)
        .map(|(p, t)| (p - t).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn config(kind: OptimizerKind, lr: f64) -> OptimizerConfig {
    OptimizerConfig {
        kind,
        lr,
        ..OptimizerConfig::default()
    }
}

const START: [f64; 9] = [1.0, -2.0, 0.5, 3.0, -1.0, 0.0, 2.0, -0.5, 4.0];
const TARGET: [f64; 9] = [0.0, 1.0, -1.0, 2.0, 0.5, -3.0, 1.0, 1.0, 0.0];

/// On `½‖θ − θ*‖²`, SGD gives `θ_n = θ* + (1 − lr)ⁿ (θ₀ − θ*)`.
#[test]
fn sgd_matches_the_closed_form_on_a_quadratic() {
    let (lr, n) = (0.1, 25);
    let mut mlp = container(&START);
    let mut opt = Optimizer::new(config(OptimizerKind::Sgd, lr), &mlp).unwrap();
    for _ in 0..n {
        let g = quad_grad(&mlp, &TARGET);
        opt.step(&mut mlp, &g);
    }
    let decay = (1.0 - lr).powi(n);
    for ((p, s), t) in mlp.params_flat().iter().zip(START).zip(TARGET) {
        assert!((p - (t + decay * (s - t))).abs() < 1e-12);
    }
    assert_eq!(opt.steps(), n as u64);
}

/// Adam's first step is `lr · m̂/(√v̂ + ε) = lr · g/(|g| + ε) ≈ lr · sign(g)`,
/// whatever the gradient's magnitude.
#[test]
fn adam_first_step_moves_by_lr_times_sign() {
    let lr = 0.01;
    let mut mlp = container(&START);
    let mut opt = Optimizer::new(config(OptimizerKind::Adam, lr), &mlp).unwrap();
    let g = [1e-3, -5.0, 2.0, -1e-2, 100.0, 0.3, -0.3, 7.0, -0.05];
    let grads = grads_of(&mlp, &g);
    opt.step(&mut mlp, &grads);
    for ((p, s), g) in mlp.params_flat().iter().zip(START).zip(g) {
        let moved = s - p;
        assert!((moved - lr * g / (g.abs() + 1e-8)).abs() < 1e-15, "g = {g}");
        assert!((moved - lr * g.signum()).abs() < 1e-4 * lr, "g = {g}");
    }
}

/// Two steps with `g₁ = 1`, `g₂ = 3` (β₁ = 0.9, β₂ = 0.999, lr = 1, ε = 1e-8):
/// - step 1: `m̂ = 1`, `v̂ = 1`, move `1/(1 + ε)`.
/// - step 2: `m = 0.9·0.1 + 0.1·3 = 0.39`, `m̂ = 0.39/(1 − 0.81) = 2.052631…`;
///   `v = 0.999·0.001 + 0.001·9 = 0.009999`, `v̂ = 0.009999/(1 − 0.998001) = 5.002001…`;
///   move `m̂/(√v̂ + ε) = 0.917781…`.
///
/// Every parameter (of both layers) must move the same: the step counter
/// advances once per step, not once per layer.
#[test]
fn adam_bias_correction_over_two_steps() {
    let mut mlp = container(&[0.0; 9]);
    let mut opt = Optimizer::new(config(OptimizerKind::Adam, 1.0), &mlp).unwrap();
    let grads = grads_of(&mlp, &[1.0; 9]);
    opt.step(&mut mlp, &grads);
    let first = 1.0 / (1.0 + 1e-8);
    for p in mlp.params_flat() {
        assert!((p + first).abs() < 1e-12, "{p}");
    }
    let grads = grads_of(&mlp, &[3.0; 9]);
    opt.step(&mut mlp, &grads);
    let m_hat = 0.39 / 0.19;
    let v_hat: f64 = 0.009_999 / 0.001_999;
    let second = m_hat / (v_hat.sqrt() + 1e-8);
    assert!((second - 0.917_781).abs() < 1e-6, "hand value {second}");
    for p in mlp.params_flat() {
        assert!((p + first + second).abs() < 1e-12, "{p}");
    }
    assert_eq!(opt.steps(), 2);
}

/// PyTorch's momentum: `v₁ = g₁`, `v₂ = β v₁ + g₂`.
#[test]
fn momentum_first_two_steps_by_hand() {
    let mut mlp = container(&[0.0; 9]);
    let cfg = OptimizerConfig {
        beta1: 0.5,
        ..config(OptimizerKind::Momentum, 0.1)
    };
    let mut opt = Optimizer::new(cfg, &mlp).unwrap();
    let grads = grads_of(&mlp, &[2.0; 9]);
    opt.step(&mut mlp, &grads);
    let grads = grads_of(&mlp, &[4.0; 9]);
    opt.step(&mut mlp, &grads);
    // −0.1·2 − 0.1·(0.5·2 + 4) = −0.7
    for p in mlp.params_flat() {
        assert!((p + 0.7).abs() < 1e-12, "{p}");
    }
}

#[test]
fn momentum_and_rmsprop_minimise_a_quadratic() {
    for (kind, lr) in [
        (OptimizerKind::Momentum, 0.05),
        (OptimizerKind::Rmsprop, 0.01),
        (OptimizerKind::Adam, 0.05),
    ] {
        let mut mlp = container(&START);
        let mut opt = Optimizer::new(config(kind, lr), &mlp).unwrap();
        let d0 = dist(&mlp, &TARGET);
        for _ in 0..1000 {
            let g = quad_grad(&mlp, &TARGET);
            opt.step(&mut mlp, &g);
        }
        let d = dist(&mlp, &TARGET);
        assert!(d < 1e-2 * d0, "{kind}: distance {d0} → {d}");
    }
}

/// Changing the learning rate keeps the moments and the step counter: the
/// next Adam step is exactly half of the one an untouched copy takes.
#[test]
fn set_lr_keeps_state() {
    let mut mlp = container(&START);
    let mut opt = Optimizer::new(config(OptimizerKind::Adam, 0.1), &mlp).unwrap();
    for _ in 0..3 {
        let g = quad_grad(&mlp, &TARGET);
        opt.step(&mut mlp, &g);
    }
    let mut copy = opt.clone();
    opt.set_lr(0.05).unwrap();
    assert_eq!(opt.steps(), 3);
    let g = quad_grad(&mlp, &TARGET);
    let (mut a, mut b) = (mlp.clone(), mlp.clone());
    opt.step(&mut a, &g);
    copy.step(&mut b, &g);
    for ((p, pa), pb) in mlp
        .params_flat()
        .iter()
        .zip(a.params_flat())
        .zip(b.params_flat())
    {
        assert!(((p - pa) - 0.5 * (p - pb)).abs() < 1e-12);
    }
    assert!(matches!(
        opt.set_lr(-1.0),
        Err(NnError::InvalidHyperparameter { name: "lr", .. })
    ));
    assert_eq!(opt.config().lr, 0.05);
}

#[test]
fn names_defaults_and_validation() {
    for &k in OptimizerKind::ALL {
        assert_eq!(k.to_string().parse::<OptimizerKind>().unwrap(), k);
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
    }
    let err = "adagrad".parse::<OptimizerKind>().unwrap_err().to_string();
    assert!(err.contains("rmsprop"), "{err}");
    let d = OptimizerConfig::default();
    assert_eq!(
        (d.kind, d.lr, d.beta1, d.beta2, d.eps),
        (OptimizerKind::Adam, 1e-3, 0.9, 0.999, 1e-8)
    );
    assert!(OptimizerConfig { beta2: 1.0, ..d }.validate().is_err());
    assert!(OptimizerConfig { lr: f64::NAN, ..d }.validate().is_err());
    assert!(d.validate().is_ok());
}
