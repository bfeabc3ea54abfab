//! The optimal discriminator and the value function of Goodfellow et al. (2014)
//! over bin masses P (p_data) and Q (p_g).
//!
//! # Formula
//! D*ᵢ = Pᵢ/(Pᵢ + Qᵢ),
//! V(G, D) = Σᵢ Pᵢ ln D(xᵢ) + Qᵢ ln(1 − D(xᵢ)),
//! C(G) = max_D V(G, D) = V(G, D*) = Σᵢ Pᵢ ln(Pᵢ/(Pᵢ+Qᵢ)) + Qᵢ ln(Qᵢ/(Pᵢ+Qᵢ)) = −ln 4 + 2·JSD.
//!
//! D is taken as logits lᵢ, D = σ(l), with ln D = −softplus(−l) and
//! ln(1 − D) = −softplus(l), softplus(x) = max(x, 0) + ln(1 + e^(−|x|)), so that
//! a saturated D never takes the log of 0.
//!
//! # Non-finite values
//! D*ᵢ is NaN where Pᵢ = Qᵢ = 0 (no mass: D is unconstrained there). A term with
//! zero mass contributes 0 to a sum (0·ln 0 = 0 and 0·(−∞) = 0), so a logit of
//! ±∞ only costs where the side it rules out has mass (V = −∞). A NaN mass or a
//! NaN logit under positive mass makes the sum NaN. Masses are expected ≥ 0.

use crate::scalar::softplus;

/// D*ᵢ = Pᵢ/(Pᵢ + Qᵢ) into `out`; NaN where both are 0.
///
/// # Panics
/// The three slices differ in length.
pub fn d_star_into(p: &[f64], q: &[f64], out: &mut [f64]) {
    assert!(p.len() == q.len() && q.len() == out.len(), "slice lengths");
    for ((o, &pi), &qi) in out.iter_mut().zip(p).zip(q) {
        let s = pi + qi;
        *o = if s > 0.0 { pi / s } else { f64::NAN };
    }
}

/// D*ᵢ = Pᵢ/(Pᵢ + Qᵢ); NaN where both are 0.
pub fn d_star(p: &[f64], q: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; p.len()];
    d_star_into(p, q, &mut out);
    out
}

/// V(G, D) = Σᵢ Pᵢ ln σ(lᵢ) + Qᵢ ln(1 − σ(lᵢ)) for D given as logits lᵢ per bin.
///
/// # Panics
/// The three slices differ in length.
pub fn value(p: &[f64], q: &[f64], logits: &[f64]) -> f64 {
    assert!(
        p.len() == q.len() && q.len() == logits.len(),
        "slice lengths"
    );
    let mut v = 0.0;
    for ((&pi, &qi), &l) in p.iter().zip(q).zip(logits) {
        if pi != 0.0 {
            v -= pi * softplus(-l);
        }
        if qi != 0.0 {
            v -= qi * softplus(l);
        }
    }
    v
}

/// C(G) = V(G, D*) = Σᵢ Pᵢ ln(Pᵢ/(Pᵢ+Qᵢ)) + Qᵢ ln(Qᵢ/(Pᵢ+Qᵢ)), computed
/// directly from the masses (0·ln 0 = 0). Equals −ln 4 + 2·JSD when both sum to 1.
pub fn c_of_g(p: &[f64], q: &[f64]) -> f64 {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let mut c = 0.0;
    for (&pi, &qi) in p.iter().zip(q) {
        let s = pi + qi;
        if pi > 0.0 {
            c += pi * (pi / s).ln();
        }
        if qi > 0.0 {
            c += qi * (qi / s).ln();
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturated_d_never_gives_log_zero() {
        // D = σ(800) = 1 in f64, yet V stays finite: ln(1 − D) = −800.
        let v = value(&[0.5, 0.5], &[0.25, 0.75], &[800.0, 0.0]);
        assert!((v - (-0.25 * 800.0 - 0.5 * 2f64.ln() - 0.75 * 2f64.ln())).abs() < 1e-12);
        // A logit of +∞ where Q has no mass costs nothing.
        assert!(
            value(
                &[1.0, 0.0],
                &[0.0, 1.0],
                &[f64::INFINITY, f64::NEG_INFINITY]
            ) == 0.0
        );
    }

    #[test]
    fn d_star_rule() {
        let d = d_star(&[0.2, 0.0, 0.0], &[0.2, 0.3, 0.0]);
        assert_eq!(d[0], 0.5);
        assert_eq!(d[1], 0.0);
        assert!(d[2].is_nan());
    }
}
