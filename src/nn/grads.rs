//! Parameter gradients: one buffer per weight matrix and bias vector, shaped
//! exactly like the network's parameters.
//!
//! The passes *accumulate* into a `Grads` (`+=`), so a loss and a penalty
//! can be backpropagated one after the other into the same buffer; call
//! [`Grads::zero`] before each optimizer step.

use std::ops::AddAssign;

use nalgebra::{DMatrix, DVector, RealField};

use super::NnError;

/// `∂L/∂W_l` and `∂L/∂b_l` for every layer of an [`Mlp`](super::Mlp).
#[derive(Clone, Debug, PartialEq)]
pub struct Grads<T: RealField + Copy> {
    /// `weights[l − 1]` is `∂L/∂W_l` (`n_l × n_{l−1}`).
    pub(crate) weights: Vec<DMatrix<T>>,
    /// `biases[l − 1]` is `∂L/∂b_l`.
    pub(crate) biases: Vec<DVector<T>>,
    /// `∂L/∂E` of a projection head (column c is `∂L/∂e_c`).
    pub(crate) embed: Option<DMatrix<T>>,
}

impl<T: RealField + Copy> Grads<T> {
    /// A zero gradient for a network with these layer sizes (and no
    /// projection head: see [`Mlp::zero_grads`](super::Mlp::zero_grads)).
    pub fn zeros(sizes: &[usize]) -> Self {
        Grads {
            weights: sizes
                .windows(2)
                .map(|p| DMatrix::zeros(p[1], p[0]))
                .collect(),
            biases: sizes.windows(2).map(|p| DVector::zeros(p[1])).collect(),
            embed: None,
        }
    }

    /// `∂L/∂E` of a projection head (column c is `∂L/∂e_c`).
    pub fn embed(&self) -> Option<&DMatrix<T>> {
        self.embed.as_ref()
    }

    /// Sets every entry to zero (keeps the buffers).
    pub fn zero(&mut self) {
        self.slices_mut().for_each(|s| s.fill(T::zero()));
    }

    /// Sets the weight entries (`weights`) and/or the bias entries
    /// (`biases`) of every layer to zero: the gradient of a network whose
    /// held parameters must not move.
    pub fn zero_part(&mut self, weights: bool, biases: bool) {
        if weights {
            self.weights.iter_mut().for_each(|w| w.fill(T::zero()));
        }
        if biases {
            self.biases.iter_mut().for_each(|b| b.fill(T::zero()));
        }
    }

    /// `self ← a·x + b·self` entry by entry (`x` of the same shapes); with
    /// `b = 0` the old entries are overwritten, whatever they were.
    ///
    /// # Panics
    /// If the shapes differ.
    pub fn combine(&mut self, a: T, x: &Grads<T>, b: T) {
        assert!(self.same_shape(x), "gradient shapes differ");
        let overwrite = b == T::zero();
        for (s, o) in self.slices_mut().zip(x.slices()) {
            if overwrite {
                s.iter_mut().zip(o).for_each(|(y, &v)| *y = a * v);
            } else {
                s.iter_mut().zip(o).for_each(|(y, &v)| *y = a * v + b * *y);
            }
        }
    }

    /// Multiplies every entry by `k` (e.g. `1/batch` for a mean, `−1` for ascent).
    pub fn scale(&mut self, k: T) {
        self.slices_mut()
            .for_each(|s| s.iter_mut().for_each(|g| *g *= k));
    }

    /// `self += k · other`, for weighting a penalty before adding it.
    pub fn add_scaled(&mut self, k: T, other: &Grads<T>) {
        assert!(self.same_shape(other), "gradient shapes differ");
        for (a, b) in self.slices_mut().zip(other.slices()) {
            a.iter_mut().zip(b).for_each(|(x, &y)| *x += k * y);
        }
    }

    /// Euclidean norm over all entries (for gradient-norm plots and clipping).
    pub fn norm(&self) -> T {
        self.slices()
            .flat_map(|s| s.iter())
            .fold(T::zero(), |acc, &g| acc + g * g)
            .sqrt()
    }

    /// `true` when no entry is NaN or infinite.
    pub fn is_finite(&self) -> bool {
        self.slices().all(|s| s.iter().all(|g| g.is_finite()))
    }

    /// `∂L/∂W_l` for `l ∈ 1..=L`.
    pub fn weights(&self, l: usize) -> &DMatrix<T> {
        &self.weights[l - 1]
    }

    /// `∂L/∂b_l` for `l ∈ 1..=L`.
    pub fn bias(&self, l: usize) -> &DVector<T> {
        &self.biases[l - 1]
    }

    /// All entries in the same order as [`Mlp::params_flat`](super::Mlp::params_flat).
    pub fn to_flat(&self) -> Vec<T> {
        super::flat::to_flat(&self.weights, &self.biases, self.embed.as_ref())
    }

    /// Overwrites every entry from a vector in [`to_flat`](Self::to_flat)
    /// order (e.g. gradients computed by another backend).
    pub fn set_flat(&mut self, flat: &[T]) -> Result<(), NnError> {
        super::flat::set_from_flat(
            &mut self.weights,
            &mut self.biases,
            self.embed.as_mut(),
            flat,
        )
    }

    /// Storage slices in [`Mlp::param_slices`](super::Mlp) order (weights
    /// column-major, then bias, per layer).
    pub(crate) fn slices(&self) -> impl Iterator<Item = &[T]> {
        self.weights
            .iter()
            .zip(&self.biases)
            .flat_map(|(w, b)| [w.as_slice(), b.as_slice()])
            .chain(self.embed.as_ref().map(|e| e.as_slice()))
    }

    fn slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.weights
            .iter_mut()
            .zip(&mut self.biases)
            .flat_map(|(w, b)| [w.as_mut_slice(), b.as_mut_slice()])
            .chain(self.embed.as_mut().map(|e| e.as_mut_slice()))
    }

    /// Whether these gradients belong to a network with `sizes` and a
    /// projection head of `classes` classes (no allocation).
    pub(crate) fn fits(&self, sizes: &[usize], classes: usize) -> bool {
        self.embed.as_ref().map_or(0, |e| e.ncols()) == classes
            && self.weights.len() + 1 == sizes.len()
            && self
                .weights
                .iter()
                .zip(sizes.windows(2))
                .all(|(w, p)| w.shape() == (p[1], p[0]))
    }

    /// Whether both gradients belong to networks of the same sizes.
    pub(crate) fn same_shape(&self, other: &Grads<T>) -> bool {
        // No allocation: this runs inside every optimizer step.
        self.weights.len() == other.weights.len()
            && self.embed.as_ref().map(|e| e.shape()) == other.embed.as_ref().map(|e| e.shape())
            && self
                .weights
                .iter()
                .zip(&other.weights)
                .all(|(a, b)| a.shape() == b.shape())
    }
}

impl<T: RealField + Copy> AddAssign<&Grads<T>> for Grads<T> {
    /// `self += other` (e.g. summing the gradients of several losses).
    fn add_assign(&mut self, other: &Grads<T>) {
        self.add_scaled(T::one(), other);
    }
}
