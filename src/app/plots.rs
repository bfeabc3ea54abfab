//! Drawing: the Goodfellow figure, the z→x strip, the curves over steps, the
//! status line and the side panel. Everything here only reads the newest
//! view, the history and the status.

use super::classes;
use super::controls::Action;
use super::history::History;
use super::session::Status;
use super::settings::Toggles;
use super::view::View;
use crate::report::Value;
use crate::report::columns::{index, metric};
use crate::report::figure::ATOM_HEIGHT;
use crate::report::figure::{nice_step, tick_label};
use egui::{Color32, RichText, Ui};
use egui_plot::{
    Arrows, AxisHints, GridMark, HLine, HPlacement, Legend, Line, LineStyle, Plot, PlotPoints,
    Points, Polygon,
};

/// The paper's colours: p_data black dotted, p_g green, D blue dashed.
pub const DATA_BLACK: Color32 = Color32::from_rgb(20, 20, 20);
pub const G_GREEN: Color32 = Color32::from_rgb(20, 140, 50);
pub const D_BLUE: Color32 = Color32::from_rgb(31, 90, 200);
pub const STAR_ORANGE: Color32 = Color32::from_rgb(230, 120, 10);
pub const FORCE_PURPLE: Color32 = Color32::from_rgb(150, 60, 170);
pub const DATA_GREY: Color32 = Color32::from_rgb(120, 120, 120);
pub const DRAW_RED: Color32 = Color32::from_rgb(200, 30, 30);

/// A curve over steps: the metric it draws (its doc is the tooltip), a
/// short label, a colour, and the values of the theory to draw beside it as
/// dashed reference lines (with their labels).
type Curve = (
    &'static str,
    &'static str,
    Color32,
    &'static [(f64, &'static str)],
);

/// ln 2 and ln 4.
const LN_2: f64 = std::f64::consts::LN_2;
const LN_4: f64 = 2.0 * std::f64::consts::LN_2;

const DIVERGENCE_CURVES: [Curve; 8] = [
    (
        "jsd",
        "JSD",
        Color32::from_rgb(200, 40, 40),
        &[(0.0, "JSD = 0"), (LN_2, "JSD = ln 2")],
    ),
    ("c_g", "C(G)", STAR_ORANGE, &[(-LN_4, "C(G) = −log 4")]),
    ("v", "V(G,D)", D_BLUE, &[]),
    ("gap", "gap", Color32::from_rgb(120, 120, 120), &[]),
    ("w1", "W1", Color32::from_rgb(0, 150, 150), &[]),
    // The f-GAN losses' own pair and their gap (empty for the others).
    ("f_divergence", "D_f", FORCE_PURPLE, &[]),
    ("f_bound", "bound", Color32::from_rgb(90, 150, 40), &[]),
    (
        "f_gap",
        "D_f − bound",
        Color32::from_rgb(160, 160, 160),
        &[],
    ),
];

const LOSS_CURVES: [Curve; 3] = [
    ("loss_d", "loss D", D_BLUE, &[]),
    ("loss_g", "loss G", G_GREEN, &[]),
    (
        "modes_covered",
        "modes covered",
        Color32::from_rgb(200, 40, 40),
        &[],
    ),
];

/// D as a two-sample test: its accuracy on its training data, on fresh
/// data, and on the held-out samples of the classifier test.
const TEST_CURVES: [Curve; 3] = [
    (
        "d_acc_train",
        "D acc. training data",
        Color32::from_rgb(200, 40, 40),
        &[(0.5, "chance")],
    ),
    ("d_acc_fresh", "D acc. fresh", D_BLUE, &[]),
    ("c2st_acc", "C2ST acc.", Color32::from_rgb(0, 150, 150), &[]),
];

/// The status line: step, speed, frame rate, state, the session's note.
pub(super) fn status_ui(ui: &mut Ui, s: &Status, (fps, ui_ms): (f64, f64), view: Option<&View>) {
    ui.horizontal(|ui| {
        let state = match (s.diverged_at, s.playing) {
            (Some(step), _) => format!("diverged at step {step}"),
            (None, true) => "training".to_string(),
            (None, false) => "paused".to_string(),
        };
        ui.label(format!("step {}", s.step));
        ui.separator();
        ui.label(format!("{:.0} steps/s", s.steps_per_sec));
        ui.separator();
        ui.label(format!("{fps:.0} fps"));
        ui.separator();
        ui.label(format!("UI {ui_ms:.1} ms/frame"));
        ui.separator();
        ui.label(state);
        if let Some(n) = &s.note {
            ui.separator();
            ui.label(RichText::new(n).italics());
        }
        if let Some(v) = view
            && v.estimated
        {
            ui.separator();
            ui.label(RichText::new("p_g estimated (latent_dim > 1)").color(STAR_ORANGE));
        }
    });
}

/// The Goodfellow figure: densities on the left axis, D on the right.
///
/// The density axis follows p_data (see
/// [`crate::report::FigureData::density_axis`]); D is
/// drawn on it, rescaled, and the right axis reads it back. Both axes tick
/// at the same four round steps (D's quarters), with a dashed line at D = ½.
///
/// `shown` picks one class of a conditional run (see [`classes`]). With
/// `draw` (the "draw target" mode), dragging over the figure adds points to
/// the stroke instead of panning; the stroke is returned, whole, when the
/// drag ends.
pub(super) fn figure_ui(
    ui: &mut Ui,
    v: &View,
    shown: Option<usize>,
    t: Toggles,
    height: f32,
    draw: Option<&mut Vec<[f64; 2]>>,
) -> Option<Vec<[f64; 2]>> {
    let drawing = draw.is_some();
    let stroke_now: Vec<[f64; 2]> = draw.as_ref().map(|s| s.to_vec()).unwrap_or_default();
    let mut new_point = None;
    let (fig, force) = classes::shown_figure(v, shown);
    let axis = fig.density_axis();
    let y_max = axis.top;
    let quarter = y_max / 4.0;
    let (d_lo, d_hi) = fig.d_axis();
    let d_step = (d_hi - d_lo) / 4.0;
    let to_plot = move |d: f64| (d - d_lo) / (d_hi - d_lo) * y_max;
    let major =
        move |value: f64| ((value / quarter).round() * quarter - value).abs() <= 1e-9 * y_max;
    let d_name = fig.d_label.clone();
    let right = AxisHints::new_y()
        .label(d_name.clone())
        .placement(HPlacement::Right)
        .formatter(move |m, _| {
            if major(m.value) {
                tick_label(d_lo + m.value / y_max * (d_hi - d_lo), d_step)
            } else {
                String::new()
            }
        });
    let left = AxisHints::new_y().label("density").formatter(move |m, _| {
        if major(m.value) {
            tick_label(m.value, axis.step)
        } else {
            String::new()
        }
    });
    let resp = Plot::new("figure")
        .height(height)
        .allow_drag(!drawing)
        .allow_zoom(!drawing)
        .allow_boxed_zoom(!drawing)
        .grid_spacing(GRID_SPACING)
        .y_grid_spacer(move |_| {
            (0..=20)
                .map(|j| GridMark {
                    value: j as f64 * quarter / 5.0,
                    step_size: if j % 5 == 0 { quarter } else { quarter / 5.0 },
                })
                .collect()
        })
        .show_background(false)
        .legend(Legend::default().position(egui_plot::Corner::RightTop))
        .custom_y_axes(vec![left, right])
        .include_y(0.0)
        .include_y(y_max)
        .allow_scroll(false)
        .show(ui, |plot| {
            if fig.d_is_probability && t.d {
                plot.hline(
                    HLine::new("", to_plot(0.5))
                        .color(D_BLUE.gamma_multiply(0.45))
                        .width(1.0)
                        .style(LineStyle::Dashed { length: 8.0 }),
                );
            }
            let xs = &fig.x;
            let line = |ys: &[f64], f: &dyn Fn(f64) -> f64| -> Vec<[f64; 2]> {
                xs.iter()
                    .zip(ys)
                    .filter(|(_, y)| y.is_finite())
                    .map(|(x, y)| [*x, f(*y)])
                    .collect()
            };
            let (data_name, g_name) = if fig.classes.is_empty() {
                ("p_data", "p_g")
            } else {
                ("marginal p_data", "marginal p_g")
            };
            // A density that is 0 everywhere beside its atoms is not drawn.
            let drawn = |ys: &[f64]| fig.atoms.is_empty() || ys.iter().any(|&y| y != 0.0);
            if t.p_data && !fig.p_empirical.is_empty() {
                // The training set, smoothed, and its samples as a rug.
                plot.line(
                    Line::new(
                        fig.empirical_label.clone(),
                        line(&fig.p_empirical, &|y| y.min(y_max)),
                    )
                    .color(DATA_GREY)
                    .width(2.0),
                );
            }
            if t.p_data && !fig.rug.is_empty() {
                // A tick per sample along the bottom of the axis.
                let h = 0.04 * y_max;
                for &x in fig.rug.iter().take(RUG_TICKS) {
                    plot.line(
                        Line::new("", vec![[x, 0.0], [x, h]])
                            .color(DATA_GREY)
                            .width(1.5),
                    );
                }
            }
            if t.p_data && drawn(&fig.p_data) {
                let name = if fig.p_data_label.is_empty() {
                    data_name.to_string()
                } else {
                    fig.p_data_label.clone()
                };
                plot.line(
                    Line::new(name, line(&fig.p_data, &|y| y))
                        .color(DATA_BLACK)
                        .width(2.5)
                        .style(LineStyle::Dotted { spacing: 6.0 }),
                );
            }
            if t.p_g && drawn(&fig.p_g) {
                plot.line(
                    Line::new(g_name, line(&fig.p_g, &|y| y.min(y_max)))
                        .color(G_GREEN)
                        .width(2.5),
                );
                if let Some((x, peak)) = axis.clipped {
                    // p_g is cut at the top of the axis: say how high it goes.
                    plot.text(
                        egui_plot::Text::new(
                            "",
                            [x, y_max].into(),
                            RichText::new(format!(
                                "p_g cut here; its peak is {} ",
                                tick_label(peak, nice_step(peak / 100.0))
                            ))
                            .color(G_GREEN)
                            .size(15.0),
                        )
                        .anchor(egui::Align2::RIGHT_TOP),
                    );
                }
            }
            classes::class_curves(plot, fig, y_max, &to_plot, t.d);
            if t.d_star {
                for run in runs(xs, &fig.d_star) {
                    let pts: PlotPoints = run.into_iter().map(|[x, y]| [x, to_plot(y)]).collect();
                    plot.line(
                        Line::new(fig.d_star_label.clone(), pts)
                            .color(STAR_ORANGE)
                            .width(2.0),
                    );
                }
            }
            if t.d {
                // Dashes are cut into one segment per pair of points:
                // at the grid's spacing that is a dozen per dash, and
                // D is smooth at the dashes' scale.
                let d_points = thinned(line(&fig.d, &to_plot), DASHED_POINTS);
                plot.line(
                    Line::new(d_name.clone(), d_points)
                        .color(D_BLUE)
                        .width(2.5)
                        .style(LineStyle::Dashed { length: 12.0 }),
                );
            }
            if t.force && !force.is_empty() {
                // The force on a fake sample at x, scaled to a tenth of the plot.
                let fmax = force
                    .iter()
                    .copied()
                    .filter(|f| f.is_finite())
                    .fold(0.0, |a: f64, f| a.max(f.abs()));
                if fmax > 0.0 {
                    let mid = 0.5 * y_max;
                    plot.line(
                        Line::new(
                            "G's gradient along x",
                            line(force, &|f| mid + f / fmax * 0.25 * y_max),
                        )
                        .color(FORCE_PURPLE)
                        .width(1.5),
                    );
                }
            }
            // Point masses: an arrow up to 0.9 of the axis times the mass,
            // labelled with it; D and D* at the atom as dots.
            let (xa, xb) = v.x_range();
            let nudge = 0.004 * (xb - xa);
            for a in &fig.atoms {
                let both = a.p_data > 0.0 && a.p_g > 0.0;
                for (mass, color, dx, name, shown) in [
                    (a.p_data, DATA_BLACK, -nudge, "p_data", t.p_data),
                    (a.p_g, G_GREEN, nudge, "p_g", t.p_g),
                ] {
                    if mass <= 0.0 || !shown {
                        continue;
                    }
                    let x = a.x.clamp(xa, xb) + if both { dx } else { 0.0 };
                    let top = ATOM_HEIGHT * y_max * mass;
                    let id = |what: &'static str| ("atom", name, what, a.x.to_bits());
                    plot.line(
                        Line::new(format!("δ {name}"), vec![[x, 0.0], [x, top]])
                            .color(color)
                            .width(3.0)
                            .id(id("stem")),
                    );
                    // The head only: egui_plot draws arrows one pixel wide.
                    plot.arrows(
                        Arrows::new("", vec![[x, 0.98 * top]], vec![[x, top]])
                            .color(color)
                            .tip_length(14.0)
                            .id(id("head")),
                    );
                    // p_data's label to the left of its arrow, p_g's to the right.
                    let (lx, anchor) = if name == "p_data" {
                        (x - nudge, egui::Align2::RIGHT_BOTTOM)
                    } else {
                        (x + nudge, egui::Align2::LEFT_BOTTOM)
                    };
                    plot.text(
                        egui_plot::Text::new(
                            "",
                            [lx, top * 1.02].into(),
                            RichText::new(format!("δ {name} {mass:.2}"))
                                .color(color)
                                .size(15.0),
                        )
                        .anchor(anchor)
                        .id(id("label")),
                    );
                }
                if t.d && a.d.is_finite() {
                    plot.points(
                        Points::new(d_name.clone(), vec![[a.x, to_plot(a.d.clamp(d_lo, d_hi))]])
                            .radius(6.0)
                            .color(D_BLUE),
                    );
                }
                if t.d_star && a.d_star.is_finite() {
                    plot.points(
                        Points::new(fig.d_star_label.clone(), vec![[a.x, to_plot(a.d_star)]])
                            .radius(4.0)
                            .color(STAR_ORANGE),
                    );
                }
            }
            if t.fake_batch && !v.fake_hist.is_empty() {
                for (x0, x1, h) in &v.fake_hist {
                    let h = h.min(y_max);
                    plot.polygon(
                        Polygon::new(
                            "fake batch",
                            PlotPoints::from(vec![[*x0, 0.0], [*x1, 0.0], [*x1, h], [*x0, h]]),
                        )
                        .fill_color(G_GREEN.gamma_multiply(0.15))
                        .stroke(egui::Stroke::NONE),
                    );
                }
            }
            if drawing {
                if stroke_now.len() > 1 {
                    let mut pts = stroke_now.clone();
                    pts.sort_by(|a, b| a[0].total_cmp(&b[0]));
                    plot.line(Line::new("your drawing", pts).color(DRAW_RED).width(3.0));
                }
                let r = plot.response();
                if r.drag_started() || r.dragged() {
                    new_point = plot.pointer_coordinate().map(|p| [p.x, p.y]);
                }
            }
        });
    // The figure, named for assistive technology (and for tests).
    resp.response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, "figure"));
    let stroke = draw?;
    if let Some(p) = new_point {
        stroke.push(p);
    }
    if resp.response.drag_stopped() && !stroke.is_empty() {
        return Some(std::mem::take(stroke));
    }
    None
}

/// Figure 1's z→x strip: a line from each z-quantile to G(z) (one strip
/// per class for all the classes of a conditional run).
pub(super) fn strip_ui(ui: &mut Ui, v: &View, shown: Option<usize>, show_ghost: bool, height: f32) {
    if shown.is_none() && !v.classes.is_empty() {
        return classes::strips_ui(ui, v, show_ghost, height);
    }
    let (fig, _) = classes::shown_figure(v, shown);
    let (x0, x1) = v.x_range();
    let (z_lo, z_hi) = v.z_range();
    let span = x1 - x0;
    let zpos = move |z: f64| {
        if z_hi > z_lo {
            x0 + span * (0.25 + 0.5 * (z - z_lo) / (z_hi - z_lo))
        } else {
            x0 + 0.5 * span
        }
    };
    Plot::new("strip")
        .height(height)
        .show_background(false)
        .show_axes([false, false])
        .show_grid([false, false])
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_x(x0)
        .include_x(x1)
        .include_y(-0.2)
        .include_y(1.2)
        .show(ui, |plot| {
            let grey = Color32::from_gray(190);
            if show_ghost {
                for (z, x) in &fig.optimal_map {
                    if x.is_finite() {
                        plot.line(
                            Line::new("optimal map", vec![[zpos(*z), 0.0], [x.clamp(x0, x1), 1.0]])
                                .color(grey)
                                .width(1.5),
                        );
                    }
                }
            }
            for (z, x) in &fig.z_map {
                if x.is_finite() {
                    plot.line(
                        Line::new("G(z)", vec![[zpos(*z), 0.0], [x.clamp(x0, x1), 1.0]])
                            .color(G_GREEN)
                            .width(1.5),
                    );
                }
            }
            plot.line(
                Line::new("x", vec![[x0, 1.0], [x1, 1.0]])
                    .color(DATA_BLACK)
                    .width(2.0),
            );
            plot.line(
                Line::new("z", vec![[zpos(z_lo), 0.0], [zpos(z_hi), 0.0]])
                    .color(DATA_BLACK)
                    .width(2.0),
            );
            plot.text(egui_plot::Text::new(
                "xlabel",
                [x0 + 0.01 * span, 1.12].into(),
                "x",
            ));
            plot.text(egui_plot::Text::new(
                "zlabel",
                [zpos(z_lo) - 0.02 * span, 0.0].into(),
                "z",
            ));
        });
}

/// Curves over steps, with a toggle and a formula tooltip on each.
pub(super) fn curves_ui(
    ui: &mut Ui,
    history: &History,
    hidden: &mut (u32, u32, u32),
    mixture: bool,
) {
    let h = ui.available_height() - 24.0;
    ui.columns(3, |cols| {
        curve_plot(
            &mut cols[0],
            "divergences",
            &DIVERGENCE_CURVES,
            history,
            h,
            &mut hidden.0,
        );
        let n = if mixture { 3 } else { 2 };
        curve_plot(
            &mut cols[1],
            "losses",
            &LOSS_CURVES[..n],
            history,
            h,
            &mut hidden.1,
        );
        curve_plot(
            &mut cols[2],
            "D as a test",
            &TEST_CURVES,
            history,
            h,
            &mut hidden.2,
        );
    });
}

/// The right panel: the lesson's text, the exact numbers, mode coverage.
pub(super) fn side_ui(ui: &mut Ui, lesson: Option<&str>, view: Option<&View>) {
    if let Some(lesson) = lesson.and_then(crate::gan::presets::find) {
        ui.heading(&lesson.name);
        ui.label(RichText::new(&lesson.description).strong());
        if !lesson.tour.is_empty() {
            ui.label(&lesson.tour);
        }
        ui.separator();
    }
    let Some(v) = view else {
        ui.label("waiting for the first snapshot…");
        return;
    };
    ui.heading("Exact, on the grid");
    if let Some(note) = &v.data_note {
        ui.label(RichText::new(format!("p_data = {note}")).italics())
            .on_hover_text("a CSV target: the theory uses this smoothing of its samples (training draws from the samples themselves)");
    }
    let r = &v.record;
    let empirical = v.empirical.as_ref();
    if let Some((n, note, _)) = empirical {
        ui.label(RichText::new(format!("the data set: N = {n}, smoothed by its {note}")).italics());
    }
    let emp_value = |name: &str| -> Option<String> {
        let th = empirical?.2.as_ref()?;
        let x = match name {
            "jsd" => th.jsd,
            "c_g" => th.c_g,
            "v" => th.v?,
            "gap" => th.gap()?,
            "kl_data_g" => th.kl_data_g.unwrap_or(f64::INFINITY),
            "kl_g_data" => th.kl_g_data.unwrap_or(f64::INFINITY),
            "w1" => th.w1,
            _ => return None,
        };
        Some(number_text(Value::Num(x)))
    };
    egui::Grid::new("metrics")
        .num_columns(if empirical.is_some() { 3 } else { 2 })
        .striped(true)
        .show(ui, |ui| {
            if empirical.is_some() {
                ui.label("");
                ui.label(RichText::new("p_data").strong());
                ui.label(RichText::new("data set").strong());
                ui.end_row();
            }
            for (name, label) in PANEL_ROWS {
                let m = metric(name);
                ui.label(label).on_hover_text(m.doc);
                ui.label(RichText::new(number_text(r.by_name(name))).monospace())
                    .on_hover_text(m.doc);
                if empirical.is_some() {
                    ui.label(
                        RichText::new(emp_value(name).unwrap_or_else(|| "—".into())).monospace(),
                    )
                    .on_hover_text(
                        "the same quantity with the smoothed data set in place of p_data",
                    );
                }
                ui.end_row();
            }
        });
    two_sample_ui(ui, v);
    classes::numbers_ui(ui, v);
    if let Some(modes) = &v.modes {
        let covered = r.by_name("modes_covered").number();
        let total = modes.len();
        let hq = r.by_name("high_quality").number();
        ui.separator();
        ui.heading("Mode coverage");
        ui.label(format!("{covered} of {total} modes covered"))
                .on_hover_text("a mode is covered when p_g puts at least 10% of the mode's own mass within 3σ of its centre");
        ui.label(format!("high-quality mass {:.1}%", hq * 100.0))
            .on_hover_text("p_g's mass within 3σ of any mode");
        {
            for (i, (mass, target)) in modes.iter().enumerate() {
                let frac = if *target > 0.0 {
                    (mass / target).min(2.0) / 2.0
                } else {
                    0.0
                };
                ui.add(egui::ProgressBar::new(frac as f32).text(format!(
                    "mode {}: {:.1}% (target {:.1}%)",
                    i + 1,
                    mass * 100.0,
                    target * 100.0
                )));
            }
        }
    }
}

/// A value as the side panel shows it.
fn number_text(v: Value) -> String {
    match v {
        Value::Num(x) if x == f64::INFINITY => "∞".to_string(),
        Value::Num(x) => format!("{x:.5}"),
        Value::Count(n) => n.to_string(),
        Value::Flag(b) => b.to_string(),
        Value::Missing => "—".to_string(),
    }
}

/// A p-value with its verdict at the 1 % level.
fn p_text(p: f64) -> (String, &'static str) {
    let text = if p.is_nan() {
        "—".to_string()
    } else if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    };
    let verdict = if p.is_nan() {
        ""
    } else if p < 0.01 {
        "rejects"
    } else {
        "can't tell"
    };
    (text, verdict)
}

/// The two-sample tests of the newest snapshot: a fresh real and a fresh
/// fake sample of the batch size, three tests, their p-values.
fn two_sample_ui(ui: &mut Ui, v: &View) {
    let o = &v.observed;
    ui.separator();
    ui.heading("Two-sample tests");
    ui.label(format!("{} real vs {} fake samples, fresh each frame", o.n, o.n))
        .on_hover_text("p < 0.01: the test rejects \"p_g = p_data\" at the 1 % level; a large p only means this test cannot tell them apart");
    let mut rows: Vec<(&str, &str, String, f64)> = vec![
        (
            "Welch t (means)",
            "t_p",
            format!("t = {:.2}", o.t.statistic),
            o.t.p,
        ),
        (
            "Kolmogorov–Smirnov",
            "ks_p",
            format!("D = {:.3}", o.ks.statistic),
            o.ks.p,
        ),
    ];
    if let Some(c) = o.c2st {
        rows.push((
            "classifier (D)",
            "c2st_p",
            format!("acc. {:.3}", c.statistic),
            c.p,
        ));
    }
    egui::Grid::new("two-sample")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for (label, name, stat, p) in rows {
                let doc = metric(name).doc;
                let (p, verdict) = p_text(p);
                ui.label(label).on_hover_text(doc);
                ui.label(RichText::new(stat).monospace());
                ui.label(RichText::new(format!("p {p}")).monospace())
                    .on_hover_text(doc);
                ui.label(verdict);
                ui.end_row();
            }
        });
    if o.c2st.is_none() {
        ui.label(
            RichText::new(
                "a Wasserstein or f-GAN critic has no threshold at ½: no classifier test",
            )
            .italics(),
        );
    }
    if let (Some(a), Some(b)) = (o.acc_train, o.acc_fresh) {
        ui.label(format!(
            "D's accuracy: {a:.3} on its training data, {b:.3} on fresh data ({} each)",
            o.n_acc
        ))
        .on_hover_text(metric("d_acc_train").doc);
    }
}

/// The exact panel: a metric and its label.
const PANEL_ROWS: [(&str, &str); 11] = [
    ("jsd", "JSD"),
    ("c_g", "C(G)"),
    ("v", "V(G,D)"),
    ("gap", "gap"),
    ("kl_data_g", "KL(data‖g)"),
    ("kl_g_data", "KL(g‖data)"),
    ("w1", "W1"),
    ("f_divergence", "D_f"),
    ("f_bound", "bound"),
    ("loss_d", "loss D"),
    ("loss_g", "loss G"),
];

/// Most rug ticks the window draws (each is a plot item).
const RUG_TICKS: usize = 300;

/// Buckets of the curves over steps (each keeps its lowest and highest point).
const HISTORY_BUCKETS: usize = 150;

/// Most points a dashed curve is drawn with (about 4 pixels apart across
/// the figure at 1600 × 1000).
const DASHED_POINTS: usize = 240;

/// The grid lines' spacing in pixels: hidden below the first, fully drawn
/// from the second (egui_plot's default starts at 8 px, which draws dozens
/// of faint lines that a projector does not show and a software rasteriser
/// pays for).
const GRID_SPACING: egui::Rangef = egui::Rangef {
    min: 24.0,
    max: 300.0,
};

/// Every `n`-th point of `points` with `n` chosen so that at most `max + 1`
/// remain; the first and the last are always kept.
fn thinned(points: Vec<[f64; 2]>, max: usize) -> Vec<[f64; 2]> {
    let n = points.len().div_ceil(max.max(1)).max(1);
    if n == 1 {
        return points;
    }
    let last = points.len() - 1;
    points
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == 0 || *i == last)
        .map(|(_, p)| p)
        .collect()
}

/// The finite runs of a curve with gaps (D* is undefined where both densities are 0).
fn runs(xs: &[f64], ys: &[f64]) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = vec![Vec::new()];
    for (x, y) in xs.iter().zip(ys) {
        if y.is_finite() {
            if let Some(last) = out.last_mut() {
                last.push([*x, *y]);
            }
        } else if out.last().is_some_and(|r| !r.is_empty()) {
            out.push(Vec::new());
        }
    }
    out.retain(|r| r.len() > 1);
    out
}

fn curve_plot(
    ui: &mut Ui,
    id: &str,
    curves: &[Curve],
    history: &super::history::History,
    height: f32,
    hidden: &mut u32,
) {
    ui.horizontal_wrapped(|ui| {
        for (i, (name, label, color, _)) in curves.iter().enumerate() {
            let mut on = *hidden & (1 << i) == 0;
            if ui
                .checkbox(&mut on, RichText::new(*label).color(*color))
                .on_hover_text(metric(name).doc)
                .changed()
            {
                *hidden ^= 1 << i;
            }
        }
    });
    // At most 2 × 150 points per curve, drawn as one line: egui_plot
    // would draw a longer record as per-pixel bands, which break into dots
    // where the curve is steep.
    let shown: Vec<Option<Vec<[f64; 2]>>> = curves
        .iter()
        .enumerate()
        .map(|(i, (name, ..))| {
            (*hidden & (1 << i) == 0).then(|| history.envelope(index(name), HISTORY_BUCKETS))
        })
        .collect();
    let mut plot = Plot::new(id)
        .height(height.max(60.0))
        // Steps 0 and 1 always in view: a history of one point with a tiny
        // value (a loss of 1e-32) otherwise has no width egui_plot can
        // widen it to, and its bounds check fails.
        .include_x(0.0)
        .include_x(1.0)
        .grid_spacing(GRID_SPACING)
        .show_background(false)
        .x_axis_label("step")
        .allow_scroll(false);
    if let Some((lo, hi)) = thin_huge_range(shown.iter().flatten().flatten()) {
        plot = plot.include_y(lo).include_y(hi);
    }
    plot.show(ui, |plot| {
        let last_step = history.points().last().map_or(1.0, |p| p.step() as f64);
        for ((_, label, color, refs), points) in curves.iter().zip(shown) {
            if let Some(points) = points {
                for (y, text) in *refs {
                    plot.hline(
                        HLine::new("", *y)
                            .color(color.gamma_multiply(0.55))
                            .width(1.0)
                            .style(LineStyle::Dashed { length: 6.0 }),
                    );
                    plot.text(
                        egui_plot::Text::new(
                            "",
                            [last_step, *y].into(),
                            RichText::new(*text).color(*color).size(12.0),
                        )
                        .anchor(egui::Align2::RIGHT_BOTTOM),
                    );
                }
                plot.line(
                    Line::new(*label, points)
                        .color(*color)
                        .width(1.8)
                        .allow_band(false),
                );
            }
        }
    });
}

/// A y-range to show instead of the curves' own when they are all one huge
/// value: egui_plot widens a flat range by the x-range (or ±½), which at
/// |y| ≳ 1e16 is lost to rounding and leaves an empty range it refuses. The
/// range is then y ± 1e-3·|y|; `None` when the curves' own range will do.
fn thin_huge_range<'a>(points: impl Iterator<Item = &'a [f64; 2]>) -> Option<(f64, f64)> {
    let (lo, hi) = points
        .map(|p| p[1])
        .filter(|y| y.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
    let size = lo.abs().max(hi.abs());
    (lo <= hi && size > 1e6 && hi - lo <= 1e-9 * size)
        .then_some((lo - 1e-3 * size, hi + 1e-3 * size))
}

/// A lesson that reached its `steps`: the window paused there, and says so.
pub(super) fn lesson_done_banner(ui: &mut Ui, end: u64) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Frame::new()
        .fill(Color32::from_rgb(225, 240, 225))
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!(
                        "The lesson's {end} steps are done: the picture above is its ending. Training is paused."
                    ))
                    .color(Color32::from_rgb(20, 90, 40))
                    .strong(),
                );
                if ui
                    .button("Train on")
                    .on_hover_text("go on past the lesson's steps")
                    .clicked()
                {
                    actions.push(Action::TogglePlay);
                }
            });
        });
    actions
}

pub(super) fn diverged_banner(ui: &mut Ui, step: u64) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Frame::new().fill(Color32::from_rgb(255, 225, 220)).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "Diverged at step {step}: a loss or a parameter became non-finite. The last finite state is kept."
                ))
                .color(Color32::from_rgb(150, 20, 20))
                .strong(),
            );
            if ui.button("Restore").on_hover_text("go back to the last finite state").clicked() {
                actions.push(Action::Restore);
            }
            if ui.button("Reset").clicked() {
                actions.push(Action::Reset);
            }
        });
    });
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinned_keeps_the_ends_and_at_most_max_plus_one() {
        let pts: Vec<[f64; 2]> = (0..1001).map(|i| [i as f64, (i * i) as f64]).collect();
        let t = thinned(pts.clone(), 240);
        assert!(t.len() <= 241, "{} points", t.len());
        assert!(t.len() >= 200, "{} points", t.len());
        assert_eq!(t.first(), pts.first());
        assert_eq!(t.last(), pts.last());
        assert!(t.windows(2).all(|w| w[0][0] < w[1][0]), "in order");
        let few: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, 0.0]).collect();
        assert_eq!(thinned(few.clone(), 240), few);
        assert!(thinned(Vec::new(), 240).is_empty());
    }

    #[test]
    fn a_flat_huge_curve_gets_a_range_egui_plot_accepts() {
        // One point at 1.7e22 (what the monkey test met): ±½ is lost to rounding.
        let one = [[61.0, 1.7e22]];
        let (lo, hi) = thin_huge_range(one.iter()).unwrap();
        assert!(lo < 1.7e22 && 1.7e22 < hi && (hi - lo) > 1e18, "{lo} {hi}");
        let flat: Vec<[f64; 2]> = (0..50).map(|i| [i as f64, -3e17]).collect();
        assert!(thin_huge_range(flat.iter()).is_some());
        // Ordinary curves keep egui_plot's own bounds.
        let small = [[0.0, 0.5], [1.0, 0.5]];
        assert_eq!(thin_huge_range(small.iter()), None);
        let spread = [[0.0, 1e22], [1.0, 2e22], [2.0, f64::NAN]];
        assert_eq!(thin_huge_range(spread.iter()), None);
        assert_eq!(thin_huge_range([].iter()), None);
    }
}
