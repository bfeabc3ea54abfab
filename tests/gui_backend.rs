//! The window's backend menu (a build with candle): switching to candle
//! rebuilds the trainer on it, and training goes on there.
#![cfg(all(feature = "gui", feature = "candle"))]

mod common;

use common::gui::{harness, wait};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use ganscope::gan::{BackendKind, Choice, DeviceKind, presets};

const CANDLE: Choice = Choice {
    backend: BackendKind::Candle,
    device: DeviceKind::Cpu,
};

#[test]
fn the_backend_menu_switches_to_candle_and_training_goes_on() {
    let config = presets::load("goodfellow")
        .expect("the lesson exists")
        .config;
    let mut h = harness(config);
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert_eq!(h.state().status().backend, Choice::default());

    // The menu sits under every key's control, below the panel's fold:
    // clicked through accesskit, as a screen reader would.
    h.get_by_role_and_label(Role::ComboBox, "backend")
        .click_accesskit();
    h.run_steps(2);
    h.get_by_label("candle/cpu").click_accesskit();
    wait(&mut h, "the trainer on candle", |a| {
        a.status().backend == CANDLE
    });
    assert_eq!(h.state().status().generation, 1, "rebuilt once");
    assert_eq!(h.state().status().step, 0, "training restarted");

    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "a step on candle", |a| a.status().step == 1);
    assert_eq!(h.state().status().backend, CANDLE);
}
