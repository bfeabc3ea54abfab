//! `ganscope train`: a headless run that writes `metrics.csv`, `summary.json`,
//! `config.toml` (the resolved config, which reproduces the run) and
//! `figure.png` into its output directory, and `training.gif` with `--gif`.
//!
//! The run is [`Driver::advance`] with an observer that keeps a row of
//! `metrics.csv` per snapshot (about 500 over the run), a GIF frame every
//! few rows, and the progress bar. Every file is written whole at the end
//! of the run, through a temporary file and a rename: a run that fails
//! leaves no partial output.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use web_time::Instant;

use super::{CliError, CliResult};
use crate::backends::ChoiceError;
use crate::gan::{
    Budget, Choice, Config, Driver, Observer, Snapshot, State, StepStats, Trainer, presets,
};
use crate::report::columns::metrics_csv;
use crate::report::gif::{FRAMES, GifRecorder};
use crate::report::{Record, Summary, figure, write_atomic};

/// Where the config comes from, and what overrides it.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// A lesson.
    pub preset: Option<String>,
    /// A TOML file.
    pub config: Option<PathBuf>,
    /// `KEY=VALUE` overrides, in order.
    pub set: Vec<String>,
    /// `--steps`.
    pub steps: Option<u64>,
    /// `--seed`.
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
                // Relative data files in the config are relative to its directory.
                let dir = path.parent().unwrap_or(Path::new(""));
                let cfg = Config::from_toml_str_in(&text, dir)
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
        // Data files named on the command line are relative to the working
        // directory; pinned with their SHA-256 for the config.toml written.
        cfg.resolve_paths(Path::new(""))
            .map_err(|e| CliError::bad_input(e.to_string()))?;
        cfg.validate()
            .map_err(|e| CliError::bad_input(e.to_string()))?;
        Ok((cfg, name))
    }
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

/// Check that `dir` exists (creating it) and takes files, before any work.
pub(super) fn prepare_dir(dir: &Path) -> CliResult {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let probe = dir.join(format!(".ganscope-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| CliError::failure(format!("cannot write into {}: {e}", dir.display())))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// What `train` keeps from the run as it goes.
struct Recorder {
    /// `metrics.csv`, header first.
    rows: Vec<Vec<String>>,
    gif: Option<GifRecorder>,
    frame_every: u64,
    steps: u64,
    title: String,
    bar: Option<indicatif::ProgressBar>,
    error: Option<String>,
}

impl Observer for Recorder {
    fn snapshot(&mut self, snap: &Snapshot, last: &StepStats) -> ControlFlow<()> {
        self.rows
            .push(Record::new(snap, last).csv_fields(metrics_csv()));
        let at_end = snap.step >= self.steps || snap.state != State::Running;
        if let Some(g) = self.gif.as_mut()
            && (snap.step.is_multiple_of(self.frame_every) || at_end)
            && let Err(e) = g.push(&figure::figure_data(snap, &self.title))
        {
            self.error = Some(e);
            return ControlFlow::Break(());
        }
        if let Some(b) = &self.bar {
            b.set_position(snap.step);
            b.set_message(format!("JSD {:.4}", snap.theory.jsd));
        }
        ControlFlow::Continue(())
    }
}

/// Run `train` on `choice`; with `gif`, also record the figure about
/// [`FRAMES`] times over the run.
///
/// # Errors
/// Bad input before anything runs; a failure (a backend that failed, a file
/// that cannot be written) writes nothing.
pub fn run(
    source: &ConfigSource,
    out_dir: &Path,
    choice: Choice,
    progress: bool,
    gif: bool,
) -> CliResult<Summary> {
    let (cfg, name) = source.resolve()?;
    // Before any output: a backend this build or this machine lacks.
    let trainer = trainer_on(cfg.clone(), choice)?;
    prepare_dir(out_dir)?;
    let config_toml = cfg
        .to_toml_string()
        .map_err(|e| CliError::bad_input(e.to_string()))?;

    let steps = cfg.steps;
    // About 500 rows whatever the length of the run.
    let every = steps.div_ceil(500).max(1);
    // A GIF frame every `frame_every` steps (a multiple of the rows' `every`,
    // so that frames reuse the rows' snapshots), and the last step.
    let rows = steps.div_ceil(every).max(1);
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
    let mut recorder = Recorder {
        rows: vec![metrics_csv().names(cfg.class_count())],
        gif: if gif {
            Some(GifRecorder::new().map_err(CliError::failure)?)
        } else {
            None
        },
        frame_every: every * rows.div_ceil(FRAMES).max(1),
        steps,
        title: format!("ganscope — {name}, seed {}, {} loss", cfg.seed, cfg.loss),
        bar,
        error: None,
    };

    let t0 = Instant::now();
    let mut driver = Driver::new(trainer);
    let _ = driver.observe(&mut recorder);
    driver.advance(Budget::until(steps).snapshots(every), &mut recorder);
    if let Some(b) = &recorder.bar {
        b.finish_and_clear();
    }
    if let Some(e) = recorder.error {
        return Err(CliError::failure(e));
    }
    let trainer = driver.trainer();
    if let Some(e) = trainer.backend_error() {
        return Err(CliError::failure(format!(
            "the {choice} backend failed in step {}: {e}",
            trainer.step_count() + 1
        )));
    }
    let snap = trainer.snapshot();
    let done = trainer.step_count();
    let train_secs = driver.train_secs();
    let summary = Summary {
        name,
        choice,
        steps: done,
        seconds: t0.elapsed().as_secs_f64(),
        steps_per_sec: if train_secs > 0.0 {
            done as f64 / train_secs
        } else {
            0.0
        },
        diverged_at: match trainer.state() {
            State::Diverged { step } => Some(step),
            State::Running => None,
        },
        p_g_exact: snap.p_g_exact,
        data_files: crate::report::summary::data_files(trainer.target()),
        r#final: Record::new(&snap, driver.last()),
    };
    let json = summary.to_json().map_err(CliError::failure)?;
    // Render before writing anything, so that a failure leaves no files.
    let png = figure::render_png(&figure::figure_data(&snap, &recorder.title))
        .map_err(CliError::failure)?;
    let gif_bytes = recorder
        .gif
        .map(GifRecorder::finish)
        .transpose()
        .map_err(CliError::failure)?;
    let csv = crate::report::csv::to_text(recorder.rows);
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
