//! ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
//!
//! The core — [`density`], [`theory`] — never prints and never depends on the
//! window or the command line; the binary consumes it.

pub mod density;
pub mod theory;
