//! Gradient checks in f64 against central finite differences, over random
//! small networks (proptest): parameter and input gradients of a linear
//! functional of the outputs, and the double backward for two penalties.
//!
//! # Kinks
//! ReLU and LeakyReLU have a jump in `f'` at 0, ELU a jump in `f''`. A finite
//! difference straddling a kink measures a mix of both sides and disagrees
//! with either one-sided derivative, which is no bug of the backprop. The
//! strategy therefore discards networks where any hidden pre-activation lies
//! within `KINK_MARGIN` of 0; a step of `H = 1e-6` in one parameter or input
//! moves a pre-activation by far less than that, so no difference crosses a
//! kink. Smooth activations are never discarded.
//!
//! # Tolerance
//! `|analytic − fd| ≤ 1e-5 · max(|analytic|, |fd|, 1e-6) + ABS_FLOOR`.
//! The absolute floor covers the rounding noise of the difference quotient,
//! about `ε·|f|/H ≈ 1e-10·|f|`; it is 100× smaller than that tolerance's
//! relative part for any component above 1e-3, so a missing term (e.g.
//! dropping `f''`) still fails loudly.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::nn::{Activation, Init, Mlp, Workspace};

const H: f64 = 1e-6;
const REL_TOL: f64 = 1e-5;
const KINK_MARGIN: f64 = 1e-4;

/// A random network, a batch of inputs and random coefficients.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub mlp: Mlp<f64>,
    pub x: Vec<f64>,
    /// One coefficient per sample (for `L = Σ c_s out_s`).
    pub c: Vec<f64>,
    /// One coefficient per input value (for `P = Σ c_sj g_sj²`).
    pub c_in: Vec<f64>,
}

pub(super) fn case_strategy() -> impl Strategy<Value = Case> {
    (
        1usize..=4,
        prop::collection::vec(1usize..=6, 1..=3),
        prop::sample::select(Activation::ALL),
        1usize..=5,
        any::<u64>(),
        0.5f64..2.0,
    )
        .prop_map(|(in_dim, hidden, act, batch, seed, scale)| {
            let mut sizes = vec![in_dim];
            sizes.extend(hidden);
            sizes.push(1);
            let mut rng = Pcg64::seed_from_u64(seed);
            let mut mlp = Mlp::new(&sizes, act, Init::Default, &mut rng).unwrap();
            // Rescale so some units saturate / cross zero more than at init.
            let p: Vec<f64> = mlp.params_flat().iter().map(|w| w * scale).collect();
            mlp.set_params_flat(&p).unwrap();
            let mut uniform = |n: usize, b: f64| -> Vec<f64> {
                (0..n).map(|_| rng.random_range(-b..b)).collect()
            };
            let x = uniform(in_dim * batch, 2.0);
            let c = uniform(batch, 1.0);
            let c_in = uniform(in_dim * batch, 1.0);
            Case { mlp, x, c, c_in }
        })
        .prop_filter("a pre-activation sits on a kink", |case| !near_kink(case))
}

/// Whether any hidden pre-activation is within `KINK_MARGIN` of a kink.
fn near_kink(case: &Case) -> bool {
    if !case.mlp.activation().has_kink() {
        return false;
    }
    let mut ws = case.mlp.workspace(0);
    case.mlp.forward(&mut ws, &case.x);
    let last = case.mlp.num_layers();
    (1..last).any(|k| ws.z[k].iter().any(|z| z.abs() < KINK_MARGIN))
}

/// Central differences of `f` at `x`, one coordinate at a time.
pub(super) fn fd_grad(x: &[f64], mut f: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    let mut xp = x.to_vec();
    (0..x.len())
        .map(|i| {
            xp[i] = x[i] + H;
            let up = f(&xp);
            xp[i] = x[i] - H;
            let down = f(&xp);
            xp[i] = x[i];
            (up - down) / (2.0 * H)
        })
        .collect()
}

/// Asserts agreement within the tolerance described in the module docs.
/// `scale` is the magnitude of the differentiated function (for the floor).
pub(super) fn assert_close(
    what: &str,
    analytic: &[f64],
    fd: &[f64],
    scale: f64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(analytic.len(), fd.len());
    let floor = 1e-8 * scale.max(1.0);
    for (i, (&a, &b)) in analytic.iter().zip(fd).enumerate() {
        let denom = a.abs().max(b.abs()).max(1e-6);
        prop_assert!(
            (a - b).abs() <= REL_TOL * denom + floor,
            "{}: component {} analytic {:e} vs finite difference {:e} (rel {:e})",
            what,
            i,
            a,
            b,
            (a - b).abs() / denom
        );
    }
    Ok(())
}

/// `L(θ) = Σ_s c_s out_s(θ)`.
fn linear_loss(mlp: &Mlp<f64>, ws: &mut Workspace<f64>, x: &[f64], c: &[f64]) -> f64 {
    let out = mlp.forward(ws, x);
    out.iter().zip(c).map(|(o, c)| o * c).sum()
}

/// Input gradients `g_s = ∂out_s/∂x_s` of `mlp` at `x` (layout of `x`).
pub(super) fn input_grads(mlp: &Mlp<f64>, ws: &mut Workspace<f64>, x: &[f64]) -> Vec<f64> {
    mlp.forward(ws, x);
    let mut g = vec![0.0; x.len()];
    mlp.input_grad(ws, &mut g);
    g
}

/// A penalty `P = Σ_s φ(g_s)`: its value and `∂P/∂g` (layout of `g`).
type Penalty = fn(&[f64], &[f64], usize) -> (f64, Vec<f64>);

/// `P = Σ_s Σ_j c_sj g_sj²`, `∂P/∂g_sj = 2 c_sj g_sj`.
fn weighted_square(g: &[f64], c_in: &[f64], _in_dim: usize) -> (f64, Vec<f64>) {
    let p = g.iter().zip(c_in).map(|(g, c)| c * g * g).sum();
    let dp = g.iter().zip(c_in).map(|(g, c)| 2.0 * c * g).collect();
    (p, dp)
}

/// WGAN-GP: `P = Σ_s (‖g_s‖ − 1)²`, `∂P/∂g_s = 2 (‖g_s‖ − 1) g_s / ‖g_s‖`.
fn wgan_gp(g: &[f64], _c_in: &[f64], in_dim: usize) -> (f64, Vec<f64>) {
    let mut p = 0.0;
    let mut dp = Vec::with_capacity(g.len());
    for gs in g.chunks(in_dim) {
        let norm = gs.iter().map(|v| v * v).sum::<f64>().sqrt();
        p += (norm - 1.0).powi(2);
        dp.extend(gs.iter().map(|v| 2.0 * (norm - 1.0) * v / norm));
    }
    (p, dp)
}

/// Checks `double_backward` for `penalty` against finite differences of
/// `P(θ)`, where `P` is evaluated through `input_grad`.
fn check_double_backward(case: &Case, penalty: Penalty) -> Result<(), TestCaseError> {
    let mlp = &case.mlp;
    let in_dim = mlp.in_dim();
    let mut ws = mlp.workspace(0);
    let g = input_grads(mlp, &mut ws, &case.x);
    // ‖g_s‖ = 0 makes the WGAN-GP penalty non-differentiable.
    prop_assume!(g.chunks(in_dim).all(|gs| gs.iter().any(|v| v.abs() > 1e-6)));
    let (p, dp) = penalty(&g, &case.c_in, in_dim);

    let mut grads = mlp.zero_grads();
    mlp.double_backward(&mut ws, &dp, &mut grads);

    let mut probe = mlp.clone();
    let fd = fd_grad(&mlp.params_flat(), |theta| {
        probe.set_params_flat(theta).unwrap();
        let g = input_grads(&probe, &mut ws, &case.x);
        penalty(&g, &case.c_in, in_dim).0
    });
    assert_close("double backward ∂P/∂θ", &grads.to_flat(), &fd, p.abs())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// (a) `∂L/∂θ` from `backward` for `L = Σ_s c_s out_s`.
    #[test]
    fn parameter_gradient_matches_fd(case in case_strategy()) {
        let mlp = &case.mlp;
        let mut ws = mlp.workspace(0);
        let l = linear_loss(mlp, &mut ws, &case.x, &case.c);
        let mut grads = mlp.zero_grads();
        mlp.backward(&mut ws, &case.c, &mut grads, None);

        let mut probe = mlp.clone();
        let fd = fd_grad(&mlp.params_flat(), |theta| {
            probe.set_params_flat(theta).unwrap();
            linear_loss(&probe, &mut ws, &case.x, &case.c)
        });
        assert_close("∂L/∂θ", &grads.to_flat(), &fd, l.abs())?;
    }

    /// (b) `∂L/∂x` from `backward`, and `∂out_s/∂x_s` from `input_grad`.
    #[test]
    fn input_gradient_matches_fd(case in case_strategy()) {
        let mlp = &case.mlp;
        let mut ws = mlp.workspace(0);
        let l = linear_loss(mlp, &mut ws, &case.x, &case.c);
        let mut grads = mlp.zero_grads();
        let mut dx = vec![0.0; case.x.len()];
        mlp.backward(&mut ws, &case.c, &mut grads, Some(&mut dx));
        let fd = fd_grad(&case.x, |x| linear_loss(mlp, &mut ws, x, &case.c));
        assert_close("∂L/∂x", &dx, &fd, l.abs())?;

        // Samples are independent, so ∂(Σ_s out_s)/∂x_s = ∂out_s/∂x_s.
        let ones = vec![1.0; case.c.len()];
        let g = input_grads(mlp, &mut ws, &case.x);
        let fd = fd_grad(&case.x, |x| linear_loss(mlp, &mut ws, x, &ones));
        assert_close("∂out/∂x", &g, &fd, 1.0)?;
    }

    /// (c) double backward for `P = Σ_s Σ_j c_sj (∂out_s/∂x_sj)²`.
    #[test]
    fn double_backward_weighted_square_matches_fd(case in case_strategy()) {
        check_double_backward(&case, weighted_square)?;
    }

    /// (c) double backward for the WGAN-GP form `P = Σ_s (‖∂out_s/∂x_s‖ − 1)²`.
    #[test]
    fn double_backward_wgan_gp_matches_fd(case in case_strategy()) {
        check_double_backward(&case, wgan_gp)?;
    }
}

/// Why the checks above can catch a dropped `f''`: in the penalty sweep
/// `z̄_L = 0`, so every bias gradient of the penalty exists *only* through
/// the `f''(z) ⊙ ż ⊙ ǡ` term. For tanh those gradients are large (so the
/// proptest, which checks them against finite differences, would fail
/// without the term); for ReLU, where `f'' = 0`, they are exactly zero and
/// the finite differences agree.
#[test]
fn penalty_bias_gradients_come_from_the_second_order_term() {
    let x = [0.3, -1.2, 1.5, 0.4];
    for (act, expect_nonzero) in [(Activation::Tanh, true), (Activation::Relu, false)] {
        let mut rng = Pcg64::seed_from_u64(3);
        let mlp: Mlp<f64> = Mlp::new(&[2, 5, 5, 1], act, Init::Default, &mut rng).unwrap();
        let mut ws = mlp.workspace(2);
        let g = input_grads(&mlp, &mut ws, &x);
        let dp: Vec<f64> = g.iter().map(|v| 2.0 * v).collect(); // P = Σ g²
        let mut grads = mlp.zero_grads();
        mlp.double_backward(&mut ws, &dp, &mut grads);
        let bias_norm: f64 = (1..=mlp.num_layers()).map(|l| grads.bias(l).norm()).sum();
        if expect_nonzero {
            assert!(bias_norm > 1e-2, "{act}: bias gradient norm {bias_norm:e}");
        } else {
            assert_eq!(bias_norm, 0.0, "{act}");
        }
    }
}
