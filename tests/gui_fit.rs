//! The `kl-vs-reverse-kl` lesson in the window (egui_kittest): its exact
//! fits show above the GAN, and the spacing slider moves the modes, the
//! trainer's target with them, and the fits are recomputed.
#![cfg(feature = "gui")]

mod common;

use common::gui::wait;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ganscope::app::{App, GuiOptions};
use ganscope::fit::{Divergence, FitKind};
use ganscope::gan::presets;
use std::sync::{Arc, Mutex};

fn lesson(name: &str) -> Harness<'static, App> {
    let p = presets::load(name).expect("the lesson exists");
    Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_eframe(move |cc| {
            App::new(
                &cc.egui_ctx,
                None,
                GuiOptions {
                    config: Some(p.config),
                    lesson: Some(p.name),
                    ..GuiOptions::default()
                },
                Arc::new(Mutex::new(None)),
            )
        })
}

/// Where a fitted density peaks.
fn peak_of(app: &App, kind: FitKind) -> f64 {
    let fig = &app.fit_view().expect("fits").figure;
    let c = fig
        .curves
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("a {} curve", kind.name()));
    let i = (0..c.density.len())
        .max_by(|&a, &b| c.density[a].total_cmp(&c.density[b]))
        .expect("points");
    fig.x[i]
}

#[test]
fn the_fits_show_and_follow_the_spacing_slider() {
    let mut h = lesson("kl-vs-reverse-kl");
    wait(&mut h, "the fits of modes(2, 8, 0.5)", |a| {
        a.fit_view().is_some_and(|v| v.target == "modes(2, 8, 0.5)")
    });
    let fig = &h.state().fit_view().unwrap().figure;
    assert_eq!(
        fig.curves.len(),
        FitKind::ALL.len(),
        "every fit, with a legend"
    );
    assert!(fig.curves.iter().all(|c| c.label.contains('μ')));
    let reverse = FitKind::Exact(Divergence::KlModelData);
    let kl = FitKind::Exact(Divergence::KlDataModel);
    assert!(
        (peak_of(h.state(), reverse).abs() - 4.0).abs() < 0.1,
        "on one mode"
    );
    assert!(peak_of(h.state(), kl).abs() < 0.1, "between the modes");

    // Bring the modes together: the trainer's target follows, and so do the fits.
    h.get_by_role_and_label(Role::Slider, "spacing")
        .set_value_accesskit(1.0);
    wait(&mut h, "the fits of modes(2, 1, 0.5)", |a| {
        a.fit_view().is_some_and(|v| v.target == "modes(2, 1, 0.5)")
            && a.status().config.target == "modes(2, 1, 0.5)"
    });
    assert!(
        peak_of(h.state(), reverse).abs() < 0.1,
        "one bump: the fits agree"
    );
    assert_eq!(
        h.state().settings().lesson.as_deref(),
        Some("kl-vs-reverse-kl"),
        "still the lesson"
    );
}

#[test]
fn a_lesson_without_fits_has_no_fit_panel() {
    let mut h = lesson("oracle-d");
    wait(&mut h, "the first view", |a| a.view().is_some());
    assert!(h.state().fit_view().is_none());
    assert!(h.query_by_label("spacing").is_none());
}
