//! Exact divergences against independent 30-digit references.
//!
//! The reference values below come from this Python script (mpmath 1.3,
//! `python3 theory_exact_ref.py`), which shares nothing with the Rust code:
//! mpmath's own special functions and `mp.quad` (tanh-sinh) split at every
//! support edge, kink and at loc + k·scale of each component.
//!
//! ```python
//! # Independent reference values for tests/theory_exact.rs.
//! # mpmath (mp.dps = 30) with its own special functions; nothing from the Rust code.
//! # Each integral is mp.quad over the support of m = (p+q)/2 split at every support
//! # edge, kink and at loc + k*scale of every component, with infinite end ranges.
//! import random, re, sys
//! from mpmath import mp, mpf, inf, log, exp, sqrt, pi, atan2, npdf, ncdf, betainc, gammainc, gamma as G, beta as B
//! mp.dps = 30
//!
//! def fam(name, a):
//!     a = [mpf(x) for x in a]
//!     if name == "normal":
//!         mu, s = a
//!         return dict(pdf=lambda x: npdf(x, mu, s), cdf=lambda x: ncdf(x, mu, s),
//!                     sf=lambda x: ncdf(-x, -mu, s), sup=(-inf, inf), loc=[(mu, s)], kinks=[])
//!     if name == "modes":
//!         n, d, s = int(a[0]), a[1], a[2]
//!         cs = [(i - (n - 1) / mpf(2)) * d for i in range(n)]
//!         return dict(pdf=lambda x: sum(npdf(x, c, s) for c in cs) / n,
//!                     cdf=lambda x: sum(ncdf(x, c, s) for c in cs) / n,
//!                     sf=lambda x: sum(ncdf(-x, -c, s) for c in cs) / n,
//!                     sup=(-inf, inf), loc=[(c, s) for c in cs], kinks=[])
//!     if name == "uniform":
//!         lo, hi = a
//!         return dict(pdf=lambda x: 1 / (hi - lo) if lo <= x <= hi else mpf(0),
//!                     cdf=lambda x: min(max((x - lo) / (hi - lo), 0), 1),
//!                     sf=lambda x: min(max((hi - x) / (hi - lo), 0), 1),
//!                     sup=(lo, hi), loc=[], kinks=[])
//!     if name == "laplace":
//!         mu, b = a
//!         return dict(pdf=lambda x: exp(-abs(x - mu) / b) / (2 * b),
//!                     cdf=lambda x: exp((x - mu) / b) / 2 if x < mu else 1 - exp(-(x - mu) / b) / 2,
//!                     sf=lambda x: exp(-(x - mu) / b) / 2 if x > mu else 1 - exp((x - mu) / b) / 2,
//!                     sup=(-inf, inf), loc=[(mu, b)], kinks=[mu])
//!     if name == "cauchy":
//!         x0, g = a
//!         return dict(pdf=lambda x: 1 / (pi * g * (1 + ((x - x0) / g) ** 2)),
//!                     # atan2: no cancellation of 1/2 - atan(z)/pi far in the tails.
//!                     cdf=lambda x: atan2(1, -(x - x0) / g) / pi,
//!                     sf=lambda x: atan2(1, (x - x0) / g) / pi,
//!                     sup=(-inf, inf), loc=[(x0, g), (x0, 1000 * g)], kinks=[])
//!     if name == "student_t":
//!         nu, mu, s = a
//!         k = G((nu + 1) / 2) / (G(nu / 2) * sqrt(nu * pi) * s)
//!         low = lambda z: betainc(nu / 2, mpf(1) / 2, 0, nu / (nu + z * z), regularized=True) / 2
//!         return dict(pdf=lambda x: k * (1 + ((x - mu) / s) ** 2 / nu) ** (-(nu + 1) / 2),
//!                     cdf=lambda x: low((x - mu) / s) if x <= mu else 1 - low((x - mu) / s),
//!                     sf=lambda x: low((x - mu) / s) if x >= mu else 1 - low((x - mu) / s),
//!                     sup=(-inf, inf), loc=[(mu, s), (mu, 1000 * s)], kinks=[])
//!     if name == "lognormal":
//!         mu, s = a
//!         return dict(pdf=lambda x: npdf(log(x), mu, s) / x if x > 0 else mpf(0),
//!                     cdf=lambda x: ncdf(log(x), mu, s) if x > 0 else mpf(0),
//!                     sf=lambda x: ncdf(-log(x), -mu, s) if x > 0 else mpf(1),
//!                     sup=(mpf(0), inf), loc=[(exp(mu), exp(mu) * s)], kinks=[])
//!     if name == "exponential":
//!         (r,) = a
//!         return dict(pdf=lambda x: r * exp(-r * x) if x >= 0 else mpf(0),
//!                     cdf=lambda x: 1 - exp(-r * x) if x > 0 else mpf(0),
//!                     sf=lambda x: exp(-r * x) if x > 0 else mpf(1),
//!                     sup=(mpf(0), inf), loc=[(1 / r, 1 / r)], kinks=[])
//!     if name == "gamma":
//!         k, th = a
//!         return dict(pdf=lambda x: x ** (k - 1) * exp(-x / th) / (G(k) * th ** k) if x > 0 else mpf(0),
//!                     cdf=lambda x: gammainc(k, 0, x / th, regularized=True) if x > 0 else mpf(0),
//!                     sf=lambda x: gammainc(k, x / th, inf, regularized=True) if x > 0 else mpf(1),
//!                     sup=(mpf(0), inf), loc=[(k * th, sqrt(k) * th)], kinks=[])
//!     if name == "beta":
//!         al, be = a
//!         return dict(pdf=lambda x: x ** (al - 1) * (1 - x) ** (be - 1) / B(al, be) if 0 < x < 1 else mpf(0),
//!                     cdf=lambda x: betainc(al, be, 0, x, regularized=True) if 0 < x < 1 else mpf(0 if x <= 0 else 1),
//!                     sf=lambda x: betainc(al, be, x, 1, regularized=True) if 0 < x < 1 else mpf(1 if x <= 0 else 0),
//!                     sup=(mpf(0), mpf(1)), loc=[(mpf(1) / 2, mpf(1) / 4)], kinks=[])
//!     raise ValueError(name)
//!
//! def parse(spec):
//!     terms = []
//!     for t in spec.replace(" ", "").split("+"):
//!         m = re.fullmatch(r"(?:([0-9.eE-]+)\*)?([a-z_]+)\(([^)]*)\)", t)
//!         w = mpf(m.group(1)) if m.group(1) else mpf(1)
//!         terms.append((w, fam(m.group(2), m.group(3).split(","))))
//!     tot = sum(w for w, _ in terms)
//!     terms = [(w / tot, f) for w, f in terms]
//!     d = dict(pdf=lambda x: sum(w * f["pdf"](x) for w, f in terms),
//!              cdf=lambda x: sum(w * f["cdf"](x) for w, f in terms),
//!              sf=lambda x: sum(w * f["sf"](x) for w, f in terms))
//!     d["sup"] = (min(f["sup"][0] for _, f in terms), max(f["sup"][1] for _, f in terms))
//!     pts = []
//!     for _, f in terms:
//!         pts += [e for e in f["sup"] if e not in (-inf, inf)] + f["kinks"]
//!         for (c, s) in f["loc"]:
//!             pts += [c + k * s for k in (-40, -12, -6, -3, -1, 0, 1, 3, 6, 12, 40)]
//!     d["pts"] = pts
//!     return d
//!
//! def xlogy(x, y):
//!     return mpf(0) if x == 0 else x * log(y)
//!
//! def divergences(ps, qs, kl_pq_inf=False, kl_qp_inf=False, w1_inf=False):
//!     p, q = parse(ps), parse(qs)
//!     lo, hi = min(p["sup"][0], q["sup"][0]), max(p["sup"][1], q["sup"][1])
//!     pts = sorted(set(x for x in p["pts"] + q["pts"] if lo < x < hi))
//!     grid = [lo] + pts + [hi]
//!     med = (grid[0] if grid[0] != -inf else grid[1])
//!     def jsd(x):
//!         a, b = p["pdf"](x), q["pdf"](x)
//!         m = (a + b) / 2
//!         return (xlogy(a, a / m) + xlogy(b, b / m)) / 2 if m > 0 else mpf(0)
//!     def kl(f, g):
//!         def h(x):
//!             a = f["pdf"](x)
//!             return xlogy(a, a / g["pdf"](x)) if a > 0 else mpf(0)
//!         return h
//!     # |F_p - F_q|: from the cdfs left of the middle of the grid, the survival functions right of it.
//!     mid = pts[len(pts) // 2]
//!     w1 = lambda x: abs(p["cdf"](x) - q["cdf"](x)) if x <= mid else abs(p["sf"](x) - q["sf"](x))
//!     out = dict(jsd=mp.quad(jsd, grid))
//!     out["kl_pq"] = None if kl_pq_inf else mp.quad(kl(p, q), grid)
//!     out["kl_qp"] = None if kl_qp_inf else mp.quad(kl(q, p), grid)
//!     out["w1"] = None if w1_inf else mp.quad(w1, grid)
//!     return out
//!
//! # (p, q, KL(p||q) infinite, KL(q||p) infinite, W1 infinite), infinities decided by hand:
//! # support mismatch, or a power tail against a lighter tail (cauchy vs normal/laplace),
//! # or power tails with no mean whose leading terms differ (cauchy(0,1) vs cauchy(1,2)).
//! PAIRS = [
//!     ("normal(0,1)", "normal(1,1)", 0, 0, 0),
//!     ("uniform(0,1)", "uniform(2,3)", 1, 1, 0),
//!     ("0.3*normal(-2,0.5)+0.7*laplace(2,1)", "normal(0,2)", 0, 0, 0),
//!     ("modes(5,4,0.3)", "normal(0,3)", 0, 0, 0),
//!     ("cauchy(0,1)", "cauchy(1,2)", 0, 0, 1),
//!     ("cauchy(0,1)", "cauchy(3,1)", 0, 0, 0),
//!     ("student_t(3,0,1)", "normal(0,1)", 0, 0, 0),
//!     ("cauchy(0,1)", "normal(0,1)", 1, 0, 1),
//!     ("cauchy(0,1)", "laplace(0,1)", 1, 0, 1),
//!     ("lognormal(0,0.5)", "gamma(4,0.3)", 0, 0, 0),
//!     ("beta(2,5)", "beta(3,3)", 0, 0, 0),
//!     ("exponential(1)", "gamma(2,0.5)", 0, 0, 0),
//!     ("uniform(0,2)", "uniform(1,3)", 1, 1, 0),
//!     ("uniform(0,1)", "beta(2,2)", 0, 0, 0),
//!     ("laplace(0,1)", "normal(0,1)", 0, 0, 0),
//!     ("gamma(0.5,1)", "exponential(1)", 0, 0, 0),
//!     ("beta(0.5,0.5)", "uniform(0,1)", 0, 0, 0),
//!     ("normal(-10,0.01)", "normal(10,0.01)", 0, 0, 0),
//!     ("0.5*normal(0,1)+0.5*cauchy(0,1)", "cauchy(0,0.5)", 0, 0, 0),
//!     ("0.2*normal(-3,0.2)+0.8*normal(3,0.2)", "laplace(0,2)", 0, 0, 0),
//! ]
//!
//! def random_pairs(seed=20240607, n=6):
//!     rng = random.Random(seed)
//!     def one():
//!         k = rng.choice(["normal", "laplace", "mix"])
//!         r = lambda a, b: round(rng.uniform(a, b), 3)
//!         if k == "normal":
//!             return f"normal({r(-3, 3)},{r(0.2, 3)})"
//!         if k == "laplace":
//!             return f"laplace({r(-3, 3)},{r(0.2, 3)})"
//!         return f"{r(0.1, 0.9)}*normal({r(-5, 0)},{r(0.2, 2)})+{r(0.1, 0.9)}*laplace({r(0, 5)},{r(0.2, 2)})"
//!     return [(one(), one(), 0, 0, 0) for _ in range(n)]
//!
//! def fmt(v):
//!     return "None" if v is None else f"Some({mp.nstr(v, 17, min_fixed=-30, max_fixed=30)})"
//!
//! if __name__ == "__main__":
//!     for name, pairs in (("TABLE", PAIRS), ("RANDOM", random_pairs())):
//!         print(f"// {name}")
//!         for ps, qs, a, b, c in pairs:
//!             d = divergences(ps, qs, a, b, c)
//!             print(f'    ("{ps}", "{qs}", {mp.nstr(d["jsd"], 17)}, {fmt(d["kl_pq"])}, {fmt(d["kl_qp"])}, {fmt(d["w1"])}),', flush=True)
//! ```
//!
//! Its output (the rows of `TABLE` and `RANDOM`). A first version took the
//! Cauchy CDF as 1/2 + atan(z)/pi, whose cancellation far in the tails gave
//! W1 = 0.18782 for the mixture-vs-cauchy(0, 0.5) row; scipy.integrate.quad
//! split at the crossings of the CDFs gives 0.186582358050715 there.
//!
//! ```text
//! // TABLE
//! ("normal(0,1)", "normal(1,1)", 0.11142148218473618, Some(0.5), Some(0.5), Some(1.0)),
//! ("uniform(0,1)", "uniform(2,3)", 0.69314718055994531, None, None, Some(2.0)),
//! ("0.3*normal(-2,0.5)+0.7*laplace(2,1)", "normal(0,2)", 0.092918310144747684, Some(0.35258880122395975), Some(0.46945305310659902), Some(0.84705435225272466)),
//! ("modes(5,4,0.3)", "normal(0,3)", 0.37507583261099361, Some(1.9759249584018444), Some(6.2348786670281483), Some(2.5158299484386419)),
//! ("cauchy(0,1)", "cauchy(1,2)", 0.054230661598185154, Some(0.22314355131420976), Some(0.22314355131420976), None),
//! ("cauchy(0,1)", "cauchy(3,1)", 0.2518644533721873, Some(1.1786549963416461), Some(1.1786549963416461), Some(3.0)),
//! ("student_t(3,0,1)", "normal(0,1)", 0.021969319681122359, Some(0.64546096134138179), Some(0.069151598485176226), Some(0.30477323004071874)),
//! ("cauchy(0,1)", "normal(0,1)", 0.083170089827960407, None, Some(0.25924453248886226), None),
//! ("cauchy(0,1)", "laplace(0,1)", 0.043920239155557724, None, Some(0.13833862840230893), None),
//! ("lognormal(0,0.5)", "gamma(4,0.3)", 0.0068752337807608463, Some(0.027238409502337987), Some(0.031586642323343121), Some(0.085277482717998451)),
//! ("beta(2,5)", "beta(3,3)", 0.15578146754195187, Some(0.71666666666666667), Some(0.78333333333333333), Some(0.21428571428571429)),
//! ("exponential(1)", "gamma(2,0.5)", 0.033146735562901569, Some(0.19092130378164224), Some(0.11593151565841245), Some(0.20363210470592739)),
//! ("uniform(0,2)", "uniform(1,3)", 0.34657359027997265, None, None, Some(1.0)),
//! ("uniform(0,1)", "beta(2,2)", 0.035788747457430504, Some(0.208240530771945), Some(0.12509280256138833), Some(0.0625)),
//! ("laplace(0,1)", "normal(0,1)", 0.021930395883506034, Some(0.22579135264472743), Some(0.072093208158137924), Some(0.2208171544405536)),
//! ("gamma(0.5,1)", "exponential(1)", 0.074912597104142959, Some(0.40939007008601143), Some(0.28375711047393366), Some(0.5)),
//! ("beta(0.5,0.5)", "uniform(0,1)", 0.041298028526200271, Some(0.24156447527049026), Some(0.14472988584940017), Some(0.068309886183790672)),
//! ("normal(-10,0.01)", "normal(10,0.01)", 0.69314718055994531, Some(2000000.0), Some(2000000.0), Some(20.0)),
//! ("0.5*normal(0,1)+0.5*cauchy(0,1)", "cauchy(0,0.5)", 0.018156864719537531, Some(0.073399367785925316), Some(0.073360178924109952), Some(0.18658238562307354)),
//! ("0.2*normal(-3,0.2)+0.8*normal(3,0.2)", "laplace(0,2)", 0.52450439298753103, Some(2.5763913168111304), Some(60.335171690075638), Some(2.2596122211926775)),
//! // RANDOM
//! ("0.446*normal(-2.372,0.417)+0.3*laplace(3.973,0.518)", "laplace(-2.228,0.989)", 0.25032054392197393, Some(2.0010835257861241), Some(2.2297567273338372), Some(2.4076110358680151)),
//! ("0.573*normal(-1.742,1.849)+0.578*laplace(4.343,0.747)", "0.272*normal(-4.522,0.519)+0.434*laplace(1.299,0.589)", 0.36952952061755052, Some(2.6554371092890987), Some(1.6257675769704408), Some(2.2671133424256875)),
//! ("laplace(0.003,1.576)", "laplace(1.238,1.052)", 0.098612386969429099, Some(0.45400706207027367), Some(0.39418256568085446), Some(1.284631193978972)),
//! ("laplace(-2.423,1.909)", "0.832*normal(-1.016,1.039)+0.464*laplace(1.699,0.776)", 0.19016116140828892, Some(1.8194950506690879), Some(0.73002887412567308), Some(2.4392487463706972)),
//! ("0.618*normal(-2.758,1.155)+0.293*laplace(3.665,0.637)", "0.4*normal(-1.076,1.065)+0.709*laplace(1.893,0.282)", 0.38385503889749001, Some(2.538989262564238), Some(2.2527508519700987), Some(2.4860414559629745)),
//! ("laplace(2.039,0.229)", "normal(1.276,0.409)", 0.36430196284133477, Some(1.8593679963845374), Some(2.0692585775114573), Some(0.7630022978320521)),
//! ```

// The references are pasted as printed, to 17 digits.
#![allow(clippy::excessive_precision, clippy::approx_constant)]

use ganscope::density::parse_spec;
use ganscope::theory::exact::{Divergences, divergences};
use std::f64::consts::LN_2;

type Row = (
    &'static str,
    &'static str,
    f64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// Hand-picked pairs: mixtures, heavy tails, skewed, partial supports, singular edges.
const TABLE: &[Row] = &[
    (
        "normal(0,1)",
        "normal(1,1)",
        0.11142148218473618,
        Some(0.5),
        Some(0.5),
        Some(1.0),
    ),
    (
        "uniform(0,1)",
        "uniform(2,3)",
        0.69314718055994531,
        None,
        None,
        Some(2.0),
    ),
    (
        "0.3*normal(-2,0.5)+0.7*laplace(2,1)",
        "normal(0,2)",
        0.092918310144747684,
        Some(0.35258880122395975),
        Some(0.46945305310659902),
        Some(0.84705435225272466),
    ),
    (
        "modes(5,4,0.3)",
        "normal(0,3)",
        0.37507583261099361,
        Some(1.9759249584018444),
        Some(6.2348786670281483),
        Some(2.5158299484386419),
    ),
    (
        "cauchy(0,1)",
        "cauchy(1,2)",
        0.054230661598185154,
        Some(0.22314355131420976),
        Some(0.22314355131420976),
        None,
    ),
    (
        "cauchy(0,1)",
        "cauchy(3,1)",
        0.2518644533721873,
        Some(1.1786549963416461),
        Some(1.1786549963416461),
        Some(3.0),
    ),
    (
        "student_t(3,0,1)",
        "normal(0,1)",
        0.021969319681122359,
        Some(0.64546096134138179),
        Some(0.069151598485176226),
        Some(0.30477323004071874),
    ),
    (
        "cauchy(0,1)",
        "normal(0,1)",
        0.083170089827960407,
        None,
        Some(0.25924453248886226),
        None,
    ),
    (
        "cauchy(0,1)",
        "laplace(0,1)",
        0.043920239155557724,
        None,
        Some(0.13833862840230893),
        None,
    ),
    (
        "lognormal(0,0.5)",
        "gamma(4,0.3)",
        0.0068752337807608463,
        Some(0.027238409502337987),
        Some(0.031586642323343121),
        Some(0.085277482717998451),
    ),
    (
        "beta(2,5)",
        "beta(3,3)",
        0.15578146754195187,
        Some(0.71666666666666667),
        Some(0.78333333333333333),
        Some(0.21428571428571429),
    ),
    (
        "exponential(1)",
        "gamma(2,0.5)",
        0.033146735562901569,
        Some(0.19092130378164224),
        Some(0.11593151565841245),
        Some(0.20363210470592739),
    ),
    (
        "uniform(0,2)",
        "uniform(1,3)",
        0.34657359027997265,
        None,
        None,
        Some(1.0),
    ),
    (
        "uniform(0,1)",
        "beta(2,2)",
        0.035788747457430504,
        Some(0.208240530771945),
        Some(0.12509280256138833),
        Some(0.0625),
    ),
    (
        "laplace(0,1)",
        "normal(0,1)",
        0.021930395883506034,
        Some(0.22579135264472743),
        Some(0.072093208158137924),
        Some(0.2208171544405536),
    ),
    (
        "gamma(0.5,1)",
        "exponential(1)",
        0.074912597104142959,
        Some(0.40939007008601143),
        Some(0.28375711047393366),
        Some(0.5),
    ),
    (
        "beta(0.5,0.5)",
        "uniform(0,1)",
        0.041298028526200271,
        Some(0.24156447527049026),
        Some(0.14472988584940017),
        Some(0.068309886183790672),
    ),
    (
        "normal(-10,0.01)",
        "normal(10,0.01)",
        0.69314718055994531,
        Some(2000000.0),
        Some(2000000.0),
        Some(20.0),
    ),
    (
        "0.5*normal(0,1)+0.5*cauchy(0,1)",
        "cauchy(0,0.5)",
        0.018156864719537531,
        Some(0.073399367785925316),
        Some(0.073360178924109952),
        Some(0.18658238562307354),
    ),
    (
        "0.2*normal(-3,0.2)+0.8*normal(3,0.2)",
        "laplace(0,2)",
        0.52450439298753103,
        Some(2.5763913168111304),
        Some(60.335171690075638),
        Some(2.2596122211926775),
    ),
];

/// Random pairs from the grammar (normals, laplaces, two-term mixtures), seeded, not tuned for.
const RANDOM: &[Row] = &[
    (
        "0.446*normal(-2.372,0.417)+0.3*laplace(3.973,0.518)",
        "laplace(-2.228,0.989)",
        0.25032054392197393,
        Some(2.0010835257861241),
        Some(2.2297567273338372),
        Some(2.4076110358680151),
    ),
    (
        "0.573*normal(-1.742,1.849)+0.578*laplace(4.343,0.747)",
        "0.272*normal(-4.522,0.519)+0.434*laplace(1.299,0.589)",
        0.36952952061755052,
        Some(2.6554371092890987),
        Some(1.6257675769704408),
        Some(2.2671133424256875),
    ),
    (
        "laplace(0.003,1.576)",
        "laplace(1.238,1.052)",
        0.098612386969429099,
        Some(0.45400706207027367),
        Some(0.39418256568085446),
        Some(1.284631193978972),
    ),
    (
        "laplace(-2.423,1.909)",
        "0.832*normal(-1.016,1.039)+0.464*laplace(1.699,0.776)",
        0.19016116140828892,
        Some(1.8194950506690879),
        Some(0.73002887412567308),
        Some(2.4392487463706972),
    ),
    (
        "0.618*normal(-2.758,1.155)+0.293*laplace(3.665,0.637)",
        "0.4*normal(-1.076,1.065)+0.709*laplace(1.893,0.282)",
        0.38385503889749001,
        Some(2.538989262564238),
        Some(2.2527508519700987),
        Some(2.4860414559629745),
    ),
    (
        "laplace(2.039,0.229)",
        "normal(1.276,0.409)",
        0.36430196284133477,
        Some(1.8593679963845374),
        Some(2.0692585775114573),
        Some(0.7630022978320521),
    ),
];

/// `pieces`: the piecewise-linear density, kinked at every knot, zero on a
/// stretch inside its support (the second row: KL(uniform ‖ p) = ∞ because
/// p is 0 on (1, 2)). References from this mpmath script, run once:
///
/// ```python
/// # Reference divergences for `pieces` in tests/theory_exact.rs: mpmath (mp.dps = 30),
/// # the piecewise-linear density written out by hand, mp.quad split at every knot
/// # (and, for W1, where the two CDFs cross).
/// from mpmath import mp, mpf, inf, log, npdf, ncdf
/// mp.dps = 30
///
/// def pieces(*a):
///     xs = [mpf(v) for v in a[0::2]]; ys = [mpf(v) for v in a[1::2]]
///     area = sum((xs[i + 1] - xs[i]) * (ys[i] + ys[i + 1]) / 2 for i in range(len(xs) - 1))
///     ys = [y / area for y in ys]
///     def pdf(x):
///         if x < xs[0] or x > xs[-1]:
///             return mpf(0)
///         for i in range(len(xs) - 1):
///             if xs[i] <= x <= xs[i + 1]:
///                 t = (x - xs[i]) / (xs[i + 1] - xs[i])
///                 return (1 - t) * ys[i] + t * ys[i + 1]
///     def cdf(x):  # the trapezoids left of x, in closed form
///         if x <= xs[0]: return mpf(0)
///         if x >= xs[-1]: return mpf(1)
///         s = mpf(0)
///         for i in range(len(xs) - 1):
///             b = min(x, xs[i + 1])
///             if b <= xs[i]: break
///             s += (b - xs[i]) * (ys[i] + pdf(b)) / 2
///         return s
///     return dict(pdf=pdf, cdf=cdf, pts=xs, sup=(xs[0], xs[-1]))
///
/// def normal(mu, s):
///     mu, s = mpf(mu), mpf(s)
///     return dict(pdf=lambda x: npdf(x, mu, s), cdf=lambda x: ncdf(x, mu, s),
///                 pts=[mu + k * s for k in (-40, -12, -6, -3, -1, 0, 1, 3, 6, 12, 40)], sup=(-inf, inf))
///
/// def uniform(a, b):
///     a, b = mpf(a), mpf(b)
///     return dict(pdf=lambda x: 1 / (b - a) if a <= x <= b else mpf(0),
///                 cdf=lambda x: min(max((x - a) / (b - a), 0), 1), pts=[a, b], sup=(a, b))
///
/// def xlogy(x, y):
///     return mpf(0) if x == 0 else x * log(y)
///
/// def div(p, q, kl_pq_inf, kl_qp_inf):
///     lo, hi = min(p["sup"][0], q["sup"][0]), max(p["sup"][1], q["sup"][1])
///     grid = sorted(set([lo, hi] + [x for x in p["pts"] + q["pts"] if lo < x < hi]))
///     def jsd(x):
///         a, b = p["pdf"](x), q["pdf"](x); m = (a + b) / 2
///         return (xlogy(a, a / m) + xlogy(b, b / m)) / 2 if m > 0 else mpf(0)
///     def kl(f, g):
///         return lambda x: xlogy(f["pdf"](x), f["pdf"](x) / g["pdf"](x)) if f["pdf"](x) > 0 else mpf(0)
///     w1 = lambda x: abs(p["cdf"](x) - q["cdf"](x))
///     r = [mp.quad(jsd, grid)]
///     r.append(None if kl_pq_inf else mp.quad(kl(p, q), grid))
///     r.append(None if kl_qp_inf else mp.quad(kl(q, p), grid))
///     # |F_p - F_q| has a kink where the CDFs cross: split there too.
///     fin = [g for g in grid if g not in (-inf, inf)]
///     a0, b0 = fin[0] - 10, fin[-1] + 10
///     d = lambda x: p["cdf"](x) - q["cdf"](x)
///     xs = [a0 + (b0 - a0) * k / 4000 for k in range(4001)]
///     cross = [mp.findroot(d, (u, v), solver="anderson") for u, v in zip(xs, xs[1:]) if d(u) * d(v) < 0]
///     cross += [u for u in xs if d(u) == 0 and fin[0] < u < fin[-1]]
///     r.append(mp.quad(w1, sorted(set([-inf] + fin + cross + [inf]))))
///     return r
///
/// CASES = [
///     ("pieces(-1, 0, 0, 2, 1, 0)", "normal(0, 0.5)", pieces(-1, 0, 0, 2, 1, 0), normal(0, 0.5), 0, 1),
///     ("pieces(0, 1, 1, 0, 2, 0, 3, 1)", "uniform(0, 3)", pieces(0, 1, 1, 0, 2, 0, 3, 1), uniform(0, 3), 0, 1),
///     ("pieces(-2, 0.5, 0, 1, 2, 0.5, 3, 0)", "pieces(-3, 0, 0, 1, 3, 0)", pieces(-2, 0.5, 0, 1, 2, 0.5, 3, 0), pieces(-3, 0, 0, 1, 3, 0), 0, 1),
/// ]
/// fmt = lambda v: "None" if v is None else f"Some({mp.nstr(v, 17)})"
/// for ps, qs, p, q, a, b in CASES:
///     j, kpq, kqp, w = div(p, q, a, b)
///     print(f'    ("{ps}", "{qs}", {mp.nstr(j, 17)}, {fmt(kpq)}, {fmt(kqp)}, {fmt(w)}),', flush=True)
/// ```
const PIECES: &[Row] = &[
    (
        "pieces(-1, 0, 0, 2, 1, 0)",
        "normal(0, 0.5)",
        0.019581193969150288,
        Some(0.059124685978060766),
        None,
        Some(0.065608947068099345),
    ),
    (
        "pieces(0, 1, 1, 0, 2, 0, 3, 1)",
        "uniform(0, 3)",
        0.17685833723187516,
        Some(0.59861228866810969),
        None,
        Some(0.41666666666666667),
    ),
    (
        "pieces(-2, 0.5, 0, 1, 2, 0.5, 3, 0)",
        "pieces(-3, 0, 0, 1, 3, 0)",
        0.021454973877425739,
        Some(0.064743212660587924),
        None,
        Some(0.17948717948717949),
    ),
];

fn div(p: &str, q: &str) -> Divergences {
    divergences(
        &parse_spec(p).expect("valid spec"),
        &parse_spec(q).expect("valid spec"),
    )
}

/// Relative closeness for a finite reference, and `None` for an infinite one.
fn check_opt(what: &str, pair: (&str, &str), got: Option<f64>, want: Option<f64>, rel: f64) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= rel * w.abs().max(1e-300) + 1e-12,
            "{what}({} ‖ {}) = {g}, reference {w}, error {:e}",
            pair.0,
            pair.1,
            (g - w).abs() / w.abs()
        ),
        _ => panic!(
            "{what}({} ‖ {}) = {got:?}, reference {want:?}",
            pair.0, pair.1
        ),
    }
}

fn check_rows(rows: &[Row]) {
    for &(p, q, jsd, kl_pq, kl_qp, w1) in rows {
        let d = div(p, q);
        assert!(
            (d.jsd - jsd).abs() <= 1e-6,
            "jsd({p} ‖ {q}) = {}, reference {jsd}",
            d.jsd
        );
        assert!((d.c_g - (2.0 * d.jsd - 2.0 * LN_2)).abs() <= 1e-15);
        check_opt("kl", (p, q), d.kl_pq, kl_pq, 1e-5);
        check_opt("kl", (q, p), d.kl_qp, kl_qp, 1e-5);
        check_opt("w1", (p, q), d.w1, w1, 1e-5);
    }
}

#[test]
fn two_unit_normals_one_apart() {
    let d = div("normal(0,1)", "normal(1,1)");
    assert!((d.jsd - 0.111_421_482_184_736_18).abs() <= 1e-9, "{d:?}");
    assert!((d.kl_pq.unwrap() - 0.5).abs() <= 1e-9, "{d:?}");
    assert!((d.kl_qp.unwrap() - 0.5).abs() <= 1e-9, "{d:?}");
    assert!((d.w1.unwrap() - 1.0).abs() <= 1e-9, "{d:?}");
}

#[test]
fn disjoint_uniforms_give_ln2_and_infinite_kl() {
    let d = div("uniform(0,1)", "uniform(2,3)");
    assert!((d.jsd - LN_2).abs() <= 1e-12, "{d:?}");
    assert_eq!(d.kl_pq, None);
    assert_eq!(d.kl_qp, None);
    assert!(d.c_g.abs() <= 1e-12, "{d:?}");
    assert!((d.w1.unwrap() - 2.0).abs() <= 1e-9, "{d:?}");
}

#[test]
fn identical_densities_give_zero() {
    for s in [
        "normal(0,1)",
        "0.3*normal(-2,0.5)+0.7*laplace(2,1)",
        "cauchy(0,1)",
        "beta(0.5,0.5)",
        "uniform(0,1)",
    ] {
        let d = div(s, s);
        assert_eq!(d.jsd, 0.0, "{s}: {d:?}");
        assert_eq!(d.kl_pq, Some(0.0), "{s}: {d:?}");
        assert_eq!(d.kl_qp, Some(0.0), "{s}: {d:?}");
        assert_eq!(d.w1, Some(0.0), "{s}: {d:?}");
        assert!((d.c_g + 2.0 * LN_2).abs() <= 1e-15, "{s}: {d:?}");
    }
}

#[test]
fn table_matches_references() {
    check_rows(TABLE);
}

#[test]
fn random_pairs_match_references() {
    check_rows(RANDOM);
}

#[test]
fn pieces_match_references() {
    check_rows(PIECES);
}

#[test]
fn infinite_is_none_never_a_large_number() {
    // KL(cauchy ‖ normal) and W1 diverge in the tails; KL(normal ‖ cauchy) does not.
    let d = div("cauchy(0,1)", "normal(0,1)");
    assert_eq!((d.kl_pq, d.w1), (None, None));
    assert!(d.kl_qp.is_some_and(|v| v < 1.0));
    // A support that is a hair too short: the mass outside is 1e-10 but KL is ∞.
    let d = div("uniform(0,1)", "uniform(0,0.9999999999)");
    assert_eq!(d.kl_pq, None);
    assert!(d.kl_qp.is_some());
    // A normal has mass beyond ±40 although its CDF rounds it away.
    let d = div("normal(0,1)", "uniform(-40,40)");
    assert_eq!(d.kl_pq, None);
    assert!(d.kl_qp.is_some());
}

#[test]
fn jsd_is_bounded_and_symmetric() {
    for &(p, q, ..) in TABLE.iter().chain(RANDOM) {
        let (a, b) = (div(p, q), div(q, p));
        assert!((0.0..=LN_2).contains(&a.jsd), "{p} {q}: {a:?}");
        assert!((a.jsd - b.jsd).abs() <= 1e-9, "{p} {q}: {a:?} {b:?}");
        assert_eq!(a.kl_pq.is_some(), b.kl_qp.is_some());
        if let (Some(x), Some(y)) = (a.kl_pq, b.kl_qp) {
            assert!((x - y).abs() <= 1e-9 * x.max(1.0), "{p} {q}: {x} {y}");
        }
    }
}
