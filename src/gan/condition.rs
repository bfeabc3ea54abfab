//! Conditioning: how G and D see the class c of a `classes(…)` target.
//!
//! | conditioning | G                      | D(x, c)                                                   | D's input          |
//! |--------------|------------------------|-----------------------------------------------------------|--------------------|
//! | `concat`     | G(z, c) of `[z, onehot(c)]` | an MLP of `[x₁ … x_pack, onehot(c)]`                 | `pack + K` columns |
//! | `projection` | G(z, c), as above      | `ψ(φ(x)) + ⟨e_c, φ(x)⟩` (Miyato & Koyama 2018; see [`crate::nn::projection`]) | `pack` columns |
//! | `g_only`     | G(z, c), as above      | `D(x)`: D does not see c                                  | `pack` columns     |
//! | `none`       | G(z): G does not see c | `D(x)`                                                    | `pack` columns     |
//!
//! G's input is `latent_dim + K` columns when it sees c. With `pack > 1`
//! the samples of a pack share a class, and D sees one one-hot per pack.
//! An unconditional target (K = 0) has no class columns and no head
//! whatever `conditioning` says.
//!
//! With `none` the loss sees only the marginals, and p_g(· | c) is one and
//! the same distribution for every c: the GAN that ignores its label. With
//! `g_only` G can read c but nothing checks it: G may use c to pick among
//! the modes, in an order that has nothing to do with the classes.

use std::fmt;
use std::str::FromStr;

use nalgebra::RealField;

use super::ConfigError;

/// How D sees the class; see the [module docs](self).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conditioning {
    /// c one-hot, concatenated to D's input.
    #[default]
    Concat,
    /// The projection discriminator.
    Projection,
    /// G sees c, D does not.
    GOnly,
    /// Neither network sees c.
    None,
}

impl Conditioning {
    /// Every mode, in menu order.
    pub const ALL: &'static [Conditioning] = &[
        Conditioning::Concat,
        Conditioning::Projection,
        Conditioning::GOnly,
        Conditioning::None,
    ];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            Conditioning::Concat => "concat",
            Conditioning::Projection => "projection",
            Conditioning::GOnly => "g_only",
            Conditioning::None => "none",
        }
    }
}

impl fmt::Display for Conditioning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Conditioning {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Conditioning::ALL
            .iter()
            .copied()
            .find(|c| c.name() == norm)
            .ok_or_else(|| ConfigError::BadValue {
                key: "conditioning".into(),
                value: s.into(),
                expected: "one of concat, projection, g_only, none".into(),
            })
    }
}

/// The shapes conditioning gives the networks for K classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// K (0: unconditional).
    pub classes: usize,
    /// D's input carries the one-hot columns.
    pub concat: bool,
    /// D has a projection head.
    pub head: bool,
    /// G's input carries the one-hot columns.
    pub g_class: bool,
}

impl Layout {
    /// The layout of `conditioning` for `classes` classes.
    pub fn new(conditioning: Conditioning, classes: usize) -> Layout {
        Layout {
            classes,
            concat: classes > 0 && conditioning == Conditioning::Concat,
            head: classes > 0 && conditioning == Conditioning::Projection,
            g_class: classes > 0 && conditioning != Conditioning::None,
        }
    }

    /// G's input width.
    pub fn g_in(&self, latent_dim: usize) -> usize {
        latent_dim + if self.g_class { self.classes } else { 0 }
    }

    /// D's input width.
    pub fn d_in(&self, pack: usize) -> usize {
        pack + if self.concat { self.classes } else { 0 }
    }
}

/// Rows of `width` values of `x`, each followed by the one-hot of its
/// row's class (`class[row / per_class]`, K columns), into `out`.
///
/// # Panics
/// If the lengths disagree.
pub fn with_onehot<T: RealField + Copy>(
    x: &[T],
    width: usize,
    class: &[usize],
    per_class: usize,
    k: usize,
    out: &mut [T],
) {
    assert_eq!(out.len(), x.len() / width * (width + k), "one-hot buffer");
    for (row, (xs, o)) in x
        .chunks_exact(width)
        .zip(out.chunks_exact_mut(width + k))
        .enumerate()
    {
        let (head, tail) = o.split_at_mut(width);
        head.copy_from_slice(xs);
        tail.fill(T::zero());
        tail[class[row / per_class]] = T::one();
    }
}

/// The first `width` columns of rows of `width + k` values, into `out`.
pub fn drop_onehot<T: RealField + Copy>(full: &[T], width: usize, k: usize, out: &mut [T]) {
    for (f, o) in full
        .chunks_exact(width + k)
        .zip(out.chunks_exact_mut(width))
    {
        o.copy_from_slice(&f[..width]);
    }
}

/// Rows of `width` values followed by `k` zeros (a direction that leaves
/// the one-hot columns alone), into `out`.
pub fn pad_zeros<T: RealField + Copy>(x: &[T], width: usize, k: usize, out: &mut [T]) {
    for (xs, o) in x.chunks_exact(width).zip(out.chunks_exact_mut(width + k)) {
        let (head, tail) = o.split_at_mut(width);
        head.copy_from_slice(xs);
        tail.fill(T::zero());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_rows_round_trip() {
        let x = [1.0f64, 2.0, 3.0, 4.0];
        let mut full = [9.0; 10];
        with_onehot(&x, 2, &[2, 0], 1, 3, &mut full);
        assert_eq!(full, [1.0, 2.0, 0.0, 0.0, 1.0, 3.0, 4.0, 1.0, 0.0, 0.0]);
        let mut back = [0.0; 4];
        drop_onehot(&full, 2, 3, &mut back);
        assert_eq!(back, x);
        pad_zeros(&x, 2, 3, &mut full);
        assert_eq!(full, [1.0, 2.0, 0.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0, 0.0]);
        // Two samples per class: G's rows of one sample each.
        let mut g = [0.0; 12];
        with_onehot(&x, 1, &[1, 0], 2, 2, &mut g);
        let want = [1.0, 0.0, 1.0, 2.0, 0.0, 1.0, 3.0, 1.0, 0.0, 4.0, 1.0, 0.0];
        assert_eq!(g, want);
    }
}
