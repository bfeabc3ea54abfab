//! The classes of a conditional run in the window: the selector (all
//! classes, or one), each class's colour, the class curves of the "all
//! classes" figure, the stacked z→x strips and the per-class numbers of the
//! side panel. Everything here only reads the newest view.
//!
//! "All classes" shows the marginal p_data (black dotted) and p_g (green)
//! with, in each class's colour, π_c·p_data(x | c) dotted, π_c·p_g(x | c)
//! solid (class 1 widest, so coinciding classes show as nested stripes) and
//! D(x, c) dashed, as `figure.png` does; one class shows that
//! class's own figure in the paper's colours (p_data(· | c), p_g(· | c),
//! D(·, c) and D*(·, c)).

use super::view::View;
use crate::report::FigureData;
use crate::report::Value;
use crate::report::columns::{CLASS_METRICS, ClassValue};
use crate::report::figure::class_colour;
use egui::{Color32, RichText, Ui};
use egui_plot::{Line, LineStyle, Plot, PlotUi};

/// The colour of class `c` (0-based), as in `figure.png`.
pub fn colour(c: usize) -> Color32 {
    let (r, g, b) = class_colour(c);
    Color32::from_rgb(r, g, b)
}

/// The selector: "All classes", "class 1", … (only for a conditional run).
/// `shown` is `None` for all classes, else the class (0-based).
pub(super) fn selector_ui(ui: &mut Ui, view: &View, shown: &mut Option<usize>) {
    if view.classes.is_empty() {
        return;
    }
    if shown.is_some_and(|c| c >= view.classes.len()) {
        *shown = None;
    }
    ui.horizontal(|ui| {
        ui.label("Show:");
        if ui
            .selectable_label(shown.is_none(), "All classes")
            .on_hover_text("the marginals, and every class in its colour")
            .clicked()
        {
            *shown = None;
        }
        for (c, (fig, _)) in view.classes.iter().enumerate() {
            let label = RichText::new(format!("class {}", c + 1)).color(colour(c));
            let jsd = view.figure.classes.get(c).map_or(f64::NAN, |cc| cc.jsd);
            if ui
                .selectable_label(*shown == Some(c), label)
                .on_hover_text(format!(
                    "class {} alone: p_data(x | {0}), p_g(x | {0}), D(x, {0}) and D*(x, {0}); JSD {jsd:.4}. {}",
                    c + 1,
                    fig.subtitle
                ))
                .clicked()
            {
                *shown = Some(c);
            }
        }
    });
}

/// The figure and the force to draw for `shown`.
pub(super) fn shown_figure(v: &View, shown: Option<usize>) -> (&FigureData, &[f64]) {
    match shown.and_then(|c| v.classes.get(c)) {
        Some((fig, force)) => (fig, force),
        None => (&v.figure, &v.force),
    }
}

/// The class curves of the "all classes" figure: π_c·p_data dotted,
/// π_c·p_g solid (cut at `y_max`), D(·, c) dashed through `to_plot`.
pub(super) fn class_curves(
    plot: &mut PlotUi<'_>,
    fig: &FigureData,
    y_max: f64,
    to_plot: &dyn Fn(f64) -> f64,
    show_d: bool,
) {
    for (c, cc) in fig.classes.iter().enumerate() {
        let points = |ys: &[f64], f: &dyn Fn(f64) -> f64| -> Vec<[f64; 2]> {
            fig.x
                .iter()
                .zip(ys)
                .filter(|(_, y)| y.is_finite())
                .map(|(x, y)| [*x, f(*y)])
                .collect()
        };
        let w = cc.weight;
        // Class 1 widest: classes whose p_g coincide show as nested stripes.
        let width = 1.5 + 1.5 * (fig.classes.len() - 1 - c) as f32;
        plot.line(
            Line::new(
                format!("{}: JSD {:.4}", cc.label, cc.jsd),
                points(&cc.p_g, &|y| (w * y).min(y_max)),
            )
            .color(colour(c))
            .width(width),
        );
        plot.line(
            Line::new(
                format!("{}: JSD {:.4}", cc.label, cc.jsd),
                points(&cc.p_data, &|y| w * y),
            )
            .color(colour(c))
            .width(2.0)
            .style(LineStyle::Dotted { spacing: 5.0 }),
        );
        if show_d {
            plot.line(
                Line::new(
                    format!("{}: JSD {:.4}", cc.label, cc.jsd),
                    points(&cc.d, to_plot),
                )
                .color(colour(c))
                .width(1.5)
                .style(LineStyle::Dashed { length: 10.0 }),
            );
        }
    }
}

/// One z→x strip per class, stacked with class 1 on top, each in its
/// colour over the class's optimal map in grey.
pub(super) fn strips_ui(ui: &mut Ui, v: &View, show_ghost: bool, height: f32) {
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
    let k = v.classes.len() as f64;
    Plot::new("class strips")
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
        .include_y(1.5 * k - 0.3)
        .show(ui, |plot| {
            let grey = Color32::from_gray(200);
            for (c, (fig, _)) in v.classes.iter().enumerate() {
                let base = 1.5 * (k - 1.0 - c as f64);
                let line = |z: f64, x: f64| vec![[zpos(z), base], [x.clamp(x0, x1), base + 1.0]];
                if show_ghost {
                    for (z, x) in fig.optimal_map.iter().filter(|p| p.1.is_finite()) {
                        plot.line(
                            Line::new("optimal map", line(*z, *x))
                                .color(grey)
                                .width(1.0),
                        );
                    }
                }
                for (z, x) in fig.z_map.iter().filter(|p| p.1.is_finite()) {
                    plot.line(
                        Line::new(format!("G(z, {})", c + 1), line(*z, *x))
                            .color(colour(c))
                            .width(1.5),
                    );
                }
                plot.line(
                    Line::new("x", vec![[x0, base + 1.0], [x1, base + 1.0]])
                        .color(Color32::from_gray(20))
                        .width(1.5),
                );
                plot.line(
                    Line::new("z", vec![[zpos(z_lo), base], [zpos(z_hi), base]])
                        .color(Color32::from_gray(20))
                        .width(1.5),
                );
                plot.text(
                    egui_plot::Text::new(
                        "",
                        [x0 + 0.01 * span, base + 0.5].into(),
                        RichText::new(format!("class {}", c + 1)).color(colour(c)),
                    )
                    .anchor(egui::Align2::LEFT_CENTER),
                );
            }
        });
}

/// The side panel's per-class numbers: JSD of each class, in its colour.
pub(super) fn numbers_ui(ui: &mut Ui, v: &View) {
    if v.classes.is_empty() {
        return;
    }
    let Some(row) = CLASS_METRICS
        .iter()
        .position(|c| matches!(c.value, ClassValue::PerClass(_)) && c.json == "jsd_by_class")
    else {
        return;
    };
    ui.separator();
    ui.heading("Per class");
    egui::Grid::new("per class")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (c, value) in v.record.class_values(row).iter().enumerate() {
                let pi = v.figure.classes.get(c).map_or(f64::NAN, |cc| cc.weight);
                ui.label(RichText::new(format!("class {}", c + 1)).color(colour(c)));
                ui.label(format!("π {pi:.3}"));
                let text = match value {
                    Value::Num(x) => format!("JSD {x:.5}"),
                    _ => "—".to_string(),
                };
                ui.label(RichText::new(text).monospace())
                    .on_hover_text(CLASS_METRICS[row].doc);
                ui.end_row();
            }
        });
    ui.label(
        "C(G) = −log 4 + 2 Σ_c π_c JSD_c; JSD above is the marginals' (never more than Σ_c π_c JSD_c).",
    );
}
