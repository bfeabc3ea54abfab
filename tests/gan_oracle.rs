//! The oracle discriminator (`d_model = oracle`): the gradient G follows is
//! the gradient of the exact divergence it descends (the envelope theorem),
//! checked against central finite differences of the exact divergence for a
//! linear G; the config refuses what the oracle cannot do; the run itself.
//!
//! For G(z) = a·z + b with normal noise, p_g = N(b, a²), so C(G) =
//! −ln 4 + 2·JSD(p_data, N(b, |a|)), KL both ways and W1 come from
//! `theory::exact` (analytic quadrature, no grid). The oracle's gradient is
//! `∂/∂(a, b)` of G's loss against the exact optimum held fixed — D* for
//! `minimax`, T* for the f-GAN losses, f* for `wgan` — over 8 192
//! equal-mass quantiles of N(0, 1) (a quadrature of E_z, no sampling noise).
//! ∂ₓ of the optimum comes from the log density ratio interpolated linearly
//! between the centres of 1 024 bins, so the two agree to the grid's
//! resolution: within 1e-3 of the larger of the two, relative, plus 1e-4.

use ganscope::density::{Mixture, parse_spec};
use ganscope::gan::{Config, Draws, LossKind, Oracle, Scratch, State, Trainer, g_grad_by};
use ganscope::nn::{Activation, Mlp};
use ganscope::theory::Prior;
use ganscope::theory::exact::divergences;

/// The oracle's gradient of G's loss in (a, b) for G(z) = a·z + b.
fn oracle_gradient(loss: LossKind, target: &Mixture, a: f64, b: f64) -> [f64; 2] {
    let act = Activation::LeakyRelu;
    let g = Mlp::<f64>::from_params(&[1, 1], act, &[a, b]).expect("a linear G");
    let zp = Prior::Normal.z_points(4096);
    let g_x = g.eval(&zp.z);
    let oracle =
        Oracle::for_pushforward(loss, target, &g_x, &zp.seg_mass, 1024).expect("an optimum");
    let m = 8192;
    let mut draws = Draws::<f64>::zeros(m, 1, 1);
    for (j, z) in draws.z.iter_mut().enumerate() {
        *z = Prior::Normal.quantile((j as f64 + 0.5) / m as f64);
    }
    // The scratch is sized by a D it never runs.
    let d = Mlp::<f64>::from_params(&[1, 1], act, &[0.0, 0.0]).unwrap();
    let mut s = Scratch::new(&g, &d, m);
    let mut grads = g.zero_grads();
    g_grad_by(&g, &draws, &mut s, &mut grads, &mut |x, dl| {
        oracle.g_loss(x, dl)
    });
    let flat = grads.to_flat();
    [flat[0], flat[1]]
}

/// The exact divergence that `loss` descends, for p_g = N(b, |a|).
fn exact(loss: LossKind, target: &Mixture, a: f64, b: f64) -> f64 {
    let g = parse_spec(&format!("normal({b}, {})", a.abs())).unwrap();
    let d = divergences(target, &g);
    match loss {
        LossKind::Minimax => d.c_g,
        LossKind::FganKl => d.kl_pq.expect("finite"),
        LossKind::FganReverseKl => d.kl_qp.expect("finite"),
        LossKind::FganHellinger => 2.0 * d.hellinger2,
        LossKind::FganJs => 2.0 * d.jsd,
        LossKind::Wgan => d.w1.expect("finite"),
        other => panic!("no exact divergence for {other}"),
    }
}

fn check(loss: LossKind, target: &str, points: &[(f64, f64)]) {
    let t = parse_spec(target).unwrap();
    let h = 1e-4;
    for &(a, b) in points {
        let got = oracle_gradient(loss, &t, a, b);
        let fd = [
            (exact(loss, &t, a + h, b) - exact(loss, &t, a - h, b)) / (2.0 * h),
            (exact(loss, &t, a, b + h) - exact(loss, &t, a, b - h)) / (2.0 * h),
        ];
        for i in 0..2 {
            let scale = got[i].abs().max(fd[i].abs());
            let err = (got[i] - fd[i]).abs();
            eprintln!(
                "{loss} at a = {a}, b = {b}: ∂{} oracle {:.6}, finite differences {:.6}, error {err:.1e}",
                ["a", "b"][i],
                got[i],
                fd[i]
            );
            assert!(
                err <= 1e-3 * scale + 1e-4,
                "{loss} at (a, b) = ({a}, {b}): ∂/∂{} = {} from the oracle, {} by finite differences of the exact divergence",
                ["a", "b"][i],
                got[i],
                fd[i]
            );
        }
    }
}

const TARGET: &str = "0.4*normal(-1, 0.6) + 0.6*normal(1.5, 0.8)";
const POINTS: [(f64, f64); 3] = [(1.0, 0.0), (0.5, 1.0), (1.5, -0.5)];

/// The envelope theorem for the GAN: the G step against D* held fixed is
/// the gradient of C(G) = −ln 4 + 2·JSD.
#[test]
fn the_oracle_gradient_is_the_gradient_of_c_of_g() {
    check(LossKind::Minimax, TARGET, &POINTS);
}

/// The same for f-GAN (G against T* descends D_f) and WGAN (against f*,
/// W1). At G's two wider settings: KL(p_data‖p_g)'s G gradient weighs the
/// data by p_data/p_g, and a narrow p_g = N(1, 0.5) puts the mode at −1 four
/// of its σ out, where the 8 192 quantiles of the batch have no point (the
/// variance f-GAN's KL estimator is known for, not an error of the oracle).
#[test]
fn the_oracle_gradient_is_the_gradient_of_d_f_and_of_w1() {
    for loss in [
        LossKind::FganKl,
        LossKind::FganReverseKl,
        LossKind::FganHellinger,
        LossKind::FganJs,
        LossKind::Wgan,
    ] {
        check(loss, TARGET, &[POINTS[0], POINTS[2]]);
    }
}

#[test]
fn the_config_refuses_what_the_oracle_cannot_do() {
    for (key, value, what) in [
        ("pack", "2", "pack = 1"),
        ("latent_dim", "2", "latent_dim = 1"),
        ("loss", "hinge", "not hinge"),
        ("g_model", "constant", "needs g_model = mlp, not constant"),
        (
            "update",
            "simultaneous",
            "needs update = alternating, not simultaneous",
        ),
        (
            "update",
            "consensus",
            "needs update = alternating, not consensus",
        ),
        ("target", "dirac(0)", "not a point mass"),
        (
            "target",
            "0.5*dirac(1) + 0.5*normal(0, 1)",
            "not a point mass",
        ),
    ] {
        let mut c = Config::default();
        c.set("d_model", "oracle").unwrap();
        c.validate().unwrap();
        c.set(key, value).unwrap();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains(what), "{key} = {value}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
        // The same value with the other D models is fine (the Dirac-GAN's
        // constant G, a dirac target and every rule run with a linear D).
        for other in ["mlp", "linear"] {
            c.set("d_model", other).unwrap();
            c.validate()
                .unwrap_or_else(|e| panic!("{key} = {value}, {other}: {e}"));
        }
    }
    assert!(Config::default().set("d_model", "exact").is_err());
}

/// A live change that would give the oracle a rule, a loss or a target it
/// cannot serve is refused, and the run goes on with its settings.
#[test]
fn a_live_change_cannot_break_the_oracle() {
    let c = ganscope::gan::presets::load("oracle-d").unwrap().config;
    let mut t = Trainer::new(c).unwrap();
    t.run(3);
    let before = t.config().clone();
    for (key, value) in [
        ("update", "extragradient"),
        ("loss", "hinge"),
        ("target", "dirac(2)"),
    ] {
        let e = t.set(key, value).unwrap_err().to_string();
        assert!(e.contains("d_model = oracle needs"), "{key}: {e}");
        assert_eq!(t.config(), &before, "{key}: nothing changed");
    }
    let stats = t.run(3);
    assert_eq!((stats.step, t.state()), (6, State::Running));
}

/// With the oracle no D step runs: D's network never moves, the G loss is
/// taken against D*, and the snapshot shows D on D* with V = C(G).
#[test]
fn an_oracle_run_moves_g_only_and_shows_d_star() {
    let mut c = ganscope::gan::presets::load("oracle-d").unwrap().config;
    c.steps = 300;
    let mut t = Trainer::new(c).unwrap();
    let d0 = t.discriminator().params_flat();
    let g0 = t.generator().params_flat();
    let stats = t.run(300);
    assert_eq!(t.state(), State::Running);
    assert_eq!(stats.loss_d, None, "no D step");
    assert!(stats.loss_g.is_some_and(f64::is_finite));
    assert_eq!(
        t.discriminator().params_flat(),
        d0,
        "D's network is not used"
    );
    assert_ne!(t.generator().params_flat(), g0);
    let s = t.snapshot();
    let gap = s.theory.gap().unwrap();
    assert!(gap.abs() < 1e-9, "V(G, D*) = C(G), gap {gap}");
    // The same config and seed, the same run.
    let mut u = Trainer::new(t.config().clone()).unwrap();
    u.run(300);
    assert_eq!(u.generator().params_flat(), t.generator().params_flat());
}
