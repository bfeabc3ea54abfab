//! The target densities against scipy, and their properties under proptest.
//!
//! Reference values come from this script (scipy 1.x), run once and pasted:
//!
//! ```python
//! from scipy import stats
//! import numpy as np
//! cases = [
//!  ("normal(0.5, 2)", stats.norm(0.5, 2), [-3.0, 0.5, 4.0]),
//!  ("laplace(1, 0.5)", stats.laplace(1, 0.5), [-1.0, 1.0, 2.5]),
//!  ("cauchy(-1, 2)", stats.cauchy(-1, 2), [-50.0, 0.0, 3.0]),
//!  ("student_t(3, 1, 2)", stats.t(3, 1, 2), [-10.0, 1.5, 7.0]),
//!  ("lognormal(0.2, 0.7)", stats.lognorm(0.7, scale=np.exp(0.2)), [0.3, 1.0, 6.0]),
//!  ("exponential(2.5)", stats.expon(scale=1/2.5), [0.1, 1.0, 5.0]),
//!  ("gamma(2.5, 1.5)", stats.gamma(2.5, scale=1.5), [0.5, 3.0, 20.0]),
//!  ("beta(0.7, 3)", stats.beta(0.7, 3), [0.01, 0.3, 0.9]),
//!  ("uniform(-1, 3)", stats.uniform(-1, 4), [-0.5, 2.9]),
//! ]
//! for spec, d, xs in cases:
//!     for x in xs:
//!         print(f'("{spec}", {x!r}, {d.pdf(x)!r}, {d.cdf(x)!r}, {d.sf(x)!r}),')
//! # modes(3, 4, 0.5) = mean of N(-4,.5), N(0,.5), N(4,.5)
//! for x in [-4.2, 1.0, 6.0]:
//!     p = np.mean([stats.norm(c, 0.5).pdf(x) for c in (-4, 0, 4)])
//!     c = np.mean([stats.norm(c, 0.5).cdf(x) for c in (-4, 0, 4)])
//!     s = np.mean([stats.norm(c, 0.5).sf(x) for c in (-4, 0, 4)])
//!     print(f'("modes(3, 4, 0.5)", {x!r}, {p!r}, {c!r}, {s!r}),')
//! # quantiles
//! for spec, d in [("student_t(3, 1, 2)", stats.t(3,1,2)), ("gamma(2.5, 1.5)", stats.gamma(2.5, scale=1.5)), ("beta(0.7, 3)", stats.beta(0.7,3))]:
//!     for u in [1e-9, 0.3, 0.999999]:
//!         print(f'("{spec}", {u!r}, {d.ppf(u)!r}),')
//! ```

use ganscope::density::{Univariate, parse_spec};
use proptest::prelude::*;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

/// (spec, x, pdf, cdf, sf)
const VALUES: &[(&str, f64, f64, f64, f64)] = &[
    (
        "normal(0.5, 2)",
        -3.0,
        0.043138659413255766,
        0.040059156863817086,
        0.9599408431361829,
    ),
    ("normal(0.5, 2)", 0.5, 0.19947114020071635, 0.5, 0.5),
    (
        "normal(0.5, 2)",
        4.0,
        0.043138659413255766,
        0.9599408431361829,
        0.040059156863817086,
    ),
    (
        "laplace(1, 0.5)",
        -1.0,
        0.01831563888873418,
        0.00915781944436709,
        0.9908421805556329,
    ),
    ("laplace(1, 0.5)", 1.0, 1.0, 0.5, 0.5),
    (
        "laplace(1, 0.5)",
        2.5,
        0.049787068367863944,
        0.9751064658160681,
        0.024893534183931972,
    ),
    (
        "cauchy(-1, 2)",
        -50.0,
        0.0002647067660572064,
        0.012985032550687888,
        0.9870149674493122,
    ),
    (
        "cauchy(-1, 2)",
        0.0,
        0.12732395447351627,
        0.6475836176504333,
        0.35241638234956674,
    ),
    (
        "cauchy(-1, 2)",
        3.0,
        0.03183098861837907,
        0.8524163823495667,
        0.14758361765043326,
    ),
    (
        "student_t(3, 1, 2)",
        -10.0,
        0.001496058962080729,
        0.005914795785164257,
        0.9940852042148357,
    ),
    (
        "student_t(3, 1, 2)",
        1.5,
        0.17635176663221003,
        0.5906353887855852,
        0.4093646112144148,
    ),
    (
        "student_t(3, 1, 2)",
        7.0,
        0.01148601865462067,
        0.9711655571887814,
        0.02883444281121865,
    ),
    (
        "lognormal(0.2, 0.7)",
        0.3,
        0.2541939400724252,
        0.022445443889483465,
        0.9775545561105166,
    ),
    (
        "lognormal(0.2, 0.7)",
        1.0,
        0.5471239427774461,
        0.38754848109799234,
        0.6124515189020077,
    ),
    (
        "lognormal(0.2, 0.7)",
        6.0,
        0.0071586820007430805,
        0.9885152659712675,
        0.011484734028732483,
    ),
    (
        "exponential(2.5)",
        0.1,
        1.947001957678512,
        0.22119921692859515,
        0.7788007830714049,
    ),
    (
        "exponential(2.5)",
        1.0,
        0.205212496559747,
        0.9179150013761012,
        0.0820849986238988,
    ),
    (
        "exponential(2.5)",
        5.0,
        9.316632930196677e-06,
        0.999996273346828,
        3.726653172078671e-06,
    ),
    (
        "gamma(2.5, 1.5)",
        0.5,
        0.06915535766981622,
        0.015252120981490966,
        0.984747879018509,
    ),
    (
        "gamma(2.5, 1.5)",
        3.0,
        0.19196788093577974,
        0.4505840486472198,
        0.5494159513527802,
    ),
    (
        "gamma(2.5, 1.5)",
        20.0,
        3.954463342932519e-05,
        0.9999337681365768,
        6.623186342329828e-05,
    ),
    (
        "beta(0.7, 3)",
        0.01,
        6.268319420212588,
        0.09061554182734631,
        0.9093844581726537,
    ),
    (
        "beta(0.7, 3)",
        0.3,
        1.1296409659548146,
        0.766977977056271,
        0.23302202294372967,
    ),
    (
        "beta(0.7, 3)",
        0.9,
        0.016580895303683868,
        0.9994517816245749,
        0.0005482183754250383,
    ),
    ("uniform(-1, 3)", -0.5, 0.25, 0.125, 0.875),
    ("uniform(-1, 3)", 2.9, 0.25, 0.975, 0.025000000000000022),
    (
        "modes(3, 4, 0.5)",
        -4.2,
        0.2455134268688823,
        0.11485941946322524,
        0.8851405805367748,
    ),
    (
        "modes(3, 4, 0.5)",
        1.0,
        0.03599398172604728,
        0.6590832896794695,
        0.34091671032053045,
    ),
    (
        "modes(3, 4, 0.5)",
        6.0,
        8.922015050992358e-05,
        0.999989442919389,
        1.0557080611039954e-05,
    ),
];

/// (spec, u, quantile)
const QUANTILES: &[(&str, f64, f64)] = &[
    ("student_t(3, 1, 2)", 1e-09, -2065.2193490076156),
    ("student_t(3, 1, 2)", 0.3, -0.16877945487963752),
    ("student_t(3, 1, 2)", 0.999999, 207.59893555885796),
    ("gamma(2.5, 1.5)", 1e-09, 0.0006092171742492406),
    ("gamma(2.5, 1.5)", 0.3, 2.24993109956993),
    ("gamma(2.5, 1.5)", 0.999999, 26.916140159707815),
    ("beta(0.7, 3)", 1e-09, 4.2408537942757265e-14),
    ("beta(0.7, 3)", 0.3, 0.05857624189299919),
    ("beta(0.7, 3)", 0.999999, 0.9876970077368856),
];

#[test]
fn pdf_cdf_sf_match_scipy() {
    for &(spec, x, pdf, cdf, sf) in VALUES {
        let d = parse_spec(spec).unwrap();
        assert!(
            rel(d.pdf(x), pdf) < 1e-12,
            "{spec} pdf({x}) = {} vs {pdf}",
            d.pdf(x)
        );
        assert!(
            rel(d.cdf(x), cdf) < 1e-10,
            "{spec} cdf({x}) = {} vs {cdf}",
            d.cdf(x)
        );
        assert!(
            rel(d.sf(x), sf) < 1e-10,
            "{spec} sf({x}) = {} vs {sf}",
            d.sf(x)
        );
        assert!(rel(d.ln_pdf(x), pdf.ln()) < 1e-12, "{spec} ln_pdf({x})");
    }
}

#[test]
fn quantiles_match_scipy() {
    for &(spec, u, q) in QUANTILES {
        let d = parse_spec(spec).unwrap();
        assert!(
            rel(d.quantile(u), q) < 1e-9,
            "{spec} quantile({u}) = {} vs {q}",
            d.quantile(u)
        );
    }
}

#[test]
fn tails_are_accurate_where_one_minus_cdf_is_not() {
    let n = parse_spec("normal(0, 1)").unwrap();
    // scipy.stats.norm.sf(10) = 7.619853024160527e-24
    assert!(rel(n.sf(10.0), 7.619853024160527e-24) < 1e-10);
    assert!(rel(n.isf(7.619853024160527e-24), 10.0) < 1e-10);
    let c = parse_spec("cauchy(0, 1)").unwrap();
    // scipy.stats.cauchy.cdf(-1e8) = 3.183098861837907e-09
    assert!(rel(c.cdf(-1e8), 3.183098861837907e-09) < 1e-10);
}

/// A random density from every family, with parameters in a sensible range.
fn any_density() -> impl Strategy<Value = String> {
    prop_oneof![
        (-5.0..5.0f64, 0.05..5.0f64).prop_map(|(a, b)| format!("normal({a}, {b})")),
        (-5.0..5.0f64, 0.1..5.0f64).prop_map(|(a, w)| format!("uniform({a}, {})", a + w)),
        (-5.0..5.0f64, 0.05..5.0f64).prop_map(|(a, b)| format!("laplace({a}, {b})")),
        (-5.0..5.0f64, 0.05..5.0f64).prop_map(|(a, b)| format!("cauchy({a}, {b})")),
        (0.5..30.0f64, -5.0..5.0f64, 0.1..3.0f64)
            .prop_map(|(n, m, s)| format!("student_t({n}, {m}, {s})")),
        (-1.0..1.0f64, 0.1..1.5f64).prop_map(|(a, b)| format!("lognormal({a}, {b})")),
        (0.1..10.0f64).prop_map(|r| format!("exponential({r})")),
        (0.3..20.0f64, 0.1..3.0f64).prop_map(|(k, t)| format!("gamma({k}, {t})")),
        (0.3..10.0f64, 0.3..10.0f64).prop_map(|(a, b)| format!("beta({a}, {b})")),
        (1u32..9, 0.0..6.0f64, 0.1..2.0f64).prop_map(|(n, s, g)| format!("modes({n}, {s}, {g})")),
        (-3.0..3.0f64, 0.2..2.0f64, 0.05..0.95f64, 0.1..3.0f64).prop_map(|(m, s, w, b)| format!(
            "{w}*normal({m}, {s}) + {}*laplace({}, {b})",
            1.0 - w,
            -m
        )),
        any_pieces(),
    ]
}

/// A piecewise-linear density: 2 to 12 knots at random gaps, heights in
/// [0, 3) (zero stretches included), not all zero.
fn any_pieces() -> impl Strategy<Value = String> {
    (
        -5.0..5.0f64,
        proptest::collection::vec((0.05..2.0f64, prop_oneof![Just(0.0), 0.0..3.0f64]), 2..12),
    )
        .prop_filter("some height is positive", |(_, k)| {
            k.windows(2).any(|w| w[0].1 + w[1].1 > 0.0)
        })
        .prop_map(|(x0, knots)| {
            let mut x = x0;
            let parts: Vec<String> = knots
                .iter()
                .map(|(gap, y)| {
                    x += gap;
                    format!("{x}, {y}")
                })
                .collect();
            format!("pieces({})", parts.join(", "))
        })
}

/// ∫ₐᵇ f by adaptive 10-point Gauss–Legendre: a panel is halved until the rule
/// on it agrees with the sum over its halves (integrable singularities just
/// outside [a, b], as for beta(0.3, 0.3), need the refinement).
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    fn adapt(f: &dyn Fn(f64) -> f64, a: f64, b: f64, whole: f64, depth: u32) -> f64 {
        let m = 0.5 * (a + b);
        let (l, r) = (gauss(f, a, m, 1), gauss(f, m, b, 1));
        if depth == 0 || (l + r - whole).abs() <= 1e-13 * (l + r).abs().max(1e-300) {
            l + r
        } else {
            adapt(f, a, m, l, depth - 1) + adapt(f, m, b, r, depth - 1)
        }
    }
    let h = (b - a) / n as f64;
    (0..n)
        .map(|i| {
            let (lo, hi) = (a + i as f64 * h, a + (i + 1) as f64 * h);
            adapt(&f, lo, hi, gauss(&f, lo, hi, 1), 40)
        })
        .sum()
}

/// ∫ₐᵇ f by composite 10-point Gauss–Legendre on `n` panels.
fn gauss(f: &dyn Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    const X: [f64; 5] = [
        0.148_874_338_981_631_2,
        0.433_395_394_129_247_2,
        0.679_409_568_299_024_4,
        0.865_063_366_688_984_5,
        0.973_906_528_517_171_7,
    ];
    const W: [f64; 5] = [
        0.295_524_224_714_752_9,
        0.269_266_719_309_996_4,
        0.219_086_362_515_982_04,
        0.149_451_349_150_580_6,
        0.066_671_344_308_688_14,
    ];
    let h = (b - a) / n as f64;
    (0..n)
        .map(|i| {
            let c = a + (i as f64 + 0.5) * h;
            X.iter()
                .zip(W)
                .map(|(x, w)| w * (f(c - 0.5 * h * x) + f(c + 0.5 * h * x)))
                .sum::<f64>()
                * 0.5
                * h
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn integral_of_pdf_matches_cdf(spec in any_density()) {
        let d = parse_spec(&spec).unwrap();
        // Between two quantiles, split at the breakpoints (kinks, support edges).
        let (a, b) = (d.quantile(0.05), d.quantile(0.95));
        let mut cuts = vec![a];
        cuts.extend(d.breakpoints().into_iter().filter(|x| *x > a && *x < b));
        cuts.push(b);
        let integral: f64 = cuts.windows(2).map(|w| integrate(|x| d.pdf(x), w[0], w[1], 16)).sum();
        let expected = d.cdf(b) - d.cdf(a);
        prop_assert!((integral - expected).abs() < 1e-8, "{spec}: ∫pdf = {integral}, ΔF = {expected}");
    }

    #[test]
    fn cdf_of_quantile_is_identity(spec in any_density(), u in 1e-6..(1.0 - 1e-6f64)) {
        let d = parse_spec(&spec).unwrap();
        let x = d.quantile(u);
        // Up to the resolution of x itself: f64 cannot place x closer than an ulp.
        let res = |x: f64| 4.0 * d.pdf(x) * f64::EPSILON * x.abs().max(f64::MIN_POSITIVE);
        prop_assert!((d.cdf(x) - u).abs() < 1e-10 * u.max(1e-3) + 1e-13 + res(x), "{spec}: cdf(quantile({u})) = {}", d.cdf(x));
        let v = 1.0 - u;
        let y = d.isf(v);
        prop_assert!((d.sf(y) - v).abs() < 1e-10 * v.max(1e-3) + 1e-13 + res(y), "{spec}: sf(isf({v})) = {}", d.sf(y));
    }

    #[test]
    fn ln_pdf_is_log_of_pdf(spec in any_density(), u in 0.001..0.999f64) {
        let d = parse_spec(&spec).unwrap();
        let x = d.quantile(u);
        let p = d.pdf(x);
        prop_assume!(p > 1e-300 && p.is_finite());
        prop_assert!((d.ln_pdf(x) - p.ln()).abs() < 1e-10 * p.ln().abs().max(1.0));
    }

    #[test]
    fn spec_prints_back_to_itself(spec in any_density()) {
        let d = parse_spec(&spec).unwrap();
        let again = parse_spec(&d.to_string()).unwrap();
        prop_assert_eq!(&d, &again);
        prop_assert_eq!(d.to_string(), again.to_string());
    }

    #[test]
    fn samples_follow_the_cdf(spec in any_density(), seed in any::<u64>()) {
        use rand::SeedableRng;
        let d = parse_spec(&spec).unwrap();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let n = 4000;
        let mut xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        // Kolmogorov–Smirnov statistic; the 1e-4 critical value at n = 4000 is about 0.031.
        let ks = xs.iter().enumerate().map(|(i, x)| {
            let f = d.cdf(*x);
            (f - i as f64 / n as f64).abs().max(((i + 1) as f64 / n as f64 - f).abs())
        }).fold(0.0, f64::max);
        prop_assert!(ks < 0.035, "{spec}: KS = {ks}");
    }
}

#[test]
fn integral_of_pdf_near_integrable_singularities() {
    for spec in [
        "beta(0.3, 0.3)",
        "beta(0.3, 5)",
        "gamma(0.5, 1)",
        "gamma(0.3, 2)",
    ] {
        let d = parse_spec(spec).unwrap();
        let (a, b) = (d.quantile(0.05), d.quantile(0.95));
        let integral = integrate(|x| d.pdf(x), a, b, 16);
        assert!(
            (integral - (d.cdf(b) - d.cdf(a))).abs() < 1e-8,
            "{spec}: ∫pdf = {integral}"
        );
    }
}
