//! The candle backend against the native engine: on the same weights and
//! batches, the same forward pass, losses, penalties and gradients (in f64
//! to 1e-10, in f32 to 1e-5, relative); the same 100-step trajectory on
//! every loss; bit-for-bit reproducible runs; divergence and restore. The
//! same for conditional runs (a `classes(…)` target) in every conditioning
//! mode.
#![cfg(feature = "candle")]

mod common;

use ganscope::backends;
use ganscope::candle::{CandleBackend, DType, Device};
use ganscope::gan::condition::with_onehot;
use ganscope::gan::{
    BackendInit, BackendKind, Choice, Conditioning, Config, DeviceKind, Draws, LossKind, Objective,
    Player, Scratch, State, Trainer,
};
use ganscope::nn::{Activation, Mlp, OptimizerConfig};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

const CANDLE: Choice = Choice {
    backend: BackendKind::Candle,
    device: DeviceKind::Cpu,
};

/// One check: a config (its loss and tricks, its networks) and the draws of one step.
struct Case {
    config: Config,
    draws: Draws<f32>,
    g: Mlp<f32>,
    d: Mlp<f32>,
}

fn case(config: Config, seed: u64) -> Case {
    let t = Trainer::new(config.clone()).expect("valid config");
    let (g, d) = (t.generator().clone(), t.discriminator().clone());
    let m = (config.batch / config.pack) * config.pack;
    let k = config.class_count();
    let mut draws = Draws::<f32>::zeros(m, config.latent_dim, config.pack).with_classes(k);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    for c in draws.class.iter_mut() {
        *c = rng.random_range(0..k);
    }
    let mut normal = |scale: f64| (scale * rng.sample::<f64, _>(StandardNormal)) as f32;
    draws.real.iter_mut().for_each(|x| *x = 2.0 + normal(0.7));
    draws.z.iter_mut().for_each(|x| *x = normal(1.0));
    let sigma = config.instance_noise;
    draws.noise_real.iter_mut().for_each(|x| *x = normal(sigma));
    draws.noise_fake.iter_mut().for_each(|x| *x = normal(sigma));
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed + 1);
    draws.eps.iter_mut().for_each(|e| *e = rng.random::<f32>());
    Case {
        config,
        draws,
        g,
        d,
    }
}

fn init(c: &Case) -> BackendInit {
    let opt = OptimizerConfig::default();
    BackendInit {
        g: c.g.clone(),
        d: c.d.clone(),
        opt_g: opt,
        opt_d: opt,
        m: c.draws.len(),
        frozen_g: c.config.g_model.frozen(),
        frozen_d: c.config.d_model.frozen(),
    }
}

fn cast_draws(d: &Draws<f32>) -> Draws<f64> {
    let c = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect();
    Draws {
        real: c(&d.real),
        z: c(&d.z),
        noise_real: c(&d.noise_real),
        noise_fake: c(&d.noise_fake),
        eps: c(&d.eps),
        class: d.class.clone(),
    }
}

/// ‖a − b‖ / ‖b‖ (or ‖a − b‖ when b = 0).
fn rel(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let diff = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm = b.iter().map(|y| y * y).sum::<f64>().sqrt();
    if norm > 0.0 { diff / norm } else { diff }
}

fn rel1(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-30)
}

/// A D step: loss, penalty, mean D on real, mean D on fake, the gradient.
type DSide = (f64, f64, f64, f64, Vec<f64>);
/// A G step: loss, mean D on fake, the gradient.
type GSide = (f64, f64, Vec<f64>);

/// The native engine's D and G objectives and gradients in precision `T`.
fn native<T: nalgebra::RealField + Copy>(c: &Case, draws: &Draws<T>) -> (DSide, GSide) {
    let (g, d): (Mlp<T>, Mlp<T>) = (c.g.cast(), c.d.cast());
    let obj = Objective::of(&c.config);
    let to = |x: T| -> f64 { nalgebra::try_convert(x).expect("real") };
    let mut s = Scratch::new(&g, &d, draws.len());
    let mut gd = d.zero_grads();
    let ev = obj.d_step_grad(&g, &d, draws, &mut s, &mut gd);
    let mut gg = g.zero_grads();
    let gv = obj.g_step_grad(&g, &d, draws, &mut s, &mut gg);
    (
        (
            to(ev.loss),
            to(ev.penalty),
            to(ev.mean_real),
            to(ev.mean_fake),
            gd.to_flat().into_iter().map(to).collect(),
        ),
        (
            to(gv.loss),
            to(gv.mean_fake),
            gg.to_flat().into_iter().map(to).collect(),
        ),
    )
}

/// Three classes for the conditional cases.
const CLASSES: &str = "classes(normal(-2, 0.5), normal(1, 1), laplace(3, 0.5))";

/// The forward passes' inputs of a case: G's (`[z, onehot]` when
/// conditional), D's on the real packs (one-hot columns for concat), and the
/// classes a projection head takes.
fn forward_inputs(c: &Case) -> (Vec<f32>, Vec<f32>, Vec<usize>) {
    let obj = Objective::of(&c.config);
    let layout = obj.layout();
    let (pack, k, m) = (c.config.pack, layout.classes, c.draws.len());
    let mut g_in = c.draws.z.clone();
    if layout.g_class {
        g_in = vec![0.0; m * layout.g_in(c.config.latent_dim)];
        with_onehot(
            &c.draws.z,
            c.config.latent_dim,
            &c.draws.class,
            pack,
            k,
            &mut g_in,
        );
    }
    let mut d_in = c.draws.real.clone();
    if layout.concat {
        d_in = vec![0.0; m / pack * layout.d_in(pack)];
        with_onehot(&c.draws.real, pack, &c.draws.class, 1, k, &mut d_in);
    }
    let heads = if layout.head {
        c.draws.class.clone()
    } else {
        Vec::new()
    };
    (g_in, d_in, heads)
}

/// Every loss with its tricks, and the penalties on every smooth activation.
fn cases() -> Vec<Case> {
    let base = Config {
        batch: 96,
        g_hidden: vec![12, 10],
        d_hidden: vec![16, 8],
        ..Config::default()
    };
    let mut v = Vec::new();
    for (i, &loss) in LossKind::ALL.iter().enumerate() {
        v.push(case(
            Config {
                loss,
                ..base.clone()
            },
            i as u64,
        ));
        // Every trick at once: noise, R1, packing, smoothing, a wider latent.
        v.push(case(
            Config {
                loss,
                instance_noise: 0.3,
                r1: 2.0,
                pack: 3,
                label_smoothing: 0.1,
                latent_dim: 3,
                ..base.clone()
            },
            10 + i as u64,
        ));
    }
    // The one-sided gradient penalty, on critics steep enough to cost.
    for (i, &act) in [Activation::LeakyRelu, Activation::Tanh].iter().enumerate() {
        let mut c = case(
            Config {
                loss: LossKind::WganGp,
                activation: act,
                gp: 10.0,
                gp_one_sided: true,
                ..base.clone()
            },
            200 + i as u64,
        );
        // Every weight tripled: slopes of tens, well above 1.
        let p: Vec<f32> = c.d.params_flat().iter().map(|v| 3.0 * v).collect();
        c.d = Mlp::from_params(c.d.sizes(), c.d.activation(), &p).unwrap();
        v.push(c);
    }
    // Conditional: three classes, each conditioning mode, with the tricks.
    for (j, &conditioning) in Conditioning::ALL.iter().enumerate() {
        for (i, (loss, pack, r1)) in [
            (LossKind::NonSaturating, 2, 1.5),
            (LossKind::WganGp, 1, 0.0),
            (LossKind::Lsgan, 3, 0.0),
            (LossKind::Hinge, 1, 0.5),
            (LossKind::FganKl, 1, 0.0),
            (LossKind::FganJs, 2, 0.5),
        ]
        .into_iter()
        .enumerate()
        {
            v.push(case(
                Config {
                    target: CLASSES.into(),
                    conditioning,
                    loss,
                    pack,
                    r1,
                    instance_noise: 0.2,
                    activation: Activation::Tanh,
                    latent_dim: 1 + i % 2,
                    ..base.clone()
                },
                200 + 10 * j as u64 + i as u64,
            ));
        }
    }
    for (i, &act) in Activation::ALL.iter().enumerate() {
        for loss in [LossKind::WganGp, LossKind::NonSaturating] {
            v.push(case(
                Config {
                    loss,
                    activation: act,
                    r1: if loss == LossKind::WganGp { 0.0 } else { 1.5 },
                    gp: 10.0,
                    pack: 2,
                    ..base.clone()
                },
                100 + i as u64,
            ));
        }
    }
    v
}

fn check_against_native(dtype: DType, tol: f64) {
    let mut worst = (0.0f64, String::new());
    for c in cases() {
        let label = format!(
            "{} {} r1={} pack={} latent={} classes={} {}",
            c.config.loss,
            c.config.activation,
            c.config.r1,
            c.config.pack,
            c.config.latent_dim,
            c.config.class_count(),
            c.config.conditioning
        );
        let ((dl, dp, dr, df, dg), (gl, gf, gg)) = if dtype == DType::F64 {
            native::<f64>(&c, &cast_draws(&c.draws))
        } else {
            native::<f32>(&c, &c.draws)
        };
        let b = CandleBackend::new(init(&c), &Device::Cpu, dtype).unwrap();
        let obj = Objective::of(&c.config);
        let cd = b.d_gradient(&obj, &c.draws).unwrap();
        let cg = b.g_gradient(&obj, &c.draws).unwrap();

        // Forward passes on the step's own inputs.
        let (g_in, d_in, heads) = forward_inputs(&c);
        let z: Vec<f64> = g_in.iter().map(|&x| f64::from(x)).collect();
        let want_g: Vec<f64> = if dtype == DType::F64 {
            c.g.cast::<f64>().eval(&z)
        } else {
            c.g.eval(&g_in).into_iter().map(f64::from).collect()
        };
        let x: Vec<f64> = d_in.iter().map(|&x| f64::from(x)).collect();
        let want_d: Vec<f64> = if dtype == DType::F64 {
            let d = c.d.cast::<f64>();
            let mut ws = d.workspace(0);
            d.forward_classes(&mut ws, &x, &heads).to_vec()
        } else {
            let mut ws = c.d.workspace(0);
            c.d.forward_classes(&mut ws, &d_in, &heads)
                .iter()
                .map(|&v| f64::from(v))
                .collect()
        };
        let errs = [
            ("G forward", rel(&b.g_forward(&g_in).unwrap(), &want_g)),
            (
                "D forward",
                rel(&b.d_forward(&d_in, &heads).unwrap(), &want_d),
            ),
            ("D loss", rel1(cd.loss, dl)),
            (
                "penalty",
                if dp == 0.0 {
                    cd.penalty.abs()
                } else {
                    rel1(cd.penalty, dp)
                },
            ),
            ("mean D real", rel1(cd.mean_real, dr)),
            ("mean D fake", rel1(cd.mean_fake, df)),
            ("D gradient", rel(&cd.grads, &dg)),
            ("G loss", rel1(cg.loss, gl)),
            ("mean D fake (G)", rel1(cg.mean_fake, gf)),
            ("G gradient", rel(&cg.grads, &gg)),
        ];
        for (what, e) in errs {
            assert!(
                e <= tol,
                "{label}: {what} differs by {e:e} (relative), want <= {tol:e}"
            );
            if e > worst.0 {
                worst = (e, format!("{label}: {what}"));
            }
        }
        if c.config.r1 > 0.0 || c.config.loss == LossKind::WganGp {
            assert!(dp > 0.0, "{label}: the penalty is exercised");
        }
    }
    eprintln!(
        "{dtype:?}: worst relative difference {:e} ({})",
        worst.0, worst.1
    );
}

#[test]
fn forward_losses_penalties_and_gradients_match_native_in_f64() {
    check_against_native(DType::F64, 1e-10);
}

#[test]
fn forward_losses_penalties_and_gradients_match_native_in_f32() {
    check_against_native(DType::F32, 1e-5);
}

fn flat(t: &Trainer) -> Vec<f64> {
    let mut v: Vec<f64> = t
        .generator()
        .params_flat()
        .iter()
        .map(|&x| f64::from(x))
        .collect();
    v.extend(
        t.discriminator()
            .params_flat()
            .iter()
            .map(|&x| f64::from(x)),
    );
    v
}

/// 100 iterations of the same config and seed on both backends: the
/// parameters (relative distance), every loss and the final JSD.
fn run_both(c: &Config) -> (String, f64, f64, f64, f64) {
    let label = format!(
        "{} {} {} classes={} {}",
        c.loss,
        c.optimizer,
        c.activation,
        c.class_count(),
        c.conditioning
    );
    let mut a = Trainer::new(c.clone()).unwrap();
    let mut b = backends::trainer(c.clone(), CANDLE).unwrap();
    assert_eq!(b.choice(), CANDLE);
    assert_eq!(flat(&a), flat(&b), "{label}: the same initial weights");
    let mut worst_loss = 0.0f64;
    for _ in 0..100 {
        let (sa, sb) = (a.step(), b.step());
        for (x, y) in [(sa.loss_d, sb.loss_d), (sa.loss_g, sb.loss_g)] {
            let (x, y) = (x.unwrap(), y.unwrap());
            worst_loss = worst_loss.max((x - y).abs() / x.abs().max(1e-3));
        }
    }
    assert_eq!((a.state(), b.state()), (State::Running, State::Running));
    let g = |t: &Trainer| -> Vec<f64> {
        t.generator()
            .params_flat()
            .iter()
            .map(|&x| f64::from(x))
            .collect()
    };
    let (params, g_params) = (rel(&flat(&b), &flat(&a)), rel(&g(&b), &g(&a)));
    let jsd = (a.snapshot().theory.jsd - b.snapshot().theory.jsd).abs();
    eprintln!("{label}: params {params:e} (G {g_params:e}), losses {worst_loss:e}, JSD {jsd:e}");
    (label, params, g_params, worst_loss, jsd)
}

fn trajectory_base() -> Config {
    Config {
        batch: 128,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        target: "0.5*normal(-2, 0.5) + 0.5*normal(2, 0.5)".into(),
        ..Config::default()
    }
}

/// Every loss and optimizer, and every trick at once: 100 iterations stay
/// together to 1e-4 in the parameters and 1e-3 in the losses and the JSD.
///
/// The critic losses (wgan, wgan_gp, hinge) run here under momentum; Adam
/// on them is the next test.
#[test]
fn trajectories_match_native_for_100_steps() {
    let base = trajectory_base();
    let mut configs: Vec<Config> = [
        LossKind::Minimax,
        LossKind::NonSaturating,
        LossKind::Lsgan,
        LossKind::FganKl,
        LossKind::FganReverseKl,
        LossKind::FganPearson,
        LossKind::FganHellinger,
        LossKind::FganJs,
    ]
    .iter()
    .map(|&loss| Config {
        loss,
        ..base.clone()
    })
    .collect();
    configs.push(Config {
        instance_noise: 0.5,
        r1: 1.0,
        pack: 2,
        label_smoothing: 0.1,
        latent_dim: 2,
        k: 2,
        activation: Activation::Tanh,
        ..base.clone()
    });
    for opt in ["sgd", "momentum", "rmsprop"] {
        let mut c = Config {
            lr_d: 1e-2,
            lr_g: 1e-2,
            ..base.clone()
        };
        c.set("optimizer", opt).unwrap();
        configs.push(c);
    }
    for loss in [LossKind::Wgan, LossKind::WganGp, LossKind::Hinge] {
        let mut c = Config {
            loss,
            lr_d: 1e-2,
            lr_g: 1e-2,
            ..base.clone()
        };
        c.set("optimizer", "momentum").unwrap();
        configs.push(c);
    }
    for conditioning in Conditioning::ALL {
        configs.push(Config {
            target: CLASSES.into(),
            conditioning: *conditioning,
            r1: 1.0,
            pack: 2,
            ..base.clone()
        });
    }
    // An f-GAN loss on a conditional target, with its per-class critic.
    configs.push(Config {
        target: CLASSES.into(),
        conditioning: Conditioning::Projection,
        loss: LossKind::FganReverseKl,
        ..base.clone()
    });
    for c in configs {
        let (label, params, _, losses, jsd) = run_both(&c);
        assert!(
            params < 1e-4,
            "{label}: parameters differ by {params:e} after 100 steps"
        );
        assert!(losses < 1e-3, "{label}: losses differ by {losses:e}");
        assert!(jsd < 1e-3, "{label}: JSD differs by {jsd:e}");
    }
}

/// Adam on the critic losses. While every hidden unit stays on one linear
/// piece over the batch, D is affine in x and these losses do not see a
/// constant added to D: the gradient of every critic bias is exactly 0, and
/// each engine computes it as its own rounding noise (about 1e-9). Adam
/// divides by √v + ε with ε = 1e-8 and turns that noise into steps of a good
/// part of the learning rate, different in each engine. So the critics'
/// parameters part (by about 2e-3 relative after 100 steps), while G — what
/// the run produces — and the JSD stay together. The gradients themselves
/// are checked to 1e-5 by the tests above.
#[test]
fn adam_on_the_critic_losses_keeps_g_and_the_jsd_together() {
    for loss in [LossKind::Wgan, LossKind::WganGp, LossKind::Hinge] {
        let (label, _, g_params, _, jsd) = run_both(&Config {
            loss,
            ..trajectory_base()
        });
        assert!(
            g_params < 2e-3,
            "{label}: G differs by {g_params:e} after 100 steps"
        );
        assert!(jsd < 3e-3, "{label}: JSD differs by {jsd:e}");
    }
}

#[test]
fn same_seed_same_candle_run_bit_for_bit() {
    let c = Config {
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        loss: LossKind::WganGp,
        instance_noise: 0.3,
        r1: 1.0,
        pack: 2,
        k: 2,
        ..Config::default()
    };
    let bits = |t: &Trainer| -> Vec<u64> { flat(t).iter().map(|x| x.to_bits()).collect() };
    let mut a = backends::trainer(c.clone(), CANDLE).unwrap();
    let mut b = backends::trainer(c.clone(), CANDLE).unwrap();
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        la.push(a.step().loss_d.map(f64::to_bits));
        lb.push(b.step().loss_d.map(f64::to_bits));
    }
    assert_eq!(la, lb);
    assert_eq!(bits(&a), bits(&b));
    let mut other = backends::trainer(Config { seed: 1, ..c }, CANDLE).unwrap();
    other.run(60);
    assert_ne!(bits(&a), bits(&other));
    // A clone goes on as the original does, and does not share its weights.
    let mut twin = a.clone();
    twin.run(5);
    let before = bits(&a);
    a.run(5);
    assert_eq!(bits(&a), bits(&twin));
    assert_ne!(before, bits(&a));
}

#[test]
fn candle_diverges_at_a_named_step_and_restores() {
    let c = Config {
        optimizer: ganscope::nn::OptimizerKind::Sgd,
        lr_d: 1e3,
        lr_g: 1e3,
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![256, 256],
        loss: LossKind::Lsgan,
        target: "normal(50, 10)".into(),
        ..Config::default()
    };
    let mut native = Trainer::new(c.clone()).unwrap();
    let mut t = backends::trainer(c, CANDLE).unwrap();
    native.run(1000);
    t.run(1000);
    let State::Diverged { step } = t.state() else {
        panic!("did not diverge");
    };
    assert_eq!(native.state(), t.state(), "the same failing iteration");
    assert_eq!(t.step_count(), step - 1);
    assert!(t.backend_error().is_none(), "a divergence, not a failure");
    assert!(t.restore());
    assert!(t.generator().is_finite() && t.discriminator().is_finite());
    assert!(!t.restore());
}

#[test]
fn live_settings_reach_the_candle_optimizer() {
    let c = Config {
        batch: 32,
        g_hidden: vec![8],
        d_hidden: vec![8],
        ..Config::default()
    };
    let mut a = Trainer::new(c.clone()).unwrap();
    let mut b = backends::trainer(c, CANDLE).unwrap();
    for t in [&mut a, &mut b] {
        t.run(10);
        t.set("lr_d", "3e-2").unwrap();
        t.set("batch", "48").unwrap();
        assert!(t.set("lr_g", "NaN").is_err());
        t.run(10);
        assert_eq!(t.last_fake_batch().len(), 48);
    }
    assert!(rel(&flat(&b), &flat(&a)) < 1e-4);
}

/// A learning rate set on a running candle trainer reaches its optimizer,
/// as on the native one (`tests/gan_trainer.rs`).
#[test]
fn a_live_learning_rate_reaches_the_candle_optimizer() {
    let c = Config {
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        ..Config::default()
    };
    let mut t = backends::trainer(c, CANDLE).unwrap();
    common::live_learning_rates_reach_the_optimizers(&mut t);
}

/// `d_model = oracle` on candle: G's step against the exact optimum runs
/// through candle's reverse pass (the surrogate Σ w·x with w = ∂L_G/∂x from
/// the oracle) and follows the native engine for 100 steps, for the GAN,
/// an f-GAN and the WGAN optimum.
#[test]
fn the_oracle_d_runs_on_candle_as_on_native() {
    for loss in [LossKind::Minimax, LossKind::FganKl, LossKind::Wgan] {
        let c = Config {
            d_model: ganscope::gan::DModel::Oracle,
            loss,
            g_hidden: vec![16, 16],
            prior: ganscope::gan::Prior::Normal,
            batch: 128,
            ..trajectory_base()
        };
        let mut a = Trainer::new(c.clone()).unwrap();
        let mut b = backends::trainer(c, CANDLE).unwrap();
        let mut worst = 0.0f64;
        for _ in 0..100 {
            let (sa, sb) = (a.step(), b.step());
            assert_eq!((sa.loss_d, sb.loss_d), (None, None), "no D step");
            let (x, y) = (sa.loss_g.unwrap(), sb.loss_g.unwrap());
            worst = worst.max((x - y).abs() / x.abs().max(1e-3));
        }
        assert_eq!((a.state(), b.state()), (State::Running, State::Running));
        let g = |t: &Trainer| -> Vec<f64> {
            t.generator()
                .params_flat()
                .iter()
                .map(|&x| f64::from(x))
                .collect()
        };
        let params = rel(&g(&b), &g(&a));
        eprintln!("oracle {loss}: G differs by {params:e}, G losses by {worst:e}");
        assert!(params < 1e-4, "oracle {loss}: G differs by {params:e}");
        assert!(worst < 1e-3, "oracle {loss}: G losses differ by {worst:e}");
        assert_ne!(
            g(&a),
            g(&Trainer::new(a.config().clone()).unwrap()),
            "G moved"
        );
    }
}

/// The cross gradients of consensus optimisation (each loss in both
/// players' parameters) on every case, f64, against the native engine's
/// `d_full_grad` and `g_full_grad`.
#[test]
fn full_gradients_match_native_in_f64() {
    let mut worst = 0.0f64;
    for c in cases() {
        let label = format!(
            "{} {} r1={} pack={} classes={} {}",
            c.config.loss,
            c.config.activation,
            c.config.r1,
            c.config.pack,
            c.config.class_count(),
            c.config.conditioning
        );
        let (g, d): (Mlp<f64>, Mlp<f64>) = (c.g.cast(), c.d.cast());
        let draws = cast_draws(&c.draws);
        let obj = Objective::of(&c.config);
        let mut s = Scratch::new(&g, &d, draws.len());
        let b = CandleBackend::new(init(&c), &Device::Cpu, DType::F64).unwrap();
        for of in [Player::D, Player::G] {
            let (mut gg, mut gd) = (g.zero_grads(), d.zero_grads());
            let loss = match of {
                Player::D => {
                    obj.d_full_grad(&g, &d, &draws, &mut s, &mut gg, &mut gd)
                        .loss
                }
                Player::G => {
                    obj.g_full_grad(&g, &d, &draws, &mut s, &mut gg, &mut gd)
                        .loss
                }
            };
            let (cl, cg, cd) = b.full_gradients(of, &obj, &c.draws).unwrap();
            for (what, e) in [
                ("loss", rel1(cl, loss)),
                ("in G", rel(&cg, &gg.to_flat())),
                ("in D", rel(&cd, &gd.to_flat())),
            ] {
                assert!(e <= 1e-10, "{label}: {of:?}'s loss {what} differs by {e:e}");
                worst = worst.max(e);
            }
        }
    }
    eprintln!("full gradients: worst relative difference {worst:e}");
}

/// Every update rule, 100 iterations on both engines: the same parameters
/// (relative 1e-4), losses (1e-3) and JSD (1e-3), on a loss with a
/// penalty under Adam with k = 2, WGAN-GP (whose cross term runs through the
/// interpolates) and the Dirac-GAN's held parameters.
///
/// Consensus runs its first two on tanh networks. Its Jᵀw is a difference
/// of gradients over a step of `FD_STEP`; on a piecewise-linear network
/// the exact Hessian terms of many parameters are 0, the difference is each
/// engine's rounding divided by the step, and Adam (or momentum) turns that
/// noise into steps of a good part of the learning rate, different in each
/// engine — the mechanism of the critics' biases below, 1e-2 apart after
/// 100 steps. On smooth networks, and under SGD on leaky ReLU (the third
/// check), the engines stay together like the other rules.
#[test]
fn every_update_rule_matches_native_for_100_steps() {
    let base = trajectory_base();
    let mut configs = Vec::new();
    for rule in ["simultaneous", "extragradient", "optimistic", "consensus"] {
        let act = if rule == "consensus" {
            Activation::Tanh
        } else {
            Activation::LeakyRelu
        };
        let mut c = Config {
            r1: 1.0,
            k: 2,
            activation: act,
            ..base.clone()
        };
        c.set("update", rule).unwrap();
        configs.push(c);
        // Consensus on WGAN-GP: the penalty's curvature (λ = 10) in γ·Jᵀw
        // needs a smaller step.
        let lr = if rule == "consensus" { 1e-3 } else { 1e-2 };
        let mut gp = Config {
            loss: LossKind::WganGp,
            lr_d: lr,
            lr_g: lr,
            activation: act,
            ..base.clone()
        };
        gp.set("optimizer", "momentum").unwrap();
        gp.set("update", rule).unwrap();
        configs.push(gp);
        let mut dirac = Config::default();
        for (k, v) in [
            ("target", "dirac(0)"),
            ("g_model", "constant"),
            ("d_model", "linear"),
            ("optimizer", "sgd"),
            ("lr_d", "0.5"),
            ("lr_g", "0.5"),
            ("batch", "8"),
            ("update", rule),
        ] {
            dirac.set(k, v).unwrap();
        }
        configs.push(dirac);
        // A conditional run: the rule's draws carry the classes, and
        // consensus's cross gradients run through the one-hot columns
        // (concat) or the projection head.
        let mut cond = Config {
            target: CLASSES.into(),
            activation: act,
            pack: 2,
            ..base.clone()
        };
        cond.conditioning = if rule == "extragradient" || rule == "consensus" {
            Conditioning::Projection
        } else {
            Conditioning::Concat
        };
        if rule == "consensus" {
            cond.loss = LossKind::WganGp;
            cond.lr_d = 1e-3;
            cond.lr_g = 1e-3;
            cond.set("optimizer", "momentum").unwrap();
        }
        cond.set("update", rule).unwrap();
        configs.push(cond);
    }
    let mut sgd = Config {
        r1: 1.0,
        lr_d: 1e-2,
        lr_g: 1e-2,
        ..base.clone()
    };
    sgd.set("optimizer", "sgd").unwrap();
    sgd.set("update", "consensus").unwrap();
    configs.push(sgd);
    for c in configs {
        let (label, params, _, losses, jsd) = run_both(&c);
        let label = format!("{label} {}", c.update);
        // A critic's losses are differences of means near 0, compared
        // relative to 1e-3 at least: rounding shows at 1e-3 of that.
        let loss_tol = if c.loss.is_wasserstein() { 1e-2 } else { 1e-3 };
        assert!(
            params < 1e-4,
            "{label}: parameters differ by {params:e} after 100 steps"
        );
        assert!(losses < loss_tol, "{label}: losses differ by {losses:e}");
        assert!(jsd < 1e-3, "{label}: JSD differs by {jsd:e}");
    }
}
