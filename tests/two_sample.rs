//! The two-sample tests against scipy.
//!
//! The samples are rational numbers that both languages compute exactly,
//! and the reference values come from this script (scipy 1.17), run once
//! and pasted:
//!
//! ```python
//! from scipy import stats, special
//! import numpy as np
//! def xs(n, a, mod, scale, shift): return np.array([((i * a) % mod) / scale + shift for i in range(n)], dtype=float)
//! cases = [
//!   ("welch", xs(50, 37, 101, 10.0, 0.0), xs(70, 53, 97, 8.0, -1.0)),
//!   ("welch", xs(1000, 7919, 1000, 100.0, 0.0), xs(1000, 104729, 1000, 100.0, 0.3)),
//! ]
//! for name, x, y in cases:
//!     r = stats.ttest_ind(x, y, equal_var=False)
//!     print(f"welch n={len(x)} m={len(y)}: t={r.statistic!r} p={r.pvalue!r}")
//! for (n, a, b, s1, s2, sh) in [(200, 7919, 104729, 100.0, 90.0, 0.4), (1000, 7919, 104729, 100.0, 50.0, 0.0), (64, 13, 29, 10.0, 10.0, 0.05)]:
//!     x = xs(n, a, 1000, s1, 0.0); y = xs(n, b, 1000, s2, sh)
//!     r = stats.ks_2samp(x, y, method="exact")
//!     print(f"ks n={n}: D={r.statistic!r} p={r.pvalue!r}")
//! x = xs(300, 7919, 1000, 100.0, 0.0); y = xs(200, 104729, 1000, 100.0, 0.8)
//! r = stats.ks_2samp(x, y, method="asymp")
//! print("ks unequal D", repr(r.statistic))
//! for lam in [0.3, 0.5, 0.8, 1.0, 1.36, 2.0, 3.0, 5.0]:
//!     print(f"({lam!r}, {special.kolmogorov(lam)!r}),")
//! for k, n in [(60, 100), (1100, 2000), (1000, 2000), (1500, 2000), (3, 4), (128, 128)]:
//!     print(f"({k}, {n}, {stats.binom.sf(k - 1, n, 0.5)!r}),")
//! for t, nu in [(0.5, 3.0), (2.0, 10.0), (-4.0, 57.3), (12.0, 1998.0), (40.0, 1500.0)]:
//!     print(f"({t!r}, {nu!r}, {2 * stats.t.sf(abs(t), nu)!r}),")
//! ```

use ganscope::theory::two_sample::{
    binomial_sf, c2st, kolmogorov_sf, ks_2samp, student_t_two_sided, welch_t,
};

/// ((i·a) mod m)/scale + shift for i in 0..n, as in the script.
fn xs(n: u64, a: u64, m: u64, scale: f64, shift: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * a) % m) as f64 / scale + shift)
        .collect()
}

fn close(got: f64, want: f64, rel: f64, what: &str) {
    let err = (got - want).abs() / want.abs().max(1e-300);
    assert!(
        err <= rel,
        "{what}: {got:e}, scipy {want:e}, relative error {err:e}"
    );
}

#[test]
fn welch_matches_scipy() {
    let r = welch_t(&xs(50, 37, 101, 10.0, 0.0), &xs(70, 53, 97, 8.0, -1.0));
    close(r.statistic, 0.3226949918842385, 1e-12, "t");
    close(r.p, 0.7475142263417425, 1e-9, "p");
    let r = welch_t(
        &xs(1000, 7919, 1000, 100.0, 0.0),
        &xs(1000, 104729, 1000, 100.0, 0.3),
    );
    close(r.statistic, -2.3226289834162896, 1e-12, "t");
    close(r.p, 0.020299090024600713, 1e-9, "p");
}

#[test]
fn student_t_tails_keep_their_digits() {
    for (t, nu, p) in [
        (0.5, 3.0, 0.651447964848151),
        (2.0, 10.0, 0.07338803477074037),
        (-4.0, 57.3, 0.0001837235852253085),
        (12.0, 1998.0, 4.3761824246209183e-32),
        (40.0, 1500.0, 1.0100576670576813e-238),
    ] {
        close(
            student_t_two_sided(t, nu),
            p,
            1e-8,
            &format!("t = {t}, ν = {nu}"),
        );
    }
}

#[test]
fn ks_exact_matches_scipy_for_equal_sizes() {
    for (n, a, b, s1, s2, sh, d, p) in [
        (
            200,
            7919,
            104729,
            100.0,
            90.0,
            0.4,
            0.145,
            0.0297148244707607,
        ),
        (
            1000,
            7919,
            104729,
            100.0,
            50.0,
            0.0,
            0.5,
            5.515494869858024e-114,
        ),
        (64, 13, 29, 10.0, 10.0, 0.05, 0.109375, 0.842628651159718),
    ] {
        let r = ks_2samp(&xs(n, a, 1000, s1, 0.0), &xs(n, b, 1000, s2, sh));
        close(r.statistic, d, 1e-14, &format!("D, n = {n}"));
        close(r.p, p, 1e-9, &format!("p, n = {n}"));
    }
}

#[test]
fn ks_asymptotic_for_unequal_sizes() {
    let x = xs(300, 7919, 1000, 100.0, 0.0);
    let y = xs(200, 104729, 1000, 100.0, 0.8);
    let r = ks_2samp(&x, &y);
    close(r.statistic, 0.085, 1e-12, "D");
    // Stephens' corrected λ into the Kolmogorov distribution.
    let e: f64 = 300.0 * 200.0 / 500.0;
    let lam = (e.sqrt() + 0.12 + 0.11 / e.sqrt()) * 0.085;
    close(r.p, kolmogorov_sf(lam), 1e-15, "p");
    assert_eq!(ks_2samp(&y, &x).statistic, r.statistic, "symmetric");
    for (lam, q) in [
        (0.3, 0.9999906941986655),
        (0.5, 0.9639452436648751),
        (0.8, 0.5441424115741981),
        (1.0, 0.26999967167735456),
        (1.36, 0.049485876755377876),
        (2.0, 0.0006709252557796953),
        (3.0, 3.045995948942526e-08),
        (5.0, 3.8574996959278356e-22),
    ] {
        close(kolmogorov_sf(lam), q, 1e-12, &format!("Q({lam})"));
    }
}

#[test]
fn binomial_tail_matches_scipy() {
    for (k, n, p) in [
        (60, 100, 0.028443966820490444),
        (1100, 2000, 4.228544767751905e-06),
        (1000, 2000, 0.5089195055729272),
        (1500, 2000, 7.371987614885022e-116),
        (3, 4, 0.3125),
        (128, 128, 2.938735877055719e-39),
    ] {
        close(binomial_sf(k, n), p, 1e-9, &format!("P(X ≥ {k}), n = {n}"));
    }
    let r = c2st(1100, 2000);
    assert_eq!(r.statistic, 0.55);
    close(r.p, 4.228544767751905e-06, 1e-9, "c2st");
}
