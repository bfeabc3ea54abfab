//! The projection head's passes against central finite differences (f64),
//! over random small networks with a head and random classes: the
//! parameter gradient (embeddings included), the input gradient, and the
//! double backward of two penalties. Kinks and tolerances as in
//! `gradcheck`.

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::gradcheck::{assert_close, fd_grad};
use crate::nn::{Activation, Init, Mlp, Workspace};

const KINK_MARGIN: f64 = 1e-4;

#[derive(Debug, Clone)]
struct Case {
    mlp: Mlp<f64>,
    x: Vec<f64>,
    classes: Vec<usize>,
    c: Vec<f64>,
    c_in: Vec<f64>,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        1usize..=3,
        prop::collection::vec(1usize..=5, 0..=2),
        prop::sample::select(Activation::ALL),
        1usize..=5,
        1usize..=4,
        any::<u64>(),
    )
        .prop_map(|(in_dim, hidden, act, batch, k, seed)| {
            let mut sizes = vec![in_dim];
            sizes.extend(hidden);
            sizes.push(1);
            let mut rng = Pcg64::seed_from_u64(seed);
            let mlp = Mlp::new(&sizes, act, Init::Default, &mut rng)
                .unwrap()
                .with_projection(k, Init::Default, &mut rng)
                .unwrap();
            let mut uniform = |n: usize, b: f64| -> Vec<f64> {
                (0..n).map(|_| rng.random_range(-b..b)).collect()
            };
            let x = uniform(in_dim * batch, 2.0);
            let c = uniform(batch, 1.0);
            let c_in = uniform(in_dim * batch, 1.0);
            let classes = (0..batch).map(|_| rng.random_range(0..k)).collect();
            Case {
                mlp,
                x,
                classes,
                c,
                c_in,
            }
        })
        .prop_filter("a pre-activation sits on a kink", |case| {
            if !case.mlp.activation().has_kink() {
                return true;
            }
            let mut ws = case.mlp.workspace(0);
            case.mlp.forward_classes(&mut ws, &case.x, &case.classes);
            (1..case.mlp.num_layers()).all(|k| ws.z[k].iter().all(|z| z.abs() >= KINK_MARGIN))
        })
}

fn linear_loss(m: &Mlp<f64>, ws: &mut Workspace<f64>, x: &[f64], case: &Case, c: &[f64]) -> f64 {
    let out = m.forward_classes(ws, x, &case.classes);
    out.iter().zip(c).map(|(o, c)| o * c).sum()
}

fn input_grads(m: &Mlp<f64>, ws: &mut Workspace<f64>, case: &Case) -> Vec<f64> {
    m.forward_classes(ws, &case.x, &case.classes);
    let mut g = vec![0.0; case.x.len()];
    m.input_grad(ws, &mut g);
    g
}

/// `P = Σ c_sj g_sj²` (`gp = false`) or `Σ_s (‖g_s‖ − 1)²`, and `∂P/∂g`.
fn penalty(g: &[f64], case: &Case, gp: bool) -> (f64, Vec<f64>) {
    if !gp {
        let p = g.iter().zip(&case.c_in).map(|(g, c)| c * g * g).sum();
        let dp = g.iter().zip(&case.c_in).map(|(g, c)| 2.0 * c * g).collect();
        return (p, dp);
    }
    let (mut p, mut dp) = (0.0, Vec::new());
    for gs in g.chunks(case.mlp.in_dim()) {
        let norm = gs.iter().map(|v| v * v).sum::<f64>().sqrt();
        p += (norm - 1.0).powi(2);
        dp.extend(gs.iter().map(|v| 2.0 * (norm - 1.0) * v / norm));
    }
    (p, dp)
}

fn check_double_backward(case: &Case, gp: bool) -> Result<(), TestCaseError> {
    let mlp = &case.mlp;
    let mut ws = mlp.workspace(0);
    let g = input_grads(mlp, &mut ws, case);
    prop_assume!(
        g.chunks(mlp.in_dim())
            .all(|gs| gs.iter().any(|v| v.abs() > 1e-6))
    );
    let (p, dp) = penalty(&g, case, gp);
    let mut grads = mlp.zero_grads();
    mlp.double_backward(&mut ws, &dp, &mut grads);
    let mut probe = mlp.clone();
    let fd = fd_grad(&mlp.params_flat(), |theta| {
        probe.set_params_flat(theta).unwrap();
        let g = input_grads(&probe, &mut ws, case);
        penalty(&g, case, gp).0
    });
    assert_close("projection double backward", &grads.to_flat(), &fd, p.abs())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn projection_parameter_gradient_matches_fd(case in case_strategy()) {
        let mlp = &case.mlp;
        let mut ws = mlp.workspace(0);
        let l = linear_loss(mlp, &mut ws, &case.x, &case, &case.c);
        let mut grads = mlp.zero_grads();
        mlp.backward(&mut ws, &case.c, &mut grads, None);
        let mut probe = mlp.clone();
        let fd = fd_grad(&mlp.params_flat(), |theta| {
            probe.set_params_flat(theta).unwrap();
            linear_loss(&probe, &mut ws, &case.x, &case, &case.c)
        });
        assert_close("projection ∂L/∂θ", &grads.to_flat(), &fd, l.abs())?;
    }

    #[test]
    fn projection_input_gradient_matches_fd(case in case_strategy()) {
        let mlp = &case.mlp;
        let mut ws = mlp.workspace(0);
        let l = linear_loss(mlp, &mut ws, &case.x, &case, &case.c);
        let mut grads = mlp.zero_grads();
        let mut dx = vec![0.0; case.x.len()];
        mlp.backward(&mut ws, &case.c, &mut grads, Some(&mut dx));
        let fd = fd_grad(&case.x, |x| linear_loss(mlp, &mut ws, x, &case, &case.c));
        assert_close("projection ∂L/∂x", &dx, &fd, l.abs())?;
        let ones = vec![1.0; case.c.len()];
        let g = input_grads(mlp, &mut ws, &case);
        let fd = fd_grad(&case.x, |x| linear_loss(mlp, &mut ws, x, &case, &ones));
        assert_close("projection ∂out/∂x", &g, &fd, 1.0)?;
    }

    #[test]
    fn projection_double_backward_matches_fd(case in case_strategy(), gp in any::<bool>()) {
        check_double_backward(&case, gp)?;
    }
}

/// The head is `⟨e_c, φ(x)⟩` on top of the plain network: with the
/// embeddings at zero the outputs are the plain network's, bit for bit,
/// and the class picks its own embedding.
#[test]
fn the_head_adds_the_classes_embedding_to_the_plain_output() {
    let mut rng = Pcg64::seed_from_u64(5);
    let plain: Mlp<f64> =
        Mlp::new(&[2, 4, 3, 1], Activation::Tanh, Init::Default, &mut rng).unwrap();
    let head = plain
        .clone()
        .with_projection(2, Init::Default, &mut rng)
        .unwrap();
    assert_eq!(head.classes(), 2);
    assert_eq!(head.num_params(), plain.num_params() + 6);
    let x = [0.3, -0.7, 1.1, 0.2];
    let mut theta = head.params_flat();
    let n = theta.len();
    theta[n - 6..].fill(0.0);
    let zeroed = head.with_params(&theta).unwrap();
    let mut ws = zeroed.workspace(2);
    let out = zeroed.forward_classes(&mut ws, &x, &[1, 0]).to_vec();
    assert_eq!(out, plain.eval(&x));
    // e_1 = (0, 0, 1): class 1 adds the last hidden unit's value.
    theta[n - 1] = 1.0;
    let one = head.with_params(&theta).unwrap();
    let mut ws1 = one.workspace(2);
    let out1 = one.forward_classes(&mut ws1, &x, &[1, 0]).to_vec();
    assert_eq!(out1[1], out[1], "class 0 keeps e_0 = 0");
    let a = ws.a[2].column(0)[2];
    assert!(
        (out1[0] - out[0] - a).abs() < 1e-15,
        "{} vs {}",
        out1[0] - out[0],
        a
    );
}
