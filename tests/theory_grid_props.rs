//! Property tests of the grid quantities, with explicit tolerances.

use ganscope::theory::{Grid, c_of_g, d_star, jsd, value, w1};
use proptest::prelude::*;
use std::f64::consts::LN_2;

/// A normalised mass vector of `len` bins, about a third of them empty.
fn masses(len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![1 => Just(0.0), 2 => 1e-6..1.0f64], len).prop_filter_map(
        "all empty",
        |v| {
            let s: f64 = v.iter().sum();
            (s > 0.0).then(|| v.iter().map(|x| x / s).collect())
        },
    )
}

/// (P, Q) on the same number of bins, n + 2 for n in 1..64.
fn pair() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..64).prop_flat_map(|n| (masses(n + 2), masses(n + 2)))
}

fn d_star_logits(p: &[f64], q: &[f64]) -> Vec<f64> {
    d_star(p, q)
        .iter()
        .map(|&d| {
            if d.is_nan() {
                0.0
            } else {
                (d / (1.0 - d)).ln()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn jsd_is_bounded_and_symmetric((p, q) in pair()) {
        let (a, b) = (jsd(&p, &q), jsd(&q, &p));
        prop_assert!((0.0..=LN_2).contains(&a));
        prop_assert!((a - b).abs() <= 1e-12, "{a} vs {b}");
    }

    #[test]
    fn c_of_g_is_minus_ln4_plus_two_jsd((p, q) in pair()) {
        let j = jsd(&p, &q);
        let c = c_of_g(&p, &q);
        prop_assert!((c - (-(4f64.ln()) + 2.0 * j)).abs() <= 1e-9, "C {c}, JSD {j}");
        let v_star = value(&p, &q, &d_star_logits(&p, &q));
        prop_assert!((v_star - c).abs() <= 1e-9, "V(G, D*) {v_star}, C {c}");
    }

    #[test]
    fn any_d_is_at_most_c_of_g(
        (p, q, logits) in (1usize..64).prop_flat_map(|n| {
            (masses(n + 2), masses(n + 2), prop::collection::vec(-30.0..30.0f64, n + 2))
        })
    ) {
        let v = value(&p, &q, &logits);
        let c = c_of_g(&p, &q);
        prop_assert!(v <= c + 1e-12, "V {v} > C {c}");
    }

    #[test]
    fn w1_is_symmetric_and_nonnegative((p, q) in pair(), lo in -5.0..5.0f64, span in 0.1..10.0f64) {
        let grid = Grid::new(lo, lo + span, p.len() - 2).unwrap();
        let (a, b) = (w1(&grid, &p, &q), w1(&grid, &q, &p));
        prop_assert!(a >= 0.0);
        prop_assert!((a - b).abs() <= 1e-12 * (1.0 + a), "{a} vs {b}");
        prop_assert!(w1(&grid, &p, &p) == 0.0);
    }

    #[test]
    fn w1_of_a_shifted_copy_is_the_shift(
        (inner, shift) in (1usize..40).prop_flat_map(|k| (masses(k), 0usize..20)),
        width in 0.01..2.0f64,
    ) {
        // P occupies interior bins 1..=k; Q is P moved `shift` bins to the right.
        let k = inner.len();
        let n = k + shift;
        let grid = Grid::new(0.0, width * n as f64, n).unwrap();
        let mut p = vec![0.0; n + 2];
        let mut q = vec![0.0; n + 2];
        p[1..=k].copy_from_slice(&inner);
        q[1 + shift..=k + shift].copy_from_slice(&inner);
        let want = shift as f64 * grid.width();
        let got = w1(&grid, &p, &q);
        prop_assert!((got - want).abs() <= 1e-9 * (1.0 + want), "{got} vs {want}");
    }
}
