//! The multi-layer perceptron: its parameters and how they are built,
//! flattened and cast. The passes live next door: [`super::backprop`]
//! (forward, backward, input gradient) and [`super::double_backward`]
//! (the parameter gradient of a gradient penalty).
//!
//! # Shapes
//!
//! `sizes = [n₀, n₁, …, n_L]` with `n₀ = in_dim` and `n_L = 1`. Layer
//! `l ∈ 1..=L` maps width `n_{l−1}` to width `n_l`:
//!
//! ```text
//! z_l = W_l a_{l−1} + b_l        W_l : n_l × n_{l−1},  b_l : n_l
//! a_l = f(z_l)      (l < L)      a_0 = x
//! out = z_L                      (the last layer is linear)
//! ```

use nalgebra::{DMatrix, DVector, RealField};
use rand::Rng;

use super::{Activation, Grads, Init, NnError, Workspace};

/// A fully connected network with one scalar output per sample, generic
/// over the scalar (`f32` for training, `f64` for gradient checks).
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp<T: RealField + Copy> {
    sizes: Vec<usize>,
    act: Activation,
    /// `weights[l − 1]` is `W_l` (`n_l × n_{l−1}`, nalgebra's column-major).
    weights: Vec<DMatrix<T>>,
    /// `biases[l − 1]` is `b_l` (`n_l`).
    biases: Vec<DVector<T>>,
}

/// Checks `sizes` (used by the constructor and `from_params`).
fn validate_sizes(sizes: &[usize]) -> Result<(), NnError> {
    if sizes.len() < 2 {
        return Err(NnError::TooFewSizes(sizes.len()));
    }
    if let Some(index) = sizes.iter().position(|&n| n == 0) {
        return Err(NnError::ZeroWidth { index });
    }
    let out = sizes[sizes.len() - 1];
    if out != 1 {
        return Err(NnError::OutputDim(out));
    }
    Ok(())
}

impl<T: RealField + Copy> Mlp<T> {
    /// Builds a network with freshly initialised parameters.
    ///
    /// Random numbers are drawn layer by layer, first the weights in
    /// row-major order (`W[i][j]`, PyTorch's order), then the biases, always as
    /// `f64`, so the same seed gives the same network in `f32` and `f64`.
    pub fn new<R: Rng + ?Sized>(
        sizes: &[usize],
        act: Activation,
        init: Init,
        rng: &mut R,
    ) -> Result<Self, NnError> {
        validate_sizes(sizes)?;
        let mut weights = Vec::with_capacity(sizes.len() - 1);
        let mut biases = Vec::with_capacity(sizes.len() - 1);
        for pair in sizes.windows(2) {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            // from_fn visits column by column, so draw row-major first.
            let w: Vec<f64> = (0..fan_out * fan_in)
                .map(|_| init.sample_weight(fan_in, fan_out, rng))
                .collect();
            let b: Vec<f64> = (0..fan_out)
                .map(|_| init.sample_bias(fan_in, rng))
                .collect();
            weights.push(DMatrix::from_fn(fan_out, fan_in, |i, j| {
                nalgebra::convert(w[i * fan_in + j])
            }));
            biases.push(DVector::from_fn(fan_out, |i, _| nalgebra::convert(b[i])));
        }
        Ok(Mlp {
            sizes: sizes.to_vec(),
            act,
            weights,
            biases,
        })
    }

    /// Builds a network from a flat parameter vector (see
    /// [`params_flat`](Self::params_flat) for the order).
    pub fn from_params(sizes: &[usize], act: Activation, params: &[T]) -> Result<Self, NnError> {
        validate_sizes(sizes)?;
        let mut mlp = Mlp {
            sizes: sizes.to_vec(),
            act,
            weights: sizes
                .windows(2)
                .map(|p| DMatrix::zeros(p[1], p[0]))
                .collect(),
            biases: sizes.windows(2).map(|p| DVector::zeros(p[1])).collect(),
        };
        mlp.set_params_flat(params)?;
        Ok(mlp)
    }

    /// `[in_dim, h₁, …, 1]`.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Width of one input sample.
    pub fn in_dim(&self) -> usize {
        self.sizes[0]
    }

    /// Number of linear layers `L` (hidden layers + 1).
    pub fn num_layers(&self) -> usize {
        self.weights.len()
    }

    /// The hidden-layer activation.
    pub fn activation(&self) -> Activation {
        self.act
    }

    /// `W_l` for `l ∈ 1..=L` (shape `n_l × n_{l−1}`).
    pub fn weights(&self, l: usize) -> &DMatrix<T> {
        &self.weights[l - 1]
    }

    /// `b_l` for `l ∈ 1..=L`.
    pub fn bias(&self, l: usize) -> &DVector<T> {
        &self.biases[l - 1]
    }

    /// Total number of scalars in all weights and biases.
    pub fn num_params(&self) -> usize {
        self.sizes.windows(2).map(|p| p[1] * p[0] + p[1]).sum()
    }

    /// All parameters in a stable order: layer by layer, the weights in
    /// row-major order `W_l[i][j]` (PyTorch's `state_dict` order for
    /// `nn.Linear.weight`), then the bias `b_l`.
    pub fn params_flat(&self) -> Vec<T> {
        super::flat::to_flat(&self.weights, &self.biases)
    }

    /// Overwrites every parameter from a vector in [`params_flat`](Self::params_flat) order.
    pub fn set_params_flat(&mut self, params: &[T]) -> Result<(), NnError> {
        super::flat::set_from_flat(&mut self.weights, &mut self.biases, params)
    }

    /// The parameter at `index` of [`params_flat`](Self::params_flat)'s
    /// order, without building the vector; `None` past the end.
    pub fn param(&self, index: usize) -> Option<T> {
        let mut at = index;
        for (w, b) in self.weights.iter().zip(&self.biases) {
            let n = w.len();
            if at < n {
                // Row-major in the flat order, column-major in storage.
                let (i, j) = (at / w.ncols(), at % w.ncols());
                return Some(w[(i, j)]);
            }
            at -= n;
            if at < b.len() {
                return Some(b[at]);
            }
            at -= b.len();
        }
        None
    }

    /// Copies every parameter of `other`, a network of the same sizes,
    /// without allocating.
    ///
    /// # Panics
    /// If the sizes differ.
    pub fn copy_params_from(&mut self, other: &Mlp<T>) {
        assert_eq!(self.sizes, other.sizes, "networks of different sizes");
        for (a, b) in self.param_slices_mut().zip(other.param_slices()) {
            a.copy_from_slice(b);
        }
    }

    /// `θ ← θ + k·g` for a gradient-shaped `g`, without allocating.
    ///
    /// # Panics
    /// If `g` does not fit this network.
    pub fn add_scaled(&mut self, k: T, g: &Grads<T>) {
        assert!(
            g.fits(&self.sizes),
            "gradient shapes differ from the network's"
        );
        for (p, d) in self.param_slices_mut().zip(g.slices()) {
            p.iter_mut().zip(d).for_each(|(x, &y)| *x += k * y);
        }
    }

    /// `true` when no parameter is NaN or infinite (a diverged run is not).
    pub fn is_finite(&self) -> bool {
        self.param_slices().all(|s| s.iter().all(|x| x.is_finite()))
    }

    /// The same network in another scalar type (through `f64`).
    pub fn cast<U: RealField + Copy>(&self) -> Mlp<U> {
        let conv = |x: &T| -> U { nalgebra::convert(to_f64(*x)) };
        Mlp {
            sizes: self.sizes.clone(),
            act: self.act,
            weights: self.weights.iter().map(|w| w.map(|x| conv(&x))).collect(),
            biases: self.biases.iter().map(|b| b.map(|x| conv(&x))).collect(),
        }
    }

    /// A zero gradient shaped like this network's parameters.
    pub fn zero_grads(&self) -> Grads<T> {
        Grads::zeros(&self.sizes)
    }

    /// A workspace for batches of `batch` samples (it resizes itself if a
    /// later call uses another batch size).
    pub fn workspace(&self, batch: usize) -> Workspace<T> {
        Workspace::new(&self.sizes, batch)
    }

    /// Parameter storage in the same order as [`Grads::slices`]:
    /// per layer the weight buffer (column-major) then the bias. This is the
    /// optimizer's view: it only needs matching element order, not `params_flat`'s.
    pub(crate) fn param_slices(&self) -> impl Iterator<Item = &[T]> {
        self.weights
            .iter()
            .zip(&self.biases)
            .flat_map(|(w, b)| [w.as_slice(), b.as_slice()])
    }

    /// Mutable version of [`param_slices`](Self::param_slices).
    pub(crate) fn param_slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.weights
            .iter_mut()
            .zip(&mut self.biases)
            .flat_map(|(w, b)| [w.as_mut_slice(), b.as_mut_slice()])
    }

    /// Internal access for the passes.
    pub(crate) fn layer(&self, l: usize) -> (&DMatrix<T>, &DVector<T>) {
        (&self.weights[l - 1], &self.biases[l - 1])
    }
}

/// A scalar of the network as `f64` (exact for `f32` and `f64`).
pub(crate) fn to_f64<T: RealField + Copy>(x: T) -> f64 {
    nalgebra::convert_unchecked(x)
}
