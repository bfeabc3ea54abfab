//! Errors raised when a density is built from user numbers.

use thiserror::Error;

/// A parameter a family refuses, or a mixture that cannot be formed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DensityError {
    /// A parameter outside the family's domain, such as `normal(0, -1)`.
    #[error("{family}: {param} must be {requirement}, got {value}")]
    Param {
        family: &'static str,
        param: &'static str,
        requirement: &'static str,
        value: f64,
    },
    /// A mixture with no term.
    #[error("a mixture needs at least one term")]
    Empty,
    /// A mixture weight that is zero, negative or not finite.
    #[error("weight must be positive and finite, got {0}")]
    Weight(f64),
}

impl DensityError {
    /// The name of the offending parameter, when there is one.
    pub fn param(&self) -> Option<&'static str> {
        match self {
            DensityError::Param { param, .. } => Some(param),
            _ => None,
        }
    }
}

/// Check that `value` is finite, for parameters with no other constraint.
pub(crate) fn finite(
    family: &'static str,
    param: &'static str,
    value: f64,
) -> Result<f64, DensityError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DensityError::Param {
            family,
            param,
            requirement: "finite",
            value,
        })
    }
}

/// Check that `value` is finite and strictly positive (scales, rates, shapes).
pub(crate) fn positive(
    family: &'static str,
    param: &'static str,
    value: f64,
) -> Result<f64, DensityError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(DensityError::Param {
            family,
            param,
            requirement: "positive and finite",
            value,
        })
    }
}

/// Check that `lo ≤ value ≤ hi` (which also rules out NaN); `requirement`
/// states the range for the message, e.g. `"in [0.1, 1e6]"`. Used where a
/// family's formulas lose their digits or their speed outside a range (see
/// each family's constructor).
pub(crate) fn within(
    family: &'static str,
    param: &'static str,
    value: f64,
    (lo, hi): (f64, f64),
    requirement: &'static str,
) -> Result<f64, DensityError> {
    if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(DensityError::Param {
            family,
            param,
            requirement,
            value,
        })
    }
}
