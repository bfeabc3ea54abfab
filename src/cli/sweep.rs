//! `ganscope sweep`: a grid over config keys times several seeds, trained in
//! parallel over the cores, into `sweep.csv` (a row per run) and
//! `heatmap.png`.
//!
//! The runs form one list in a fixed order: the grid in the order the keys
//! were given (the first key slowest), then the seed (`seed`, `seed + 1`, …
//! from the config). A run's index in that list is its `run` column; rows are
//! written in that order whatever the thread timing, and `--shard i/n` takes
//! the runs whose index is `i − 1` modulo `n`, so that shards merge back into
//! the table of the whole sweep. Every grid value is checked through the
//! config's own `set` and `validate` before anything runs.
//!
//! Ctrl-C stops the workers: runs not yet finished are dropped, the rows
//! finished so far are written, and the command fails with one line.

use super::train::ConfigSource;
use super::{CliError, CliResult};
use crate::gan::{Budget, Choice, Config, Driver, Observer, State, StepStats, Trainer};
use crate::report::table::{self, RunEnd, Table};
use crate::report::{Record, heatmap, write_atomic};
use rayon::prelude::*;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use web_time::Instant;

/// One grid axis: a config key and its values, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub values: Vec<String>,
}

/// What `sweep` was asked.
#[derive(Debug, Clone, Default)]
pub struct SweepArgs {
    pub source: ConfigSource,
    pub grid: Vec<String>,
    pub seeds: u64,
    /// `i/n`, 1-based.
    pub shard: Option<String>,
    pub out: PathBuf,
    pub progress: bool,
    /// The engine and device every run trains on.
    pub choice: Choice,
}

/// One run of the sweep.
#[derive(Debug, Clone)]
pub struct Run {
    pub index: usize,
    /// The grid values, one per axis.
    pub values: Vec<String>,
    pub config: Config,
}

/// What `sweep` reports when it has finished.
#[derive(Debug, Clone)]
pub struct Report {
    pub runs: usize,
    pub shape: String,
    pub wall_secs: f64,
    pub run_secs: f64,
    pub threads: usize,
}

/// Split `V1,V2,…` at the commas outside brackets and parentheses, so that
/// `target=normal(0, 1),normal(2, 1)` and `g_hidden=[32,32],[64]` read as two
/// values each.
fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth <= 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

/// Parse and check the `--grid` options against the base config.
///
/// # Errors
/// Bad input: no grid, no `=`, an empty value list or value, a key given
/// twice, a value given twice, `seed` or `steps` as a grid key, an unknown
/// key or a bad value (the config's own message).
pub fn parse_grid(grid: &[String], base: &Config) -> CliResult<Vec<Axis>> {
    if grid.is_empty() {
        return Err(CliError::bad_input(
            "sweep needs at least one --grid KEY=V1,V2,...",
        ));
    }
    let mut axes: Vec<Axis> = Vec::new();
    for g in grid {
        let Some((key, list)) = g.split_once('=') else {
            return Err(CliError::bad_input(format!(
                "--grid {g:?}: expected KEY=V1,V2,..."
            )));
        };
        let key = key.trim().to_string();
        match key.as_str() {
            "seed" => {
                return Err(CliError::bad_input(
                    "--grid seed: the seeds are --seeds N (seed, seed+1, ...); set the first with --set seed=S",
                ));
            }
            "steps" => {
                return Err(CliError::bad_input(
                    "--grid steps: a sweep has one horizon; give it with --steps N",
                ));
            }
            _ => {}
        }
        if axes.iter().any(|a| a.key == key) {
            return Err(CliError::bad_input(format!(
                "--grid {key}: the key is given twice"
            )));
        }
        if list.trim().is_empty() {
            return Err(CliError::bad_input(format!("--grid {key}=: no values")));
        }
        let values = split_values(list);
        for (i, v) in values.iter().enumerate() {
            if v.is_empty() {
                return Err(CliError::bad_input(format!(
                    "--grid {g}: value {} is empty",
                    i + 1
                )));
            }
            if values[..i].contains(v) {
                return Err(CliError::bad_input(format!(
                    "--grid {key}: the value {v} is given twice (write a list value in brackets: g_hidden=[32,32],[64])"
                )));
            }
            let mut cfg = base.clone();
            cfg.set(&key, v)
                .and_then(|()| cfg.validate())
                .map_err(|e| CliError::bad_input(format!("--grid {key}={v}: {e}")))?;
        }
        axes.push(Axis { key, values });
    }
    Ok(axes)
}

/// The whole run list: the grid in odometer order (first key slowest), then
/// the seeds. Every config is validated.
///
/// # Errors
/// Bad input: a combination of values that does not validate (e.g. a batch
/// below a grid's pack), or a seed out of range.
pub fn run_list(base: &Config, axes: &[Axis], seeds: u64) -> CliResult<Vec<Run>> {
    if seeds == 0 {
        return Err(CliError::bad_input("--seeds must be at least 1"));
    }
    let combos: usize = axes.iter().map(|a| a.values.len()).product();
    let total = (combos as u128) * seeds as u128;
    if total > 1_000_000 {
        return Err(CliError::bad_input(format!(
            "the sweep has {total} runs; at most 1000000"
        )));
    }
    let mut runs = Vec::with_capacity(total as usize);
    // A sweep's runs share their number of classes (the jsd_c columns).
    let mut classes: Option<(usize, String)> = None;
    for c in 0..combos {
        // Odometer digits, the last axis fastest.
        let mut rest = c;
        let mut digits = vec![0; axes.len()];
        for (i, a) in axes.iter().enumerate().rev() {
            digits[i] = rest % a.values.len();
            rest /= a.values.len();
        }
        let mut cfg = base.clone();
        let mut values = Vec::with_capacity(axes.len());
        for (a, d) in axes.iter().zip(&digits) {
            let v = &a.values[*d];
            cfg.set(&a.key, v)
                .map_err(|e| CliError::bad_input(format!("--grid {}={v}: {e}", a.key)))?;
            values.push(v.clone());
        }
        let combo_text = || {
            axes.iter()
                .zip(&values)
                .map(|(a, v)| format!("{}={v}", a.key))
                .collect::<Vec<_>>()
                .join(" ")
        };
        cfg.validate()
            .map_err(|e| CliError::bad_input(format!("grid point {}: {e}", combo_text())))?;
        let k = cfg.class_count();
        match &classes {
            None => classes = Some((k, combo_text())),
            Some((k0, first)) if *k0 != k => {
                let of = |k: usize, at: &str| match k {
                    0 => format!("{at} is unconditional"),
                    k => format!("{at} has {k} classes"),
                };
                return Err(CliError::bad_input(format!(
                    "grid point {} and grid point {}: a sweep's runs must have the same number of classes",
                    of(*k0, first),
                    of(k, &combo_text())
                )));
            }
            Some(_) => {}
        }
        for s in 0..seeds {
            let mut run_cfg = cfg.clone();
            run_cfg.seed = cfg
                .seed
                .checked_add(s)
                .filter(|v| *v <= i64::MAX as u64)
                .ok_or_else(|| {
                    CliError::bad_input(format!("seed {} + {s} is above {}", cfg.seed, i64::MAX))
                })?;
            runs.push(Run {
                index: runs.len(),
                values: values.clone(),
                config: run_cfg,
            });
        }
    }
    Ok(runs)
}

/// `i/n` with 1 ≤ i ≤ n.
///
/// # Errors
/// Bad input for anything else.
pub fn parse_shard(text: &str) -> CliResult<(usize, usize)> {
    let bad = || {
        CliError::bad_input(format!(
            "--shard {text:?}: expected i/n with 1 <= i <= n, e.g. 1/4"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Stops a run when Ctrl-C is pressed (checked after every iteration).
struct StopFlag<'a>(&'a AtomicBool);

impl Observer for StopFlag<'_> {
    fn step(&mut self, _trainer: &Trainer, _stats: &StepStats) -> ControlFlow<()> {
        if self.0.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Train one run to its end; `None` when stopped before it.
fn train_one(run: &Run, choice: Choice, stop: &AtomicBool) -> Option<Result<Vec<String>, String>> {
    let t0 = Instant::now();
    let trainer = match crate::backends::trainer(run.config.clone(), choice) {
        Ok(t) => t,
        Err(e) => return Some(Err(format!("run {}: {e}", run.index))),
    };
    let mut driver = Driver::new(trainer);
    let stopped = driver.advance(Budget::until(run.config.steps), &mut StopFlag(stop));
    if stopped == crate::gan::Stop::Observer {
        return None;
    }
    let trainer = driver.trainer();
    if let Some(e) = trainer.backend_error() {
        return Some(Err(format!(
            "run {}: the {choice} backend failed in step {}: {e}",
            run.index,
            trainer.step_count() + 1
        )));
    }
    let snap = trainer.snapshot();
    let end = RunEnd {
        seed: run.config.seed,
        diverged_at: match trainer.state() {
            State::Diverged { step } => Some(step),
            State::Running => None,
        },
        steps: trainer.step_count(),
        seconds: t0.elapsed().as_secs_f64(),
    };
    let mut row = run.values.clone();
    row.extend(table::row_fields(&Record::new(&snap, driver.last()), &end));
    Some(Ok(row))
}

/// The Ctrl-C flag: set by the handler, read by the workers.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = Arc::clone(&flag);
    // Only the first sweep of a process installs it; a second would fail,
    // and then Ctrl-C simply ends the process as usual.
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

/// Run `sweep`: train every run of the (shard of the) grid and write
/// `sweep.csv` and `heatmap.png` into `args.out`.
///
/// # Errors
/// Bad input (exit 2) before anything runs or is written; a failed or
/// interrupted sweep (exit 1) after writing the rows it finished.
pub fn run(args: &SweepArgs) -> CliResult<Report> {
    let (base, _name) = args.source.resolve()?;
    let axes = parse_grid(&args.grid, &base)?;
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let all = run_list(&base, &axes, args.seeds)?;
    let runs: Vec<&Run> = match shard {
        Some((i, n)) => all.iter().filter(|r| r.index % n == i - 1).collect(),
        None => all.iter().collect(),
    };
    // Before any output: a backend this build or this machine lacks.
    super::train::trainer_on(base.clone(), args.choice)?;
    prepare_dir(&args.out)?;

    let stop = interrupt_flag();
    let bar = args.progress.then(|| {
        let b = indicatif::ProgressBar::new(runs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs  elapsed {elapsed}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let t0 = Instant::now();
    let results: Vec<Option<Result<Vec<String>, String>>> = runs
        .par_iter()
        .map(|r| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let out = train_one(r, args.choice, &stop);
            if let Some(b) = &bar
                && out.is_some()
            {
                b.inc(1);
            }
            out
        })
        .collect();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let wall_secs = t0.elapsed().as_secs_f64();

    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let classes = all.first().map_or(0, |r| r.config.class_count());
    let mut table = Table::new(&keys, classes);
    let mut failure = None;
    let seconds = table.col("seconds");
    let mut run_secs = 0.0;
    for (r, res) in runs.iter().zip(results) {
        match res {
            Some(Ok(row)) => {
                run_secs += seconds
                    .and_then(|c| row.get(c))
                    .and_then(|s| s.parse::<f64>().ok())
                    .unwrap_or(0.0);
                table.rows.push((r.index, row));
            }
            Some(Err(e)) => failure = failure.or(Some(e)),
            None => {}
        }
    }
    let finished = table.rows.len();
    if finished > 0 || (failure.is_none() && !stop.load(Ordering::SeqCst)) {
        write_outputs(&args.out, &table)?;
    }
    let kept = || {
        if finished == 0 {
            "before any run finished; nothing written".to_string()
        } else {
            format!(
                "{finished} of {} runs finished; their rows are in {}",
                runs.len(),
                args.out.join("sweep.csv").display()
            )
        }
    };
    if let Some(e) = failure {
        return Err(CliError::failure(format!("{e}; {}", kept())));
    }
    if finished < runs.len() {
        return Err(CliError::failure(format!("interrupted: {}", kept())));
    }
    let mut shape = axes
        .iter()
        .map(|a| a.values.len().to_string())
        .collect::<Vec<_>>()
        .join("×");
    shape.push_str(&format!(" grid × {} seed(s)", args.seeds));
    if let Some((i, n)) = shard {
        shape.push_str(&format!(", shard {i}/{n}"));
    }
    Ok(Report {
        runs: finished,
        shape,
        wall_secs,
        run_secs,
        threads: rayon::current_num_threads(),
    })
}

/// Run `sweep --merge`: join shard CSVs and redraw the heatmap.
///
/// # Errors
/// Bad input: unreadable files, mismatched headers, duplicate or conflicting
/// runs. Returns the merged table and the run indices missing in between.
pub fn merge(paths: &[PathBuf], out: &Path) -> CliResult<(Table, Vec<usize>)> {
    let table = table::merge_files(paths).map_err(CliError::bad_input)?;
    write_outputs(out, &table)?;
    let gaps = table::gaps(&table);
    Ok((table, gaps))
}

fn prepare_dir(dir: &Path) -> CliResult {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))
}

/// Write `sweep.csv` and `heatmap.png` into `dir` (created if missing).
///
/// # Errors
/// The directory or a file cannot be written, or the heatmap cannot be drawn.
fn write_outputs(dir: &Path, table: &Table) -> CliResult {
    prepare_dir(dir)?;
    let png = heatmap::render_png(table).map_err(CliError::failure)?;
    write_atomic(&dir.join("sweep.csv"), table.to_csv().as_bytes()).map_err(CliError::failure)?;
    write_atomic(&dir.join("heatmap.png"), &png).map_err(CliError::failure)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_outside_brackets() {
        assert_eq!(split_values("1,2, 5"), vec!["1", "2", "5"]);
        assert_eq!(
            split_values("normal(0, 1),modes(2, 8, 0.3)"),
            vec!["normal(0, 1)", "modes(2, 8, 0.3)"]
        );
        assert_eq!(split_values("[32,32],[64]"), vec!["[32,32]", "[64]"]);
    }

    #[test]
    fn the_run_list_is_grid_order_then_seed() {
        let base = Config::default();
        let axes = parse_grid(&["k=1,2".into(), "lr_g=1e-4,1e-3,1e-2".into()], &base).unwrap();
        let runs = run_list(&base, &axes, 2).unwrap();
        assert_eq!(runs.len(), 12);
        let seen: Vec<(String, String, u64)> = runs
            .iter()
            .map(|r| (r.values[0].clone(), r.values[1].clone(), r.config.seed))
            .collect();
        assert_eq!(seen[0], ("1".into(), "1e-4".into(), 0));
        assert_eq!(seen[1], ("1".into(), "1e-4".into(), 1));
        assert_eq!(seen[2], ("1".into(), "1e-3".into(), 0));
        assert_eq!(seen[11], ("2".into(), "1e-2".into(), 1));
        assert_eq!(runs[11].config.k, 2);
        assert_eq!(runs[11].config.lr_g, 1e-2);
        assert!(runs.iter().enumerate().all(|(i, r)| r.index == i));
    }

    #[test]
    fn bad_grids_are_refused() {
        let base = Config::default();
        for g in [
            "nope=1,2",
            "k=",
            "k",
            "k=1,,2",
            "k=1,1",
            "lr_d=-1",
            "lr_d=abc",
            "seed=1,2",
            "steps=10,20",
            "target=normal(0,1),norml(0,1)",
        ] {
            assert!(parse_grid(&[g.to_string()], &base).is_err(), "{g}");
        }
        assert!(parse_grid(&[], &base).is_err());
        assert!(parse_grid(&["k=1".into(), "k=2".into()], &base).is_err());
        // Each value validates alone, but not together.
        let axes = parse_grid(&["pack=1,8".into(), "batch=4,64".into()], &base).unwrap();
        assert!(run_list(&base, &axes, 1).is_err());
        assert!(run_list(&base, &parse_grid(&["k=1".into()], &base).unwrap(), 0).is_err());
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("1/2").unwrap(), (1, 2));
        assert_eq!(parse_shard(" 2 / 2 ").unwrap(), (2, 2));
        for s in ["3/2", "0/2", "1/0", "1", "a/b", "-1/2", "1/2/3"] {
            assert!(parse_shard(s).is_err(), "{s}");
        }
    }
}
