//! One full theory snapshot: 1 024 bins, the exact pushforward of M = 65 536
//! uniform-prior segments through G(z) = 1.2·tanh(2z) + 0.3, p_data's bin
//! masses for a two-component mixture, and every quantity of `Theory`.

use criterion::{Criterion, criterion_group, criterion_main};
use ganscope::density::parse_spec;
use ganscope::theory::{Grid, Prior, Theory, bin_masses_into, pushforward_masses};
use std::hint::black_box;

fn snapshot(c: &mut Criterion) {
    let target = parse_spec("0.3*normal(-2, 0.5) + 0.7*normal(2, 1)").unwrap();
    let modes = target.modes();
    let g = |z: f64| 1.2 * (2.0 * z).tanh() + 0.3;
    // The z-points depend only on (prior, M): the trainer computes them once.
    let zp = Prior::Uniform.z_points(65_536);
    let mut xs = vec![0.0; zp.z.len()];
    let mut theory = Theory::default();
    let (mut p, mut q) = (Vec::new(), Vec::new());
    let grid0 = Grid::for_target(&target, Some((-0.9, 1.5)), 1024);
    let logits: Vec<f64> = grid0.centres().iter().map(|x| 0.5 * x).collect();

    c.bench_function("theory snapshot (1024 bins, M = 65536)", |b| {
        b.iter(|| {
            for (x, &z) in xs.iter_mut().zip(&zp.z) {
                *x = g(black_box(z));
            }
            let (lo, hi) = xs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            let grid = Grid::for_target(&target, Some((lo, hi)), 1024);
            p.resize(grid.len(), 0.0);
            q.resize(grid.len(), 0.0);
            bin_masses_into(&grid, &target, &mut p);
            pushforward_masses(&grid, &xs, &zp.seg_mass, &mut q);
            theory.compute_into(&grid, &p, &q, Some(&logits), &modes);
            black_box(&theory);
        })
    });

    let grid = grid0;
    let mut q = vec![0.0; grid.len()];
    for (x, &z) in xs.iter_mut().zip(&zp.z) {
        *x = g(z);
    }
    c.bench_function("part: G at the z-points (M = 65536)", |b| {
        b.iter(|| {
            for (x, &z) in xs.iter_mut().zip(&zp.z) {
                *x = g(black_box(z));
            }
        })
    });
    c.bench_function("part: pushforward (M = 65536)", |b| {
        b.iter(|| pushforward_masses(&grid, black_box(&xs), &zp.seg_mass, &mut q))
    });
    let mut p = vec![0.0; grid.len()];
    c.bench_function("part: grid + p_data masses (1024 bins)", |b| {
        b.iter(|| {
            let grid = Grid::for_target(&target, Some((-0.9, 1.5)), 1024);
            bin_masses_into(&grid, black_box(&target), &mut p)
        })
    });
    c.bench_function("part: every quantity (1024 bins)", |b| {
        b.iter(|| theory.compute_into(&grid, black_box(&p), &q, Some(&logits), &modes))
    });
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
