//! The exact theory of a conditional GAN, class by class, and its marginal.
//!
//! # Formula
//! With class weights π_c, per-class bin masses P_c (p_data(· | c)) and
//! Q_c (p_g(· | c), the pushforward of p_z through G(·, c)), each summing
//! to 1, and D's logits per class:
//!
//! ```text
//! D*(x, c) = P_c / (P_c + Q_c)                       JSD_c = JSD(P_c ‖ Q_c)
//! V(G, D)  = Σ_c π_c V_c(G, D(·, c))                 (the cGAN value)
//! C(G)     = max_D V(G, D) = Σ_c π_c C_c = −ln 4 + 2 Σ_c π_c JSD_c
//! P = Σ_c π_c P_c,  Q = Σ_c π_c Q_c                  (the marginals)
//! JSD(P ‖ Q) ≤ Σ_c π_c JSD_c                        (joint convexity)
//! ```
//!
//! The last line is why a GAN that ignores its label can look right: a G
//! whose p_g(· | c) is the marginal for every c has JSD(P ‖ Q) = 0 and
//! JSD_c = JSD(P_c ‖ P) > 0 for every class.
//!
//! One D per class at its optimum, averaged with the posterior of the class
//! given x among real and fake samples, `r_c(x) ∝ π_c (P_c + Q_c)`, is the
//! marginal D* = P/(P + Q): [`class_mean`] gives the marginal picture of a
//! conditional D that way.
//!
//! # Non-finite values
//! As in each quantity's module ([`Theory`]); a class mean falls back to
//! the weights π where no class has mass.

use super::grid::Grid;
use super::snapshot::Theory;
use crate::density::Mode;

/// The theory of every class and of the marginals; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conditional {
    /// Each class's theory (D*(·, c), JSD_c, V_c, C_c, KL, W1, its modes).
    pub classes: Vec<Theory>,
    /// The marginals' theory, except `c_g` and `v`, which are the cGAN's
    /// (sums over the classes).
    pub marginal: Theory,
    /// The marginal bin masses P and Q.
    pub p: Vec<f64>,
    /// See `p`.
    pub q: Vec<f64>,
}

/// One class's masses and D.
#[derive(Debug, Clone, Copy)]
pub struct ClassInput<'a> {
    /// π_c.
    pub weight: f64,
    /// P_c (n + 2 bins).
    pub p: &'a [f64],
    /// Q_c.
    pub q: &'a [f64],
    /// D(·, c)'s logits, for the losses whose D is a probability.
    pub logits: Option<&'a [f64]>,
    /// The class's modes.
    pub modes: &'a [Mode],
}

impl Conditional {
    /// Every quantity; `modes` are the marginal's.
    ///
    /// # Panics
    /// A slice is not of length `grid.len()`.
    pub fn compute(grid: &Grid, classes: &[ClassInput<'_>], modes: &[Mode]) -> Conditional {
        let per: Vec<Theory> = classes
            .iter()
            .map(|c| Theory::compute(grid, c.p, c.q, c.logits, c.modes))
            .collect();
        let weights: Vec<f64> = classes.iter().map(|c| c.weight).collect();
        let p = mix(&weights, &classes.iter().map(|c| c.p).collect::<Vec<_>>());
        let q = mix(&weights, &classes.iter().map(|c| c.q).collect::<Vec<_>>());
        let mut marginal = Theory::compute(grid, &p, &q, None, modes);
        let jsd: Vec<f64> = per.iter().map(|t| t.jsd).collect();
        marginal.c_g = cgan_c_of_g(&weights, &jsd);
        marginal.v = cgan_value(&weights, &per.iter().map(|t| t.v).collect::<Vec<_>>());
        Conditional {
            classes: per,
            marginal,
            p,
            q,
        }
    }
}

/// `Σ_c π_c m_c`, bin by bin.
///
/// # Panics
/// The slices differ in length.
pub fn mix(weights: &[f64], masses: &[&[f64]]) -> Vec<f64> {
    let len = masses.first().map_or(0, |m| m.len());
    let mut out = vec![0.0; len];
    for (&w, m) in weights.iter().zip(masses) {
        assert_eq!(m.len(), len, "mass lengths");
        for (o, &v) in out.iter_mut().zip(*m) {
            *o += w * v;
        }
    }
    out
}

/// The cGAN's C(G) = −ln 4 + 2 Σ_c π_c JSD_c.
pub fn cgan_c_of_g(weights: &[f64], jsd: &[f64]) -> f64 {
    -(4f64.ln()) + 2.0 * weights.iter().zip(jsd).map(|(w, j)| w * j).sum::<f64>()
}

/// The cGAN's V(G, D) = Σ_c π_c V_c; `None` when a class has none.
pub fn cgan_value(weights: &[f64], v: &[Option<f64>]) -> Option<f64> {
    weights
        .iter()
        .zip(v)
        .map(|(w, v)| v.map(|v| w * v))
        .sum::<Option<f64>>()
}

/// `Σ_c r_c(x) values_c(x)` with `r_c ∝ π_c · by_c(x)` per bin (by the
/// weights alone where `Σ_c π_c by_c = 0`). With `by_c = P_c + Q_c` and
/// `values_c = D*(·, c)` this is the marginal D*.
///
/// # Panics
/// The slices differ in length.
pub fn class_mean(weights: &[f64], by: &[&[f64]], values: &[&[f64]]) -> Vec<f64> {
    let len = values.first().map_or(0, |v| v.len());
    (0..len)
        .map(|i| {
            let total: f64 = weights.iter().zip(by).map(|(w, b)| w * b[i]).sum();
            let mut acc = 0.0;
            for ((&w, b), v) in weights.iter().zip(by).zip(values) {
                let r = if total > 0.0 { w * b[i] / total } else { w };
                if r > 0.0 {
                    acc += r * v[i];
                }
            }
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::value::d_star_into;

    #[test]
    fn the_class_mean_of_the_optimal_ds_is_the_marginal_d_star() {
        let w = [0.25, 0.75];
        let p = [[0.1, 0.6, 0.3, 0.0], [0.0, 0.2, 0.3, 0.5]];
        let q = [[0.3, 0.3, 0.4, 0.0], [0.5, 0.0, 0.0, 0.5]];
        let mut star = [[0.0; 4]; 2];
        for c in 0..2 {
            d_star_into(&p[c], &q[c], &mut star[c]);
        }
        let by: Vec<Vec<f64>> = (0..2)
            .map(|c| p[c].iter().zip(&q[c]).map(|(a, b)| a + b).collect())
            .collect();
        let mean = class_mean(&w, &[&by[0], &by[1]], &[&star[0], &star[1]]);
        let (pm, qm) = (mix(&w, &[&p[0], &p[1]]), mix(&w, &[&q[0], &q[1]]));
        for i in 0..4 {
            let want = pm[i] / (pm[i] + qm[i]);
            assert!(
                (mean[i] - want).abs() < 1e-15,
                "bin {i}: {} vs {want}",
                mean[i]
            );
        }
    }
}
