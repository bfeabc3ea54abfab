//! Minimising a smooth function of a few parameters: BFGS with a
//! backtracking (Armijo) line search, and the multi-start that keeps the best.
//!
//! # Method
//!
//! From x₀ with the inverse-Hessian estimate H = I/‖g₀‖: the direction
//! p = −H g (reset to −g/‖g‖ when it does not descend); the step t = 1, 2⁻¹, …
//! until f(x + t p) ≤ f(x) + 10⁻⁴ t gᵀp; then the BFGS update of H with
//! s = t p, y = g′ − g when yᵀs > 0. It stops after [`MAX_STEPS`] steps, when
//! ‖g‖∞ < 1e-10, when no step of the line search decreases f, or when f
//! has changed by less than 1e-15·(1 + |f|) over three steps. A non-finite
//! f counts as +∞ (the line search backs off from it).

/// A function of the parameters returning its value and gradient.
pub type ValueAndGrad<'a> = dyn Fn(&[f64]) -> (f64, Vec<f64>) + 'a;

/// The most steps of one run.
pub const MAX_STEPS: usize = 400;

/// Where a run of [`bfgs`] stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The parameters.
    pub x: Vec<f64>,
    /// f there.
    pub value: f64,
    /// Steps taken (accepted line searches).
    pub steps: usize,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimises `f` (value and gradient) from `x0`; see the [module docs](self).
pub fn bfgs(f: &ValueAndGrad<'_>, x0: &[f64]) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let (mut fx, mut g) = f(&x);
    if !fx.is_finite() {
        return Minimum {
            x,
            value: f64::INFINITY,
            steps: 0,
        };
    }
    let identity = |scale: f64| -> Vec<f64> {
        let mut h = vec![0.0; n * n];
        for i in 0..n {
            h[i * n + i] = scale;
        }
        h
    };
    let norm = |v: &[f64]| v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let mut h = identity(1.0 / norm(&g).max(1e-12));
    let mut steps = 0;
    let mut flat = 0;
    while steps < MAX_STEPS && norm(&g) >= 1e-10 {
        let mut p: Vec<f64> = (0..n).map(|i| -dot(&h[i * n..(i + 1) * n], &g)).collect();
        let mut slope = dot(&g, &p);
        if slope.is_nan() || slope >= 0.0 {
            h = identity(1.0 / norm(&g).max(1e-12));
            p = g.iter().map(|v| -v / norm(&g).max(1e-12)).collect();
            slope = dot(&g, &p);
        }
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let xn: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + t * b).collect();
            let (fn_, gn) = f(&xn);
            if fn_.is_finite() && fn_ <= fx + 1e-4 * t * slope {
                accepted = Some((xn, fn_, gn));
                break;
            }
            t *= 0.5;
        }
        let Some((xn, fn_, gn)) = accepted else {
            break;
        };
        let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let ys = dot(&y, &s);
        if ys > 1e-300 {
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,  ρ = 1/(yᵀs).
            let rho = 1.0 / ys;
            let hy: Vec<f64> = (0..n).map(|i| dot(&h[i * n..(i + 1) * n], &y)).collect();
            let yhy = dot(&y, &hy);
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += -rho * (s[i] * hy[j] + hy[i] * s[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        let change = (fx - fn_).abs();
        x = xn;
        g = gn;
        steps += 1;
        flat = if change <= 1e-15 * (1.0 + fn_.abs()) {
            flat + 1
        } else {
            0
        };
        fx = fn_;
        if flat >= 3 {
            break;
        }
    }
    Minimum {
        x,
        value: fx,
        steps,
    }
}

/// [`bfgs`] from every start; the lowest value wins (the first on a tie).
/// `None` when there is no start.
pub fn best_of(f: &ValueAndGrad<'_>, starts: &[Vec<f64>]) -> Option<Minimum> {
    let mut best: Option<Minimum> = None;
    for s in starts {
        let m = bfgs(f, s);
        if best.as_ref().is_none_or(|b| m.value < b.value) {
            best = Some(m);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let f = |x: &[f64]| {
            let (a, b) = (x[0], x[1]);
            (
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2),
                vec![
                    -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
                    200.0 * (b - a * a),
                ],
            )
        };
        let m = bfgs(&f, &[-1.2, 1.0]);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{m:?}"
        );
        assert!(m.steps > 10 && m.steps < MAX_STEPS);
    }

    #[test]
    fn the_best_start_wins() {
        // Two wells, the right one deeper.
        let f = |x: &[f64]| {
            let v = (x[0] * x[0] - 1.0).powi(2) - 0.3 * x[0];
            (v, vec![4.0 * x[0] * (x[0] * x[0] - 1.0) - 0.3])
        };
        let m = best_of(&f, &[vec![-1.5], vec![1.5]]).unwrap();
        assert!(m.x[0] > 0.9, "{m:?}");
        let left = bfgs(&f, &[-1.5]);
        assert!(left.x[0] < -0.9 && left.value > m.value);
    }
}
