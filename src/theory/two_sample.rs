//! Two-sample tests: do two sets of samples come from the same distribution?
//!
//! A GAN's discriminator is a learned two-sample test (the likelihood-free
//! view of Goodfellow et al. 2014; Lopez-Paz & Oquab 2017). The snapshot runs
//! three tests on every frame, each on a fresh real sample and a fresh fake
//! sample of the same size:
//!
//! - [`welch_t`]: Welch's t-test on the means. It sees a shift, and nothing
//!   else: two densities with the same mean pass it whatever their shapes.
//! - [`ks_2samp`]: Kolmogorov–Smirnov, the largest gap between the two
//!   empirical CDFs. It sees any difference, given enough samples.
//! - [`binomial_sf`]: the p-value of the classifier two-sample test (C2ST):
//!   under H₀ (one distribution) a classifier that never saw the held-out
//!   samples is right on each with probability ½, so its number of correct
//!   answers k out of n is Binomial(n, ½), and p = P(X ≥ k).
//!
//! # Formulas
//!
//! Welch: t = (x̄ − ȳ)/√(s²ₓ/n + s²ᵧ/m), with the Welch–Satterthwaite degrees
//! of freedom ν = (s²ₓ/n + s²ᵧ/m)² / ((s²ₓ/n)²/(n−1) + (s²ᵧ/m)²/(m−1)), and the
//! two-sided p = P(|T_ν| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½) (regularised incomplete
//! beta), which keeps its digits when p is tiny.
//!
//! KS: D = sup_x |F_x(x) − F_y(x)| over the pooled sample (ties step together).
//! For n = m the p-value P(D ≥ h/n) is exact, by the reflection formula
//! 2·Σ_{k≥1} (−1)^(k−1) C(2n, n − kh)/C(2n, n), summed in Horner form as scipy's
//! `_compute_prob_outside_square` does. For n ≠ m it is asymptotic: the
//! Kolmogorov distribution Q(λ) = 2 Σ_{j≥1} (−1)^(j−1) e^(−2j²λ²) at Stephens'
//! (1970) corrected λ = (√e + 0.12 + 0.11/√e)·D, e = nm/(n+m).
//!
//! Binomial: P(X ≥ k) = I_{1/2}(k, n − k + 1) for 1 ≤ k ≤ n.
//!
//! # Non-finite values
//!
//! Samples are expected finite. Fewer than two values on a side give a NaN
//! p-value (a NaN value propagates as NaN in the t-test; in KS it sorts last).
//! When both variances are 0 the t statistic is undefined: p is 1 for equal
//! means and 0 otherwise (scipy returns NaN there).

use statrs::function::beta::beta_reg;

/// The outcome of a test: its statistic and its p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// t for Welch, D for KS.
    pub statistic: f64,
    /// P(a statistic at least this extreme | H₀).
    pub p: f64,
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, ss / (n - 1.0))
}

/// Welch's two-sided t-test of equal means (unequal variances); see the
/// [module docs](self).
pub fn welch_t(x: &[f64], y: &[f64]) -> TestResult {
    if x.len() < 2 || y.len() < 2 {
        return TestResult {
            statistic: f64::NAN,
            p: f64::NAN,
        };
    }
    let (mx, vx) = mean_var(x);
    let (my, vy) = mean_var(y);
    let (ax, ay) = (vx / x.len() as f64, vy / y.len() as f64);
    let se2 = ax + ay;
    if se2 == 0.0 {
        let same = mx == my;
        return TestResult {
            statistic: if same { 0.0 } else { f64::INFINITY },
            p: if same { 1.0 } else { 0.0 },
        };
    }
    let t = (mx - my) / se2.sqrt();
    let nu = se2 * se2 / (ax * ax / (x.len() as f64 - 1.0) + ay * ay / (y.len() as f64 - 1.0));
    TestResult {
        statistic: t,
        p: student_t_two_sided(t, nu),
    }
}

/// P(|T_ν| ≥ |t|) for Student's t with ν degrees of freedom.
pub fn student_t_two_sided(t: f64, nu: f64) -> f64 {
    if t.is_nan() || nu.is_nan() || nu <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    if t == 0.0 {
        return 1.0;
    }
    // 1 − x = t²/(ν + t²) without cancellation when t² ≪ ν.
    let x = nu / (nu + t * t);
    beta_reg(0.5 * nu, 0.5, x).clamp(0.0, 1.0)
}

/// The two-sample Kolmogorov–Smirnov test, two-sided; see the
/// [module docs](self). The inputs need not be sorted.
pub fn ks_2samp(x: &[f64], y: &[f64]) -> TestResult {
    let (n, m) = (x.len(), y.len());
    if n == 0 || m == 0 {
        return TestResult {
            statistic: f64::NAN,
            p: f64::NAN,
        };
    }
    let mut a = x.to_vec();
    let mut b = y.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    // Walk the pooled values in order; at each distinct value both ECDFs step.
    let (mut i, mut j) = (0usize, 0usize);
    let mut d_scaled: u128 = 0; // |i·m − j·n| = n·m·|F_x − F_y|, exact in integers
    while i < n && j < m {
        let v = if a[i].total_cmp(&b[j]).is_le() {
            a[i]
        } else {
            b[j]
        };
        while i < n && a[i].total_cmp(&v).is_eq() {
            i += 1;
        }
        while j < m && b[j].total_cmp(&v).is_eq() {
            j += 1;
        }
        let gap = (i as i128 * m as i128 - j as i128 * n as i128).unsigned_abs();
        d_scaled = d_scaled.max(gap);
    }
    let d = d_scaled as f64 / (n as f64 * m as f64);
    let p = if n == m {
        // d = h/n exactly.
        let h = (d_scaled / m as u128) as usize;
        ks_equal_sizes_sf(n, h)
    } else {
        let e = (n as f64 * m as f64) / (n as f64 + m as f64);
        let se = e.sqrt();
        kolmogorov_sf((se + 0.12 + 0.11 / se) * d)
    };
    TestResult { statistic: d, p }
}

/// P(D_{n,n} ≥ h/n) for two samples of size n, exactly (the reflection
/// formula in Horner form, as scipy's `_compute_prob_outside_square`).
pub fn ks_equal_sizes_sf(n: usize, h: usize) -> f64 {
    if h == 0 {
        return 1.0;
    }
    if h > n {
        return 0.0;
    }
    let (nf, hf) = (n as f64, h as f64);
    let mut p = 0.0f64;
    let mut k = n / h;
    loop {
        let kh = k as f64 * hf;
        let mut p1 = 1.0f64;
        for j in 0..h {
            let j = j as f64;
            p1 = (nf - kh - j) * p1 / (nf + kh + j + 1.0);
        }
        p = p1 * (1.0 - p);
        if k == 0 {
            break;
        }
        k -= 1;
    }
    // p = A₀(1 − A₁(1 − A₂(…))), Aₖ = C(2n, n − (k+1)h)/C(2n, n − kh).
    (2.0 * p).clamp(0.0, 1.0)
}

/// Q(λ) = P(K > λ) for the Kolmogorov distribution,
/// 2 Σ_{j≥1} (−1)^(j−1) e^(−2j²λ²); 1 for λ ≤ 0.
pub fn kolmogorov_sf(lambda: f64) -> f64 {
    if lambda.is_nan() {
        return f64::NAN;
    }
    if lambda <= 0.0 {
        return 1.0;
    }
    if lambda < 0.2 {
        // The alternating series converges slowly here, and Q is 1 to
        // within 1e-40 (the dual Jacobi form: 1 − √(2π)/λ Σ e^(−(2j−1)²π²/(8λ²))).
        let s: f64 = (1..=4)
            .map(|j| {
                let k = (2 * j - 1) as f64;
                (-(k * k) * std::f64::consts::PI.powi(2) / (8.0 * lambda * lambda)).exp()
            })
            .sum();
        return (1.0 - (2.0 * std::f64::consts::PI).sqrt() / lambda * s).clamp(0.0, 1.0);
    }
    let mut sum = 0.0;
    let mut sign = 1.0;
    for j in 1..=200 {
        let j = j as f64;
        let term = (-2.0 * j * j * lambda * lambda).exp();
        sum += sign * term;
        if term < 1e-300 || term < 1e-17 * sum.abs() {
            break;
        }
        sign = -sign;
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// P(X ≥ k) for X ~ Binomial(n, ½): the p-value of a classifier that is
/// right k times out of n (one-sided: better than chance).
pub fn binomial_sf(k: u64, n: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    beta_reg(k as f64, (n - k + 1) as f64, 0.5).clamp(0.0, 1.0)
}

/// The classifier two-sample test: accuracy `correct / n` and its binomial
/// p-value ([`binomial_sf`]).
pub fn c2st(correct: u64, n: u64) -> TestResult {
    TestResult {
        statistic: if n == 0 {
            f64::NAN
        } else {
            correct as f64 / n as f64
        },
        p: if n == 0 {
            f64::NAN
        } else {
            binomial_sf(correct, n)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs() {
        assert!(welch_t(&[1.0], &[1.0, 2.0]).p.is_nan());
        assert_eq!(welch_t(&[1.0, 1.0], &[1.0, 1.0]).p, 1.0);
        assert_eq!(welch_t(&[1.0, 1.0], &[2.0, 2.0]).p, 0.0);
        assert!(ks_2samp(&[], &[1.0]).p.is_nan());
        assert_eq!(ks_2samp(&[1.0, 2.0], &[1.0, 2.0]).p, 1.0);
        assert_eq!(binomial_sf(0, 10), 1.0);
        assert_eq!(binomial_sf(11, 10), 0.0);
        assert_eq!(kolmogorov_sf(0.0), 1.0);
        assert!(c2st(0, 0).p.is_nan());
    }

    #[test]
    fn the_two_kolmogorov_forms_agree_where_they_meet() {
        // Q(0.2) by the alternating series, 200 terms, by hand.
        let lam: f64 = 0.2;
        let direct: f64 = 2.0
            * (1..=2000)
                .map(|j| {
                    let j = j as f64;
                    let s = if j as u64 % 2 == 1 { 1.0 } else { -1.0 };
                    s * (-2.0 * j * j * lam * lam).exp()
                })
                .sum::<f64>();
        assert!((kolmogorov_sf(0.2) - direct).abs() < 1e-12);
        assert!((kolmogorov_sf(0.199_999_999) - direct).abs() < 1e-8);
    }
}
