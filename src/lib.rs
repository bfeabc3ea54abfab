//! ganscope: GAN theory on 1-D distributions, computed exactly on a grid.
pub mod nn;
