//! The config keys, one row each: its name, how it is read from and
//! written as text, its valid values, whether it applies to a running
//! trainer, what the window shows for it, and its documentation.
//!
//! Everything that knows about keys reads [`KEYS`]: `--set` and `--grid`
//! ([`Config::set`]), TOML files (the unknown-key check of
//! [`Config::from_toml_str`]), [`Config::validate`], the live settings of a
//! running trainer (`live`), the window's controls (`widget`), the
//! `ganscope train` line the window copies, and README's key table
//! ([`markdown_table`], held against README by a test). A new key is a field
//! of [`Config`] with its default, and one row here.
//!
//! # Text
//!
//! Values are written as on the command line: numbers as Rust parses and
//! prints them (`1e-3` in, `0.001` out), lists as `32,32` or `[32, 32]` (an
//! empty list is `[]`), names as in the TOML files (`leaky_relu`, `wgan-gp`).

use std::str::FromStr;

use super::condition::Conditioning;
use super::loss::names;
use super::{
    Config, ConfigError, DModel, GModel, LossKind, NoiseDraws, NoiseSchedule, Prior, UpdateRule,
};
use crate::nn::{Activation, OptimizerKind};

/// How the window offers a key.
#[derive(Clone, Copy, Debug)]
pub enum Widget {
    /// A slider over `lo ..= hi`, on a log scale when `log`.
    Slider {
        /// The slider's lowest value (the key may allow less).
        lo: f64,
        /// The slider's highest value (the key may allow more).
        hi: f64,
        /// Logarithmic.
        log: bool,
        /// An integer key (steps by 1).
        int: bool,
    },
    /// A choice among names.
    Choice(fn() -> Vec<&'static str>),
    /// A text field, parsed by the key's own parser as it is typed.
    Text,
    /// A number field without a slider (the seed).
    Number,
    /// Not a control of its own (the target has the lesson menu and the
    /// spec field; `steps` is the lesson's horizon).
    None,
}

/// One config key; see the [module docs](self).
#[derive(Clone, Copy)]
pub struct Key {
    /// The name in TOML files, `--set` and `--grid`.
    pub name: &'static str,
    /// Whether a running trainer takes a new value at its next step; the
    /// others change the networks, the optimizers' state or the random
    /// stream and need new networks (a reset).
    pub live: bool,
    /// The valid values, in words (README's table).
    pub range: &'static str,
    /// What the key means (README's table, the window's tooltip).
    pub doc: &'static str,
    /// The window's control.
    pub widget: Widget,
    get: fn(&Config) -> String,
    set: fn(&mut Config, &str) -> Result<(), ConfigError>,
    check: fn(&Config) -> Result<(), ConfigError>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key").field("name", &self.name).finish()
    }
}

impl Key {
    /// The key's value in `config`, as text that [`Key::set`] reads back.
    pub fn get(&self, config: &Config) -> String {
        (self.get)(config)
    }

    /// Sets the key in `config` from text; on error nothing changes.
    ///
    /// # Errors
    /// [`ConfigError::BadValue`] when the text is not a value of the key's
    /// type (ranges are [`Key::check`]'s).
    pub fn set(&self, config: &mut Config, text: &str) -> Result<(), ConfigError> {
        (self.set)(config, text)
    }

    /// Checks the key's value in `config` against its range.
    ///
    /// # Errors
    /// One line naming the key, the value and the range.
    pub fn check(&self, config: &Config) -> Result<(), ConfigError> {
        (self.check)(config)
    }

    /// The default value, as text.
    pub fn default_text(&self) -> String {
        self.get(&Config::default())
    }
}

/// The row of `name`.
pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// Every key name, comma-separated (for error messages).
pub fn all_names() -> String {
    names(KEYS.iter().map(|k| k.name))
}

fn bad(key: &str, value: &str, expected: impl Into<String>) -> ConfigError {
    ConfigError::BadValue {
        key: key.into(),
        value: value.into(),
        expected: expected.into(),
    }
}

/// A value of a key's type, as text.
trait Text: Sized {
    fn text(&self) -> String;
    fn parse(key: &str, text: &str) -> Result<Self, ConfigError>;
}

impl Text for f64 {
    fn text(&self) -> String {
        format!("{self}")
    }
    fn parse(key: &str, text: &str) -> Result<Self, ConfigError> {
        text.trim().parse().map_err(|_| bad(key, text, "a number"))
    }
}

macro_rules! count_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn text(&self) -> String {
                self.to_string()
            }
            fn parse(key: &str, text: &str) -> Result<Self, ConfigError> {
                text.trim()
                    .parse()
                    .map_err(|_| bad(key, text, "a non-negative integer"))
            }
        }
    )*};
}
count_text!(usize, u64);

impl Text for bool {
    fn text(&self) -> String {
        self.to_string()
    }
    fn parse(key: &str, text: &str) -> Result<Self, ConfigError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(true),
            "false" | "no" | "off" | "0" => Ok(false),
            _ => Err(bad(key, text, "true or false")),
        }
    }
}

impl Text for String {
    fn text(&self) -> String {
        self.clone()
    }
    fn parse(_key: &str, text: &str) -> Result<Self, ConfigError> {
        Ok(text.trim().to_owned())
    }
}

/// Widths: `32,32`, `[32, 32]`, `[]`.
impl Text for Vec<usize> {
    fn text(&self) -> String {
        let items: Vec<String> = self.iter().map(|w| w.to_string()).collect();
        format!("[{}]", items.join(", "))
    }
    fn parse(key: &str, text: &str) -> Result<Self, ConfigError> {
        let v = text.trim();
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
            .map_err(|_| bad(key, text, "a list of widths such as 32,32 or [32, 32]"))
    }
}

/// A named choice: its names for messages and menus.
trait Named: FromStr + std::fmt::Display {
    fn names() -> Vec<&'static str>;
}

impl Named for Prior {
    fn names() -> Vec<&'static str> {
        vec!["uniform", "normal"]
    }
}
impl Named for Activation {
    fn names() -> Vec<&'static str> {
        Activation::ALL.iter().map(|a| a.name()).collect()
    }
}
impl Named for OptimizerKind {
    fn names() -> Vec<&'static str> {
        OptimizerKind::ALL.iter().map(|o| o.name()).collect()
    }
}
impl Named for LossKind {
    fn names() -> Vec<&'static str> {
        LossKind::ALL.iter().map(|l| l.name()).collect()
    }
}
impl Named for Conditioning {
    fn names() -> Vec<&'static str> {
        Conditioning::ALL.iter().map(|c| c.name()).collect()
    }
}

macro_rules! named_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn text(&self) -> String {
                self.to_string()
            }
            fn parse(key: &str, text: &str) -> Result<Self, ConfigError> {
                // Names are snake case; hyphens and case are forgiven.
                let norm = text.trim().to_ascii_lowercase().replace('-', "_");
                norm.parse().map_err(|_| {
                    bad(key, text, format!("one of {}", <$t as Named>::names().join(", ")))
                })
            }
        }
    )*};
}
impl Named for UpdateRule {
    fn names() -> Vec<&'static str> {
        UpdateRule::ALL.iter().map(|r| r.name()).collect()
    }
}
impl Named for GModel {
    fn names() -> Vec<&'static str> {
        GModel::ALL.iter().map(|m| m.name()).collect()
    }
}
impl Named for DModel {
    fn names() -> Vec<&'static str> {
        DModel::ALL.iter().map(|m| m.name()).collect()
    }
}
impl Named for NoiseSchedule {
    fn names() -> Vec<&'static str> {
        NoiseSchedule::ALL.iter().map(|m| m.name()).collect()
    }
}
impl Named for NoiseDraws {
    fn names() -> Vec<&'static str> {
        NoiseDraws::ALL.iter().map(|m| m.name()).collect()
    }
}

named_text!(Prior, Activation, OptimizerKind, LossKind, Conditioning);
named_text!(UpdateRule, GModel, DModel, NoiseSchedule, NoiseDraws);

// The range checks: each takes the key's name and value and says what is
// wrong in one line.

fn any<T>(_key: &str, _v: &T) -> Result<(), ConfigError> {
    Ok(())
}

fn fail(message: String) -> Result<(), ConfigError> {
    Err(ConfigError::OutOfRange(message))
}

fn target(_key: &str, spec: &str) -> Result<(), ConfigError> {
    crate::density::parse_spec(spec)?;
    Ok(())
}

fn positive(key: &str, v: &f64) -> Result<(), ConfigError> {
    if v.is_finite() && *v > 0.0 {
        Ok(())
    } else {
        fail(format!("{key} must be positive and finite, got {v}"))
    }
}

fn non_negative(key: &str, v: &f64) -> Result<(), ConfigError> {
    if v.is_finite() && *v >= 0.0 {
        Ok(())
    } else {
        fail(format!("{key} must be finite and at least 0, got {v}"))
    }
}

fn below(hi: f64) -> impl Fn(&str, &f64) -> Result<(), ConfigError> {
    move |key, v| {
        if (0.0..hi).contains(v) {
            Ok(())
        } else {
            fail(format!("{key} must be in [0, {hi}), got {v}"))
        }
    }
}

fn in_range(lo: usize, hi: usize) -> impl Fn(&str, &usize) -> Result<(), ConfigError> {
    move |key, v| {
        if (lo..=hi).contains(v) {
            Ok(())
        } else {
            fail(format!("{key} must be in {lo}..={hi}, got {v}"))
        }
    }
}

fn at_most(hi: usize) -> impl Fn(&str, &usize) -> Result<(), ConfigError> {
    move |key, v| {
        if *v <= hi {
            Ok(())
        } else {
            fail(format!("{key} must be at most {hi}, got {v}"))
        }
    }
}

fn widths(key: &str, w: &[usize]) -> Result<(), ConfigError> {
    if w.len() > 16 {
        return fail(format!("{key} has at most 16 layers, got {}", w.len()));
    }
    match w.iter().find(|w| !(1..=4096).contains(*w)) {
        Some(bad) => fail(format!("{key} widths must be in 1..=4096, got {bad}")),
        None => Ok(()),
    }
}

fn batch(key: &str, v: &usize) -> Result<(), ConfigError> {
    match *v {
        0 => fail(format!("{key} must be at least 1, got 0")),
        v if v > 1 << 20 => fail(format!("{key} must be at most 1048576, got {v}")),
        _ => Ok(()),
    }
}

fn dataset(key: &str, v: &usize) -> Result<(), ConfigError> {
    match *v {
        1 => fail(format!(
            "{key} must be 0 (fresh samples) or 2 ..= 1000000, got 1"
        )),
        v if v > 1_000_000 => fail(format!("{key} must be at most 1000000, got {v}")),
        _ => Ok(()),
    }
}

fn seed(key: &str, v: &u64) -> Result<(), ConfigError> {
    if *v <= i64::MAX as u64 {
        Ok(())
    } else {
        fail(format!("{key} must be at most {}, got {v}", i64::MAX))
    }
}

macro_rules! key {
    ($field:ident, live: $live:expr, widget: $widget:expr, range: $range:expr, check: $check:expr, doc: $doc:expr $(,)?) => {
        Key {
            name: stringify!($field),
            live: $live,
            range: $range,
            doc: $doc,
            widget: $widget,
            get: |c| Text::text(&c.$field),
            set: |c, v| {
                c.$field = Text::parse(stringify!($field), v)?;
                Ok(())
            },
            check: |c| ($check)(stringify!($field), &c.$field),
        }
    };
}

const fn slider(lo: f64, hi: f64) -> Widget {
    Widget::Slider {
        lo,
        hi,
        log: false,
        int: false,
    }
}

const fn log_slider(lo: f64, hi: f64) -> Widget {
    Widget::Slider {
        lo,
        hi,
        log: true,
        int: false,
    }
}

const fn count_slider(lo: f64, hi: f64, log: bool) -> Widget {
    Widget::Slider {
        lo,
        hi,
        log,
        int: true,
    }
}

/// Every key, in the order of [`Config`]'s fields (and of its TOML).
pub static KEYS: &[Key] = &[
    key!(target, live: true, widget: Widget::None,
        range: "a spec of the grammar below", check: target,
        doc: "p_data, in the spec grammar below"),
    key!(prior, live: true, widget: Widget::Choice(Prior::names),
        range: "`uniform`, `normal`", check: any,
        doc: "p_z: `uniform` on (−1, 1) as in the paper's figure, or `normal`"),
    key!(latent_dim, live: false, widget: count_slider(1.0, 64.0, true),
        range: "1 ..= 64", check: in_range(1, 64),
        doc: "dimension of z; above 1, p_g is estimated from a fixed quasi-random sample and labelled so"),
    key!(g_hidden, live: false, widget: Widget::Text,
        range: "at most 16 widths, each 1 ..= 4096", check: widths,
        doc: "hidden widths of G (`--set g_hidden=64,64`; `[]` is a linear G)"),
    key!(d_hidden, live: false, widget: Widget::Text,
        range: "at most 16 widths, each 1 ..= 4096", check: widths,
        doc: "hidden widths of D"),
    key!(activation, live: false, widget: Widget::Choice(Activation::names),
        range: "`relu`, `leaky_relu`, `tanh`, `elu`, `softplus`, `sigmoid`", check: any,
        doc: "hidden activation of both networks"),
    key!(loss, live: true, widget: Widget::Choice(LossKind::names),
        range: "`minimax`, `non_saturating`, `wgan`, `wgan_gp`, `lsgan`, `hinge`, `fgan_kl`, `fgan_reverse_kl`, `fgan_pearson`, `fgan_hellinger`, `fgan_js`", check: any,
        doc: "the objective (D's weights are kept when it changes live)"),
    key!(optimizer, live: false, widget: Widget::Choice(OptimizerKind::names),
        range: "`sgd`, `momentum`, `adam`, `rmsprop`", check: any,
        doc: "the optimizer of both networks"),
    key!(lr_d, live: true, widget: log_slider(1e-6, 1.0),
        range: "positive", check: positive,
        doc: "D's learning rate"),
    key!(lr_g, live: true, widget: log_slider(1e-6, 1.0),
        range: "positive", check: positive,
        doc: "G's learning rate"),
    key!(beta1, live: false, widget: slider(0.0, 0.999),
        range: "[0, 1)", check: below(1.0),
        doc: "Adam's β₁ (momentum's coefficient)"),
    key!(beta2, live: false, widget: slider(0.9, 0.9999),
        range: "[0, 1)", check: below(1.0),
        doc: "Adam's β₂ (RMSprop's decay)"),
    key!(k, live: true, widget: count_slider(0.0, 50.0, false),
        range: "0 ..= 1000 (0 freezes D)", check: at_most(1000),
        doc: "D steps per iteration (the paper's k)"),
    key!(k_g, live: true, widget: count_slider(0.0, 20.0, false),
        range: "0 ..= 1000 (0 freezes G)", check: at_most(1000),
        doc: "G steps per iteration"),
    key!(batch, live: true, widget: count_slider(1.0, 4096.0, true),
        range: "1 ..= 1 048 576, and at least `pack`", check: batch,
        doc: "minibatch size m (real and fake samples each)"),
    key!(seed, live: false, widget: Widget::Number,
        range: "0 ..= 2⁶³ − 1", check: seed,
        doc: "the one random stream: same config and seed, same run"),
    key!(steps, live: true, widget: Widget::None,
        range: "any", check: any,
        doc: "iterations of a run (also the horizon of the instance-noise annealing)"),
    key!(instance_noise, live: true, widget: slider(0.0, 2.0),
        range: "≥ 0", check: non_negative,
        doc: "σ of the noise added to D's inputs, annealed linearly to 0 over `steps` (see `noise_schedule`)"),
    key!(r1, live: true, widget: slider(0.0, 100.0),
        range: "≥ 0", check: non_negative,
        doc: "R1 penalty γ/2·E‖∇ₓD(x_real)‖² (0: off)"),
    key!(clip, live: true, widget: log_slider(1e-4, 1.0),
        range: "≥ 0 (0: no clipping)", check: non_negative,
        doc: "WGAN weight clipping c: D's parameters stay in [−c, c] (loss `wgan`)"),
    key!(gp, live: true, widget: slider(0.0, 100.0),
        range: "≥ 0", check: non_negative,
        doc: "WGAN-GP penalty λ (loss `wgan_gp`)"),
    key!(pack, live: false, widget: count_slider(1.0, 8.0, false),
        range: "1 ..= 64", check: in_range(1, 64),
        doc: "PacGAN: D judges this many samples at once"),
    key!(label_smoothing, live: true, widget: slider(0.0, 0.45),
        range: "[0, 0.5)", check: below(0.5),
        doc: "one-sided label smoothing: the real label is 1 − s"),
    key!(gp_one_sided, live: true, widget: Widget::Choice(bool_names),
        range: "`true`, `false`", check: any,
        doc: "WGAN-GP's one-sided penalty λ·max(0, ‖∇ₓD‖ − 1)² (the paper's appendix): only slopes above 1 cost"),
    key!(lr_end, live: true, widget: log_slider(1e-3, 1.0),
        range: "(0, 1]", check: unit_factor,
        doc: "both learning rates fall linearly to `lr_end` times their value by the last step (1: no decay)"),
    key!(lr_decay_from, live: true, widget: slider(0.0, 0.95),
        range: "[0, 1)", check: below(1.0),
        doc: "where that decay starts, as a fraction of `steps`"),
    key!(dataset, live: false, widget: count_slider(0.0, 4096.0, true),
        range: "0, or 2 ..= 1 000 000", check: dataset,
        doc: "N > 0: a finite training set of N samples, drawn once from p_data (its own stream from `seed`); D sees only those. 0: fresh samples every step"),
    key!(update, live: true, widget: Widget::Choice(UpdateRule::names),
        range: "`alternating`, `simultaneous`, `extragradient`, `optimistic`, `consensus`", check: any,
        doc: "how both players move in one iteration (see Update rules below); `alternating` is the paper's Algorithm 1"),
    key!(consensus_gamma, live: true, widget: slider(0.0, 10.0),
        range: "≥ 0", check: non_negative,
        doc: "γ of consensus optimisation: both players also descend γ·½‖v‖² of the joint gradient field v (update `consensus`)"),
    key!(g_model, live: false, widget: Widget::Choice(GModel::names),
        range: "`mlp`, `constant`", check: any,
        doc: "G: an MLP with `g_hidden`, or the Dirac-GAN's constant G(z) = θ (p_g = δ(θ))"),
    key!(d_model, live: false, widget: Widget::Choice(DModel::names),
        range: "`mlp`, `linear`, `oracle` (`oracle`: with `pack` = 1, `latent_dim` = 1, `g_model` = `mlp`, `update` = `alternating`, a loss other than `hinge`, a target without `dirac` terms, `dataset` = 0)", check: any,
        doc: "D: an MLP with `d_hidden`, the Dirac-GAN's linear D(x) = ψ·x without bias, or `oracle`, the exact optimum (D*, T*, f*) on the grid at every G step (Proposition 2; no D steps run)"),
    key!(noise_schedule, live: true, widget: Widget::Choice(NoiseSchedule::names),
        range: "`anneal`, `constant`", check: any,
        doc: "instance noise σ: annealed linearly to 0 over `steps`, or held at `instance_noise`"),
    key!(noise_draws, live: true, widget: Widget::Choice(NoiseDraws::names),
        range: "`iid`, `stratified`", check: any,
        doc: "instance-noise values of a batch: independent, or one per stratum of the normal (a steadier batch mean)"),
    key!(init_scale, live: false, widget: log_slider(0.01, 10.0),
        range: "positive", check: positive,
        doc: "every initial parameter of G and D is multiplied by this (1: PyTorch's default init; small starts the Dirac-GAN near its equilibrium)"),
    key!(conditioning, live: false, widget: Widget::Choice(Conditioning::names),
        range: "`concat`, `projection`, `g_only`, `none` (a `classes(…)` target needs `g_model` = `mlp`, `d_model` = `mlp` and no `dirac` class)", check: any,
        doc: "how the networks see the class c of a `classes(…)` target: G gets c one-hot and D sees it one-hot beside x (`concat`) or through a projection head (`projection`, Miyato & Koyama 2018); `g_only`: D does not see c; `none`: neither does G"),
];

fn bool_names() -> Vec<&'static str> {
    vec!["false", "true"]
}

fn unit_factor(key: &str, v: &f64) -> Result<(), ConfigError> {
    if *v > 0.0 && *v <= 1.0 {
        Ok(())
    } else {
        fail(format!("{key} must be in (0, 1], got {v}"))
    }
}

/// Checks across keys, after each key's own range.
pub(super) fn check_together(c: &Config) -> Result<(), ConfigError> {
    if c.batch < c.pack {
        return fail(format!(
            "batch must be at least pack ({}), got {}",
            c.pack, c.batch
        ));
    }
    if c.d_model == DModel::Oracle {
        oracle_together(c)?;
    }
    if c.class_count() > 0 {
        classes_together(c)?;
    }
    Ok(())
}

/// What a `classes(…)` target (a conditional run, see `condition`) needs of
/// the other keys. Every update rule, loss, trick and `conditioning` runs
/// with classes; what does not:
///
/// - `g_model = mlp` and `d_model = mlp`: the class enters G and D as
///   one-hot input columns or D's projection head, which the Dirac-GAN's
///   one-parameter players (a constant G, a bias-free linear D) do not have,
///   and the oracle is the unconditional optimum p_data/(p_data + p_g) on
///   one grid, not D*(x, c) per class;
/// - classes with a density: the per-class theory (p_g(· | c) by the
///   pushforward, D*(x, c), JSD_c) is on the bins, without atoms, so no
///   class may be a point mass (`dirac`).
fn classes_together(c: &Config) -> Result<(), ConfigError> {
    if c.g_model != GModel::Mlp {
        return fail(format!(
            "a classes(…) target needs g_model = mlp, not {} (G reads its class from one-hot inputs)",
            c.g_model
        ));
    }
    if c.d_model != DModel::Mlp {
        return fail(format!(
            "a classes(…) target needs d_model = mlp, not {} (D reads the class from one-hot inputs or a projection head)",
            c.d_model
        ));
    }
    if c.dataset > 0 {
        return fail(format!(
            "a classes(…) target needs dataset = 0, got {} (a finite training set has no labels)",
            c.dataset
        ));
    }
    // An unreadable target was reported by its own check.
    if c.target_mixture().is_ok_and(|t| t.has_atoms()) {
        return fail(
            "a classes(…) target needs classes with a density, not a point mass (dirac): the per-class theory is on the bins"
                .into(),
        );
    }
    Ok(())
}

/// What `d_model = oracle` needs of the other keys. The oracle is the exact
/// optimum of the loss for the current p_g, on the grid (see `oracle`):
///
/// - `pack = 1` and `latent_dim = 1`: D* of one sample against the exact
///   pushforward p_g of a 1-D latent;
/// - `g_model = mlp`: a constant G's p_g is the point mass δ(θ), against
///   which D* = p_data/(p_data + p_g) is 0 at θ and 1 elsewhere, with no
///   slope for G to follow;
/// - `update = alternating`: no D moves, so there is no joint update; every
///   other rule would move the network D instead of using the oracle;
/// - a loss other than `hinge`, whose optimum is a step;
/// - a target without point masses (`dirac`): the oracle follows the density
///   ratio p_data/p_g, which an atom of p_data does not have;
/// - `dataset = 0`: the oracle is the optimum against p_data itself, not
///   against a finite training set drawn from it.
fn oracle_together(c: &Config) -> Result<(), ConfigError> {
    if c.pack != 1 {
        return fail(format!("d_model = oracle needs pack = 1, got {}", c.pack));
    }
    if c.latent_dim != 1 {
        return fail(format!(
            "d_model = oracle needs latent_dim = 1 (an exact p_g), got {}",
            c.latent_dim
        ));
    }
    if c.g_model != GModel::Mlp {
        return fail(format!(
            "d_model = oracle needs g_model = mlp, not {} (p_g = δ(θ) gives D* no slope)",
            c.g_model
        ));
    }
    if c.update != UpdateRule::Alternating {
        return fail(format!(
            "d_model = oracle needs update = alternating, not {} (the oracle D does not move)",
            c.update
        ));
    }
    if c.loss == LossKind::Hinge {
        return fail(format!(
            "d_model = oracle needs a loss whose optimum is smooth in x, not {} (its optimum is a step)",
            c.loss
        ));
    }
    if c.dataset != 0 {
        return fail(format!(
            "d_model = oracle needs dataset = 0 (the oracle is optimal against p_data itself), got {}",
            c.dataset
        ));
    }
    // An unreadable target was reported by its own check.
    if c.target_mixture().is_ok_and(|t| t.has_atoms()) {
        return fail(
            "d_model = oracle needs a target with a density, not a point mass (dirac): D* follows p_data/p_g"
                .into(),
        );
    }
    Ok(())
}

/// README's table of config keys, generated from [`KEYS`] (a test checks
/// that README holds exactly this).
pub fn markdown_table() -> String {
    let mut out =
        String::from("| key | default | values | live | meaning |\n|---|---|---|---|---|\n");
    for k in KEYS {
        let default = k.default_text();
        let default = if default.is_empty() {
            "—".to_string()
        } else {
            format!("`{default}`")
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            k.name,
            default,
            k.range,
            if k.live { "live" } else { "reset" },
            k.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_its_default_through_text() {
        let c = Config::default();
        for k in KEYS {
            let mut d = Config::default();
            k.set(&mut d, &k.get(&c)).unwrap();
            assert_eq!(d, c, "{}", k.name);
        }
    }

    #[test]
    fn the_table_matches_the_struct() {
        let toml = Config::default().to_toml_string().unwrap();
        let fields: Vec<&str> = toml
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
            .collect();
        let keys: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        assert_eq!(fields, keys);
    }
}
