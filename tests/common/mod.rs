//! Helpers shared by the integration tests: lessons, seeds on threads, and
//! (with the window) a kittest harness and waiting for the training thread.
#![allow(dead_code)]

use ganscope::gan::{Config, presets};

/// The config of lesson `name`.
///
/// # Panics
/// When there is no such lesson.
pub fn preset(name: &str) -> Config {
    presets::find(name)
        .unwrap_or_else(|| panic!("preset {name} exists"))
        .config
        .clone()
}

/// `f(seed)` for every seed of `seeds`, on `threads` threads, in seed order.
pub fn run_seeds<T: Send>(
    seeds: std::ops::Range<u64>,
    threads: u64,
    f: impl Fn(u64) -> T + Sync,
) -> Vec<T> {
    let f = &f;
    let seeds = &seeds;
    let mut out: Vec<(u64, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    seeds
                        .clone()
                        .filter(|seed| seed % threads == t)
                        .map(|seed| (seed, f(seed)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a training thread panicked"))
            .collect()
    });
    out.sort_by_key(|o| o.0);
    out.into_iter().map(|o| o.1).collect()
}

/// The largest change of any parameter between two flat parameter lists.
pub fn max_change(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from((x - y).abs()))
        .fold(0.0, f64::max)
}

/// Checks that learning rates set on a running trainer (Adam) reach its
/// optimizers: Adam moves a parameter by about lr per step (at most a small
/// multiple of it), so at lr = 1e-9 a network barely moves and at lr = 0.1
/// it moves by about 0.1 — eight orders of magnitude apart.
pub fn live_learning_rates_reach_the_optimizers(t: &mut ganscope::gan::Trainer) {
    t.run(5);
    for player in ["g", "d"] {
        let params = |t: &ganscope::gan::Trainer| match player {
            "g" => t.generator().params_flat(),
            _ => t.discriminator().params_flat(),
        };
        let key = format!("lr_{player}");
        t.set(&key, "1e-9").unwrap();
        let p0 = params(t);
        t.step();
        let tiny = max_change(&p0, &params(t));
        assert!(
            tiny > 0.0 && tiny < 2e-8,
            "{key} = 1e-9 moved {player} by {tiny}"
        );
        t.set(&key, "0.1").unwrap();
        let p1 = params(t);
        t.step();
        let big = max_change(&p1, &params(t));
        assert!(
            (1e-2..2.0).contains(&big),
            "{key} = 0.1 moved {player} by {big}"
        );
        t.set(&key, "1e-3").unwrap();
    }
}

/// A fresh, empty directory for one test's files.
pub fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ganscope-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("a temporary directory");
    d
}

#[cfg(feature = "gui")]
pub mod gui {
    //! The window in a kittest harness, at the size of a projector.

    use egui_kittest::Harness;
    use ganscope::app::{App, GuiOptions};
    use ganscope::gan::Config;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// The window on `config`, with relative file paths under `files_dir`.
    pub fn harness_in(config: Config, files_dir: Option<PathBuf>) -> Harness<'static, App> {
        Harness::builder()
            .with_size([1600.0, 1000.0])
            .build_eframe(move |cc| {
                App::new(
                    &cc.egui_ctx,
                    None,
                    GuiOptions {
                        config: Some(config),
                        files_dir,
                        ..GuiOptions::default()
                    },
                    Arc::new(Mutex::new(None)),
                )
            })
    }

    /// The window on `config`.
    pub fn harness(config: Config) -> Harness<'static, App> {
        harness_in(config, None)
    }

    /// The window opened on lesson `lesson` with `config` (as `gui --preset`).
    pub fn harness_lesson(config: Config, lesson: &str) -> Harness<'static, App> {
        let lesson = lesson.to_string();
        Harness::builder()
            .with_size([1600.0, 1000.0])
            .build_eframe(move |cc| {
                App::new(
                    &cc.egui_ctx,
                    None,
                    GuiOptions {
                        config: Some(config),
                        lesson: Some(lesson),
                        ..GuiOptions::default()
                    },
                    Arc::new(Mutex::new(None)),
                )
            })
    }

    /// Step frames until `cond` holds; panics after a minute.
    pub fn wait(h: &mut Harness<'static, App>, what: &str, cond: impl Fn(&App) -> bool) {
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
}
