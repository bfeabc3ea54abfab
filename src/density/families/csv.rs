//! `csv("path", column)`: a target read from a file of samples.
//!
//! Training draws from the samples themselves (uniformly, with
//! replacement). The exact theory needs a density: it uses their frequency
//! polygon with Scott's bin rule (see [`crate::density::smooth`]), which is
//! what `pdf`, `cdf` and `quantile` describe. The spec prints back with the
//! absolute path, the column that was read and the file's SHA-256, so that a
//! saved config refuses a file that has changed since.
//!
//! Files are read once per (path, column, size, modification time): the
//! window parses the spec field as it is typed.

use crate::density::data_file::{Column, DataFile, DataFileError, Problem, read_column};
use crate::density::smooth::{Polygon, frequency_polygon};
use crate::density::{DensityError, Tail, Univariate};
use rand::{Rng, RngExt};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::Pieces;

/// A CSV target: the file's samples and their smoothing.
#[derive(Debug, Clone)]
pub struct Csv {
    inner: Arc<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    file: DataFile,
    smooth: Pieces,
    h: f64,
}

impl PartialEq for Csv {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.file.path == other.inner.file.path
                && self.inner.file.column == other.inner.file.column
                && self.inner.file.sha256 == other.inner.file.sha256)
    }
}

type Key = (PathBuf, Column, u64, Option<std::time::SystemTime>);

fn cache() -> &'static Mutex<HashMap<Key, Arc<Loaded>>> {
    static CACHE: OnceLock<Mutex<HashMap<Key, Arc<Loaded>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Files kept read; beyond, the cache starts over (a re-read is cheap).
const CACHED_FILES: usize = 8;

impl Csv {
    /// Reads `column` of `path` (relative paths against `base`) and smooths
    /// it; with `sha256`, refuses a file whose hash differs.
    ///
    /// # Errors
    /// [`DensityError::Data`] naming the file, and the line and column where
    /// they apply.
    pub fn load(
        path: &str,
        base: &Path,
        column: &Column,
        sha256: Option<&str>,
    ) -> Result<Csv, DensityError> {
        let joined = base.join(path);
        let full = std::path::absolute(&joined).unwrap_or(joined);
        let shown = full.display().to_string();
        let meta = std::fs::metadata(&full).ok();
        let key: Key = (
            full.clone(),
            column.clone(),
            meta.as_ref().map_or(0, |m| m.len()),
            meta.as_ref().and_then(|m| m.modified().ok()),
        );
        let hit = meta
            .as_ref()
            .is_some_and(|m| m.is_file())
            .then(|| cache().lock().ok().and_then(|c| c.get(&key).cloned()))
            .flatten();
        let inner = match hit {
            Some(l) => l,
            None => {
                let file = read_column(&full, &shown, column)?;
                let Polygon { xs, ys, h } =
                    frequency_polygon(&file.samples).map_err(|e| DataFileError {
                        file: shown.clone(),
                        line: None,
                        column: Some(file.column.number),
                        problem: Problem::NoSpread,
                        message: format!("{}: {e}", file.column),
                    })?;
                let smooth = Pieces::from_knots(&xs, &ys)?;
                let loaded = Arc::new(Loaded { file, smooth, h });
                if let Ok(mut c) = cache().lock() {
                    if c.len() >= CACHED_FILES {
                        c.clear();
                    }
                    c.insert(key, Arc::clone(&loaded));
                }
                loaded
            }
        };
        if let Some(want) = sha256
            && !want.eq_ignore_ascii_case(&inner.file.sha256)
        {
            return Err(DataFileError {
                file: shown,
                line: None,
                column: None,
                problem: Problem::Changed,
                message: format!(
                    "the file has changed since the spec was written: its SHA-256 is now {}…, the spec says {}…",
                    &inner.file.sha256[..12],
                    want.get(..12).unwrap_or(want)
                ),
            }
            .into());
        }
        Ok(Csv { inner })
    }

    /// The file, column and samples.
    pub fn file(&self) -> &DataFile {
        &self.inner.file
    }

    /// The samples, in file order.
    pub fn samples(&self) -> &[f64] {
        &self.inner.file.samples
    }

    /// The smoothing the theory uses.
    pub fn smoothing(&self) -> &Pieces {
        &self.inner.smooth
    }

    /// The frequency polygon's bin width.
    pub fn bin_width(&self) -> f64 {
        self.inner.h
    }

    /// The file's name, without its directory.
    pub fn file_name(&self) -> String {
        let f = &self.inner.file;
        f.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| f.path.display().to_string())
    }

    /// The file name, the column and the rows: `data.csv, column 2 ("x"),
    /// 10000 rows`.
    pub fn label(&self) -> String {
        let f = &self.inner.file;
        format!(
            "{}, {}, {} rows",
            self.file_name(),
            f.column,
            f.samples.len()
        )
    }

    /// The smoothing in words, for legends and the side panel.
    pub fn smoothing_note(&self) -> String {
        format!(
            "frequency polygon, Scott's rule h = {}",
            crate::density::smooth::round_width(self.inner.h)
        )
    }
}

/// A path as a spec string: `"…"` with `\` and `"` escaped.
pub fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl fmt::Display for Csv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.inner.file;
        let column = match &file.column.name {
            Some(n) => quoted(n),
            None => file.column.number.to_string(),
        };
        write!(
            f,
            "csv({}, {column}, sha256 = \"{}\")",
            quoted(&file.path.display().to_string()),
            file.sha256
        )
    }
}

impl Univariate for Csv {
    fn ln_pdf(&self, x: f64) -> f64 {
        self.inner.smooth.ln_pdf(x)
    }
    fn pdf(&self, x: f64) -> f64 {
        self.inner.smooth.pdf(x)
    }
    fn cdf(&self, x: f64) -> f64 {
        self.inner.smooth.cdf(x)
    }
    fn sf(&self, x: f64) -> f64 {
        self.inner.smooth.sf(x)
    }
    fn quantile(&self, u: f64) -> f64 {
        self.inner.smooth.quantile(u)
    }
    fn isf(&self, v: f64) -> f64 {
        self.inner.smooth.isf(v)
    }
    fn support(&self) -> (f64, f64) {
        self.inner.smooth.support()
    }
    fn breakpoints(&self) -> Vec<f64> {
        self.inner.smooth.breakpoints()
    }
    fn tails(&self) -> [Tail; 2] {
        self.inner.smooth.tails()
    }
    fn mean(&self) -> Option<f64> {
        self.inner.smooth.mean()
    }
    /// One of the file's samples, uniformly (not a draw from the smoothing).
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let s = &self.inner.file.samples;
        s[rng.random_range(0..s.len())]
    }
}
