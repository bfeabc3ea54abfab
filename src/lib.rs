//! ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
//!
//! # Layers
//!
//! - The core — [`density`], [`theory`], [`fit`], [`nn`], [`gan`], and the
//!   [`scalar`] functions they share — never prints and never depends on
//!   the window, the command line or candle.
//! - [`backends`] builds a trainer on the engine a run asks for: the native
//!   `nn`, or [`candle`] (feature `candle`; `cuda` adds the GPU).
//! - [`report`] is what a run looks like outside: the metric columns, CSV,
//!   the summary, the figure, the GIF, the sweep table and its heatmap.
//! - The two faces consume them: [`cli`] (the commands) and [`app`] (the
//!   window, feature `gui`). `app` never imports `cli`; `cli` imports `app`
//!   only to open the window.
//!
//! # Targets
//!
//! Everything but [`cli`] and [`candle`] also compiles for
//! `wasm32-unknown-unknown`, where [`app`] is the web page (`web/build.sh`):
//! no threads there, so the trainer steps inside the frame loop, and the
//! products run on one thread with the portable kernel.
//!
//! No module imports one that imports it back (`tests/architecture.rs`).

#[cfg(feature = "gui")]
pub mod app;
pub mod backends;
#[cfg(feature = "candle")]
pub mod candle;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod density;
pub mod fit;
pub mod gan;
pub mod nn;
pub mod report;
pub mod scalar;
pub mod theory;

#[cfg(all(feature = "candle", target_arch = "wasm32"))]
compile_error!(
    "the candle backend is native-only: build the web page without the `candle` feature"
);
