//! Point masses (`dirac(x0)`), exact in the theory: the rules of the
//! Dirac-GAN issue, `ganscope theory` on atoms, and the grid theory of a
//! run whose target or generator is a point mass.
//!
//! The rules: JSD = ln 2 unless the other side has an atom at x₀;
//! KL(δ(x₀)‖q) is finite only when q has an atom at x₀; W1(δ(x₀), q) =
//! E_q|X − x₀|, infinite for a Cauchy.
//!
//! Reference values from this script (mpmath 1.3, `python3 atoms_ref.py`),
//! which shares nothing with the Rust code: it adds the atoms cell by cell
//! and integrates the continuous parts with `mp.quad`, split at every atom
//! and support edge; which continuous parts cover each other (a support
//! question) and whether W1 is finite (whether the means exist) are given by
//! hand.
//!
//! ```python
//! # Independent reference values for tests/theory_atoms.rs (mpmath 1.3, mp.dps = 30).
//! # A distribution is a list of atoms [(x, a)] plus a continuous part: a list of
//! # (weight, pdf, cdf) terms. Cells: every atom position is a cell of its own;
//! # the continuous parts are integrated with mp.quad split at every atom and kink.
//! from mpmath import mp, mpf, inf, log, sqrt, pi, exp, npdf, ncdf, atan
//! mp.dps = 30
//!
//! def normal(mu, s): return (lambda x: npdf(x, mu, s), lambda x: ncdf(x, mu, s))
//! def uniform(a, b):
//!     a, b = mpf(a), mpf(b)
//!     return (lambda x: 1 / (b - a) if a <= x <= b else mpf(0),
//!             lambda x: min(max((x - a) / (b - a), 0), 1))
//! def cauchy(x0, g): return (lambda x: 1 / (pi * g * (1 + ((x - x0) / g) ** 2)),
//!                            lambda x: mpf(1) / 2 + atan((x - x0) / g) / pi)
//!
//! def dist(atoms, cont):
//!     pdf = lambda x: sum(w * f[0](x) for w, f in cont) if cont else mpf(0)
//!     cdf = lambda x: (sum(w * f[1](x) for w, f in cont) if cont else mpf(0)) + sum(a for y, a in atoms if y <= x)
//!     return dict(atoms=atoms, pdf=pdf, cdf=cdf)
//!
//! def quad(f, cuts):
//!     pts = [-inf] + sorted(set(mpf(c) for c in cuts)) + [inf]
//!     return mp.quad(f, pts)
//!
//! def kl_c(p, q, cuts):
//!     def f(x):
//!         P, Q = p["pdf"](x), q["pdf"](x)
//!         return P * log(P / Q) if P > 0 and Q > 0 else mpf(0)
//!     return quad(f, cuts)
//!
//! def divergences(p, q, cuts, p_cont_covered=True, q_cont_covered=True, w1_finite=True):
//!     xs = sorted(set([x for x, _ in p["atoms"]] + [x for x, _ in q["atoms"]]))
//!     at = lambda d, x: sum(a for y, a in d["atoms"] if y == x)
//!     jsd = mpf(0); kpq = mpf(0); kqp = mpf(0); inf_pq = inf_qp = False
//!     for x in xs:
//!         a, b = at(p, x), at(q, x)
//!         if a > 0: jsd += a * log(2 * a / (a + b)) / 2
//!         if b > 0: jsd += b * log(2 * b / (a + b)) / 2
//!         if a > 0:
//!             if b > 0: kpq += a * log(a / b)
//!             else: inf_pq = True
//!         if b > 0:
//!             if a > 0: kqp += b * log(b / a)
//!             else: inf_qp = True
//!     def jsd_c(x):
//!         P, Q = p["pdf"](x), q["pdf"](x)
//!         s = P + Q
//!         return (P * log(2 * P / s) if P > 0 else 0) / 2 + (Q * log(2 * Q / s) if Q > 0 else 0) / 2
//!     jsd += quad(jsd_c, cuts)
//!     kpq += kl_c(p, q, cuts); kqp += kl_c(q, p, cuts)
//!     inf_pq |= not p_cont_covered; inf_qp |= not q_cont_covered
//!     # |F_p - F_q| with the weights' last-digit rounding (1e-31) taken as 0.
//!     def dF(x):
//!         d = abs(p["cdf"](x) - q["cdf"](x))
//!         return d if d > mpf(10) ** -25 else mpf(0)
//!     w1 = quad(dF, cuts + xs) if w1_finite else None
//!     return jsd, (None if inf_pq else kpq), (None if inf_qp else kqp), w1
//!
//! # name: p, q, cuts, and which continuous parts are covered by the other's
//! # (a support question, answered by hand) and whether W1 is finite (means exist).
//! cases = {
//!   "dirac(0) | dirac(0.001)": (dist([(mpf(0), 1)], []), dist([(mpf("0.001"), 1)], []), [0, "0.001"], True, True, True),
//!   "dirac(0) | normal(1, 0.5)": (dist([(mpf(0), 1)], []), dist([], [(1, normal(1, mpf("0.5")))]), [0, 1], True, False, True),
//!   "0.5*dirac(0) + 0.5*normal(0, 1) | dirac(0)": (dist([(mpf(0), mpf("0.5"))], [(mpf("0.5"), normal(0, 1))]),
//!                                                  dist([(mpf(0), 1)], []), [0], False, True, True),
//!   "0.3*dirac(1) + 0.7*uniform(0, 2) | 0.6*dirac(1) + 0.4*uniform(0, 2)":
//!       (dist([(mpf(1), mpf("0.3"))], [(mpf("0.7"), uniform(0, 2))]),
//!        dist([(mpf(1), mpf("0.6"))], [(mpf("0.4"), uniform(0, 2))]), [0, 1, 2], True, True, True),
//!   "dirac(2) | cauchy(0, 1)": (dist([(mpf(2), 1)], []), dist([], [(1, cauchy(0, 1))]), [0, 2], True, False, False),
//! }
//! for k, (p, q, cuts, pc, qc, wf) in cases.items():
//!     j, a, b, w = divergences(p, q, cuts, pc, qc, wf)
//!     show = lambda v: "inf" if v is None else mp.nstr(v, 20)
//!     print(f"{k}: jsd {show(j)}  kl_pq {show(a)}  kl_qp {show(b)}  w1 {show(w)}")
//! # E|X| for X ~ N(1, 0.5), closed form: s*sqrt(2/pi)*exp(-mu^2/(2 s^2)) + mu*(1 - 2*Phi(-mu/s))
//! mu, s = mpf(1), mpf("0.5")
//! print("E|X| closed form", mp.nstr(s * sqrt(2 / pi) * exp(-mu ** 2 / (2 * s ** 2)) + mu * (1 - 2 * ncdf(-mu / s)), 20))
//! ```
//!
//! Its output:
//!
//! ```text
//! dirac(0) | dirac(0.001): jsd 0.69314718055994530942  kl_pq inf  kl_qp inf  w1 0.001
//! dirac(0) | normal(1, 0.5): jsd 0.69314718055994530942  kl_pq inf  kl_qp inf  w1 1.0084907026168296375
//! 0.5*dirac(0) + 0.5*normal(0, 1) | dirac(0): jsd 0.21576155433883569558  kl_pq inf  kl_qp 0.69314718055994530942  w1 0.39894228040143267794
//! 0.3*dirac(1) + 0.7*uniform(0, 2) | 0.6*dirac(1) + 0.4*uniform(0, 2): jsd 0.046200829181513522434  kl_pq 0.18378689738681228756  kl_qp 0.19204199316179811114  w1 0.15
//! dirac(2) | cauchy(0, 1): jsd 0.69314718055994530942  kl_pq inf  kl_qp inf  w1 inf
//! E|X| closed form 1.0084907026168296375
//! ```

use std::f64::consts::LN_2;
use std::process::Command;

use ganscope::density::parse_spec;
use ganscope::theory::exact::divergences;
use ganscope::theory::{Atoms, Grid, Theory};

/// (p, q, jsd, kl_pq, kl_qp, w1) from the script above; `None` is ∞.
type Case = (
    &'static str,
    &'static str,
    f64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

const CASES: [Case; 5] = [
    ("dirac(0)", "dirac(0.001)", LN_2, None, None, Some(0.001)),
    (
        "dirac(0)",
        "normal(1, 0.5)",
        LN_2,
        None,
        None,
        Some(1.008_490_702_616_829_7),
    ),
    (
        "0.5*dirac(0) + 0.5*normal(0, 1)",
        "dirac(0)",
        0.215_761_554_338_835_7,
        None,
        Some(LN_2),
        Some(0.398_942_280_401_432_7),
    ),
    (
        "0.3*dirac(1) + 0.7*uniform(0, 2)",
        "0.6*dirac(1) + 0.4*uniform(0, 2)",
        0.046_200_829_181_513_525,
        Some(0.183_786_897_386_812_28),
        Some(0.192_041_993_161_798_12),
        Some(0.15),
    ),
    ("dirac(2)", "cauchy(0, 1)", LN_2, None, None, None),
];

fn close(got: Option<f64>, want: Option<f64>, tol: f64) -> bool {
    match (got, want) {
        (Some(g), Some(w)) => (g - w).abs() <= tol * w.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn exact_divergences_with_atoms_match_the_references() {
    for (p, q, jsd, kl_pq, kl_qp, w1) in CASES {
        let d = divergences(&parse_spec(p).unwrap(), &parse_spec(q).unwrap());
        let label = format!("{p} | {q}: {d:?}");
        assert!((d.jsd - jsd).abs() < 1e-9, "{label}");
        assert!(close(d.kl_pq, kl_pq, 1e-9), "{label}");
        assert!(close(d.kl_qp, kl_qp, 1e-9), "{label}");
        assert!(close(d.w1, w1, 1e-9), "{label}");
        assert!((d.c_g - (-(4f64.ln()) + 2.0 * jsd)).abs() < 1e-9, "{label}");
    }
}

fn theory_json(p: &str, q: &str) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args(["theory", "--p", p, "--q", q, "--json"])
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn the_cli_on_two_atoms_and_on_an_atom_against_a_normal() {
    let v = theory_json("dirac(0)", "dirac(0.001)");
    assert!((v["jsd"].as_f64().unwrap() - LN_2).abs() < 1e-12, "{v}");
    assert!((v["w1"].as_f64().unwrap() - 0.001).abs() < 1e-12, "{v}");
    assert!(v["kl_pq"].is_null() && v["kl_qp"].is_null(), "{v}");
    assert!(v["c_g"].as_f64().unwrap().abs() < 1e-12, "{v}");
    // W1 = E|X| for X ~ N(1, 0.5): σ√(2/π)·e^{−μ²/2σ²} + μ(1 − 2Φ(−μ/σ)).
    let v = theory_json("dirac(0)", "normal(1, 0.5)");
    assert!(
        (v["w1"].as_f64().unwrap() - 1.008_490_702_616_829_6).abs() < 1e-9,
        "{v}"
    );
    assert!((v["jsd"].as_f64().unwrap() - LN_2).abs() < 1e-12, "{v}");
    let v = theory_json("dirac(0)", "dirac(0)");
    assert_eq!(
        (v["jsd"].as_f64(), v["kl_pq"].as_f64(), v["w1"].as_f64()),
        (Some(0.0), Some(0.0), Some(0.0)),
        "{v}"
    );
}

#[test]
fn the_rules_of_a_point_mass() {
    let x0 = 0.7;
    let delta = parse_spec(&format!("dirac({x0})")).unwrap();
    // E|X − x₀| in closed form for families with a mean.
    let sqrt_2_pi = (2.0 / std::f64::consts::PI).sqrt();
    let mean_abs: [(&str, Option<f64>, bool); 7] = [
        // N(μ, σ): σ√(2/π) e^{−d²/2σ²} + d(1 − 2Φ(−d/σ)), d = μ − x₀ = 0.
        ("normal(0.7, 2)", Some(2.0 * sqrt_2_pi), false),
        // U(a, b) around x₀: ((x₀ − a)² + (b − x₀)²) / 2(b − a).
        ("uniform(0, 2)", Some((0.49 + 1.69) / 4.0), false),
        // Laplace(μ, b) centred on x₀: b.
        ("laplace(0.7, 1.5)", Some(1.5), false),
        ("cauchy(0.7, 1)", None, false),
        // An atom elsewhere: |x₁ − x₀|.
        ("dirac(1.2)", Some(0.5), false),
        // A mixture with an atom exactly at x₀: half the mass is at distance 0.
        ("0.5*dirac(0.7) + 0.5*uniform(0.7, 1.7)", Some(0.25), true),
        ("dirac(0.7)", Some(0.0), true),
    ];
    for (q, w1, atom_at_x0) in mean_abs {
        let d = divergences(&delta, &parse_spec(q).unwrap());
        let label = format!("δ({x0}) | {q}: {d:?}");
        assert_eq!(
            d.jsd < LN_2 - 1e-12,
            atom_at_x0,
            "JSD = ln 2 unless an atom at x₀: {label}"
        );
        assert_eq!(
            d.kl_pq.is_some(),
            atom_at_x0,
            "KL(δ‖q) finite only with an atom at x₀: {label}"
        );
        assert!(close(d.w1, w1, 1e-9), "W1 = E|X − x₀|: {label}");
    }
}

#[test]
fn the_grid_theory_keeps_atoms_exact() {
    let grid = Grid::new(-1.0, 3.0, 256).unwrap();
    let zeros = vec![0.0; grid.len()];
    // δ(0) against a constant G at 0.3, far less than a bin from nothing.
    let a = Atoms::new(&[(0.0, 1.0)], &[(0.3, 1.0)]);
    let logits = vec![0.0; grid.len()];
    let t =
        Theory::compute_with_atoms(&grid, &zeros, &zeros, &a, Some((&logits, &[0.0, 0.0])), &[]);
    assert_eq!(t.jsd, LN_2);
    assert!((t.w1 - 0.3).abs() < 1e-15, "{}", t.w1);
    assert_eq!((t.kl_data_g, t.kl_g_data), (None, None));
    assert_eq!(t.d_star_atoms, vec![1.0, 0.0]);
    assert!(
        (t.v.unwrap() + 2.0 * LN_2).abs() < 1e-15,
        "V at D = ½ is −ln 4"
    );
    // G on the atom: every divergence 0, D* = ½ there.
    let on = Atoms::new(&[(0.0, 1.0)], &[(0.0, 1.0)]);
    let t = Theory::compute_with_atoms(&grid, &zeros, &zeros, &on, None, &[]);
    assert_eq!(
        (t.jsd, t.w1, t.kl_data_g, t.d_star_atoms.clone()),
        (0.0, 0.0, Some(0.0), vec![0.5])
    );
    // Half the mass on the atom, half spread: JSD is the atom cell plus the bins.
    let q_half: Vec<f64> = (0..grid.len())
        .map(|k| {
            if (1..=grid.n()).contains(&k) {
                0.5 / grid.n() as f64
            } else {
                0.0
            }
        })
        .collect();
    let half = Atoms::new(&[(0.0, 1.0)], &[(0.0, 0.5)]);
    let t = Theory::compute_with_atoms(&grid, &zeros, &q_half, &half, None, &[]);
    let want = 0.5 * (1.0 * (2.0f64 / 1.5).ln() + 0.5 * (1.0f64 / 1.5).ln()) + 0.5 * 0.5 * LN_2;
    assert!((t.jsd - want).abs() < 1e-14, "{} vs {want}", t.jsd);
    // W1 = ½·E|U(−1, 3)| = ½ · (1 + 9)/8.
    assert!((t.w1 - 0.5 * 10.0 / 8.0).abs() < 1e-12, "{}", t.w1);
}

/// H², both χ² and TV with atoms (issue 16's divergences under issue 18's
/// rule that a point is a cell of its own), against a second script
/// (mpmath 1.3, `python3 atoms_fdiv_ref.py`), independent of the Rust code:
/// it sums the atoms cell by cell and integrates the continuous parts with
/// `mp.quad`; which continuous part covers the other is given by hand.
/// Closed forms check it: an atom with nothing of the other side at its
/// point counts fully in H² and TV (½a each), so δ(x₀) against a density or
/// another atom has H² = TV = 1 and both χ² infinite (each divides by the
/// zero mass of the other side somewhere); χ²(δ(0)‖½δ(0) + ½N) =
/// (1 − ½)²/½ + ∫(0 − ½φ)²/(½φ) = ½ + ½ = 1 = 1/b − 1, and
/// H² = 1 − Σ√(ab) = 1 − √½ there; the uniform pair is
/// (0.3 − 0.6)²/0.6 + 2·(0.35 − 0.2)²/0.2 = 0.375.
///
/// ```python
/// # Independent references for H², χ² (Pearson, Neyman) and TV with atoms
/// # (mpmath 1.3, mp.dps = 30). Every atom position is a cell of its own:
/// #   H² = ½ Σ (√a − √b)² + ½ ∫ (√p_c − √q_c)²,   TV = ½ Σ |a − b| + ½ ∫ |p_c − q_c|,
/// #   χ²(p‖q) = Σ (a − b)²/b + ∫ (p_c − q_c)²/q_c, ∞ when an atom of p has b = 0
/// #   or p's continuous part is not covered by q's (given by hand: a support question).
/// from mpmath import mp, mpf, inf, sqrt, pi, npdf, ncdf, atan
/// mp.dps = 30
///
/// def normal(mu, s): return lambda x: npdf(x, mu, s)
/// def uniform(a, b):
///     a, b = mpf(a), mpf(b)
///     return lambda x: 1 / (b - a) if a <= x <= b else mpf(0)
/// def cauchy(x0, g): return lambda x: 1 / (pi * g * (1 + ((x - x0) / g) ** 2))
///
/// def dist(atoms, cont):
///     return dict(atoms=atoms, pdf=lambda x: sum(w * f(x) for w, f in cont) if cont else mpf(0))
///
/// def quad(f, cuts):
///     return mp.quad(f, [-inf] + sorted(set(mpf(c) for c in cuts)) + [inf])
///
/// def chi2(p, q, cuts, p_cont_covered):
///     xs = sorted(set([x for x, _ in p["atoms"]] + [x for x, _ in q["atoms"]]))
///     at = lambda d, x: sum(a for y, a in d["atoms"] if y == x)
///     s = mpf(0)
///     for x in xs:
///         a, b = at(p, x), at(q, x)
///         if b > 0: s += (a - b) ** 2 / b
///         elif a > 0: return None
///     if not p_cont_covered: return None
///     def f(x):
///         P, Q = p["pdf"](x), q["pdf"](x)
///         return (P - Q) ** 2 / Q if Q > 0 else mpf(0)
///     return s + quad(f, cuts)
///
/// def h2_tv(p, q, cuts):
///     xs = sorted(set([x for x, _ in p["atoms"]] + [x for x, _ in q["atoms"]]))
///     at = lambda d, x: sum(a for y, a in d["atoms"] if y == x)
///     h = sum((sqrt(at(p, x)) - sqrt(at(q, x))) ** 2 for x in xs) / 2
///     t = sum(abs(at(p, x) - at(q, x)) for x in xs) / 2
///     h += quad(lambda x: (sqrt(p["pdf"](x)) - sqrt(q["pdf"](x))) ** 2, cuts) / 2
///     t += quad(lambda x: abs(p["pdf"](x) - q["pdf"](x)), cuts) / 2
///     return h, t
///
/// D = lambda x0: dist([(mpf(x0), 1)], [])
/// # name: p, q, cuts, p's continuous part covered by q's, q's by p's.
/// cases = {
///   "dirac(0) | dirac(0.001)": (D(0), D("0.001"), [0, "0.001"], True, True),
///   "dirac(0) | dirac(0)": (D(0), D(0), [0], True, True),
///   "dirac(0) | normal(1, 0.5)": (D(0), dist([], [(1, normal(1, mpf("0.5")))]), [0, 1], True, False),
///   "0.5*dirac(0) + 0.5*normal(0, 1) | dirac(0)":
///       (dist([(mpf(0), mpf("0.5"))], [(mpf("0.5"), normal(0, 1))]), D(0), [0], False, True),
///   "dirac(0) | 0.5*dirac(0) + 0.5*normal(0, 1)":
///       (D(0), dist([(mpf(0), mpf("0.5"))], [(mpf("0.5"), normal(0, 1))]), [0], True, False),
///   "normal(0, 1) | 0.5*dirac(3) + 0.5*normal(0, 1)":
///       (dist([], [(1, normal(0, 1))]), dist([(mpf(3), mpf("0.5"))], [(mpf("0.5"), normal(0, 1))]), [0, 3], True, True),
///   "0.3*dirac(1) + 0.7*uniform(0, 2) | 0.6*dirac(1) + 0.4*uniform(0, 2)":
///       (dist([(mpf(1), mpf("0.3"))], [(mpf("0.7"), uniform(0, 2))]),
///        dist([(mpf(1), mpf("0.6"))], [(mpf("0.4"), uniform(0, 2))]), [0, 1, 2], True, True),
///   "dirac(2) | cauchy(0, 1)": (D(2), dist([], [(1, cauchy(0, 1))]), [0, 2], True, False),
/// }
/// show = lambda v: "inf" if v is None else mp.nstr(v, 20)
/// for k, (p, q, cuts, pc, qc) in cases.items():
///     h, t = h2_tv(p, q, cuts)
///     print(f"{k}: hellinger2 {show(h)}  chi2_pearson {show(chi2(p, q, cuts, pc))}  chi2_neyman {show(chi2(q, p, cuts, qc))}  tv {show(t)}")
/// ```
///
/// Its output:
///
/// ```text
/// dirac(0) | dirac(0.001): hellinger2 1.0  chi2_pearson inf  chi2_neyman inf  tv 1.0
/// dirac(0) | dirac(0): hellinger2 0.0  chi2_pearson 0.0  chi2_neyman 0.0  tv 0.0
/// dirac(0) | normal(1, 0.5): hellinger2 1.0  chi2_pearson inf  chi2_neyman inf  tv 1.0
/// 0.5*dirac(0) + 0.5*normal(0, 1) | dirac(0): hellinger2 0.2928932188134524756  chi2_pearson inf  chi2_neyman 1.0  tv 0.5
/// dirac(0) | 0.5*dirac(0) + 0.5*normal(0, 1): hellinger2 0.2928932188134524756  chi2_pearson 1.0  chi2_neyman inf  tv 0.5
/// normal(0, 1) | 0.5*dirac(3) + 0.5*normal(0, 1): hellinger2 0.2928932188134524756  chi2_pearson 1.0  chi2_neyman inf  tv 0.5
/// 0.3*dirac(1) + 0.7*uniform(0, 2) | 0.6*dirac(1) + 0.4*uniform(0, 2): hellinger2 0.046585669075153367259  chi2_pearson 0.375  chi2_neyman 0.42857142857142857143  tv 0.3
/// dirac(2) | cauchy(0, 1): hellinger2 1.0  chi2_pearson inf  chi2_neyman inf  tv 1.0
/// ```
#[test]
fn hellinger_chi2_and_tv_with_atoms_match_the_references() {
    type FCase = (
        &'static str,
        &'static str,
        f64,
        Option<f64>,
        Option<f64>,
        f64,
    );
    let h_half = 0.292_893_218_813_452_5;
    let cases: [FCase; 8] = [
        ("dirac(0)", "dirac(0.001)", 1.0, None, None, 1.0),
        ("dirac(0)", "dirac(0)", 0.0, Some(0.0), Some(0.0), 0.0),
        ("dirac(0)", "normal(1, 0.5)", 1.0, None, None, 1.0),
        (
            "0.5*dirac(0) + 0.5*normal(0, 1)",
            "dirac(0)",
            h_half,
            None,
            Some(1.0),
            0.5,
        ),
        (
            "dirac(0)",
            "0.5*dirac(0) + 0.5*normal(0, 1)",
            h_half,
            Some(1.0),
            None,
            0.5,
        ),
        (
            "normal(0, 1)",
            "0.5*dirac(3) + 0.5*normal(0, 1)",
            h_half,
            Some(1.0),
            None,
            0.5,
        ),
        (
            "0.3*dirac(1) + 0.7*uniform(0, 2)",
            "0.6*dirac(1) + 0.4*uniform(0, 2)",
            0.046_585_669_075_153_37,
            Some(0.375),
            Some(0.428_571_428_571_428_6),
            0.3,
        ),
        ("dirac(2)", "cauchy(0, 1)", 1.0, None, None, 1.0),
    ];
    for (p, q, h2, pearson, neyman, tv) in cases {
        let d = divergences(&parse_spec(p).unwrap(), &parse_spec(q).unwrap());
        let label = format!("{p} | {q}: {d:?}");
        assert!((d.hellinger2 - h2).abs() < 1e-9, "H²: {label}");
        assert!(close(d.chi2_pearson, pearson, 1e-9), "χ²(p‖q): {label}");
        assert!(close(d.chi2_neyman, neyman, 1e-9), "χ²(q‖p): {label}");
        assert!((d.tv - tv).abs() < 1e-9, "TV: {label}");
    }
    // The CLI reports the same, ∞ as null.
    let v = theory_json("dirac(0)", "dirac(0.001)");
    assert_eq!(
        (v["hellinger2"].as_f64(), v["tv"].as_f64()),
        (Some(1.0), Some(1.0)),
        "{v}"
    );
    assert!(
        v["chi2_pearson"].is_null() && v["chi2_neyman"].is_null(),
        "{v}"
    );
    // The normal's mass by quadrature: to the documented 1e-9.
    let v = theory_json("dirac(0)", "normal(1, 0.5)");
    assert!(
        (v["hellinger2"].as_f64().unwrap() - 1.0).abs() < 1e-9,
        "{v}"
    );
    assert!((v["tv"].as_f64().unwrap() - 1.0).abs() < 1e-9, "{v}");
    assert!(
        v["chi2_pearson"].is_null() && v["chi2_neyman"].is_null(),
        "{v}"
    );
    let v = theory_json("dirac(0)", "0.5*dirac(0) + 0.5*normal(0, 1)");
    assert!(
        (v["chi2_pearson"].as_f64().unwrap() - 1.0).abs() < 1e-9,
        "{v}"
    );
    assert!(v["chi2_neyman"].is_null(), "{v}");
}

/// The same rules on the grid: the atoms are cells appended to the bins
/// ([`Atoms::cells`]), and H², χ² and TV sum over every cell. δ(0) against
/// bins of a normal: H² = TV = 1, χ² infinite both ways; against half of
/// its mass on the atom and half in the bins: H² = 1 − √½, TV = ½,
/// χ²(δ‖q) = 1 (the closed forms above), χ²(q‖δ) infinite.
#[test]
fn hellinger_chi2_and_tv_on_the_grid_count_atoms_as_cells() {
    use ganscope::theory::{bin_masses, chi2, hellinger2, tv};
    let grid = Grid::new(-1.0, 3.0, 256).unwrap();
    let zeros = vec![0.0; grid.len()];
    let q = bin_masses(&grid, &parse_spec("normal(1, 0.5)").unwrap());
    let a = Atoms::new(&[(0.0, 1.0)], &[]);
    let (pc, qc) = a.cells(&zeros, &q);
    assert!((hellinger2(&pc, &qc) - 1.0).abs() < 1e-15);
    assert!((tv(&pc, &qc) - 1.0).abs() < 1e-15);
    assert_eq!((chi2(&pc, &qc), chi2(&qc, &pc)), (None, None));
    let half: Vec<f64> = q.iter().map(|m| 0.5 * m).collect();
    let b = Atoms::new(&[(0.0, 1.0)], &[(0.0, 0.5)]);
    let (pc, qc) = b.cells(&zeros, &half);
    assert!((hellinger2(&pc, &qc) - (1.0 - 0.5f64.sqrt())).abs() < 1e-15);
    assert!((tv(&pc, &qc) - 0.5).abs() < 1e-15);
    assert!((chi2(&pc, &qc).unwrap() - 1.0).abs() < 1e-14);
    assert_eq!(chi2(&qc, &pc), None);
    // Two atoms at one point: every divergence 0.
    let same = Atoms::new(&[(0.3, 1.0)], &[(0.3, 1.0)]);
    let (pc, qc) = same.cells(&zeros, &zeros);
    assert_eq!(
        (
            hellinger2(&pc, &qc),
            tv(&pc, &qc),
            chi2(&pc, &qc),
            chi2(&qc, &pc)
        ),
        (0.0, 0.0, Some(0.0), Some(0.0))
    );
}
