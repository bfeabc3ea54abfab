//! The snapshot: shapes, masses, what D and the optimum mean per loss, the
//! exact/estimated label of p_g, and the z → x map.

use ganscope::gan::{Config, LossKind, Prior, Trainer};

fn trainer(edit: impl FnOnce(&mut Config)) -> Trainer {
    let mut c = Config {
        batch: 64,
        ..Config::default()
    };
    edit(&mut c);
    Trainer::new(c).unwrap()
}

#[test]
fn shapes_masses_and_labels() {
    let mut t = trainer(|c| c.target = "modes(3, 3, 0.3)".into());
    t.run(20);
    let s = t.snapshot();
    let n = s.grid.len();
    assert!(s.grid.n() >= 1000);
    for v in [
        &s.x,
        &s.p_data,
        &s.p_g,
        &s.p_data_mass,
        &s.p_g_mass,
        &s.d,
        &s.d_raw,
        &s.force,
        &s.theory.d_star,
    ] {
        assert_eq!(v.len(), n);
    }
    let total = |m: &[f64]| m.iter().sum::<f64>();
    assert!((total(&s.p_data_mass) - 1.0).abs() < 1e-9);
    assert!((total(&s.p_g_mass) - 1.0).abs() < 1e-9);
    assert!(s.p_g_exact);
    assert_eq!(s.step, 20);
    // Densities are masses over the bin width.
    let w = s.grid.width();
    assert!((s.p_g[n / 2] * w - s.p_g_mass[n / 2]).abs() < 1e-12);
    // Cross-entropy: D is a probability, V exists, C(G) ≥ V.
    assert!(s.d.iter().all(|&d| (0.0..=1.0).contains(&d)));
    assert!(s.theory.gap().unwrap() >= -1e-9);
    assert_eq!(s.theory.modes.total, 3);
    assert_eq!(s.optimum().unwrap(), s.theory.d_star.as_slice());
    // The map: 40 lines, z increasing, the optimal map is the target's quantiles.
    assert_eq!(
        (s.map_z.len(), s.map_x.len(), s.map_optimal.len()),
        (40, 40, 40)
    );
    assert!(s.map_z.windows(2).all(|w| w[0] < w[1]));
    assert!(s.map_optimal.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        (s.map_z[0] - (-1.0 + 1.0 / 40.0)).abs() < 1e-12,
        "uniform prior quantiles"
    );
    assert_eq!(s.map_x, t.generate(&s.map_z));
}

#[test]
fn a_higher_latent_gives_an_estimate() {
    let t = trainer(|c| {
        c.latent_dim = 3;
        c.prior = Prior::Normal;
    });
    let s = t.snapshot();
    assert!(!s.p_g_exact);
    assert!((s.p_g_mass.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(s.map_x.len(), 40);
    // The quasi-random sample is fixed: two snapshots agree.
    assert!(t.snapshot().p_g_mass == s.p_g_mass);
}

#[test]
fn d_and_the_optimum_follow_the_loss() {
    for &loss in LossKind::ALL {
        let t = trainer(|c| c.loss = loss);
        let s = t.snapshot();
        assert_eq!(s.loss, loss);
        match loss {
            LossKind::Minimax | LossKind::NonSaturating => {
                assert!(s.theory.v.is_some());
                assert!(
                    s.d.iter()
                        .zip(&s.d_raw)
                        .all(|(d, l)| (d - 1.0 / (1.0 + (-l).exp())).abs() < 1e-12)
                );
            }
            // f-GAN: the critic T = g_f(v) of the raw output.
            _ if loss.fdiv().is_some() => {
                let f = loss.fdiv().unwrap();
                assert!(s.theory.v.is_none());
                assert!(
                    s.d.iter()
                        .zip(&s.d_raw)
                        .all(|(d, v)| (d - f.activation(*v)).abs() < 1e-12)
                );
                assert!(s.f_divergence.is_some() && s.f_bound.is_some());
            }
            _ => {
                assert!(s.theory.v.is_none());
                assert_eq!(s.d, s.d_raw);
                assert!(s.f_divergence.is_none() && s.f_bound.is_none());
            }
        }
        match loss {
            LossKind::Wgan | LossKind::WganGp => {
                assert_eq!(s.optimum().unwrap(), s.theory.critic.as_slice())
            }
            LossKind::Hinge => assert!(s.optimum().is_none()),
            _ if loss.fdiv().is_some() => {
                assert_eq!(s.optimum().unwrap(), s.t_star.as_slice())
            }
            _ => assert_eq!(s.optimum().unwrap(), s.theory.d_star.as_slice()),
        }
    }
}

#[test]
fn snapshot_of_a_diverged_trainer_does_not_panic() {
    let mut t = trainer(|c| {
        c.optimizer = ganscope::nn::OptimizerKind::Sgd;
        c.lr_d = 1e3;
        c.lr_g = 1e3;
        c.loss = LossKind::Lsgan;
        c.d_hidden = vec![256, 256];
        c.target = "normal(50, 10)".into();
    });
    t.run(500);
    let s = t.snapshot();
    assert_eq!(s.state, t.state());
    assert!((s.p_g_mass.iter().sum::<f64>() - 1.0).abs() < 1e-6);
}

/// An f-GAN on a point-mass target: D_f and the bound sum over the atom's
/// cell too (the rule of `theory::atoms`). G, an MLP, makes a density, so
/// it never puts mass on δ(0.5): the atom counts fully in 2·H² = Σ(√P − √Q)²
/// = 1 + 1 and in 2·JSD = 2 ln 2, and KL both ways and Pearson's χ² are
/// infinite. The bound of the Hellinger critic is T at the atom minus
/// E_g f*(T) = Σ Qᵢ·Tᵢ/(1 − Tᵢ) over the bins.
#[test]
fn f_gan_quantities_count_a_dirac_target_as_a_cell() {
    let two_ln2 = 2.0 * std::f64::consts::LN_2;
    for (loss, want) in [
        (LossKind::FganHellinger, 2.0),
        (LossKind::FganJs, two_ln2),
        (LossKind::FganKl, f64::INFINITY),
        (LossKind::FganReverseKl, f64::INFINITY),
        (LossKind::FganPearson, f64::INFINITY),
    ] {
        let mut t = trainer(|c| {
            c.target = "dirac(0.5)".into();
            c.loss = loss;
        });
        t.run(20);
        let s = t.snapshot();
        assert_eq!(s.theory.atoms.x, vec![0.5], "{loss}");
        let df = s.f_divergence.unwrap();
        if want.is_finite() {
            assert!((df - want).abs() < 1e-12, "{loss}: D_f {df}, want {want}");
        } else {
            assert_eq!(df, want, "{loss}");
        }
        let bound = s.f_bound.unwrap();
        assert!(
            bound.is_finite() && bound <= df,
            "{loss}: bound {bound} ≤ D_f {df}"
        );
        if loss == LossKind::FganHellinger {
            let e_fake: f64 = s
                .p_g_mass
                .iter()
                .zip(&s.d)
                .filter(|(q, _)| **q > 0.0)
                .map(|(q, t)| q * t / (1.0 - t))
                .sum();
            let want = s.d_atoms[0] - e_fake;
            assert!(
                (bound - want).abs() < 1e-9 * want.abs().max(1.0),
                "{loss}: bound {bound}, T(x₀) − E_g f*(T) = {want}"
            );
        }
    }
}
