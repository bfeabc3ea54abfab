//! Target densities: the families of the spec grammar, their weighted mixtures,
//! labelled mixtures whose components are classes (conditional targets), and
//! the parser that reads and prints them.
//!
//! Every family validates its parameters in its constructor and returns a
//! [`DensityError`] instead of panicking on user numbers. Each provides the
//! pdf, its log, the CDF and survival function, the quantile (in closed form or
//! by numeric inversion), sampling through `rand_distr`, its support, the
//! points where its pdf is not smooth, and the asymptotic form of its tails
//! (which decides whether a KL or W1 against another density is finite).
//!
//! Conventions: `ln_pdf` is `-inf` outside the support; `cdf`/`sf` are exact
//! complements up to rounding, each accurate in its own tail; `quantile(0)` and
//! `quantile(1)` are the support's edges (possibly infinite).

mod classes;
pub mod data_file;
mod error;
pub mod families;
mod invert;
mod mixture;
pub mod smooth;
pub mod spec;
mod tail;

pub use classes::{Classes, MAX_CLASSES};
pub use error::DensityError;
pub use families::Family;
pub use mixture::{Mixture, Mode, Term};
pub use spec::{
    SpecError, parse_classes, parse_classes_in, parse_spec, parse_spec_in, print_spec,
    print_spec_in,
};
pub use tail::{Tail, kl_tail_finite, w1_tail_finite};

use rand::Rng;

/// A univariate continuous distribution.
pub trait Univariate {
    /// Natural log of the density; `-inf` outside the support.
    fn ln_pdf(&self, x: f64) -> f64;

    /// The density.
    fn pdf(&self, x: f64) -> f64 {
        self.ln_pdf(x).exp()
    }

    /// P(X ≤ x).
    fn cdf(&self, x: f64) -> f64;

    /// P(X > x), accurate where it is tiny.
    fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }

    /// The x with cdf(x) = u, for u in \[0, 1\].
    fn quantile(&self, u: f64) -> f64;

    /// The x with sf(x) = v (inverse survival function), accurate for tiny v.
    fn isf(&self, v: f64) -> f64 {
        self.quantile(1.0 - v)
    }

    /// The closed support \[lo, hi\], with infinite ends where unbounded.
    fn support(&self) -> (f64, f64);

    /// The support as disjoint closed intervals, in order (one unless the
    /// density is zero on a stretch inside its support, as `pieces` can be).
    fn support_intervals(&self) -> Vec<(f64, f64)> {
        vec![self.support()]
    }

    /// Finite points where the pdf is not smooth (support edges, kinks).
    fn breakpoints(&self) -> Vec<f64> {
        let (lo, hi) = self.support();
        [lo, hi].into_iter().filter(|x| x.is_finite()).collect()
    }

    /// The left (x → −∞) and right (x → +∞) tails.
    fn tails(&self) -> [Tail; 2];

    /// The mean, when it exists.
    fn mean(&self) -> Option<f64>;

    /// A robust scale: (Q(0.75) − Q(0.25)) / 1.349, equal to σ for a normal.
    fn robust_scale(&self) -> f64 {
        (self.quantile(0.75) - self.quantile(0.25)) / 1.348_979_500_392_163_5
    }

    /// One draw.
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64;
}

/// A uniform draw in (0, 1), never exactly 0 or 1, for inverse-CDF sampling.
pub(crate) fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 53 random bits, shifted by half an ulp so that both ends are excluded.
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The log of the standard normal's normalising constant, ln √(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
