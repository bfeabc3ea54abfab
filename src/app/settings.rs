//! What survives a restart: the settings the trainer runs on, the lesson
//! they came from, which curves show, the theme, the speed and the engine.

use crate::gan::Config;
use serde::{Deserialize, Serialize};

/// Which curves the figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Toggles {
    pub p_data: bool,
    pub p_g: bool,
    pub d: bool,
    pub d_star: bool,
    pub force: bool,
    pub fake_batch: bool,
    pub ghost_map: bool,
    /// The phase-plane panel (always shown for a Dirac-GAN).
    pub phase: bool,
}

impl Default for Toggles {
    fn default() -> Self {
        Toggles {
            p_data: true,
            p_g: true,
            d: true,
            d_star: true,
            force: false,
            fake_batch: false,
            ghost_map: true,
            phase: false,
        }
    }
}

/// Everything that survives a restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub config: Config,
    pub lesson: Option<String>,
    pub toggles: Toggles,
    pub dark: bool,
    /// Steps per second cap; None = as fast as possible.
    pub speed: Option<f64>,
    /// The engine (a choice other than `native` only in a build with candle).
    pub backend: crate::gan::Choice,
}

impl Default for Settings {
    fn default() -> Self {
        let lesson = crate::gan::presets::DEFAULT.to_string();
        let config = crate::gan::presets::load(&lesson)
            .map(|p| p.config)
            .unwrap_or_default();
        Settings {
            config,
            lesson: Some(lesson),
            toggles: Toggles::default(),
            dark: false,
            speed: None,
            backend: crate::gan::Choice::default(),
        }
    }
}
