//! Element-wise activation functions with their first and second derivatives.
//!
//! The second derivative is not a luxury: the gradient penalties (WGAN-GP, R1)
//! differentiate the *input gradient* of the network with respect to its
//! parameters, and the input gradient already contains `f'`, so its
//! derivative contains `f''` (see [`crate::nn::mlp`] for the double backward).

use std::fmt;
use std::str::FromStr;

use nalgebra::RealField;

use crate::scalar::sigmoid;

use super::NnError;

/// Slope of [`Activation::LeakyRelu`] for negative inputs (the DCGAN value).
pub const LEAKY_RELU_SLOPE: f64 = 0.2;

/// Scale `α` of [`Activation::Elu`]: `α (eᵃ − 1)` for negative inputs.
pub const ELU_ALPHA: f64 = 1.0;

/// The non-linearity applied after every hidden layer (never after the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(a, 0)`.
    Relu,
    /// `a` for `a > 0`, `0.2 a` otherwise.
    LeakyRelu,
    /// `tanh(a)`.
    Tanh,
    /// `a` for `a > 0`, `eᵃ − 1` otherwise (α = 1).
    Elu,
    /// `ln(1 + eᵃ)`, a smooth ReLU.
    Softplus,
    /// `1 / (1 + e⁻ᵃ)`.
    Sigmoid,
}

impl Activation {
    /// Every activation, in declaration order (for menus and exhaustive tests).
    pub const ALL: &'static [Activation] = &[
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Tanh,
        Activation::Elu,
        Activation::Softplus,
        Activation::Sigmoid,
    ];

    /// The snake_case name used by `FromStr`, `Display` and serde.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Tanh => "tanh",
            Activation::Elu => "elu",
            Activation::Softplus => "softplus",
            Activation::Sigmoid => "sigmoid",
        }
    }

    /// Whether the function has a kink (a jump in `f'` or `f''`) at 0.
    /// Finite-difference checks must stay away from kinks.
    pub fn has_kink(self) -> bool {
        matches!(
            self,
            Activation::Relu | Activation::LeakyRelu | Activation::Elu
        )
    }

    /// `f(a)`.
    pub fn value<T: RealField + Copy>(self, a: T) -> T {
        let zero = T::zero();
        match self {
            Activation::Relu => a.max(zero),
            Activation::LeakyRelu => {
                if a > zero {
                    a
                } else {
                    a * c::<T>(LEAKY_RELU_SLOPE)
                }
            }
            Activation::Tanh => a.tanh(),
            Activation::Elu => {
                if a > zero {
                    a
                } else {
                    // exp_m1 keeps precision for tiny |a|.
                    c::<T>(ELU_ALPHA) * a.exp_m1()
                }
            }
            // ln(1 + eᵃ) = max(a, 0) + ln(1 + e^{-|a|}): the exponent is never
            // positive, so nothing overflows and ln_1p keeps the small tail.
            Activation::Softplus => a.max(zero) + (-a.abs()).exp().ln_1p(),
            Activation::Sigmoid => sigmoid(a),
        }
    }

    /// `f'(a)`. At the kink of ReLU / LeakyReLU we use the left derivative,
    /// like PyTorch (`relu'(0) = 0`).
    pub fn deriv<T: RealField + Copy>(self, a: T) -> T {
        let zero = T::zero();
        let one = T::one();
        match self {
            Activation::Relu => {
                if a > zero {
                    one
                } else {
                    zero
                }
            }
            Activation::LeakyRelu => {
                if a > zero {
                    one
                } else {
                    c::<T>(LEAKY_RELU_SLOPE)
                }
            }
            Activation::Tanh => {
                let t = a.tanh();
                one - t * t
            }
            Activation::Elu => {
                if a > zero {
                    one
                } else {
                    c::<T>(ELU_ALPHA) * a.exp()
                }
            }
            // softplus' = sigmoid.
            Activation::Softplus => sigmoid(a),
            Activation::Sigmoid => {
                let s = sigmoid(a);
                s * (one - s)
            }
        }
    }

    /// `f''(a)`. Zero almost everywhere for the piecewise-linear functions.
    pub fn second_deriv<T: RealField + Copy>(self, a: T) -> T {
        let zero = T::zero();
        let one = T::one();
        let two = one + one;
        match self {
            Activation::Relu | Activation::LeakyRelu => zero,
            Activation::Tanh => {
                // d/da (1 − t²) = −2 t t' = −2 t (1 − t²).
                let t = a.tanh();
                -two * t * (one - t * t)
            }
            Activation::Elu => {
                if a > zero {
                    zero
                } else {
                    c::<T>(ELU_ALPHA) * a.exp()
                }
            }
            // softplus'' = sigmoid' = σ (1 − σ).
            Activation::Softplus => {
                let s = sigmoid(a);
                s * (one - s)
            }
            // d/da σ(1 − σ) = σ' (1 − 2σ) = σ (1 − σ)(1 − 2σ).
            Activation::Sigmoid => {
                let s = sigmoid(a);
                s * (one - s) * (one - two * s)
            }
        }
    }
}

/// An f64 constant in the network's scalar type.
fn c<T: RealField + Copy>(x: f64) -> T {
    nalgebra::convert(x)
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = NnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Activation::ALL
            .iter()
            .copied()
            .find(|a| a.name() == s)
            .ok_or_else(|| NnError::UnknownActivation {
                name: s.to_owned(),
                valid: Activation::ALL
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &a in Activation::ALL {
            assert_eq!(a.to_string().parse::<Activation>().unwrap(), a);
        }
        let err = "swish".parse::<Activation>().unwrap_err().to_string();
        assert!(err.contains("leaky_relu") && err.contains("swish"), "{err}");
    }

    #[test]
    fn serde_uses_snake_case() {
        // serde_json is a regular dependency of the crate.
        let s = serde_json::to_string(&Activation::LeakyRelu).unwrap();
        assert_eq!(s, "\"leaky_relu\"");
    }

    /// f' and f'' against central differences, away from the kink at 0.
    #[test]
    fn derivatives_match_finite_differences() {
        let h = 1e-6;
        for &act in Activation::ALL {
            for a in [-3.1_f64, -0.7, -0.05, 0.03, 0.4, 2.2, 5.0] {
                let fd1 = (act.value(a + h) - act.value(a - h)) / (2.0 * h);
                let fd2 = (act.deriv(a + h) - act.deriv(a - h)) / (2.0 * h);
                assert!((fd1 - act.deriv(a)).abs() < 1e-7, "{act} f'({a})");
                assert!((fd2 - act.second_deriv(a)).abs() < 1e-7, "{act} f''({a})");
            }
        }
    }

    #[test]
    fn softplus_and_sigmoid_are_stable_for_large_inputs() {
        let sp = Activation::Softplus;
        assert_eq!(sp.value(1000.0_f64), 1000.0);
        assert_eq!(sp.value(-1000.0_f64), 0.0);
        assert!((sp.value(0.0_f64) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(sigmoid(1000.0_f32), 1.0);
        assert_eq!(sigmoid(-1000.0_f32), 0.0);
        assert!(sp.value(100.0_f32).is_finite());
        assert!(Activation::Sigmoid.second_deriv(-800.0_f64).is_finite());
    }
}
