//! ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
//!
//! The core — [`density`], [`theory`], [`nn`], [`gan`] — never prints and
//! never depends on the window or the command line; the binary consumes it.
//! [`backends`] picks the engine a trainer runs on: the native `nn`, or
//! `candle` (feature `candle`; `cuda` adds the GPU).

#[cfg(feature = "gui")]
pub mod app;
pub mod backends;
#[cfg(feature = "candle")]
pub mod candle;
pub mod cli;
pub mod density;
pub mod gan;
pub mod nn;
pub mod theory;
