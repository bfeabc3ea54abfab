//! Labelled mixtures: a conditional target, where each component is a class.
//!
//! ```text
//! classes(normal(-2, 0.5), laplace(3, 1), 2*normal(6, 0.5))
//! ```
//!
//! is K = 3 classes with p_data(x | c) the c-th family and class weights
//! π_c ∝ the weights as written (1 when absent), renormalised as in any
//! mixture. The marginal `p_data(x) = Σ_c π_c p_data(x | c)` is an ordinary
//! [`Mixture`] whose terms are the classes, so everything that reads a
//! target as one density (`ganscope theory`, the grid, mode coverage, an
//! unconditional run) sees the marginal.
//!
//! # Drawing a labelled sample
//!
//! [`Classes::draw_class`] makes one draw `u` in (0, 1) and returns the
//! first class whose cumulative weight exceeds `u` — the very draw with
//! which [`Mixture`] picks a term when it samples — and
//! [`Classes::sample_in`] then draws x from that class's family.

use rand::Rng;
use std::fmt;

use super::{Family, Mixture, Univariate};

/// The most classes a target may have (one colour each in the figure).
pub const MAX_CLASSES: usize = 10;

/// A mixture whose components are classes; see the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    marginal: Mixture,
}

impl Classes {
    /// The classes of `marginal`'s terms, in order.
    pub(crate) fn from_marginal(marginal: Mixture) -> Classes {
        Classes { marginal }
    }

    /// The number of classes K.
    pub fn k(&self) -> usize {
        self.marginal.terms().len()
    }

    /// The class weights π_c (they sum to 1).
    pub fn weights(&self) -> &[f64] {
        self.marginal.weights()
    }

    /// The marginal p_data(x) = Σ_c π_c p_data(x | c).
    pub fn marginal(&self) -> &Mixture {
        &self.marginal
    }

    /// p_data(· | c) for `c < K`.
    ///
    /// # Panics
    /// For `c ≥ K`.
    pub fn family(&self, c: usize) -> &Family {
        &self.marginal.terms()[c].family
    }

    /// p_data(· | c) as a mixture of one term (what the grid functions read).
    ///
    /// # Panics
    /// For `c ≥ K`.
    pub fn class(&self, c: usize) -> Mixture {
        Mixture::single(self.family(c).clone())
    }

    /// One class drawn with probabilities π (one uniform draw; see the
    /// [module docs](self)).
    pub fn draw_class<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        self.marginal.pick(super::open_unit(rng))
    }

    /// One x from class `c`.
    ///
    /// # Panics
    /// For `c ≥ K`.
    pub fn sample_in<R: Rng + ?Sized>(&self, c: usize, rng: &mut R) -> f64 {
        self.family(c).sample(rng)
    }
}

impl fmt::Display for Classes {
    /// `classes(…)` in the grammar, weights as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "classes(")?;
        for (i, t) in self.marginal.terms().iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            if t.weight != 1.0 {
                write!(f, "{}*", t.weight)?;
            }
            write!(f, "{}", t.family)?;
        }
        write!(f, ")")
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_classes;
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn class_draws_follow_the_weights_and_match_the_mixtures_pick() {
        let c = parse_classes("classes(normal(-2, 0.5), 3*normal(3, 1))")
            .unwrap()
            .unwrap();
        assert_eq!(c.k(), 2);
        assert_eq!(c.weights(), &[0.25, 0.75]);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        let n = 40_000;
        let ones = (0..n).filter(|_| c.draw_class(&mut rng) == 1).count();
        let share = ones as f64 / n as f64;
        // 4.5 standard errors of a binomial share.
        assert!((share - 0.75).abs() < 4.5 * (0.75f64 * 0.25 / n as f64).sqrt());
        // A class draw then a draw in the class is the mixture's own sample.
        let (mut a, mut b) = (
            rand_pcg::Pcg64Mcg::seed_from_u64(9),
            rand_pcg::Pcg64Mcg::seed_from_u64(9),
        );
        for _ in 0..100 {
            let k = c.draw_class(&mut a);
            assert_eq!(c.sample_in(k, &mut a), c.marginal().sample(&mut b));
        }
    }
}
