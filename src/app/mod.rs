//! The eframe window: the live Goodfellow figure, the z→x strip, the curves
//! over steps, and the controls (feature `gui`) — natively a window, on
//! `wasm32` the same window as a web page (`web/build.sh`).
//!
//! The window only draws the newest [`view::View`] it has and sends
//! [`session::Command`]s; a [`runner::Runner`] decides where the training
//! steps run: on a worker thread natively, inside the frame loop on the web
//! (a page has no threads). That, and where files go, are the only things
//! that differ between the two.
//!
//! # Files
//!
//! - `state` — [`App`]: the layout, the shortcuts, carrying out actions.
//! - `settings` — what survives a restart (on the web: in local storage).
//! - `controls` — the left panel (one control per config key, from its row
//!   of the key table) and the transport bar; they return actions.
//! - [`files`] — save and load configs, load a CSV target (natively),
//!   export the figure and the curves; where the files go: `disk` (typed
//!   paths, native) or `browser` (downloads and a file picker, web; also the
//!   page's title and address).
//! - [`draw`] — "Draw target": a stroke over the figure becomes `pieces(...)`.
//! - `plots` — the figure, the z→x strip, the curves, the side panel.
//! - `classes` — a conditional run's class selector, class colours, class
//!   curves and stacked strips.
//! - [`fit_panel`] — a `[fit]` lesson's exact fits, on a thread of their own
//!   natively and within the frame loop on the web.
//! - `phase` — the phase-plane panel: a trajectory in the plane of a
//!   parameter of G and one of D, and for the Dirac-GAN its vector field and
//!   eigenvalues (its numbers are built in [`view`]).
//! - [`history`], [`view`] — what is drawn.
//! - [`session`] — the trainer and its commands; [`runner`] — where its
//!   steps run; `thread` — the native worker thread; `frame_budget` — how
//!   long each frame trains in the frame loop.

#[cfg(target_arch = "wasm32")]
mod browser;
mod classes;
mod controls;
#[cfg(not(target_arch = "wasm32"))]
mod disk;
pub mod draw;
pub mod files;
pub mod fit_panel;
mod frame_budget;
pub mod history;
mod phase;
mod plots;
pub mod runner;
pub mod session;
mod settings;
mod state;
#[cfg(not(target_arch = "wasm32"))]
mod thread;
pub mod view;

pub use runner::Steps;
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
    /// Where the training steps run (by default a thread natively, the
    /// frame loop on the web).
    pub steps: Steps,
}

/// The window's size: 16:10, what a projector shows well.
pub const WINDOW_SIZE: [f32; 2] = [1600.0, 1000.0];

/// Open the window and block until it is closed.
///
/// # Errors
/// The window cannot be created (no display), or the screenshot cannot be written.
/// Returns the screenshot run's report (empty for an ordinary session).
#[cfg(not(target_arch = "wasm32"))]
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

/// The web page's entry point, called when the wasm module loads: the
/// window in the page's canvas `ganscope`, on the lesson named by the
/// address (`?lesson=mode-collapse`) or else the settings saved in the
/// browser's local storage.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    use wasm_bindgen::JsCast;
    let mut options = GuiOptions::default();
    if let Some(preset) = browser::query("lesson").and_then(|n| crate::gan::presets::find(&n)) {
        options.config = Some(preset.config.clone());
        options.lesson = Some(preset.name.clone());
    }
    wasm_bindgen_futures::spawn_local(async move {
        let canvas = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("ganscope"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else {
            browser::set_title("ganscope — no canvas with id 'ganscope' in the page");
            return;
        };
        browser::plain_webgl(&canvas);
        let outcome = std::sync::Arc::new(std::sync::Mutex::new(None));
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(move |cc| {
                    Ok(Box::new(App::new(
                        &cc.egui_ctx,
                        cc.storage,
                        options,
                        outcome,
                    )))
                }),
            )
            .await;
        if let Err(e) = started {
            browser::set_title(&format!("ganscope — cannot start: {e:?}"));
        }
    });
}
