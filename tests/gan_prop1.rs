//! Proposition 1 of Goodfellow et al. (2014): for a fixed G the optimal
//! discriminator is `D*(x) = p_data(x) / (p_data(x) + p_g(x))`, and
//! `V(G, D*) = C(G)`.
//!
//! G is frozen (`k_g = 0`) and D alone is trained on a bimodal target. p_g is
//! the exact pushforward of the prior through G on a grid (z-quantiles, each
//! segment's mass spread uniformly over its x-interval), p_data comes from
//! the CDF; D is then compared with D* bin by bin, weighted by
//! `p_data + p_g`, and `V(G, D)` with `C(G) = V(G, D*)`.

use ganscope::density::{Univariate, parse_spec};
use ganscope::gan::{Config, LossKind, Prior, State, Trainer};

const BINS: usize = 2000;

struct Grid {
    lo: f64,
    width: f64,
}

impl Grid {
    fn centre(&self, i: usize) -> f64 {
        self.lo + (i as f64 + 0.5) * self.width
    }
    fn edge(&self, i: usize) -> f64 {
        self.lo + i as f64 * self.width
    }
    /// Spreads `mass` uniformly over [a, b] into `q`.
    fn spread(&self, q: &mut [f64], a: f64, b: f64, mass: f64) {
        let (a, b) = (a.min(b), a.max(b));
        let bin = |x: f64| (((x - self.lo) / self.width).floor().max(0.0) as usize).min(BINS - 1);
        let (i, j) = (bin(a), bin(b));
        if i == j || b - a <= 0.0 {
            q[i] += mass;
            return;
        }
        for (k, qk) in q.iter_mut().enumerate().take(j + 1).skip(i) {
            let overlap = b.min(self.edge(k + 1)) - a.max(self.edge(k));
            *qk += mass * overlap.max(0.0) / (b - a);
        }
    }
}

/// (P, Q, D*, grid): bin masses of p_data and p_g and the optimal D per bin.
fn theory(t: &Trainer) -> (Vec<f64>, Vec<f64>, Vec<f64>, Grid) {
    let prior = parse_spec("normal(0, 1)").unwrap();
    let m = 20_000;
    let z: Vec<f64> = (0..m)
        .map(|j| prior.quantile((j as f64 + 0.5) / m as f64))
        .collect();
    let x = t.generate(&z);
    let (gmin, gmax) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (lo, hi) = ((-5.0f64).min(gmin - 0.5), 5.0f64.max(gmax + 0.5));
    let grid = Grid {
        lo,
        width: (hi - lo) / BINS as f64,
    };
    let target = t.target();
    let p: Vec<f64> = (0..BINS)
        .map(|i| target.cdf(grid.edge(i + 1)) - target.cdf(grid.edge(i)))
        .collect();
    let mut q = vec![0.0; BINS];
    for w in x.windows(2) {
        grid.spread(&mut q, w[0], w[1], 1.0 / (m - 1) as f64);
    }
    let d_star = p
        .iter()
        .zip(&q)
        .map(|(&p, &q)| if p + q > 0.0 { p / (p + q) } else { 0.5 })
        .collect();
    (p, q, d_star, grid)
}

/// V(G, D) = Σ P ln D + Q ln(1 − D).
fn value(p: &[f64], q: &[f64], d: &[f64]) -> f64 {
    let xlog = |w: f64, v: f64| if w > 0.0 { w * v.ln() } else { 0.0 };
    p.iter()
        .zip(q)
        .zip(d)
        .map(|((&p, &q), &d)| xlog(p, d) + xlog(q, 1.0 - d))
        .sum()
}

/// Mean |D − D*| weighted by p_data + p_g.
fn weighted_error(p: &[f64], q: &[f64], d: &[f64], d_star: &[f64]) -> f64 {
    let num: f64 = (0..p.len())
        .map(|i| (p[i] + q[i]) * (d[i] - d_star[i]).abs())
        .sum();
    num / (p.iter().sum::<f64>() + q.iter().sum::<f64>())
}

#[test]
fn d_trained_alone_approaches_d_star_and_v_approaches_c() {
    let config = Config {
        target: "0.5*normal(-2, 0.5) + 0.5*normal(2, 0.5)".into(),
        prior: Prior::Normal,
        loss: LossKind::Minimax,
        k: 1,
        k_g: 0,
        batch: 512,
        lr_d: 2e-3,
        seed: 3,
        ..Config::default()
    };
    let mut t = Trainer::new(config).unwrap();
    let g_before = t.generator().params_flat();
    let (p, q, d_star, grid) = theory(&t);
    let centres: Vec<f64> = (0..BINS).map(|i| grid.centre(i)).collect();
    let c_g = value(&p, &q, &d_star);

    let d0 = t.d_display(&centres);
    let err0 = weighted_error(&p, &q, &d0, &d_star);
    assert!(err0 > 0.1, "the untrained D is already optimal? {err0}");

    for (steps, lr) in [(2500, 2e-3), (1000, 5e-4), (500, 1e-4)] {
        t.set_lr_d(lr).unwrap();
        t.run(steps);
    }
    assert_eq!(t.state(), State::Running);
    assert_eq!(t.generator().params_flat(), g_before, "G must stay frozen");

    let d = t.d_display(&centres);
    let err = weighted_error(&p, &q, &d, &d_star);
    let v = value(&p, &q, &d);
    assert!(err < 0.02, "weighted |D − D*| = {err} (untrained {err0})");
    // C(G) = max_D V(G, D) ≥ V(G, D); the gap closes as D → D*.
    let gap = c_g - v;
    eprintln!("weighted error {err0:.4} -> {err:.4}; C(G) = {c_g:.5}, V = {v:.5}, gap {gap:.2e}");
    assert!(
        (-1e-9..0.01).contains(&gap),
        "C(G) − V(G, D) = {gap} (C = {c_g}, V = {v})"
    );
    // And C(G) = −ln 4 + 2 JSD ∈ [−ln 4, 0].
    assert!((-(4f64.ln())..=0.0).contains(&c_g));
}
