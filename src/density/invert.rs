//! Numeric inversion of a CDF for the families with no closed-form quantile.
//!
//! Lower half: solve F(x) = u. Upper half: solve S(x) = 1 − u on the survival
//! function, so that quantiles near 1 keep their relative precision.

/// Find x with `f(x) = target` for a non-decreasing `f` (or non-increasing when
/// `increasing` is false) on `[lo, hi]`, where `lo`/`hi` may be infinite.
///
/// `guess` and `scale` seed the search for a bracket when an edge is infinite.
/// Uses the Illinois variant of regula falsi, with bisection whenever it stalls,
/// so it converges for any monotone function, smooth or not.
pub(crate) fn solve_monotone(
    f: impl Fn(f64) -> f64,
    target: f64,
    increasing: bool,
    (lo, hi): (f64, f64),
    guess: f64,
    scale: f64,
) -> f64 {
    // g(x) increasing, root where g = 0.
    let g = |x: f64| {
        let v = f(x) - target;
        if increasing { v } else { -v }
    };
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let guess = guess.clamp(
        if lo.is_finite() { lo } else { f64::MIN },
        if hi.is_finite() { hi } else { f64::MAX },
    );

    // Bracket [a, b] with g(a) <= 0 <= g(b).
    let (mut a, mut b);
    let g0 = g(guess);
    if g0 > 0.0 {
        b = guess;
        let mut step = scale;
        a = guess - step;
        loop {
            if lo.is_finite() && a <= lo {
                a = lo;
                break;
            }
            if g(a) <= 0.0 || !a.is_finite() {
                break;
            }
            b = a;
            step *= 2.0;
            a = guess - step;
            if a < -1e300 {
                return f64::NEG_INFINITY;
            }
        }
    } else {
        a = guess;
        let mut step = scale;
        b = guess + step;
        loop {
            if hi.is_finite() && b >= hi {
                b = hi;
                break;
            }
            if g(b) >= 0.0 || !b.is_finite() {
                break;
            }
            a = b;
            step *= 2.0;
            b = guess + step;
            if b > 1e300 {
                return f64::INFINITY;
            }
        }
    }

    let (mut ga, mut gb) = (g(a), g(b));
    if ga >= 0.0 {
        return a;
    }
    if gb <= 0.0 {
        return b;
    }
    let mut side = 0i8;
    for _ in 0..300 {
        let width = b - a;
        if width <= 4.0 * f64::EPSILON * a.abs().max(b.abs()) || width <= f64::MIN_POSITIVE {
            break;
        }
        // Regula falsi point, guarded into the interior; bisection if degenerate.
        let mut x = (a * gb - b * ga) / (gb - ga);
        if !(x > a && x < b && x.is_finite()) {
            x = 0.5 * (a + b);
        }
        let gx = g(x);
        if gx == 0.0 {
            return x;
        }
        if gx < 0.0 {
            a = x;
            ga = gx;
            if side == -1 {
                gb *= 0.5;
            }
            side = -1;
        } else {
            b = x;
            gb = gx;
            if side == 1 {
                ga *= 0.5;
            }
            side = 1;
        }
        // If one end is stuck, bisect to guarantee progress.
        if (b - a) > 0.5 * width {
            let m = 0.5 * (a + b);
            let gm = g(m);
            if gm <= 0.0 {
                a = m;
                ga = gm;
            } else {
                b = m;
                gb = gm;
            }
            side = 0;
        }
    }
    if -ga < gb { a } else { b }
}

/// Quantile by inversion: F(x) = u below the median, S(x) = 1 − u above it.
pub(crate) fn numeric_quantile<D: super::Univariate + ?Sized>(
    d: &D,
    u: f64,
    guess: f64,
    scale: f64,
) -> f64 {
    let (lo, hi) = d.support();
    if u <= 0.0 {
        return lo;
    }
    if u >= 1.0 {
        return hi;
    }
    if u <= 0.5 {
        solve_monotone(|x| d.cdf(x), u, true, (lo, hi), guess, scale)
    } else {
        solve_monotone(|x| d.sf(x), 1.0 - u, false, (lo, hi), guess, scale)
    }
}

/// Inverse survival function by inversion, accurate for tiny `v`.
pub(crate) fn numeric_isf<D: super::Univariate + ?Sized>(
    d: &D,
    v: f64,
    guess: f64,
    scale: f64,
) -> f64 {
    let (lo, hi) = d.support();
    if v <= 0.0 {
        return hi;
    }
    if v >= 1.0 {
        return lo;
    }
    if v < 0.5 {
        solve_monotone(|x| d.sf(x), v, false, (lo, hi), guess, scale)
    } else {
        solve_monotone(|x| d.cdf(x), 1.0 - v, true, (lo, hi), guess, scale)
    }
}
