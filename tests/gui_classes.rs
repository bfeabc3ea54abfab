//! The window on a conditional run, through kittest: the class selector
//! (all classes, or one) above the figure, and what it shows.
#![cfg(feature = "gui")]

mod common;

use common::gui::{harness, wait};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use ganscope::gan::{Config, presets};

fn cgan() -> Config {
    Config {
        steps: 300,
        ..presets::load("cgan").expect("the lesson exists").config
    }
}

#[test]
fn the_class_selector_shows_one_class_or_all_of_them() {
    let mut h = harness(cgan());
    wait(&mut h, "the first view", |a| {
        a.view().is_some_and(|v| v.classes.len() == 3)
    });
    assert_eq!(h.state().class_shown(), None, "all classes at first");
    for label in ["All classes", "class 1", "class 2", "class 3"] {
        h.get_by_role_and_label(Role::Button, label);
    }
    // The figure of all the classes: the marginals, and the classes' curves.
    h.get_by_label_contains("marginal p_g");

    h.get_by_role_and_label(Role::Button, "class 2").click();
    h.run_steps(3);
    assert_eq!(h.state().class_shown(), Some(1));
    // Class 2's own figure: its D(x, 2) and D*, in the paper's colours.
    h.get_by_label_contains("D(x, 2)");
    assert!(h.query_by_label_contains("marginal p_g").is_none());
    // What it draws is the snapshot's class 2.
    let v = h.state().view().expect("a view").clone();
    let class2 = &v.classes[1].0;
    assert_eq!(class2.p_g, v.figure.classes[1].p_g);
    assert_eq!(class2.d, v.figure.classes[1].d);
    assert!(class2.d_label.contains("(x, 2)"), "{}", class2.d_label);

    h.get_by_role_and_label(Role::Button, "class 3").click();
    h.run_steps(3);
    assert_eq!(h.state().class_shown(), Some(2));
    h.get_by_label_contains("D(x, 3)");

    h.get_by_role_and_label(Role::Button, "All classes").click();
    h.run_steps(3);
    assert_eq!(h.state().class_shown(), None);
    h.get_by_label_contains("marginal p_g");
}

#[test]
fn an_unconditional_run_has_no_selector() {
    let mut h = harness(presets::load("goodfellow").unwrap().config);
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.run_steps(2);
    assert!(h.query_by_label("All classes").is_none());
    assert!(h.query_by_label_contains("class 1").is_none());
}

/// Typing a `classes(…)` spec turns the run conditional: new networks (the
/// classes are input columns), a note saying why, and the selector; a
/// class shown stays valid when the number of classes falls.
#[test]
fn a_classes_spec_typed_in_the_window_rebuilds_and_shows_the_selector() {
    let mut h = harness(presets::load("goodfellow").unwrap().config);
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::TextInput, "spec")
        .set_text_value_accesskit("classes(normal(-2, 0.5), normal(0, 0.5), normal(2, 0.5))");
    h.run_steps(2);
    wait(&mut h, "a conditional view", |a| {
        a.view().is_some_and(|v| v.classes.len() == 3)
    });
    let note = h.state().status().note.clone().unwrap_or_default();
    assert!(note.contains("number of classes"), "{note}");
    h.get_by_role_and_label(Role::Button, "class 3").click();
    h.run_steps(3);
    assert_eq!(h.state().class_shown(), Some(2));
    h.get_by_role_and_label(Role::TextInput, "spec")
        .set_text_value_accesskit("classes(normal(-2, 0.5), normal(2, 0.5))");
    h.run_steps(2);
    wait(&mut h, "two classes", |a| {
        a.view().is_some_and(|v| v.classes.len() == 2)
    });
    h.run_steps(3);
    assert_eq!(
        h.state().class_shown(),
        None,
        "class 3 is gone: all classes"
    );
    assert!(h.query_by_label("class 3").is_none());
}
