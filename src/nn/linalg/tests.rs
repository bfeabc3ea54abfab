//! The kernels against the reference product, and threads against one thread.

use super::*;
use nalgebra::{DMatrix, RealField};

fn mat<T: RealField + Copy>(m: usize, n: usize, f: impl Fn(usize, usize) -> f64) -> DMatrix<T> {
    DMatrix::from_fn(m, n, |i, j| nalgebra::convert(f(i, j)))
}

/// Every shape class the kernel distinguishes: tails of 1..15 rows and
/// 1..5 columns, a shared dimension across several `KC` blocks, β of 0,
/// 1 and other, and garbage in `c` when β = 0.
#[test]
fn f32_and_f64_products_match_the_reference() {
    let shapes = [
        (1, 1, 1),
        (1, 256, 32),
        (32, 256, 1),
        (32, 256, 32),
        (17, 7, 3),
        (9, 13, 600),
        (23, 5, 257),
        (40, 11, 2),
        (8, 6, 5),
        // Packed A (≥ 2^20 multiply-adds, n > 24): tails of 8 rows, of
        // 4 columns, and of 44 of the shared dimension (300 = 256 + 44).
        (40, 100, 300),
        (263, 31, 300),
        // One row: dot products (plain) and row sums (transposed B),
        // with tails of 5 lanes and of 7 columns past 64.
        (1, 71, 37),
        (1, 300, 8),
    ];
    for &(m, n, k) in &shapes {
        for &(alpha, beta) in &[(1.0, 0.0), (1.0, 1.0), (-0.5, 0.25)] {
            let a = mat::<f64>(m, k, |i, j| ((i * 7 + j * 3) as f64 * 0.37).sin());
            let b = mat::<f64>(k, n, |i, j| ((i * 5 + j * 11) as f64 * 0.21).cos());
            let bt = b.transpose();
            let c0 = mat::<f64>(m, n, |i, j| (i as f64) - 0.5 * j as f64);
            let want = &a * &b * alpha + &c0 * beta;

            let mut c = c0.clone();
            if beta == 0.0 {
                c.fill(f64::NAN);
            }
            gemm_into(&mut c, alpha, &a, &b, beta);
            assert!((&c - &want).amax() < 1e-12, "f64 {m}×{n}×{k}");
            let mut c = c0.clone();
            gemm_nt_into(&mut c, alpha, &a, &bt, beta);
            assert!((&c - &want).amax() < 1e-12, "f64 nt {m}×{n}×{k}");

            let (af, bf, btf) = (a.cast::<f32>(), b.cast::<f32>(), bt.cast::<f32>());
            let tol = 1e-5 * (k as f64).sqrt() * (1.0 + want.amax());
            let mut cf = c0.clone().cast::<f32>();
            if beta == 0.0 {
                cf.fill(f32::NAN);
            }
            gemm_into(&mut cf, alpha as f32, &af, &bf, beta as f32);
            assert!((cf.cast::<f64>() - &want).amax() < tol, "f32 {m}×{n}×{k}");
            let mut cf = c0.cast::<f32>();
            gemm_nt_into(&mut cf, alpha as f32, &af, &btf, beta as f32);
            assert!(
                (cf.cast::<f64>() - &want).amax() < tol,
                "f32 nt {m}×{n}×{k}"
            );
        }
    }
}

/// A product above the threading threshold gives the same bits on one
/// thread and on several.
#[test]
fn threads_do_not_change_the_bits() {
    let (m, n, k) = (96, 700, 160);
    assert!(m * n * k >= 2 * PARALLEL_MACS);
    let a = mat::<f32>(m, k, |i, j| ((i * 7 + j * 3) as f64 * 0.37).sin());
    let b = mat::<f32>(n, k, |i, j| ((i * 5 + j * 11) as f64 * 0.21).cos());
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let run = |pool: &rayon::ThreadPool| {
        pool.install(|| {
            let mut c = DMatrix::<f32>::zeros(m, n);
            gemm_nt_into(&mut c, 1.0, &a, &b, 0.0);
            let bt = b.transpose();
            let mut c2 = DMatrix::<f32>::zeros(m, n);
            gemm_into(&mut c2, 1.0, &a, &bt, 0.0);
            (c, c2)
        })
    };
    let (x1, y1) = run(&one);
    let (x4, y4) = run(&four);
    assert_eq!(x1, x4);
    assert_eq!(y1, y4);
    assert_eq!(x1, y1, "nt and plain products agree exactly");
}
