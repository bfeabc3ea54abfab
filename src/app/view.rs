//! What the window draws, computed on the training thread from a trainer
//! snapshot so that the UI thread only reads plain numbers.

use crate::gan::{Snapshot, StepStats, Trainer};
use crate::report::Record;
use crate::report::figure::{FigureData, figure_data};

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
    /// A conditional run: each class's own figure (see
    /// [`FigureData::for_class`]) and the force on its fakes.
    pub classes: Vec<(FigureData, Vec<f64>)>,
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
            figure,
            classes,
        }
    }
}
