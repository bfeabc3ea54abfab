//! A piecewise-linear density through knots (x₀, y₀), (x₁, y₁), …: what the
//! window's "Draw target" makes, and the smoothing of a CSV data set.

use crate::density::{DensityError, Tail, Univariate};
use rand::Rng;
use std::sync::Arc;

/// Most knots of a `pieces(...)` spec (the window's drawings have 48).
pub const MAX_KNOTS: usize = 512;

/// Most knots of a smoothing built in code (a CSV data set's frequency
/// polygon: its bins and the two zero knots).
pub const MAX_SMOOTH_KNOTS: usize = 8192;

/// `pieces(x0, y0, x1, y1, …)`: the density through the knots, linear between
/// them and 0 outside \[x₀, x_last\], scaled to integrate to 1.
///
/// # Formula
/// On \[xᵢ, xᵢ₊₁\] with width wᵢ and slope aᵢ = (yᵢ₊₁ − yᵢ)/wᵢ (heights
/// divided by their area A = Σ wᵢ(yᵢ + yᵢ₊₁)/2), at t = x − xᵢ:
///
/// - p(x) = yᵢ + aᵢ·t,
/// - F(x) = Cᵢ + yᵢ·t + aᵢ·t²/2, with Cᵢ the mass left of xᵢ,
/// - F⁻¹(u): t = 2r / (yᵢ + √(yᵢ² + 2aᵢr)), r = u − Cᵢ (the stable root);
///   the survival function and its inverse run the same way from the right.
/// - mean = Σ wᵢ/6 · \[(2xᵢ + xᵢ₊₁)yᵢ + (xᵢ + 2xᵢ₊₁)yᵢ₊₁\].
///
/// The pdf has a kink at every knot (the breakpoints) and is zero on a
/// segment whose two heights are 0: such segments split the support into
/// intervals ([`Pieces::intervals`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    /// The parameters as written: x₀, y₀, x₁, y₁, …
    written: Arc<[f64]>,
    xs: Arc<[f64]>,
    /// Heights scaled to integrate to 1.
    ys: Arc<[f64]>,
    /// Mass left of each knot.
    left: Arc<[f64]>,
    /// Mass right of each knot.
    right: Arc<[f64]>,
}

fn bad(param: &'static str, requirement: &'static str, value: f64) -> DensityError {
    DensityError::Param {
        family: "pieces",
        param,
        requirement,
        value,
    }
}

impl Pieces {
    /// From the spec's flat list x₀, y₀, x₁, y₁, … (at most [`MAX_KNOTS`]).
    ///
    /// # Errors
    /// An odd count or fewer than two knots, more than [`MAX_KNOTS`], an x
    /// that is not finite or not above the one before, a height that is
    /// negative or not finite, or heights whose area is 0.
    pub fn new(params: &[f64]) -> Result<Self, DensityError> {
        Self::with_limit(params, MAX_KNOTS)
    }

    /// From knots built in code (up to [`MAX_SMOOTH_KNOTS`]).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_knots(xs: &[f64], ys: &[f64]) -> Result<Self, DensityError> {
        let flat: Vec<f64> = xs.iter().zip(ys).flat_map(|(x, y)| [*x, *y]).collect();
        if xs.len() != ys.len() {
            return Err(bad("y", "one height per knot", ys.len() as f64));
        }
        Self::with_limit(&flat, MAX_SMOOTH_KNOTS)
    }

    fn with_limit(params: &[f64], limit: usize) -> Result<Self, DensityError> {
        if params.len() % 2 == 1 {
            return Err(bad(
                "x0, y0, x1, y1, …",
                "pairs of numbers (an x and its height)",
                params.len() as f64,
            ));
        }
        let k = params.len() / 2;
        if k < 2 {
            return Err(bad("x0, y0, x1, y1, …", "at least two knots", k as f64));
        }
        if k > limit {
            return Err(bad(
                "x0, y0, x1, y1, …",
                "at most 512 knots (or 8192 for a data set's smoothing)",
                k as f64,
            ));
        }
        let xs: Vec<f64> = params.iter().step_by(2).copied().collect();
        let raw: Vec<f64> = params.iter().skip(1).step_by(2).copied().collect();
        for (i, &x) in xs.iter().enumerate() {
            if !x.is_finite() {
                return Err(bad("x", "finite", x));
            }
            if i > 0 && x <= xs[i - 1] {
                return Err(bad("x", "greater than the x before it", x));
            }
        }
        if let Some(&y) = raw.iter().find(|y| !(y.is_finite() && **y >= 0.0)) {
            return Err(bad("y", "at least 0 and finite", y));
        }
        let area: f64 = xs
            .windows(2)
            .zip(raw.windows(2))
            .map(|(x, y)| (x[1] - x[0]) * 0.5 * (y[0] + y[1]))
            .sum();
        if !(area.is_finite() && area > 0.0) {
            return Err(bad("y", "positive somewhere (an area above 0)", area));
        }
        let ys: Vec<f64> = raw.iter().map(|y| y / area).collect();
        let seg: Vec<f64> = xs
            .windows(2)
            .zip(ys.windows(2))
            .map(|(x, y)| (x[1] - x[0]) * 0.5 * (y[0] + y[1]))
            .collect();
        let mut left = vec![0.0; k];
        for i in 1..k {
            left[i] = left[i - 1] + seg[i - 1];
        }
        let mut right = vec![0.0; k];
        for i in (0..k - 1).rev() {
            right[i] = right[i + 1] + seg[i];
        }
        Ok(Pieces {
            written: params.into(),
            xs: xs.into(),
            ys: ys.into(),
            left: left.into(),
            right: right.into(),
        })
    }

    /// The parameters as written (the spec prints these back).
    pub fn params(&self) -> &[f64] {
        &self.written
    }

    /// The knots' x.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }

    /// The knots' heights, normalised.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }

    /// The knot where the density is highest.
    pub fn peak(&self) -> f64 {
        let i = self
            .ys
            .iter()
            .enumerate()
            .fold(0, |b, (i, y)| if *y > self.ys[b] { i } else { b });
        self.xs[i]
    }

    /// The maximal intervals where the density is positive (a segment with
    /// both heights 0 separates two of them).
    pub fn intervals(&self) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        let mut open: Option<f64> = None;
        for i in 0..self.xs.len() - 1 {
            let zero = self.ys[i] == 0.0 && self.ys[i + 1] == 0.0;
            match (open, zero) {
                (None, false) => open = Some(self.xs[i]),
                (Some(a), true) => {
                    out.push((a, self.xs[i]));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(a) = open {
            out.push((a, self.xs[self.xs.len() - 1]));
        }
        out
    }

    /// The segment holding x: the last i with xᵢ ≤ x (clamped to a segment).
    fn segment(&self, x: f64) -> usize {
        let k = self.xs.len();
        self.xs.partition_point(|&v| v <= x).clamp(1, k - 1) - 1
    }

    fn slope(&self, i: usize) -> f64 {
        (self.ys[i + 1] - self.ys[i]) / (self.xs[i + 1] - self.xs[i])
    }
}

/// t ≥ 0 with y·t + a·t²/2 = r, the root that is stable for either sign of a.
fn solve(y: f64, a: f64, r: f64) -> f64 {
    let disc = (y * y + 2.0 * a * r).max(0.0);
    let den = y + disc.sqrt();
    if den > 0.0 { 2.0 * r / den } else { 0.0 }
}

impl Univariate for Pieces {
    fn ln_pdf(&self, x: f64) -> f64 {
        self.pdf(x).ln()
    }
    fn pdf(&self, x: f64) -> f64 {
        let last = self.xs.len() - 1;
        if !(x >= self.xs[0] && x <= self.xs[last]) {
            return 0.0;
        }
        let i = self.segment(x);
        let t = (x - self.xs[i]) / (self.xs[i + 1] - self.xs[i]);
        // Interpolated between the two heights: exact at both knots.
        ((1.0 - t) * self.ys[i] + t * self.ys[i + 1]).max(0.0)
    }
    fn cdf(&self, x: f64) -> f64 {
        let last = self.xs.len() - 1;
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= self.xs[0] {
            return 0.0;
        }
        if x >= self.xs[last] {
            return 1.0;
        }
        let i = self.segment(x);
        let t = x - self.xs[i];
        (self.left[i] + t * 0.5 * (self.ys[i] + self.pdf(x))).clamp(0.0, 1.0)
    }
    fn sf(&self, x: f64) -> f64 {
        let last = self.xs.len() - 1;
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= self.xs[0] {
            return 1.0;
        }
        if x >= self.xs[last] {
            return 0.0;
        }
        let i = self.segment(x);
        let t = self.xs[i + 1] - x;
        (self.right[i + 1] + t * 0.5 * (self.ys[i + 1] + self.pdf(x))).clamp(0.0, 1.0)
    }
    fn quantile(&self, u: f64) -> f64 {
        if u.is_nan() {
            return f64::NAN;
        }
        let last = self.xs.len() - 1;
        if u <= 0.0 {
            return self.xs[0];
        }
        if u >= 1.0 {
            return self.xs[last];
        }
        // The segment with left[i] ≤ u < left[i+1] (zero-mass ones skipped).
        let i = (self.left.partition_point(|&c| c <= u).clamp(1, last)) - 1;
        let t = solve(self.ys[i], self.slope(i), u - self.left[i]);
        (self.xs[i] + t).clamp(self.xs[i], self.xs[i + 1])
    }
    fn isf(&self, v: f64) -> f64 {
        if v.is_nan() {
            return f64::NAN;
        }
        let last = self.xs.len() - 1;
        if v <= 0.0 {
            return self.xs[last];
        }
        if v >= 1.0 {
            return self.xs[0];
        }
        // `right` decreases: the segment with right[i+1] ≤ v < right[i].
        let i = self.right.partition_point(|&c| c > v).clamp(1, last) - 1;
        let t = solve(self.ys[i + 1], -self.slope(i), v - self.right[i + 1]);
        (self.xs[i + 1] - t).clamp(self.xs[i], self.xs[i + 1])
    }
    fn support(&self) -> (f64, f64) {
        (self.xs[0], self.xs[self.xs.len() - 1])
    }
    fn breakpoints(&self) -> Vec<f64> {
        self.xs.to_vec()
    }
    fn tails(&self) -> [Tail; 2] {
        [Tail::Bounded, Tail::Bounded]
    }
    fn mean(&self) -> Option<f64> {
        let m = self
            .xs
            .windows(2)
            .zip(self.ys.windows(2))
            .map(|(x, y)| {
                (x[1] - x[0]) / 6.0 * ((2.0 * x[0] + x[1]) * y[0] + (x[0] + 2.0 * x[1]) * y[1])
            })
            .sum();
        Some(m)
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(crate::density::open_unit(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triangle() {
        // The triangle on [0, 2] with its peak at 1, written at twice its height.
        let p = Pieces::new(&[0.0, 0.0, 1.0, 2.0, 2.0, 0.0]).unwrap();
        assert_eq!(p.pdf(1.0), 1.0);
        assert_eq!(p.pdf(0.5), 0.5);
        assert_eq!(p.pdf(-0.1), 0.0);
        assert!((p.cdf(0.5) - 0.125).abs() < 1e-15);
        assert!((p.sf(1.5) - 0.125).abs() < 1e-15);
        assert!((p.quantile(0.125) - 0.5).abs() < 1e-15);
        assert!((p.isf(0.125) - 1.5).abs() < 1e-15);
        assert_eq!(p.mean(), Some(1.0));
        assert_eq!(p.params(), &[0.0, 0.0, 1.0, 2.0, 2.0, 0.0]);
    }

    #[test]
    fn zero_segments_split_the_support() {
        let p = Pieces::new(&[0.0, 1.0, 1.0, 0.0, 2.0, 0.0, 3.0, 1.0]).unwrap();
        assert_eq!(p.intervals(), vec![(0.0, 1.0), (2.0, 3.0)]);
        assert!((p.quantile(0.5) - 1.0).abs() < 1e-12 || (p.quantile(0.5) - 2.0).abs() < 1e-12);
        assert!((p.cdf(1.5) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn refuses_what_is_not_a_density() {
        for bad in [
            &[0.0, 1.0][..],
            &[0.0, 1.0, 1.0][..],
            &[0.0, 1.0, 0.0, 1.0][..],
            &[1.0, 1.0, 0.0, 1.0][..],
            &[0.0, -1.0, 1.0, 1.0][..],
            &[0.0, 0.0, 1.0, 0.0][..],
            &[0.0, f64::NAN, 1.0, 1.0][..],
        ] {
            assert!(Pieces::new(bad).is_err(), "{bad:?}");
        }
        let many: Vec<f64> = (0..2 * (MAX_KNOTS + 1)).map(|i| i as f64).collect();
        assert!(Pieces::new(&many).is_err());
    }
}
