//! The configuration of one run: the lesson's target, the two networks, the
//! loss with its tricks and the optimizers.
//!
//! The same key names serve the preset TOML files, `--set KEY=VALUE` (see
//! [`Config::set`]) and `--grid`. A TOML file may give any subset of the keys;
//! the rest keep their [`Default`]. [`Config::to_toml_string`] writes every
//! key, so its output reproduces the run.
//!
//! Each key's type, range, whether it applies live and its documentation
//! are one row of [`super::keys::KEYS`]; this module holds the struct, its
//! defaults and the TOML in and out.

use crate::density::{
    Classes, Family, Mixture, parse_classes, parse_spec, parse_spec_in, print_spec_in,
};
use crate::nn::{Activation, OptimizerKind};
pub use crate::theory::Prior;
use std::path::Path;

use super::condition::Conditioning;
use super::{ConfigError, DModel, GModel, LossKind, NoiseDraws, NoiseSchedule, UpdateRule};

/// Everything that defines a run; see the [module docs](self) for ranges.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The target density `p_data`, as a spec string.
    pub target: String,
    /// The noise prior `p_z`.
    pub prior: Prior,
    /// Dimension `m` of `z`.
    pub latent_dim: usize,
    /// Hidden widths of G: `[latent_dim, g_hidden…, 1]`.
    pub g_hidden: Vec<usize>,
    /// Hidden widths of D: `[pack, d_hidden…, 1]`.
    pub d_hidden: Vec<usize>,
    /// Hidden activation of both networks.
    pub activation: Activation,
    /// The objective.
    pub loss: LossKind,
    /// The optimizer of both networks.
    pub optimizer: OptimizerKind,
    /// D's learning rate.
    pub lr_d: f64,
    /// G's learning rate.
    pub lr_g: f64,
    /// Adam's β₁ (momentum's coefficient).
    pub beta1: f64,
    /// Adam's and RMSprop's β₂.
    pub beta2: f64,
    /// D steps per iteration (the paper's k).
    pub k: usize,
    /// G steps per iteration.
    pub k_g: usize,
    /// Samples per minibatch (real and fake each).
    pub batch: usize,
    /// Seed of the one random stream.
    pub seed: u64,
    /// Planned iterations (the horizon of the instance-noise annealing).
    pub steps: u64,
    /// σ₀ of instance noise (annealed or held by `noise_schedule`).
    pub instance_noise: f64,
    /// γ of the R1 penalty `γ/2 E‖∇ₓ D(x_real)‖²` (0 = off).
    pub r1: f64,
    /// WGAN weight clipping c: D's parameters stay in [−c, c] (loss `wgan`; 0 = off).
    pub clip: f64,
    /// WGAN-GP λ (loss `wgan_gp`).
    pub gp: f64,
    /// PacGAN: D judges `pack` samples at once.
    pub pack: usize,
    /// One-sided label smoothing s: the real target is 1 − s.
    pub label_smoothing: f64,
    /// WGAN-GP's one-sided penalty λ·max(0, ‖∇f‖ − 1)².
    pub gp_one_sided: bool,
    /// The learning rates' factor at the last step: both rates fall
    /// linearly to `lr_end` times their value, from `lr_decay_from · steps`
    /// on (1: no decay).
    pub lr_end: f64,
    /// Where the decay starts, as a fraction of `steps`.
    pub lr_decay_from: f64,
    /// Size N of a finite training set drawn once from p_data (0: fresh
    /// samples every step).
    pub dataset: usize,
    /// How both players are updated in one iteration.
    pub update: UpdateRule,
    /// γ of consensus optimisation.
    pub consensus_gamma: f64,
    /// The generator's form: an MLP or the constant G(z) = θ.
    pub g_model: GModel,
    /// The discriminator's form: an MLP, the linear D(x) = ψ·x, or the
    /// exact optimum on the grid (`oracle`).
    pub d_model: DModel,
    /// How the instance-noise σ moves over a run.
    pub noise_schedule: NoiseSchedule,
    /// How the instance-noise values of a batch are drawn.
    pub noise_draws: NoiseDraws,
    /// Every initial parameter of G and D is multiplied by this.
    pub init_scale: f64,
    /// How D sees the class of a `classes(…)` target (see
    /// [`super::condition`]).
    pub conditioning: Conditioning,
}

impl Default for Config {
    /// The default lesson: a non-saturating GAN with small ReLU-family
    /// networks learning `normal(2, 0.5)` from `uniform(−1, 1)` noise.
    fn default() -> Self {
        Config {
            target: "normal(2, 0.5)".into(),
            prior: Prior::Uniform,
            latent_dim: 1,
            g_hidden: vec![32, 32],
            d_hidden: vec![32, 32],
            activation: Activation::LeakyRelu,
            loss: LossKind::NonSaturating,
            optimizer: OptimizerKind::Adam,
            lr_d: 1e-3,
            lr_g: 1e-3,
            beta1: 0.5,
            beta2: 0.999,
            k: 1,
            k_g: 1,
            batch: 256,
            seed: 0,
            steps: 5000,
            instance_noise: 0.0,
            r1: 0.0,
            clip: 0.01,
            gp: 10.0,
            pack: 1,
            label_smoothing: 0.0,
            gp_one_sided: false,
            lr_end: 1.0,
            lr_decay_from: 0.5,
            dataset: 0,
            update: UpdateRule::Alternating,
            consensus_gamma: 0.1,
            g_model: GModel::Mlp,
            d_model: DModel::Mlp,
            noise_schedule: NoiseSchedule::Anneal,
            noise_draws: NoiseDraws::Iid,
            init_scale: 1.0,
            conditioning: Conditioning::Concat,
        }
    }
}

/// 1-based line of a byte offset in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML error as "line N: message" (the message on one line).
fn toml_error(text: &str, e: &toml::de::Error) -> ConfigError {
    let line = e.span().map_or(1, |s| line_of(text, s.start));
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    ConfigError::Toml { line, message }
}

impl Config {
    /// Reads a config from TOML; absent keys keep their default. The result
    /// is not validated: call [`validate`](Self::validate).
    ///
    /// # Errors
    /// [`ConfigError::UnknownKey`] naming the key and its line,
    /// [`ConfigError::Toml`] naming the line of a syntax or type error.
    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        if let Some(key) = table.keys().find(|k| super::keys::find(k).is_none()) {
            // The first occurrence of the key at the start of a line.
            let line = text
                .lines()
                .position(|l| {
                    let l = l.trim_start().trim_start_matches(['"', '\'']);
                    l.strip_prefix(key.as_str()).is_some_and(|rest| {
                        rest.trim_start_matches(['"', '\''])
                            .trim_start()
                            .starts_with('=')
                    })
                })
                .map(|i| i + 1);
            return Err(ConfigError::UnknownKey {
                key: key.clone(),
                line,
                valid: super::keys::all_names(),
            });
        }
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }

    /// [`from_toml_str`](Self::from_toml_str) for a file in `dir`: the
    /// target's relative `csv` paths are relative to `dir` (see
    /// [`resolve_paths`](Self::resolve_paths)).
    ///
    /// # Errors
    /// As `from_toml_str`, and the target's own error (a data file that
    /// cannot be used, or that has changed since its SHA-256 was written).
    pub fn from_toml_str_in(text: &str, dir: &Path) -> Result<Config, ConfigError> {
        let mut c = Config::from_toml_str(text)?;
        c.resolve_paths(dir)?;
        Ok(c)
    }

    /// Pins the target's data files: a target with a `csv` term is
    /// rewritten as it prints back — absolute paths (relative ones resolved
    /// against `dir`; empty: the working directory), the column read, and
    /// each file's SHA-256, which a later read checks. Other targets are
    /// left as written.
    ///
    /// # Errors
    /// The target's own error.
    pub fn resolve_paths(&mut self, dir: &Path) -> Result<(), ConfigError> {
        if !self.target.contains("csv") {
            return Ok(());
        }
        let m = parse_spec_in(&self.target, dir)?;
        if m.terms().iter().any(|t| matches!(t.family, Family::Csv(_))) {
            // Printed as the grammar reads it: a classes(…) target stays one.
            self.target = print_spec_in(&self.target, dir)?;
        }
        Ok(())
    }

    /// The whole config as TOML, every key written: reading it back gives
    /// the same config.
    ///
    /// # Errors
    /// Only for a config that [`validate`](Self::validate) rejects (a seed
    /// above 2⁶³ − 1 has no TOML integer).
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        toml::to_string(self).map_err(|e| ConfigError::Serialize(e.to_string()))
    }

    /// The parsed target.
    ///
    /// # Errors
    /// The spec's own error, with its column.
    pub fn target_mixture(&self) -> Result<Mixture, ConfigError> {
        Ok(parse_spec(&self.target)?)
    }

    /// The target's classes: `Some` for a `classes(…)` target.
    ///
    /// # Errors
    /// The spec's own error, with its column.
    pub fn target_classes(&self) -> Result<Option<Classes>, ConfigError> {
        Ok(parse_classes(&self.target)?)
    }

    /// The number of classes K of the target (0: unconditional, or a spec
    /// that does not parse).
    pub fn class_count(&self) -> usize {
        parse_classes(&self.target)
            .ok()
            .flatten()
            .map_or(0, |c| c.k())
    }

    /// Checks every value against its range (each key's row of
    /// [`super::keys::KEYS`], in their order), then the ranges that involve
    /// two keys (`batch` ≥ `pack`).
    ///
    /// # Errors
    /// The first offending key, in one line: `"lr_d must be positive and
    /// finite, got -1"`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for key in super::keys::KEYS {
            key.check(self)?;
        }
        super::keys::check_together(self)
    }

    /// Sets one key from its text, as `--set KEY=VALUE` does.
    ///
    /// # Errors
    /// [`ConfigError::UnknownKey`] listing the valid keys, or
    /// [`ConfigError::BadValue`] when the text is not a value of the key's
    /// type. Ranges are left to [`validate`](Self::validate). On error
    /// nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        match super::keys::find(key) {
            Some(k) => k.set(self, value),
            None => Err(ConfigError::UnknownKey {
                key: key.into(),
                line: None,
                valid: super::keys::all_names(),
            }),
        }
    }

    /// `KEY=VALUE` split at the first `=` and applied with [`set`](Self::set).
    ///
    /// # Errors
    /// As `set`, or [`ConfigError::BadValue`] when there is no `=`.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), ConfigError> {
        let (key, value) = pair.split_once('=').ok_or_else(|| ConfigError::BadValue {
            key: pair.into(),
            value: String::new(),
            expected: "KEY=VALUE".into(),
        })?;
        self.set(key.trim(), value)
    }
}
