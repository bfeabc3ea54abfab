//! Which networks play: the MLPs of the paper, the one-parameter players
//! of the Dirac-GAN (Mescheder et al. 2018), or no D network at all but the
//! exact optimum (the oracle of Proposition 2):
//!
//! ```text
//! g_model = "mlp"        G: R^latent_dim → R, hidden widths g_hidden
//! g_model = "constant"   G(z) = θ                       (one parameter: G's output bias)
//! d_model = "mlp"        D: R^pack → R, hidden widths d_hidden
//! d_model = "linear"     D(x) = ψ·x  (ψ·Σⱼ… per pack)     (D's weights, no bias)
//! d_model = "oracle"     D = the loss's optimum for the current p_g (D*, T*, f*), on the grid
//! ```
//!
//! Both small players are ordinary [`Mlp`]s with no hidden layer, so every
//! engine, loss and trick runs them unchanged: a constant G is
//! `[latent_dim, 1]` with its weights held at 0, a linear D is `[pack, 1]`
//! with its bias held at 0. Held parameters are drawn from the random stream
//! as usual (so the order of draws does not depend on the model), then set
//! to 0, and their gradients are zeroed by the engines ([`Frozen`]), so no
//! optimizer ever moves them. `g_hidden` and `d_hidden` are ignored by the
//! small players.
//!
//! A constant G makes p_g the point mass δ(θ): the snapshot keeps it as an
//! atom (see [`crate::theory::atoms`]).
//!
//! # The oracle D
//!
//! With `d_model = "oracle"` no D step runs: every G step descends G's loss
//! against the exact optimum of the loss for the current G, recomputed on
//! the snapshot's grid ([`super::oracle`]; the trainer's G step calls
//! [`super::Backend::g_step_by`] with it). The network D of `d_hidden` is
//! still built and drawn from the stream (so the order of draws does not
//! depend on the model) but never trained or used. Since only G moves, the
//! oracle runs under `update = "alternating"` only (k is ignored, k_g G
//! steps per iteration); it needs an MLP G with `latent_dim = 1` and
//! `pack = 1` (an exact p_g with a density), a loss with a smooth optimum
//! (not `hinge`) and a target without point masses. The config refuses
//! every other combination with one line (`keys::check_together`).
//!
//! # How the models combine
//!
//! The linear D and the constant G run under every update rule, loss and
//! trick (the Dirac-GAN is `constant` against `linear`). `linear` and
//! `oracle` are two values of one key, so they never meet.

use std::fmt;
use std::str::FromStr;

use super::ConfigError;
use super::loss::names;
use crate::nn::Mlp;

/// Parameters an engine never moves: their gradients are zeroed before
/// every optimizer step (and before any use by an update rule).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frozen {
    /// Every weight matrix.
    pub weights: bool,
    /// Every bias.
    pub biases: bool,
}

impl Frozen {
    /// Nothing held.
    pub const NONE: Frozen = Frozen {
        weights: false,
        biases: false,
    };

    /// Whether anything is held.
    pub fn any(self) -> bool {
        self.weights || self.biases
    }

    /// Sets the held parameters of `net` to 0.
    pub fn zero_params(self, net: &mut Mlp<f32>) {
        if !self.any() {
            return;
        }
        let sizes = net.sizes().to_vec();
        let mut flat = net.params_flat();
        let mut at = 0;
        for p in sizes.windows(2) {
            let (w, b) = (p[0] * p[1], p[1]);
            if self.weights {
                flat[at..at + w].fill(0.0);
            }
            if self.biases {
                flat[at + w..at + w + b].fill(0.0);
            }
            at += w + b;
        }
        // Same sizes, same length: cannot fail.
        let _ = net.set_params_flat(&flat);
    }
}

/// The generator's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GModel {
    /// An MLP with the hidden widths `g_hidden`.
    #[default]
    Mlp,
    /// G(z) = θ: one parameter, p_g = δ(θ).
    Constant,
}

/// The discriminator's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DModel {
    /// An MLP with the hidden widths `d_hidden`.
    #[default]
    Mlp,
    /// D(x) = ψ·x, linear without bias (ψ one weight per packed sample).
    Linear,
    /// The exact optimum of the loss for the current G, recomputed on the
    /// grid at every G step (D*, the f-GAN's T*, WGAN's f*); no D step runs.
    Oracle,
}

impl GModel {
    /// Every form, in menu order.
    pub const ALL: &'static [GModel] = &[GModel::Mlp, GModel::Constant];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            GModel::Mlp => "mlp",
            GModel::Constant => "constant",
        }
    }

    /// The hidden widths G gets (`g_hidden` for an MLP, none otherwise).
    pub fn hidden(self, g_hidden: &[usize]) -> Vec<usize> {
        match self {
            GModel::Mlp => g_hidden.to_vec(),
            GModel::Constant => Vec::new(),
        }
    }

    /// What the engines hold fixed.
    pub fn frozen(self) -> Frozen {
        match self {
            GModel::Mlp => Frozen::NONE,
            GModel::Constant => Frozen {
                weights: true,
                biases: false,
            },
        }
    }
}

impl DModel {
    /// Every form, in menu order.
    pub const ALL: &'static [DModel] = &[DModel::Mlp, DModel::Linear, DModel::Oracle];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            DModel::Mlp => "mlp",
            DModel::Linear => "linear",
            DModel::Oracle => "oracle",
        }
    }

    /// The hidden widths D gets (`d_hidden` for an MLP and for the unused
    /// network beside the oracle, none for a linear D).
    pub fn hidden(self, d_hidden: &[usize]) -> Vec<usize> {
        match self {
            DModel::Mlp | DModel::Oracle => d_hidden.to_vec(),
            DModel::Linear => Vec::new(),
        }
    }

    /// What the engines hold fixed (nothing beside the oracle: its network
    /// never steps).
    pub fn frozen(self) -> Frozen {
        match self {
            DModel::Mlp | DModel::Oracle => Frozen::NONE,
            DModel::Linear => Frozen {
                weights: false,
                biases: true,
            },
        }
    }
}

/// `Display` and `FromStr` for a choice with `name()` and `ALL` (any case,
/// `-` for `_`), its error naming the config key; `noise` uses it too.
macro_rules! named {
    ($t:ty, $key:expr) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $t {
            type Err = ConfigError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let norm = s.trim().to_ascii_lowercase().replace('-', "_");
                <$t>::ALL
                    .iter()
                    .copied()
                    .find(|k| k.name() == norm)
                    .ok_or_else(|| ConfigError::BadValue {
                        key: $key.into(),
                        value: s.into(),
                        expected: format!("one of {}", names(<$t>::ALL.iter().map(|k| k.name()))),
                    })
            }
        }
    };
}

pub(super) use named;

named!(GModel, "g_model");
named!(DModel, "d_model");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Init};
    use rand::SeedableRng;

    #[test]
    fn held_parameters_are_zeroed() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let mut g: Mlp<f32> = Mlp::new(&[2, 1], Activation::Relu, Init::Default, &mut rng).unwrap();
        GModel::Constant.frozen().zero_params(&mut g);
        let p = g.params_flat();
        assert_eq!(&p[..2], &[0.0, 0.0]);
        assert_ne!(p[2], 0.0, "θ is drawn as a bias");
        let mut d: Mlp<f32> = Mlp::new(&[1, 1], Activation::Relu, Init::Default, &mut rng).unwrap();
        DModel::Linear.frozen().zero_params(&mut d);
        assert_eq!(d.params_flat()[1], 0.0);
        assert_eq!("constant".parse(), Ok(GModel::Constant));
        assert_eq!("Oracle".parse(), Ok(DModel::Oracle));
        assert!("oracle".parse::<GModel>().is_err());
    }
}
