//! f-divergences between two binned distributions P (p_data) and Q (p_g), and
//! the least-squares GAN's optimum.
//!
//! # Formula
//! JSD(P‖Q) = ½ Σ Pᵢ ln(2Pᵢ/(Pᵢ+Qᵢ)) + ½ Σ Qᵢ ln(2Qᵢ/(Pᵢ+Qᵢ)),
//! KL(P‖Q) = Σ Pᵢ ln(Pᵢ/Qᵢ),
//! χ²(P‖Q) = Σ (Pᵢ − Qᵢ)²/Qᵢ (Pearson's; Neyman's is χ²(Q‖P)),
//! H²(P, Q) = ½ Σ (√Pᵢ − √Qᵢ)² = 1 − Σ √(PᵢQᵢ) (the squared Hellinger distance),
//! TV(P, Q) = ½ Σ |Pᵢ − Qᵢ|,
//! and LSGAN's χ²_Pearson(P + Q ‖ 2Q) = Σ (2Qᵢ − (Pᵢ+Qᵢ))²/(Pᵢ+Qᵢ) = Σ (Qᵢ − Pᵢ)²/(Pᵢ + Qᵢ).
//!
//! LSGAN (Mao et al. 2017) trains D on min ½E_data(D − b)² + ½E_g(D − a)², whose
//! optimum is D*(x) = (b·p_data + a·p_g)/(p_data + p_g): with the 0/1 labels
//! (a = 0 fake, b = 1 real) that is the GAN's own D* = p_data/(p_data + p_g).
//! With their a = −1, b = 1 and G's target c = 0 (so b − c = 1, b − a = 2), G
//! minimises 2·C_LS(G) = χ²_Pearson(p_data + p_g ‖ 2p_g), the sum above; that
//! is the curve ganscope draws for LSGAN, whichever labels train it.
//!
//! # Non-finite values
//! 0·ln 0 = 0 and bins with Pᵢ + Qᵢ = 0 contribute nothing. KL and χ² are
//! `None` — infinite — when some bin has mass on its first side and none on
//! the other; they are never a huge finite number. Rounding cannot make JSD leave
//! \[0, ln 2\] or KL go below 0: both are clamped. A NaN mass gives NaN.

use std::f64::consts::LN_2;

/// JSD(P‖Q) = ½ Σ Pᵢ ln(2Pᵢ/(Pᵢ+Qᵢ)) + ½ Σ Qᵢ ln(2Qᵢ/(Pᵢ+Qᵢ)), in \[0, ln 2\] (nats).
///
/// # Panics
/// The slices differ in length.
pub fn jsd(p: &[f64], q: &[f64]) -> f64 {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let mut s = 0.0;
    for (&pi, &qi) in p.iter().zip(q) {
        let m = pi + qi;
        if pi > 0.0 {
            s += pi * (2.0 * pi / m).ln();
        }
        if qi > 0.0 {
            s += qi * (2.0 * qi / m).ln();
        }
    }
    // `clamp` would keep a NaN, which is what we want.
    (0.5 * s).clamp(0.0, LN_2)
}

/// Mass of P where Q is 0 below which [`kl`] still counts the supports as
/// agreeing: ten times the tail the grid resolves for a normal prior
/// ([`super::prior::SLIVER_MASS`]). Past its last resolved z-segment the
/// pushforward p_g is exactly 0, so a G that matches p_data to every digit
/// would otherwise have an infinite KL(p_data‖p_g) from p_data's tails of
/// 1e-15.
pub const UNRESOLVED_MASS: f64 = 1e-12;

/// KL(P‖Q) = Σ Pᵢ ln(Pᵢ/Qᵢ) over the bins where both are positive; `None`
/// (infinite) when P puts a total of [`UNRESOLVED_MASS`] or more on bins
/// where Q is 0 (supports that disagree).
///
/// # Panics
/// The slices differ in length.
pub fn kl(p: &[f64], q: &[f64]) -> Option<f64> {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let mut s = 0.0;
    let mut outside = 0.0;
    for (&pi, &qi) in p.iter().zip(q) {
        if pi > 0.0 {
            if qi > 0.0 {
                s += pi * (pi / qi).ln();
            } else {
                outside += pi;
            }
        }
    }
    if outside >= UNRESOLVED_MASS {
        return None;
    }
    Some(s.max(0.0))
}

/// χ²(P‖Q) = Σ (Pᵢ − Qᵢ)²/Qᵢ over the bins where Q > 0 (Pearson's; Neyman's
/// is `chi2(q, p)`); `None` (infinite) when P puts [`UNRESOLVED_MASS`] or more
/// on bins where Q is 0, as [`kl`].
///
/// # Panics
/// The slices differ in length.
pub fn chi2(p: &[f64], q: &[f64]) -> Option<f64> {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let (mut s, mut outside) = (0.0, 0.0);
    for (&pi, &qi) in p.iter().zip(q) {
        if qi > 0.0 {
            let d = pi - qi;
            s += d * d / qi;
        } else if pi > 0.0 {
            outside += pi;
        }
    }
    if outside >= UNRESOLVED_MASS || s.is_infinite() {
        return None;
    }
    Some(s)
}

/// H²(P, Q) = ½ Σ (√Pᵢ − √Qᵢ)², in \[0, 1\] (the same as 1 − Σ √(PᵢQᵢ)
/// without its cancellation).
///
/// # Panics
/// The slices differ in length.
pub fn hellinger2(p: &[f64], q: &[f64]) -> f64 {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let s: f64 = p
        .iter()
        .zip(q)
        .map(|(&a, &b)| (a.max(0.0).sqrt() - b.max(0.0).sqrt()).powi(2))
        .sum();
    (0.5 * s).clamp(0.0, 1.0)
}

/// TV(P, Q) = ½ Σ |Pᵢ − Qᵢ|, in \[0, 1\].
///
/// # Panics
/// The slices differ in length.
pub fn tv(p: &[f64], q: &[f64]) -> f64 {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let s: f64 = p.iter().zip(q).map(|(a, b)| (a - b).abs()).sum();
    (0.5 * s).clamp(0.0, 1.0)
}

/// χ²_Pearson(P + Q ‖ 2Q) = Σ (Qᵢ − Pᵢ)²/(Pᵢ + Qᵢ), the divergence LSGAN's
/// generator minimises (twice its value at the optimal D); in \[0, 2\].
///
/// # Panics
/// The slices differ in length.
pub fn lsgan_chi2(p: &[f64], q: &[f64]) -> f64 {
    assert_eq!(p.len(), q.len(), "slice lengths");
    let mut s = 0.0;
    for (&pi, &qi) in p.iter().zip(q) {
        let m = pi + qi;
        if m > 0.0 {
            let d = qi - pi;
            s += d * d / m;
        }
    }
    s
}

/// LSGAN's optimal D with labels a (fake) and b (real):
/// D*ᵢ = (b·Pᵢ + a·Qᵢ)/(Pᵢ + Qᵢ); NaN where both are 0. With a = 0, b = 1 it is
/// [`super::value::d_star`].
///
/// # Panics
/// The three slices differ in length.
pub fn lsgan_d_star_into(p: &[f64], q: &[f64], a: f64, b: f64, out: &mut [f64]) {
    assert!(p.len() == q.len() && q.len() == out.len(), "slice lengths");
    for ((o, &pi), &qi) in out.iter_mut().zip(p).zip(q) {
        let m = pi + qi;
        *o = if m > 0.0 {
            (b * pi + a * qi) / m
        } else {
            f64::NAN
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disjoint_and_equal() {
        let (p, q) = ([0.5, 0.5, 0.0], [0.0, 0.0, 1.0]);
        assert!((jsd(&p, &q) - LN_2).abs() < 1e-15);
        assert_eq!(jsd(&p, &p), 0.0);
        assert_eq!(kl(&p, &q), None);
        assert_eq!(kl(&p, &p), Some(0.0));
        assert!((lsgan_chi2(&p, &q) - 2.0).abs() < 1e-15);
        assert_eq!(lsgan_chi2(&p, &p), 0.0);
        assert_eq!(chi2(&p, &q), None);
        assert_eq!(chi2(&p, &p), Some(0.0));
        assert!((hellinger2(&p, &q) - 1.0).abs() < 1e-15 && hellinger2(&p, &p) == 0.0);
        assert!((tv(&p, &q) - 1.0).abs() < 1e-15 && tv(&p, &p) == 0.0);
    }

    #[test]
    fn kl_by_hand() {
        // 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) = 0.5 ln(4/3)
        let k = kl(&[0.5, 0.5], &[0.25, 0.75]).unwrap();
        assert!((k - 0.5 * (4.0f64 / 3.0).ln()).abs() < 1e-15);
        // Q > 0 where P = 0 keeps KL(P‖Q) finite but KL(Q‖P) infinite.
        assert!(kl(&[1.0, 0.0], &[0.5, 0.5]).is_some());
        assert!(kl(&[0.5, 0.5], &[1.0, 0.0]).is_none());
        // P's unresolved tails where Q is exactly 0 do not make it infinite,
        // their sum does once it reaches UNRESOLVED_MASS.
        let tail = 1e-13;
        let k = kl(&[tail, 1.0 - 2.0 * tail, tail], &[0.0, 1.0, 0.0]).unwrap();
        assert!(k < 1e-12, "{k}");
        assert!(kl(&[1e-12, 1.0 - 1e-12], &[0.0, 1.0]).is_none());
    }

    #[test]
    fn chi2_hellinger_tv_by_hand() {
        let (p, q) = ([0.5, 0.5], [0.25, 0.75]);
        // (0.25²/0.25 + 0.25²/0.75) = 0.25 + 1/12
        assert!((chi2(&p, &q).unwrap() - (0.25 + 1.0 / 12.0)).abs() < 1e-15);
        assert!((chi2(&q, &p).unwrap() - 0.25).abs() < 1e-15);
        let h = 1.0 - (0.125f64).sqrt() - (0.375f64).sqrt();
        assert!((hellinger2(&p, &q) - h).abs() < 1e-15);
        assert!((tv(&p, &q) - 0.25).abs() < 1e-15);
    }

    #[test]
    fn lsgan_labels() {
        let (p, q) = ([0.3, 0.1, 0.0], [0.1, 0.3, 0.0]);
        let mut d = [0.0; 3];
        lsgan_d_star_into(&p, &q, 0.0, 1.0, &mut d);
        assert!((d[0] - 0.75).abs() < 1e-15 && (d[1] - 0.25).abs() < 1e-15);
        lsgan_d_star_into(&p, &q, -1.0, 1.0, &mut d);
        assert!((d[0] - 0.5).abs() < 1e-15 && (d[1] + 0.5).abs() < 1e-15 && d[2].is_nan());
    }
}
