//! Conditional runs in the trainer: the snapshot holds each class's exact
//! picture (p_g(· | c) as the pushforward of p_z through G(·, c), D*(x, c),
//! JSD_c) and the marginal one; the same seed gives the same run; the
//! target stays live while its number of classes does; a G that does not
//! see c gives every class the same p_g.

use ganscope::gan::snapshot::Z_SEGMENTS;
use ganscope::gan::{Conditioning, Config, GanError, LossKind, Trainer};
use ganscope::theory::classes::class_mean;
use ganscope::theory::{Grid, pushforward_masses};

const TARGET: &str = "classes(normal(-2, 0.5), 2*laplace(1, 0.7), normal(3, 0.4))";

fn config(conditioning: Conditioning) -> Config {
    Config {
        target: TARGET.into(),
        conditioning,
        batch: 64,
        g_hidden: vec![16, 16],
        d_hidden: vec![16, 16],
        ..Config::default()
    }
}

fn sum(v: &[f64]) -> f64 {
    v.iter().sum()
}

#[test]
fn the_snapshot_holds_every_class_and_the_marginal() {
    for conditioning in Conditioning::ALL {
        let mut t = Trainer::new(config(*conditioning)).unwrap();
        t.run(40);
        let s = t.snapshot();
        let label = conditioning.to_string();
        assert_eq!(s.classes.len(), 3, "{label}");
        let w: Vec<f64> = s.classes.iter().map(|c| c.weight).collect();
        assert_eq!(w, [0.25, 0.5, 0.25], "{label}");
        let zp = t.config().prior.z_points(Z_SEGMENTS);
        for (c, cs) in s.classes.iter().enumerate() {
            assert!((sum(&cs.p_g_mass) - 1.0).abs() < 1e-12, "{label} class {c}");
            assert!(
                (sum(&cs.p_data_mass) - 1.0).abs() < 1e-9,
                "{label} class {c}"
            );
            // p_g(· | c) is the pushforward of the prior through G(·, c).
            let mut q = vec![0.0; s.grid.len()];
            pushforward_masses(&s.grid, &t.generate_class(&zp.z, c), &zp.seg_mass, &mut q);
            assert_eq!(q, cs.p_g_mass, "{label} class {c}");
            // D*(x, c) = p_data(x | c) / (p_data(x | c) + p_g(x | c)).
            for i in (0..s.grid.len()).step_by(97) {
                let (p, g) = (cs.p_data_mass[i], cs.p_g_mass[i]);
                if p + g > 0.0 {
                    assert_eq!(
                        cs.theory.d_star[i],
                        p / (p + g),
                        "{label} class {c} bin {i}"
                    );
                }
            }
            assert_eq!(cs.d_raw, t.d_raw_class(&s.x, c), "{label} class {c}");
        }
        // The marginals are the class mixtures.
        for i in 0..s.grid.len() {
            let p: f64 = s.classes.iter().map(|c| c.weight * c.p_data_mass[i]).sum();
            let q: f64 = s.classes.iter().map(|c| c.weight * c.p_g_mass[i]).sum();
            assert!((s.p_data_mass[i] - p).abs() < 1e-15, "{label} bin {i}");
            assert!((s.p_g_mass[i] - q).abs() < 1e-15, "{label} bin {i}");
        }
        let jsd_mean: f64 = s.classes.iter().map(|c| c.weight * c.theory.jsd).sum();
        let c_g = -(4f64.ln()) + 2.0 * jsd_mean;
        assert!(
            (s.theory.c_g - c_g).abs() < 1e-14,
            "{label}: C(G) of the cGAN"
        );
        let v: f64 = s
            .classes
            .iter()
            .map(|c| c.weight * c.theory.v.unwrap())
            .sum();
        assert!(
            (s.theory.v.unwrap() - v).abs() < 1e-14,
            "{label}: V of the cGAN"
        );
        assert!(s.theory.jsd <= jsd_mean + 1e-12, "{label}: joint convexity");
        assert!(s.theory.gap().unwrap() >= -1e-12, "{label}");
        // D on the marginal figure: each class's D weighted by where its
        // real and fake samples are.
        let both: Vec<Vec<f64>> = s
            .classes
            .iter()
            .map(|c| {
                c.p_data_mass
                    .iter()
                    .zip(&c.p_g_mass)
                    .map(|(a, b)| a + b)
                    .collect()
            })
            .collect();
        let d: Vec<&[f64]> = s.classes.iter().map(|c| c.d.as_slice()).collect();
        let by: Vec<&[f64]> = both.iter().map(Vec::as_slice).collect();
        assert_eq!(s.d, class_mean(&w, &by, &d), "{label}");
        assert_eq!(s.map_x, s.classes[0].map_x, "{label}: class 1's map");
        assert_eq!(s.map_x, t.generate(&s.map_z), "{label}");
    }
}

#[test]
fn a_g_that_does_not_see_c_gives_every_class_the_same_p_g() {
    let mut t = Trainer::new(config(Conditioning::None)).unwrap();
    t.run(30);
    let s = t.snapshot();
    assert_eq!(s.classes[0].p_g_mass, s.classes[1].p_g_mass);
    assert_eq!(s.classes[1].p_g_mass, s.classes[2].p_g_mass);
    assert_eq!(s.classes[0].d, s.classes[2].d, "nor does D");
    // With a G that sees c, the classes differ.
    let mut t = Trainer::new(config(Conditioning::GOnly)).unwrap();
    t.run(30);
    let s = t.snapshot();
    assert_ne!(s.classes[0].p_g_mass, s.classes[1].p_g_mass);
    assert_eq!(s.classes[0].d, s.classes[2].d, "D does not see c");
}

fn flat(t: &Trainer) -> Vec<u32> {
    t.generator()
        .params_flat()
        .into_iter()
        .chain(t.discriminator().params_flat())
        .map(f32::to_bits)
        .collect()
}

#[test]
fn same_config_and_seed_same_conditional_run() {
    for conditioning in Conditioning::ALL {
        for (loss, pack) in [(LossKind::NonSaturating, 1), (LossKind::WganGp, 3)] {
            let c = Config {
                loss,
                pack,
                r1: 0.5,
                instance_noise: 0.2,
                ..config(*conditioning)
            };
            let (mut a, mut b) = (
                Trainer::new(c.clone()).unwrap(),
                Trainer::new(c.clone()).unwrap(),
            );
            a.run(25);
            b.run(25);
            assert_eq!(flat(&a), flat(&b), "{conditioning} {loss}");
            let mut other = Trainer::new(Config { seed: 1, ..c }).unwrap();
            other.run(25);
            assert_ne!(flat(&a), flat(&other), "{conditioning} {loss}");
        }
    }
}

#[test]
fn the_target_is_live_while_its_number_of_classes_stays() {
    let mut t = Trainer::new(config(Conditioning::Concat)).unwrap();
    t.run(5);
    t.set(
        "target",
        "classes(normal(-3, 0.5), normal(0, 1), normal(3, 0.4))",
    )
    .expect("three classes again: live");
    assert_eq!(t.classes().unwrap().k(), 3);
    assert_eq!(t.step_count(), 5);
    t.run(5);
    for other in ["classes(normal(-3, 0.5), normal(3, 0.4))", "normal(0, 1)"] {
        let e = t.set("target", other).unwrap_err();
        assert!(matches!(e, GanError::NeedsReset { .. }), "{other}: {e}");
        assert!(e.to_string().contains("number of classes"), "{e}");
    }
    assert_eq!(t.classes().unwrap().k(), 3, "nothing changed");
    let mut plain = Trainer::new(Config::default()).unwrap();
    let e = plain.set("target", TARGET).unwrap_err();
    assert!(matches!(e, GanError::NeedsReset { .. }), "{e}");
}

#[test]
fn an_estimated_p_g_for_a_wider_latent() {
    let mut t = Trainer::new(Config {
        latent_dim: 2,
        ..config(Conditioning::Projection)
    })
    .unwrap();
    t.run(10);
    let s = t.snapshot();
    assert!(!s.p_g_exact);
    for c in &s.classes {
        assert!((sum(&c.p_g_mass) - 1.0).abs() < 1e-12);
    }
    // A grid the snapshot's own size.
    let g: &Grid = &s.grid;
    assert_eq!(s.classes[0].p_g.len(), g.len());
}
