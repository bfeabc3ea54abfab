//! The divergences `ganscope theory` added to JSD, KL and W1 — the squared
//! Hellinger distance, Pearson's and Neyman's χ² and the total variation —
//! against independent 30-digit references, and the hang guard: no theory
//! call may run on (each of the calls that used to take minutes answers or is
//! refused, on a thread that must return within 30 s).
//!
//! The references come from this script (mpmath 1.3, `python3
//! theory_more_ref.py`). It imports `fam` and `parse` from the script
//! pasted in `tests/theory_exact.rs` (saved as `theory_exact_ref.py`), which
//! shares nothing with the Rust code:
//!
//! ```python
//! # Reference values for tests/theory_divergences.rs: H², both χ² and TV.
//! # mpmath (mp.dps = 30), reusing `fam` and `parse` of the script pasted in
//! # tests/theory_exact.rs (saved as theory_exact_ref.py); nothing from the Rust code.
//! # Each integral is mp.quad over the support split at every support edge, kink,
//! # loc + k*scale of every component and, for |p - q|, every crossing of p and q
//! # (bracketed on 200 points of each span between finite split points, then bisected).
//! from mpmath import mp, mpf, inf, sqrt
//! from theory_exact_ref import parse
//! mp.dps = 30
//!
//! def crossings(f, a, b, n=200):
//!     # Sign changes of f on [a, b] (finite).
//!     xs = [a + (b - a) * k / n for k in range(n + 1)]
//!     out = []
//!     for u, v in zip(xs, xs[1:]):
//!         fu, fv = f(u), f(v)
//!         if fu == 0:
//!             out.append(u)
//!         elif fu * fv < 0:
//!             # Bisection to full precision (a jump of a density converges to its edge).
//!             for _ in range(120):
//!                 w = (u + v) / 2
//!                 if f(w) * fu > 0:
//!                     u, fu = w, f(w)
//!                 else:
//!                     v = w
//!             out.append((u + v) / 2)
//!     return out
//!
//! def divergences(ps, qs, pearson_inf=False, neyman_inf=False):
//!     p, q = parse(ps), parse(qs)
//!     lo, hi = min(p["sup"][0], q["sup"][0]), max(p["sup"][1], q["sup"][1])
//!     pts = sorted(set(x for x in p["pts"] + q["pts"] if lo < x < hi))
//!     diff = lambda x: p["pdf"](x) - q["pdf"](x)
//!     cross = []
//!     ends = [x for x in [lo] + pts + [hi] if x not in (-inf, inf)]
//!     for a, b in zip(ends, ends[1:]):
//!         cross += crossings(diff, a, b, 200)
//!     grid = [lo] + sorted(set(pts + cross)) + [hi]
//!     h2 = lambda x: (sqrt(p["pdf"](x)) - sqrt(q["pdf"](x))) ** 2 / 2
//!     tv = lambda x: abs(diff(x)) / 2
//!     def chi2(f, g):
//!         def h(x):
//!             a, b = f["pdf"](x), g["pdf"](x)
//!             return mpf(0) if a == b else (a - b) ** 2 / b
//!         return h
//!     out = dict(hellinger2=mp.quad(h2, grid), tv=mp.quad(tv, grid))
//!     out["chi2_pearson"] = None if pearson_inf else mp.quad(chi2(p, q), grid)
//!     out["chi2_neyman"] = None if neyman_inf else mp.quad(chi2(q, p), grid)
//!     return out
//!
//! # (p, q, chi2(p||q) infinite, chi2(q||p) infinite), decided by hand from the
//! # tails and edges (see src/theory/chi2_finite.rs's rule).
//! PAIRS = [
//!     ("normal(0,1)", "normal(1,1)", 0, 0),
//!     ("normal(0,1)", "normal(1,1.2)", 0, 0),
//!     ("normal(0,1)", "normal(0.5,2)", 0, 1),
//!     ("0.3*normal(-2,0.5)+0.7*laplace(2,1)", "normal(0,2)", 1, 0),
//!     ("modes(3,4,0.5)", "normal(0,3)", 0, 1),
//!     ("laplace(0,1)", "laplace(1,1.5)", 0, 0),
//!     ("cauchy(0,1)", "cauchy(1,2)", 0, 0),
//!     ("student_t(3,0,1)", "cauchy(0,1)", 0, 1),
//!     ("cauchy(0,1)", "normal(0,1)", 1, 0),
//!     ("uniform(0,1)", "uniform(-0.5,1.5)", 0, 1),
//!     ("beta(2,5)", "uniform(0,1)", 0, 1),
//!     ("uniform(0,1)", "beta(1.5,1.5)", 0, 0),
//!     ("beta(2,5)", "beta(3,3)", 0, 0),
//!     ("gamma(2.5,1.5)", "exponential(0.3)", 0, 1),
//!     ("exponential(1)", "gamma(2,0.5)", 1, 0),
//!     ("lognormal(0,0.5)", "gamma(4,0.3)", 1, 1),
//!     ("uniform(0,1)", "uniform(2,3)", 1, 1),
//! ]
//!
//! def fmt(v):
//!     return "None" if v is None else f"Some({mp.nstr(v, 17, min_fixed=-30, max_fixed=30)})"
//!
//! if __name__ == "__main__":
//!     for ps, qs, a, b in PAIRS:
//!         d = divergences(ps, qs, a, b)
//!         print(f'    ("{ps}", "{qs}", {mp.nstr(d["hellinger2"], 17)}, {fmt(d["chi2_pearson"])}, {fmt(d["chi2_neyman"])}, {mp.nstr(d["tv"], 17)}),', flush=True)
//! ```
//!
//! Its output:
//!
//! ```text
//! ("normal(0,1)", "normal(1,1)", 0.1175030974154046, Some(1.7182818284590452), Some(1.7182818284590452), 0.38292492254802621),
//! ("normal(0,1)", "normal(1,1.2)", 0.10481391612015149, Some(0.78768612990643438), Some(5.6412618065842399), 0.35691631690412224),
//! ("normal(0,1)", "normal(0.5,2)", 0.1166835620103823, Some(0.5668285935727774), None, 0.34033578206089244),
//! ("0.3*normal(-2,0.5)+0.7*laplace(2,1)", "normal(0,2)", 0.097239874423676853, None, Some(2.0778228550605595), 0.36660197180696869),
//! ("modes(3,4,0.5)", "normal(0,3)", 0.24679071579526984, Some(1.8132137627343751), None, 0.52260132448234705),
//! ("laplace(0,1)", "laplace(1,1.5)", 0.082389188959506375, Some(0.68146364555018007), Some(1.2216988053682593), 0.35306704869506393),
//! ("cauchy(0,1)", "cauchy(1,2)", 0.054993669070241946, Some(0.5), Some(0.5), 0.29516723530086655),
//! ("student_t(3,0,1)", "cauchy(0,1)", 0.039655970887465382, Some(0.15470053837925153), None, 0.15645148524035271),
//! ("cauchy(0,1)", "normal(0,1)", 0.10846124709203934, None, Some(0.32934038817913702), 0.25116455428885108),
//! ("uniform(0,1)", "uniform(-0.5,1.5)", 0.29289321881345248, Some(1.0), None, 0.5),
//! ("beta(2,5)", "uniform(0,1)", 0.1653751504683183, Some(0.81818181818181818), None, 0.40942482986243407),
//! ("uniform(0,1)", "beta(1.5,1.5)", 0.013774960270453703, Some(0.23370055013616982), Some(0.080759292184936229), 0.11542101470975824),
//! ("beta(2,5)", "beta(3,3)", 0.16883116883116883, Some(3.2857142857142857), Some(6.5), 0.45084971874737121),
//! ("gamma(2.5,1.5)", "exponential(0.3)", 0.06126782316264397, Some(0.30719249100955553), None, 0.24463956378731187),
//! ("exponential(1)", "gamma(2,0.5)", 0.035198327255643121, None, Some(0.18518518518518519), 0.18411291153033796),
//! ("lognormal(0,0.5)", "gamma(4,0.3)", 0.0070463709042593385, None, None, 0.093987736557905877),
//! ("uniform(0,1)", "uniform(2,3)", 1.0, None, None, 1.0),
//! ```

// The references are pasted as printed, to 17 digits.
#![allow(clippy::excessive_precision)]

use ganscope::density::parse_spec;
use ganscope::theory::exact::{Divergences, divergences};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// (p, q, H², χ²(p‖q), χ²(q‖p), TV); `None` is infinite.
type Row = (
    &'static str,
    &'static str,
    f64,
    Option<f64>,
    Option<f64>,
    f64,
);

const TABLE: &[Row] = &[
    (
        "normal(0,1)",
        "normal(1,1)",
        0.1175030974154046,
        Some(1.7182818284590452),
        Some(1.7182818284590452),
        0.38292492254802621,
    ),
    (
        "normal(0,1)",
        "normal(1,1.2)",
        0.10481391612015149,
        Some(0.78768612990643438),
        Some(5.6412618065842399),
        0.35691631690412224,
    ),
    (
        "normal(0,1)",
        "normal(0.5,2)",
        0.1166835620103823,
        Some(0.5668285935727774),
        None,
        0.34033578206089244,
    ),
    (
        "0.3*normal(-2,0.5)+0.7*laplace(2,1)",
        "normal(0,2)",
        0.097239874423676853,
        None,
        Some(2.0778228550605595),
        0.36660197180696869,
    ),
    (
        "modes(3,4,0.5)",
        "normal(0,3)",
        0.24679071579526984,
        Some(1.8132137627343751),
        None,
        0.52260132448234705,
    ),
    (
        "laplace(0,1)",
        "laplace(1,1.5)",
        0.082389188959506375,
        Some(0.68146364555018007),
        Some(1.2216988053682593),
        0.35306704869506393,
    ),
    (
        "cauchy(0,1)",
        "cauchy(1,2)",
        0.054993669070241946,
        Some(0.5),
        Some(0.5),
        0.29516723530086655,
    ),
    (
        "student_t(3,0,1)",
        "cauchy(0,1)",
        0.039655970887465382,
        Some(0.15470053837925153),
        None,
        0.15645148524035271,
    ),
    (
        "cauchy(0,1)",
        "normal(0,1)",
        0.10846124709203934,
        None,
        Some(0.32934038817913702),
        0.25116455428885108,
    ),
    (
        "uniform(0,1)",
        "uniform(-0.5,1.5)",
        0.29289321881345248,
        Some(1.0),
        None,
        0.5,
    ),
    (
        "beta(2,5)",
        "uniform(0,1)",
        0.1653751504683183,
        Some(0.81818181818181818),
        None,
        0.40942482986243407,
    ),
    (
        "uniform(0,1)",
        "beta(1.5,1.5)",
        0.013774960270453703,
        Some(0.23370055013616982),
        Some(0.080759292184936229),
        0.11542101470975824,
    ),
    (
        "beta(2,5)",
        "beta(3,3)",
        0.16883116883116883,
        Some(3.2857142857142857),
        Some(6.5),
        0.45084971874737121,
    ),
    (
        "gamma(2.5,1.5)",
        "exponential(0.3)",
        0.06126782316264397,
        Some(0.30719249100955553),
        None,
        0.24463956378731187,
    ),
    (
        "exponential(1)",
        "gamma(2,0.5)",
        0.035198327255643121,
        None,
        Some(0.18518518518518519),
        0.18411291153033796,
    ),
    (
        "lognormal(0,0.5)",
        "gamma(4,0.3)",
        0.0070463709042593385,
        None,
        None,
        0.093987736557905877,
    ),
    ("uniform(0,1)", "uniform(2,3)", 1.0, None, None, 1.0),
];

fn div(p: &str, q: &str) -> Divergences {
    divergences(
        &parse_spec(p).expect("valid spec"),
        &parse_spec(q).expect("valid spec"),
    )
}

/// Relative closeness to 1e-6, and `None` exactly where the reference is infinite.
fn close(what: &str, (p, q): (&str, &str), got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-6 * w.abs() + 1e-14,
            "{what}({p} ‖ {q}) = {g}, reference {w}, relative error {:e}",
            (g - w).abs() / w.abs()
        ),
        _ => panic!("{what}({p} ‖ {q}) = {got:?}, reference {want:?}"),
    }
}

#[test]
fn hellinger_chi2_and_tv_match_the_references() {
    for &(p, q, h2, pearson, neyman, tv) in TABLE {
        let d = div(p, q);
        close("H²", (p, q), Some(d.hellinger2), Some(h2));
        close("χ²", (p, q), d.chi2_pearson, pearson);
        close("χ²", (q, p), d.chi2_neyman, neyman);
        close("TV", (p, q), Some(d.tv), Some(tv));
        // Swapping p and q swaps the two χ² and keeps the symmetric ones.
        let e = div(q, p);
        assert_eq!(e.chi2_pearson.is_some(), d.chi2_neyman.is_some(), "{p} {q}");
        assert!((e.hellinger2 - d.hellinger2).abs() <= 1e-9 && (e.tv - d.tv).abs() <= 1e-9);
    }
}

#[test]
fn the_new_keys_are_in_the_json_with_null_for_infinite() {
    let out = Command::new(env!("CARGO_BIN_EXE_ganscope"))
        .args([
            "theory",
            "--p",
            "normal(0,1)",
            "--q",
            "normal(0.5,2)",
            "--json",
        ])
        .output()
        .expect("the binary runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let num = |k: &str| v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"));
    assert!((num("hellinger2") - 0.1166835620103823).abs() < 1e-9);
    assert!((num("chi2_pearson") - 0.5668285935727774).abs() < 1e-8);
    assert!(v["chi2_neyman"].is_null(), "{v}");
    assert!((num("tv") - 0.34033578206089244).abs() < 1e-9);
}

/// The calls that ran past a minute before; each must come back (with an
/// answer or a refusal) well within 30 s. A hang guard, not a timing test:
/// README gives the release timings.
const FORMERLY_HANGING: [(&str, &str); 3] = [
    ("modes(1000,1,0.01)", "normal(0,1)"),
    ("student_t(1e-9,0,1)", "normal(0,1)"),
    ("gamma(1e-8,1)", "exponential(1)"),
];

/// Each call on its own thread; panics if one has not returned after 30 s.
fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{what} did not return within 30 s"))
}

#[test]
fn no_theory_call_hangs() {
    for (p, q) in FORMERLY_HANGING {
        // The library: the spec is refused, or the divergences come back.
        let result = guarded(&format!("divergences({p}, {q})"), move || {
            parse_spec(p).map(|pd| divergences(&pd, &parse_spec(q).expect("valid q")))
        });
        match result {
            Err(e) => {
                // A refusal names the parameter and the range it must be in.
                let text = e.to_string();
                assert!(
                    text.contains(" must be ")
                        && (text.contains(" in [") || text.contains(" from ")),
                    "{p}: {text}"
                );
            }
            Ok(d) => assert!(d.jsd.is_finite(), "{p} vs {q}: {d:?}"),
        }
        // The command: exit 0 with an answer, or exit 2 with one line naming it.
        let out = guarded(&format!("ganscope theory --p {p} --q {q}"), move || {
            Command::new(env!("CARGO_BIN_EXE_ganscope"))
                .args(["theory", "--p", p, "--q", q, "--json"])
                .output()
                .expect("the binary runs")
        });
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => assert!(!out.stdout.is_empty()),
            Some(2) => assert!(
                err.lines()
                    .next()
                    .is_some_and(|l| l.starts_with("error: --p:")),
                "{err}"
            ),
            other => panic!("{p}: exit {other:?}: {err}"),
        }
    }
}

/// The parameter ranges that keep every call short, at their edges: the
/// extremes answer, one step beyond is refused.
#[test]
fn the_range_edges_answer_and_beyond_is_refused() {
    for (p, q) in [
        ("student_t(0.1,0,1)", "normal(0,1)"),
        ("gamma(0.05,1)", "exponential(1)"),
        ("beta(0.05,0.05)", "uniform(0,1)"),
        ("modes(64,1,0.01)", "normal(0,1)"),
        ("lognormal(100,5)", "lognormal(-100,5)"),
    ] {
        let d = guarded(p, move || div(p, q));
        assert!(
            d.jsd.is_finite() && (0.0..=1.0).contains(&d.tv),
            "{p}: {d:?}"
        );
    }
    for (spec, param) in [
        ("student_t(0.09,0,1)", "nu"),
        ("student_t(2e5,0,1)", "nu"),
        ("gamma(0.04,1)", "shape"),
        ("gamma(1001,1)", "shape"),
        ("beta(0.04,1)", "a"),
        ("beta(1,2e5)", "b"),
        ("lognormal(101,1)", "mu"),
        ("lognormal(0,5.1)", "sigma"),
        ("modes(65,1,1)", "n"),
    ] {
        let e = parse_spec(spec).expect_err(spec);
        assert!(
            e.to_string().contains(&format!("{param} must be")),
            "{spec}: {e}"
        );
    }
    let many = vec!["normal(0,1)"; 65].join(" + ");
    assert!(
        parse_spec(&many)
            .unwrap_err()
            .to_string()
            .contains("at most 64 terms")
    );
}
