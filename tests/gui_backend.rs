//! The window's backend menu (a build with candle): switching to candle
//! rebuilds the trainer on it, and training goes on there.
#![cfg(all(feature = "gui", feature = "candle"))]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ganscope::app::App;
use ganscope::gan::presets;
use std::time::{Duration, Instant};

fn wait(h: &mut Harness<'static, App>, what: &str, cond: impl Fn(&App) -> bool) {
    let t0 = Instant::now();
    while !cond(h.state()) {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_backend_menu_switches_to_candle_and_training_goes_on() {
    let config = presets::load("goodfellow")
        .expect("the lesson exists")
        .config;
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| App::for_test(&cc.egui_ctx, config));
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert_eq!(h.state().status().backend, "native");

    h.get_by_role_and_label(Role::ComboBox, "backend").click();
    h.run_steps(2);
    h.get_by_label("candle/cpu").click();
    wait(&mut h, "the trainer on candle", |a| {
        a.status().backend == "candle/cpu"
    });
    assert_eq!(h.state().status().generation, 1, "rebuilt once");
    assert_eq!(h.state().status().step, 0, "training restarted");

    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "a step on candle", |a| a.status().step == 1);
    assert_eq!(h.state().status().backend, "candle/cpu");
}
