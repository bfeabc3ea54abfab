//! The f-GAN losses of Nowozin, Cseke & Tomioka (2016, "f-GAN: Training
//! Generative Neural Samplers using Variational Divergence Minimization"):
//! each f-divergence, its Fenchel conjugate, the output activation of the
//! critic (their Table 2), and its optimum.
//!
//! # The variational bound
//!
//! For a convex f with f(1) = 0, D_f(P‖Q) = ∫ q·f(p/q) dx (their Table 1), and
//! for any critic T
//!
//! ```text
//! D_f(P‖Q) ≥ E_P[T(x)] − E_Q[f*(T(x))],     with equality at T*(x) = f′(p(x)/q(x)),
//! ```
//!
//! f* the convex conjugate. The critic's raw output v is mapped into the
//! domain of f* by the output activation, T = g_f(v). P = p_data, Q = p_g.
//!
//! # The five divergences (u = p/q, r = ln(p/q))
//!
//! | name          | f(u)                          | f*(t)            | g_f(v)              | T*         | D_f                  |
//! |---------------|-------------------------------|------------------|---------------------|------------|----------------------|
//! | `kl`          | u ln u                        | e^(t−1)          | v                   | 1 + r      | KL(p_data‖p_g)       |
//! | `reverse_kl`  | −ln u                         | −1 − ln(−t)      | −e^(−v)             | −e^(−r)    | KL(p_g‖p_data)       |
//! | `pearson`     | (u − 1)²                      | t²/4 + t         | v                   | 2(e^r − 1) | χ²(p_data‖p_g) = ∫(p−q)²/q |
//! | `hellinger`   | (√u − 1)²                     | t/(1 − t)        | 1 − e^(−v)          | 1 − e^(−r/2) | ∫(√p − √q)² = 2·H² |
//! | `js`          | u ln u − (u + 1) ln((u+1)/2)  | −ln(2 − e^t)     | ln 2 − ln(1 + e^(−v)) | ln 2 − ln(1 + e^(−r)) | 2·JSD |
//!
//! The `js` row is Nowozin et al.'s "Jensen–Shannon": its f gives twice the
//! JSD (their Table 1 writes the divergence with a ½ in front, the f without
//! it). The GAN's own row, f(u) = u ln u − (u + 1) ln(u + 1) with
//! g_f(v) = −ln(1 + e^(−v)) = ln D, gives D_f = 2·JSD − ln 4 = C(G) and a
//! bound equal to V(G, D): the `minimax` loss is that f-GAN.
//!
//! Their total-variation row (f(u) = ½|u − 1|, g_f(v) = ½ tanh v, T* = ½ sign r)
//! was tried and left out: its critic saturates, and on the goodfellow lesson
//! one seed in ten reached JSD < 0.01 (`ganscope theory` reports TV exactly).
//!
//! # Losses (means over a batch; both minimised)
//!
//! ```text
//! L_T = mean_real[−g_f(v)] + mean_fake[f*(g_f(v))]        (= −bound, the critic ascends the bound)
//! L_G = −mean_fake[f*(g_f(v))]                          (G descends the bound: Nowozin et al.'s Eq. 6)
//! ```
//!
//! G descends the bound itself, so that with the critic at T* it descends
//! D_f (the oracle of `d_model = oracle` relies on this). Nowozin et al.'s
//! practical alternative, G ascending E_g[g_f(v)], was tried: it trains `kl`
//! and `pearson` faster but left `reverse_kl` and `hellinger` stuck on three
//! seeds in ten of the goodfellow lesson; descending the bound with G's rate
//! four times D's (the `f-gan` lesson) trains all five.
//!
//! f*(g_f(v)) in closed form, so that no step takes the log of a
//! non-positive number: `kl` e^(v−1), `reverse_kl` v − 1, `pearson`
//! v²/4 + v, `hellinger` e^v − 1, `js` softplus(v) − ln 2.
//! A non-finite output (e^(v−1) overflowing) gives a non-finite loss, which
//! the trainer reports as divergence.

use std::f64::consts::LN_2;

use nalgebra::RealField;

use crate::scalar::{sigmoid, softplus};
use crate::theory;

/// One f-divergence of the table in the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FDiv {
    /// f(u) = u ln u: KL(p_data‖p_g).
    Kl,
    /// f(u) = −ln u: KL(p_g‖p_data).
    ReverseKl,
    /// f(u) = (u − 1)²: Pearson χ².
    Pearson,
    /// f(u) = (√u − 1)²: squared Hellinger, ∫(√p − √q)².
    Hellinger,
    /// Nowozin et al.'s Jensen–Shannon: 2·JSD.
    Js,
}

fn cast<T: RealField + Copy>(x: f64) -> T {
    nalgebra::convert(x)
}

impl FDiv {
    /// `−g_f(v)` and its derivative: a real sample's term of `L_T`.
    pub fn real_term<T: RealField + Copy>(self, v: T) -> (T, T) {
        let one = T::one();
        match self {
            FDiv::Kl | FDiv::Pearson => (-v, -one),
            FDiv::ReverseKl => {
                let e = (-v).exp();
                (e, -e)
            }
            FDiv::Hellinger => {
                let e = (-v).exp();
                (e - one, -e)
            }
            FDiv::Js => (softplus(-v) - cast(LN_2), -sigmoid(-v)),
        }
    }

    /// `f*(g_f(v))` and its derivative: a fake sample's term of `L_T`
    /// (and, negated, of `L_G`).
    pub fn fake_term<T: RealField + Copy>(self, v: T) -> (T, T) {
        let (one, half) = (T::one(), cast::<T>(0.5));
        match self {
            FDiv::Kl => {
                let e = (v - one).exp();
                (e, e)
            }
            FDiv::ReverseKl => (v - one, one),
            FDiv::Pearson => (cast::<T>(0.25) * v * v + v, half * v + one),
            FDiv::Hellinger => {
                let e = v.exp();
                (e - one, e)
            }
            FDiv::Js => (softplus(v) - cast(LN_2), sigmoid(v)),
        }
    }

    /// The critic `T = g_f(v)` of a raw output (what the figure draws).
    pub fn activation(self, v: f64) -> f64 {
        match self {
            FDiv::Kl | FDiv::Pearson => v,
            FDiv::ReverseKl => -(-v).exp(),
            FDiv::Hellinger => 1.0 - (-v).exp(),
            FDiv::Js => LN_2 - softplus(-v),
        }
    }

    /// The optimal critic `T* = f′(p/q)` at the log density ratio
    /// `r = ln(p_data/p_g)` (±∞ where one density is 0).
    pub fn t_star(self, r: f64) -> f64 {
        match self {
            FDiv::Kl => 1.0 + r,
            FDiv::ReverseKl => -(-r).exp(),
            FDiv::Pearson => 2.0 * r.exp_m1(),
            FDiv::Hellinger => -(-0.5 * r).exp_m1(),
            FDiv::Js => LN_2 - softplus(-r),
        }
    }

    /// The raw output whose activation is the optimum, `v* = g_f⁻¹(T*)`, and
    /// its derivative in r.
    pub fn v_star(self, r: f64) -> (f64, f64) {
        match self {
            FDiv::Kl => (1.0 + r, 1.0),
            FDiv::ReverseKl | FDiv::Js => (r, 1.0),
            FDiv::Pearson => (2.0 * r.exp_m1(), 2.0 * r.exp()),
            FDiv::Hellinger => (0.5 * r, 0.5),
        }
    }

    /// D_f(P‖Q) = Σᵢ Qᵢ f(Pᵢ/Qᵢ) on bin masses, from [`crate::theory`]'s
    /// divergences (the last column of the table in the [module docs](self));
    /// `f64::INFINITY` where the grid's KL or χ² is infinite.
    ///
    /// # Panics
    /// The slices differ in length.
    pub fn divergence(self, p: &[f64], q: &[f64]) -> f64 {
        let inf = f64::INFINITY;
        match self {
            FDiv::Kl => theory::kl(p, q).unwrap_or(inf),
            FDiv::ReverseKl => theory::kl(q, p).unwrap_or(inf),
            FDiv::Pearson => theory::chi2(p, q).unwrap_or(inf),
            FDiv::Hellinger => 2.0 * theory::hellinger2(p, q),
            FDiv::Js => 2.0 * theory::jsd(p, q),
        }
    }

    /// `T*` per bin from the bin masses: `f′(Pᵢ/Qᵢ)`, ±∞ or a limit where one
    /// mass is 0, NaN where both are.
    ///
    /// # Panics
    /// The slices differ in length.
    pub fn t_star_of_masses(self, p: &[f64], q: &[f64]) -> Vec<f64> {
        assert_eq!(p.len(), q.len(), "slice lengths");
        p.iter()
            .zip(q)
            .map(|(&a, &b)| {
                if a > 0.0 || b > 0.0 {
                    self.t_star(a.ln() - b.ln())
                } else {
                    f64::NAN
                }
            })
            .collect()
    }

    /// The variational bound `Σᵢ Pᵢ g_f(vᵢ) − Qᵢ f*(g_f(vᵢ))` of the critic's
    /// raw outputs `v` per bin, for bin masses `p` (p_data) and `q` (p_g).
    /// Bins without mass add nothing (so an infinite output there costs
    /// nothing).
    ///
    /// # Panics
    /// The slices differ in length.
    pub fn bound(self, p: &[f64], q: &[f64], v: &[f64]) -> f64 {
        assert!(p.len() == q.len() && q.len() == v.len(), "slice lengths");
        let mut s = 0.0;
        for ((&pi, &qi), &vi) in p.iter().zip(q).zip(v) {
            if pi != 0.0 {
                s -= pi * self.real_term(vi).0;
            }
            if qi != 0.0 {
                s -= qi * self.fake_term(vi).0;
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [FDiv; 5] = [
        FDiv::Kl,
        FDiv::ReverseKl,
        FDiv::Pearson,
        FDiv::Hellinger,
        FDiv::Js,
    ];

    /// The generator f of each row, written out.
    fn f(d: FDiv, u: f64) -> f64 {
        match d {
            FDiv::Kl => u * u.ln(),
            FDiv::ReverseKl => -u.ln(),
            FDiv::Pearson => (u - 1.0).powi(2),
            FDiv::Hellinger => (u.sqrt() - 1.0).powi(2),
            FDiv::Js => u * u.ln() - (u + 1.0) * ((u + 1.0) / 2.0).ln(),
        }
    }

    /// The conjugate f*(t), written out.
    fn conj(d: FDiv, t: f64) -> f64 {
        match d {
            FDiv::Kl => (t - 1.0).exp(),
            FDiv::ReverseKl => -1.0 - (-t).ln(),
            FDiv::Pearson => t * t / 4.0 + t,
            FDiv::Hellinger => t / (1.0 - t),
            FDiv::Js => -(2.0 - t.exp()).ln(),
        }
    }

    #[test]
    fn the_terms_are_the_conjugate_of_the_activation() {
        for d in ALL {
            for v in [-2.0, -0.3, 0.0, 0.4, 1.7] {
                let t = d.activation(v);
                assert!((d.real_term(v).0 + t).abs() < 1e-12, "{d:?} {v}");
                assert!((d.fake_term(v).0 - conj(d, t)).abs() < 1e-12, "{d:?} {v}");
                // Derivatives against central differences.
                let h = 1e-6;
                for term in [FDiv::real_term::<f64>, FDiv::fake_term::<f64>] {
                    let fd = (term(d, v + h).0 - term(d, v - h).0) / (2.0 * h);
                    assert!((term(d, v).1 - fd).abs() < 1e-6, "{d:?} {v}");
                }
            }
        }
    }

    #[test]
    fn the_optimum_is_f_prime_and_attains_the_divergence() {
        for d in ALL {
            for u in [0.2f64, 0.7, 1.0, 1.5, 4.0] {
                let r = u.ln();
                let h = 1e-6;
                let f_prime = (f(d, u + h) - f(d, u - h)) / (2.0 * h);
                assert!((d.t_star(r) - f_prime).abs() < 1e-6, "{d:?} {u}");
                let (v, dv) = d.v_star(r);
                assert!((d.activation(v) - d.t_star(r)).abs() < 1e-12, "{d:?} {u}");
                let fd = (d.v_star(r + h).0 - d.v_star(r - h).0) / (2.0 * h);
                assert!((dv - fd).abs() < 1e-6, "{d:?} {u}");
            }
            // One bin pair: the bound at the optimum is q f(p/q) summed.
            let (p, q) = ([0.3, 0.7], [0.6, 0.4]);
            let exact: f64 = p.iter().zip(&q).map(|(a, b)| b * f(d, a / b)).sum();
            let v: Vec<f64> = p
                .iter()
                .zip(&q)
                .map(|(a, b)| d.v_star((a / b).ln()).0)
                .collect();
            assert!((d.bound(&p, &q, &v) - exact).abs() < 1e-12, "{d:?}");
            // Any other critic gives less.
            let worse: Vec<f64> = v.iter().map(|x| x + 0.3).collect();
            assert!(d.bound(&p, &q, &worse) < exact, "{d:?}");
        }
    }
}
