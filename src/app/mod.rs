//! The eframe window: the live Goodfellow figure, the z→x strip, the curves
//! over steps, and the controls (feature `gui`).
//!
//! Training runs on a worker thread ([`worker`]); the window only draws the
//! newest [`view::View`] it has and sends [`worker::Command`]s.
//!
//! # Files
//!
//! - `state` — [`App`]: the layout, the shortcuts, carrying out actions.
//! - `settings` — what survives a restart.
//! - `controls` — the left panel (one control per config key, from its row
//!   of the key table) and the transport bar; they return actions.
//! - [`files`] — save and load configs, export the figure and the curves.
//! - `plots` — the figure, the z→x strip, the curves, the side panel.
//! - `classes` — a conditional run's class selector, class colours, class
//!   curves and stacked strips.
//! - [`fit_panel`] — a `[fit]` lesson's exact fits, on a thread of their own.
//! - `phase` — the phase-plane panel: a trajectory in the plane of a
//!   parameter of G and one of D, and for the Dirac-GAN its vector field and
//!   eigenvalues (its numbers are built in [`view`]).
//! - [`history`], [`view`] — what is drawn; [`worker`] — the training thread.

mod classes;
mod controls;
pub mod files;
pub mod fit_panel;
pub mod history;
mod phase;
mod plots;
mod settings;
mod state;
pub mod view;
pub mod worker;

pub use settings::{Settings, Toggles};
pub use state::App;

use crate::gan::Config;
use std::path::PathBuf;

/// How the window is opened.
#[derive(Debug, Clone, Default)]
pub struct GuiOptions {
    /// Settings to start from; `None` restores the last session's.
    pub config: Option<Config>,
    /// The lesson these settings came from, if any.
    pub lesson: Option<String>,
    /// Train this many steps, save a screenshot of the window here, and exit.
    pub screenshot: Option<(PathBuf, u64)>,
    /// What relative paths in the Files section are relative to (`None`:
    /// the working directory).
    pub files_dir: Option<PathBuf>,
}

/// The window's size: 16:10, what a projector shows well.
pub const WINDOW_SIZE: [f32; 2] = [1600.0, 1000.0];

/// Open the window and block until it is closed.
///
/// # Errors
/// The window cannot be created (no display), or the screenshot cannot be written.
/// Returns the screenshot run's report (empty for an ordinary session).
pub fn run(options: GuiOptions) -> Result<String, String> {
    let screenshot = options.screenshot.is_some();
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(WINDOW_SIZE)
            .with_min_inner_size([900.0, 600.0])
            .with_title("ganscope"),
        renderer: eframe::Renderer::Glow,
        // A screenshot run must not read or write the user's saved settings.
        persist_window: !screenshot,
        ..Default::default()
    };
    let outcome = std::sync::Arc::new(std::sync::Mutex::new(None::<Result<String, String>>));
    let out2 = std::sync::Arc::clone(&outcome);
    eframe::run_native(
        "ganscope",
        native,
        Box::new(move |cc| {
            let storage = if screenshot { None } else { cc.storage };
            Ok(Box::new(App::new(&cc.egui_ctx, storage, options, out2)))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))?;
    let result = outcome.lock().ok().and_then(|mut o| o.take());
    result.unwrap_or(Ok(String::new()))
}
