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
//! # The generator's force
//!
//! A fake sample at x contributes `ℓ_G(D(x))` to G's loss (see
//! [`super::loss`]); gradient descent on G moves it along
//! `−∂ℓ_G/∂x = −ℓ_G'(D(x)) · ∂D/∂x`. That is the force plotted along x: it
//! points to where D is more convinced x is real.

use super::Trainer;
use super::loss::{display_d, g_loss_one};

impl Trainer {
    /// `G(z)` for many `z` (each `latent_dim` values, one after the other).
    ///
    /// # Panics
    /// If `z.len()` is not a multiple of `latent_dim`.
    pub fn generate(&self, z: &[f64]) -> Vec<f64> {
        let z32: Vec<f32> = z.iter().map(|&v| v as f32).collect();
        self.generator()
            .eval(&z32)
            .into_iter()
            .map(f64::from)
            .collect()
    }

    /// D's raw output at many x (on `(x, …, x)` when packing).
    pub fn d_raw(&self, x: &[f64]) -> Vec<f64> {
        self.discriminator()
            .eval(&self.packed(x))
            .into_iter()
            .map(f64::from)
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
        let (_, sums) = self.d_value_and_grad_sum(x);
        sums
    }

    /// The force on a fake sample at each x: `−ℓ_G'(D(x)) · ∂D/∂x`, with
    /// the average partial when packing (see the [module docs](self)).
    pub fn generator_force(&self, x: &[f64]) -> Vec<f64> {
        let (values, sums) = self.d_value_and_grad_sum(x);
        let pack = self.discriminator().in_dim() as f64;
        values
            .iter()
            .zip(&sums)
            .map(|(&l, &s)| -g_loss_one(self.config.loss, l).1 * s / pack)
            .collect()
    }

    /// `(x, …, x)` per point, as f32.
    fn packed(&self, x: &[f64]) -> Vec<f32> {
        let pack = self.discriminator().in_dim();
        x.iter()
            .flat_map(|&v| std::iter::repeat_n(v as f32, pack))
            .collect()
    }

    /// D's raw output and `Σ_j ∂D/∂x_j` at `(x, …, x)`.
    fn d_value_and_grad_sum(&self, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let input = self.packed(x);
        let pack = self.discriminator().in_dim();
        let mut ws = self.discriminator().workspace(x.len());
        let values: Vec<f64> = self
            .discriminator()
            .forward(&mut ws, &input)
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        let mut dx = vec![0.0f32; input.len()];
        self.discriminator().input_grad(&mut ws, &mut dx);
        let sums = dx
            .chunks_exact(pack)
            .map(|c| c.iter().map(|&v| f64::from(v)).sum())
            .collect();
        (values, sums)
    }
}
