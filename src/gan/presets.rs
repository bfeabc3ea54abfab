//! The lessons: named configs with a one-line description and a short guided
//! tour, stored as TOML in `assets/presets/` and compiled into the binary so
//! that `ganscope` works from any directory.
//!
//! A preset file has two tables: `[lesson]` with `description` (one line),
//! `tour` (two to four sentences: what to watch, which slider to move) and
//! `pace` (steps per second the window's speed control starts at, so that a
//! class can follow; optional, full speed without it), and `[config]` with
//! any of the config keys (absent keys keep their defaults). The window
//! pauses a lesson when it reaches the config's `steps`. `pace` and the pause
//! belong to the window's lesson, not to the run: `train`, `sweep` and
//! `gui --screenshot` ignore them.
//!
//! A lesson about the exact fits (`crate::fit`) may carry, in place of
//! `[config]` or beside it, a `[fit]` table:
//!
//! ```toml
//! [fit]
//! target = "modes(2, 8, 0.5)"                 # the config's target when absent
//! model = "normal"                            # or "mixture(K)"; normal when absent
//! divergences = ["kl_data_model", "kl_model_data"]   # every fit when absent
//! ```
//!
//! Its target becomes the config's when `[config]` gives none; giving two
//! different targets is an error.

use super::{Config, ConfigError};
use crate::fit::FitSpec;
use std::sync::OnceLock;

/// The lesson the window opens on.
pub const DEFAULT: &str = "goodfellow";

/// The lesson files, in teaching order.
const FILES: &[(&str, &str)] = &[
    (
        "goodfellow",
        include_str!("../../assets/presets/goodfellow.toml"),
    ),
    (
        "figure-1",
        include_str!("../../assets/presets/figure-1.toml"),
    ),
    (
        "vanishing-gradients",
        include_str!("../../assets/presets/vanishing-gradients.toml"),
    ),
    (
        "mode-collapse",
        include_str!("../../assets/presets/mode-collapse.toml"),
    ),
    (
        "mode-collapse-rescued",
        include_str!("../../assets/presets/mode-collapse-rescued.toml"),
    ),
    ("wgan", include_str!("../../assets/presets/wgan.toml")),
    (
        "instance-noise",
        include_str!("../../assets/presets/instance-noise.toml"),
    ),
    (
        "finite-data",
        include_str!("../../assets/presets/finite-data.toml"),
    ),
    (
        "two-sample-test",
        include_str!("../../assets/presets/two-sample-test.toml"),
    ),
    (
        "k-and-lr",
        include_str!("../../assets/presets/k-and-lr.toml"),
    ),
    (
        "simultaneous-vs-alternating",
        include_str!("../../assets/presets/simultaneous-vs-alternating.toml"),
    ),
    (
        "dirac-gan",
        include_str!("../../assets/presets/dirac-gan.toml"),
    ),
    (
        "kl-vs-reverse-kl",
        include_str!("../../assets/presets/kl-vs-reverse-kl.toml"),
    ),
    ("f-gan", include_str!("../../assets/presets/f-gan.toml")),
    (
        "oracle-d",
        include_str!("../../assets/presets/oracle-d.toml"),
    ),
    ("cgan", include_str!("../../assets/presets/cgan.toml")),
    (
        "cgan-ignores-label",
        include_str!("../../assets/presets/cgan-ignores-label.toml"),
    ),
];

/// One lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub tour: String,
    /// Steps per second the window starts the lesson at (`None`: full speed).
    pub pace: Option<f64>,
    pub config: Config,
    /// The exact fits the lesson shows beside the GAN (its `[fit]` table).
    pub fit: Option<FitSpec>,
}

/// The `[fit]` table, resolved against the config's target.
fn fit_table(
    name: &str,
    table: &toml::Table,
    config: &mut Config,
    config_has_target: bool,
) -> Result<Option<FitSpec>, ConfigError> {
    let Some(fit) = table.get("fit") else {
        return Ok(None);
    };
    let bad = |m: String| ConfigError::Preset(format!("preset {name}: [fit] {m}"));
    let fit = fit
        .as_table()
        .ok_or_else(|| bad("must be a table".into()))?;
    if let Some(k) = fit
        .keys()
        .find(|k| !["target", "model", "divergences"].contains(&k.as_str()))
    {
        return Err(bad(format!(
            "has an unknown key `{k}`; valid keys: target, model, divergences"
        )));
    }
    let text = |k: &str| -> Result<Option<&str>, ConfigError> {
        match fit.get(k) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| bad(format!("{k} must be a string"))),
        }
    };
    let target = match text("target")? {
        Some(t) if config_has_target && t.trim() != config.target.trim() => {
            return Err(bad(format!(
                "target {t:?} differs from [config]'s {:?}; give it once",
                config.target
            )));
        }
        Some(t) => {
            config.target = t.trim().to_string();
            config.target.clone()
        }
        None => config.target.clone(),
    };
    let names: Vec<&str> = match fit.get("divergences") {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .and_then(|a| a.iter().map(|x| x.as_str()).collect::<Option<Vec<_>>>())
            .ok_or_else(|| bad("divergences must be a list of names".into()))?,
    };
    let spec = FitSpec::parse(&target, text("model")?.unwrap_or("normal"), &names)
        .map_err(|e| bad(e.to_string()))?;
    Ok(Some(spec))
}

/// Parse one preset file.
///
/// # Errors
/// Malformed TOML, a missing `[lesson]` description, or a config error.
pub fn parse(name: &str, text: &str) -> Result<Preset, ConfigError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| ConfigError::Preset(format!("preset {name}: {e}")))?;
    let lesson = table.get("lesson").and_then(|v| v.as_table());
    let get = |k: &str| {
        lesson
            .and_then(|l| l.get(k))
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_string())
    };
    let description = get("description")
        .ok_or_else(|| ConfigError::Preset(format!("preset {name}: no [lesson] description")))?;
    let tour = get("tour").unwrap_or_default();
    let pace = match lesson.and_then(|l| l.get("pace")) {
        None => None,
        Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
            Some(p) if p.is_finite() && p > 0.0 => Some(p),
            _ => {
                return Err(ConfigError::Preset(format!(
                    "preset {name}: [lesson] pace must be a positive number of steps per second"
                )));
            }
        },
    };
    if let Some(k) = lesson
        .into_iter()
        .flat_map(|l| l.keys())
        .find(|k| !["description", "tour", "pace"].contains(&k.as_str()))
    {
        return Err(ConfigError::Preset(format!(
            "preset {name}: unknown [lesson] field `{k}` (description, tour, pace)"
        )));
    }
    let config_text = match table.get("config") {
        Some(toml::Value::Table(t)) => {
            toml::to_string(t).map_err(|e| ConfigError::Preset(format!("preset {name}: {e}")))?
        }
        Some(_) => {
            return Err(ConfigError::Preset(format!(
                "{name}: [config] must be a table"
            )));
        }
        None => String::new(),
    };
    let mut config = Config::from_toml_str(&config_text)?;
    let has_target = table
        .get("config")
        .and_then(|c| c.as_table())
        .is_some_and(|c| c.contains_key("target"));
    let fit = fit_table(name, &table, &mut config, has_target)?;
    config.validate()?;
    Ok(Preset {
        name: name.to_string(),
        description,
        tour,
        pace,
        config,
        fit,
    })
}

/// Every lesson, parsed once.
pub fn all() -> &'static [Preset] {
    static ALL: OnceLock<Vec<Preset>> = OnceLock::new();
    ALL.get_or_init(|| {
        // The files ship with the binary and are tested; one that fails to
        // parse is left out rather than taking the program down.
        FILES.iter().filter_map(|(n, t)| parse(n, t).ok()).collect()
    })
}

/// The lesson of this name.
pub fn find(name: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.name == name)
}

/// The names of every lesson.
pub fn names() -> Vec<&'static str> {
    FILES.iter().map(|(n, _)| *n).collect()
}

/// The lesson of this name, or an error listing the lessons.
///
/// # Errors
/// [`ConfigError::Preset`] for an unknown name.
pub fn load(name: &str) -> Result<Preset, ConfigError> {
    find(name).cloned().ok_or_else(|| {
        ConfigError::Preset(format!(
            "unknown preset '{name}' (the lessons: {})",
            names().join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_parses_and_validates() {
        for (name, text) in FILES {
            let p = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !p.description.is_empty() && !p.description.contains('\n'),
                "{name}: one-line description"
            );
            let sentences = p.tour.matches(". ").count() + 1;
            assert!(
                (2..=5).contains(&sentences),
                "{name}: the tour has {sentences} sentences"
            );
        }
        assert_eq!(all().len(), FILES.len());
        assert!(find(DEFAULT).is_some());
    }

    #[test]
    fn unknown_preset_lists_the_lessons() {
        let e = load("goodfelow").unwrap_err().to_string();
        assert!(
            e.contains("unknown preset 'goodfelow'")
                && e.contains("goodfellow, figure-1, vanishing-gradients"),
            "{e}"
        );
    }

    #[test]
    fn a_fit_table_gives_the_target_and_the_fits() {
        let p = parse(
            "f",
            "[lesson]\ndescription = \"d\"\n[fit]\ntarget = \"modes(2, 6, 0.5)\"\ndivergences = [\"jsd\", \"mle\"]\n",
        )
        .unwrap();
        assert_eq!(p.config.target, "modes(2, 6, 0.5)");
        let fit = p.fit.unwrap();
        assert_eq!(fit.model, crate::fit::Model::Normal);
        assert_eq!(
            fit.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
            ["jsd", "mle"]
        );
        for (text, what) in [
            ("[fit]\ndivergences = [\"kl\"]", "unknown divergence 'kl'"),
            ("[fit]\nmodel = \"mixture(12)\"", "unknown model"),
            ("[fit]\nspacing = 3", "unknown key `spacing`"),
            (
                "[config]\ntarget = \"normal(0, 1)\"\n[fit]\ntarget = \"normal(1, 1)\"",
                "differs",
            ),
        ] {
            let e = parse("f", &format!("[lesson]\ndescription = \"d\"\n{text}\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(what), "{text}: {e}");
        }
    }

    #[test]
    fn pace_is_a_positive_number_and_lesson_fields_are_checked() {
        let p = parse("x", "[lesson]\ndescription = \"d\"\npace = 120\n").unwrap();
        assert_eq!(p.pace, Some(120.0));
        for bad in ["pace = -1", "pace = \"fast\"", "speed = 3"] {
            let text = format!("[lesson]\ndescription = \"d\"\n{bad}\n");
            assert!(parse("x", &text).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_key_in_a_preset_is_an_error() {
        let e = parse("x", "[lesson]\ndescription = \"d\"\n[config]\nlr = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("lr"), "{e}");
    }
}
