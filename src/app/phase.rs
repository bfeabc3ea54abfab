//! The phase-plane panel (Mescheder et al. 2018): the game seen in the
//! plane of two parameters, one of G and one of D.
//!
//! - For the Dirac-GAN (`g_model = "constant"`, `d_model = "linear"`): the
//!   (θ, ψ) plane with the vector field as arrows on a grid, the run's
//!   trajectory, the equilibrium, and the eigenvalues of the game's
//!   Jacobian and of each update rule's map (see [`crate::gan::phase`]);
//!   all recomputed on the training thread whenever the settings (loss,
//!   regulariser, rule, learning rates, instance noise) change.
//! - For any run: the trajectory projected onto G's and D's parameters at
//!   two chosen indices (by default G's output bias and D's last weight).
//!
//! The trajectory is the worker's [`Trajectory`] observer of the driver;
//! [`PhaseView`] is built on the training thread, and [`phase_ui`] only
//! draws it.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use egui_plot::{Arrows, Line, Plot, PlotPoints, Points};

use super::controls::Action;
use super::plots::{D_BLUE, DATA_BLACK, G_GREEN, STAR_ORANGE};
use crate::gan::phase::{Spectrum, spectral_radius};
use crate::gan::{Config, DiracPlane, Trainer, Trajectory, UpdateRule};

/// Arrows per side of the field's grid.
pub const FIELD_GRID: usize = 15;
/// Most trajectory points drawn.
const DRAWN_POINTS: usize = 600;

/// The field, the equilibrium and the spectrum of a Dirac-GAN config.
#[derive(Debug, Clone)]
pub struct DiracView {
    /// (θ, ψ) and the arrow's tip, scaled to the grid's spacing.
    pub arrows: Vec<([f64; 2], [f64; 2])>,
    pub equilibrium: [f64; 2],
    pub spectrum: Spectrum,
    /// The half-width of the plotted square around the equilibrium.
    pub radius: f64,
    /// The σ of instance noise the field integrates.
    pub sigma: f64,
}

impl DiracView {
    /// The view of `config` at noise σ over a square of half-width `radius`
    /// around the equilibrium; `None` unless it is a Dirac-GAN.
    pub fn new(config: &Config, sigma: f64, radius: f64) -> Option<DiracView> {
        let plane = DiracPlane::new(config, sigma)?;
        let [t0, p0] = plane.equilibrium;
        let grid = plane.grid(
            (t0 - radius, t0 + radius),
            (p0 - radius, p0 + radius),
            FIELD_GRID,
        );
        let longest = grid
            .iter()
            .map(|(_, v)| v[0].hypot(v[1]))
            .filter(|n| n.is_finite())
            .fold(0.0, f64::max);
        // The longest arrow spans 90 % of a grid cell.
        let cell = 2.0 * radius / (FIELD_GRID - 1) as f64;
        let scale = if longest > 0.0 {
            0.9 * cell / longest
        } else {
            0.0
        };
        let arrows = grid
            .into_iter()
            .filter(|(_, v)| v[0].is_finite() && v[1].is_finite())
            .map(|(p, v)| (p, [p[0] + scale * v[0], p[1] + scale * v[1]]))
            .collect();
        Some(DiracView {
            arrows,
            equilibrium: plane.equilibrium,
            spectrum: plane.spectrum(),
            radius,
            sigma,
        })
    }
}

/// The panel's numbers at one moment.
#[derive(Debug, Clone)]
pub struct PhaseView {
    /// (G's, D's) parameter at the chosen indices, oldest first (thinned).
    pub trajectory: Vec<[f64; 2]>,
    pub g_index: usize,
    pub d_index: usize,
    /// How many parameters each network has.
    pub g_len: usize,
    pub d_len: usize,
    pub g_label: String,
    pub d_label: String,
    /// The update rule of the run.
    pub rule: UpdateRule,
    /// Present for a Dirac-GAN.
    pub dirac: Option<Arc<DiracView>>,
}

impl PhaseView {
    /// From the worker's trainer, its trajectory and the Dirac view (if any).
    pub fn new(t: &Trainer, trajectory: &Trajectory, dirac: Option<Arc<DiracView>>) -> PhaseView {
        let (g, d) = (t.generator(), t.discriminator());
        let step = trajectory.points.len().div_ceil(DRAWN_POINTS).max(1);
        let mut points: Vec<[f64; 2]> = trajectory.points.iter().step_by(step).copied().collect();
        if let Some(last) = trajectory.points.last()
            && points.last() != Some(last)
        {
            points.push(*last);
        }
        let dirac_run = dirac.is_some();
        PhaseView {
            trajectory: points,
            g_index: trajectory.g_index,
            d_index: trajectory.d_index,
            g_len: g.num_params(),
            d_len: d.num_params(),
            g_label: if dirac_run {
                "θ (G(z) = θ)".into()
            } else {
                format!("G {}", param_name(g.sizes(), trajectory.g_index))
            },
            d_label: if dirac_run {
                "ψ (D(x) = ψ·x)".into()
            } else {
                format!("D {}", param_name(d.sizes(), trajectory.d_index))
            },
            rule: t.config().update,
            dirac,
        }
    }

    /// The largest distance of the trajectory from `centre`.
    pub fn reach(points: &[[f64; 2]], centre: [f64; 2]) -> f64 {
        points
            .iter()
            .map(|p| (p[0] - centre[0]).abs().max((p[1] - centre[1]).abs()))
            .filter(|d| d.is_finite())
            .fold(0.0, f64::max)
    }
}

/// The default pair for a network pair: G's output bias and D's last weight.
pub fn default_indices(g_len: usize, d_len: usize) -> (usize, usize) {
    (g_len.saturating_sub(1), d_len.saturating_sub(2))
}

/// The name of flat parameter `index` of a network with `sizes`:
/// `W2[0,5]` (layer 2's weight, row 0, column 5) or `b3[0]`.
pub fn param_name(sizes: &[usize], index: usize) -> String {
    let mut at = index;
    for (l, p) in sizes.windows(2).enumerate() {
        let (w, b) = (p[0] * p[1], p[1]);
        if at < w {
            return format!("W{}[{},{}]", l + 1, at / p[0], at % p[0]);
        }
        at -= w;
        if at < b {
            let last = l + 2 == sizes.len();
            return format!(
                "b{}[{}]{}",
                l + 1,
                at,
                if last { " (output bias)" } else { "" }
            );
        }
        at -= b;
    }
    format!("#{index}")
}

/// `a ± bi` with three decimals.
fn complex(c: &nalgebra::Complex<f64>) -> String {
    // No "−0.000": a real part that rounds to 0 is 0.
    let re = if c.re.abs() < 5e-4 { 0.0 } else { c.re };
    if c.im.abs() < 5e-4 {
        format!("{re:.3}")
    } else if re == 0.0 {
        format!("{}{:.3}i", if c.im < 0.0 { "−" } else { "" }, c.im.abs())
    } else {
        format!(
            "{re:.3} {} {:.3}i",
            if c.im < 0.0 { "−" } else { "+" },
            c.im.abs()
        )
    }
}

/// The panel: the plot, then the selectors or the eigenvalues. Returns a
/// new choice of parameters as an action. `pick` is the choice made in the
/// window that the worker's views have not caught up with yet (the sliders
/// show it, so that two quick changes do not undo each other); it is
/// cleared once a view shows it.
pub(super) fn phase_ui(
    ui: &mut Ui,
    v: &PhaseView,
    height: f32,
    pick: &mut Option<(usize, usize)>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    if *pick == Some((v.g_index, v.d_index)) {
        *pick = None;
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("Phase plane").strong())
            .on_hover_text("The game in the plane of one parameter of G (x) and one of D (y): the path training takes, and for the Dirac-GAN the vector field −(∂L_G/∂θ, ∂L_D/∂ψ) and its equilibrium.");
        if v.dirac.is_none() {
            let (mut gi, mut di) = pick.unwrap_or((v.g_index, v.d_index));
            ui.spacing_mut().slider_width = 90.0;
            let g = ui
                .add(egui::Slider::new(&mut gi, 0..=v.g_len.saturating_sub(1)).text("G param"))
                .on_hover_text("index into G's parameters (layer by layer, weights row by row, then biases)");
            let d = ui
                .add(egui::Slider::new(&mut di, 0..=v.d_len.saturating_sub(1)).text("D param"))
                .on_hover_text("index into D's parameters");
            if g.changed() || d.changed() {
                *pick = Some((gi, di));
                actions.push(Action::Trace(gi, di));
            }
        }
    });
    let text_rows = if v.dirac.is_some() { 7.5 } else { 0.0 };
    let plot_h = (height - 30.0 - text_rows * 17.0).max(80.0);
    let mut plot = Plot::new("phase plane")
        .height(plot_h)
        .data_aspect(1.0)
        .show_background(false)
        .allow_scroll(false)
        .x_axis_label(v.g_label.clone())
        .y_axis_label(v.d_label.clone());
    if let Some(dv) = &v.dirac {
        let [t0, p0] = dv.equilibrium;
        plot = plot
            .include_x(t0 - dv.radius)
            .include_x(t0 + dv.radius)
            .include_y(p0 - dv.radius)
            .include_y(p0 + dv.radius);
    }
    plot.show(ui, |p| {
        if let Some(dv) = &v.dirac {
            let (o, t): (Vec<[f64; 2]>, Vec<[f64; 2]>) = dv.arrows.iter().copied().unzip();
            p.arrows(
                Arrows::new("field", PlotPoints::from(o), PlotPoints::from(t))
                    .color(Color32::from_gray(150))
                    .tip_length(6.0),
            );
            p.points(
                Points::new("equilibrium", vec![dv.equilibrium])
                    .radius(5.0)
                    .color(STAR_ORANGE),
            );
        }
        if v.trajectory.len() > 1 {
            p.line(
                Line::new("trajectory", v.trajectory.clone())
                    .color(D_BLUE)
                    .width(1.8),
            );
        }
        if let Some(last) = v.trajectory.last() {
            p.points(Points::new("now", vec![*last]).radius(5.0).color(G_GREEN));
        }
    });
    if let Some(dv) = &v.dirac {
        spectrum_ui(ui, dv, v.rule);
    }
    actions
}

/// The eigenvalues: the game's Jacobian, then each rule's map with its
/// largest modulus (below 1: converges near the equilibrium).
fn spectrum_ui(ui: &mut Ui, dv: &DiracView, rule: UpdateRule) {
    let s = &dv.spectrum;
    let j = s
        .continuous
        .iter()
        .map(complex)
        .collect::<Vec<_>>()
        .join(", ");
    let noise = if dv.sigma > 0.0 {
        format!(" (noise σ = {:.2})", dv.sigma)
    } else {
        String::new()
    };
    ui.label(RichText::new(format!("Jacobian at the equilibrium{noise}: {j}")).color(DATA_BLACK))
        .on_hover_text("eigenvalues of J = −diag(1, lr_d/lr_g)·∂w/∂(θ, ψ), from the objective's own f64 gradients by central differences; real parts below 0: the continuous-time game converges");
    egui::Grid::new("spectrum").num_columns(3).striped(true).show(ui, |ui| {
        for (r, eigs) in &s.maps {
            let radius = spectral_radius(eigs);
            let text = eigs.iter().map(complex).collect::<Vec<_>>().join(", ");
            let name = RichText::new(r.name());
            ui.label(if *r == rule { name.strong().underline() } else { name });
            let (verdict, color) = if radius < 1.0 - 1e-9 {
                ("converges", G_GREEN)
            } else if radius <= 1.0 + 1e-9 {
                ("circles", STAR_ORANGE)
            } else {
                ("diverges", Color32::from_rgb(200, 40, 40))
            };
            ui.label(RichText::new(format!("|λ| {radius:.4} {verdict}")).color(color))
                .on_hover_text(format!("eigenvalues of one iteration's map (plain gradient steps at the configured learning rates, k and k_g): {text}"));
            ui.label(RichText::new(text).small());
            ui.end_row();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_named_by_layer() {
        let sizes = [1, 3, 1];
        assert_eq!(param_name(&sizes, 0), "W1[0,0]");
        assert_eq!(param_name(&sizes, 3), "b1[0]");
        assert_eq!(param_name(&sizes, 6), "W2[0,0]");
        assert_eq!(param_name(&sizes, 9), "b2[0] (output bias)");
        assert_eq!(default_indices(10, 10), (9, 8));
    }
}
