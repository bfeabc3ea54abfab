//! The phase-plane panel through the window's accessibility tree
//! (egui_kittest): the Dirac-GAN's field and eigenvalues, updated live as a
//! slider moves; the trajectory is the run's own path, recorded by the
//! worker's observer without changing the run; any run can trace two chosen
//! parameters.
#![cfg(feature = "gui")]

mod common;

use common::gui::{harness, wait};
use common::preset;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use ganscope::app::App;
use ganscope::app::view::FIELD_GRID;
use ganscope::gan::Trainer;

fn dirac_ready(a: &App) -> bool {
    a.view().is_some_and(|v| v.is_dirac())
}

#[test]
fn the_dirac_gan_shows_its_field_and_eigenvalues_and_follows_the_sliders() {
    let mut h = harness(preset("dirac-gan"));
    wait(&mut h, "the Dirac-GAN's phase plane", dirac_ready);
    h.run_steps(2);
    let v = h.state().view().unwrap().clone();
    let dirac = v.phase.as_ref().unwrap().dirac.clone().unwrap();
    assert_eq!(dirac.arrows.len(), FIELD_GRID * FIELD_GRID);
    assert_eq!(dirac.equilibrium, [0.0, 0.0]);
    // ±i·f′(0) = ±0.5i, shown as text; alternating circles, simultaneous diverges.
    h.get_by_label_contains("Jacobian at the equilibrium: 0.500i, −0.500i");
    h.get_by_label_contains("|λ| 1.0000 circles");
    h.get_by_label_contains("diverges");
    assert_eq!(
        h.query_all_by_label_contains("converges").count(),
        3,
        "extragradient, optimistic, consensus"
    );

    // R1 at γ = 1, live: the eigenvalues become −γ/2 ± √(γ²/4 − ¼) = −½ twice,
    // and every rule converges.
    h.get_by_role_and_label(Role::Slider, "r1")
        .set_value_accesskit(1.0);
    wait(&mut h, "the eigenvalues with R1", |a| {
        a.view()
            .and_then(|v| v.phase.as_ref()?.dirac.clone())
            .is_some_and(|d| {
                d.spectrum
                    .continuous
                    .iter()
                    .all(|c| (c.re + 0.5).abs() < 1e-3 && c.im.abs() < 1e-3)
            })
    });
    h.run_steps(3);
    h.get_by_label_contains("Jacobian at the equilibrium: -0.500, -0.500");
    assert_eq!(h.query_all_by_label_contains("converges").count(), 5);
    assert_eq!(h.state().status().generation, 0, "r1 is live: no reset");
}

#[test]
fn the_trajectory_is_the_runs_own_path() {
    let mut config = preset("dirac-gan");
    config.batch = 1;
    let mut twin = Trainer::new(config.clone()).unwrap();
    let at = |t: &Trainer| {
        [
            f64::from(t.generator().param(1).unwrap()),
            f64::from(t.discriminator().param(0).unwrap()),
        ]
    };
    let mut path = vec![at(&twin)];
    for _ in 0..5 {
        twin.step();
        path.push(at(&twin));
    }
    let mut h = harness(config);
    wait(&mut h, "the Dirac-GAN's phase plane", dirac_ready);
    for n in 1..=5u64 {
        h.get_by_role_and_label(Role::Button, "Step").click();
        wait(&mut h, "one more step", |a| {
            a.status().step == n && a.view().is_some_and(|v| v.step == n)
        });
    }
    let v = h.state().view().unwrap().clone();
    let p = v.phase.as_ref().unwrap();
    assert_eq!(
        p.trajectory, path,
        "the recorded (θ, ψ) are the twin's, bit for bit"
    );
}

#[test]
fn any_run_traces_two_chosen_parameters() {
    let mut h = harness(preset("goodfellow"));
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert!(
        h.query_by_label("G param").is_none(),
        "hidden until asked for"
    );
    // The View section may be scrolled out of sight: click through accesskit.
    h.get_by_role_and_label(Role::CheckBox, "phase plane")
        .click_accesskit();
    h.run_steps(2);
    assert!(h.state().settings().toggles.phase, "the toggle took");
    h.get_by_label("Phase plane");
    h.get_by_role_and_label(Role::Slider, "G param");
    // G is linear here: [w, b]; D is [1, 32, 32, 1] with 64 + 1056 + 33 =
    // 1153 parameters: its last weight is 1151 (the output bias is last).
    let p = h.state().view().unwrap().phase.clone().unwrap();
    assert_eq!((p.g_index, p.d_index, p.g_len, p.d_len), (1, 1151, 2, 1153));
    assert_eq!(p.g_label, "G b1[0] (output bias)");
    h.get_by_role_and_label(Role::Slider, "G param")
        .set_value_accesskit(0.0);
    h.get_by_role_and_label(Role::Slider, "D param")
        .set_value_accesskit(5.0);
    wait(&mut h, "the new pair", |a| {
        a.view()
            .and_then(|v| v.phase.as_ref())
            .is_some_and(|p| (p.g_index, p.d_index) == (0, 5))
    });
    h.get_by_role_and_label(Role::Button, "Step").click();
    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "two steps", |a| {
        a.view().is_some_and(|v| v.step == 2)
    });
    let p = h.state().view().unwrap().phase.clone().unwrap();
    assert_eq!(p.g_label, "G W1[0,0]");
    assert!(p.trajectory.len() >= 3, "{:?}", p.trajectory);
    let mut twin = Trainer::new(preset("goodfellow")).unwrap();
    twin.run(2);
    let last = *p.trajectory.last().unwrap();
    assert_eq!(
        last,
        [
            f64::from(twin.generator().param(0).unwrap()),
            f64::from(twin.discriminator().param(5).unwrap())
        ]
    );
}
