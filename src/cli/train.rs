//! `ganscope train`: a headless run that writes `metrics.csv`, `summary.json`,
//! `config.toml` (the resolved config, which reproduces the run) and
//! `figure.png` into its output directory, and `training.gif` with `--gif`.
//!
//! Every file is written whole at the end of the run, through a temporary
//! file and a rename: a run that fails leaves no partial output.

use super::figure::FigureData;
use super::{CliError, CliResult, write_atomic};
use crate::backends::{Choice, ChoiceError};
use crate::gan::{Config, LossKind, Snapshot, State, StepStats, Trainer, presets};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the config comes from, and what overrides it.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    pub preset: Option<String>,
    pub config: Option<PathBuf>,
    pub set: Vec<String>,
    pub steps: Option<u64>,
    pub seed: Option<u64>,
}

impl ConfigSource {
    /// The resolved, validated config, and a name for the run.
    ///
    /// # Errors
    /// Bad input (exit 2): unknown preset, unreadable or malformed TOML, an
    /// unknown key, a value out of range.
    pub fn resolve(&self) -> CliResult<(Config, String)> {
        let (mut cfg, name) = match (&self.preset, &self.config) {
            (Some(_), Some(_)) => {
                return Err(CliError::bad_input("give --preset or --config, not both"));
            }
            (Some(p), None) => {
                let preset = presets::load(p).map_err(|e| CliError::bad_input(e.to_string()))?;
                (preset.config, p.clone())
            }
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::bad_input(format!("cannot read {}: {e}", path.display()))
                })?;
                let cfg = Config::from_toml_str(&text)
                    .map_err(|e| CliError::bad_input(format!("{}: {e}", path.display())))?;
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "run".into());
                (cfg, stem)
            }
            (None, None) => {
                let p = presets::load(presets::DEFAULT)
                    .map_err(|e| CliError::failure(e.to_string()))?;
                (p.config, presets::DEFAULT.to_string())
            }
        };
        for pair in &self.set {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(CliError::bad_input(format!(
                    "--set {pair:?}: expected KEY=VALUE"
                )));
            };
            cfg.set(k.trim(), v.trim())
                .map_err(|e| CliError::bad_input(format!("--set {pair}: {e}")))?;
        }
        if let Some(s) = self.steps {
            cfg.steps = s;
        }
        if let Some(s) = self.seed {
            cfg.seed = s;
        }
        cfg.validate()
            .map_err(|e| CliError::bad_input(e.to_string()))?;
        Ok((cfg, name))
    }
}

/// The final numbers of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub name: String,
    /// `native` or `candle`.
    pub backend: String,
    /// `cpu` or `cuda`.
    pub device: String,
    pub steps: u64,
    pub seconds: f64,
    /// Training iterations per second, excluding the time spent computing
    /// the metrics rows.
    pub steps_per_sec: f64,
    pub diverged: bool,
    pub diverged_at: Option<u64>,
    pub p_g_exact: bool,
    pub r#final: Final,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Final {
    pub jsd: f64,
    pub c_g: f64,
    /// V(G, D); null for losses whose D is not a probability.
    pub v: Option<f64>,
    /// null: infinite.
    pub kl_data_g: Option<f64>,
    pub kl_g_data: Option<f64>,
    pub w1: f64,
    pub pearson_chi2: f64,
    pub modes_covered: usize,
    pub modes_total: usize,
    pub high_quality: f64,
    pub kl_modes: Option<f64>,
    /// max |D(x) − ½| over the bins where p_data has density ≥ 5% of its peak
    /// (the paper's "D = ½ everywhere" at the optimum); null for losses whose D
    /// is not a probability.
    pub d_max_dev: Option<f64>,
    pub loss_d: Option<f64>,
    pub loss_g: Option<f64>,
}

/// Rows of the metrics table: one every `every` iterations, plus the last.
fn csv_header() -> &'static str {
    "step,loss_d,loss_g,grad_norm_d,grad_norm_g,jsd,c_g,v,gap,kl_data_g,kl_g_data,w1,modes_covered,high_quality\n"
}

fn num(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v}"),
        Some(v) if v.is_infinite() => {
            if v > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            }
        }
        Some(_) => "nan".into(),
        None => String::new(),
    }
}

fn csv_row(out: &mut String, s: &StepStats, snap: &Snapshot) {
    let t = &snap.theory;
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        snap.step,
        num(s.loss_d),
        num(s.loss_g),
        num(s.grad_norm_d),
        num(s.grad_norm_g),
        num(Some(t.jsd)),
        num(Some(t.c_g)),
        num(t.v),
        num(t.gap()),
        t.kl_data_g.map_or("inf".into(), |v| num(Some(v))),
        t.kl_g_data.map_or("inf".into(), |v| num(Some(v))),
        num(Some(t.w1)),
        t.modes.covered,
        num(Some(t.modes.high_quality)),
    );
}

/// max |D − ½| where p_data is at least 5% of its peak.
pub fn d_max_dev(snap: &Snapshot) -> Option<f64> {
    if !snap.loss.is_cross_entropy() {
        return None;
    }
    let peak = snap.p_data.iter().copied().fold(0.0, f64::max);
    let dev = snap
        .p_data
        .iter()
        .zip(&snap.d)
        .filter(|(p, _)| **p >= 0.05 * peak)
        .map(|(_, d)| (d - 0.5).abs())
        .fold(0.0, f64::max);
    Some(dev)
}

/// The final numbers of a run from its last snapshot and step (`summary.json`'s
/// `final`, `sweep.csv`'s metric columns).
pub fn finals(snap: &Snapshot, last: &StepStats) -> Final {
    let t = &snap.theory;
    Final {
        jsd: t.jsd,
        c_g: t.c_g,
        v: t.v,
        kl_data_g: t.kl_data_g,
        kl_g_data: t.kl_g_data,
        w1: t.w1,
        pearson_chi2: t.pearson_chi2,
        modes_covered: t.modes.covered,
        modes_total: t.modes.total,
        high_quality: t.modes.high_quality,
        kl_modes: Some(t.modes.kl_modes).filter(|v| v.is_finite()),
        d_max_dev: d_max_dev(snap),
        loss_d: last.loss_d,
        loss_g: last.loss_g,
    }
}

/// Below this fraction of the peak of p_data + p_g, D* is left out of the
/// figure (a gap in the curve).
const D_STAR_MASS: f64 = 1e-10;

/// D* = p_data/(p_data + p_g) where the two densities have mass, NaN (a gap)
/// where both are below [`D_STAR_MASS`] of their peak. There the ratio is one
/// of two numbers indistinguishable from 0, and at the edge of the grid it is
/// set by where the pushforward of the z-grid ends (p_g exactly 0, D* = 1),
/// not by the theory: drawn, it is a spike to 1 at the window's edge.
fn shown_where_there_is_mass(p: &[f64], q: &[f64], d_star: &[f64]) -> Vec<f64> {
    let peak = p.iter().zip(q).map(|(a, b)| a + b).fold(0.0_f64, f64::max);
    p.iter()
        .zip(q)
        .zip(d_star)
        .map(|((a, b), &d)| {
            if a + b >= D_STAR_MASS * peak {
                d
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// The Goodfellow figure of a snapshot, for `figure.png` (and the GIF frames).
pub fn figure_data(snap: &Snapshot, title: &str) -> FigureData {
    let n = snap.grid.n();
    let inner = 1..=n;
    let t = &snap.theory;
    let (d_label, star_label) = match snap.loss {
        LossKind::Minimax | LossKind::NonSaturating => ("D(x)", "D*(x) = p_data/(p_data+p_g)"),
        LossKind::Lsgan => ("D(x) (LSGAN, raw)", "D*(x) = p_data/(p_data+p_g)"),
        LossKind::Wgan | LossKind::WganGp => ("critic f(x)", "optimal critic f*(x)"),
        LossKind::Hinge => ("critic f(x)", ""),
    };
    let kl = |v: Option<f64>| v.map_or("∞".to_string(), |v| format!("{v:.4}"));
    let mut subtitle = format!(
        "step {}   JSD {:.4}   C(G) {:.4}   W1 {:.4}   KL(data‖g) {}",
        snap.step,
        t.jsd,
        t.c_g,
        t.w1,
        kl(t.kl_data_g)
    );
    if t.modes.total > 1 {
        let _ = write!(subtitle, "   modes {}/{}", t.modes.covered, t.modes.total);
    }
    if !snap.p_g_exact {
        subtitle.push_str("   (p_g estimated)");
    }
    FigureData {
        title: title.to_string(),
        subtitle,
        x: snap.x[inner.clone()].to_vec(),
        p_data: snap.p_data[inner.clone()].to_vec(),
        p_g: snap.p_g[inner.clone()].to_vec(),
        d: snap.d[inner.clone()].to_vec(),
        d_star: match (
            snap.optimum(),
            snap.loss.is_cross_entropy() || snap.loss == LossKind::Lsgan,
        ) {
            (Some(o), true) => shown_where_there_is_mass(
                &snap.p_data[inner.clone()],
                &snap.p_g[inner.clone()],
                &o[inner.clone()],
            ),
            (Some(o), false) => o[inner.clone()].to_vec(),
            (None, _) => Vec::new(),
        },
        d_label: d_label.to_string(),
        d_star_label: star_label.to_string(),
        d_is_probability: snap.loss.is_cross_entropy(),
        z_map: snap
            .map_z
            .iter()
            .copied()
            .zip(snap.map_x.iter().copied())
            .collect(),
        optimal_map: optimal_map_like_g(snap),
    }
}

/// Check that `dir` exists (creating it) and takes files, before any work.
fn prepare_dir(dir: &Path) -> CliResult {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let probe = dir.join(format!(".ganscope-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| CliError::failure(format!("cannot write into {}: {e}", dir.display())))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// A trainer on `choice`: an invalid config, a choice this build cannot
/// honour and a CUDA device that is not there are bad input (exit 2); a
/// device that fails while the networks are built is a failure (exit 1).
pub fn trainer_on(cfg: Config, choice: Choice) -> CliResult<Trainer> {
    crate::backends::trainer(cfg, choice).map_err(|e| match e {
        ChoiceError::Config(e) => CliError::bad_input(e.to_string()),
        ChoiceError::Unsupported(m) | ChoiceError::NoDevice(m) => CliError::bad_input(m),
        ChoiceError::Unavailable(m) => CliError::failure(m),
    })
}

/// Run `train` on the backend named by `backend` (`native`, `candle`,
/// `candle/cpu`, `candle/cuda`); with `gif`, also record the figure every
/// steps/80 or so; see [`run_on`].
pub fn run(
    source: &ConfigSource,
    out_dir: &Path,
    backend: &str,
    progress: bool,
    gif: bool,
) -> CliResult<Summary> {
    let choice = backend.parse().map_err(CliError::bad_input)?;
    run_on(source, out_dir, choice, progress, gif)
}

/// Run `train` on `choice`.
pub fn run_on(
    source: &ConfigSource,
    out_dir: &Path,
    choice: Choice,
    progress: bool,
    gif: bool,
) -> CliResult<Summary> {
    let (cfg, name) = source.resolve()?;
    // Before any output: a backend this build or this machine lacks.
    let mut trainer = trainer_on(cfg.clone(), choice)?;
    prepare_dir(out_dir)?;
    let config_toml = cfg
        .to_toml_string()
        .map_err(|e| CliError::bad_input(e.to_string()))?;

    let steps = cfg.steps;
    // About 500 rows whatever the length of the run.
    let every = steps.div_ceil(500).max(1);
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new(steps);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });

    let title = format!("ganscope — {name}, seed {}, {} loss", cfg.seed, cfg.loss);
    // A GIF frame every `frame_every` steps (a multiple of the rows' `every`,
    // so that frames reuse the rows' snapshots), and the last step.
    let rows = steps.div_ceil(every).max(1);
    let frame_every = every * rows.div_ceil(super::gif::FRAMES).max(1);
    let mut recorder = if gif {
        Some(super::gif::GifRecorder::new().map_err(CliError::failure)?)
    } else {
        None
    };

    let t0 = Instant::now();
    let mut train_secs = 0.0;
    let mut csv = String::from(csv_header());
    let first = trainer.snapshot();
    let mut last = trainer.empty_stats();
    csv_row(&mut csv, &last, &first);
    if let Some(r) = recorder.as_mut() {
        r.push(&figure_data(&first, &title))
            .map_err(CliError::failure)?;
    }
    while trainer.step_count() < steps {
        let chunk = every.min(steps - trainer.step_count());
        let t = Instant::now();
        last = trainer.run(chunk);
        train_secs += t.elapsed().as_secs_f64();
        let snap = trainer.snapshot();
        csv_row(&mut csv, &last, &snap);
        let at_end = trainer.step_count() >= steps || trainer.state() != State::Running;
        if let Some(r) = recorder.as_mut()
            && (trainer.step_count().is_multiple_of(frame_every) || at_end)
        {
            r.push(&figure_data(&snap, &title))
                .map_err(CliError::failure)?;
        }
        if let Some(b) = &bar {
            b.set_position(trainer.step_count());
            b.set_message(format!("JSD {:.4}", snap.theory.jsd));
        }
        if trainer.state() != State::Running {
            break;
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = trainer.backend_error() {
        return Err(CliError::failure(format!(
            "the {choice} backend failed in step {}: {e}",
            trainer.step_count() + 1
        )));
    }
    let snap = trainer.snapshot();
    let diverged_at = match trainer.state() {
        State::Diverged { step } => Some(step),
        _ => None,
    };
    let done = trainer.step_count();
    let summary = Summary {
        name: name.clone(),
        backend: choice.backend.name().to_string(),
        device: choice.device.name().to_string(),
        steps: done,
        seconds: t0.elapsed().as_secs_f64(),
        steps_per_sec: if train_secs > 0.0 {
            done as f64 / train_secs
        } else {
            0.0
        },
        diverged: diverged_at.is_some(),
        diverged_at,
        p_g_exact: snap.p_g_exact,
        r#final: finals(&snap, &last),
    };
    let json =
        serde_json::to_string_pretty(&summary).map_err(|e| CliError::failure(e.to_string()))?;
    // Render before writing anything, so that a failure leaves no files.
    let fig = figure_data(&snap, &title);
    let png = super::figure::render_png(&fig).map_err(CliError::failure)?;
    let gif_bytes = recorder
        .map(super::gif::GifRecorder::finish)
        .transpose()
        .map_err(CliError::failure)?;
    let mut files = vec![
        ("metrics.csv", csv.as_bytes()),
        ("config.toml", config_toml.as_bytes()),
        ("figure.png", png.as_slice()),
    ];
    if let Some(g) = &gif_bytes {
        files.push(("training.gif", g.as_slice()));
    }
    files.push(("summary.json", json.as_bytes()));
    for (file, bytes) in files {
        write_atomic(&out_dir.join(file), bytes).map_err(CliError::failure)?;
    }
    Ok(summary)
}

/// The optimal monotone map at the map's z, oriented like G: when G reverses
/// the line (G(z) decreasing overall), the decreasing map F_data⁻¹(1 − F_z(z))
/// is just as optimal a transport, and it is the one to compare with.
pub fn optimal_map_like_g(snap: &Snapshot) -> Vec<(f64, f64)> {
    let reversed = match (snap.map_x.first(), snap.map_x.last()) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    };
    let n = snap.map_optimal.len();
    snap.map_z
        .iter()
        .enumerate()
        .map(|(i, z)| {
            (
                *z,
                if reversed {
                    snap.map_optimal[n - 1 - i]
                } else {
                    snap.map_optimal[i]
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::shown_where_there_is_mass;

    #[test]
    fn d_star_is_left_out_only_where_neither_density_has_mass() {
        // The left edge: p_data 1e-13 of its peak and p_g truncated to 0, so
        // D* = 1 there; then the tails (D* kept even at 1e-9 of the peak),
        // the bulk, and a bin with no mass at all.
        let p = [1e-13, 1e-9, 0.5, 0.8, 0.0];
        let q = [0.0, 3e-9, 0.7, 0.0, 0.0];
        let d: Vec<f64> = p
            .iter()
            .zip(&q)
            .map(|(a, b)| if a + b > 0.0 { a / (a + b) } else { f64::NAN })
            .collect();
        let shown = shown_where_there_is_mass(&p, &q, &d);
        assert!(shown[0].is_nan(), "the edge spike is a gap");
        assert_eq!(shown[1], 0.25);
        assert_eq!(shown[2], 0.5 / 1.2);
        assert_eq!(shown[3], 1.0, "D* = 1 where only p_data has mass");
        assert!(shown[4].is_nan());
    }
}
