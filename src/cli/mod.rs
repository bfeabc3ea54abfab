//! The command line: argument parsing, the headless commands, exit codes.
//!
//! Exit status: 0 success, 2 bad input (usage, spec, config, value out of
//! range), 1 any other failure. An error is one line on stderr; a spec error
//! adds a caret under the offending column.

mod error;
mod fit;
pub mod sweep;
mod theory;
pub mod train;

pub use error::{CliError, CliResult, Kind};

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;

/// ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
#[derive(Debug, Parser)]
#[command(name = "ganscope", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The exact divergences between two densities: JSD, both KLs, W1, C(G), H², both χ² and TV.
    Theory {
        /// The first density, e.g. 'normal(0, 1)' or '0.3*normal(-2,0.5) + 0.7*laplace(2,1)'.
        #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
        p: String,
        /// The second density (the generator's, in C(G)).
        #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
        q: String,
        /// Print one JSON object (infinite values are null).
        #[arg(long)]
        json: bool,
    },
    /// Fit a normal or a mixture of normals to a target by minimising each
    /// divergence exactly; write fit.json and figure.png.
    Fit {
        /// The target density, e.g. 'modes(2, 8, 0.5)'.
        #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
        target: String,
        /// The model: normal, or mixture(K) with K from 1 to 8.
        #[arg(long, value_name = "normal|mixture(K)", default_value = "normal")]
        model: String,
        /// A fit to run: kl_data_model, kl_model_data, jsd, hellinger2, w1 or
        /// mle (maximum likelihood on 100 000 draws); repeatable or
        /// comma-separated; all of them when omitted.
        #[arg(long = "divergence", value_name = "NAME")]
        divergence: Vec<String>,
        /// Seed of the starting points and of the sample.
        #[arg(long, value_name = "S", default_value_t = 0)]
        seed: u64,
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR", default_value = "ganscope-fit")]
        out: std::path::PathBuf,
    },
    /// Open the window (the default when no command is given).
    Gui {
        /// Open on this lesson (see 'ganscope presets').
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Open on this TOML config.
        #[arg(long, value_name = "FILE", conflicts_with = "preset")]
        config: Option<std::path::PathBuf>,
        /// Train --steps iterations, save a screenshot of the window here, and exit.
        #[arg(long, value_name = "PNG", requires = "steps")]
        screenshot: Option<std::path::PathBuf>,
        /// With --screenshot: how many iterations to train first.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
    },
    /// The lessons, one line each.
    Presets,
    /// Train headless and write metrics.csv, summary.json, config.toml and figure.png.
    Train {
        #[command(flatten)]
        source: SourceArgs,
        /// Number of iterations of Algorithm 1.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Seed of the one random stream.
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR", default_value = "ganscope-run")]
        out: std::path::PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
        /// Also write training.gif: the figure through the run, about 80 frames.
        #[arg(long)]
        gif: bool,
    },
    /// Train a grid of configs times several seeds in parallel; write sweep.csv and heatmap.png.
    Sweep {
        #[command(flatten)]
        source: SourceArgs,
        /// One axis of the grid: a config key and its values, comma-separated
        /// (commas inside (...) or [...] do not split: g_hidden=[32,32],[64]).
        /// Repeatable; the first key varies slowest.
        #[arg(long, value_name = "KEY=V1,V2,...", allow_hyphen_values = true)]
        grid: Vec<String>,
        /// Seeds per grid point: seed, seed+1, ... from the config's seed.
        #[arg(long, value_name = "N", default_value_t = 1)]
        seeds: u64,
        /// Iterations of every run.
        #[arg(long, value_name = "N")]
        steps: Option<u64>,
        /// Run only slice i of n (runs whose index is i-1 modulo n), e.g. 2/8.
        #[arg(long, value_name = "i/n")]
        shard: Option<String>,
        /// Join the sweep.csv of shards instead of training; redraws heatmap.png.
        #[arg(long, value_name = "CSV", num_args = 1.., conflicts_with_all = ["preset", "config", "set", "grid", "seeds", "steps", "shard"])]
        merge: Vec<std::path::PathBuf>,
        /// Output directory (created if missing).
        #[arg(long, value_name = "DIR", default_value = "ganscope-sweep")]
        out: std::path::PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
    },
}

/// `--preset`, `--config` and `--set`, shared by `train` and `sweep`.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Start from this lesson (see 'ganscope presets').
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Start from this TOML config (the keys of README's config table).
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    config: Option<std::path::PathBuf>,
    /// Override one config key; repeatable, applied in order.
    #[arg(long = "set", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    set: Vec<String>,
}

impl SourceArgs {
    fn source(self, steps: Option<u64>, seed: Option<u64>) -> train::ConfigSource {
        train::ConfigSource {
            preset: self.preset,
            config: self.config,
            set: self.set,
            steps,
            seed,
        }
    }
}

/// `--backend` and `--device`, shared by `train` and `sweep`.
#[derive(Debug, clap::Args)]
pub struct EngineArgs {
    /// The engine: native (hand-written, CPU) or candle (feature 'candle').
    #[arg(long, value_name = "native|candle", default_value = "native")]
    backend: crate::gan::BackendKind,
    /// Where candle computes: cpu, or cuda (feature 'cuda').
    #[arg(long, value_name = "cpu|cuda", default_value = "cpu")]
    device: crate::gan::DeviceKind,
}

impl EngineArgs {
    fn choice(&self) -> crate::gan::Choice {
        crate::gan::Choice {
            backend: self.backend,
            device: self.device,
        }
    }
}

/// Parse `args` and run the command; returns the process exit status.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return 0;
            }
            // clap's first line names the problem; the usage block after it is noise here.
            let text = e.render().to_string();
            let head: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                .collect();
            let line = if head.is_empty() {
                "error: bad arguments".to_string()
            } else {
                head.join(" ")
            };
            eprintln!("{line} (see 'ganscope --help')");
            return 2;
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match run(cli, &mut out) {
        Ok(()) => 0,
        Err(e) => {
            let _ = out.flush();
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> CliResult {
    match cli.command {
        Some(Command::Theory { p, q, json }) => theory::run(&p, &q, json, out),
        Some(Command::Fit {
            target,
            model,
            divergence,
            seed,
            out: dir,
        }) => fit::run(&target, &model, &divergence, seed, &dir, out),
        Some(Command::Presets) => {
            let lessons = crate::gan::presets::all();
            let width = lessons.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for p in lessons {
                writeln!(out, "{:<width$}  {}", p.name, p.description)
                    .map_err(|e| CliError::failure(format!("cannot write: {e}")))?;
            }
            Ok(())
        }
        Some(Command::Train {
            source,
            steps,
            seed,
            out: dir,
            gif,
            engine,
        }) => {
            use std::io::IsTerminal;
            let source = source.source(steps, seed);
            let progress = std::io::stderr().is_terminal();
            let s = train::run(&source, &dir, engine.choice(), progress, gif)?;
            let f = |name| s.r#final.by_name(name).number();
            let mut line = format!(
                "{}: {} steps in {:.1} s ({:.0} steps/s); JSD {:.4}, W1 {:.4}",
                dir.display(),
                s.steps,
                s.seconds,
                s.steps_per_sec,
                f("jsd"),
                f("w1")
            );
            if f("modes_total") > 1.0 {
                line.push_str(&format!(
                    ", modes {}/{}",
                    f("modes_covered"),
                    f("modes_total")
                ));
            }
            writeln!(out, "{line}").map_err(|e| CliError::failure(format!("cannot write: {e}")))?;
            if let Some(step) = s.diverged_at {
                eprintln!(
                    "note: the run diverged at step {step}; the last finite state was kept and summarised"
                );
            }
            Ok(())
        }
        Some(Command::Sweep {
            source,
            grid,
            seeds,
            steps,
            shard,
            merge,
            out: dir,
            engine,
        }) => {
            let write = |out: &mut dyn Write, line: String| {
                writeln!(out, "{line}").map_err(|e| CliError::failure(format!("cannot write: {e}")))
            };
            if !merge.is_empty() {
                let (table, gaps) = sweep::merge(&merge, &dir)?;
                if !gaps.is_empty() {
                    let list: Vec<String> = gaps.iter().take(10).map(|g| g.to_string()).collect();
                    eprintln!(
                        "note: {} run(s) missing between the first and the last (runs {}{}): a shard not merged?",
                        gaps.len(),
                        list.join(", "),
                        if gaps.len() > 10 { ", ..." } else { "" }
                    );
                }
                return write(
                    out,
                    format!(
                        "{}: {} rows from {} file(s) merged into sweep.csv and heatmap.png",
                        dir.display(),
                        table.rows.len(),
                        merge.len()
                    ),
                );
            }
            use std::io::IsTerminal;
            let args = sweep::SweepArgs {
                source: source.source(steps, None),
                grid,
                seeds,
                shard,
                out: dir.clone(),
                progress: std::io::stderr().is_terminal(),
                choice: engine.choice(),
            };
            let r = sweep::run(&args)?;
            write(
                out,
                format!(
                    "{}: {} runs ({}) in {:.1} s on {} threads ({:.1} s of training in all); sweep.csv and heatmap.png",
                    dir.display(),
                    r.runs,
                    r.shape,
                    r.wall_secs,
                    r.threads,
                    r.run_secs
                ),
            )
        }
        Some(Command::Gui {
            preset,
            config,
            screenshot,
            steps,
        }) => gui(preset, config, screenshot, steps),
        None => gui(None, None, None, None),
    }
}

#[cfg(feature = "gui")]
fn gui(
    preset: Option<String>,
    config: Option<std::path::PathBuf>,
    screenshot: Option<std::path::PathBuf>,
    steps: Option<u64>,
) -> CliResult {
    let (config, lesson) = if preset.is_some() || config.is_some() {
        let source = train::ConfigSource {
            preset: preset.clone(),
            config,
            ..Default::default()
        };
        let (cfg, name) = source.resolve()?;
        (
            Some(cfg),
            preset
                .or(Some(name))
                .filter(|n| crate::gan::presets::find(n).is_some()),
        )
    } else if screenshot.is_some() {
        // A screenshot run is reproducible: the default lesson, not saved settings.
        let p = crate::gan::presets::load(crate::gan::presets::DEFAULT)
            .map_err(|e| CliError::failure(e.to_string()))?;
        (Some(p.config), Some(p.name))
    } else {
        (None, None)
    };
    let options = crate::app::GuiOptions {
        config,
        lesson,
        screenshot: screenshot.zip(steps),
        files_dir: None,
    };
    let report = crate::app::run(options).map_err(CliError::failure)?;
    if !report.is_empty() {
        println!("{report}");
    }
    Ok(())
}

#[cfg(not(feature = "gui"))]
fn gui(
    _preset: Option<String>,
    _config: Option<std::path::PathBuf>,
    _screenshot: Option<std::path::PathBuf>,
    _steps: Option<u64>,
) -> CliResult {
    Err(CliError::failure(
        "this ganscope was built without the window (cargo feature 'gui'); the headless commands are in 'ganscope --help'",
    ))
}
