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

    // The menu sits below the key controls, under the transport bar of a
    // 1000-pixel window: scrolled into view first (it moves up, then stays).
    let rect = |h: &egui_kittest::Harness<'_, ganscope::app::App>| {
        h.get_by_role_and_label(Role::ComboBox, "backend").rect()
    };
    let start = rect(&h);
    h.get_by_role_and_label(Role::ComboBox, "backend")
        .scroll_to_me();
    let mut at = start;
    for _ in 0..60 {
        h.run_steps(1);
        let now = rect(&h);
        if now != start && now == at {
            break;
        }
        at = now;
    }
    assert!(rect(&h).max.y < start.max.y, "the menu scrolled up");
    h.get_by_role_and_label(Role::ComboBox, "backend").click();
    h.run_steps(2);
    h.get_by_label("candle/cpu").click();
    wait(&mut h, "the trainer on candle", |a| {
        a.status().backend == CANDLE
    });
    assert_eq!(h.state().status().generation, 1, "rebuilt once");
    assert_eq!(h.state().status().step, 0, "training restarted");

    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "a step on candle", |a| a.status().step == 1);
    assert_eq!(h.state().status().backend, CANDLE);
}
