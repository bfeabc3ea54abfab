//! Gradient check of every GAN loss and trick against central finite
//! differences, on f64 networks.
//!
//! The objectives of `ganscope::gan::objective` are generic over the scalar;
//! the trainer runs them on f32, this test on f64. With fixed draws (real
//! samples, z, instance noise, interpolation coefficients) each loss is a
//! deterministic function of the parameters, so
//! `∂L/∂θ_i ≈ (L(θ + h e_i) − L(θ − h e_i)) / 2h` for EVERY parameter of D
//! (D step, penalties included) and of G (G step, through D's input).
//!
//! The same for conditional G(z, c) and D(x, c) with random classes per
//! pack, in both conditioning modes (`concat`, `projection`: the head's
//! embeddings are parameters of D like any other) and with D blind to c.

use ganscope::gan::{Conditioning, Config, Draws, LossKind, Objective, Scratch};
use ganscope::nn::{Activation, Grads, Init, Mlp};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

const H: f64 = 1e-6;
const TOL: f64 = 1e-5;

#[derive(Clone)]
struct Case {
    obj: Objective,
    g: Mlp<f64>,
    d: Mlp<f64>,
    draws: Draws<f64>,
}

fn build(
    seed: u64,
    obj: Objective,
    act: Activation,
    latent: usize,
    g_hidden: &[usize],
    d_hidden: &[usize],
    packs: usize,
) -> Case {
    let mut rng = Pcg64::seed_from_u64(seed);
    let sizes = |first: usize, hidden: &[usize]| {
        let mut s = vec![first];
        s.extend_from_slice(hidden);
        s.push(1);
        s
    };
    let layout = obj.layout();
    let g = Mlp::new(
        &sizes(layout.g_in(latent), g_hidden),
        act,
        Init::Default,
        &mut rng,
    )
    .unwrap();
    let mut d = Mlp::new(
        &sizes(layout.d_in(obj.pack), d_hidden),
        act,
        Init::Default,
        &mut rng,
    )
    .unwrap();
    if layout.head {
        d = d
            .with_projection(layout.classes, Init::Default, &mut rng)
            .unwrap();
    }
    let m = packs * obj.pack;
    let mut draws = Draws::zeros(m, latent, obj.pack).with_classes(obj.classes);
    for c in draws.class.iter_mut() {
        *c = rng.random_range(0..obj.classes);
    }
    let mut fill = |v: &mut Vec<f64>, lo: f64, hi: f64| {
        for x in v.iter_mut() {
            *x = rng.random_range(lo..hi);
        }
    };
    fill(&mut draws.real, -2.0, 3.0);
    fill(&mut draws.z, -1.0, 1.0);
    fill(&mut draws.noise_real, -0.3, 0.3);
    fill(&mut draws.noise_fake, -0.3, 0.3);
    fill(&mut draws.eps, 0.0, 1.0);
    Case { obj, g, d, draws }
}

fn d_loss(c: &Case, d: &Mlp<f64>) -> (f64, Grads<f64>) {
    let mut s = Scratch::new(&c.g, d, c.draws.len());
    let mut grads = d.zero_grads();
    let ev = c.obj.d_step_grad(&c.g, d, &c.draws, &mut s, &mut grads);
    (ev.loss, grads)
}

fn g_loss(c: &Case, g: &Mlp<f64>) -> (f64, Grads<f64>) {
    let mut s = Scratch::new(g, &c.d, c.draws.len());
    let mut grads = g.zero_grads();
    let ev = c.obj.g_step_grad(g, &c.d, &c.draws, &mut s, &mut grads);
    (ev.loss, grads)
}

/// Worst relative error `|a − f| / max(|a|, |f|, 1e-3)` over all parameters.
fn check(net: &Mlp<f64>, f: impl Fn(&Mlp<f64>) -> (f64, Grads<f64>)) -> Result<(), String> {
    let (_, grads) = f(net);
    let analytic = grads.to_flat();
    let theta = net.params_flat();
    let mut worst = (0.0, 0);
    for i in 0..theta.len() {
        let mut p = theta.clone();
        p[i] = theta[i] + H;
        let up = f(&net.with_params(&p).unwrap()).0;
        p[i] = theta[i] - H;
        let down = f(&net.with_params(&p).unwrap()).0;
        let fd = (up - down) / (2.0 * H);
        let a = analytic[i];
        let err = (a - fd).abs() / a.abs().max(fd.abs()).max(1e-3);
        if err > worst.0 {
            worst = (err, i);
        }
        if err.is_nan() || err >= TOL {
            return Err(format!(
                "param {i}: analytic {a:e}, finite difference {fd:e}, rel err {err:e}"
            ));
        }
    }
    Ok(())
}

fn obj(loss: LossKind, s: f64, r1: f64, gp: f64, pack: usize) -> Objective {
    Objective::of(&Config {
        loss,
        label_smoothing: s,
        r1,
        gp,
        pack,
        ..Config::default()
    })
}

/// `o` for `classes` classes seen by D as `conditioning` says.
fn cond(o: Objective, classes: usize, conditioning: Conditioning) -> Objective {
    Objective {
        classes,
        conditioning,
        ..o
    }
}

fn smooth_activation() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Tanh),
        Just(Activation::Softplus),
        Just(Activation::Sigmoid)
    ]
}

fn hidden() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..6, 0..3)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_loss_and_trick_matches_finite_differences(
        seed in any::<u64>(),
        loss in prop::sample::select(LossKind::ALL.to_vec()),
        act in smooth_activation(),
        latent in 1usize..3,
        pack in 1usize..4,
        packs in 1usize..5,
        g_hidden in hidden(),
        d_hidden in hidden(),
        smoothing in 0.0f64..0.45,
        r1 in prop_oneof![Just(0.0), 0.1f64..5.0],
        gp in 0.5f64..12.0,
    ) {
        let c = build(seed, obj(loss, smoothing, r1, gp, pack), act, latent, &g_hidden, &d_hidden, packs);
        check(&c.d, |d| d_loss(&c, d)).map_err(|e| TestCaseError::fail(format!("D step: {e}")))?;
        check(&c.g, |g| g_loss(&c, g)).map_err(|e| TestCaseError::fail(format!("G step: {e}")))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// G(z, c) and D(x, c): every loss and trick, in every conditioning mode.
    #[test]
    fn conditional_losses_and_tricks_match_finite_differences(
        seed in any::<u64>(),
        loss in prop::sample::select(LossKind::ALL.to_vec()),
        conditioning in prop::sample::select(Conditioning::ALL.to_vec()),
        classes in 1usize..4,
        act in smooth_activation(),
        latent in 1usize..3,
        pack in 1usize..4,
        packs in 1usize..5,
        g_hidden in hidden(),
        d_hidden in hidden(),
        smoothing in 0.0f64..0.45,
        r1 in prop_oneof![Just(0.0), 0.1f64..5.0],
        gp in 0.5f64..12.0,
    ) {
        let o = cond(obj(loss, smoothing, r1, gp, pack), classes, conditioning);
        let c = build(seed, o, act, latent, &g_hidden, &d_hidden, packs);
        check(&c.d, |d| d_loss(&c, d)).map_err(|e| TestCaseError::fail(format!("D step: {e}")))?;
        check(&c.g, |g| g_loss(&c, g)).map_err(|e| TestCaseError::fail(format!("G step: {e}")))?;
    }
}

/// Conditional G and D for both conditioning modes, one fixed network each,
/// with every penalty on: the embeddings and the one-hot columns' weights
/// get gradients, and they match.
#[test]
fn conditional_g_and_d_in_both_modes() {
    for conditioning in [Conditioning::Concat, Conditioning::Projection] {
        for (name, o) in [
            (
                "non_saturating + r1",
                obj(LossKind::NonSaturating, 0.1, 2.0, 0.0, 1),
            ),
            (
                "wgan_gp + r1 + pack",
                obj(LossKind::WganGp, 0.0, 1.0, 5.0, 2),
            ),
            ("lsgan", obj(LossKind::Lsgan, 0.0, 0.0, 0.0, 3)),
        ] {
            let c = build(
                5,
                cond(o, 3, conditioning),
                Activation::Tanh,
                2,
                &[5, 4],
                &[6, 5],
                5,
            );
            let classes_seen = c
                .draws
                .class
                .iter()
                .collect::<std::collections::BTreeSet<_>>();
            assert!(
                classes_seen.len() >= 2,
                "{name}: several classes in the batch"
            );
            let label = format!("{conditioning} {name}");
            check(&c.d, |d| d_loss(&c, d)).unwrap_or_else(|e| panic!("{label}, D step: {e}"));
            check(&c.g, |g| g_loss(&c, g)).unwrap_or_else(|e| panic!("{label}, G step: {e}"));
            let (_, gd) = d_loss(&c, &c.d);
            match conditioning {
                Conditioning::Projection => {
                    let e = gd.embed().expect("the head's gradient");
                    assert!(e.norm() > 1e-6, "{label}: the embeddings learn");
                }
                _ => assert!(gd.embed().is_none()),
            }
        }
    }
}

/// Each loss and each trick, one by one, with a fixed network: a failure
/// names the term at fault.
#[test]
fn each_term_alone() {
    let act = Activation::Tanh;
    let cases = [
        ("minimax", obj(LossKind::Minimax, 0.0, 0.0, 0.0, 1)),
        (
            "non_saturating",
            obj(LossKind::NonSaturating, 0.0, 0.0, 0.0, 1),
        ),
        ("wgan", obj(LossKind::Wgan, 0.0, 0.0, 0.0, 1)),
        ("wgan_gp", obj(LossKind::WganGp, 0.0, 0.0, 10.0, 1)),
        ("lsgan", obj(LossKind::Lsgan, 0.0, 0.0, 0.0, 1)),
        ("hinge", obj(LossKind::Hinge, 0.0, 0.0, 0.0, 1)),
        ("fgan_kl", obj(LossKind::FganKl, 0.0, 0.0, 0.0, 1)),
        (
            "fgan_reverse_kl",
            obj(LossKind::FganReverseKl, 0.0, 0.0, 0.0, 1),
        ),
        ("fgan_pearson", obj(LossKind::FganPearson, 0.0, 0.0, 0.0, 1)),
        (
            "fgan_hellinger",
            obj(LossKind::FganHellinger, 0.0, 0.0, 0.0, 1),
        ),
        ("fgan_js", obj(LossKind::FganJs, 0.0, 0.0, 0.0, 1)),
        (
            "fgan_kl + r1 + pack",
            obj(LossKind::FganKl, 0.0, 1.0, 0.0, 2),
        ),
        ("label smoothing", obj(LossKind::Minimax, 0.3, 0.0, 0.0, 1)),
        ("r1", obj(LossKind::NonSaturating, 0.0, 2.0, 0.0, 1)),
        ("pack 3", obj(LossKind::NonSaturating, 0.0, 0.0, 0.0, 3)),
        ("gp + r1 + pack", obj(LossKind::WganGp, 0.0, 1.0, 5.0, 2)),
        (
            "one-sided gp",
            Objective {
                gp_one_sided: true,
                ..obj(LossKind::WganGp, 0.0, 0.0, 10.0, 1)
            },
        ),
    ];
    for (name, o) in cases {
        let c = build(11, o, act, 2, &[5, 4], &[6, 5], 4);
        check(&c.d, |d| d_loss(&c, d)).unwrap_or_else(|e| panic!("{name}, D step: {e}"));
        check(&c.g, |g| g_loss(&c, g)).unwrap_or_else(|e| panic!("{name}, G step: {e}"));
    }
}

/// The check can fail: a gradient that misses the R1 term is caught.
#[test]
fn the_check_notices_a_missing_term() {
    let c = build(
        3,
        obj(LossKind::NonSaturating, 0.0, 4.0, 0.0, 1),
        Activation::Tanh,
        1,
        &[4],
        &[4],
        3,
    );
    let without = Case {
        obj: obj(LossKind::NonSaturating, 0.0, 0.0, 0.0, 1),
        ..build(3, c.obj, Activation::Tanh, 1, &[4], &[4], 3)
    };
    // Loss with R1, gradient without it.
    let wrong = |d: &Mlp<f64>| (d_loss(&c, d).0, d_loss(&without, d).1);
    assert!(check(&c.d, wrong).is_err());
}

/// D's loss with D fixed, as a function of G: the value, and `∂L_D/∂θ_G`
/// from `d_full_grad` (through the fakes and the GP interpolates).
fn d_loss_in_g(c: &Case, g: &Mlp<f64>) -> (f64, Grads<f64>) {
    let mut s = Scratch::new(g, &c.d, c.draws.len());
    let (mut gg, mut gd) = (g.zero_grads(), c.d.zero_grads());
    let ev = c
        .obj
        .d_full_grad(g, &c.d, &c.draws, &mut s, &mut gg, &mut gd);
    (ev.loss, gg)
}

/// G's loss with G fixed, as a function of D: the value, and `∂L_G/∂θ_D`
/// from `g_full_grad`.
fn g_loss_in_d(c: &Case, d: &Mlp<f64>) -> (f64, Grads<f64>) {
    let mut s = Scratch::new(&c.g, d, c.draws.len());
    let (mut gg, mut gd) = (c.g.zero_grads(), d.zero_grads());
    let ev = c
        .obj
        .g_full_grad(&c.g, d, &c.draws, &mut s, &mut gg, &mut gd);
    (ev.loss, gd)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The cross terms of consensus optimisation: each loss in the *other*
    /// player's parameters, every loss and trick (the WGAN-GP penalty
    /// reaches G through its interpolates).
    #[test]
    fn cross_gradients_match_finite_differences(
        seed in any::<u64>(),
        loss in prop::sample::select(LossKind::ALL.to_vec()),
        act in smooth_activation(),
        latent in 1usize..3,
        pack in 1usize..4,
        packs in 1usize..5,
        g_hidden in hidden(),
        d_hidden in hidden(),
        smoothing in 0.0f64..0.45,
        r1 in prop_oneof![Just(0.0), 0.1f64..5.0],
        gp in 0.5f64..12.0,
    ) {
        let c = build(seed, obj(loss, smoothing, r1, gp, pack), act, latent, &g_hidden, &d_hidden, packs);
        check(&c.g, |g| d_loss_in_g(&c, g)).map_err(|e| TestCaseError::fail(format!("∂L_D/∂θ_G: {e}")))?;
        check(&c.d, |d| g_loss_in_d(&c, d)).map_err(|e| TestCaseError::fail(format!("∂L_G/∂θ_D: {e}")))?;
        // And the own-player halves are the step gradients, bit for bit.
        let mut s = Scratch::new(&c.g, &c.d, c.draws.len());
        let (mut gg, mut gd) = (c.g.zero_grads(), c.d.zero_grads());
        c.obj.d_full_grad(&c.g, &c.d, &c.draws, &mut s, &mut gg, &mut gd);
        prop_assert_eq!(gd.to_flat(), d_loss(&c, &c.d).1.to_flat());
        c.obj.g_full_grad(&c.g, &c.d, &c.draws, &mut s, &mut gg, &mut gd);
        prop_assert_eq!(gg.to_flat(), g_loss(&c, &c.g).1.to_flat());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The cross terms on conditional G(z, c) and D(x, c), in every
    /// conditioning mode (consensus optimisation on a `classes(…)` target):
    /// the fakes enter through G's one-hot input, D's one-hot columns or its
    /// projection head, and the WGAN-GP interpolates within a class.
    #[test]
    fn conditional_cross_gradients_match_finite_differences(
        seed in any::<u64>(),
        loss in prop::sample::select(LossKind::ALL.to_vec()),
        conditioning in prop::sample::select(Conditioning::ALL.to_vec()),
        classes in 1usize..4,
        act in smooth_activation(),
        latent in 1usize..3,
        pack in 1usize..4,
        packs in 1usize..5,
        g_hidden in hidden(),
        d_hidden in hidden(),
        smoothing in 0.0f64..0.45,
        r1 in prop_oneof![Just(0.0), 0.1f64..5.0],
        gp in 0.5f64..12.0,
    ) {
        let o = cond(obj(loss, smoothing, r1, gp, pack), classes, conditioning);
        let c = build(seed, o, act, latent, &g_hidden, &d_hidden, packs);
        check(&c.g, |g| d_loss_in_g(&c, g)).map_err(|e| TestCaseError::fail(format!("∂L_D/∂θ_G: {e}")))?;
        check(&c.d, |d| g_loss_in_d(&c, d)).map_err(|e| TestCaseError::fail(format!("∂L_G/∂θ_D: {e}")))?;
        let mut s = Scratch::new(&c.g, &c.d, c.draws.len());
        let (mut gg, mut gd) = (c.g.zero_grads(), c.d.zero_grads());
        c.obj.d_full_grad(&c.g, &c.d, &c.draws, &mut s, &mut gg, &mut gd);
        prop_assert_eq!(gd.to_flat(), d_loss(&c, &c.d).1.to_flat());
        c.obj.g_full_grad(&c.g, &c.d, &c.draws, &mut s, &mut gg, &mut gd);
        prop_assert_eq!(gg.to_flat(), g_loss(&c, &c.g).1.to_flat());
    }
}

/// The WGAN-GP cross term alone, on a fixed network: without the
/// interpolates' share the check fails.
#[test]
fn the_gp_penalty_reaches_g_through_the_interpolates() {
    let c = build(
        5,
        obj(LossKind::WganGp, 0.0, 0.0, 10.0, 2),
        Activation::Tanh,
        2,
        &[5, 4],
        &[6, 5],
        4,
    );
    check(&c.g, |g| d_loss_in_g(&c, g)).unwrap();
    let no_gp = build(
        5,
        obj(LossKind::WganGp, 0.0, 0.0, 0.0, 2),
        Activation::Tanh,
        2,
        &[5, 4],
        &[6, 5],
        4,
    );
    let wrong = |g: &Mlp<f64>| (d_loss_in_g(&c, g).0, d_loss_in_g(&no_gp, g).1);
    assert!(check(&c.g, wrong).is_err());
    // The one-sided penalty reaches G the same way.
    let one_sided = Objective {
        gp_one_sided: true,
        ..obj(LossKind::WganGp, 0.0, 0.0, 10.0, 2)
    };
    let c = build(5, one_sided, Activation::Tanh, 2, &[5, 4], &[6, 5], 4);
    check(&c.g, |g| d_loss_in_g(&c, g)).unwrap();
}

/// The one-sided WGAN-GP penalty is λ · mean max(0, ‖∇ₓD(x̂)‖ − 1)²:
/// checked against the slopes computed here, on a critic whose slopes at
/// the interpolates fall on both sides of 1 (so both branches count).
#[test]
fn the_one_sided_penalty_costs_only_slopes_above_one() {
    let one_sided = Objective {
        gp_one_sided: true,
        ..obj(LossKind::WganGp, 0.0, 0.0, 10.0, 1)
    };
    let base = build(5, one_sided, Activation::Tanh, 1, &[4], &[6, 5], 64);
    for scale in [0.5, 1.0, 2.0, 4.0, 8.0, 16.0] {
        // The critic with every weight scaled: steeper slopes.
        let p: Vec<f64> = base.d.params_flat().iter().map(|v| v * scale).collect();
        let d = Mlp::from_params(base.d.sizes(), base.d.activation(), &p).unwrap();
        // The interpolates and their slopes, by hand.
        let fake = base.g.eval(&base.draws.z);
        let interp: Vec<f64> = (0..base.draws.len())
            .map(|i| {
                let e = base.draws.eps[i];
                let xf = fake[i] + base.draws.noise_fake[i];
                let xr = base.draws.real[i] + base.draws.noise_real[i];
                e * xr + (1.0 - e) * xf
            })
            .collect();
        let mut ws = d.workspace(interp.len());
        d.forward(&mut ws, &interp);
        let mut slopes = vec![0.0; interp.len()];
        d.input_grad(&mut ws, &mut slopes);
        let (above, below) = (
            slopes.iter().filter(|s| s.abs() > 1.0).count(),
            slopes.iter().filter(|s| s.abs() < 1.0).count(),
        );
        if above == 0 || below == 0 {
            continue;
        }
        let want = 10.0
            * slopes
                .iter()
                .map(|s| (s.abs() - 1.0).max(0.0).powi(2))
                .sum::<f64>()
            / slopes.len() as f64;
        let mut s = Scratch::new(&base.g, &d, base.draws.len());
        let mut grads = d.zero_grads();
        let ev = one_sided.d_step_grad(&base.g, &d, &base.draws, &mut s, &mut grads);
        assert!(
            (ev.penalty - want).abs() <= 1e-12 * want.max(1.0),
            "scale {scale}: penalty {} vs {want}",
            ev.penalty
        );
        check(&d, |d| {
            d_loss(
                &Case {
                    d: d.clone(),
                    ..base.clone()
                },
                d,
            )
        })
        .unwrap_or_else(|e| panic!("one-sided gp at scale {scale}: {e}"));
        return;
    }
    panic!("no scale put the critic's slopes on both sides of 1");
}
