//! Batched evaluation of the trained networks at many points, for plots
//! and the snapshot. These allocate their own buffers and never touch the
//! training state or its random stream.
//!
//! # Packing
//!
//! With `pack > 1`, D judges `pack` samples at once and has no value "at
//! x". It is evaluated on the pack `(x, x, …, x)`: the verdict on a batch
//! that is all x. Its input gradient is the sum of the partials
//! `d/dx D(x, …, x) = Σ_j ∂D/∂x_j`, and the force on one fake sample is the
//! average partial `(1/pack) Σ_j ∂D/∂x_j` (where in its pack it sits is random).
//!
//! # Classes
//!
//! For a `classes(…)` target each function has a `_class` form that takes
//! the class c: G is evaluated on `[z, onehot(c)]` and D on its input for
//! class c (the one-hot after the pack, or the projection head's class).
//! The plain forms are the `_class` forms at c = 0 (the first class), and
//! the class is ignored by an unconditional trainer.
//!
//! # The generator's force
//!
//! A fake sample at x contributes `ℓ_G(D(x))` to G's loss (see
//! [`super::loss`]); gradient descent on G moves it along
//! `−∂ℓ_G/∂x = −ℓ_G'(D(x)) · ∂D/∂x`. That is the force plotted along x: it
//! points to where D is more convinced x is real.

use super::Trainer;
use super::condition::{drop_onehot, with_onehot};
use super::loss::{display_d, g_loss_one};

impl Trainer {
    /// `G(z)` for many `z` (each `latent_dim` values, one after the other).
    ///
    /// # Panics
    /// If `z.len()` is not a multiple of `latent_dim`.
    pub fn generate(&self, z: &[f64]) -> Vec<f64> {
        self.generate_class(z, 0)
    }

    /// `G(z, c)` for many `z`.
    ///
    /// # Panics
    /// As [`generate`](Self::generate), or a class beyond the target's.
    pub fn generate_class(&self, z: &[f64], c: usize) -> Vec<f64> {
        let mut z32: Vec<f32> = z.iter().map(|&v| v as f32).collect();
        let layout = self.objective.layout();
        if layout.g_class {
            let latent = self.config.latent_dim;
            let mut full = vec![0.0f32; z32.len() / latent * layout.g_in(latent)];
            let class = vec![c; z32.len() / latent];
            with_onehot(&z32, latent, &class, 1, layout.classes, &mut full);
            z32 = full;
        }
        self.generator()
            .eval(&z32)
            .into_iter()
            .map(f64::from)
            .collect()
    }

    /// D's raw output at many x (on `(x, …, x)` when packing).
    pub fn d_raw(&self, x: &[f64]) -> Vec<f64> {
        self.d_raw_class(x, 0)
    }

    /// D's raw output at many x for class c.
    pub fn d_raw_class(&self, x: &[f64], c: usize) -> Vec<f64> {
        let (input, heads) = self.d_input(x, c);
        let d = self.discriminator();
        let mut ws = d.workspace(x.len());
        d.forward_classes(&mut ws, &input, &heads)
            .iter()
            .map(|&v| f64::from(v))
            .collect()
    }

    /// D as plotted: `σ(l)`, a probability, for the cross-entropy losses;
    /// the raw value for the others.
    pub fn d_display(&self, x: &[f64]) -> Vec<f64> {
        let loss = self.config.loss;
        self.d_raw(x)
            .into_iter()
            .map(|l| display_d(loss, l))
            .collect()
    }

    /// `d/dx D(x, …, x)` at many x (raw output).
    pub fn d_input_grad(&self, x: &[f64]) -> Vec<f64> {
        let (_, sums) = self.d_value_and_grad_sum(x, 0);
        sums
    }

    /// The force on a fake sample at each x: `−ℓ_G'(D(x)) · ∂D/∂x`, with
    /// the average partial when packing (see the [module docs](self)).
    pub fn generator_force(&self, x: &[f64]) -> Vec<f64> {
        self.generator_force_class(x, 0)
    }

    /// The force on a fake sample of class c at each x.
    pub fn generator_force_class(&self, x: &[f64], c: usize) -> Vec<f64> {
        let (values, sums) = self.d_value_and_grad_sum(x, c);
        let pack = self.config.pack as f64;
        values
            .iter()
            .zip(&sums)
            .map(|(&l, &s)| -g_loss_one(self.config.loss, l).1 * s / pack)
            .collect()
    }

    /// D's input on `(x, …, x)` for class c, and the classes its head takes.
    fn d_input(&self, x: &[f64], c: usize) -> (Vec<f32>, Vec<usize>) {
        let pack = self.config.pack;
        let layout = self.objective.layout();
        let packed: Vec<f32> = x
            .iter()
            .flat_map(|&v| std::iter::repeat_n(v as f32, pack))
            .collect();
        let class = vec![c; x.len()];
        let input = if layout.concat {
            let mut full = vec![0.0f32; x.len() * layout.d_in(pack)];
            with_onehot(&packed, pack, &class, 1, layout.classes, &mut full);
            full
        } else {
            packed
        };
        (input, if layout.head { class } else { Vec::new() })
    }

    /// D's raw output and `Σ_j ∂D/∂x_j` at `(x, …, x)` for class c.
    fn d_value_and_grad_sum(&self, x: &[f64], c: usize) -> (Vec<f64>, Vec<f64>) {
        let pack = self.config.pack;
        let layout = self.objective.layout();
        let (input, heads) = self.d_input(x, c);
        let d = self.discriminator();
        let mut ws = d.workspace(x.len());
        let values: Vec<f64> = d
            .forward_classes(&mut ws, &input, &heads)
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        let mut dx_full = vec![0.0f32; input.len()];
        d.input_grad(&mut ws, &mut dx_full);
        let mut dx = vec![0.0f32; x.len() * pack];
        if layout.concat {
            drop_onehot(&dx_full, pack, layout.classes, &mut dx);
        } else {
            dx = dx_full;
        }
        let sums = dx
            .chunks_exact(pack)
            .map(|c| c.iter().map(|&v| f64::from(v)).sum())
            .collect();
        (values, sums)
    }
}
