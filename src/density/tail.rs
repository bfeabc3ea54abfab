//! How a density decays far from its centre.
//!
//! The exact divergences integrate over the whole real line. Whether
//! KL(p‖q) or W1(p, q) is finite depends only on how the two tails compare,
//! which no finite grid can see, so every family states its tails in closed form.

use std::cmp::Ordering;

/// The asymptotic form of one tail of a density (x → −∞ or x → +∞).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tail {
    /// The density is zero beyond a finite edge.
    Bounded,
    /// ln p(x) ≈ −c·|x|^b (normal: b = 2; laplace, exponential, gamma: b = 1).
    Exponential { b: f64, c: f64 },
    /// ln p(x) ≈ −(ln |x|)² / (2σ²): lighter than any power, heavier than any exponential.
    LogQuadratic { sigma: f64 },
    /// p(x) ≈ c·|x|^(−alpha) with alpha > 1 (cauchy: alpha = 2, c = γ/π).
    Power { alpha: f64, c: f64 },
}

impl Tail {
    /// Compare heaviness: `Greater` means `self` decays more slowly than `other`.
    pub fn heaviness_cmp(&self, other: &Tail) -> Ordering {
        fn rank(t: &Tail) -> u8 {
            match t {
                Tail::Bounded => 0,
                Tail::Exponential { .. } => 1,
                Tail::LogQuadratic { .. } => 2,
                Tail::Power { .. } => 3,
            }
        }
        match (self, other) {
            (Tail::Exponential { b: b1, c: c1 }, Tail::Exponential { b: b2, c: c2 }) => {
                // Smaller exponent, then smaller rate, is heavier.
                b2.total_cmp(b1).then(c2.total_cmp(c1))
            }
            (Tail::LogQuadratic { sigma: s1 }, Tail::LogQuadratic { sigma: s2 }) => {
                s1.total_cmp(s2)
            }
            (Tail::Power { alpha: a1, c: c1 }, Tail::Power { alpha: a2, c: c2 }) => {
                a2.total_cmp(a1).then(c1.total_cmp(c2))
            }
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// The tail of a weighted sum of densities: the heaviest term dominates; power
    /// laws of the same exponent add their coefficients.
    pub fn of_mixture(tails: impl IntoIterator<Item = (f64, Tail)>) -> Tail {
        let mut best = Tail::Bounded;
        for (w, t) in tails {
            let t = match t {
                Tail::Power { alpha, c } => Tail::Power { alpha, c: w * c },
                other => other,
            };
            best = match (best, t) {
                (Tail::Power { alpha: a1, c: c1 }, Tail::Power { alpha: a2, c: c2 })
                    if a1 == a2 =>
                {
                    Tail::Power {
                        alpha: a1,
                        c: c1 + c2,
                    }
                }
                (b, t) => {
                    if t.heaviness_cmp(&b) == Ordering::Greater {
                        t
                    } else {
                        b
                    }
                }
            };
        }
        best
    }

    /// Whether the first moment of this tail is finite (needed for W1).
    pub fn has_mean(&self) -> bool {
        !matches!(self, Tail::Power { alpha, .. } if *alpha <= 2.0)
    }
}

/// Whether ∫ p·ln(p/q) converges over one tail, given both tails on the same side.
///
/// Only a power-law p against an exponential-type q can diverge there:
/// the integrand behaves like |x|^(−α)·c|x|^b, finite iff α − b > 1.
/// A bounded q against an unbounded p is a support mismatch, handled by the caller.
pub fn kl_tail_finite(p: Tail, q: Tail) -> bool {
    match (p, q) {
        (Tail::Bounded, _) => true,
        (_, Tail::Bounded) => false,
        (Tail::Power { alpha, .. }, Tail::Exponential { b, .. }) => alpha - b > 1.0,
        _ => true,
    }
}

/// Whether ∫ |F_p − F_q| converges over one tail.
///
/// Finite when both tails have a mean; otherwise only when the leading power
/// terms cancel exactly (same exponent and coefficient, e.g. two shifted Cauchys),
/// leaving a difference of order |x|^(−α) with α > 1.
pub fn w1_tail_finite(p: Tail, q: Tail) -> bool {
    if p.has_mean() && q.has_mean() {
        return true;
    }
    match (p, q) {
        (Tail::Power { alpha: a1, c: c1 }, Tail::Power { alpha: a2, c: c2 }) => {
            a1 == a2 && (c1 - c2).abs() <= 1e-12 * c1.abs().max(c2.abs())
        }
        _ => false,
    }
}
