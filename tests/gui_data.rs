//! The window with data: drawing a target over the figure, loading a CSV
//! target (from the spec field and from the Files section), and the
//! two-sample tests and D's accuracies on screen.
#![cfg(feature = "gui")]

mod common;

use common::gui::{harness, harness_in, harness_lesson, wait};
use common::tmp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ganscope::app::App;
use ganscope::density::{Family, Univariate, parse_spec};
use ganscope::gan::{Config, Trainer, presets};

fn goodfellow() -> Config {
    presets::load("goodfellow")
        .expect("the lesson exists")
        .config
}

fn set_field(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .set_text_value_accesskit(text);
    h.run_steps(2);
}

fn press(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    h.run_steps(2);
}

/// Drag the mouse over the figure along `path` (fractions of its width
/// from the left and of its height from the bottom), one frame per point.
fn drag_over_the_figure(h: &mut Harness<'static, App>, path: &[(f32, f32)]) {
    let rect = h.get_by_label("figure").rect();
    let at = |(fx, fy): (f32, f32)| {
        egui::pos2(
            rect.left() + fx * rect.width(),
            rect.bottom() - fy * rect.height(),
        )
    };
    let button = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    let first = at(path[0]);
    h.input_mut().events.push(egui::Event::PointerMoved(first));
    h.step();
    h.input_mut().events.push(button(first, true));
    h.step();
    for &p in &path[1..] {
        h.input_mut().events.push(egui::Event::PointerMoved(at(p)));
        h.step();
    }
    let last = at(path[path.len() - 1]);
    h.input_mut().events.push(button(last, false));
    h.step();
    h.run_steps(2);
}

#[test]
fn drawing_a_shape_makes_a_pieces_target_that_saves_and_replays() {
    let dir = tmp("gui-draw");
    let mut a = harness(goodfellow());
    wait(&mut a, "the first view", |a| a.view().is_some());
    a.get_by_role_and_label(Role::CheckBox, "draw target")
        .click_accesskit();
    a.run_steps(2);
    // A bump: up from the axis on the left, down again on the right.
    let path: Vec<(f32, f32)> = (0..=40)
        .map(|i| {
            let t = i as f32 / 40.0;
            (0.2 + 0.6 * t, 0.05 + 0.6 * (std::f32::consts::PI * t).sin())
        })
        .collect();
    drag_over_the_figure(&mut a, &path);
    wait(&mut a, "the drawn target", |a| {
        a.settings().config.target.starts_with("pieces(")
    });
    let spec = a.state().settings().config.target.clone();
    let m = parse_spec(&spec).expect("the drawing is a valid spec");
    assert_eq!(m.to_string(), spec, "prints back to itself");
    assert_eq!(
        parse_spec(&m.to_string()).expect("again"),
        m,
        "the same density"
    );
    let Family::Pieces(p) = &m.terms()[0].family else {
        panic!("{spec}")
    };
    assert!(p.xs().len() >= 10, "{spec}");
    // The bump's top is in the middle of the stroke, its ends low.
    let (lo, hi) = m.support();
    let mid = 0.5 * (lo + hi);
    assert!(m.pdf(mid) > 3.0 * m.pdf(lo + 0.02 * (hi - lo)), "{spec}");
    assert!((m.cdf(mid) - 0.5).abs() < 0.1, "{spec}");
    wait(&mut a, "the trainer on the drawing", |a| {
        a.status().config.target == spec
    });

    // Save it, load it in another window: the same run, bit for bit.
    let path = dir.join("drawn.toml");
    set_field(&mut a, "config file", path.to_str().expect("utf-8"));
    press(&mut a, "Save config");
    let saved =
        Config::from_toml_str(&std::fs::read_to_string(&path).expect("saved")).expect("a config");
    assert_eq!(saved.target, spec);
    let mut b = harness(goodfellow());
    wait(&mut b, "the first view", |a| a.view().is_some());
    set_field(&mut b, "config file", path.to_str().expect("utf-8"));
    press(&mut b, "Load config");
    wait(&mut b, "the loaded drawing", |a| {
        a.status().generation == 1 && a.status().config.target == spec
    });
    let start = b.state().status().step;
    for i in 1..=3 {
        b.get_by_role_and_label(Role::Button, "Step")
            .click_accesskit();
        wait(&mut b, "a step", |a| a.status().step >= start + i);
    }
    wait(&mut b, "the view of the last step", |a| {
        a.view().is_some_and(|v| v.step == start + 3)
    });
    let mut t = Trainer::new(saved).expect("valid");
    t.run(3);
    let fresh = ganscope::report::figure::figure_data(&t.snapshot(), "");
    let v = b.state().view().expect("a view");
    assert_eq!(v.figure.p_data, fresh.p_data, "the drawn p_data");
    assert_eq!(v.figure.p_g, fresh.p_g, "G, bit for bit");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_stroke_with_no_width_is_an_inline_error() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    let before = h.state().settings().config.clone();
    h.get_by_role_and_label(Role::CheckBox, "draw target")
        .click_accesskit();
    h.run_steps(2);
    drag_over_the_figure(&mut h, &[(0.5, 0.1), (0.5, 0.3), (0.5, 0.6)]);
    h.get_by_label_contains("the stroke spans no width");
    assert_eq!(h.state().settings().config, before);
}

#[test]
fn a_csv_target_loads_from_the_spec_field_and_from_the_files_section() {
    let dir = tmp("gui-csv");
    std::fs::write(dir.join("data.csv"), "x\n0.1\n0.4\n0.35\n0.9\n0.7\n0.2\n").expect("a file");
    std::fs::write(
        dir.join("two.csv"),
        "name,a,b\nu,1,10\nv,2,12\nw,4,11\nz,3,15\n",
    )
    .expect("a file");
    std::fs::write(dir.join("bad.csv"), "x\n1\n2\noops\n").expect("a file");
    let mut h = harness_in(goodfellow(), Some(dir.clone()));
    wait(&mut h, "the first view", |a| a.view().is_some());

    // The spec field, with a path relative to the window's directory.
    set_field(&mut h, "spec", "csv(\"data.csv\")");
    wait(&mut h, "the CSV target", |a| {
        a.status().config.target.contains("data.csv") && a.view().is_some()
    });
    let target = h.state().settings().config.target.clone();
    assert!(target.contains("sha256 = \""), "{target}");
    wait(&mut h, "a view of the CSV target", |a| {
        a.view().is_some_and(|v| v.data_note.is_some())
    });
    // In the side panel (and the figure's legend).
    assert!(
        h.query_all_by_label_contains("p_data = data.csv (6 rows): frequency polygon")
            .next()
            .is_some()
    );

    // The Files section: a named column.
    set_field(&mut h, "data CSV", "two.csv");
    set_field(&mut h, "column", "b");
    press(&mut h, "Load CSV as target");
    let m = h.state().files_message().cloned().expect("a message");
    assert!(m.as_ref().is_ok_and(|m| m.contains("two.csv")), "{m:?}");
    wait(&mut h, "the second CSV target", |a| {
        a.status().config.target.contains("two.csv")
    });
    let t = parse_spec(&h.state().settings().config.target).expect("valid");
    assert!((t.mean().expect("a mean") - 12.0).abs() < 1.5, "column b");

    // A bad file: the error names the line and column; nothing changes.
    let before = h.state().settings().config.clone();
    set_field(&mut h, "data CSV", "bad.csv");
    set_field(&mut h, "column", "");
    press(&mut h, "Load CSV as target");
    let e = h
        .state()
        .files_message()
        .cloned()
        .expect("a message")
        .expect_err("an error");
    assert!(
        e.contains("bad.csv") && e.contains("line 4, column 1"),
        "{e}"
    );
    h.get_by_label_contains("line 4, column 1");
    set_field(&mut h, "spec", "csv(\"bad.csv\")");
    assert!(
        h.state().spec_error().is_some_and(|e| e.contains("line 4")),
        "{:?}",
        h.state().spec_error()
    );
    h.run_steps(3);
    assert_eq!(h.state().settings().config, before);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_two_sample_panel_and_the_accuracy_curves_show() {
    let mut h = harness_lesson(
        presets::load("finite-data").expect("a lesson").config,
        "finite-data",
    );
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::Button, "Step")
        .click_accesskit();
    wait(&mut h, "a view after a step", |a| {
        a.view().is_some_and(|v| v.step >= 1)
    });
    for label in [
        "Two-sample tests",
        "Welch t (means)",
        "Kolmogorov–Smirnov",
        "classifier (D)",
    ] {
        h.get_by_label_contains(label);
    }
    h.get_by_role_and_label(Role::CheckBox, "D acc. training data");
    h.get_by_role_and_label(Role::CheckBox, "D acc. fresh");
    h.get_by_label_contains("the data set: N = 64");
    h.get_by_label_contains("D's accuracy:");
    let v = h.state().view().expect("a view");
    assert!(v.empirical.is_some());
    assert_eq!(v.figure.rug.len(), 64);
}
