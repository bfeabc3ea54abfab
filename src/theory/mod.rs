//! Exact 1-D quantities of the theory.

pub mod exact;
