//! `ganscope fit --target SPEC --model normal|mixture(K) [--divergence NAME]...
//! [--seed S] [--out DIR]`: the exact fitting lab (`crate::fit`). Writes
//! `fit.json` and `figure.png` into DIR and prints one line per fit.

use std::io::Write;
use std::path::Path;

use super::{CliError, CliResult};
use crate::density::parse_spec;
use crate::fit::{Divergence, FitSpec, Lab};
use crate::report::fit::{fit_figure, fit_json, write_png};
use crate::report::write_atomic;

/// Fit, write the files, print the fits.
pub fn run(
    target: &str,
    model: &str,
    divergences: &[String],
    seed: u64,
    dir: &Path,
    out: &mut dyn Write,
) -> CliResult {
    let mixture = parse_spec(target).map_err(|e| CliError::spec("--target", &e))?;
    let names: Vec<&str> = divergences
        .iter()
        .flat_map(|d| d.split(','))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let spec = FitSpec::parse(&mixture.to_string(), model, &names)
        .map_err(|e| CliError::bad_input(e.to_string()))?;
    if seed > i64::MAX as u64 {
        return Err(CliError::bad_input(format!(
            "--seed must be at most {}, got {seed}",
            i64::MAX
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
    let lab = Lab::new(mixture);
    let fits = lab.run(spec.model, &spec.kinds, seed);
    write_atomic(
        &dir.join("fit.json"),
        fit_json(spec.model, &fits).as_bytes(),
    )
    .map_err(CliError::failure)?;
    let title = format!("{} fitted to {}", spec.model, spec.target);
    write_png(
        &dir.join("figure.png"),
        &fit_figure(&lab, spec.model, &fits, &title),
    )
    .map_err(CliError::failure)?;
    let w = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}").map_err(|e| CliError::failure(format!("cannot write: {e}")))
    };
    w(
        out,
        format!(
            "{}: {} fitted to {}",
            dir.display(),
            spec.model,
            spec.target
        ),
    )?;
    for f in &fits {
        let p = &f.params;
        let params: Vec<String> = (0..p.mu.len())
            .map(|k| {
                if p.mu.len() == 1 {
                    format!("mu {:.4} sigma {:.4}", p.mu[k], p.sigma[k])
                } else {
                    format!("{:.3}·N({:.4}, {:.4})", p.weights[k], p.mu[k], p.sigma[k])
                }
            })
            .collect();
        let own = match f.kind {
            crate::fit::FitKind::Exact(d) => {
                let i = Divergence::ALL.iter().position(|x| *x == d).unwrap_or(0);
                format!(", {} {:.6}", d.name(), f.finals[i])
            }
            crate::fit::FitKind::Mle => String::new(),
        };
        w(
            out,
            format!(
                "  {:<14} {}{own} ({} steps)",
                f.kind.name(),
                params.join(" + "),
                f.steps
            ),
        )?;
    }
    Ok(())
}
