//! The window, driven through its accessibility tree with egui_kittest: no
//! GPU and no display needed. Training runs on the real worker thread, so
//! the tests wait (with a deadline) for the worker to publish.
#![cfg(feature = "gui")]

mod common;

use common::gui::{harness, harness_in, harness_lesson, wait};
use common::tmp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ganscope::app::App;
use ganscope::gan::{Config, presets};

fn goodfellow() -> Config {
    presets::load("goodfellow")
        .expect("the lesson exists")
        .config
}

fn revision(app: &App) -> u64 {
    app.status().revision
}

#[test]
fn the_controls_are_there_by_label() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    for b in ["Play", "Step D", "Step G", "Step", "Reset"] {
        h.get_by_role_and_label(Role::Button, b);
    }
    for s in ["k", "k_g", "lr_d", "lr_g", "batch"] {
        h.get_by_role_and_label(Role::Slider, s);
    }
}

#[test]
fn step_d_changes_d_and_not_g() {
    // The window's trainer does what a trainer of the same config does on
    // step_d and step_g: its views are that trainer's figures, bit for bit.
    let mut twin = ganscope::gan::Trainer::new(goodfellow()).unwrap();
    let figure =
        |t: &ganscope::gan::Trainer| ganscope::report::figure::figure_data(&t.snapshot(), "");
    let (g0, d0) = (
        twin.generator().params_flat(),
        twin.discriminator().params_flat(),
    );
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::Button, "Step D").click();
    wait(&mut h, "a view after Step D", |a| {
        a.status().manual_steps.0 == 1
    });
    twin.step_d();
    let after = h.state().view().unwrap().clone();
    assert_eq!(
        after.figure.d,
        figure(&twin).d,
        "the window's D is the twin's"
    );
    assert_eq!(
        after.figure.p_g,
        figure(&twin).p_g,
        "the window's G is the twin's"
    );
    let d1 = twin.discriminator().params_flat();
    assert!(d1 != d0, "D must change");
    assert!(twin.generator().params_flat() == g0, "G must not change");

    h.get_by_role_and_label(Role::Button, "Step G").click();
    wait(&mut h, "a view after Step G", |a| {
        a.status().manual_steps.1 == 1
    });
    twin.step_g();
    let g = h.state().view().unwrap().clone();
    assert_eq!(g.figure.d, figure(&twin).d, "the window's D is the twin's");
    assert_eq!(
        g.figure.p_g,
        figure(&twin).p_g,
        "the window's G is the twin's"
    );
    assert!(twin.generator().params_flat() != g0, "G must change");
    assert!(
        twin.discriminator().params_flat() == d1,
        "D must not change"
    );
}

#[test]
fn moving_k_and_the_learning_rates_reaches_the_trainer_without_a_reset() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "one step", |a| a.status().step == 1);
    h.get_by_role_and_label(Role::Slider, "k")
        .set_value_accesskit(5.0);
    h.get_by_role_and_label(Role::Slider, "lr_g")
        .set_value_accesskit(3e-4);
    h.run_steps(2);
    let r = revision(h.state());
    h.get_by_role_and_label(Role::Button, "Step").click();
    wait(&mut h, "the trainer's k", |a| {
        revision(a) > r && a.status().step == 2
    });
    assert_eq!(h.state().status().config.k, 5);
    let s = h.state().status();
    assert!(
        (s.config.lr_g - 3e-4).abs() < 1e-12,
        "lr_g = {}",
        s.config.lr_g
    );
    assert_eq!(
        s.step, 2,
        "the change applied live: the step counter went on"
    );
    assert_eq!(s.generation, 0, "no reset");
}

#[test]
fn a_bad_spec_shows_its_error_and_training_goes_on() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    let target = h.state().status().config.target.clone();
    h.get_by_role_and_label(Role::Button, "Play").click();
    h.run_steps(2);
    let field = h.get_by_role_and_label(Role::TextInput, "spec");
    field.focus();
    field.type_text(" + norml(1, 1)");
    h.run_steps(3);
    let err = h
        .state()
        .spec_error()
        .map(str::to_string)
        .expect("an inline error");
    assert!(err.contains("unknown family 'norml'"), "{err}");
    h.get_by_label_contains("unknown family 'norml'");
    let s0 = h.state().status().step;
    wait(&mut h, "training to go on", |a| a.status().step > s0 + 20);
    assert_eq!(
        h.state().status().config.target,
        target,
        "the last valid target stays"
    );
}

#[test]
fn keyboard_shortcuts() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.key_press(egui::Key::S);
    wait(&mut h, "a step from 's'", |a| a.status().step == 1);
    h.key_press(egui::Key::Space);
    wait(&mut h, "play from space", |a| a.status().step > 10);
    h.key_press(egui::Key::Space);
    wait(&mut h, "pause from space", |a| !a.status().playing);
    h.key_press(egui::Key::R);
    wait(&mut h, "reset from 'r'", |a| {
        a.status().generation == 1 && a.status().step == 0
    });
}

#[test]
fn a_diverged_run_shows_restore_and_reset() {
    let mut cfg = goodfellow();
    // The engine's own divergence test: SGD at lr 1e3 on a wide LSGAN critic.
    for (k, v) in [
        ("optimizer", "sgd"),
        ("lr_d", "1000"),
        ("lr_g", "1000"),
        ("d_hidden", "256,256"),
        ("loss", "lsgan"),
        ("target", "normal(50, 10)"),
    ] {
        cfg.set(k, v).unwrap();
    }
    let mut h = harness(cfg);
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::Button, "Play").click();
    wait(&mut h, "divergence", |a| a.status().diverged_at.is_some());
    h.run_steps(3);
    h.get_by_label_contains("Diverged at step");
    h.get_by_role_and_label(Role::Button, "Restore").click();
    wait(&mut h, "the restore note", |a| {
        a.status()
            .note
            .as_deref()
            .is_some_and(|n| n.contains("restored"))
    });
}

/// 2 000 frames of random clicks, keys, slider moves and typing: nothing
/// panics, and the window and its worker are still alive at the end.
#[test]
fn monkey() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(2014);
    // The monkey types into the file fields and presses Save and Export:
    // whatever it writes goes here, not into the working directory.
    let files_dir = tmp("monkey");
    let mut h = harness_in(goodfellow(), Some(files_dir.clone()));
    let keys = [
        egui::Key::Space,
        egui::Key::D,
        egui::Key::G,
        egui::Key::S,
        egui::Key::R,
        egui::Key::Tab,
        egui::Key::Enter,
        egui::Key::Escape,
        egui::Key::ArrowUp,
        egui::Key::Backspace,
    ];
    let texts = [
        "normal(0,1)",
        "norml(",
        ")",
        "+ modes(3, 2, 0.2)",
        "0*",
        "1e400",
        "cauchy(0, 1)",
        "7",
        ",",
        "",
    ];
    for _ in 0..2000 {
        match rng.random_range(0..12) {
            0..=3 => {
                let role = [Role::Button, Role::CheckBox, Role::ComboBox][rng.random_range(0..3)];
                let n = h.query_all_by_role(role).count();
                if n > 0 {
                    let i = rng.random_range(0..n);
                    if let Some(node) = h.query_all_by_role(role).nth(i) {
                        node.click();
                    }
                }
            }
            4..=6 => h.key_press(keys[rng.random_range(0..keys.len())]),
            7..=8 => {
                let n = h.query_all_by_role(Role::Slider).count();
                if n > 0 {
                    let i = rng.random_range(0..n);
                    let v = 10f64.powf(rng.random_range(-7.0..4.0))
                        * if rng.random_bool(0.1) { -1.0 } else { 1.0 };
                    if let Some(node) = h.query_all_by_role(Role::Slider).nth(i) {
                        node.set_value_accesskit(v);
                    }
                }
            }
            9 => {
                let n = h.query_all_by_role(Role::TextInput).count();
                if n > 0 {
                    let i = rng.random_range(0..n);
                    let t = texts[rng.random_range(0..texts.len())];
                    if let Some(node) = h.query_all_by_role(Role::TextInput).nth(i) {
                        node.focus();
                        node.type_text(t);
                    }
                }
            }
            _ => {}
        }
        h.step();
    }
    // Still responsive: a step still reaches the worker.
    h.key_press(egui::Key::Escape);
    h.step();
    let r = revision(h.state());
    press(&mut h, "Step");
    wait(&mut h, "the worker to answer", |a| revision(a) > r);
    let _ = std::fs::remove_dir_all(files_dir);
}

/// Type `text` into the text field labelled `label`, replacing what is there.
fn set_field(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .set_text_value_accesskit(text);
    h.run_steps(2);
}

/// Click a button that may be scrolled out of view, and let the frame run.
fn press(h: &mut Harness<'static, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label)
        .click_accesskit();
    h.run_steps(2);
}

fn message(app: &App) -> Result<String, String> {
    app.files_message()
        .cloned()
        .unwrap_or_else(|| Err("no message".into()))
}

/// Step the window's trainer `n` times and wait for the view of the last step.
fn step_n(h: &mut Harness<'static, App>, n: u64) {
    let start = h.state().status().step;
    for i in 1..=n {
        h.get_by_role_and_label(Role::Button, "Step")
            .click_accesskit();
        wait(h, "a step", |a| a.status().step >= start + i);
    }
    wait(h, "the view of the last step", |a| {
        a.view().is_some_and(|v| v.step == start + n)
    });
}

#[test]
fn a_saved_config_loads_back_and_reproduces_the_run_bit_for_bit() {
    let dir = tmp("save-load");
    let path = dir.join("saved.toml");
    let path_text = path.to_str().unwrap();
    let mut saved = goodfellow();
    for (k, v) in [
        ("seed", "11"),
        ("lr_g", "2e-3"),
        ("batch", "64"),
        ("target", "normal(-1, 0.7)"),
    ] {
        saved.set(k, v).unwrap();
    }
    let mut a = harness(saved.clone());
    wait(&mut a, "the first view", |a| a.view().is_some());
    set_field(&mut a, "config file", path_text);
    press(&mut a, "Save config");
    assert!(message(a.state()).is_ok(), "{:?}", message(a.state()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(Config::from_toml_str(&text).unwrap(), saved);

    // Another window, other settings: load the file.
    let mut b = harness(goodfellow());
    wait(&mut b, "the first view", |a| a.view().is_some());
    set_field(&mut b, "config file", path_text);
    press(&mut b, "Load config");
    assert!(message(b.state()).is_ok(), "{:?}", message(b.state()));
    wait(&mut b, "the reset with the loaded config", |a| {
        a.status().generation == 1 && *a.status().config == saved
    });
    assert_eq!(b.state().settings().config, saved);
    step_n(&mut b, 5);
    // The same run as a fresh trainer on the saved config, bit for bit.
    let mut t = ganscope::gan::Trainer::new(saved).unwrap();
    t.run(5);
    let v = b.state().view().unwrap();
    let fresh = ganscope::report::figure::figure_data(&t.snapshot(), "");
    assert_eq!(v.figure.p_g, fresh.p_g, "G, bit for bit");
    assert_eq!(v.figure.d, fresh.d, "D, bit for bit");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_corrupt_or_invalid_config_shows_its_error_and_changes_nothing() {
    let dir = tmp("corrupt");
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    let before = h.state().settings().clone();
    let generation = h.state().status().generation;
    for (name, text, expect) in [
        ("broken.toml", "lr_d = [oops\n", "line 1"),
        ("range.toml", "lr_d = -1.0\n", "lr_d must be positive"),
        (
            "unknown.toml",
            "k = 2\nlearning_rate = 3\n",
            "learning_rate",
        ),
        ("missing.toml", "", "cannot read"),
    ] {
        let path = dir.join(name);
        if !text.is_empty() {
            std::fs::write(&path, text).unwrap();
        }
        set_field(&mut h, "config file", path.to_str().unwrap());
        press(&mut h, "Load config");
        let e = message(h.state()).expect_err("an error");
        assert!(e.contains(expect), "{name}: {e}");
        h.get_by_label_contains(expect);
        h.run_steps(3);
        assert_eq!(h.state().settings(), &before, "{name}");
        assert_eq!(
            h.state().status().generation,
            generation,
            "{name}: no reset"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// With k_g = 0 G takes no step: its loss is a gap in the curves (an empty
/// field in the history CSV), not a zero.
#[test]
fn k_g_zero_leaves_a_gap_in_the_g_loss() {
    let dir = tmp("k_g-zero");
    let mut cfg = goodfellow();
    cfg.k_g = 0;
    let mut h = harness(cfg);
    wait(&mut h, "the first view", |a| a.view().is_some());
    step_n(&mut h, 5);
    let csv = dir.join("history.csv");
    set_field(&mut h, "history CSV", csv.to_str().unwrap());
    press(&mut h, "Export history");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (d, g) = (
        header.iter().position(|c| *c == "loss_d").unwrap(),
        header.iter().position(|c| *c == "loss_g").unwrap(),
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() >= 5, "{text}");
    assert!(
        rows.iter().all(|r| r[g].is_empty()),
        "G's loss is a gap:\n{text}"
    );
    assert!(
        rows.iter().skip(1).any(|r| r[d].parse::<f64>().is_ok()),
        "D's loss is there:\n{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_the_figure_and_the_history() {
    let dir = tmp("export");
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    step_n(&mut h, 30);
    let png = dir.join("fig.png");
    set_field(&mut h, "figure PNG", png.to_str().unwrap());
    press(&mut h, "Export figure");
    assert!(message(h.state()).is_ok(), "{:?}", message(h.state()));
    let img = image::load_from_memory(&std::fs::read(&png).unwrap()).expect("a PNG");
    assert_eq!((img.width(), img.height()), (1600, 1000));

    let csv = dir.join("history.csv");
    set_field(&mut h, "history CSV", csv.to_str().unwrap());
    press(&mut h, "Export history");
    assert!(message(h.state()).is_ok(), "{:?}", message(h.state()));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    // An unconditional run: the conditional rows (`jsd_c{k}`) have no column.
    use ganscope::report::columns::{CLASS_METRICS, METRICS_CSV};
    let columns: Vec<&str> = METRICS_CSV
        .iter()
        .copied()
        .filter(|n| CLASS_METRICS.iter().all(|c| c.name != *n))
        .collect();
    assert!(columns.starts_with(&[
        "step",
        "loss_d",
        "loss_g",
        "grad_norm_d",
        "grad_norm_g",
        "jsd",
        "c_g",
        "v",
        "gap",
        "kl_data_g",
        "kl_g_data",
        "w1",
        "modes_covered",
        "high_quality"
    ]));
    assert_eq!(
        lines.next(),
        Some(columns.join(",").as_str()),
        "the columns of metrics.csv"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.len() == columns.len()));
    let last: u64 = rows.last().unwrap()[0].parse().unwrap();
    assert_eq!(last, 30, "the history reaches the last step");
    let jsd: f64 = rows.last().unwrap()[5].parse().unwrap();
    let shown = h.state().view().unwrap().record.by_name("jsd").number();
    assert_eq!(jsd, shown);
    // An unwritable path is an inline error, not a panic.
    set_field(
        &mut h,
        "history CSV",
        dir.join("no/such/dir/h.csv").to_str().unwrap(),
    );
    press(&mut h, "Export history");
    assert!(message(h.state()).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn copy_as_command_gives_a_line_that_runs_the_same_config() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    h.get_by_role_and_label(Role::Slider, "lr_g")
        .set_value_accesskit(3e-4);
    set_field(&mut h, "g_hidden", "16, 8");
    h.run_steps(2);
    let cfg = h.state().settings().config.clone();
    assert_eq!(cfg.g_hidden, vec![16, 8]);
    h.get_by_role_and_label(Role::Button, "Copy as command")
        .click_accesskit();
    let mut copied = None;
    for _ in 0..5 {
        h.step();
        copied = h
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyText(t) => Some(t.clone()),
                _ => None,
            });
        if copied.is_some() {
            break;
        }
    }
    let line = copied.expect("the command line on the clipboard");
    assert!(line.starts_with("ganscope train "), "{line}");
    assert!(line.contains("lr_g="), "{line}");
    // Run it (through a shell, as a user would paste it) and read back its config.
    let dir = tmp("copy");
    let bin = env!("CARGO_BIN_EXE_ganscope");
    let script = format!(
        "'{bin}'{} --steps 1 --out '{}'",
        line.strip_prefix("ganscope").unwrap(),
        dir.display()
    );
    let o = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    let mut ran = Config::from_toml_str(&text).unwrap();
    ran.steps = cfg.steps;
    assert_eq!(ran, cfg, "{line}");
    let _ = std::fs::remove_dir_all(dir);
}

/// What a frame costs a software rasteriser (llvmpipe under Xvfb, where the
/// speed goal is measured) grows with its triangles: the goodfellow window
/// tessellates to about 12 700 (it was 25 900 with egui's rounded widgets,
/// a point per grid point on the dashed D and egui_plot's dense grid).
#[test]
fn a_frame_stays_within_its_triangle_budget() {
    let mut h = harness(goodfellow());
    wait(&mut h, "the first view", |a| a.view().is_some());
    for _ in 0..20 {
        h.step();
    }
    let out = h.output().clone();
    let prims = h.ctx.tessellate(out.shapes, out.pixels_per_point);
    let triangles: usize = prims
        .iter()
        .map(|p| match &p.primitive {
            egui::epaint::Primitive::Mesh(m) => m.indices.len() / 3,
            egui::epaint::Primitive::Callback(_) => 0,
        })
        .sum();
    assert!(
        (1_000..16_000).contains(&triangles),
        "{triangles} triangles in one frame"
    );
}

/// A lesson opens at its pace (the speed control starts there) and pauses
/// at its `steps`, says so, and trains on when asked.
#[test]
fn a_lesson_opens_at_its_pace_and_pauses_at_its_end() {
    let mut cfg = goodfellow();
    cfg.steps = 40;
    let mut h = harness_lesson(cfg, "goodfellow");
    wait(&mut h, "the first view", |a| a.view().is_some());
    let pace = presets::find("goodfellow").unwrap().pace;
    assert!(pace.is_some(), "the lesson has a pace");
    assert_eq!(h.state().settings().speed, pace);
    h.get_by_role_and_label(Role::Button, "Play").click();
    wait(&mut h, "the pause at the lesson's end", |a| {
        !a.status().playing && a.status().step == 40
    });
    h.run_steps(3);
    h.get_by_label_contains("steps are done");
    h.get_by_role_and_label(Role::Button, "Train on").click();
    wait(&mut h, "training past the end", |a| a.status().step > 45);
}
