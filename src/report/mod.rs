//! What a run looks like outside the core, for both faces (the command line
//! and the window): the metric columns and their one rule for non-finite
//! values, CSV text, the summary, the Goodfellow figure as data and as PNG,
//! the GIF, the sweep table and its heatmap, the fitting lab's `fit.json`
//! and figure, and atomic file writes.
//!
//! It imports neither egui nor clap: `cli` and `app` both call it.

pub mod columns;
pub mod csv;
pub mod figure;
mod files;
pub mod fit;
pub mod gif;
pub mod heatmap;
pub mod summary;
pub mod table;

pub use columns::{Record, Value};
pub use figure::FigureData;
pub use files::write_atomic;
pub use summary::Summary;
