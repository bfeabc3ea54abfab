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
//! The trajectory is the worker's [`crate::gan::Trajectory`] observer of
//! the driver; the numbers ([`PhaseView`], [`DiracView`]) are built on the
//! training thread (`view`), and `phase_ui` only draws them.

use egui::{Color32, RichText, Ui};
use egui_plot::{Arrows, Line, Plot, PlotPoints, Points};

use super::controls::Action;
use super::plots::{D_BLUE, DATA_BLACK, G_GREEN, STAR_ORANGE};
use super::view::{DiracView, PhaseView};
use crate::gan::UpdateRule;
use crate::gan::phase::spectral_radius;

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
