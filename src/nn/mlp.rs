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
//!
//! A conditional discriminator may carry a projection head: one embedding
//! `e_c` (a column of `E : n_{L−1} × K`) per class, added to the last
//! layer's weights for a sample of class c (see [`super::projection`]).
//! Its passes then take each sample's class.

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
    /// The projection head `E` (`n_{L−1} × K`), if any.
    embed: Option<DMatrix<T>>,
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
            embed: None,
        })
    }

    /// The same network with a projection head for `classes` classes,
    /// drawn after every layer: class by class, `n_{L−1}` weights each, as
    /// the last layer's weights are drawn (fan-in `n_{L−1}`, fan-out 1).
    ///
    /// # Errors
    /// [`NnError::ZeroWidth`] for no classes.
    pub fn with_projection<R: Rng + ?Sized>(
        mut self,
        classes: usize,
        init: Init,
        rng: &mut R,
    ) -> Result<Self, NnError> {
        let h = self.sizes[self.sizes.len() - 2];
        if classes == 0 {
            return Err(NnError::ZeroWidth {
                index: self.sizes.len(),
            });
        }
        let e: Vec<f64> = (0..classes * h)
            .map(|_| init.sample_weight(h, 1, rng))
            .collect();
        self.embed = Some(DMatrix::from_fn(h, classes, |j, c| {
            nalgebra::convert(e[c * h + j])
        }));
        Ok(self)
    }

    /// Builds a network from a flat parameter vector (see
    /// [`params_flat`](Self::params_flat) for the order).
    pub fn from_params(sizes: &[usize], act: Activation, params: &[T]) -> Result<Self, NnError> {
        validate_sizes(sizes)?;
        Self::from_params_with_classes(sizes, act, 0, params)
    }

    /// Builds a network with a projection head for `classes` classes (none
    /// for 0) from a flat parameter vector.
    pub fn from_params_with_classes(
        sizes: &[usize],
        act: Activation,
        classes: usize,
        params: &[T],
    ) -> Result<Self, NnError> {
        validate_sizes(sizes)?;
        let h = sizes[sizes.len() - 2];
        let mut mlp = Mlp {
            sizes: sizes.to_vec(),
            act,
            weights: sizes
                .windows(2)
                .map(|p| DMatrix::zeros(p[1], p[0]))
                .collect(),
            biases: sizes.windows(2).map(|p| DVector::zeros(p[1])).collect(),
            embed: (classes > 0).then(|| DMatrix::zeros(h, classes)),
        };
        mlp.set_params_flat(params)?;
        Ok(mlp)
    }

    /// The same shape with other parameters (in [`params_flat`](Self::params_flat) order).
    pub fn with_params(&self, params: &[T]) -> Result<Self, NnError> {
        Self::from_params_with_classes(&self.sizes, self.act, self.classes(), params)
    }

    /// The classes of the projection head (0: none).
    pub fn classes(&self) -> usize {
        self.embed.as_ref().map_or(0, |e| e.ncols())
    }

    /// The projection head's embeddings `E` (`n_{L−1} × K`, column c is `e_c`).
    pub fn embed(&self) -> Option<&DMatrix<T>> {
        self.embed.as_ref()
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

    /// Total number of scalars in all weights and biases (and the
    /// projection head).
    pub fn num_params(&self) -> usize {
        self.sizes
            .windows(2)
            .map(|p| p[1] * p[0] + p[1])
            .sum::<usize>()
            + self.embed.as_ref().map_or(0, |e| e.len())
    }

    /// All parameters in a stable order: layer by layer, the weights in
    /// row-major order `W_l[i][j]` (PyTorch's `state_dict` order for
    /// `nn.Linear.weight`), then the bias `b_l`; then the projection head
    /// class by class (`nn.Embedding.weight`'s order).
    pub fn params_flat(&self) -> Vec<T> {
        super::flat::to_flat(&self.weights, &self.biases, self.embed.as_ref())
    }

    /// Overwrites every parameter from a vector in [`params_flat`](Self::params_flat) order.
    pub fn set_params_flat(&mut self, params: &[T]) -> Result<(), NnError> {
        super::flat::set_from_flat(
            &mut self.weights,
            &mut self.biases,
            self.embed.as_mut(),
            params,
        )
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
        // The projection head, class by class (contiguous in storage).
        self.embed
            .as_ref()
            .and_then(|e| e.as_slice().get(at).copied())
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
            g.fits(&self.sizes, self.classes()),
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
            embed: self.embed.as_ref().map(|e| e.map(|x| conv(&x))),
        }
    }

    /// A zero gradient shaped like this network's parameters.
    pub fn zero_grads(&self) -> Grads<T> {
        let mut g = Grads::zeros(&self.sizes);
        g.embed = self
            .embed
            .as_ref()
            .map(|e| DMatrix::zeros(e.nrows(), e.ncols()));
        g
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
            .chain(self.embed.as_ref().map(|e| e.as_slice()))
    }

    /// Mutable version of [`param_slices`](Self::param_slices).
    pub(crate) fn param_slices_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        self.weights
            .iter_mut()
            .zip(&mut self.biases)
            .flat_map(|(w, b)| [w.as_mut_slice(), b.as_mut_slice()])
            .chain(self.embed.as_mut().map(|e| e.as_mut_slice()))
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
