//! Exact divergences between two analytic densities, for `ganscope theory`.
//!
//! # Formulas
//!
//! With m = ½(p + q) and the ratio r = p/m ∈ \[0, 2\]:
//!
//! - JSD(p, q) = ½·KL(p‖m) + ½·KL(q‖m) = ∫ ½\[p·ln(p/m) + q·ln(q/m)\] dx, in \[0, ln 2\];
//! - KL(p‖q) = ∫ p·ln(p/q) dx and KL(q‖p) = ∫ q·ln(q/p) dx;
//! - W1(p, q) = ∫ |F_p − F_q| dx;
//! - C(G) = −ln 4 + 2·JSD (Goodfellow et al. 2014, Theorem 1);
//! - the squared Hellinger distance H² = 1 − ∫ √(p·q) dx, in \[0, 1\];
//! - Pearson's χ²(p‖q) = ∫ (p − q)²/q dx and Neyman's χ²(p‖q) = ∫ (p − q)²/p dx
//!   (Pearson's with p and q swapped);
//! - the total variation TV = ½ ∫ |p − q| dx, in \[0, 1\].
//!
//! # Which quantities are infinite
//!
//! Decided from the closed forms, never from the size of a number:
//! KL(p‖q) = ∞ when a support interval of p is not covered by the support of q
//! (p then puts positive mass where q is zero, since every family is positive on
//! the interior of its support), or when [`kl_tail_finite`] says the integral
//! diverges over a tail (a power-law p against an exponential-type q).
//! W1 = ∞ when [`w1_tail_finite`] fails on a side. The χ² divergences follow
//! [`chi2_finite`] (supports, tails and the behaviour next to support edges);
//! a finite χ² too large for f64 (p²/q overflowing) is reported as ∞.
//! JSD, H² and TV are always finite.
//!
//! # Atoms
//!
//! A `dirac(x₀)` term is a point mass, kept exact: each density is an atomic
//! part (the atoms aⱼ at xⱼ, [`Mixture::atoms`]) plus a continuous part of
//! mass κ = 1 − Σ aⱼ with a sub-density p_c. A point is a cell of its own:
//! the continuous parts put no mass on it, so the divergences split into a
//! sum over the atoms (of p or q, positions matched exactly) and the integral
//! over the continuous parts:
//!
//! - JSD = ½ Σ_x \[a ln(2a/(a+b)) + b ln(2b/(a+b))\] + ∫ ½\[p_c ln(2p_c/(p_c+q_c)) + q_c ln(2q_c/(p_c+q_c))\],
//!   with a, b the atoms of p and q at x; so JSD = ln 2 when p's atoms are
//!   nowhere atoms of q and the continuous parts do not overlap (δ against any
//!   density, δ(x₀) against δ(x₁));
//! - KL(p‖q) = Σ_x a ln(a/b) + ∫ p_c ln(p_c/q_c), infinite when some atom of p
//!   is not an atom of q (b = 0), or when p's continuous part is not covered
//!   by q's; so KL(δ(x₀)‖q) is finite only when q has an atom at x₀;
//! - W1 = ∫ |F_p − F_q| with the CDFs' steps at the atoms: against δ(x₀),
//!   W1 = E|X − x₀|, infinite for a Cauchy (no mean);
//! - H² = ½ Σ_x (√a − √b)² + ½ ∫ (√p_c − √q_c)² and
//!   TV = ½ Σ_x |a − b| + ½ ∫ |p_c − q_c|: an atom with nothing of the other
//!   side at its point counts fully (½a in each), so H² = TV = 1 between
//!   δ(x₀) and any density, and between δ(x₀) and δ(x₁);
//! - χ²(p‖q) = Σ_x (a − b)²/b + ∫ (p_c − q_c)²/q_c, infinite when some atom of
//!   p is not an atom of q (it divides by b = 0) or when the continuous parts
//!   make it so ([`chi2_finite`]); an atom of q where p has none adds its
//!   mass b. So χ²(δ(x₀)‖q) is finite only when q has an atom at x₀
//!   (χ²(δ(x₀)‖b·δ(x₀) + (1 − b)·q_c) = (1 − b)²/b + (1 − b) = 1/b − 1), and
//!   χ²(q‖δ(x₀)) = ∞ for every q ≠ δ(x₀) with a continuous part. Neyman's is
//!   Pearson's with p and q swapped.
//!
//! The atoms are breakpoints, so every piece of the quadrature below is
//! smooth; the integrals see only the continuous parts (the reference μ is
//! built from them and renormalised to a probability).
//!
//! # Method
//!
//! Every integral ∫ f(x) dx is taken in the probability coordinate u = F_μ(x) of
//! the reference density μ = ¾·m + ¼·c, where c is a Cauchy density centred on
//! the components and as wide as their spread: dx = du / μ(x), u ∈ (0, 1).
//!
//! - The m part makes the coordinate follow the mass: narrow modes far apart, a
//!   Cauchy tail or a density on \[0, 1\] all get the same share of nodes, with
//!   no per-pair tuning.
//! - The c part keeps μ > 0 on the whole line. The W1 integrand |F_p − F_q|/μ
//!   lives where m may be astronomically small (the gap between two far modes
//!   holds all of W1); with μ ≥ c/4 it stays bounded there. It also makes the
//!   ends u = 0, 1 always the infinite tails, and every finite breakpoint an
//!   interior point of (0, 1).
//!
//! (0, 1) is cut at u = F_μ(b) for every breakpoint b of p and q (support
//! edges, the Laplace kink), so that each piece is smooth. Each piece gets
//! uniform panels (about [`PANELS`] over (0, 1), at least two) with
//! [`GL_ORDER`]-point Gauss–Legendre nodes. The panel next to every piece end is
//! refined geometrically (widths h/4, h/16, …): down to u ≈ 1e-280 at the
//! infinite tails (stopping once the integrands vanish or |x| passes 1e100), and
//! down to the resolution of u (4ε·u) at an interior cut. On such a panel the
//! endpoint behaviour (ln-singularities of ln(p/q) at a support edge, u^(−β)
//! growth of a heavy-tailed KL) is smooth relative to the panel, so the
//! Gauss–Legendre rule converges there too.
//!
//! Each node x = F_μ⁻¹(u) is found by a safeguarded Newton iteration on
//! ln F_μ(x) = ln u below the median of μ and on ln S_μ(x) = ln(1 − u) above it
//! (S the survival function, so the upper tail keeps relative precision),
//! started from the previous node of the same piece and kept inside the piece's
//! x-interval. The integrands are formed from logs of the densities so that far
//! tails keep their digits: with d = ln q − ln p,
//! ln r = ln 2 − ln(1 + e^d), and, per unit of u,
//!
//! - JSD: ½\[(p/μ)·ln r + (q/μ)·ln(2 − r)\],
//! - KL(p‖q): (p/μ)·(ln p − ln q),
//! - W1: |F_p − F_q|/μ, with F_p − F_q = S_q − S_p above the median of μ;
//! - H² = ½∫(√p − √q)² (the same as 1 − ∫√(pq), without its cancellation):
//!   ½(a/μ)·(1 − e^(−|d|/2))² with a the larger of p and q and d = ln q − ln p;
//! - χ²: (p − q)²/(q·μ) as (q/μ)·(e^(−d) − 1)² where p < q and as
//!   exp(2 ln p − ln q − ln μ)·(1 − e^d)² where p ≥ q (no overflow, no
//!   cancellation); an integral known to be infinite is not summed at all;
//! - TV: ½(a/μ)·(1 − e^(−|d|)).
//!
//! # Work
//!
//! Each evaluation of a family costs a bounded amount (the constructors
//! refuse the parameters where it would not, see `density::families`), and
//! the bisections of [`REFINE_BUDGET`] panels at most are spent in all: an
//! integrand that never settles (the kinks of |F_p − F_q| and |p − q|, or a
//! CDF whose last digits are noise, as the incomplete beta function's are for
//! a Student t with ν in the tens) stops being refined rather than taking
//! minutes. Every call finishes in well under 2 s (`tests/theory_exact.rs`
//! holds a hang guard; README gives timings).
//!
//! # Accuracy
//!
//! The change of variables is exact; what remains is the quadrature of
//! integrands that are smooth (analytic) on every panel, with at most a
//! logarithmic or integrable power singularity at a piece end that the geometric
//! panels resolve. With 16-point rules on ~2 000 panels the rule error is below
//! 1e-12 for every family of the grammar, the dropped end intervals weigh less
//! than ~1e-15, and the inversion is exact to a few ulps, so the results agree
//! with 30-digit references to ~1e-9 or better (see `tests/theory_exact.rs`).
//! Limit: a KL over power tails that converges only barely (α − b − 1 ≪ 0.1,
//! e.g. a student_t with ν just above 2 against a normal) converges too slowly
//! for the cut at |x| = 1e100 to be negligible.

use super::chi2_finite::chi2_finite;
use crate::density::families::Cauchy;
use crate::density::{Family, Mixture, Univariate, kl_tail_finite, w1_tail_finite};
use crate::scalar::softplus;
use serde::Serialize;
use std::f64::consts::LN_2;

/// The divergences between a target p and a model q; `None` is +∞.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Divergences {
    /// Jensen–Shannon divergence, in \[0, ln 2\].
    pub jsd: f64,
    /// KL(p‖q).
    pub kl_pq: Option<f64>,
    /// KL(q‖p).
    pub kl_qp: Option<f64>,
    /// Wasserstein-1 distance ∫ |F_p − F_q| dx.
    pub w1: Option<f64>,
    /// C(G) = −ln 4 + 2·JSD, the value of the game at the optimal discriminator.
    pub c_g: f64,
    /// The squared Hellinger distance 1 − ∫ √(p·q), in \[0, 1\].
    pub hellinger2: f64,
    /// Pearson's χ²(p‖q) = ∫ (p − q)²/q.
    pub chi2_pearson: Option<f64>,
    /// Neyman's χ²(p‖q) = ∫ (p − q)²/p.
    pub chi2_neyman: Option<f64>,
    /// The total variation ½ ∫ |p − q|, in \[0, 1\].
    pub tv: f64,
}

/// The integrals summed together, in this order.
const N: usize = 8;
const JSD: usize = 0;
const KL_PQ: usize = 1;
const KL_QP: usize = 2;
const W1: usize = 3;
const H2: usize = 4;
const CHI2_P: usize = 5;
const CHI2_N: usize = 6;
const TV: usize = 7;

/// Uniform panels over the whole of (0, 1), before the end refinements.
pub const PANELS: usize = 2048;
/// Gauss–Legendre nodes per panel.
pub const GL_ORDER: usize = 16;
/// Beyond this |x| a tail's remainder is dropped.
const X_MAX: f64 = 1e100;
/// The smallest distance to an infinite end (u or 1 − u) that is refined to.
const U_MIN: f64 = 1e-280;
/// Most bisections of one panel.
const MAX_DEPTH: usize = 12;
/// Most geometric panels toward one end.
const MAX_REFINE: usize = 600;
/// Most panels that bisections may add in one call, over all pieces (a few
/// times the ~6 000 panels of the uniform pass).
pub const REFINE_BUDGET: usize = 16_384;

/// Every divergence of [`Divergences`] between p and q; see the module docs
/// for the method.
pub fn divergences(p: &Mixture, q: &Mixture) -> Divergences {
    let pearson = chi2_finite(p, q);
    let neyman = chi2_finite(q, p);
    let mut sums = Integrator::new(p, q, [pearson, neyman]).integrate();
    let atoms = atom_sums(p, q);
    for (s, a) in sums.iter_mut().zip(atoms) {
        *s += a;
    }
    let jsd = sums[JSD].clamp(0.0, LN_2);
    Divergences {
        jsd,
        kl_pq: kl_finite(p, q).then_some(sums[KL_PQ].max(0.0)),
        kl_qp: kl_finite(q, p).then_some(sums[KL_QP].max(0.0)),
        w1: (0..2)
            .all(|s| w1_tail_finite(p.tails()[s], q.tails()[s]))
            .then_some(sums[W1].max(0.0)),
        c_g: -2.0 * LN_2 + 2.0 * jsd,
        hellinger2: sums[H2].clamp(0.0, 1.0),
        // A finite χ² beyond f64's range (p²/q overflowing) is reported as ∞.
        chi2_pearson: pearson
            .then_some(sums[CHI2_P].max(0.0))
            .filter(|v| v.is_finite()),
        chi2_neyman: neyman
            .then_some(sums[CHI2_N].max(0.0))
            .filter(|v| v.is_finite()),
        tv: sums[TV].clamp(0.0, 1.0),
    }
}

/// Whether KL(p‖q) is finite: every atom of p is an atom of q, the support
/// of q's continuous part covers that of p's, and both tails converge.
fn kl_finite(p: &Mixture, q: &Mixture) -> bool {
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
    atoms_matched && covered && (0..2).all(|s| kl_tail_finite(p.tails()[s], q.tails()[s]))
}

/// The atoms' share of every sum (0 for W1, whose steps the integral
/// already sees): a sum over the positions of the atoms of p and q, each a
/// cell where the continuous parts put no mass, with a and b the atoms of p
/// and q there (0 where a side has none):
///
/// ```text
/// JSD  ½[a ln(2a/(a+b)) + b ln(2b/(a+b))]     KL(p‖q)  a ln(a/b)     KL(q‖p)  b ln(b/a)
/// H²   ½(√a − √b)²                           χ²(p‖q)  (a − b)²/b    χ²(q‖p)  (a − b)²/a
/// TV   ½|a − b|
/// ```
///
/// So an atom with none on the other side counts fully in JSD (½a ln 2),
/// H² (½a) and TV (½a), and gives the χ² that divides by the other side
/// its mass b (Pearson, where p has no atom) — or ∞ where the divisor is the
/// missing side: a KL or χ² term with no atom on its dividing side is left
/// out here, and [`kl_finite`] and [`chi2_finite`] make that divergence ∞.
fn atom_sums(p: &Mixture, q: &Mixture) -> [f64; N] {
    let (pa, qa) = (p.atoms(), q.atoms());
    let mut xs: Vec<f64> = pa.iter().chain(&qa).map(|a| a.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let at =
        |atoms: &[(f64, f64)], x: f64| atoms.iter().filter(|a| a.0 == x).map(|a| a.1).sum::<f64>();
    let mut sums = [0.0; N];
    for x in xs {
        let (a, b) = (at(&pa, x), at(&qa, x));
        let m = a + b;
        if a > 0.0 {
            sums[JSD] += 0.5 * a * (2.0 * a / m).ln();
            sums[CHI2_N] += (a - b) * (a - b) / a;
            if b > 0.0 {
                sums[KL_PQ] += a * (a / b).ln();
            }
        }
        if b > 0.0 {
            sums[JSD] += 0.5 * b * (2.0 * b / m).ln();
            sums[CHI2_P] += (a - b) * (a - b) / b;
            if a > 0.0 {
                sums[KL_QP] += b * (b / a).ln();
            }
        }
        sums[H2] += 0.5 * (a.sqrt() - b.sqrt()).powi(2);
        sums[TV] += 0.5 * (a - b).abs();
    }
    sums
}

/// Gauss–Legendre nodes and weights on \[−1, 1\], by Newton on Pₙ.
fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            // Recurrence for Pₙ(x) and its derivative.
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
            let dx = p1 / dp;
            x -= dx;
            if dx.abs() <= 1e-16 {
                break;
            }
        }
        out.push((x, 2.0 / ((1.0 - x * x) * dp * dp)));
    }
    out
}

/// A point of (0, 1) held as both u and v = 1 − u; the smaller one is accurate.
#[derive(Debug, Clone, Copy)]
struct Pt {
    x: f64,
    u: f64,
    v: f64,
}

/// The values at one node that the integrands need.
#[derive(Debug, Clone, Copy)]
struct Node {
    lp: f64,
    lq: f64,
    lmu: f64,
    /// F_p − F_q.
    df: f64,
}

/// ln(3/8): the weight of p (and of q) in μ = ¾·½(p + q) + ¼·c.
const LN_W_PQ: f64 = -0.980_829_253_011_726_1;
/// ln(1/4): the weight of c in μ.
const LN_W_C: f64 = -1.386_294_361_119_890_6;

struct Integrator<'a> {
    p: &'a Mixture,
    q: &'a Mixture,
    /// Whether each χ² integral (Pearson, Neyman) is finite, so summed.
    chi2: [bool; 2],
    /// Panels the bisections may still add (see [`REFINE_BUDGET`]).
    budget: std::cell::Cell<usize>,
    c: Family,
    /// The total mass of ¾·½(p_c + q_c) + ¼·c before renormalising μ (1
    /// without atoms), and its log.
    z: f64,
    ln_z: f64,
    /// The centre and scale of c, to seed the inversion.
    loc: f64,
    scale: f64,
    gl: Vec<(f64, f64)>,
}

impl<'a> Integrator<'a> {
    fn new(p: &'a Mixture, q: &'a Mixture, chi2: [bool; 2]) -> Self {
        let (mut lo, mut hi, mut spread) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        for t in p.terms().iter().chain(q.terms()) {
            // The centre of the quartiles: `quantile(0.5)` of laplace and cauchy
            // never returns (quantile and isf call each other at ½).
            let med = 0.5 * t.family.quantile(0.25) + 0.5 * t.family.quantile(0.75);
            lo = lo.min(med);
            hi = hi.max(med);
            spread = spread.max(t.family.robust_scale());
        }
        let loc = 0.5 * lo + 0.5 * hi;
        let scale = spread.max(0.5 * (hi - lo));
        let loc = if loc.is_finite() { loc } else { 0.0 };
        let c = Cauchy::new(loc, scale)
            .or_else(|_| Cauchy::new(0.0, 1.0))
            .map(Family::Cauchy)
            .expect("cauchy(0, 1) is valid");
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        let z = 0.375 * (p.continuous_mass() + q.continuous_mass()) + 0.25;
        Integrator {
            p,
            q,
            chi2,
            budget: std::cell::Cell::new(REFINE_BUDGET),
            c,
            z,
            ln_z: z.ln(),
            loc,
            scale,
            gl: gauss_legendre(GL_ORDER),
        }
    }

    /// F_μ, from the continuous parts only (the atoms are breakpoints).
    fn cdf(&self, x: f64) -> f64 {
        (0.375 * (self.p.cdf_continuous(x) + self.q.cdf_continuous(x)) + 0.25 * self.c.cdf(x))
            / self.z
    }

    fn sf(&self, x: f64) -> f64 {
        (0.375 * (self.p.sf_continuous(x) + self.q.sf_continuous(x)) + 0.25 * self.c.sf(x)) / self.z
    }

    /// ln μ(x), by log-sum-exp (`lp`, `lq` the logs of the continuous parts).
    fn ln_mu(&self, lp: f64, lq: f64, lc: f64) -> f64 {
        let a = [LN_W_PQ + lp, LN_W_PQ + lq, LN_W_C + lc];
        let m = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        m + a.iter().map(|v| (v - m).exp()).sum::<f64>().ln() - self.ln_z
    }

    fn node(&self, x: f64, lower: bool) -> Node {
        let (lp, lq) = (self.p.ln_pdf(x), self.q.ln_pdf(x));
        let lmu = self.ln_mu(lp, lq, self.c.ln_pdf(x));
        let df = if lower {
            self.p.cdf(x) - self.q.cdf(x)
        } else {
            self.q.sf(x) - self.p.sf(x)
        };
        Node { lp, lq, lmu, df }
    }

    /// x in (lo, hi) with F_μ(x) = t (`lower`) or S_μ(x) = t, by safeguarded
    /// Newton on the log of the tail probability, started at `x0`.
    fn invert(&self, t: f64, lower: bool, (mut lo, mut hi): (f64, f64), x0: f64) -> f64 {
        let lt = t.ln();
        let mut x = x0;
        if !(x > lo && x < hi) {
            x = match (lo.is_finite(), hi.is_finite()) {
                (true, true) => 0.5 * lo + 0.5 * hi,
                (true, false) => lo + self.scale,
                (false, true) => hi - self.scale,
                (false, false) => self.loc,
            };
        }
        for _ in 0..200 {
            let tail = if lower { self.cdf(x) } else { self.sf(x) };
            // g is increasing in x for `lower`; flip the sign for the upper tail.
            let g = if tail > 0.0 {
                tail.ln() - lt
            } else {
                f64::NEG_INFINITY
            };
            let g = if lower { g } else { -g };
            if g == 0.0 {
                return x;
            }
            if g < 0.0 {
                lo = x;
            } else {
                hi = x;
            }
            let mu = self
                .ln_mu(self.p.ln_pdf(x), self.q.ln_pdf(x), self.c.ln_pdf(x))
                .exp();
            // d(ln F)/dx = μ/F; d(−ln S)/dx = μ/S.
            let mut xn = x - g * tail / mu;
            if g.abs() <= 4.0 * f64::EPSILON {
                // The residual is at rounding level: one last step, kept in the bracket.
                return if xn > lo && xn < hi { xn } else { x };
            }
            if xn <= lo || xn >= hi || !xn.is_finite() {
                let step = 2.0 * (x.abs() + self.scale);
                xn = match (lo.is_finite(), hi.is_finite()) {
                    (true, true) => 0.5 * lo + 0.5 * hi,
                    (true, false) => x + step,
                    (false, true) => x - step,
                    (false, false) => x,
                };
            }
            if (xn - x).abs() <= 2.0 * f64::EPSILON * xn.abs().max(f64::MIN_POSITIVE)
                || (hi - lo) <= 2.0 * f64::EPSILON * lo.abs().max(hi.abs())
                    && hi - lo < f64::INFINITY
            {
                return xn;
            }
            x = xn;
        }
        x
    }

    /// [`Self::panel`], bisected until the rule on the whole panel agrees with
    /// the sum over its halves to ~1e-10 of the panel's own contribution, or to
    /// 1e-14 per unit of u (the
    /// sum over the halves, far more accurate, is kept). This resolves the few
    /// panels where μ turns from a narrow mode to the Cauchy floor.
    fn adaptive(
        &self,
        piece: (Pt, Pt),
        from_left: bool,
        (s0, s1): (f64, f64),
        x_prev: &mut f64,
        depth: usize,
    ) -> ([f64; N], f64) {
        let (whole, x0) = self.panel(piece, from_left, (s0, s1), x_prev);
        self.refine(piece, from_left, (s0, s1), x_prev, depth, whole, x0)
    }

    #[allow(clippy::too_many_arguments)]
    fn refine(
        &self,
        piece: (Pt, Pt),
        from_left: bool,
        (s0, s1): (f64, f64),
        x_prev: &mut f64,
        depth: usize,
        whole: [f64; N],
        x_max: f64,
    ) -> ([f64; N], f64) {
        let mid = 0.5 * (s0 + s1);
        // Walk toward the end: the far half (larger offsets) first.
        let (far, x1) = self.panel(piece, from_left, (mid, s1), x_prev);
        let (near, x2) = self.panel(piece, from_left, (s0, mid), x_prev);
        let x_max = x_max.max(x1).max(x2);
        let mut sum = [0.0; N];
        let mut ok = true;
        for i in 0..N {
            sum[i] = far[i] + near[i];
            let scale = far[i].abs() + near[i].abs();
            if (whole[i] - sum[i]).abs() > 1e-10 * scale + 1e-14 * (s1 - s0) {
                ok = false;
            }
        }
        if ok || depth >= MAX_DEPTH || !(mid > s0 && mid < s1) || self.budget.get() < 4 {
            return (sum, x_max);
        }
        // The two halves below bisect into four panels.
        self.budget.set(self.budget.get() - 4);
        let (a, xa) = self.refine(piece, from_left, (mid, s1), x_prev, depth + 1, far, x1);
        let (b, xb) = self.refine(piece, from_left, (s0, mid), x_prev, depth + 1, near, x2);
        let mut out = [0.0; N];
        for i in 0..N {
            out[i] = a[i] + b[i];
        }
        (out, x_max.max(xa).max(xb))
    }

    /// ∫ over the panel of offsets \[s0, s1\] from piece end `end` (its left end
    /// when `from_left`), in the piece `(a, b)`. Returns the four sums and the
    /// largest |x| of its nodes; `x_prev` is the warm start, updated.
    fn panel(
        &self,
        (a, b): (Pt, Pt),
        from_left: bool,
        (s0, s1): (f64, f64),
        x_prev: &mut f64,
    ) -> ([f64; N], f64) {
        let (half, mid) = (0.5 * (s1 - s0), 0.5 * (s0 + s1));
        let mut sums = [0.0; N];
        let mut x_max = 0.0f64;
        // The nodes run from z = +1 to −1: toward the end, like the panels.
        for &(z, w) in &self.gl {
            let s = mid + half * z;
            let (u, v) = if from_left {
                (a.u + s, a.v - s)
            } else {
                (b.u - s, b.v + s)
            };
            let lower = u <= 0.5;
            let target = if lower { u } else { v };
            if target <= 0.0 {
                continue;
            }
            let mut x = self.invert(target, lower, (a.x, b.x), *x_prev);
            // Stay strictly inside the piece, on the right side of each breakpoint.
            if x <= a.x {
                x = a.x.next_up();
            }
            if x >= b.x {
                x = b.x.next_down();
            }
            *x_prev = x;
            x_max = x_max.max(x.abs());
            let n = self.node(x, lower);
            let f = integrands(&n, self.chi2);
            for (acc, fi) in sums.iter_mut().zip(f) {
                *acc += w * half * fi;
            }
        }
        (sums, x_max)
    }

    /// The four integrals, in the order JSD, KL(p‖q), KL(q‖p), W1.
    fn integrate(&self) -> [f64; N] {
        let mut cuts: Vec<f64> = self
            .p
            .breakpoints()
            .into_iter()
            .chain(self.q.breakpoints())
            .filter(|b| b.is_finite())
            .collect();
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut pts = vec![Pt {
            x: f64::NEG_INFINITY,
            u: 0.0,
            v: 1.0,
        }];
        pts.extend(cuts.iter().map(|&x| Pt {
            x,
            u: self.cdf(x),
            v: self.sf(x),
        }));
        pts.push(Pt {
            x: f64::INFINITY,
            u: 1.0,
            v: 0.0,
        });

        let mut total = [0.0; N];
        for w in pts.windows(2) {
            let piece = self.piece((w[0], w[1]));
            for (t, s) in total.iter_mut().zip(piece) {
                *t += s;
            }
        }
        total
    }

    fn piece(&self, (a, b): (Pt, Pt)) -> [f64; N] {
        let width = if a.u < 0.5 { b.u - a.u } else { a.v - b.v };
        let mut total = [0.0; N];
        if width.is_nan() || width <= 0.0 {
            return total;
        }
        let half_n = ((0.5 * width * PANELS as f64).ceil() as usize).max(1);
        let h = 0.5 * width / half_n as f64;
        let mut add = |s: [f64; N]| {
            for (t, v) in total.iter_mut().zip(s) {
                *t += v;
            }
        };
        for from_left in [true, false] {
            let end = if from_left { a } else { b };
            let mut x_prev = if from_left { a.x } else { b.x };
            // The uniform panels of this half, walking toward the end.
            for k in (1..half_n).rev() {
                let (s, _) = self.adaptive(
                    (a, b),
                    from_left,
                    (k as f64 * h, (k + 1) as f64 * h),
                    &mut x_prev,
                    0,
                );
                add(s);
            }
            // The geometric panels into the end.
            let infinite = end.x.is_infinite();
            let s_min = if infinite {
                U_MIN
            } else {
                4.0 * f64::EPSILON * end.u.min(end.v)
            };
            let mut hi = h;
            let mut zero_run = 0;
            for _ in 0..MAX_REFINE {
                let lo = if hi * 0.25 > s_min { hi * 0.25 } else { 0.0 };
                // Not bisected: the geometric grading already resolves the end.
                let (s, x_max) = self.panel((a, b), from_left, (lo, hi), &mut x_prev);
                if infinite && x_max > X_MAX {
                    break;
                }
                add(s);
                if lo == 0.0 {
                    break;
                }
                if s.iter().all(|v| *v == 0.0) {
                    zero_run += 1;
                    if zero_run >= 2 && infinite {
                        break;
                    }
                } else {
                    zero_run = 0;
                }
                hi = lo;
            }
        }
        total
    }
}

/// The integrands per unit of u at one node, in the order of the sums
/// (JSD, KL(p‖q), KL(q‖p), W1, H², χ²(p‖q), χ²(q‖p), TV); a χ² known
/// to be infinite is 0 (`chi2`: which are finite).
fn integrands(n: &Node, chi2: [bool; 2]) -> [f64; N] {
    let rp = (n.lp - n.lmu).exp();
    let rq = (n.lq - n.lmu).exp();
    let w1 = n.df.abs() * (-n.lmu).exp();
    let mut out = [0.0; N];
    out[W1] = w1;
    if rp == 0.0 && rq == 0.0 {
        return out;
    }
    let d = n.lq - n.lp;
    // ln r and ln(2 − r), r = p/m = 2/(1 + e^d).
    let (ln_r, ln_s) = if d == 0.0 {
        (0.0, 0.0)
    } else {
        (LN_2 - softplus(d), LN_2 - softplus(-d))
    };
    let term = |w: f64, l: f64| if w == 0.0 { 0.0 } else { w * l };
    let finite_or_zero = |v: f64| if v.is_finite() { v } else { 0.0 };
    out[JSD] = 0.5 * (term(rp, ln_r) + term(rq, ln_s));
    out[KL_PQ] = finite_or_zero(term(rp, n.lp - n.lq));
    out[KL_QP] = finite_or_zero(term(rq, n.lq - n.lp));
    // ½(√p − √q)² and ½|p − q|, over μ, from the larger density:
    // ½·a·(1 − √(b/a))² and ½·a·(1 − b/a) with b/a = e^(−|d|) ≤ 1.
    let (ra, dd) = if d <= 0.0 { (rp, d) } else { (rq, -d) };
    out[H2] = 0.5 * ra * (0.5 * dd).exp_m1().powi(2);
    out[TV] = -0.5 * ra * dd.exp_m1();
    // (a − b)²/(b·μ) for (a, b) = (p, q) and (q, p), from the logs.
    // An overflow stays +∞ (the caller reports ∞); only NaN becomes 0.
    let not_nan = |v: f64| if v.is_nan() { 0.0 } else { v };
    let chi2_of = |la: f64, lb: f64, rb: f64| {
        let e = lb - la;
        if e > 0.0 {
            // a < b: (b/μ)·(a/b − 1)².
            not_nan(rb * (-e).exp_m1().powi(2))
        } else if lb == f64::NEG_INFINITY {
            // b = 0 where a > 0: outside b's support, which the closed form
            // has ruled out; a node on the edge itself adds nothing.
            0.0
        } else {
            // a ≥ b: (a²/(b·μ))·(1 − b/a)².
            not_nan((2.0 * la - lb - n.lmu).exp() * e.exp_m1().powi(2))
        }
    };
    if chi2[0] {
        out[CHI2_P] = chi2_of(n.lp, n.lq, rq);
    }
    if chi2[1] {
        out[CHI2_N] = chi2_of(n.lq, n.lp, rp);
    }
    out
}
