//! `--set KEY=VALUE`: one key of a [`Config`] from a string.
//!
//! Values are written as on the command line: numbers as Rust parses them
//! (`1e-3`, `0.5`), lists as `32,32` or `[32, 32]` (an empty list is `[]`),
//! names as in the TOML files (`leaky_relu`, `wgan-gp`). The value is only
//! parsed here; ranges are checked by [`Config::validate`].

use std::str::FromStr;

use super::loss::names;
use super::{Config, ConfigError};

fn bad(key: &str, value: &str, expected: impl Into<String>) -> ConfigError {
    ConfigError::BadValue {
        key: key.into(),
        value: value.into(),
        expected: expected.into(),
    }
}

fn num<T: FromStr>(key: &str, value: &str, expected: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| bad(key, value, expected))
}

/// `32,32`, `[32, 32]`, `[]` → widths.
fn list(key: &str, value: &str) -> Result<Vec<usize>, ConfigError> {
    let v = value.trim();
    let inner = v
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(v)
        .trim();
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|w| w.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad(key, value, "a list of widths such as 32,32 or [32, 32]"))
}

impl Config {
    /// Sets one key from its text, as `--set KEY=VALUE` does.
    ///
    /// # Errors
    /// [`ConfigError::UnknownKey`] listing the valid keys, or
    /// [`ConfigError::BadValue`] when the text is not a value of the key's
    /// type. Ranges are left to [`validate`](Self::validate).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        const REAL: &str = "a number";
        const COUNT: &str = "a non-negative integer";
        match key {
            "target" => self.target = value.trim().to_owned(),
            "prior" => {
                self.prior = value
                    .parse()
                    .map_err(|_| bad(key, value, "uniform or normal"))?
            }
            "latent_dim" => self.latent_dim = num(key, value, COUNT)?,
            "g_hidden" => self.g_hidden = list(key, value)?,
            "d_hidden" => self.d_hidden = list(key, value)?,
            "activation" => {
                self.activation = value.trim().parse().map_err(|_| {
                    let valid = crate::nn::Activation::ALL.iter().map(|a| a.name());
                    bad(key, value, format!("one of {}", names(valid)))
                })?
            }
            "loss" => self.loss = value.parse()?,
            "optimizer" => {
                self.optimizer = value.trim().parse().map_err(|_| {
                    let valid = crate::nn::OptimizerKind::ALL.iter().map(|o| o.name());
                    bad(key, value, format!("one of {}", names(valid)))
                })?
            }
            "lr_d" => self.lr_d = num(key, value, REAL)?,
            "lr_g" => self.lr_g = num(key, value, REAL)?,
            "beta1" => self.beta1 = num(key, value, REAL)?,
            "beta2" => self.beta2 = num(key, value, REAL)?,
            "k" => self.k = num(key, value, COUNT)?,
            "k_g" => self.k_g = num(key, value, COUNT)?,
            "batch" => self.batch = num(key, value, COUNT)?,
            "seed" => self.seed = num(key, value, COUNT)?,
            "steps" => self.steps = num(key, value, COUNT)?,
            "instance_noise" => self.instance_noise = num(key, value, REAL)?,
            "r1" => self.r1 = num(key, value, REAL)?,
            "clip" => self.clip = num(key, value, REAL)?,
            "gp" => self.gp = num(key, value, REAL)?,
            "pack" => self.pack = num(key, value, COUNT)?,
            "label_smoothing" => self.label_smoothing = num(key, value, REAL)?,
            _ => {
                return Err(ConfigError::UnknownKey {
                    key: key.into(),
                    line: None,
                    valid: Config::KEYS.join(", "),
                });
            }
        }
        Ok(())
    }

    /// `KEY=VALUE` split at the first `=` and applied with [`set`](Self::set).
    ///
    /// # Errors
    /// As `set`, or [`ConfigError::BadValue`] when there is no `=`.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), ConfigError> {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| bad(pair, "", "KEY=VALUE"))?;
        self.set(key.trim(), value)
    }
}
