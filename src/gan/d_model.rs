//! What plays the discriminator: a trained network, or the exact optimum
//! (the oracle of Proposition 2, see `oracle`).

use std::fmt;
use std::str::FromStr;

use super::ConfigError;

/// The discriminator's model (config key `d_model`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DModel {
    /// The MLP of `d_hidden`, trained by Algorithm 1.
    #[default]
    Mlp,
    /// The exact optimum of the loss for the current G, recomputed on the
    /// grid at every G step (D*, the f-GAN's T*, WGAN's f*); no D step runs.
    Oracle,
}

impl DModel {
    /// Every model, in menu order.
    pub const ALL: &'static [DModel] = &[DModel::Mlp, DModel::Oracle];

    /// The config name.
    pub fn name(self) -> &'static str {
        match self {
            DModel::Mlp => "mlp",
            DModel::Oracle => "oracle",
        }
    }
}

impl fmt::Display for DModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DModel {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase();
        DModel::ALL
            .iter()
            .copied()
            .find(|m| m.name() == norm)
            .ok_or_else(|| ConfigError::BadValue {
                key: "d_model".into(),
                value: s.into(),
                expected: "one of mlp, oracle".into(),
            })
    }
}
