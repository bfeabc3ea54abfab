//! The exact fits of a lesson with a `[fit]` table (`kl-vs-reverse-kl`):
//! each divergence's fitted density over p_data, above the GAN, with a
//! spacing slider for a `modes(…)` target. The fits follow the trainer's
//! target: move the slider (or type a spec) and they are recomputed.
//!
//! Fitting takes tens of milliseconds to a second, so it runs on a thread
//! of its own: the window sends the newest target and draws the newest
//! fits it has (the newest request wins; older ones are dropped unread).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use super::plots::DATA_BLACK;
use crate::density::{Family, parse_spec};
use crate::fit::{FitKind, FitSpec, Lab};
use crate::report::fit::{FitFigure, colour, fit_figure};
use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, LineStyle, Plot};

/// The fits of one target, ready to draw.
#[derive(Debug, Clone)]
pub struct FitView {
    /// The target they were fitted to.
    pub target: String,
    /// The curves.
    pub figure: FitFigure,
}

/// The panel: what to fit, the fitting thread, and the newest fits.
pub struct FitPanel {
    spec: FitSpec,
    requests: Sender<String>,
    newest: Arc<Mutex<Option<Arc<FitView>>>>,
    view: Option<Arc<FitView>>,
    requested: Option<String>,
}

impl std::fmt::Debug for FitPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FitPanel")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// The fitting thread: takes the newest target, fits, publishes, repaints.
fn fitting(
    spec: FitSpec,
    rx: Receiver<String>,
    out: Arc<Mutex<Option<Arc<FitView>>>>,
    repaint: impl Fn(),
) {
    while let Ok(mut target) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            target = newer;
        }
        let Ok(mixture) = parse_spec(&target) else {
            continue;
        };
        let lab = Lab::new(mixture);
        let fits = lab.run(spec.model, &spec.kinds, 0);
        let figure = fit_figure(&lab, spec.model, &fits, "");
        if let Ok(mut slot) = out.lock() {
            *slot = Some(Arc::new(FitView { target, figure }));
        }
        repaint();
    }
}

/// `(n, spacing, sigma)` when the target is one `modes(…)` term.
fn modes_of(target: &str) -> Option<(usize, f64, f64)> {
    let m = parse_spec(target).ok()?;
    match m.terms() {
        [t] => match t.family {
            Family::Modes(m) => Some((m.n, m.spacing, m.sigma)),
            _ => None,
        },
        _ => None,
    }
}

impl FitPanel {
    /// Starts the fitting thread for `spec` (its target is replaced by the
    /// trainer's at every frame).
    pub fn new(spec: FitSpec, repaint: impl Fn() + Send + 'static) -> FitPanel {
        let (tx, rx) = mpsc::channel();
        let newest = Arc::new(Mutex::new(None));
        let out = Arc::clone(&newest);
        let s = spec.clone();
        std::thread::Builder::new()
            .name("ganscope-fit".into())
            .spawn(move || fitting(s, rx, out, repaint))
            .ok();
        FitPanel {
            spec,
            requests: tx,
            newest,
            view: None,
            requested: None,
        }
    }

    /// The newest fits drawn.
    pub fn view(&self) -> Option<&FitView> {
        self.view.as_deref()
    }

    /// The plot of the fits of `target` (asking for them if they are not
    /// those of the newest view) with its spacing slider; returns a new
    /// target when the slider moved.
    pub(super) fn fit_ui(&mut self, ui: &mut Ui, target: &str, height: f32) -> Option<String> {
        if self.requested.as_deref() != Some(target) {
            self.requested = Some(target.to_string());
            let _ = self.requests.send(target.to_string());
        }
        if let Some(v) = self.newest.lock().ok().and_then(|mut s| s.take()) {
            self.view = Some(v);
        }
        let mut new_target = None;
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!("Exact fits of a {}", self.spec.model)).strong(),
            )
            .on_hover_text(
                "each curve minimises one divergence exactly on the grid (BFGS from 8 seeded starts); \
                 sample MLE maximises the likelihood of 100 000 draws",
            );
            if let Some((n, spacing, sigma)) = modes_of(target) {
                ui.separator();
                let mut s = spacing;
                let resp = ui
                    .add(
                        egui::Slider::new(&mut s, 0.0..=16.0)
                            .step_by(0.25)
                            .text("spacing"),
                    )
                    .on_hover_text("how far apart the modes of the target are: move them apart and watch which fits follow one mode");
                if resp.changed() && s != spacing {
                    new_target = Some(format!("modes({n}, {s}, {sigma})"));
                }
            }
            let fresh = self.view.as_ref().is_some_and(|v| v.target == target);
            if !fresh {
                ui.separator();
                ui.label(RichText::new("fitting…").italics());
            }
        });
        let Some(v) = self.view.clone() else {
            ui.allocate_space(egui::vec2(ui.available_width(), height));
            return new_target;
        };
        let fig = &v.figure;
        let line = |ys: &[f64]| -> Vec<[f64; 2]> {
            fig.x
                .iter()
                .zip(ys)
                .filter(|(_, y)| y.is_finite())
                .map(|(x, y)| [*x, *y])
                .collect()
        };
        Plot::new("fits")
            .height(height)
            .show_background(false)
            .legend(Legend::default().position(egui_plot::Corner::RightTop))
            .allow_scroll(false)
            .include_y(0.0)
            .show(ui, |plot| {
                plot.line(
                    Line::new("p_data", line(&fig.p_data))
                        .color(DATA_BLACK)
                        .width(2.5)
                        .style(LineStyle::Dotted { spacing: 6.0 }),
                );
                for c in &fig.curves {
                    let (r, g, b) = colour(c.kind);
                    let width = crate::report::fit::width(c.kind) as f32 * 0.6;
                    let mut l = Line::new(c.label.clone(), line(&c.density))
                        .color(Color32::from_rgb(r, g, b))
                        .width(width);
                    if c.kind == FitKind::Mle {
                        l = l.style(LineStyle::Dashed { length: 10.0 });
                    }
                    plot.line(l);
                }
            });
        new_target
    }
}
