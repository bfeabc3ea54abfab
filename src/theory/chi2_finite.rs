//! Whether the χ² divergence ∫ (p − q)²/q dx between two densities is
//! finite, decided from their closed forms (as [`super::exact`] decides KL
//! and W1), never from the size of a number.
//!
//! # Rule
//! When it is finite, ∫ (p − q)²/q = ∫ p²/q − 1, so it is infinite exactly when
//! ∫ p²/q diverges somewhere:
//!
//! 1. p puts mass where q has none: an atom of p (a `dirac` term) that is
//!    not an atom of q, or a continuous part of p not covered by the support
//!    of q's continuous part (atoms are cells of their own: see
//!    [`super::atoms`]; q's atoms where p has none add their mass, finite);
//! 2. over a tail (x → ±∞), with both tails in [`Tail`]'s forms:
//!    - power laws p ~ |x|^(−α₁), q ~ |x|^(−α₂): finite iff 2α₁ − α₂ > 1;
//!    - ln p ~ −c₁|x|^b₁ against ln q ~ −c₂|x|^b₂: finite iff b₁ > b₂, or
//!      b₁ = b₂ and 2c₁ > c₂;
//!    - log-quadratic (lognormal) tails −(ln x)²/(2σ²): finite iff 2σ₂² > σ₁²;
//!    - across kinds, finite iff p's tail is the lighter one;
//! 3. at a finite point e where a density has a support edge, one side at a
//!    time: near e each density behaves like |x − e|^β (β = 0 where it is
//!    positive and finite, k − 1 for gamma(k) at 0, a − 1 and b − 1 for
//!    beta(a, b) at 0 and 1, +∞ with log-quadratic decay for the lognormal
//!    at 0; a mixture takes the smallest β of the terms present on that
//!    side). p²/q ~ |x − e|^(2β_p − β_q) is integrable iff 2β_p − β_q > −1.
//!    Two lognormal edges compare as their tails do.
//!
//! An exactly balanced pair (2c₁ = c₂, 2σ₂² = σ₁²) is taken as divergent:
//! true for the normal, laplace, exponential and lognormal families, where
//! p²/q then tends to a constant or grows like a power of x; a gamma pair
//! whose polynomial prefactors would still make it converge is the one
//! exception, reported infinite.

use crate::density::{Family, Mixture, Tail, Univariate};

/// How a density behaves next to a finite point, on one side.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edge {
    /// No mass on this side.
    Absent,
    /// ~ |x − e|^β.
    Power(f64),
    /// ~ exp(−(ln |x − e|)²/(2σ²)): below every power (the lognormal at 0).
    LogQuadratic(f64),
}

/// χ²(p‖q) = ∫ (p − q)²/q dx is finite; see the [module docs](self).
pub fn chi2_finite(p: &Mixture, q: &Mixture) -> bool {
    let q_atoms = q.atoms();
    let atoms_matched = p
        .atoms()
        .iter()
        .all(|&(x, _)| q_atoms.iter().any(|&(y, b)| y == x && b > 0.0));
    let theirs = q.continuous_support_intervals();
    let covered = p
        .continuous_support_intervals()
        .iter()
        .all(|&(lo, hi)| theirs.iter().any(|&(a, b)| a <= lo && hi <= b));
    if !(atoms_matched && covered) {
        return false;
    }
    if !(0..2).all(|s| tail_finite(p.tails()[s], q.tails()[s])) {
        return false;
    }
    let mut points: Vec<f64> = p
        .breakpoints()
        .into_iter()
        .chain(q.breakpoints())
        .filter(|x| x.is_finite())
        .collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    points.iter().all(|&e| {
        [false, true]
            .iter()
            .all(|&right| edge_finite(edge(p, e, right), edge(q, e, right)))
    })
}

/// ∫ p²/q converges over one tail.
fn tail_finite(p: Tail, q: Tail) -> bool {
    use Tail::{Bounded, Exponential, LogQuadratic, Power};
    match (p, q) {
        (Bounded, _) => true,
        (_, Bounded) => false,
        (Exponential { b: b1, c: c1 }, Exponential { b: b2, c: c2 }) => {
            b1 > b2 || (b1 == b2 && 2.0 * c1 > c2)
        }
        (Exponential { .. }, LogQuadratic { .. } | Power { .. }) => true,
        (LogQuadratic { sigma: s1 }, LogQuadratic { sigma: s2 }) => 2.0 * s2 * s2 > s1 * s1,
        (LogQuadratic { .. }, Power { .. }) => true,
        (LogQuadratic { .. } | Power { .. }, Exponential { .. }) => false,
        (Power { .. }, LogQuadratic { .. }) => false,
        (Power { alpha: a1, .. }, Power { alpha: a2, .. }) => 2.0 * a1 - a2 > 1.0,
    }
}

/// ∫ p²/q converges next to a finite point on one side.
fn edge_finite(p: Edge, q: Edge) -> bool {
    match (p, q) {
        (Edge::Absent, _) => true,
        // Mass of p where q has none: the support check has failed already.
        (_, Edge::Absent) => false,
        (Edge::LogQuadratic(_), Edge::Power(_)) => true,
        (Edge::Power(_), Edge::LogQuadratic(_)) => false,
        (Edge::LogQuadratic(s1), Edge::LogQuadratic(s2)) => 2.0 * s2 * s2 > s1 * s1,
        (Edge::Power(bp), Edge::Power(bq)) => 2.0 * bp - bq > -1.0,
    }
}

/// The behaviour of a mixture next to `e`, on its right side (`right`) or left.
fn edge(m: &Mixture, e: f64, right: bool) -> Edge {
    let mut best = Edge::Absent;
    for t in m.terms() {
        let here = family_edge(&t.family, e, right);
        best = match (best, here) {
            (Edge::Absent, h) | (h, Edge::Absent) => h,
            (Edge::Power(a), Edge::Power(b)) => Edge::Power(a.min(b)),
            (Edge::Power(a), Edge::LogQuadratic(_)) | (Edge::LogQuadratic(_), Edge::Power(a)) => {
                Edge::Power(a)
            }
            // The slower decay (larger σ) dominates.
            (Edge::LogQuadratic(a), Edge::LogQuadratic(b)) => Edge::LogQuadratic(a.max(b)),
        };
    }
    best
}

/// One family next to `e`, on one side.
fn family_edge(f: &Family, e: f64, right: bool) -> Edge {
    let (lo, hi) = f.support();
    let present = if right {
        lo <= e && e < hi
    } else {
        lo < e && e <= hi
    };
    if !present {
        return Edge::Absent;
    }
    let at_lo = right && e == lo;
    let at_hi = !right && e == hi;
    if !(at_lo || at_hi) {
        return Edge::Power(0.0);
    }
    match f {
        Family::Gamma(g) => Edge::Power(g.shape - 1.0),
        Family::Beta(b) => Edge::Power(if at_lo { b.a - 1.0 } else { b.b - 1.0 }),
        Family::LogNormal(l) => Edge::LogQuadratic(l.sigma),
        // Uniform and exponential start at a positive density; the others
        // have no finite edge.
        Family::Uniform(_)
        | Family::Exponential(_)
        | Family::Normal(_)
        | Family::Laplace(_)
        | Family::Cauchy(_)
        | Family::StudentT(_)
        | Family::Modes(_) => Edge::Power(0.0),
        // A point mass has no continuous part on either side (its support
        // is the point, so `present` failed above).
        Family::Dirac(_) => Edge::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::density::parse_spec;

    fn finite(p: &str, q: &str) -> bool {
        chi2_finite(&parse_spec(p).unwrap(), &parse_spec(q).unwrap())
    }

    #[test]
    fn the_closed_forms_decide() {
        // Normals: ∫ p²/q < ∞ iff 2σ_q² > σ_p².
        assert!(finite("normal(0, 1)", "normal(3, 1)"));
        assert!(finite("normal(0, 1.4)", "normal(0, 1)"));
        assert!(!finite("normal(0, 1.5)", "normal(0, 1)"));
        // Heavy against light, and power laws: 2α₁ − α₂ > 1.
        assert!(!finite("cauchy(0, 1)", "normal(0, 1)"));
        assert!(finite("normal(0, 1)", "cauchy(0, 1)"));
        assert!(finite("cauchy(0, 1)", "cauchy(1, 2)"));
        assert!(finite("student_t(3, 0, 1)", "cauchy(0, 1)"));
        // Supports and edges.
        assert!(!finite("uniform(0, 2)", "uniform(0, 1)"));
        assert!(finite("uniform(0, 1)", "uniform(-1, 2)"));
        assert!(finite("uniform(0, 1)", "beta(1.5, 1.5)"));
        assert!(!finite("uniform(0, 1)", "beta(2, 2)"));
        assert!(!finite("beta(0.5, 1)", "uniform(0, 1)"));
        assert!(finite("beta(0.8, 1)", "uniform(0, 1)"));
        assert!(!finite("uniform(0, 1)", "lognormal(0, 1)"));
        // exp(−(ln x)²) outlasts e^{−x}: p²/q grows.
        assert!(!finite("lognormal(0, 1)", "exponential(1)"));
        assert!(finite("exponential(2)", "exponential(1)"));
        assert!(!finite("exponential(1)", "exponential(2)"));
        // A mixture takes its heaviest term on each side.
        assert!(finite(
            "uniform(0, 1)",
            "0.5*beta(2, 2) + 0.5*uniform(0, 1)"
        ));
    }

    #[test]
    fn atoms_must_be_matched_on_the_dividing_side() {
        assert!(finite("dirac(0)", "dirac(0)"));
        assert!(!finite("dirac(0)", "dirac(1)"));
        assert!(!finite("dirac(0)", "normal(0, 1)"));
        assert!(!finite("normal(0, 1)", "dirac(0)"));
        // q's atom where p has none adds its mass: finite.
        assert!(finite("dirac(0)", "0.5*dirac(0) + 0.5*normal(0, 1)"));
        assert!(finite("normal(0, 1)", "0.5*dirac(3) + 0.5*normal(0, 1)"));
        assert!(!finite("0.5*dirac(0) + 0.5*normal(0, 1)", "normal(0, 1)"));
        // The continuous parts still decide beside matched atoms.
        assert!(!finite(
            "0.5*dirac(0) + 0.5*normal(0, 1.5)",
            "0.5*dirac(0) + 0.5*normal(0, 1)"
        ));
        assert!(finite(
            "0.5*dirac(0) + 0.5*normal(0, 1.4)",
            "0.5*dirac(0) + 0.5*normal(0, 1)"
        ));
    }
}
