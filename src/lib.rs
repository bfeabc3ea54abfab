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
//! No module imports one that imports it back (`tests/architecture.rs`).

#[cfg(feature = "gui")]
pub mod app;
pub mod backends;
#[cfg(feature = "candle")]
pub mod candle;
pub mod cli;
pub mod density;
pub mod fit;
pub mod gan;
pub mod nn;
pub mod report;
pub mod scalar;
pub mod theory;
