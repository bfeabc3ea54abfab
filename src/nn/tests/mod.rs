//! Tests of the `nn` module. Each file checks one thing; the gradient checks
//! compare the hand-written passes with central finite differences.

mod basics;
mod gradcheck;
mod hand_values;
mod optim;
mod projection;
