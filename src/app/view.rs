//! What the window draws, computed on the training thread from a trainer
//! snapshot so that the UI thread only reads plain numbers: the figure, the
//! curves' record and the phase plane ([`PhaseView`]: the trajectory of two
//! parameters, and for the Dirac-GAN its field and eigenvalues,
//! [`DiracView`]).

use std::sync::Arc;

use crate::gan::phase::Spectrum;
use crate::gan::{
    Config, DiracPlane, Observed, Snapshot, StepStats, Trainer, Trajectory, UpdateRule,
};
use crate::report::Record;
use crate::report::figure::{FigureData, figure_data};
use crate::theory::Theory;

/// One frame's worth of the figure.
#[derive(Debug, Clone)]
pub struct View {
    pub step: u64,
    /// The figure's curves (bin centres, densities, D and its optimum,
    /// the z→x maps), as `figure.png` draws them.
    pub figure: FigureData,
    /// The force each fake sample at x feels: −∂L_G/∂x.
    pub force: Vec<f64>,
    /// A histogram of the current fake batch: (x0, x1, density).
    pub fake_hist: Vec<(f64, f64, f64)>,
    /// Per mode: (p_g's mass within 3σ, the target's weight), for mixtures.
    pub modes: Option<Vec<(f64, f64)>>,
    /// Every metric, with the last minibatch losses.
    pub record: Record,
    /// p_g from a sample rather than exact (latent_dim > 1).
    pub estimated: bool,
    /// The two-sample tests and D's accuracies.
    pub observed: Observed,
    /// The theory against the smoothed training set, its size and its
    /// smoothing (`dataset > 0`).
    pub empirical: Option<(usize, String, Option<Theory>)>,
    /// How p_data was smoothed from a data file (a `csv(...)` target).
    pub data_note: Option<String>,
    /// A conditional run: each class's own figure (see
    /// [`FigureData::for_class`]) and the force on its fakes.
    pub classes: Vec<(FigureData, Vec<f64>)>,
    /// The phase plane (filled by the worker).
    pub phase: Option<PhaseView>,
}

impl View {
    pub fn density_max(&self) -> f64 {
        self.figure
            .p_data
            .iter()
            .chain(&self.figure.p_g)
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
    }

    /// Whether the phase plane has a Dirac-GAN field to show.
    pub fn is_dirac(&self) -> bool {
        self.phase.as_ref().is_some_and(|p| p.dirac.is_some())
    }

    /// The range D is drawn over: [0, 1] for probabilities, else its span.
    pub fn d_range(&self) -> (f64, f64) {
        if self.figure.d_is_probability {
            return (0.0, 1.0);
        }
        let (lo, hi) = self
            .figure
            .d
            .iter()
            .chain(&self.figure.d_star)
            .copied()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0)
        }
    }

    pub fn x_range(&self) -> (f64, f64) {
        match (self.figure.x.first(), self.figure.x.last()) {
            (Some(a), Some(b)) if b > a => (*a, *b),
            _ => (-1.0, 1.0),
        }
    }

    pub fn z_range(&self) -> (f64, f64) {
        self.figure
            .z_map
            .iter()
            .chain(self.classes.iter().flat_map(|c| &c.0.z_map))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (z, _)| {
                (a.min(*z), b.max(*z))
            })
    }

    /// Build from a snapshot of `t` and the last minibatch losses.
    pub fn new(t: &Trainer, snap: &Snapshot, stats: &StepStats) -> View {
        let th = &snap.theory;
        let n = snap.grid.n();
        let modes = (th.modes.total > 1).then(|| {
            let weights: Vec<f64> = t.target().modes().iter().map(|m| m.weight).collect();
            th.modes.per_mode.iter().copied().zip(weights).collect()
        });
        // A faint histogram of the fake batch: 60 bins over the grid.
        let fake = t.last_fake_batch();
        let (x0, x1) = (snap.grid.lo(), snap.grid.hi());
        let bins = 60usize;
        let w = (x1 - x0) / bins as f64;
        let mut counts = vec![0usize; bins];
        for &x in fake {
            let i = ((x as f64 - x0) / w).floor();
            if i >= 0.0 && (i as usize) < bins {
                counts[i as usize] += 1;
            }
        }
        let total = fake.len().max(1) as f64;
        let fake_hist = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| {
                (
                    x0 + i as f64 * w,
                    x0 + (i + 1) as f64 * w,
                    *c as f64 / total / w,
                )
            })
            .collect();
        let figure = figure_data(snap, "");
        let classes = snap
            .classes
            .iter()
            .enumerate()
            .map(|(c, cs)| (figure.for_class(c), cs.force[1..=n].to_vec()))
            .collect();
        View {
            step: snap.step,
            force: snap.force[1..=n].to_vec(),
            fake_hist,
            record: Record::new(snap, stats),
            modes,
            estimated: !snap.p_g_exact,
            observed: snap.observed,
            empirical: snap
                .empirical
                .as_ref()
                .map(|e| (e.n, e.note.clone(), e.theory.clone())),
            data_note: snap.p_data_note.clone(),
            figure,
            classes,
            phase: None,
        }
    }
}

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
    // Past the layers: a projection head's embeddings, column by column
    // (`E[j, c]` for class c, numbered from 1).
    match sizes.len() {
        n if n >= 2 && sizes[n - 2] > 0 => {
            let h = sizes[n - 2];
            format!("E[{},{}] (projection)", at % h, at / h + 1)
        }
        _ => format!("#{index}"),
    }
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
        // A projection head after the layers: E is 3 × K, column by column.
        assert_eq!(param_name(&sizes, 10), "E[0,1] (projection)");
        assert_eq!(param_name(&sizes, 14), "E[1,2] (projection)");
    }
}
