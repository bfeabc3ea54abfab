//! `summary.json`: how a run went and its final numbers.

use super::columns::{Record, summary_final};
use crate::density::Mixture;
use crate::density::families::Family;
use crate::gan::Choice;

/// A data file a `csv(...)` target read, as `summary.json` names it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DataFileInfo {
    /// The absolute path.
    pub path: String,
    /// The column read, from 1, and its header.
    pub column: usize,
    pub column_name: Option<String>,
    /// Its number of samples.
    pub rows: usize,
    /// SHA-256 of the file, lowercase hex (a config that names it refuses
    /// the file once it changes).
    pub sha256: String,
    /// How the theory smooths the samples.
    pub smoothing: String,
}

/// The data files of `target`'s `csv` terms, in order.
pub fn data_files(target: &Mixture) -> Vec<DataFileInfo> {
    target
        .terms()
        .iter()
        .filter_map(|t| match &t.family {
            Family::Csv(c) => Some(DataFileInfo {
                path: c.file().path.display().to_string(),
                column: c.file().column.number,
                column_name: c.file().column.name.clone(),
                rows: c.samples().len(),
                sha256: c.file().sha256.clone(),
                smoothing: c.smoothing_note(),
            }),
            _ => None,
        })
        .collect()
}

/// A run's summary; `final` holds the metrics of
/// [`super::columns::SUMMARY_FINAL`] at the last snapshot.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The lesson or config file the run came from.
    pub name: String,
    /// The engine and device it trained on.
    pub choice: Choice,
    /// Iterations done.
    pub steps: u64,
    /// Wall time of the whole command.
    pub seconds: f64,
    /// Training iterations per second, excluding snapshots and files.
    pub steps_per_sec: f64,
    /// The iteration where a loss or parameter went non-finite.
    pub diverged_at: Option<u64>,
    /// Whether p_g is the exact pushforward (latent_dim = 1).
    pub p_g_exact: bool,
    /// The data files the target read (empty for an analytic target).
    pub data_files: Vec<DataFileInfo>,
    /// The metrics at the end.
    pub r#final: Record,
}

impl Summary {
    /// The summary as pretty JSON, keys in a fixed order.
    ///
    /// # Errors
    /// Only if serialisation fails (it does not for these types).
    pub fn to_json(&self) -> Result<String, String> {
        #[derive(serde::Serialize)]
        struct Json<'a, F: serde::Serialize> {
            name: &'a str,
            backend: &'static str,
            device: &'static str,
            steps: u64,
            seconds: f64,
            steps_per_sec: f64,
            diverged: bool,
            diverged_at: Option<u64>,
            p_g_exact: bool,
            data_files: &'a [DataFileInfo],
            r#final: F,
        }
        serde_json::to_string_pretty(&Json {
            name: &self.name,
            backend: self.choice.backend.name(),
            device: self.choice.device.name(),
            steps: self.steps,
            seconds: self.seconds,
            steps_per_sec: self.steps_per_sec,
            diverged: self.diverged_at.is_some(),
            diverged_at: self.diverged_at,
            p_g_exact: self.p_g_exact,
            data_files: &self.data_files,
            r#final: self.r#final.json(summary_final()),
        })
        .map_err(|e| e.to_string())
    }
}
