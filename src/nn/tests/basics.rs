//! Construction, parameter handling, workspace reuse and gradient buffers.

use rand::SeedableRng;
use rand_pcg::Pcg64;

use crate::nn::{Activation, Init, Mlp, NnError};

fn net<T: nalgebra::RealField + Copy>(sizes: &[usize], act: Activation, seed: u64) -> Mlp<T> {
    Mlp::new(sizes, act, Init::Default, &mut Pcg64::seed_from_u64(seed)).unwrap()
}

#[test]
fn f32_and_f64_from_the_same_seed_have_the_same_weights() {
    for init in [Init::Default, Init::Xavier, Init::He] {
        let sizes = [3, 7, 5, 1];
        let a: Mlp<f32> =
            Mlp::new(&sizes, Activation::Elu, init, &mut Pcg64::seed_from_u64(11)).unwrap();
        let b: Mlp<f64> =
            Mlp::new(&sizes, Activation::Elu, init, &mut Pcg64::seed_from_u64(11)).unwrap();
        assert_eq!(a, b.cast::<f32>(), "{init:?}");
        for (x, y) in a.params_flat().iter().zip(b.params_flat()) {
            assert_eq!(*x, y as f32);
        }
        // A different seed gives different weights (the test can fail).
        let c: Mlp<f64> =
            Mlp::new(&sizes, Activation::Elu, init, &mut Pcg64::seed_from_u64(12)).unwrap();
        assert_ne!(b, c);
    }
}

#[test]
fn default_init_respects_the_fan_in_bound() {
    let mlp: Mlp<f64> = net(&[4, 9, 1], Activation::Relu, 5);
    for l in 1..=mlp.num_layers() {
        let bound = 1.0 / (mlp.weights(l).ncols() as f64).sqrt();
        assert!(mlp.weights(l).iter().all(|w| w.abs() <= bound));
        assert!(mlp.bias(l).iter().all(|b| b.abs() <= bound));
    }
    let xavier: Mlp<f64> = Mlp::new(
        &[4, 9, 1],
        Activation::Relu,
        Init::Xavier,
        &mut Pcg64::seed_from_u64(5),
    )
    .unwrap();
    assert!(xavier.bias(1).iter().all(|&b| b == 0.0));
}

#[test]
fn invalid_sizes_are_rejected() {
    let mut rng = Pcg64::seed_from_u64(0);
    let mut build =
        |s: &[usize]| Mlp::<f64>::new(s, Activation::Tanh, Init::Default, &mut rng).err();
    assert_eq!(build(&[]), Some(NnError::TooFewSizes(0)));
    assert_eq!(build(&[3]), Some(NnError::TooFewSizes(1)));
    assert_eq!(build(&[2, 0, 1]), Some(NnError::ZeroWidth { index: 1 }));
    assert_eq!(build(&[0, 1]), Some(NnError::ZeroWidth { index: 0 }));
    assert_eq!(build(&[2, 3, 2]), Some(NnError::OutputDim(2)));
    assert_eq!(build(&[2, 1]), None); // no hidden layer: a linear model
}

#[test]
fn params_flat_order_and_round_trip() {
    let mut mlp: Mlp<f64> = net(&[2, 3, 1], Activation::Tanh, 1);
    assert_eq!(mlp.num_params(), 2 * 3 + 3 + 3 + 1);
    let p: Vec<f64> = (0..mlp.num_params()).map(|i| i as f64).collect();
    mlp.set_params_flat(&p).unwrap();
    // Row-major weights, then bias: W₁[1][0] is the third number.
    assert_eq!(mlp.weights(1)[(1, 0)], 2.0);
    assert_eq!(mlp.weights(1)[(0, 1)], 1.0);
    assert_eq!(mlp.bias(1)[2], 8.0);
    assert_eq!(mlp.weights(2)[(0, 2)], 11.0);
    assert_eq!(mlp.params_flat(), p);
    assert_eq!(
        mlp.set_params_flat(&p[1..]),
        Err(NnError::ParamCount {
            expected: 13,
            got: 12
        })
    );
    assert_eq!(
        Mlp::from_params(&[2, 3, 1], Activation::Tanh, &p).unwrap(),
        mlp
    );
}

#[test]
fn is_finite_detects_nan() {
    let mut mlp: Mlp<f32> = net(&[1, 4, 1], Activation::Relu, 2);
    assert!(mlp.is_finite());
    let mut p = mlp.params_flat();
    p[3] = f32::NAN;
    mlp.set_params_flat(&p).unwrap();
    assert!(!mlp.is_finite());
}

/// Samples must not interact, and reusing a workspace across batch sizes
/// must not leave stale values behind.
#[test]
fn batched_forward_equals_per_sample_forward_across_batch_sizes() {
    let mlp: Mlp<f64> = net(&[2, 6, 4, 1], Activation::Softplus, 9);
    let x: Vec<f64> = (0..10).map(|i| (i as f64 * 0.37).sin()).collect();
    let mut ws = mlp.workspace(1);
    let single: Vec<f64> = x.chunks(2).map(|xs| mlp.forward(&mut ws, xs)[0]).collect();
    let batched = mlp.forward(&mut ws, &x).to_vec();
    assert_eq!(ws.batch(), 5);
    assert_eq!(batched, single);
    assert_eq!(mlp.forward(&mut ws, &x[4..8]), &single[2..4]);
    assert_eq!(mlp.eval(&x), single);
}

#[test]
fn grads_accumulate_scale_and_add() {
    let mlp: Mlp<f64> = net(&[2, 3, 1], Activation::Sigmoid, 4);
    let x = [0.1, -0.4, 0.9, 0.2];
    let mut ws = mlp.workspace(2);
    mlp.forward(&mut ws, &x);
    let mut once = mlp.zero_grads();
    mlp.backward(&mut ws, &[1.0, -0.5], &mut once, None);
    let mut twice = mlp.zero_grads();
    mlp.backward(&mut ws, &[1.0, -0.5], &mut twice, None);
    mlp.backward(&mut ws, &[1.0, -0.5], &mut twice, None);

    let mut doubled = once.clone();
    doubled.scale(2.0);
    let mut sum = once.clone();
    sum += &once;
    assert_eq!(sum, doubled);
    // Accumulation order differs from scaling, so compare up to rounding.
    let mut diff = twice.clone();
    diff.add_scaled(-1.0, &doubled);
    assert!(diff.norm() < 1e-14 * twice.norm(), "{}", diff.norm());
    assert!((doubled.norm() - 2.0 * once.norm()).abs() < 1e-12);
    let flat = once.to_flat();
    let norm = flat.iter().map(|g| g * g).sum::<f64>().sqrt();
    assert!((once.norm() - norm).abs() < 1e-12 && norm > 0.0);

    let mut g = mlp.zero_grads();
    g.set_flat(&flat).unwrap();
    assert_eq!(g, once);
    g.zero();
    assert_eq!(g.norm(), 0.0);
    assert!(g.is_finite());
}

#[test]
#[should_panic(expected = "batch size differs")]
fn backward_with_wrong_batch_panics() {
    let mlp: Mlp<f64> = net(&[1, 2, 1], Activation::Tanh, 0);
    let mut ws = mlp.workspace(3);
    mlp.forward(&mut ws, &[0.0, 1.0, 2.0]);
    mlp.backward(&mut ws, &[1.0, 1.0], &mut mlp.zero_grads(), None);
}
