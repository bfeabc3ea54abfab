//! The conditional theory (`ganscope::theory::classes`) against an
//! independent high-precision reference: per-class JSD, the marginals' JSD,
//! the cGAN's C(G) = −ln 4 + 2 Σ_c π_c JSD_c and V(G, D) = Σ_c π_c V_c,
//! and the GAN that ignores its label (p_g(· | c) = the marginal for every
//! c: JSD_c ≈ 0.318 for three equal, separated classes, marginal JSD 0).
//!
//! Reference values by mpmath quadrature (30 digits) of the continuous
//! densities; the grid's bins of width 20/8192 put it within 1e-6:
//!
//! ```python
//! from mpmath import mp, mpf, quad, log, exp, sqrt, pi, inf
//! mp.dps = 30
//! def normal(mu, s):
//!     mu, s = mpf(mu), mpf(s)
//!     return lambda x: exp(-(x-mu)**2/(2*s*s))/(s*sqrt(2*pi))
//! def laplace(mu, b):
//!     mu, b = mpf(mu), mpf(b)
//!     return lambda x: exp(-abs(x-mu)/b)/(2*b)
//! def sig_log(l):  # log sigmoid(l), log(1 - sigmoid(l))
//!     return -log(1+exp(-l)), -log(1+exp(l))
//! def jsd(p, q, pts):
//!     def f(x):
//!         a, b = p(x), q(x); m = (a+b)/2; r = 0
//!         if a > 0: r += a*log(a/m)
//!         if b > 0: r += b*log(b/m)
//!         return r/2
//!     return quad(f, [-inf] + pts + [inf])
//! def value(p, q, l, pts):
//!     return quad(lambda x: p(x)*sig_log(l(x))[0] + q(x)*sig_log(l(x))[1], [-inf] + pts + [inf])
//! pts = [mpf(v) for v in [-4, -2.5, -2, -1.5, -1, 0, 1, 1.2, 2, 2.5, 3, 4, 6]]
//! # Case 1: three classes, weights 1:2:1, G(., c) linear in normal noise.
//! w = [mpf(1)/4, mpf(2)/4, mpf(1)/4]
//! P = [normal(-2, 0.5), laplace(1, 0.7), normal(3, 0.4)]
//! Q = [normal(-1.8, 0.6), normal(1.2, 0.9), normal(2.5, 0.5)]
//! L = [lambda x: 1.5*x + 2.0, lambda x: -0.8*x + 0.6, lambda x: 2.0*(x - 2.7)]
//! J = [jsd(P[c], Q[c], pts) for c in range(3)]
//! V = [value(P[c], Q[c], L[c], pts) for c in range(3)]
//! Pm = lambda x: sum(w[c]*P[c](x) for c in range(3))
//! Qm = lambda x: sum(w[c]*Q[c](x) for c in range(3))
//! print("case 1 jsd_c", [mp.nstr(j, 17) for j in J])
//! print("case 1 jsd marginal", mp.nstr(jsd(Pm, Qm, pts), 17))
//! print("case 1 c_g", mp.nstr(-log(4) + 2*sum(w[c]*J[c] for c in range(3)), 17))
//! print("case 1 v", mp.nstr(sum(w[c]*V[c] for c in range(3)), 17))
//! # Case 2: three equal classes 4 apart; G ignores c and gives the marginal.
//! w2 = [mpf(1)/3]*3
//! P2 = [normal(-4, 0.5), normal(0, 0.5), normal(4, 0.5)]
//! M2 = lambda x: sum(w2[c]*P2[c](x) for c in range(3))
//! pts2 = [mpf(v) for v in [-6, -4, -2, 0, 2, 4, 6]]
//! print("case 2 jsd_c", [mp.nstr(jsd(P2[c], M2, pts2), 17) for c in range(3)])
//! ```
//!
//! Output:
//!
//! ```text
//! case 1 jsd_c ['0.023567929597354848', '0.019150546116751447', '0.13949550103965692']
//! case 1 jsd marginal 0.033787095116968041
//! case 1 c_g -1.2856120996846333
//! case 1 v -1.4741949003091865
//! case 2 jsd_c ['0.3182266513162166', '0.318_196_218_485_026_8', '0.3182266513162166']
//! ```

use ganscope::density::{parse_classes, parse_spec};
use ganscope::theory::{ClassInput, Conditional, Grid, bin_masses};

const TOL: f64 = 2e-6;

fn grid() -> Grid {
    Grid::new(-10.0, 10.0, 8192).unwrap()
}

fn masses(grid: &Grid, spec: &str) -> Vec<f64> {
    bin_masses(grid, &parse_spec(spec).unwrap())
}

#[test]
fn per_class_and_marginal_theory_match_the_reference() {
    let grid = grid();
    let classes = parse_classes("classes(normal(-2, 0.5), 2*laplace(1, 0.7), normal(3, 0.4))")
        .unwrap()
        .unwrap();
    let p: Vec<Vec<f64>> = (0..3)
        .map(|c| bin_masses(&grid, &classes.class(c)))
        .collect();
    let q: Vec<Vec<f64>> = ["normal(-1.8, 0.6)", "normal(1.2, 0.9)", "normal(2.5, 0.5)"]
        .iter()
        .map(|s| masses(&grid, s))
        .collect();
    let d: [fn(f64) -> f64; 3] = [|x| 1.5 * x + 2.0, |x| -0.8 * x + 0.6, |x| 2.0 * (x - 2.7)];
    let x = grid.centres();
    let logits: Vec<Vec<f64>> = d
        .iter()
        .map(|f| x.iter().map(|&x| f(x)).collect())
        .collect();
    let modes: Vec<Vec<_>> = (0..3).map(|c| classes.class(c).modes()).collect();
    let inputs: Vec<ClassInput<'_>> = (0..3)
        .map(|c| ClassInput {
            weight: classes.weights()[c],
            p: &p[c],
            q: &q[c],
            logits: Some(&logits[c]),
            modes: &modes[c],
        })
        .collect();
    let t = Conditional::compute(&grid, &inputs, &classes.marginal().modes());
    let want = [
        0.023567929597354848,
        0.019150546116751447,
        0.139_495_501_039_656_9,
    ];
    for (c, w) in want.iter().enumerate() {
        let got = t.classes[c].jsd;
        assert!(
            (got - w).abs() < TOL,
            "JSD of class {}: {got} vs {w}",
            c + 1
        );
    }
    let close = |what: &str, got: f64, want: f64| {
        assert!((got - want).abs() < TOL, "{what}: {got} vs {want}");
    };
    close("marginal JSD", t.marginal.jsd, 0.033_787_095_116_968_04);
    close("C(G)", t.marginal.c_g, -1.2856120996846333);
    close("V(G, D)", t.marginal.v.unwrap(), -1.4741949003091865);
    // Joint convexity: the marginal JSD is at most the classes' mean.
    let mean: f64 = (0..3)
        .map(|c| classes.weights()[c] * t.classes[c].jsd)
        .sum();
    assert!(t.marginal.jsd <= mean);
    // The gap of every class is ≥ 0, so the cGAN's is too.
    assert!(t.marginal.gap().unwrap() >= 0.0);
    // D*(x, c) per class.
    for c in 0..3 {
        for i in [1000, 4096, 6000] {
            let want = p[c][i] / (p[c][i] + q[c][i]);
            assert_eq!(t.classes[c].d_star[i], want);
        }
    }
}

#[test]
fn a_g_that_ignores_its_label_but_fits_the_marginal() {
    let grid = grid();
    let classes = parse_classes("classes(normal(-4, 0.5), normal(0, 0.5), normal(4, 0.5))")
        .unwrap()
        .unwrap();
    let p: Vec<Vec<f64>> = (0..3)
        .map(|c| bin_masses(&grid, &classes.class(c)))
        .collect();
    let marginal = bin_masses(&grid, classes.marginal());
    let no_modes = Vec::new();
    let inputs: Vec<ClassInput<'_>> = (0..3)
        .map(|c| ClassInput {
            weight: classes.weights()[c],
            p: &p[c],
            q: &marginal,
            logits: None,
            modes: &no_modes,
        })
        .collect();
    let t = Conditional::compute(&grid, &inputs, &[]);
    let want = [
        0.3182266513162166,
        0.318_196_218_485_026_8,
        0.3182266513162166,
    ];
    for (c, w) in want.iter().enumerate() {
        let got = t.classes[c].jsd;
        assert!(
            (got - w).abs() < TOL,
            "JSD of class {}: {got} vs {w}",
            c + 1
        );
    }
    assert!(t.marginal.jsd < 1e-12, "marginal JSD {}", t.marginal.jsd);
    assert!(t.marginal.v.is_none());
}
