//! "Draw target": a stroke dragged over the figure becomes a `pieces(...)`
//! density, applied as the target like a typed spec.
//!
//! The stroke's points are (x, height) in the figure's coordinates (the
//! density axis, so a height is a density). On release they are sorted by x,
//! resampled at [`KNOTS`] evenly spaced x between the stroke's ends (the
//! height at each is the stroke's, interpolated linearly; where the stroke
//! went back over itself its heights are averaged), clamped at 0, scaled to
//! unit area, and written with four significant digits: the spec is the
//! density (it parses back to itself), and it saves, loads and replays like
//! any other.

use crate::density::families::Pieces;
use crate::density::{Mixture, parse_spec};

/// Knots of a drawn density.
pub const KNOTS: usize = 48;

/// Why a stroke makes no density.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("draw across the figure, from left to right: the stroke spans no width")]
    TooNarrow,
    #[error("draw above the x axis: every height of the stroke is 0")]
    Flat,
    #[error("{0}")]
    Invalid(String),
}

/// `v` with `digits` significant digits, as the shortest text.
fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let e = v.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits - 1 - e);
    (v * scale).round() / scale
}

/// The spec of the density a stroke draws; see the [module docs](self).
///
/// # Errors
/// A stroke with no width, or with no height above 0.
pub fn stroke_to_spec(stroke: &[[f64; 2]]) -> Result<String, DrawError> {
    let mut pts: Vec<[f64; 2]> = stroke
        .iter()
        .copied()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .map(|[x, y]| [x, y.max(0.0)])
        .collect();
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]));
    // Points at the same x (the stroke went back over itself): averaged.
    let mut merged: Vec<([f64; 2], usize)> = Vec::new();
    for p in pts {
        match merged.last_mut() {
            Some((q, n)) if q[0] == p[0] => {
                q[1] += p[1];
                *n += 1;
            }
            _ => merged.push((p, 1)),
        }
    }
    let pts: Vec<[f64; 2]> = merged
        .into_iter()
        .map(|([x, y], n)| [x, y / n as f64])
        .collect();
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return Err(DrawError::TooNarrow);
    };
    let (x0, x1) = (first[0], last[0]);
    let span = x1 - x0;
    if span.is_nan() || span <= 1e-9 * x0.abs().max(x1.abs()).max(1.0) {
        return Err(DrawError::TooNarrow);
    }
    // The height of the stroke at x, linear between its points.
    let height = |x: f64| -> f64 {
        let i = pts.partition_point(|p| p[0] <= x).clamp(1, pts.len() - 1);
        let (a, b) = (pts[i - 1], pts[i]);
        let t = ((x - a[0]) / (b[0] - a[0])).clamp(0.0, 1.0);
        a[1] + t * (b[1] - a[1])
    };
    // Evenly spaced knots, rounded to a grid a hundredth of their spacing.
    let step = span / (KNOTS - 1) as f64;
    let decimals = (2 - step.log10().floor() as i32).max(0);
    let scale = 10f64.powi(decimals);
    let xs: Vec<f64> = (0..KNOTS)
        .map(|i| ((x0 + i as f64 * step) * scale).round() / scale)
        .collect();
    let ys: Vec<f64> = xs.iter().map(|&x| height(x)).collect();
    let area: f64 = xs
        .windows(2)
        .zip(ys.windows(2))
        .map(|(x, y)| (x[1] - x[0]) * 0.5 * (y[0] + y[1]))
        .sum();
    if area.is_nan() || area <= 0.0 {
        return Err(DrawError::Flat);
    }
    let parts: Vec<String> = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| format!("{x}, {}", round_sig(y / area, 4)))
        .collect();
    let spec = format!("pieces({})", parts.join(", "));
    // The drawn spec validates like any other (and is checked here once).
    let m: Mixture = parse_spec(&spec).map_err(|e| DrawError::Invalid(e.to_string()))?;
    debug_assert!(matches!(
        m.terms()[0].family,
        crate::density::Family::Pieces(_)
    ));
    Ok(spec)
}

/// The knots of a `pieces` target, for drawing it back (None for others).
pub fn knots(target: &Mixture) -> Option<&Pieces> {
    match target.terms() {
        [t] => match &t.family {
            crate::density::Family::Pieces(p) => Some(p),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::Univariate;

    #[test]
    fn a_triangle_drawn_left_to_right() {
        let stroke: Vec<[f64; 2]> = (0..=100)
            .map(|i| {
                let x = -1.0 + 0.02 * i as f64;
                [x, 1.0 - x.abs()]
            })
            .collect();
        let spec = stroke_to_spec(&stroke).unwrap();
        let m = parse_spec(&spec).unwrap();
        assert_eq!(m.to_string(), spec, "prints back to itself");
        let p = knots(&m).unwrap();
        assert_eq!(p.xs().len(), KNOTS);
        assert!((m.cdf(0.0) - 0.5).abs() < 1e-3, "{}", m.cdf(0.0));
        assert!((m.pdf(0.0) - 1.0).abs() < 0.05, "{}", m.pdf(0.0));
    }

    #[test]
    fn back_and_forth_below_the_axis_and_unsorted() {
        // Drawn right to left, dipping below the axis (clamped to 0).
        let stroke = [[2.0, 0.5], [1.0, -0.3], [0.0, 0.5], [1.0, 0.1]];
        let spec = stroke_to_spec(&stroke).unwrap();
        let m = parse_spec(&spec).unwrap();
        assert!(m.pdf(1.0) >= 0.0);
        assert_eq!(m.support(), (0.0, 2.0));
    }

    #[test]
    fn strokes_that_draw_nothing() {
        assert_eq!(stroke_to_spec(&[]), Err(DrawError::TooNarrow));
        assert_eq!(
            stroke_to_spec(&[[1.0, 0.3], [1.0, 0.5]]),
            Err(DrawError::TooNarrow)
        );
        assert_eq!(
            stroke_to_spec(&[[0.0, -1.0], [1.0, 0.0]]),
            Err(DrawError::Flat)
        );
    }
}
