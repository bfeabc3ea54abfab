//! Weighted mixtures of families: every target is one (a single family is a
//! mixture of one term).

use super::invert::{numeric_isf, numeric_quantile};
use super::{DensityError, Family, Tail, Univariate};
use rand::Rng;
use std::fmt;

/// One weighted term of a mixture, with the weight as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub weight: f64,
    pub family: Family,
}

/// A mode of a target, for mode coverage: a centre, a width and its share of mass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mode {
    pub centre: f64,
    pub sigma: f64,
    pub weight: f64,
}

/// Σᵢ wᵢ·pᵢ(x) with wᵢ = weightᵢ / Σ weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixture {
    terms: Vec<Term>,
    weights: Vec<f64>,
}

impl Mixture {
    /// # Errors
    /// No term, or a weight that is not positive and finite.
    pub fn new(terms: Vec<Term>) -> Result<Self, DensityError> {
        if terms.is_empty() {
            return Err(DensityError::Empty);
        }
        for t in &terms {
            if !(t.weight.is_finite() && t.weight > 0.0) {
                return Err(DensityError::Weight(t.weight));
            }
        }
        let total: f64 = terms.iter().map(|t| t.weight).sum();
        if !total.is_finite() {
            return Err(DensityError::Weight(total));
        }
        let weights = terms.iter().map(|t| t.weight / total).collect();
        Ok(Mixture { terms, weights })
    }

    /// A mixture of one family.
    pub fn single(family: Family) -> Self {
        Mixture {
            terms: vec![Term {
                weight: 1.0,
                family,
            }],
            weights: vec![1.0],
        }
    }

    /// The terms as written.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The normalised weights, in term order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    fn components(&self) -> impl Iterator<Item = (f64, &Family)> {
        self.weights
            .iter()
            .copied()
            .zip(self.terms.iter().map(|t| &t.family))
    }

    /// Every mode of every term, weighted by the term's share.
    pub fn modes(&self) -> Vec<Mode> {
        let mut out = Vec::new();
        for (w, f) in self.components() {
            let ms = f.modes();
            let share = w / ms.len() as f64;
            out.extend(ms.into_iter().map(|(centre, sigma)| Mode {
                centre,
                sigma,
                weight: share,
            }));
        }
        out
    }

    /// The support as sorted, disjoint closed intervals (two separated uniforms
    /// give two intervals).
    pub fn support_intervals(&self) -> Vec<(f64, f64)> {
        let mut iv: Vec<(f64, f64)> = self
            .terms
            .iter()
            .flat_map(|t| t.family.support_intervals())
            .collect();
        iv.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(iv.len());
        for (lo, hi) in iv {
            match out.last_mut() {
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        out
    }

    /// The point masses (`dirac` terms) as `(x, mass)` with their normalised
    /// weights, sorted by x, terms at the same x merged. Empty for a density.
    pub fn atoms(&self) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = self
            .components()
            .filter(|(_, f)| f.is_atom())
            .map(|(w, f)| (f.peak(), w))
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(out.len());
        for (x, w) in out {
            match merged.last_mut() {
                Some(last) if last.0 == x => last.1 += w,
                _ => merged.push((x, w)),
            }
        }
        merged
    }

    /// `true` when some term is a point mass.
    pub fn has_atoms(&self) -> bool {
        self.terms.iter().any(|t| t.family.is_atom())
    }

    /// The mass of the continuous part: 1 − the atoms' mass.
    pub fn continuous_mass(&self) -> f64 {
        self.components()
            .filter(|(_, f)| !f.is_atom())
            .map(|(w, _)| w)
            .sum()
    }

    /// The CDF of the continuous part alone, Σ over the non-atom terms of
    /// wᵢFᵢ(x), rising from 0 to [`continuous_mass`](Self::continuous_mass)
    /// (the CDF itself when there are no atoms).
    pub fn cdf_continuous(&self, x: f64) -> f64 {
        if !self.has_atoms() {
            return self.cdf(x);
        }
        self.components()
            .filter(|(_, f)| !f.is_atom())
            .map(|(w, f)| w * f.cdf(x))
            .sum::<f64>()
            .max(0.0)
    }

    /// The survival function of the continuous part alone (its mass above x).
    pub fn sf_continuous(&self, x: f64) -> f64 {
        if !self.has_atoms() {
            return self.sf(x);
        }
        self.components()
            .filter(|(_, f)| !f.is_atom())
            .map(|(w, f)| w * f.sf(x))
            .sum::<f64>()
            .max(0.0)
    }

    /// The support of the continuous part, as sorted disjoint closed
    /// intervals (empty for a pure point mass; a `pieces` term zero on a
    /// stretch gives an interval on each side of it).
    pub fn continuous_support_intervals(&self) -> Vec<(f64, f64)> {
        let mut iv: Vec<(f64, f64)> = self
            .terms
            .iter()
            .filter(|t| !t.family.is_atom())
            .flat_map(|t| t.family.support_intervals())
            .collect();
        iv.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(iv.len());
        for (lo, hi) in iv {
            match out.last_mut() {
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        out
    }

    /// Probability mass outside the support of `other` (zero when `other`
    /// covers this density's support).
    pub fn mass_outside(&self, other: &Mixture) -> f64 {
        let theirs = other.support_intervals();
        let mut inside = 0.0;
        for (lo, hi) in theirs {
            inside += (self.cdf(hi) - self.cdf(lo)).max(0.0);
        }
        (1.0 - inside).max(0.0)
    }

    /// The term a uniform draw `u` in (0, 1) picks: the first whose
    /// cumulative weight exceeds `u` (the last when rounding leaves `u`
    /// above them all).
    pub(crate) fn pick(&self, u: f64) -> usize {
        let mut acc = 0.0;
        for (i, w) in self.weights.iter().enumerate() {
            acc += w;
            if u < acc {
                return i;
            }
        }
        self.terms.len() - 1
    }

    /// A location and scale to seed numeric searches.
    fn guess(&self) -> (f64, f64) {
        let (mut lo, mut hi, mut scale) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        for t in &self.terms {
            let m = t.family.quantile(0.5);
            lo = lo.min(m);
            hi = hi.max(m);
            scale = scale.max(t.family.robust_scale());
        }
        (0.5 * (lo + hi), scale.max(0.5 * (hi - lo)).max(1e-12))
    }
}

impl Univariate for Mixture {
    fn ln_pdf(&self, x: f64) -> f64 {
        if let [t] = self.terms.as_slice() {
            return t.family.ln_pdf(x);
        }
        // log-sum-exp, so that far tails keep their logs.
        let logs: Vec<f64> = self
            .components()
            .map(|(w, f)| w.ln() + f.ln_pdf(x))
            .collect();
        let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !m.is_finite() {
            return m;
        }
        m + logs.iter().map(|l| (l - m).exp()).sum::<f64>().ln()
    }
    fn pdf(&self, x: f64) -> f64 {
        self.components().map(|(w, f)| w * f.pdf(x)).sum()
    }
    fn cdf(&self, x: f64) -> f64 {
        self.components()
            .map(|(w, f)| w * f.cdf(x))
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }
    fn sf(&self, x: f64) -> f64 {
        self.components()
            .map(|(w, f)| w * f.sf(x))
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }
    fn quantile(&self, u: f64) -> f64 {
        if let [t] = self.terms.as_slice() {
            return t.family.quantile(u);
        }
        let (g, s) = self.guess();
        numeric_quantile(self, u, g, s)
    }
    fn isf(&self, v: f64) -> f64 {
        if let [t] = self.terms.as_slice() {
            return t.family.isf(v);
        }
        let (g, s) = self.guess();
        numeric_isf(self, v, g, s)
    }
    fn support(&self) -> (f64, f64) {
        self.terms
            .iter()
            .map(|t| t.family.support())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |acc, s| {
                (acc.0.min(s.0), acc.1.max(s.1))
            })
    }
    fn support_intervals(&self) -> Vec<(f64, f64)> {
        Mixture::support_intervals(self)
    }
    fn breakpoints(&self) -> Vec<f64> {
        let mut b: Vec<f64> = self
            .terms
            .iter()
            .flat_map(|t| t.family.breakpoints())
            .collect();
        b.sort_by(f64::total_cmp);
        b.dedup();
        b
    }
    fn tails(&self) -> [Tail; 2] {
        let side = |i: usize| Tail::of_mixture(self.components().map(|(w, f)| (w, f.tails()[i])));
        [side(0), side(1)]
    }
    fn mean(&self) -> Option<f64> {
        self.components()
            .map(|(w, f)| f.mean().map(|m| w * m))
            .sum()
    }
    fn robust_scale(&self) -> f64 {
        if let [t] = self.terms.as_slice() {
            return t.family.robust_scale();
        }
        (self.quantile(0.75) - self.quantile(0.25)) / 1.348_979_500_392_163_5
    }
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if let [t] = self.terms.as_slice() {
            return t.family.sample(rng);
        }
        let u = super::open_unit(rng);
        self.terms[self.pick(u)].family.sample(rng)
    }
}

impl fmt::Display for Mixture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                write!(f, " + ")?;
            }
            if t.weight != 1.0 {
                write!(f, "{}*", t.weight)?;
            }
            write!(f, "{}", t.family)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Mixture {
    type Err = super::SpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_spec(s)
    }
}
