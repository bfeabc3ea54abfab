//! The window with its training steps in the frame loop, as the web page
//! runs them (wasm32 has no threads): the same session as the native
//! worker thread, driven here by egui_kittest's frames. Each frame trains
//! for a time budget before it draws.
#![cfg(feature = "gui")]

mod common;

use common::gui::{harness_with, wait};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ganscope::app::{App, GuiOptions, Steps};
use ganscope::gan::{Config, Trainer, presets};
use ganscope::report::figure::figure_data;

fn goodfellow() -> Config {
    presets::load("goodfellow")
        .expect("the lesson exists")
        .config
}

fn in_frame(config: Config, lesson: Option<&str>) -> Harness<'static, App> {
    harness_with(GuiOptions {
        config: Some(config),
        lesson: lesson.map(str::to_string),
        steps: Steps::InFrame,
        ..GuiOptions::default()
    })
}

/// Play, pause after some frames, and the window's run is a plain trainer's
/// run of as many steps, bit for bit; the title names the lesson and the
/// step.
#[test]
fn playing_in_the_frame_loop_trains_the_same_run() {
    let mut h = in_frame(goodfellow(), Some("goodfellow"));
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert_eq!(h.state().title(), "ganscope — goodfellow — step 0");
    h.key_press(egui::Key::Space);
    wait(&mut h, "training in the frames", |a| a.status().step > 200);
    h.key_press(egui::Key::Space);
    wait(&mut h, "the pause", |a| !a.status().playing);
    let n = h.state().status().step;
    wait(&mut h, "the view of the last step", |a| {
        a.view().is_some_and(|v| v.step == n)
    });
    assert_eq!(
        h.state().title(),
        format!("ganscope — goodfellow — step {n}")
    );
    // No step while paused.
    h.run_steps(5);
    assert_eq!(h.state().status().step, n);

    let mut twin = Trainer::new(goodfellow()).unwrap();
    twin.run(n);
    let fig = figure_data(&twin.snapshot(), "");
    let v = h.state().view().unwrap();
    assert_eq!(v.figure.p_g, fig.p_g, "G after {n} steps, bit for bit");
    assert_eq!(v.figure.d, fig.d, "D after {n} steps, bit for bit");
    // The curves got their points from the frames.
    assert!(h.state().status().revision > 3, "{:?}", h.state().status());
}

/// The single-step buttons act at once in the frame loop, and the speed cap
/// holds: a frame whose budget the cap has used up trains nothing.
#[test]
fn single_steps_and_the_speed_cap_in_the_frame_loop() {
    let mut h = in_frame(goodfellow(), None);
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert_eq!(h.state().title(), "ganscope — custom — step 0");
    let mut twin = Trainer::new(goodfellow()).unwrap();
    for (button, step) in [("Step D", 0), ("Step G", 0), ("Step", 1)] {
        h.get_by_role_and_label(Role::Button, button).click();
        h.run_steps(3);
        assert_eq!(h.state().status().step, step, "{button}");
    }
    twin.step_d();
    twin.step_g();
    twin.step();
    let fig = figure_data(&twin.snapshot(), "");
    let v = h.state().view().unwrap();
    assert_eq!(v.figure.d, fig.d, "D after Step D, Step G, Step");
    assert_eq!(v.figure.p_g, fig.p_g, "G after Step D, Step G, Step");
    assert_eq!(h.state().status().manual_steps, (1, 1, 1));

    // 40 steps/s: about 20 in half a second of frames, never hundreds.
    h.get_by_role_and_label(Role::CheckBox, "full speed")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::Slider, "steps/s")
        .set_value_accesskit(40.0);
    h.run_steps(2);
    let s0 = h.state().status().step;
    h.key_press(egui::Key::Space);
    let t0 = std::time::Instant::now();
    while t0.elapsed() < std::time::Duration::from_millis(500) {
        h.step();
    }
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    let done = h.state().status().step - s0;
    let allowed = (t0.elapsed().as_secs_f64() * 40.0).ceil() as u64 + 1;
    assert!(
        (1..=allowed).contains(&done),
        "{done} steps at 40 steps/s in {:?}",
        t0.elapsed()
    );
}
