//! ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
//!
//! The core — [`density`], [`theory`], [`nn`], [`gan`] — never prints and
//! never depends on the window or the command line; the binary consumes it.

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod density;
pub mod gan;
pub mod nn;
pub mod theory;
