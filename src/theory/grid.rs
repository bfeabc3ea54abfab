//! The grid every exact quantity lives on: n uniform interior bins over
//! \[lo, hi\] plus one overflow bin on each side, so that no mass is ever dropped.
//!
//! Bin k of a mass vector of length n + 2:
//! - k = 0: (−∞, lo), the left overflow bin;
//! - k = 1..=n: \[lo + (k−1)·w, lo + k·w), w = (hi − lo)/n (the last one closed at hi);
//! - k = n + 1: (hi, ∞), the right overflow bin.
//!
//! Each bin has a representative point, its centre; an overflow bin's is half a
//! bin width outside the grid, where the quantities treat its mass as sitting.
//!
//! # Non-finite values
//! [`Grid::bin_of`] sends −∞ to bin 0 and +∞ to bin n + 1, and returns `None`
//! for NaN. The constructors ignore non-finite ends of `extra` and fall back to
//! a unit-width grid when a density's quantiles are not finite.

use crate::density::{Mixture, Univariate};
use thiserror::Error;

/// Tail probability cut on each side of a density's central range.
pub const CENTRAL_TAIL: f64 = 1e-4;
/// Padding on each side of the central range, as a fraction of its width.
pub const PAD_FRACTION: f64 = 0.1;
/// The most a grid may be widened, in widths of the padded target range
/// (the whole grid spans at most this many target widths).
pub const MAX_WIDTHS: f64 = 10.0;

/// A grid that cannot be built from the numbers given.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GridError {
    #[error("grid needs finite lo < hi, got [{lo}, {hi}]")]
    Range { lo: f64, hi: f64 },
    #[error("grid needs at least one interior bin")]
    NoBins,
}

/// n uniform interior bins over \[lo, hi\] and two overflow bins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    lo: f64,
    hi: f64,
    n: usize,
    width: f64,
    inv_width: f64,
}

impl Grid {
    /// # Errors
    /// `lo`, `hi` not finite or `lo ≥ hi` (or a width that underflows), or `n = 0`.
    pub fn new(lo: f64, hi: f64, n: usize) -> Result<Grid, GridError> {
        if n == 0 {
            return Err(GridError::NoBins);
        }
        let width = (hi - lo) / n as f64;
        if !(lo.is_finite() && hi.is_finite() && lo < hi && width > 0.0 && width.is_finite()) {
            return Err(GridError::Range { lo, hi });
        }
        Ok(Grid {
            lo,
            hi,
            n,
            width,
            inv_width: 1.0 / width,
        })
    }

    /// The grid for training against `target`: its central range
    /// \[Q(1e-4), Q(1 − 1e-4)\] padded by 10 % of that width on each side, widened
    /// to include `extra` (where G puts mass) but by at most
    /// (`MAX_WIDTHS` − 1)/2 padded widths on each side. G's mass beyond lands in
    /// the overflow bins. `n = 0` is read as 1.
    pub fn for_target(target: &Mixture, extra: Option<(f64, f64)>, n: usize) -> Grid {
        let (lo, hi) = padded_range(target);
        let reach = 0.5 * (MAX_WIDTHS - 1.0) * (hi - lo);
        let (mut a, mut b) = (lo, hi);
        if let Some((x0, x1)) = extra {
            for x in [x0, x1] {
                if x.is_finite() {
                    a = a.min(x.max(lo - reach));
                    b = b.max(x.min(hi + reach));
                }
            }
        }
        Grid::new_or_unit(a, b, n)
    }

    /// A grid covering the central ranges of both `p` and `q`:
    /// \[min Q(1e-4), max Q(1 − 1e-4)\] padded by 10 % on each side.
    pub fn for_pair<P: Univariate, Q: Univariate>(p: &P, q: &Q, n: usize) -> Grid {
        let (a0, b0) = central_range(p);
        let (a1, b1) = central_range(q);
        let (a, b) = (a0.min(a1), b0.max(b1));
        let pad = PAD_FRACTION * (b - a);
        Grid::new_or_unit(a - pad, b + pad, n)
    }

    /// `new`, falling back on a unit-width grid around whatever is finite.
    fn new_or_unit(lo: f64, hi: f64, n: usize) -> Grid {
        let n = n.max(1);
        if let Ok(g) = Grid::new(lo, hi, n) {
            return g;
        }
        let c = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => 0.5 * lo + 0.5 * hi,
            (true, false) => lo,
            (false, true) => hi,
            (false, false) => 0.0,
        };
        let half = (c.abs() * 1e-6).max(0.5);
        Grid::new(c - half, c + half, n).unwrap_or(Grid {
            lo: -0.5,
            hi: 0.5,
            n,
            width: 1.0 / n as f64,
            inv_width: n as f64,
        })
    }

    /// Number of interior bins n.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of bins including the two overflow bins, n + 2.
    pub fn len(&self) -> usize {
        self.n + 2
    }

    /// Never true: a grid has at least three bins.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The left edge of the interior.
    pub fn lo(&self) -> f64 {
        self.lo
    }

    /// The right edge of the interior.
    pub fn hi(&self) -> f64 {
        self.hi
    }

    /// The interior bin width w = (hi − lo)/n.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Interior edge k = 0..=n: lo + k·w, with edge n exactly hi.
    pub fn edge(&self, k: usize) -> f64 {
        if k >= self.n {
            self.hi
        } else {
            self.lo + k as f64 * self.width
        }
    }

    /// The n + 1 interior edges.
    pub fn edges(&self) -> Vec<f64> {
        (0..=self.n).map(|k| self.edge(k)).collect()
    }

    /// The bounds of bin k (infinite for the overflow bins).
    pub fn bounds(&self, k: usize) -> (f64, f64) {
        if k == 0 {
            (f64::NEG_INFINITY, self.lo)
        } else if k > self.n {
            (self.hi, f64::INFINITY)
        } else {
            (self.edge(k - 1), self.edge(k))
        }
    }

    /// The representative point of bin k: the middle of an interior bin, and
    /// half a bin width outside the grid for the overflow bins.
    pub fn centre(&self, k: usize) -> f64 {
        if k == 0 {
            self.lo - 0.5 * self.width
        } else if k > self.n {
            self.hi + 0.5 * self.width
        } else {
            self.lo + (k as f64 - 0.5) * self.width
        }
    }

    /// The n + 2 representative points.
    pub fn centres(&self) -> Vec<f64> {
        (0..self.len()).map(|k| self.centre(k)).collect()
    }

    /// The bin holding x; `None` for NaN. x = hi belongs to the last interior bin.
    pub fn bin_of(&self, x: f64) -> Option<usize> {
        if x.is_nan() {
            None
        } else {
            Some(self.bin_of_number(x))
        }
    }

    /// `bin_of` for a number known not to be NaN (NaN gives bin 0).
    #[inline]
    pub(crate) fn bin_of_number(&self, x: f64) -> usize {
        if x < self.lo || x.is_nan() {
            0
        } else if x > self.hi {
            self.n + 1
        } else {
            // The float-to-int cast saturates; the min keeps x = hi interior.
            (((x - self.lo) * self.inv_width) as usize).min(self.n - 1) + 1
        }
    }

    /// 1/w, for callers that locate many points.
    pub(crate) fn inv_width(&self) -> f64 {
        self.inv_width
    }
}

/// \[Q(1e-4), Q(1 − 1e-4)\] of a density, found by bisection on its CDF (lower)
/// and survival function (upper), so that only `cdf`/`sf` are trusted.
fn central_range<D: Univariate>(d: &D) -> (f64, f64) {
    (
        solve_tail(|x| d.cdf(x), CENTRAL_TAIL, true),
        solve_tail(|x| d.sf(x), CENTRAL_TAIL, false),
    )
}

/// The x where a monotone tail function reaches `p`: F(x) = p when
/// `increasing`, S(x) = p otherwise. Brackets by doubling from ±1, then bisects.
fn solve_tail(f: impl Fn(f64) -> f64, p: f64, increasing: bool) -> f64 {
    // below(x): x is left of the solution.
    let below = |x: f64| if increasing { f(x) < p } else { f(x) > p };
    let (mut a, mut b) = (-1.0f64, 1.0f64);
    while !below(a) && a > -1e300 {
        a *= 2.0;
    }
    while below(b) && b < 1e300 {
        b *= 2.0;
    }
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if !(m > a && m < b) {
            break;
        }
        if below(m) {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

/// The central range padded by 10 % of its width on both sides.
fn padded_range<D: Univariate>(d: &D) -> (f64, f64) {
    let (a, b) = central_range(d);
    let pad = PAD_FRACTION * (b - a);
    let (lo, hi) = (a - pad, b + pad);
    if lo.is_finite() && hi.is_finite() && lo < hi {
        (lo, hi)
    } else {
        let g = Grid::new_or_unit(lo, hi, 1);
        (g.lo, g.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;

    #[test]
    fn bins_and_centres() {
        let g = Grid::new(0.0, 1.0, 4).unwrap();
        assert_eq!(g.len(), 6);
        assert_eq!(g.bin_of(-0.1), Some(0));
        assert_eq!(g.bin_of(0.0), Some(1));
        assert_eq!(g.bin_of(0.26), Some(2));
        assert_eq!(g.bin_of(1.0), Some(4));
        assert_eq!(g.bin_of(1.01), Some(5));
        assert_eq!(g.bin_of(f64::INFINITY), Some(5));
        assert_eq!(g.bin_of(f64::NEG_INFINITY), Some(0));
        assert_eq!(g.bin_of(f64::NAN), None);
        assert_eq!(g.centre(0), -0.125);
        assert_eq!(g.centre(1), 0.125);
        assert_eq!(g.centre(5), 1.125);
        assert_eq!(g.edges(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    }

    #[test]
    fn target_rule_and_cap() {
        let t = parse_spec("normal(0,1)").unwrap();
        let g = Grid::for_target(&t, None, 100);
        let q = 3.719_016_485_455_680_4; // scipy: norm.isf(1e-4)
        assert!((g.hi() - 1.2 * q).abs() < 1e-9);
        assert!((g.lo() + 1.2 * q).abs() < 1e-9);
        let w = g.hi() - g.lo();
        let wide = Grid::for_target(&t, Some((-1e9, 1e9)), 100);
        assert!((wide.hi() - wide.lo() - MAX_WIDTHS * w).abs() < 1e-9);
        let shifted = Grid::for_target(&t, Some((2.0, 7.0)), 100);
        assert_eq!(shifted.lo(), g.lo());
        assert_eq!(shifted.hi(), 7.0);
        for extra in [
            (f64::NAN, 3.0),
            (1.0, 1.0),
            (f64::INFINITY, f64::NEG_INFINITY),
        ] {
            let g2 = Grid::for_target(&t, Some(extra), 0);
            assert!(g2.lo() < g2.hi() && g2.n() == 1);
        }
    }
}
